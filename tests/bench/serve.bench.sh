#!/usr/bin/env bash
# make bench: GetFuotaTask and CreateFuotaTask requests per second against
# `fuota serve --require-auth` (SigV4 verified on every request) on
# loopback, driven by tests/bench/bench_serve.c. Prints a Markdown section.
set -u
build=${1:?usage: serve.bench.sh BUILD}
fuota=${FUOTA:-$build/fuota}
bench="$build/bench/bench_serve"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/fuota-bench-serve.XXXXXX")
pid=""
cleanup() {
    [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT

export BENCH_ACCESS_KEY_ID=AKIAFUOTABENCH000001
export BENCH_SECRET_ACCESS_KEY=fuotaBenchSecret000000000000000000000001
printf '[bench]\naws_access_key_id = %s\naws_secret_access_key = %s\n' \
    "$BENCH_ACCESS_KEY_ID" "$BENCH_SECRET_ACCESS_KEY" >"$tmp/credentials"

serve_cmd="fuota serve --port 0 --state \$TMP/state.db --region us-east-1 --require-auth --credentials \$TMP/credentials --quiet"
"$fuota" serve --port 0 --state "$tmp/state.db" --region us-east-1 \
    --require-auth --credentials "$tmp/credentials" --quiet \
    >"$tmp/out" 2>"$tmp/err" &
pid=$!
for _ in $(seq 1 200); do
    grep -qs 'listening on' "$tmp/out" && break
    sleep 0.05
done
port=$(sed -n 's/.*listening on http:\/\/127\.0\.0\.1:\([0-9]*\).*/\1/p' "$tmp/out")
if [ -z "$port" ]; then
    echo "serve.bench.sh: server did not start: $(cat "$tmp/err")" >&2
    exit 1
fi
id=$(curl -s --aws-sigv4 "aws:amz:us-east-1:iotwireless" \
    --user "$BENCH_ACCESS_KEY_ID:$BENCH_SECRET_ACCESS_KEY" \
    -H 'Content-Type: application/json' \
    --data-binary '{"Name":"bench","FirmwareUpdateImage":"s3://bench/fw.bin","FirmwareUpdateRole":"arn:aws:iam::123456789012:role/bench","LoRaWAN":{"RfRegion":"EU868"}}' \
    "http://127.0.0.1:$port/fuota-tasks" | sed -n 's/.*"Id":"\([^"]*\)".*/\1/p')
if [ -z "$id" ]; then
    echo "serve.bench.sh: could not create the task to read" >&2
    exit 1
fi

get_args="--op get --id \$ID --connections 16 --requests 100000 --seconds 20"
create_args="--op create --connections 8 --requests 5000 --seconds 20"
# three runs each, the median by requests/s is reported
median_run() {
    local i
    for i in 1 2 3; do "$bench" --port "$port" "$@" || return 1; done |
        sort -t= -k8,8n | awk '{ a[NR] = $0 } END { print a[2] }'
}
field() { printf '%s\n' "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"; }

get=$(median_run --op get --id "$id" --connections 16 --requests 100000 \
    --seconds 20) || { echo "serve.bench.sh: get run failed" >&2; exit 1; }
create=$(median_run --op create --connections 8 --requests 5000 \
    --seconds 20) || { echo "serve.bench.sh: create run failed" >&2; exit 1; }

echo "## fuota serve (HTTP, SigV4 verified)"
echo
echo "Closed-loop load from \`bench_serve\` (keep-alive connections on"
echo "127.0.0.1, one thread each, requests signed with core/sigv4) against"
echo "\`fuota serve --require-auth\` (command below); every request's"
echo "signature is verified. CreateFuotaTask commits each task to SQLite"
echo "(WAL, synchronous=FULL) before answering."
echo "Median of 3 runs by requests/s; the load driver shares the cores with"
echo "the server."
echo
echo "| operation | connections | requests | requests/s | p50 ms | p90 ms | p99 ms | max ms |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|"
for r in "$get" "$create"; do
    op=$(field "$r" op)
    [ "$op" = get ] && name=GetFuotaTask || name=CreateFuotaTask
    printf '| %s | %s | %s | %s | %s | %s | %s | %s |\n' "$name" \
        "$(field "$r" connections)" "$(field "$r" requests)" \
        "$(field "$r" rps)" "$(field "$r" p50_ms)" "$(field "$r" p90_ms)" \
        "$(field "$r" p99_ms)" "$(field "$r" max_ms)"
done
echo
echo "Target: at least 10,000 GetFuotaTask/s on 2 cores."
echo
echo "Commands (BENCH_ACCESS_KEY_ID / BENCH_SECRET_ACCESS_KEY set to the key"
echo "in \$TMP/credentials; \$ID a task created first):"
echo
echo '```'
echo "$serve_cmd"
echo "bench_serve --port \$PORT $get_args"
echo "bench_serve --port \$PORT $create_args"
echo '```'
