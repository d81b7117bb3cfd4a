#!/usr/bin/env bash
# fuota serve: multicast groups carry virtual devices into the tasks they
# are associated with (--group-devices), those devices play the session,
# and a started task's status and every device's FuotaDeviceStatus follow
# the session's simulated clock over HTTP.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/serve_lib.sh"
skip() { _n=$((_n + 1)); echo "ok $_n - $1 # SKIP $2"; }

expect_exit 2 "--group-devices above 1000" "$FUOTA" serve --group-devices 1001
contains "--group-devices: the range" "$err" "--group-devices"

# fnv1a64 TEXT: the documented id rule, computed here independently.
fnv1a64() {
    python3 -c 'import sys
h = 0xcbf29ce484222325
for b in sys.argv[1].encode():
    h = ((h ^ b) * 0x100000001b3) & 0xffffffffffffffff
print("%016x" % h)' "$1"
}

# 40-byte fragments: EU868's Class C default (DR0) carries them. At a time
# scale of 10000 the session (about 12 h simulated) lasts about 4 s.
ok_if "server with 3 devices per group starts" start_server groups \
    --state :memory: --time-scale 10000 --group-devices 3 --device-loss 0
contains "the start-up lines name the group size" "$(cat "$SRV_ERR")" \
    "3 per multicast group"
jreq POST /fuota-tasks "$(task_json | sed 's/"FragmentSizeBytes":50/"FragmentSizeBytes":40/')"
ID=$(json_str Id)
jreq PUT "/fuota-tasks/$ID/wireless-device" '{"WirelessDeviceId":"d1"}'
jreq PUT "/fuota-tasks/$ID/multicast-group" '{"MulticastGroupId":"g1"}'
status_is "the group is associated" 204
req GET "/wireless-devices?fuotaTaskId=$ID"
n=$(printf '%s' "$body" | grep -o '"Id":"' | wc -l)
[ "$n" = 4 ] && pass "the task has d1 and the group's 3 devices" ||
    fail "the task has d1 and the group's 3 devices" "$body"
if command -v python3 >/dev/null; then
    dev1=$(fnv1a64 "g1:1")
    contains "the group's first device has the documented id" "$body" \
        "\"Id\":\"$dev1\",\"Type\":\"LoRaWAN\",\"LoRaWAN\":{\"DevEui\":\"$dev1\"}"
else
    skip "the group's first device has the documented id" "no python3"
fi
contains "before the start every device is Initial" "$body" \
    '"FuotaDeviceStatus":"Initial"'
lacks "no device has another status yet" "$body" '"FuotaDeviceStatus":"S'
req GET "/wireless-devices?multicastGroupId=g1"
n=$(printf '%s' "$body" | grep -o '"Id":"' | wc -l)
[ "$n" = 3 ] && pass "multicastGroupId lists the group's 3 devices" ||
    fail "multicastGroupId lists the group's 3 devices" "$body"
req GET "/wireless-devices?fuotaTaskId=$ID&multicastGroupId=g1"
lacks "both filters: the task's devices of the group" "$body" '"Id":"d1"'

# start 2 s ahead: FuotaSession_Waiting, then In_FuotaSession, FuotaDone
at=$(date -u -d "@$(($(date +%s) + 2))" +%Y-%m-%dT%H:%M:%SZ)
jreq PUT "/fuota-tasks/$ID" "{\"LoRaWAN\":{\"StartTime\":\"$at\"}}"
status_is "StartFuotaTask at $at" 204
req GET "/fuota-tasks/$ID"
contains "first FuotaSession_Waiting" "$body" '"Status":"FuotaSession_Waiting"'
task_is() {
    req GET "/fuota-tasks/$ID"
    case "$body" in *"\"Status\":\"$1\""*) return 0 ;; esac
    return 1
}
ok_if "then In_FuotaSession once StartTime has come" \
    wait_until 15 task_is In_FuotaSession
req GET "/wireless-devices?fuotaTaskId=$ID"
lacks "at the start of the session no device is done" "$body" \
    '"FuotaDeviceStatus":"Successful"'
ok_if "then FuotaDone when the session's time is over" \
    wait_until 30 task_is FuotaDone
req GET "/wireless-devices?fuotaTaskId=$ID"
n=$(printf '%s' "$body" | grep -o '"FuotaDeviceStatus":"Successful"' | wc -l)
[ "$n" = 4 ] && pass "all 4 devices, the group's too, end Successful" ||
    fail "all 4 devices, the group's too, end Successful" "$body"
ended() { grep -q "task $ID session ended: 4 Successful (4 devices)" "$SRV_ERR"; }
ok_if "the end line counts the group's devices" wait_until 10 ended

# disassociating a group takes its devices away; 0 per group: none
jreq POST /fuota-tasks "$(task_json)"
ID2=$(json_str Id)
jreq PUT "/fuota-tasks/$ID2/multicast-group" '{"MulticastGroupId":"g2"}'
req DELETE "/fuota-tasks/$ID2/multicast-groups/g2"
status_is "the group is disassociated" 204
req GET "/wireless-devices?fuotaTaskId=$ID2"
contains "its devices went with it" "$body" '{"WirelessDeviceList":[]}'
stop_server
ok_if "server with --group-devices 0 starts" start_server nogroups \
    --state :memory: --group-devices 0
jreq POST /fuota-tasks "$(task_json)"
ID=$(json_str Id)
jreq PUT "/fuota-tasks/$ID/multicast-group" '{"MulticastGroupId":"g1"}'
req GET "/wireless-devices?fuotaTaskId=$ID"
contains "--group-devices 0: groups carry none" "$body" \
    '{"WirelessDeviceList":[]}'
stop_server

done_testing
