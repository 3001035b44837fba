/* The accounts pane: provider, label, sessions and state of each configured
 * account, or how to add one when there are none. */
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "draw.h"
#include "providers/common.h"
#include "table.h"
#include "util.h"

enum { COL_PROVIDER, COL_ACCOUNT, COL_SESSIONS, COL_WINDOW, COL_STATE, N_COLS };

static const struct column columns[N_COLS] = {
    [COL_PROVIDER] = {"Provider", 8, 13, 0, 3, ALIGN_LEFT},
    [COL_ACCOUNT] = {"Account", 8, 18, 1, 5, ALIGN_LEFT},
    [COL_SESSIONS] = {"Sessions", 8, 8, 0, 4, ALIGN_RIGHT},
    [COL_WINDOW] = {"Window", 6, 6, 0, 0, ALIGN_LEFT},
    [COL_STATE] = {"State", 10, 24, 3, 2, ALIGN_LEFT},
};

#define HEAD_ROWS 2 /* the rule with the title, the column headers */

struct accounts_view {
    struct listpos pos;
    char *selected_id;  /* follows the account across reloads */
};

static struct accounts_view *priv(const struct view *v)
{
    return v->priv;
}

static size_t visible_rows(const struct view *v)
{
    return v->area.h > HEAD_ROWS ? (size_t)(v->area.h - HEAD_ROWS) : 0;
}

static void remember(struct view *v, struct app *app)
{
    struct accounts_view *av = priv(v);
    free(av->selected_id);
    av->selected_id = NULL;
    if (av->pos.cursor < app->store.n_acc)
        av->selected_id = xstrdup(app->store.acc[av->pos.cursor].a.id);
}

long accounts_view_selected(const struct view *v)
{
    return (long)priv(v)->pos.cursor;
}

static enum role state_role(enum account_state st)
{
    switch (st) {
    case ACCOUNT_LOADING: return C_PENDING;
    case ACCOUNT_OK: return C_OK;
    case ACCOUNT_ERROR: return C_ERROR;
    case ACCOUNT_KEYRING_LOCKED:
    case ACCOUNT_KEYRING_UNAVAILABLE: return C_WARNING;
    case ACCOUNT_IDLE: break;
    }
    return C_DIM;
}

static char *state_text(const struct app *app, const struct store_account *sa)
{
    switch (sa->state) {
    case ACCOUNT_LOADING:
        if (sa->progress)
            return xasprintf("%s loading: %s", app_spinner_glyph(app), sa->progress);
        return xasprintf("%s loading", app_spinner_glyph(app));
    case ACCOUNT_ERROR:
        return xasprintf("error: %s", sa->error ? sa->error : "?");
    case ACCOUNT_KEYRING_LOCKED:
    case ACCOUNT_KEYRING_UNAVAILABLE:
        if (sa->error)
            return xasprintf("%s: %s", account_state_name(sa->state), sa->error);
        return xstrdup(account_state_name(sa->state));
    default:
        return xstrdup(account_state_name(sa->state));
    }
}

static void draw_empty(struct view *v, struct app *app)
{
    const struct rect *r = &v->area;
    char ids[160] = "";
    const struct provider *const *all = provider_all();
    for (size_t i = 0; all[i]; i++) {
        if (i)
            strncat(ids, ", ", sizeof ids - strlen(ids) - 1);
        strncat(ids, all[i]->id, sizeof ids - strlen(ids) - 1);
    }
    char key[32], add[32];
    app_key_for(app, ACT_REFRESH_ALL, key, sizeof key);
    app_key_for(app, ACT_ACCOUNT_ADD, add, sizeof add);
    char *here = xasprintf("Press %s to add one here, or from a shell:", *add ? add : "a");
    char *reload = xasprintf("then press %s here to load it.", *key ? key : "R");
    char *providers = xasprintf("Providers: %s", ids);
    const struct {
        const char *text;
        enum role role;
    } lines[] = {
        {"No accounts yet.", C_DEFAULT},
        {"", C_DEFAULT},
        {here, C_DEFAULT},
        {"  sesame account add clerk --label prod", C_KEY},
        {reload, C_DEFAULT},
        {"", C_DEFAULT},
        {providers, C_DIM},
    };
    for (size_t i = 0; i < ARRAY_LEN(lines) && (int)i + 2 < r->h; i++)
        draw_text(r->y + 2 + (int)i, r->x + 2, r->w - 4, lines[i].text, lines[i].role,
                  ALIGN_LEFT);
    free(here);
    free(reload);
    free(providers);
}

static void draw_row(struct view *v, struct app *app, size_t i, int y, const int *widths)
{
    const struct store_account *sa = &app->store.acc[i];
    char count[24];
    if (sa->loaded || (sa->streamed && sa->n_sessions > 0)) /* as far as it came */
        snprintf(count, sizeof count, "%zu", sa->n_sessions);
    else
        snprintf(count, sizeof count, "-");
    char *state = state_text(app, sa);
    /* how far back a listing looks for users who can have a live session */
    const char *window = "";
    if (sa->provider && provider_field(sa->provider, "session_window"))
        window = session_window_text(&sa->a);
    char *title = store_account_title(sa);
    const char *cells[N_COLS] = {
        [COL_PROVIDER] = sa->provider ? sa->provider->title : sa->a.provider_id,
        [COL_ACCOUNT] = title,
        [COL_SESSIONS] = count,
        [COL_WINDOW] = window,
        [COL_STATE] = state,
    };
    enum role roles[N_COLS] = {C_DEFAULT, sa->policy.production ? C_PRODUCTION : C_DEFAULT,
                               C_DEFAULT, C_DIM, state_role(sa->state)};
    bool cursor = i == priv(v)->pos.cursor;
    enum role row = cursor ? (v->focused ? C_SELECTED : C_SELECTED_IDLE) : C_DEFAULT;
    table_draw_row(y, v->area.x, v->area.w, columns, widths, N_COLS, cells, roles, row);
    if (sa->state == ACCOUNT_LOADING && !cursor && widths[COL_STATE] > 0) {
        int x = v->area.x; /* the spinner in its own colour */
        for (int c = 0; c < COL_STATE; c++)
            x += widths[c] > 0 ? widths[c] + 1 : 0;
        draw_part(y, x, v->area.x + v->area.w, app_spinner_glyph(app), C_SPINNER);
    }
    free(state);
    free(title);
}

static void draw(struct view *v, struct app *app)
{
    const struct rect *r = &v->area;
    struct accounts_view *av = priv(v);
    size_t rows = visible_rows(v);
    listpos_clamp(&av->pos, app->store.n_acc, rows);
    /* never a row hidden without saying so */
    char *where = position_text("row", av->pos.cursor, app->store.n_acc, av->pos.top, rows);
    draw_rule2(r->y, r->x, r->w, "Accounts", where, C_BORDER,
               v->focused ? C_PANE_TITLE : C_PANE_IDLE, C_DIM);
    free(where);
    if (app->store.n_acc == 0) {
        draw_empty(v, app);
        return;
    }
    int widths[N_COLS];
    table_layout(columns, N_COLS, r->w, widths);
    if (r->h > 1)
        table_draw_header(r->y + 1, r->x, columns, widths, N_COLS, -1, false, -1);
    for (size_t k = 0; k < rows && av->pos.top + k < app->store.n_acc; k++)
        draw_row(v, app, av->pos.top + k, r->y + HEAD_ROWS + (int)k, widths);
}

static bool action(struct view *v, struct app *app, enum action a)
{
    struct accounts_view *av = priv(v);
    size_t n = app->store.n_acc, rows = visible_rows(v);
    long page = rows > 1 ? (long)rows - 1 : 1;
    switch (a) {
    case ACT_MOVE_UP: listpos_move(&av->pos, n, -1, rows); break;
    case ACT_MOVE_DOWN: listpos_move(&av->pos, n, 1, rows); break;
    case ACT_PAGE_UP: listpos_move(&av->pos, n, -page, rows); break;
    case ACT_PAGE_DOWN: listpos_move(&av->pos, n, page, rows); break;
    case ACT_FIRST: listpos_set(&av->pos, n, 0, rows); break;
    case ACT_LAST: listpos_set(&av->pos, n, n ? n - 1 : 0, rows); break;
    case ACT_REFRESH:
        if (av->pos.cursor >= n)
            return false;
        app_refresh_said(app, av->pos.cursor, false);
        break;
    case ACT_RELIST:
        if (av->pos.cursor >= n)
            return false;
        app_refresh_said(app, av->pos.cursor, true);
        break;
    default:
        return false;
    }
    remember(v, app);
    return true;
}

static bool mouse(struct view *v, struct app *app, const struct mouse_ev *m)
{
    struct accounts_view *av = priv(v);
    size_t n = app->store.n_acc, rows = visible_rows(v);
    switch (m->kind) {
    case MOUSE_WHEEL_UP: listpos_move(&av->pos, n, -3, rows); break;
    case MOUSE_WHEEL_DOWN: listpos_move(&av->pos, n, 3, rows); break;
    case MOUSE_CLICK:
    case MOUSE_DOUBLE:
        if (m->y < HEAD_ROWS || av->pos.top + (size_t)(m->y - HEAD_ROWS) >= n)
            return false;
        listpos_set(&av->pos, n, av->pos.top + (size_t)(m->y - HEAD_ROWS), rows);
        if (m->kind == MOUSE_DOUBLE)
            app_do_action(app, ACT_DETAILS);
        break;
    }
    remember(v, app);
    return true;
}

static char *status_line(struct view *v, struct app *app, bool *error)
{
    size_t i = priv(v)->pos.cursor;
    if (i >= app->store.n_acc)
        return NULL;
    const struct store_account *sa = &app->store.acc[i];
    const char *name = sa->a.label ? sa->a.label : sa->a.id;
    if (sa->error && sa->state != ACCOUNT_OK && sa->state != ACCOUNT_LOADING) {
        *error = true;
        return xasprintf("%s: %s", name, sa->error);
    }
    return NULL;
}

static int want_rows(struct view *v, struct app *app)
{
    return HEAD_ROWS + (app->store.n_acc ? (int)app->store.n_acc : 8);
}

static void changed(struct view *v, struct app *app)
{
    struct accounts_view *av = priv(v);
    ssize_t i = store_index(&app->store, av->selected_id);
    if (i >= 0)
        av->pos.cursor = (size_t)i;
    listpos_clamp(&av->pos, app->store.n_acc, visible_rows(v));
    remember(v, app);
}

static void destroy(struct view *v)
{
    free(priv(v)->selected_id);
    free(v->priv);
    free(v);
}

static const struct view_ops accounts_ops = {
    .name = "accounts",
    .draw = draw,
    .action = action,
    .mouse = mouse,
    .status_line = status_line,
    .want_rows = want_rows,
    .changed = changed,
    .destroy = destroy,
};

struct view *accounts_view_new(void)
{
    struct view *v = xcalloc(1, sizeof *v);
    v->ops = &accounts_ops;
    v->priv = xcalloc(1, sizeof(struct accounts_view));
    return v;
}
