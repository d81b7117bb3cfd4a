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

# Data on stdout is never lost silently: a write error is exit 2, named
# with its reason, one message.
if [ -w /dev/full ]; then
    "$FUOTA" skeleton >"$TMP/req.json"
    for args in "--help" "--version" "skeleton" "validate --json $TMP/req.json" \
        "plan $TMP/req.json --image-size 1000 --json" "validate --help"; do
        # shellcheck disable=SC2086
        "$FUOTA" $args >/dev/full 2>"$TMP/err"
        rc=$?
        ok_if "write error exits 2: fuota $args" test "$rc" = 2
        contains "write error named: fuota $args" "$(cat "$TMP/err")" \
            "error writing standard output: No space left on device"
        ok_if "write error is one message: fuota $args" \
            test "$(wc -l <"$TMP/err")" = 1
    done
else
    skip "write errors" "/dev/full not available"
fi

# Every command reads its request the same way (cli_load_task): the same
# limit (1 MiB), the same exit status (2) and the same messages.
"$FUOTA" skeleton >"$TMP/task.json"
cp "$TMP/task.json" "$TMP/big.json"
head -c $((1048577 - $(wc -c <"$TMP/task.json"))) /dev/zero | tr '\0' ' ' >>"$TMP/big.json"
ok_if "the oversize request is 1 MiB + 1 byte" test "$(wc -c <"$TMP/big.json")" = 1048577
mkdir "$TMP/dir"
for cmd in "validate" "plan --image-size 100" "simulate --image-size 100 --devices 1"; do
    name=${cmd%% *}
    # shellcheck disable=SC2086
    {
        expect_exit 2 "$name: 1 MiB + 1 byte" "$FUOTA" $cmd "$TMP/big.json"
        contains "$name: 1 MiB + 1: the limit" "$err" "big.json: too large: more than 1048576 bytes, the most a request may be"
        lacks "$name: 1 MiB + 1: no size claimed" "$err" "1048577"
        ok_if "$name: 1 MiB + 1: one line and the verdict only" test "$(wc -l <<<"$err")" = 1
        expect_exit 2 "$name: endless stdin" "$FUOTA" $cmd - </dev/zero
        contains "$name: endless stdin: the limit" "$err" "<stdin>: too large: more than 1048576 bytes"
        expect_exit 2 "$name: a directory" "$FUOTA" $cmd "$TMP/dir"
        contains "$name: a directory: errno text" "$err" "fuota $name: $TMP/dir: Is a directory"
        expect_exit 2 "$name: a missing file" "$FUOTA" $cmd "$TMP/nope.json"
        contains "$name: a missing file: errno text" "$err" "fuota $name: $TMP/nope.json: No such file or directory"
        ok_if "$name: input errors print nothing on stdout" test -z "$out"
    }
done

# Numbers are plain decimals in every command: no blanks, '+', hex,
# exponents, nan or inf (strtod/strtoll alone take most of these).
# "@" is where the value goes; the "--port -1" after serve's value keeps a
# wrongly accepted value from starting a server (the port error ends it).
nums=(
    "plan --expected-loss|plan $TMP/task.json --image-size 100 --expected-loss @|a number"
    "fragments --fragment-size|fragments --image $TMP/task.json --redundancy 1 --fragment-size @|a whole number"
    "simulate --loss|simulate $TMP/task.json --image-size 100 --devices 1 --loss @|a number"
    "serve --throttle-rate|serve --state :memory: --throttle-rate @ --port -1|a number"
)
for row in "${nums[@]}"; do
    IFS='|' read -r label args kind <<<"$row"
    opt=${label#* }
    read -r -a words <<<"$args"
    for v in '0x10' ' 5' '+5' '5 ' '1e2' 'nan' 'inf' '-inf' '.5' '5.' '-' '1,5' ''; do
        argv=()
        for w in "${words[@]}"; do [ "$w" = @ ] && argv+=("$v") || argv+=("$w"); done
        expect_exit 2 "$label '$v'" "$FUOTA" "${argv[@]}"
        if [ -z "$v" ]; then
            contains "$label '': an empty value" "$err" "$opt needs a value"
        else
            contains "$label '$v': refused as not $kind" "$err" "$opt: '$v' is not $kind"
        fi
        ok_if "$label '$v': nothing on stdout" test -z "$out"
    done
done
# Plain decimals are taken, fractions where a number may have one.
expect_exit 0 "plan --expected-loss 12.5" "$FUOTA" plan "$TMP/task.json" --image-size 100 --expected-loss 12.5 --json
contains "plan --expected-loss 12.5: used" "$(tr -d ' \t\n' <<<"$out")" '"expected_loss_percent":12.5,'
expect_exit 0 "plan --expected-loss 010 (decimal, not octal)" "$FUOTA" plan "$TMP/task.json" --image-size 100 --expected-loss 010 --json
contains "plan --expected-loss 010: ten" "$(tr -d ' \t\n' <<<"$out")" '"expected_loss_percent":10,'
expect_exit 2 "plan --expected-loss -0.5" "$FUOTA" plan "$TMP/task.json" --image-size 100 --expected-loss -0.5
contains "plan --expected-loss -0.5: a range error" "$err" "--expected-loss: -0.5 is outside 0..100"
expect_exit 2 "fragments --fragment-size 5.5" "$FUOTA" fragments --image "$TMP/task.json" --redundancy 1 --fragment-size 5.5
contains "fragments --fragment-size 5.5: not whole" "$err" "'5.5' is not a whole number"
expect_exit 2 "an integer beyond 64 bits" "$FUOTA" fragments --image "$TMP/task.json" --redundancy 1 --fragment-size 99999999999999999999
contains "beyond 64 bits: a range error" "$err" "--fragment-size: 99999999999999999999 is outside 1..255"
expect_exit 0 "fragments --fragment-size 010" "$FUOTA" fragments --image "$TMP/task.json" --redundancy 1 --fragment-size 010
expect_exit 0 "simulate --loss 0.5" "$FUOTA" simulate "$TMP/task.json" --image-size 100 --devices 1 --loss 0.5
done_testing
