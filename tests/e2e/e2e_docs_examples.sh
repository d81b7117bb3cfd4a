#!/usr/bin/env bash
# Every worked example in the docs is run and its output compared.
#
# In docs/guide/*.md, a fenced block whose lines start with "$ " is an
# example: each "$ COMMAND" (with its indented continuation lines) runs with
# bash in one folder per chapter, fuota on the PATH, and what it prints
# (standard output and error together) must be the lines shown after it up
# to the next "$ ", where a line "..." stands for any lines. Markers (HTML
# comments, not shown by a Markdown reader) prepare or redirect:
#   <!-- example-file: NAME -->      the next block is saved as NAME
#   <!-- example-setup: ... -->      shell commands run first (the lines up
#                                    to "-->"), e.g. to make an input file
#   <!-- example-mirrored: NAME -->  the next block is run by the mirror
#                                    named NAME below (a server, the AWS
#                                    CLI, a loop), which compares its output
# Then the README's tour, and the figures the guide's prose and tables give.
. "$(dirname "$0")/lib.sh"
root=$FUOTA_ROOT
bin=$TMP/bin
mkdir -p "$bin"
outer_path=$PATH
ln -s "$FUOTA" "$bin/fuota"
export PATH="$bin:$PATH"
mirrors_wanted=()

# match EXPECTED ACTUAL: the lines of ACTUAL against EXPECTED, a line "..."
# (blanks around it allowed) standing for any lines, and "..." within a
# line for any text (greedy, first fit, anchored ends).
match() {
    awk -v exp_file="$1" '
        function same(got, want,    n, i, k, part, at) {
            if (index(want, "...") == 0) return got == want
            n = split(want, part, /\.\.\./)
            at = 1
            for (i = 1; i <= n; i++) {
                if (part[i] == "") continue
                k = index(substr(got, at), part[i])
                if (k == 0 || (i == 1 && k != 1)) return 0
                at += k - 1 + length(part[i])
            }
            return part[n] == "" || substr(got, length(got) - length(part[n]) + 1) == part[n]
        }
        BEGIN {
            while ((getline l < exp_file) > 0) {
                t = l; gsub(/^[ \t]+|[ \t]+$/, "", t)
                e[ne++] = t == "..." ? "..." : l
            }
        }
        { a[na++] = $0 }
        END {
            i = 0; j = 0
            while (i < ne) {
                if (e[i] == "...") {
                    i++
                    if (i == ne) exit 0
                    # find the next expected line at or after j
                    while (j < na && !same(a[j], e[i])) j++
                    if (j == na) { print "missing: " e[i]; exit 1 }
                    continue
                }
                if (j >= na || !same(a[j], e[i])) {
                    print "line " j + 1 ": expected: " e[i]
                    print "line " j + 1 ": got:      " (j < na ? a[j] : "(end)")
                    exit 1
                }
                i++; j++
            }
            if (j < na) { print "unexpected: " a[j]; exit 1 }
        }' "$2"
}

# run_example DIR NAME COMMAND EXPECTED-FILE
run_example() {
    local dir=$1 name=$2 cmd=$3 want=$4 why
    (cd "$dir" && timeout 120 bash -c "$cmd") >"$TMP/got" 2>&1 </dev/null
    if why=$(match "$want" "$TMP/got"); then
        pass "$name"
    else
        fail "$name" "$why" "command: $cmd" "output: $(head -c 1500 "$TMP/got")"
    fi
}

# run_block DIR CHAPTER LINE BLOCK-FILE: the commands of one example block
run_block() {
    local dir=$1 chapter=$2 at=$3 block=$4 cmd="" want="$TMP/want" line cont=false
    : >"$want"
    while IFS= read -r line || [ -n "$line" ]; do
        if $cont; then
            cmd+=$'\n'"$line"
        elif [ "${line:0:2}" = '$ ' ]; then
            [ -n "$cmd" ] && run_example "$dir" "$chapter:$at: ${cmd%%$'\n'*}" "$cmd" "$want"
            cmd=${line:2}
            : >"$want"
        else
            printf '%s\n' "$line" >>"$want"
        fi
        case "$line" in *\\) cont=true ;; *) cont=false ;; esac
    done <"$block"
    [ -n "$cmd" ] && run_example "$dir" "$chapter:$at: ${cmd%%$'\n'*}" "$cmd" "$want"
}

# guide FILE: runs the examples of one chapter
guide() {
    local f=$1 chapter dir n=0 line in_block=false start=0 save="" mirror="" setup
    chapter=$(basename "$f" .md)
    dir=$TMP/ex/$chapter
    mkdir -p "$dir"
    while IFS= read -r line || [ -n "$line" ]; do
        n=$((n + 1))
        if $in_block; then
            if [ "${line:0:3}" = '```' ]; then
                in_block=false
                if [ -n "$save" ]; then
                    cp "$TMP/block" "$dir/$save"
                elif [ -n "$mirror" ]; then
                    mirrors_wanted+=("$mirror")
                elif grep -q '^\$ ' "$TMP/block"; then
                    run_block "$dir" "$chapter" "$start" "$TMP/block"
                fi
                save="" mirror=""
            else
                printf '%s\n' "$line" >>"$TMP/block"
            fi
            continue
        fi
        case "$line" in
        '<!-- example-file: '*' -->')
            save=${line#<!-- example-file: }
            save=${save% -->} ;;
        '<!-- example-mirrored: '*' -->')
            mirror=${line#<!-- example-mirrored: }
            mirror=${mirror% -->} ;;
        '<!-- example-setup:'*)
            setup=""
            while IFS= read -r line && [ "$line" != '-->' ]; do
                n=$((n + 1))
                setup+="$line"$'\n'
            done
            n=$((n + 1))
            (cd "$dir" && bash -c "$setup") >"$TMP/setup.out" 2>&1 ||
                fail "$chapter:$n: example setup" "$(cat "$TMP/setup.out")" ;;
        '```'*)
            in_block=true
            start=$((n + 1))
            : >"$TMP/block" ;;
        esac
    done <"$f"
}

for f in "$root"/docs/guide/*.md; do
    guide "$f"
done

# ---- mirrors: examples that need a server, the AWS CLI or a loop ----------
mirrors_done=()
mirrored() { mirrors_done+=("$1"); }
# block NAME FILE: the lines of the block marked example-mirrored: NAME
block() {
    awk -v m="<!-- example-mirrored: $1 -->" '
        $0 == m { on = 1; next }
        on && /^```/ { if (++f == 2) exit; next }
        on && f == 1' "$2"
}

# The figures of a simulate report in JSON, by member name (first match).
jget() { grep -o "\"$1\": [^,}]*" <<<"$2" | head -1 | sed 's/.*: //'; }
# milliseconds as the table writes a duration ("24 min 04 s")
duration() {
    awk -v ms="$1" 'BEGIN {
        s = int(ms / 1000 + 0.5)
        if (s >= 3600) printf "%d h %02d min", s / 3600, (s / 60) % 60
        else if (s >= 60) printf "%d min %02d s", s / 60, s % 60
        else printf "%.3f s", ms / 1000 }'
}

# simulate: the redundancy table, rerun as the loop above it says.
sim_dir=$TMP/ex/simulate
mirrored simulate-redundancy-table
while IFS='|' read -r _ pct frags completed session stop _; do
    pct=${pct// /} frags=${frags// /}
    completed=$(sed 's/^ *//; s/ *$//' <<<"$completed")
    session=$(sed 's/^ *//; s/ *$//' <<<"$session")
    sed "s/\"RedundancyPercent\": 10,/\"RedundancyPercent\": $pct,/" \
        "$sim_dir/meters.json" >"$sim_dir/m$pct.json"
    j=$(cd "$sim_dir" && fuota simulate "m$pct.json" --image-size 65536 --dr 5 \
        --devices 2000 --loss 10 --burst 3 --spread 5 --seed 7 --mode rank \
        --early-stop --json 2>/dev/null)
    ok_if "simulate table, $pct %: $frags fragments" test "$(jget total_fragments "$j")" = "$frags"
    ok_if "simulate table, $pct %: $completed completed" \
        test "$(jget completed_percent "$j") %" = "$completed"
    ok_if "simulate table, $pct %: session $session" \
        test "$(duration "$(jget session_wall_time_ms "$j")")" = "$session"
    case "$stop" in
    *"no stop"*) ok_if "simulate table, $pct %: no early stop" \
        test "$(jget early_stop_at_fragment "$j")" = 0 ;;
    *) fail "simulate table, $pct %: an early stop the test does not know" "$stop" ;;
    esac
done < <(sed -n '/^| RedundancyPercent | fragments/,/^$/p' "$root/docs/guide/simulate.md" | grep '^| [0-9]')

# simulate: what the prose says of the 30 % run, from its CSV.
claim=$(tr '\n' ' ' <"$root/docs/guide/simulate.md" | grep -o 'at 30 % the [0-9]* that fail are those the spread put at [0-9]* % loss and more ([0-9]* % on average, the worst at [0-9]* %')
read -r n_fail floor mean worst < <(grep -o '[0-9]\+' <<<"$claim" | sed -n '2,5p' | tr '\n' ' ')
(cd "$sim_dir" && fuota simulate m30.json --image-size 65536 --dr 5 --devices 2000 \
    --loss 10 --burst 3 --spread 5 --seed 7 --mode rank --csv m30.csv >/dev/null 2>&1)
ok_if "simulate prose: the 30 % claim is in the guide" test -n "$claim"
got=$(awk -F, -v floor="$floor" 'NR > 1 && $2 != "Successful" {
        n++; sum += $3; if ($3 > max) max = $3; if ($3 < min || n == 1) min = $3 }
    END { printf "%d %d %d %d", n, int(min), sum / n + 0.5, max + 0.5 }' "$sim_dir/m30.csv")
ok_if "simulate prose: at 30 %, $n_fail fail, from $floor % loss, $mean % on average, the worst at $worst % (got: $got)" \
    test "$got" = "$n_fail $floor $mean $worst"
mirrored simulate-without-spread
j=$(cd "$sim_dir" && fuota simulate m30.json --image-size 65536 --dr 5 --devices 2000 \
    --loss 10 --burst 3 --seed 7 --mode rank --json 2>/dev/null)
contains "simulate prose: without --spread 30 % gets every meter" \
    "$(tr '\n' ' ' <"$root/docs/guide/simulate.md")" "Without \`--spread\` (every meter at 10 %) the same bursts are kinder: 30 % already gets every meter"
ok_if "simulate prose: without --spread, 30 %: 100 % completed" \
    test "$(jget completed_percent "$j")" = 100

# simulate: the --events excerpt comes from the example run (full level).
mirrored simulate-events
(cd "$sim_dir" && fuota simulate meters.json --image-size 65536 --dr 5 --devices 2000 \
    --loss 10 --burst 3 --spread 5 --seed 7 --events ev.jsonl --events-level full \
    >/dev/null 2>&1)
block simulate-events "$root/docs/guide/simulate.md" | grep -v '^\.\.\.$' >"$TMP/ev.want"
ok_if "simulate --events excerpt: lines to compare" test -s "$TMP/ev.want"
while IFS= read -r l; do
    ok_if "simulate --events: $l" grep -qxF "$l" "$sim_dir/ev.jsonl"
done <"$TMP/ev.want"
mirrored simulate-events-size
(cd "$sim_dir" && fuota simulate meters.json --image-size 65536 --dr 5 --devices 2000 \
    --loss 10 --burst 3 --spread 5 --seed 7 --events ev.jsonl 2>&1 >/dev/null) |
    grep '^fuota simulate: --events:' >"$TMP/evsize.got"
block simulate-events-size "$root/docs/guide/simulate.md" >"$TMP/evsize.want"
if cmp -s "$TMP/evsize.want" "$TMP/evsize.got"; then
    pass "simulate --events: the size line of the guide"
else
    fail "simulate --events: the size line of the guide" \
        "guide: $(cat "$TMP/evsize.want")" "run:   $(cat "$TMP/evsize.got")"
fi
missing_line=$(tr '\n' ' ' <"$root/docs/guide/simulate.md" |
    grep -o 'ends with `{"t_ms":[^`]*}`' | sed 's/^ends with `//; s/`$//; s/, */,/g')
ok_if "simulate --events: the MissingFrag line of the guide (${missing_line:0:60}...)" \
    grep -qxF "$missing_line" "$sim_dir/ev.jsonl"

# serve: the start-up lines.
. "$(dirname "$0")/serve_lib.sh"
mirrored serve-start
want=$(block serve-start "$root/docs/guide/serve.md" | grep -v '^\$ ')
if start_server docs --state "$TMP/ex/serve-sim.db"; then
    got=$(sed "s|$TMP/ex/serve-sim.db|./sim.db|; s|$URL|http://127.0.0.1:41231|" \
        <(head -1 "$SRV_ERR"; head -1 "$SRV_OUT"))
    ok_if "serve: the start-up lines of the guide" test "$got" = "$want"
    stop_server TERM
else
    fail "serve: the start-up lines of the guide" "the server did not start"
fi

# serve: 20 devices, the settings of the example, as many MissingFrag as
# the guide says (curl: no AWS CLI needed).
mirrored serve-devices
n_said=$(tr '\n' ' ' <"$root/docs/guide/serve.md" |
    grep -o 'With 20 devices ([^)]*) and these settings, [0-9]* of them end `MissingFrag`' |
    grep -o '[0-9]* of them' | cut -d' ' -f1)
ok_if "serve: the guide gives the count" test -n "$n_said"
if start_server fleet --state :memory: --time-scale 100000 --device-loss 5 \
    --device-spread 3 --seed 7 --quiet; then
    jreq POST /fuota-tasks '{"FirmwareUpdateImage":"s3://bucket/app.bin","FirmwareUpdateRole":"arn:aws:iam::123456789012:role/fuota","LoRaWAN":{"RfRegion":"EU868"},"FragmentSizeBytes":40,"RedundancyPercent":5}'
    id=$(json_str Id)
    for d in $(seq -f 'dev-%02g' 1 20); do
        jreq PUT "/fuota-tasks/$id/wireless-device" "{\"WirelessDeviceId\":\"$d\"}"
    done
    jreq PUT "/fuota-tasks/$id" '{}'
    done_task() {
        req GET "/fuota-tasks/$id"
        case "$body" in *'"Status":"FuotaDone"'*) return 0 ;; esac
        return 1
    }
    ok_if "serve: the task is done" wait_until 60 done_task
    req GET "/wireless-devices?fuotaTaskId=$id&maxResults=100"
    n_missing=$(grep -o '"FuotaDeviceStatus":"MissingFrag"' <<<"$body" | wc -l)
    ok_if "serve: $n_said of 20 end MissingFrag, as the guide says (got $n_missing)" \
        test "$n_missing" = "$n_said"
    first=$(grep -o '"Id":"dev-01"[^}]*' <<<"$body" | sed -n 's/.*"FuotaDeviceStatus":"\([A-Za-z_]*\)".*/\1/p')
    shown=$(block serve-devices "$root/docs/guide/serve.md" | grep -A4 '"Id": "dev-01"' | sed -n 's/.*"FuotaDeviceStatus": "\([A-Za-z_]*\)".*/\1/p')
    ok_if "serve: dev-01 ends ${shown:-?}, as shown (got $first)" test -n "$shown" -a "$first" = "$shown"
    stop_server TERM
else
    fail "serve: 20 devices" "the server did not start"
fi

# simulator: the state file read with the sqlite3 shell.
mirrored simulator-sqlite
if ! command -v sqlite3 >/dev/null 2>&1; then
    skip "simulator: the sqlite3 examples" "the sqlite3 shell is not installed"
elif start_server state --state "$TMP/ex/state.db" --quiet; then
    jreq POST /fuota-tasks '{"Name":"docs-task","FirmwareUpdateImage":"s3://bucket/app.bin","FirmwareUpdateRole":"arn:aws:iam::123456789012:role/fuota","LoRaWAN":{"RfRegion":"EU868"}}'
    id=$(json_str Id)
    jreq PUT "/fuota-tasks/$id/wireless-device" '{"WirelessDeviceId":"dev-01"}'
    stop_server TERM
    block simulator-sqlite "$root/docs/guide/simulator.md" | sed -n 's/^\$ //p' >"$TMP/sqlite.cmds"
    ok_if "simulator: two sqlite3 examples" test "$(wc -l <"$TMP/sqlite.cmds")" = 2
    got=$(cd "$TMP/ex" && bash -e "$TMP/sqlite.cmds" 2>&1)
    ok_if "simulator: the sqlite3 examples run" test $? = 0
    contains "simulator: the task row" "$got" "$id|docs-task|"
    contains "simulator: the device row" "$got" "dev-01|Initial"
else
    fail "simulator: the state file" "the server did not start"
fi

# limits: --start-time against the clock, 10 minutes from now (the guide's
# example was run at its own "now"), with AWS's example request of the plan
# chapter.
mirrored limits-start-time
start=$(date -u -d '+10 min' +%Y-%m-%dT%H:%M:00Z)
(cd "$TMP/ex/plan" && fuota plan task.json --image-size 100 --start-time "$start") \
    >"$TMP/start.out" 2>&1
want=$(block limits-start-time "$root/docs/guide/limits.md")
contains "limits: the guide's start row" "$want" "(less than 30 minutes from now), ends about"
contains "limits: --start-time 10 min ahead: the start row" "$(cat "$TMP/start.out")" \
    "  start                          $start (less than 30 minutes from now), ends about"
contains "limits: --start-time 10 min ahead: the warning" "$(cat "$TMP/start.out")" \
    "warning: LoRaWAN.StartTime: $start is "
contains "limits: the guide's warning" "$want" "a multicast session starts at least 30 minutes after it is scheduled"
contains "limits: --start-time 10 min ahead: the rule" "$(cat "$TMP/start.out")" \
    "a multicast session starts at least 30 minutes after it is scheduled"

# Every mirrored block has its mirror.
for m in "${mirrors_wanted[@]}"; do
    case " ${mirrors_done[*]} " in
    *" $m "*) pass "mirrored example $m is run" ;;
    *) fail "mirrored example $m is run" "no mirror named $m in $0" ;;
    esac
done

# ---- the README's tour, as written -----------------------------------------
# From a folder that looks like the repository (build/fuota), with a free
# port for 8080, a poll for the "sleep", and the AWS CLI only when there.
tour=$(sed -n '/^## A short tour/,/^## /p' "$root/README.md" | sed -n 's/^    //p')
ok_if "README: the tour is there" test -n "$tour"
contains "README: the tour puts build/fuota on the PATH" "$tour" 'export PATH="$PWD/build:$PATH"'
contains "README: the AWS CLI gets a region" "$tour" "--region us-east-1"
contains "README: the AWS CLI gets credentials" "$tour" "AWS_ACCESS_KEY_ID="
repo=$TMP/repo
mkdir -p "$repo/build" "$TMP/tour-tmp" "$TMP/home"
ln -s "$FUOTA" "$repo/build/fuota"
port=$(free_port)
script=$(sed "s/8080/$port/g" <<<"$tour")
wait_line="until (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null; do sleep 0.05; done"
script=$(sed "s|^sleep 1 .*|$wait_line|" <<<"$script")
if ! command -v aws >/dev/null 2>&1; then
    skip "README tour: aws iotwireless list-fuota-tasks" "the AWS CLI is not installed (scripts/install-deps --full)"
    script=$(sed '/aws iotwireless/,/--endpoint-url/d; /^AWS_ACCESS_KEY_ID=/d' <<<"$script")
fi
(cd "$repo" && env -u AWS_PROFILE -u AWS_REGION -u AWS_DEFAULT_REGION \
    -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY -u AWS_SESSION_TOKEN \
    PATH="$outer_path" \
    HOME="$TMP/home" TMPDIR="$TMP/tour-tmp" AWS_EC2_METADATA_DISABLED=true AWS_PAGER= \
    timeout 120 bash -e -c "$script") >"$TMP/tour.out" 2>&1
rc=$?
ok_if "README: the tour runs as written (exit $rc)" test "$rc" = 0
tour_out=$(cat "$TMP/tour.out")
contains "README tour: validate says valid" "$tour_out" "task.json: valid CreateFuotaTask request"
contains "README tour: simulate reports" "$tour_out" "Completed 1000 of 1000"
if command -v aws >/dev/null 2>&1; then
    contains "README tour: the AWS CLI lists the tasks" "$tour_out" '"FuotaTaskList": []'
fi
lacks "README tour: no 'command not found'" "$tour_out" "command not found"
done_testing
