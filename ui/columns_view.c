/* The column chooser (htop's F2, k9s's custom columns): every column of
 * the registry, those shown first in their order; Space shows or hides one,
 * K and J move it up or down, < and > narrow or widen it (= back to the
 * width the layout gives), d goes back to the default set. Enter keeps the
 * choice and writes it to sesame.conf (`set columns = ...`, the names of
 * `sesame sessions --columns`); Esc leaves everything as it was. */
#include <stdlib.h>
#include <string.h>

#include "actions.h"
#include "app.h"
#include "dialog.h"
#include "draw.h"
#include "prefs.h"
#include "table.h"
#include "util.h"

#define CHOOSER_WIDTH 78
#define WIDTH_STEP 2
#define NAME_WIDTH 12

struct chooser {
    enum column_id order[COLUMN_COUNT]; /* every column: the shown first */
    bool shown[COLUMN_COUNT];           /* by column id */
    int width[COLUMN_COUNT];            /* by column id, 0: as laid out */
    size_t cursor, top;
    int body;
    struct view *ses;
};

static struct chooser *priv(const struct view *v)
{
    return v->priv;
}

static void load(struct chooser *c, const struct column_choice *choice)
{
    size_t n = 0;
    memset(c->shown, 0, sizeof c->shown);
    for (size_t i = 0; i < choice->set.n; i++) {
        c->order[n++] = choice->set.v[i];
        c->shown[choice->set.v[i]] = true;
    }
    for (int k = 0; k < COLUMN_COUNT; k++)
        if (!c->shown[k])
            c->order[n++] = (enum column_id)k;
    memcpy(c->width, choice->width, sizeof c->width);
}

static struct column_choice chosen(const struct chooser *c)
{
    struct column_choice out;
    memset(&out, 0, sizeof out);
    for (size_t i = 0; i < COLUMN_COUNT; i++)
        if (c->shown[c->order[i]])
            out.set.v[out.set.n++] = c->order[i];
    memcpy(out.width, c->width, sizeof out.width);
    return out;
}

static void draw(struct view *v, struct app *app)
{
    struct chooser *c = priv(v);
    int w = CHOOSER_WIDTH < v->area.w - 2 ? CHOOSER_WIDTH : v->area.w - 2;
    struct rect r = dialog_rect(&v->area, w, COLUMN_COUNT + 4);
    struct column_choice now = chosen(c);
    char *title = xasprintf("Columns: %zu of %d shown", now.set.n, COLUMN_COUNT);
    dialog_frame(&r, title);
    free(title);
    c->body = r.h - 3 > 0 ? r.h - 3 : 0;
    if (c->cursor < c->top)
        c->top = c->cursor;
    if (c->cursor >= c->top + (size_t)c->body)
        c->top = c->cursor + 1 - (size_t)c->body;
    int x0 = r.x + 2, x_end = r.x + r.w - 2;
    for (int k = 0; k < c->body && c->top + (size_t)k < COLUMN_COUNT; k++) {
        size_t i = c->top + (size_t)k;
        enum column_id id = c->order[i];
        const struct column_def *d = column_def(id);
        bool cur = i == c->cursor;
        int y = r.y + 1 + k;
        enum role base = cur ? C_SELECTED : C_DEFAULT;
        if (cur)
            draw_fill(y, r.x + 1, r.w - 2, C_SELECTED);
        int x = draw_part(y, x0, x_end, c->shown[id] ? "[x] " : "[ ] ", cur ? base : C_KEY);
        char name[NAME_WIDTH + 1];
        snprintf(name, sizeof name, "%-*s", NAME_WIDTH, d->name);
        x = draw_part(y, x, x_end, name, base);
        char *wtext = c->width[id] ? xasprintf(" %3d ", c->width[id]) : xstrdup(" auto ");
        x = draw_part(y, x, x_end, wtext, cur ? base : C_DIM);
        free(wtext);
        draw_part(y, x + 1, x_end, d->about, cur ? base : C_DIM);
    }
    draw_text(r.y + r.h - 2, x0, r.w - 4, "Space shows/hides  K J move  < > width  = auto  "
              "d default", C_DIM, ALIGN_LEFT);
    char back[32];
    app_key_for(app, ACT_BACK, back, sizeof back);
    char *foot = xasprintf("Enter keeps (sesame.conf) · %s cancels", back);
    dialog_footer(&r, foot);
    free(foot);
}

/* The width the column has now on screen, to widen from. */
static int current_width(const struct chooser *c, struct app *app, enum column_id id)
{
    if (c->width[id])
        return c->width[id];
    const struct column_def *d = column_def(id);
    return d->want > d->readable ? d->want : d->readable;
}

static void move_column(struct chooser *c, int delta)
{
    size_t to = delta < 0 ? (c->cursor ? c->cursor - 1 : 0)
                          : (c->cursor + 1 < COLUMN_COUNT ? c->cursor + 1 : c->cursor);
    enum column_id tmp = c->order[to];
    c->order[to] = c->order[c->cursor];
    c->order[c->cursor] = tmp;
    c->cursor = to;
}

static void keep(struct view *v, struct app *app)
{
    struct chooser *c = priv(v);
    struct column_choice choice = chosen(c);
    struct view *ses = c->ses;
    if (choice.set.n == 0) {
        app_error(app, "at least one column: Space shows one");
        return;
    }
    app_close_overlay(app); /* v is gone */
    sessions_view_set_columns(ses, app, &choice, true);
}

static bool key(struct view *v, struct app *app, keycode k)
{
    struct chooser *c = priv(v);
    enum column_id id = c->order[c->cursor];
    app->dirty = true;
    switch (k) {
    case ' ': c->shown[id] = !c->shown[id]; return true;
    case 'K': move_column(c, -1); return true;
    case 'J': move_column(c, 1); return true;
    case '>': case '+':
        c->width[id] = current_width(c, app, id) + WIDTH_STEP;
        if (c->width[id] > PREFS_MAX_WIDTH)
            c->width[id] = PREFS_MAX_WIDTH;
        return true;
    case '<': case '-': {
        int w = current_width(c, app, id) - WIDTH_STEP;
        c->width[id] = w < 1 ? 1 : w;
        return true;
    }
    case '=': c->width[id] = 0; return true;
    case 'd': {
        struct column_choice def;
        memset(&def, 0, sizeof def);
        def.set = columns_default_dashboard;
        load(c, &def);
        return true;
    }
    case '\n': keep(v, app); return true;
    default: return false;
    }
}

static bool action(struct view *v, struct app *app, enum action a)
{
    struct chooser *c = priv(v);
    if (scroll_action(&c->cursor, COLUMN_COUNT - 1, c->body > 1 ? (size_t)c->body - 1 : 1, a)) {
        app->dirty = true;
        return true;
    }
    switch (a) {
    case ACT_BACK:
    case ACT_COLUMNS:
    case ACT_QUIT:
        app_close_overlay(app);
        app_message(app, "columns unchanged");
        return true;
    default:
        return false;
    }
    app->dirty = true;
    return true;
}

static void destroy(struct view *v)
{
    free(v->priv);
    free(v);
}

static const struct view_ops columns_ops = {
    .name = "columns",
    .draw = draw,
    .action = action,
    .key = key,
    .destroy = destroy,
};

struct view *columns_view_new(struct app *app, struct view *ses)
{
    struct view *v = xcalloc(1, sizeof *v);
    struct chooser *c = xcalloc(1, sizeof *c);
    c->ses = ses;
    load(c, sessions_view_columns(ses, app));
    v->ops = &columns_ops;
    v->priv = c;
    return v;
}
