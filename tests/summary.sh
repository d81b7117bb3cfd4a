#!/usr/bin/env bash
# Adds up the results of the given build directories (written by
# tests/run.sh): one labelled line per pass, every skip with its reason
# (once, however many passes skipped it), then the total:
#   -Werror: 1650 passed, 0 failed, 8 skipped
#   asan: 1650 passed, 0 failed, 8 skipped
#   total: 3300 passed, 0 failed, 16 skipped
# Fails if any test failed or a build produced no results (it did not
# compile).
set -u
passed=0 failed=0 skipped=0
skips=""
for b in "$@"; do
    if [ -f "$b/results" ]; then
        read -r p f s label <"$b/results"
        s=${s:-0}
        passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
        echo "${label:-$b}: $p passed, $f failed, $s skipped"
        [ -f "$b/skips" ] && skips+=$(cat "$b/skips")$'\n'
    else
        echo "$b: no results (the build failed)" >&2
        failed=$((failed + 1))
    fi
done
if [ -n "${skips//$'\n'/}" ]; then
    echo "skipped (with the reason; tests/e2e/lib.sh skip):"
    printf '%s' "$skips" | sed '/^$/d' | sort -u | sed 's/^/  /'
fi
echo "total: $passed passed, $failed failed, $skipped skipped"
[ "$failed" = 0 ] && [ "$passed" -gt 0 ]
