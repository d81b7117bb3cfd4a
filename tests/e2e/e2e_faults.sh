#!/usr/bin/env bash
# fuota simulate --fault NAME:PCT: each fault gives its status, changes no
# other device, is deterministic by seed; the report explains every status
# that occurred (table and JSON); bad --fault values are usage errors.
source "$(dirname "$0")/lib.sh"

cat >"$TMP/t.json" <<'EOF'
{"FirmwareUpdateImage":"s3://bucket-name/fw.bin",
 "FirmwareUpdateRole":"arn:aws:iam::123456789012:role/fuota",
 "FragmentSizeBytes":20,"RedundancyPercent":30,"FragmentIntervalMS":2000,
 "LoRaWAN":{"RfRegion":"EU868"}}
EOF
T=$TMP/t.json
# sim0: the request and the fleet; sim: with the loss and seed of most runs.
sim0() { "$FUOTA" simulate "$T" --image-size 400 --devices 400 "$@"; }
sim() { sim0 --loss 8 --seed 5 "$@"; }
flat() { tr -d ' \t\n' <<<"$1"; }

expect_exit 0 "help names --fault" "$FUOTA" simulate --help
contains "help lists the fault names" "$out" "session-cnt-replay, mic-error"

# Baseline and the same run with each fault: its status appears; every
# device line of the CSV without that status is the baseline's line.
expect_exit 0 "baseline" sim --csv "$TMP/base.csv"
for pair in package-not-supported:Package_Not_Supported \
    frag-algo-unsupported:FragAlgo_unsupported \
    not-enough-memory:Not_enough_memory \
    frag-index-unsupported:FragIndex_unsupported \
    wrong-descriptor:Wrong_descriptor \
    session-cnt-replay:SessionCnt_replay mic-error:MICError; do
    name=${pair%%:*} status=${pair#*:}
    expect_exit 0 "--fault $name:10" sim --fault "$name:10" --csv "$TMP/f.csv" --json
    j=$(flat "$out")
    n=$(grep -c ",$status," "$TMP/f.csv")
    # 10 % of 400: 40 expected; 4.5 sd of Binomial(400, 0.1) is 27.
    ok_if "$name: $n devices $status, about 10 %" test "$n" -ge 13 -a "$n" -le 67
    contains "$name: JSON counts the fault's devices" "$j" "\"faults\":{\"$name\":{\"percent\":10,\"devices\":$n}}"
    contains "$name: JSON explains $status" "$j" "{\"status\":\"$status\",\"devices\":$n,\"from_faults\":{\"$name\":$n}"
    changed=$(diff "$TMP/base.csv" "$TMP/f.csv" | grep '^>' | grep -cv ",$status,")
    ok_if "$name: no other device changed" test "$changed" = 0
done

# The table: the faults line and the explanations.
expect_exit 0 "table with faults" sim --fault mic-error:5 --fault not-enough-memory:3
contains "faults line" "$out" "Faults    3 % not-enough-memory (buffers too small for the session),"
contains "outcomes section" "$out" "Outcomes"
contains "MICError explained" "$out" "MICError: "
contains "cause with its source" "$out" "[TS005-2.0.0"
contains "what to do" "$out" "What to do: Check the device's keys"
contains "in this run, by fault" "$out" "had the fault mic-error"
contains "MissingFrag explained too" "$out" "MissingFrag: "
contains "MissingFrag cites the guidance" "$out" "M + 7"
# Without faults there is no faults line, but still the explanations.
expect_exit 0 "table without faults" sim
lacks "no faults line" "$out" "Faults "
contains "explanations without faults" "$out" "Successful: "

# Deterministic by seed, whatever the thread count; another seed differs.
expect_exit 0 "run A" sim --fault mic-error:20 --threads 1 --json
a=$out
expect_exit 0 "run B" sim --fault mic-error:20 --threads 2 --json
ok_if "same seed, same report" test "$a" = "$out"
expect_exit 0 "run C" sim0 --loss 8 --fault mic-error:20 --seed 6 --json
ok_if "another seed, another report" test "$a" != "$out"
# The last value for a fault wins; 0 % turns it off.
expect_exit 0 "repeated fault" sim --fault mic-error:20 --fault mic-error:0 --csv "$TMP/off.csv"
ok_if "mic-error:0 is no fault" cmp -s "$TMP/base.csv" "$TMP/off.csv"

# Wrong keys hold the early stop off; refusals do not.
expect_exit 0 "early stop, refusals" sim0 --early-stop --fault wrong-descriptor:30 --json
contains "refusals: early stop at M" "$(flat "$out")" '"early_stop_at_fragment":20,'
expect_exit 0 "early stop, wrong keys" sim0 --early-stop --fault mic-error:30 --json
contains "wrong keys: no early stop" "$(flat "$out")" '"early_stop_at_fragment":0,'

# Bad values.
for bad in mic-error "wrong-keys:5" "mic-error:101" "mic-error:-1" "mic-error:5%" \
    "mic-error:" ":5" "mic-error:1e1" "mic-error: 5" ""; do
    expect_exit 2 "--fault '$bad' refused" sim --fault "$bad"
    contains "--fault '$bad' named" "$err" "--fault"
done
expect_exit 2 "--fault needs a value" sim --fault
contains "missing value" "$err" "--fault needs a value"
many=()
for i in $(seq 1 17); do many+=(--fault mic-error:1); done
expect_exit 2 "--fault at most 16 times" sim "${many[@]}"
contains "too many named" "$err" "given more than 16 times"
done_testing
