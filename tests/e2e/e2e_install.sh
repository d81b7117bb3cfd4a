#!/usr/bin/env bash
# make install / uninstall honour PREFIX and DESTDIR.
. "$(dirname "$0")/lib.sh"
dest="$TMP/stage"
expect_exit 0 "make install" make -s -C "$FUOTA_ROOT" install \
    BUILD="$FUOTA_BUILD" DESTDIR="$dest" PREFIX=/opt/fuota
ok_if "binary installed and executable" test -x "$dest/opt/fuota/bin/fuota"
ok_if "man page installed" test -f "$dest/opt/fuota/share/man/man1/fuota.1"
ok_if "themes folder installed" test -d "$dest/opt/fuota/share/fuota/themes"
n=$(ls "$FUOTA_ROOT"/scenarios/*.scenario | wc -l)
ok_if "every scenario installed ($n)" test "$(ls "$dest"/opt/fuota/share/fuota/scenarios/*.scenario | wc -l)" = "$n"
# The installed binary finds them beside itself (../share/fuota/scenarios).
expect_exit 0 "installed binary lists its scenarios" "$dest/opt/fuota/bin/fuota" scenarios --json
contains "from the install directory" "$out" "/opt/fuota/share/fuota/scenarios/clean-run.scenario\""
lacks "not from the source tree" "$out" "$FUOTA_ROOT/scenarios/"
contains "installed scenarios list gateway-outage" "$out" '"name": "gateway-outage"'
expect_exit 0 "installed binary runs" "$dest/opt/fuota/bin/fuota" --version
contains "installed binary reports its version" "$out" "fuota "
lacks "nothing installed outside DESTDIR" "$(find "$dest" -maxdepth 1 -mindepth 1)" "usr"
expect_exit 0 "make uninstall" make -s -C "$FUOTA_ROOT" uninstall \
    DESTDIR="$dest" PREFIX=/opt/fuota
ok_if "binary removed" test ! -e "$dest/opt/fuota/bin/fuota"
ok_if "man page removed" test ! -e "$dest/opt/fuota/share/man/man1/fuota.1"
ok_if "scenarios removed" test ! -e "$dest/opt/fuota/share/fuota/scenarios"
done_testing
