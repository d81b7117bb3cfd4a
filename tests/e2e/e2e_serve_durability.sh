#!/usr/bin/env bash
# fuota serve keeps its state: a restart keeps every task; a kill -9 while
# clients are writing loses no acknowledged create and leaves no half-made
# task; the database opens cleanly afterwards (and in the sqlite3 shell).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/serve_lib.sh"

DB="$TMP/state.db"

# ---- clean restart -------------------------------------------------------
ok_if "server starts" start_server first --state "$DB" --quiet
ids=()
for i in $(seq 1 12); do
    jreq POST /fuota-tasks "$(task_json ",\"Name\":\"task-$i\"")"
    [ "$status" = 201 ] && ids+=("$(json_str Id)")
done
[ "${#ids[@]}" = 12 ] && pass "12 tasks created" ||
    fail "12 tasks created" "only ${#ids[@]}"
jreq PUT "/fuota-tasks/${ids[0]}/wireless-device" '{"WirelessDeviceId":"d1"}'
jreq PUT "/fuota-tasks/${ids[0]}/multicast-group" '{"MulticastGroupId":"g1"}'
jreq PATCH "/fuota-tasks/${ids[1]}" '{"Name":"renamed"}'
stop_server TERM
[ "$SRV_RC" = 0 ] && pass "SIGTERM exits 0" || fail "SIGTERM exits 0" "$SRV_RC"

ok_if "server restarts on the same state" start_server second --state "$DB" \
    --quiet
missing=0
for id in "${ids[@]}"; do
    req GET "/fuota-tasks/$id"
    [ "$status" = 200 ] || missing=$((missing + 1))
done
[ "$missing" = 0 ] && pass "every task is there after the restart" ||
    fail "every task is there after the restart" "$missing missing"
req GET "/fuota-tasks/${ids[1]}"
contains "updates survive" "$body" '"Name":"renamed"'
req GET "/fuota-tasks/${ids[0]}/multicast-groups"
contains "associations survive" "$body" '"Id":"g1"'
req GET "/fuota-tasks?maxResults=250"
n=$(printf '%s' "$body" | grep -o '"Id":"' | wc -l)
[ "$n" = 12 ] && pass "the list has all 12" || fail "the list has all 12" "$n"
stop_server TERM

# ---- kill -9 while clients write ----------------------------------------
DB2="$TMP/crash.db"
ok_if "server for the crash starts" start_server crash --state "$DB2" --quiet
writer() { # $1 = client number: creates until the server goes away
    local k=0 out code
    while :; do
        k=$((k + 1))
        out=$(curl -s --max-time 10 -w '\n%{http_code}' -X POST \
            -H 'Content-Type: application/json' \
            --data-binary "$(task_json ",\"Name\":\"c$1-$k\"")" \
            "$URL/fuota-tasks") || break
        code=${out##*$'\n'}
        [ "$code" = 201 ] || continue
        printf '%s\n' "$out" | sed -n 's/.*"Id":"\([^"]*\)".*/\1/p' \
            >>"$TMP/acked.$1"
    done
}
wpids=()
for c in 1 2 3 4; do
    : >"$TMP/acked.$c"
    writer "$c" &
    wpids+=($!)
done
acked_total() { cat "$TMP"/acked.* | wc -l; }
enough() { [ "$(acked_total)" -ge 60 ]; }
ok_if "clients are writing" wait_until 60 enough
stop_server KILL
for p in "${wpids[@]}"; do wait "$p" 2>/dev/null; done
total=$(acked_total)
pass "server killed with -9 after $total acknowledged creates"

integrity=$(sqlite3 "$DB2" 'PRAGMA integrity_check;' 2>&1)
[ "$integrity" = ok ] && pass "sqlite3 integrity_check ok after kill -9" ||
    fail "sqlite3 integrity_check ok after kill -9" "$integrity"

ok_if "server restarts after kill -9" start_server recrash --state "$DB2" \
    --quiet
lacks "no quarantine after kill -9" "$(cat "$SRV_ERR")" "not a usable"
lost=0
for id in $(cat "$TMP"/acked.*); do
    req GET "/fuota-tasks/$id"
    [ "$status" = 200 ] || lost=$((lost + 1))
done
[ "$lost" = 0 ] && pass "every acknowledged create is there ($total)" ||
    fail "every acknowledged create is there" "$lost of $total lost"
# every task in the list is whole: a GET has its image, role and Arn
req GET "/fuota-tasks?maxResults=250"
listed=$(printf '%s' "$body" | grep -o '"Id":"[^"]*"' | sed 's/"Id":"//;s/"$//')
token=$(json_str NextToken)
while [ -n "$token" ]; do
    req GET /fuota-tasks -G --data-urlencode "nextToken=$token" \
        --data-urlencode maxResults=250
    listed="$listed $(printf '%s' "$body" | grep -o '"Id":"[^"]*"' |
        sed 's/"Id":"//;s/"$//')"
    token=$(json_str NextToken)
done
half=0
count=0
for id in $listed; do
    count=$((count + 1))
    req GET "/fuota-tasks/$id"
    case "$body" in
    *'"FirmwareUpdateImage":"s3://fw/app.bin"'*'"FirmwareUpdateRole":'*) ;;
    *) half=$((half + 1)) ;;
    esac
done
[ "$count" -ge "$total" ] && pass "list holds at least the acknowledged ($count >= $total)" ||
    fail "list holds at least the acknowledged" "$count < $total"
[ "$half" = 0 ] && pass "no half-made task" || fail "no half-made task" "$half"
stop_server TERM
[ "$SRV_RC" = 0 ] && pass "clean stop after recovery" ||
    fail "clean stop after recovery" "$SRV_RC"

# ---- kill -9 around a StartFuotaTask: the start and every device outcome
# are one transaction. After the crash a task is either still Pending with
# every device Initial (start not acknowledged) or started with every
# device's outcome recorded; never started with devices left Initial.
SDEV=400
sq() { sqlite3 -cmd '.timeout 5000' "$1" "$2" 2>&1; }
# start_crash NAME WHEN: a server on $TMP/NAME.db, a task with $SDEV devices,
# then a StartFuotaTask and kill -9: WHEN=acked once it is acknowledged,
# WHEN=inflight as soon as the start is visible in the file (or answered).
start_crash() {
    local name=$1 when=$2 db="$TMP/$1.db" i okc=0
    ok_if "$name: server starts" start_server "$name" --state "$db" --quiet
    jreq POST /fuota-tasks '{"FirmwareUpdateImage":"s3://fw/app.bin","FirmwareUpdateRole":"arn:aws:iam::123456789012:role/fuota","LoRaWAN":{"RfRegion":"EU868"},"FragmentSizeBytes":40,"RedundancyPercent":20}'
    local id
    id=$(json_str Id)
    ok_if "$name: task created" test "$status" = 201 -a -n "$id"
    for i in $(seq 1 $SDEV); do
        jreq PUT "/fuota-tasks/$id/wireless-device" \
            "{\"WirelessDeviceId\":\"dev-$i\"}"
        [ "$status" = 204 ] && okc=$((okc + 1))
    done
    ok_if "$name: $SDEV devices associated" test "$okc" = $SDEV
    if [ "$when" = acked ]; then
        jreq PUT "/fuota-tasks/$id" '{}'
        status_is "$name: StartFuotaTask acknowledged" 204
        stop_server KILL
    else
        curl -s -o /dev/null -w '%{http_code}' -X PUT -H \
            'Content-Type: application/json' --data '{}' \
            "$URL/fuota-tasks/$id" >"$TMP/$name.code" 2>/dev/null &
        local cpid=$!
        started_or_answered() {
            [ -s "$TMP/$name.code" ] || [ "$(sq "$db" \
                "SELECT count(*) FROM tasks WHERE started_ms IS NOT NULL")" = 1 ]
        }
        # No sleep between polls: the start's commit must be caught the
        # moment it is visible (with one commit per device, as before the
        # fix, the devices trickled in after it).
        local deadline=$((SECONDS + 30))
        until started_or_answered || [ $SECONDS -ge $deadline ]; do :; done
        stop_server KILL
        wait "$cpid" 2>/dev/null
        pass "$name: killed with the start in flight (answer: $(cat "$TMP/$name.code"))"
    fi
    local started initial recorded
    started=$(sq "$db" "SELECT count(*) FROM tasks WHERE started_ms IS NOT NULL")
    initial=$(sq "$db" "SELECT count(*) FROM task_devices WHERE status = 'Initial'")
    recorded=$(sq "$db" "SELECT count(*) FROM task_devices WHERE status <> 'Initial'")
    if [ "$started" = 0 ] && [ "$initial" = $SDEV ]; then
        [ "$when" = acked ] && fail "$name: an acknowledged start is kept" \
            "task Pending after kill -9"
        [ "$when" = acked ] || pass "$name: not started, all $SDEV Initial"
    elif [ "$started" = 1 ] && [ "$recorded" = $SDEV ]; then
        pass "$name: started with all $SDEV outcomes recorded"
    else
        fail "$name: start and outcomes all or nothing" \
            "started=$started initial=$initial recorded=$recorded"
    fi
    ok_if "$name: restarts after kill -9" start_server "$name-2" \
        --state "$db" --quiet
    req GET "/fuota-tasks/$id"
    if [ "$started" = 1 ]; then
        contains "$name: the task is started after the restart" "$body" \
            '"Status":"FuotaSession_Waiting"'
    else
        contains "$name: the task is Pending after the restart" "$body" \
            '"Status":"Pending"'
    fi
    stop_server TERM
}
start_crash startacked acked
start_crash startflight inflight

# ---- SIGTERM lets a request in flight finish -----------------------------
ok_if "server for the graceful stop starts" start_server graceful \
    --state "$TMP/graceful.db" --quiet
port=${URL##*:}
payload=$(task_json ',"Name":"in-flight"')
exec 7<>"/dev/tcp/127.0.0.1/$port"
# Expect: 100-continue makes the server confirm it has taken the request
# up (headers parsed) before the body is sent: then it is in flight.
printf 'POST /fuota-tasks HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: %d\r\nExpect: 100-continue\r\n\r\n' \
    "${#payload}" >&7
IFS= read -r -t 10 cont <&7
contains "server took the request up" "$cont" "100 Continue"
IFS= read -r -t 10 _ <&7 # the empty line after 100 Continue
kill -TERM "$SRV_PID"
printf '%s' "$payload" >&7
IFS= read -r -t 10 line <&7
contains "the request in flight is answered after SIGTERM" "$line" "201"
resp=$(timeout 10 cat <&7)
exec 7<&-
contains "and told to close the connection" "$resp" "Connection: close"
stop_server TERM
[ "$SRV_RC" = 0 ] && pass "then the server exits 0" ||
    fail "then the server exits 0" "$SRV_RC"
ok_if "restart after the graceful stop" start_server graceful2 \
    --state "$TMP/graceful.db" --quiet
req GET "/fuota-tasks/$(printf '%s' "$resp" | sed -n 's/.*"Id":"\([^"]*\)".*/\1/p')"
status_is "the task created during shutdown is kept" 200
stop_server TERM

# ---- a file that is not ours is refused and left as it was -------------
printf 'this is not a database\n' >"$TMP/bad.db"
expect_exit 1 "serve refuses a file that is not its state" "$FUOTA" serve \
    --port 0 --state "$TMP/bad.db" --quiet
contains "says why" "$err" "is not a fuota state file"
[ "$(cat "$TMP/bad.db")" = "this is not a database" ] &&
    [ -z "$(ls "$TMP" | grep bad.db.corrupt)" ] &&
    pass "the file is left untouched, nothing moved" ||
    fail "the file is left untouched, nothing moved" "$(ls "$TMP")"
done_testing
