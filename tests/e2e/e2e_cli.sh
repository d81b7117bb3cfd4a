#!/usr/bin/env bash
# The top-level command line: help, version, unknown commands and options.
. "$(dirname "$0")/lib.sh"

expect_exit 0 "--help" "$FUOTA" --help
contains "--help lists validate" "$out" "validate"
contains "--help lists plan" "$out" "plan"
expect_exit 0 "--version" "$FUOTA" --version
contains "--version prints the version" "$out" "fuota 0."
expect_exit 2 "unknown command" "$FUOTA" frobnicate
contains "unknown command is named" "$err" "unknown command 'frobnicate'"
expect_exit 2 "unknown option" "$FUOTA" --frobnicate
contains "unknown option is named" "$err" "unknown option '--frobnicate'"

# Data on stdout is never lost silently: a write error is exit 1, named.
if [ -w /dev/full ]; then
    "$FUOTA" skeleton >"$TMP/req.json"
    for args in "--help" "--version" "skeleton" "validate --json $TMP/req.json" \
        "plan $TMP/req.json --image-size 1000 --json" "validate --help"; do
        # shellcheck disable=SC2086
        "$FUOTA" $args >/dev/full 2>"$TMP/err"
        rc=$?
        ok_if "write error exits 1: fuota $args" test "$rc" = 1
        contains "write error named: fuota $args" "$(cat "$TMP/err")" \
            "error writing standard output"
    done
else
    pass "write errors # SKIP /dev/full not available"
fi
done_testing
