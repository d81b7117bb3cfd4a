#ifndef FUOTA_SIM_SESSION_TIME_H
#define FUOTA_SIM_SESSION_TIME_H

/*
 * How long the simulator's FUOTA session for a task lasts, in unscaled
 * milliseconds (the store divides by its time_scale). Pure computation, safe
 * from any thread.
 */

#include <stdint.h>

#include "core/backend.h"

/*
 * core/plan's session wall time for `task` and an image of image_bytes (> 0)
 * at the region's default Class C data rate (fragments x max(interval
 * rounded to the second, time on air, duty-cycle slot)). When the task names
 * no RfRegion or the plan has no time on air, the estimate M =
 * ceil(image_bytes / FragmentSizeBytes), R = ceil(M * RedundancyPercent /
 * 100), (M + R) x max(1 s, FragmentIntervalMS rounded to the nearest
 * second), unset members taking STORE_DEFAULT_FRAGMENT_SIZE /
 * STORE_DEFAULT_INTERVAL_MS (sim/store.h) / 0 %.
 */
int64_t session_time_ms(const struct backend_task *task, int64_t image_bytes);

#endif
