#!/usr/bin/env bash
# The live client against servers that misbehave (tests/tools/fake_http):
# one that never answers (timeout, retried), one that closes mid-reply, one
# that answers garbage, HTML, wrong JSON types, a huge body, an unknown
# status, a redirect, a 502 from a proxy, an endless listing, and a port
# where nothing listens. Each ends with exit 1 and a plain explanation,
# never a crash or a hang; the request carries fuota's User-Agent.
. "$(dirname "$0")/lib.sh"

FAKE="${FUOTA_BUILD:-$(dirname "$FUOTA")}/tests/tools/fake_http"
export AWS_ACCESS_KEY_ID=AKIAFUOTAFAULTS00001
export AWS_SECRET_ACCESS_KEY=faultsSecret000000000000000000000000001
export AWS_REGION=eu-west-1
export AWS_CONFIG_FILE=/nonexistent/config
export AWS_SHARED_CREDENTIALS_FILE=/nonexistent/credentials
unset AWS_PROFILE AWS_DEFAULT_PROFILE AWS_SESSION_TOKEN AWS_ENDPOINT_URL \
    AWS_ENDPOINT_URL_IOT_WIRELESS AWS_MAX_ATTEMPTS

# start_fake MODE: runs fake_http MODE; sets FPID, FURL, FLOG.
start_fake() {
    FLOG="$TMP/fake-$1.log"
    "$FAKE" "$1" >"$TMP/fake-$1.out" 2>"$FLOG" &
    FPID=$!
    on_exit "kill $FPID 2>/dev/null; wait $FPID 2>/dev/null"
    FURL=""
    wait_until 10 grep -qs '^listening on ' "$TMP/fake-$1.out" || return 1
    FURL="http://127.0.0.1:$(sed -n 's/^listening on //p' "$TMP/fake-$1.out")"
}
stop_fake() {
    kill "$FPID" 2>/dev/null
    wait "$FPID" 2>/dev/null
}
requests() { grep -c '^request ' "$FLOG"; }

ok_if "fake_http is built" test -x "$FAKE"

# mode | attempts allowed | command | exit | words of the explanation
while IFS='|' read -r mode attempts cmd want words; do
    [ -z "$mode" ] && continue
    start_fake "$mode" || { fail "fake_http $mode starts"; continue; }
    # shellcheck disable=SC2086
    AWS_MAX_ATTEMPTS=$attempts expect_exit "$want" "$mode: $cmd" \
        timeout 60 "$FUOTA" tasks $cmd --endpoint "$FURL" --timeout 1
    contains "$mode: explained" "$err" "$words"
    contains "$mode: what to do" "$err" "what to do:"
    contains "$mode: names the target" "$err" \
        "target: LIVE eu-west-1 via environment keys AKIAFUOTAFAULTS00001, $FURL"
    lacks "$mode: no secret in the message" "$err" "faultsSecret"
    case "$mode" in
    hang | close | reset | html502)
        # retried up to the attempts allowed
        n=$(requests)
        if [ "$n" = "$attempts" ]; then pass "$mode: $attempts attempts"
        else fail "$mode: $attempts attempts" "server saw $n requests"; fi ;;
    loop)
        # the first page, then the second that repeats the token
        n=$(requests)
        if [ "$n" = 2 ]; then pass "$mode: two pages, then stopped"
        else fail "$mode: two pages, then stopped" "server saw $n requests"; fi ;;
    *)
        n=$(requests)
        if [ "$n" = 1 ]; then pass "$mode: not retried"
        else fail "$mode: not retried" "server saw $n requests"; fi ;;
    esac
    stop_fake
done <<'EOF'
hang|2|get t1|1|The service did not answer in time (Timeout)
close|3|get t1|1|broke before the reply to GetFuotaTask was complete
reset|2|get t1|1|fuota could not talk to the service
garbage|3|get t1|1|answer to GetFuotaTask is not what the API promises: it is not HTTP
notjson|3|get t1|1|the body is not JSON: '<html><body>Welcome</body></html>'
types|3|get t1|1|Arn is a number, not a string
huge|3|get t1|1|it is larger than 1048576 bytes
status|3|get t1|1|Status 'Exploded?[31m' is not a FuotaTaskStatus
redirect|3|get t1|1|a redirect (HTTP 301)
html502|2|get t1|1|The service failed internally (HTTP 502)
loop|3|list|1|it returned the same NextToken twice
EOF

# No control character from the service reaches the terminal.
start_fake status
expect_exit 1 "an escape sequence in an answer" "$FUOTA" tasks get t1 \
    --endpoint "$FURL"
lacks "the escape character is not printed" "$err" $'\x1b'
stop_fake

# The User-Agent names fuota and its version.
start_fake notjson
"$FUOTA" tasks get t1 --endpoint "$FURL" >/dev/null 2>&1
version=$("$FUOTA" --version | sed 's/^fuota //')
contains "User-Agent names fuota and its version" "$(cat "$FLOG")" \
    "user-agent 1: fuota/$version libcurl/"
stop_fake

# The hang retried: the wait between attempts shows in the trace, the
# ClientRequestToken of a create stays the same on every attempt.
start_fake hang
printf '{"FirmwareUpdateImage":"s3://b/f","FirmwareUpdateRole":"arn:aws:iam::123456789012:role/r"}' \
    >"$TMP/req.json"
AWS_MAX_ATTEMPTS=3 expect_exit 1 "submit to a server that never answers" \
    "$FUOTA" submit "$TMP/req.json" --endpoint "$FURL" --timeout 1 --verbose
contains "timeout explained" "$err" "The service did not answer in time"
contains "the generated token is shown" "$err" "ClientRequestToken fuota-"
n=$(grep -c 'retrying in [0-9]* ms' <<<"$err")
if [ "$n" = 2 ]; then pass "two waits between three attempts"
else fail "two waits between three attempts" "saw $n" "${err:0:800}"; fi
tokens=$(grep -o '"ClientRequestToken":"[^"]*"' <<<"$err" | sort -u | wc -l)
sent=$(grep -c '"ClientRequestToken":"' <<<"$err")
if [ "$sent" = 3 ] && [ "$tokens" = 1 ]; then
    pass "every attempt carried the same ClientRequestToken"
else
    fail "every attempt carried the same ClientRequestToken" \
        "$sent bodies, $tokens tokens"
fi
stop_fake

# Nothing listens: cannot connect, explained, retried.
port=$(free_port)
AWS_MAX_ATTEMPTS=2 expect_exit 1 "nothing listens on the port" \
    "$FUOTA" tasks list --endpoint "http://127.0.0.1:$port"
contains "cannot connect explained" "$err" \
    "cannot connect to http://127.0.0.1:$port"
contains "cannot connect: what to do" "$err" "that it runs and the port matches"
contains "attempts counted" "$err" "(2 attempts)"

# A TLS failure is explained and not retried: a plain-text server spoken
# to over https fails the handshake.
start_fake nottls
AWS_MAX_ATTEMPTS=3 expect_exit 1 "TLS to a server without TLS" \
    timeout 60 "$FUOTA" tasks get t1 --endpoint "${FURL/http:/https:}" \
    --timeout 5 --verbose
contains "TLS failure explained" "$err" "TLS with https://127.0.0.1"
contains "fuota verifies certificates" "$err" "always verifies certificates"
lacks "TLS failure not retried" "$err" "retrying in"
stop_fake

# A real TLS server with a self-signed certificate: refused, because fuota
# always verifies certificates (there is no switch to turn that off).
if command -v openssl >/dev/null; then
    openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=127.0.0.1" \
        -addext "subjectAltName=IP:127.0.0.1" -keyout "$TMP/tls.key" \
        -out "$TMP/tls.crt" >/dev/null 2>&1
    tport=$(free_port)
    openssl s_server -accept "$tport" -cert "$TMP/tls.crt" -key "$TMP/tls.key" \
        -www -quiet >/dev/null 2>&1 &
    spid=$!
    on_exit "kill $spid 2>/dev/null; wait $spid 2>/dev/null"
    if wait_until 20 bash -c "exec 3<>/dev/tcp/127.0.0.1/$tport" 2>/dev/null; then
        AWS_MAX_ATTEMPTS=3 expect_exit 1 "a self-signed certificate" \
            timeout 60 "$FUOTA" tasks list --endpoint "https://127.0.0.1:$tport" \
            --timeout 10
        contains "certificate problem explained" "$err" "TLS with https://127.0.0.1:$tport failed"
        contains "the cause named" "$err" "certificate"
    else
        fail "openssl s_server starts"
    fi
    kill "$spid" 2>/dev/null
    wait "$spid" 2>/dev/null
else
    pass "self-signed certificate # SKIP openssl not installed"
fi

done_testing
