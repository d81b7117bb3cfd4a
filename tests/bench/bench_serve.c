/*
 * bench_serve: a small closed-loop HTTP/1.1 load driver for `fuota serve`.
 * N keep-alive connections on loopback, one thread each, send pre-signed
 * SigV4 requests (GetFuotaTask or CreateFuotaTask; signed once with
 * core/sigv4, replayed within the 5-minute window) until a request count or
 * a time bound is reached, and report requests/s and latency percentiles.
 *
 * Usage: bench_serve --port P --op get|create [--id ID] [--connections N]
 *                    [--requests N] [--seconds S] [--region R]
 * Keys: BENCH_ACCESS_KEY_ID / BENCH_SECRET_ACCESS_KEY in the environment
 * (not on the command line, where `ps` would show them).
 * Output (stdout, one line): op=get connections=N requests=N errors=N
 * seconds=S rps=R p50_ms=A p90_ms=B p99_ms=C max_ms=D
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "core/sigv4.h"

#define MAX_CONNECTIONS 256
#define RESPONSE_MAX    (256 * 1024)

struct config {
    unsigned port;
    bool create;
    const char *id;
    int connections;
    long requests;
    double seconds;
    const char *region;
};

struct worker {
    pthread_t thread;
    const struct config *cfg;
    const char *request;
    size_t request_len;
    double *lat_ms;
    long count;
    long cap;
    long errors;
    long status_other;
    int first_bad_status;
};

static atomic_long issued;
static double deadline;

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int connect_loopback(unsigned port)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    struct sockaddr_in a;
    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_port = htons((uint16_t)port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    if (connect(fd, (struct sockaddr *)&a, sizeof(a)) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

static bool send_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return false;
        p += w;
        n -= (size_t)w;
    }
    return true;
}

/* Reads one response; returns its status or -1 on a broken connection. */
static int read_response(int fd, char *buf, size_t cap)
{
    size_t have = 0;
    char *end = NULL;
    while (end == NULL) {
        if (have + 1 >= cap)
            return -1;
        ssize_t r = recv(fd, buf + have, cap - 1 - have, 0);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return -1;
        have += (size_t)r;
        buf[have] = '\0';
        end = strstr(buf, "\r\n\r\n");
    }
    int status = 0;
    if (sscanf(buf, "HTTP/1.%*d %d", &status) != 1)
        return -1;
    size_t body = 0;
    for (char *p = buf; p < end; p++) {
        if ((p == buf || p[-1] == '\n') &&
            strncasecmp(p, "Content-Length:", 15) == 0) {
            body = (size_t)strtoul(p + 15, NULL, 10);
            break;
        }
    }
    size_t total = (size_t)(end + 4 - buf) + body;
    if (total >= cap)
        return -1;
    while (have < total) {
        ssize_t r = recv(fd, buf + have, cap - 1 - have, 0);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return -1;
        have += (size_t)r;
    }
    return status;
}

static void *run_worker(void *arg)
{
    struct worker *w = arg;
    char *buf = malloc(RESPONSE_MAX);
    int fd = connect_loopback(w->cfg->port);
    if (buf == NULL || fd < 0) {
        w->errors++;
        free(buf);
        if (fd >= 0)
            close(fd);
        return NULL;
    }
    int want = w->cfg->create ? 201 : 200;
    while (now_s() < deadline &&
           atomic_fetch_add(&issued, 1) < w->cfg->requests) {
        double t0 = now_s();
        int st = -1;
        if (send_all(fd, w->request, w->request_len))
            st = read_response(fd, buf, RESPONSE_MAX);
        double t1 = now_s();
        if (st < 0) {
            w->errors++;
            close(fd);
            fd = connect_loopback(w->cfg->port);
            if (fd < 0)
                break;
            continue;
        }
        if (st != want) {
            w->status_other++;
            if (w->first_bad_status == 0)
                w->first_bad_status = st;
        }
        if (w->count == w->cap) {
            long cap = w->cap ? w->cap * 2 : 4096;
            double *l = realloc(w->lat_ms, (size_t)cap * sizeof(*l));
            if (l == NULL)
                break;
            w->lat_ms = l;
            w->cap = cap;
        }
        w->lat_ms[w->count++] = (t1 - t0) * 1e3;
    }
    close(fd);
    free(buf);
    return NULL;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Builds the raw signed request. Returns a heap string (length in *len). */
static char *build_request(const struct config *cfg, const char *akid,
                           const char *secret, size_t *len)
{
    char host[64], path[512];
    snprintf(host, sizeof(host), "127.0.0.1:%u", cfg->port);
    const char *body = "";
    char body_buf[512];
    if (cfg->create) {
        snprintf(path, sizeof(path), "/fuota-tasks");
        snprintf(body_buf, sizeof(body_buf),
                 "{\"Name\":\"bench\",\"FirmwareUpdateImage\":\"s3://bench/"
                 "fw.bin\",\"FirmwareUpdateRole\":\"arn:aws:iam::"
                 "123456789012:role/bench\",\"LoRaWAN\":{\"RfRegion\":"
                 "\"EU868\"},\"FragmentSizeBytes\":50}");
        body = body_buf;
    } else {
        snprintf(path, sizeof(path), "/fuota-tasks/%s", cfg->id);
    }
    struct sigv4_header headers[2] = {
        { .name = "Host", .value = host },
        { .name = "Content-Type", .value = "application/json" },
    };
    struct sigv4_request req = {
        .method = cfg->create ? "POST" : "GET",
        .path = path,
        .path_form = SIGV4_PATH_WIRE,
        .headers = headers,
        .header_count = cfg->create ? 2 : 1,
        .payload = body,
        .payload_len = strlen(body),
    };
    struct sigv4_credentials cred = { .access_key_id = akid,
                                      .secret_access_key = secret };
    struct sigv4_sign_options opt = { .region = cfg->region,
                                      .time = (int64_t)time(NULL) };
    struct sigv4_signed s;
    char err[256];
    sigv4_signed_init(&s);
    if (sigv4_sign(&req, &cred, &opt, &s, err, sizeof(err)) != SIGV4_OK) {
        fprintf(stderr, "bench_serve: signing failed: %s\n", err);
        return NULL;
    }
    size_t cap = 4096 + strlen(body);
    char *out = malloc(cap);
    if (out == NULL) {
        sigv4_signed_cleanup(&s);
        return NULL;
    }
    int n = snprintf(out, cap, "%s %s HTTP/1.1\r\nHost: %s\r\n", req.method,
                     path, host);
    if (cfg->create)
        n += snprintf(out + n, cap - (size_t)n,
                      "Content-Type: application/json\r\n"
                      "Content-Length: %zu\r\n",
                      strlen(body));
    for (size_t i = 0; i < s.add_header_count; i++)
        n += snprintf(out + n, cap - (size_t)n, "%s: %s\r\n",
                      s.add_headers[i].name, s.add_headers[i].value);
    n += snprintf(out + n, cap - (size_t)n, "\r\n%s", body);
    sigv4_signed_cleanup(&s);
    *len = (size_t)n;
    return out;
}

static int usage(void)
{
    fprintf(stderr, "usage: bench_serve --port P --op get|create [--id ID] "
                    "[--connections N] [--requests N] [--seconds S] "
                    "[--region R]\n");
    return 2;
}

int main(int argc, char **argv)
{
    struct config cfg = { .connections = 16,
                          .requests = 100000,
                          .seconds = 20,
                          .region = "us-east-1" };
    const char *op = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (v == NULL)
            return usage();
        if (strcmp(a, "--port") == 0)
            cfg.port = (unsigned)strtoul(v, NULL, 10);
        else if (strcmp(a, "--op") == 0)
            op = v;
        else if (strcmp(a, "--id") == 0)
            cfg.id = v;
        else if (strcmp(a, "--connections") == 0)
            cfg.connections = (int)strtol(v, NULL, 10);
        else if (strcmp(a, "--requests") == 0)
            cfg.requests = strtol(v, NULL, 10);
        else if (strcmp(a, "--seconds") == 0)
            cfg.seconds = strtod(v, NULL);
        else if (strcmp(a, "--region") == 0)
            cfg.region = v;
        else
            return usage();
        i++;
    }
    if (op == NULL || cfg.port == 0 || cfg.port > 65535 ||
        cfg.connections < 1 || cfg.connections > MAX_CONNECTIONS ||
        cfg.requests < 1 || cfg.seconds <= 0)
        return usage();
    cfg.create = strcmp(op, "create") == 0;
    if (!cfg.create && (strcmp(op, "get") != 0 || cfg.id == NULL))
        return usage();
    const char *akid = getenv("BENCH_ACCESS_KEY_ID");
    const char *secret = getenv("BENCH_SECRET_ACCESS_KEY");
    if (akid == NULL || secret == NULL) {
        fprintf(stderr, "bench_serve: set BENCH_ACCESS_KEY_ID and "
                        "BENCH_SECRET_ACCESS_KEY\n");
        return 2;
    }
    if (sodium_init() < 0)
        return 1;
    size_t len = 0;
    char *request = build_request(&cfg, akid, secret, &len);
    if (request == NULL)
        return 1;

    struct worker *w = calloc((size_t)cfg.connections, sizeof(*w));
    if (w == NULL)
        return 1;
    atomic_init(&issued, 0);
    double t0 = now_s();
    deadline = t0 + cfg.seconds;
    for (int i = 0; i < cfg.connections; i++) {
        w[i].cfg = &cfg;
        w[i].request = request;
        w[i].request_len = len;
        if (pthread_create(&w[i].thread, NULL, run_worker, &w[i]) != 0)
            return 1;
    }
    long total = 0, errors = 0, other = 0;
    int bad_status = 0;
    for (int i = 0; i < cfg.connections; i++) {
        pthread_join(w[i].thread, NULL);
        total += w[i].count;
        errors += w[i].errors;
        other += w[i].status_other;
        if (bad_status == 0)
            bad_status = w[i].first_bad_status;
    }
    double elapsed = now_s() - t0;
    double *all = malloc((size_t)(total > 0 ? total : 1) * sizeof(*all));
    if (all == NULL)
        return 1;
    long k = 0;
    for (int i = 0; i < cfg.connections; i++) {
        memcpy(all + k, w[i].lat_ms, (size_t)w[i].count * sizeof(*all));
        k += w[i].count;
        free(w[i].lat_ms);
    }
    qsort(all, (size_t)total, sizeof(*all), cmp_double);
#define PCT(p) (total ? all[(long)((double)(total - 1) * (p))] : 0.0)
    printf("op=%s connections=%d requests=%ld errors=%ld unexpected_status=%ld"
           " seconds=%.2f rps=%.0f p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f "
           "max_ms=%.3f\n",
           op, cfg.connections, total, errors, other, elapsed,
           (double)total / elapsed, PCT(0.50), PCT(0.90), PCT(0.99),
           total ? all[total - 1] : 0.0);
    if (other > 0)
        fprintf(stderr,
                "bench_serve: %ld responses had another status "
                "(first: %d)\n",
                other, bad_status);
    free(all);
    free(w);
    free(request);
    return errors > 0 || other > 0 ? 1 : 0;
}
