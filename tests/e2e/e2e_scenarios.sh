#!/usr/bin/env bash
# fuota scenarios and fuota simulate --scenario: the list (text and JSON),
# one scenario shown, every shipped scenario runs and is deterministic by
# seed, options override a scenario, faults and outages take effect, and
# bad scenario files are refused with their file and line.
source "$(dirname "$0")/lib.sh"

cat >"$TMP/task.json" <<'EOF'
{"FirmwareUpdateImage":"s3://fuota-images/meter-v2.bin",
 "FirmwareUpdateRole":"arn:aws:iam::123456789012:role/FuotaS3Access",
 "FragmentSizeBytes":48,"RedundancyPercent":20,"FragmentIntervalMS":30000,
 "LoRaWAN":{"RfRegion":"EU868"}}
EOF
T=$TMP/task.json
flat() { tr -d ' \t\n' <<<"$1"; }

expect_exit 0 "scenarios --help" "$FUOTA" scenarios --help
contains "help says how to play one" "$out" "--scenario NAME"

# The list: every shipped scenario, with the first sentence of its story.
expect_exit 0 "scenarios" "$FUOTA" scenarios
list=$out
for name in clean-run noisy-edge gateway-outage old-devices wrong-keys; do
    contains "lists $name" "$list" "$name "
done
contains "one-line story" "$list" "gateway-outage  The only gateway in range reboots ten minutes into the session and stays down for ten minutes."
shipped=$(ls "$FUOTA_ROOT"/scenarios/*.scenario | wc -l)
ok_if "one line per shipped scenario ($shipped)" test "$(printf '%s\n' "$list" | wc -l)" = "$shipped"
expect_exit 0 "scenarios --json" "$FUOTA" scenarios --json
j=$(flat "$out")
contains "JSON names, paths, summaries" "$j" '{"name":"wrong-keys","path":"'"$FUOTA_ROOT"'/scenarios/wrong-keys.scenario","summary":"5%ofthemetershavethewrongmulticastkeys."}'

# One scenario in full.
expect_exit 0 "scenarios gateway-outage" "$FUOTA" scenarios gateway-outage
contains "story in full" "$out" "redundancy sent after it can fill the gap."
contains "outage shown" "$out" "outage         at 10 min, for 10 min"
expect_exit 0 "scenarios wrong-keys --json" "$FUOTA" scenarios wrong-keys --json
j=$(flat "$out")
contains "JSON faults" "$j" '"faults":{"mic-error":5}'
contains "JSON devices" "$j" '"devices":400,'
expect_exit 2 "unknown scenario" "$FUOTA" scenarios nowhere
contains "unknown scenario says where it looked" "$err" "no scenario 'nowhere' (searched $FUOTA_ROOT/scenarios)"
expect_exit 2 "two operands" "$FUOTA" scenarios clean-run wrong-keys

# Every shipped scenario plays, the same twice (threads differ), another
# seed differs.
for f in "$FUOTA_ROOT"/scenarios/*.scenario; do
    name=$(basename "$f" .scenario)
    expect_exit 0 "simulate --scenario $name" "$FUOTA" simulate "$T" --scenario "$name" --seed 4 --threads 1
    first=$out
    contains "$name: the scenario heads the report" "$out" "Scenario  $name: "
    expect_exit 0 "simulate --scenario $name again" "$FUOTA" simulate "$T" --scenario "$name" --seed 4 --threads 2
    ok_if "$name: same seed, same report" test "$first" = "$out"
    expect_exit 0 "simulate --scenario $name --json" "$FUOTA" simulate "$T" --scenario "$name" --seed 4 --json
    a=$out
    expect_exit 0 "simulate --scenario $name --json, seed 5" "$FUOTA" simulate "$T" --scenario "$name" --seed 5 --json
    ok_if "$name: another seed, another report" test "$a" != "$out"
done

# What the scenarios set: wrong keys give MICError, the outage drops the
# fragments sent in its ten minutes (n = 21..40 at 30 s), old devices are
# refused or run out of decoder memory.
expect_exit 0 "wrong-keys" "$FUOTA" simulate "$T" --scenario wrong-keys --json
j=$(flat "$out")
contains "wrong-keys: 400 devices" "$j" '"devices":400,"seed":1'
contains "wrong-keys: MICError explained" "$j" '"status":"MICError"'
expect_exit 0 "gateway-outage" "$FUOTA" simulate "$T" --scenario gateway-outage --json
contains "outage: fragments 21..40 dropped" "$(flat "$out")" '"drop":[21,22,23,24,25,26,27,28,29,30,31,32,33,34,35,36,37,38,39,40]'
expect_exit 0 "old-devices" "$FUOTA" simulate "$T" --scenario old-devices --json
j=$(flat "$out")
contains "old-devices: refused for memory" "$j" '"Not_enough_memory":'
contains "old-devices: max_lost 10" "$j" '"max_lost":10,'

# Options override the scenario: the fleet, the loss, a fault, the image.
expect_exit 0 "override" "$FUOTA" simulate "$T" --scenario wrong-keys --devices 30 --loss 0 --fault mic-error:0 --image-size 960 --json
j=$(flat "$out")
contains "override: 30 devices" "$j" '"devices":30,'
contains "override: no loss" "$j" '"loss_percent":0,'
contains "override: no MICError" "$j" '"by_status":{"Successful":30}'
contains "override: image size" "$j" '"image_bytes":960,'
# --drop replaces the scenario's list; the outage still applies.
expect_exit 0 "--drop with an outage" "$FUOTA" simulate "$T" --scenario gateway-outage --drop 2 --json
contains "--drop and outage merged" "$(flat "$out")" '"drop":[2,21,22,'

# A scenario by path; bad ones named with file and line.
cat >"$TMP/mine.scenario" <<'EOF'
story My own test field.
devices 12
image-size 480
EOF
expect_exit 0 "scenario by path" "$FUOTA" simulate "$T" --scenario "$TMP/mine.scenario"
contains "by path: its name" "$out" "Scenario  mine: My own test field."
contains "by path: 12 devices" "$out" "Fleet     12 devices"
printf 'story Broken.\ndevices 12\nloss lots\n' >"$TMP/broken.scenario"
expect_exit 2 "broken scenario refused" "$FUOTA" simulate "$T" --scenario "$TMP/broken.scenario"
contains "error names file and line" "$err" "--scenario: $TMP/broken.scenario:3: loss: 'lots' is not a percentage from 0 to 100"
expect_exit 1 "scenarios: a broken file fails its check" "$FUOTA" scenarios "$TMP/broken.scenario"
contains "scenarios: file and line" "$err" "broken.scenario:3:"
expect_exit 2 "missing scenario file" "$FUOTA" simulate "$T" --scenario "$TMP/none.scenario"
contains "missing file named" "$err" "none.scenario: No such file or directory"
expect_exit 2 "unknown scenario name" "$FUOTA" simulate "$T" --scenario nowhere
contains "unknown name" "$err" "--scenario: no scenario 'nowhere'"
printf 'story No fleet.\n' >"$TMP/nofleet.scenario"
expect_exit 2 "a scenario without devices needs --devices" "$FUOTA" simulate "$T" --scenario "$TMP/nofleet.scenario" --image-size 100
contains "devices required" "$err" "--devices: the number of devices is required"
expect_exit 2 "a scenario without an image size needs one" "$FUOTA" simulate "$T" --scenario "$TMP/nofleet.scenario" --devices 3
contains "image required" "$err" "give the image"
done_testing
