/* :export FILE — hand the table on: the sessions shown (filtered, sorted,
 * narrowed) to CSV or TSV in the columns shown, times absolute (as `sesame
 * sessions --format csv` writes them: a file outlives "3h ago"), or
 * to JSON as the document of docs/json.md (every field, as `sesame
 * sessions --json` writes it). The writers are the headless commands' own
 * (src/cli/format.c, src/delimited.h): one way for a session to become a
 * line. No secret is in any of it: no column holds one. The file is
 * written whole to a temporary file beside it, then put in place in one
 * step: linked (refused when the name exists, unless `:export!`) or
 * renamed over it; mode 0600, as it names people and addresses. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "app.h"
#include "cli/cli.h"
#include "util.h"

enum export_format { EXPORT_CSV, EXPORT_TSV, EXPORT_JSON, EXPORT_UNKNOWN };

static enum export_format format_named(const char *name)
{
    return strcasecmp(name, "csv") == 0 ? EXPORT_CSV : strcasecmp(name, "tsv") == 0 ? EXPORT_TSV
           : strcasecmp(name, "json") == 0 ? EXPORT_JSON : EXPORT_UNKNOWN;
}

/* The format a file's name asks for (its extension). */
static enum export_format format_of_path(const char *path)
{
    const char *dot = strrchr(path, '.'), *slash = strrchr(path, '/');
    return dot && (!slash || dot > slash) ? format_named(dot + 1) : EXPORT_UNKNOWN;
}

/* ~/x as $HOME/x; anything else as it is. Owned. */
static char *expand_home(const char *path)
{
    const char *home = getenv("HOME");
    if (strncmp(path, "~/", 2) == 0 && !str_empty(home))
        return xasprintf("%s/%s", home, path + 2);
    return xstrdup(path);
}

/* The rows the table shows, in its order, as the headless commands'
 * listing (copies: the writers are theirs). */
static void shown_listing(struct app *app, struct view *ses, struct cli_listing *l, int64_t now)
{
    memset(l, 0, sizeof *l);
    size_t n = sessions_view_count(ses, app);
    for (size_t r = 0; r < n; r++) {
        struct column_row row = sessions_view_row(ses, app, r);
        const struct store_account *sa = store_find(&app->store, row.s->account_id);
        if (sa)
            cli_listing_add(l, &sa->a, row.s, now);
    }
}

static bool write_rows(FILE *f, enum export_format fmt, const struct cli_listing *l,
                       const struct cli_view *v)
{
    if (fmt == EXPORT_JSON)
        return cli_listing_write_json(f, l);
    return cli_listing_delimited(f, l, v, fmt == EXPORT_CSV ? DELIMITED_CSV : DELIMITED_TSV);
}

/* Write to a temporary file beside path, then put it in place: link (fails
 * when path exists) or, with replace, rename. 0, or ERR_USAGE (exists) or
 * ERR_CONFIG (I/O) with *error. */
static int write_file(const char *path, bool replace, enum export_format fmt,
                      const struct cli_listing *l, const struct cli_view *v, char **error)
{
    struct stat st;
    if (lstat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
        /* export! replaces a file it wrote before, never a directory, a
         * link (to what?) or a FIFO someone reads */
        *error = xasprintf("%s is %s: export writes a file of its own", path,
                           S_ISDIR(st.st_mode)   ? "a directory"
                           : S_ISLNK(st.st_mode) ? "a symbolic link"
                                                 : "not a regular file");
        return ERR_USAGE;
    }
    if (!replace && lstat(path, &st) == 0) {
        *error = xasprintf("%s exists: export! %s replaces it", path, path);
        return ERR_USAGE;
    }
    char *tmp = xasprintf("%s.tmp.XXXXXX", path);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        *error = xasprintf("%s: %s", path, strerror(errno));
        free(tmp);
        return ERR_CONFIG;
    }
    FILE *f = fdopen(fd, "w");
    bool ok = f && write_rows(f, fmt, l, v) && fflush(f) == 0 && fsync(fd) == 0;
    int err = errno;
    if (f)
        fclose(f);
    else
        close(fd);
    int rc = 0;
    if (!ok) {
        *error = xasprintf("%s: %s", path, strerror(err ? err : EIO));
        rc = ERR_CONFIG;
    } else if (replace ? rename(tmp, path) != 0 : link(tmp, path) != 0) {
        bool exists = errno == EEXIST;
        *error = exists ? xasprintf("%s exists: export! %s replaces it", path, path)
                        : xasprintf("%s: %s", path, strerror(errno));
        rc = exists ? ERR_USAGE : ERR_CONFIG;
    }
    unlink(tmp); /* after a rename it is gone already; after a link, the name in place stays */
    free(tmp);
    return rc;
}

void export_view(struct app *app, const char *arg, bool replace)
{
    struct view *ses = NULL;
    for (size_t i = 0; i < app->n_panes; i++)
        if (strcmp(app->panes[i]->ops->name, "sessions") == 0)
            ses = app->panes[i];
    /* "[csv|tsv|json] FILE": a first word that names a format, else all
     * of it is the file's name */
    char *copy = xstrdup(arg), *file = copy + strspn(copy, " \t");
    size_t len = strlen(file);
    while (len && (file[len - 1] == ' ' || file[len - 1] == '\t'))
        file[--len] = '\0';
    enum export_format fmt = EXPORT_UNKNOWN;
    size_t word = strcspn(file, " \t");
    if (file[word]) {
        char *first = xstrndup(file, word);
        fmt = format_named(first);
        free(first);
        if (fmt != EXPORT_UNKNOWN)
            file += word + strspn(file + word, " \t");
    }
    if (fmt == EXPORT_UNKNOWN)
        fmt = format_of_path(file);
    if (!ses || str_empty(file)) {
        app_error(app, "export FILE, or export csv|tsv|json FILE: the table as it is shown");
    } else if (fmt == EXPORT_UNKNOWN) {
        app_error(app, "export: which format? a name ending in .csv, .tsv or .json, or "
                  "export csv %s", file);
    } else {
        char *path = expand_home(file), *err = NULL;
        int64_t now = now_ms();
        struct cli_listing l;
        shown_listing(app, ses, &l, now);
        struct cli_view v;
        cli_view_default(&v, now);
        enum column_id cols[COLUMN_COUNT];
        v.cols.n = sessions_view_shown(ses, app, cols);
        memcpy(v.cols.v, cols, v.cols.n * sizeof *cols);
        v.cols_given = true;
        v.time = TIME_ABSOLUTE; /* a file outlives "3h ago"; as `sessions --format csv` */
        if (write_file(path, replace, fmt, &l, &v, &err) != 0) {
            app_error(app, "not exported: %s", err);
        } else {
            char *abs = realpath(path, NULL);
            const char *what = fmt == EXPORT_JSON ? "every field" : NULL;
            app_message(app, "exported %zu session%s (%s) to %s", l.n, l.n == 1 ? "" : "s",
                        what ? what : fmt == EXPORT_CSV ? "CSV, the columns shown"
                                                        : "TSV, the columns shown",
                        abs ? abs : path);
            free(abs);
        }
        cli_listing_free(&l);
        free(err);
        free(path);
    }
    free(copy);
}
