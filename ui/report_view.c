/* The results of a batch (x on marked sessions): one line per session,
 * "… sess_x (prod)" until its answer comes, then what became of it. It can
 * be closed at any time; the answers still land in the table and on the
 * message line. */
#include <glib.h>
#include <stdlib.h>
#include <string.h>

#include "actions.h"
#include "app.h"
#include "dialog.h"
#include "draw.h"
#include "table.h"
#include "util.h"

#define REPORT_WIDTH 90

struct report_line {
    char *text;
    enum role role;
};

struct report_view {
    char *title;
    struct report_line *lines;
    size_t n, top;
    struct view **backref;   /* the batch's pointer to us, NULLed when we go */
    int rows;                /* body rows at the last draw */
    size_t done, total, failed, cancelled; /* the bar over the lines */
    bool cancellable;
    void (*cancel)(struct app *app, void *ctx);
    void *cancel_ctx;
};

static struct report_view *priv(const struct view *v)
{
    return v->priv;
}

#define BAR_WIDTH 30

/* "[██████░░░░] 120 of 300 answered, 2 failed · c cancels the rest" */
static void draw_bar(const struct report_view *rv, struct app *app, int y, int x, int x_end)
{
    int fill = rv->total ? (int)(rv->done * BAR_WIDTH / rv->total) : BAR_WIDTH;
    bool a = text_ascii();
    GString *bar = g_string_new(a ? "[" : "");
    for (int i = 0; i < BAR_WIDTH; i++)
        g_string_append(bar, i < fill ? (a ? "#" : "█") : (a ? "." : "░"));
    g_string_append(bar, a ? "] " : " ");
    x = draw_part(y, x, x_end, bar->str, rv->failed ? C_ERROR : C_REVOKED);
    g_string_free(bar, TRUE);
    char key[32];
    app_key_for(app, ACT_CANCEL, key, sizeof key);
    GString *text = g_string_new("");
    g_string_append_printf(text, "%zu of %zu answered", rv->done, rv->total);
    if (rv->failed)
        g_string_append_printf(text, ", %zu failed", rv->failed);
    if (rv->cancelled)
        g_string_append_printf(text, ", %zu cancelled", rv->cancelled);
    if (rv->cancellable && *key)
        g_string_append_printf(text, " · %s cancels the rest", key);
    draw_part(y, x, x_end, text->str, C_DEFAULT);
    g_string_free(text, TRUE);
}

static void draw(struct view *v, struct app *app)
{
    struct report_view *rv = priv(v);
    int w = REPORT_WIDTH < v->area.w - 2 ? REPORT_WIDTH : v->area.w - 2;
    int head = rv->total ? 2 : 0; /* the bar and a blank */
    int h = (int)rv->n + 2 + head < v->area.h ? (int)rv->n + 2 + head : v->area.h;
    struct rect r = dialog_rect(&v->area, w, h);
    dialog_frame(&r, rv->title);
    if (head)
        draw_bar(rv, app, r.y + 1, r.x + 2, r.x + r.w - 2);
    rv->rows = r.h - 2 - head > 0 ? r.h - 2 - head : 0;
    if (rv->top + (size_t)rv->rows > rv->n)
        rv->top = rv->n > (size_t)rv->rows ? rv->n - (size_t)rv->rows : 0;
    for (int k = 0; k < rv->rows && rv->top + (size_t)k < rv->n; k++) {
        const struct report_line *l = &rv->lines[rv->top + (size_t)k];
        draw_part(r.y + 1 + head + k, r.x + 2, r.x + r.w - 2, l->text ? l->text : "", l->role);
    }
    char back[32];
    app_key_for(app, ACT_BACK, back, sizeof back);
    char *where = position_text("lines", 0, rv->n, rv->top, (size_t)rv->rows);
    char *foot = xasprintf("%s · %s closes%s", where, back,
                           rv->done < rv->total ? " (it goes on)" : "");
    dialog_footer(&r, foot);
    free(foot);
    free(where);
}

static bool action(struct view *v, struct app *app, enum action a)
{
    struct report_view *rv = priv(v);
    size_t max_top = rv->n > (size_t)rv->rows ? rv->n - (size_t)rv->rows : 0;
    if (scroll_action(&rv->top, max_top, (size_t)rv->rows, a)) {
        app->dirty = true;
        return true;
    }
    switch (a) {
    case ACT_BACK: case ACT_QUIT: case ACT_DETAILS:
        app_close_overlay(app);
        break;
    case ACT_CANCEL:
        if (rv->cancel)
            rv->cancel(app, rv->cancel_ctx);
        break;
    case ACT_REDRAW:
        return false;
    default:
        break;
    }
    app->dirty = true;
    return true;
}

static void destroy(struct view *v)
{
    struct report_view *rv = priv(v);
    if (rv->backref)
        *rv->backref = NULL;
    for (size_t i = 0; i < rv->n; i++)
        free(rv->lines[i].text);
    free(rv->lines);
    free(rv->title);
    free(rv);
    free(v);
}

static const struct view_ops report_ops = {
    .name = "report",
    .draw = draw,
    .action = action,
    .destroy = destroy,
};

struct view *report_view_new(const char *title, size_t n_lines, struct view **backref)
{
    struct view *v = xcalloc(1, sizeof *v);
    struct report_view *rv = xcalloc(1, sizeof *rv);
    rv->title = xstrdup(title);
    rv->lines = xcalloc(n_lines ? n_lines : 1, sizeof *rv->lines);
    rv->n = n_lines;
    rv->backref = backref;
    v->ops = &report_ops;
    v->priv = rv;
    return v;
}

void report_view_line(struct view *v, size_t i, enum role role, const char *text)
{
    struct report_view *rv = priv(v);
    if (i >= rv->n)
        return;
    free(rv->lines[i].text);
    rv->lines[i].text = sanitize_text(text);
    rv->lines[i].role = role;
}

void report_view_title(struct view *v, const char *title)
{
    struct report_view *rv = priv(v);
    free(rv->title);
    rv->title = xstrdup(title);
}

void report_view_progress(struct view *v, size_t done, size_t total, size_t failed,
                          size_t cancelled, bool cancellable)
{
    struct report_view *rv = priv(v);
    rv->done = done;
    rv->total = total;
    rv->failed = failed;
    rv->cancelled = cancelled;
    rv->cancellable = cancellable;
}

void report_view_on_cancel(struct view *v, void (*fn)(struct app *app, void *ctx), void *ctx)
{
    struct report_view *rv = priv(v);
    rv->cancel = fn;
    rv->cancel_ctx = ctx;
}

void report_view_detach(struct view *v)
{
    priv(v)->backref = NULL;
}
