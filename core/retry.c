#include "core/retry.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

static const char *const messages[] = {
#define X(id, msg) [id] = msg,
    RETRY_STATUSES(X)
#undef X
};

const char *retry_status_message(enum retry_status s)
{
    return (unsigned)s < sizeof(messages) / sizeof(messages[0]) ? messages[s]
                                                                : "unknown";
}

void retry_token(const char *task_id, char *buf, size_t size)
{
    unsigned char hash[crypto_hash_sha256_BYTES];
    char hex[2 * crypto_hash_sha256_BYTES + 1];
    crypto_hash_sha256(hash, (const unsigned char *)task_id, strlen(task_id));
    sodium_bin2hex(hex, sizeof(hex), hash, sizeof(hash));
    snprintf(buf, size, "%s%.40s", RETRY_TOKEN_PREFIX, hex);
}

/* The first `chars` characters of UTF-8 text s, in bytes. */
static size_t utf8_prefix(const char *s, long chars)
{
    size_t i = 0;
    for (long c = 0; s[i] && c < chars; c++) {
        i++;
        while ((s[i] & 0xc0) == 0x80)
            i++;
    }
    return i;
}

static void make_name(const struct backend_task *t, char *buf, size_t size)
{
    if (!t->name || !*t->name) {
        snprintf(buf, size, "%s%.8s", RETRY_TOKEN_PREFIX, t->id ? t->id : "");
        return;
    }
    long room = TASK_NAME_MAX - (long)strlen(RETRY_NAME_SUFFIX);
    long chars = task_utf8_length(t->name, strlen(t->name));
    size_t bytes = chars < 0 || chars <= room ? strlen(t->name)
                                              : utf8_prefix(t->name, room);
    snprintf(buf, size, "%.*s%s", (int)bytes, t->name, RETRY_NAME_SUFFIX);
}

enum retry_status retry_plan_make(const struct backend_task *task,
                                  const struct backend_device *devices,
                                  size_t n, struct retry_plan *out)
{
    memset(out, 0, sizeof(*out));
    task_init(&out->request);
    if (task->status != BACKEND_TASK_DONE)
        return RETRY_NOT_FINISHED;
    if (n == 0)
        return RETRY_NO_DEVICES;
    out->total = n;
    for (size_t i = 0; i < n; i++)
        out->successful += devices[i].status == BACKEND_DEVICE_SUCCESSFUL;
    if (out->successful == n) {
        size_t ok = out->successful;
        memset(out, 0, sizeof(*out));
        out->total = n;
        out->successful = ok;
        return RETRY_NOTHING;
    }
    out->devices = malloc((n - out->successful) * sizeof(*out->devices));
    if (!out->devices) {
        memset(out, 0, sizeof(*out));
        return RETRY_NO_MEMORY;
    }
    for (size_t i = 0; i < n; i++)
        if (devices[i].status != BACKEND_DEVICE_SUCCESSFUL)
            out->devices[out->count++] = i;
    retry_token(task->id ? task->id : "", out->token, sizeof(out->token));
    make_name(task, out->name, sizeof(out->name));
    snprintf(out->description, sizeof(out->description),
             "Retry of FuotaTask %s for the %zu of %zu devices that did not "
             "end Successful",
             task->id ? task->id : "", out->count, n);
    backend_task_as_request(task, &out->request);
    out->request.client_request_token = out->token;
    out->request.name = out->name;
    out->request.description = out->description;
    return RETRY_OK;
}

void retry_plan_cleanup(struct retry_plan *p)
{
    if (!p)
        return;
    free(p->devices);
    memset(p, 0, sizeof(*p));
}
