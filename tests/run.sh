#!/usr/bin/env bash
# Runs the tests of one build directory: every cmocka unit test binary
# ($BUILD/tests/test_*) and every end-to-end script (tests/e2e/*.sh).
# Usage: tests/run.sh BUILD [NAME...]   (NAME filters: test_task, e2e_validate)
# TEST_LABEL names the pass in the output ("-Werror", "asan"; default the
# build directory).
#
# Every test speaks TAP ("ok N - name", "not ok N - name"); "ok N - name
# # SKIP reason" is a check that could not run here: counted apart, never as
# passed, and printed with its reason under its suite. A program that exits
# non-zero without reporting a failure counts as one failure.
# Each suite's name is printed before it runs, its counts when it ends.
# Writes "PASSED FAILED SKIPPED LABEL" to $BUILD/results and every skip
# ("suite: name # SKIP reason") to $BUILD/skips.
set -u
build=${1:?usage: tests/run.sh BUILD [NAME...]}
shift
root=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "$build" && pwd)
label=${TEST_LABEL:-${build#"$root"/}}
export FUOTA="$build/fuota" FUOTA_BUILD="$build" FUOTA_ROOT="$root"
export FUOTA_REF="$root/tests/data/reference"
export CMOCKA_MESSAGE_OUTPUT=TAP
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
filters="$*"
passed=0 failed=0 skipped=0
logdir="$build/test-logs"
mkdir -p "$logdir"
: >"$build/skips"

wanted() {
    [ -z "$filters" ] && return 0
    for f in $filters; do [ "$f" = "$1" ] && return 0; done
    return 1
}

skip_re='^ok [0-9]+.*# *[Ss][Kk][Ii][Pp]'

run_one() { # name, command...
    local name=$1 log="$logdir/$1.log" rc p f s
    shift
    printf '  %-28s ' "$name"
    (cd "$root" && timeout 900 "$@") >"$log" 2>&1
    rc=$?
    s=$(grep -cE "$skip_re" "$log")
    p=$(($(grep -cE '^ok [0-9]+' "$log") - s))
    f=$(grep -cE '^not ok [0-9]+' "$log")
    if [ "$rc" != 0 ] && [ "$f" = 0 ]; then
        f=1
        echo "not ok - $name exited with status $rc" >>"$log"
    fi
    passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
    printf '%4d passed' "$p"
    [ "$s" = 0 ] || printf ', %d skipped' "$s"
    if [ "$f" = 0 ]; then
        printf '\n'
    else
        printf ', %d FAILED (log: %s)\n' "$f" "$log"
        grep -E '^not ok|ERROR|runtime error|Sanitizer|FAIL' "$log" | head -20 | sed 's/^/      /'
    fi
    grep -E "$skip_re" "$log" | sed -E 's/^ok [0-9]+ - (.*) # *[Ss][Kk][Ii][Pp] */\1\t/' |
        while IFS=$'\t' read -r what why; do
            printf '      skipped: %s (%s)\n' "$what" "${why:-no reason given}"
            printf '%s: %s # SKIP %s\n' "$name" "$what" "$why" >>"$build/skips"
        done
}

echo "== $label: tests in ${build#"$root"/}"
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
echo "$passed $failed $skipped $label" >"$build/results"
echo "$label: $passed passed, $failed failed, $skipped skipped"
[ "$failed" = 0 ]
