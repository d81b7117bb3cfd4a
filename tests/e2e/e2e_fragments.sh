#!/usr/bin/env bash
# fuota fragments: byte-exact with the public TS004 vectors and our extra
# vectors, in every output format, and every bad input refused with exit 2.
. "$(dirname "$0")/lib.sh"

pub="$FUOTA_REF/fec-vectors/ts004_v1_public.json"
extra="$FUOTA_ROOT/tests/data/fec/extra_vectors.json"

# case_field FILE ID KEY: a scalar member of one case
case_field() {
    awk -v id="$2" -v key="$3" '
        index($0, "\"id\": \"" id "\"") { incase = 1 }
        incase && index($0, "\"" key "\":") {
            sub(/^[^:]*: */, ""); gsub(/[",]/, ""); print; exit
        }' "$1"
}
# case_frags FILE ID: the fragments_hex list of one case, one a line
case_frags() {
    awk -v id="$2" '
        index($0, "\"id\": \"" id "\"") { incase = 1 }
        incase && /"fragments_hex"/ { inarr = 1; next }
        inarr && /\]/ { exit }
        inarr { gsub(/[", ]/, ""); print }' "$1"
}
# wire_frames FILE: the wire example frames, one a line
wire_frames() {
    awk '/"wire_example"/ { w = 1 }
         w && /"frames_hex"/ { inarr = 1; next }
         inarr && /\]/ { exit }
         inarr { gsub(/[", ]/, ""); print }' "$1"
}
# unhex HEX > FILE (the format string is built on purpose: \xHH escapes)
# shellcheck disable=SC2059
unhex() { printf "$(printf '%s' "$1" | sed 's/../\\x&/g')"; }
hexdump_flat() { od -An -v -tx1 | tr -d ' \n'; }

# image_of FILE ID -> $TMP/ID.img
image_of() {
    unhex "$(case_field "$1" "$2" image_hex)" >"$TMP/$2.img"
}

# --- the public vectors -----------------------------------------------------
for id in v1_c1 v1_c5; do
    image_of "$pub" "$id"
    s=$(case_field "$pub" "$id" frag_size)
    r=$(case_field "$pub" "$id" redundancy)
    pad=$(case_field "$pub" "$id" padding)
    m=$(case_field "$pub" "$id" M_uncoded)
    case_frags "$pub" "$id" | awk '{ print NR " " $0 }' >"$TMP/$id.want"
    expect_exit 0 "$id hex" "$FUOTA" fragments --image "$TMP/$id.img" \
        --fragment-size "$s" --redundancy "$r"
    ok_if "$id hex output is byte-exact" cmp -s "$TMP/out" "$TMP/$id.want"
    contains "$id setup figures on stderr" "$err" \
        "NbFrag=$m FragSize=$s Padding=$pad"
    lacks "$id stdout has no figures" "$out" "NbFrag"

    expect_exit 0 "$id bin" "$FUOTA" fragments --image "$TMP/$id.img" \
        --fragment-size "$s" --redundancy "$r" --format bin
    got=$(hexdump_flat <"$TMP/out")
    want=$(case_frags "$pub" "$id" | tr -d '\n')
    ok_if "$id bin output is the payloads back to back" [ "$got" = "$want" ]
done

# frames: the wire example (case v1_c1, FragIndex 1)
wire_frames "$pub" >"$TMP/frames.want"
expect_exit 0 "frames" "$FUOTA" fragments --image "$TMP/v1_c1.img" \
    --fragment-size 10 --redundancy 10 --format frames --frag-index 1
ok_if "frames output matches the wire example" \
    cmp -s "$TMP/out" "$TMP/frames.want"
contains "frames: FragIndex on stderr" "$err" "FragIndex=1"
expect_exit 0 "frames, index 0" "$FUOTA" fragments --image "$TMP/v1_c1.img" \
    --fragment-size 10 --redundancy 10 --format=frames
contains "frames: index 0 header" "$out" "08010000010203040506070809"

# --redundancy-percent: ceil(M * P / 100); AWS's example 100 B, 10 B, 50 %
expect_exit 0 "percent 100" "$FUOTA" fragments --image "$TMP/v1_c1.img" \
    --fragment-size 10 --redundancy-percent 100
ok_if "percent 100 = 10 redundancy" cmp -s "$TMP/out" "$TMP/v1_c1.want"
expect_exit 0 "percent 50" "$FUOTA" fragments --image "$TMP/v1_c1.img" \
    --fragment-size 10 --redundancy-percent 50
ok_if "AWS example: 10 + 5 = 15 fragments" \
    [ "$(printf '%s\n' "$out" | wc -l)" = 15 ]
expect_exit 0 "percent 1 rounds up" "$FUOTA" fragments \
    --image "$TMP/v1_c1.img" --fragment-size 10 --redundancy-percent 1
ok_if "1 % of 10 fragments is 1 redundancy" \
    [ "$(printf '%s\n' "$out" | wc -l)" = 11 ]
expect_exit 0 "redundancy 0" "$FUOTA" fragments --image "$TMP/v1_c1.img" \
    --fragment-size 10 --redundancy 0
ok_if "redundancy 0: the uncoded fragments only" \
    [ "$(printf '%s\n' "$out" | wc -l)" = 10 ]

# stdin
expect_exit 0 "image from stdin" bash -c \
    "'$FUOTA' fragments --image - --fragment-size 10 --redundancy 10 \
     <'$TMP/v1_c1.img'"
ok_if "stdin output is byte-exact" cmp -s "$TMP/out" "$TMP/v1_c1.want"

# --- extra vectors (v1 padded, v2 reading) ------------------------------------
for spec in x_m100_pad:v1 x_m1:v1 x_m128:v1 x_v2_m10:v2 x_v2_m64:v2; do
    id=${spec%%:*} codec=${spec##*:}
    image_of "$extra" "$id"
    s=$(case_field "$extra" "$id" frag_size)
    r=$(case_field "$extra" "$id" redundancy)
    case_frags "$extra" "$id" | awk '{ print NR " " $0 }' >"$TMP/$id.want"
    expect_exit 0 "$id ($codec)" "$FUOTA" fragments --image "$TMP/$id.img" \
        --fragment-size "$s" --redundancy "$r" --codec "$codec"
    ok_if "$id output is byte-exact" cmp -s "$TMP/out" "$TMP/$id.want"
    contains "$id codec named" "$err" "codec $codec"
done

# --- bad input -----------------------------------------------------------------
img="$TMP/v1_c1.img"
: >"$TMP/empty.img"
head -c 16384 /dev/zero >"$TMP/16384.img"
head -c 16383 /dev/zero >"$TMP/16383.img"
head -c 16000 /dev/zero >"$TMP/16000.img"

bad() { # NAME MESSAGE ARGS...
    local name=$1 msg=$2
    shift 2
    expect_exit 2 "$name" "$FUOTA" fragments "$@"
    contains "$name: message" "$err" "$msg"
    ok_if "$name: nothing on stdout" [ -z "$out" ]
}
bad "empty image" "is empty" --image "$TMP/empty.img" \
    --fragment-size 10 --redundancy 1
bad "missing image file" "No such file" --image "$TMP/nope.img" \
    --fragment-size 10 --redundancy 1
bad "image is a directory" "fuota fragments: $TMP: Is a directory" --image "$TMP" \
    --fragment-size 10 --redundancy 1
bad "fragment size 0" "--fragment-size: 0 is outside 1..255" \
    --image "$img" --fragment-size 0 --redundancy 1
bad "fragment size 256" "--fragment-size: 256 is outside 1..255" \
    --image "$img" --fragment-size 256 --redundancy 1
bad "fragment size not a number" "not a whole number" \
    --image "$img" --fragment-size ten --redundancy 1
bad "16384 uncoded fragments" "over the TS004 limit of 16383" \
    --image "$TMP/16384.img" --fragment-size 1 --redundancy 0
bad "16000 + 384 fragments" "16000 uncoded + 384 redundancy = 16384" \
    --image "$TMP/16000.img" --fragment-size 1 --redundancy 384
# R comes from the real M (20000), not one capped at 16383 (that said 8192)
head -c 20000 /dev/zero >"$TMP/20000.img"
bad "20000 at 50 %: true R" "20000 uncoded + 10000 redundancy = 30000" \
    --image "$TMP/20000.img" --fragment-size 1 --redundancy-percent 50
lacks "20000 at 50 %: no capped R" "$err" "8192"
bad "16384 at 1 %: R rounds up" "16384 uncoded + 164 redundancy = 16548" \
    --image "$TMP/16384.img" --fragment-size 1 --redundancy-percent 1
bad "16000 at 3 %: M fits, M + R does not" \
    "16000 uncoded + 480 redundancy = 16480" \
    --image "$TMP/16000.img" --fragment-size 1 --redundancy-percent 3
bad "both redundancy options" "not both" \
    --image "$img" --fragment-size 10 --redundancy 1 --redundancy-percent 5
bad "no redundancy option" "--redundancy N or --redundancy-percent P" \
    --image "$img" --fragment-size 10
bad "redundancy percent 101" "101 is outside 0..100" \
    --image "$img" --fragment-size 10 --redundancy-percent 101
bad "negative redundancy" "is outside 0..16382" \
    --image "$img" --fragment-size 10 --redundancy -1
bad "frag index 4" "--frag-index: 4 is outside 0..3" \
    --image "$img" --fragment-size 10 --redundancy 1 --frag-index 4
bad "frag index -1" "--frag-index: -1 is outside 0..3" \
    --image "$img" --fragment-size 10 --redundancy 1 --frag-index -1
bad "unknown format" "unknown format 'json' (hex, bin or frames)" \
    --image "$img" --fragment-size 10 --redundancy 1 --format json
bad "unknown codec" "unknown codec 'v3' (v1 or v2)" \
    --image "$img" --fragment-size 10 --redundancy 1 --codec v3
bad "unknown option" "unknown option '--frobnicate'" \
    --image "$img" --fragment-size 10 --redundancy 1 --frobnicate
bad "stray argument" "unexpected argument 'extra'" \
    --image "$img" --fragment-size 10 --redundancy 1 extra
bad "no --image" "--image FILE is required" --fragment-size 10 --redundancy 1
bad "no --fragment-size" "--fragment-size S is required" \
    --image "$img" --redundancy 1
bad "option without value" "--redundancy needs a value" \
    --image "$img" --fragment-size 10 --redundancy
contains "usage errors point to --help" "$err" "fuota fragments --help"

# the limits themselves are fine
expect_exit 0 "16383 uncoded fragments" "$FUOTA" fragments \
    --image "$TMP/16383.img" --fragment-size 1 --redundancy 0
expect_exit 0 "16000 + 383 fragments" "$FUOTA" fragments \
    --image "$TMP/16000.img" --fragment-size 1 --redundancy 383
ok_if "16383 lines" [ "$(printf '%s\n' "$out" | wc -l)" = 16383 ]
expect_exit 0 "fragment size 255" "$FUOTA" fragments --image "$img" \
    --fragment-size 255 --redundancy 2
contains "S=255: one padded fragment" "$err" "NbFrag=1 FragSize=255 Padding=155"

# output that cannot be written
if [ -w /dev/full ]; then
    expect_exit 2 "write error" bash -c \
        "'$FUOTA' fragments --image '$img' --fragment-size 10 --redundancy 1 \
         >/dev/full"
    contains "write error is reported" "$err" "error writing standard output: No space left on device"
else
    skip "write error" "/dev/full not available"
fi

expect_exit 0 "--help" "$FUOTA" fragments --help
contains "--help shows the usage" "$out" "Usage: fuota fragments"
contains "--help lists formats" "$out" "--format frames"
# The option parser (getopt_long, full names only): every form and slip.
in_tmp() { (cd "$TMP" && "$@"); }
cp "$img" "$TMP/-x"
expect_exit 0 "an image named -x as the value of --image" in_tmp "$FUOTA" \
    fragments --image -x --fragment-size 10 --redundancy 10
ok_if "image -x: same stream" cmp -s "$TMP/out" "$TMP/v1_c1.want"
expect_exit 0 "--opt=value everywhere" "$FUOTA" fragments --image="$img" \
    --fragment-size=10 --redundancy=10
ok_if "--opt=value: same stream" cmp -s "$TMP/out" "$TMP/v1_c1.want"
expect_exit 0 "-h" "$FUOTA" fragments -h
contains "-h shows the usage" "$out" "Usage: fuota fragments"
bad "an operand after --" "unexpected argument '-x'" \
    --image "$img" --fragment-size 10 --redundancy 1 -- -x
bad "a short option" "unknown option '-x'" \
    --image "$img" --fragment-size 10 --redundancy 1 -x
bad "--image= (empty)" "--image needs a value" \
    --image= --fragment-size 10 --redundancy 1
bad "--fragment-size= (empty)" "--fragment-size needs a value" \
    --image "$img" --fragment-size= --redundancy 1
bad "--format= (empty)" "--format needs a value" \
    --image "$img" --fragment-size 10 --redundancy 1 --format=
bad "--codec at the end" "--codec needs a value" \
    --image "$img" --fragment-size 10 --redundancy 1 --codec
bad "--redundancy twice" "'--redundancy' is given twice" \
    --image "$img" --fragment-size 10 --redundancy 1 --redundancy=2
bad "--image twice" "'--image' is given twice" \
    --image "$img" --image "$img" --fragment-size 10 --redundancy 1
bad "--format twice" "'--format' is given twice" \
    --image "$img" --fragment-size 10 --redundancy 1 --format hex \
    --format bin
bad "abbreviation --red (ambiguous)" "unknown option '--red'" \
    --image "$img" --fragment-size 10 --red 1
bad "abbreviation --redundancy-p (unique)" "unknown option '--redundancy-p'" \
    --image "$img" --fragment-size 10 --redundancy-p 1
bad "abbreviation --frag" "unknown option '--frag=10'" \
    --image "$img" --frag=10 --redundancy 1
bad "--help=x" "--help takes no value" --help=x
done_testing
