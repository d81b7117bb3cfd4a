#!/usr/bin/env bash
# fuota tasks retry: a follow-up task for exactly the devices that did not
# end Successful, asked first, idempotent (twice = one task), on the
# in-process simulator and through `fuota serve` with the live client; and
# `fuota tasks devices` explaining the outcomes.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/serve_lib.sh"
export HOME="$TMP/home" XDG_DATA_HOME="$TMP/data"
mkdir -p "$HOME"
unset AWS_PROFILE AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN \
    AWS_REGION AWS_DEFAULT_REGION AWS_ENDPOINT_URL AWS_ENDPOINT_URL_IOT_WIRELESS
F=$FUOTA
# 48-byte fragments at EU868 DR0 and 5 % redundancy: at the simulator's
# default 5 % loss some of these eight devices finish and some do not
# (the outcome of each is fixed by the seed and its id).
request() { # REDUNDANCY NAME
    printf '{"FirmwareUpdateImage":"s3://bucket-1/fw.bin","FirmwareUpdateRole":"arn:aws:iam::123456789012:role/r","RedundancyPercent":%s,"FragmentSizeBytes":48,"FragmentIntervalMS":1000,"LoRaWAN":{"RfRegion":"EU868"},"Name":"%s","ClientRequestToken":"%s"}\n' "$1" "$2" "$2" >"$TMP/$2.json"
}
json_id() { sed -n 's/^  "Id": "\([^"]*\)".*/\1/p' | head -1; }
DEVS="d1 d2 d3 d4 d5 d6 d7 d8"

# finished_task REDUNDANCY NAME TARGET...: created, devices added, started,
# done; its id in $tid.
finished_task() {
    local r=$1 name=$2
    shift 2
    request "$r" "$name"
    tid=$("$F" submit "$TMP/$name.json" --json "$@" 2>/dev/null | json_id)
    for d in $DEVS; do "$F" tasks add-device "$tid" "$d" "$@" >/dev/null; done
    "$F" tasks start "$tid" "$@" >/dev/null
    wait_until 20 sh -c "'$F' tasks get '$tid' $* | grep -q FuotaDone"
}

run_suite() { # LABEL TARGET...
    local label=$1
    shift
    finished_task 5 "mixed-$label" "$@"
    ok_if "$label: a finished task" test -n "$tid"
    expect_exit 0 "$label: devices" "$F" tasks devices "$tid" "$@"
    contains "$label: outcome explained" "$out" "What to do:"
    contains "$label: MissingFrag explained" "$out" "MissingFrag ("
    failed=$(printf '%s\n' "$out" | awk '$2 != "" && $2 != "Successful" && $1 ~ /^d[0-9]$/ {print $1}' | sort | tr '\n' ' ')
    ok_if "$label: some failed, some succeeded" sh -c "test -n '$failed' && printf '%s\n' \"\$0\" | grep -q Successful" "$out"

    expect_exit 2 "$label: retry without a terminal asks for --yes" \
        "$F" tasks retry "$tid" "$@"
    contains "$label: --yes named" "$err" "add --yes"
    expect_exit 0 "$label: retry --yes" "$F" tasks retry "$tid" --yes "$@"
    contains "$label: the plan is shown" "$out" "did not end Successful"
    contains "$label: groups are not carried" "$out" "No multicast group is carried over"
    rid=$(printf '%s\n' "$out" | sed -n 's/^Created task \([0-9a-f-]*\) .*/\1/p')
    ok_if "$label: a follow-up task" test -n "$rid"
    expect_exit 0 "$label: the follow-up's devices" "$F" tasks devices "$rid" "$@"
    got=$(printf '%s\n' "$out" | awk '$1 ~ /^d[0-9]$/ {print $1}' | sort | tr '\n' ' ')
    ok_if "$label: exactly the failed devices ($failed)" test "$got" = "$failed"
    expect_exit 0 "$label: retry again" "$F" tasks retry "$tid" --yes --json "$@"
    contains "$label: the same follow-up" "$out" "\"Id\": \"$rid\""
    expect_exit 0 "$label: list" "$F" tasks list "$@"
    ok_if "$label: one follow-up task, not two" test "$(printf '%s\n' "$out" | grep -c "mixed-$label-retry")" = 1

    finished_task 8 "clean-$label" "$@"
    expect_exit 0 "$label: all successful" "$F" tasks retry "$tid" --yes "$@"
    contains "$label: nothing to retry" "$out" "Nothing to retry: every device of the task ended Successful"

    request 5 "pending-$label"
    pid=$("$F" submit "$TMP/pending-$label.json" --json "$@" 2>/dev/null | json_id)
    "$F" tasks add-device "$pid" d1 "$@" >/dev/null
    expect_exit 1 "$label: a task not finished" "$F" tasks retry "$pid" --yes "$@"
    contains "$label: not finished said" "$err" "has not finished"
    expect_exit 1 "$label: no such task" "$F" tasks retry nosuch-task --yes "$@"
}

run_suite sim --time-scale 100000
expect_exit 2 "--yes with another action" "$F" tasks list --yes
contains "--yes goes with retry" "$err" "--yes goes with 'retry' only"

# Through fuota serve with the live client (SigV4 on).
printf '[ops]\naws_access_key_id = AKIARETRY0000000001\naws_secret_access_key = retrySecret00000000000000000000000000001\n' >"$TMP/keys"
chmod 600 "$TMP/keys"
ok_if "server starts" start_server retry --state "$TMP/serve.db" \
    --require-auth --credentials "$TMP/keys" --time-scale 100000 --region eu-west-1
mkdir -p "$HOME/.aws"
cp "$TMP/keys" "$HOME/.aws/credentials"
chmod 600 "$HOME/.aws/credentials"
run_suite live --profile ops --endpoint "$URL" --region eu-west-1
stop_server
done_testing
