#!/usr/bin/env bash
# fuota sweep: the grid and its shape, agreement with fuota simulate, the
# outputs (table, CSV, JSON, SVG), determinism, and every bad range.
source "$(dirname "$0")/lib.sh"

sw() { "$FUOTA" sweep "$@"; }
# csv_col FILE COLUMN: the values of a named CSV column, one a line.
csv_col() {
    awk -F, -v c="$2" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == c) k = i; next }
        { print $k }' "$1"
}
# csv_at FILE LOSS REDUNDANCY COLUMN: one point's value.
csv_at() {
    awk -F, -v l="$2" -v r="$3" -v c="$4" 'NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next }
        $h["loss_percent"] == l && $h["redundancy_percent"] == r { print $h[c] }' "$1"
}

expect_exit 0 "help" sw --help
contains "help: --svg" "$out" "--svg FILE"
contains "help: ranges" "$out" "--redundancy FROM:TO:STEP"
expect_exit 0 "listed in fuota --help" "$FUOTA" --help
contains "fuota --help lists sweep" "$out" "sweep"

# --- The default grid: 21 redundancy x 7 loss levels -----------------------
expect_exit 0 "default grid as CSV" sw --image-size 50000 --fragment-size 50 --dr 5 \
    --trials 200 --format csv
printf '%s\n' "$out" >"$TMP/grid.csv"
ok_if "CSV: header + 147 points" test "$(wc -l <"$TMP/grid.csv")" = 148
contains "CSV: header" "$(head -1 "$TMP/grid.csv")" \
    "fragment_size,dr,loss_percent,redundancy_percent,uncoded_fragments,redundancy_fragments,feasible,sendable,trials,successes,p_success,p_low,p_high,extra_received,extra_sent"
ok_if "CSV: every point has 200 trials" \
    test "$(csv_col "$TMP/grid.csv" trials | sort -u)" = 200
ok_if "CSV: M = 1000" test "$(csv_col "$TMP/grid.csv" uncoded_fragments | sort -u)" = 1000
lacks "no progress bar when stderr is not a terminal" "$err" "trials"

# Success never falls as redundancy rises (rows are loss-major).
ok_if "success never falls as redundancy rises" awk -F, 'NR > 1 {
        if ($3 == loss && $11 + 0 < prev + 0) exit 1; loss = $3; prev = $11 }' "$TMP/grid.csv"
ok_if "no loss: 1 everywhere" test "$(awk -F, 'NR > 1 && $3 == 0 { print $11 }' "$TMP/grid.csv" | sort -u)" = 1.000000
# M = 1000 at 10 % loss: 1050 sent is too few, 1200 is plenty.
ok_if "10 % loss, 5 %: about 0" awk -v p="$(csv_at "$TMP/grid.csv" 10 5 p_high)" 'BEGIN { exit !(p < 0.03) }'
ok_if "10 % loss, 20 %: about 1" awk -v p="$(csv_at "$TMP/grid.csv" 10 20 p_low)" 'BEGIN { exit !(p > 0.97) }'

# --- The table and its recommendation ---------------------------------------
expect_exit 0 "table" sw --image-size 50000 --fragment-size 50 --dr 5 --loss 10 --redundancy 0:40:5 --trials 500
contains "table: block title" "$out" "Fragments of 50 B (M = 1000) at DR5 (SF7/125 kHz)"
contains "table: target" "$out" "Target: 99 % of devices complete"
contains "table: 15 % row" "$out" "15 %    150"
contains "table: recommendation" "$out" "loss 10 %: 15 % redundancy (R = 150, 1150 fragments)"
contains "table: recommendation's model and trials" "$out" "500 trials, 10 % i.i.d. loss"
contains "table: airtime and wall time" "$out" "airtime 2 min 16 s, wall time 22 min 37 s"
lacks "a 22 min session: no Class C note" "$out" "outlasts a Class C multicast session"
# A session longer than a Class C multicast session can last (TS005 2^15 s).
expect_exit 0 "a 19 h session" sw --image-size 100000 --fragment-size 48 --dr 0 --loss 10 \
    --redundancy 10:30:10 --trials 100
contains "its recommendation says the devices leave first" "$out" \
    "a session of 19 h 24 min outlasts a Class C multicast session (TS005: at most 2^15 s = 9 h 6 min)"
expect_exit 0 "the same as JSON" sw --image-size 100000 --fragment-size 48 --dr 0 --loss 10 \
    --redundancy 10:30:10 --trials 100 --format json
contains "JSON: fits_class_c_session false" "$(tr -d ' \n' <<<"$out")" '"fits_class_c_session":false'
expect_exit 0 "a short session as JSON" sw --image-size 50000 --fragment-size 50 --dr 5 --loss 10 \
    --redundancy 0:40:5 --trials 100 --format json
contains "JSON: fits_class_c_session true" "$(tr -d ' \n' <<<"$out")" '"fits_class_c_session":true'
expect_exit 0 "fleet target" sw --image-size 50000 --fragment-size 50 --dr 5 --loss 10 --redundancy 0:40:5 \
    --trials 500 --devices 100 --target 95
contains "fleet target: in words" "$out" "all 100 devices complete with 95 % probability"
expect_exit 0 "nothing reaches" sw --image-size 50000 --fragment-size 50 --dr 5 --loss 30 --redundancy 0:20:10 --trials 50
contains "nothing reaches: says so, with the best" "$out" "loss 30 %: no redundancy in the grid reaches the target (20 % gives 0.00 %"
expect_exit 0 "two fragment sizes" sw --image-size 50000 --fragment-size 50,200 --dr 5 --loss 10 --trials 200
contains "fragment size recommendation" "$out" "DR5 (SF7/125 kHz), loss 10 %: 200 B with"

# --- Bursts need more redundancy than i.i.d. loss of the same mean ----------
rec() { sw --image-size 25000 --fragment-size 50 --dr 5 --loss 10 --redundancy 0:60:1 --trials 1000 "$@" --format json |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["recommendations"][0]["point"]["redundancy_percent"])'; }
if command -v python3 >/dev/null; then
    iid=$(rec)
    burst=$(rec --burst 8)
    ok_if "bursts need more redundancy ($burst % vs $iid %)" test "$burst" -gt "$iid"
else
    pass "bursts need more redundancy # SKIP python3 not installed"
fi

# --- Agreement with fuota simulate (full decode, image hash) ----------------
# Same seed: device t of simulate is trial t of the sweep, to the device.
# Another seed: the two 95 % intervals overlap.
cat >"$TMP/task.json" <<'EOF'
{"FirmwareUpdateImage":"s3://bucket-name/fw.bin",
 "FirmwareUpdateRole":"arn:aws:iam::123456789012:role/fuota",
 "FragmentSizeBytes":50,"RedundancyPercent":20,"FragmentIntervalMS":2000,
 "LoRaWAN":{"RfRegion":"EU868"}}
EOF
wilson() { # k n -> "lo hi"
    awk -v k="$1" -v n="$2" 'BEGIN { z = 1.959964; p = k / n; d = 1 + z*z/n
        c = (p + z*z/(2*n)) / d; h = z * sqrt(p*(1-p)/n + z*z/(4*n*n)) / d
        printf "%.6f %.6f\n", c - h, c + h }'
}
for pt in "10 20" "10 15 --burst 3" "15 30 --spread 5" "20 35 --late-join 5" "5 10 --burst 2 --spread 3"; do
    set -- $pt
    loss=$1 red=$2
    shift 2
    sed "s/\"RedundancyPercent\":20/\"RedundancyPercent\":$red/" "$TMP/task.json" >"$TMP/t.json"
    sw --image-size 4000 --fragment-size 50 --dr 5 --loss "$loss" --redundancy "$red" --trials 300 \
        --seed 7 "$@" --format csv >"$TMP/pt.csv"
    k=$(csv_at "$TMP/pt.csv" "$loss" "$red" successes)
    lo=$(csv_at "$TMP/pt.csv" "$loss" "$red" p_low)
    hi=$(csv_at "$TMP/pt.csv" "$loss" "$red" p_high)
    "$FUOTA" simulate "$TMP/t.json" --image-size 4000 --dr 5 --devices 300 --loss "$loss" --seed 7 \
        "$@" --mode full --json >"$TMP/sim.json"
    same=$(tr -d ' \t\n' <"$TMP/sim.json" | sed -n 's/.*"completed":\([0-9]*\),"failed".*/\1/p')
    ok_if "loss $loss red $red $*: simulate completes $same of 300, sweep $k" test "$same" = "$k"
    "$FUOTA" simulate "$TMP/t.json" --image-size 4000 --dr 5 --devices 300 --loss "$loss" --seed 8007 \
        "$@" --mode full --json >"$TMP/sim2.json"
    other=$(tr -d ' \t\n' <"$TMP/sim2.json" | sed -n 's/.*"completed":\([0-9]*\),"failed".*/\1/p')
    read -r olo ohi <<<"$(wilson "$other" 300)"
    ok_if "loss $loss red $red $*: other seed [$olo, $ohi] meets [$lo, $hi]" \
        awk -v a="$olo" -v b="$ohi" -v c="$lo" -v d="$hi" 'BEGIN { exit !(b >= c && a <= d) }'
done

# --- Determinism: 1, 2 and 3 threads ----------------------------------------
for t in 1 2 3; do
    for f in table csv json; do
        sw --image-size 12000 --fragment-size 40,100 --dr 5,3 --loss 0:20:5 --redundancy 0:60:10 \
            --burst 2 --spread 3 --shared-loss 1 --late-join 2 --seed 5 --trials 300 \
            --threads "$t" --format "$f" --svg "$TMP/c$t.svg" >"$TMP/o$t.$f"
    done
done
for f in table csv json; do
    ok_if "$f identical for 1 and 2 threads" cmp -s "$TMP/o1.$f" "$TMP/o2.$f"
    ok_if "$f identical for 1 and 3 threads" cmp -s "$TMP/o1.$f" "$TMP/o3.$f"
done
ok_if "SVG identical for 1 and 3 threads" cmp -s "$TMP/c1.svg" "$TMP/c3.svg"

# --- JSON --------------------------------------------------------------------
if command -v python3 >/dev/null; then
    ok_if "JSON parses: 2 x 2 x 5 x 7 points, every field" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert len(d["points"]) == 140, len(d["points"])
keys = {"fragment_size", "dr", "loss_percent", "redundancy_percent", "p_success",
        "p_low", "p_high", "extra_received", "extra_sent", "airtime_s", "wall_time_s",
        "share_complete", "p_all"}
for p in d["points"]:
    assert keys <= set(p), p
    assert p["p_low"] <= p["p_success"] <= p["p_high"]
assert len(d["recommendations"]) == 20
assert len(d["fragment_size_recommendations"]) == 10
assert d["sweep"]["trials"] == 300 and d["sweep"]["seed"] == 5
' "$TMP/o1.json"
else
    pass "JSON parses # SKIP python3 not installed"
fi

# --- SVG: well-formed, one curve and one band per loss, the target line ------
svg_ok() {
    if command -v xmllint >/dev/null; then xmllint --noout "$1"
    elif command -v python3 >/dev/null; then
        python3 -c 'import sys, xml.dom.minidom as m; m.parse(sys.argv[1])' "$1"
    else
        # No XML parser on a minimal machine: at least one root element
        # that is closed at the end.
        head -c 200 "$1" | grep -q '<svg' && tail -c 20 "$1" | grep -q '</svg>'
    fi
}
expect_exit 0 "SVG written" sw --image-size 50000 --fragment-size 50 --dr 5 --trials 100 --svg "$TMP/chart.svg"
ok_if "SVG is well-formed XML" svg_ok "$TMP/chart.svg"
svg=$(cat "$TMP/chart.svg")
ok_if "SVG: 7 curves" test "$(grep -c '<polyline' "$TMP/chart.svg")" = 7
ok_if "SVG: 7 bands" test "$(grep -c 'fill-opacity="0.15"' "$TMP/chart.svg")" = 7
contains "SVG: target line" "$svg" "target 99 %"
contains "SVG: legend" "$svg" "loss 30 %"
ok_if "SVG with two sizes is well-formed" svg_ok "$TMP/c1.svg"
ok_if "SVG: a panel per fragment size" test "$(grep -c 'font-weight="bold"' "$TMP/c1.svg")" = 2
ok_if "SVG: no temporary file left" test "$(ls -A "$TMP" | grep -c '^\.')" = 0
chmod 500 "$TMP" 2>/dev/null
if [ "$(id -u)" != 0 ]; then
    expect_exit 2 "SVG in a folder that cannot be written" sw --image-size 1000 --svg "$TMP/no.svg"
    contains "unwritable: names the option" "$err" "--svg: $TMP/no.svg: Permission denied"
fi
chmod 700 "$TMP"
expect_exit 2 "SVG in a missing folder" sw --image-size 1000 --svg "$TMP/missing/x.svg"
contains "missing folder: names the option" "$err" "--svg: $TMP/missing/x.svg: No such file or directory"
# A bad range writes nothing.
expect_exit 2 "bad range writes no SVG" sw --image-size 1000 --loss 5:1:1 --svg "$TMP/none.svg"
ok_if "bad range: no SVG file" test ! -e "$TMP/none.svg"
# Stopped by a signal: the chart is not written, its temporary file is
# removed, and the signal ends the process.
mkdir "$TMP/int"
# (not through sw(): $! would be the function's subshell, not fuota)
"$FUOTA" sweep --image-size 2000000 --fragment-size 200 --dr 5 --trials 100000000 --loss 30 \
    --redundancy 0:60:5 --svg "$TMP/int/x.svg" >/dev/null 2>&1 &
pid=$!
on_exit "kill $pid 2>/dev/null"
ok_if "signal: the temporary file appears" wait_until 20 sh -c "ls -A '$TMP/int' | grep -q ."
kill -TERM "$pid"
wait "$pid"
rc=$?
ok_if "signal: ends by SIGTERM (status $rc)" test "$rc" = 143
ok_if "signal: nothing left in the folder" test -z "$(ls -A "$TMP/int")"

# --- The image: FILE, --image, --image-size ----------------------------------
head -c 5000 /dev/zero >"$TMP/img.bin"
sw --image-size 5000 --trials 20 --format csv >"$TMP/by-size.csv"
expect_exit 0 "image as FILE" sw "$TMP/img.bin" --trials 20 --format csv
ok_if "FILE: same as --image-size" test "$out" = "$(cat "$TMP/by-size.csv")"
expect_exit 0 "image as --image" sw --image "$TMP/img.bin" --trials 20 --format csv
ok_if "--image: same as --image-size" test "$out" = "$(cat "$TMP/by-size.csv")"
expect_exit 0 "image on stdin" sw - --trials 20 --format csv <"$TMP/img.bin"
ok_if "stdin: same as --image-size" test "$out" = "$(cat "$TMP/by-size.csv")"
: >"$TMP/empty.bin"
expect_exit 2 "empty image" sw "$TMP/empty.bin"
contains "empty image: says so" "$err" "the image is empty"
expect_exit 2 "missing image file" sw "$TMP/nope.bin"
contains "missing image: errno text" "$err" "No such file or directory"

# --- A progress bar on stderr only when stderr is a terminal -----------------
if ! command -v script >/dev/null 2>&1; then
    pass "progress bar on a terminal # SKIP script(1) not installed"
else
    tty_out=$(script -qec "'$FUOTA' sweep --image-size 5000 --trials 100 --format csv" /dev/null </dev/null 2>&1 | tr '\r' '\n')
    case "$tty_out" in
    *"failed to create pseudo-terminal"*)
        pass "progress bar on a terminal # SKIP no pseudo-terminal" ;;
    *) contains "progress bar on a terminal" "$tty_out" "] 100 % 700/700 trials" ;;
    esac
fi

# --- Output errors -------------------------------------------------------------
to_full() { sw "$@" >/dev/full; }
if [ -w /dev/full ]; then
    expect_exit 2 "stdout full" to_full --image-size 5000 --trials 10 --format csv
    contains "stdout full: says so" "$err" "error writing standard output"
else
    pass "stdout full # SKIP no /dev/full"
fi

# --- The guide's planning session holds ------------------------------------
guide=$FUOTA_ROOT/docs/guide/sweep.md
want=$(awk '/^Sweep: 65536-byte image/ { on = 1 } on && /^```/ { exit } on' "$guide")
ok_if "guide: the first answer is in the guide" test -n "$want"
meters() { sw --image-size 65536 --dr 5 --interval 4000 --burst 3 --spread 5 --seed 7 "$@"; }
got=$(meters --fragment-size 200 --loss 5:15:5 --redundancy 0:60:5 --trials 2000 --svg "$TMP/meters.svg")
ok_if "guide: the meters table and recommendation, as printed" test "$got" = "$want"
ok_if "guide: the chart is docs/guide/sweep-meters.svg" \
    cmp -s "$TMP/meters.svg" "$FUOTA_ROOT/docs/guide/sweep-meters.svg"
got=$(meters --fragment-size 50,100,200,239 --loss 10 --redundancy 0:100:5 --trials 2000)
line=$(grep -A1 '^Fragment size with the shortest' <<<"$got" | tail -1)
contains "guide: the fragment size answer" "$(cat "$guide")" "$line"
contains "guide: 239 B wins" "$line" "239 B with 40 % redundancy: wall time 25 min 40 s"
got=$(meters --fragment-size 239 --loss 10 --redundancy 40:100:5 --trials 200000 --devices 2000 --target 95)
contains "guide: every meter, estimate" "$(cat "$guide")" "$(grep '^  loss 10 %' <<<"$got")"
contains "guide: every meter, confirmed" "$(cat "$guide")" "$(grep '^    the interval' <<<"$got")"

# --- Every bad range and option: exit 2, naming the option -------------------
bad() { # needle, args...
    local needle=$1
    shift
    expect_exit 2 "bad: $*" sw --image-size 5000 "$@"
    contains "bad: $*: message" "$err" "$needle"
    contains "bad: $*: help hint" "$err" "Try 'fuota sweep --help'."
}
bad "--redundancy: FROM 30 is above TO 20" --redundancy 30:20:5
bad "--loss: FROM 10 is above TO 5" --loss 10:5:1
bad "--redundancy: STEP 0 must be above 0" --redundancy 0:100:0
bad "--loss: STEP 0 must be above 0" --loss 0:30:0
bad "--loss: STEP -1 must be above 0" --loss 0:30:-1
bad "--redundancy: TO 101 % is outside 0..100 %" --redundancy 0:101:1
bad "--redundancy: FROM -5 % is outside 0..100 %" --redundancy -5:10:5
bad "--loss: TO 100.5 % is outside 0..100 %" --loss 0:100.5:5
bad "--loss: FROM 120 % is outside 0..100 %" --loss 120
bad "--redundancy: STEP 2.5 is not a whole percent" --redundancy 0:100:2.5
bad "--loss: '1:2' is not FROM:TO:STEP" --loss 1:2
bad "--loss: '1:2:3:4' is not FROM:TO:STEP" --loss 1:2:3:4
bad "--loss: 'x' is not a number" --loss x:2:1
bad "--loss: '' is not a number" --loss 1::1
bad "--loss: '1e1' is not a number" --loss 1e1
bad "is too large: 1 fragment size x 1 data rate x 1001 loss levels x 101 redundancy levels = 101101 points, more than 100000" \
    --loss 0:100:0.1 --redundancy 0:100:1
bad "--loss: STEP 0.0001 gives more than 100000 levels" --loss 0:100:0.0001
bad "--target: 101 is outside 0..100" --target 101
bad "--target: -1 is outside 0..100" --target -1
bad "--spread: 101 is outside 0..100" --spread 101
bad "--shared-loss: 100.1 is outside 0..100" --shared-loss 100.1
bad "--spread: a spread of 25 % is too wide for 5 % mean loss" --spread 25
bad "--burst: a mean burst of 1 fragment cannot reach 60 % loss" --burst 1 --loss 60
bad "--burst: 0.5 is outside 1..1000000" --burst 0.5
bad "--devices: 0 is outside" --devices 0
bad "--trials: 0 is outside" --trials 0
bad "--threads: 0 is outside" --threads 0
bad "--width: 101 is outside" --width 101
bad "--late-join: 16384 is outside" --late-join 16384
bad "--fragment-size: 300 is outside 1..255" --fragment-size 300
bad "--fragment-size: 50 bytes is given twice" --fragment-size 50,50 --dr 5
bad "--fragment-size: '' is not a number" --fragment-size 50,,60
bad "--fragment-size: no fragment size fits a data rate asked: EU868 carries at most 48" --fragment-size 100
bad "--dr: 16 is outside 0..15" --dr 16
bad "--dr: EU868 has no downlink data rate DR8 that carries fragments" --dr 8
bad "--dr: 'x' is not a whole number" --dr x
bad "--region: 'XX' is not an RfRegion" --region XX
bad "--interval: 0 is outside" --interval 0
bad "--format: 'xml' is not a format: use table, csv or json" --format xml
expect_exit 2 "too many fragments" sw --image-size 10000 --fragment-size 1 --redundancy 70:100:5
contains "too many fragments: says why" "$err" \
    "--fragment-size: 1-byte fragments cut the 10000-byte image into M = 10000; with 70 % redundancy (the least asked) that is 17000 fragments, more than the 16383"
expect_exit 2 "image too large" sw --image-size 4177666
contains "image too large: the limit" "$err" "--image-size: 4177666 is outside 1..4177665"
expect_exit 2 "no image" sw
contains "no image: says which" "$err" "give the image exactly once: FILE, --image PATH or --image-size N"
expect_exit 2 "two images" sw "$TMP/img.bin" --image-size 5
contains "two images: says which" "$err" "give the image exactly once"
expect_exit 2 "unknown option" sw --image-size 5 --bogus
contains "unknown option: named" "$err" "unknown option '--bogus'"

done_testing
