#!/usr/bin/env bash
# What-if sweep speed (issue 11): redundancy 0..100 step 5 x loss 0..30
# step 5 (147 points) at M = 1000 with 1,000 trials a point, <= 1 s on 2
# cores. Usage: tests/bench/sweep.bench.sh BUILD   (prints a Markdown section)
set -eu
build=${1:?usage: sweep.bench.sh BUILD}
bench=$build/bench/bench_sweep
fuota=${FUOTA:-$build/fuota}
runs=${SWEEP_BENCH_RUNS:-5}
cores=$(nproc)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

echo "## What-if sweeps (sim/sweep, \`fuota sweep\`)"
echo
echo "Grid: redundancy 0..100 % step 5 x loss 0..30 % step 5 (147 points),"
echo "50,000-byte image in 50-byte fragments (M = 1000), EU868 DR5, 1,000"
echo "trials a point. One trial plays the stream up to M + 100 % to one"
echo "device (rank-mode TS004 decoder) and its completion point answers all"
echo "21 redundancy levels, so the work is 7 loss levels x 1,000 trials."
echo "Wall time is sweep_new + sweep_run, median of $runs runs; \"in steps\""
echo "reaches the same 1,000 trials as the planner screen does (100 first,"
echo "then 1,000; identical results, checked by the benchmark)."
echo
echo "| loss model | trials a point | threads | wall s (one go) | wall s (100, then 1000) | CPU s, all threads (one go) | device trials/s | peak RSS MiB |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|"
"$bench" --threads 1 --runs "$runs" 2>"$tmp/err1"
"$bench" --threads "$cores" --runs "$runs" 2>"$tmp/err2"
"$bench" --threads "$cores" --runs "$runs" --burst 4 2>"$tmp/err3"
echo
echo "Target: <= 1 s on 2 cores (threads = online cores: $cores here)."
echo "Load average when measured: $(cut -d' ' -f1-3 /proc/loadavg) (other"
echo "work on the same cores stretches the wall time; the CPU time is the"
echo "sweep's own work, so CPU s / threads is its wall time on idle cores)."
echo "Commands:"
echo
echo '```'
echo "$bench --threads 1 --runs $runs"
echo "$bench --threads $cores --runs $runs"
echo "$bench --threads $cores --runs $runs --burst 4"
echo '```'
echo

echo "End to end through the CLI (table and recommendation on stdout, one run):"
echo
echo "| command | wall s | peak RSS MiB |"
echo "|---|---|---|"
for fmt in table json; do
    cmd="fuota sweep --image-size 50000 --fragment-size 50 --dr 5 --format $fmt"
    start=$(date +%s.%N)
    if [ -x /usr/bin/time ]; then
        /usr/bin/time -f %M -o "$tmp/rss" "$fuota" sweep --image-size 50000 --fragment-size 50 \
            --dr 5 --format "$fmt" >"$tmp/out" 2>/dev/null
        rss=$(awk '{printf "%.1f", $1 / 1024}' "$tmp/rss")
    else
        "$fuota" sweep --image-size 50000 --fragment-size 50 --dr 5 --format "$fmt" >"$tmp/out" 2>/dev/null
        rss="n/a (no /usr/bin/time)"
    fi
    end=$(date +%s.%N)
    wall=$(awk -v a="$start" -v b="$end" 'BEGIN {printf "%.2f", b - a}')
    echo "| \`$cmd\` | $wall | $rss |"
done
