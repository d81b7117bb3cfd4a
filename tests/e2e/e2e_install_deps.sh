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

# --full: also the tools of the tests that are otherwise skipped. An
# isolated PATH: the tools of the basic set are stubs, the --full ones are
# missing until stubbed too.
iso="$TMP/iso"
mkdir -p "$iso"
for t in bash env; do ln -s "$(command -v "$t")" "$iso/$t"; done
cp "$fake/pkg-config" "$fake/id" "$fake/apt-get" "$iso/"
for t in tmux cc make curl sqlite3; do printf '#!/bin/sh\n' >"$iso/$t"; done
chmod +x "$iso"/*
# ps (procps) and ss (iproute2), which the tests use, are not in a minimal
# Debian 12 (the debian:12 image has neither).
rm -f "$APT_LOG"
expect_exit 0 "no ps, no ss: installed" \
    env PATH="$iso" MISSING_MODS= FAKE_UID=0 "$script"
ok_if "procps and iproute2, once each" \
    grep -qx "install -y --no-install-recommends procps iproute2" "$APT_LOG"
for t in ps ss; do printf '#!/bin/sh\n' >"$iso/$t"; done
chmod +x "$iso"/*
rm -f "$APT_LOG"
expect_exit 0 "basic set present: exit 0 without --full" \
    env PATH="$iso" MISSING_MODS= FAKE_UID=0 "$script"
ok_if "basic set present: apt-get not called" test ! -e "$APT_LOG"
expect_exit 0 "--full, root: installs the test tools" \
    env PATH="$iso" MISSING_MODS= FAKE_UID=0 "$script" --full
ok_if "--full: the AWS CLI, node, npm, groff and man-db, once each" \
    grep -qx "install -y --no-install-recommends awscli nodejs npm groff-base man-db" "$APT_LOG"
rm -f "$APT_LOG"
expect_exit 1 "--full, not root: fails" \
    env PATH="$iso" MISSING_MODS= FAKE_UID=1000 "$script" --full
contains "--full, not root: the exact command" "$err" \
    "apt-get update && apt-get install -y --no-install-recommends awscli nodejs npm groff-base man-db"
for t in aws node npm groff man; do printf '#!/bin/sh\n' >"$iso/$t"; done
chmod +x "$iso"/*
expect_exit 0 "--full, everything present: exit 0" \
    env PATH="$iso" MISSING_MODS= FAKE_UID=1000 "$script" --full
ok_if "--full, everything present: silent" test -z "$out$err"
expect_exit 2 "an unknown option" "$script" --fast
contains "an unknown option: the usage" "$err" "usage: scripts/install-deps [--full]"
done_testing
