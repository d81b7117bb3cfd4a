#!/usr/bin/env bash
# The console's target: --profile/--endpoint/--region on the command line,
# the LIVE badge naming them, the F8 panel switching between the built-in
# simulator and an endpoint (a `fuota serve --require-auth` on loopback
# standing in for AWS), the LIVE confirmation before a submit, and bad
# settings refused with their reason.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/serve_lib.sh"
. "$(dirname "$0")/tui_lib.sh"
REQ=$FUOTA_ROOT/tests/data/requests

if ! command -v tmux >/dev/null 2>&1; then
    skip "console target tests" "tmux is not installed"
    done_testing
    exit
fi
unset AWS_PROFILE AWS_DEFAULT_PROFILE AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY \
    AWS_SESSION_TOKEN AWS_REGION AWS_DEFAULT_REGION AWS_ENDPOINT_URL \
    AWS_ENDPOINT_URL_IOT_WIRELESS

K1=AKIAFUOTATUI0000001
S1=tuiSecretOne0000000000000000000000000001
printf '[ops]\naws_access_key_id = %s\naws_secret_access_key = %s\n' \
    "$K1" "$S1" >"$TMP/server-keys"
chmod 600 "$TMP/server-keys"
ok_if "server with SigV4 starts" start_server tui --state "$TMP/live.db" \
    --region eu-west-1 --require-auth --credentials "$TMP/server-keys"
mkdir -p "$HOME/.aws"
cp "$TMP/server-keys" "$HOME/.aws/credentials"
chmod 600 "$HOME/.aws/credentials"
printf '[profile ops]\nregion = eu-west-1\nendpoint_url = %s\n' "$URL" \
    >"$HOME/.aws/config"
host=${URL#http://}

# ---- bad target settings: refused before the console starts -------------
tui_start 100 30 --sim --profile ops
tui_exit_status
ok_if "--sim with --profile: exit 2" test "$tui_rc" = 2
contains "contradiction said" "$(cat "$TMP/tui.err")" "fuota: --sim does not go with --profile"
tui_stop
expect_exit 1 "no terminal" "$FUOTA" --profile ops
contains "no terminal said once, without a command name" "$err" "fuota: the console needs a terminal"

# ---- --profile: LIVE badge, confirmation, created on the endpoint --------
tui_start 120 40 open "$REQ/valid-full.json" --profile ops
tui_wait "LIVE badge" "▲ LIVE"
tui_wait "badge names profile, region and endpoint" "ops · eu-west-1 · $host"
tui_keys F9
tui_wait "review names LIVE" "Review · CreateFuotaTask → ▲ LIVE"
tui_keys Enter
tui_wait "LIVE asks before sending" "Create this task on AWS (eu-west-1, profile ops)?"
tui_keys Enter
tui_wait "Enter answers no on a LIVE question" "not submitted"
tui_keys Enter
tui_wait "asked again" "Create this task on AWS"
tui_keys y
tui_wait "created on AWS (the endpoint)" "Created on AWS"
id=$(tui_screen | sed -n 's/.*Id   \([0-9a-f-]*\).*/\1/p' | head -1)
ok_if "an id is shown" test -n "$id"
expect_exit 0 "the task is on the endpoint" "$FUOTA" tasks get "$id" --profile ops
contains "the endpoint has the console's task" "$out" "$id"
tui_keys F10
tui_exit_status
tui_stop

# An unknown profile is refused with its name, before any screen.
tui_start 100 30 --profile nosuch
tui_exit_status
ok_if "unknown profile: exit 1" test "$tui_rc" = 1
contains "unknown profile named" "$(cat "$TMP/tui.err")" "nosuch"
tui_stop

# ---- F8: from the simulator to an endpoint and back ------------------------
export AWS_ACCESS_KEY_ID=$K1 AWS_SECRET_ACCESS_KEY=$S1
tui_start 120 40 open "$REQ/valid-full.json"
tui_wait "starts on the simulator" "● SIMULATOR"
tui_keys F8
tui_wait "target panel" "Where requests go"
tui_keys Down Down Enter
tui_wait "endpoint dialog" "An IoT Wireless endpoint"
tui_keys C-u
tui_type "ftp://nope"
tui_keys Tab
tui_type "eu-west-1"
tui_keys Enter
tui_wait "a bad URL is refused in the dialog" "ftp://nope"
tui_wait "the dialog stays open" "An IoT Wireless endpoint"
tui_keys C-u
tui_type "$URL"
tui_keys Enter
tui_wait "switched to the endpoint" "· eu-west-1 · $host"
tui_keys F9 Enter y
tui_wait "created through the endpoint" "Created on AWS"
tui_keys Escape F8
tui_wait "panel again" "Where requests go"
tui_keys Home Enter
tui_wait "back on the simulator" "target: ● SIMULATOR"
tui_keys F10
tui_exit_status
ok_if "quits with 0" test "$tui_rc" = 0
tui_stop
stop_server
done_testing
