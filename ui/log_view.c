/* The message log overlay (L): every message and request outcome of this
 * run, oldest first, each wrapped whole under its time and account, with a
 * cursor on one entry. The copy key puts the entry under the cursor on the
 * clipboard (OSC 52), copy-all the whole log (its newest lines, when all of
 * it is more than a terminal takes). Only the entries on screen are
 * wrapped: a long log costs nothing to open or scroll. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "actions.h"
#include "app.h"
#include "dialog.h"
#include "draw.h"
#include "table.h"
#include "redact.h"
#include "util.h"

#define TIME_WIDTH 8   /* "14:03:07" */
#define ACCOUNT_WIDTH 14
#define MAX_WRAP 64    /* lines of one entry at most (the rest is cut) */

struct log_view {
    size_t cursor, top;   /* entries */
    uint64_t seen;        /* log.added at the last look ... */
    size_t seen_n;        /* ... and log.n */
    int body;             /* rows of entries at the last draw */
};

static struct log_view *priv(const struct view *v)
{
    return v->priv;
}

static int text_x(const struct view *v)
{
    int x = 1 + TIME_WIDTH + 2;
    return v->area.w >= 70 ? x + ACCOUNT_WIDTH + 1 : x;
}

/* The entry's text as it is shown: the account leads when it has no
 * column of its own (narrow). Screen-share mode masks it as it is drawn,
 * so that what was logged before M was pressed is masked too. */
static char *shown_text(const struct view *v, const struct app *app,
                        const struct msglog_entry *e)
{
    char *text = v->area.w >= 70 || !e->account ? xstrdup(e->text)
                 : xasprintf("%s: %s", e->account, e->text);
    if (!app->redact)
        return text;
    char *masked = redact_line(text);
    free(text);
    return masked;
}

/* Rows entry i takes at the view's width. */
static size_t entry_rows(const struct view *v, const struct app *app, size_t i)
{
    const struct msglog_entry *e = msglog_get(&app->log, i);
    char *text = shown_text(v, app, e), *parts[1];
    size_t n = dialog_wrap(text, v->area.w - text_x(v) - 1, parts, 0);
    free(text);
    return n ? (n < MAX_WRAP ? n : MAX_WRAP) : 1;
}

/* Scroll so that the cursor's entry is whole on screen. */
static void keep_cursor(struct view *v, const struct app *app)
{
    struct log_view *lv = priv(v);
    size_t n = app->log.n;
    if (n == 0) {
        lv->cursor = lv->top = 0;
        return;
    }
    if (lv->cursor >= n)
        lv->cursor = n - 1;
    if (lv->top > lv->cursor)
        lv->top = lv->cursor;
    int body = lv->body > 0 ? lv->body : 1;
    /* from the cursor back: how far up the top may be */
    size_t used = 0, first = lv->cursor;
    for (size_t i = lv->cursor + 1; i-- > 0;) {
        size_t r = entry_rows(v, app, i);
        if (used + r > (size_t)body && i != lv->cursor)
            break;
        used += r;
        first = i;
    }
    if (lv->top < first)
        lv->top = first;
}

/* The last entry whose first row is on screen when the view starts at top. */
static size_t last_shown(const struct view *v, const struct app *app, size_t top, int body)
{
    size_t i = top, used = 0;
    while (i < app->log.n) {
        used += entry_rows(v, app, i);
        if (used >= (size_t)body)
            return i;
        i++;
    }
    return app->log.n ? app->log.n - 1 : 0;
}

/* Entries came (the cursor on the newest stays on the newest) and the
 * oldest may have left the ring (what the cursor is on moves up). */
static void follow_new(struct view *v, struct app *app)
{
    struct log_view *lv = priv(v);
    if (app->log.added == lv->seen)
        return;
    size_t added = (size_t)(app->log.added - lv->seen), n = app->log.n;
    size_t dropped = lv->seen_n + added > n ? lv->seen_n + added - n : 0;
    bool at_end = lv->seen_n == 0 || lv->cursor + 1 >= lv->seen_n;
    lv->cursor = lv->cursor > dropped ? lv->cursor - dropped : 0;
    lv->top = lv->top > dropped ? lv->top - dropped : 0;
    if (at_end)
        lv->cursor = n ? n - 1 : 0;
    lv->seen = app->log.added;
    lv->seen_n = n;
}

static void when_text(int64_t ms, char *buf, size_t size)
{
    time_t t = (time_t)(ms / 1000), now = time(NULL);
    struct tm tm, tn;
    buf[0] = '\0';
    if (!localtime_r(&t, &tm) || !localtime_r(&now, &tn))
        return;
    /* the day when it is not today's */
    strftime(buf, size, tm.tm_yday == tn.tm_yday && tm.tm_year == tn.tm_year ? "%H:%M:%S"
                                                                             : "%b %d", &tm);
}

static void draw_entry(struct view *v, struct app *app, size_t i, int y, int y_end)
{
    struct log_view *lv = priv(v);
    const struct msglog_entry *e = msglog_get(&app->log, i);
    const struct rect *r = &v->area;
    bool cur = i == lv->cursor;
    enum role base = e->level == MSGLOG_ERROR ? C_ERROR : e->level == MSGLOG_JOB ? C_PENDING
                                                                              : C_DEFAULT;
    char *text = shown_text(v, app, e), *parts[MAX_WRAP];
    int tx = text_x(v);
    size_t n = dialog_wrap(text, r->w - tx - 1, parts, MAX_WRAP);
    if (n > MAX_WRAP)
        n = MAX_WRAP;
    char when[32];
    when_text(e->when_ms, when, sizeof when);
    for (size_t k = 0; k < (n ? n : 1) && y + (int)k < y_end; k++) {
        int yy = y + (int)k;
        if (cur)
            draw_fill(yy, r->x, r->w, C_SELECTED);
        if (k == 0) {
            draw_text(yy, r->x + 1, TIME_WIDTH, when, cur ? C_SELECTED : C_DIM, ALIGN_LEFT);
            if (tx > 1 + TIME_WIDTH + 2)
                draw_text(yy, r->x + 1 + TIME_WIDTH + 2, ACCOUNT_WIDTH, e->account ? e->account : "",
                          cur ? C_SELECTED : C_KEY, ALIGN_LEFT);
        }
        draw_text(yy, r->x + tx, r->w - tx - 1, n ? parts[k] : "", cur ? C_SELECTED : base,
                  ALIGN_LEFT);
    }
    for (size_t k = 0; k < n; k++)
        free(parts[k]);
    free(text);
}

static void draw(struct view *v, struct app *app)
{
    const struct rect *r = &v->area;
    struct log_view *lv = priv(v);
    follow_new(v, app);
    for (int y = 0; y < r->h; y++)
        draw_fill(r->y + y, r->x, r->w, C_DEFAULT);
    lv->body = r->h - 1;
    keep_cursor(v, app);
    char close[32], journal[32];
    app_key_for(app, ACT_BACK, close, sizeof close);
    app_key_for(app, ACT_JOURNAL, journal, sizeof journal);
    char *title = *journal ? xasprintf("Message log (%s closes, %s: the journal of changes)",
                                       close, journal)
                           : xasprintf("Message log (%s closes)", close);
    size_t last = last_shown(v, app, lv->top, lv->body), used = 0;
    for (size_t i = lv->top; i <= last && i < app->log.n; i++)
        used += entry_rows(v, app, i);
    /* the last entry cut short counts as more below */
    size_t shown = last + 1 - lv->top - (used > (size_t)lv->body && last > lv->top ? 1 : 0);
    char *where = position_text("entry", lv->cursor, app->log.n, lv->top, shown);
    draw_rule2(r->y, r->x, r->w, title, where, C_BORDER, C_PANE_TITLE, C_DIM);
    free(where);
    free(title);
    if (app->log.n == 0) {
        draw_text(r->y + 2, r->x + 2, r->w - 4, "Nothing yet: messages and the outcome of "
                  "each request are kept here.", C_DIM, ALIGN_LEFT);
        return;
    }
    int y = r->y + 1, end = r->y + r->h;
    for (size_t i = lv->top; i < app->log.n && y < end; i++) {
        draw_entry(v, app, i, y, end);
        y += (int)entry_rows(v, app, i);
    }
}

/* Every entry, a line each, the newest that fit into OSC 52's limit; how
 * many went in is *n_out. Owned. */
static char *all_lines(const struct app *app, size_t *n_out)
{
    size_t n = app->log.n, total = 0, from = n;
    char **lines = xcalloc(n ? n : 1, sizeof *lines);
    while (from > 0) {
        char *line = msglog_line(msglog_get(&app->log, from - 1));
        size_t len = strlen(line) + 1;
        if (total + len > OSC52_MAX) {
            free(line);
            break;
        }
        lines[--from] = line;
        total += len;
    }
    char *out = xmalloc(total + 1), *o = out;
    for (size_t i = from; i < n; i++) {
        size_t len = strlen(lines[i]);
        memcpy(o, lines[i], len);
        o += len;
        *o++ = '\n';
        free(lines[i]);
    }
    *o = '\0';
    free(lines);
    *n_out = n - from;
    return out;
}

static void copy(struct view *v, struct app *app, bool all)
{
    struct log_view *lv = priv(v);
    if (app->log.n == 0) {
        app_message(app, "the log is empty: nothing to copy");
        return;
    }
    if (!all) {
        char *line = msglog_line(msglog_get(&app->log, lv->cursor));
        actions_copy(app, line, "the log entry");
        free(line);
        return;
    }
    size_t n, of = app->log.n;
    char *text = all_lines(app, &n);
    char *what = n == of ? xasprintf("the log (%zu entr%s)", n, n == 1 ? "y" : "ies")
                         : xasprintf("the newest %zu of the log's %zu entries (the most a "
                                     "terminal takes at once)", n, of);
    actions_copy(app, text, what);
    free(what);
    free(text);
}

static bool action(struct view *v, struct app *app, enum action a)
{
    struct log_view *lv = priv(v);
    size_t n = app->log.n;
    size_t page = lv->body > 2 ? (size_t)lv->body / 2 : 1;
    if (scroll_action(&lv->cursor, n ? n - 1 : 0, page, a)) {
        if (lv->cursor < lv->top)
            lv->top = lv->cursor;
        app->dirty = true;
        return true;
    }
    switch (a) {
    case ACT_COPY: copy(v, app, false); break;
    case ACT_COPY_ALL: copy(v, app, true); break;
    case ACT_JOURNAL: /* what changed, as recorded: the journal in its place */
        app_open_overlay(app, journal_view_new(app));
        return true;
    case ACT_BACK:
    case ACT_LOG:
    case ACT_QUIT:
        app_close_overlay(app);
        return true;
    default:
        return false;
    }
    if (lv->cursor < lv->top)
        lv->top = lv->cursor;
    app->dirty = true;
    return true;
}

static void destroy(struct view *v)
{
    free(v->priv);
    free(v);
}

static const struct view_ops log_ops = {
    .name = "log",
    .draw = draw,
    .action = action,
    .mouse = view_wheel_scrolls,
    .destroy = destroy,
};

struct view *log_view_new(struct app *app)
{
    struct view *v = xcalloc(1, sizeof *v);
    struct log_view *lv = xcalloc(1, sizeof *lv);
    lv->cursor = app->log.n ? app->log.n - 1 : 0; /* the newest: what was just cut */
    lv->seen = app->log.added;
    lv->seen_n = app->log.n;
    v->ops = &log_ops;
    v->priv = lv;
    return v;
}
