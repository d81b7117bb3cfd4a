#include "sim/session_time.h"

#include <stdbool.h>

#include "core/plan.h"
#include "core/task.h"
#include "sim/store.h"

static int64_t ceil_div(int64_t a, int64_t b)
{
    return (a + b - 1) / b;
}

/* The simple estimate, for tasks core/plan cannot plan (no region). */
static int64_t estimate_ms(const struct backend_task *t, int64_t image_bytes)
{
    int64_t size = t->has_fragment_size_bytes && t->fragment_size_bytes > 0
                       ? t->fragment_size_bytes
                       : STORE_DEFAULT_FRAGMENT_SIZE;
    int64_t interval = t->has_fragment_interval_ms ? t->fragment_interval_ms
                                                   : STORE_DEFAULT_INTERVAL_MS;
    int64_t red = t->has_redundancy_percent ? t->redundancy_percent : 0;
    int64_t m = ceil_div(image_bytes, size);
    int64_t r = ceil_div(m * red, 100);
    /* "rounded to the nearest second" (FragmentIntervalMS, service model) */
    int64_t step = (interval + 500) / 1000 * 1000;
    if (step < 1000)
        step = 1000;
    return (m + r) * step;
}

int64_t session_time_ms(const struct backend_task *t, int64_t image_bytes)
{
    if (!t->rf_region)
        return estimate_ms(t, image_bytes);
    struct fuota_task req;
    backend_task_as_request(t, &req);
    struct plan_input in = { .task = &req,
                             .image_bytes = (uint64_t)image_bytes,
                             .dr = -1 };
    struct plan plan;
    struct diag_list diags;
    diag_list_init(&diags);
    enum plan_status ps = plan_compute(&in, &plan, &diags);
    diag_list_cleanup(&diags); /* req borrows: no task_cleanup */
    if (ps != PLAN_OK || !plan.airtime_known || plan.session_wall_time_s <= 0)
        return estimate_ms(t, image_bytes);
    return (int64_t)(plan.session_wall_time_s * 1000.0 + 0.5);
}
