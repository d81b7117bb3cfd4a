#!/usr/bin/env bash
# fuota validate and fuota skeleton: every exit status, every malformed-file
# case through the CLI, stdin, --json, --quiet.
. "$(dirname "$0")/lib.sh"
REQ=$FUOTA_ROOT/tests/data/requests

# ---- usage (exit 2) -------------------------------------------------------
expect_exit 0 "validate --help" "$FUOTA" validate --help
contains "help shows usage" "$out" "Usage: fuota validate"
contains "help names the exit statuses" "$out" "Exit status"
expect_exit 2 "validate without FILE" "$FUOTA" validate
contains "missing FILE is said" "$err" "missing FILE"
expect_exit 2 "unknown option" "$FUOTA" validate --frobnicate "$REQ/valid-full.json"
contains "unknown option is named" "$err" "unknown option '--frobnicate'"
contains "unknown option points at help" "$err" "fuota validate --help"
expect_exit 2 "two files" "$FUOTA" validate "$REQ/valid-full.json" "$REQ/valid-minimal.json"
contains "extra file is named" "$err" "is extra"
expect_exit 2 "missing file" "$FUOTA" validate "$TMP/nope.json"
contains "missing file names path and reason" "$err" "nope.json: No such file or directory"
expect_exit 2 "a directory" "$FUOTA" validate "$TMP"
contains "directory is a read error" "$err" "Is a directory"
if [ "$(id -u)" = 0 ]; then
    skip "unreadable file" "running as root: permissions do not apply"
else
    cp "$REQ/valid-full.json" "$TMP/locked.json"; chmod 000 "$TMP/locked.json"
    expect_exit 2 "unreadable file" "$FUOTA" validate "$TMP/locked.json"
    contains "permission is said" "$err" "Permission denied"
fi

# ---- valid (exit 0) -------------------------------------------------------
expect_exit 0 "full request" "$FUOTA" validate "$REQ/valid-full.json"
contains "valid is said on stdout" "$out" "valid-full.json: valid CreateFuotaTask request (0 warnings)"
ok_if "nothing on stderr when clean" test -z "$err"
expect_exit 0 "minimal request" "$FUOTA" validate "$REQ/valid-minimal.json"
expect_exit 0 "warnings only" "$FUOTA" validate "$REQ/valid-with-warnings.json"
contains "S3 URI warning" "$err" "warning: FirmwareUpdateImage: 'https://"
contains "role ARN warning" "$err" "warning: FirmwareUpdateRole: 'arn:aws:iam::123456789012:user/alice' names no role"
contains "console name warning" "$err" "warning: Name: character ' ' at position 6"
contains "no redundancy warning" "$err" "warning: RedundancyPercent: 0 sends no redundant fragments"
contains "interval rounding warning" "$err" "1500 ms is sent as 2 s"
contains "warning count" "$out" "(6 warnings)"
expect_exit 0 "stdin -" "$FUOTA" validate - <"$REQ/valid-full.json"
contains "stdin is named" "$out" "<stdin>: valid"
expect_exit 0 "-- ends the options" "$FUOTA" validate -- "$REQ/valid-minimal.json"

# ---- invalid (exit 1): every rule, every line ------------------------------
expect_exit 1 "rule violations" "$FUOTA" validate "$REQ/invalid-rules.json"
for line in \
    "error: Tags[3].Key: length 0 is below the minimum 1" \
    "error: FirmwareUpdateImage: length 0 is below the minimum 1" \
    "error: FirmwareUpdateRole: required member is missing" \
    "error: ClientRequestToken: character ' ' at position 4 is not allowed" \
    "error: Descriptor: length 7 is not a multiple of 4" \
    "error: FragmentIntervalMS: 0 is below the minimum 1" \
    "error: FragmentSizeBytes: 0 is below the minimum 1" \
    "error: RedundancyPercent: 101 is above the maximum 100" \
    "error: LoRaWAN.RfRegion: 'EU869' is not a supported region"; do
    contains "reports: $line" "$err" "$line"
done
ok_if "one diagnostic a line (9 errors)" test "$(grep -c '^error: ' <<<"$err")" = 9
contains "summary line" "$err" "invalid: 9 errors, 0 warnings"
ok_if "nothing on stdout when invalid" test -z "$out"
expect_exit 1 "invalid on stdin" "$FUOTA" validate - <"$REQ/invalid-rules.json"
contains "stdin errors" "$err" "error: Tags[3].Key: length 0 is below the minimum 1"

expect_exit 1 "document problems" "$FUOTA" validate "$REQ/invalid-document.json"
for line in \
    "error: Name: expected a string, got a number 42" \
    "error: LoRaWAN.Foo: unknown member 'Foo'" \
    "error: RedundancyPercent: 1.5 is not an integer" \
    "error: FragmentSizeBytes: expected an integer, got a string '50'" \
    "error: FragmentIntervalMS: 1e30 is not an integer" \
    "error: Description: null is not allowed" \
    "error: Name: the member appears more than once" \
    "error: Bogus: unknown member 'Bogus'"; do
    contains "reports: $line" "$err" "$line"
done

expect_exit 1 "syntax error" "$FUOTA" validate "$REQ/syntax-error.json"
contains "syntax error says where" "$err" "at line 4, column 5"
contains "syntax error guesses the comma" "$err" "a ',' is missing"

# ---- --json and --quiet ------------------------------------------------------
expect_exit 1 "--json invalid" "$FUOTA" validate --json "$REQ/invalid-rules.json"
contains "json valid false" "$out" '"valid": false'
contains "json has the path" "$out" '"path": "Tags[3].Key"'
contains "json has the rule" "$out" '"rule": "min-length"'
contains "json has the message" "$out" '"message": "length 0 is below the minimum 1"'
contains "json has warnings" "$out" '"warnings":'
expect_exit 0 "--json valid with warnings" "$FUOTA" validate --json "$REQ/valid-with-warnings.json"
contains "json valid true" "$out" '"valid": true'
contains "json warning rule" "$out" '"rule": "no-redundancy"'
contains "json errors empty" "$out" '"errors": []'
if command -v python3 >/dev/null; then
    ok_if "--json output parses" python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["valid"] is True and len(d["warnings"]) == 6' <<<"$out"
fi
expect_exit 1 "--quiet invalid" "$FUOTA" validate --quiet "$REQ/invalid-rules.json"
ok_if "--quiet prints nothing" test -z "$out$err"
expect_exit 0 "-q valid" "$FUOTA" validate -q "$REQ/valid-with-warnings.json"
ok_if "-q prints nothing" test -z "$out$err"

# ---- every malformed-file case through the CLI -------------------------------
check_doc() { # NAME RULE-TEXT: validates $TMP/doc.json, expects exit 1
    expect_exit 1 "$1" "$FUOTA" validate "$TMP/doc.json"
    contains "$1 is explained" "$err" "$2"
}
BASE='"FirmwareUpdateImage":"s3://example-bucket/fw.bin","FirmwareUpdateRole":"arn:aws:iam::123456789012:role/R","LoRaWAN":{"RfRegion":"EU868"}'
: >"$TMP/doc.json"; check_doc "empty file" "error: the document is empty"
printf ' \n\t \n' >"$TMP/doc.json"; check_doc "whitespace-only file" "contains only whitespace"
printf '[{%s}]' "$BASE" >"$TMP/doc.json"; check_doc "array top level" "must be a JSON object"
printf '"text"' >"$TMP/doc.json"; check_doc "string top level" "not a string"
printf '{%s} trailing' "$BASE" >"$TMP/doc.json"; check_doc "trailing garbage" "unexpected text after the JSON value"
printf '{%s}\n{}\n' "$BASE" >"$TMP/doc.json"; check_doc "two documents" "at line 2, column 1"
printf '{%s,"FragmentSizeBytes":1.5}' "$BASE" >"$TMP/doc.json"; check_doc "1.5" "FragmentSizeBytes: 1.5 is not an integer"
printf '{%s,"FragmentSizeBytes":1e30}' "$BASE" >"$TMP/doc.json"; check_doc "1e30" "FragmentSizeBytes: 1e30 is not an integer"
printf '{%s,"FragmentSizeBytes":1.0}' "$BASE" >"$TMP/doc.json"; check_doc "1.0" "FragmentSizeBytes: 1.0 is not an integer"
printf '{%s,"FragmentSizeBytes":"50"}' "$BASE" >"$TMP/doc.json"; check_doc "string for integer" "expected an integer, got a string '50'"
printf '{%s,"Name":7}' "$BASE" >"$TMP/doc.json"; check_doc "integer for string" "Name: expected a string, got a number 7"
printf '{%s,"RedundancyPercent":-1}' "$BASE" >"$TMP/doc.json"; check_doc "negative" "RedundancyPercent: -1 is below the minimum 0"
printf '{%s,"FragmentIntervalMS":2147483648}' "$BASE" >"$TMP/doc.json"; check_doc "beyond int32" "2147483648 is outside the 32-bit integer range"
printf '{%s,"Foo":1}' "$BASE" >"$TMP/doc.json"; check_doc "unknown member" "error: Foo: unknown member 'Foo'"
printf '{"FirmwareUpdateImage":"s3://b-1/k","FirmwareUpdateRole":"arn:aws:iam::123456789012:role/R","LoRaWAN":{"RfRegion":"EU868","Foo":1}}' >"$TMP/doc.json"
check_doc "unknown nested member" "error: LoRaWAN.Foo: unknown member 'Foo'"
printf '{%s,"Name":null}' "$BASE" >"$TMP/doc.json"; check_doc "null value" "Name: null is not allowed"
printf '{%s,"Name":"a","Name":"b"}' "$BASE" >"$TMP/doc.json"; check_doc "duplicate key" "Name: the member appears more than once"
printf '{%s,"Name":"a\0b"}' "$BASE" >"$TMP/doc.json"; check_doc "NUL byte" "NUL byte at line 1"
printf '{%s,"Name":"a\\u0000b"}' "$BASE" >"$TMP/doc.json"; check_doc "escaped NUL" "\\u0000"
printf '{%s,"Name":"\xc0\xaf"}' "$BASE" >"$TMP/doc.json"; check_doc "invalid UTF-8" "Name: not valid UTF-8"
{ printf '{"Deep":'; printf '[%.0s' $(seq 40); printf ']%.0s' $(seq 40); printf '}'; } >"$TMP/doc.json"
check_doc "absurd nesting" "nesting deeper than 32 levels"
head -c 300000 /dev/zero | tr '\0' '[' >"$TMP/doc.json"; check_doc "very deep nesting" "nesting deeper than 32 levels"
# A request is at most 1 MiB (TASK_JSON_MAX), as for plan and simulate: a
# larger file is an input error (exit 2) read no further than the limit, so
# its size is not claimed; exactly 1 MiB is read.
{ printf '{%s,"Description":"' "$BASE"; head -c 1100000 /dev/zero | tr '\0' 'a'; printf '"}'; } >"$TMP/doc.json"
expect_exit 2 "huge file" "$FUOTA" validate "$TMP/doc.json"
contains "huge file: the limit is named" "$err" "doc.json: too large: more than 1048576 bytes, the most a request may be"
lacks "huge file: no size claimed" "$err" "1100"
ok_if "huge file: nothing on stdout (--json)" test -z "$("$FUOTA" validate --json "$TMP/doc.json" 2>/dev/null)"
{ printf '{%s,"Description":"' "$BASE"; head -c 1100000 /dev/zero | tr '\0' 'a'; printf '"}'; } | {
    expect_exit 2 "huge document on stdin" "$FUOTA" validate -
    contains "huge stdin is too large" "$err" "<stdin>: too large: more than 1048576 bytes"
}
expect_exit 2 "endless stdin (/dev/zero)" "$FUOTA" validate - </dev/zero
contains "endless stdin: the limit is named" "$err" "too large: more than 1048576 bytes"
lacks "endless stdin: no false size" "$err" "1048577"
printf '{%s}' "$BASE" >"$TMP/1mib.json"
head -c $((1048576 - $(wc -c <"$TMP/1mib.json"))) /dev/zero | tr '\0' ' ' >>"$TMP/1mib.json"
expect_exit 0 "a request of exactly 1 MiB" "$FUOTA" validate "$TMP/1mib.json"
cp "$TMP/1mib.json" "$TMP/1mib1.json"; printf ' ' >>"$TMP/1mib1.json"
expect_exit 2 "a request of 1 MiB + 1 byte" "$FUOTA" validate "$TMP/1mib1.json"
contains "1 MiB + 1: the limit is named" "$err" "1mib1.json: too large: more than 1048576 bytes"
lacks "1 MiB + 1: no false size" "$err" "1048577"
expect_exit 2 "stdin is a directory" "$FUOTA" validate - <"$TMP"
contains "stdin is a directory: errno text" "$err" "<stdin>: Is a directory"
printf '{\n  %s,\n  "Name": "x",\n}' "$BASE" >"$TMP/doc.json"; check_doc "trailing comma" "a trailing comma (JSON allows none before '}' or ']') at line 3, column 14"
printf '{%s,"Tags":[' "$BASE" >"$TMP/doc.json"; check_doc "unclosed array" "the array opened at"
printf '{%s,"FragmentSizeBytes":050}' "$BASE" >"$TMP/doc.json"; check_doc "leading zero" "leading zeros are not allowed"

# ---- skeleton ---------------------------------------------------------------
expect_exit 0 "skeleton --help" "$FUOTA" skeleton --help
contains "skeleton help" "$out" "Usage: fuota skeleton"
expect_exit 0 "skeleton" "$FUOTA" skeleton
printf '%s\n' "$out" >"$TMP/skeleton.json"
for m in Name Description ClientRequestToken LoRaWAN RfRegion FirmwareUpdateImage \
         FirmwareUpdateRole Tags Key Value RedundancyPercent FragmentSizeBytes \
         FragmentIntervalMS Descriptor; do
    contains "skeleton has $m" "$out" "\"$m\":"
done
contains "skeleton example region" "$out" '"RfRegion": "EU868"'
contains "skeleton example fragment size" "$out" '"FragmentSizeBytes": 48'
contains "skeleton example redundancy" "$out" '"RedundancyPercent": 20'
expect_exit 0 "skeleton passes validate" "$FUOTA" validate "$TMP/skeleton.json"
contains "skeleton has no warnings" "$out" "(0 warnings)"
ok_if "skeleton validate is silent on stderr" test -z "$err"
"$FUOTA" skeleton --compact >"$TMP/compact.json"
ok_if "compact skeleton is one line" test "$(wc -l <"$TMP/compact.json")" = 1
expect_exit 0 "compact skeleton passes validate" "$FUOTA" validate - <"$TMP/compact.json"
expect_exit 2 "skeleton unknown option" "$FUOTA" skeleton --frobnicate
contains "skeleton unknown option named" "$err" "unknown option '--frobnicate'"
expect_exit 2 "skeleton extra argument" "$FUOTA" skeleton extra
# ---- the option parser (getopt_long, full names only) ----------------------
in_tmp() { (cd "$TMP" && "$@"); }
cp "$REQ/valid-full.json" "$TMP/-x"
expect_exit 0 "validate -- before a file named -x" in_tmp "$FUOTA" validate --quiet -- -x
ok_if "validate -- -x: quiet" test -z "$out$err"
expect_exit 2 "validate a file named -x without --" in_tmp "$FUOTA" validate -x
contains "validate -x: an unknown option" "$err" "unknown option '-x'"
expect_exit 0 "validate options after FILE" "$FUOTA" validate "$REQ/valid-full.json" --json -q
contains "validate options after FILE: JSON" "$(tr -d ' \t' <<<"$out")" '"valid":true'
ok_if "validate options after FILE: quiet" test -z "$err"
expect_exit 0 "validate -q -- FILE" "$FUOTA" validate -q -- "$REQ/valid-full.json"
expect_exit 0 "validate -h" "$FUOTA" validate -h
contains "validate -h shows usage" "$out" "Usage: fuota validate"
expect_exit 0 "validate --json twice is harmless" "$FUOTA" validate --json --json "$REQ/valid-full.json"
expect_exit 2 "validate --json=yes" "$FUOTA" validate --json=yes "$REQ/valid-full.json"
contains "validate --json=yes: message" "$err" "--json takes no value"
expect_exit 2 "validate abbreviation --qu" "$FUOTA" validate --qu "$REQ/valid-full.json"
contains "validate --qu: an unknown option" "$err" "unknown option '--qu'"
expect_exit 2 "validate -qx" "$FUOTA" validate -qx "$REQ/valid-full.json"
contains "validate -qx: the whole word is named" "$err" "unknown option '-qx'"
expect_exit 2 "validate extra file after --" "$FUOTA" validate -- "$REQ/valid-full.json" -x
contains "validate extra file after --: named" "$err" "one FILE only ('-x' is extra)"
expect_exit 2 "skeleton -- then an argument" "$FUOTA" skeleton -- -x
contains "skeleton -- -x: unexpected argument" "$err" "unexpected argument '-x'"
expect_exit 0 "skeleton --" "$FUOTA" skeleton --compact --
ok_if "skeleton --compact --: one line" test "$(printf '%s\n' "$out" | wc -l)" = 1
expect_exit 0 "skeleton -h" "$FUOTA" skeleton -h
contains "skeleton -h shows usage" "$out" "Usage: fuota skeleton"
expect_exit 2 "skeleton abbreviation --comp" "$FUOTA" skeleton --comp
contains "skeleton --comp: an unknown option" "$err" "unknown option '--comp'"
expect_exit 2 "skeleton --compact=1" "$FUOTA" skeleton --compact=1
contains "skeleton --compact=1: message" "$err" "--compact takes no value"
contains "skeleton --compact=1: points at help" "$err" "Try 'fuota skeleton --help'."
expect_exit 2 "skeleton -" "$FUOTA" skeleton -
contains "skeleton -: unexpected argument" "$err" "unexpected argument '-'"
contains "skeleton extra argument named" "$("$FUOTA" skeleton extra 2>&1)" "unexpected argument 'extra'"
# An unpaired UTF-16 surrogate escape names the member and the rule, not
# just "invalid JSON"; a proper pair is one character.
sur='{"Name":"\ud800","LoRaWAN":{"RfRegion":"EU868"}}'
printf '%s' "$sur" >"$TMP/lone-high.json"
expect_exit 1 "lone high surrogate" "$FUOTA" validate "$TMP/lone-high.json"
contains "lone high surrogate: member named" "$err" "error: Name: '\ud800' at line 1, column 10"
contains "lone high surrogate: the rule" "$err" "not followed by a low one"
lacks "lone high surrogate: not just invalid JSON" "$err" "invalid JSON"
printf '%s' '{"Tags":[{"Key":"k","Value":"a\udc00"}]}' >"$TMP/lone-low.json"
expect_exit 1 "lone low surrogate in a tag" "$FUOTA" validate "$TMP/lone-low.json"
contains "lone low surrogate: Tags[0].Value" "$err" "error: Tags[0].Value: '\udc00'"
printf '%s' '{"Name":"\ud83d\ude00"}' >"$TMP/pair.json"
expect_exit 1 "surrogate pair accepted (other members missing)" "$FUOTA" validate "$TMP/pair.json"
lacks "surrogate pair: no surrogate error" "$err" "surrogate"
expect_exit 1 "lone surrogate --json" "$FUOTA" validate --json "$TMP/lone-high.json"
contains "lone surrogate --json: rule" "$out" "surrogate"

# A UTF-8 byte order mark is refused (the AWS CLI says "Unexpected UTF-8
# BOM"), with the reason, instead of being skipped.
printf '\357\273\277' >"$TMP/bom.json"
cat "$REQ/valid-full.json" >>"$TMP/bom.json"
expect_exit 1 "BOM before a valid request" "$FUOTA" validate "$TMP/bom.json"
contains "BOM: says so" "$err" "starts with a UTF-8 byte order mark"
contains "BOM: what to do" "$err" "save the file as UTF-8 without a BOM"
expect_exit 1 "BOM through stdin" sh -c "\"$FUOTA\" validate - <\"$TMP/bom.json\""
contains "BOM through stdin: says so" "$err" "byte order mark"
expect_exit 0 "the same request without the BOM" "$FUOTA" validate "$REQ/valid-full.json"
done_testing
