#!/usr/bin/env bash
# The console, driven through tmux: open, type, read the diagnostics and
# the preview off the screen, review, submit to the simulator, the 409
# explanation, save and validate, help, resize, drafts after kill -9,
# NO_COLOR, themes, and every way out restoring the terminal.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tui_lib.sh"
REQ=$FUOTA_ROOT/tests/data/requests

if ! command -v tmux >/dev/null 2>&1; then
    echo "ok 1 # SKIP tmux is not installed (scripts/install-deps installs it)"
    echo "1..1"
    exit 0
fi

# ---- without a terminal, and bad files ------------------------------------
expect_exit 1 "no terminal" "$FUOTA" </dev/null
contains "no terminal is explained" "$err" "the console needs a terminal"
expect_exit 0 "open --help" "$FUOTA" open --help
contains "open help names the draft" "$out" "draft.json"
expect_exit 2 "open without FILE" "$FUOTA" open
contains "open names what is missing" "$err" "give its FILE"
expect_exit 2 "open a missing file" "$FUOTA" open "$TMP/nope.json"
contains "missing file reason" "$err" "No such file or directory"
printf 'this is not json' >"$TMP/notjson.json"
cp "$TMP/notjson.json" "$TMP/notjson.orig"
expect_exit 2 "open a file that is not JSON" "$FUOTA" open "$TMP/notjson.json"
contains "not JSON is refused with its reason" "$err" "is not a CreateFuotaTask request"
ok_if "the refused file is unchanged" cmp -s "$TMP/notjson.json" "$TMP/notjson.orig"
expect_exit 2 "open stdin" "$FUOTA" open -
contains "stdin refused" "$err" "cannot read the request from <stdin>"
expect_exit 2 "unknown console option" "$FUOTA" --frobnicate
contains "unknown console option named" "$err" "unknown option '--frobnicate'"

# ---- open a saved request and read its fields ------------------------------
tui_start 120 40 open "$REQ/valid-full.json"
tui_wait "wizard opens" "fuota · wizard · valid-full.json"
tui_wait "Name read from the file" "[sensor-fw-2-4-1"
tui_wait "region read from the file" "‹ EU868 ›"
tui_wait "tags read from the file" "project=field-sensors  stage="
tui_wait "simulator badge" "● SIMULATOR"
tui_wait "opened message" "opened $REQ/valid-full.json"
tui_wait "no image: the preview asks for one" "Give the firmware file or its"

# ---- type: digits only, diagnostics on their fields -----------------------
for i in 1 2 3 4 5 6 7; do tui_keys Tab; done   # to RedundancyPercent
tui_wait "focus reaches RedundancyPercent" "› RedundancyPercent"
tui_keys C-u
tui_type "1x"
tui_wait "letters refused in an integer field" "RedundancyPercent takes digits only"
tui_type "01"
tui_wait "over the maximum shown under the field" "✗ 101 is above the maximum 100"
tui_wait "the counts on the message line" "1 error · 0 warnings"
tui_keys BSpace
tui_wait "fixed value clears the error" "✓ no problems"
tui_keys C-u
tui_type "20"

# Name: a space warns (the console's naming rule), 257 characters is an error.
tui_keys Home 2>/dev/null
for i in 1 2 3 4 5 6 7; do tui_keys BTab; done
tui_wait "back on Name" "› Name"
tui_keys C-u
tui_type "fw 2"
tui_wait "warning under Name" "! character ' ' at position 3"
tui_keys C-u
tui_type "$(printf 'é%.0s' $(seq 1 257))"
tui_wait "UTF-8 counted as characters" "length 257 is above the maximum 256"
tui_keys BSpace
tui_gone "256 é are allowed" "length 257 is above the maximum 256"
tui_keys C-u
tui_type "fw-2-1-0"

# ---- the preview for a known image size ------------------------------------
for i in $(seq 1 11); do tui_keys Tab; done     # to the planning Image
tui_wait "focus on the planning image" "› Image"
tui_type "100000"
tui_keys Tab Tab
tui_type "10"
# The request says 50-byte fragments, 20 %, 1000 ms at EU868 DR0.
tui_wait "preview fragments" "2000 + 400 = 2400"
tui_wait "preview time on air" "each, 1 h 52 min"
tui_wait "preview loss advice" "at 10 % loss"
tui_wait "preview fragment limit" "DR0 carries 48"
tui_wait "too large a fragment is an error on its field" "✗"

# ---- F9: the exact JSON, then submit and read the ARN ----------------------
tui_keys Escape
tui_keys F9
tui_wait "review screen" "Review · CreateFuotaTask → ● SIMULATOR"
tui_wait "review shows the JSON" '"FragmentSizeBytes": 50'
tui_wait "submit refused while an error remains" "submitting is refused until they are fixed"
tui_keys Escape
tui_wait "back in the wizard" "fuota · wizard"
for i in $(seq 1 7); do tui_keys BTab; done     # to FragmentSizeBytes
tui_wait "focus on FragmentSizeBytes" "› FragmentSizeBytes"
tui_keys C-u
tui_type "48"
tui_wait "preview recomputed" "2084 + 417 = 2501"
tui_keys F9
tui_wait "review with the token" '"ClientRequestToken": "sensor-fw-2-4-1-rollout-1"'
tui_keys Enter
tui_wait "created on the simulator" "Created on the simulator"
tui_wait "ARN shown" "Arn  arn:aws:iotwireless:"
arn=$(printf '%s\n' "$screen" | sed -n 's/.*Arn  \(arn:[^ ]*\).*/\1/p' | head -1)
id=${arn##*/}
ok_if "ARN has an id" test -n "$id"
# The CLI sees the task the console made (the same state file).
tasks_db="$TUI_HOME/data/fuota/simulator.db"
ok_if "state file under XDG_DATA_HOME" test -s "$tasks_db"

# ---- same token, other parameters: the 409 explained ----------------------
tui_keys Escape
tui_wait "wizard again" "fuota · wizard"
tui_keys C-u
tui_type "40"
tui_wait "40-byte fragments" "2500 + 500 = 3000"
tui_keys F9 Enter
tui_wait "conflict is not created" "Not created"
tui_wait "conflict explained in words" "The ClientRequestToken was already used with other parameters"
tui_wait "raw AWS type kept" "ConflictException (409)"
tui_keys Escape

tui_stop

# ---- F2: save, then fuota validate the file --------------------------------

cp "$REQ/valid-full.json" "$TMP/task.json"
tui_start 100 30 open "$TMP/task.json"
tui_wait "second session opens" "task.json"
tui_type "-b"
tui_wait "edited marks the file unsaved" "task.json*"
tui_keys F2
tui_wait "saved" "saved to $TMP/task.json"
tui_gone "saved clears the star" "task.json*"
expect_exit 0 "fuota validate reads the saved file" "$FUOTA" validate "$TMP/task.json"
contains "saved name is there" "$(cat "$TMP/task.json")" '"Name": "sensor-fw-2-4-1-b"'
contains "saved description kept its UTF-8" "$(cat "$TMP/task.json")" '"Description": "Firmware 2.4.1 for the field sensors (été 😀)"'

# ---- help overlay, from the action table -----------------------------------
tui_keys F1
tui_wait "help overlay" "Help: every key"
tui_wait "help lists the wizard's keys" "generate a random ClientRequestToken"
tui_wait "help lists the global keys" "review the exact request, then submit"
tui_keys Escape
tui_gone "help closes on Esc" "Help: every key"

# ---- resize to 60x20 and back ----------------------------------------------
_tmux resize-window -t fuota -x 60 -y 20
tui_wait "too small is said" "terminal too small (needs 80x24)"
_tmux resize-window -t fuota -x 80 -y 24
tui_wait "back at 80x24" "fuota · wizard"
tui_wait "80x24 folds the preview into a strip" "F4 the full preview"
tui_keys F4
tui_wait "F4 shows the preview full width" "F4 back"
tui_keys Escape
_tmux resize-window -t fuota -x 120 -y 40
tui_wait "wide again: preview beside" "┐┌ Preview"

# ---- quit with q outside a text field, F10 ---------------------------------
tui_keys Down Down Down Down Down Down Down Down Down   # to RfRegion
tui_wait "on the region" "› RfRegion"
tui_keys q
tui_exit_status
ok_if "q quits with 0" test "$tui_rc" = 0
tui_gone "q: the terminal is restored" "fuota · wizard"
ok_if "no sanitizer report" sh -c "! grep -q Sanitizer '$TMP/tui.err'"
tui_stop

# ---- drafts survive kill -9 -------------------------------------------------
rm -rf "$TUI_HOME/state"
tui_start 100 30
tui_wait "empty console" "new request"
tui_type "draft-name-1"
tui_wait "typed" "[draft-name-1"
pid=$(tui_pid)
ok_if "console pid found" test -n "$pid"
kill -9 "$pid"
tui_exit_status
ok_if "draft file written" test -s "$TUI_HOME/state/fuota/draft.json"
tui_start 100 30
tui_wait "draft offered" "Restore the draft?"
tui_wait "draft names the task" "task draft-name-1"
tui_keys Enter
tui_wait "draft restored" "draft restored"
tui_wait "restored text in its field" "[draft-name-1"
tui_keys F10
tui_exit_status
ok_if "F10 quits with 0" test "$tui_rc" = 0
tui_stop

# ---- ^T token, ^D descriptor from hex, the tags editor ---------------------
tui_start 100 30
tui_wait "fresh console" "fuota · wizard"
tui_keys Escape
tui_wait "draft offer declined" "started with an empty request"
tui_keys C-t
tui_wait "^T makes a token" "new ClientRequestToken fuota-"
tui_keys C-d
tui_wait "descriptor dialog" "Descriptor from hex"
tui_type "0002"
tui_keys Enter
tui_wait "short hex refused in the dialog" "give exactly 4 bytes"
tui_keys C-u
tui_type "zz000000"
tui_keys Enter
tui_wait "bad hex refused" "give exactly 4 bytes"
tui_keys C-u
tui_type "0x00 02:04 01"
tui_keys Enter
tui_wait "descriptor made" "Descriptor AAIEAQ== (bytes 00 02 04 01)"
tui_wait "descriptor in its field" "[AAIEAQ=="
tui_keys C-g
tui_wait "tags editor" "Tags · 0 of 200"
tui_keys a
tui_wait "add dialog" "Add a tag"
tui_type "env"
tui_keys Tab
tui_type "prod"
tui_keys Enter
tui_wait "tag listed" "env"
tui_keys a
tui_keys Tab
tui_type "x"
tui_keys Enter
tui_wait "empty key flagged" "length 0 is below the minimum 1"
tui_keys Down d
tui_wait "delete asks first" "Delete the tag =x?"
tui_keys y
tui_wait "tag deleted" "tag deleted"
tui_keys Escape
tui_wait "tags on the wizard row" "Tags (1)"
tui_wait "tag summary" "env=prod"
tui_keys F10
tui_exit_status
tui_stop

# ---- NO_COLOR: attributes, no colour escapes -------------------------------
TUI_ENV="NO_COLOR=1" tui_start 100 30 open "$REQ/invalid-rules.json"
tui_wait "opens with errors" "error"
_tmux capture-pane -p -e -t fuota >"$TMP/esc.txt"
# Colour SGR parameters: 30-38 and 40-48 (39/49 are "default"), 90-107.
colour_re=$'\e\\[([0-9]*;)*(3[0-8]|4[0-8]|9[0-7]|10[0-7])(;[0-9]*)*m'
if grep -qE "$colour_re" "$TMP/esc.txt"; then
    fail "NO_COLOR draws no colour" "colour SGR: $(grep -oE "$colour_re" "$TMP/esc.txt" | head -3 | od -c | head -3)"
else
    pass "NO_COLOR draws no colour"
fi
ok_if "NO_COLOR still marks with attributes (bold/reverse)" grep -qE $'\e\\[([0-9]*;)*(1|7)(;[0-9]*)*m' "$TMP/esc.txt"
tui_stop
tui_start 100 30 open "$REQ/invalid-rules.json"
tui_wait "colour session" "error"
_tmux capture-pane -p -e -t fuota >"$TMP/esc.txt"
if grep -qE "$colour_re" "$TMP/esc.txt"; then
    pass "colours are used without NO_COLOR"
else
    fail "colours are used without NO_COLOR" "no colour SGR"
fi
tui_stop

# ---- a file with errors shows them on their fields -------------------------
tui_start 120 40 open "$REQ/invalid-rules.json"
tui_wait "errors counted at open" "opened $REQ/invalid-rules.json:"
tui_wait "an error under a field" "✗"
tui_stop

# ---- themes ------------------------------------------------------------------
for th in default dark light high-contrast monochrome; do
    tui_start 100 30 --theme "$th"
    tui_wait "theme $th starts" "fuota · wizard"
    tui_gone "theme $th accepted" "theme refused" 1
    tui_stop
done
printf 'color normal white black\ncolor bogus red black\n' >"$TMP/broken.theme"
tui_start 100 30 --theme "$TMP/broken.theme"
tui_wait "broken theme refused with file and line" "broken.theme:2: unknown role 'bogus'"
tui_wait "falls back to the default" "using the default"
tui_stop
mkdir -p "$TUI_HOME/config/fuota"
printf 'theme nosuch\n' >"$TUI_HOME/config/fuota/config"
tui_start 100 30
tui_wait "config theme that does not exist is said" "no theme 'nosuch'"
tui_stop
rm -f "$TUI_HOME/config/fuota/config"

# ---- signals restore the terminal ------------------------------------------
for sig in TERM INT HUP; do
    tui_start 100 30
    tui_wait "started for SIG$sig" "fuota · wizard"
    pid=$(tui_pid)
    kill -s "$sig" "$pid"
    tui_exit_status
    ok_if "SIG$sig ends the console with 0" test "$tui_rc" = 0
    tui_gone "SIG$sig: the terminal is restored" "fuota · wizard"
    contains "SIG$sig is said" "$(cat "$TMP/tui.err")" "stopped by signal"
    tui_stop
done

done_testing
