#!/usr/bin/env bash
# scripts/install-deps: does nothing when everything is there, installs what
# is missing with apt-get as root, and prints the exact command otherwise.
# Runs against fake pkg-config / id / apt-get on PATH; nothing is installed.
. "$(dirname "$0")/lib.sh"
script="$FUOTA_ROOT/scripts/install-deps"
fake="$TMP/bin"
mkdir -p "$fake"

# A pkg-config that knows every module except those listed in $MISSING_MODS.
cat >"$fake/pkg-config" <<'SH'
#!/bin/sh
[ "$1" = --exists ] || exit 0
for m in $MISSING_MODS; do [ "$m" = "$2" ] && exit 1; done
exit 0
SH
cat >"$fake/id" <<'SH'
#!/bin/sh
echo "${FAKE_UID:-0}"
SH
cat >"$fake/apt-get" <<'SH'
#!/bin/sh
echo "$*" >>"$APT_LOG"
[ -n "$APT_FAIL" ] && exit 100
exit 0
SH
chmod +x "$fake"/*
export APT_LOG="$TMP/apt.log"
run() { env PATH="$fake:$PATH" "$@" "$script"; }

expect_exit 0 "everything present: exit 0" run env MISSING_MODS= FAKE_UID=1000
ok_if "everything present: silent" test -z "$out$err"
ok_if "everything present: apt-get not called" test ! -e "$APT_LOG"

expect_exit 1 "missing, not root: fails" \
    run env MISSING_MODS="libcjson cmocka" FAKE_UID=1000
contains "not root: names the packages" "$err" "libcjson-dev libcmocka-dev"
contains "not root: prints the exact command" "$err" \
    "apt-get update && apt-get install -y --no-install-recommends libcjson-dev libcmocka-dev"
ok_if "not root: apt-get not called" test ! -e "$APT_LOG"

expect_exit 0 "missing, root: installs" \
    run env MISSING_MODS="libmicrohttpd ncursesw formw" FAKE_UID=0
ok_if "root: apt-get install called once with each package once" \
    grep -qx "install -y --no-install-recommends libncurses-dev libmicrohttpd-dev" "$APT_LOG"

rm -f "$APT_LOG"
expect_exit 1 "root, apt-get fails: fails" \
    run env MISSING_MODS=sqlite3 FAKE_UID=0 APT_FAIL=1
contains "apt-get failure: prints the command" "$err" \
    "apt-get update && apt-get install -y --no-install-recommends libsqlite3-dev"
ok_if "apt-get failure: retried after apt-get update" grep -qx "update -q" "$APT_LOG"
done_testing
