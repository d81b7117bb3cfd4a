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
done_testing
