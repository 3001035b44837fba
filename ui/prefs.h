/* The user's preferences: <config_dir>/sesame.conf, tig-style lines
 *
 *   # comment
 *   bind KEY ACTION            (see keymap.h; ACTION "none" unbinds)
 *   set theme = NAME           (or a path to a .theme file)
 *   set refresh-interval = 60  (seconds between automatic refreshes, 0 = off)
 *   set read-only = yes        (yes/no, true/false, on/off, 1/0)
 *   set mouse = no
 *   set sort = COLUMN [desc]   (written back when the sort is changed)
 *   set columns = NAME[:WIDTH],...  (the sessions table's; written back by the chooser)
 *   set time = relative        (or absolute; written back by the time key)
 *   view NAME = FILTER [| sort COLUMN [desc]] [| columns LIST]   (a saved view)
 *   set expiring-bell = yes    (a session crossing its account's `expiring`:
 *   set expiring-notify = yes   the bell, a desktop notification,
 *   set on-expiring = COMMAND   a command of yours: expiry.h)
 *   set redact = yes           (screen-share mode, as --redact)
 *
 * Column names are the registry's (src/columns.h), the same as `sesame
 * sessions --columns`. A line with a mistake is reported as "file:line:
 * message" and skipped; the other lines still apply. */
#ifndef SESAME_PREFS_H
#define SESAME_PREFS_H

#include <stdbool.h>
#include <stddef.h>

#include "columns.h"
#include "keymap.h"

#define PREFS_MAX_ERRORS 8
#define PREFS_MAX_VIEWS 32
#define PREFS_FILE "sesame.conf"
#define PREFS_MAX_WIDTH 200  /* a column widened by hand: at most this */

/* Columns chosen for the sessions table, each with the width it was
 * widened to (0: as the layout gives it). */
struct column_choice {
    struct column_set set;
    int width[COLUMN_COUNT];  /* by column id */
};

/* A saved view (gh-dash's sections): a filter, and a sort and columns
 * when it names them. */
struct prefs_view {
    char *name;               /* "Expiring in 1 h" */
    char *filter;             /* "" for none */
    bool has_sort;
    char *sort;               /* a column name, or "none" (the default order) */
    bool sort_desc;
    bool has_columns;
    struct column_choice columns;
};

struct prefs {
    char *theme;              /* NULL = not set */
    int refresh_interval;     /* seconds, 0 = no automatic refresh; default 60 */
    bool read_only;
    bool mouse;               /* default true */
    char *sort_column;        /* a column name, NULL = not set */
    bool sort_desc;
    bool has_columns;         /* `set columns` was given */
    struct column_choice columns;
    bool time_absolute;       /* `set time = absolute` */
    struct prefs_view views[PREFS_MAX_VIEWS];
    size_t n_views;           /* those of `view` lines; none: prefs_default_views */
    bool expiring_bell;       /* a session crossing its account's `expiring` rings the bell */
    bool expiring_notify;     /* ... and is a desktop notification (notify-send, else OSC 9/777) */
    char *on_expiring;        /* ... and runs this command (its fields in SESAME_*), or NULL */
    bool redact;              /* screen-share mode from the start (as --redact) */
    char *errors[PREFS_MAX_ERRORS]; /* the first errors, "file:line: message" */
    size_t n_errors;          /* how many of errors[] are set */
    size_t n_errors_total;    /* how many there were in all */
};

/* Is name a column `set sort` takes (any of the registry's)? */
bool prefs_sort_column_valid(const char *name);

void prefs_init(struct prefs *p);
void prefs_free(struct prefs *p);

/* Apply text on top of p; `bind` lines go to km (may be NULL: ignored).
 * Returns the number of erroneous lines. */
size_t prefs_parse(struct prefs *p, struct keymap *km, const char *text, const char *file);

/* <config_dir>/sesame.conf, owned. */
char *prefs_path(const char *config_dir);
/* prefs_parse of the file at path; a missing file changes nothing. An
 * unreadable one counts as one error. Returns the number of errors. */
size_t prefs_load(struct prefs *p, struct keymap *km, const char *path);

/* "provider,user:30,session": names of the registry, a width after a
 * colon where one was widened (1..PREFS_MAX_WIDTH). 0, or ERR_USAGE with
 * *error (owned: an unknown name says "did you mean"). */
int prefs_parse_columns(const char *text, struct column_choice *out, char **error);
/* The same back as text. Owned. */
char *prefs_format_columns(const struct column_choice *c);

/* The views sesame ships, used when sesame.conf has no `view` line:
 * Active, Expiring in 1 h, All. */
size_t prefs_default_views(struct prefs_view *out, size_t max);
/* The views in force: p's own, else the defaults (into out, owned copies
 * freed with prefs_views_free). */
size_t prefs_views(const struct prefs *p, struct prefs_view *out, size_t max);
void prefs_views_free(struct prefs_view *v, size_t n);

/* text with its first `set NAME = ...` line replaced by `set NAME =
 * VALUE` (later ones dropped), or that line appended; every other byte
 * kept. Owned. */
char *prefs_rewrite_setting(const char *text, const char *name, const char *value);
/* Rewrite the file at path that way, under the config lock, atomically
 * (config_write_atomic). 0 or ERR_CONFIG with *error. */
int prefs_save_setting(const char *path, const char *name, const char *value, char **error);
/* The sort, as the sort keys write it back: `set sort = COLUMN [desc]`. */
char *prefs_rewrite_sort(const char *text, const char *column, bool desc);
int prefs_save_sort(const char *path, const char *column, bool desc, char **error);

#endif
