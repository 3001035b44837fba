/* Keys and the mouse: from curses through the keymap to the view on top,
 * then the focused pane, then the actions that belong to the whole app. */
#include "app.h"

#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "action_common.h"
#include "actions.h"
#include "util.h"

static void focus_pane(struct app *app, long delta)
{
    if (app->n_panes < 2)
        return;
    long n = (long)app->n_panes;
    app->focus = (size_t)((((long)app->focus + delta) % n + n) % n);
}

static size_t find_pane(const struct app *app, const char *name)
{
    for (size_t i = 0; i < app->n_panes; i++)
        if (strcmp(app->panes[i]->ops->name, name) == 0)
            return i;
    return app->n_panes;
}

/* Enter on an account: its sessions, in the sessions pane. Filter and sort
 * keys from another pane: the sessions table is what they are for. */
static bool to_sessions(struct app *app, enum action a)
{
    size_t s = find_pane(app, "sessions"), acc = find_pane(app, "accounts");
    if (s == app->n_panes || app->focus == s)
        return false;
    struct view *v = app->panes[s];
    if (a == ACT_DETAILS) {
        if (app->focus != acc)
            return false;
        long i = accounts_view_selected(app->panes[acc]);
        if (i < 0 || (size_t)i >= app->store.n_acc)
            return false;
        if (account_view_wanted(&app->store.acc[i])) { /* its error, whole, not "no sessions" */
            app_open_overlay(app, account_view_new(app->store.acc[i].a.id));
            return true;
        }
        sessions_view_narrow(v, app, app->store.acc[i].a.id);
        app->focus = s;
        char back[32];
        app_message(app, "the sessions of %s (%s shows every account's)",
                    app->store.acc[i].a.label ? app->store.acc[i].a.label : app->store.acc[i].a.id,
                    app_key_for(app, ACT_BACK, back, sizeof back));
        return true;
    }
    if (a != ACT_FILTER && a != ACT_SORT && a != ACT_SORT_REVERSE)
        return false;
    if (a == ACT_FILTER)
        app->focus = s;
    return v->ops->action(v, app, a);
}

static void global_action(struct app *app, enum action a)
{
    if (to_sessions(app, a) || actions_do(app, a)) /* x n o O y t a e D: session_actions.c */
        return;
    switch (a) {
    case ACT_QUIT:
        app->quit = true;
        break;
    case ACT_HELP:
        app_open_overlay(app, help_view_new());
        break;
    case ACT_LOG:
        app_open_overlay(app, log_view_new(app));
        break;
    case ACT_COMMAND:
        cmdline_open(app);
        break;
    case ACT_COLUMNS: {
        size_t s = find_pane(app, "sessions");
        if (s < app->n_panes)
            app_open_overlay(app, columns_view_new(app, app->panes[s]));
        break;
    }
    case ACT_VIEWS:
        app_open_overlay(app, views_picker_new(app));
        break;
    case ACT_VIEW_1: case ACT_VIEW_2: case ACT_VIEW_3: case ACT_VIEW_4: case ACT_VIEW_5:
    case ACT_VIEW_6: case ACT_VIEW_7: case ACT_VIEW_8: case ACT_VIEW_9:
        views_number(app, (size_t)(a - ACT_VIEW_1) + 1);
        break;
    case ACT_JOURNAL:
        app_open_overlay(app, journal_view_new(app));
        break;
    case ACT_REDACT: {
        char key[32];
        app->redact = !app->redact;
        app_message(app, app->redact ? "screen-share mode: names, e-mail addresses, ids, IPs and "
                                       "places are masked (%s shows them again)"
                                     : "screen-share mode off (%s masks again)",
                    app_key_for(app, ACT_REDACT, key, sizeof key));
        break;
    }
    case ACT_REDRAW:
        clearok(curscr, TRUE);
        break;
    case ACT_NEXT_PANE:
        focus_pane(app, 1);
        break;
    case ACT_PREV_PANE:
        focus_pane(app, -1);
        break;
    case ACT_REFRESH_ALL:
        app_refresh_all(app);
        app_message(app, "reloaded %zu account%s", app->store.n_acc,
                    app->store.n_acc == 1 ? "" : "s");
        break;
    case ACT_BACK:
        break;
    default:
        app_message(app, "%s: not available here", action_name(a));
    }
}

void app_do_action(struct app *app, enum action a)
{
    app->dirty = true;
    const char *refused = app->read_only ? action_refused_read_only(a) : NULL;
    if (refused) {
        app_error(app, "read-only: %s is off", refused);
        return;
    }
    struct view *v = app->overlay;
    if (v) {
        if (v->ops->action && v->ops->action(v, app, a))
            return;
        if (a != ACT_QUIT && a != ACT_REDRAW && a != ACT_REDACT)
            return; /* an overlay is modal (but a meeting may start at any time) */
    } else if (app->n_panes) {
        v = app->panes[app->focus];
        if (v->ops->action && v->ops->action(v, app, a))
            return;
    }
    global_action(app, a);
}

static void on_key(struct app *app, keycode k)
{
    app->dirty = true;
    if (app->message) { /* a message stays until the next key */
        wipe_free(app->message);
        app->message = NULL;
    }
    if (screen_too_small(app)) {
        /* nothing acts unseen: the screen says only that q quits (a revoke's
         * y and Enter went through to a confirm nobody could read) */
        if (keymap_lookup(&app->keymap, k) == ACT_QUIT)
            app_do_action(app, ACT_QUIT);
        return;
    }
    if (app->commanding && cmdline_key(app, k))
        return;
    struct view *top = app->overlay ? app->overlay
                       : app->n_panes ? app->panes[app->focus]
                                      : NULL;
    if (top && top->ops->key && top->ops->key(top, app, k))
        return;
    enum action a = keymap_lookup(&app->keymap, k);
    if (a == ACT_NONE) {
        char name[32], help[32];
        app_message(app, "%s does nothing; %s lists the keys", keycode_name(k, name, sizeof name),
                    app_key_for(app, ACT_HELP, help, sizeof help));
        return;
    }
    app_do_action(app, a);
}

bool view_wheel_scrolls(struct view *v, struct app *app, const struct mouse_ev *m)
{
    if (m->kind != MOUSE_WHEEL_UP && m->kind != MOUSE_WHEEL_DOWN)
        return false;
    return v->ops->action(v, app, m->kind == MOUSE_WHEEL_UP ? ACT_MOVE_UP : ACT_MOVE_DOWN);
}

static bool inside(const struct rect *r, int y, int x)
{
    return y >= r->y && y < r->y + r->h && x >= r->x && x < r->x + r->w;
}

static bool mouse_kind(const MEVENT *me, enum mouse_kind *kind)
{
    static int64_t last_ms;
    static int last_y = -1;
    if (me->bstate & BUTTON4_PRESSED) {
        *kind = MOUSE_WHEEL_UP;
        return true;
    }
#ifdef BUTTON5_PRESSED
    if (me->bstate & BUTTON5_PRESSED) {
        *kind = MOUSE_WHEEL_DOWN;
        return true;
    }
#endif
    if (!(me->bstate & (BUTTON1_PRESSED | BUTTON1_CLICKED)))
        return false;
    int64_t now = mono_ms();
    *kind = (now - last_ms < 400 && me->y == last_y) ? MOUSE_DOUBLE : MOUSE_CLICK;
    last_ms = *kind == MOUSE_DOUBLE ? 0 : now;
    last_y = me->y;
    return true;
}

static void on_mouse(struct app *app)
{
    MEVENT me;
    enum mouse_kind kind;
    if (getmouse(&me) != OK || !mouse_kind(&me, &kind) || screen_too_small(app))
        return;
    struct view *v = NULL;
    if (app->overlay) {
        if (inside(&app->overlay->area, me.y, me.x))
            v = app->overlay;
    } else {
        for (size_t i = 0; i < app->n_panes; i++) {
            if (!inside(&app->panes[i]->area, me.y, me.x))
                continue;
            v = app->panes[i];
            if (kind == MOUSE_CLICK || kind == MOUSE_DOUBLE)
                app->focus = i;
        }
    }
    if (!v || !v->ops->mouse)
        return;
    struct mouse_ev m = {kind, me.y - v->area.y, me.x - v->area.x};
    v->ops->mouse(v, app, &m);
    app->dirty = true;
}

void input_drain(struct app *app)
{
    wint_t ch;
    int r;
    while (!app->quit && (r = get_wch(&ch)) != ERR) {
        bool fn = r == KEY_CODE_YES;
        if (fn && ch == KEY_RESIZE)
            screen_sync_size(app);
        else if (fn && ch == KEY_MOUSE)
            on_mouse(app);
        else
            on_key(app, keycode_from_curses(fn, (uint32_t)ch));
    }
    struct view *ses = act_pane(app, "sessions");
    if (ses)
        sessions_view_settle(ses, app);
}
