#!/usr/bin/env bash
# The field limits in fuota plan and fuota validate: the Class C session
# timeout (the smallest power of two, or the warning with what fits), AWS's
# 1 MB image, the 48-hour window, and --start-time against now.
source "$(dirname "$0")/lib.sh"

req() { # FILE SIZE REDUNDANCY INTERVAL
    printf '{"FirmwareUpdateImage":"s3://fuota-images/fw.bin","FirmwareUpdateRole":"arn:aws:iam::123456789012:role/FuotaS3Access","LoRaWAN":{"RfRegion":"EU868"},"FragmentSizeBytes":%s,"RedundancyPercent":%s,"FragmentIntervalMS":%s}\n' \
        "$2" "$3" "$4" >"$1"
}
flat() { tr -d ' \t\n' <<<"$1"; }
at() { date -u -d "@$(($(date +%s) + $1))" +%Y-%m-%dT%H:%M:%SZ; }

# The issue's example: 100,000 bytes, 48-byte fragments, 20 %, 30 s.
req "$TMP/long.json" 48 20 30000
expect_exit 0 "plan: a session longer than 2^15 s is a warning" \
    "$FUOTA" plan "$TMP/long.json" --image-size 100000
contains "table: no timeout fits" "$out" "session timeout (Class C)      none fits: above 2^15 s; fragment 1093 of 2501 is the last heard"
contains "warning: 20 h 51 min" "$err" "warning: the session lasts 20 h 51 min, longer than a Class C multicast session can (TS005 McClassCSessionReq: 4-bit TimeOut, at most 2^15 s = 9 h 6 min)"
contains "note: what fits" "$err" "note: the session fits at a faster data rate, DR3 (SF9/125 kHz) with 112-byte fragments: 1072 fragments in 8 h 56 min"
expect_exit 0 "plan --json" "$FUOTA" plan "$TMP/long.json" --image-size 100000 --json
j=$(flat "$out")
contains "JSON: does not fit" "$j" '"session_timeout_exp":null,"session_timeout_s":null,"session_fits_timeout":false,"fragments_within_timeout":1093,'
contains "JSON: the fix" "$j" '"session_fixes":[{"change":"data-rate","data_rate":3,"fragment_size_bytes":112,"redundancy_percent":20,"interval_ms":30000,"total_fragments":1072,"session_wall_time_s":32160,"session_timeout_s":32768}]'
contains "JSON: the warning's rule" "$j" '"rule":"session-timeout"'

# A short session: the smallest power of two that covers it.
req "$TMP/short.json" 10 50 1000
expect_exit 0 "plan: a short session" "$FUOTA" plan "$TMP/short.json" --image-size 100
contains "table: 2^8 s" "$out" "session timeout (Class C)      2^8 s = 256 s (TS005 TimeOut 8; AWS SessionTimeout 256)"
lacks "no timeout warning" "$err" "session-timeout"
expect_exit 0 "plan --json: a short session" "$FUOTA" plan "$TMP/short.json" --image-size 100 --json
contains "JSON: TimeOut 8" "$(flat "$out")" '"session_timeout_exp":8,"session_timeout_s":256,"session_fits_timeout":true,"fragments_within_timeout":15,'
# 2^15 s exactly fits; one fragment more does not (32 s apart, 48 bytes).
req "$TMP/edge.json" 48 0 32000
expect_exit 0 "plan: 32768 s fits" "$FUOTA" plan "$TMP/edge.json" --image-size 49152
contains "2^15 fits" "$out" "2^15 s = 32768 s"
expect_exit 0 "plan: 32800 s does not" "$FUOTA" plan "$TMP/edge.json" --image-size 49153
contains "2^15 exceeded" "$err" "fragment 1024 of 1025"

# AWS's 1 MB: 1,000,000 bytes pass, one more byte warns (DR5, 219 bytes).
req "$TMP/big.json" 219 0 5000
expect_exit 0 "plan: 1,000,000 bytes" "$FUOTA" plan "$TMP/big.json" --image-size 1000000 --dr 5
lacks "1,000,000 bytes: no image warning" "$err" "image-size"
lacks "1,000,000 bytes: no 1 MB warning" "$err" "above the 1 MB"
expect_exit 0 "plan: 1,000,001 bytes" "$FUOTA" plan "$TMP/big.json" --image-size 1000001 --dr 5
contains "1,000,001 bytes: warned with the megabyte used" "$err" "warning: FirmwareUpdateImage: the image is 1000001 bytes, above the 1 MB (1,000,000 bytes) AWS accepts"
expect_exit 0 "plan --json: image flag" "$FUOTA" plan "$TMP/big.json" --image-size 1000001 --dr 5 --json
contains "JSON: image above the limit" "$(flat "$out")" '"aws_image_max_bytes":1000000,"image_above_aws_limit":true,'

# The 48-hour window: 1728 fragments 100 s apart fit, 1729 do not.
req "$TMP/slow.json" 48 0 100000
expect_exit 0 "plan: 48 h exactly" "$FUOTA" plan "$TMP/slow.json" --image-size 82944
lacks "48 h: no window warning" "$err" "48-hour"
expect_exit 0 "plan: 48 h and 100 s" "$FUOTA" plan "$TMP/slow.json" --image-size 82945
contains "window warning" "$err" "warning: the session lasts 48 h 2 min, longer than the 48-hour window AWS gives a multicast session"

# --start-time: at least 30 minutes from now, within 48 hours.
expect_exit 0 "plan: start in 10 min" "$FUOTA" plan "$TMP/short.json" --image-size 100 --start-time "$(at 600)"
contains "too soon warned" "$err" "warning: LoRaWAN.StartTime: "
contains "too soon: the rule" "$err" "a multicast session starts at least 30 minutes after it is scheduled"
contains "too soon in the table" "$out" "(less than 30 minutes from now)"
expect_exit 0 "plan: start in 1 h" "$FUOTA" plan "$TMP/short.json" --image-size 100 --start-time "$(at 3600)"
lacks "1 h: no start warning" "$err" "StartTime"
contains "1 h: in the window, with the end" "$out" "(within the scheduling window), ends about "
expect_exit 0 "plan: start in 3 days" "$FUOTA" plan "$TMP/short.json" --image-size 100 --start-time "$(at 259200)"
contains "too late warned" "$err" "a multicast session is scheduled within 48 hours"
expect_exit 0 "plan --json: schedule" "$FUOTA" plan "$TMP/short.json" --image-size 100 --start-time "$(at 259200)" --json
contains "JSON: schedule" "$(flat "$out")" '"start_ok":false,'
for bad in tomorrow 2026-13-01T00:00:00Z "" 2026-05-01; do
    expect_exit 2 "plan --start-time '$bad' refused" "$FUOTA" plan "$TMP/short.json" --image-size 100 --start-time "$bad"
    contains "plan --start-time '$bad' named" "$err" "--start-time"
done

# validate: the same limits when given the image size and the start.
expect_exit 0 "validate --image-size: a warning, still valid" "$FUOTA" validate "$TMP/long.json" --image-size 100000
contains "validate: session-timeout" "$err" "warning: the session lasts 20 h 51 min"
contains "validate: the fix" "$err" "note: the session fits at a faster data rate, DR3"
contains "validate: valid" "$out" "valid CreateFuotaTask request (1 warning)"
expect_exit 0 "validate --image-size --dr 3" "$FUOTA" validate "$TMP/long.json" --image-size 100000 --dr 3
lacks "at DR3 48-byte fragments still do not fit" "$err" "DR3 (SF9"
contains "at DR3 bigger fragments fit" "$err" "with bigger fragments"
expect_exit 0 "validate: 2 MB image" "$FUOTA" validate "$TMP/big.json" --image-size 2000000
contains "validate: image warning" "$err" "above the 1 MB (1,000,000 bytes)"
expect_exit 0 "validate --json" "$FUOTA" validate "$TMP/long.json" --image-size 100000 --json
contains "validate JSON: the warning" "$(flat "$out")" '"rule":"session-timeout"'
expect_exit 0 "validate --start-time too soon" "$FUOTA" validate "$TMP/short.json" --start-time "$(at 60)"
contains "validate: start warned" "$err" "LoRaWAN.StartTime"
expect_exit 0 "validate --start-time in 1 h" "$FUOTA" validate "$TMP/short.json" --start-time "$(at 3600)"
lacks "validate: 1 h fine" "$err" "StartTime"
expect_exit 0 "validate without --image-size: no limit checks" "$FUOTA" validate "$TMP/long.json"
lacks "validate: nothing about the session" "$err" "session lasts"
expect_exit 2 "validate --dr without --image-size" "$FUOTA" validate "$TMP/long.json" --dr 3
contains "--dr needs --image-size" "$err" "--dr needs --image-size"
expect_exit 2 "validate --image-size 0" "$FUOTA" validate "$TMP/long.json" --image-size 0
expect_exit 2 "validate --start-time x" "$FUOTA" validate "$TMP/long.json" --start-time x
contains "validate --start-time named" "$err" "--start-time: 'x' is not an ISO-8601 time"
done_testing
