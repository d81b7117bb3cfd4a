#include "cli/service.h"

#include <string.h>

#include <sodium.h>

#include "cli/util.h"
#include "core/advice.h"

void service_trace(void *ctx, const char *line)
{
    fprintf(stderr, "fuota %s: * %s\n", (const char *)ctx, line);
}

int service_open(const char *cmd, struct target_settings *s, struct target *t)
{
    memset(t, 0, sizeof(*t));
    if (sodium_init() < 0) {
        cli_error(cmd, "libsodium failed to initialise");
        return EXIT_CHECK;
    }
    if (s->verbose && !s->trace) {
        s->trace = service_trace;
        s->trace_ctx = (void *)cmd;
    }
    char err[TARGET_ERR_MAX];
    enum target_status st = target_open(s, t, err, sizeof(err));
    if (st != TARGET_OK) {
        cli_error(cmd, "%s", err[0] ? err : target_status_message(st));
        if (st == TARGET_E_USAGE)
            return cli_usage_error(cmd);
        return st == TARGET_E_SETTINGS ? EXIT_USAGE : EXIT_CHECK;
    }
    if (t->warning[0])
        fprintf(stderr, "fuota %s: warning: %s\n", cmd, t->warning);
    return EXIT_OK;
}

int service_refused(const char *cmd, const struct target *t,
                    const struct backend_error *err)
{
    struct advice a;
    advice_explain(err, &a);
    fprintf(stderr, "fuota %s: %s\n", cmd, a.title);
    if (err->message[0]) {
        char safe[BACKEND_MESSAGE_MAX];
        fprintf(stderr, "  the service says: %s\n",
                service_safe(err->message, safe, sizeof(safe)));
    }
    if (a.text[0])
        fprintf(stderr, "  what to do: %s\n", a.text);
    fprintf(stderr, "  target: %s\n", t->description);
    return EXIT_CHECK;
}

const char *service_safe(const char *s, char *buf, size_t size)
{
    if (size == 0)
        return buf;
    size_t i = 0;
    for (; s && s[i] && i + 1 < size; i++) {
        unsigned char c = (unsigned char)s[i];
        buf[i] = (c < 0x20 || c == 0x7f) ? '?' : (char)c;
    }
    buf[i] = '\0';
    return buf;
}
