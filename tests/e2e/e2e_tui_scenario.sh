#!/usr/bin/env bash
# The console's playback offers the training scenarios (F7 in the
# settings): the fleet, link and fault fields take the scenario's values
# (a gateway outage becomes the fragments it covers), the story is said,
# and the played session ends as `fuota simulate --scenario` says.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tui_lib.sh"
if ! command -v tmux >/dev/null 2>&1; then
    skip "console scenario tests" "tmux is not installed"
    done_testing
    exit
fi
cat >"$TMP/task.json" <<'EOF'
{"Name":"fw-scn","FirmwareUpdateImage":"s3://fuota-e2e/fw.bin",
 "FirmwareUpdateRole":"arn:aws:iam::123456789012:role/fuota",
 "FragmentSizeBytes":48,"RedundancyPercent":30,"FragmentIntervalMS":10000,
 "LoRaWAN":{"RfRegion":"EU868"}}
EOF
json_num() {
    sed -n "s/^[[:space:]]*\"$1\":[[:space:]]*\([0-9][0-9]*\).*/\1/p" "$2" | head -1
}
for scn in gateway-outage wrong-keys; do
    expect_exit 0 "$scn: fuota simulate" "$FUOTA" simulate "$TMP/task.json" \
        --scenario "$scn" --seed 1 --mode rank --json
    printf '%s\n' "$out" >"$TMP/$scn.json"
    completed=$(json_num completed "$TMP/$scn.json")
    devices=$(json_num devices "$TMP/$scn.json")
    ok_if "$scn: simulate reports a fleet" test -n "$devices"

    tui_start 120 40 open "$TMP/task.json"
    tui_wait "$scn: wizard" "fuota · wizard · task.json"
    tui_keys F5
    tui_wait "$scn: settings" "Playback settings · fw-scn"
    tui_keys F7
    tui_wait "$scn: the scenarios are listed" "Training scenarios"
    tui_wait "$scn: listed with its story" "$scn"
    # The list is in the order of `fuota scenarios` (by name).
    n=$("$FUOTA" scenarios | awk '{print $1}' | grep -n "^$scn\$" | cut -d: -f1)
    ok_if "$scn: shipped" test -n "$n"
    for i in $(seq 2 "${n:-1}"); do tui_keys Down; done
    tui_keys Enter
    tui_wait "$scn: loaded, the story said" "scenario $scn:"
    tui_wait "$scn: named in the title" "scenario $scn"
    tui_wait "$scn: the fleet size" "[$devices "
    if [ "$scn" = gateway-outage ]; then
        # The outage's fragments: the drop field is not empty any more.
        if wait_until 10 sh -c "tmux -L $TUI_SOCK capture-pane -p -t fuota | grep -qE 'Drop fragments +\\[[0-9]+,'"; then
            pass "$scn: the outage became dropped fragments"
        else
            fail "$scn: the outage became dropped fragments"
        fi
    else
        tui_wait "$scn: the fault" "mic-error:"
    fi
    tui_keys Enter
    tui_wait "$scn: playing" "Playback · fw-scn"
    tui_keys End
    tui_wait "$scn: the end as fuota simulate says" "Completed $completed of $devices" 30
    loss_line=$("$FUOTA" simulate "$TMP/task.json" --scenario "$scn" --seed 1 --mode rank 2>/dev/null | sed -n 's/^Loss *//p')
    tui_wait "$scn: the same loss model as fuota simulate ($loss_line)" "$loss_line"
    tui_keys F10
    tui_exit_status
    ok_if "$scn: quits with 0" test "$tui_rc" = 0
    tui_stop
done
done_testing
