/* The journal overlay (J): every change sesame made (journal.h), newest at
 * the bottom as `sesame log` prints them, scrollable and filtered as you
 * type (/: every word must be in the line, case aside). It reads the
 * journal when it opens and again when the file changed (a change made
 * here or by another sesame). In screen-share mode ids, e-mail addresses
 * and IPs are masked in it (redact.h), and users' names left out. */
#include <glib.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "app.h"
#include "draw.h"
#include "journal.h"
#include "redact.h"
#include "table.h"
#include "textfold.h"
#include "util.h"

#define FILTER_MAX 200

struct journal_view {
    char **lines;        /* every entry as shown, oldest first */
    char **folded;       /* ... and folded, for the filter */
    bool *failed;        /* ... it did not go as asked */
    size_t n;
    size_t *shown;       /* indexes of the lines that pass the filter */
    size_t n_shown;
    char *notes;         /* damaged lines skipped, said in the title */
    char *filter;        /* as typed */
    bool prompting;
    size_t top;
    bool follow;         /* at the bottom: new lines keep it there */
    struct timespec mtime;
    off_t size;
    bool redact;         /* what the lines were made for */
};

static struct journal_view *priv(const struct view *v)
{
    return v->priv;
}

static void lines_free(struct journal_view *jv)
{
    for (size_t i = 0; i < jv->n; i++) {
        free(jv->lines[i]);
        free(jv->folded[i]);
    }
    free(jv->lines);
    free(jv->folded);
    free(jv->failed);
    free(jv->shown);
    free(jv->notes);
    jv->lines = jv->folded = NULL;
    jv->failed = NULL;
    jv->shown = NULL;
    jv->notes = NULL;
    jv->n = jv->n_shown = 0;
}

static bool passes(const struct journal_view *jv, size_t i, char **words, size_t n_words)
{
    for (size_t w = 0; w < n_words; w++)
        if (!strstr(jv->folded[i], words[w]))
            return false;
    return true;
}

static void refilter(struct journal_view *jv)
{
    char *f = text_fold(jv->filter ? jv->filter : "");
    char **split = g_strsplit_set(f, " ", -1);
    size_t n_words = 0;
    for (char **w = split; *w; w++)
        n_words += **w != '\0';
    char **words = xcalloc(n_words + 1, sizeof *words);
    n_words = 0;
    for (char **w = split; *w; w++)
        if (**w)
            words[n_words++] = *w;
    jv->n_shown = 0;
    for (size_t i = 0; i < jv->n; i++)
        if (passes(jv, i, words, n_words))
            jv->shown[jv->n_shown++] = i;
    free(words);
    g_strfreev(split);
    free(f);
    if (jv->top > jv->n_shown)
        jv->top = jv->n_shown;
}

/* The line of one entry; in screen-share mode without its user. */
static char *line_of(const struct journal_entry *e, bool redact)
{
    if (!redact)
        return journal_entry_text(e);
    struct journal_entry masked = *e;
    masked.user = NULL;
    char *raw = journal_entry_text(&masked), *line = redact_line(raw);
    free(raw);
    return line;
}

static void load(struct view *v, struct app *app)
{
    struct journal_view *jv = priv(v);
    lines_free(jv);
    struct journal_list l;
    char *err = NULL;
    if (journal_read(&l, &err) != 0) {
        app_error(app, "%s", err ? err : "cannot read the journal");
        free(err);
    }
    jv->lines = xcalloc(l.n + 1, sizeof *jv->lines);
    jv->folded = xcalloc(l.n + 1, sizeof *jv->folded);
    jv->failed = xcalloc(l.n + 1, sizeof *jv->failed);
    jv->shown = xcalloc(l.n + 1, sizeof *jv->shown);
    jv->redact = app->redact;
    for (size_t i = 0; i < l.n; i++) {
        jv->lines[i] = line_of(&l.v[i], jv->redact);
        jv->folded[i] = text_fold(jv->lines[i]);
        jv->failed[i] = l.v[i].result && strcmp(l.v[i].result, "ok") != 0;
    }
    jv->n = l.n;
    if (l.n_notes)
        jv->notes = xasprintf("%zu damaged line%s skipped (sesame log says which)", l.n_notes,
                              l.n_notes == 1 ? "" : "s");
    journal_list_free(&l);
    struct stat st;
    const char *path = journal_path();
    if (path && stat(path, &st) == 0) {
        jv->mtime = st.st_mtim;
        jv->size = st.st_size;
    }
    refilter(jv);
}

/* Read again if the journal changed on disk, or the mode of masking did. */
static void reload_if_changed(struct view *v, struct app *app)
{
    struct journal_view *jv = priv(v);
    struct stat st;
    const char *path = journal_path();
    bool changed = jv->redact != app->redact;
    if (path && stat(path, &st) == 0)
        changed |= st.st_size != jv->size || st.st_mtim.tv_sec != jv->mtime.tv_sec ||
                   st.st_mtim.tv_nsec != jv->mtime.tv_nsec;
    if (changed)
        load(v, app);
}

static size_t body_rows(const struct view *v)
{
    return v->area.h > 2 ? (size_t)(v->area.h - 2) : 0; /* the title, the footer */
}

static void clamp(struct journal_view *jv, size_t rows)
{
    size_t max_top = jv->n_shown > rows ? jv->n_shown - rows : 0;
    if (jv->follow || jv->top > max_top)
        jv->top = max_top;
}

static void draw(struct view *v, struct app *app)
{
    const struct rect *r = &v->area;
    struct journal_view *jv = priv(v);
    reload_if_changed(v, app);
    for (int y = 0; y < r->h; y++)
        draw_fill(r->y + y, r->x, r->w, C_DEFAULT);
    size_t rows = body_rows(v);
    clamp(jv, rows);
    char *title = jv->filter && *jv->filter
                      ? xasprintf("Journal: %zu of %zu changes matching \"%s\"%s%s", jv->n_shown,
                                  jv->n, jv->filter, jv->notes ? "; " : "",
                                  jv->notes ? jv->notes : "")
                      : xasprintf("Journal: %zu changes%s%s", jv->n, jv->notes ? "; " : "",
                                  jv->notes ? jv->notes : "");
    draw_rule(r->y, r->x, r->w, title, C_BORDER, C_PANE_TITLE);
    free(title);
    if (jv->n_shown == 0)
        draw_text(r->y + 1, r->x + 2, r->w - 4,
                  jv->n ? "No change matches." : "No change recorded yet: a revoke, a log out, "
                  "a create ... made here or by `sesame` commands is written here.",
                  C_DIM, ALIGN_LEFT);
    for (size_t k = 0; k < rows && jv->top + k < jv->n_shown; k++) {
        size_t i = jv->shown[jv->top + k];
        draw_text(r->y + 1 + (int)k, r->x + 1, r->w - 2, jv->lines[i],
                  jv->failed[i] ? C_ERROR : C_DEFAULT, ALIGN_LEFT);
    }
    char back[32], filter[32];
    app_key_for(app, ACT_BACK, back, sizeof back);
    app_key_for(app, ACT_FILTER, filter, sizeof filter);
    char *foot = xasprintf("%s filters, %s closes; `sesame log` prints it, in %s", filter, back,
                           journal_path() ? journal_path() : "the state directory");
    draw_text(r->y + r->h - 1, r->x + 2, r->w - 4, foot, C_DIM, ALIGN_LEFT);
    free(foot);
}

static void set_filter(struct view *v, struct app *app, char *text)
{
    struct journal_view *jv = priv(v);
    free(jv->filter);
    jv->filter = text;
    refilter(jv);
    jv->follow = true;
    free(app->prompt);
    app->prompt = jv->prompting ? xstrdup(jv->filter) : NULL;
    app->dirty = true;
}

static bool key(struct view *v, struct app *app, keycode k)
{
    struct journal_view *jv = priv(v);
    if (!jv->prompting)
        return false;
    size_t n = jv->filter ? strlen(jv->filter) : 0;
    if (k == '\n' || k == 27) {
        jv->prompting = false;
        set_filter(v, app, k == 27 ? NULL : jv->filter ? xstrdup(jv->filter) : NULL);
        return true;
    }
    if (k == KEY_FN(KEY_BACKSPACE) || k == KEY_FN(KEY_DC)) {
        while (n > 0 && ((unsigned char)jv->filter[n - 1] & 0xc0) == 0x80)
            n--; /* the whole of the last character */
        set_filter(v, app, xstrndup(jv->filter ? jv->filter : "", n ? n - 1 : 0));
    } else if (k == KEY_CTRL('u')) {
        set_filter(v, app, NULL);
    } else if (k >= 0x20 && k != 0x7f && k < KEY_FN_BIT && !(k >= 0x80 && k < 0xa0) &&
               n < FILTER_MAX) {
        char ch[5] = {0};
        utf8_put(k, ch);
        set_filter(v, app, xasprintf("%s%s", jv->filter ? jv->filter : "", ch));
    }
    return true; /* the prompt has the keys until Enter or Esc */
}

static bool action(struct view *v, struct app *app, enum action a)
{
    struct journal_view *jv = priv(v);
    size_t rows = body_rows(v), n = jv->n_shown;
    size_t max_top = n > rows ? n - rows : 0;
    jv->follow = false;
    if (scroll_action(&jv->top, max_top, rows, a)) {
        jv->follow = a == ACT_LAST; /* the bottom, and new lines keep it there */
        app->dirty = true;
        return true;
    }
    switch (a) {
    case ACT_FILTER:
        jv->prompting = true;
        set_filter(v, app, jv->filter ? xstrdup(jv->filter) : NULL);
        break;
    case ACT_BACK:
        if (jv->filter && *jv->filter) {
            set_filter(v, app, NULL);
            break;
        }
        /* fall through */
    case ACT_JOURNAL:
    case ACT_QUIT:
        app_close_overlay(app);
        break;
    case ACT_LOG: /* every message, not only the changes: the message log in its place */
        app_open_overlay(app, log_view_new(app));
        return true;
    default:
        return false;
    }
    app->dirty = true;
    return true;
}

static void changed(struct view *v, struct app *app)
{
    reload_if_changed(v, app);
}

static void destroy(struct view *v)
{
    struct journal_view *jv = priv(v);
    lines_free(jv);
    free(jv->filter);
    free(jv);
    free(v);
}

static const struct view_ops journal_ops = {
    .name = "journal",
    .draw = draw,
    .action = action,
    .key = key,
    .mouse = view_wheel_scrolls,
    .changed = changed,
    .destroy = destroy,
};

struct view *journal_view_new(struct app *app)
{
    struct view *v = xcalloc(1, sizeof *v);
    v->ops = &journal_ops;
    struct journal_view *jv = xcalloc(1, sizeof *jv);
    jv->follow = true;
    v->priv = jv;
    load(v, app);
    return v;
}
