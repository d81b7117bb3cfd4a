#!/usr/bin/env bash
# The console as an operator feels it (tests/bench/bench_console.c): start
# to first frame, keystroke to redrawn preview at M = 16383, peak memory.
set -eu
build=${1:?usage: console.bench.sh BUILD}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
head -c 16383 /dev/urandom >"$tmp/fw.bin"
req=tests/bench/data/console-m16383.json
cmd="$build/bench/bench_console $build/fuota $req fw.bin(16383 B) 20"
out=$("$build/bench/bench_console" "$build/fuota" "$req" "$tmp/fw.bin" 20)
start=$(awk '/^start_ms/ {print $2}' <<<"$out")
key=$(awk '/^key_ms/ {print $2}' <<<"$out")
key90=$(awk '/^key_ms/ {print $3}' <<<"$out")
rss=$(awk '/^rss_kib/ {print $2}' <<<"$out")
refresh=$(awk '/^refresh_us/ {print $2}' <<<"$out")
floor=$(awk '/^floor_ms/ {print $2}' <<<"$out")
cat <<MD
## The console (tui/)

The real binary on a pseudo-terminal (120x40, TERM=xterm), 20 starts, 20
keystrokes each into Name with a request of M = 16383 one-byte fragments
(every keystroke re-validates and re-plans it and redraws the frame).

| figure | measured | target |
|---|---|---|
| start to the first full frame (median) | $start ms | <= 50 ms |
| keystroke to the redrawn frame and preview (median / 90th percentile) | $key / $key90 ms | <= 5 ms |
| peak resident memory (VmHWM) | $(awk -v k="$rss" 'BEGIN {printf "%.1f MiB", k / 1024}') | <= 20 MB |
| model refresh alone, in process (validate + plan, median) | $refresh us | |
| of the start: exec to exit of \`fuota --version\` (process start and the libraries' loading, median) | $floor ms | |

The last row is the floor under the first one: every start pays the
dynamic loading and initialisation of libcurl, libmicrohttpd and their
TLS and Kerberos dependencies (about 40 shared objects) before the
console's own code runs; the difference between the two rows is the
console (state file, draft, theme, terminal set-up, first frame). Load
average when measured: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores.

Command: \`$cmd\` (built by \`make bench\`).
MD
