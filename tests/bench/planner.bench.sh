#!/usr/bin/env bash
# The console's planner screen (issue 11): F6 to the first chart (the
# first stage, a few trials a point) and to the chart with every trial.
# Usage: tests/bench/planner.bench.sh BUILD   (prints a Markdown section)
set -eu
build=${1:?usage: planner.bench.sh BUILD}
bench=$build/bench/bench_planner
runs=${PLANNER_BENCH_RUNS:-5}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

echo "## Console planner (tui/planner, F6)"
echo
echo "Workload: the planner's defaults, redundancy 0..100 % step 5 x loss"
echo "0..30 % step 5 (7 x 21 = 147 points), 1,000 trials a point, seed 1,"
echo "opened from the wizard (EU868, expected loss 10 %). \`bench_planner\`"
echo "drives the console's screens in-process as its loop does (every"
echo "screen's tick, the draw, one doupdate) on a curses screen writing to"
echo "/dev/null, a frame every millisecond while it waits. F6 opens the"
echo "screen and starts the sweep on its own thread (all cores); the chart"
echo "appears with the first stage (10 trials a point) and sharpens at 100,"
echo "200, 300, 400, 500, 625, ... trials until all 1,000 are in. A full"
echo "chart frame is everything redrawn (curves, band, axes, panel,"
echo "recommendation). Medians of $runs runs; peak RSS of the bench process."
echo
echo "| terminal | image / fragment, data rate | loss levels x redundancy levels | F6 to first frame ms | F6 to first chart ms | F6 to full chart ms | full chart frame ms | peak RSS MiB |"
echo "|---|---|---:|---:|---:|---:|---:|---:|"
"$bench" --runs "$runs" 2>"$tmp/a.err"
"$bench" --runs "$runs" --image-size 100000 --fragment-size 48 --dr 0 \
    --cols 80 --lines 24 2>"$tmp/b.err"
echo
echo "Target: the first chart within 200 ms of F6. Load average when"
echo "measured: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores (other"
echo "work on the same cores stretches the times; the full chart is the"
echo "sweep's own cost, see the sweep section). Commands:"
echo
echo '```'
echo "$bench --runs $runs"
echo "$bench --runs $runs --image-size 100000 --fragment-size 48 --dr 0 --cols 80 --lines 24"
echo '```'
