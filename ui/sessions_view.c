/* The sessions table: every account's sessions in one table, sorted by a
 * column, filtered as you type, narrowed to one account (Enter on it in
 * the accounts pane; Esc widens again), with marks for actions on many.
 *
 * The rows are indexes into the store's sessions, rebuilt only when the
 * store's sessions change (sessions_version): then the order is sorted
 * once; each session's filter haystack is made once the filter is opened,
 * a slice at a time between keys (work), or all at once when the filter
 * needs them first. A keystroke in the filter only scans haystacks;
 * drawing only touches the rows on screen. The "expires in" countdowns ask
 * for a redraw (next_tick) only when a value on screen is about to change,
 * on a whole second. */
#include <glib.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app.h"
#include "config.h"
#include "draw.h"
#include "filter.h"
#include "providers/provider.h"
#include "session_order.h"
#include "session_status.h"
#include "sort.h"
#include "table.h"
#include "util.h"

enum {
    COL_MARK,
    COL_PROVIDER, /* COL_PROVIDER + sort column = its table column */
    COL_ACCOUNT,
    COL_USER,
    COL_SESSION,
    COL_STATUS,
    COL_CREATED,
    COL_LAST,
    COL_EXPIRES,
    COL_DEVICE,
    COL_BROWSER,
    COL_IP,
    N_COLS
};

/* title, min, want, grow, keep (lowest goes first when narrow), align */
static const struct column columns[N_COLS] = {
    [COL_MARK] = {"", 1, 1, 0, 100, ALIGN_LEFT},
    [COL_PROVIDER] = {"Provider", 7, 13, 0, 6, ALIGN_LEFT},
    [COL_ACCOUNT] = {"Account", 7, 14, 1, 8, ALIGN_LEFT},
    [COL_USER] = {"User", 10, 26, 3, 9, ALIGN_LEFT},
    [COL_SESSION] = {"Session", 10, 22, 2, 7, ALIGN_LEFT},
    [COL_STATUS] = {"Status", 7, 9, 0, 11, ALIGN_LEFT},
    [COL_CREATED] = {"Created", 12, 12, 0, 4, ALIGN_LEFT},
    [COL_LAST] = {"Last active", 12, 12, 0, 3, ALIGN_LEFT},
    [COL_EXPIRES] = {"Expires in", 7, 11, 0, 10, ALIGN_RIGHT},
    [COL_DEVICE] = {"Device", 7, 12, 1, 2, ALIGN_LEFT},
    [COL_BROWSER] = {"Browser", 8, 16, 1, 1, ALIGN_LEFT},
    [COL_IP] = {"IP / place", 10, 22, 1, 0, ALIGN_LEFT},
};

#define HEAD_ROWS 2           /* the rule with the title, the column headers */
#define EXPIRING_MS (5 * 60 * 1000)
#define WHEEL_ROWS 3

struct sessions_view {
    struct listpos pos;
    unsigned seen;            /* store.sessions_version the rows were made from */
    bool built;
    row_index *acc_of;        /* per store session: its account's index (NO_ROW: none) */
    row_index *order;         /* store indexes, sorted */
    row_index *rows;          /* order, narrowed and filtered: what the table shows */
    size_t n_order, n_rows;
    struct filter_index hay;  /* per store session; the first hay.n made so far */
    int64_t hay_now;          /* the clock the haystacks' statuses are made with */
    struct filter filter;     /* the needle kept or being typed */
    bool prompting;           /* the filter prompt is open */
    enum sort_col sort;
    bool desc, sort_loaded;
    char *narrow;             /* account id, or NULL for every account */
    GHashTable *marks;        /* "account\x1fsession": marks that outlive a refresh */
    unsigned char *marked;    /* per store session: in marks (the fast way to ask) */
    size_t n_marked_shown;    /* marked rows among rows[] */
    char *cur_key;            /* the session under the cursor, to follow it ... */
    size_t cur;               /* ... and its store index (SIZE_MAX: none) */
    bool has_data[N_COLS];    /* a column some session has a value for */
    int widths[N_COLS];       /* of the last draw */
    int64_t drawn_ms;         /* the clock the countdowns on screen were drawn with */
};

static struct sessions_view *priv(const struct view *v)
{
    return v->priv;
}

static size_t visible_rows(const struct view *v)
{
    return v->area.h > HEAD_ROWS ? (size_t)(v->area.h - HEAD_ROWS) : 0;
}

static char *session_key(const struct session *s)
{
    return xasprintf("%s\x1f%s", s->account_id ? s->account_id : "", s->id ? s->id : "");
}

static const struct store_account *account_of(const struct sessions_view *sv,
                                              const struct app *app, size_t k)
{
    size_t i = sv->acc_of ? sv->acc_of[k] : NO_ROW;
    return i < app->store.n_acc ? &app->store.acc[i] : NULL;
}

static const char *provider_title(const struct store_account *sa)
{
    if (!sa)
        return "";
    return sa->provider ? sa->provider->title : sa->a.provider_id ? sa->a.provider_id : "";
}

static const char *account_name(const struct store_account *sa)
{
    if (!sa)
        return "";
    return sa->a.label ? sa->a.label : sa->a.id ? sa->a.id : "";
}

static const char *user_text(const struct session *s)
{
    return s->user_display ? s->user_display : s->user_id;
}

/* The local time's offset from UTC at t, in seconds. Zones change their
 * offset on a quarter hour of UTC, so the offset of a quarter hour is
 * asked once (localtime_r) and remembered, in a small cache. */
static long local_offset(time_t t, bool *ok)
{
    enum { QUARTER = 900, SLOTS = 1024 };
    static struct {
        int64_t key; /* the quarter + 1, 0 = empty */
        long off;
    } cache[SLOTS];
    int64_t q = (int64_t)t >= 0 ? (int64_t)t / QUARTER : -((-(int64_t)t + QUARTER - 1) / QUARTER);
    size_t slot = (size_t)((uint64_t)q % SLOTS);
    *ok = true;
    if (cache[slot].key == q + 1)
        return cache[slot].off;
    struct tm tm;
    if (!localtime_r(&t, &tm)) {
        *ok = false;
        return 0;
    }
    cache[slot].key = q + 1;
    cache[slot].off = tm.tm_gmtoff;
    return tm.tm_gmtoff;
}

struct civil {
    int64_t year;
    int month, day, hour, min; /* month 1..12 */
};

/* Local calendar time of t (seconds since the epoch), without strftime. */
static bool civil_local(time_t t, struct civil *c)
{
    bool ok;
    int64_t local = (int64_t)t + local_offset(t, &ok);
    if (!ok)
        return false;
    int64_t days = local >= 0 ? local / 86400 : -((-local + 86399) / 86400);
    int64_t secs = local - days * 86400;
    /* days to year/month/day, proleptic Gregorian (H. Hinnant's algorithm) */
    int64_t z = days + 719468, era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
    c->day = (int)(doy - (153 * mp + 2) / 5 + 1);
    c->month = (int)(mp < 10 ? mp + 3 : mp - 9);
    c->year = yoe + era * 400 + (c->month <= 2);
    c->hour = (int)(secs / 3600);
    c->min = (int)(secs / 60 % 60);
    return true;
}

/* The month's name as strftime's %b gives it in this locale (asked once). */
static const char *month_abbr(int month)
{
    static char names[12][32];
    static bool have;
    if (!have) {
        for (int m = 0; m < 12; m++) {
            struct tm tm;
            memset(&tm, 0, sizeof tm);
            tm.tm_mon = m;
            tm.tm_mday = 1;
            tm.tm_year = 100;
            if (strftime(names[m], sizeof names[m], "%b", &tm) == 0)
                names[m][0] = '\0';
        }
        have = true;
    }
    return names[(month - 1) % 12];
}

/* "Jan 02 15:04" this year, "2023-01-02" before; "" if unknown. By hand
 * (as strftime would write them): it runs for every session on a rebuild. */
static void format_time(int64_t ms, char *buf, size_t bufsz)
{
    buf[0] = '\0';
    if (ms <= 0)
        return;
    struct civil c, cn;
    if (!civil_local((time_t)(ms / 1000), &c) || !civil_local(time(NULL), &cn))
        return;
    if (c.year == cn.year)
        snprintf(buf, bufsz, "%s %02d %02d:%02d", month_abbr(c.month), c.day, c.hour, c.min);
    else
        snprintf(buf, bufsz, "%04lld-%02d-%02d", (long long)c.year, c.month, c.day);
}

static char *ip_text(const struct session *s)
{
    if (s->ip && s->place)
        return xasprintf("%s %s", s->ip, s->place);
    return xstrdup(s->ip ? s->ip : s->place ? s->place : "");
}

enum role session_status_role(const struct session *s, int64_t now)
{
    int64_t left;
    switch (session_status_seen(s, now)) {
    case SESSION_ACTIVE:
        return session_time_left(s, now, &left) && left < EXPIRING_MS ? C_EXPIRING : C_ACTIVE;
    case SESSION_PENDING: return C_PENDING;
    case SESSION_REVOKED:
    case SESSION_REMOVED: return C_REVOKED;
    case SESSION_ENDED:
    case SESSION_EXPIRED:
    case SESSION_ABANDONED:
    case SESSION_REPLACED: return C_EXPIRED;
    default: return C_DIM;
    }
}

/* ---- the rows: haystacks, order, narrowing, filter ---- */

static void haystack_add(struct sessions_view *sv, const struct app *app, size_t k, int64_t now)
{
    const struct session *s = &app->store.sessions.v[k];
    const struct store_account *sa = account_of(sv, app, k);
    char created[32], last[32];
    format_time(s->created_ms, created, sizeof created);
    format_time(s->last_active_ms, last, sizeof last);
    const char *fields[] = {
        provider_title(sa), account_name(sa), s->user_display, s->user_id, s->id,
        session_status_name(session_status_seen(s, now)), created, last, s->device, s->browser, s->ip, s->place,
        s->client_id,
    };
    filter_index_add(&sv->hay, fields, ARRAY_LEN(fields));
}

/* Are the haystacks wanted (some 200 bytes a session)? Only once the
 * filter is opened: then they are made a slice at a time (the view's
 * work) while it is typed into, the rest at once when the filter needs
 * them first. */
static bool haystacks_wanted(const struct sessions_view *sv)
{
    return sv->prompting || filter_active(&sv->filter);
}

/* Make the next (up to budget) haystacks; returns how many are left. */
static size_t haystacks_make(struct sessions_view *sv, const struct app *app, size_t budget)
{
    size_t n = sv->n_order;
    while (budget > 0 && sv->hay.n < n) {
        haystack_add(sv, app, sv->hay.n, sv->hay_now);
        budget--;
    }
    return n - sv->hay.n;
}

static void sort_key(const struct sessions_view *sv, const struct app *app, size_t k,
                     int64_t now, struct sort_item *it, char **fold)
{
    const struct session *s = &app->store.sessions.v[k];
    const struct store_account *sa = account_of(sv, app, k);
    const char *text = NULL;
    it->index = k;
    it->missing = false;
    switch (sv->sort) {
    case SORT_PROVIDER: text = provider_title(sa); break;
    case SORT_ACCOUNT: text = account_name(sa); break;
    case SORT_USER: text = user_text(s); break;
    case SORT_SESSION: text = s->id; break;
    case SORT_DEVICE: text = s->device; break;
    case SORT_BROWSER: text = s->browser; break;
    case SORT_IP: text = s->ip ? s->ip : s->place; break;
    case SORT_STATUS: it->num = session_status_seen(s, now); break;
    case SORT_CREATED: it->num = s->created_ms; it->missing = !s->created_ms; break;
    case SORT_LAST_ACTIVE: it->num = s->last_active_ms; it->missing = !s->last_active_ms; break;
    case SORT_EXPIRES: it->num = s->expires_ms; it->missing = !s->expires_ms; break;
    default: break;
    }
    if (!sort_column_numeric(sv->sort)) {
        it->missing = str_empty(text);
        *fold = it->missing ? NULL : filter_fold(text);
        it->text = *fold;
    }
}

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
static void sort_rows(struct sessions_view *sv, const struct app *app)
{
    size_t n = app->store.sessions.n;
    sv->n_order = n;
    for (size_t k = 0; k < n; k++)
        sv->order[k] = (row_index)k;
    if (n < 2)
        return;
    struct order_ctx ctx = {app->store.sessions.v, sv->acc_of};
    qsort_r(sv->order, n, sizeof *sv->order, default_cmp, &ctx);
    if (sv->sort == SORT_NONE)
        return;
    struct sort_item *items = xmalloc(n * sizeof *items);
    char **folds = xcalloc(n, sizeof *folds);
    int64_t now = now_ms();
    for (size_t r = 0; r < n; r++) {
        sort_key(sv, app, sv->order[r], now, &items[r], &folds[r]);
        items[r].index = r; /* ties: the default order */
    }
    sort_items(items, n, sort_column_numeric(sv->sort), sv->desc);
    row_index *by_default = xmalloc(n * sizeof *by_default);
    memcpy(by_default, sv->order, n * sizeof *by_default);
    for (size_t r = 0; r < n; r++)
        sv->order[r] = by_default[items[r].index];
    free(by_default);
    for (size_t r = 0; r < n; r++)
        free(folds[r]);
    free(folds);
    free(items);
}

static bool in_narrow(const struct sessions_view *sv, const struct app *app, size_t k)
{
    if (!sv->narrow)
        return true;
    const struct store_account *sa = account_of(sv, app, k);
    return sa && sa->a.id && strcmp(sa->a.id, sv->narrow) == 0;
}

static void count_marked(struct sessions_view *sv, const struct app *app)
{
    sv->n_marked_shown = 0;
    if (g_hash_table_size(sv->marks) == 0)
        return;
    for (size_t r = 0; r < sv->n_rows; r++)
        sv->n_marked_shown += sv->marked[sv->rows[r]];
}

/* Put the cursor back on the session it was on, if it is still shown
 * (true); else it keeps its place. */
static bool follow_cursor(struct view *v, const struct app *app)
{
    struct sessions_view *sv = priv(v);
    bool found = false;
    for (size_t r = 0; sv->cur != SIZE_MAX && r < sv->n_rows; r++) {
        if (sv->rows[r] == sv->cur) {
            sv->pos.cursor = r;
            found = true;
            break;
        }
    }
    listpos_clamp(&sv->pos, sv->n_rows, visible_rows(v));
    return found;
}

static void remember_cursor(struct view *v, const struct app *app)
{
    struct sessions_view *sv = priv(v);
    size_t k = sv->pos.cursor < sv->n_rows ? sv->rows[sv->pos.cursor] : SIZE_MAX;
    if (k == sv->cur && sv->cur_key)
        return;
    free(sv->cur_key);
    sv->cur_key = NULL;
    sv->cur = k;
    if (k != SIZE_MAX)
        sv->cur_key = session_key(&app->store.sessions.v[k]);
}

/* rows from order (narrowed, filtered) — or, when the filter only got
 * narrower, from the rows there are. */
static bool select_rows(struct view *v, const struct app *app, bool from_rows)
{
    struct sessions_view *sv = priv(v);
    if (filter_active(&sv->filter))
        haystacks_make(sv, app, SIZE_MAX);
    if (from_rows) {
        sv->n_rows = filter_apply(&sv->filter, &sv->hay, sv->rows, sv->n_rows, sv->rows);
    } else {
        size_t o = 0;
        bool filtering = filter_active(&sv->filter);
        for (size_t r = 0; r < sv->n_order; r++) {
            size_t k = sv->order[r];
            if (!in_narrow(sv, app, k))
                continue;
            if (filtering && !filter_index_match(&sv->filter, &sv->hay, k))
                continue;
            sv->rows[o++] = (row_index)k;
        }
        sv->n_rows = o;
    }
    count_marked(sv, app);
    return follow_cursor(v, app);
}

/* The store's sessions by their keys, anew: which are marked (marks of
 * sessions that are gone go), which one the cursor was on. */
static void find_keys(struct sessions_view *sv, const struct app *app)
{
    size_t n = app->store.sessions.n;
    bool any_marks = g_hash_table_size(sv->marks) > 0;
    GHashTable *keep = any_marks ? g_hash_table_new_full(g_str_hash, g_str_equal, free, NULL)
                                 : NULL;
    memset(sv->marked, 0, n ? n : 1);
    sv->cur = SIZE_MAX;
    for (size_t k = 0; (any_marks || sv->cur_key) && k < n; k++) {
        char *key = session_key(&app->store.sessions.v[k]);
        if (sv->cur_key && sv->cur == SIZE_MAX && strcmp(key, sv->cur_key) == 0)
            sv->cur = k;
        if (any_marks && g_hash_table_contains(sv->marks, key)) {
            sv->marked[k] = 1;
            g_hash_table_add(keep, key);
        } else {
            free(key);
        }
        if (!any_marks && sv->cur != SIZE_MAX)
            break;
    }
    if (keep) {
        g_hash_table_destroy(sv->marks);
        sv->marks = keep;
    }
}

static void find_data(struct sessions_view *sv, const struct app *app)
{
    size_t n = app->store.sessions.n;
    for (int c = 0; c < N_COLS; c++)
        sv->has_data[c] = true;
    if (n == 0)
        return; /* an empty table shows what it would have */
    bool *h = sv->has_data;
    h[COL_USER] = h[COL_CREATED] = h[COL_LAST] = false;
    h[COL_DEVICE] = h[COL_BROWSER] = h[COL_IP] = false;
    for (size_t k = 0; k < n; k++) {
        if (h[COL_USER] && h[COL_CREATED] && h[COL_LAST] && h[COL_DEVICE] && h[COL_BROWSER] &&
            h[COL_IP])
            break; /* every column has something: no need to look further */
        const struct session *s = &app->store.sessions.v[k];
        h[COL_USER] |= !str_empty(user_text(s));
        h[COL_CREATED] |= s->created_ms > 0;
        h[COL_LAST] |= s->last_active_ms > 0;
        h[COL_DEVICE] |= !str_empty(s->device);
        h[COL_BROWSER] |= !str_empty(s->browser);
        h[COL_IP] |= !str_empty(s->ip) || !str_empty(s->place);
    }
}

static void rebuild(struct view *v, struct app *app)
{
    struct sessions_view *sv = priv(v);
    size_t n = app->store.sessions.n;
    if (!sv->sort_loaded) {
        sv->sort = sort_column_parse(app->prefs.sort_column);
        sv->desc = sv->sort != SORT_NONE && app->prefs.sort_desc;
        sv->sort_loaded = true;
    }
    if (sv->narrow && store_index(&app->store, sv->narrow) < 0) {
        free(sv->narrow); /* the account went away */
        sv->narrow = NULL;
    }
    sv->acc_of = xrealloc(sv->acc_of, (n ? n : 1) * sizeof *sv->acc_of);
    sv->order = xrealloc(sv->order, (n ? n : 1) * sizeof *sv->order);
    sv->rows = xrealloc(sv->rows, (n ? n : 1) * sizeof *sv->rows);
    sv->marked = xrealloc(sv->marked, n ? n : 1);
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
    if (haystacks_wanted(sv))
        filter_index_reset(&sv->hay); /* made later, by work() or for the filter */
    else
        filter_index_free(&sv->hay); /* and its memory too, till the filter is opened */
    sv->hay_now = now_ms();
    find_data(sv, app);
    find_keys(sv, app);
    sort_rows(sv, app);
    select_rows(v, app, false);
    sv->seen = app->store.sessions_version;
    sv->built = true;
}

/* Rebuild if the store's sessions changed since (the count too, in case
 * someone changed them without saying so: indexes must never go stale). */
static void sync_rows(struct view *v, struct app *app)
{
    struct sessions_view *sv = priv(v);
    if (!sv->built || sv->seen != app->store.sessions_version ||
        sv->n_order != app->store.sessions.n)
        rebuild(v, app);
}

/* ---- what the other views and actions use ---- */

const struct session *sessions_view_current(const struct view *v, struct app *app)
{
    struct sessions_view *sv = priv(v);
    sync_rows((struct view *)v, app);
    if (sv->pos.cursor >= sv->n_rows)
        return NULL;
    return &app->store.sessions.v[sv->rows[sv->pos.cursor]];
}

size_t sessions_view_marked(const struct view *v, struct app *app, const struct session **out,
                            size_t max)
{
    struct sessions_view *sv = priv(v);
    sync_rows((struct view *)v, app);
    size_t n = 0;
    if (g_hash_table_size(sv->marks) == 0)
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

void sessions_view_clear_marks(struct view *v)
{
    struct sessions_view *sv = priv(v);
    g_hash_table_remove_all(sv->marks);
    if (sv->marked)
        memset(sv->marked, 0, sv->n_order ? sv->n_order : 1);
    sv->n_marked_shown = 0;
}

void sessions_view_narrow(struct view *v, struct app *app, const char *account_id)
{
    struct sessions_view *sv = priv(v);
    sync_rows(v, app);
    free(sv->narrow);
    sv->narrow = xstrdup(account_id);
    if (!select_rows(v, app, false))
        listpos_set(&sv->pos, sv->n_rows, 0, visible_rows(v));
    remember_cursor(v, app);
}

/* ---- drawing ---- */

/* The table's columns as laid out now: those no session has a value for
 * are left out; and a column goes (the least needed first) while a more
 * needed one gets less than half way from its min to its want. */
static void layout(struct sessions_view *sv, int width)
{
    struct column cols[N_COLS];
    int idx[N_COLS], w[N_COLS];
    size_t n = 0;
    for (int c = 0; c < N_COLS; c++) {
        sv->widths[c] = 0;
        if (sv->has_data[c]) {
            idx[n] = c;
            cols[n++] = columns[c];
        }
    }
    for (;;) {
        table_layout(cols, n, width, w);
        size_t least = n;
        for (size_t i = 0; i < n; i++)
            if (w[i] > 0 && (least == n || cols[i].keep < cols[least].keep))
                least = i;
        bool starved = false;
        for (size_t i = 0; least < n && i < n; i++)
            if (w[i] > 0 && cols[i].keep > cols[least].keep &&
                w[i] < (cols[i].min + cols[i].want) / 2)
                starved = true;
        if (!starved)
            break;
        memmove(&cols[least], &cols[least + 1], (n - least - 1) * sizeof *cols);
        memmove(&idx[least], &idx[least + 1], (n - least - 1) * sizeof *idx);
        n--;
    }
    for (size_t i = 0; i < n; i++)
        sv->widths[idx[i]] = w[i];
}

static char *title_text(const struct sessions_view *sv, const struct app *app)
{
    GString *t = g_string_new("Sessions");
    if (sv->narrow) {
        const struct store_account *sa = store_find((struct store *)&app->store, sv->narrow);
        g_string_append_printf(t, " of %s", account_name(sa));
    }
    if (filter_active(&sv->filter) || sv->narrow)
        g_string_append_printf(t, " %zu of %zu", sv->n_rows, app->store.sessions.n);
    else
        g_string_append_printf(t, " %zu", sv->n_rows);
    if (filter_active(&sv->filter))
        g_string_append_printf(t, " matching \"%s\"", sv->filter.text);
    if (sv->n_marked_shown)
        g_string_append_printf(t, ", %zu marked", sv->n_marked_shown);
    return g_string_free(t, FALSE);
}

static void draw_empty(struct view *v, struct app *app)
{
    const struct rect *r = &v->area;
    struct sessions_view *sv = priv(v);
    char back[32];
    app_key_for(app, ACT_BACK, back, sizeof back);
    char *line;
    if (filter_active(&sv->filter))
        line = xasprintf("No session matches \"%s\" (%s clears the filter).", sv->filter.text,
                         back);
    else if (sv->narrow)
        line = xasprintf("No sessions in this account (%s shows every account).", back);
    else if (store_in_flight(&app->store))
        line = xstrdup("No sessions yet: loading...");
    else if (app->store.n_acc == 0) {
        char add[32];
        app_key_for(app, ACT_ACCOUNT_ADD, add, sizeof add);
        line = xasprintf("No sessions: no account yet (%s adds one).", add);
    } else {
        char create[32];
        app_key_for(app, ACT_CREATE, create, sizeof create);
        line = xasprintf("No sessions. %s creates one at the selected account (a login at "
                         "Plantly and CBRAIN); Clerk's come from sign-ins to your app.", create);
    }
    if (r->h > HEAD_ROWS)
        draw_text(r->y + HEAD_ROWS, r->x + 2, r->w - 4, line, C_DIM, ALIGN_LEFT);
    free(line);
}

/* The first match of the filter in each cell, in the match colour. */
static void draw_matches(struct view *v, int y, const char *const *cells)
{
    struct sessions_view *sv = priv(v);
    int x = v->area.x;
    for (int c = 0; c < N_COLS; c++) {
        int w = sv->widths[c];
        if (w <= 0)
            continue;
        size_t start, len;
        if (cells[c] && columns[c].align == ALIGN_LEFT &&
            filter_find(&sv->filter, cells[c], &start, &len)) {
            char *before = xstrndup(cells[c], start), *match = xstrndup(cells[c] + start, len);
            int bw = text_width(before), mw = text_width(match);
            /* the cell's last column holds the ellipsis when it was cut */
            int room = (text_width(cells[c]) > w ? w - 1 : w) - bw;
            if (room > 0)
                draw_text(y, x + bw, mw < room ? mw : room, match, C_MATCH, ALIGN_LEFT);
            free(before);
            free(match);
        }
        x += w + 1;
    }
}

/* The "expires in" text of s at now into buf, and the role to draw it in. */
static enum role expires_cell(const struct session *s, int64_t now, char *buf, size_t size)
{
    int64_t left;
    if (session_time_left(s, now, &left)) {
        format_duration(left, buf, size);
        return session_status_role(s, now);
    }
    snprintf(buf, size, "-");
    return C_DIM;
}

/* The bar a row is drawn in: the cursor's, or none (C_DEFAULT). */
static enum role row_bar(const struct view *v, size_t row)
{
    const struct sessions_view *sv = v->priv;
    if (row != sv->pos.cursor)
        return C_DEFAULT;
    return v->focused ? C_SELECTED : C_SELECTED_IDLE;
}

static void draw_row(struct view *v, struct app *app, size_t row, int y, int64_t now)
{
    struct sessions_view *sv = priv(v);
    size_t k = sv->rows[row];
    const struct session *s = &app->store.sessions.v[k];
    const struct store_account *sa = account_of(sv, app, k);
    char created[32], last[32], expires[40];
    format_time(s->created_ms, created, sizeof created);
    format_time(s->last_active_ms, last, sizeof last);
    enum session_status st = session_status_seen(s, now);
    enum role expires_role = expires_cell(s, now, expires, sizeof expires);
    bool marked = sv->marked[k];
    char *ip = ip_text(s);
    const char *cells[N_COLS] = {
        [COL_MARK] = marked ? (text_ascii() ? "*" : "\xe2\x97\x8f") : "",
        [COL_PROVIDER] = provider_title(sa),
        [COL_ACCOUNT] = account_name(sa),
        [COL_USER] = user_text(s),
        [COL_SESSION] = s->id,
        [COL_STATUS] = session_status_name(st),
        [COL_CREATED] = created,
        [COL_LAST] = last,
        [COL_EXPIRES] = expires,
        [COL_DEVICE] = s->device,
        [COL_BROWSER] = s->browser,
        [COL_IP] = ip,
    };
    enum role base = marked ? C_MARKED : C_DEFAULT, roles[N_COLS];
    /* the mark column too: an unmarked row's blank there in C_MARKED was an
     * underlined blank, a "_", in themes that mark by underline (mono) */
    for (int c = 0; c < N_COLS; c++)
        roles[c] = base;
    roles[COL_STATUS] = session_status_role(s, now);
    roles[COL_EXPIRES] = expires_role;
    enum role bar = row_bar(v, row);
    table_draw_row(y, v->area.x, v->area.w, columns, sv->widths, N_COLS, cells, roles, bar);
    if (!marked && bar != C_DEFAULT && sv->widths[COL_MARK] > 0)
        draw_fill(y, v->area.x, sv->widths[COL_MARK], C_DEFAULT); /* nor in the cursor's bar */
    if (filter_active(&sv->filter) && row != sv->pos.cursor)
        draw_matches(v, y, cells);
    free(ip);
}

static void draw(struct view *v, struct app *app)
{
    const struct rect *r = &v->area;
    struct sessions_view *sv = priv(v);
    sync_rows(v, app);
    if (sv->prompting && !v->focused) /* focus went elsewhere: keep what was typed */
        sv->prompting = false;
    char *title = title_text(sv, app);
    draw_rule(r->y, r->x, r->w, title, C_BORDER, v->focused ? C_PANE_TITLE : C_PANE_IDLE);
    free(title);
    layout(sv, r->w);
    int sort_col = sv->sort == SORT_NONE ? -1 : COL_PROVIDER + (int)sv->sort;
    if (r->h > 1)
        table_draw_header(r->y + 1, r->x, columns, sv->widths, N_COLS, sort_col, sv->desc);
    if (sv->n_rows == 0) {
        draw_empty(v, app);
        return;
    }
    size_t rows = visible_rows(v);
    listpos_clamp(&sv->pos, sv->n_rows, rows);
    /* the clock in whole seconds: every countdown on screen changes at the
     * same instant, so they cost one redraw a second at most */
    int64_t now = now_ms() / 1000 * 1000;
    sv->drawn_ms = now;
    for (size_t i = 0; i < rows && sv->pos.top + i < sv->n_rows; i++)
        draw_row(v, app, sv->pos.top + i, r->y + HEAD_ROWS + (int)i, now);
}

/* ---- the countdowns ---- */

/* How long until the countdown of a session with `left` ms to go shows
 * another value: seconds under an hour, minutes under a day, then hours
 * (as format_duration writes them). */
static int64_t until_change(int64_t left)
{
    int64_t step = left < 3600 * 1000 ? 1000 : left < 86400 * 1000 ? 60 * 1000 : 3600 * 1000;
    return left % step + 1;
}

/* When what was last drawn stops being true (may be in the past: then
 * the app redraws at once): on a whole wall-clock second, since draw
 * counts down from the second (drawn_ms) it is in. */
static int64_t next_tick(struct view *v, struct app *app, int64_t now)
{
    struct sessions_view *sv = priv(v);
    if (!sv->built || sv->seen != app->store.sessions_version ||
        sv->n_order != app->store.sessions.n || !sv->drawn_ms)
        return -1; /* rebuilt and redrawn on the change anyway */
    size_t rows = visible_rows(v);
    int64_t best = -1, drawn = sv->drawn_ms;
    for (size_t i = 0; i < rows && sv->pos.top + i < sv->n_rows; i++) {
        const struct session *s = &app->store.sessions.v[sv->rows[sv->pos.top + i]];
        int64_t left;
        if (!session_time_left(s, drawn, &left))
            continue; /* no countdown, or it has run out for good */
        int64_t t = (drawn + until_change(left) + 999) / 1000 * 1000; /* a whole second */
        if (best < 0 || t < best)
            best = t;
    }
    return best;
}

/* The rows whose countdown was running at the last draw, drawn again: their
 * value, or their status once they expire, is all that time changes. */
static void tick(struct view *v, struct app *app)
{
    struct sessions_view *sv = priv(v);
    int64_t drawn = sv->drawn_ms, now = now_ms() / 1000 * 1000;
    size_t rows = visible_rows(v);
    for (size_t i = 0; i < rows && sv->pos.top + i < sv->n_rows; i++) {
        size_t row = sv->pos.top + i;
        const struct session *s = &app->store.sessions.v[sv->rows[row]];
        int64_t left;
        if (!session_time_left(s, drawn, &left))
            continue;
        int y = v->area.y + HEAD_ROWS + (int)i;
        /* the status or its colour turns too (expiring soon, expired): the
         * whole row; else the countdown's cell alone */
        if (session_status_role(s, now) != session_status_role(s, drawn) || filter_active(&sv->filter)) {
            draw_row(v, app, row, y, now);
        } else {
            char expires[40];
            enum role r = expires_cell(s, now, expires, sizeof expires);
            table_draw_cell(y, v->area.x, columns, sv->widths, COL_EXPIRES, expires, r,
                            row_bar(v, row));
        }
    }
    sv->drawn_ms = now;
}

/* ---- keys ---- */

static void set_sort(struct view *v, struct app *app, enum sort_col col, bool desc)
{
    struct sessions_view *sv = priv(v);
    sync_rows(v, app);
    sv->sort = col;
    sv->desc = desc;
    remember_cursor(v, app);
    sort_rows(sv, app);
    select_rows(v, app, false);
    if (col == SORT_NONE)
        return;
    char *path = prefs_path(config_dir()), *err = NULL;
    if (prefs_save_sort(path, sort_column_name(col), desc, &err) != 0) {
        app_error(app, "sorted by %s, but not remembered: %s", sort_column_name(col),
                  err ? err : "?");
    } else {
        char next[32], rev[32];
        app_key_for(app, ACT_SORT, next, sizeof next);
        app_key_for(app, ACT_SORT_REVERSE, rev, sizeof rev);
        app_message(app, "sorted by %s, %s (%s: next column, %s: reverse)",
                    sort_column_name(col), desc ? "descending" : "ascending", next, rev);
    }
    free(err);
    free(path);
}

static void next_sort(struct view *v, struct app *app)
{
    struct sessions_view *sv = priv(v);
    bool shown[SORT_COUNT];
    layout(sv, v->area.w > 0 ? v->area.w : app->cols);
    for (int c = 0; c < SORT_COUNT; c++)
        shown[c] = sv->widths[COL_PROVIDER + c] > 0;
    enum sort_col col = sort_next(sv->sort, shown);
    set_sort(v, app, col == SORT_NONE ? SORT_PROVIDER : col, false);
}

static void toggle_mark(struct view *v, struct app *app)
{
    struct sessions_view *sv = priv(v);
    if (sv->pos.cursor >= sv->n_rows)
        return;
    size_t k = sv->rows[sv->pos.cursor];
    char *key = session_key(&app->store.sessions.v[k]);
    if (sv->marked[k]) {
        g_hash_table_remove(sv->marks, key);
        free(key);
        sv->n_marked_shown--;
    } else {
        g_hash_table_add(sv->marks, key);
        sv->n_marked_shown++;
    }
    sv->marked[k] = !sv->marked[k];
    listpos_move(&sv->pos, sv->n_rows, 1, visible_rows(v));
}

/* The filter prompt: what the needle became, from all rows or (when it
 * only got narrower) from the rows shown. */
static void refilter(struct view *v, struct app *app, const char *text)
{
    struct sessions_view *sv = priv(v);
    struct filter next;
    filter_init(&next);
    filter_set(&next, text);
    bool narrower = filter_active(&sv->filter) && filter_narrows(&sv->filter, &next);
    filter_free(&sv->filter);
    sv->filter = next;
    if (!select_rows(v, app, narrower)) /* its row is filtered out: the first one */
        listpos_set(&sv->pos, sv->n_rows, 0, visible_rows(v));
    remember_cursor(v, app);
}

static void prompt_update(struct view *v, struct app *app)
{
    struct sessions_view *sv = priv(v);
    free(app->prompt);
    app->prompt = sv->prompting ? xstrdup(sv->filter.text) : NULL;
    app->dirty = true;
}

static void open_prompt(struct view *v, struct app *app)
{
    struct sessions_view *sv = priv(v);
    sync_rows(v, app);
    sv->prompting = true;
    prompt_update(v, app);
}

static void close_prompt(struct view *v, struct app *app, bool keep)
{
    struct sessions_view *sv = priv(v);
    sv->prompting = false;
    if (!keep)
        refilter(v, app, "");
    prompt_update(v, app);
    if (keep && filter_active(&sv->filter)) {
        char back[32];
        app_key_for(app, ACT_BACK, back, sizeof back);
        app_message(app, "%zu of %zu sessions match \"%s\" (%s clears the filter)", sv->n_rows,
                    app->store.sessions.n, sv->filter.text, back);
    }
}

/* The text without its last character (UTF-8) or its last word. */
static char *chop(const char *text, bool word)
{
    size_t n = strlen(text);
    if (word) {
        while (n > 0 && text[n - 1] == ' ')
            n--;
        while (n > 0 && text[n - 1] != ' ')
            n--;
    } else {
        while (n > 0 && ((unsigned char)text[n - 1] & 0xc0) == 0x80)
            n--;
        if (n > 0)
            n--;
    }
    return xstrndup(text, n);
}

static char *append_char(const char *text, keycode k)
{
    char buf[5] = {0};
    if (k < 0x80) {
        buf[0] = (char)k;
    } else if (k < 0x800) {
        buf[0] = (char)(0xc0 | (k >> 6));
        buf[1] = (char)(0x80 | (k & 0x3f));
    } else if (k < 0x10000) {
        buf[0] = (char)(0xe0 | (k >> 12));
        buf[1] = (char)(0x80 | ((k >> 6) & 0x3f));
        buf[2] = (char)(0x80 | (k & 0x3f));
    } else {
        buf[0] = (char)(0xf0 | (k >> 18));
        buf[1] = (char)(0x80 | ((k >> 12) & 0x3f));
        buf[2] = (char)(0x80 | ((k >> 6) & 0x3f));
        buf[3] = (char)(0x80 | (k & 0x3f));
    }
    return xasprintf("%s%s", text, buf);
}

static bool action(struct view *v, struct app *app, enum action a);

static bool key(struct view *v, struct app *app, keycode k)
{
    struct sessions_view *sv = priv(v);
    if (!sv->prompting)
        return false;
    char *text = NULL;
    switch (k) {
    case '\n':
        close_prompt(v, app, true);
        return true;
    case 27:
        close_prompt(v, app, false);
        return true;
    case KEY_FN(KEY_BACKSPACE):
    case KEY_FN(KEY_DC):
        text = chop(sv->filter.text, false);
        break;
    case KEY_CTRL('w'):
        text = chop(sv->filter.text, true);
        break;
    case KEY_CTRL('u'):
        text = xstrdup("");
        break;
    case KEY_FN(KEY_UP):
        return action(v, app, ACT_MOVE_UP);
    case KEY_FN(KEY_DOWN):
        return action(v, app, ACT_MOVE_DOWN);
    case KEY_FN(KEY_PPAGE):
        return action(v, app, ACT_PAGE_UP);
    case KEY_FN(KEY_NPAGE):
        return action(v, app, ACT_PAGE_DOWN);
    default:
        if (k >= 0x20 && k != 0x7f && k < KEY_FN_BIT && !(k >= 0x80 && k < 0xa0))
            text = append_char(sv->filter.text, k);
        else
            return true; /* the prompt has the keys until Enter or Esc */
    }
    refilter(v, app, text);
    free(text);
    prompt_update(v, app);
    return true;
}

static void refresh_current(struct view *v, struct app *app)
{
    struct sessions_view *sv = priv(v);
    const struct session *s = sessions_view_current(v, app);
    const char *id = s ? s->account_id : sv->narrow;
    ssize_t i = store_index(&app->store, id);
    if (i < 0) {
        char all[32];
        app_key_for(app, ACT_REFRESH_ALL, all, sizeof all);
        app_message(app, "no session here to refresh the account of (%s refreshes all)", all);
        return;
    }
    app_refresh_said(app, (size_t)i, false);
}

static void relist_current(struct view *v, struct app *app)
{
    struct sessions_view *sv = priv(v);
    const struct session *s = sessions_view_current(v, app);
    ssize_t i = store_index(&app->store, s ? s->account_id : sv->narrow);
    if (i < 0) {
        app_message(app, "no session here to list the account of");
        return;
    }
    app_refresh_said(app, (size_t)i, true);
}

static bool back(struct view *v, struct app *app)
{
    struct sessions_view *sv = priv(v);
    if (filter_active(&sv->filter)) {
        refilter(v, app, "");
        app_message(app, "filter cleared");
    } else if (sv->narrow) {
        sessions_view_narrow(v, app, NULL);
        app_message(app, "showing every account's sessions");
    } else if (g_hash_table_size(sv->marks)) {
        sessions_view_clear_marks(v);
        app_message(app, "marks cleared");
    } else {
        return false;
    }
    return true;
}

static bool action(struct view *v, struct app *app, enum action a)
{
    struct sessions_view *sv = priv(v);
    sync_rows(v, app);
    size_t n = sv->n_rows, rows = visible_rows(v);
    long page = rows > 1 ? (long)rows - 1 : 1;
    switch (a) {
    case ACT_MOVE_UP: listpos_move(&sv->pos, n, -1, rows); break;
    case ACT_MOVE_DOWN: listpos_move(&sv->pos, n, 1, rows); break;
    case ACT_PAGE_UP: listpos_move(&sv->pos, n, -page, rows); break;
    case ACT_PAGE_DOWN: listpos_move(&sv->pos, n, page, rows); break;
    case ACT_FIRST: listpos_set(&sv->pos, n, 0, rows); break;
    case ACT_LAST: listpos_set(&sv->pos, n, n ? n - 1 : 0, rows); break;
    case ACT_MARK: toggle_mark(v, app); break;
    case ACT_FILTER: open_prompt(v, app); break;
    case ACT_SORT: next_sort(v, app); break;
    case ACT_SORT_REVERSE:
        set_sort(v, app, sv->sort == SORT_NONE ? SORT_PROVIDER : sv->sort, !sv->desc);
        break;
    case ACT_REFRESH: refresh_current(v, app); break;
    case ACT_RELIST: relist_current(v, app); break;
    case ACT_DETAILS:
        if (sv->pos.cursor >= n)
            return false;
        app_open_overlay(app,
                         detail_view_new(app, &app->store.sessions.v[sv->rows[sv->pos.cursor]]));
        return true;
    case ACT_BACK:
        if (!back(v, app))
            return false;
        break;
    default:
        return false;
    }
    remember_cursor(v, app);
    return true;
}

/* ---- the mouse ---- */

static bool mouse(struct view *v, struct app *app, const struct mouse_ev *m)
{
    struct sessions_view *sv = priv(v);
    sync_rows(v, app);
    size_t n = sv->n_rows, rows = visible_rows(v);
    switch (m->kind) {
    case MOUSE_WHEEL_UP: listpos_move(&sv->pos, n, -WHEEL_ROWS, rows); break;
    case MOUSE_WHEEL_DOWN: listpos_move(&sv->pos, n, WHEEL_ROWS, rows); break;
    case MOUSE_CLICK:
    case MOUSE_DOUBLE:
        if (m->y == 1) { /* a header: sort by it, again to reverse */
            int c = table_column_at(sv->widths, N_COLS, m->x);
            if (c < COL_PROVIDER)
                return false;
            enum sort_col col = (enum sort_col)(c - COL_PROVIDER);
            set_sort(v, app, col, col == sv->sort ? !sv->desc : false);
            return true;
        }
        if (m->y < HEAD_ROWS || sv->pos.top + (size_t)(m->y - HEAD_ROWS) >= n)
            return false;
        listpos_set(&sv->pos, n, sv->pos.top + (size_t)(m->y - HEAD_ROWS), rows);
        remember_cursor(v, app);
        if (m->kind == MOUSE_DOUBLE)
            app_do_action(app, ACT_DETAILS);
        return true;
    }
    remember_cursor(v, app);
    return true;
}

/* ---- the rest of the view ---- */

static char *status_line(struct view *v, struct app *app, bool *error)
{
    struct sessions_view *sv = priv(v);
    sync_rows(v, app);
    if (sv->n_marked_shown) {
        char mark[32], revoke[32], back_key[32];
        app_key_for(app, ACT_MARK, mark, sizeof mark);
        app_key_for(app, ACT_REVOKE, revoke, sizeof revoke);
        app_key_for(app, ACT_BACK, back_key, sizeof back_key);
        return xasprintf("%zu marked: %s acts on them, %s unmarks one, %s unmarks all",
                         sv->n_marked_shown, revoke, mark, back_key);
    }
    if (sv->pos.cursor >= sv->n_rows)
        return NULL;
    const struct store_account *sa = account_of(sv, app, sv->rows[sv->pos.cursor]);
    if (sa && sa->error && sa->state != ACCOUNT_OK && sa->state != ACCOUNT_LOADING) {
        *error = true;
        return xasprintf("%s: %s", account_name(sa), sa->error);
    }
    return NULL;
}

static void changed(struct view *v, struct app *app)
{
    sync_rows(v, app);
}

static size_t work(struct view *v, struct app *app, size_t budget)
{
    struct sessions_view *sv = priv(v);
    if (!sv->built || sv->seen != app->store.sessions_version ||
        sv->n_order != app->store.sessions.n)
        return 0; /* the next sync_rows rebuilds first */
    if (!haystacks_wanted(sv))
        return 0;
    return haystacks_make(sv, app, budget);
}

static void destroy(struct view *v)
{
    struct sessions_view *sv = priv(v);
    free(sv->acc_of);
    free(sv->order);
    free(sv->rows);
    filter_index_free(&sv->hay);
    filter_free(&sv->filter);
    free(sv->narrow);
    free(sv->cur_key);
    free(sv->marked);
    g_hash_table_destroy(sv->marks);
    free(sv);
    free(v);
}

static const struct view_ops sessions_ops = {
    .name = "sessions",
    .draw = draw,
    .action = action,
    .key = key,
    .mouse = mouse,
    .next_tick = next_tick,
    .tick = tick,
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
    sv->cur = SIZE_MAX;
    sv->marks = g_hash_table_new_full(g_str_hash, g_str_equal, free, NULL);
    filter_init(&sv->filter);
    return v;
}
