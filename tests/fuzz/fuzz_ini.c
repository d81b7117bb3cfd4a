/* libFuzzer target: the AWS config / credentials INI parser. */
#include <stddef.h>
#include <stdint.h>

#include "core/ini.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct ini_doc d;
    unsigned line;
    char err[64];
    if (ini_parse(&d, (const char *)data, size, &line, err, sizeof(err)) ==
        INI_OK) {
        for (size_t i = 0; i < d.section_count; i++)
            (void)ini_get(&d, i, "region");
    }
    ini_cleanup(&d);
    return 0;
}
