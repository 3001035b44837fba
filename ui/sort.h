/* Sorting the sessions table: by one column, ascending or descending,
 * stable (rows that compare equal keep their order), with rows that have
 * no value last either way. The caller puts each row's key for the chosen
 * column into a sort_item; this file orders them. Pure: tested alone. */
#ifndef SESAME_SORT_H
#define SESAME_SORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The sortable columns, in table order; names as `set sort` takes them. */
enum sort_col {
    SORT_NONE = -1,  /* the default order of session_order.h */
    SORT_PROVIDER = 0,
    SORT_ACCOUNT,
    SORT_USER,
    SORT_SESSION,
    SORT_STATUS,
    SORT_CREATED,
    SORT_LAST_ACTIVE,
    SORT_EXPIRES,
    SORT_DEVICE,
    SORT_BROWSER,
    SORT_IP,
    SORT_COUNT
};

/* "provider" ... "ip"; "none" for SORT_NONE. */
const char *sort_column_name(enum sort_col c);
/* SORT_NONE if name is NULL or unknown. */
enum sort_col sort_column_parse(const char *name);
/* Numbers (times, status rank) rather than text? */
bool sort_column_numeric(enum sort_col c);
/* The column `s` goes to after cur: the next one that shown[] says is on
 * screen (shown may be NULL: all are), wrapping round; SORT_NONE goes to
 * the first. SORT_NONE if none is shown. */
enum sort_col sort_next(enum sort_col cur, const bool *shown);

struct sort_item {
    const char *text;  /* text columns: the folded text (compared naturally: "s9" < "s10") */
    int64_t num;       /* numeric columns */
    bool missing;      /* no value: last, whatever the direction */
    size_t index;      /* the row; also breaks ties (so the sort is stable) */
};

/* Order v by text (or num if numeric), descending if desc. */
void sort_items(struct sort_item *v, size_t n, bool numeric, bool desc);

#endif
