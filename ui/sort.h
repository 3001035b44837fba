/* Sorting the sessions table: by one column of the registry (columns.h),
 * ascending or descending, stable (rows that compare equal keep their
 * order), with rows that have no value last either way. The caller puts
 * each row's key for the chosen column into a sort_item; this file orders
 * them. Pure: tested alone. */
#ifndef SESAME_SORT_H
#define SESAME_SORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* No column chosen: the default order of session_order.h. */
#define SORT_NONE (-1)

/* The column `s` goes to after cur (a column id of columns.h, or
 * SORT_NONE): the next of shown[0..n) in order, wrapping round; SORT_NONE
 * and a column not shown go to the first. SORT_NONE if none is shown. */
int sort_next(int cur, const int *shown, size_t n);

struct sort_item {
    const char *text;  /* text columns: the folded text (compared naturally: "s9" < "s10") */
    int64_t num;       /* numeric columns */
    bool missing;      /* no value: last, whatever the direction */
    size_t index;      /* the row; also breaks ties (so the sort is stable) */
};

/* Order v by text (or num if numeric), descending if desc. */
void sort_items(struct sort_item *v, size_t n, bool numeric, bool desc);

#endif
