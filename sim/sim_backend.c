#include "sim/sim_backend.h"

#include <stddef.h>
#include <stdlib.h>

struct sim_backend {
    struct backend base; /* first: a struct backend * is a sim_backend * */
    struct store *store;
    bool owns_store;
};

static struct store *st(struct backend *b)
{
    return ((struct sim_backend *)b)->store;
}

static enum backend_status sim_create(struct backend *b,
                                      const struct fuota_task *request,
                                      struct backend_created *out,
                                      struct backend_error *err)
{
    return store_create_task(st(b), request, out, err);
}

static enum backend_status sim_get(struct backend *b, const char *id,
                                   struct backend_task *out,
                                   struct backend_error *err)
{
    return store_get_task(st(b), id, out, err);
}

static enum backend_status sim_list(struct backend *b,
                                    const struct backend_page_req *page,
                                    struct backend_task_page *out,
                                    struct backend_error *err)
{
    return store_list_tasks(st(b), page, out, err);
}

static enum backend_status sim_update(struct backend *b, const char *id,
                                      const struct fuota_task *changes,
                                      struct backend_error *err)
{
    return store_update_task(st(b), id, changes, err);
}

static enum backend_status sim_delete(struct backend *b, const char *id,
                                      struct backend_error *err)
{
    return store_delete_task(st(b), id, err);
}

static enum backend_status sim_start(struct backend *b, const char *id,
                                     bool has_start_time, int64_t start_time,
                                     struct backend_error *err)
{
    return store_start_task(st(b), id, has_start_time, start_time, err);
}

static enum backend_status sim_assoc_dev(struct backend *b, const char *id,
                                         const char *device_id,
                                         struct backend_error *err)
{
    return store_associate_device(st(b), id, device_id, err);
}

static enum backend_status sim_disassoc_dev(struct backend *b, const char *id,
                                            const char *device_id,
                                            struct backend_error *err)
{
    return store_disassociate_device(st(b), id, device_id, err);
}

static enum backend_status sim_assoc_grp(struct backend *b, const char *id,
                                         const char *group_id,
                                         struct backend_error *err)
{
    return store_associate_group(st(b), id, group_id, err);
}

static enum backend_status sim_disassoc_grp(struct backend *b, const char *id,
                                            const char *group_id,
                                            struct backend_error *err)
{
    return store_disassociate_group(st(b), id, group_id, err);
}

static enum backend_status sim_list_groups(struct backend *b, const char *id,
                                           const struct backend_page_req *page,
                                           struct backend_id_page *out,
                                           struct backend_error *err)
{
    return store_list_groups(st(b), id, page, out, err);
}

static enum backend_status sim_list_devices(struct backend *b, const char *id,
                                            const struct backend_page_req *page,
                                            struct backend_device_page *out,
                                            struct backend_error *err)
{
    return store_list_devices(st(b), id, page, out, err);
}

static void sim_close(struct backend *b)
{
    struct sim_backend *sb = (struct sim_backend *)b;
    if (sb->owns_store)
        store_close(sb->store);
    free(sb);
}

static const struct backend_ops sim_ops = {
    .name = "simulator",
    .create_task = sim_create,
    .get_task = sim_get,
    .list_tasks = sim_list,
    .update_task = sim_update,
    .delete_task = sim_delete,
    .start_task = sim_start,
    .associate_device = sim_assoc_dev,
    .disassociate_device = sim_disassoc_dev,
    .associate_group = sim_assoc_grp,
    .disassociate_group = sim_disassoc_grp,
    .list_groups = sim_list_groups,
    .list_devices = sim_list_devices,
    .close = sim_close,
};

struct backend *sim_backend_new(struct store *store, bool takes_ownership)
{
    struct sim_backend *sb = calloc(1, sizeof(*sb));
    if (!sb)
        return NULL;
    sb->base.ops = &sim_ops;
    sb->store = store;
    sb->owns_store = takes_ownership;
    return &sb->base;
}

enum backend_status sim_backend_open(const struct store_options *opts,
                                     struct backend **out,
                                     struct backend_error *err)
{
    struct store *store;
    *out = NULL;
    enum backend_status status = store_open(opts, &store, err);
    if (status != BACKEND_OK)
        return status;
    *out = sim_backend_new(store, true);
    if (!*out) {
        store_close(store);
        return backend_error_set(err, BACKEND_NO_MEMORY, "out of memory");
    }
    return BACKEND_OK;
}

struct store *sim_backend_store(struct backend *b)
{
    if (!b || b->ops != &sim_ops)
        return NULL;
    return st(b);
}
