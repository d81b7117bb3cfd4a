#!/usr/bin/env bash
# make bench: the TS004 codec (core/fec): per-device decode time (full and
# rank mode), encode throughput, peak memory. Prints a Markdown section.
set -eu
build=${1:?usage: fec.bench.sh BUILD}
root=$(cd "$(dirname "$0")/../.." && pwd)
bin="$build/bench/bench_fec"
runs=101
echo "## TS004 FEC codec (core/fec)"
echo
echo "Command: \`${bin#"$root"/} $runs\` (source: tests/bench/bench_fec.c)"
echo
"$bin" "$runs"
echo
echo "Reference point (shared/spec/fec-ts004.md): Semtech's FragDecoder.c"
echo "takes about 11 ms (M = 1000) and 70 ms (M = 2000) per device on this"
echo "class of machine."
