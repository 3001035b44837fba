/* The user's preferences: <config_dir>/sesame.conf, tig-style lines
 *
 *   # comment
 *   bind KEY ACTION            (see keymap.h; ACTION "none" unbinds)
 *   set theme = NAME           (or a path to a .theme file)
 *   set refresh-interval = 60  (seconds between automatic refreshes, 0 = off)
 *   set read-only = yes        (yes/no, true/false, on/off, 1/0)
 *   set mouse = no
 *   set sort = COLUMN [desc]   (written back when the sort is changed)
 *   set expiring-bell = yes    (a session crossing its account's `expiring`:
 *   set expiring-notify = yes   the bell, a desktop notification,
 *   set on-expiring = COMMAND   a command of yours: expiry.h)
 *   set redact = yes           (screen-share mode, as --redact)
 *
 * A line with a mistake is reported as "file:line: message" and skipped;
 * the other lines still apply. */
#ifndef SESAME_PREFS_H
#define SESAME_PREFS_H

#include <stdbool.h>
#include <stddef.h>

#include "keymap.h"

#define PREFS_MAX_ERRORS 8
#define PREFS_FILE "sesame.conf"

struct prefs {
    char *theme;              /* NULL = not set */
    int refresh_interval;     /* seconds, 0 = no automatic refresh; default 60 */
    bool read_only;
    bool mouse;               /* default true */
    char *sort_column;        /* one of prefs_sort_columns, NULL = not set */
    bool sort_desc;
    bool expiring_bell;       /* a session crossing its account's `expiring` rings the bell */
    bool expiring_notify;     /* ... and is a desktop notification (notify-send, else OSC 9/777) */
    char *on_expiring;        /* ... and runs this command (its fields in SESAME_*), or NULL */
    bool redact;              /* screen-share mode from the start (as --redact) */
    char *errors[PREFS_MAX_ERRORS]; /* the first errors, "file:line: message" */
    size_t n_errors;          /* how many of errors[] are set */
    size_t n_errors_total;    /* how many there were in all */
};

/* Columns of the sessions table, as `set sort` names them; NULL-terminated. */
extern const char *const prefs_sort_columns[];
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

/* text with its first `set sort` line replaced by the new choice (later
 * ones dropped), or the line appended; every other byte kept. Owned. */
char *prefs_rewrite_sort(const char *text, const char *column, bool desc);
/* Rewrite the file at path that way, under the config lock, atomically
 * (config_write_atomic). 0 or ERR_CONFIG with *error. */
int prefs_save_sort(const char *path, const char *column, bool desc, char **error);

#endif
