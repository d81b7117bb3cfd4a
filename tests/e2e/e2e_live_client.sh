#!/usr/bin/env bash
# fuota submit / fuota tasks through the live client (libcurl + SigV4)
# against `fuota serve --require-auth` on loopback: credentials from a
# profile and from the environment, session tokens, create, idempotent
# resubmit, conflicts, every error type explained, paging, a wrong secret,
# a throttling server where the retries make exactly one task, missing
# settings, --verbose without secrets.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/serve_lib.sh"

unset AWS_PROFILE AWS_DEFAULT_PROFILE AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY \
    AWS_SESSION_TOKEN AWS_SECURITY_TOKEN AWS_REGION AWS_DEFAULT_REGION \
    AWS_ENDPOINT_URL AWS_ENDPOINT_URL_IOT_WIRELESS AWS_MAX_ATTEMPTS \
    AWS_IGNORE_CONFIGURED_ENDPOINT_URLS XDG_DATA_HOME
export HOME="$TMP/home"
mkdir -p "$HOME"

K1=AKIAFUOTALIVE000001
S1=liveSecretOne000000000000000000000000001
K2=AKIAFUOTALIVE000002
S2=liveSecretTwo000000000000000000000000002
T2=liveSessionToken000000000000000000000002
# What the server accepts: ops (static) and temp (a session token).
cat >"$TMP/server-keys" <<EOF
[ops]
aws_access_key_id = $K1
aws_secret_access_key = $S1

[temp]
aws_access_key_id = $K2
aws_secret_access_key = $S2
aws_session_token = $T2
EOF
chmod 600 "$TMP/server-keys"

ok_if "server starts with SigV4 required" start_server auth \
    --state "$TMP/live.db" --region eu-west-1 --require-auth \
    --credentials "$TMP/server-keys"
AUTH_URL=$URL

# The operator's side: ~/.aws with profiles.
mkdir -p "$HOME/.aws"
{ cat "$TMP/server-keys"; cat <<EOF; } >"$HOME/.aws/credentials"

[badsecret]
aws_access_key_id = $K1
aws_secret_access_key = notTheSecret0000000000000000000000000000

[badtoken]
aws_access_key_id = $K2
aws_secret_access_key = $S2
aws_session_token = expiredToken00000000000000000000000000

[stranger]
aws_access_key_id = AKIAUNKNOWN00000001
aws_secret_access_key = strangerSecret00000000000000000000000001
EOF
chmod 600 "$HOME/.aws/credentials"
for p in ops temp badsecret badtoken stranger; do
    printf '[profile %s]\nregion = eu-west-1\nendpoint_url = %s\n\n' "$p" "$AUTH_URL"
done >"$HOME/.aws/config"
printf '[profile noregion]\nendpoint_url = %s\n' "$AUTH_URL" >>"$HOME/.aws/config"

task_json >"$TMP/req.json"
task_json ',"ClientRequestToken":"live-token-1","Name":"first"' >"$TMP/tok.json"
task_json ',"ClientRequestToken":"live-token-1","Name":"other"' >"$TMP/tok-other.json"
LIVE="LIVE eu-west-1 via profile ops, $AUTH_URL"

# --- create, resubmit, conflict ------------------------------------------
expect_exit 0 "submit with a profile" "$FUOTA" submit "$TMP/req.json" \
    --profile ops
contains "names the target" "$out" "Created on $LIVE"
contains "prints the Arn" "$out" "Arn: arn:aws:iotwireless:eu-west-1:123456789012:FuotaTask/"
contains "prints the Id" "$out" "Id: "
contains "a token was generated and shown" "$err" "ClientRequestToken fuota-"
contains "the token is in the output" "$out" "ClientRequestToken: fuota-"

expect_exit 0 "submit with a token" "$FUOTA" submit "$TMP/tok.json" \
    --profile ops --json
ID1=$(printf '%s' "$out" | sed -n 's/.*"Id":[[:space:]]*"\([^"]*\)".*/\1/p')
contains "--json names the target" "$out" "\"Target\":"
contains "--json says live" "$out" "\"Live\":"
expect_exit 0 "the same request again" "$FUOTA" submit "$TMP/tok.json" \
    --profile ops --json
ID2=$(printf '%s' "$out" | sed -n 's/.*"Id":[[:space:]]*"\([^"]*\)".*/\1/p')
if [ -n "$ID1" ] && [ "$ID1" = "$ID2" ]; then pass "idempotent: the same task"
else fail "idempotent: the same task" "'$ID1' vs '$ID2'"; fi
expect_exit 1 "the token with other parameters" "$FUOTA" submit \
    "$TMP/tok-other.json" --profile ops
contains "409 explained" "$err" \
    "The ClientRequestToken was already used with other parameters (409 ConflictException)"
contains "409: what to do" "$err" "Submit the identical request"
contains "409: the service's words" "$err" "the service says: ClientRequestToken live-token-1"
contains "409: the target" "$err" "target: $LIVE"
contains "409: the token sent" "$err" "ClientRequestToken: live-token-1"

expect_exit 0 "tasks list" "$FUOTA" tasks list --profile ops
contains "list names the target" "$out" "Target: $LIVE"
contains "two tasks, not three" "$out" "2 tasks"
contains "the named task" "$out" "first"

# --- environment keys and a session token --------------------------------
expect_exit 0 "environment keys with --endpoint" env AWS_ACCESS_KEY_ID=$K1 \
    AWS_SECRET_ACCESS_KEY=$S1 AWS_REGION=eu-west-1 \
    "$FUOTA" tasks get "$ID1" --endpoint "$AUTH_URL"
contains "env target" "$out" "Target: LIVE eu-west-1 via environment keys $K1, $AUTH_URL"
contains "get shows the status" "$out" "Status:              Pending"
contains "get shows the name" "$out" "Name:                first"
expect_exit 0 "a session token from the profile" "$FUOTA" tasks get "$ID1" \
    --profile temp --verbose
contains "the token is sent, masked" "$err" "X-Amz-Security-Token: ****"
lacks "the session token never shows" "$err$out" "$T2"
lacks "the secret never shows" "$err$out" "$S2"
contains "the signature is masked" "$err" "Signature=****"
contains "the scope is shown" "$err" "Credential=$K2/"
contains "the settings are traced" "$err" "region eu-west-1 (/"
expect_exit 0 "a session token from the environment" env AWS_ACCESS_KEY_ID=$K2 \
    AWS_SECRET_ACCESS_KEY=$S2 AWS_SESSION_TOKEN=$T2 AWS_REGION=eu-west-1 \
    "$FUOTA" tasks list --endpoint "$AUTH_URL"

# --- refusals, each explained ----------------------------------------------
expect_exit 1 "a wrong secret" "$FUOTA" tasks list --profile badsecret
contains "wrong secret explained" "$err" \
    "The secret key does not match the access key id (403 InvalidSignatureException)"
contains "wrong secret: what to do" "$err" "aws_secret_access_key"
lacks "no secret in the message" "$err" "notTheSecret"
expect_exit 1 "a wrong session token" "$FUOTA" tasks list --profile badtoken
contains "wrong token explained" "$err" \
    "does not know this access key id or its session token (403 UnrecognizedClientException)"
expect_exit 1 "an unknown key" "$FUOTA" tasks list --profile stranger
contains "unknown key explained" "$err" "403 UnrecognizedClientException"
expect_exit 1 "an unknown task" "$FUOTA" tasks get nope --profile ops
contains "404 explained" "$err" "No such resource on this target (404 ResourceNotFoundException)"
contains "404: the resource" "$err" "The resource is FuotaTask nope."
long=$(printf 'x%.0s' $(seq 300))
expect_exit 1 "an id longer than the model allows" "$FUOTA" tasks get "$long" \
    --profile ops
contains "400 explained" "$err" "refused the request as invalid (400 ValidationException)"
contains "400 names the member" "$err" "The member is 'id'."

expect_exit 0 "add a device" "$FUOTA" tasks add-device "$ID1" 0000000000000001 \
    --profile ops
contains "add-device said" "$out" "Associated wireless device 0000000000000001 with task $ID1."
expect_exit 1 "remove a device that is not there" "$FUOTA" tasks remove-device \
    "$ID1" 0000000000000009 --profile ops
contains "remove-device 404" "$err" "404 ResourceNotFoundException"
expect_exit 0 "start" "$FUOTA" tasks start "$ID1" --profile ops \
    --start-time 2030-05-01T12:00:00Z
expect_exit 0 "get after start" "$FUOTA" tasks get "$ID1" --profile ops --json
contains "start time kept" "$out" "\"StartTime\": \"2030-05-01T12:00:00Z\""
contains "status waiting" "$out" "FuotaSession_Waiting"
expect_exit 1 "start twice" "$FUOTA" tasks start "$ID1" --profile ops
contains "state conflict explained" "$err" \
    "The resource's current state does not allow this (409 ConflictException)"
expect_exit 0 "devices of a task" "$FUOTA" tasks devices "$ID1" --profile ops
contains "device listed" "$out" "0000000000000001"

# --- paging ---------------------------------------------------------------
for i in 1 2 3; do
    "$FUOTA" submit "$TMP/req.json" --profile ops -q >/dev/null 2>&1
done
expect_exit 0 "list one task a page" "$FUOTA" tasks list --profile ops \
    --page-size 1 --verbose
contains "every task over five pages" "$out" "5 tasks"
pages=$(grep -c '> GET .*/fuota-tasks?maxResults=1' <<<"$err")
if [ "$pages" = 5 ]; then pass "five requests, one a page"
else fail "five requests, one a page" "saw $pages"; fi
contains "next pages ask with the token" "$err" "&nextToken="
expect_exit 0 "list --json over pages" "$FUOTA" tasks list --profile ops \
    --page-size 2 --json
n=$(grep -c '"Id":' <<<"$out")
if [ "$n" = 5 ]; then pass "--json has all five"
else fail "--json has all five" "saw $n"; fi

# --- missing settings -----------------------------------------------------
expect_exit 2 "a profile that does not exist" "$FUOTA" tasks list --profile nobody
contains "missing profile named" "$err" "the config profile (nobody) from --profile could not be found"
expect_exit 2 "a profile without keys" "$FUOTA" tasks list --profile noregion
contains "missing keys named" "$err" "unable to locate credentials for profile noregion"
expect_exit 2 "no region" env AWS_ACCESS_KEY_ID=$K1 AWS_SECRET_ACCESS_KEY=$S1 \
    "$FUOTA" tasks list --endpoint "$AUTH_URL"
contains "missing region named" "$err" "you must specify a region"
expect_exit 2 "an endpoint that is not a URL" env AWS_ACCESS_KEY_ID=$K1 \
    AWS_SECRET_ACCESS_KEY=$S1 AWS_REGION=eu-west-1 \
    "$FUOTA" tasks list --endpoint "ftp://127.0.0.1:1"
contains "bad endpoint named" "$err" "is not an http:// or https:// URL"
expect_exit 2 "an endpoint with a query" env AWS_ACCESS_KEY_ID=$K1 \
    AWS_SECRET_ACCESS_KEY=$S1 AWS_REGION=eu-west-1 \
    "$FUOTA" tasks list --endpoint "http://127.0.0.1:1/?x=1"
contains "query refused" "$err" "has a query string"
cp "$HOME/.aws/credentials" "$TMP/open-credentials"
chmod 644 "$TMP/open-credentials"
expect_exit 0 "a credentials file others may read" env \
    AWS_SHARED_CREDENTIALS_FILE="$TMP/open-credentials" \
    "$FUOTA" tasks list --profile ops
contains "warned" "$err" "warning: $TMP/open-credentials holds secret keys and other users may read it; run: chmod 600"
lacks "the warning has no secret" "$err" "$S1"
expect_exit 2 "an invalid request is never sent" "$FUOTA" submit \
    "$FUOTA_ROOT/tests/data/plan/missing-role.json" --profile nobody
lacks "no settings were resolved for it" "$err" "could not be found"
contains "nothing was sent" "$err" "invalid request: nothing was sent"
stop_server

# --- 429, 500: retried, then explained ------------------------------------
export AWS_ACCESS_KEY_ID=$K1 AWS_SECRET_ACCESS_KEY=$S1 AWS_REGION=us-east-1
ok_if "a server that always throttles" start_server throttle \
    --state :memory: --throttle-rate 1
AWS_MAX_ATTEMPTS=3 expect_exit 1 "429 after every retry" "$FUOTA" tasks list \
    --endpoint "$URL" --verbose
contains "429 explained" "$err" "The service is throttling requests (429 ThrottlingException)"
n=$(grep -c 'retrying in' <<<"$err")
if [ "$n" = 2 ]; then pass "429: three attempts"; else fail "429: three attempts" "$n waits"; fi
stop_server
ok_if "a server that always fails" start_server failing \
    --state :memory: --error-rate 1
AWS_MAX_ATTEMPTS=2 expect_exit 1 "500 after a retry" "$FUOTA" tasks list \
    --endpoint "$URL"
contains "500 explained" "$err" "The service failed internally (500 InternalServerException)"
stop_server

# --- half the requests throttled: the retries make exactly one task --------
ok_if "a server that throttles half the requests" start_server half \
    --state "$TMP/half.db" --throttle-rate 0.5 --seed 7
for i in 1 2 3 4; do
    AWS_MAX_ATTEMPTS=10 "$FUOTA" submit "$TMP/tok.json" --endpoint "$URL" \
        --verbose >"$TMP/half$i.out" 2>"$TMP/half$i.err"
    echo "$?" >"$TMP/half$i.rc"
done
AWS_MAX_ATTEMPTS=10 expect_exit 0 "a generated token through throttling" \
    "$FUOTA" submit "$TMP/req.json" --endpoint "$URL" --verbose
gen_err=$err
stop_server
rcs=$(cat "$TMP"/half[1-4].rc | tr -d '\n')
if [ "$rcs" = 0000 ]; then pass "four submits of one request succeed"
else fail "four submits of one request succeed" "exit codes $rcs"; fi
retried=$(cat "$TMP"/half[1-4].err | grep -c 'ThrottlingException); retrying in')
if [ "$retried" -ge 1 ]; then pass "some attempts were throttled and retried ($retried)"
else fail "some attempts were throttled and retried" "none"; fi
ids=$(sed -n 's/^Id: //p' "$TMP"/half[1-4].out | sort -u | wc -l)
if [ "$ids" = 1 ]; then pass "every submit got the same task"
else fail "every submit got the same task" "$ids ids"; fi
gen_tokens=$(grep -o '"ClientRequestToken":"fuota-[0-9a-f]*"' <<<"$gen_err" | sort -u | wc -l)
if [ "$gen_tokens" = 1 ]; then pass "a generated token is the same on every attempt"
else fail "a generated token is the same on every attempt" "$gen_tokens tokens"; fi
# The state file, read by the in-process simulator: exactly two tasks.
expect_exit 0 "the throttled server's state" "$FUOTA" tasks list \
    --state "$TMP/half.db"
contains "exactly two tasks were made" "$out" "2 tasks"

done_testing
