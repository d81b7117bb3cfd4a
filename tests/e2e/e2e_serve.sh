#!/usr/bin/env bash
# fuota serve over plain HTTP with curl: every route, the restJson1 error
# format, bad JSON, huge bodies, bad paths and methods, Content-Type,
# keep-alive, the access log, fault injection and a clean SIGTERM.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/serve_lib.sh"

# ---- options -------------------------------------------------------------
expect_exit 0 "serve --help" "$FUOTA" serve --help
contains "help names --require-auth" "$out" "--require-auth"
expect_exit 2 "unknown option" "$FUOTA" serve --frobnicate
contains "unknown option named" "$err" "fuota serve: unknown option '--frobnicate'"
contains "unknown option points at --help" "$err" "Try 'fuota serve --help'."
[ -z "$out" ] && pass "usage error prints nothing on stdout" ||
    fail "usage error prints nothing on stdout" "$out"
# The rules of docs/guide/options.md: names in full, a value once and not
# empty, no value for a flag.
expect_exit 2 "abbreviation --time (for --time-scale)" "$FUOTA" serve \
    --state :memory: --time 5
contains "abbreviation: an unknown option" "$err" "unknown option '--time'"
expect_exit 2 "abbreviation --por=0" "$FUOTA" serve --por=0 --state :memory:
contains "abbreviation --por=0: an unknown option" "$err" \
    "unknown option '--por=0'"
expect_exit 2 "--port twice" "$FUOTA" serve --port 0 --port=0 --state :memory:
contains "--port twice: message" "$err" "'--port' is given twice"
expect_exit 2 "--state twice" "$FUOTA" serve --state :memory: --state "$TMP/x.db"
contains "--state twice: message" "$err" "'--state' is given twice"
expect_exit 0 "a flag may be repeated" "$FUOTA" serve --quiet -q --quiet --help
expect_exit 2 "--port= (empty)" "$FUOTA" serve --port= --state :memory:
contains "--port=: message" "$err" "fuota serve: --port needs a value"
expect_exit 2 "--bind '' (empty)" "$FUOTA" serve --bind "" --state :memory:
contains "--bind '': message" "$err" "--bind needs a value"
expect_exit 2 "--state at the end" "$FUOTA" serve --quiet --state
contains "--state at the end: message" "$err" "fuota serve: --state needs a value"
contains "missing value points at --help" "$err" "Try 'fuota serve --help'."
expect_exit 2 "--quiet=yes" "$FUOTA" serve --state :memory: --quiet=yes
contains "--quiet=yes: message" "$err" "fuota serve: --quiet takes no value"
expect_exit 2 "an operand" "$FUOTA" serve --state :memory: extra
contains "an operand: message" "$err" "unexpected argument 'extra'"
expect_exit 2 "-- then an argument" "$FUOTA" serve --state :memory: -- --quiet
contains "after --, an argument" "$err" "unexpected argument '--quiet'"
expect_exit 2 "an error before --help is reported" "$FUOTA" serve --port x \
    --help
contains "bad --port: message" "$err" "--port: 'x' is not a whole number"
expect_exit 2 "port out of range" "$FUOTA" serve --port 70000
expect_exit 2 "throttle rate above 1" "$FUOTA" serve --throttle-rate 1.5
expect_exit 2 "rates summing above 1" "$FUOTA" serve --throttle-rate 0.6 \
    --error-rate 0.6
expect_exit 2 "--credentials without --require-auth" "$FUOTA" serve \
    --credentials /dev/null
expect_exit 2 "bad account id" "$FUOTA" serve --account 12ab
expect_exit 2 "non-loopback bind refused" "$FUOTA" serve --port 0 \
    --bind 0.0.0.0 --state :memory:
contains "refusal says why and how" "$err" "--allow-remote"

# ---- a server ------------------------------------------------------------
ok_if "server starts on a free port" start_server main --state "$TMP/main.db"
case "$URL" in
http://127.0.0.1:[0-9]*) pass "listens on 127.0.0.1 and prints the URL" ;;
*) fail "listens on 127.0.0.1 and prints the URL" "URL: $URL" ;;
esac

# CreateFuotaTask
jreq POST /fuota-tasks "$(task_json ',"Name":"first"')"
status_is "CreateFuotaTask" 201
ID=$(json_str Id)
ARN=$(json_str Arn)
case "$ARN" in
"arn:aws:iotwireless:us-east-1:123456789012:FuotaTask/$ID") pass "Arn of AWS's form" ;;
*) fail "Arn of AWS's form" "Arn: $ARN Id: $ID" ;;
esac
contains "JSON Content-Type" "$(header Content-Type)" "application/json"
[ -n "$(header x-amzn-RequestId)" ] && pass "x-amzn-RequestId set" ||
    fail "x-amzn-RequestId set" "$hdrs"

# GetFuotaTask
req GET "/fuota-tasks/$ID"
status_is "GetFuotaTask" 200
contains "status Pending" "$body" '"Status":"Pending"'
contains "image echoed" "$body" '"FirmwareUpdateImage":"s3://fw/app.bin"'
contains "region echoed" "$body" '"RfRegion":"EU868"'
if printf '%s' "$body" | grep -Eq '"CreatedAt":[0-9]+[,}]'; then
    pass "CreatedAt is a JSON number"
else fail "CreatedAt is a JSON number" "$body"; fi
# the id %-encoded in the path is decoded before the lookup
enc=$(printf '%s' "$ID" | sed 's/-/%2D/g')
req GET "/fuota-tasks/$enc"
status_is "%-encoded id is decoded" 200
req GET "/fuota-tasks/no-such-task"
error_is "unknown id" 404 ResourceNotFoundException
contains "not-found names the resource" "$body" '"ResourceId":"no-such-task"'

# ListFuotaTasks with paging
jreq POST /fuota-tasks "$(task_json ',"Name":"second"')"
ID2=$(json_str Id)
req GET "/fuota-tasks"
status_is "ListFuotaTasks" 200
contains "list has the first task" "$body" "\"Id\":\"$ID\""
contains "list has the second task" "$body" "\"Id\":\"$ID2\""
req GET "/fuota-tasks?maxResults=1"
status_is "ListFuotaTasks maxResults=1" 200
TOKEN=$(json_str NextToken)
[ -n "$TOKEN" ] && pass "first page has a NextToken" ||
    fail "first page has a NextToken" "$body"
req GET /fuota-tasks -G --data-urlencode "nextToken=$TOKEN" \
    --data-urlencode "maxResults=1"
status_is "second page" 200
contains "second page has the second task" "$body" "\"Id\":\"$ID2\""
req GET "/fuota-tasks?maxResults=251"
error_is "maxResults 251" 400 ValidationException
req GET "/fuota-tasks?maxResults=abc"
status_is "maxResults not a number" 400

# UpdateFuotaTask
jreq PATCH "/fuota-tasks/$ID" '{"Name":"renamed","RedundancyPercent":30}'
status_is "UpdateFuotaTask" 204
[ -z "$body" ] && pass "204 has no body" || fail "204 has no body" "$body"
req GET "/fuota-tasks/$ID"
contains "update applied" "$body" '"Name":"renamed"'
jreq PATCH "/fuota-tasks/$ID" '{"RedundancyPercent":101}'
error_is "update breaking a rule" 400 ValidationException

# devices and multicast groups
jreq PUT "/fuota-tasks/$ID/wireless-device" '{"WirelessDeviceId":"dev-1"}'
status_is "AssociateWirelessDeviceWithFuotaTask" 204
jreq PUT "/fuota-tasks/$ID/wireless-device" '{}'
error_is "associate without a device id" 400 ValidationException
req DELETE "/fuota-tasks/$ID/wireless-devices/dev-1"
status_is "DisassociateWirelessDeviceFromFuotaTask" 204
req DELETE "/fuota-tasks/$ID/wireless-devices/dev-1"
error_is "disassociate twice" 404 ResourceNotFoundException
jreq PUT "/fuota-tasks/$ID/multicast-group" '{"MulticastGroupId":"grp-1"}'
status_is "AssociateMulticastGroupWithFuotaTask" 204
jreq PUT "/fuota-tasks/$ID/multicast-group" '{"MulticastGroupId":"grp-2"}'
req GET "/fuota-tasks/$ID/multicast-groups"
status_is "ListMulticastGroupsByFuotaTask" 200
contains "group listed" "$body" '"Id":"grp-1"'
req DELETE "/fuota-tasks/$ID/multicast-groups/grp-2"
status_is "DisassociateMulticastGroupFromFuotaTask" 204
req GET "/fuota-tasks/$ID/multicast-groups"
lacks "disassociated group gone" "$body" '"grp-2"'
req GET "/fuota-tasks/no-such-task/multicast-groups"
error_is "groups of an unknown task" 404 ResourceNotFoundException

# StartFuotaTask, then the Pending-only rules
jreq PUT "/fuota-tasks/$ID" '{"LoRaWAN":{"StartTime":"2099-01-01T00:00:00Z"}}'
status_is "StartFuotaTask" 204
req GET "/fuota-tasks/$ID"
contains "started task is waiting" "$body" '"Status":"FuotaSession_Waiting"'
contains "StartTime is ISO-8601" "$body" '"StartTime":"2099-01-01T00:00:00Z"'
jreq PATCH "/fuota-tasks/$ID" '{"Name":"late"}'
error_is "update after start" 409 ConflictException
jreq PUT "/fuota-tasks/$ID" '{"LoRaWAN":{"StartTime":"soon"}}'
error_is "StartTime not a timestamp" 400 SerializationException

# DeleteFuotaTask
req DELETE "/fuota-tasks/$ID2"
status_is "DeleteFuotaTask" 204
req GET "/fuota-tasks/$ID2"
error_is "deleted task is gone" 404 ResourceNotFoundException

# idempotency
jreq POST /fuota-tasks "$(task_json ',"ClientRequestToken":"tok-1"')"
A=$(json_str Id)
jreq POST /fuota-tasks "$(task_json ',"ClientRequestToken":"tok-1"')"
status_is "same token, same parameters" 201
[ "$(json_str Id)" = "$A" ] && pass "same token gives the same task" ||
    fail "same token gives the same task" "$A vs $(json_str Id)"
jreq POST /fuota-tasks "$(task_json ',"ClientRequestToken":"tok-1","Name":"x"')"
error_is "same token, other parameters" 409 ConflictException

# bad requests
jreq POST /fuota-tasks '{"FirmwareUpdateImage": '
error_is "truncated JSON" 400 SerializationException
jreq POST /fuota-tasks '[1,2]'
error_is "JSON array body" 400 SerializationException
jreq POST /fuota-tasks "$(task_json ',"RedundancyPercent":"lots"' |
    sed 's/"RedundancyPercent":20,//')"
error_is "member of the wrong type" 400 SerializationException
jreq POST /fuota-tasks "$(task_json ',"FutureMember":{"x":1}')"
status_is "unknown members are ignored, as AWS does" 201
jreq POST /fuota-tasks '{"FirmwareUpdateRole":"arn:aws:iam::1:role/x"}'
error_is "required member missing" 400 ValidationException
contains "AWS-style validation message" "$body" "validation error"
req POST /fuota-tasks -H 'Content-Type: text/plain' --data-binary "$(task_json)"
error_is "text/plain body" 415 UnsupportedMediaTypeException
req POST /fuota-tasks --data-binary "$(task_json)" -H 'Content-Type:'
status_is "no Content-Type accepted" 201
req POST /fuota-tasks -H 'Content-Type: application/json; charset=utf-8' \
    --data-binary "$(task_json)"
status_is "JSON with a charset parameter" 201

# huge bodies: refused from the Content-Length, and while streaming
head -c 2100000 /dev/zero | tr '\0' 'a' >"$TMP/big"
req POST /fuota-tasks -H 'Content-Type: application/json' \
    --data-binary @"$TMP/big"
error_is "2 MB body with Content-Length" 413 RequestEntityTooLargeException
req POST /fuota-tasks -H 'Content-Type: application/json' \
    -H 'Transfer-Encoding: chunked' --data-binary @"$TMP/big"
error_is "2 MB chunked body" 413 RequestEntityTooLargeException
req GET "/fuota-tasks/$ID"
status_is "server fine after huge bodies" 200

# paths and methods
req GET /nope
error_is "unknown path" 404 UnknownOperationException
req GET "/fuota-tasks/$ID/nope"
error_is "unknown sub-path" 404 UnknownOperationException
req GET "/fuota-tasks/"
status_is "trailing slash is not a route" 404
req DELETE /fuota-tasks
error_is "DELETE on the collection" 405 MethodNotAllowedException
contains "Allow lists the methods" "$(header Allow)" "POST, GET"
req POST "/fuota-tasks/$ID"
status_is "POST on a task" 405
contains "Allow for a task" "$(header Allow)" "GET, PATCH, PUT, DELETE"
req GET "/fuota-tasks/$ID/wireless-device"
contains "Associate path is singular" "$(header Allow)" "PUT"
req GET "/fuota-tasks/bad%zzid"
error_is "malformed %-escape" 400 ValidationException

# keep-alive: one curl, two requests, one connection
curl -sv -o /dev/null -o /dev/null "$URL/fuota-tasks/$ID" \
    "$URL/fuota-tasks/$ID" 2>"$TMP/ka.err"
contains "connection reused (keep-alive)" "$(cat "$TMP/ka.err")" \
    "Re-using existing connection"

# access log: one line per request, no secrets, no query strings
log=$(cat "$SRV_ERR")
contains "access log line" "$log" "GET /fuota-tasks/$ID 200 "
contains "access log has error types" "$log" "404 "
lacks "access log has no query strings" "$log" "maxResults"

# SIGTERM: clean exit, state saved
stop_server TERM
[ "$SRV_RC" = 0 ] && pass "SIGTERM exits 0" || fail "SIGTERM exits 0" "rc $SRV_RC"
contains "says the state was saved" "$(cat "$SRV_ERR")" "state saved"

# --quiet: no access log
ok_if "quiet server starts" start_server quiet --state :memory: --quiet
req GET /fuota-tasks
stop_server INT
[ "$SRV_RC" = 0 ] && pass "SIGINT exits 0" || fail "SIGINT exits 0" "rc $SRV_RC"
lacks "--quiet has no access log" "$(cat "$SRV_ERR")" "GET /fuota-tasks"

# IPv6 loopback, where the machine has it
if grep -qs '00000000000000000000000000000001' /proc/net/if_inet6; then
    ok_if "server on ::1 starts" start_server v6 --state :memory: --quiet \
        --bind ::1
    case "$URL" in
    "http://[::1]:"[0-9]*) pass "IPv6 URL is bracketed" ;;
    *) fail "IPv6 URL is bracketed" "URL: $URL" ;;
    esac
    req GET /fuota-tasks -g
    status_is "ListFuotaTasks over IPv6" 200
    stop_server
else
    skip "server on ::1" "no IPv6 loopback on this machine"
fi

# fault injection
ok_if "throttling server starts" start_server throttle --state :memory: \
    --throttle-rate 1.0 --quiet
req GET /fuota-tasks
error_is "throttle rate 1.0" 429 ThrottlingException
jreq POST /fuota-tasks "$(task_json)"
error_is "throttled create" 429 ThrottlingException
stop_server
# a seeded mix: the same seed gives the same sequence of outcomes
# Each server gets its own name: reusing one would let start_server find the
# previous server's "listening on" line (and its dead port) in the old file.
seq_of() { # seed name -> the statuses of 20 requests
    local k out=""
    start_server "mix$1$2" --state :memory: --quiet --throttle-rate 0.3 \
        --error-rate 0.2 --seed "$1" || return 1
    for k in $(seq 1 20); do
        req GET /fuota-tasks
        out="$out $status"
    done
    stop_server
    echo "$out"
}
mix_a=$(seq_of 7 a)
mix_b=$(seq_of 7 b)
[ -n "$mix_a" ] && [ "$mix_a" = "$mix_b" ] && pass "same seed, same faults" ||
    fail "same seed, same faults" "$mix_a" "$mix_b"
case "$mix_a" in
*200*429* | *429*200*) pass "rates below 1 mix answers and throttling" ;;
*) fail "rates below 1 mix answers and throttling" "$mix_a" ;;
esac
ok_if "failing server starts" start_server errors --state :memory: \
    --error-rate 1.0 --quiet
req GET /fuota-tasks
error_is "error rate 1.0" 500 InternalServerException
stop_server

done_testing
