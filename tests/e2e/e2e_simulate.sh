#!/usr/bin/env bash
# fuota simulate: outcomes, determinism, outputs, and every bad parameter.
source "$(dirname "$0")/lib.sh"

# M = 16 fragments of 10 bytes, R = 16 (100 %), EU868 default DR0.
cat >"$TMP/t10.json" <<'EOF'
{"FirmwareUpdateImage":"s3://bucket-name/fw.bin",
 "FirmwareUpdateRole":"arn:aws:iam::123456789012:role/fuota",
 "FragmentSizeBytes":10,"RedundancyPercent":100,"FragmentIntervalMS":2000,
 "LoRaWAN":{"RfRegion":"EU868"}}
EOF
T10=$TMP/t10.json
# A 50-byte fragment does not fit EU868 DR0 (48 bytes).
sed 's/"FragmentSizeBytes":10/"FragmentSizeBytes":50/' "$T10" >"$TMP/t50.json"
sed 's/"RedundancyPercent":100/"RedundancyPercent":101/' "$T10" >"$TMP/bad.json"
sed 's/"RedundancyPercent":100/"RedundancyPercent":20/' "$T10" >"$TMP/t20.json"
echo '{"FirmwareUpdateImage": ' >"$TMP/notjson.json"
sim() { "$FUOTA" simulate "$@"; }
flat() { tr -d ' \t\n' <<<"$1"; }
# json_has NAME JSON KV / json_lacks: KV as a whole member value, ended by
# ',' '}' or ']' ('"interval_ms":1000' must not match 10000).
json_has() {
    case "$2" in *"$3"[,}\]]*) pass "$1" ;; *) fail "$1" "missing: $3 (then , } or ])" "in: ${2:0:600}" ;; esac
}
json_lacks() {
    case "$2" in *"$3"[,}\]]*) fail "$1" "unexpected: $3" "in: ${2:0:600}" ;; *) pass "$1" ;; esac
}
json_lacks "json_has is anchored: 1000 is not 10000" '{"interval_ms":10000}' '"interval_ms":1000'

expect_exit 0 "help" sim --help
contains "help lists --early-stop" "$out" "--early-stop"

# 0 % loss: everyone completes at fragment M = 16 with 16 received.
expect_exit 0 "no loss" sim "$T10" --image-size 160 --devices 20 --json
j=$(flat "$out")
json_has "no loss: all completed" "$j" '"completed":20,"failed":0'
json_has "no loss: completed at M" "$j" '"completion_fragment":{"count":20,"min":16,"median":16,"p90":16,"p99":16,"max":16'
json_has "no loss: M received" "$j" '"fragments_received_to_complete":{"count":20,"min":16,"median":16'
lacks "no progress bar when stderr is not a terminal" "$err" "devices"

# 100 % loss: nobody.
expect_exit 0 "total loss" sim "$T10" --image-size 160 --devices 20 --loss 100 --json
j=$(flat "$out")
json_has "total loss: none completed" "$j" '"completed":0,"failed":20'
contains "total loss: MissingFrag" "$j" '"by_status":{"MissingFrag":20}'

# Fragment 1 lost: redundancy row 1 covers column 0, so 17 repairs it.
expect_exit 0 "drop 1" sim "$T10" --image-size 160 --devices 3 --drop 1 --json
j=$(flat "$out")
contains "drop 1: completes at 17" "$j" '"completions_by_fragment":[[17,3]]'
json_has "drop 1: 16 received" "$j" '"fragments_received_to_complete":{"count":3,"min":16,"median":16'

# Fragments 1 and 2 lost, only redundancy rows 1 and 2 (fragments 17, 18)
# received: as many redundancy fragments as lost, yet row 1 covers both
# columns and row 2 neither, so the device cannot complete (not MDS).
nonmds=1,2,19,20,21,22,23,24,25,26,27,28,29,30,31,32
expect_exit 0 "non-MDS drop" sim "$T10" --image-size 160 --devices 2 --drop "$nonmds" --csv "$TMP/nonmds.csv" --json
j=$(flat "$out")
contains "non-MDS: nobody completes" "$j" '"by_status":{"MissingFrag":2}'
contains "non-MDS csv: 16 received, 2 lost" "$(cat "$TMP/nonmds.csv")" "0,MissingFrag,0.0000,16,2,0,"
# With every redundancy fragment the same losses complete at 20.
expect_exit 0 "drop 1,2" sim "$T10" --image-size 160 --devices 2 --drop 1,2 --json
contains "drop 1,2: completes at 20" "$(flat "$out")" '"completions_by_fragment":[[20,2]]'

# Late join 3 = losing 1..3 for everyone: the same outcome, fragment by
# fragment (the reports differ only in how the loss was described).
expect_exit 0 "late join" sim "$T10" --image-size 160 --devices 2 --late-join 3 --json
late=$(flat "$out" | sed 's/.*"devices":{"total"//')
expect_exit 0 "drop 1..3" sim "$T10" --image-size 160 --devices 2 --drop 1,2,3 --json
drop=$(flat "$out" | sed 's/.*"devices":{"total"//')
ok_if "late join 3 completes like drop 1,2,3" test "$late" = "$drop"
contains "late join: outcome present" "$late" '"completions_by_fragment":[['

# Determinism: byte-identical reports whatever the thread count.
for t in 1 2 3; do
    expect_exit 0 "threads $t" sim "$T10" --image-size 1000 --devices 60 --loss 15 --burst 2 \
        --spread 5 --shared-loss 2 --seed 77 --threads "$t" --report "$TMP/r$t.json" --csv "$TMP/c$t.csv"
done
ok_if "report identical for 1 and 2 threads" cmp -s "$TMP/r1.json" "$TMP/r2.json"
ok_if "report identical for 1 and 3 threads" cmp -s "$TMP/r1.json" "$TMP/r3.json"
ok_if "csv identical for 1 and 3 threads" cmp -s "$TMP/c1.csv" "$TMP/c3.csv"
sim "$T10" --image-size 1000 --devices 60 --loss 15 --burst 2 --spread 5 --shared-loss 2 --seed 78 --report "$TMP/r4.json" >/dev/null 2>&1
differ() { ! cmp -s "$1" "$2"; }
ok_if "another seed, another report" differ "$TMP/r1.json" "$TMP/r4.json"
ok_if "csv has a header and one line a device" test "$(wc -l <"$TMP/c1.csv")" = 61

# Rank mode agrees with full mode on every device.
expect_exit 0 "rank mode" sim "$T10" --image-size 1000 --devices 60 --loss 15 --seed 77 --mode rank --sample 10 --csv "$TMP/rank.csv"
sim "$T10" --image-size 1000 --devices 60 --loss 15 --seed 77 --csv "$TMP/full.csv" >/dev/null 2>&1
ok_if "rank and full mode outcomes agree" \
    test "$(cut -d, -f1-7 "$TMP/rank.csv")" = "$(cut -d, -f1-7 "$TMP/full.csv")"
contains "rank mode table says rank-only" "$out" "rank-only decode"

# Early stop: saves airtime, never stops before the last completion.
expect_exit 0 "early stop" sim "$T10" --image-size 1000 --devices 30 --loss 10 --early-stop --json
j=$(flat "$out")
last=$(grep -o '"completion_fragment":{[^}]*}' <<<"$j" | grep -o '"max":[0-9]*' | cut -d: -f2)
json_has "early stop at the last completion" "$j" "\"early_stop_at_fragment\":$last"
json_has "early stop sends up to there" "$j" "\"fragments_sent\":$last"
json_lacks "early stop saved airtime" "$j" '"saved_ms":0'
json_lacks "early stop saved session time" "$j" '"session_time_saved_ms":0'
contains "early stop in the table" "$(sim "$T10" --image-size 1000 --devices 30 --loss 10 --early-stop 2>/dev/null)" "(early stop after fragment $last"

# --class-c-limit: past 2^15 s (TS005's longest Class C session) every
# device is back in Class A. 20000 B in 10-byte fragments at DR0 with 20 %
# redundancy: 2400 fragments, of which the first 2210 fit (fuota plan says
# the same); at 10 % loss most devices need more than that.
sed 's/"RedundancyPercent":100/"RedundancyPercent":20/' "$T10" >"$TMP/long.json"
expect_exit 0 "a 10 h session, devices stay" sim "$TMP/long.json" --image-size 20000 --devices 50 --loss 10
contains "without the limit: all complete" "$out" "Completed 50 of 50"
expect_exit 0 "--class-c-limit" sim "$TMP/long.json" --image-size 20000 --devices 50 --loss 10 --class-c-limit
contains "the fragments after 2210 are lost for all" "$out" "10 % per device, 190 dropped"
contains "most devices end MissingFrag" "$out" "MissingFrag"
lacks "not all complete" "$out" "Completed 50 of 50"
contains "the note says where they leave" "$err" "note: --class-c-limit: every device leaves after fragment 2210 of 2400 (2^15 s, TS005)"
expect_exit 0 "plan agrees" "$FUOTA" plan "$TMP/long.json" --image-size 20000
contains "plan: the same fragment" "$err$out" "after fragment 2210 of 2400"
expect_exit 0 "--class-c-limit, a short session" sim "$T10" --image-size 160 --devices 5 --class-c-limit
lacks "short: no note" "$err" "--class-c-limit"
lacks "short: nothing dropped" "$out" "dropped"
contains "help lists --class-c-limit" "$(sim --help)" "--class-c-limit"

# Table output, a real image file, events.
head -c 777 /dev/urandom >"$TMP/fw.bin"
expect_exit 0 "image file" sim "$T10" --image "$TMP/fw.bin" --devices 5 --loss 5 --events "$TMP/ev.jsonl"
contains "table: completed line" "$out" "Completed"
contains "table: image size" "$out" "777 B image"
ok_if "events start with fragment 1 sent" \
    test "$(head -1 "$TMP/ev.jsonl")" = '{"t_ms":0.000,"event":"sent","fragment":1}'
ok_if "events: one sent line per fragment" test "$(grep -c '"sent"' "$TMP/ev.jsonl")" = 156
ok_if "events: one outcome per device" \
    test "$(grep -c '"completed"\|"failed"' "$TMP/ev.jsonl")" = 5

# A progress bar on stderr only when stderr is a terminal. script(1) gives
# it one; where it cannot (a chroot without /dev/pts) it says so.
if ! command -v script >/dev/null 2>&1; then
    skip "progress bar on a terminal" "script(1) not installed"
else
    tty_out=$(script -qec "'$FUOTA' simulate '$T10' --image-size 160 --devices 40 --json" /dev/null </dev/null 2>&1 | tr '\r' '\n')
    case "$tty_out" in
    *"failed to create pseudo-terminal"*)
        skip "progress bar on a terminal" "no pseudo-terminal" ;;
    *) contains "progress bar on a terminal" "$tty_out" "] 100 % 40/40 devices" ;;
    esac
fi

# The request from standard input.
expect_exit 0 "request on stdin" sim - --image-size 160 --devices 2 <"$T10"
contains "request on stdin: simulated" "$out" "Completed 2 of 2"

# Device limits fail as devices do.
expect_exit 0 "max frags" sim "$T10" --image-size 160 --devices 2 --max-frags 15 --json
contains "max frags: Not_enough_memory" "$(flat "$out")" '"by_status":{"Not_enough_memory":2}'
expect_exit 0 "max lost" sim "$T10" --image-size 160 --devices 2 --drop 1,2,3 --max-lost 2 --json
contains "max lost: MemoryError" "$(flat "$out")" '"by_status":{"MemoryError":2}'

# Bad parameters: exit 2 and a message naming the option.
bad() { # name, expected text, args...
    local name=$1 want=$2; shift 2
    expect_exit 2 "$name" sim "$@"
    contains "$name: message" "$err" "$want"
}
bad "negative loss" "--loss" "$T10" --image-size 160 --devices 2 --loss -1
bad "loss over 100" "--loss: 100.5 is outside 0..100" "$T10" --image-size 160 --devices 2 --loss 100.5
bad "loss not a number" "--loss: 'ten' is not a number" "$T10" --image-size 160 --devices 2 --loss ten
bad "zero devices" "--devices: 0 is outside 1.." "$T10" --image-size 160 --devices 0
bad "devices missing" "--devices" "$T10" --image-size 160
bad "no image" "--image" "$T10" --devices 2
bad "two images" "exactly one of --image" "$T10" --devices 2 --image "$TMP/fw.bin" --image-size 10
bad "empty image" "--image-size: 0 is outside" "$T10" --devices 2 --image-size 0
bad "image file missing" "$TMP/nope.bin" "$T10" --devices 2 --image "$TMP/nope.bin"
bad "too many fragments" "--image-size: an image of 200000 bytes is too large for this request" "$T10" --image-size 200000 --devices 2
contains "too many fragments: the rule" "$err" "16383"
bad "fragment too large for the DR" "FragmentSizeBytes: 50 bytes do not fit a downlink at EU868 DR0" "$TMP/t50.json" --image-size 160 --devices 2
bad "DR without downlink" "--dr: DR8 of EU868 cannot carry fragments" "$T10" --image-size 160 --devices 2 --dr 8
bad "DR out of range" "--dr: 16 is outside 0..15" "$T10" --image-size 160 --devices 2 --dr 16
bad "invalid request" "RedundancyPercent" "$TMP/bad.json" --image-size 160 --devices 2
bad "not JSON" "not a usable CreateFuotaTask request" "$TMP/notjson.json" --image-size 160 --devices 2
bad "request file missing" "$TMP/none.json: No such file or directory" "$TMP/none.json" --image-size 160 --devices 2
lacks "request file missing: no verdict on the request" "$err" "not a usable"
sed 's/"RedundancyPercent":100/"RedundancyPercent":"x"/' "$T10" >"$TMP/type.json"
bad "member of the wrong type" "error: RedundancyPercent: expected an integer" "$TMP/type.json" --image-size 160 --devices 2
contains "member of the wrong type: not usable" "$err" "type.json: not a usable CreateFuotaTask request"
# A request of exactly 1 MiB is read; one byte more is refused.
cp "$T10" "$TMP/1mib.json"
head -c $((1048576 - $(wc -c <"$T10"))) /dev/zero | tr '\0' ' ' >>"$TMP/1mib.json"
expect_exit 0 "a request of exactly 1 MiB" sim "$TMP/1mib.json" --image-size 160 --devices 2
cp "$TMP/1mib.json" "$TMP/big.json"
printf ' ' >>"$TMP/big.json"
bad "request above 1 MiB" "big.json: too large: more than 1048576 bytes, the most a request may be" "$TMP/big.json" --image-size 160 --devices 2
lacks "request above 1 MiB: no verdict on the request" "$err" "not a usable"
bad "endless request on stdin (/dev/zero)" "<stdin>: too large: more than 1048576 bytes" - --image-size 160 --devices 2 </dev/zero
bad "request is a directory" "$TMP: Is a directory" "$TMP" --image-size 160 --devices 2
bad "image is a directory" "$TMP: Is a directory" "$T10" --image "$TMP" --devices 2
bad "burst below 1" "--burst: 0.5 is outside" "$T10" --image-size 160 --devices 2 --loss 10 --burst 0.5
bad "burst too short for the loss" "--burst: a mean burst of 1 fragment cannot reach 60 % loss" "$T10" --image-size 160 --devices 2 --loss 60 --burst 1
bad "spread over 100" "--spread: 101 is outside 0..100" "$T10" --image-size 160 --devices 2 --spread 101
bad "negative shared loss" "--shared-loss: -1 is outside 0..100" "$T10" --image-size 160 --devices 2 --shared-loss -1
bad "late join too large" "--late-join: 16384 is outside 0..16383" "$T10" --image-size 160 --devices 2 --late-join 16384
bad "drop zero" "--drop: fragment 0 is not a fragment number" "$T10" --image-size 160 --devices 2 --drop 0
bad "drop empty item" "--drop: an empty item" "$T10" --image-size 160 --devices 2 --drop 1,,2
bad "drop not a number" "--drop: 'x' is not a fragment number" "$T10" --image-size 160 --devices 2 --drop 3,x
bad "drop beyond the session" "--drop: fragment 33 is beyond the session's 32 fragments" "$T10" --image-size 160 --devices 2 --drop 33
bad "bad mode" "--mode: 'fast' is not a mode" "$T10" --image-size 160 --devices 2 --mode fast
bad "zero threads" "--threads: 0 is outside 1..256" "$T10" --image-size 160 --devices 2 --threads 0
bad "negative seed" "--seed: -1 is outside" "$T10" --image-size 160 --devices 2 --seed -1
bad "sample over 100" "--sample: 150 is outside 0..100" "$T10" --image-size 160 --devices 2 --sample 150
bad "unknown option" "unknown option '--fast'" "$T10" --image-size 160 --devices 2 --fast
bad "missing value" "--loss needs a value" "$T10" --image-size 160 --devices 2 --loss
bad "too many devices" "--devices: 10000001 is outside 1..10000000" "$T10" --image-size 160 --devices 10000001
bad "image size beyond TS004" "--image-size: 4177666 is outside 1..4177665" "$T10" --image-size 4177666 --devices 2
bad "zero max frags" "--max-frags: 0 is outside 1..16383" "$T10" --image-size 160 --devices 2 --max-frags 0
bad "zero max lost" "--max-lost: 0 is outside" "$T10" --image-size 160 --devices 2 --max-lost 0
bad "zero device memory" "--device-memory: 0 is outside" "$T10" --image-size 160 --devices 2 --device-memory 0
bad "max frag size over 255" "--max-frag-size: 256 is outside 1..255" "$T10" --image-size 160 --devices 2 --max-frag-size 256
bad "negative sample" "--sample: -1 is outside 0..100" "$T10" --image-size 160 --devices 2 --sample -1
bad "two request files" "one FILE only ('$T10' is extra)" "$T10" "$T10" --image-size 160 --devices 2
bad "stdin twice" "--image: the request FILE already reads standard input" - --image - --devices 2
bad "no request file" "no request FILE" --image-size 160 --devices 2
bad "report not writable" "--report: $TMP/no/dir.json" "$T10" --image-size 160 --devices 2 --report "$TMP/no/dir.json"

# Codecs: a fleet whose devices number the v2 parity rows the other way
# (LoRa Basics Modem against the TS004-2.0.0 text) rebuilds wrong images
# wherever a redundancy fragment was used, and says MICError.
expect_exit 0 "v2 stream to v2-lbm devices" sim "$T10" --image-size 160 \
    --devices 40 --loss 10 --codec v2 --device-codec v2-lbm --json --csv "$TMP/lbm.csv"
j=$(flat "$out")
json_has "codecs in the report" "$j" '"codec":"v2","device_codec":"v2-lbm"'
json_has "no internal error" "$j" '"internal_errors":0'
contains "some devices end MICError" "$j" '"MICError":'
# In the CSV, a device is Successful exactly when it lost nothing.
ok_if "Successful iff nothing lost, else MICError" awk -F, '
    NR > 1 && !(($5 == 0 && $2 == "Successful") || ($5 > 0 && $2 == "MICError")) { bad = 1 }
    END { exit bad }' "$TMP/lbm.csv"
expect_exit 0 "same numbering: every image right" sim "$T10" --image-size 160 \
    --devices 40 --loss 10 --codec v2-lbm --json
json_has "v2-lbm to v2-lbm: all completed" "$(flat "$out")" '"completed":40,"failed":0'
expect_exit 0 "other numbering, table" sim "$T10" --image-size 160 \
    --devices 40 --loss 10 --codec v2-lbm --device-codec v2 --mode rank
contains "table names the codecs" "$out" "Codec     v2-lbm stream, v2 devices (other parity rows)"
contains "rank mode decodes such a fleet in full" "$out" "(40 fully decoded)"
contains "table counts MICError" "$out" "MICError"
bad "unknown codec" "--codec: unknown codec 'v3' (v1, v2 or v2-lbm)" "$T10" --image-size 160 --devices 2 --codec v3
bad "unknown device codec" "--device-codec: unknown codec 'lbm'" "$T10" --image-size 160 --devices 2 --device-codec lbm
bad "v2 devices on a v1 stream" "--device-codec: v2-lbm devices cannot take a v1 session" "$T10" --image-size 160 --devices 2 --device-codec v2-lbm
bad "v1 devices on a v2 stream" "--device-codec: v1 devices cannot take a v2 session" "$T10" --image-size 160 --devices 2 --codec v2 --device-codec v1

# The option parser (getopt_long, full names only): every form and slip.
in_tmp() { (cd "$TMP" && "$@"); }
cp "$T10" "$TMP/-x"
expect_exit 0 "-- before a request named -x" in_tmp "$FUOTA" simulate --image-size 160 --devices 2 -- -x
expect_exit 0 "options first, --opt=value" sim --image-size=160 --devices=2 --loss=10 --json "$T10"
json_has "--opt=value: the device count is used" "$(flat "$out")" '"devices":{"total":2'
expect_exit 0 "POSIXLY_CORRECT: options after FILE still count" env POSIXLY_CORRECT=1 "$FUOTA" simulate "$T10" --image-size 160 --devices 2
expect_exit 0 "-h" sim -h
contains "-h shows the usage" "$out" "Usage: fuota simulate"
bad "request -x without --" "unknown option '-x'" --image-size 160 --devices 2 -x
bad "--devices= (empty)" "--devices needs a value" "$T10" --image-size 160 --devices=
bad "--report= (empty)" "--report needs a value" "$T10" --image-size 160 --devices 2 --report=
bad "--mode= (empty)" "--mode needs a value" "$T10" --image-size 160 --devices 2 --mode=
bad "--drop '' (empty)" "--drop needs a value" "$T10" --image-size 160 --devices 2 --drop ""
bad "--csv at the end" "--csv needs a value" "$T10" --image-size 160 --devices 2 --csv
bad "--devices twice" "'--devices' is given twice" "$T10" --image-size 160 --devices 2 --devices=3
bad "--loss twice" "'--loss' is given twice" "$T10" --image-size 160 --devices 2 --loss 1 --loss 1
bad "--seed twice" "'--seed' is given twice" "$T10" --image-size 160 --devices 2 --seed 1 --seed 2
expect_exit 0 "--json twice is harmless" sim "$T10" --image-size 160 --devices 2 --json --json
bad "abbreviation --max-frag (ambiguous)" "unknown option '--max-frag'" "$T10" --image-size 160 --devices 2 --max-frag 5
bad "abbreviation --dev (unique)" "unknown option '--dev'" "$T10" --image-size 160 --dev 2
bad "abbreviation --early" "unknown option '--early'" "$T10" --image-size 160 --devices 2 --early
bad "--early-stop=1" "--early-stop takes no value" "$T10" --image-size 160 --devices 2 --early-stop=1
contains "usage errors point to --help" "$err" "Try 'fuota simulate --help'."
bad "number errors point to --help" "Try 'fuota simulate --help'." "$T10" --image-size 160 --devices 0

done_testing
