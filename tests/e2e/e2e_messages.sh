#!/usr/bin/env bash
# What every command says, said the same way: errors before warnings and
# notes (only the error when the command fails), ranges as the user writes
# them, `fuota help COMMAND`, -h in every help, "Is a directory" and
# <stdin> in every command, the summary table when no device completes.
. "$(dirname "$0")/lib.sh"

# 65536 bytes in 200-byte fragments at 10 %: R = 32.8, rounded up (a note).
cat >"$TMP/meters.json" <<'EOF'
{"FirmwareUpdateImage":"s3://acme-firmware/meter-v2.4.bin",
 "FirmwareUpdateRole":"arn:aws:iam::123456789012:role/IoTWirelessFuota",
 "FragmentSizeBytes":200,"RedundancyPercent":10,"FragmentIntervalMS":4000,
 "LoRaWAN":{"RfRegion":"EU868"}}
EOF
M=$TMP/meters.json
msim() { "$FUOTA" simulate "$M" --image-size 65536 --dr 5 --devices 2 "$@"; }

# ---- errors first, and only the error when the command fails --------------
expect_exit 0 "a run that works shows the rounding note" msim
contains "the note" "$err" "note: RedundancyPercent: 10 % of 328 fragments is 32.80"
expect_exit 2 "--drop beyond the session" msim --drop 9999
ok_if "--drop 9999: only the error" test "$err" = \
    "fuota simulate: --drop: fragment 9999 is beyond the session's 361 fragments"
expect_exit 2 "a loss model that cannot be" msim --loss 60 --burst 1
lacks "a bad loss model: no note" "$err" "note:"
contains "a bad loss model: the error" "$err" "--burst: a mean burst of 1 fragment cannot reach 60 % loss"
expect_exit 2 "an output that cannot be written" msim --csv "$TMP/no/c.csv"
lacks "an unwritable output: no note" "$err" "note:"
# A request with a warning before an error in document order.
cat >"$TMP/warn-then-error.json" <<'EOF'
{"FirmwareUpdateImage":"https://example.com/fw.bin",
 "FirmwareUpdateRole":"arn:aws:iam::123456789012:role/fuota",
 "RedundancyPercent":101,"LoRaWAN":{"RfRegion":"EU868"}}
EOF
expect_exit 1 "validate: a warning and an error" "$FUOTA" validate "$TMP/warn-then-error.json"
ok_if "validate: the error is the first line" \
    test "$(head -1 <<<"$err")" = "error: RedundancyPercent: 101 is above the maximum 100"
contains "validate: the warning follows" "$(sed -n 2p <<<"$err")" "warning: FirmwareUpdateImage:"
expect_exit 1 "plan: a warning and an error" "$FUOTA" plan "$TMP/warn-then-error.json" --image-size 100
ok_if "plan: the error is the first line" \
    test "$(head -1 <<<"$err")" = "error: RedundancyPercent: 101 is above the maximum 100"
expect_exit 2 "simulate: an unusable request" "$FUOTA" simulate "$TMP/warn-then-error.json" --image-size 100 --devices 1
lacks "simulate: an unusable request: no warning" "$err" "warning:"
contains "simulate: an unusable request: the error" "$err" "error: RedundancyPercent: 101 is above the maximum 100"

# ---- ranges as the user writes them ---------------------------------------
expect_exit 2 "--burst beyond its range" msim --burst 2000000
contains "--burst: the range in plain digits" "$err" "--burst: 2000000 is outside 1..1000000"
lacks "--burst: no exponent" "$err" "e+"
expect_exit 2 "--sample beyond its range" msim --sample 100.5
contains "--sample: the range" "$err" "--sample: 100.5 is outside 0..100"

# ---- help -------------------------------------------------------------------
cmds=$("$FUOTA" --help | awk '/^Commands:/ {on=1; next} on && /^  [a-z]/ {print $1}')
ok_if "the commands are listed" test -n "$cmds"
for c in $cmds; do
    expect_exit 0 "fuota help $c" "$FUOTA" help "$c"
    help_out=$out
    "$FUOTA" "$c" --help >"$TMP/help.txt" 2>&1
    ok_if "fuota help $c = fuota $c --help" test "$help_out" = "$(cat "$TMP/help.txt")"
    contains "fuota $c --help lists -h" "$help_out" "-h, --help"
    contains "fuota $c --help gives the exit status" "$help_out" "Exit status"
done
contains "fuota --help names the write rule" "$("$FUOTA" --help)" "output
that could not be written (one message with the reason; no output file is
left half-written)"
expect_exit 0 "fuota help" "$FUOTA" help
contains "fuota help: the general help" "$out" "Commands:"
expect_exit 2 "fuota help nope" "$FUOTA" help nope
contains "fuota help nope: said" "$err" "fuota help: unknown command 'nope'"
expect_exit 2 "fuota help plan extra" "$FUOTA" help plan extra
contains "fuota help plan extra: said" "$err" "one COMMAND only ('extra' is extra)"

# ---- one wording in every command -------------------------------------------
mkdir "$TMP/dir"
"$FUOTA" skeleton >"$TMP/task.json"
isdir() { # NAME ARGS...: exit 2, "fuota CMD: [OPT: ]DIR: Is a directory"
    local name=$1
    shift
    expect_exit 2 "$name" "$FUOTA" "$@"
    contains "$name: 'Is a directory'" "$err" "$TMP/dir: Is a directory"
    lacks "$name: said once" "$err" "is a directory"
}
isdir "validate a directory" validate "$TMP/dir"
isdir "plan: request a directory" plan "$TMP/dir" --image-size 10
isdir "plan: image a directory" plan "$TMP/task.json" --image "$TMP/dir"
isdir "fragments: image a directory" fragments --image "$TMP/dir" --fragment-size 10 --redundancy 1
isdir "fragments: output a directory" fragments --image "$TMP/task.json" --fragment-size 10 --redundancy 1 -o "$TMP/dir"
isdir "simulate: request a directory" simulate "$TMP/dir" --image-size 10 --devices 1
isdir "simulate: image a directory" simulate "$TMP/task.json" --image "$TMP/dir" --devices 1
isdir "simulate: --report a directory" simulate "$TMP/task.json" --image-size 10 --devices 1 --report "$TMP/dir"

stdin() { # NAME WANT ARGS... (stdin empty): the message names <stdin>
    local name=$1 want=$2
    shift 2
    expect_exit 2 "$name" "$FUOTA" "$@" </dev/null
    contains "$name: <stdin>" "$err" "$want"
    lacks "$name: no '-:'" "$err" " -:"
}
stdin "fragments: an empty image on stdin" "fuota fragments: <stdin>: the image is empty" \
    fragments --image - --fragment-size 10 --redundancy 1
stdin "plan: an empty image on stdin" "fuota plan: <stdin>: the image is empty" \
    plan "$TMP/task.json" --image -
stdin "simulate: an empty image on stdin" "fuota simulate: --image: <stdin> is empty" \
    simulate "$TMP/task.json" --image - --devices 1
expect_exit 2 "simulate: an unusable request on stdin" "$FUOTA" simulate - --image-size 10 --devices 1 <<<'{'
contains "simulate: an unusable request on stdin: <stdin>" "$err" "fuota simulate: <stdin>: not a usable CreateFuotaTask request"
expect_exit 1 "validate: an invalid request on stdin" "$FUOTA" validate - <<<'{}'
contains "validate: <stdin>" "$err" "<stdin>: invalid:"

# ---- the summary table when nobody completes --------------------------------
expect_exit 0 "nobody completes" msim --loss 100
contains "none completed" "$out" "fragments received until completion  none completed"
contains "none completed: completion fragment" "$out" "completed at fragment                none completed"
lacks "none completed: no row of zeros" "$out" " 0        0        0"
expect_exit 0 "some complete" msim --loss 5
contains "the label says until completion" "$out" "fragments received until completion "
contains "the statistics' header" "$out" "min  median     p90     p99     max      mean"
done_testing
