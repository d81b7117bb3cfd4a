#!/usr/bin/env bash
# `fuota serve` plays started FUOTA tasks over their virtual devices: the
# --device-loss / --device-spread options, ListWirelessDevices
# (GET /wireless-devices?fuotaTaskId=...) with each device's
# FuotaDeviceStatus before and after the session, determinism for a seed,
# and the same listing through the AWS CLI.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/serve_lib.sh"

DEVICES=20
# A big speed-up so a session of minutes plays in well under a second.
SCALE=1000000

# ---- options -------------------------------------------------------------
expect_exit 0 "serve --help" "$FUOTA" serve --help
contains "help names --device-loss" "$out" "--device-loss PCT"
contains "help names --device-spread" "$out" "--device-spread PCT"
for bad in -1 100.5 abc "" nan inf 1e999; do
    expect_exit 2 "--device-loss '$bad' refused" "$FUOTA" serve \
        --state :memory: --device-loss "$bad"
    contains "--device-loss '$bad' says why" "$err" "--device-loss"
done
for bad in -0.1 101 x; do
    expect_exit 2 "--device-spread '$bad' refused" "$FUOTA" serve \
        --state :memory: --device-spread "$bad"
    contains "--device-spread '$bad' says why" "$err" "--device-spread"
done
expect_exit 2 "--device-loss without a value" "$FUOTA" serve --device-loss
contains "missing value named" "$err" "--device-loss needs a value"
expect_exit 2 "--device-spread without a value" "$FUOTA" serve \
    --device-spread
# A spread must stay below sqrt(p(1-p)): 21.79 % at 5 % mean loss.
expect_exit 2 "--device-spread too wide for the mean loss" timeout 20 "$FUOTA" serve \
    --state :memory: --device-loss 5 --device-spread 25
contains "too-wide spread names the limit" "$err" "21.79"

# new_task EXTRA: creates a task (by default EU868, 40-byte fragments: DR0
# carries 48; $RADIO overrides those members), sets $ID.
RADIO_DEFAULT='"LoRaWAN":{"RfRegion":"EU868"},"FragmentSizeBytes":40'
RADIO=$RADIO_DEFAULT
new_task() {
    jreq POST /fuota-tasks "{\"FirmwareUpdateImage\":\"s3://fw/app.bin\",\"FirmwareUpdateRole\":\"arn:aws:iam::123456789012:role/fuota\",$RADIO,\"FragmentIntervalMS\":1000$1}"
    ID=$(json_str Id)
    [ "$status" = 201 ] && [ -n "$ID" ]
}

# associate N: devices dev-01 .. dev-N with task $ID.
associate() {
    local i d okc=0
    for i in $(seq 1 "$1"); do
        d=$(printf 'dev-%02d' "$i")
        jreq PUT "/fuota-tasks/$ID/wireless-device" \
            "{\"WirelessDeviceId\":\"$d\"}"
        [ "$status" = 204 ] && okc=$((okc + 1))
    done
    [ "$okc" = "$1" ]
}

task_done() {
    req GET "/fuota-tasks/$ID"
    case "$body" in *'"Status":"FuotaDone"'*) return 0 ;; esac
    return 1
}

# statuses: "id=status" lines of every device of $ID, in listing order.
statuses() {
    req GET "/wireless-devices?fuotaTaskId=$ID&maxResults=250"
    printf '%s' "$body" | grep -o '"Id":"[^"]*"[^}]*"FuotaDeviceStatus":"[^"]*"' |
        sed 's/"Id":"\([^"]*\)".*"FuotaDeviceStatus":"\([^"]*\)"/\1=\2/'
}

count_of() { printf '%s\n' "$1" | grep -c "=$2\$"; }

# run_session NAME LOSS EXTRA [SERVE ARGS]: a server, a task with EXTRA
# members, $DEVICES devices, started and played; sets $STATES.
run_session() {
    local name=$1 loss=$2 extra=$3
    shift 3
    STATES=""
    if ! start_server "$name" --state :memory: --time-scale $SCALE \
        --device-loss "$loss" --quiet "$@"; then
        fail "$name: server starts"
        return
    fi
    ok_if "$name: task created" new_task "$extra"
    ok_if "$name: $DEVICES devices associated" associate $DEVICES
    BEFORE=$(statuses)
    ok_if "$name: before start all $DEVICES are Initial" \
        test "$(count_of "$BEFORE" Initial)" = $DEVICES
    jreq PUT "/fuota-tasks/$ID" '{}'
    status_is "$name: StartFuotaTask" 204
    ok_if "$name: task reaches FuotaDone" wait_until 60 task_done
    STATES=$(statuses)
    stop_server
    ok_if "$name: server stopped cleanly" test "$SRV_RC" = 0
}

# ---- 0 % loss: every device completes --------------------------------------
run_session loss0 0 ',"RedundancyPercent":10'
ok_if "loss 0: every device Successful" \
    test "$(count_of "$STATES" Successful)" = $DEVICES
contains "listing names dev-01" "$STATES" "dev-01="

# ---- 100 % loss: nothing arrives -------------------------------------------
run_session loss100 100 ',"RedundancyPercent":10'
ok_if "loss 100: every device MissingFrag" \
    test "$(count_of "$STATES" MissingFrag)" = $DEVICES

# ---- a middle loss with low redundancy: a mix, the same for a seed --------
run_session mixA 5 ',"RedundancyPercent":5' --device-spread 3 --seed 7
MIX_A=$STATES
run_session mixB 5 ',"RedundancyPercent":5' --device-spread 3 --seed 7
MIX_B=$STATES
succ=$(count_of "$MIX_A" Successful)
miss=$(count_of "$MIX_A" MissingFrag)
ok_if "loss 5 %, 5 % redundancy: some devices Successful ($succ)" \
    test "$succ" -gt 0
ok_if "loss 5 %, 5 % redundancy: some devices MissingFrag ($miss)" \
    test "$miss" -gt 0
ok_if "every device has one of the two outcomes" \
    test $((succ + miss)) = $DEVICES
if [ -n "$MIX_A" ] && [ "$MIX_A" = "$MIX_B" ]; then
    pass "same seed, same statuses across two server runs"
else
    fail "same seed, same statuses across two server runs" \
        "A: $(echo $MIX_A)" "B: $(echo $MIX_B)"
fi

# ---- sessions the simulator cannot play still end for every device -------
# No LoRaWAN.RfRegion (optional in AWS), or fragments the session data rate
# cannot carry (200 bytes on EU868, whose Class C default DR0 carries 48):
# nothing reaches the devices, each reports MissingFrag when the session
# times out (before the fix they stayed Initial after FuotaDone).
RADIO='"FragmentSizeBytes":40'
run_session noregion 0 ',"RedundancyPercent":10'
ok_if "no RfRegion: every device MissingFrag after FuotaDone" \
    test "$(count_of "$STATES" MissingFrag)" = $DEVICES
ok_if "no RfRegion: no device left Initial" \
    test "$(count_of "$STATES" Initial)" = 0
RADIO='"LoRaWAN":{"RfRegion":"EU868"},"FragmentSizeBytes":200'
run_session frag200 0 ',"RedundancyPercent":10'
ok_if "200-byte fragments on EU868: every device MissingFrag" \
    test "$(count_of "$STATES" MissingFrag)" = $DEVICES
RADIO='"LoRaWAN":{"RfRegion":"EU868"},"FragmentSizeBytes":48'
run_session frag48 0 ',"RedundancyPercent":10'
ok_if "48-byte fragments on EU868 (the most DR0 carries): all Successful" \
    test "$(count_of "$STATES" Successful)" = $DEVICES
RADIO=$RADIO_DEFAULT

# ---- the wire shape and the listing's edges --------------------------------
ok_if "server for the listing checks" start_server shape --state :memory: \
    --time-scale $SCALE --device-loss 0 --quiet
ok_if "task created" new_task ',"RedundancyPercent":10'
jreq PUT "/fuota-tasks/$ID/wireless-device" '{"WirelessDeviceId":"00112233AABBCCDD"}'
jreq PUT "/fuota-tasks/$ID/wireless-device" '{"WirelessDeviceId":"dev-x"}'
req GET "/wireless-devices?fuotaTaskId=$ID"
status_is "ListWirelessDevices" 200
contains "Content-Type is JSON" "$(header Content-Type)" "application/json"
contains "device Arn of AWS's form" "$body" \
    '"Arn":"arn:aws:iotwireless:us-east-1:123456789012:WirelessDevice/dev-x"'
contains "Type LoRaWAN" "$body" '"Type":"LoRaWAN"'
contains "a DevEui id is LoRaWAN.DevEui" "$body" \
    '"LoRaWAN":{"DevEui":"00112233AABBCCDD"}'
contains "FuotaDeviceStatus beside Id, not under LoRaWAN" "$body" \
    '"Id":"dev-x","Type":"LoRaWAN","FuotaDeviceStatus":"Initial"'
lacks "no NextToken on the last page" "$body" NextToken
req GET "/wireless-devices?fuotaTaskId=$ID&maxResults=1"
status_is "first page of one" 200
TOKEN=$(json_str NextToken)
ok_if "first page has a NextToken" test -n "$TOKEN"
contains "first page has the first device" "$body" '"Id":"00112233AABBCCDD"'
req GET /wireless-devices -G --data-urlencode "fuotaTaskId=$ID" \
    --data-urlencode "nextToken=$TOKEN" --data-urlencode "maxResults=1"
status_is "second page" 200
contains "second page has the second device" "$body" '"Id":"dev-x"'
req GET "/wireless-devices?fuotaTaskId=no-such-task"
status_is "unknown task: no ResourceNotFound in the model" 200
contains "unknown task matches no device" "$body" '{"WirelessDeviceList":[]}'
# without fuotaTaskId: every virtual device, once, by id, no task status
FIRST=$ID
ok_if "a second task" new_task ',"RedundancyPercent":10'
jreq PUT "/fuota-tasks/$ID/wireless-device" '{"WirelessDeviceId":"dev-x"}'
jreq PUT "/fuota-tasks/$ID/wireless-device" '{"WirelessDeviceId":"a-first"}'
req GET "/wireless-devices"
status_is "ListWirelessDevices without a task" 200
ids=$(printf '%s' "$body" | grep -o '"Id":"[^"]*"' | tr '\n' ' ')
ok_if "every device once, ordered by id ($ids)" test "$ids" = \
    '"Id":"00112233AABBCCDD" "Id":"a-first" "Id":"dev-x" '
lacks "no FuotaDeviceStatus outside a task" "$body" FuotaDeviceStatus
contains "unfiltered entries have an Arn" "$body" \
    '"Arn":"arn:aws:iotwireless:us-east-1:123456789012:WirelessDevice/a-first"'
req GET "/wireless-devices?maxResults=2"
TOKEN=$(json_str NextToken)
ok_if "unfiltered first page of two has a NextToken" test -n "$TOKEN"
lacks "first page stops before dev-x" "$body" '"Id":"dev-x"'
req GET /wireless-devices -G --data-urlencode "nextToken=$TOKEN" \
    --data-urlencode "maxResults=2"
status_is "unfiltered second page" 200
ok_if "second page is dev-x alone" test \
    "$(printf '%s' "$body" | grep -o '"Id":"[^"]*"')" = '"Id":"dev-x"'
lacks "unfiltered last page has no NextToken" "$body" NextToken
req GET "/wireless-devices?nextToken=RDoxOjE"
error_is "a task-listing token on the unfiltered listing" 400 \
    ValidationException
req GET "/wireless-devices?maxResults=-1"
error_is "unfiltered maxResults -1" 400 ValidationException
ID=$FIRST
req GET "/wireless-devices?fuotaTaskId=$ID&maxResults=251"
error_is "maxResults 251" 400 ValidationException
req GET "/wireless-devices?fuotaTaskId=$ID&nextToken=garbage"
error_is "a forged nextToken" 400 ValidationException
req GET "/wireless-devices?fuotaTaskId=$(printf 'a%.0s' $(seq 1 257))"
error_is "fuotaTaskId of 257 characters" 400 ValidationException
req GET "/wireless-devices?fuotaTaskId=$ID&wirelessDeviceType=Zigbee"
error_is "unknown wirelessDeviceType" 400 ValidationException
req GET "/wireless-devices?fuotaTaskId=$ID&wirelessDeviceType=Sidewalk"
status_is "wirelessDeviceType Sidewalk" 200
contains "virtual devices are not Sidewalk ones" "$body" \
    '{"WirelessDeviceList":[]}'
req GET "/wireless-devices?fuotaTaskId=$ID&wirelessDeviceType=LoRaWAN"
contains "wirelessDeviceType LoRaWAN keeps them" "$body" '"Id":"dev-x"'
req GET "/wireless-devices?multicastGroupId=g1"
status_is "multicastGroupId alone" 200
contains "a group never associated has no devices" "$body" \
    '{"WirelessDeviceList":[]}'
req POST "/wireless-devices"
error_is "POST /wireless-devices" 405 MethodNotAllowedException

# ---- the AWS CLI -----------------------------------------------------------
if ! command -v aws >/dev/null 2>&1; then
    skip "aws iotwireless list-wireless-devices" "aws not installed"
else
    export HOME="$TMP/home" AWS_ACCESS_KEY_ID=AKIAFLEETTEST0000001
    export AWS_SECRET_ACCESS_KEY=fleetTestSecret000000000000000000000001
    export AWS_DEFAULT_REGION=us-east-1 AWS_EC2_METADATA_DISABLED=true
    export AWS_PAGER=""
    mkdir -p "$HOME"
    unset AWS_PROFILE AWS_SESSION_TOKEN AWS_ENDPOINT_URL 2>/dev/null
    cli() { aws iotwireless --endpoint-url "$URL" --output json "$@"; }
    expect_exit 0 "aws list-wireless-devices --fuota-task-id" cli \
        list-wireless-devices --fuota-task-id "$ID"
    contains "aws parses FuotaDeviceStatus" "$out" \
        '"FuotaDeviceStatus": "Initial"'
    contains "aws parses LoRaWAN.DevEui" "$out" '"DevEui": "00112233AABBCCDD"'
    contains "aws lists dev-x" "$out" '"Id": "dev-x"'
    jreq PUT "/fuota-tasks/$ID" '{}'
    ok_if "task played" wait_until 60 task_done
    expect_exit 0 "aws list-wireless-devices after the session" cli \
        list-wireless-devices --fuota-task-id "$ID" --max-results 1
    contains "aws sees a played status" "$out" \
        '"FuotaDeviceStatus": "Successful"'
    contains "aws gets a NextToken" "$out" '"NextToken"'
    expect_exit 0 "aws list-wireless-devices without a filter" cli \
        list-wireless-devices
    contains "aws lists every virtual device" "$out" '"Id": "a-first"'
    expect_exit 0 "aws list-wireless-devices --wireless-device-type" cli \
        list-wireless-devices --wireless-device-type Sidewalk
    contains "aws: no Sidewalk devices" "$out" '"WirelessDeviceList": []'
    # AWS CLI v1 exits 255 on a service error, v2 254.
    cli list-wireless-devices --fuota-task-id "$ID" \
        --next-token not-a-token >"$TMP/out" 2>"$TMP/err"
    rc=$?
    err=$(cat "$TMP/err")
    ok_if "aws with a bad token fails (exit $rc)" \
        test "$rc" = 254 -o "$rc" = 255
    contains "aws shows the ValidationException" "$err" ValidationException
fi
stop_server
ok_if "server stopped cleanly" test "$SRV_RC" = 0

# ---- device faults (--fault NAME:PCT) -------------------------------------
# The same seed and loss as mixA, with 30 % wrong keys and 20 % refusing the
# Descriptor: those devices end MICError / Wrong_descriptor, every other one
# exactly as in mixA (faults draw from their own per-device streams).
RADIO=$RADIO_DEFAULT
run_session faults 5 ',"RedundancyPercent":5' --device-spread 3 --seed 7 \
    --fault mic-error:30 --fault wrong-descriptor:20
mic=$(count_of "$STATES" MICError)
desc=$(count_of "$STATES" Wrong_descriptor)
ok_if "--fault mic-error:30: some devices MICError ($mic)" test "$mic" -gt 0
ok_if "--fault wrong-descriptor:20: some devices Wrong_descriptor ($desc)" \
    test "$desc" -gt 0
changed=$(diff <(printf '%s\n' "$MIX_A") <(printf '%s\n' "$STATES") |
    grep '^>' | grep -cv '=MICError$\|=Wrong_descriptor$')
ok_if "faults change no other device's outcome" test "$changed" = 0
grep -q 'fault mic-error on 30 % of the devices' "$SRV_ERR"
ok_if "serve names its faults on stderr" test $? = 0
for bad in mic-error wrong-keys:5 mic-error:101 mic-error:x; do
    expect_exit 2 "--fault '$bad' refused" "$FUOTA" serve --state :memory: \
        --fault "$bad"
    contains "--fault '$bad' says why" "$err" "--fault: "
done

done_testing
