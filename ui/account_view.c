/* An account in error, read in full (Enter on it in the accounts pane):
 * the whole message, what it means and what to do about it (src/advice.c,
 * the rule the commands share), with the keys that do it here and the
 * command that does it from a shell. It follows the account while open: a
 * refresh that works says so. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "actions.h"
#include "advice.h"
#include "app.h"
#include "dialog.h"
#include "draw.h"
#include "providers/provider.h"
#include "table.h"
#include "util.h"

#define LABEL_WIDTH 14
#define MAX_LINES 200

struct account_view {
    char *id;
    size_t top;
    size_t n_lines;      /* at the last draw */
    int body;
};

static struct account_view *priv(const struct view *v)
{
    return v->priv;
}

struct text_lines {
    char *label[MAX_LINES];
    char *text[MAX_LINES];
    enum role role[MAX_LINES];
    size_t n;
};

/* label (first line only) and text wrapped to width. */
static void add(struct text_lines *l, const char *label, const char *text, enum role role,
                int width)
{
    char *parts[MAX_LINES];
    size_t n = dialog_wrap(text ? text : "", width, parts, MAX_LINES);
    if (n > MAX_LINES)
        n = MAX_LINES;
    if (n == 0)
        parts[n++] = xstrdup("");
    for (size_t i = 0; i < n; i++) {
        if (l->n == MAX_LINES) {
            free(parts[i]);
            continue;
        }
        l->label[l->n] = i == 0 && label ? xstrdup(label) : NULL;
        l->text[l->n] = parts[i];
        l->role[l->n++] = role;
    }
}

static void lines_free(struct text_lines *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->label[i]);
        free(l->text[i]);
    }
}

static bool in_error(const struct store_account *sa)
{
    return sa->state == ACCOUNT_ERROR || sa->state == ACCOUNT_KEYRING_LOCKED ||
           sa->state == ACCOUNT_KEYRING_UNAVAILABLE;
}

/* What the advice's step is in this dashboard's keys. */
static char *keys_text(const struct app *app, enum advice_step step)
{
    char e[32], r[32], all[32];
    app_key_for(app, ACT_ACCOUNT_EDIT, e, sizeof e);
    app_key_for(app, ACT_REFRESH, r, sizeof r);
    app_key_for(app, ACT_REFRESH_ALL, all, sizeof all);
    switch (step) {
    case ADVICE_EDIT_SECRET:
    case ADVICE_EDIT_ACCOUNT:
        return xasprintf("%s edits the account here (and tries the keys before it saves); "
                         "%s tries again.", e, r);
    case ADVICE_FIX_CONFIG:
        return xasprintf("%s reloads accounts.conf once it is fixed.", all);
    default:
        return xasprintf("%s tries again.", r);
    }
}

static void build(struct view *v, struct app *app, struct text_lines *l, int width)
{
    struct account_view *av = priv(v);
    const struct store_account *sa = store_find(&app->store, av->id);
    int w = width - LABEL_WIDTH - 1;
    if (!sa) {
        add(l, NULL, "This account is no longer in accounts.conf.", C_DIM, width);
        return;
    }
    add(l, "Provider", sa->provider ? sa->provider->title : sa->a.provider_id, C_DEFAULT, w);
    char *name = xasprintf("%s (id %s)", sa->a.label ? sa->a.label : sa->a.id, sa->a.id);
    add(l, "Account", name, C_DEFAULT, w);
    free(name);
    add(l, "Base URL", sa->a.base_url ? sa->a.base_url : "(the provider's own)", C_DEFAULT, w);
    if (!in_error(sa)) {
        char *ok = sa->state == ACCOUNT_LOADING ? xstrdup("loading...")
                   : xasprintf("%s: %zu session%s", account_state_name(sa->state),
                               sa->n_sessions, sa->n_sessions == 1 ? "" : "s");
        add(l, "State", ok, sa->state == ACCOUNT_LOADING ? C_PENDING : C_OK, w);
        free(ok);
        add(l, NULL, "", C_DEFAULT, width);
        add(l, NULL, "It works again: the error is gone.", C_OK, width);
        return;
    }
    add(l, "State", account_state_name(sa->state), C_ERROR, w);
    if (sa->updated_ms > 0) {
        char buf[48];
        format_duration(now_ms() - sa->updated_ms, buf, sizeof buf);
        char *last = xasprintf("%s ago (%zu session%s shown from it)", buf, sa->n_sessions,
                               sa->n_sessions == 1 ? "" : "s");
        add(l, "Last listed", last, C_DIM, w);
        free(last);
    }
    add(l, NULL, "", C_DEFAULT, width);
    add(l, "Error", sa->error ? sa->error : "?", C_ERROR, w);
    add(l, NULL, "", C_DEFAULT, width);
    struct advice adv;
    error_advice(sa->err, sa->error, &sa->a, sa->provider, &adv);
    add(l, "What it means", adv.what, C_DEFAULT, w);
    add(l, "What to do", adv.todo, C_DEFAULT, w);
    char *keys = keys_text(app, adv.step);
    add(l, "Here", keys, C_KEY, w);
    free(keys);
    if (adv.command)
        add(l, "From a shell", adv.command, C_KEY, w);
    advice_free(&adv);
}

static void draw(struct view *v, struct app *app)
{
    const struct rect *r = &v->area;
    struct account_view *av = priv(v);
    for (int y = 0; y < r->h; y++)
        draw_fill(r->y + y, r->x, r->w, C_DEFAULT);
    struct text_lines l = {0};
    int width = r->w - 4;
    build(v, app, &l, width);
    av->body = r->h - 1;
    av->n_lines = l.n;
    size_t body = av->body > 0 ? (size_t)av->body : 0;
    if (av->top + body > l.n)
        av->top = l.n > body ? l.n - body : 0;
    const struct store_account *sa = store_find(&app->store, av->id);
    char close[32];
    app_key_for(app, ACT_BACK, close, sizeof close);
    char *title = xasprintf("Account %s (%s closes)",
                            sa ? (sa->a.label ? sa->a.label : sa->a.id) : av->id, close);
    char *where = position_text("lines", 0, l.n, av->top, body);
    draw_rule2(r->y, r->x, r->w, title, where, C_BORDER, C_PANE_TITLE, C_DIM);
    free(where);
    free(title);
    for (size_t k = 0; k < body && av->top + k < l.n; k++) {
        size_t i = av->top + k;
        int y = r->y + 1 + (int)k, x = r->x + 2;
        if (l.label[i])
            draw_text(y, x, LABEL_WIDTH, l.label[i], C_HEADER, ALIGN_LEFT);
        bool labelled = false; /* the lines of a labelled field stay under its value */
        for (size_t j = i + 1; j-- > 0;) {
            if (l.label[j]) {
                labelled = true;
                break;
            }
            if (!*l.text[j] && j != i)
                break;
        }
        int tx = labelled ? x + LABEL_WIDTH + 1 : x;
        draw_text(y, tx, r->x + r->w - 2 - tx, l.text[i], l.role[i], ALIGN_LEFT);
    }
    lines_free(&l);
}

static bool action(struct view *v, struct app *app, enum action a)
{
    struct account_view *av = priv(v);
    size_t max_top = av->n_lines > (size_t)av->body ? av->n_lines - (size_t)av->body : 0;
    ssize_t i = store_index(&app->store, av->id);
    if (scroll_action(&av->top, max_top, av->body > 1 ? (size_t)av->body - 1 : 1, a)) {
        app->dirty = true;
        return true;
    }
    switch (a) {
    case ACT_REFRESH:
    case ACT_RELIST:
        if (i >= 0)
            app_refresh_said(app, (size_t)i, a == ACT_RELIST);
        break;
    case ACT_COPY:
        if (i >= 0 && app->store.acc[i].error) {
            char *what = xasprintf("the error of %s", app->store.acc[i].a.label
                                   ? app->store.acc[i].a.label : app->store.acc[i].a.id);
            actions_copy(app, app->store.acc[i].error, what);
            free(what);
        }
        break;
    case ACT_ACCOUNT_EDIT:
        app_close_overlay(app); /* the form takes its place, on the same account */
        if (i >= 0)
            account_form_edit(app, (size_t)i);
        return true;
    case ACT_BACK:
    case ACT_QUIT:
    case ACT_DETAILS:
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
    free(priv(v)->id);
    free(v->priv);
    free(v);
}

static const struct view_ops account_ops = {
    .name = "account",
    .draw = draw,
    .action = action,
    .mouse = view_wheel_scrolls,
    .destroy = destroy,
};

bool account_view_wanted(const struct store_account *sa)
{
    return sa && in_error(sa);
}

struct view *account_view_new(const char *account_id)
{
    struct view *v = xcalloc(1, sizeof *v);
    struct account_view *av = xcalloc(1, sizeof *av);
    av->id = xstrdup(account_id);
    v->ops = &account_ops;
    v->priv = av;
    return v;
}
