#!/usr/bin/env bash
# The console's playback view (issue 10): frames per second at 10,000
# devices and M = 2000, F5 to the first frame, the console's peak memory.
# Usage: tests/bench/playback.bench.sh BUILD   (prints a Markdown section)
set -eu
build=${1:?usage: playback.bench.sh BUILD}
bench=$build/bench/bench_playback
fuota=${FUOTA:-$build/fuota}
tmp=$(mktemp -d)
sock="fuota-bench-$$"
trap 'tmux -L "$sock" kill-server 2>/dev/null; rm -rf "$tmp"' EXIT

echo "## Console playback (tui/playback, F5)"
echo
echo "Workload: 10,000 devices, EU868 DR0, 96,000-byte image in 48-byte"
echo "fragments (M = 2000, R = 400 at 20 % redundancy), 10 % i.i.d. loss,"
echo "rank decoding (the settings panel's default), the Class C limit off"
echo "(the 18.6 h session plays whole; with it on, every device would leave"
echo "at fragment 1173 and none would decode). \`bench_playback\` drives"
echo "the screens in-process as the console's loop does (handle, every"
echo "screen's tick, draw, one doupdate) on a curses screen writing to"
echo "/dev/null. A frame is one such turn; \"stepping\" draws every position"
echo "0..2400 once (one fragment a frame), with and without the device zoom"
echo "(which replays that device's losses and decoder each frame);"
echo "\"free-running\" plays at 1024 fragments a second with no frame cap."
echo "The console itself caps the loop at about 30 frames a second (33 ms"
echo "timeout) while it plays. Enter to ready is fleet_run (all cores; in"
echo "brackets) plus the replay of the losses that gives every position's"
echo "counters; meanwhile the view draws position 0 with a spinner and takes"
echo "keys. Peak RSS is the bench process's (getrusage): the console's"
echo "screens plus the fleet engine."
echo
echo "| terminal | layout | devices | M | F5 to settings frame ms | Enter to first live frame ms | Enter to fleet ready ms (of it fleet_run) | frame ms median | frame ms p99 | frames/s stepping | frame ms with zoom | frames/s with zoom | frames/s free-running | RSS before F5 MiB | peak RSS MiB |"
echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
"$bench" --cols 120 --lines 40 2>"$tmp/bars.err"
"$bench" --cols 220 --lines 60 2>"$tmp/grid.err"
echo
echo "Targets: >= 30 frames a second at 10,000 devices and M = 2000; F5 to"
echo "the first frame <= 100 ms. Commands:"
echo
echo '```'
echo "$bench --cols 120 --lines 40"
echo "$bench --cols 220 --lines 60"
echo '```'
echo

# The real console, end to end in tmux: peak RSS of the whole process
# through F5, 10,000 devices played to the end and the report.
if ! command -v tmux >/dev/null 2>&1 || [ ! -x /usr/bin/time ]; then
    echo "The console end to end: not measured (needs tmux and /usr/bin/time)."
    exit 0
fi
cat >"$tmp/task.json" <<'EOF'
{"Name":"bench","FirmwareUpdateImage":"s3://fuota-bench/fw.bin",
 "FirmwareUpdateRole":"arn:aws:iam::123456789012:role/fuota",
 "FragmentSizeBytes":48,"RedundancyPercent":20,"FragmentIntervalMS":1000,
 "LoRaWAN":{"RfRegion":"EU868"}}
EOF
head -c 96000 /dev/zero >"$tmp/fw.bin"
mkdir -p "$tmp/home"
tmux -L "$sock" -f /dev/null new-session -d -s b -x 120 -y 40 \
    "env HOME=$tmp/home XDG_DATA_HOME=$tmp/home/d XDG_STATE_HOME=$tmp/home/s \
XDG_CONFIG_HOME=$tmp/home/c LANG=C.UTF-8 LC_ALL=C.UTF-8 /usr/bin/time -f %M \
-o $tmp/rss $fuota open $tmp/task.json --image $tmp/fw.bin 2>$tmp/tui.err; \
echo done >$tmp/done; sleep 120"
# Polls the screen for TEXT for up to SECONDS.
wait_for() {
    local deadline=$((SECONDS + $2))
    until tmux -L "$sock" capture-pane -p -t b 2>/dev/null | grep -qF "$1"; do
        if [ $SECONDS -ge $deadline ]; then
            echo "bench: the console never showed '$1'" >&2
            return 1
        fi
        sleep 0.1
    done
}
keys() { tmux -L "$sock" send-keys -t b "$@"; }
rss="n/a"
if wait_for "fuota · wizard" 20; then
    keys F5
    wait_for "Playback settings" 20
    keys C-u
    keys -l 10000
    keys Tab Tab C-u
    keys -l 10
    # Class C limit off (seven fields on): the whole session plays, as in
    # bench_playback above.
    keys Tab Tab Tab Tab Tab Tab Tab Left
    wait_for "off (devices listen to the end)" 20
    keys Enter
    wait_for "10000 devices" 20
    keys End
    wait_for "Completed" 300
    keys Escape
    wait_for "■ end" 20
    keys q
    deadline=$((SECONDS + 30))
    until [ -s "$tmp/done" ] || [ $SECONDS -ge $deadline ]; do sleep 0.1; done
    [ -s "$tmp/rss" ] && rss=$(awk '{printf "%.1f", $1 / 1024}' "$tmp/rss")
fi
echo "The console end to end (\`fuota open task.json --image fw.bin\` in"
echo "tmux at 120x40: F5, 10,000 devices at 10 % loss, Class C limit off, End,"
echo "the report, q):"
echo "peak RSS $rss MiB (/usr/bin/time). The budget: the console's 20 MB"
echo "plus what the fleet engine needs (the fleet section above: about"
echo "3 MiB for 10,000 devices in rank mode)."
