#!/usr/bin/env bash
# fuota skeleton: the example request passes our own validate, and plan with
# no warning (its fragment fits EU868's default DR0 and its interval keeps
# the 10 % duty cycle there) for an image that fits a Class C session at DR0
# (up to 46,800 bytes); for a typical 100 kB image the one warning is the
# session timeout (19 h 27 min at DR0), with the faster DR that fits.
. "$(dirname "$0")/lib.sh"

expect_exit 0 "skeleton" "$FUOTA" skeleton
printf '%s\n' "$out" >"$TMP/s.json"
contains "skeleton: 48-byte fragments" "$out" '"FragmentSizeBytes": 48'
contains "skeleton: 28 s interval" "$out" '"FragmentIntervalMS": 28000'

expect_exit 0 "validate the skeleton" "$FUOTA" validate "$TMP/s.json"
lacks "validate: no warning" "$err" "warning"
lacks "validate: no error" "$err" "error"

expect_exit 0 "plan the skeleton, 46,800 bytes" "$FUOTA" plan "$TMP/s.json" \
    --image-size 46800
lacks "plan 46,800 bytes: no warning" "$err" "warning"
contains "plan 46,800 bytes: within 2^15 s" "$out" "2^15 s = 32768 s"
expect_exit 0 "plan the skeleton, 46,801 bytes" "$FUOTA" plan "$TMP/s.json" \
    --image-size 46801
contains "plan 46,801 bytes: beyond 2^15 s" "$err" "warning: the session lasts"

expect_exit 0 "plan the skeleton, 100 kB" "$FUOTA" plan "$TMP/s.json" \
    --image-size 100000
ok_if "plan: one warning, the session timeout" \
    test "$(grep -c '^warning:' <<<"$err")" = 1
contains "plan: the session outlives 2^15 s" "$err" "warning: the session lasts 19 h 27 min"
contains "plan: a faster DR fits" "$err" "note: the session fits at a faster data rate, DR3"
lacks "plan: no error" "$err" "error"
lacks "plan: no duty-cycle stretch" "$err$out" "duty cycle at"
contains "plan: 2084 uncoded fragments" "$out" "2084"

expect_exit 0 "plan the skeleton, 100 KiB" "$FUOTA" plan "$TMP/s.json" \
    --image-size 102400
ok_if "plan 100 KiB: one warning, the session timeout" \
    test "$(grep -c '^warning:' <<<"$err")" = 1

# Through a pipe, as an operator would start: skeleton | validate -
"$FUOTA" skeleton --compact >"$TMP/c.json"
expect_exit 0 "validate - from a pipe" sh -c \
    "\"$FUOTA\" skeleton | \"$FUOTA\" validate -"
lacks "validate -: no warning" "$err" "warning"
expect_exit 0 "plan the compact skeleton" "$FUOTA" plan "$TMP/c.json" \
    --image-size 40000 --json
lacks "plan --json: no warning" "$out$err" '"severity":"warning"'
lacks "plan --json: no warning (spaced)" "$out$err" '"severity": "warning"'
done_testing
