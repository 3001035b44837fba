/* The sessions table's state, shared by its files: sessions_view.c (rows,
 * order, filter, marks, keys), sessions_draw.c (columns laid out, drawing,
 * the clocks). UI thread only. */
#ifndef SESAME_SESSIONS_PRIV_H
#define SESAME_SESSIONS_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "app.h"
#include "columns.h"
#include "markset.h"
#include "prefs.h"
#include "query.h"
#include "table.h"

/* A row of the table, by its index in the store: 4 bytes, as the view
 * keeps a few of these per session (100k sessions: 0.4 MB each, not 0.8). */
typedef uint32_t row_index;
#define NO_ROW UINT32_MAX

#define HEAD_ROWS 2           /* the rule with the title, the column headers */
#define TCOLS (1 + COLUMN_COUNT) /* the mark, then the columns shown */

struct sessions_view {
    struct listpos pos;
    unsigned seen;            /* store.sessions_version the rows were made from */
    unsigned flags_seen;      /* store.flags_version then */
    bool built;
    row_index *acc_of;        /* per store session: its account's index (NO_ROW: none) */
    row_index *by_default;    /* store indexes in the default order, kept once a column is
                               * sorted by (NULL: order is in the default order) */
    row_index *order;         /* store indexes, sorted */
    row_index *rows;          /* order, narrowed and filtered: what the table shows; order
                               * itself when every row is shown, else rows_buf */
    row_index *rows_buf;      /* rows' own array, made once some are left out (NULL till then) */
    size_t n_order, n_rows;

    /* the filter */
    struct query_index hay;   /* per store session; the first hay.n made so far */
    int64_t hay_now;          /* the clock the index's statuses are made with */
    struct query query;       /* the filter kept or being typed (the last that parsed) */
    char *typed;              /* the text at the prompt (may not parse) */
    char *query_error;        /* why typed does not parse, or NULL */
    bool prompting;           /* the filter prompt is open */
    bool filter_pending;      /* typed into since the filter was last applied: applied
                               * once the keys that came together are read (a paste) */

    int sort;                 /* a column id, or SORT_NONE */
    row_index *sorted;        /* the last order sorted by a steady key (a view switched */
    int sorted_col;           /* back to is not sorted again): by this column (SORT_NONE: */
    bool sorted_desc;         /* none kept), this way; forgotten when the sessions change */
    bool desc, prefs_loaded;
    char *narrow;             /* account id, or NULL for every account */
    char *view_name;          /* the saved view applied, till the filter or sort change by hand */

    /* marks: per store session; carried over a refresh (which rebuilds every
     * row) by the sessions' keys, made once something is marked, then a
     * slice at a time between keys (work) so that marking all of 100k rows
     * only sets bytes */
    unsigned char *marked;    /* per store session */
    size_t n_marks;           /* marked among the store's sessions */
    size_t n_marked_shown;    /* marked rows among rows[] */
    uint64_t *keys;           /* per store session: its markset_key, 0 = not made yet;
                               * NULL till something is marked */
    size_t keys_done;         /* the first keys_done are made */
    uint64_t *acc_key;        /* per account: markset_account of its id */
    size_t n_acc_key;
    bool visual;              /* a range is being chosen (visual mode) ... */
    char *anchor_key;         /* ... from this session (its key) ... */
    size_t anchor;            /* ... (its store index) ... */
    size_t anchor_row;        /* ... (its row, SIZE_MAX: not shown) to the cursor */

    char *cur_key;            /* the session under the cursor, to follow it ... */
    size_t cur;               /* ... and its store index (SIZE_MAX: none) */

    /* columns */
    struct column_choice choice;  /* what is chosen (set columns, a view, the chooser) */
    bool chosen;              /* by the user: shown even with no value anywhere */
    enum time_mode time;
    bool has_data[COLUMN_COUNT];  /* a column some session has a value for */
    int cur_col;              /* the column under the column cursor (a column id) */
    /* the last layout: tcol[0] the marks, tcol[1 + i] column id[i] */
    struct column tcol[TCOLS];
    enum column_id id[COLUMN_COUNT];
    size_t n_cols;            /* columns in the layout (some may have width 0) */
    int widths[TCOLS];
    int laid_w;               /* the width it was laid out for */
    int64_t drawn_ms;         /* the clock the times on screen were drawn with */
};

static inline struct sessions_view *sessions_priv(const struct view *v)
{
    return v->priv;
}

static inline size_t sessions_visible(const struct view *v)
{
    return v->area.h > HEAD_ROWS ? (size_t)(v->area.h - HEAD_ROWS) : 0;
}

/* sessions_view.c */
void sessions_sync(struct view *v, struct app *app);
/* The row of store session k, for the registry (columns.h). */
struct column_row sessions_row(const struct sessions_view *sv, const struct app *app, size_t k);
const struct store_account *sessions_account_of(const struct sessions_view *sv,
                                                const struct app *app, size_t k);
/* Is table row r inside the visual range? */
bool sessions_in_range(const struct sessions_view *sv, size_t r);

/* sessions_draw.c */
void sessions_layout(struct sessions_view *sv, int width);
void sessions_draw(struct view *v, struct app *app);
int64_t sessions_next_tick(struct view *v, struct app *app, int64_t now);
void sessions_tick(struct view *v, struct app *app);
/* The column x falls in (a column id), -1 for none or the marks. */
int sessions_column_at(const struct sessions_view *sv, int x);

#endif
