/* Saved views (gh-dash's sections): a named filter, with a sort and
 * columns when it names them, from sesame.conf's `view` lines (or the three
 * sesame ships: Active, Expiring in 1 h, All). The number keys switch to
 * the first nine, the picker (0) lists them all, `:view NAME` takes one by
 * name. Applying one changes the sessions table, not sesame.conf. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "actions.h"
#include "app.h"
#include "dialog.h"
#include "draw.h"
#include "sort.h"
#include "table.h"
#include "util.h"

#define PICKER_WIDTH 72

static struct view *sessions_pane(struct app *app, size_t *index)
{
    for (size_t i = 0; i < app->n_panes; i++) {
        if (strcmp(app->panes[i]->ops->name, "sessions") == 0) {
            if (index)
                *index = i;
            return app->panes[i];
        }
    }
    return NULL;
}

size_t views_list(const struct app *app, struct prefs_view *out, size_t max)
{
    return prefs_views(&app->prefs, out, max);
}

/* The view named name: its number (1..), the whole name in any case, or
 * the start of one name. -1 if none, -2 if it could be several. */
static int find(const struct prefs_view *v, size_t n, const char *name)
{
    char *end;
    long num = strtol(name, &end, 10);
    if (!*end && num >= 1 && (size_t)num <= n)
        return (int)num - 1;
    for (size_t i = 0; i < n; i++)
        if (strcasecmp(v[i].name, name) == 0)
            return (int)i;
    int found = -1;
    for (size_t i = 0; i < n; i++) {
        if (strncasecmp(v[i].name, name, strlen(name)) == 0) {
            if (found >= 0)
                return -2;
            found = (int)i;
        }
    }
    return found;
}

static void apply(struct app *app, const struct prefs_view *pv, size_t number)
{
    size_t pane;
    struct view *ses = sessions_pane(app, &pane);
    if (!ses)
        return;
    char *err = NULL;
    int sort = !pv->has_sort ? 0 : strcmp(pv->sort, "none") == 0 ? SORT_NONE
                                                                 : column_find(pv->sort);
    if (sessions_view_filter_sorted(ses, app, pv->filter, pv->has_sort ? &sort : NULL,
                                    pv->sort_desc, &err) != 0) {
        app_error(app, "view %s: its filter \"%s\" does not parse: %s", pv->name, pv->filter,
                  err);
        free(err);
        return;
    }
    if (pv->has_columns)
        sessions_view_set_columns(ses, app, &pv->columns, false);
    sessions_view_set_view_name(ses, pv->name);
    app->focus = pane;
    char back[32];
    app_key_for(app, ACT_BACK, back, sizeof back);
    size_t shown = sessions_view_count(ses, app);
    if (*pv->filter)
        app_message(app, "view %zu, %s: %zu of %zu sessions (%s clears the filter)", number,
                    pv->name, shown, app->store.sessions.n, back);
    else
        app_message(app, "view %zu, %s: %zu sessions", number, pv->name, shown);
}

void views_switch(struct app *app, const char *name)
{
    struct prefs_view v[PREFS_MAX_VIEWS];
    size_t n = views_list(app, v, PREFS_MAX_VIEWS);
    int i = find(v, n, name);
    if (i == -2) {
        app_error(app, "view '%s' could be several: give more of its name, or its number", name);
    } else if (i < 0) {
        GString *names = g_string_new("");
        for (size_t k = 0; k < n; k++)
            g_string_append_printf(names, "%s%zu %s", k ? ", " : "", k + 1, v[k].name);
        app_error(app, "no view '%s' (the views: %s)", name, names->str);
        g_string_free(names, TRUE);
    } else {
        apply(app, &v[i], (size_t)i + 1);
    }
    prefs_views_free(v, n);
}

void views_number(struct app *app, size_t number)
{
    struct prefs_view v[PREFS_MAX_VIEWS];
    size_t n = views_list(app, v, PREFS_MAX_VIEWS);
    if (number >= 1 && number <= n) {
        apply(app, &v[number - 1], number);
    } else {
        char pick[32];
        app_key_for(app, ACT_VIEWS, pick, sizeof pick);
        app_error(app, "no view %zu: there %s %zu (%s lists them; `view` lines in sesame.conf "
                  "add more)", number, n == 1 ? "is" : "are", n, pick);
    }
    prefs_views_free(v, n);
}

/* ---- the picker ---- */

struct picker {
    struct prefs_view v[PREFS_MAX_VIEWS];
    size_t n, cursor;
};

static void picker_draw(struct view *v, struct app *app)
{
    struct picker *p = v->priv;
    int w = PICKER_WIDTH < v->area.w - 2 ? PICKER_WIDTH : v->area.w - 2;
    struct rect r = dialog_rect(&v->area, w, (int)p->n + 4);
    dialog_frame(&r, "Saved views");
    int inner = r.w - 4;
    for (size_t i = 0; i < p->n && (int)i < r.h - 3; i++) {
        const struct prefs_view *pv = &p->v[i];
        int y = r.y + 1 + (int)i, x = r.x + 2;
        bool cur = i == p->cursor;
        if (cur)
            draw_fill(y, r.x + 1, r.w - 2, C_SELECTED);
        char *num = xasprintf("%zu", i + 1);
        x = draw_part(y, x, x + inner, num, cur ? C_SELECTED : C_KEY);
        x = draw_part(y, x, r.x + 2 + inner, "  ", cur ? C_SELECTED : C_DEFAULT);
        x = draw_part(y, x, r.x + 2 + inner, pv->name, cur ? C_SELECTED : C_DEFAULT);
        char *what = xasprintf("  %s%s%s%s", *pv->filter ? pv->filter : "(every session)",
                               pv->has_sort ? ", sort " : "", pv->has_sort ? pv->sort : "",
                               pv->has_sort && pv->sort_desc ? " desc" : "");
        draw_part(y, x, r.x + 2 + inner, what, cur ? C_SELECTED : C_DIM);
        free(what);
        free(num);
    }
    char back[32];
    app_key_for(app, ACT_BACK, back, sizeof back);
    char *foot = xasprintf("Enter or a number switches · %s closes", back);
    dialog_footer(&r, foot);
    free(foot);
}

static bool picker_key(struct view *v, struct app *app, keycode k)
{
    struct picker *p = v->priv;
    if (k >= '1' && k <= '9' && (size_t)(k - '0') <= p->n) {
        size_t number = (size_t)(k - '0');
        app_close_overlay(app); /* v is gone */
        views_number(app, number);
        return true;
    }
    return false;
}

static bool picker_action(struct view *v, struct app *app, enum action a)
{
    struct picker *p = v->priv;
    if (scroll_action(&p->cursor, p->n ? p->n - 1 : 0, p->n, a)) {
        app->dirty = true;
        return true;
    }
    switch (a) {
    case ACT_DETAILS: {
        size_t number = p->cursor + 1;
        app_close_overlay(app);
        views_number(app, number);
        return true;
    }
    case ACT_BACK:
    case ACT_VIEWS:
    case ACT_QUIT:
        app_close_overlay(app);
        return true;
    default:
        return false;
    }
    app->dirty = true;
    return true;
}

static void picker_destroy(struct view *v)
{
    struct picker *p = v->priv;
    prefs_views_free(p->v, p->n);
    free(p);
    free(v);
}

static const struct view_ops picker_ops = {
    .name = "views",
    .draw = picker_draw,
    .action = picker_action,
    .key = picker_key,
    .destroy = picker_destroy,
};

struct view *views_picker_new(struct app *app)
{
    struct view *v = xcalloc(1, sizeof *v);
    struct picker *p = xcalloc(1, sizeof *p);
    p->n = views_list(app, p->v, PREFS_MAX_VIEWS);
    v->ops = &picker_ops;
    v->priv = p;
    return v;
}
