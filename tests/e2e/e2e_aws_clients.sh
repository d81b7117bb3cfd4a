#!/usr/bin/env bash
# AWS's own clients against `fuota serve --require-auth`: the AWS CLI
# (`aws iotwireless ... --endpoint-url`) and the AWS SDK for JavaScript v3
# (@aws-sdk/client-iot-wireless from npm, installed once into
# build/js-sdk and reused). Each part is skipped, and says so, when its
# tool or the npm registry is not available.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/serve_lib.sh"

KEY=AKIAFUOTACLIENTS0001
SECRET=fuotaClientsSecret00000000000000000001
# The clients see only these: no user config, no instance metadata.
# (npm keeps the real HOME: its registry settings live there.)
REAL_HOME=${HOME:-}
export HOME="$TMP/home"
mkdir -p "$HOME"
export AWS_ACCESS_KEY_ID=$KEY AWS_SECRET_ACCESS_KEY=$SECRET
export AWS_DEFAULT_REGION=us-east-1 AWS_REGION=us-east-1
export AWS_EC2_METADATA_DISABLED=true AWS_PAGER=""
unset AWS_PROFILE AWS_SESSION_TOKEN AWS_ENDPOINT_URL 2>/dev/null

ok_if "server starts with --require-auth" start_server clients \
    --state "$TMP/clients.db" --require-auth --region us-east-1
export FUOTA_URL=$URL

# ---- the AWS CLI ----------------------------------------------------------
if ! command -v aws >/dev/null 2>&1; then
    skip "aws cli create/get/list/update/start/delete" "aws not installed"
else
    cli() { aws iotwireless --endpoint-url "$URL" --output json "$@"; }
    expect_exit 0 "aws create-fuota-task" cli create-fuota-task \
        --name cli-task --firmware-update-image s3://fw/cli.bin \
        --firmware-update-role arn:aws:iam::123456789012:role/fuota \
        --lorawan RfRegion=EU868 --fragment-size-bytes 50
    ID=$(printf '%s' "$out" | sed -n 's/.*"Id": *"\([^"]*\)".*/\1/p')
    contains "aws create returns an Arn" "$out" '"Arn": "arn:aws:iotwireless:us-east-1:'
    expect_exit 0 "aws get-fuota-task" cli get-fuota-task --id "$ID"
    contains "aws get shows the task" "$out" '"Name": "cli-task"'
    contains "aws get shows Pending" "$out" '"Status": "Pending"'
    contains "aws get shows CreatedAt (epoch seconds)" "$out" '"CreatedAt": 1'
    expect_exit 0 "aws list-fuota-tasks" cli list-fuota-tasks
    contains "aws list has the task" "$out" "\"Id\": \"$ID\""
    expect_exit 0 "aws update-fuota-task" cli update-fuota-task --id "$ID" \
        --name cli-renamed
    expect_exit 0 "aws get after update" cli get-fuota-task --id "$ID"
    contains "aws update applied" "$out" '"Name": "cli-renamed"'
    expect_exit 0 "aws associate-multicast-group-with-fuota-task" \
        cli associate-multicast-group-with-fuota-task --id "$ID" \
        --multicast-group-id cli-group
    expect_exit 0 "aws list-multicast-groups-by-fuota-task" \
        cli list-multicast-groups-by-fuota-task --id "$ID"
    contains "aws lists the group" "$out" '"Id": "cli-group"'
    expect_exit 0 "aws start-fuota-task" cli start-fuota-task --id "$ID" \
        --lorawan StartTime=2099-01-01T00:00:00Z
    expect_exit 0 "aws get after start" cli get-fuota-task --id "$ID"
    contains "aws sees FuotaSession_Waiting" "$out" \
        '"Status": "FuotaSession_Waiting"'
    contains "aws sees the StartTime" "$out" '"StartTime": "2099-01-01T00:00:00'
    cli update-fuota-task --id "$ID" --name late >"$TMP/o" 2>"$TMP/e"
    contains "aws update after start: ConflictException" "$(cat "$TMP/e")" \
        "ConflictException"
    expect_exit 0 "aws delete-fuota-task" cli delete-fuota-task --id "$ID"
    cli get-fuota-task --id no-such-task >"$TMP/o" 2>"$TMP/e"
    rc=$?
    [ "$rc" != 0 ] && pass "aws get of an unknown id fails (exit $rc)" ||
        fail "aws get of an unknown id fails"
    contains "aws names ResourceNotFoundException" "$(cat "$TMP/e")" \
        "ResourceNotFoundException"
    AWS_SECRET_ACCESS_KEY=wrong cli list-fuota-tasks >"$TMP/o" 2>"$TMP/e"
    contains "aws with a wrong secret: InvalidSignatureException" \
        "$(cat "$TMP/e")" "InvalidSignatureException"
fi

# ---- the JavaScript SDK v3 -------------------------------------------------
js_skip=""
cache="$FUOTA_ROOT/build/js-sdk"
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    js_skip="node/npm not installed"
else
    mkdir -p "$cache"
    if [ ! -f "$cache/node_modules/@aws-sdk/client-iot-wireless/package.json" ]; then
        # one install at a time, whichever build directory runs first
        if ! (flock 9 &&
            { [ -f "$cache/node_modules/@aws-sdk/client-iot-wireless/package.json" ] ||
                HOME=$REAL_HOME timeout 300 npm install --prefix "$cache" --no-audit --no-fund \
                    --loglevel=error @aws-sdk/client-iot-wireless@3; }) \
            9>"$cache/.lock" >"$TMP/npm.log" 2>&1; then
            js_skip="npm install @aws-sdk/client-iot-wireless failed (offline?): $(tail -1 "$TMP/npm.log")"
        fi
    fi
fi
if [ -n "$js_skip" ]; then
    skip "JS SDK v3 create/get/list/update/start/delete" "$js_skip"
else
    cp "$(dirname "$0")/js/sdk_smoke.cjs" "$cache/sdk_smoke.cjs"
    (cd "$cache" && timeout 120 node sdk_smoke.cjs) >"$TMP/js.out" 2>&1
    rc=$?
    n_js=0
    while IFS= read -r line; do
        case "$line" in
        PASS\ *) pass "js sdk: ${line#PASS }"; n_js=$((n_js + 1)) ;;
        FAIL\ *) fail "js sdk: ${line#FAIL }"; n_js=$((n_js + 1)) ;;
        esac
    done <"$TMP/js.out"
    [ "$rc" = 0 ] && [ "$n_js" -ge 15 ] && pass "js sdk script completed ($n_js checks)" ||
        fail "js sdk script completed" "exit $rc, $n_js checks" "$(tail -5 "$TMP/js.out")"
fi

stop_server TERM
[ "$SRV_RC" = 0 ] && pass "server stops cleanly" || fail "server stops cleanly" "$SRV_RC"
lacks "the secret never reached the log" "$(cat "$SRV_ERR")" "$SECRET"
done_testing
