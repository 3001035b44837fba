/* The help overlay: every action with the keys bound to it now, made from
 * the keymap's action table, so it never disagrees with the keys. */
#include <stdlib.h>

#include "app.h"
#include "config.h"
#include "draw.h"
#include "table.h"
#include "util.h"

struct help_view {
    size_t top;
};

#define KEYS_WIDTH 16
#define NAME_WIDTH 14 /* "account-delete" */

static size_t n_lines(void)
{
    return ACT_COUNT - 1; /* every action but "none" */
}

static size_t body_rows(const struct view *v)
{
    return v->area.h > 4 ? (size_t)(v->area.h - 4) : 0; /* title, blank, two footer lines */
}

static void draw(struct view *v, struct app *app)
{
    const struct rect *r = &v->area;
    struct help_view *hv = v->priv;
    for (int y = 0; y < r->h; y++)
        draw_fill(r->y + y, r->x, r->w, C_DEFAULT);
    char close[32];
    app_key_for(app, ACT_BACK, close, sizeof close);
    char *title = xasprintf("Keys (%s closes)", close);
    size_t rows = body_rows(v), n = n_lines();
    if (hv->top + rows > n)
        hv->top = n > rows ? n - rows : 0;
    char *where = position_text("lines", 0, n, hv->top, rows);
    draw_rule2(r->y, r->x, r->w, title, where, C_BORDER, C_PANE_TITLE, C_DIM);
    free(where);
    free(title);
    int kw = r->w / 4 < KEYS_WIDTH ? r->w / 4 : KEYS_WIDTH, nw = NAME_WIDTH;
    for (size_t k = 0; k < rows && hv->top + k < n; k++) {
        enum action a = (enum action)(hv->top + k + 1);
        char keys[96];
        keymap_keys_text(&app->keymap, a, keys, sizeof keys);
        int y = r->y + 1 + (int)k, x = r->x + 2;
        draw_text(y, x, kw, *keys ? keys : "(none)", *keys ? C_KEY : C_DIM, ALIGN_LEFT);
        x += kw + 1;
        draw_text(y, x, nw, action_name(a), C_DIM, ALIGN_LEFT);
        x += nw + 1;
        draw_text(y, x, r->x + r->w - 2 - x, action_help(a), C_DEFAULT, ALIGN_LEFT);
    }
    draw_text(r->y + r->h - 2, r->x + 2, r->w - 4,
              "No sort chosen: account by account as configured, newest first, ties by "
              "session id", C_DIM, ALIGN_LEFT);
    char *foot = xasprintf("Change a key: bind KEY ACTION in %s/sesame.conf", config_dir());
    draw_text(r->y + r->h - 1, r->x + 2, r->w - 4, foot, C_DIM, ALIGN_LEFT);
    free(foot);
}

static bool action(struct view *v, struct app *app, enum action a)
{
    struct help_view *hv = v->priv;
    size_t rows = body_rows(v), n = n_lines();
    size_t max_top = n > rows ? n - rows : 0;
    if (scroll_action(&hv->top, max_top, rows, a))
        return true;
    switch (a) {
    case ACT_BACK:
    case ACT_HELP:
    case ACT_QUIT:
        app_close_overlay(app);
        break;
    default:
        return false;
    }
    return true;
}

static void destroy(struct view *v)
{
    free(v->priv);
    free(v);
}

static const struct view_ops help_ops = {
    .name = "help",
    .draw = draw,
    .action = action,
    .mouse = view_wheel_scrolls,
    .destroy = destroy,
};

struct view *help_view_new(void)
{
    struct view *v = xcalloc(1, sizeof *v);
    v->ops = &help_ops;
    v->priv = xcalloc(1, sizeof(struct help_view));
    return v;
}
