#!/usr/bin/env bash
# fuota serve --require-auth: SigV4 with curl --aws-sigv4, keys from a
# credentials file (every profile) or from the server's own environment;
# missing, malformed, wrong and expired signatures; secrets never logged.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/serve_lib.sh"

SIGV4="aws:amz:us-east-1:iotwireless"
K1=AKIAFUOTATESTKEY001
S1=fuotaTestSecretNumberOne0000000000000001
K2=AKIAFUOTATESTKEY002
S2=fuotaTestSecretNumberTwo0000000000000002
cat >"$TMP/credentials" <<EOF
[default]
aws_access_key_id = $K1
aws_secret_access_key = $S1

[other]
aws_access_key_id = $K2
aws_secret_access_key = $S2
EOF

ok_if "server with --credentials starts" start_server file \
    --state "$TMP/auth.db" --region us-east-1 --require-auth \
    --credentials "$TMP/credentials"
contains "startup names the key count, not the keys" "$(cat "$SRV_ERR")" \
    "2 key pair(s)"

req GET /fuota-tasks
error_is "unsigned request" 403 MissingAuthenticationTokenException
jreq POST /fuota-tasks "$(task_json)" --aws-sigv4 "$SIGV4" --user "$K1:$S1"
status_is "signed create (default profile key)" 201
ID=$(json_str Id)
req GET "/fuota-tasks/$ID" --aws-sigv4 "$SIGV4" --user "$K2:$S2"
status_is "signed get (second profile key)" 200
req GET "/fuota-tasks?maxResults=5" --aws-sigv4 "$SIGV4" --user "$K1:$S1"
status_is "signed request with a query string" 200
jreq PATCH "/fuota-tasks/$ID" '{"Name":"n"}' --aws-sigv4 "$SIGV4" \
    --user "$K1:$S1"
status_is "signed update" 204
req GET "/fuota-tasks/$ID" --aws-sigv4 "$SIGV4" --user "$K1:wrongsecret"
error_is "wrong secret" 403 InvalidSignatureException
req GET "/fuota-tasks/$ID" --aws-sigv4 "$SIGV4" --user "AKIAUNKNOWN0000000:$S1"
error_is "unknown access key" 403 UnrecognizedClientException
req GET "/fuota-tasks/$ID" --aws-sigv4 "aws:amz:eu-west-1:iotwireless" \
    --user "$K1:$S1"
error_is "credential scoped to another region" 403 InvalidSignatureException
req GET "/fuota-tasks/$ID" --aws-sigv4 "aws:amz:us-east-1:s3" --user "$K1:$S1"
error_is "credential scoped to another service" 403 InvalidSignatureException
req GET "/fuota-tasks/$ID" -H "Authorization: AWS4-HMAC-SHA256 garbage"
error_is "malformed Authorization" 400 IncompleteSignatureException
req GET "/fuota-tasks/$ID" --aws-sigv4 "$SIGV4" --user "$K1:$S1" \
    -H "X-Amz-Date: 20200101T000000Z"
error_is "two X-Amz-Date headers" 400 IncompleteSignatureException
# curl signs with a given X-Amz-Date but then sends it twice: capture the
# signature and replay it with the date once.
curl -s -o /dev/null -v --aws-sigv4 "$SIGV4" --user "$K1:$S1" \
    -H "X-Amz-Date: 20200101T000000Z" "$URL/fuota-tasks/$ID" 2>"$TMP/old.err"
old_auth=$(sed -n 's/^> Authorization: //Ip' "$TMP/old.err" | tr -d '\r')
req GET "/fuota-tasks/$ID" -H "Authorization: $old_auth" \
    -H "X-Amz-Date: 20200101T000000Z"
error_is "signature from 2020" 403 InvalidSignatureException
contains "expiry is explained" "$body" "expired"
# a signed body that is changed on the way: the signature covers it
curl -s -o /dev/null --aws-sigv4 "$SIGV4" --user "$K1:$S1" -v \
    -H 'Content-Type: application/json' --data-binary '{"Name":"a"}' \
    -X PATCH "$URL/fuota-tasks/$ID" 2>"$TMP/v.err"
auth=$(sed -n 's/^> Authorization: //Ip' "$TMP/v.err" | tr -d '\r')
date=$(sed -n 's/^> X-Amz-Date: //Ip' "$TMP/v.err" | tr -d '\r')
jreq PATCH "/fuota-tasks/$ID" '{"Name":"b"}' -H "Authorization: $auth" \
    -H "X-Amz-Date: $date"
error_is "body changed after signing" 403 InvalidSignatureException
jreq PATCH "/fuota-tasks/$ID" '{"Name":"a"}' -H "Authorization: $auth" \
    -H "X-Amz-Date: $date"
status_is "the same signature with the signed body" 204
# errors of the service still come through when signed
req GET /fuota-tasks/nope --aws-sigv4 "$SIGV4" --user "$K1:$S1"
error_is "signed get of an unknown id" 404 ResourceNotFoundException
req DELETE /fuota-tasks --aws-sigv4 "$SIGV4" --user "$K1:$S1"
status_is "signed wrong method" 405

# Bodies of requests that cannot be authorised are never read: the answer
# comes from the headers alone. curl with "Expect: 100-continue" waits for
# the server's go-ahead before it sends a body; a final answer instead means
# nothing is uploaded (size_upload 0). Before, the server said "100
# Continue", buffered the whole 1 MiB - 1 body, then refused it.
head -c 1048575 /dev/zero | tr '\0' 'x' >"$TMP/big"
big_post() {
    req POST /fuota-tasks -H 'Content-Type: application/json' \
        -H 'Expect: 100-continue' --expect100-timeout 60 \
        --data-binary @"$TMP/big" -w '%{http_code} %{size_upload}' "$@"
    uploaded=${status#* }
    status=${status%% *}
}
big_post
error_is "unsigned 1 MiB POST refused" 403 MissingAuthenticationTokenException
ok_if "unsigned 1 MiB POST: body not sent" test "$uploaded" = 0
big_post -H "Authorization: AWS4-HMAC-SHA256 garbage"
error_is "malformed Authorization with a 1 MiB body" 400 \
    IncompleteSignatureException
ok_if "malformed Authorization: body not sent" test "$uploaded" = 0
big_post --aws-sigv4 "$SIGV4" --user "AKIAUNKNOWN0000000:$S1"
error_is "unknown key with a 1 MiB body" 403 UnrecognizedClientException
ok_if "unknown key: body not sent" test "$uploaded" = 0
big_post --aws-sigv4 "aws:amz:eu-west-1:iotwireless" --user "$K1:$S1"
error_is "other region with a 1 MiB body" 403 InvalidSignatureException
ok_if "other region: body not sent" test "$uploaded" = 0
# A known key gets its body read (it grows past the first 64 KiB) and the
# signature checked over it: signed, it reaches the operation, which finds
# no JSON there; with a wrong secret the signature fails.
big_post --aws-sigv4 "$SIGV4" --user "$K1:$S1"
ok_if "known key: the 1 MiB - 1 body is sent" test "$uploaded" = 1048575
status_is "known key, signed 1 MiB body reaches the operation" 400
lacks "known key, signed 1 MiB body: not an auth error" \
    "$(header x-amzn-ErrorType)" "Signature"
big_post --aws-sigv4 "$SIGV4" --user "$K1:wrongsecret"
error_is "known key, wrong secret, 1 MiB body" 403 InvalidSignatureException
ok_if "known key, wrong secret: body read to check it" \
    test "$uploaded" = 1048575
# Without Expect: the client announces a body and sends none; the answer
# comes at once and the connection is closed (no wait for the body).
port=${URL##*:}
raw_headers_only() {
    exec 3<>"/dev/tcp/127.0.0.1/$port" || return 1
    printf 'POST /fuota-tasks HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1048575\r\n\r\n' >&3
    timeout 20 cat <&3 >"$TMP/raw.out"
    local rc=$?
    exec 3<&-
    return $rc
}
ok_if "announced 1 MiB body, none sent: answered and closed" raw_headers_only
raw=$(tr -d '\r' <"$TMP/raw.out")
contains "announced body: 403" "$raw" "HTTP/1.1 403"
contains "announced body: error type" "$raw" \
    "x-amzn-ErrorType: MissingAuthenticationTokenException"
contains "announced body: connection closed" "$raw" "Connection: close"
# the server is still fine afterwards
req GET /fuota-tasks --aws-sigv4 "$SIGV4" --user "$K1:$S1"
status_is "signed list after the refused bodies" 200
stop_server
log=$(cat "$SRV_ERR")
lacks "first secret never logged" "$log" "$S1"
lacks "second secret never logged" "$log" "$S2"
lacks "signatures never logged" "$log" "Signature="
contains "denials are in the access log" "$log" "403"

# keys from the server's own environment (as the AWS CLI resolves them)
K3=AKIAFUOTAENVKEY0003
S3=fuotaEnvSecret000000000000000000000003
HOME="$TMP" AWS_ACCESS_KEY_ID=$K3 AWS_SECRET_ACCESS_KEY=$S3 \
    start_server env --state :memory: --require-auth --region us-east-1
ok_if "server with environment keys starts" test -n "$URL"
req GET /fuota-tasks --aws-sigv4 "$SIGV4" --user "$K3:$S3"
status_is "environment key accepted" 200
req GET /fuota-tasks --aws-sigv4 "$SIGV4" --user "$K1:$S1"
error_is "file key not accepted there" 403 UnrecognizedClientException
stop_server
[ "$SRV_RC" = 0 ] && pass "environment server stopped" ||
    fail "environment server stopped" "rc $SRV_RC"

# no key anywhere: refuse to start rather than run open
expect_exit 1 "--require-auth without any key" env -u AWS_ACCESS_KEY_ID \
    -u AWS_SECRET_ACCESS_KEY -u AWS_PROFILE HOME="$TMP/empty" \
    AWS_SHARED_CREDENTIALS_FILE="$TMP/none" AWS_CONFIG_FILE="$TMP/none" \
    "$FUOTA" serve --port 0 --state :memory: --require-auth
contains "says what is missing" "$err" "credentials"
expect_exit 1 "--credentials file missing" "$FUOTA" serve --port 0 \
    --state :memory: --require-auth --credentials "$TMP/nope"
done_testing
