#!/usr/bin/env bash
# Adds up the results of the given build directories; fails if any failed or
# if a build produced no results (it did not compile).
set -u
passed=0 failed=0
for b in "$@"; do
    if [ -f "$b/results" ]; then
        read -r p f <"$b/results"
        passed=$((passed + p)) failed=$((failed + f))
    else
        echo "$b: no results (the build failed)" >&2
        failed=$((failed + 1))
    fi
done
echo "$passed passed, $failed failed"
[ "$failed" = 0 ] && [ "$passed" -gt 0 ]
