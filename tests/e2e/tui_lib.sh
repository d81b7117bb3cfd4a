# Helpers for the console tests (sourced after lib.sh): the console runs in
# a private tmux server, keys go in with send-keys, the screen comes back
# with capture-pane, and every wait polls until a deadline (no fixed
# sleeps).
#   tui_start COLS ROWS ARGS...   start `fuota ARGS` in a fresh session,
#                                 with HOME and the XDG folders in $TMP
#   tui_keys KEYS...              tmux send-keys (names like Tab, F9, C-t)
#   tui_type TEXT                 send TEXT literally
#   tui_screen                    the screen now (also in $screen)
#   tui_wait NAME TEXT [SECONDS]  pass when TEXT shows, else fail with the
#                                 screen
#   tui_gone NAME TEXT [SECONDS]  pass when TEXT is no longer shown
#   tui_exit_status [SECONDS]     wait for the console to end; sets $tui_rc
#   tui_pid                       the console's process id
#   tui_stop                      end the session (kill-server)
TUI_SOCK="fuota-e2e-$$"
TUI_HOME="$TMP/home"
mkdir -p "$TUI_HOME"
export LANG=C.UTF-8 LC_ALL=C.UTF-8
# Every fuota these tests start, in tmux or not, keeps its files in $TMP.
export HOME="$TUI_HOME" XDG_DATA_HOME="$TUI_HOME/data" \
    XDG_STATE_HOME="$TUI_HOME/state" XDG_CONFIG_HOME="$TUI_HOME/config"

_tmux() { tmux -L "$TUI_SOCK" "$@"; }

tui_start() {
    local cols=$1 rows=$2
    shift 2
    _tmux kill-server 2>/dev/null
    rm -f "$TMP/tui.rc" "$TMP/tui.err"
    local args="" a
    for a in "$@"; do args="$args $(printf '%q' "$a")"; done
    _tmux -f /dev/null new-session -d -s fuota -x "$cols" -y "$rows" \
        "env HOME=$TUI_HOME XDG_DATA_HOME=$TUI_HOME/data \
XDG_STATE_HOME=$TUI_HOME/state XDG_CONFIG_HOME=$TUI_HOME/config \
${TUI_ENV:-} $(printf '%q' "$FUOTA")$args 2>$TMP/tui.err; \
echo \$? >$TMP/tui.rc; sleep 600"
    on_exit "tmux -L $TUI_SOCK kill-server 2>/dev/null"
    # tmux's own size follows the session once a client is gone.
    _tmux set-option -g window-size manual 2>/dev/null
    _tmux resize-window -t fuota -x "$cols" -y "$rows" 2>/dev/null
}

tui_keys() { _tmux send-keys -t fuota "$@"; }
tui_type() { _tmux send-keys -t fuota -l -- "$1"; }
tui_screen() {
    screen=$(_tmux capture-pane -p -t fuota 2>/dev/null)
    printf '%s\n' "$screen"
}
_tui_has() {
    screen=$(_tmux capture-pane -p -t fuota 2>/dev/null)
    case "$screen" in *"$1"*) return 0 ;; esac
    return 1
}
_tui_lacks() { ! _tui_has "$1"; }

tui_wait() {
    local name=$1 text=$2 secs=${3:-15}
    if wait_until "$secs" _tui_has "$text"; then
        pass "$name"
    else
        fail "$name" "not on screen: $text" "screen:" "$screen" \
            "stderr: $(head -c 400 "$TMP/tui.err" 2>/dev/null)"
    fi
}

tui_gone() {
    local name=$1 text=$2 secs=${3:-15}
    if wait_until "$secs" _tui_lacks "$text"; then
        pass "$name"
    else
        fail "$name" "still on screen: $text" "screen:" "$screen"
    fi
}

tui_exit_status() {
    tui_rc=""
    if wait_until "${1:-15}" test -s "$TMP/tui.rc"; then
        tui_rc=$(cat "$TMP/tui.rc")
    fi
}

# The console's process id (the pane's shell execs env, env execs fuota).
tui_pid() {
    local pane
    pane=$(_tmux list-panes -t fuota -F '#{pane_pid}' 2>/dev/null | head -1)
    [ -n "$pane" ] && pgrep -P "$pane" | head -1
}

tui_stop() { _tmux kill-server 2>/dev/null; }
