/* Placeholder until the Foundation issue's task module lands. */
#include "core/task.h"

#include <string.h>

void task_init(struct fuota_task *task)
{
    memset(task, 0, sizeof(*task));
}
