# Helpers for the `fuota serve` end-to-end tests (sourced after lib.sh).
#   start_server NAME ARGS...  start `fuota serve --port 0 ARGS` in the
#                              background; sets SRV_PID, URL, SRV_OUT, SRV_ERR
#   stop_server [SIGNAL]       signal it (TERM) and wait; sets SRV_RC
#   req METHOD PATH [CURL ARGS...]  one request; sets $status $body $hdrs
#   jreq METHOD PATH JSON [CURL ARGS...]  same with a JSON body
#   json_str KEY               string member KEY of $body ("" if none)
#   header NAME                value of response header NAME in $hdrs

start_server() {
    local name=$1
    shift
    SRV_OUT="$TMP/$name.out"
    SRV_ERR="$TMP/$name.err"
    "$FUOTA" serve --port 0 "$@" >"$SRV_OUT" 2>"$SRV_ERR" &
    SRV_PID=$!
    on_exit "kill -9 $SRV_PID 2>/dev/null; wait $SRV_PID 2>/dev/null"
    URL=""
    if ! wait_until 20 grep -qs '^fuota serve: listening on http' "$SRV_OUT"; then
        echo "# server $name did not start: $(head -c 600 "$SRV_ERR")"
        return 1
    fi
    URL=$(sed -n 's/^fuota serve: listening on //p' "$SRV_OUT")
}

_srv_gone() { ! kill -0 "$SRV_PID" 2>/dev/null; }

stop_server() {
    kill -"${1:-TERM}" "$SRV_PID" 2>/dev/null
    wait "$SRV_PID" 2>/dev/null
    SRV_RC=$?
}

req() {
    local m=$1 p=$2
    shift 2
    status=$(curl -sS -o "$TMP/body" -D "$TMP/hdrs" -w '%{http_code}' \
        --max-time 20 -X "$m" "$@" "$URL$p" 2>"$TMP/curl.err")
    body=$(cat "$TMP/body" 2>/dev/null)
    hdrs=$(tr -d '\r' <"$TMP/hdrs" 2>/dev/null)
}

jreq() {
    local m=$1 p=$2 j=$3
    shift 3
    req "$m" "$p" -H 'Content-Type: application/json' --data-binary "$j" "$@"
}

json_str() {
    printf '%s' "$body" | sed -n "s/.*\"$1\":\"\([^\"]*\)\".*/\1/p"
}

header() {
    printf '%s\n' "$hdrs" | grep -i "^$1:" | head -1 | sed 's/^[^:]*: *//'
}

# status_is NAME WANT: passes when the last req answered WANT.
status_is() {
    if [ "$status" = "$2" ]; then pass "$1 ($2)"
    else fail "$1" "expected HTTP $2, got $status" "body: ${body:0:400}"; fi
}

# error_is NAME STATUS TYPE: status, x-amzn-ErrorType and a message body.
error_is() {
    local t
    t=$(header x-amzn-ErrorType)
    if [ "$status" = "$2" ] && [ "$t" = "$3" ] &&
        printf '%s' "$body" | grep -q '"message":"'; then
        pass "$1 ($2 $3)"
    else
        fail "$1" "expected $2 $3 with a message, got $status '$t'" \
            "body: ${body:0:400}"
    fi
}

# A valid CreateFuotaTask body; $1 = optional extra members ("," first).
task_json() {
    printf '{"FirmwareUpdateImage":"s3://fw/app.bin","FirmwareUpdateRole":"arn:aws:iam::123456789012:role/fuota","LoRaWAN":{"RfRegion":"EU868"},"FragmentSizeBytes":50,"RedundancyPercent":20,"FragmentIntervalMS":1000%s}' "${1:-}"
}
