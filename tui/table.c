#include "tui/table.h"

/* Width the shown columns need at their current widths, gaps included. */
static int needed(const struct table_place *out, size_t n, int gap)
{
    int sum = 0, shown = 0;
    for (size_t i = 0; i < n; i++)
        if (out[i].shown) {
            sum += out[i].w;
            shown++;
        }
    return sum + (shown > 1 ? (shown - 1) * gap : 0);
}

/* The shown column to drop next: highest rank, rightmost; n for none. */
static size_t next_to_drop(const struct table_column *cols,
                           const struct table_place *out, size_t n)
{
    size_t pick = n;
    for (size_t i = 0; i < n; i++)
        if (out[i].shown && cols[i].rank > 0 &&
            (pick == n || cols[i].rank >= cols[pick].rank))
            pick = i;
    return pick;
}

size_t table_layout(const struct table_column *cols, size_t n, int width,
                    int gap, struct table_place *out)
{
    if (width < 0)
        width = 0;
    if (gap < 0)
        gap = 0;
    for (size_t i = 0; i < n; i++)
        out[i] =
            (struct table_place){ true, 0, cols[i].min > 0 ? cols[i].min : 0 };
    while (needed(out, n, gap) > width) {
        size_t d = next_to_drop(cols, out, n);
        if (d == n)
            break;
        out[d].shown = false;
    }
    /* Widen, lowest rank first. */
    int spare = width - needed(out, n, gap);
    int max_rank = 0;
    for (size_t i = 0; i < n; i++)
        if (cols[i].rank > max_rank)
            max_rank = cols[i].rank;
    for (int r = 0; r <= max_rank && spare > 0; r++)
        for (size_t i = 0; i < n && spare > 0; i++) {
            if (!out[i].shown || cols[i].rank != r || cols[i].want <= out[i].w)
                continue;
            int more = cols[i].want - out[i].w;
            if (more > spare)
                more = spare;
            out[i].w += more;
            spare -= more;
        }
    /* Still too wide (rank-0 columns alone): cut from the right. */
    int over = needed(out, n, gap) - width;
    for (size_t i = n; i-- > 0 && over > 0;) {
        if (!out[i].shown)
            continue;
        int cut = out[i].w - 1 < over ? out[i].w - 1 : over;
        out[i].w -= cut;
        over -= cut;
    }
    size_t shown = 0;
    int x = 0;
    for (size_t i = 0; i < n; i++) {
        if (!out[i].shown) {
            out[i].x = out[i].w = 0;
            continue;
        }
        out[i].x = x;
        x += out[i].w + gap;
        shown++;
    }
    return shown;
}
