/* libFuzzer target: the live client's reading of service answers (every
 * aws/wire parser, success and error), which come from the network. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "aws/wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *body = (const char *)data;
    struct backend_error err;
    struct backend_created c;
    struct backend_task t;
    struct backend_task_page tp;
    struct backend_id_page ip;
    struct backend_device_page dp;
    backend_error_clear(&err);
    memset(&c, 0, sizeof(c));
    backend_task_init(&t);
    backend_task_page_init(&tp);
    backend_id_page_init(&ip);
    backend_device_page_init(&dp);
    (void)aws_wire_parse_created(body, size, &c, &err);
    (void)aws_wire_parse_task(body, size, &t, &err);
    (void)aws_wire_parse_task_page(body, size, &tp, &err);
    (void)aws_wire_parse_id_page(body, size, &ip, &err);
    (void)aws_wire_parse_device_page(body, size, &dp, &err);
    (void)aws_wire_parse_error(size % 2 ? 400 : 503, size % 3 ? NULL : "X:y",
                               body, size, &err);
    backend_task_cleanup(&t);
    backend_task_page_cleanup(&tp);
    backend_id_page_cleanup(&ip);
    backend_device_page_cleanup(&dp);
    return 0;
}
