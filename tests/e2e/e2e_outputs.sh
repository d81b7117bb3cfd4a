#!/usr/bin/env bash
# Output files (cli/outfile.h): whole or not at all, an older file intact
# after an interrupt or a failed write, no temporary left behind, two
# outputs never on one file; one rule for failed writes (one message with
# its reason, exit 2); the --events size and levels; JSON layout and
# rounding in every JSON a command writes.
. "$(dirname "$0")/lib.sh"

cat >"$TMP/t10.json" <<'EOF'
{"FirmwareUpdateImage":"s3://bucket-name/fw.bin",
 "FirmwareUpdateRole":"arn:aws:iam::123456789012:role/fuota",
 "FragmentSizeBytes":10,"RedundancyPercent":100,"FragmentIntervalMS":15000,
 "LoRaWAN":{"RfRegion":"EU868"}}
EOF
T10=$TMP/t10.json
sim() { "$FUOTA" simulate "$T10" --image-size 160 --devices 3 "$@"; }
# what a folder holds, hidden files too, one a line
listing() { (cd "$1" && ls -A | sort); }
# no temporary (".NAME.XXXXXX") is left in a folder
no_temps() { ! (cd "$1" && ls -A | grep -q '^\.'); }

# ---- whole files, no temporaries, modes, links ---------------------------
d=$TMP/files
mkdir "$d"
expect_exit 0 "simulate writes three files" sim --csv "$d/c.csv" \
    --report "$d/r.json" --events "$d/e.jsonl"
ok_if "exactly the three files, no temporary left" \
    test "$(listing "$d")" = "$(printf 'c.csv\ne.jsonl\nr.json')"
ok_if "csv: header and one line a device" test "$(wc -l <"$d/c.csv")" = 4
ok_if "new file mode is 0666 & ~umask" \
    test "$(stat -c %a "$d/c.csv")" = "$(printf '%o' $((0666 & ~0$(umask))))"
chmod 640 "$d/c.csv"
expect_exit 0 "simulate replaces a file" sim --csv "$d/c.csv"
ok_if "a replaced file keeps its mode" test "$(stat -c %a "$d/c.csv")" = 640
echo "target" >"$d/target.csv"
ln -s target.csv "$d/link.csv"
expect_exit 0 "simulate through a symbolic link" sim --csv "$d/link.csv"
ok_if "the link stays a link" test -L "$d/link.csv"
ok_if "the file it names is replaced" \
    test "$(head -1 "$d/target.csv")" = "device,status,own_loss_percent,fragments_received,uncoded_lost,done_at_fragment,done_time_ms,full_decode"
ok_if "still no temporary" no_temps "$d"

# ---- interrupts: nothing left behind, an older file intact ----------------
# The run blocks opening --events, a FIFO nobody reads: by then the
# temporaries of --report and --csv exist. Background jobs of a script
# ignore SIGINT; env --default-signal gives it back (coreutils >= 8.31).
# (An array, not a function: the background job must be the process.)
defsig=()
env --default-signal=INT true 2>/dev/null && defsig=(env --default-signal=INT)
# ends: the process ends within a deadline (else it is killed: no hang)
gone() { # no such process, or only its zombie waiting for "wait"
    local st
    st=$(ps -o stat= -p "$1" 2>/dev/null)
    [ -z "$st" ] || [ "${st#Z}" != "$st" ]
}
ends() {
    wait_until 10 gone "$1" || kill -KILL "$1" 2>/dev/null
    wait "$1"
}
has_temp() { (cd "$1" && ls -A | grep -q "^\.$2\.") ; }
for sig in INT TERM HUP; do
    d=$TMP/sig$sig
    mkdir "$d"
    echo "older csv" >"$d/c.csv"
    mkfifo "$d/events.fifo"
    "${defsig[@]}" "$FUOTA" simulate "$T10" --image-size 160 --devices 3 \
        --csv "$d/c.csv" --report "$d/r.json" --events "$d/events.fifo" \
        >/dev/null 2>&1 &
    pid=$!
    if wait_until 20 has_temp "$d" c.csv && wait_until 5 has_temp "$d" r.json; then
        pass "SIG$sig: temporaries exist while the run is on"
    else
        fail "SIG$sig: temporaries exist while the run is on" "$(listing "$d")"
    fi
    kill -"$sig" "$pid"
    ends "$pid"
    rc=$?
    ok_if "SIG$sig: the process ends by the signal (status $rc)" \
        test "$rc" = $((128 + $(kill -l "$sig")))
    ok_if "SIG$sig: the older csv is intact" test "$(cat "$d/c.csv")" = "older csv"
    ok_if "SIG$sig: no report written, no temporary left" \
        test "$(listing "$d")" = "$(printf 'c.csv\nevents.fifo')"
done

# fragments --output: the output is opened before the image is read, so a
# FIFO image holds the run with the temporary there.
d=$TMP/frag
mkdir "$d"
echo "older stream" >"$d/s.txt"
mkfifo "$d/img.fifo"
"$FUOTA" fragments --image "$d/img.fifo" --fragment-size 10 --redundancy 1 \
    --output "$d/s.txt" >/dev/null 2>&1 &
pid=$!
if wait_until 20 has_temp "$d" s.txt; then
    pass "fragments: a temporary while the image is read"
else
    fail "fragments: a temporary while the image is read" "$(listing "$d")"
fi
kill -TERM "$pid"
ends "$pid"
ok_if "fragments SIGTERM: the older stream is intact" test "$(cat "$d/s.txt")" = "older stream"
ok_if "fragments SIGTERM: no temporary left" \
    test "$(listing "$d")" = "$(printf 'img.fifo\ns.txt')"
head -c 100 /dev/urandom >"$TMP/fw.bin"
expect_exit 0 "fragments -o FILE" "$FUOTA" fragments --image "$TMP/fw.bin" \
    --fragment-size 10 --redundancy 5 -o "$d/s.txt"
"$FUOTA" fragments --image "$TMP/fw.bin" --fragment-size 10 --redundancy 5 \
    >"$TMP/stdout.txt" 2>/dev/null
ok_if "fragments -o: the stream stdout gets" cmp -s "$d/s.txt" "$TMP/stdout.txt"
lacks "fragments -o: nothing on stdout" "$out" "1 "
expect_exit 0 "fragments --output=FILE --format bin" "$FUOTA" fragments \
    --image "$TMP/fw.bin" --fragment-size 10 --redundancy 5 --format bin \
    --output="$d/s.bin"
ok_if "fragments --format bin -o: 150 bytes" test "$(wc -c <"$d/s.bin")" = 150

# ---- outputs that cannot be written ---------------------------------------
echo "older" >"$TMP/keep.csv"
expect_exit 2 "--csv a directory" sim --csv "$TMP"
contains "--csv a directory: errno text" "$err" "fuota simulate: --csv: $TMP: Is a directory"
expect_exit 2 "--report in a missing folder" sim --report "$TMP/no/r.json"
contains "--report in a missing folder: errno text" "$err" "--report: $TMP/no/r.json: No such file or directory"
expect_exit 2 "fragments -o a directory" "$FUOTA" fragments --image "$TMP/fw.bin" \
    --fragment-size 10 --redundancy 1 -o "$TMP"
contains "fragments -o a directory: errno text" "$err" "fuota fragments: --output: $TMP: Is a directory"
ok_if "fragments -o a directory: nothing on stdout" test -z "$out"
if [ "$(id -u)" = 0 ]; then
    skip "an output in a folder without write permission" "running as root: permissions do not apply"
else
    mkdir "$TMP/ro"
    chmod 555 "$TMP/ro"
    expect_exit 2 "an output in a read-only folder" sim --csv "$TMP/ro/c.csv"
    contains "read-only folder: errno text" "$err" "--csv: $TMP/ro/c.csv: Permission denied"
    chmod 755 "$TMP/ro"
fi

# One rule: a failed write is one message with its reason, exit 2, and no
# output file half-written (nor any other written).
if [ -w /dev/full ]; then
    d=$TMP/full
    mkdir "$d"
    echo "older csv" >"$d/c.csv"
    expect_exit 2 "simulate --events /dev/full" sim --csv "$d/c.csv" \
        --report "$d/r.json" --events /dev/full
    contains "--events /dev/full: the reason" "$err" \
        "fuota simulate: --events: /dev/full: No space left on device"
    ok_if "--events /dev/full: no report on stdout" test -z "$out"
    ok_if "--events /dev/full: the older csv is intact" test "$(cat "$d/c.csv")" = "older csv"
    ok_if "--events /dev/full: no report file, no temporary" \
        test "$(listing "$d")" = "c.csv"
    ok_if "--events /dev/full: one error line (after the size notice)" \
        test "$(grep -vc '^fuota simulate: --events: writing ' <<<"$err")" = 1
    expect_exit 2 "simulate --csv /dev/full" sim --csv /dev/full --json
    contains "--csv /dev/full: the reason" "$err" "--csv: /dev/full: No space left on device"
    ok_if "--csv /dev/full: no report on stdout" test -z "$out"
    expect_exit 2 "simulate > /dev/full with --report" \
        bash -c '"$0" simulate "$1" --image-size 160 --devices 3 --report "$2" >/dev/full' \
        "$FUOTA" "$T10" "$d/r.json"
    contains "simulate > /dev/full: the reason" "$err" \
        "fuota simulate: error writing standard output: No space left on device"
    ok_if "simulate > /dev/full: the report file is not written" test ! -e "$d/r.json"
    ok_if "simulate > /dev/full: one message" test "$(wc -l <<<"$err")" = 1

    expect_exit 2 "fragments > /dev/full" bash -c \
        '"$0" fragments --image "$1" --fragment-size 10 --redundancy 1 >/dev/full' \
        "$FUOTA" "$TMP/fw.bin"
    contains "fragments > /dev/full: the reason" "$err" \
        "fuota fragments: error writing standard output: No space left on device"
    ok_if "fragments > /dev/full: one message (after the two setup lines)" \
        test "$(grep -vc '^FragSessionSetupReq\|^image ' <<<"$err")" = 1
    expect_exit 2 "fragments -o /dev/full" "$FUOTA" fragments --image "$TMP/fw.bin" \
        --fragment-size 10 --redundancy 1 -o /dev/full
    contains "fragments -o /dev/full: the reason" "$err" \
        "fuota fragments: --output: /dev/full: No space left on device"

    expect_exit 2 "plan > /dev/full" bash -c \
        '"$0" plan "$1" --image-size 100 >/dev/full' "$FUOTA" "$T10"
    ok_if "plan > /dev/full: one message, with its reason" test "$err" = \
        "fuota plan: error writing standard output: No space left on device"
    "$FUOTA" skeleton >"$TMP/task.json"
    expect_exit 2 "validate --json > /dev/full" bash -c \
        '"$0" validate --json "$1" >/dev/full' "$FUOTA" "$T10"
    ok_if "validate --json > /dev/full: one message" test "$err" = \
        "fuota validate: error writing standard output: No space left on device"
else
    skip "write errors" "/dev/full not available"
fi

# ---- two outputs, one file ------------------------------------------------
d=$TMP/same
mkdir "$d" "$d/sub"
echo "older" >"$d/c.csv"
same() { # NAME ARGS...: refused, exit 2, c.csv untouched, nothing new
    local name=$1
    shift
    expect_exit 2 "$name" sim "$@"
    contains "$name: says so" "$err" "give each output its own file"
    contains "$name: points at --help" "$err" "Try 'fuota simulate --help'."
    ok_if "$name: the file is untouched" test "$(cat "$d/c.csv")" = "older"
}
same "--csv and --report on one file" --csv "$d/c.csv" --report "$d/c.csv"
contains "the message names both options" "$err" "--csv: $d/c.csv is also the file of --report"
same "one file spelled two ways" --csv "$d/c.csv" --report "$d/sub/../c.csv"
same "a relative and an absolute spelling" --events "$d/c.csv" --csv "$(cd "$d" && pwd)/./c.csv"
ln "$d/c.csv" "$d/hard.csv"
same "a hard link: same device and inode" --csv "$d/c.csv" --events "$d/hard.csv"
ln -s c.csv "$d/soft.csv"
same "a symbolic link to it" --report "$d/soft.csv" --csv "$d/c.csv"
expect_exit 2 "a new file, two spellings" sim --csv "$d/new.csv" --report "$d/sub/../new.csv"
ok_if "a new file, two spellings: not created" test ! -e "$d/new.csv"
expect_exit 0 "/dev/null for two outputs is fine" sim --csv /dev/null --report /dev/null
expect_exit 0 "distinct files are fine" sim --csv "$d/a.csv" --report "$d/sub/a.csv"

# ---- --events: its size first, milestones by default ----------------------
d=$TMP/ev
mkdir "$d"
expect_exit 0 "--events (milestones)" sim --events "$d/m.jsonl"
lines=$(wc -l <"$d/m.jsonl")
ok_if "milestones: each fragment sent and each device's outcome (32 + 3)" test "$lines" = 35
ok_if "milestones: no received or lost lines" test "$(grep -c '"received"\|"lost"' "$d/m.jsonl")" = 0
contains "milestones: the size said, exactly" "$err" \
    "fuota simulate: --events: writing 35 events, $(wc -c <"$d/m.jsonl" | awk '{printf "%.1f kB", $1 / 1000}'), to $d/m.jsonl (milestones; --events-level full:"
expect_exit 0 "--events-level full" sim --events "$d/f.jsonl" --events-level full
full=$(wc -l <"$d/f.jsonl")
contains "full: the milestones said what full would be" \
    "$(sim --events "$d/m2.jsonl" 2>&1 >/dev/null)" "--events-level full: $full events,"
contains "full: the size said" "$err" "--events: writing $full events, "
contains "full: says what it holds" "$err" "(every fragment of every device)"
ok_if "full: received lines too" test "$(grep -c '"received"' "$d/f.jsonl")" -gt 0
ok_if "full: the milestones are its sent and outcome lines" \
    test "$(grep -v '"received"\|"lost"' "$d/f.jsonl")" = "$(cat "$d/m.jsonl")"
"$FUOTA" simulate "$T10" --image-size 10 --devices 1 --events "$d/one.jsonl" \
    >/dev/null 2>"$TMP/err1"
contains "a small file is said in bytes, exactly" "$(cat "$TMP/err1")" \
    "writing 3 events, $(wc -c <"$d/one.jsonl") bytes, to"
expect_exit 2 "--events-level unknown" sim --events "$d/x.jsonl" --events-level all
contains "--events-level unknown: named" "$err" "--events-level: 'all' is not a level: use milestones or full"
expect_exit 2 "--events-level without --events" sim --events-level full
contains "--events-level without --events: said" "$err" "--events-level: give --events FILE too"
ok_if "refused levels write nothing" test ! -e "$d/x.jsonl"

# ---- JSON: two-space indentation, figures rounded to what they mean -------
expect_exit 0 "simulate --json, 2 of 3 complete" sim --loss 40 --seed 1 --json --report "$TMP/r.json"
json_layout() { # NAME TEXT: no tab, indentation in steps of two spaces
    local name=$1 text=$2
    case "$text" in *$'\t'*) fail "$name: no tab" ;; *) pass "$name: no tab" ;; esac
    ok_if "$name: two-space indentation" test "$(sed -n 2p <<<"$text" | grep -c '^  "')" = 1
    ok_if "$name: indentation in steps of two" \
        test -z "$(grep -E '^( {2})* [^ ]' <<<"$text")"
    ok_if "$name: percentages to 2 decimals" \
        test -z "$(grep -E '_percent":[[:space:]]*-?[0-9]+\.[0-9]{3,}' <<<"$text")"
    ok_if "$name: milliseconds to 3 decimals" \
        test -z "$(grep -E '(_ms|_s)":[[:space:]]*-?[0-9]+\.[0-9]{4,}' <<<"$text")"
}
json_layout "simulate --json" "$out"
json_layout "simulate --report" "$(cat "$TMP/r.json")"
ok_if "--report is what --json prints" test "$(cat "$TMP/r.json")" = "$out"
contains "2 of 3 is 66.67 %" "$out" '"completed_percent": 66.67,'
# a mean of three slots of 14827.52 ms: 317803.17866... ms
sed 's/"FragmentIntervalMS":15000/"FragmentIntervalMS":2000/' "$T10" >"$TMP/t2.json"
expect_exit 0 "simulate --json, a mean of three" "$FUOTA" simulate "$TMP/t2.json" \
    --image-size 160 --devices 3 --loss 20 --seed 1 --json
contains "a mean in milliseconds to the microsecond" "$out" '"mean": 317803.179'
ms=$(sed -n '/"completion_time_ms"/,/}/p' <<<"$out")
ok_if "completion_time_ms: no figure beyond the microsecond" \
    test -z "$(grep -E '[0-9]+\.[0-9]{4,}' <<<"$ms")"
expect_exit 0 "simulate --json, none completes" sim --loss 100 --json
contains "none completed: count 0" "$out" '"count": 0,'
contains "none completed: figures null" "$out" '"median": null,'
expect_exit 0 "plan --json" "$FUOTA" plan "$T10" --image-size 12345 --expected-loss 7.5 --json
json_layout "plan --json" "$out"
contains "plan: a share to 2 decimals (9.885...)" "$out" '"airtime_share_percent": 9.89,'
contains "plan: the given loss as given" "$out" '"expected_loss_percent": 7.5,'
expect_exit 1 "validate --json" "$FUOTA" validate --json "$FUOTA_ROOT/tests/data/requests/invalid-rules.json"
json_layout "validate --json" "$out"
expect_exit 0 "skeleton" "$FUOTA" skeleton
json_layout "skeleton" "$out"
contains "skeleton: nested members two spaces deeper" "$out" $'  "LoRaWAN": {\n    "RfRegion": "EU868"\n  },'
done_testing
