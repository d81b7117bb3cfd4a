#ifndef FUOTA_TUI_TABLE_H
#define FUOTA_TUI_TABLE_H

/*
 * The columns of a table fitted to a width, kept apart from drawing so it
 * can be tested. Each column has a minimum and a wanted width and a rank:
 * when the minimums (and the gaps between columns) do not fit, columns go
 * from the highest rank down, the rightmost of a rank first (rank 0 always
 * stays, cut if need be); the room left then widens the kept columns
 * towards their wanted width, lowest rank first, left to right.
 * Pure arithmetic.
 */

#include <stdbool.h>
#include <stddef.h>

struct table_column {
    const char *title;
    int min, want; /* columns; min <= want */
    int rank;      /* 0 = never dropped */
    bool right;    /* right-aligned (numbers) */
};

struct table_place {
    bool shown;
    int x, w; /* from the table's left edge */
};

/*
 * Lays out n columns in `width` columns with `gap` blanks between shown
 * ones into out[0..n-1]. Returns how many are shown.
 */
size_t table_layout(const struct table_column *cols, size_t n, int width,
                    int gap, struct table_place *out);

#endif
