#!/usr/bin/env bash
# The guide and man page are assembled from their parts and up to date, the
# man page renders without warnings, and every subcommand is documented.
. "$(dirname "$0")/lib.sh"
root=$FUOTA_ROOT

ok_if "build-docs runs" "$root/scripts/build-docs" "$TMP"
ok_if "docs/fuota.1 is up to date (run scripts/build-docs)" \
    cmp -s "$TMP/fuota.1" "$root/docs/fuota.1"
ok_if "docs/guide.md is up to date (run scripts/build-docs)" \
    cmp -s "$TMP/guide.md" "$root/docs/guide.md"
if command -v groff >/dev/null; then
    expect_exit 0 "man page renders" groff -man -ww -z "$root/docs/fuota.1"
    ok_if "man page renders without warnings" test -z "$err"
else
    skip "man page render" "groff not installed"
fi
man=$(cat "$root/docs/fuota.1")
for c in $("$FUOTA" --help | awk '/^Commands:/ {on=1; next} on && /^  [a-z]/ {print $1}'); do
    expect_exit 0 "fuota $c --help" "$FUOTA" "$c" --help
    contains "man page documents $c" "$man" "fuota $c"
done
done_testing
