/* The sessions table: every account's sessions in one table, with the
 * columns chosen from the registry (src/columns.h), sorted by a column,
 * filtered as you type in the filter language (src/query.h), narrowed to
 * one account (Enter on it in the accounts pane; Esc widens again), with
 * marks for actions on many (one by one, all shown, inverted, a range in
 * visual mode) and a column cursor whose cell can be read whole and copied.
 *
 * The rows are indexes into the store's sessions, rebuilt only when the
 * store's sessions change (sessions_version): then the order is sorted
 * once; each session's row of the filter's index is made once the filter
 * is opened, a slice at a time between keys (work), or all at once when
 * the filter needs them first. A keystroke in the filter only scans the
 * index; drawing (sessions_draw.c) only touches the rows on screen. */
#include <glib.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "actions.h"
#include "config.h"
#include "draw.h"
#include "lineedit.h"
#include "providers/provider.h"
#include "query_time.h"
#include "session_order.h"
#include "session_status.h"
#include "sessions_priv.h"
#include "sort.h"
#include "textfold.h"
#include "util.h"

#define WHEEL_ROWS 3

/* ---- a store session as a row of the registry ---- */

const struct store_account *sessions_account_of(const struct sessions_view *sv,
                                                const struct app *app, size_t k)
{
    size_t i = sv->acc_of ? sv->acc_of[k] : NO_ROW;
    return i < app->store.n_acc ? &app->store.acc[i] : NULL;
}

struct column_row sessions_row(const struct sessions_view *sv, const struct app *app, size_t k)
{
    const struct store_account *sa = sessions_account_of(sv, app, k);
    struct column_row r = {&app->store.sessions.v[k], NULL, NULL, NULL, NULL};
    if (sa) {
        r.account_id = sa->a.id;
        r.account_label = sa->a.label;
        r.provider_id = sa->a.provider_id;
        r.provider_title = sa->provider ? sa->provider->title : NULL;
    }
    return r;
}

static char *session_key(const struct session *s)
{
    return xasprintf("%s\x1f%s", s->account_id ? s->account_id : "", s->id ? s->id : "");
}

/* The keys are made only once something is marked (or marks were carried
 * over a refresh): 8 bytes a session that a table never marked in does not
 * hold (100k sessions: 0.8 MB of the peak). */
static void keys_want(struct sessions_view *sv)
{
    if (!sv->keys) {
        sv->keys = xcalloc(sv->n_order ? sv->n_order : 1, sizeof *sv->keys);
        sv->keys_done = 0;
    }
}

/* Store session k's key: what its mark is known by after a refresh. */
static uint64_t mark_key(struct sessions_view *sv, const struct app *app, size_t k)
{
    keys_want(sv);
    if (sv->keys[k])
        return sv->keys[k];
    const struct session *s = &app->store.sessions.v[k];
    size_t i = sv->acc_of ? sv->acc_of[k] : NO_ROW;
    uint64_t acc = i < sv->n_acc_key ? sv->acc_key[i] : markset_account(s->account_id);
    return sv->keys[k] = markset_key(acc, s->id);
}

/* Make the next (up to budget) keys; returns how many are left. */
static size_t keys_make(struct sessions_view *sv, const struct app *app, size_t budget)
{
    size_t n = sv->keys ? sv->n_order : 0;
    while (budget > 0 && sv->keys_done < n) {
        mark_key(sv, app, sv->keys_done++);
        budget--;
    }
    return n - sv->keys_done;
}

/* ---- the filter's index ---- */

/* Is the index wanted (some 220 bytes a session)? Only once the filter
 * is opened: then it is made a slice at a time (the view's work) while it
 * is typed into, the rest at once when the filter needs it first. */
static bool index_wanted(const struct sessions_view *sv)
{
    return sv->prompting || query_active(&sv->query);
}

/* Make the next (up to budget) rows of the index; returns how many are left. */
static size_t index_make(struct sessions_view *sv, const struct app *app, size_t budget)
{
    size_t n = sv->n_order;
    while (budget > 0 && sv->hay.n < n) {
        struct column_row r = sessions_row(sv, app, sv->hay.n);
        query_index_add(&sv->hay, &r, sv->hay_now);
        budget--;
    }
    return n - sv->hay.n;
}

/* ---- the order ---- */

/* qsort_r's context for the default order: the store's sessions and
 * their accounts' places. */
struct order_ctx {
    const struct session *v;
    const row_index *acc_of;
};

static int default_cmp(const void *x, const void *y, void *p)
{
    const struct order_ctx *c = p;
    row_index a = *(const row_index *)x, b = *(const row_index *)y;
    int r = session_order_cmp(c->acc_of[a], &c->v[a], c->acc_of[b], &c->v[b]);
    return r ? r : a < b ? -1 : a > b;
}

/* order[] by the chosen column; rows it finds equal, and every row when no
 * column is chosen, in the default order (session_order.h), which does not
 * depend on the order the store got them in: a refresh moves no row. */
static void default_order(struct sessions_view *sv, const struct app *app)
{
    size_t n = app->store.sessions.n;
    for (size_t k = 0; k < n; k++)
        sv->order[k] = (row_index)k;
    struct order_ctx ctx = {app->store.sessions.v, sv->acc_of};
    if (n > 1)
        qsort_r(sv->order, n, sizeof *sv->order, default_cmp, &ctx);
    free(sv->by_default); /* the old list's */
    sv->by_default = NULL;
}

static void sort_rows(struct sessions_view *sv, const struct app *app)
{
    size_t n = app->store.sessions.n;
    sv->n_order = n;
    /* the default order is kept aside only once a column is sorted by
     * (4 bytes a session): till then order is in it */
    if (sv->by_default) {
        memcpy(sv->order, sv->by_default, (n ? n : 1) * sizeof *sv->order);
    } else if (n >= 2 && sv->sort != SORT_NONE) {
        sv->by_default = xmalloc(n * sizeof *sv->by_default);
        memcpy(sv->by_default, sv->order, n * sizeof *sv->by_default);
    }
    if (n < 2 || sv->sort == SORT_NONE)
        return;
    if (sv->sort == sv->sorted_col && sv->desc == sv->sorted_desc) {
        memcpy(sv->order, sv->sorted, n * sizeof *sv->order);
        return;
    }
    enum column_id c = (enum column_id)sv->sort;
    bool numeric = column_def(c)->numeric;
    struct sort_item *items = xmalloc(n * sizeof *items);
    char **folds = numeric ? NULL : xcalloc(n, sizeof *folds);
    int64_t now = now_ms();
    for (size_t r = 0; r < n; r++) {
        struct column_row row = sessions_row(sv, app, sv->order[r]);
        char buf[COLUMN_TEXT_MAX];
        const char *text;
        int64_t num;
        items[r].index = r; /* ties: the default order */
        items[r].missing = !column_sort_key(c, &row, now, &num, &text, buf);
        items[r].num = num;
        items[r].text = NULL;
        if (!numeric && !items[r].missing)
            items[r].text = folds[r] = text_fold(text);
    }
    sort_items(items, n, numeric, sv->desc);
    for (size_t r = 0; r < n; r++)
        sv->order[r] = sv->by_default[items[r].index];
    for (size_t r = 0; folds && r < n; r++)
        free(folds[r]);
    free(folds);
    free(items);
    if (column_sort_key_steady(c)) {
        sv->sorted = xrealloc(sv->sorted, n * sizeof *sv->sorted);
        memcpy(sv->sorted, sv->order, n * sizeof *sv->order);
        sv->sorted_col = sv->sort;
        sv->sorted_desc = sv->desc;
    }
}

static bool in_narrow(const struct sessions_view *sv, const struct app *app, size_t k)
{
    if (!sv->narrow)
        return true;
    const struct store_account *sa = sessions_account_of(sv, app, k);
    return sa && sa->a.id && strcmp(sa->a.id, sv->narrow) == 0;
}

static void count_marked(struct sessions_view *sv)
{
    sv->n_marked_shown = 0;
    if (sv->n_marks == 0)
        return;
    for (size_t r = 0; r < sv->n_rows; r++)
        sv->n_marked_shown += sv->marked[sv->rows[r]];
}

/* Put the cursor back on the session it was on, if it is still shown
 * (true); else it keeps its place. */
static bool follow_cursor(struct view *v)
{
    struct sessions_view *sv = sessions_priv(v);
    bool found = false;
    for (size_t r = 0; sv->cur != SIZE_MAX && r < sv->n_rows; r++) {
        if (sv->rows[r] == sv->cur) {
            sv->pos.cursor = r;
            found = true;
            break;
        }
    }
    listpos_clamp(&sv->pos, sv->n_rows, sessions_visible(v));
    return found;
}

static void remember_cursor(struct view *v, const struct app *app)
{
    struct sessions_view *sv = sessions_priv(v);
    size_t k = sv->pos.cursor < sv->n_rows ? sv->rows[sv->pos.cursor] : SIZE_MAX;
    if (k == sv->cur && sv->cur_key)
        return;
    free(sv->cur_key);
    sv->cur_key = NULL;
    sv->cur = k;
    if (k != SIZE_MAX)
        sv->cur_key = session_key(&app->store.sessions.v[k]);
}

/* After the rows were chosen: the marks among them, the visual range's
 * start, the cursor. */
static bool rows_selected(struct view *v)
{
    struct sessions_view *sv = sessions_priv(v);
    count_marked(sv);
    sv->anchor_row = SIZE_MAX; /* the visual range's start, where it is now */
    for (size_t r = 0; sv->visual && r < sv->n_rows; r++) {
        if (sv->rows[r] == sv->anchor) {
            sv->anchor_row = r;
            break;
        }
    }
    return follow_cursor(v);
}

/* rows as an array of their own, to be written (till then they may be
 * order itself): with the rows there are when keep. Once made it stays
 * till the sessions change: a filter typed and erased maps no memory
 * each time. */
static row_index *rows_own(struct sessions_view *sv, bool keep)
{
    if (!sv->rows_buf)
        sv->rows_buf = xmalloc((sv->n_order ? sv->n_order : 1) * sizeof *sv->rows_buf);
    if (sv->rows != sv->rows_buf) {
        if (keep)
            memcpy(sv->rows_buf, sv->rows, sv->n_rows * sizeof *sv->rows_buf);
        sv->rows = sv->rows_buf;
    }
    return sv->rows;
}

/* rows from order (narrowed, filtered) — or, when the filter only got
 * narrower, from the rows there are. Every row shown (no filter, no
 * account narrowed to): rows are order itself, not a copy of it (4 bytes
 * a session, 0.4 MB at 100k). */
static bool select_rows(struct view *v, const struct app *app, bool from_rows)
{
    struct sessions_view *sv = sessions_priv(v);
    bool filtering = query_active(&sv->query);
    if (!filtering && !sv->narrow) {
        sv->rows = sv->order;
        sv->n_rows = sv->n_order;
        return rows_selected(v);
    }
    /* fields only (a saved view's status:active) while the index is not
     * made: those columns of each row, not all of them for the index at
     * once (100k rows: the first view was ~110 ms; work() makes the index
     * after, a slice at a time) */
    bool by_row = filtering && sv->hay.n < sv->n_order &&
                  !query_reads_every_column(&sv->query);
    if (filtering && !by_row)
        index_make(sv, app, SIZE_MAX);
    row_index *rows = rows_own(sv, from_rows && !by_row);
    if (from_rows && !by_row) {
        sv->n_rows = query_apply(&sv->query, &sv->hay, rows, sv->n_rows, rows);
    } else {
        /* the index is read in its own order, then the rows taken in
         * theirs: read in a sorted order, every row's text was a miss of
         * the cache (100k rows: ~8 ms of the view Active's ~17) */
        unsigned char *hit = NULL;
        int64_t now = now_ms();
        if (filtering) {
            hit = xmalloc(sv->n_order ? sv->n_order : 1);
            for (size_t k = 0; k < sv->n_order; k++) {
                struct column_row row = by_row ? sessions_row(sv, app, k) : (struct column_row){0};
                hit[k] = by_row ? query_match_row(&sv->query, &row, now)
                                : query_index_match(&sv->query, &sv->hay, k);
            }
        }
        size_t o = 0;
        for (size_t r = 0; r < sv->n_order; r++) {
            size_t k = sv->order[r];
            if ((hit && !hit[k]) || !in_narrow(sv, app, k))
                continue;
            rows[o++] = (row_index)k;
        }
        sv->n_rows = o;
        free(hit);
    }
    if (sv->query.timed) { /* times compared (expires:<1h): of the rows the text kept */
        size_t o = 0;
        int64_t now = now_ms();
        for (size_t r = 0; r < sv->n_rows; r++) {
            struct column_row row = sessions_row(sv, app, sv->rows[r]);
            if (query_time_match(&sv->query, &row, now))
                rows[o++] = rows[r];
        }
        sv->n_rows = o;
    }
    return rows_selected(v);
}

/* The keys of the marked sessions, before the store's list is replaced
 * (their keys were made when they were marked). */
static void carry_marks(const struct sessions_view *sv, struct markset *out)
{
    markset_init(out);
    if (sv->n_marks == 0)
        return;
    markset_reserve(out, sv->n_marks);
    for (size_t k = 0; k < sv->n_order; k++)
        if (sv->marked[k])
            markset_add(out, sv->keys[k]);
}

/* The store's sessions anew: which are marked (marks of sessions that are
 * gone go), which one the cursor was on, where the visual range began. */
static void find_keys(struct sessions_view *sv, const struct app *app, const struct markset *carried)
{
    const char *anchor_key = sv->visual ? sv->anchor_key : NULL;
    size_t n = app->store.sessions.n;
    memset(sv->marked, 0, n ? n : 1);
    free(sv->keys); /* the old list's; made again once something is marked */
    sv->keys = NULL;
    sv->keys_done = 0;
    sv->n_marks = 0;
    sv->cur = SIZE_MAX;
    size_t anchor = SIZE_MAX;
    if (carried->n) { /* every key now: the marks find their sessions */
        keys_want(sv);
        keys_make(sv, app, SIZE_MAX);
        for (size_t k = 0; k < n; k++)
            if (markset_has(carried, sv->keys[k]))
                sv->n_marks += sv->marked[k] = 1;
    }
    for (size_t k = 0; (sv->cur_key || anchor_key) && k < n; k++) {
        const struct session *s = &app->store.sessions.v[k];
        char *key = session_key(s);
        if (sv->cur_key && sv->cur == SIZE_MAX && strcmp(key, sv->cur_key) == 0)
            sv->cur = k;
        if (anchor_key && anchor == SIZE_MAX && strcmp(key, anchor_key) == 0)
            anchor = k;
        free(key);
        if ((sv->cur != SIZE_MAX || !sv->cur_key) && (anchor != SIZE_MAX || !anchor_key))
            break;
    }
    if (sv->visual && anchor == SIZE_MAX)
        sv->visual = false; /* where it began is gone */
    sv->anchor = anchor;
    sv->anchor_row = SIZE_MAX;
}

/* Which columns some session has a value for (a default set leaves out
 * those none has). Each is looked for until found. */
static void find_data(struct sessions_view *sv, const struct app *app)
{
    size_t n = app->store.sessions.n;
    int64_t now = now_ms();
    bool want[COLUMN_COUNT];
    size_t missing = 0;
    for (int c = 0; c < COLUMN_COUNT; c++) {
        want[c] = column_def((enum column_id)c)->hide_empty;
        sv->has_data[c] = !want[c] || n == 0; /* an empty table shows what it would have */
        missing += want[c] && n;
    }
    for (size_t k = 0; missing && k < n; k++) {
        struct column_row r = sessions_row(sv, app, k);
        char buf[COLUMN_TEXT_MAX];
        for (int c = 0; c < COLUMN_COUNT; c++) {
            if (!want[c] || sv->has_data[c])
                continue;
            /* absolute: a countdown that has run out still has a value */
            if (column_text((enum column_id)c, &r, now, TIME_ABSOLUTE, buf)) {
                sv->has_data[c] = true;
                missing--;
            }
        }
    }
}

/* The choices sesame.conf made, once: sort, columns, time. */
static void load_prefs(struct sessions_view *sv, const struct app *app)
{
    if (sv->prefs_loaded)
        return;
    sv->prefs_loaded = true;
    int c = column_find(app->prefs.sort_column);
    sv->sort = c >= 0 ? c : SORT_NONE;
    sv->desc = c >= 0 && app->prefs.sort_desc;
    sv->time = app->prefs.time_absolute ? TIME_ABSOLUTE : TIME_RELATIVE;
    if (app->prefs.has_columns) {
        sv->choice = app->prefs.columns;
        sv->chosen = true;
    }
}

static void rebuild(struct view *v, struct app *app)
{
    struct sessions_view *sv = sessions_priv(v);
    size_t n = app->store.sessions.n;
    load_prefs(sv, app);
    if (sv->narrow && store_index(&app->store, sv->narrow) < 0) {
        free(sv->narrow); /* the account went away */
        sv->narrow = NULL;
    }
    struct markset carried;
    carry_marks(sv, &carried); /* by the old list's keys, before it goes */
    sv->acc_of = xrealloc(sv->acc_of, (n ? n : 1) * sizeof *sv->acc_of);
    sv->order = xrealloc(sv->order, (n ? n : 1) * sizeof *sv->order);
    free(sv->rows_buf); /* select_rows makes them anew */
    sv->rows_buf = NULL;
    sv->rows = sv->order;
    sv->n_rows = 0;
    sv->marked = xrealloc(sv->marked, n ? n : 1);
    sv->n_acc_key = app->store.n_acc;
    sv->acc_key = xrealloc(sv->acc_key, (sv->n_acc_key ? sv->n_acc_key : 1) * sizeof *sv->acc_key);
    for (size_t i = 0; i < sv->n_acc_key; i++)
        sv->acc_key[i] = markset_account(app->store.acc[i].a.id);
    sv->n_order = n; /* the keys below are made for the new list */
    /* the account of each session, looked up by id once per account run */
    const char *last_id = NULL;
    row_index last_i = NO_ROW;
    for (size_t k = 0; k < n; k++) {
        const char *id = app->store.sessions.v[k].account_id;
        if (!last_id || !id || strcmp(id, last_id) != 0) {
            ssize_t i = store_index(&app->store, id);
            last_i = i < 0 ? NO_ROW : (row_index)i;
            last_id = id;
        }
        sv->acc_of[k] = last_i;
    }
    if (index_wanted(sv))
        query_index_reset(&sv->hay); /* made later, by work() or for the filter */
    else
        query_index_free(&sv->hay); /* and its memory too, till the filter is opened */
    sv->hay_now = now_ms();
    find_data(sv, app);
    find_keys(sv, app, &carried);
    markset_free(&carried);
    default_order(sv, app);
    sv->sorted_col = SORT_NONE; /* the sessions changed */
    sort_rows(sv, app);
    select_rows(v, app, false);
    sv->seen = app->store.sessions_version;
    sv->flags_seen = app->store.flags_version;
    sv->built = true;
}

/* Rebuild if the store's sessions changed since (the count too, in case
 * someone changed them without saying so: indexes must never go stale). */
void sessions_sync(struct view *v, struct app *app)
{
    struct sessions_view *sv = sessions_priv(v);
    if (!sv->built || sv->seen != app->store.sessions_version ||
        sv->n_order != app->store.sessions.n) {
        rebuild(v, app);
    } else if (sv->flags_seen != app->store.flags_version) {
        /* only flags changed: the cells read them as drawn; the filter's
         * index holds their text, and a sort may be by them */
        sv->flags_seen = app->store.flags_version;
        query_index_reset(&sv->hay);
        if (index_wanted(sv) || sv->sort == COLUMN_FLAGS)
            rebuild(v, app);
    }
}

bool sessions_in_range(const struct sessions_view *sv, size_t r)
{
    if (!sv->visual || r >= sv->n_rows)
        return false;
    size_t a = sv->anchor_row < sv->n_rows ? sv->anchor_row : sv->pos.cursor;
    size_t lo = a < sv->pos.cursor ? a : sv->pos.cursor;
    size_t hi = a < sv->pos.cursor ? sv->pos.cursor : a;
    return r >= lo && r <= hi;
}

/* ---- what the other views and actions use ---- */

const struct session *sessions_view_current(const struct view *v, struct app *app)
{
    struct sessions_view *sv = sessions_priv(v);
    sessions_sync((struct view *)v, app);
    if (sv->pos.cursor >= sv->n_rows)
        return NULL;
    return &app->store.sessions.v[sv->rows[sv->pos.cursor]];
}

size_t sessions_view_marked(const struct view *v, struct app *app, const struct session **out,
                            size_t max)
{
    struct sessions_view *sv = sessions_priv(v);
    sessions_sync((struct view *)v, app);
    size_t n = 0;
    if (sv->n_marks == 0)
        return 0;
    for (size_t r = 0; r < sv->n_rows; r++) {
        if (!sv->marked[sv->rows[r]])
            continue;
        if (n < max && out)
            out[n] = &app->store.sessions.v[sv->rows[r]];
        n++;
    }
    return n;
}

size_t sessions_view_marks_hidden(const struct view *v, struct app *app)
{
    struct sessions_view *sv = sessions_priv(v);
    sessions_sync((struct view *)v, app);
    return sv->n_marks > sv->n_marked_shown ? sv->n_marks - sv->n_marked_shown : 0;
}

void sessions_view_clear_marks(struct view *v)
{
    struct sessions_view *sv = sessions_priv(v);
    if (sv->marked)
        memset(sv->marked, 0, sv->n_order ? sv->n_order : 1);
    sv->n_marks = sv->n_marked_shown = 0;
}

void sessions_view_narrow(struct view *v, struct app *app, const char *account_id)
{
    struct sessions_view *sv = sessions_priv(v);
    sessions_sync(v, app);
    free(sv->narrow);
    sv->narrow = xstrdup(account_id);
    if (!select_rows(v, app, false))
        listpos_set(&sv->pos, sv->n_rows, 0, sessions_visible(v));
    remember_cursor(v, app);
}

size_t sessions_view_count(struct view *v, struct app *app)
{
    sessions_sync(v, app);
    return sessions_priv(v)->n_rows;
}

struct column_row sessions_view_row(struct view *v, struct app *app, size_t r)
{
    struct sessions_view *sv = sessions_priv(v);
    sessions_sync(v, app);
    return sessions_row(sv, app, sv->rows[r < sv->n_rows ? r : 0]);
}

size_t sessions_view_shown(struct view *v, struct app *app, enum column_id *out)
{
    struct sessions_view *sv = sessions_priv(v);
    sessions_sync(v, app);
    sessions_layout(sv, v->area.w > 0 ? v->area.w : app->cols);
    memcpy(out, sv->id, sv->n_cols * sizeof *out);
    return sv->n_cols;
}

enum time_mode sessions_view_time(const struct view *v)
{
    return sessions_priv(v)->time;
}

const struct column_choice *sessions_view_columns(struct view *v, struct app *app)
{
    struct sessions_view *sv = sessions_priv(v);
    sessions_sync(v, app);
    if (!sv->chosen) { /* the default set, as it is shown */
        memset(&sv->choice.width, 0, sizeof sv->choice.width);
        sv->choice.set = columns_default_dashboard;
    }
    return &sv->choice;
}

const char *sessions_view_filter_text(const struct view *v)
{
    return sessions_priv(v)->query.source;
}

void sessions_view_set_view_name(struct view *v, const char *name)
{
    struct sessions_view *sv = sessions_priv(v);
    free(sv->view_name);
    sv->view_name = xstrdup(name);
}

int sessions_view_sort_column(const struct view *v, bool *desc)
{
    *desc = sessions_priv(v)->desc;
    return sessions_priv(v)->sort;
}

/* Write a choice back to sesame.conf, saying what happened either way. */
static void remember(struct app *app, const char *name, const char *value, const char *done)
{
    char *path = prefs_path(config_dir()), *err = NULL;
    if (prefs_save_setting(path, name, value, &err) != 0)
        app_error(app, "%s, but not remembered: %s", done, err ? err : "?");
    else
        app_message(app, "%s", done);
    free(err);
    free(path);
}

void sessions_view_set_columns(struct view *v, struct app *app, const struct column_choice *c,
                               bool save)
{
    struct sessions_view *sv = sessions_priv(v);
    sessions_sync(v, app);
    sv->choice = *c;
    sv->chosen = true;
    sessions_layout(sv, v->area.w > 0 ? v->area.w : app->cols);
    if (!save)
        return;
    char *text = prefs_format_columns(c);
    char *done = xasprintf("columns: %s", text);
    remember(app, "columns", text, done);
    free(done);
    free(text);
}

void sessions_view_sort(struct view *v, struct app *app, int col, bool desc, bool save)
{
    struct sessions_view *sv = sessions_priv(v);
    sessions_sync(v, app);
    sv->sort = col;
    sv->desc = col != SORT_NONE && desc;
    remember_cursor(v, app);
    sort_rows(sv, app);
    select_rows(v, app, false);
    if (!save)
        return;
    if (col == SORT_NONE) {
        remember(app, "sort", "none", "sorted in the default order: account by account, newest "
                 "first");
        return;
    }
    const char *name = column_def((enum column_id)col)->name;
    char next[32], rev[32];
    app_key_for(app, ACT_SORT, next, sizeof next);
    app_key_for(app, ACT_SORT_REVERSE, rev, sizeof rev);
    char *done = xasprintf("sorted by %s, %s (%s: next column, %s: reverse)", name,
                           desc ? "descending" : "ascending", next, rev);
    char *value = xasprintf("%s%s", name, desc ? " desc" : "");
    remember(app, "sort", value, done);
    free(value);
    free(done);
}

/* The filter becomes text (in the filter language): from all rows, or
 * (when it only got narrower) from the rows shown; with sort (a column id
 * or SORT_NONE, desc), sorted that way first, the rows selected once.
 * 0, or ERR_USAGE with *error when text does not parse (then the filter
 * and the sort are as they were). */
static int refilter(struct view *v, struct app *app, const char *text, const int *sort,
                    bool desc, char **error)
{
    struct sessions_view *sv = sessions_priv(v);
    struct query next;
    query_init(&next);
    if (query_parse(&next, text, error) != 0) {
        query_free(&next);
        return ERR_USAGE;
    }
    bool narrower = query_active(&sv->query) && query_narrows(&sv->query, &next);
    if (sort) {
        sv->sort = *sort;
        sv->desc = *sort != SORT_NONE && desc;
        remember_cursor(v, app);
        sort_rows(sv, app);
        narrower = false;
    }
    query_free(&sv->query);
    sv->query = next;
    if (!select_rows(v, app, narrower)) /* its row is filtered out: the first one */
        listpos_set(&sv->pos, sv->n_rows, 0, sessions_visible(v));
    remember_cursor(v, app);
    return 0;
}

int sessions_view_filter(struct view *v, struct app *app, const char *text, char **error)
{
    return sessions_view_filter_sorted(v, app, text, NULL, false, error);
}

int sessions_view_filter_sorted(struct view *v, struct app *app, const char *text,
                                const int *column, bool desc, char **error)
{
    struct sessions_view *sv = sessions_priv(v);
    sessions_sync(v, app);
    *error = NULL;
    int rc = refilter(v, app, text, column, desc, error);
    if (rc == 0) {
        free(sv->typed);
        sv->typed = xstrdup(sv->query.source);
    }
    return rc;
}

/* ---- marks ---- */

/* A mark is a byte; its key is made now if the work between keys has not
 * come to it yet (a refresh carries it over by the key). */
static void set_mark(struct sessions_view *sv, const struct app *app, size_t k, bool on)
{
    if (sv->marked[k] == on)
        return;
    if (on)
        mark_key(sv, app, k);
    sv->marked[k] = on;
    sv->n_marks += on ? 1 : (size_t)-1;
}

static void toggle_mark(struct view *v, struct app *app)
{
    struct sessions_view *sv = sessions_priv(v);
    if (sv->pos.cursor >= sv->n_rows)
        return;
    size_t k = sv->rows[sv->pos.cursor];
    set_mark(sv, app, k, !sv->marked[k]);
    sv->n_marked_shown += sv->marked[k] ? 1 : (size_t)-1;
    listpos_move(&sv->pos, sv->n_rows, 1, sessions_visible(v));
}

/* Every row shown marked (on), unmarked (off), or each the other way. */
enum mark_how { MARK_ON, MARK_OFF, MARK_FLIP };

static void mark_rows(struct sessions_view *sv, const struct app *app, size_t from, size_t to,
                      enum mark_how how)
{
    for (size_t r = from; r < to && r < sv->n_rows; r++) {
        size_t k = sv->rows[r];
        set_mark(sv, app, k, how == MARK_ON ? true : how == MARK_OFF ? false : !sv->marked[k]);
    }
    count_marked(sv);
}

static void say_marked(struct app *app, const struct sessions_view *sv)
{
    char revoke[32], clear[32];
    app_key_for(app, ACT_REVOKE, revoke, sizeof revoke);
    app_key_for(app, ACT_MARK_CLEAR, clear, sizeof clear);
    app_message(app, "%zu of %zu rows marked (%s acts on them, %s unmarks all)",
                sv->n_marked_shown, sv->n_rows, revoke, clear);
}

/* Visual mode: V starts a range at the cursor; moving stretches it; V or
 * Space marks it; Esc leaves it without marking. */
static void visual_start(struct view *v, struct app *app)
{
    struct sessions_view *sv = sessions_priv(v);
    if (sv->pos.cursor >= sv->n_rows)
        return;
    sv->visual = true;
    sv->anchor = sv->rows[sv->pos.cursor];
    sv->anchor_row = sv->pos.cursor;
    free(sv->anchor_key);
    sv->anchor_key = session_key(&app->store.sessions.v[sv->anchor]);
    char key[32], mark[32], back[32];
    app_key_for(app, ACT_MARK_RANGE, key, sizeof key);
    app_key_for(app, ACT_MARK, mark, sizeof mark);
    app_key_for(app, ACT_BACK, back, sizeof back);
    app_message(app, "visual: move to stretch the range; %s or %s marks it, %s leaves", key, mark,
                back);
}

static void visual_end(struct sessions_view *sv, const struct app *app, bool mark)
{
    if (mark) {
        size_t a = sv->anchor_row < sv->n_rows ? sv->anchor_row : sv->pos.cursor;
        size_t lo = a < sv->pos.cursor ? a : sv->pos.cursor;
        size_t hi = a < sv->pos.cursor ? sv->pos.cursor : a;
        mark_rows(sv, app, lo, hi + 1, MARK_ON);
    }
    sv->visual = false;
    free(sv->anchor_key);
    sv->anchor_key = NULL;
}

bool sessions_view_commit_range(struct view *v, struct app *app)
{
    struct sessions_view *sv = sessions_priv(v);
    if (!sv->visual)
        return false;
    sessions_sync(v, app);
    visual_end(sv, app, true);
    return true;
}

static bool mark_action(struct view *v, struct app *app, enum action a)
{
    struct sessions_view *sv = sessions_priv(v);
    switch (a) {
    case ACT_MARK:
        if (sv->visual) {
            visual_end(sv, app, true);
            say_marked(app, sv);
        } else {
            toggle_mark(v, app);
        }
        return true;
    case ACT_MARK_RANGE:
        if (sv->visual) {
            visual_end(sv, app, true);
            say_marked(app, sv);
        } else {
            visual_start(v, app);
        }
        return true;
    case ACT_MARK_ALL:
        visual_end(sv, app, false);
        mark_rows(sv, app, 0, sv->n_rows, MARK_ON);
        say_marked(app, sv);
        return true;
    case ACT_MARK_INVERT:
        visual_end(sv, app, false);
        mark_rows(sv, app, 0, sv->n_rows, MARK_FLIP);
        say_marked(app, sv);
        return true;
    case ACT_MARK_CLEAR:
        visual_end(sv, app, false);
        sessions_view_clear_marks(v);
        app_message(app, "marks cleared");
        return true;
    default:
        return false;
    }
}

/* ---- the column cursor ---- */

/* The columns on screen (laid out with a width), in order. */
static size_t on_screen(struct view *v, struct app *app, int *out)
{
    struct sessions_view *sv = sessions_priv(v);
    sessions_layout(sv, v->area.w > 0 ? v->area.w : app->cols);
    size_t n = 0;
    for (size_t i = 0; i < sv->n_cols; i++)
        if (sv->widths[1 + i] > 0)
            out[n++] = (int)sv->id[i];
    return n;
}

static void column_move(struct view *v, struct app *app, int delta)
{
    struct sessions_view *sv = sessions_priv(v);
    int cols[COLUMN_COUNT];
    size_t n = on_screen(v, app, cols), at = n;
    if (n == 0)
        return;
    for (size_t i = 0; i < n; i++)
        if (cols[i] == sv->cur_col)
            at = i;
    if (at == n) /* it was on a column that went: the nearest end */
        at = delta > 0 ? 0 : n - 1;
    else if (delta > 0)
        at = at + 1 < n ? at + 1 : at;
    else
        at = at > 0 ? at - 1 : 0;
    sv->cur_col = cols[at];
    const struct column_def *d = column_def((enum column_id)sv->cur_col);
    char cell[32], copy[32];
    app_key_for(app, ACT_CELL, cell, sizeof cell);
    app_key_for(app, ACT_COPY, copy, sizeof copy);
    app_hint(app, "column %s (%s shows the cell whole, %s copies it)", d->name, cell, copy);
}

/* The cursor row's text of the column under the column cursor, whole
 * (its value as the registry gives it: the time in both forms). Owned,
 * NULL when there is no row. *title gets the column's title. */
static char *cursor_cell(struct view *v, struct app *app, const char **title)
{
    struct sessions_view *sv = sessions_priv(v);
    if (sv->pos.cursor >= sv->n_rows)
        return NULL;
    enum column_id c = (enum column_id)sv->cur_col;
    struct column_row r = sessions_row(sv, app, sv->rows[sv->pos.cursor]);
    char rel[COLUMN_TEXT_MAX], abs[COLUMN_TEXT_MAX];
    int64_t now = now_ms();
    const char *a = column_text(c, &r, now, sv->time, rel);
    const char *b = column_def(c)->time ? column_text(c, &r, now, TIME_ABSOLUTE == sv->time
                                                          ? TIME_RELATIVE : TIME_ABSOLUTE, abs)
                                        : NULL;
    *title = column_def(c)->title;
    if (a && b && strcmp(a, b) != 0)
        return xasprintf("%s (%s)", a, b);
    return xstrdup(a ? a : "");
}

static void show_cell(struct view *v, struct app *app)
{
    struct sessions_view *sv = sessions_priv(v);
    const char *title;
    char *text = cursor_cell(v, app, &title);
    if (!text)
        return;
    const struct session *s = &app->store.sessions.v[sv->rows[sv->pos.cursor]];
    char *head = xasprintf("%s of session %s", title, s->id ? s->id : "?");
    app_open_overlay(app, text_view_new(head, *text ? text : "(no value)"));
    free(head);
    free(text);
}

/* y on a column other than the session id: its cell, whole. (On the id,
 * the actions' y: the id, or a Vault session's URL.) */
static bool copy_cell(struct view *v, struct app *app)
{
    struct sessions_view *sv = sessions_priv(v);
    if (sv->cur_col == COLUMN_SESSION || sv->pos.cursor >= sv->n_rows)
        return false;
    const char *title;
    char *text = cursor_cell(v, app, &title);
    struct column_row r = sessions_row(sv, app, sv->rows[sv->pos.cursor]);
    char buf[COLUMN_TEXT_MAX];
    const char *plain = column_text((enum column_id)sv->cur_col, &r, now_ms(), sv->time, buf);
    if (!plain || !*plain) {
        app_message(app, "the %s of this session is empty: nothing to copy", title);
    } else {
        char *what = xasprintf("the %s \"%s\"", title, plain);
        actions_copy(app, plain, what);
        free(what);
    }
    free(text);
    return true;
}

/* Y: the row's cells (the columns shown), tab-separated. */
static void copy_row(struct view *v, struct app *app)
{
    struct sessions_view *sv = sessions_priv(v);
    if (sv->pos.cursor >= sv->n_rows)
        return;
    struct column_row r = sessions_row(sv, app, sv->rows[sv->pos.cursor]);
    GString *line = g_string_new("");
    int64_t now = now_ms();
    for (size_t i = 0; i < sv->n_cols; i++) {
        char buf[COLUMN_TEXT_MAX];
        const char *t = column_text(sv->id[i], &r, now, sv->time, buf);
        g_string_append_printf(line, "%s%s", i ? "\t" : "", t ? t : "");
    }
    char *text = g_string_free(line, FALSE);
    char *what = xasprintf("the row of session %s (%zu columns)", r.s->id ? r.s->id : "?",
                           sv->n_cols);
    actions_copy(app, text, what);
    free(what);
    free(text);
}

void sessions_view_toggle_time(struct view *v, struct app *app)
{
    struct sessions_view *sv = sessions_priv(v);
    sv->time = sv->time == TIME_RELATIVE ? TIME_ABSOLUTE : TIME_RELATIVE;
    bool abs = sv->time == TIME_ABSOLUTE;
    remember(app, "time", abs ? "absolute" : "relative",
             abs ? "times are absolute (2026-12-06 14:03)" : "times are relative (3h ago, in 12m)");
}

/* ---- the filter prompt ---- */

static void prompt_update(struct view *v, struct app *app)
{
    struct sessions_view *sv = sessions_priv(v);
    free(app->prompt);
    free(app->prompt_error);
    app->prompt = sv->prompting ? xstrdup(sv->typed ? sv->typed : "") : NULL;
    app->prompt_error = sv->prompting ? xstrdup(sv->query_error) : NULL;
    app->prompt_action = ACT_FILTER;
    app->dirty = true;
}

static void open_prompt(struct view *v, struct app *app)
{
    struct sessions_view *sv = sessions_priv(v);
    sessions_sync(v, app);
    sv->prompting = true;
    free(sv->typed);
    sv->typed = xstrdup(sv->query.source);
    free(sv->query_error);
    sv->query_error = NULL;
    prompt_update(v, app);
}

static void close_prompt(struct view *v, struct app *app, bool keep)
{
    struct sessions_view *sv = sessions_priv(v);
    sv->prompting = false;
    char *err = NULL;
    if (!keep)
        refilter(v, app, "", NULL, false, &err);
    free(err);
    bool broken = keep && sv->query_error;
    prompt_update(v, app);
    if (broken) {
        app_error(app, "the filter \"%s\" was not taken: %s (the filter is \"%s\")", sv->typed,
                  sv->query_error, sv->query.source);
    } else if (keep && query_active(&sv->query)) {
        char back[32];
        app_key_for(app, ACT_BACK, back, sizeof back);
        app_message(app, "%zu of %zu sessions match \"%s\" (%s clears the filter)", sv->n_rows,
                    app->store.sessions.n, sv->query.source, back);
    }
    free(sv->query_error);
    sv->query_error = NULL;
}

static bool action(struct view *v, struct app *app, enum action a);

static bool key(struct view *v, struct app *app, keycode k)
{
    struct sessions_view *sv = sessions_priv(v);
    if (!sv->prompting)
        return false;
    switch (lineedit_key(&sv->typed, k)) {
    case LINEEDIT_ENTER:
        sessions_view_settle(v, app);
        if (sv->query_error) /* not taken: the prompt stays, its error under it, */
            return true;     /* until it parses or Esc (no half-typed filter left) */
        close_prompt(v, app, true);
        return true;
    case LINEEDIT_CANCEL:
        sv->filter_pending = false;
        close_prompt(v, app, false);
        return true;
    case LINEEDIT_KEPT:
        return true; /* the prompt has the keys until Enter or Esc */
    case LINEEDIT_OTHER:
        switch (k) {
        case KEY_FN(KEY_UP): return action(v, app, ACT_MOVE_UP);
        case KEY_FN(KEY_DOWN): return action(v, app, ACT_MOVE_DOWN);
        case KEY_FN(KEY_PPAGE): return action(v, app, ACT_PAGE_UP);
        case KEY_FN(KEY_NPAGE): return action(v, app, ACT_PAGE_DOWN);
        default: return true;
        }
    case LINEEDIT_CHANGED:
        break;
    }
    sessions_view_set_view_name(v, NULL);
    sv->filter_pending = true; /* sessions_view_settle, once the keys read together are in */
    app->dirty = true;
    return true;
}

void sessions_view_settle(struct view *v, struct app *app)
{
    struct sessions_view *sv = sessions_priv(v);
    if (!sv->filter_pending)
        return;
    sv->filter_pending = false;
    /* what does not parse yet (user: with no value) keeps the last filter
     * that did, and says why under the prompt */
    free(sv->query_error);
    sv->query_error = NULL;
    refilter(v, app, sv->typed, NULL, false, &sv->query_error);
    prompt_update(v, app);
}

/* ---- the other keys ---- */

static void refresh_current(struct view *v, struct app *app, bool full)
{
    struct sessions_view *sv = sessions_priv(v);
    const struct session *s = sessions_view_current(v, app);
    ssize_t i = store_index(&app->store, s ? s->account_id : sv->narrow);
    if (i < 0 && full) {
        app_message(app, "no session here to list the account of");
    } else if (i < 0) {
        char all[32];
        app_key_for(app, ACT_REFRESH_ALL, all, sizeof all);
        app_message(app, "no session here to refresh the account of (%s refreshes all)", all);
    } else {
        app_refresh_said(app, (size_t)i, full);
    }
}

static bool back(struct view *v, struct app *app)
{
    struct sessions_view *sv = sessions_priv(v);
    char *err = NULL;
    if (sv->visual) {
        visual_end(sv, app, false);
        app_message(app, "visual mode left: nothing marked");
    } else if (query_active(&sv->query)) {
        refilter(v, app, "", NULL, false, &err);
        sessions_view_set_view_name(v, NULL);
        app_message(app, "filter cleared");
    } else if (sv->narrow) {
        sessions_view_narrow(v, app, NULL);
        app_message(app, "showing every account's sessions");
    } else if (sv->n_marks) {
        sessions_view_clear_marks(v);
        app_message(app, "marks cleared");
    } else {
        return false;
    }
    free(err);
    return true;
}

static void next_sort(struct view *v, struct app *app)
{
    struct sessions_view *sv = sessions_priv(v);
    sessions_view_set_view_name(v, NULL);
    int cols[COLUMN_COUNT];
    size_t n = on_screen(v, app, cols);
    int col = sort_next(sv->sort, cols, n);
    sessions_view_sort(v, app, col == SORT_NONE ? COLUMN_PROVIDER : col, false, true);
}

static bool action(struct view *v, struct app *app, enum action a)
{
    struct sessions_view *sv = sessions_priv(v);
    sessions_sync(v, app);
    size_t n = sv->n_rows, rows = sessions_visible(v);
    long page = rows > 1 ? (long)rows - 1 : 1;
    switch (a) {
    case ACT_MOVE_UP: listpos_move(&sv->pos, n, -1, rows); break;
    case ACT_MOVE_DOWN: listpos_move(&sv->pos, n, 1, rows); break;
    case ACT_PAGE_UP: listpos_move(&sv->pos, n, -page, rows); break;
    case ACT_PAGE_DOWN: listpos_move(&sv->pos, n, page, rows); break;
    case ACT_FIRST: listpos_set(&sv->pos, n, 0, rows); break;
    case ACT_LAST: listpos_set(&sv->pos, n, n ? n - 1 : 0, rows); break;
    case ACT_COL_LEFT: column_move(v, app, -1); break;
    case ACT_COL_RIGHT: column_move(v, app, 1); break;
    case ACT_CELL: show_cell(v, app); break;
    case ACT_COPY:
        if (!copy_cell(v, app))
            return false; /* the id (or a Vault URL): the actions' y */
        break;
    case ACT_COPY_ALL: copy_row(v, app); break;
    case ACT_TIMES: sessions_view_toggle_time(v, app); break;
    case ACT_FILTER: open_prompt(v, app); break;
    case ACT_SORT: next_sort(v, app); break;
    case ACT_SORT_REVERSE:
        sessions_view_set_view_name(v, NULL);
        sessions_view_sort(v, app, sv->sort == SORT_NONE ? COLUMN_PROVIDER : sv->sort, !sv->desc,
                           true);
        break;
    case ACT_REFRESH: refresh_current(v, app, false); break;
    case ACT_RELIST: refresh_current(v, app, true); break;
    case ACT_DETAILS:
        if (sv->pos.cursor >= n)
            return false;
        app_open_overlay(app,
                         detail_view_new(app, &app->store.sessions.v[sv->rows[sv->pos.cursor]]));
        return true;
    case ACT_REVOKE:
        if (sv->visual) /* x on a range: the range, marked, then the question */
            visual_end(sv, app, true);
        return false;
    case ACT_BACK:
        if (!back(v, app))
            return false;
        break;
    default:
        if (!mark_action(v, app, a))
            return false;
    }
    remember_cursor(v, app);
    return true;
}

/* ---- the mouse ---- */

static bool mouse(struct view *v, struct app *app, const struct mouse_ev *m)
{
    struct sessions_view *sv = sessions_priv(v);
    sessions_sync(v, app);
    size_t n = sv->n_rows, rows = sessions_visible(v);
    switch (m->kind) {
    case MOUSE_WHEEL_UP: listpos_move(&sv->pos, n, -WHEEL_ROWS, rows); break;
    case MOUSE_WHEEL_DOWN: listpos_move(&sv->pos, n, WHEEL_ROWS, rows); break;
    case MOUSE_CLICK:
    case MOUSE_DOUBLE: {
        int c = sessions_column_at(sv, m->x);
        if (m->y == 1) { /* a header: sort by it, again to reverse */
            if (c < 0)
                return false;
            sessions_view_set_view_name(v, NULL);
            sessions_view_sort(v, app, c, c == sv->sort ? !sv->desc : false, true);
            return true;
        }
        if (m->y < HEAD_ROWS || sv->pos.top + (size_t)(m->y - HEAD_ROWS) >= n)
            return false;
        listpos_set(&sv->pos, n, sv->pos.top + (size_t)(m->y - HEAD_ROWS), rows);
        if (c >= 0)
            sv->cur_col = c; /* the column clicked has the column cursor */
        remember_cursor(v, app);
        if (m->kind == MOUSE_DOUBLE)
            app_do_action(app, ACT_DETAILS);
        return true;
    }
    }
    remember_cursor(v, app);
    return true;
}

/* ---- the rest of the view ---- */

static char *status_line(struct view *v, struct app *app, bool *error)
{
    struct sessions_view *sv = sessions_priv(v);
    sessions_sync(v, app);
    if (sv->visual) {
        char key[32], back_key[32];
        app_key_for(app, ACT_MARK_RANGE, key, sizeof key);
        app_key_for(app, ACT_BACK, back_key, sizeof back_key);
        return xasprintf("visual: move to stretch the range, %s marks it, %s leaves", key,
                         back_key);
    }
    if (sv->n_marked_shown) {
        char mark[32], revoke[32], clear[32];
        app_key_for(app, ACT_MARK, mark, sizeof mark);
        app_key_for(app, ACT_REVOKE, revoke, sizeof revoke);
        app_key_for(app, ACT_MARK_CLEAR, clear, sizeof clear);
        return xasprintf("%zu marked: %s acts on them, %s unmarks one, %s unmarks all",
                         sv->n_marked_shown, revoke, mark, clear);
    }
    if (sv->pos.cursor >= sv->n_rows)
        return NULL;
    const struct store_account *sa = sessions_account_of(sv, app, sv->rows[sv->pos.cursor]);
    if (sa && sa->error && sa->state != ACCOUNT_OK && sa->state != ACCOUNT_LOADING) {
        *error = true;
        return xasprintf("%s: %s", sa->a.label ? sa->a.label : sa->a.id, sa->error);
    }
    return NULL;
}

static void changed(struct view *v, struct app *app)
{
    sessions_sync(v, app);
}

/* Between keys: the marks' keys, then the filter's index once it is wanted. */
static size_t work(struct view *v, struct app *app, size_t budget)
{
    struct sessions_view *sv = sessions_priv(v);
    if (!sv->built || sv->seen != app->store.sessions_version ||
        sv->n_order != app->store.sessions.n)
        return 0; /* the next sessions_sync rebuilds first */
    size_t left = keys_make(sv, app, budget);
    if (budget && left)
        return left;
    return left + (index_wanted(sv) ? index_make(sv, app, budget) : 0);
}

static void destroy(struct view *v)
{
    struct sessions_view *sv = sessions_priv(v);
    free(sv->acc_of);
    free(sv->order);
    free(sv->by_default);
    free(sv->sorted);
    free(sv->rows_buf);
    query_index_free(&sv->hay);
    query_free(&sv->query);
    free(sv->typed);
    free(sv->query_error);
    free(sv->narrow);
    free(sv->view_name);
    free(sv->cur_key);
    free(sv->anchor_key);
    free(sv->marked);
    free(sv->acc_key);
    free(sv->keys);
    free(sv);
    free(v);
}

static const struct view_ops sessions_ops = {
    .name = "sessions",
    .draw = sessions_draw,
    .action = action,
    .key = key,
    .mouse = mouse,
    .next_tick = sessions_next_tick,
    .tick = sessions_tick,
    .status_line = status_line,
    .work = work,
    .changed = changed,
    .destroy = destroy,
};

struct view *sessions_view_new(void)
{
    struct view *v = xcalloc(1, sizeof *v);
    struct sessions_view *sv = xcalloc(1, sizeof *sv);
    v->ops = &sessions_ops;
    v->priv = sv;
    sv->sort = SORT_NONE;
    sv->sorted_col = SORT_NONE;
    sv->cur = SIZE_MAX;
    sv->anchor_row = SIZE_MAX;
    sv->cur_col = COLUMN_SESSION;
    sv->choice.set = columns_default_dashboard;
    query_init(&sv->query);
    return v;
}
