#!/usr/bin/env bash
# The console's planner (F6), driven through tmux: opened from a filled
# wizard, the chart and the recommendation appear, the cursor reads a
# point (compared with `fuota sweep --format csv` for the same settings
# and seed), bad ranges are refused with the field named, Enter applies
# the recommendation and the wizard's RedundancyPercent becomes what
# `fuota sweep` recommends; Esc during a long computation goes back at
# once; several fragment sizes; no image size; the ASCII chart; q quits;
# a recommendation whose session outlasts a Class C session says so.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tui_lib.sh"

if ! command -v tmux >/dev/null 2>&1; then
    echo "ok 1 # SKIP tmux is not installed (scripts/install-deps installs it)"
    echo "1..1"
    exit 0
fi

# EU868 DR0 (the default), 48-byte fragments: a 4800-byte image is M = 100.
cat >"$TMP/task.json" <<'EOF'
{"Name":"fw-small","FirmwareUpdateImage":"s3://fuota-e2e/fw.bin",
 "FirmwareUpdateRole":"arn:aws:iam::123456789012:role/fuota",
 "FragmentSizeBytes":48,"RedundancyPercent":20,"FragmentIntervalMS":1000,
 "LoRaWAN":{"RfRegion":"EU868"}}
EOF
head -c 4800 /dev/zero >"$TMP/fw.bin"

# What `fuota sweep` says for the planner's defaults: redundancy 0:100:5,
# loss 0:30:5, 1000 trials, seed 1, target 99 %.
SWEEP=(--image-size 4800 --fragment-size 48 --interval 1000)
expect_exit 0 "fuota sweep for the same settings" "$FUOTA" sweep "${SWEEP[@]}"
rec=$(printf '%s\n' "$out" | sed -n 's/^  loss 10 %: \([0-9]*\) % redundancy.*/\1/p')
ok_if "fuota sweep recommends a redundancy at 10 % loss" test -n "$rec"
ok_if "... other than the request's 20 %" test "${rec:-20}" != 20
expect_exit 0 "fuota sweep as CSV" "$FUOTA" sweep "${SWEEP[@]}" --format csv
# The share at 10 % loss and 30 % redundancy, and its interval, as the
# planner prints them (two decimals of a percent).
point=$(printf '%s\n' "$out" | awk -F, '$3 == 10 && $4 == 30 {
    printf "%.2f %% [%.2f, %.2f]", $11 * 100, $12 * 100, $13 * 100 }')
ok_if "the CSV has the point" test -n "$point"

# ---- open from a filled wizard ---------------------------------------------
tui_start 100 30 open "$TMP/task.json" --image "$TMP/fw.bin"
tui_wait "wizard opens" "fuota · wizard · task.json"
tui_keys BTab
tui_wait "on the expected loss" "› Expected loss %"
tui_type "10"
tui_keys F6
tui_wait "F6 opens the planner" "Planner · fw-small"
tui_wait "what the chart is about" "Devices that complete (%) by RedundancyPercent"
tui_wait "the request's image and fragments" "48 B fragments, M = 100 · 4800 B image"
tui_wait "the chart's axis" "100 %┤"
tui_wait "redundancy ticks under it" "50 %"
tui_wait "one curve per loss level, each with its glyph" "● 0 %  ■ 5 %  ▲ 10 %"
tui_wait "all trials done" "✓ 1000 trials a point"
tui_wait "the recommendation, as fuota sweep gives it" \
    "At 10 % i.i.d. loss, $rec % redundancy is the least that reaches 99 % of"
tui_wait "what Enter would do" "Enter applies RedundancyPercent $rec (now 20)"
# The cursor starts on the expected loss at the wizard's redundancy.
tui_wait "the cursor on the wizard's values" "▲ 10 % loss · 20 % redundancy, R = 20"
tui_keys Right Right
tui_wait "Right moves the cursor along the curve" "▲ 10 % loss · 30 % redundancy, R = 30"
tui_wait "the point's share and interval, as fuota sweep's CSV" "$point · 1000 trials"
tui_keys Down
tui_wait "Down moves to the next loss level" "◆ 15 % loss · 30 % redundancy"
tui_keys Up
tui_wait "Up comes back" "▲ 10 % loss · 30 % redundancy"
tui_keys F1
tui_wait "help lists the planner's keys" "planner  (this screen)"
tui_wait "help has apply" "apply the recommended redundancy"
tui_keys Escape
tui_gone "help closes" "planner  (this screen)"

# ---- bad ranges refused, field named ---------------------------------------
tui_keys s
tui_wait "s lists the settings" "Planner settings"
tui_wait "with the ranges" "Redundancy %    0:100:5"
tui_keys Enter
tui_wait "Redundancy asked for" "Planner · Redundancy %"
tui_keys C-u
tui_type "30:20:5"
tui_keys Enter
tui_wait "FROM above TO refused, field named" \
    "Redundancy %: FROM 30 is above TO 20"
tui_keys C-u
tui_type "0:100:0"
tui_keys Enter
tui_wait "a STEP of 0 refused" "Redundancy %: STEP 0 must be above 0"
tui_keys C-u
tui_type "0:101:5"
tui_keys Enter
tui_wait "TO over 100 refused" "Redundancy %: TO 101 % is outside 0..100 %"
tui_keys C-u
tui_type "a:b"
tui_keys Enter
tui_wait "not a range" "Redundancy %: 'a:b' is not FROM:TO:STEP"
tui_keys Escape
tui_gone "Esc leaves the value as it was" "Planner · Redundancy %"
tui_keys s Home Down Enter
tui_wait "Loss asked for" "Planner · Loss %"
tui_keys C-u
tui_type "0:40:5"
tui_keys Enter
tui_wait "too many curves refused" "Loss %: 0:40:5 gives 9 loss levels"
tui_keys C-u
tui_type "0:60:10"
tui_keys Enter
tui_wait "a new loss range is taken" "Loss % 0:60:10: computing"
tui_wait "its curves" "★ 40 %"
tui_keys s
tui_wait "settings again" "Planner settings"
tui_keys Home
for i in 1 2 3 4; do tui_keys Down; done
tui_keys Enter
tui_wait "Burst asked for" "Planner · Burst length"
tui_keys C-u
tui_type "1"
tui_keys Enter
tui_wait "a burst too short for a loss level, on Burst" \
    "Burst length: a mean burst of 1 fragment cannot reach 60 % loss"
tui_keys Escape
tui_keys s Home Down Enter
tui_keys C-u
tui_type "5:30:5"
tui_keys Enter
tui_wait "a loss range from 5 %" "Loss % 5:30:5: computing"
tui_wait "recomputed" "✓ 1000 trials a point"
tui_wait "the cursor stayed on its loss level" "■ 10 % loss · 30 % redundancy"

# ---- Enter applies the recommendation --------------------------------------
tui_keys Enter
tui_wait "Enter goes back to the wizard" "fuota · wizard"
tui_wait "saying what changed" \
    "applied from the planner: RedundancyPercent 20 → $rec"
tui_wait "the wizard's RedundancyPercent is the recommendation" \
    "RedundancyPercent   [$rec "
tui_keys F2
tui_wait "saved" "saved to $TMP/task.json"
ok_if "the saved request has it" grep -q "\"RedundancyPercent\": *$rec" "$TMP/task.json"

# ---- Esc while it computes --------------------------------------------------
pid=$(tui_pid)
ok_if "the console runs" test -n "$pid"
threads() { sed -n 's/^Threads:[[:space:]]*//p' "/proc/$pid/status" 2>/dev/null; }
idle_threads=$(threads)
tui_keys F6
tui_wait "the planner again" "Planner · fw-small"
tui_wait "the loss range set here was kept" "● 5 %  ■ 10 %"
tui_keys s Home
for i in 1 2 3 4 5 6 7 8 9 10; do tui_keys Down; done
tui_keys Enter
tui_wait "Trials asked for" "Planner · Trials"
tui_keys C-u
tui_type "0"
tui_keys Enter
tui_wait "0 trials refused" "Trials: '0' is not a whole number from 1 to 100000000"
tui_keys C-u
tui_type "100000000"
tui_keys Enter
tui_wait "a long run starts" "of 100000000 trials"
# The run goes on: the chart shows 100 and more trials a point.
_refined() {
    tui_screen >/dev/null
    [[ $screen =~ ([0-9]+)\ of\ 100000000\ trials ]] &&
        [ "${BASH_REMATCH[1]}" -ge 100 ]
}
if wait_until 20 _refined; then
    pass "and refines stage by stage"
else
    fail "and refines stage by stage" "screen:" "$screen"
fi
tui_wait "the chart is up meanwhile" "■ 10 %"
tui_keys Escape
tui_wait "Esc goes back at once" "fuota · wizard"
tui_wait "saying the run stopped" "planner closed: its run stopped at"
as_idle() { [ "$(threads)" = "$idle_threads" ]; }
if [ -z "$idle_threads" ]; then
    skip "the run's threads are gone" "no /proc here"
elif wait_until 10 as_idle; then
    pass "the run's threads are gone (as many as before F6: $idle_threads)"
else
    fail "the run's threads are gone" "$(threads) threads, $idle_threads before"
fi

# ---- several fragment sizes ------------------------------------------------
tui_keys F6
tui_wait "the planner once more" "Planner · fw-small"
tui_keys s Home Down Down Enter
tui_wait "Fragment sizes asked for" "Planner · Fragment sizes"
tui_keys C-u
tui_type "48,48"
tui_keys Enter
tui_wait "a size twice refused" "Fragment sizes: 48 bytes is given twice"
tui_keys C-u
tui_type "49"
tui_keys Enter
tui_wait "a size over DR0's 48 bytes refused" \
    "Fragment sizes: no fragment size fits a data rate asked"
tui_keys C-u
tui_type "24,48"
tui_keys Enter
tui_wait "two sizes" "Fragment sizes 24,48: computing"
tui_keys s Home
for i in 1 2 3 4 5 6 7 8 9 10; do tui_keys Down; done
tui_keys Enter
tui_keys C-u
tui_type "200"
tui_keys Enter
tui_wait "done with 200 trials" "✓ 200 trials a point"
tui_wait "the shortest session over the sizes" "B fragments with"
tui_wait "24 B shown first" "24 B fragments, M = 200 (f: next size)"
tui_keys f
tui_wait "f shows the next size" "48 B fragments, M = 100 (f: next size)"
tui_keys Escape
tui_wait "back to the wizard" "fuota · wizard"
tui_keys F10
tui_exit_status
ok_if "F10 quits with 0" test "$tui_rc" = 0
ok_if "no sanitizer report" sh -c "! grep -q Sanitizer '$TMP/tui.err'"
tui_stop

# ---- no image size: asked for; the ASCII chart at 80x24 --------------------
TUI_ENV="LANG=C LC_ALL=C" tui_start 80 24 open "$TMP/task.json"
tui_wait "second console, ASCII" "fuota - wizard"
tui_keys F6
tui_wait "no image: Image bytes asked for" "Planner - Image bytes"
tui_wait "with the rule" "Image bytes: required: a whole number from 1 to 4177665"
tui_type "4800"
tui_keys Enter
tui_wait "an ASCII chart" "100 %+"
tui_wait "ASCII markers in the legend" "o 0 %  x 5 %  + 10 %"
tui_wait "done" "+ 1000 trials a point"
tui_keys q
tui_exit_status
ok_if "q quits from the planner with 0" test "$tui_rc" = 0
ok_if "no sanitizer report (ASCII)" sh -c "! grep -q Sanitizer '$TMP/tui.err'"
tui_stop

# ---- a session longer than a Class C multicast session can last ------------
# 100000 B in 48-byte fragments at DR0: about 20 h, past TS005's 2^15 s.
tui_start 120 40 open "$TMP/task.json"
tui_wait "third console" "fuota · wizard"
tui_keys F6
tui_wait "Image bytes asked for" "Planner · Image bytes"
tui_type "100000"
tui_keys Enter
tui_wait "the chart for M = 2084" "48 B fragments, M = 2084"
tui_wait "the recommendation says the devices leave before the end" \
    "devices return to Class A" 30
tui_keys Escape
tui_wait "back to the wizard" "fuota · wizard"
tui_keys F10
tui_exit_status
ok_if "F10 quits with 0 (long session)" test "$tui_rc" = 0
tui_stop

done_testing
