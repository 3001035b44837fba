/* The command line (k9s's `:`): any action by its name (`:revoke`,
 * `:mark-all`), and the commands that take what a key cannot: `:sort
 * created desc`, `:filter user:ada`, `:view expiring`, `:theme light`,
 * `:account prod`, `:columns user,session`, `:time absolute`, `:export
 * FILE`. Tab completes the word being typed (names, columns, views,
 * themes, accounts, files), again for the next candidate; Up and Down walk
 * the history, which is kept across runs in the state directory. It is a
 * prompt on the message line, as the filter is. */
#include <dirent.h>
#include <glob.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "actions.h"
#include "app.h"
#include "config.h"
#include "draw.h"
#include "history.h"
#include "lineedit.h"
#include "sort.h"
#include "suggest.h"
#include "util.h"

enum arg_kind { ARG_NONE, ARG_SORT, ARG_TEXT, ARG_VIEW, ARG_THEME, ARG_ACCOUNT, ARG_COLUMNS,
                ARG_TIME, ARG_EXPORT };

struct command {
    const char *name;
    const char *usage;      /* what follows the name */
    enum arg_kind arg;
    void (*run)(struct app *app, const char *arg, bool bang);
};

struct cmdline {
    char *text;
    struct history hist;
    bool hist_loaded;
    size_t hist_at;         /* hist.n: the line being typed; less: a line of the history */
    char *draft;            /* the line being typed while walking the history */
    char **cands;           /* Tab's candidates for the word at word_start ... */
    size_t n_cands, cand_at;
    size_t word_start;      /* ... (bytes into text) */
};

/* ---- the commands that take an argument ---- */

static struct view *pane(struct app *app, const char *name, size_t *index)
{
    for (size_t i = 0; i < app->n_panes; i++) {
        if (strcmp(app->panes[i]->ops->name, name) == 0) {
            if (index)
                *index = i;
            return app->panes[i];
        }
    }
    return NULL;
}

static void run_sort(struct app *app, const char *arg, bool bang)
{
    struct view *ses = pane(app, "sessions", NULL);
    char *copy = xstrdup(arg), *col = strtok(copy, " \t"), *dir = strtok(NULL, " \t");
    bool desc = dir && strcmp(dir, "desc") == 0;
    if (!col || (dir && !desc && strcmp(dir, "asc") != 0) || strtok(NULL, " \t")) {
        app_error(app, "sort COLUMN [asc|desc], or sort none");
    } else if (strcmp(col, "none") == 0) {
        sessions_view_sort(ses, app, SORT_NONE, false, true);
    } else {
        struct column_set one;
        char *err = NULL;
        if (columns_parse(col, &one, &err) != 0)
            app_error(app, "sort: %s", err);
        else
            sessions_view_sort(ses, app, (int)one.v[0], desc, true);
        free(err);
    }
    free(copy);
}

static void run_filter(struct app *app, const char *arg, bool bang)
{
    struct view *ses = pane(app, "sessions", NULL);
    char *err = NULL;
    if (sessions_view_filter(ses, app, arg, &err) != 0)
        app_error(app, "filter: %s", err);
    else if (*arg)
        app_message(app, "%zu of %zu sessions match \"%s\"", sessions_view_count(ses, app),
                    app->store.sessions.n, arg);
    else
        app_message(app, "filter cleared");
    free(err);
}

static void run_view(struct app *app, const char *arg, bool bang)
{
    views_switch(app, arg);
}

static void run_theme(struct app *app, const char *arg, bool bang)
{
    char *err = NULL;
    if (screen_theme(app, arg, &err) != 0) {
        app_error(app, "%s", err);
        free(err);
        return;
    }
    char *path = prefs_path(config_dir());
    if (prefs_save_setting(path, "theme", arg, &err) != 0)
        app_error(app, "theme %s, but not remembered: %s", arg, err ? err : "?");
    else
        app_message(app, "theme %s (remembered)", arg);
    free(err);
    free(path);
}

/* The accounts of the store as an account_list (borrowed: not to be freed
 * with account_list_free), for the one rule of naming an account. */
static void borrowed_accounts(const struct app *app, struct account_list *l)
{
    l->n = l->cap = app->store.n_acc;
    l->v = xcalloc(l->n ? l->n : 1, sizeof *l->v);
    for (size_t i = 0; i < l->n; i++)
        l->v[i] = app->store.acc[i].a;
}

static void run_account(struct app *app, const char *arg, bool bang)
{
    size_t at = app->focus;
    struct view *ses = pane(app, "sessions", &at);
    if (!*arg) {
        sessions_view_narrow(ses, app, NULL);
        app_message(app, "showing every account's sessions");
        return;
    }
    struct account_list l;
    struct account *a = NULL;
    char *err = NULL;
    borrowed_accounts(app, &l);
    if (account_resolve(&l, arg, &a, &err) != 0) {
        app_error(app, "%s", err);
    } else {
        sessions_view_narrow(ses, app, a->id);
        app->focus = at;
        char back[32];
        app_key_for(app, ACT_BACK, back, sizeof back);
        app_message(app, "the sessions of %s (%s shows every account's)", a->label ? a->label
                                                                                 : a->id, back);
    }
    free(err);
    free(l.v);
}

static void run_columns(struct app *app, const char *arg, bool bang)
{
    struct column_choice c;
    char *err = NULL;
    if (prefs_parse_columns(arg, &c, &err) != 0)
        app_error(app, "columns: %s", err);
    else
        sessions_view_set_columns(pane(app, "sessions", NULL), app, &c, true);
    free(err);
}

static void run_time(struct app *app, const char *arg, bool bang)
{
    struct view *ses = pane(app, "sessions", NULL);
    bool abs = strcmp(arg, "absolute") == 0;
    if (!abs && strcmp(arg, "relative") != 0) {
        app_error(app, "time relative or time absolute, not '%s'", arg);
        return;
    }
    if ((sessions_view_time(ses) == TIME_ABSOLUTE) != abs)
        sessions_view_toggle_time(ses, app);
    else
        app_message(app, "times are %s already", arg);
}

static void run_export(struct app *app, const char *arg, bool bang)
{
    export_view(app, arg, bang);
}

static const struct command commands[] = {
    {"sort", "COLUMN [asc|desc] | none", ARG_SORT, run_sort},
    {"filter", "[QUERY]", ARG_TEXT, run_filter},
    {"view", "NAME | NUMBER", ARG_VIEW, run_view},
    {"theme", "NAME", ARG_THEME, run_theme},
    {"account", "[NAME]", ARG_ACCOUNT, run_account},
    {"columns", "NAME[:WIDTH],...", ARG_COLUMNS, run_columns},
    {"time", "relative | absolute", ARG_TIME, run_time},
    {"export", "[csv|json] FILE", ARG_EXPORT, run_export},
};

static const struct command *find_command(const char *name)
{
    for (size_t i = 0; i < ARRAY_LEN(commands); i++)
        if (strcmp(commands[i].name, name) == 0)
            return &commands[i];
    return NULL;
}

/* ---- running a line ---- */

static void unknown(struct app *app, const char *word)
{
    struct suggest sg;
    suggest_init(&sg, word);
    for (size_t i = 0; i < ARRAY_LEN(commands); i++)
        suggest_offer(&sg, commands[i].name);
    for (int a = 1; a < ACT_COUNT; a++)
        suggest_offer(&sg, action_name((enum action)a));
    suggest_offer(&sg, "q");
    const char *best = suggest_best(&sg);
    char help[32];
    app_key_for(app, ACT_HELP, help, sizeof help);
    if (best)
        app_error(app, "no command '%s' (did you mean %s?): Tab completes a name, %s lists the "
                  "actions", word, best, help);
    else
        app_error(app, "no command '%s': Tab completes a name, %s lists the actions", word, help);
}

void command_run(struct app *app, const char *line)
{
    char *copy = xstrdup(line), *p = copy;
    while (*p == ' ' || *p == '\t')
        p++;
    size_t n = strlen(p);
    while (n && (p[n - 1] == ' ' || p[n - 1] == '\t'))
        p[--n] = '\0';
    char *arg = p + strcspn(p, " \t");
    if (*arg)
        *arg++ = '\0';
    while (*arg == ' ' || *arg == '\t')
        arg++;
    bool bang = *p && p[strlen(p) - 1] == '!';
    if (bang)
        p[strlen(p) - 1] = '\0';
    const struct command *c = find_command(p);
    enum action a = action_parse(p);
    if (!*p) {
        /* nothing typed: nothing to do */
    } else if (strcmp(p, "q") == 0 || strcmp(p, "quit") == 0) {
        app->quit = true;
    } else if (c && (*arg || a == ACT_NONE || bang)) {
        c->run(app, arg, bang);
    } else if (a != ACT_NONE) {
        if (*arg)
            app_error(app, "%s takes nothing after it (%s: %s)", p, p, action_help(a));
        else
            app_do_action(app, a);
    } else {
        unknown(app, p);
    }
    free(copy);
}

/* ---- completion ---- */

struct cands {
    char **v;
    size_t n;
};

static void offer(struct cands *c, const char *prefix, const char *name)
{
    if (strncasecmp(name, prefix, strlen(prefix)) != 0)
        return;
    for (size_t i = 0; i < c->n; i++)
        if (strcmp(c->v[i], name) == 0)
            return;
    c->v = xrealloc(c->v, (c->n + 1) * sizeof *c->v);
    c->v[c->n++] = xstrdup(name);
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void offer_files(struct cands *c, const char *prefix)
{
    char *pat = xasprintf("%s*", prefix);
    glob_t g;
    if (glob(pat, GLOB_MARK | GLOB_NOSORT, NULL, &g) == 0) {
        for (size_t i = 0; i < g.gl_pathc && c->n < 200; i++)
            offer(c, prefix, g.gl_pathv[i]);
        globfree(&g);
    }
    free(pat);
}

static void offer_themes(struct cands *c, const struct app *app, const char *prefix)
{
    offer(c, prefix, "default");
    offer(c, prefix, "mono");
    for (size_t i = 0; i < app->n_theme_dirs; i++) {
        DIR *d = opendir(app->theme_dirs[i]);
        struct dirent *e;
        while (d && (e = readdir(d))) {
            size_t len = strlen(e->d_name);
            if (len > 6 && strcmp(e->d_name + len - 6, ".theme") == 0) {
                char *name = xstrndup(e->d_name, len - 6);
                offer(c, prefix, name);
                free(name);
            }
        }
        if (d)
            closedir(d);
    }
}

/* The candidates for the word the line ends in, which starts at *start. */
static struct cands candidates(struct app *app, const char *line, size_t *start)
{
    struct cands c = {NULL, 0};
    size_t name_len = strcspn(line, " \t");
    if (!line[name_len]) { /* the command's name */
        *start = 0;
        for (size_t i = 0; i < ARRAY_LEN(commands); i++)
            offer(&c, line, commands[i].name);
        for (int a = 1; a < ACT_COUNT; a++)
            offer(&c, line, action_name((enum action)a));
        goto out;
    }
    char *name = xstrndup(line, name_len);
    if (name_len && name[name_len - 1] == '!')
        name[name_len - 1] = '\0';
    const struct command *cmd = find_command(name);
    free(name);
    size_t arg = name_len + strspn(line + name_len, " \t");
    const char *word = line + arg;
    if (!cmd)
        goto out;
    switch (cmd->arg) {
    case ARG_SORT: {
        const char *last = strrchr(word, ' ');
        if (last) { /* the direction */
            *start = (size_t)(last + 1 - line);
            offer(&c, last + 1, "asc");
            offer(&c, last + 1, "desc");
        } else {
            *start = arg;
            offer(&c, word, "none");
            for (int k = 0; k < COLUMN_COUNT; k++)
                offer(&c, word, column_def((enum column_id)k)->name);
        }
        break;
    }
    case ARG_COLUMNS: {
        const char *last = strrchr(word, ',');
        const char *w = last ? last + 1 : word;
        *start = (size_t)(w - line);
        for (int k = 0; k < COLUMN_COUNT; k++)
            offer(&c, w, column_def((enum column_id)k)->name);
        break;
    }
    case ARG_VIEW: {
        *start = arg;
        struct prefs_view v[PREFS_MAX_VIEWS];
        size_t n = views_list(app, v, PREFS_MAX_VIEWS);
        for (size_t i = 0; i < n; i++)
            offer(&c, word, v[i].name);
        prefs_views_free(v, n);
        break;
    }
    case ARG_THEME:
        *start = arg;
        offer_themes(&c, app, word);
        break;
    case ARG_ACCOUNT:
        *start = arg;
        for (size_t i = 0; i < app->store.n_acc; i++)
            offer(&c, word, app->store.acc[i].a.label ? app->store.acc[i].a.label
                                                      : app->store.acc[i].a.id);
        break;
    case ARG_TIME:
        *start = arg;
        offer(&c, word, "relative");
        offer(&c, word, "absolute");
        break;
    case ARG_EXPORT: {
        const char *last = strrchr(word, ' ');
        const char *w = last ? last + 1 : word;
        *start = (size_t)(w - line);
        if (!last) {
            offer(&c, w, "csv");
            offer(&c, w, "json");
        }
        offer_files(&c, w);
        break;
    }
    default:
        break;
    }
out:
    if (c.n > 1)
        qsort(c.v, c.n, sizeof *c.v, by_name);
    return c;
}

/* ---- the prompt ---- */

static void drop_cands(struct cmdline *cl)
{
    for (size_t i = 0; i < cl->n_cands; i++)
        free(cl->cands[i]);
    free(cl->cands);
    cl->cands = NULL;
    cl->n_cands = cl->cand_at = 0;
}

static char *history_path(void)
{
    return xasprintf("%s/" HISTORY_FILE, state_dir());
}

/* What the line shows under way: the candidates Tab offers, or the usage
 * of the command typed. */
static void show(struct app *app)
{
    struct cmdline *cl = app->cmdline;
    free(app->prompt);
    app->prompt = xstrdup(cl->text);
    app->prompt_action = ACT_COMMAND;
    free(app->prompt_hint);
    app->prompt_hint = NULL;
    free(app->prompt_error);
    app->prompt_error = NULL;
    if (cl->n_cands > 1) {
        GString *s = g_string_new("");
        for (size_t i = 0; i < cl->n_cands && s->len < 200; i++)
            g_string_append_printf(s, "%s%s", i ? " " : "", cl->cands[i]);
        app->prompt_hint = g_string_free(s, FALSE);
    } else {
        char *name = xstrndup(cl->text, strcspn(cl->text, " \t!"));
        const struct command *c = find_command(name);
        enum action a = action_parse(name);
        if (c && cl->text[strlen(name)])
            app->prompt_hint = xasprintf("%s %s", c->name, c->usage);
        else if (a != ACT_NONE)
            app->prompt_hint = xasprintf("%s: %s", name, action_help(a));
        free(name);
    }
    app->dirty = true;
}

void cmdline_open(struct app *app)
{
    if (!app->cmdline)
        app->cmdline = xcalloc(1, sizeof *app->cmdline);
    struct cmdline *cl = app->cmdline;
    if (!cl->hist_loaded) {
        char *path = history_path(), *err = NULL;
        if (history_load(&cl->hist, path, &err) != 0)
            app_error(app, "command history: %s", err ? err : "?");
        free(err);
        free(path);
        cl->hist_loaded = true;
    }
    free(cl->text);
    cl->text = xstrdup("");
    free(cl->draft);
    cl->draft = NULL;
    cl->hist_at = cl->hist.n;
    drop_cands(cl);
    app->commanding = true;
    show(app);
}

static void close_line(struct app *app)
{
    app->commanding = false;
    free(app->prompt);
    app->prompt = NULL;
    free(app->prompt_hint);
    app->prompt_hint = NULL;
    free(app->prompt_error);
    app->prompt_error = NULL;
    drop_cands(app->cmdline);
    app->dirty = true;
}

static void run_line(struct app *app)
{
    struct cmdline *cl = app->cmdline;
    char *line = xstrdup(cl->text);
    close_line(app);
    if (!str_empty(line)) {
        history_add(&cl->hist, line);
        char *path = history_path(), *err = NULL;
        if (history_save(&cl->hist, path, &err) != 0)
            msglog_add(&app->log, now_ms(), MSGLOG_ERROR, NULL, err ? err : "history not saved");
        free(err);
        free(path);
        command_run(app, line);
    }
    free(line);
}

/* Tab: the common start of the candidates, or (pressed again, or one
 * candidate) the next one whole. */
static void complete(struct app *app, int step)
{
    struct cmdline *cl = app->cmdline;
    if (!cl->n_cands) {
        struct cands c = candidates(app, cl->text, &cl->word_start);
        cl->cands = c.v;
        cl->n_cands = c.n;
        cl->cand_at = SIZE_MAX;
        if (c.n == 0) {
            app->prompt_hint = NULL;
            show(app);
            free(app->prompt_hint);
            app->prompt_hint = xstrdup("nothing to complete");
            return;
        }
        size_t common = strlen(c.v[0]);
        for (size_t i = 1; i < c.n; i++) {
            size_t k = 0;
            while (k < common && c.v[i][k] == c.v[0][k])
                k++;
            common = k;
        }
        size_t typed = strlen(cl->text) - cl->word_start;
        if (c.n > 1 && common > typed) { /* the part they all share, first */
            char *next = xasprintf("%.*s%.*s", (int)cl->word_start, cl->text, (int)common,
                                   c.v[0]);
            free(cl->text);
            cl->text = next;
            show(app);
            return;
        }
    }
    size_t n = cl->n_cands;
    cl->cand_at = cl->cand_at == SIZE_MAX ? (step > 0 ? 0 : n - 1)
                                          : (cl->cand_at + n + (size_t)(step > 0 ? 1 : n - 1)) % n;
    const char *pick = cl->cands[cl->cand_at];
    bool whole = n == 1 && pick[strlen(pick) - 1] != '/'; /* a directory goes on */
    char *next = xasprintf("%.*s%s%s", (int)cl->word_start, cl->text, pick, whole ? " " : "");
    free(cl->text);
    cl->text = next;
    if (n == 1)
        drop_cands(cl);
    show(app);
}

static void walk_history(struct app *app, int step)
{
    struct cmdline *cl = app->cmdline;
    if (step < 0 && cl->hist_at == 0)
        return;
    if (step > 0 && cl->hist_at >= cl->hist.n)
        return;
    if (cl->hist_at == cl->hist.n) {
        free(cl->draft);
        cl->draft = xstrdup(cl->text);
    }
    cl->hist_at = step < 0 ? cl->hist_at - 1 : cl->hist_at + 1;
    free(cl->text);
    cl->text = xstrdup(cl->hist_at < cl->hist.n ? cl->hist.v[cl->hist_at]
                                                : cl->draft ? cl->draft : "");
    drop_cands(cl);
    show(app);
}

bool cmdline_key(struct app *app, keycode k)
{
    struct cmdline *cl = app->cmdline;
    switch (k) {
    case '\t':
        complete(app, 1);
        return true;
    case KEY_FN(KEY_BTAB):
        complete(app, -1);
        return true;
    case KEY_FN(KEY_UP):
        walk_history(app, -1);
        return true;
    case KEY_FN(KEY_DOWN):
        walk_history(app, 1);
        return true;
    default:
        break;
    }
    switch (lineedit_key(&cl->text, k)) {
    case LINEEDIT_ENTER:
        run_line(app);
        return true;
    case LINEEDIT_CANCEL:
        close_line(app);
        return true;
    case LINEEDIT_CHANGED:
        drop_cands(cl);
        show(app);
        return true;
    default:
        return true; /* the line has the keys until Enter or Esc */
    }
}

void cmdline_free(struct app *app)
{
    struct cmdline *cl = app->cmdline;
    if (!cl)
        return;
    drop_cands(cl);
    history_free(&cl->hist);
    free(cl->text);
    free(cl->draft);
    free(cl);
    app->cmdline = NULL;
}
