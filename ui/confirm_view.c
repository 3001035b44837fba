/* The y/N question before anything destructive: what will happen, in
 * words ("Revoke 12 sessions at 3 accounts?"), and an answer that is No
 * unless the user typed y: y then Enter goes ahead, Enter alone, n or Esc
 * do nothing. At a production account the answer is its label, typed out
 * in full (confirm_view_typed): anything else is No. */
#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "actions.h"
#include "app.h"
#include "dialog.h"
#include "draw.h"
#include "util.h"

#define CONFIRM_WIDTH 72
#define LIST_WIDTH 96      /* a box with a list of rows is wider */
#define MAX_LINES 12
#define MAX_LIST 16

struct confirm_view {
    char *title, *question, *detail, *list;
    char answer;               /* 0, 'y' or 'n' */
    char *expect;              /* typed mode: what must be typed to go ahead, else NULL */
    char *typed;               /* ... and what is typed so far */
    confirm_fn yes;
    void *ctx;
    void (*ctx_free)(void *);
};

static struct confirm_view *priv(const struct view *v)
{
    return v->priv;
}

/* The list's lines (at most MAX_LIST) into out, borrowed from a copy. */
static size_t list_lines(char *copy, char **out)
{
    size_t n = 0;
    for (char *p = copy; p && *p && n < MAX_LIST;) {
        char *nl = strchr(p, '\n');
        if (nl)
            *nl = '\0';
        out[n++] = p;
        p = nl ? nl + 1 : NULL;
    }
    return n;
}

static void draw(struct view *v, struct app *app)
{
    struct confirm_view *cv = priv(v);
    int want = cv->list ? LIST_WIDTH : CONFIRM_WIDTH;
    int w = want < v->area.w - 2 ? want : v->area.w - 2;
    int inner = w - 4;
    if (inner < 10)
        return;
    char *q[MAX_LINES], *d[MAX_LINES], *l[MAX_LIST];
    char *copy = xstrdup(cv->list);
    size_t nl = cv->list ? list_lines(copy, l) : 0;
    size_t nq = dialog_wrap(cv->question, inner, q, MAX_LINES / 2);
    size_t nd = cv->detail ? dialog_wrap(cv->detail, inner, d, MAX_LINES / 2) : 0;
    nq = nq < MAX_LINES / 2 ? nq : MAX_LINES / 2;
    nd = nd < MAX_LINES / 2 ? nd : MAX_LINES / 2;
    /* frame, blank, answer; a blank before the list and before the detail */
    int h = (int)(nq + (nl ? nl + 1 : 0) + (nd ? nd + 1 : 0)) + 4;
    struct rect r = dialog_rect(&v->area, w, h);
    dialog_frame(&r, cv->title);
    int y = r.y + 1, x = r.x + 2, end = r.y + r.h - 2; /* the last inner row: the answer */
    for (size_t i = 0; i < nq && y < end; i++, y++)
        draw_part(y, x, x + inner, q[i], C_DEFAULT);
    if (nl && y < end)
        y++;
    for (size_t i = 0; i < nl && y < end; i++, y++)
        draw_text(y, x, inner, l[i], strncmp(l[i], "and ", 4) == 0 ? C_DIM : C_DEFAULT,
                  ALIGN_LEFT);
    if (nd && y < end)
        y++;
    for (size_t i = 0; i < nd && y < end; i++, y++)
        draw_part(y, x, x + inner, d[i], C_DIM);
    y = end; /* the answer keeps its row, whatever had to give way above */
    if (cv->expect) {
        char *ask = xasprintf("Production: type %s to go ahead: ", cv->expect);
        int ax = draw_part(y, x, x + inner, ask, C_PRODUCTION);
        ax = draw_part(y, ax + 1, x + inner, cv->typed, C_INPUT);
        draw_part(y, ax, x + inner, " ", C_SELECTED);
        free(ask);
        dialog_footer(&r, "the label, then Enter goes ahead · anything else, or Esc: no");
    } else {
        int ax = draw_part(y, x, x + inner, "[y/N] ", C_KEY);
        char ans[2] = {cv->answer, 0};
        ax = draw_part(y, ax, x + inner, ans, cv->answer == 'y' ? C_WARNING : C_INPUT);
        draw_part(y, ax, x + inner, " ", C_SELECTED);
        dialog_footer(&r, cv->answer == 'y' ? "Enter goes ahead · Esc cancels"
                                            : "y then Enter goes ahead · Enter or Esc: no");
    }
    for (size_t i = 0; i < nq; i++)
        free(q[i]);
    for (size_t i = 0; i < nd; i++)
        free(d[i]);
    free(copy);
    (void)app;
}

static void answer(struct view *v, struct app *app, bool yes)
{
    struct confirm_view *cv = priv(v);
    confirm_fn fn = cv->yes;
    void *ctx = cv->ctx;
    void (*ctx_free)(void *) = cv->ctx_free;
    cv->ctx = NULL; /* ours now: the view goes before fn runs (fn may open another) */
    if (app->overlay == v)
        app_close_overlay(app);
    if (yes)
        fn(app, ctx);
    else
        app_message(app, "cancelled: nothing was changed");
    if (ctx_free)
        ctx_free(ctx);
}

/* Typed mode: the label, letter by letter; Enter goes ahead only on it. */
static bool typed_key(struct view *v, struct app *app, keycode k)
{
    struct confirm_view *cv = priv(v);
    size_t n = strlen(cv->typed);
    if (k == '\n') {
        bool same = strcmp(cv->typed, cv->expect) == 0;
        if (!same && n)
            app_error(app, "cancelled: \"%s\" is not %s; nothing was changed", cv->typed,
                      cv->expect);
        if (same || !n)
            answer(v, app, same);
        else if (app->overlay == v)
            app_close_overlay(app);
    } else if (k == 27) {
        answer(v, app, false);
    } else if (k == KEY_FN(KEY_BACKSPACE) || k == KEY_FN(KEY_DC)) {
        while (n > 0 && ((unsigned char)cv->typed[n - 1] & 0xc0) == 0x80)
            n--;
        cv->typed[n ? n - 1 : 0] = '\0';
    } else if (k == KEY_CTRL('u')) {
        cv->typed[0] = '\0';
    } else if (k >= 0x20 && k != 0x7f && k < KEY_FN_BIT && !(k >= 0x80 && k < 0xa0) &&
               n < 200) {
        char ch[5] = {0};
        utf8_put(k, ch);
        char *more = xasprintf("%s%s", cv->typed, ch);
        free(cv->typed);
        cv->typed = more;
    } else if (k == KEY_CTRL('l')) {
        return false;
    }
    return true; /* modal */
}

static bool key(struct view *v, struct app *app, keycode k)
{
    struct confirm_view *cv = priv(v);
    app->dirty = true;
    if (cv->expect)
        return typed_key(v, app, k);
    switch (k) {
    case 'y': case 'Y':
        cv->answer = 'y';
        return true;
    case 'n': case 'N':
        cv->answer = 'n';
        return true;
    case KEY_FN(KEY_BACKSPACE): case KEY_CTRL('u'):
        cv->answer = 0;
        return true;
    case '\n':
        answer(v, app, cv->answer == 'y');
        return true;
    case 27: case 'q':
        answer(v, app, false);
        return true;
    case KEY_CTRL('l'):
        return false;
    default:
        return true; /* modal */
    }
}

static bool action(struct view *v, struct app *app, enum action a)
{
    if (a == ACT_BACK) {
        answer(v, app, false);
        return true;
    }
    return a != ACT_REDRAW && a != ACT_QUIT;
}

static void destroy(struct view *v)
{
    struct confirm_view *cv = priv(v);
    if (cv->ctx && cv->ctx_free)
        cv->ctx_free(cv->ctx);
    free(cv->title);
    free(cv->question);
    free(cv->detail);
    free(cv->expect);
    free(cv->typed);
    free(cv->list);
    free(cv);
    free(v);
}

static const struct view_ops confirm_ops = {
    .name = "confirm",
    .draw = draw,
    .action = action,
    .key = key,
    .destroy = destroy,
};

struct view *confirm_view_list(const char *title, const char *question, const char *list,
                               const char *detail, confirm_fn yes, void *ctx,
                               void (*ctx_free)(void *))
{
    struct view *v = xcalloc(1, sizeof *v);
    struct confirm_view *cv = xcalloc(1, sizeof *cv);
    cv->title = xstrdup(title);
    cv->question = xstrdup(question);
    cv->list = str_empty(list) ? NULL : xstrdup(list); /* each line is made safe as drawn */
    cv->detail = str_empty(detail) ? NULL : xstrdup(detail);
    cv->yes = yes;
    cv->ctx = ctx;
    cv->ctx_free = ctx_free;
    v->ops = &confirm_ops;
    v->priv = cv;
    return v;
}

struct view *confirm_view_new(const char *title, const char *question, const char *detail,
                              confirm_fn yes, void *ctx, void (*ctx_free)(void *))
{
    return confirm_view_list(title, question, NULL, detail, yes, ctx, ctx_free);
}

void confirm_view_expect(struct view *v, const char *expect)
{
    struct confirm_view *cv = priv(v);
    free(cv->expect);
    free(cv->typed);
    cv->expect = xstrdup(expect);
    cv->typed = xstrdup("");
}
