#!/usr/bin/env bash
# The console's playback (F5), driven through tmux: the settings refused
# field by field, a small fleet played to its end with the final counters
# read off the screen and compared with `fuota simulate --json` for the
# same seed and settings, pause / step / speed / jump / restart, a device
# zoom, the report saved as JSON and CSV (byte for byte what `fuota
# simulate` writes), a bad path refused, a request that cannot play, a
# large fleet drawn as bars, and q quitting cleanly.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tui_lib.sh"

if ! command -v tmux >/dev/null 2>&1; then
    echo "ok 1 # SKIP tmux is not installed (scripts/install-deps installs it)"
    echo "1..1"
    exit 0
fi

# EU868 DR0, 48-byte fragments, 20 % redundancy: a 4800-byte image is
# M = 100 + R = 20 fragments.
cat >"$TMP/task.json" <<'EOF'
{"Name":"fw-small","FirmwareUpdateImage":"s3://fuota-e2e/fw.bin",
 "FirmwareUpdateRole":"arn:aws:iam::123456789012:role/fuota",
 "FragmentSizeBytes":48,"RedundancyPercent":20,"FragmentIntervalMS":1000,
 "LoRaWAN":{"RfRegion":"EU868"}}
EOF

# The number after "LABEL " on the screen ("sent 17 / 120" -> 17).
screen_num() {
    printf '%s\n' "$screen" | sed -n "s/.*$1 \([0-9][0-9]*\).*/\1/p" | head -1
}
# A member of the simulate report ("completed" -> 19), first match.
json_num() {
    sed -n "s/^[[:space:]]*\"$1\":[[:space:]]*\([0-9][0-9]*\).*/\1/p" "$2" | head -1
}

# What `fuota simulate` says for the settings played below.
SIM_ARGS=(--image-size 4800 --devices 20 --loss 10 --seed 7 --mode rank)
expect_exit 0 "fuota simulate for the same settings" \
    "$FUOTA" simulate "$TMP/task.json" "${SIM_ARGS[@]}" --json \
    --csv "$TMP/sim.csv"
printf '%s\n' "$out" >"$TMP/sim.json"
completed=$(json_num completed "$TMP/sim.json")
failed=$(json_num failed "$TMP/sim.json")
sent=$(json_num fragments_sent "$TMP/sim.json")
ok_if "the simulation has a failed device to look at" test "${failed:-0}" -ge 1
# Median and worst of every device's fragments received (nearest rank).
tail -n +2 "$TMP/sim.csv" | cut -d, -f4 | sort -n >"$TMP/rx.txt"
worst=$(head -1 "$TMP/rx.txt")
median=$(sed -n "$((($(wc -l <"$TMP/rx.txt") + 1) / 2))p" "$TMP/rx.txt")
failed_dev=$(awk -F, 'NR > 1 && $2 != "Successful" {print $1; exit}' "$TMP/sim.csv")
ok_dev=$(awk -F, 'NR > 1 && $2 == "Successful" {print $1; exit}' "$TMP/sim.csv")

# ---- the settings, refused field by field ---------------------------------
tui_start 100 30 open "$TMP/task.json"
tui_wait "wizard opens" "fuota · wizard · task.json"
tui_keys F5
tui_wait "F5 opens the playback settings" "Playback settings · fw-small"
tui_wait "every loss model is a field" "Shared loss %"
tui_wait "device limits are fields" "Max fragment size"
tui_wait "the image size is asked for" "› Image bytes"
tui_wait "no image: the field says so" "✗ required: a whole number from 1 to 4177665"
tui_keys Enter
tui_wait "Enter refused while a field is wrong" "not started: Image bytes: required"
tui_type "4800"
tui_wait "the session is summed up" "100 + 20 = 120 fragments of 48 B"
tui_gone "an hour's session: no Class C note" "as real ones do"
# 100000 B at DR0: about 20 h, past TS005's 2^15 s Class C session.
tui_keys C-u
tui_type "100000"
tui_wait "a long session: where devices leave, and that they leave here too" \
    "devices leave after fragment 1173 of 2501, as real ones do"
tui_keys C-u
tui_type "4800"
tui_gone "back to 4800 B: the note goes" "as real ones do"
tui_keys BTab
tui_wait "on Devices" "› Devices"
tui_keys C-u
tui_type "x"
tui_wait "letters refused in Devices" "Devices takes digits only"
tui_type "0"
tui_wait "0 devices refused on its row" "✗ '0' is not a whole number from 1 to 100000"
tui_wait "the rule on the message line, field named" "Devices: '0' is not a whole number from 1 to 100000"
tui_keys C-u
tui_type "100001"
tui_wait "over the console's limit" "'100001' is not a whole number from 1 to 100000"
tui_keys C-u
tui_type "20"
tui_gone "fixed Devices clears its error" "is not a whole number"
tui_keys Tab Tab
tui_wait "on Loss" "› Loss %"
tui_keys C-u
tui_type "101"
tui_wait "loss over 100 refused" "Loss %: '101' is not a percentage from 0 to 100"
tui_keys C-u
tui_type "60"
tui_keys Tab C-u
tui_type "1"
tui_wait "a burst too short for the loss, on Burst" "cannot reach 60 % loss"
tui_keys C-u
tui_type "0"
tui_keys Tab C-u
tui_type "50"
tui_wait "a spread too wide, on Spread" "too wide for 60 % mean loss"
tui_keys C-u
tui_type "0"
tui_keys BTab BTab C-u
tui_type "10"
for i in 1 2 3 4 5; do tui_keys Tab; done
tui_wait "on Drop fragments" "› Drop fragments"
tui_type "3,500"
tui_wait "a drop beyond the session" "fragment 500 is beyond the session's 120 fragments"
tui_keys Up Up Up Up Up Up Up
tui_wait "focus elsewhere" "› Devices"
tui_keys Enter
tui_wait "Enter goes to the field to fix" "› Drop fragments"
tui_wait "and names it" "not started: Drop fragments: fragment 500 is beyond"
tui_keys C-u
tui_gone "drop cleared" "is beyond the session"
for i in 1 2 3 4 5 6 7; do tui_keys Tab; done
tui_wait "on Faults" "› Faults"
tui_type "bogus:5"
tui_wait "an unknown fault is named" "Faults: 'bogus' is not a fault"
tui_keys C-u
tui_type "mic-error:101"
tui_wait "a fault share over 100 %" "mic-error: '101' is not a percentage from 0 to 100"
tui_keys C-u
tui_keys Tab
tui_wait "on Seed" "› Seed"
tui_keys C-u
tui_type "7"
tui_wait "the run is rank decoding, like --mode rank" "‹ rank (1 % fully decoded) ›"

# ---- play: pause, step, speed, jump ---------------------------------------
tui_keys Enter
tui_wait "the live view" "Playback · fw-small · 20 devices · 10 % loss"
tui_wait "the timeline" "uncoded 1..100"
tui_wait "the redundancy part" "redundancy 101..120"
tui_wait "plays by itself" "▶ ×2/s"
tui_wait "one cell a device, with glyphs" "devices   ●"
tui_keys Space
tui_wait "Space pauses" "❚❚ paused ×2/s"
n=$(screen_num "sent")
ok_if "paused at a fragment" test -n "$n"
tui_keys .
tui_wait "a step: one fragment on" "sent $((n + 1)) / $sent"
tui_keys .
tui_wait "another step" "sent $((n + 2)) / $sent"
tui_wait "stepping keeps it paused" "❚❚ paused"
tui_keys +
tui_wait "faster" "4 fragments a second"
tui_keys - -
tui_wait "slower" "1 fragment a second"
tui_keys -
tui_wait "not slower than 1 a second" "already the slowest: 1 fragment a second"
tui_keys End
tui_wait "End jumps to the end" "■ end"
tui_wait "the report opens at the end" "Report · the figures of fuota simulate"
tui_wait "the report's figures" "Completed $completed of 20"
tui_wait "the report names the failures" "Failed    $failed MissingFrag"
tui_keys Escape
tui_gone "the report closes" "Report · the figures"

# ---- the final counters against fuota simulate ----------------------------
tui_wait "completed as simulate says" "● $completed complete"
tui_wait "failed as simulate says" "✗ $failed failed"
tui_wait "nobody left receiving" "◐ 0 receiving"
tui_wait "fragments sent as simulate says" "sent $sent / $sent"
tui_wait "median and worst device as simulate's devices" \
    "median device $median / 100 · worst $worst / 100"

# ---- a device zoom ---------------------------------------------------------
for ((i = 0; i < failed_dev; i++)); do tui_keys Right; done
tui_wait "the cursor on the failed device" "device $failed_dev ✗ failed"
tui_keys Enter
tui_wait "the zoom names the device" "Device $failed_dev · ✗ failed"
tui_wait "the zoom shows the decoder's rank" "decoder   rank"
tui_wait "the zoom says why it failed" "at least"
tui_wait "... and the AWS status" "(MissingFrag)"
tui_wait "... and what to do about it (core/outcome)" "to do     Plan with the loss you expect"
tui_keys Escape
tui_gone "Esc closes the zoom" "Device $failed_dev · "
tui_keys Home
for ((i = 0; i < ok_dev; i++)); do tui_keys Right; done
tui_keys Enter
tui_wait "a completed device" "Device $ok_dev · ● complete"
tui_wait "where it completed" "completed at fragment"
tui_keys Enter
tui_gone "Enter closes the zoom" "Device $ok_dev · "

# ---- restart with the same seed -------------------------------------------
tui_keys r
tui_wait "r plays again from the start" "▶ ×1/s"
tui_wait "from the first fragments" "sent 1 / $sent"
tui_keys End
tui_wait "the report again" "Report · the figures of fuota simulate"
tui_keys Escape
tui_wait "the same end again" "● $completed complete"
tui_keys v
tui_wait "v opens the report" "Report · the figures of fuota simulate"

# ---- save the report -------------------------------------------------------
mkdir -p "$TMP/saved"
tui_keys j
tui_wait "save as JSON asks for a file" "Save the report as JSON"
tui_keys C-u
tui_type "$TMP/no/such/dir/r.json"
tui_keys Enter
tui_wait "a bad path is refused in the dialog" "r.json: No such file or"
tui_keys C-u
tui_type "$TMP/saved/report.json"
tui_keys Enter
tui_wait "JSON saved" "report saved to $TMP/saved/report.json"
ok_if "the JSON file exists" test -s "$TMP/saved/report.json"
ok_if "no temporary file is left" test "$(ls "$TMP/saved")" = "report.json"
ok_if "the JSON is fuota simulate --json for the same settings" \
    cmp -s "$TMP/saved/report.json" "$TMP/sim.json"
if command -v python3 >/dev/null 2>&1; then
    ok_if "the JSON parses" python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$TMP/saved/report.json"
elif command -v jq >/dev/null 2>&1; then
    ok_if "the JSON parses" jq -e . "$TMP/saved/report.json"
else
    pass "the JSON parses # SKIP neither python3 nor jq"
fi
tui_keys c
tui_wait "save as CSV asks for a file" "Save the devices as CSV"
tui_keys C-u
tui_type "$TMP/saved/devices.csv"
tui_keys Enter
tui_wait "CSV saved" "per-device CSV saved to $TMP/saved/devices.csv"
ok_if "the CSV is fuota simulate --csv for the same settings" \
    cmp -s "$TMP/saved/devices.csv" "$TMP/sim.csv"
ok_if "one line per device and a header" test "$(wc -l <"$TMP/saved/devices.csv")" = 21
tui_keys Escape
tui_gone "report closed" "Report · the figures"

# ---- back, help, quit ------------------------------------------------------
tui_keys F1
tui_wait "help lists the playback keys first" "playback  (this screen)"
tui_wait "help has the step key" "one fragment on (pauses)"
tui_keys Escape
tui_keys Escape
tui_wait "Esc goes back to the settings, kept" "[7 "
tui_keys Escape
tui_wait "and back to the wizard" "fuota · wizard"
tui_keys F10
tui_exit_status
ok_if "F10 quits with 0" test "$tui_rc" = 0
ok_if "no sanitizer report" sh -c "! grep -q Sanitizer '$TMP/tui.err'"
tui_stop

# ---- the wizard's image; a large fleet as bars; quit while it computes ----
tui_start 80 24 open "$TMP/task.json"
tui_wait "second console" "fuota · wizard"
for i in $(seq 1 11); do tui_keys Tab; done
tui_wait "on the planning image" "› Image"
tui_type "100000"
tui_keys F5
tui_wait "the wizard's image size is taken" "[100000"
tui_wait "M = 2084 at DR0" "2084 + 417 = 2501 fragments"
# 2501 fragments at DR0 last 19 h: with the Class C limit (on by default)
# the devices leave after fragment 1173 and none completes.
tui_wait "the Class C limit is on" "devices leave after fragment 1173 of 2501, as real ones do"
tui_keys C-u
tui_type "20"
tui_keys Enter
tui_wait "20 devices start" "20 devices"
tui_keys End
tui_wait "they leave at 2^15 s: none completes" "Failed    20 MissingFrag" 60
tui_wait "the fragments after 1173 are lost for all" "1328 dropped"
tui_keys Escape Escape
tui_wait "back to the settings (Class C)" "Playback settings"
for i in $(seq 1 9); do tui_keys Tab; done
tui_wait "on the Class C limit" "› Class C limit"
tui_keys Left
tui_wait "switched off" "off (devices listen to the end)"
tui_wait "the settings say the devices stay" "Class C limit off: devices stay past fragment 1173 of 2501"
for i in $(seq 1 9); do tui_keys BTab; done
tui_wait "back on Devices" "› Devices"
tui_keys C-u
tui_type "10000"
tui_keys Enter
tui_wait "10000 devices start" "10000 devices"
tui_wait "a large fleet is drawn as bars by tenths" "9000-9999"
tui_keys End
tui_wait "End waits for the fleet, then jumps" "■ end" 120
tui_wait "its report" "Completed 10000 of 10000"
tui_keys Escape
tui_wait "the bars at the end: all complete" "1000 ●"
tui_keys Down Enter
tui_wait "zoom in bars mode: the same place a tenth on" "Device 1000 · ● complete"
tui_keys Escape Escape
tui_wait "back to the settings" "Playback settings"
tui_keys Enter
tui_wait "started again" "10000 devices"
tui_keys q
tui_exit_status 30
ok_if "q quits at once, even while the fleet is computed" test "$tui_rc" = 0
tui_stop

# ---- a request that cannot be played ---------------------------------------
cat >"$TMP/noregion.json" <<'EOF'
{"Name":"no-region","FirmwareUpdateImage":"s3://fuota-e2e/fw.bin",
 "FirmwareUpdateRole":"arn:aws:iam::123456789012:role/fuota",
 "FragmentSizeBytes":48}
EOF
tui_start 100 30 open "$TMP/noregion.json"
tui_wait "third console" "fuota · wizard"
tui_keys F5
tui_wait "settings open anyway" "Playback settings · no-region"
tui_type "4800"
tui_wait "the request's problem is named" "the request cannot be played: LoRaWAN"
tui_keys Enter
tui_wait "Enter refuses it" "not started: the request cannot be played"
tui_keys F10
tui_exit_status
ok_if "F10 quits with 0" test "$tui_rc" = 0
tui_stop

done_testing
