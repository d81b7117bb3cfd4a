/*
 * SigV4 cost per request: signs and verifies a typical CreateFuotaTask
 * request (POST /fuota-tasks, 5 headers, 300-byte JSON body, session token)
 * in a loop on one thread. Prints one line per operation:
 *   "sign N ops/s" and "verify N ops/s" (median of 5 runs of ITER each).
 * Usage: bench_sigv4 [ITER]   (default 20000)
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "core/sigv4.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static bool lookup(void *ctx, const char *akid, struct sigv4_key *key)
{
    (void)ctx;
    (void)akid;
    key->secret_access_key = "benchSecret/000000000000000000000000001";
    key->session_token = "BENCHTOKEN";
    return true;
}

int main(int argc, char **argv)
{
    long iter = argc > 1 ? strtol(argv[1], NULL, 10) : 20000;
    if (iter <= 0 || sodium_init() < 0)
        return 2;
    char body[301];
    memset(body, 'x', 300);
    body[300] = '\0';
    memcpy(body, "{\"Name\":\"", 9);
    struct sigv4_header h[8] = {
        { "Host", "127.0.0.1:8080" },
        { "Content-Type", "application/json" },
        { "User-Agent", "aws-cli/2" },
    };
    struct sigv4_request req = { .method = "POST",
                                 .path = "/fuota-tasks",
                                 .headers = h,
                                 .header_count = 3,
                                 .payload = body,
                                 .payload_len = 300 };
    struct sigv4_credentials cred = { "AKIABENCH0000000001",
                                      "benchSecret/000000000000000000000000001",
                                      "BENCHTOKEN" };
    struct sigv4_sign_options so = { .region = "eu-west-1",
                                     .time = 1764158400 };
    struct sigv4_signed s;
    sigv4_signed_init(&s);
    double sign_rate[5], verify_rate[5];
    for (int run = 0; run < 5; run++) {
        double t0 = now_s();
        for (long i = 0; i < iter; i++) {
            if (sigv4_sign(&req, &cred, &so, &s, NULL, 0) != SIGV4_OK)
                return 1;
        }
        sign_rate[run] = (double)iter / (now_s() - t0);
    }
    struct sigv4_request vr = req;
    for (size_t i = 0; i < s.add_header_count; i++)
        h[vr.header_count++] = s.add_headers[i];
    struct sigv4_verify_options vo = { .region = "eu-west-1",
                                       .now = 1764158400,
                                       .lookup = lookup };
    struct sigv4_verify_result res;
    for (int run = 0; run < 5; run++) {
        double t0 = now_s();
        for (long i = 0; i < iter; i++) {
            if (sigv4_verify(&vr, &vo, &res) != SIGV4_V_OK)
                return 1;
        }
        verify_rate[run] = (double)iter / (now_s() - t0);
    }
    sigv4_signed_cleanup(&s);
    qsort(sign_rate, 5, sizeof(double), cmp_double);
    qsort(verify_rate, 5, sizeof(double), cmp_double);
    printf("sign %.0f ops/s\nverify %.0f ops/s\n", sign_rate[2],
           verify_rate[2]);
    return 0;
}
