#!/usr/bin/env bash
# make bench: runs every tests/bench/*.bench.sh with the bench build
# directory as its argument. Each prints a Markdown section (figures with the
# exact command that made them) on stdout; this script prints them and writes
# them all to docs/benchmarks.md.
set -u
build=$(cd "${1:?usage: run.sh BUILD}" && pwd)
root=$(cd "$(dirname "$0")/../.." && pwd)
out="$root/docs/benchmarks.md"
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
{
    echo "# Benchmarks"
    echo
    echo "Written by \`make bench\` (tests/bench/run.sh); do not edit by hand."
    echo "Figures are medians unless stated; the machines are shared and"
    echo "noisy, so compare ratios, not single runs."
    echo
    echo "- date: $(date -u +%Y-%m-%dT%H:%MZ)"
    echo "- machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
    echo "- compiler: $(${CC:-cc} --version | head -1)"
    echo "- build: \`make bench\` (-O2 -g, no sanitizers)"
    echo
} >"$tmp"
status=0
for s in "$root"/tests/bench/*.bench.sh; do
    [ -f "$s" ] || continue
    echo "bench: $(basename "$s")" >&2
    if ! (cd "$root" && FUOTA="$build/fuota" bash "$s" "$build") >>"$tmp"; then
        echo "bench: $(basename "$s") failed" >&2
        status=1
    fi
    echo >>"$tmp"
done
# Commands are quoted relative to the repository, wherever it is checked out.
sed -i "s#$root/##g" "$tmp"
cat "$tmp"
cp "$tmp" "$out"
echo "bench: wrote docs/benchmarks.md" >&2
exit $status
