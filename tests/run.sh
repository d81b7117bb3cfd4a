#!/usr/bin/env bash
# Runs the tests of one build directory: every cmocka unit test binary
# ($BUILD/tests/test_*) and every end-to-end script (tests/e2e/*.sh).
# Usage: tests/run.sh BUILD [NAME...]   (NAME filters: test_task, e2e_validate)
# Every test speaks TAP ("ok N - name" / "not ok N - name"); a program that
# exits non-zero without reporting a failure counts as one failure.
# Writes "PASSED FAILED" to $BUILD/results.
set -u
build=${1:?usage: tests/run.sh BUILD [NAME...]}
shift
root=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "$build" && pwd)
export FUOTA="$build/fuota" FUOTA_BUILD="$build" FUOTA_ROOT="$root"
export FUOTA_REF="$root/tests/data/reference"
export CMOCKA_MESSAGE_OUTPUT=TAP
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
filters="$*"
passed=0 failed=0
logdir="$build/test-logs"
mkdir -p "$logdir"

wanted() {
    [ -z "$filters" ] && return 0
    for f in $filters; do [ "$f" = "$1" ] && return 0; done
    return 1
}

run_one() { # name, command...
    local name=$1 log="$logdir/$1.log" rc p f
    shift
    (cd "$root" && timeout 900 "$@") >"$log" 2>&1
    rc=$?
    p=$(grep -cE '^ok [0-9]+' "$log")
    f=$(grep -cE '^not ok [0-9]+' "$log")
    if [ "$rc" != 0 ] && [ "$f" = 0 ]; then
        f=1
        echo "not ok - $name exited with status $rc" >>"$log"
    fi
    passed=$((passed + p)) failed=$((failed + f))
    if [ "$f" = 0 ]; then
        printf '  %-28s %4d passed\n' "$name" "$p"
    else
        printf '  %-28s %4d passed, %d FAILED (log: %s)\n' "$name" "$p" "$f" "$log"
        grep -E '^not ok|ERROR|runtime error|Sanitizer|FAIL' "$log" | head -20 | sed 's/^/      /'
    fi
}

echo "== tests in ${build#"$root"/}"
for t in "$build"/tests/test_*; do
    [ -x "$t" ] || continue
    case "$t" in *.d|*.o) continue ;; esac
    n=$(basename "$t")
    wanted "$n" && run_one "$n" "$t"
done
for t in "$root"/tests/e2e/e2e_*.sh; do
    [ -f "$t" ] || continue
    n=$(basename "$t" .sh)
    wanted "$n" && run_one "$n" bash "$t"
done
echo "$passed $failed" >"$build/results"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
