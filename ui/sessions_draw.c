/* The sessions table on screen: the chosen columns of the registry
 * (src/columns.h) laid out into the pane's width, a row per session with
 * the status and countdown coloured, every match of the filter lit, the
 * column cursor's cell, and the clocks: when what is shown changes by
 * itself (a countdown, "12m ago"), only those cells are drawn again. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "draw.h"
#include "expiry.h"
#include "redact.h"
#include "session_status.h"
#include "sessions_priv.h"
#include "sort.h"
#include "util.h"

#define MAX_SPANS 16

enum role session_status_role(const struct session *s, int64_t now, int64_t expiring_ms)
{
    switch (session_status_seen(s, now)) {
    case SESSION_ACTIVE:
        return session_expiring(s, now, expiring_ms) ? C_EXPIRING : C_ACTIVE;
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

/* ---- the layout ---- */

static bool countdown(enum column_id c)
{
    return c == COLUMN_EXPIRES || c == COLUMN_IDLE;
}

/* What a column is laid out to when nothing is said (the registry's own
 * target, as columns_layout takes it with no natural widths), so that a
 * widened column can be given beside the others. */
static int registry_target(enum column_id c, enum time_mode tm)
{
    const struct column_def *d = column_def(c);
    if (d->time && tm == TIME_ABSOLUTE)
        return COLUMN_ABSOLUTE_WIDTH;
    return d->want > d->readable ? d->want : d->readable;
}

void sessions_layout(struct sessions_view *sv, int width)
{
    int natural[COLUMN_COUNT];
    bool widened = false;
    sv->n_cols = 0;
    for (size_t i = 0; i < sv->choice.set.n; i++) {
        enum column_id c = sv->choice.set.v[i];
        const struct column_def *d = column_def(c);
        if (!sv->chosen && d->hide_empty && !sv->has_data[c])
            continue; /* a default column no session has a value for */
        natural[sv->n_cols] = sv->choice.width[c] > 0 ? sv->choice.width[c]
                                                       : registry_target(c, sv->time);
        widened |= sv->choice.width[c] > 0;
        sv->id[sv->n_cols++] = c;
    }
    struct column_layout in = {sv->id, sv->n_cols, widened ? natural : NULL, width - 2, 1, true,
                               sv->time};
    sv->tcol[0] = (struct column){"", 1, 1, 0, 100, ALIGN_LEFT};
    sv->widths[0] = 1;
    columns_layout(&in, sv->widths + 1);
    for (size_t i = 0; i < sv->n_cols; i++) {
        const struct column_def *d = column_def(sv->id[i]);
        sv->tcol[1 + i] = (struct column){d->title, d->min, d->want, d->grow, d->keep,
                                          d->align == COLUMN_RIGHT ? ALIGN_RIGHT : ALIGN_LEFT};
    }
    sv->laid_w = width;
}

/* The index in tcol/widths of column c, or -1 when it is not laid out. */
static int tcol_of(const struct sessions_view *sv, int c)
{
    for (size_t i = 0; i < sv->n_cols; i++)
        if ((int)sv->id[i] == c)
            return (int)i + 1;
    return -1;
}

int sessions_column_at(const struct sessions_view *sv, int x)
{
    int i = table_column_at(sv->widths, 1 + sv->n_cols, x);
    return i >= 1 ? (int)sv->id[i - 1] : -1;
}

/* ---- the title ---- */

static char *title_text(const struct sessions_view *sv, const struct app *app)
{
    GString *t = g_string_new("Sessions");
    if (sv->view_name)
        g_string_append_printf(t, " (view %s)", sv->view_name);
    if (sv->narrow) {
        const struct store_account *sa = store_find((struct store *)&app->store, sv->narrow);
        g_string_append_printf(t, " of %s", sa ? (sa->a.label ? sa->a.label : sa->a.id) : "?");
    }
    bool filtering = query_active(&sv->query);
    if (filtering || sv->narrow)
        g_string_append_printf(t, " %zu of %zu", sv->n_rows, app->store.sessions.n);
    else
        g_string_append_printf(t, " %zu", sv->n_rows);
    if (filtering)
        g_string_append_printf(t, " matching \"%s\"", sv->query.source);
    if (sv->n_marked_shown)
        g_string_append_printf(t, ", %zu marked", sv->n_marked_shown);
    if (sv->visual)
        g_string_append(t, ", VISUAL");
    return g_string_free(t, FALSE);
}

static void draw_empty(struct view *v, struct app *app)
{
    const struct rect *r = &v->area;
    struct sessions_view *sv = sessions_priv(v);
    char back[32], add[32], create[32];
    app_key_for(app, ACT_BACK, back, sizeof back);
    app_key_for(app, ACT_ACCOUNT_ADD, add, sizeof add);
    app_key_for(app, ACT_CREATE, create, sizeof create);
    char *line;
    if (query_active(&sv->query))
        line = xasprintf("No session matches \"%s\" (%s clears the filter).", sv->query.source,
                         back);
    else if (sv->narrow)
        line = xasprintf("No sessions in this account (%s shows every account).", back);
    else if (store_in_flight(&app->store))
        line = xstrdup("No sessions yet: loading...");
    else if (app->store.n_acc == 0)
        line = xasprintf("No sessions: no account yet (%s adds one).", add);
    else
        line = xasprintf("No sessions. %s creates one at the selected account (a login at "
                         "Plantly and CBRAIN); Clerk's come from sign-ins to your app.", create);
    if (r->h > HEAD_ROWS)
        draw_text(r->y + HEAD_ROWS, r->x + 2, r->w - 4, line, C_DIM, ALIGN_LEFT);
    free(line);
}

/* ---- a row ---- */

/* The bar a row is drawn in: the cursor's, or none (C_DEFAULT). */
static enum role row_bar(const struct view *v, size_t row)
{
    const struct sessions_view *sv = v->priv;
    if (row != sv->pos.cursor)
        return C_DEFAULT;
    return v->focused ? C_SELECTED : C_SELECTED_IDLE;
}

/* Its account's `expiring` (account_policy.h). */
static int64_t expiring_of(const struct store_account *sa)
{
    return sa ? sa->policy.expiring_ms : POLICY_EXPIRING_DEFAULT_MS;
}

/* The text and role of column c for store session k at now; "-" in dim
 * for a countdown that has none; an account's name with the badges of its
 * settings (PROD, RO), a production account's in its colour. */
static const char *cell_of(const struct sessions_view *sv, const struct column_row *row,
                           const struct store_account *sa, enum column_id c, int64_t now,
                           char *buf, enum role *role)
{
    /* now is the start of the second drawn (every countdown ticks at once);
     * a time of the past is read against its end, so that one made within
     * it is "just now", not "in 0m 00s" */
    bool past = c == COLUMN_CREATED || c == COLUMN_LAST_ACTIVE;
    const char *t = column_text(c, row, past ? now + 999 : now, sv->time, buf);
    *role = C_DEFAULT;
    if (c == COLUMN_STATUS) {
        *role = session_status_role(row->s, now, expiring_of(sa));
    } else if (countdown(c)) {
        *role = t ? session_status_role(row->s, now, expiring_of(sa)) : C_DIM;
        if (!t)
            t = "-";
    } else if (c == COLUMN_FLAGS) {
        *role = C_FLAG;
    } else if ((c == COLUMN_ACCOUNT || c == COLUMN_PROVIDER) && sa && sa->policy.production) {
        *role = C_PRODUCTION; /* what can hurt stands out in every theme */
    }
    if (c == COLUMN_ACCOUNT && sa && (sa->policy.production || sa->policy.read_only)) {
        char *title = store_account_title(sa);
        snprintf(buf, COLUMN_TEXT_MAX, "%s", title);
        free(title);
        t = buf;
    }
    return t ? t : "";
}

/* Every match of the filter in the cells, in the match colour. */
static void draw_matches(struct view *v, int y, const char *const *cells)
{
    struct sessions_view *sv = sessions_priv(v);
    int x = v->area.x + sv->widths[0] + 1;
    for (size_t i = 0; i < sv->n_cols; i++) {
        int w = sv->widths[1 + i];
        if (w <= 0)
            continue;
        const char *text = cells[1 + i];
        struct query_span sp[MAX_SPANS];
        size_t n = text && *text ? query_spans(&sv->query, sv->id[i], text, sp, MAX_SPANS) : 0;
        int tw = n ? text_width(text) : 0;
        bool cut = tw > w;
        /* where the text starts, and the columns it shows (the last holds
         * the ellipsis when it was cut) */
        int x0 = x + (!cut && sv->tcol[1 + i].align == ALIGN_RIGHT ? w - tw : 0);
        int room = cut ? w - 1 : w;
        for (size_t k = 0; k < n && k < MAX_SPANS; k++) {
            char *before = xstrndup(text, sp[k].start);
            char *match = xstrndup(text + sp[k].start, sp[k].len);
            int bw = text_width(before), mw = text_width(match);
            if (bw < room)
                draw_text(y, x0 + bw, mw < room - bw ? mw : room - bw, match, C_MATCH, ALIGN_LEFT);
            free(before);
            free(match);
        }
        x += w + 1;
    }
}

static void draw_row(struct view *v, struct app *app, size_t row, int y, int64_t now)
{
    struct sessions_view *sv = sessions_priv(v);
    size_t k = sv->rows[row];
    struct column_row cr = sessions_row(sv, app, k);
    const struct store_account *sa = sessions_account_of(sv, app, k);
    struct session masked; /* screen-share mode: what is shown of it */
    if (app->redact) {
        redact_session(cr.s, &masked);
        cr.s = &masked;
    }
    bool marked = sv->marked[k], ranged = sessions_in_range(sv, row);
    char bufs[COLUMN_COUNT][COLUMN_TEXT_MAX];
    const char *cells[TCOLS];
    enum role roles[TCOLS], base = marked || ranged ? C_MARKED : C_DEFAULT;
    cells[0] = marked ? (text_ascii() ? "*" : "\xe2\x97\x8f") : ranged ? "+" : "";
    /* the mark column too: an unmarked row's blank there in C_MARKED was an
     * underlined blank, a "_", in themes that mark by underline (mono) */
    roles[0] = base;
    for (size_t i = 0; i < sv->n_cols; i++) {
        enum role r;
        cells[1 + i] = cell_of(sv, &cr, sa, sv->id[i], now, bufs[i], &r);
        roles[1 + i] = r == C_DEFAULT ? base : r;
    }
    enum role bar = row_bar(v, row);
    table_draw_row(y, v->area.x, v->area.w, sv->tcol, sv->widths, 1 + sv->n_cols, cells, roles,
                   bar);
    if (!marked && !ranged && bar != C_DEFAULT)
        draw_fill(y, v->area.x, sv->widths[0], C_DEFAULT); /* nor in the cursor's bar */
    if (query_active(&sv->query) && row != sv->pos.cursor)
        draw_matches(v, y, cells);
    int cc = tcol_of(sv, sv->cur_col);
    if (row == sv->pos.cursor && v->focused && cc > 0)
        table_draw_cell(y, v->area.x, sv->tcol, sv->widths, (size_t)cc, cells[cc], C_CELL,
                        C_CELL);
    if (cr.s == &masked)
        redacted_session_free(&masked);
}

void sessions_draw(struct view *v, struct app *app)
{
    const struct rect *r = &v->area;
    struct sessions_view *sv = sessions_priv(v);
    sessions_sync(v, app);
    if (sv->prompting && !v->focused) /* focus went elsewhere: keep what was typed */
        sv->prompting = false;
    size_t rows = sessions_visible(v);
    listpos_clamp(&sv->pos, sv->n_rows, rows);
    char *title = title_text(sv, app);
    char *where = position_text("row", sv->pos.cursor, sv->n_rows, sv->pos.top, rows);
    draw_rule2(r->y, r->x, r->w, title, where, C_BORDER, v->focused ? C_PANE_TITLE : C_PANE_IDLE,
               C_DIM);
    free(where);
    free(title);
    sessions_layout(sv, r->w);
    int sort = tcol_of(sv, sv->sort), cc = v->focused ? tcol_of(sv, sv->cur_col) : -1;
    if (r->h > 1)
        table_draw_header(r->y + 1, r->x, sv->tcol, sv->widths, 1 + sv->n_cols, sort, sv->desc,
                          cc);
    if (sv->n_rows == 0) {
        draw_empty(v, app);
        return;
    }
    /* the clock in whole seconds: every countdown on screen changes at the
     * same instant, so they cost one redraw a second at most */
    int64_t now = now_ms() / 1000 * 1000;
    sv->drawn_ms = now;
    for (size_t i = 0; i < rows && sv->pos.top + i < sv->n_rows; i++)
        draw_row(v, app, sv->pos.top + i, r->y + HEAD_ROWS + (int)i, now);
}

/* ---- the clocks ---- */

/* How long after drawn the text of a time column, at `at`, shows another
 * value (as column_text writes it), -1 for never: a countdown steps by
 * seconds under an hour, minutes under a day, then hours; "12m ago" by
 * minutes, "3h ago" by hours, "3d ago" by days. */
static int64_t text_changes_in(int64_t at, int64_t drawn, enum time_mode tm)
{
    if (at <= 0 || tm == TIME_ABSOLUTE)
        return -1;
    if (at > drawn) {
        int64_t left = at - drawn;
        int64_t step = left < 3600 * 1000 ? 1000 : left < 86400 * 1000 ? 60 * 1000 : 3600 * 1000;
        return left % step + 1;
    }
    int64_t ago = drawn - at;
    int64_t step = ago < 3600 * 1000 ? 60 * 1000 : ago < 86400 * 1000 ? 3600 * 1000
                                                                      : 86400 * 1000;
    return step - ago % step;
}

/* When row k's drawing next changes by itself: a time column's text, or
 * its status (an expiry or idle limit passing), -1 for never. */
static int64_t row_changes_in(const struct sessions_view *sv, const struct session *s,
                              int64_t expiring, int64_t drawn)
{
    int64_t best = -1;
    int64_t left;
    if (session_time_left(s, drawn, &left)) {
        best = left + 1; /* it turns expired (or abandoned) */
        if (left > expiring && left - expiring < best)
            best = left - expiring + 1; /* it turns "expiring" */
    }
    for (size_t i = 0; i < sv->n_cols; i++) {
        if (sv->widths[1 + i] <= 0 || !column_def(sv->id[i])->time)
            continue;
        int64_t at = sv->id[i] == COLUMN_CREATED ? s->created_ms
                     : sv->id[i] == COLUMN_LAST_ACTIVE ? s->last_active_ms
                     : sv->id[i] == COLUMN_EXPIRES ? s->expires_ms
                     : s->abandon_ms;
        if (countdown(sv->id[i]) && (at <= drawn || !session_status_live(
                                                         session_status_seen(s, drawn))))
            continue; /* no countdown: "-" till it lives again */
        int64_t d = text_changes_in(at, drawn, sv->time);
        if (d > 0 && (best < 0 || d < best))
            best = d;
    }
    return best;
}

/* When what was last drawn stops being true (may be in the past: then
 * the app redraws at once): on a whole wall-clock second, since draw
 * counts down from the second (drawn_ms) it is in. */
int64_t sessions_next_tick(struct view *v, struct app *app, int64_t now)
{
    struct sessions_view *sv = sessions_priv(v);
    if (!sv->built || sv->seen != app->store.sessions_version ||
        sv->n_order != app->store.sessions.n || !sv->drawn_ms)
        return -1; /* rebuilt and redrawn on the change anyway */
    size_t rows = sessions_visible(v);
    int64_t best = -1, drawn = sv->drawn_ms;
    for (size_t i = 0; i < rows && sv->pos.top + i < sv->n_rows; i++) {
        size_t k = sv->rows[sv->pos.top + i];
        int64_t d = row_changes_in(sv, &app->store.sessions.v[k],
                                   expiring_of(sessions_account_of(sv, app, k)), drawn);
        if (d < 0)
            continue;
        int64_t t = (drawn + d + 999) / 1000 * 1000; /* a whole second */
        if (best < 0 || t < best)
            best = t;
    }
    return best;
}

/* The rows whose times moved since the last draw, drawn again: the cells
 * that changed, or the whole row when its status or colour turned. */
void sessions_tick(struct view *v, struct app *app)
{
    struct sessions_view *sv = sessions_priv(v);
    int64_t drawn = sv->drawn_ms, now = now_ms() / 1000 * 1000;
    size_t rows = sessions_visible(v);
    for (size_t i = 0; i < rows && sv->pos.top + i < sv->n_rows; i++) {
        size_t row = sv->pos.top + i;
        size_t k = sv->rows[row];
        const struct session *s = &app->store.sessions.v[k];
        const struct store_account *sa = sessions_account_of(sv, app, k);
        int64_t expiring = expiring_of(sa);
        int y = v->area.y + HEAD_ROWS + (int)i;
        if (session_status_role(s, now, expiring) != session_status_role(s, drawn, expiring) ||
            session_status_seen(s, now) != session_status_seen(s, drawn) ||
            query_active(&sv->query) || row == sv->pos.cursor) {
            draw_row(v, app, row, y, now);
            continue;
        }
        struct column_row cr = sessions_row(sv, app, k);
        for (size_t c = 0; c < sv->n_cols; c++) {
            if (sv->widths[1 + c] <= 0 || !column_def(sv->id[c])->time)
                continue;
            char was[COLUMN_TEXT_MAX], is[COLUMN_TEXT_MAX];
            enum role rw, ri;
            const char *a = cell_of(sv, &cr, sa, sv->id[c], drawn, was, &rw);
            const char *b = cell_of(sv, &cr, sa, sv->id[c], now, is, &ri);
            if (strcmp(a, b) == 0 && rw == ri)
                continue;
            enum role base = sv->marked[k] || sessions_in_range(sv, row) ? C_MARKED : C_DEFAULT;
            table_draw_cell(y, v->area.x, sv->tcol, sv->widths, 1 + c, b,
                            ri == C_DEFAULT ? base : ri, row_bar(v, row));
        }
    }
    sv->drawn_ms = now;
}
