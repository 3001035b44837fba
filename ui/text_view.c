/* A text read whole in a box: a cell the table had to cut (z), wrapped to
 * the box's width and scrolled when longer; y copies it (OSC 52). */
#include <stdlib.h>

#include "actions.h"
#include "app.h"
#include "dialog.h"
#include "draw.h"
#include "table.h"
#include "util.h"

#define TEXT_WIDTH 80
#define MAX_LINES 200

struct text_view {
    char *title, *text;
    size_t top, n;
    int body;
};

static void draw(struct view *v, struct app *app)
{
    struct text_view *tv = v->priv;
    int w = TEXT_WIDTH < v->area.w - 2 ? TEXT_WIDTH : v->area.w - 2;
    char *lines[MAX_LINES];
    size_t n = dialog_wrap(tv->text, w - 4, lines, MAX_LINES);
    if (n > MAX_LINES)
        n = MAX_LINES;
    tv->n = n;
    int h = (int)n + 2 < v->area.h ? (int)n + 2 : v->area.h;
    struct rect r = dialog_rect(&v->area, w, h);
    dialog_frame(&r, tv->title);
    tv->body = r.h - 2 > 0 ? r.h - 2 : 0;
    if (tv->top + (size_t)tv->body > n)
        tv->top = n > (size_t)tv->body ? n - (size_t)tv->body : 0;
    for (int k = 0; k < tv->body && tv->top + (size_t)k < n; k++)
        draw_part(r.y + 1 + k, r.x + 2, r.x + r.w - 2, lines[tv->top + (size_t)k], C_DEFAULT);
    for (size_t i = 0; i < n; i++)
        free(lines[i]);
    char copy[32], back[32];
    app_key_for(app, ACT_COPY, copy, sizeof copy);
    app_key_for(app, ACT_BACK, back, sizeof back);
    char *foot = xasprintf("%s copies · %s closes", copy, back);
    dialog_footer(&r, foot);
    free(foot);
}

static bool action(struct view *v, struct app *app, enum action a)
{
    struct text_view *tv = v->priv;
    size_t max_top = tv->n > (size_t)tv->body ? tv->n - (size_t)tv->body : 0;
    if (scroll_action(&tv->top, max_top, tv->body > 1 ? (size_t)tv->body - 1 : 1, a)) {
        app->dirty = true;
        return true;
    }
    switch (a) {
    case ACT_COPY:
    case ACT_COPY_ALL:
        actions_copy(app, tv->text, tv->title);
        break;
    case ACT_BACK:
    case ACT_QUIT:
    case ACT_DETAILS:
    case ACT_CELL:
        app_close_overlay(app);
        return true;
    default:
        return false;
    }
    app->dirty = true;
    return true;
}

static void destroy(struct view *v)
{
    struct text_view *tv = v->priv;
    free(tv->title);
    free(tv->text);
    free(tv);
    free(v);
}

static const struct view_ops text_ops = {
    .name = "text",
    .draw = draw,
    .action = action,
    .mouse = view_wheel_scrolls,
    .destroy = destroy,
};

struct view *text_view_new(const char *title, const char *text)
{
    struct view *v = xcalloc(1, sizeof *v);
    struct text_view *tv = xcalloc(1, sizeof *tv);
    tv->title = sanitize_text(title);
    tv->text = sanitize_text(text);
    v->ops = &text_ops;
    v->priv = tv;
    return v;
}
