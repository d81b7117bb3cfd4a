#!/usr/bin/env bash
# The console's tasks screen (F3), driven through tmux, against the same
# simulator state as `fuota serve` (the CLI's view): a task submitted from
# the console and tasks made over HTTP are listed; a device and a group
# associated and a device disassociated show in the task's lists; a start
# with a StartTime moves the status on screen (Waiting, In session, Done)
# and each device's FuotaDeviceStatus with it; a second start is a 409
# explained; an update shows its diff and sends only the changed member;
# delete asks (cancel keeps the task); a task deleted meanwhile is a 404
# explained; more tasks than a page are read as the cursor goes down.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/serve_lib.sh"
. "$(dirname "$0")/tui_lib.sh"

if ! command -v tmux >/dev/null 2>&1 || ! command -v curl >/dev/null 2>&1; then
    echo "ok 1 # SKIP tmux or curl is not installed"
    echo "1..1"
    exit 0
fi

# ---- --time-scale: the console's simulated sessions --------------------------
for bad in 0 -1 abc "" 1e7; do
    expect_exit 2 "--time-scale '$bad' refused" "$FUOTA" --time-scale "$bad"
    contains "--time-scale '$bad' named" "$err" "--time-scale"
done
expect_exit 0 "console help" "$FUOTA" open --help
contains "help names --time-scale" "$out" "--time-scale X"

# ---- tasks made through fuota serve on the console's state file --------------
STATE="$TUI_HOME/data/fuota/simulator.db"
mkdir -p "$(dirname "$STATE")"
start_server srv --state "$STATE"
ok_if "serve shares the console's state file" test -n "$URL"

# new_task NAME EXTRA: a task over HTTP (EU868, 40-byte fragments); sets ID.
new_task() {
    jreq POST /fuota-tasks "{\"Name\":\"$1\",\"FirmwareUpdateImage\":\"s3://fw-bucket/app.bin\",\"FirmwareUpdateRole\":\"arn:aws:iam::123456789012:role/fuota\",\"LoRaWAN\":{\"RfRegion\":\"EU868\"},\"FragmentSizeBytes\":40,\"RedundancyPercent\":20,\"FragmentIntervalMS\":1000${2:-}}"
    ID=$(json_str Id)
    [ "$status" = 201 ] && [ -n "$ID" ]
}
ok_if "task cli-a over HTTP" new_task cli-a
ID_A=$ID
ok_if "task cli-b over HTTP" new_task cli-b
ID_B=$ID
ok_if "task cli-c over HTTP" new_task cli-c
ID_C=$ID

# ---- a submit from the console, then F3 ---------------------------------------
cat >"$TMP/tui-1.json" <<'EOF'
{
    "Name": "tui-1",
    "FirmwareUpdateImage": "s3://fw-bucket/app.bin",
    "FirmwareUpdateRole": "arn:aws:iam::123456789012:role/fuota",
    "LoRaWAN": { "RfRegion": "EU868" },
    "FragmentSizeBytes": 40,
    "RedundancyPercent": 20,
    "FragmentIntervalMS": 1000
}
EOF
# Sessions of hours last seconds: 13 h 28 min / 10000 = 4.9 s.
tui_start 120 40 open "$TMP/tui-1.json" --time-scale 10000
tui_wait "wizard opens the request" "fuota · wizard · tui-1.json"
tui_keys F9
tui_wait "review" "Review · CreateFuotaTask"
tui_keys Enter
tui_wait "submitted from the console" "Created on the simulator"
tui_keys F3
tui_wait "F3 after a submit: the tasks screen" "fuota · tasks"
tui_wait "the submitted task is listed" "tui-1"
tui_wait "tasks made over HTTP are listed" "cli-c"
tui_wait "the count in the title" "Tasks · ● SIMULATOR · 4"
tui_wait "columns" "NAME"
tui_wait "status column" "○ Pending"
tui_wait "created column" "CREATED"
tui_wait "region and fragment size" "EU868      40    20"
tui_wait "cursor on the first task" "›cli-a"
tui_wait "the selected task's id on the message line" "cli-a $ID_A"
tui_keys Down Down Down
tui_wait "cursor moves" "›tui-1"
tui_keys Home
tui_wait "Home: the first task" "›cli-a"

# ---- help lists the screen's keys ----------------------------------------------
tui_keys '?'
tui_wait "help names the tasks screen" "tasks  (this screen)"
tui_wait "help names the actions" "add-device"
tui_wait "the help column lines up after the longest action name" "add-device    associate a wireless device"
tui_keys Escape
tui_gone "help closed" "Help: every key"

# ---- one task: details, devices, groups ----------------------------------------
tui_keys Enter
tui_wait "Enter opens the task" "Task · cli-a · $ID_A"
tui_wait "every GetFuotaTask field: Arn" "arn:aws:iotwireless:"
tui_wait "FragmentIntervalMS" "FragmentIntervalMS   1000"
tui_wait "FirmwareUpdateRole" "arn:aws:iam::123456789012:role/fuota"
tui_wait "no devices yet" "Wireless devices (0)"
tui_keys a
tui_wait "associate asks for the id" "WirelessDeviceId"
tui_keys Enter
tui_wait "an empty id is refused" "WirelessDeviceId: give the id"
tui_type "meter-01"
tui_keys Enter
tui_wait "associate is confirmed first" "Associate wireless device meter-01 with task cli-a"
tui_keys Enter
tui_wait "the device in the task's list" "Wireless devices (1)  ○ 1 Initial"
tui_wait "device line with its status" "meter-01"
tui_wait "associated message" "wireless device meter-01 associated with task cli-a"
req GET "/wireless-devices?fuotaTaskId=$ID_A"
contains "the service has the device" "$body" "meter-01"
tui_keys a
tui_wait "second device" "WirelessDeviceId"
tui_type "meter-02"
tui_keys Enter
tui_wait "asked again" "Associate wireless device meter-02"
tui_keys n
tui_wait "no answers no" "cancelled: nothing was sent"
tui_keys a
tui_wait "again" "WirelessDeviceId"
tui_type "meter-02"
tui_keys Enter
tui_wait "asked" "Associate wireless device meter-02"
tui_keys y
tui_wait "two devices" "Wireless devices (2)  ○ 2 Initial"
# The cursor is on the first device: A asks about it.
tui_keys Home
tui_wait "cursor on meter-01" "› meter-01"
tui_keys A
tui_wait "disassociate asks" "Disassociate wireless device meter-01 from task cli-a"
tui_keys Enter
tui_wait "device gone from the list" "Wireless devices (1)  ○ 1 Initial"
tui_gone "meter-01 no longer listed" "meter-01   "

# ---- start with a StartTime: the status follows the simulated clock -----------
tui_keys s
tui_wait "start asks for a StartTime" "StartTime"
tui_type "tomorrow"
tui_keys Enter
tui_wait "a StartTime that is not ISO-8601 is refused" "StartTime: 'tomorrow' is not an ISO-8601 time"
tui_keys C-u
when=$(date -u -d '+5 seconds' +%Y-%m-%dT%H:%M:%SZ)
tui_type "$when"
tui_keys Enter
tui_wait "start is confirmed with its time" "$when?"
tui_wait "a start under 30 minutes ahead is warned of (AWS schedules 30 min .. 48 h)" "a multicast session starts"
tui_keys Enter
tui_wait "started message" "task cli-a ($ID_A) started: its session begins at $when"
tui_wait "status Waiting until the StartTime" "◐ FuotaSession_Waiting" 10
tui_wait "LoRaWAN.StartTime shown" "LoRaWAN.StartTime    $when"
tui_wait "status In_FuotaSession at the StartTime" "→ In_FuotaSession" 15
tui_wait "status FuotaDone at the session's end" "✓ FuotaDone" 20
tui_wait "the device's FuotaDeviceStatus follows" "✓ 1 Successful" 10
req GET "/fuota-tasks/$ID_A"
contains "fuota serve shows the same status" "$body" '"Status":"FuotaDone"'
req GET "/wireless-devices?fuotaTaskId=$ID_A"
contains "and the same device status" "$body" '"FuotaDeviceStatus":"Successful"'

# ---- a second start: 409 explained ---------------------------------------------
tui_keys s
tui_wait "start asks" "StartTime"
tui_keys Enter Enter
tui_wait "409: not started" "Not started: The resource's current state does not allow this (409 ConflictException)"
tui_wait "409 explained in words" "The task is not Pending: it was started already"
tui_wait "raw AWS type and message" "ConflictException (409)"
tui_keys p
tui_wait "p plays the task's session" "layback"
# Esc until the list shows (the playback view, once built, is one more).
for i in 1 2 3; do
    wait_until 2 _tui_has "fuota · tasks ·" && break
    tui_keys Escape
done
tui_wait "back on the list" "fuota · tasks ·"
tui_wait "the list shows the status too" "✓ FuotaDone"

# ---- a multicast group: associate, then disassociate by choosing it -------------
tui_keys Down
tui_wait "cursor on cli-b" "›cli-b"
tui_keys Enter
tui_wait "cli-b opens" "Task · cli-b · $ID_B"
tui_wait "no group yet" "Multicast groups (0)"
tui_keys g
tui_wait "group asks for its id" "MulticastGroupId"
tui_type "grp-1"
tui_keys Enter
tui_wait "associate the group asks" "Associate multicast group grp-1 with task cli-b"
tui_keys Enter
tui_wait "the group in the task's list" "Multicast groups (1)"
tui_wait "group associated message" "multicast group grp-1 associated with task cli-b"
req GET "/fuota-tasks/$ID_B/multicast-groups"
contains "the service has the group" "$body" "grp-1"
tui_keys Home G
tui_wait "G asks which group" "Disassociate which group?"
tui_keys Enter
tui_wait "then asks to confirm" "Disassociate multicast group grp-1 from task cli-b"
tui_keys Enter
tui_wait "the group is gone" "Multicast groups (0)"
tui_keys Escape
tui_wait "back on the list at cli-b" "›cli-b"

# ---- update: the diff, only the changed member sent ----------------------------
tui_keys u
tui_wait "u opens the wizard on the task" "Update · $ID_B"
tui_wait "header says update" "fuota · wizard · update $ID_B"
tui_wait "the task's values in the fields" "[cli-b"
tui_keys F9
tui_wait "review of an update" "Review · UpdateFuotaTask"
tui_wait "nothing changed yet" "0 members changed: nothing to send"
tui_keys Enter
tui_wait "nothing is sent" "nothing to send: no member differs from task $ID_B"
tui_keys Escape
tui_wait "back in the update" "Update · $ID_B"
for i in 1 2 3 4 5 6 7; do tui_keys Tab; done
tui_wait "focus on RedundancyPercent" "› RedundancyPercent"
tui_keys C-u
tui_type "45"
tui_keys Escape
tui_wait "leaving with a change asks" "Discard the changes?"
tui_keys n
tui_wait "still editing" "Update · $ID_B"
tui_keys F9
tui_wait "the diff" "RedundancyPercent    20 → 45"
tui_wait "one member" "1 member changed (only these are sent)"
tui_wait "PATCH to the task" "PATCH /fuota-tasks/$ID_B"
tui_wait "the body" '"RedundancyPercent": 45'
tui_screen >/dev/null
lacks "unchanged members are not sent" "$screen" '"FirmwareUpdateImage"'
lacks "no token added to an update" "$screen" '"ClientRequestToken"'
tui_keys Enter
tui_wait "update confirmed first" "Sends 1 member: RedundancyPercent."
tui_keys Enter
tui_wait "updated: back on the tasks" "task $ID_B updated: RedundancyPercent"
tui_wait "the new value in the table" "EU868      40    45"
req GET "/fuota-tasks/$ID_B"
contains "the service has the new value" "$body" '"RedundancyPercent":45'
contains "and the rest unchanged" "$body" '"Name":"cli-b"'
# The request being created comes back after the update.
tui_keys Escape
tui_wait "the wizard has its own request again" "fuota · wizard · tui-1.json"
tui_wait "with its name" "[tui-1"
tui_keys F3
tui_wait "tasks again" "fuota · tasks"

# ---- delete: asks, cancel keeps it ----------------------------------------------
tui_keys Home Down Down
tui_wait "cursor on cli-c" "›cli-c"
tui_keys d
tui_wait "delete asks" "Delete task cli-c ($ID_C)?"
tui_wait "Enter is no for a delete" "y yes   Enter/Esc/n no"
tui_keys Enter
tui_wait "cancel keeps it" "cancelled: nothing was sent"
tui_wait "still listed" "cli-c"
req GET "/fuota-tasks/$ID_C"
status_is "the task still exists" 200
tui_keys d
tui_wait "delete asks again" "Delete task cli-c"
tui_keys y
tui_wait "deleted" "task cli-c ($ID_C) deleted"
tui_gone "gone from the list" "cli-c   "
req GET "/fuota-tasks/$ID_C"
status_is "the service has it no more" 404

# ---- a task deleted meanwhile: 404 explained ------------------------------------
tui_wait "cursor on tui-1" "›tui-1"
req GET /fuota-tasks
ID_T=$(printf '%s' "$body" | grep -o '{[^}]*"Name":"tui-1"[^}]*}' |
    sed -n 's/.*"Id":"\([^"]*\)".*/\1/p')
ok_if "the console's task over HTTP" test -n "$ID_T"
req DELETE "/fuota-tasks/$ID_T"
status_is "deleted over HTTP" 204
tui_keys s
tui_wait "start asks" "StartTime"
tui_keys Enter Enter
tui_wait "404: not started" "Not started: No such resource on this target (404 ResourceNotFoundException)"
tui_wait "404 explained in words" "deleted meanwhile"
tui_wait "raw 404" "ResourceNotFoundException (404)"
tui_gone "the refresh drops the task" "tui-1   "

# ---- R: a new task for the devices that failed -----------------------------------
# No RfRegion: the simulator cannot play the session, every device ends
# MissingFrag (a short session: 4 fragments of 16384 bytes).
jreq POST /fuota-tasks '{"Name":"cli-r","FirmwareUpdateImage":"s3://fw-bucket/app.bin","FirmwareUpdateRole":"arn:aws:iam::123456789012:role/fuota","FragmentSizeBytes":16384}'
ID_R=$(json_str Id)
ok_if "task cli-r over HTTP" test -n "$ID_R"
for d in r-01 r-02; do
    jreq PUT "/fuota-tasks/$ID_R/wireless-device" "{\"WirelessDeviceId\":\"$d\"}"
done
tui_keys r
tui_wait "cli-r listed" "cli-r "
tui_keys End
tui_wait "cursor on cli-r" "›cli-r "
tui_keys R
tui_wait "R opens the task" "Task · cli-r · $ID_R"
tui_wait "a Pending task has nothing to retry yet" "the task has not finished"
tui_keys s
tui_wait "start asks" "StartTime"
tui_keys Enter Enter
tui_wait "every device failed" "✗ 2 MissingFrag" 15
# The device under the cursor: its outcome explained (core/outcome).
tui_wait "cursor on a failed device" "› r-01"
tui_wait "its outcome's phase and meaning" "✗ MissingFrag · delivery: The session ended before"
tui_wait "what to do" "to do: "
tui_keys Down
tui_wait "the message line names the outcome" "device r-02: MissingFrag (session ended, fragments missing)"
tui_keys R
tui_wait "retry asks" "Retry the failures"
tui_wait "retry names the follow-up" "Create task 'cli-r-retry'"
tui_wait "and the devices that failed" "r-01 (MissingFrag), r-02 (MissingFrag)"
tui_keys Enter
tui_wait "retry created" "created with 2 devices: the retry of cli-r ("
tui_keys Escape
tui_wait "the follow-up on the list, selected" "›cli-r-retry"
tui_wait "four tasks" "Tasks · ● SIMULATOR · 4 "
req GET /fuota-tasks
ID_RR=$(printf '%s' "$body" | grep -o '{[^}]*"Name":"cli-r-retry"[^}]*}' |
    sed -n 's/.*"Id":"\([^"]*\)".*/\1/p')
req GET "/wireless-devices?fuotaTaskId=$ID_RR"
contains "the follow-up has the failed devices" "$body" '"r-02"'
tui_keys Up R
tui_wait "again on cli-r" "Retry the failures"
tui_keys Enter
tui_wait "the same retry gives back the same task" "task $ID_RR created with 2 devices"
tui_keys Escape
tui_wait "still four tasks" "Tasks · ● SIMULATOR · 4 "
tui_keys Home R
tui_wait "a task whose devices all succeeded" "every device of the task ended Successful"
tui_keys Escape
tui_wait "back on the list" "fuota · tasks ·"

# ---- paging: more tasks than one page ------------------------------------------
n=0
for i in $(seq 10 39); do new_task "bulk-$i" && n=$((n + 1)); done
ok_if "30 more tasks over HTTP" test "$n" = 30
tui_keys r
tui_wait "a first page of 25 and more to come" "Tasks · ● SIMULATOR · 25+"
tui_keys End
tui_wait "End reads the next page" "Tasks · ● SIMULATOR · 34 "
tui_keys End
tui_wait "the last task" "›bulk-39"
tui_wait "position" "34 of 34"

# ---- a start from the list: the row follows the session ------------------------
tui_keys s
tui_wait "start from the list asks" "StartTime"
when=$(date -u -d '+4 seconds' +%Y-%m-%dT%H:%M:%SZ)
tui_type "$when"
tui_keys Enter
tui_wait "asked with the time" "$when?"
tui_keys Enter
tui_wait "the row waits" "$ID  ◐ FuotaSession_Waiting" 10
tui_wait "the row in session" "$ID  → In_FuotaSession" 15
tui_wait "the row done" "$ID  ✓ FuotaDone" 20

tui_keys Escape
tui_wait "Esc: the wizard" "fuota · wizard"
tui_keys F10
tui_exit_status
ok_if "quits with 0" test "$tui_rc" = 0
tui_stop

# ---- 80x24, no colour, no UTF-8: the table still reads ---------------------------
TUI_ENV="NO_COLOR=1 LANG=C LC_ALL=C" tui_start 80 24
tui_wait "ASCII console" "* SIMULATOR"
tui_keys F3
tui_wait "tasks at 80x24" "Tasks - * SIMULATOR - 25+"
tui_wait "status glyph in ASCII" "+ FuotaDone"
tui_wait "narrow: the id is cut" "ID"
tui_keys F1
tui_wait "help at 80x24" "remove-device disassociate a wireless device from the task"
tui_wait "a long help wraps under its column, not cut" "                             (asks)"
tui_keys Escape
tui_gone "help closed" "remove-device"
tui_keys F10
tui_exit_status
ok_if "quits with 0 (ASCII)" test "$tui_rc" = 0
stop_server
done_testing
