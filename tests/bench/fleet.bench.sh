#!/usr/bin/env bash
# Fleet simulator speed and memory (issues 5, 13): 10,000 devices, 100 KB image
# (M = 2000, S = 50), 10 % i.i.d. loss, 20 % redundancy, all cores.
# Usage: tests/bench/fleet.bench.sh BUILD   (prints a Markdown section)
set -eu
build=${1:?usage: fleet.bench.sh BUILD}
bench=$build/bench/bench_fleet
fuota=${FUOTA:-$build/fuota}
runs=${FLEET_BENCH_RUNS:-3}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

echo "## Fleet simulator (sim/fleet, \`fuota simulate\`)"
echo
echo "Workload: 10,000 devices, 100,000-byte image in 50-byte fragments"
echo "(M = 2000, R = 400 at 20 % redundancy), 10 % i.i.d. loss, threads ="
echo "online cores ($(nproc)). Wall time is the median of $runs runs of"
echo "fleet_run(); peak RSS is the bench process's (getrusage). Then where"
echo "the time goes, in CPU seconds on one thread (CLOCK_PROCESS_CPUTIME_ID,"
echo "so other load on the machine counts less): the whole run on one"
echo "thread, of which drawing every device's loss pattern and checking"
echo "every fully decoded image against the source byte for byte (memcmp,"
echo "as sim/fleet does); the rest is the TS004 decoder (core/fec)."
echo
echo "| mode | devices | threads | M | R | wall s (median) | peak RSS MiB | 1 thread: whole run s | loss patterns s | image check s | decode s | completed | mean fragments over M |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|"
"$bench" --mode full --devices 10000 --runs "$runs" 2>"$tmp/full.err"
"$bench" --mode rank --devices 10000 --runs "$runs" 2>"$tmp/rank.err"
echo
sha=$(sed -n 's/.*SHA-256 of those images instead: \([0-9.]*\) s.*/\1/p' "$tmp/full.err")
echo "The image check was SHA-256 of every image (libsodium) until it became"
echo "a byte-for-byte comparison with the source, which is as strong (any"
echo "differing byte is found) at memory speed: in full mode, SHA-256 of the"
echo "same 10,000 images takes ${sha:-?} s on one thread."
echo
echo "Targets (2 cores): full <= 2 s (issue 13), rank (1 % full-decode"
echo "sample) <= 2 s, memory <= 1 GiB. Commands:"
echo
echo '```'
echo "$bench --mode full --devices 10000 --runs $runs"
echo "$bench --mode rank --devices 10000 --runs $runs"
echo '```'
echo

# The same through the CLI, end to end (request parsing, report).
cat >"$tmp/task.json" <<'EOF'
{"FirmwareUpdateImage":"s3://fuota-bench/fw.bin",
 "FirmwareUpdateRole":"arn:aws:iam::123456789012:role/fuota",
 "FragmentSizeBytes":50,"RedundancyPercent":20,"FragmentIntervalMS":1000,
 "LoRaWAN":{"RfRegion":"EU868"}}
EOF
echo "End to end through the CLI (EU868 DR5, one run each):"
echo
echo "| command | wall s | peak RSS MiB |"
echo "|---|---|---|"
for mode in full rank; do
    cmd="fuota simulate task.json --image-size 100000 --devices 10000 --loss 10 --dr 5 --mode $mode --json"
    start=$(date +%s.%N)
    if [ -x /usr/bin/time ]; then
        /usr/bin/time -f %M -o "$tmp/rss" "$fuota" simulate "$tmp/task.json" --image-size 100000 \
            --devices 10000 --loss 10 --dr 5 --mode "$mode" --json >"$tmp/out.json" 2>/dev/null
        rss=$(awk '{printf "%.1f", $1 / 1024}' "$tmp/rss")
    else
        "$fuota" simulate "$tmp/task.json" --image-size 100000 --devices 10000 --loss 10 \
            --dr 5 --mode "$mode" --json >"$tmp/out.json" 2>/dev/null
        rss="n/a (no /usr/bin/time)"
    fi
    end=$(date +%s.%N)
    wall=$(awk -v a="$start" -v b="$end" 'BEGIN {printf "%.2f", b - a}')
    echo "| \`$cmd\` | $wall | $rss |"
done
echo
echo "task.json: EU868, FragmentSizeBytes 50, RedundancyPercent 20,"
echo "FragmentIntervalMS 1000 (the session's fragment spacing is stretched"
echo "to 1.18 s by EU868's 10 % duty cycle; no effect on the run time)."
