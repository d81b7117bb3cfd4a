/*
 * libFuzzer target: SigV4 verification of hostile requests (the
 * Authorization header, x-amz-date, path and query come from the network)
 * and canonicalisation of arbitrary paths and queries by the signer.
 * Input: lines "AUTHORIZATION\nX-AMZ-DATE\nPATH\nQUERY\nSHA256\nBODY".
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/sigv4.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool lookup(void *ctx, const char *akid, struct sigv4_key *key)
{
    (void)ctx;
    if (akid[0] == 'X')
        return false;
    key->secret_access_key = "fuzz-secret";
    key->session_token = akid[0] == 'T' ? "tok" : NULL;
    return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *buf = malloc(size + 1);
    if (!buf)
        return 0;
    memcpy(buf, data, size);
    buf[size] = '\0';
    char *field[6] = { "", "", "", "", "", "" };
    char *p = buf;
    for (int i = 0; i < 5 && p; i++) {
        field[i] = p;
        p = strchr(p, '\n');
        if (p)
            *p++ = '\0';
    }
    if (p)
        field[5] = p;
    struct sigv4_header h[] = {
        { "Host", "h" },
        { "Authorization", field[0] },
        { "X-Amz-Date", field[1] },
        { "x-amz-content-sha256", field[4] },
        { "x-amz-security-token", "tok" },
    };
    size_t body_len = strlen(field[5]);
    struct sigv4_request req = {
        .method = "POST",
        .path = field[2],
        .query = field[3],
        .headers = h,
        .header_count = field[4][0] ? 5 : 3,
        .payload = field[5],
        .payload_len = body_len,
    };
    struct sigv4_verify_options vo = { .now = 1764158400, .lookup = lookup };
    struct sigv4_verify_result res;
    (void)sigv4_verify(&req, &vo, &res);
    vo.allow_unsigned_payload = true;
    vo.no_normalize_path = true;
    req.path_form = SIGV4_PATH_DECODED;
    (void)sigv4_verify(&req, &vo, &res);

    struct sigv4_credentials cred = { "AKID", "fuzz-secret", "tok" };
    struct sigv4_sign_options so = { .region = "eu-west-1",
                                     .time = 1764158400 };
    struct sigv4_signed s;
    sigv4_signed_init(&s);
    req.header_count = 1;
    (void)!sigv4_sign(&req, &cred, &so, &s, NULL, 0);
    sigv4_signed_cleanup(&s);
    free(buf);
    return 0;
}
