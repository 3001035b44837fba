/* sesame.conf: parse the set and bind lines, write back the sort choice. */
#include "prefs.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "account_policy.h"
#include "browser.h"
#include "config.h"
#include "expiry.h"
#include "textfile.h"
#include "util.h"

const char *const prefs_sort_columns[] = {
    "provider", "account", "user",   "session", "status", "created",
    "last-active", "expires", "device", "browser", "ip", NULL,
};

bool prefs_sort_column_valid(const char *name)
{
    for (size_t i = 0; prefs_sort_columns[i]; i++)
        if (strcmp(name, prefs_sort_columns[i]) == 0)
            return true;
    return false;
}

void prefs_init(struct prefs *p)
{
    memset(p, 0, sizeof *p);
    p->refresh_interval = 60;
    p->mouse = true;
}

void prefs_free(struct prefs *p)
{
    free(p->theme);
    free(p->sort_column);
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
    size_t nv = textfile_split(eq + 1, val, 3);
    if (nv == 0)
        return xasprintf("no value for '%s'", name[0]);
    const char *key = name[0];
    if (strcmp(key, "sort") == 0) {
        if (nv > 2 || (nv == 2 && strcmp(val[1], "desc") != 0 && strcmp(val[1], "asc") != 0))
            return xstrdup("expected 'set sort = COLUMN [desc]'");
        if (!prefs_sort_column_valid(val[0]))
            return xasprintf("unknown sort column '%s' (provider, account, user, session, "
                             "status, created, last-active, expires, device, browser, ip)",
                             val[0]);
        free(p->sort_column);
        p->sort_column = xstrdup(val[0]);
        p->sort_desc = nv == 2 && strcmp(val[1], "desc") == 0;
        return NULL;
    }
    if (nv != 1)
        return xasprintf("'%s' takes one value", key);
    if (strcmp(key, "theme") == 0) {
        free(p->theme);
        p->theme = xstrdup(val[0]);
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
                         "expiring-bell, expiring-notify, on-expiring, redact)", key);
    if (parse_bool(val[0], flag) != 0)
        return xasprintf("'%s' is yes or no, not '%s'", key, val[0]);
    return NULL;
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
        } else {
            msg = xasprintf("unknown command '%s' (set, bind)", word);
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

/* Is this line a `set sort = ...` line? */
static bool is_sort_line(const char *line, size_t len)
{
    char *copy = xstrndup(line, len), *w[3];
    char *eq = strchr(copy, '=');
    if (eq)
        *eq = '\0';
    size_t n = textfile_split(copy, w, 3);
    bool yes = eq && n == 2 && strcmp(w[0], "set") == 0 && strcmp(w[1], "sort") == 0;
    free(copy);
    return yes;
}

char *prefs_rewrite_sort(const char *text, const char *column, bool desc)
{
    char *setting = xasprintf("set sort = %s%s", column, desc ? " desc" : "");
    size_t tlen = strlen(text);
    char *out = xmalloc(tlen + strlen(setting) + 3);
    size_t o = 0;
    bool done = false;
    for (const char *s = text; *s;) {
        const char *nl = strchr(s, '\n');
        size_t len = nl ? (size_t)(nl - s) : strlen(s);
        size_t take = nl ? len + 1 : len;
        if (is_sort_line(s, len)) {
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

int prefs_save_sort(const char *path, const char *column, bool desc, char **error)
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
        char *next = prefs_rewrite_sort(text ? text : "", column, desc);
        rc = config_write_atomic(path, next, strlen(next), error);
        free(next);
    }
    free(text);
    config_unlock(lock);
    return rc;
}
