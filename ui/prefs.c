/* sesame.conf: parse the set and bind lines, write back the sort choice. */
#include "prefs.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <glib.h>

#include "account_policy.h"
#include "browser.h"
#include "config.h"
#include "expiry.h"
#include "textfile.h"
#include "util.h"

bool prefs_sort_column_valid(const char *name)
{
    return column_find(name) >= 0;
}

void prefs_init(struct prefs *p)
{
    memset(p, 0, sizeof *p);
    p->refresh_interval = 60;
    p->mouse = true;
}

void prefs_views_free(struct prefs_view *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(v[i].name);
        free(v[i].filter);
        free(v[i].sort);
        memset(&v[i], 0, sizeof v[i]);
    }
}

void prefs_free(struct prefs *p)
{
    free(p->theme);
    free(p->sort_column);
    prefs_views_free(p->views, p->n_views);
    free(p->on_expiring);
    for (size_t i = 0; i < p->n_errors; i++)
        free(p->errors[i]);
    memset(p, 0, sizeof *p);
}

static void add_error(struct prefs *p, char *msg)
{
    if (p->n_errors < PREFS_MAX_ERRORS)
        p->errors[p->n_errors++] = msg;
    else
        free(msg);
    p->n_errors_total++;
}

static int parse_bool(const char *s, bool *out)
{
    int v = policy_bool_parse(s);
    if (v >= 0)
        *out = v == 1;
    return v >= 0 ? 0 : -1;
}

/* `set on-expiring = COMMAND ARGS...`: the whole text after '=', as written
 * (split into words, without a shell, when it runs: expiry_argv). */
static char *set_command(struct prefs *p, const char *text)
{
    while (*text == ' ' || *text == '\t')
        text++;
    size_t n = strlen(text);
    while (n > 0 && (text[n - 1] == ' ' || text[n - 1] == '\t' || text[n - 1] == '\r'))
        n--;
    char *cmd = xstrndup(text, n), **argv = NULL, *err = NULL;
    if (expiry_argv(cmd, &argv, &err) != 0) {
        free(cmd);
        return err;
    }
    strv_free(argv);
    free(p->on_expiring);
    p->on_expiring = cmd;
    return NULL;
}

/* "COLUMN [desc|asc]" into *column (owned; NULL for none, the default
 * order) and *desc. Returns a message or NULL. */
static char *sort_choice(const char *column, const char *dir, char **out, bool *desc)
{
    if (dir && strcmp(dir, "desc") != 0 && strcmp(dir, "asc") != 0)
        return xstrdup("expected 'sort = COLUMN [desc]'");
    struct column_set one;
    char *err = NULL;
    bool none = strcmp(column, "none") == 0;
    if (!none && columns_parse(column, &one, &err) != 0) {
        char *msg = xasprintf("sort: %s", err);
        free(err);
        return msg;
    }
    free(*out);
    *out = none ? NULL : xstrdup(column_def(one.v[0])->name);
    *desc = !none && dir && strcmp(dir, "desc") == 0;
    return NULL;
}

/* "set NAME = VALUE...": line is the text after "set". Returns a message or NULL. */
static char *parse_set(struct prefs *p, char *line)
{
    char *eq = strchr(line, '=');
    if (!eq)
        return xstrdup("expected 'set NAME = VALUE'");
    *eq = '\0';
    char *name[2], *val[3];
    size_t nn = textfile_split(line, name, 2);
    if (nn != 1)
        return xstrdup("expected one name between 'set' and '='");
    for (char *c = name[0]; *c; c++)
        if (*c == '_')
            *c = '-'; /* on_expiring is on-expiring */
    if (strcmp(name[0], "on-expiring") == 0) /* a command line: as written, not split here */
        return set_command(p, eq + 1);
    char *raw = xstrdup(eq + 1); /* a list may have blanks after its commas */
    size_t nv = textfile_split(eq + 1, val, 3);
    if (nv > 0 && strcmp(name[0], "columns") == 0) {
        struct column_choice c;
        char *err = NULL;
        int rc = prefs_parse_columns(raw, &c, &err);
        free(raw);
        if (rc != 0) {
            char *msg = xasprintf("columns: %s", err);
            free(err);
            return msg;
        }
        p->columns = c;
        p->has_columns = true;
        return NULL;
    }
    free(raw);
    if (nv == 0)
        return xasprintf("no value for '%s'", name[0]);
    const char *key = name[0];
    if (strcmp(key, "sort") == 0) {
        if (nv > 2)
            return xstrdup("expected 'set sort = COLUMN [desc]'");
        return sort_choice(val[0], nv == 2 ? val[1] : NULL, &p->sort_column, &p->sort_desc);
    }
    if (nv != 1)
        return xasprintf("'%s' takes one value", key);
    if (strcmp(key, "theme") == 0) {
        free(p->theme);
        p->theme = xstrdup(val[0]);
        return NULL;
    }
    if (strcmp(key, "time") == 0) {
        if (strcmp(val[0], "relative") != 0 && strcmp(val[0], "absolute") != 0)
            return xasprintf("time is relative or absolute, not '%s'", val[0]);
        p->time_absolute = strcmp(val[0], "absolute") == 0;
        return NULL;
    }
    if (strcmp(key, "refresh-interval") == 0) {
        char *end;
        errno = 0;
        long v = strtol(val[0], &end, 10);
        if (*end || errno || v < 0 || v > 86400)
            return xasprintf("refresh-interval '%s': seconds from 0 (off) to 86400", val[0]);
        if (v > 0 && v < 5)
            return xstrdup("refresh-interval: at least 5 seconds, or 0 for off");
        p->refresh_interval = (int)v;
        return NULL;
    }
    bool *flag = strcmp(key, "read-only") == 0         ? &p->read_only
                 : strcmp(key, "mouse") == 0           ? &p->mouse
                 : strcmp(key, "expiring-bell") == 0   ? &p->expiring_bell
                 : strcmp(key, "expiring-notify") == 0 ? &p->expiring_notify
                 : strcmp(key, "redact") == 0          ? &p->redact
                                                       : NULL;
    if (!flag)
        return xasprintf("unknown setting '%s' (theme, refresh-interval, read-only, mouse, sort, "
                         "columns, time, expiring-bell, expiring-notify, on-expiring, redact)", key);
    if (parse_bool(val[0], flag) != 0)
        return xasprintf("'%s' is yes or no, not '%s'", key, val[0]);
    return NULL;
}

/* ---- columns ---- */

int prefs_parse_columns(const char *text, struct column_choice *out, char **error)
{
    /* the names alone go to the registry's parser (its errors say "did you
     * mean"); the widths are ours */
    char *names = xstrdup(text ? text : ""), *o = names;
    int width[COLUMN_COUNT * 4] = {0};
    size_t item = 0;
    *error = NULL;
    for (const char *c = text ? text : ""; *c; c++) {
        if (*c == ',') {
            item++;
            *o++ = ',';
        } else if (*c == ':') {
            char *end;
            long w = strtol(c + 1, &end, 10);
            if (end == c + 1 || w < 1 || w > PREFS_MAX_WIDTH ||
                (*end && *end != ',' && *end != ' ' && *end != '\t')) {
                *error = xasprintf("a width after ':' is a number from 1 to %d, as in user:30",
                                   PREFS_MAX_WIDTH);
                free(names);
                return ERR_USAGE;
            }
            if (item < ARRAY_LEN(width))
                width[item] = (int)w;
            c = end - 1;
        } else {
            *o++ = *c;
        }
    }
    *o = '\0';
    struct column_choice next;
    memset(&next, 0, sizeof next);
    int rc = columns_parse(names, &next.set, error);
    free(names);
    if (rc != 0)
        return rc;
    for (size_t i = 0; i < next.set.n && i < ARRAY_LEN(width); i++)
        next.width[next.set.v[i]] = width[i];
    *out = next;
    return 0;
}

char *prefs_format_columns(const struct column_choice *c)
{
    GString *s = g_string_new("");
    for (size_t i = 0; i < c->set.n; i++) {
        enum column_id id = c->set.v[i];
        g_string_append_printf(s, "%s%s", i ? "," : "", column_def(id)->name);
        if (c->width[id] > 0)
            g_string_append_printf(s, ":%d", c->width[id]);
    }
    return g_string_free(s, FALSE);
}

/* ---- saved views ---- */

/* The next '|'-separated part of *s (outside double quotes), trimmed. */
static char *next_part(char **s)
{
    char *p = *s;
    if (!p)
        return NULL;
    bool quoted = false;
    char *e = p;
    for (; *e && (quoted || *e != '|'); e++)
        if (*e == '"')
            quoted = !quoted;
    *s = *e ? e + 1 : NULL;
    *e = '\0';
    while (*p == ' ' || *p == '\t')
        p++;
    size_t n = strlen(p);
    while (n && (p[n - 1] == ' ' || p[n - 1] == '\t'))
        p[--n] = '\0';
    return p;
}

static char *view_sort(struct prefs_view *v, char **w, size_t n);

static char *view_option(struct prefs_view *v, char *part)
{
    if (strncmp(part, "columns", 7) == 0 && (part[7] == ' ' || part[7] == '\t')) {
        char *err = NULL; /* the rest is the list, blanks after commas and all */
        if (prefs_parse_columns(part + 8, &v->columns, &err) != 0) {
            char *msg = xasprintf("columns: %s", err);
            free(err);
            return msg;
        }
        v->has_columns = true;
        return NULL;
    }
    char *w[4], *as_written = xstrdup(part); /* for the message: split cuts it up */
    size_t n = textfile_split(part, w, 4);
    char *msg = NULL;
    if (n >= 2 && strcmp(w[0], "sort") == 0)
        msg = view_sort(v, w, n);
    else
        msg = xasprintf("expected '| sort COLUMN [desc]' or '| columns LIST', not '%s'",
                        as_written);
    free(as_written);
    return msg;
}

/* "| sort COLUMN [desc]", in words. */
static char *view_sort(struct prefs_view *v, char **w, size_t n)
{
    if (n > 3)
        return xstrdup("expected '| sort COLUMN [desc]'");
    char *msg = sort_choice(w[1], n == 3 ? w[2] : NULL, &v->sort, &v->sort_desc);
    v->has_sort = !msg;
    if (!msg && !v->sort)
        v->sort = xstrdup("none");
    return msg;
}

/* "view NAME = FILTER [| sort COLUMN [desc]] [| columns LIST]": line is
 * the text after "view". NAME is a word or "a quoted name". */
static char *parse_view(struct prefs *p, char *line)
{
    static const char usage[] = "expected 'view NAME = FILTER [| sort COLUMN [desc]] "
                                "[| columns LIST]'";
    while (*line == ' ' || *line == '\t')
        line++;
    char *name, *rest;
    if (*line == '"') {
        name = line + 1;
        char *q = strchr(name, '"');
        if (!q)
            return xstrdup("a view's name in quotes is not closed");
        *q = '\0';
        rest = q + 1;
    } else {
        name = line;
        rest = line + strcspn(line, " \t=");
    }
    while (*rest == ' ' || *rest == '\t')
        rest++;
    if (*rest != '=')
        return xstrdup(usage);
    *rest++ = '\0';
    size_t nl = strlen(name);
    while (nl && (name[nl - 1] == ' ' || name[nl - 1] == '\t'))
        name[--nl] = '\0';
    if (!*name)
        return xstrdup(usage);
    if (p->n_views == PREFS_MAX_VIEWS)
        return xasprintf("at most %d views", PREFS_MAX_VIEWS);
    struct prefs_view v;
    memset(&v, 0, sizeof v);
    v.filter = xstrdup(next_part(&rest));
    char *part, *msg = NULL;
    while (!msg && (part = next_part(&rest)))
        msg = view_option(&v, part);
    if (msg) {
        prefs_views_free(&v, 1);
        return msg;
    }
    v.name = xstrdup(name);
    for (size_t i = 0; i < p->n_views; i++) { /* the same name again: the later one */
        if (strcasecmp(p->views[i].name, v.name) == 0) {
            prefs_views_free(&p->views[i], 1);
            p->views[i] = v;
            return NULL;
        }
    }
    p->views[p->n_views++] = v;
    return NULL;
}

static const char *const default_views[] = {
    "view Active = status:active | sort expires",
    "view \"Expiring in 1 h\" = status:active expires:<1h | sort expires",
    "view All = | sort none",
};

size_t prefs_default_views(struct prefs_view *out, size_t max)
{
    struct prefs p;
    prefs_init(&p);
    for (size_t i = 0; i < ARRAY_LEN(default_views); i++) {
        char *line = xstrdup(default_views[i]);
        char *msg = parse_view(&p, line + 4);
        free(msg); /* none: they are ours */
        free(line);
    }
    size_t n = p.n_views < max ? p.n_views : max;
    memcpy(out, p.views, n * sizeof *out);
    prefs_views_free(p.views + n, p.n_views - n);
    p.n_views = 0;
    prefs_free(&p);
    return n;
}

static void view_copy(struct prefs_view *dst, const struct prefs_view *src)
{
    *dst = *src;
    dst->name = xstrdup(src->name);
    dst->filter = xstrdup(src->filter);
    dst->sort = xstrdup(src->sort);
}

size_t prefs_views(const struct prefs *p, struct prefs_view *out, size_t max)
{
    if (p->n_views == 0)
        return prefs_default_views(out, max);
    size_t n = p->n_views < max ? p->n_views : max;
    for (size_t i = 0; i < n; i++)
        view_copy(&out[i], &p->views[i]);
    return n;
}

/* The first word of a line (in a scratch copy), "" if blank or comment. */
static void first_word(const char *line, char *out, size_t outsz)
{
    char *copy = xstrdup(line), *w[1];
    size_t n = textfile_split(copy, w, 1);
    snprintf(out, outsz, "%s", n ? w[0] : "");
    free(copy);
}

static void cut_comment(char *line)
{
    for (char *c = line; *c; c++) {
        if (*c == '#' && (c == line || c[-1] == ' ' || c[-1] == '\t')) {
            *c = '\0';
            return;
        }
    }
}

size_t prefs_parse(struct prefs *p, struct keymap *km, const char *text, const char *file)
{
    char *copy = xstrdup(text), *cur = copy, *line;
    size_t before = p->n_errors_total;
    int lineno = 0;
    while ((line = textfile_next_line(&cur))) {
        lineno++;
        char word[16];
        first_word(line, word, sizeof word);
        if (!*word)
            continue;
        if (strcmp(word, "bind") == 0) {
            char *err = NULL;
            if (km && keymap_bind_line(km, line, file, lineno, &err) != 0)
                add_error(p, err);
            continue;
        }
        char *msg;
        if (strcmp(word, "set") == 0) {
            cut_comment(line);
            msg = parse_set(p, strstr(line, "set") + 3);
        } else if (strcmp(word, "view") == 0) {
            cut_comment(line);
            msg = parse_view(p, strstr(line, "view") + 4);
        } else {
            msg = xasprintf("unknown command '%s' (set, bind, view)", word);
        }
        if (msg) {
            add_error(p, xasprintf("%s:%d: %s", file, lineno, msg));
            free(msg);
        }
    }
    free(copy);
    return p->n_errors_total - before;
}

char *prefs_path(const char *config_dir)
{
    return xasprintf("%s/" PREFS_FILE, config_dir);
}

size_t prefs_load(struct prefs *p, struct keymap *km, const char *path)
{
    char *err = NULL;
    char *text = textfile_read(path, 1, &err);
    if (!text) {
        if (err) {
            add_error(p, err);
            return 1;
        }
        return 0;
    }
    size_t n = prefs_parse(p, km, text, path);
    free(text);
    return n;
}

/* Is this line a `set NAME = ...` line? */
static bool is_setting_line(const char *line, size_t len, const char *name)
{
    char *copy = xstrndup(line, len), *w[3];
    char *eq = strchr(copy, '=');
    if (eq)
        *eq = '\0';
    size_t n = textfile_split(copy, w, 3);
    bool yes = eq && n == 2 && strcmp(w[0], "set") == 0 && strcmp(w[1], name) == 0;
    free(copy);
    return yes;
}

char *prefs_rewrite_setting(const char *text, const char *name, const char *value)
{
    char *setting = xasprintf("set %s = %s", name, value);
    size_t tlen = strlen(text);
    char *out = xmalloc(tlen + strlen(setting) + 3);
    size_t o = 0;
    bool done = false;
    for (const char *s = text; *s;) {
        const char *nl = strchr(s, '\n');
        size_t len = nl ? (size_t)(nl - s) : strlen(s);
        size_t take = nl ? len + 1 : len;
        if (is_setting_line(s, len, name)) {
            if (!done) {
                o += (size_t)sprintf(out + o, "%s%s", setting, nl ? "\n" : "");
                done = true;
            }
        } else {
            memcpy(out + o, s, take);
            o += take;
        }
        s += take;
    }
    if (!done) {
        if (o && out[o - 1] != '\n')
            out[o++] = '\n';
        o += (size_t)sprintf(out + o, "%s\n", setting);
    }
    out[o] = '\0';
    free(setting);
    return out;
}

int prefs_save_setting(const char *path, const char *name, const char *value, char **error)
{
    *error = NULL;
    const char *slash = strrchr(path, '/');
    char *dir = slash ? xstrndup(path, slash == path ? 1 : (size_t)(slash - path)) : xstrdup(".");
    int lock = config_lock(dir, error); /* read-modify-write against other instances */
    free(dir);
    if (lock < 0)
        return ERR_CONFIG;
    int rc = ERR_CONFIG;
    char *text = textfile_read(path, 1, error);
    if (text || !*error) {
        char *next = prefs_rewrite_setting(text ? text : "", name, value);
        rc = config_write_atomic(path, next, strlen(next), error);
        free(next);
    }
    free(text);
    config_unlock(lock);
    return rc;
}

char *prefs_rewrite_sort(const char *text, const char *column, bool desc)
{
    char *value = xasprintf("%s%s", column, desc ? " desc" : "");
    char *out = prefs_rewrite_setting(text, "sort", value);
    free(value);
    return out;
}

int prefs_save_sort(const char *path, const char *column, bool desc, char **error)
{
    char *value = xasprintf("%s%s", column, desc ? " desc" : "");
    int rc = prefs_save_setting(path, "sort", value, error);
    free(value);
    return rc;
}
