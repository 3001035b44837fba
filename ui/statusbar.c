/* The status bar (main keys, what is in flight) and the message line. */
#include "app.h"

#include <stdlib.h>
#include <string.h>

#include "actions.h"
#include "draw.h"
#include "util.h"

/* Hints in order of importance: the last ones go first when it is narrow. */
static const struct {
    enum action action;
    const char *label;
    bool panes_only; /* only with more than one pane */
} hints[] = {
    {ACT_QUIT, "quit", false},
    {ACT_HELP, "help", false},
    {ACT_FILTER, "filter", true},
    {ACT_SORT, "sort", true},
    {ACT_REFRESH, "refresh", false},
    {ACT_REFRESH_ALL, "reload all", false},
    {ACT_NEXT_PANE, "pane", true},
};

static int hint_width(const char *key, const char *label)
{
    return text_width(key) + 1 + text_width(label) + 2;
}

void statusbar_draw(struct app *app, int y)
{
    int w = app->cols;
    draw_fill(y, 0, w, C_STATUS_BAR);
    /* right: what is in flight */
    size_t busy = store_in_flight(&app->store);
    char *doing = NULL; /* our own requests: "revoking 3", "logging in" */
    size_t acting = requests_in_flight(app, &doing);
    int right = w;
    if (busy || acting) {
        const struct store_account *one = NULL;
        size_t pacing = store_waiting_budget(&app->store, &one);
        char *loading = !busy ? NULL
            : pacing == 1 ? xasprintf("%zu loading, %s waiting for budget", busy,
                                      one->a.label ? one->a.label : one->a.id)
            : pacing > 1 ? xasprintf("%zu loading, %zu waiting for budget", busy, pacing)
            : xasprintf("%zu loading", busy);
        char *txt = xasprintf(" %s%s%s ", doing ? doing : "", doing && loading ? ", " : "",
                              loading ? loading : "");
        free(loading);
        int tw = text_width(txt), gw = text_width(app_spinner_glyph(app));
        right = w - tw - gw;
        if (right > w / 2) {
            int x = draw_part(y, right, w, app_spinner_glyph(app), C_SPINNER);
            draw_part(y, x, w, txt, C_STATUS_BAR);
        } else {
            right = w;
        }
        free(txt);
    }
    free(doing);
    /* left: the main keys, as many as fit */
    int x = 1;
    for (size_t i = 0; i < ARRAY_LEN(hints); i++) {
        if (hints[i].panes_only && app->n_panes < 2)
            continue;
        char key[32];
        app_key_for(app, hints[i].action, key, sizeof key);
        if (!*key)
            continue;
        if (x + hint_width(key, hints[i].label) > right)
            break;
        x = draw_part(y, x, right, key, C_STATUS_KEY);
        x = draw_part(y, x, right, " ", C_STATUS_BAR);
        x = draw_part(y, x, right, hints[i].label, C_STATUS_BAR);
        x = draw_part(y, x, right, "  ", C_STATUS_BAR);
    }
}

/* "/needle█   Enter keeps, Esc clears": the filter being typed. */
static void prompt_draw(struct app *app, int y)
{
    char keep[32], clear[32];
    app_key_for(app, ACT_FILTER, keep, sizeof keep);
    int x = draw_part(y, 0, app->cols, *keep ? keep : "/", C_KEY);
    int end = app->cols - 1;
    char *hint = xasprintf("  Enter keeps, %s clears", app_key_for(app, ACT_BACK, clear,
                                                                   sizeof clear));
    int hw = text_width(hint);
    int text_end = x + text_width(app->prompt) + 1 + hw <= end ? end - hw : end;
    /* the end of a long needle, so that what is typed stays in sight */
    const char *shown = app->prompt;
    while (*shown && x + text_width(shown) + 1 > text_end)
        shown++;
    while (((unsigned char)*shown & 0xc0) == 0x80)
        shown++;
    x = draw_part(y, x, text_end, shown, C_INPUT);
    x = draw_part(y, x, text_end + 1, " ", C_SELECTED);
    if (text_end < end)
        draw_part(y, text_end, app->cols, hint, C_DIM);
    free(hint);
}

void message_draw(struct app *app, int y)
{
    draw_fill(y, 0, app->cols, C_DEFAULT);
    if (app->prompt) {
        prompt_draw(app, y);
        return;
    }
    if (app->message) {
        draw_text(y, 0, app->cols, app->message, app->message_error ? C_ERROR : C_MESSAGE,
                  ALIGN_LEFT);
        return;
    }
    struct view *v = app->overlay ? app->overlay : app->n_panes ? app->panes[app->focus] : NULL;
    bool error = false;
    char *line = v && v->ops->status_line ? v->ops->status_line(v, app, &error) : NULL;
    if (line)
        draw_text(y, 0, app->cols, line, error ? C_ERROR : C_DIM, ALIGN_LEFT);
    free(line);
}
