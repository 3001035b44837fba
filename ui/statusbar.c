/* The status bar (main keys, what is in flight) and the message line. */
#include "app.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "actions.h"
#include "draw.h"
#include "util.h"

/* The hints of what is in front, in order of importance (the last ones go
 * first when it is narrow): an action's first key, or a key of the view's
 * own (forms and questions take keys before the keymap). */
struct hint {
    enum action action;  /* ACT_NONE: key is literal */
    const char *key;
    const char *label;
};

#define HINT(a, label) {a, NULL, label}
#define LITERAL(k, label) {ACT_NONE, k, label}

static const struct hint panes_hints[] = {
    HINT(ACT_QUIT, "quit"), HINT(ACT_HELP, "help"), HINT(ACT_FILTER, "filter"),
    HINT(ACT_SORT, "sort"), HINT(ACT_REFRESH, "refresh"), HINT(ACT_REFRESH_ALL, "reload all"),
    HINT(ACT_NEXT_PANE, "pane"), HINT(ACT_LOG, "log"),
};
static const struct hint help_hints[] = {
    HINT(ACT_BACK, "close"), HINT(ACT_MOVE_DOWN, "down"), HINT(ACT_MOVE_UP, "up"),
    HINT(ACT_PAGE_DOWN, "page"),
};
static const struct hint detail_hints[] = {
    HINT(ACT_BACK, "close"), HINT(ACT_MOVE_DOWN, "scroll"), HINT(ACT_PAGE_DOWN, "page"),
    HINT(ACT_LOG, "log"),
};
static const struct hint log_hints[] = {
    HINT(ACT_BACK, "close"), HINT(ACT_COPY, "copy entry"), HINT(ACT_COPY_ALL, "copy all"),
    HINT(ACT_MOVE_DOWN, "down"), HINT(ACT_MOVE_UP, "up"), HINT(ACT_LAST, "newest"),
};
static const struct hint confirm_hints[] = {
    LITERAL("y Enter", "go ahead"), LITERAL("Esc", "no"),
};
static const struct hint form_hints[] = {
    LITERAL("Enter", "save"), LITERAL("Esc", "cancel"), LITERAL("Tab", "next field"),
    LITERAL("BackTab", "previous"),
};
static const struct hint report_hints[] = {
    HINT(ACT_BACK, "close"), HINT(ACT_MOVE_DOWN, "scroll"), HINT(ACT_LOG, "log"),
};
static const struct hint account_hints[] = {
    HINT(ACT_BACK, "close"), HINT(ACT_ACCOUNT_EDIT, "edit the account"),
    HINT(ACT_REFRESH, "try again"), HINT(ACT_COPY, "copy the error"),
};
static const struct hint columns_hints[] = {
    LITERAL("Enter", "keep"), HINT(ACT_BACK, "cancel"), LITERAL("Space", "show/hide"),
    LITERAL("K J", "move"), LITERAL("< >", "width"),
};
static const struct hint views_hints[] = {
    LITERAL("Enter", "switch"), HINT(ACT_BACK, "close"), LITERAL("1-9", "view"),
};
static const struct hint text_hints[] = {
    HINT(ACT_BACK, "close"), HINT(ACT_COPY, "copy"),
};
static const struct hint token_hints[] = {
    HINT(ACT_BACK, "close"), HINT(ACT_COPY, "copy"), HINT(ACT_REVEAL, "show or mask"),
};

static const struct {
    const char *view;
    const struct hint *hints;
    size_t n;
} view_hints[] = {
    {"help", help_hints, ARRAY_LEN(help_hints)},
    {"detail", detail_hints, ARRAY_LEN(detail_hints)},
    {"log", log_hints, ARRAY_LEN(log_hints)},
    {"confirm", confirm_hints, ARRAY_LEN(confirm_hints)},
    {"form", form_hints, ARRAY_LEN(form_hints)},
    {"report", report_hints, ARRAY_LEN(report_hints)},
    {"token", token_hints, ARRAY_LEN(token_hints)},
    {"account", account_hints, ARRAY_LEN(account_hints)},
    {"columns", columns_hints, ARRAY_LEN(columns_hints)},
    {"views", views_hints, ARRAY_LEN(views_hints)},
    {"text", text_hints, ARRAY_LEN(text_hints)},
};

static const struct hint command_hints[] = {
    LITERAL("Enter", "run"), LITERAL("Esc", "cancel"), LITERAL("Tab", "complete"),
    LITERAL("Up/Down", "history"),
};
static const struct hint filter_hints[] = {
    LITERAL("Enter", "keep"), LITERAL("Esc", "clear"), LITERAL("Up/Down", "move"),
    LITERAL("^U", "erase"),
};

/* The hints of the prompt or overlay in front, else of the panes. */
static const struct hint *hints_in_front(const struct app *app, size_t *n)
{
    if (app->commanding) {
        *n = ARRAY_LEN(command_hints);
        return command_hints;
    }
    if (app->prompt) {
        *n = ARRAY_LEN(filter_hints);
        return filter_hints;
    }
    for (size_t i = 0; app->overlay && i < ARRAY_LEN(view_hints); i++) {
        if (strcmp(app->overlay->ops->name, view_hints[i].view) == 0) {
            *n = view_hints[i].n;
            return view_hints[i].hints;
        }
    }
    *n = ARRAY_LEN(panes_hints);
    return panes_hints;
}

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
    /* left: the main keys of what is in front, as many as fit */
    int x = 1;
    size_t n;
    const struct hint *hints = hints_in_front(app, &n);
    for (size_t i = 0; i < n; i++) {
        char key[32];
        if (hints[i].action != ACT_NONE)
            app_key_for(app, hints[i].action, key, sizeof key);
        else
            snprintf(key, sizeof key, "%s", hints[i].key);
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

/* "/needle█   Enter keeps, Esc clears": the filter (or a command) being
 * typed, and under way why it does not parse yet, or what Tab offers. */
static void prompt_draw(struct app *app, int y)
{
    char lead[32], back[32];
    app_key_for(app, app->prompt_action, lead, sizeof lead);
    app_key_for(app, ACT_BACK, back, sizeof back);
    int x = draw_part(y, 0, app->cols, *lead ? lead : app->prompt_action == ACT_COMMAND ? ":" : "/",
                      C_KEY);
    int end = app->cols - 1;
    char *hint = app->prompt_error ? xasprintf("  %s", app->prompt_error)
                 : app->prompt_hint ? xasprintf("  %s", app->prompt_hint)
                 : app->prompt_action == ACT_COMMAND
                     ? xasprintf("  Tab completes, Enter runs, %s cancels", back)
                     : xasprintf("  Enter keeps, %s clears", back);
    int hw = text_width(hint);
    /* the hint gives way to what is typed, down to half the line (cut) */
    int typed = x + text_width(app->prompt) + 1;
    int text_end = typed + hw <= end ? end - hw : typed > end / 2 ? end : end / 2;
    if (text_end < typed && typed <= end)
        text_end = typed;
    /* the end of a long text, so that what is typed stays in sight */
    const char *shown = app->prompt;
    while (*shown && x + text_width(shown) + 1 > text_end)
        shown++;
    while (((unsigned char)*shown & 0xc0) == 0x80)
        shown++;
    x = draw_part(y, x, text_end, shown, C_INPUT);
    x = draw_part(y, x, text_end + 1, " ", C_SELECTED);
    if (text_end < end)
        draw_part(y, text_end, app->cols, hint, app->prompt_error ? C_ERROR : C_DIM);
    free(hint);
}

/* The message, or as much as fits and where to read the rest: "… (L: log)". */
static void draw_message(struct app *app, int y)
{
    enum role role = app->message_error ? C_ERROR : C_MESSAGE;
    char key[32];
    app_key_for(app, ACT_LOG, key, sizeof key);
    if (text_width(app->message) <= app->cols || !*key) {
        draw_text(y, 0, app->cols, app->message, role, ALIGN_LEFT);
        return;
    }
    char *more = xasprintf(" (%s: log)", key);
    int mw = text_width(more);
    char *cut = text_clip(app->message, app->cols - mw, NULL); /* ends in the ellipsis */
    int x = draw_part(y, 0, app->cols, cut, role);
    draw_part(y, x, app->cols, more, C_DIM);
    free(cut);
    free(more);
}

void message_draw(struct app *app, int y)
{
    draw_fill(y, 0, app->cols, C_DEFAULT);
    if (app->prompt) {
        prompt_draw(app, y);
        return;
    }
    if (app->message) {
        draw_message(app, y);
        return;
    }
    struct view *v = app->overlay ? app->overlay : app->n_panes ? app->panes[app->focus] : NULL;
    bool error = false;
    char *line = v && v->ops->status_line ? v->ops->status_line(v, app, &error) : NULL;
    if (line)
        draw_text(y, 0, app->cols, line, error ? C_ERROR : C_DIM, ALIGN_LEFT);
    free(line);
}
