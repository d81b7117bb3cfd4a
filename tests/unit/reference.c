#include "tests/unit/reference.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

const char *reference_dir(void)
{
    const char *d = getenv("FUOTA_REF");
    return d && *d ? d : "tests/data/reference";
}

char *reference_read(const char *path, size_t *len_out)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    size_t cap = 1 << 16, len = 0;
    char *buf = malloc(cap + 1);
    size_t n;
    while (buf != NULL && (n = fread(buf + len, 1, cap - len, f)) > 0) {
        len += n;
        if (len == cap) {
            char *grown = realloc(buf, cap * 2 + 1);
            if (grown == NULL) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = grown;
            cap *= 2;
        }
    }
    fclose(f);
    if (buf != NULL)
        buf[len] = '\0';
    if (len_out != NULL)
        *len_out = len;
    return buf;
}

cJSON *reference_load(const char *file)
{
    char path[1024];
    snprintf(path, sizeof(path), "%s/%s", reference_dir(), file);
    char *text = reference_read(path, NULL);
    if (text == NULL)
        fail_msg("cannot read %s", path);
    cJSON *json = cJSON_Parse(text);
    free(text);
    if (json == NULL)
        fail_msg("%s is not JSON", path);
    return json;
}
