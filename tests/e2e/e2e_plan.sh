#!/usr/bin/env bash
# fuota plan: the planning preview end to end: figures (table and JSON),
# assumptions, planning errors and warnings, and every usage error.
. "$(dirname "$0")/lib.sh"
D="$FUOTA_ROOT/tests/data/plan"

# JSON with the whitespace squeezed out, so figures can be matched exactly.
squeeze() { printf '%s' "$1" | tr -d ' \t\n'; }
# json_has NAME JSON KV / json_lacks: KV as a whole member value, ended by
# ',' '}' or ']' ('"interval_ms":1000' must not match 10000).
json_has() {
    case "$2" in *"$3"[,}\]]*) pass "$1" ;; *) fail "$1" "missing: $3 (then , } or ])" "in: ${2:0:600}" ;; esac
}
json_lacks() {
    case "$2" in *"$3"[,}\]]*) fail "$1" "unexpected: $3" "in: ${2:0:600}" ;; *) pass "$1" ;; esac
}
json_lacks "json_has is anchored: 1000 is not 10000" '{"interval_ms":10000}' '"interval_ms":1000'

expect_exit 0 "--help" "$FUOTA" plan --help
contains "help shows the synopsis" "$out" "Usage: fuota plan FILE|- (--image PATH | --image-size N)"
contains "help shows exit statuses" "$out" "Exit status"

# AWS's example: 100 B image, 10 B fragments, 50 % -> 10 + 5 = 15.
expect_exit 0 "AWS example table" "$FUOTA" plan "$D/aws-example.json" --image-size 100
contains "table: region and default DR" "$out" "Plan: EU868, DR0 SF12/125 kHz (RX2 / Class C default)"
contains "table: M" "$out" "uncoded fragments (M)          10"
contains "table: R" "$out" "redundant fragments (R)        5"
contains "table: total" "$out" "total fragments                15"
contains "table: padding" "$out" "padding in last fragment       0 bytes"
contains "table: PHY payload" "$out" "PHY payload per fragment       26 bytes"
contains "table: time on air" "$out" "time on air per fragment       1482.752 ms"
contains "table: rounded interval" "$out" "fragment interval              1 s"
contains "table: duty-cycle slot" "$out" "slot per fragment              14.828 s (set by the duty cycle)"
contains "table: wall time" "$out" "session wall time              222.413 s (3 min 42 s)"
contains "table: duty budget" "$out" "10 % (869.525 MHz, sub-band P): 360 s of air per hour"
contains "table: decoder RAM" "$out" "decoder RAM                    40 bytes"
contains "table: TS004 guidance" "$out" "needed after a loss (TS004)    12 on average (M + 2), 17 for 99 % (M + 7)"
contains "warnings on stderr: duty cycle" "$err" "warning: FragmentIntervalMS: 1000 ms (sent as 1 s) breaks the 10 % duty cycle"
contains "warnings on stderr: interval below air time" "$err" "shorter than the 1482.752 ms one fragment takes on air"
lacks "no warnings on stdout" "$out" "warning:"

expect_exit 0 "AWS example --json" "$FUOTA" plan "$D/aws-example.json" --image-size 100 --json
j=$(squeeze "$out")
for kv in '"valid":true' '"region":"EU868"' '"data_rate":0' '"uncoded_fragments":10' \
          '"redundancy_fragments":5' '"total_fragments":15' '"padding_bytes":0' \
          '"phy_payload_bytes":26' '"time_on_air_ms":1482.752' \
          '"total_time_on_air_ms":22241.28' '"interval_ms":1000' '"slot_ms":14827.52' \
          '"session_wall_time_s":222.413' '"duty_cycle_percent":10' \
          '"duty_cycle_sub_band":"P"' '"duty_cycle_limited":true' \
          '"decoder_ram_bytes":40' '"image_storage_bytes":100' \
          '"needed_fragments_99_percent":17' '"expected_loss_percent":null' \
          '"rule":"duty-cycle"'; do
    json_has "json: $kv" "$j" "$kv"
done

# The image from a file (only its size counts), and from stdin.
head -c 100 /dev/zero >"$TMP/image.bin"
expect_exit 0 "--image FILE" "$FUOTA" plan "$D/aws-example.json" --image "$TMP/image.bin" --json
contains "--image: size from the file" "$(squeeze "$out")" '"image_bytes":100,'
expect_exit 0 "--image - (stdin)" sh -c "head -c 1001 /dev/zero | \"$FUOTA\" plan \"$D/aws-example.json\" --image - --json"
j=$(squeeze "$out")
contains "--image -: size counted" "$j" '"image_bytes":1001,'
contains "--image -: padding" "$j" '"padding_bytes":9,'
contains "--image -: R rounded up" "$j" '"redundancy_fragments":51,'
expect_exit 0 "request on stdin" sh -c "\"$FUOTA\" plan - --image-size 100 <\"$D/aws-example.json\""
contains "request on stdin: planned" "$out" "total fragments                15"

# Options: --dr and --opt=value.
expect_exit 0 "--dr 5" "$FUOTA" plan "$D/aws-example.json" --image-size 100 --dr=5
contains "--dr: other data rate" "$out" "Plan: EU868, DR5 SF7/125 kHz"
lacks "--dr: not the default" "$(printf '%s\n' "$out" | head -n 1)" "default"

# FSK (EU868 DR7): 8 * (11 + 255) bits at 50 kbps; a frame above 255
# bytes has no time on air (null in JSON, n/a in the table).
expect_exit 0 "FSK data rate" "$FUOTA" plan "$D/minimal.json" --image-size 1000 --dr 7 --json
j=$(squeeze "$out")
contains "FSK: modulation" "$j" '"modulation":"FSK"'
contains "FSK: 239-byte fragments assumed" "$j" '"fragment_size_bytes":239,'
contains "FSK: time on air" "$j" '"time_on_air_ms":42.56,'
sed 's/"FragmentSizeBytes": 49/"FragmentSizeBytes": 240/' "$D/too-large.json" >"$TMP/240.json"
expect_exit 1 "240 B at DR5: no time on air" "$FUOTA" plan "$TMP/240.json" --image-size 1000 --dr 5 --json
j=$(squeeze "$out")
contains "240 B: time on air null" "$j" '"time_on_air_ms":null,'
contains "240 B: wall time null" "$j" '"session_wall_time_s":null,'
expect_exit 1 "240 B at DR5: table" "$FUOTA" plan "$TMP/240.json" --image-size 1000 --dr 5
contains "240 B: n/a in the table" "$out" "n/a (frame above 255 bytes)"

# Assumptions when members are absent.
expect_exit 0 "minimal request" "$FUOTA" plan "$D/minimal.json" --image-size 1000
contains "assumed fragment size in the table" "$out" "48 bytes (assumed: the most DR0 carries)"
contains "assumed redundancy in the table" "$out" "0 % (assumed)"
contains "assumed interval in the table" "$out" "not set (assumed back to back)"
contains "assumed fragment size warned" "$err" "warning: FragmentSizeBytes: not set: the plan assumes 48 bytes"
contains "assumed redundancy warned" "$err" "warning: RedundancyPercent: not set: the plan assumes 0 %"
contains "assumed interval noted" "$err" "note: FragmentIntervalMS: not set"
expect_exit 0 "minimal request --json" "$FUOTA" plan "$D/minimal.json" --image-size 1000 --json
j=$(squeeze "$out")
json_has "json: assumed size" "$j" '"member":"FragmentSizeBytes","value":48'
json_has "json: assumed interval" "$j" '"member":"FragmentIntervalMS","value":null'
contains "json: M from the assumed size" "$j" '"uncoded_fragments":21,'

# Redundancy against an expected loss: M 105, R 23 (21 % of 105 rounded
# up), 128 sent; at 12.5 % a device gets exactly 112 = M + 7.
expect_exit 0 "loss 12.5 % meets M + 7" "$FUOTA" plan "$D/us915.json" --image-size 1050 --expected-loss 12.5
lacks "loss 12.5 %: no redundancy warning" "$err" "RedundancyPercent: at"
contains "loss 12.5 %: in the table" "$out" "about 112.0 of 128 arrive"
expect_exit 0 "loss 12.6 % misses M + 7 (a warning)" "$FUOTA" plan "$D/us915.json" --image-size 1050 --expected-loss 12.6
contains "loss 12.6 %: redundancy warning" "$err" "warning: RedundancyPercent: at 12.6 % expected loss"
contains "loss 12.6 %: advice" "$err" "raise RedundancyPercent to at least 22"
lacks "US915 has no duty cycle warning" "$err" "duty cycle"

# Plans that cannot work, and invalid requests: exit 1.
expect_exit 1 "fragment larger than the DR carries" "$FUOTA" plan "$D/too-large.json" --image-size 1000
contains "too large: error names the limit" "$err" "error: FragmentSizeBytes: 49 bytes do not fit a downlink at EU868 DR0"
contains "too large: figures still shown" "$out" "total fragments"
expect_exit 0 "the same fits at DR5" "$FUOTA" plan "$D/too-large.json" --image-size 1000 --dr 5
expect_exit 1 "more than 16383 fragments" "$FUOTA" plan "$D/aws-example.json" --image-size 109230
contains "too many fragments" "$err" "exceed the 16383 a TS004 session can number"
expect_exit 0 "16380 fragments are fine" "$FUOTA" plan "$D/aws-example.json" --image-size 109200
expect_exit 1 "no region" "$FUOTA" plan "$D/no-region.json" --image-size 1000
contains "no region: error" "$err" "error: LoRaWAN.RfRegion: the plan needs the RF region"
contains "no region: cannot plan" "$err" "cannot plan"
expect_exit 1 "no region --json" "$FUOTA" plan "$D/no-region.json" --image-size 1000 --json
j=$(squeeze "$out")
json_has "no region json: plan null" "$j" '"plan":null'
json_has "no region json: valid false" "$j" '"valid":false'
expect_exit 1 "unknown region" "$FUOTA" plan "$D/unknown-region.json" --image-size 1000
contains "unknown region: validation error" "$err" "'EU869' is not a supported region"
expect_exit 1 "RedundancyPercent 101" "$FUOTA" plan "$D/invalid.json" --image-size 1000
contains "invalid: validation error" "$err" "error: RedundancyPercent: 101 is above the maximum 100"
expect_exit 1 "required member missing: figures, exit 1" "$FUOTA" plan "$D/missing-role.json" --image-size 1000
contains "missing role: validation error" "$err" "error: FirmwareUpdateRole"
contains "missing role: plan still shown" "$out" "total fragments"
printf '{"FirmwareUpdateImage": ' >"$TMP/broken.json"
expect_exit 1 "request not JSON" "$FUOTA" plan "$TMP/broken.json" --image-size 1000
contains "not JSON: cannot plan" "$err" "cannot plan: the request could not be read"

# Usage errors: exit 2.
expect_exit 2 "neither --image nor --image-size" "$FUOTA" plan "$D/aws-example.json"
contains "neither: message" "$err" "give exactly one of --image PATH and --image-size N"
expect_exit 2 "both --image and --image-size" "$FUOTA" plan "$D/aws-example.json" --image "$TMP/image.bin" --image-size 5
expect_exit 2 "missing FILE" "$FUOTA" plan --image-size 5
expect_exit 2 "two FILEs" "$FUOTA" plan "$D/aws-example.json" "$D/minimal.json" --image-size 5
expect_exit 2 "unknown option" "$FUOTA" plan "$D/aws-example.json" --image-size 5 --fast
expect_exit 2 "--image-size 0" "$FUOTA" plan "$D/aws-example.json" --image-size 0
expect_exit 2 "--image-size not a number" "$FUOTA" plan "$D/aws-example.json" --image-size 12k
expect_exit 2 "--image-size above 1 GiB" "$FUOTA" plan "$D/aws-example.json" --image-size 1073741825
expect_exit 1 "--image-size 1 GiB is accepted (then too many fragments)" "$FUOTA" plan "$D/aws-example.json" --image-size 1073741824
contains "1 GiB: planned" "$err" "exceed the 16383"
expect_exit 2 "--image-size without a value" "$FUOTA" plan "$D/aws-example.json" --image-size
expect_exit 2 "--image-size twice" "$FUOTA" plan "$D/aws-example.json" --image-size 5 --image-size 6
expect_exit 2 "--dr not a number" "$FUOTA" plan "$D/aws-example.json" --image-size 5 --dr x
expect_exit 2 "--dr 16" "$FUOTA" plan "$D/aws-example.json" --image-size 5 --dr 16
expect_exit 2 "--dr the region lacks" "$FUOTA" plan "$D/aws-example.json" --image-size 5 --dr 12
contains "--dr lacks: lists the DRs" "$err" "EU868 has no DR12; downlink data rates: 0, 1, 2, 3, 4, 5, 6, 7"
expect_exit 2 "--dr LR-FHSS (uplink only)" "$FUOTA" plan "$D/aws-example.json" --image-size 5 --dr 8
contains "--dr LR-FHSS: says why" "$err" "DR8 cannot carry fragments downlink (LR-FHSS, uplink only)"
expect_exit 2 "--dr uplink-only US915 DR0" "$FUOTA" plan "$D/us915.json" --image-size 5 --dr 0
expect_exit 2 "--expected-loss above 100" "$FUOTA" plan "$D/aws-example.json" --image-size 5 --expected-loss 100.5
expect_exit 2 "--expected-loss negative" "$FUOTA" plan "$D/aws-example.json" --image-size 5 --expected-loss -1
expect_exit 2 "--expected-loss nan" "$FUOTA" plan "$D/aws-example.json" --image-size 5 --expected-loss nan
expect_exit 0 "--expected-loss 100 is allowed" "$FUOTA" plan "$D/aws-example.json" --image-size 5 --expected-loss 100
expect_exit 2 "unreadable request" "$FUOTA" plan "$TMP/nope.json" --image-size 5
contains "unreadable: names the file" "$err" "nope.json: No such file or directory"
lacks "unreadable: nothing planned" "$err" "cannot plan"
# A request document of 1 MiB is read; one byte more is an input error
# (exit 2, as for validate and simulate), read no further than the limit.
pad_to() { # file, size: the request padded with spaces to size bytes
    cp "$D/aws-example.json" "$1"
    head -c $(($2 - $(wc -c <"$D/aws-example.json"))) /dev/zero | tr '\0' ' ' >>"$1"
}
pad_to "$TMP/1mib.json" 1048576
expect_exit 0 "a 1 MiB request is planned" "$FUOTA" plan "$TMP/1mib.json" --image-size 100
pad_to "$TMP/1mib1.json" 1048577
expect_exit 2 "a request of 1 MiB + 1 byte" "$FUOTA" plan "$TMP/1mib1.json" --image-size 100
contains "1 MiB + 1: the limit is named" "$err" "1mib1.json: too large: more than 1048576 bytes, the most a request may be"
lacks "1 MiB + 1: no false size" "$err" "1048577"
lacks "1 MiB + 1: nothing planned" "$err" "cannot plan"
ok_if "1 MiB + 1: nothing on stdout" test -z "$out"
expect_exit 2 "endless request on stdin (/dev/zero)" "$FUOTA" plan - --image-size 100 </dev/zero
contains "endless stdin: the limit is named" "$err" "<stdin>: too large: more than 1048576 bytes"
expect_exit 2 "request is a directory" "$FUOTA" plan "$TMP" --image-size 100
contains "request is a directory: errno text" "$err" "Is a directory"
lacks "request is a directory: no bare 'read error'" "$err" "read error"
expect_exit 2 "unreadable image" "$FUOTA" plan "$D/aws-example.json" --image "$TMP/nope.bin"
: >"$TMP/empty.bin"
expect_exit 2 "empty image" "$FUOTA" plan "$D/aws-example.json" --image "$TMP/empty.bin"
contains "empty image: message" "$err" "the image is empty"
expect_exit 2 "image is a directory" "$FUOTA" plan "$D/aws-example.json" --image "$TMP"
contains "image is a directory: errno text" "$err" "Is a directory"
expect_exit 2 "request and image both stdin" "$FUOTA" plan - --image -

# The option parser (getopt_long, full names only): every form and slip.
in_tmp() { (cd "$TMP" && "$@"); }
cp "$D/aws-example.json" "$TMP/-x"
expect_exit 0 "options before FILE, --opt=value" "$FUOTA" plan --image-size=100 --dr=5 "$D/aws-example.json"
contains "options before FILE: the DR is used" "$out" "DR5"
expect_exit 0 "-h" "$FUOTA" plan -h
contains "-h shows the usage" "$out" "Usage: fuota plan"
expect_exit 0 "POSIXLY_CORRECT: options after FILE still count" env POSIXLY_CORRECT=1 "$FUOTA" plan "$D/aws-example.json" --image-size 100
expect_exit 0 "-- before a file named -x" in_tmp "$FUOTA" plan --image-size 100 -- -x
expect_exit 2 "a file named -x without --" in_tmp "$FUOTA" plan --image-size 100 -x
contains "-x without --: an unknown option" "$err" "unknown option '-x'"
expect_exit 2 "--image-size= (empty)" "$FUOTA" plan "$D/aws-example.json" --image-size=
contains "--image-size=: message" "$err" "--image-size needs a value"
expect_exit 2 "--image= (empty)" "$FUOTA" plan "$D/aws-example.json" --image=
contains "--image=: message" "$err" "--image needs a value"
expect_exit 2 "--image '' (empty)" "$FUOTA" plan "$D/aws-example.json" --image ""
contains "--image '': message" "$err" "--image needs a value"
expect_exit 2 "--dr at the end" "$FUOTA" plan "$D/aws-example.json" --image-size 5 --dr
contains "--dr at the end: message" "$err" "--dr needs a value"
contains "--dr at the end: points at help" "$err" "Try 'fuota plan --help'."
contains "--image-size without a value: message" "$("$FUOTA" plan "$D/aws-example.json" --image-size 2>&1)" "--image-size needs a value"
expect_exit 2 "--image twice" "$FUOTA" plan "$D/aws-example.json" --image a --image=b
contains "--image twice: message" "$err" "'--image' is given twice"
"$FUOTA" plan "$D/aws-example.json" --image-size 5 --image-size 6 2>"$TMP/err2"
contains "--image-size twice: message" "$(cat "$TMP/err2")" "'--image-size' is given twice"
expect_exit 2 "--dr twice" "$FUOTA" plan "$D/aws-example.json" --image-size 5 --dr 5 --dr 5
contains "--dr twice: message" "$err" "'--dr' is given twice"
expect_exit 0 "--json twice is harmless" "$FUOTA" plan "$D/aws-example.json" --image-size 5 --json --json
contains "unknown option: message" "$("$FUOTA" plan "$D/aws-example.json" --image-size 5 --fast 2>&1)" "unknown option '--fast'"
expect_exit 2 "abbreviation --imag" "$FUOTA" plan "$D/aws-example.json" --imag 5
contains "abbreviation: an unknown option" "$err" "unknown option '--imag'"
expect_exit 2 "abbreviation --image-s" "$FUOTA" plan "$D/aws-example.json" --image-s=5
contains "abbreviation --image-s: an unknown option" "$err" "unknown option '--image-s=5'"
expect_exit 2 "--json=yes" "$FUOTA" plan "$D/aws-example.json" --image-size 5 --json=yes
contains "--json=yes: message" "$err" "--json takes no value"
expect_exit 2 "two FILEs: message" "$FUOTA" plan "$D/aws-example.json" --image-size 5 "$D/minimal.json"
contains "two FILEs: names the extra one" "$err" "one FILE only ('$D/minimal.json' is extra)"
expect_exit 2 "an error before --help wins" "$FUOTA" plan --dr x --help
contains "error before --help: message" "$err" "--dr: 'x' is not a whole number"

done_testing
