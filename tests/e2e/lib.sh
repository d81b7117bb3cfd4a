# Shared helpers for the end-to-end tests (sourced, not run).
# Each test prints TAP lines; tests/run.sh counts them.
#   ok_if NAME CMD...           pass when CMD succeeds
#   skip NAME REASON            a check that cannot run here, and why
#                               (counted apart by tests/run.sh)
#   expect_exit CODE NAME CMD...  run CMD, capture $out/$err, check status
#   contains NAME HAYSTACK NEEDLE
#   wait_until SECONDS CMD...   poll CMD every 50 ms until it succeeds
#   free_port                   a free TCP port on 127.0.0.1
set -u
: "${FUOTA:?run through tests/run.sh or set FUOTA}"
: "${FUOTA_ROOT:=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
: "${FUOTA_REF:=$FUOTA_ROOT/tests/data/reference}"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/fuota-e2e.XXXXXX")
_n=0
_failed=0
_cleanup_hooks=()
on_exit() { _cleanup_hooks+=("$*"); }
_finish() {
    local h
    for h in "${_cleanup_hooks[@]+"${_cleanup_hooks[@]}"}"; do eval "$h"; done
    rm -rf "$TMP"
}
trap _finish EXIT

pass() { _n=$((_n + 1)); echo "ok $_n - $1"; }
skip() { _n=$((_n + 1)); echo "ok $_n - $1 # SKIP $2"; }
fail() {
    _n=$((_n + 1)); _failed=$((_failed + 1))
    echo "not ok $_n - $1"
    shift
    [ $# -gt 0 ] && printf '#   %s\n' "$@"
    return 0
}
ok_if() {
    local name=$1; shift
    if "$@"; then pass "$name"; else fail "$name" "command failed: $*"; fi
}
# expect_exit CODE NAME CMD... : runs CMD with stdout in $out, stderr in $err
expect_exit() {
    local want=$1 name=$2 rc; shift 2
    "$@" >"$TMP/out" 2>"$TMP/err"; rc=$?
    out=$(cat "$TMP/out"); err=$(cat "$TMP/err")
    if [ "$rc" = "$want" ]; then pass "$name (exit $rc)"
    else fail "$name" "expected exit $want, got $rc" "stdout: ${out:0:400}" "stderr: ${err:0:400}"; fi
}
contains() {
    case "$2" in *"$3"*) pass "$1" ;; *) fail "$1" "missing: $3" "in: ${2:0:600}" ;; esac
}
lacks() {
    case "$2" in *"$3"*) fail "$1" "unexpected: $3" "in: ${2:0:600}" ;; *) pass "$1" ;; esac
}
wait_until() {
    local deadline=$((SECONDS + $1)); shift
    until "$@"; do
        [ $SECONDS -ge $deadline ] && return 1
        sleep 0.05
    done
}
free_port() {
    local p i
    for i in $(seq 1 50); do
        p=$((20000 + RANDOM % 30000))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
            echo "$p"; return 0
        fi
    done
    return 1
}
done_testing() {
    echo "1..$_n"
    [ "$_failed" = 0 ]
}
