#include "tui/playback_model.h"

#include <string.h>

/* --- the clock ---------------------------------------------------------- */

static int clamp_speed(int s)
{
    return s < 0 ? 0 : s >= PB_SPEED_COUNT ? PB_SPEED_COUNT - 1 : s;
}

void pb_clock_init(struct pb_clock *c, uint32_t last, int speed)
{
    memset(c, 0, sizeof(*c));
    c->last = last;
    c->speed = clamp_speed(speed);
}

int pb_speed_for(uint32_t last)
{
    for (int s = 0; s < PB_SPEED_COUNT; s++)
        if ((uint64_t)last <= (uint64_t)PB_DEFAULT_SECONDS << s)
            return s;
    return PB_SPEED_COUNT - 1;
}

unsigned pb_clock_speed(const struct pb_clock *c)
{
    return 1u << c->speed;
}

uint32_t pb_clock_position(const struct pb_clock *c)
{
    return (uint32_t)(c->milli / 1000);
}

bool pb_clock_at_end(const struct pb_clock *c)
{
    return pb_clock_position(c) >= c->last;
}

bool pb_clock_advance(struct pb_clock *c, uint64_t now_ms, uint32_t limit)
{
    uint32_t before = pb_clock_position(c);
    uint64_t dt = now_ms > c->then ? now_ms - c->then : 0;
    c->then = now_ms;
    if (limit > c->last)
        limit = c->last;
    if (!c->playing)
        return false;
    /* ms x fragments/s = thousandths of a fragment. */
    c->milli += dt * pb_clock_speed(c);
    if (c->milli >= (uint64_t)limit * 1000) {
        c->milli = (uint64_t)limit * 1000;
        if (limit == c->last)
            c->playing = false;
    }
    return pb_clock_position(c) != before;
}

void pb_clock_toggle(struct pb_clock *c, uint64_t now_ms)
{
    c->then = now_ms;
    if (!c->playing && pb_clock_at_end(c)) {
        c->milli = 0;
        c->playing = c->last > 0;
        return;
    }
    c->playing = !c->playing;
}

bool pb_clock_step(struct pb_clock *c, uint32_t limit)
{
    c->playing = false;
    if (limit > c->last)
        limit = c->last;
    uint32_t n = pb_clock_position(c);
    if (n >= limit)
        return false;
    c->milli = (uint64_t)(n + 1) * 1000;
    return true;
}

bool pb_clock_faster(struct pb_clock *c)
{
    if (c->speed + 1 >= PB_SPEED_COUNT)
        return false;
    c->speed++;
    return true;
}

bool pb_clock_slower(struct pb_clock *c)
{
    if (c->speed == 0)
        return false;
    c->speed--;
    return true;
}

void pb_clock_end(struct pb_clock *c)
{
    c->milli = (uint64_t)c->last * 1000;
    c->playing = false;
}

void pb_clock_restart(struct pb_clock *c, uint64_t now_ms)
{
    c->milli = 0;
    c->then = now_ms;
    c->playing = c->last > 0;
}

double pb_clock_seconds_left(const struct pb_clock *c)
{
    uint64_t end = (uint64_t)c->last * 1000;
    if (c->milli >= end)
        return 0.0;
    return (double)(end - c->milli) / 1000.0 / (double)pb_clock_speed(c);
}

/* --- the grid ----------------------------------------------------------- */

static size_t ceil_div(size_t a, size_t b)
{
    return b ? (a + b - 1) / b : 0;
}

void pb_grid_layout(size_t devices, int w, int h, struct pb_grid *out)
{
    memset(out, 0, sizeof(*out));
    out->devices = devices;
    out->w = w > 0 ? w : 0;
    out->h = h > 0 ? h : 0;
    if (devices == 0 || out->w == 0 || out->h == 0) {
        out->cell_w = 1;
        return;
    }
    size_t wide = (size_t)out->w / 2;
    if (wide > 0 && ceil_div(devices, wide) <= (size_t)out->h) {
        out->cell_w = 2;
        out->cols = (int)wide;
    } else if (ceil_div(devices, (size_t)out->w) <= (size_t)out->h) {
        out->cell_w = 1;
        out->cols = out->w;
    } else {
        out->bars = true;
        out->cell_w = 1;
        int groups = 10;
        if (groups > out->h)
            groups = out->h;
        if ((size_t)groups > devices)
            groups = (int)devices;
        out->groups = groups;
        out->rows = groups;
        return;
    }
    if ((size_t)out->cols > devices)
        out->cols = (int)devices;
    out->rows = (int)ceil_div(devices, (size_t)out->cols);
}

size_t pb_grid_device_at(const struct pb_grid *g, int row, int col)
{
    if (g->bars || row < 0 || col < 0 || row >= g->rows || col >= g->cols)
        return SIZE_MAX;
    size_t d = (size_t)row * (size_t)g->cols + (size_t)col;
    return d < g->devices ? d : SIZE_MAX;
}

void pb_grid_cell_of(const struct pb_grid *g, size_t d, int *row, int *col)
{
    if (g->bars || g->cols == 0) {
        *row = *col = 0;
        return;
    }
    *row = (int)(d / (size_t)g->cols);
    *col = (int)(d % (size_t)g->cols);
}

void pb_grid_group(const struct pb_grid *g, int k, size_t *first, size_t *end)
{
    if (!g->bars || g->groups == 0 || k < 0 || k >= g->groups) {
        *first = *end = 0;
        return;
    }
    /* 64-bit products: no overflow below 2^32 devices per group count. */
    *first = (size_t)((uint64_t)g->devices * (uint64_t)k / (uint64_t)g->groups);
    *end = (size_t)((uint64_t)g->devices * (uint64_t)(k + 1) /
                    (uint64_t)g->groups);
}

int pb_grid_group_of(const struct pb_grid *g, size_t d)
{
    if (!g->bars || g->groups == 0 || g->devices == 0)
        return 0;
    if (d >= g->devices)
        d = g->devices - 1;
    /* The largest k with first(k) <= d. */
    int k = (int)((uint64_t)d * (uint64_t)g->groups / (uint64_t)g->devices);
    size_t first, end;
    for (;;) {
        pb_grid_group(g, k, &first, &end);
        if (d < first && k > 0)
            k--;
        else if (d >= end && k + 1 < g->groups)
            k++;
        else
            return k;
    }
}

size_t pb_grid_move(const struct pb_grid *g, size_t d, int dy, int dx)
{
    if (g->devices == 0)
        return 0;
    if (d >= g->devices)
        d = g->devices - 1;
    long long target;
    if (g->bars) {
        int k = pb_grid_group_of(g, d);
        int nk = k + dy;
        nk = nk < 0 ? 0 : nk >= g->groups ? g->groups - 1 : nk;
        size_t first, end, nfirst, nend;
        pb_grid_group(g, k, &first, &end);
        pb_grid_group(g, nk, &nfirst, &nend);
        long long off = (long long)(d - first);
        if (nend > nfirst && off > (long long)(nend - nfirst) - 1)
            off = (long long)(nend - nfirst) - 1;
        target = (long long)nfirst + off + dx;
    } else {
        if (g->cols == 0)
            return d;
        int row, col;
        pb_grid_cell_of(g, d, &row, &col);
        int nc = col + dx;
        int nr = row + dy;
        nc = nc < 0 ? 0 : nc >= g->cols ? g->cols - 1 : nc;
        nr = nr < 0 ? 0 : nr >= g->rows ? g->rows - 1 : nr;
        target = (long long)nr * g->cols + nc;
    }
    if (target < 0)
        target = 0;
    if ((unsigned long long)target >= g->devices)
        target = (long long)g->devices - 1;
    return (size_t)target;
}

/* --- states ------------------------------------------------------------- */

bool pb_refused(const struct fleet_device_result *x)
{
    return x->refused;
}

enum pb_state pb_state_at(const struct fleet_device_result *x,
                          uint32_t first_rx, uint32_t n, uint32_t sent)
{
    if (pb_refused(x))
        return PB_FAILED;
    if (x->done_at && x->done_at <= n)
        return x->status == BACKEND_DEVICE_SUCCESSFUL ? PB_COMPLETE : PB_FAILED;
    if (!x->done_at && n >= sent && x->status != BACKEND_DEVICE_SUCCESSFUL)
        return PB_FAILED;
    if (first_rx && first_rx <= n)
        return PB_RECEIVING;
    return PB_WAITING;
}

void pb_bar_split(const size_t *counts, size_t k, int width, int *widths)
{
    size_t total = 0, nonzero = 0;
    for (size_t i = 0; i < k; i++) {
        widths[i] = 0;
        total += counts[i];
        nonzero += counts[i] != 0;
    }
    if (total == 0 || width <= 0 || k > PB_BAR_MAX)
        return;
    /* Largest remainder (Hamilton): the floors, then one more cell each
     * to the largest remainders. */
    uint64_t rem[PB_BAR_MAX];
    int left = width;
    for (size_t i = 0; i < k; i++) {
        uint64_t prod = (uint64_t)counts[i] * (uint64_t)width;
        widths[i] = (int)(prod / total);
        rem[i] = prod % total;
        left -= widths[i];
    }
    while (left > 0) {
        size_t best = 0;
        for (size_t i = 1; i < k; i++)
            if (rem[i] > rem[best])
                best = i;
        widths[best]++;
        rem[best] = 0;
        left--;
    }
    /* A state that is there keeps a cell (a lone failed device stays in
     * sight), taken from the widest, when the bar has room for all. */
    if ((size_t)width < nonzero)
        return;
    for (size_t i = 0; i < k; i++) {
        if (!counts[i] || widths[i])
            continue;
        size_t widest = 0;
        for (size_t j = 1; j < k; j++)
            if (widths[j] > widths[widest])
                widest = j;
        widths[widest]--;
        widths[i]++;
    }
}

/* --- the timeline ------------------------------------------------------- */

int pb_timeline(uint32_t m, uint32_t r, uint32_t n, uint32_t sent, bool ended,
                int width, enum pb_tl *cells)
{
    if (width <= 0)
        return -1;
    uint64_t total = (uint64_t)m + r;
    int divider = -1;
    int uw = width, rw = 0;
    if (r > 0 && width >= 3) {
        /* The divider takes a cell; the rest splits as M : R, with at
         * least one cell each side. */
        int room = width - 1;
        uw = (int)(((uint64_t)room * m + total / 2) / (total ? total : 1));
        uw = uw < 1 ? 1 : uw > room - 1 ? room - 1 : uw;
        rw = room - uw;
        divider = uw;
    }
    for (int i = 0; i < uw; i++) {
        /* Cell i covers uncoded fragments up to ceil((i + 1) m / uw). */
        uint64_t upto =
            ((uint64_t)(i + 1) * m + (uint64_t)uw - 1) / (uint64_t)uw;
        cells[i] = n >= upto ? PB_TL_UNCODED_SENT : PB_TL_UNCODED_TODO;
    }
    if (divider >= 0) {
        cells[divider] = PB_TL_DIVIDER;
        for (int i = 0; i < rw; i++) {
            uint64_t upto =
                m + ((uint64_t)(i + 1) * r + (uint64_t)rw - 1) / (uint64_t)rw;
            enum pb_tl v =
                n >= upto ? PB_TL_REDUNDANCY_SENT : PB_TL_REDUNDANCY_TODO;
            if (ended && upto > sent && v == PB_TL_REDUNDANCY_TODO)
                v = PB_TL_NOT_SENT;
            cells[divider + 1 + i] = v;
        }
    } else if (r > 0) {
        /* No room for a divider: the whole bar is the stream. */
        for (int i = 0; i < width; i++) {
            uint64_t upto = ((uint64_t)(i + 1) * total + (uint64_t)width - 1) /
                            (uint64_t)width;
            bool red = upto > m;
            bool done = n >= upto;
            cells[i] =
                red ? (done ? PB_TL_REDUNDANCY_SENT : PB_TL_REDUNDANCY_TODO)
                    : (done ? PB_TL_UNCODED_SENT : PB_TL_UNCODED_TODO);
        }
    }
    return divider;
}
