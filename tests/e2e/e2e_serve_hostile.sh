#!/usr/bin/env bash
# fuota serve against hostile or broken clients, on loopback: slowloris,
# connection hogs, a flood of query parameters, NUL and invalid UTF-8 in
# what the server reads, smuggling-prone HTTP framing, tampered next tokens,
# control characters for the access log; and state files that must be
# refused (left untouched), a state file two servers share, and the lines
# the server says about sessions and fault injection.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/serve_lib.sh"
trap '' PIPE # a write to a connection the server closed is expected here

# raw_http NAME REQUEST [SECONDS]: sends REQUEST (printf format) on a new
# connection and reads until the server closes it (or SECONDS pass); the
# answer is in $raw; $raw_rc is 124 when the connection was still open
# after SECONDS (anything else: the server closed it).
raw_http() {
    local port=${URL##*:}
    exec 5<>"/dev/tcp/127.0.0.1/$port"
    printf "$2" >&5
    timeout "${3:-5}" cat <&5 >"$TMP/raw" 2>/dev/null
    raw_rc=$?
    raw=$(tr -d '\r' <"$TMP/raw")
    exec 5<&-
}
# Count of status lines in $raw.
answers() { printf '%s\n' "$raw" | grep -c '^HTTP/1\.[01] '; }
is_utf8() { printf '%s' "$1" | iconv -f UTF-8 -t UTF-8 >/dev/null 2>&1; }

# ---- slowloris and connection hogs --------------------------------------
ok_if "server with a 1 s request bound and 4 connections per client" \
    start_server slow --state :memory: --request-timeout 1 \
    --client-connections 4
port=${URL##*:}
# A client that sends a header line every 0.2 s, forever: it never goes
# idle, so only a bound on the whole request ends it. The loop stops when
# a write fails, i.e. when the server has closed the connection.
trickle() {
    exec 6<>"/dev/tcp/127.0.0.1/$port" || return
    printf 'GET /fuota-tasks HTTP/1.1\r\nHost: x\r\n' >&6
    while printf 'X-Slow: 1\r\n' >&6 2>/dev/null; do sleep 0.2; done
}
tpids=()
for i in 1 2 3 4; do
    trickle &
    tpids+=($!)
done
on_exit "kill ${tpids[*]} 2>/dev/null"
all_hogs_in() { [ "$(ss -Htn state established "( dport = :$port )" 2>/dev/null | wc -l)" -ge 4 ]; }
wait_until 10 all_hogs_in
# a fifth connection from the same address is closed at once, while a
# client from another loopback address is served
code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$URL/fuota-tasks")
[ "$code" = 000 ] && pass "a 5th connection from one address is refused" ||
    fail "a 5th connection from one address is refused" "HTTP $code"
code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 \
    --interface 127.0.0.2 "$URL/fuota-tasks")
[ "$code" = 200 ] && pass "another client address is served meanwhile" ||
    fail "another client address is served meanwhile" "HTTP $code"
hogs_gone() {
    local p
    for p in "${tpids[@]}"; do kill -0 "$p" 2>/dev/null && return 1; done
    return 0
}
ok_if "trickling connections are closed though bytes keep coming" \
    wait_until 15 hogs_gone
req GET /fuota-tasks
status_is "the client address is served again after" 200
contains "the access log says why" "$(cat "$SRV_ERR")" \
    "(request not received in full within 1 s; connection closed)"
stop_server
[ "$SRV_RC" = 0 ] && pass "clean stop after the hogs" ||
    fail "clean stop after the hogs" "rc $SRV_RC"

# ---- a flood of query parameters -----------------------------------------
ok_if "server for the flood starts" start_server flood --state :memory:
q="a0=b"
for i in $(seq 1 999); do q="$q&a$i=b"; done
req GET "/fuota-tasks?$q" --max-time 5
error_is "1000 query parameters" 400 ValidationException
contains "the message names the problem" "$body" \
    "The query string has 1000 parameters; at most 32 are accepted"
for i in $(seq 1 20); do
    curl -s -o /dev/null --max-time 5 "$URL/fuota-tasks?$q"
done
req GET "/fuota-tasks?maxResults=5"
status_is "served normally after 21 floods" 200
# nothing left in flight: SIGTERM ends the server at once, not after the
# 10 s grace for requests in progress
kill -TERM "$SRV_PID"
ok_if "nothing left in flight: SIGTERM stops it within 5 s" \
    wait_until 5 _srv_gone
stop_server

# ---- NUL and invalid UTF-8 -----------------------------------------------
ok_if "server for strings starts" start_server strings --state :memory:
jreq POST /fuota-tasks "$(task_json)"
ID=$(json_str Id)
jreq PUT "/fuota-tasks/$ID/wireless-device" \
    '{"WirelessDeviceId":"victim\u0000-suffix"}'
error_is "a \\u0000 in WirelessDeviceId" 400 SerializationException
jreq PUT "/fuota-tasks/$ID/multicast-group" \
    '{"MulticastGroupId":"victim\u0000-suffix"}'
error_is "a \\u0000 in MulticastGroupId" 400 SerializationException
printf '{"WirelessDeviceId":"victim\0-suffix"}' >"$TMP/nul.json"
req PUT "/fuota-tasks/$ID/wireless-device" \
    -H 'Content-Type: application/json' --data-binary @"$TMP/nul.json"
error_is "a raw NUL byte in the body" 400 SerializationException
printf '{"WirelessDeviceId":"bad\xff"}' >"$TMP/ff.json"
req PUT "/fuota-tasks/$ID/wireless-device" \
    -H 'Content-Type: application/json' --data-binary @"$TMP/ff.json"
error_is "an id that is not UTF-8" 400 ValidationException
contains "named as not UTF-8" "$body" "is not valid UTF-8"
req GET "/wireless-devices?fuotaTaskId=$ID"
lacks "nothing was associated (no 'victim')" "$body" victim
req GET "/fuota-tasks/$ID/multicast-groups"
lacks "no group cut at its NUL" "$body" victim
for target in "/fuota-tasks/%ff%fe" "/wireless-devices?wirelessDeviceType=%ff" \
    "/fuota-tasks?nextToken=%ff"; do
    req GET "$target"
    error_is "GET $target" 400 ValidationException
    contains "GET $target: the real problem" "$body" "is not valid UTF-8"
    if is_utf8 "$body"; then pass "GET $target: the body is UTF-8"
    else fail "GET $target: the body is UTF-8" "$(printf '%s' "$body" | od -c | head -3)"; fi
    lacks "GET $target: no length complaint" "$body" "less than or equal"
done

# ---- tampered next tokens ------------------------------------------------
jreq POST /fuota-tasks "$(task_json)"
req GET "/fuota-tasks?maxResults=1"
TOKEN=$(json_str NextToken)
req GET /fuota-tasks -G --data-urlencode "nextToken=$TOKEN"
status_is "the token as given" 200
for tail in A AA w; do
    req GET /fuota-tasks -G --data-urlencode "nextToken=$TOKEN$tail"
    error_is "the token with '$tail' appended" 400 ValidationException
    contains "the token with '$tail' appended: said so" "$body" \
        "The nextToken is invalid."
done
stop_server

# ---- HTTP framing --------------------------------------------------------
ok_if "server for framing starts" start_server framing --state :memory:
body2='{}GET /fuota-tasks HTTP/1.1\r\nHost: x\r\n\r\n'
raw_http "two Content-Length" "POST /fuota-tasks HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\nContent-Length: 40\r\n\r\n$body2"
contains "two Content-Length: 400" "$raw" "HTTP/1.1 400 "
contains "two Content-Length: said so" "$raw" "Content-Length is given 2 times"
[ "$(answers)" = 1 ] && pass "two Content-Length: the smuggled request is not answered" ||
    fail "two Content-Length: the smuggled request is not answered" "$raw"
[ "$raw_rc" != 124 ] && pass "two Content-Length: connection closed" ||
    fail "two Content-Length: connection closed" "still open after 5 s"
raw_http "Content-Length and chunked" "POST /fuota-tasks HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n"
contains "Content-Length + chunked: 400" "$raw" "HTTP/1.1 400 "
contains "Content-Length + chunked: said so" "$raw" \
    "Content-Length and Transfer-Encoding are both given"
[ "$(answers)" = 1 ] && [ "$raw_rc" != 124 ] &&
    pass "Content-Length + chunked: one answer, connection closed" ||
    fail "Content-Length + chunked: one answer, connection closed" "rc $raw_rc" "$raw"
raw_http "HTTP/1.1 without Host" "GET /fuota-tasks HTTP/1.1\r\n\r\n"
contains "no Host: 400" "$raw" "HTTP/1.1 400 "
contains "no Host: said so" "$raw" "an HTTP/1.1 request must have a Host header"
[ "$(answers)" = 1 ] && [ "$raw_rc" != 124 ] &&
    pass "no Host: one answer, connection closed" ||
    fail "no Host: one answer, connection closed" "rc $raw_rc" "$raw"
raw_http "Transfer-Encoding: gzip" "POST /fuota-tasks HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: gzip\r\n\r\n{}"
contains "gzip: 501 at once" "$raw" "HTTP/1.1 501 "
contains "gzip: said so" "$raw" "Transfer-Encoding 'gzip' is not supported"
[ "$raw_rc" != 124 ] && pass "gzip: connection closed" ||
    fail "gzip: connection closed" "rc $raw_rc"
raw_http "a control character in the method" "G\x1bET /fuota-tasks HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
contains "ESC method: answered" "$raw" "HTTP/1.1 405 "
req GET /fuota-tasks
status_is "served after the framing tests" 200
stop_server
log=$(cat "$SRV_ERR")
contains "the access log escapes ESC" "$log" 'G\x1BET /fuota-tasks 405'
if grep -q "$(printf '\033')" "$SRV_ERR"; then
    fail "no raw ESC in the access log" "$(grep -n "$(printf '\033')" "$SRV_ERR" | od -c | head -3)"
else pass "no raw ESC in the access log"; fi

# ---- state files that are refused and left untouched ---------------------
mkdir "$TMP/adir"
expect_exit 1 "a directory as --state" timeout 20 "$FUOTA" serve --port 0 \
    --state "$TMP/adir"
contains "a directory: said plainly" "$err" "adir is a directory"
expect_exit 1 "--state in a missing directory" timeout 20 "$FUOTA" serve --port 0 \
    --state "$TMP/nodir/state.db"
contains "a missing directory: said plainly" "$err" \
    "no such directory: $TMP/nodir"
expect_exit 1 "/dev/null as --state" timeout 20 "$FUOTA" serve --port 0 \
    --state /dev/null
contains "/dev/null: said plainly" "$err" "/dev/null is not a regular file"
lacks "/dev/null: no disk I/O error" "$err" "disk I/O error"
head -c 20000 /dev/urandom >"$TMP/fw.bin"
cp "$TMP/fw.bin" "$TMP/fw.orig"
expect_exit 1 "a firmware image as --state" timeout 20 "$FUOTA" serve --port 0 \
    --state "$TMP/fw.bin"
contains "a firmware image: said so" "$err" "is not a fuota state file"
ok_if "the firmware image is left untouched" cmp -s "$TMP/fw.bin" "$TMP/fw.orig"
sqlite3 "$TMP/app.db" "CREATE TABLE contacts(name); INSERT INTO contacts VALUES('ada');"
cp "$TMP/app.db" "$TMP/app.orig"
expect_exit 1 "another application's SQLite file as --state" timeout 20 "$FUOTA" serve \
    --port 0 --state "$TMP/app.db"
contains "another application's file: said so" "$err" \
    "is an SQLite database fuota did not make"
ok_if "that file is left untouched" cmp -s "$TMP/app.db" "$TMP/app.orig"
[ -z "$(ls "$TMP" | grep corrupt)" ] && pass "nothing was moved aside" ||
    fail "nothing was moved aside" "$(ls "$TMP")"
# read-only: a file mode for a normal user; root writes through modes, so a
# read-only mount then, where the machine lets root mount one
if [ "$(id -u)" != 0 ]; then
    sqlite3 "$TMP/ro.db" 'PRAGMA application_id = 1179996020; CREATE TABLE x(y);'
    chmod 444 "$TMP/ro.db"
    expect_exit 1 "a read-only state file" timeout 20 "$FUOTA" serve --port 0 \
        --state "$TMP/ro.db"
    contains "read-only: said plainly" "$err" "is read-only"
elif mkdir -p "$TMP/rofs" && mount -t tmpfs -o size=1m tmpfs "$TMP/rofs" 2>/dev/null; then
    on_exit "umount '$TMP/rofs' 2>/dev/null"
    sqlite3 "$TMP/rofs/ro.db" 'PRAGMA application_id = 1179996020; CREATE TABLE x(y);'
    mount -o remount,ro "$TMP/rofs"
    expect_exit 1 "a state file on a read-only file system" timeout 20 "$FUOTA" serve \
        --port 0 --state "$TMP/rofs/ro.db"
    contains "read-only: said plainly" "$err" "is read-only"
    expect_exit 1 "a new state file on a read-only file system" timeout 20 \
        "$FUOTA" serve --port 0 --state "$TMP/rofs/new.db"
    contains "read-only directory: said plainly" "$err" \
        "cannot create files in $TMP/rofs: Read-only file system"
    umount "$TMP/rofs"
else
    _n=$((_n + 1))
    echo "ok $_n - a read-only state file # SKIP running as root without mount(8) rights: root writes through file modes"
fi

# ---- two servers on one state file ---------------------------------------
ok_if "a first server on shared.db" start_server shared1 \
    --state "$TMP/shared.db" --quiet
first=$SRV_PID
lacks "the first one is alone" "$(cat "$SRV_ERR")" "another process holds"
ok_if "a second server on shared.db" start_server shared2 \
    --state "$TMP/shared.db" --quiet
contains "the second one says another process holds it" "$(cat "$SRV_ERR")" \
    "another process holds $TMP/shared.db"
stop_server
kill -TERM "$first"
wait "$first" 2>/dev/null

# ---- what the server says about sessions and faults ----------------------
ok_if "a fast-clock server with faults starts" start_server says \
    --state :memory: --time-scale 1000000 --throttle-rate 0.25 --seed 3
contains "fault injection named at start-up" "$(cat "$SRV_ERR")" \
    "fault injection on: 25 % of requests answered 429 ThrottlingException (--throttle-rate 0.25)"
contains "the time scale named at start-up" "$(cat "$SRV_ERR")" \
    "simulated time runs 1e+06 times as fast"
stop_server
ok_if "a fast-clock server starts" start_server sessions --state :memory: \
    --time-scale 1000000 --device-loss 0
# 40-byte fragments: EU868's Class C default (DR0) carries them
jreq POST /fuota-tasks "$(task_json | sed 's/"FragmentSizeBytes":50/"FragmentSizeBytes":40/')"
ID=$(json_str Id)
for d in d1 d2 d3; do
    jreq PUT "/fuota-tasks/$ID/wireless-device" "{\"WirelessDeviceId\":\"$d\"}"
done
jreq PUT "/fuota-tasks/$ID" '{}'
status_is "the task is started" 204
contains "a line says the session started" "$(cat "$SRV_ERR")" \
    "task $ID started: session begins"
contains "with its simulated and real length" "$(cat "$SRV_ERR")" \
    "simulated ("
ended() { grep -q "task $ID session ended: 3 Successful (3 devices)" "$SRV_ERR"; }
ok_if "a line says the session ended, with the device outcomes" \
    wait_until 20 ended
stop_server

done_testing
