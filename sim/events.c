#include "sim/events.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const type_names[] = {
#define X(id, name) [id] = name,
    EVENTS_TYPES(X)
#undef X
};

static const char *const device_status_names[] = {
#define X(id, name) [id] = name,
    BACKEND_DEVICE_STATUSES(X)
#undef X
};

const char *events_type_name(enum events_type type)
{
    if ((size_t)type >= sizeof(type_names) / sizeof(*type_names))
        return "unknown";
    return type_names[type];
}

/* Where the iterator is in the stream. */
enum phase {
    PHASE_SETUP,   /* FAILED events of devices refused at setup */
    PHASE_SEND,    /* SENT of fragment n */
    PHASE_DEVICE,  /* device d's RECEIVED / LOST of fragment n */
    PHASE_OUTCOME, /* device d's COMPLETED / FAILED at fragment n */
    PHASE_MISSING, /* MissingFrag devices after the last fragment */
    PHASE_END
};

struct events_iter {
    const struct fleet_params *p;
    const struct fleet_result *r;
    struct loss_shared shared;
    struct loss_device *dev;
    enum phase phase;
    uint32_t n;
    size_t d;
    bool has_peek; /* one event read ahead by events_next_frame */
    struct events_event peek;
    size_t completed_total, failed_total;
};

struct events_iter *events_new(const struct fleet_params *p,
                               const struct fleet_result *r)
{
    struct events_iter *it = calloc(1, sizeof(*it));
    if (!it)
        return NULL;
    it->dev = calloc(r->devices ? r->devices : 1, sizeof(*it->dev));
    if (!it->dev) {
        free(it);
        return NULL;
    }
    it->p = p;
    it->r = r;
    loss_shared_build(&it->shared, &p->loss, p->seed, r->total);
    for (size_t d = 0; d < r->devices; d++)
        loss_device_init(&it->dev[d], &p->loss, p->seed, d,
                         p->device_loss ? p->device_loss[d] : -1.0);
    it->phase = PHASE_SETUP;
    it->n = 1;
    it->d = 0;
    return it;
}

void events_free(struct events_iter *it)
{
    if (!it)
        return;
    free(it->dev);
    free(it);
}

/* Device d is still listening when fragment n goes out. */
static bool listening(const struct fleet_device_result *x, uint32_t n)
{
    if (x->refused)
        return false;
    return x->done_at == 0 || n <= x->done_at;
}

static bool generate(struct events_iter *it, struct events_event *ev);

bool events_next(struct events_iter *it, struct events_event *ev)
{
    if (it->has_peek) {
        *ev = it->peek;
        it->has_peek = false;
        return true;
    }
    return generate(it, ev);
}

bool events_next_frame(struct events_iter *it, struct events_frame *frame)
{
    memset(frame, 0, sizeof(*frame));
    struct events_event ev;
    bool any = false;
    while (events_next(it, &ev)) {
        if (ev.type == EVENTS_SENT) {
            if (any && frame->fragment != 0) {
                it->peek = ev;
                it->has_peek = true;
                break;
            }
            frame->fragment = ev.fragment;
            frame->time_us = ev.time_us;
        }
        any = true;
        switch (ev.type) {
        case EVENTS_SENT:
            break;
        case EVENTS_RECEIVED:
            frame->received++;
            break;
        case EVENTS_LOST:
            frame->lost++;
            break;
        case EVENTS_COMPLETED:
            frame->completed++;
            it->completed_total++;
            break;
        case EVENTS_FAILED:
            frame->failed++;
            it->failed_total++;
            break;
        }
    }
    frame->completed_total = it->completed_total;
    frame->failed_total = it->failed_total;
    return any;
}

static bool generate(struct events_iter *it, struct events_event *ev)
{
    const struct fleet_result *r = it->r;
    const struct fleet_session *s = it->p->session;
    memset(ev, 0, sizeof(*ev));
    for (;;) {
        switch (it->phase) {
        case PHASE_SETUP:
            while (it->d < r->devices) {
                const struct fleet_device_result *x = &r->dev[it->d++];
                if (x->refused) {
                    ev->type = EVENTS_FAILED;
                    ev->device = it->d - 1;
                    ev->status = x->status;
                    return true;
                }
            }
            it->phase = r->sent ? PHASE_SEND : PHASE_MISSING;
            it->d = 0;
            break;
        case PHASE_SEND:
            ev->type = EVENTS_SENT;
            ev->fragment = it->n;
            ev->time_us = fleet_send_time_us(s, it->n);
            it->phase = PHASE_DEVICE;
            it->d = 0;
            return true;
        case PHASE_DEVICE:
            while (it->d < r->devices && !listening(&r->dev[it->d], it->n))
                it->d++;
            if (it->d >= r->devices) {
                if (it->n < r->sent) {
                    it->n++;
                    it->phase = PHASE_SEND;
                } else {
                    it->phase = PHASE_MISSING;
                    it->d = 0;
                }
                break;
            }
            {
                size_t d = it->d;
                /* Wrong keys: every frame fails its check, as if lost. */
                bool lost = loss_device_next(&it->dev[d], &it->shared, it->n) ||
                            r->dev[d].fault == FAULT_MIC_ERROR;
                ev->type = lost ? EVENTS_LOST : EVENTS_RECEIVED;
                ev->fragment = it->n;
                ev->device = d;
                ev->time_us = fleet_heard_time_us(s, it->n);
                if (r->dev[d].done_at == it->n)
                    it->phase = PHASE_OUTCOME;
                else
                    it->d++;
                return true;
            }
        case PHASE_OUTCOME: {
            const struct fleet_device_result *x = &r->dev[it->d];
            ev->type = x->status == BACKEND_DEVICE_SUCCESSFUL ? EVENTS_COMPLETED
                                                              : EVENTS_FAILED;
            ev->fragment = it->n;
            ev->device = it->d;
            ev->status = x->status;
            ev->time_us = fleet_heard_time_us(s, it->n);
            it->d++;
            it->phase = PHASE_DEVICE;
            return true;
        }
        case PHASE_MISSING:
            while (it->d < r->devices) {
                const struct fleet_device_result *x = &r->dev[it->d++];
                if (x->done_at == 0 && !x->refused) {
                    ev->type = EVENTS_FAILED;
                    ev->fragment = r->sent;
                    ev->device = it->d - 1;
                    ev->status = x->status;
                    ev->time_us = fleet_end_time_us(s, r->sent);
                    return true;
                }
            }
            it->phase = PHASE_END;
            break;
        case PHASE_END:
            return false;
        }
    }
}

size_t events_format_json(const struct events_event *ev, char *buf, size_t size)
{
    int n;
    if (ev->type == EVENTS_SENT)
        n = snprintf(buf, size,
                     "{\"t_ms\":%" PRIu64 ".%03u,\"event\":\"sent\","
                     "\"fragment\":%u}",
                     ev->time_us / 1000, (unsigned)(ev->time_us % 1000),
                     (unsigned)ev->fragment);
    else if (ev->type == EVENTS_COMPLETED || ev->type == EVENTS_FAILED)
        n = snprintf(buf, size,
                     "{\"t_ms\":%" PRIu64 ".%03u,\"event\":\"%s\","
                     "\"fragment\":%u,\"device\":%zu,\"status\":\"%s\"}",
                     ev->time_us / 1000, (unsigned)(ev->time_us % 1000),
                     events_type_name(ev->type), (unsigned)ev->fragment,
                     ev->device, device_status_names[ev->status]);
    else
        n = snprintf(buf, size,
                     "{\"t_ms\":%" PRIu64 ".%03u,\"event\":\"%s\","
                     "\"fragment\":%u,\"device\":%zu}",
                     ev->time_us / 1000, (unsigned)(ev->time_us % 1000),
                     events_type_name(ev->type), (unsigned)ev->fragment,
                     ev->device);
    if (n < 0)
        return 0;
    return (size_t)n < size ? (size_t)n : (size ? size - 1 : 0);
}
