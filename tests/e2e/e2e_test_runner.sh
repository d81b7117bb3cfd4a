#!/usr/bin/env bash
# tests/run.sh and tests/summary.sh, on a fake tree of three suites: each
# pass labelled, each suite named, skips counted apart and printed with
# their reasons, a total at the end.
. "$(dirname "$0")/lib.sh"

root=$TMP/root
mkdir -p "$root/tests/e2e" "$TMP/b1/tests" "$TMP/b2/tests"
cp "$FUOTA_ROOT/tests/run.sh" "$FUOTA_ROOT/tests/summary.sh" "$root/tests/"
cat >"$root/tests/e2e/e2e_alpha.sh" <<'EOF'
echo "ok 1 - first"
echo "ok 2 - needs a tool # SKIP tool not installed"
echo "ok 3 - second"
echo "ok 4 - as root # skip running as root: permissions do not apply"
echo "1..4"
EOF
cat >"$root/tests/e2e/e2e_beta.sh" <<'EOF'
echo "ok 1 - fine"
echo "not ok 2 - broken"
echo "1..2"
exit 1
EOF
cat >"$TMP/b1/tests/test_unit" <<'EOF'
#!/bin/sh
echo "ok 1 - unit"
echo "1..1"
EOF
chmod +x "$TMP/b1/tests/test_unit"
cp "$TMP/b1/tests/test_unit" "$TMP/b2/tests/"

expect_exit 1 "run.sh: a pass with a failure" env TEST_LABEL=-Werror \
    "$root/tests/run.sh" "$TMP/b1"
contains "run.sh: the pass is labelled" "$out" "== -Werror: tests in"
contains "run.sh: each suite named with its counts" "$out" "test_unit                       1 passed"
contains "run.sh: skips counted apart" "$out" "e2e_alpha                       2 passed, 2 skipped"
contains "run.sh: a skip with its reason" "$out" "skipped: needs a tool (tool not installed)"
contains "run.sh: a lower-case skip too" "$out" "skipped: as root (running as root: permissions do not apply)"
contains "run.sh: a failure" "$out" "e2e_beta                        1 passed, 1 FAILED"
contains "run.sh: the labelled total" "$out" "-Werror: 4 passed, 1 failed, 2 skipped"
ok_if "run.sh: results file" test "$(cat "$TMP/b1/results")" = "4 1 2 -Werror"
ok_if "run.sh: skips file" test "$(cat "$TMP/b1/skips")" = "e2e_alpha: needs a tool # SKIP tool not installed
e2e_alpha: as root # SKIP running as root: permissions do not apply"

expect_exit 0 "run.sh: a filtered pass" env TEST_LABEL=asan \
    "$root/tests/run.sh" "$TMP/b2" test_unit e2e_alpha
contains "run.sh: the filtered total" "$out" "asan: 3 passed, 0 failed, 2 skipped"
lacks "run.sh: filtered out suites do not run" "$out" "e2e_beta"

expect_exit 1 "summary.sh: a failed pass fails" "$root/tests/summary.sh" "$TMP/b1" "$TMP/b2"
contains "summary.sh: one line a pass" "$out" "-Werror: 4 passed, 1 failed, 2 skipped
asan: 3 passed, 0 failed, 2 skipped"
contains "summary.sh: each skip once, with its reason" "$out" "skipped (with the reason; tests/e2e/lib.sh skip):
  e2e_alpha: as root # SKIP running as root: permissions do not apply
  e2e_alpha: needs a tool # SKIP tool not installed
total: 7 passed, 1 failed, 4 skipped"
expect_exit 0 "summary.sh: passes that passed" "$root/tests/summary.sh" "$TMP/b2"
contains "summary.sh: the total" "$out" "total: 3 passed, 0 failed, 2 skipped"
expect_exit 1 "summary.sh: a build without results" "$root/tests/summary.sh" "$TMP/b2" "$TMP/none"
contains "summary.sh: says the build failed" "$err" "$TMP/none: no results (the build failed)"
# Results of an older run.sh (two numbers) still add up.
mkdir "$TMP/b3"
echo "5 0" >"$TMP/b3/results"
expect_exit 0 "summary.sh: two-number results" "$root/tests/summary.sh" "$TMP/b3"
contains "summary.sh: two-number results named by folder" "$out" "$TMP/b3: 5 passed, 0 failed, 0 skipped"

# lib.sh's skip: one TAP line that run.sh counts apart.
contains "lib.sh skip writes a TAP skip" "$(skip "a check" "a reason")" "ok $((_n + 1)) - a check # SKIP a reason"
done_testing
