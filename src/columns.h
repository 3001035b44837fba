/* Every column a session can be shown with, by name: the one list behind
 * the dashboard's sessions table, `sesame sessions` (--columns, its table,
 * TSV and CSV), `set columns = ...` in sesame.conf and the fields of the
 * filter language (query.h). For each: its header, its widths, how it is
 * aligned, the text of its cell at a time in relative or absolute time, how
 * it sorts, and how narrow it may get. Pure: no curses, no I/O.
 *
 * A cell's text is the raw value (a provider's string as stored, or a text
 * of ours): whoever shows it sanitises and cuts it. */
#ifndef SESAME_COLUMNS_H
#define SESAME_COLUMNS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model.h"

enum column_id {
    COLUMN_PROVIDER,    /* "Clerk" */
    COLUMN_PROVIDER_ID, /* "clerk" */
    COLUMN_ACCOUNT,     /* the account's label */
    COLUMN_ACCOUNT_ID,
    COLUMN_USER,        /* name and e-mail, else the user id */
    COLUMN_USER_ID,
    COLUMN_SESSION,     /* the session id */
    COLUMN_CLIENT,      /* Clerk's client id */
    COLUMN_STATUS,      /* session_status_seen */
    COLUMN_CREATED,
    COLUMN_LAST_ACTIVE,
    COLUMN_EXPIRES,     /* expires_ms */
    COLUMN_IDLE,        /* the idle limit (Clerk's abandon_at), when it comes before the expiry */
    COLUMN_DEVICE,
    COLUMN_BROWSER,
    COLUMN_IP,
    COLUMN_PLACE,       /* "Berlin, DE" */
    COLUMN_COUNTRY,     /* the place's country: "DE" */
    COLUMN_FLAGS,       /* what looks wrong about it: filled by column_flags_text */
    COLUMN_COUNT
};

enum column_align { COLUMN_LEFT, COLUMN_RIGHT };

/* How times are shown: "3h ago", "in 12m 05s" / "2026-12-06 14:03". */
enum time_mode { TIME_RELATIVE, TIME_ABSOLUTE };

struct column_def {
    const char *name;     /* "last-active": --columns, set columns, the filter's field */
    const char *title;    /* "Last active": the dashboard's header (the table's in capitals) */
    const char *about;    /* one line for the help */
    int min;              /* the narrowest it is shown at (relative times) */
    int want;             /* its width when there is room (relative times) */
    int readable;         /* never cut below this when shown (0: min): the session id and
                           * the account label stay readable, other columns go first */
    int grow;             /* its share of room left over once every column has its want */
    int keep;             /* when the table is narrow, the lowest keep goes first */
    enum column_align align;
    bool numeric;         /* sorts by a number (a time, the status), else by its text */
    bool time;            /* a time: its text and widths follow the time mode */
    bool hide_empty;      /* left out of a default set when no row has a value for it */
};

/* The widths of a time column in absolute mode ("2026-12-06 14:03"). */
#define COLUMN_ABSOLUTE_WIDTH 16
/* Room for any text column_text makes of its own (times, the status). */
#define COLUMN_TEXT_MAX 48

const struct column_def *column_def(enum column_id c);
/* The column named name (case does not matter, '_' stands for '-'), or -1. */
int column_find(const char *name);
/* Every name, ", "-separated, for messages. Owned. */
char *column_names(void);

/* ---- a row: a session with its account's names ---- */

struct column_row {
    const struct session *s;
    const char *account_id, *account_label;   /* label NULL: the id */
    const char *provider_id, *provider_title; /* title NULL: the id */
};

/* The text of column c for row r at now (Unix ms) in time mode tm: a
 * pointer into the row, or into buf (COLUMN_TEXT_MAX bytes) for a text of
 * ours; NULL when the row has no value there. expires and idle count down
 * in relative mode only while the session is live (active or pending as
 * seen at now): an ended session's text is NULL there; in absolute mode
 * they are the times. */
const char *column_text(enum column_id c, const struct column_row *r, int64_t now,
                        enum time_mode tm, char *buf);

/* The flags column's text, or NULL (none): issue 14's src/flags fills
 * this in; until then src/column_flags.c says none. */
const char *column_flags_text(const struct column_row *r, int64_t now, char *buf, size_t size);

/* ---- sorting ---- */

/* The key column c sorts row r by: *num for a numeric column, else *text
 * (the raw text: fold it to compare, as column_compare does). False when
 * the row has none: such rows go last in either direction. */
bool column_sort_key(enum column_id c, const struct column_row *r, int64_t now, int64_t *num,
                     const char **text, char *buf);
/* Does column c's key stay as it is while the clock moves (a time the
 * provider gave, not a status or flag that the clock changes)? Then an
 * order sorted by it holds until the sessions change. */
bool column_sort_key_steady(enum column_id c);
/* <0, 0, >0: a before, with, after b by column c, ascending; rows without
 * a value last; text case-folded and compared naturally ("s9" < "s10").
 * Ties are the caller's to break (session_order.h). */
int column_compare(enum column_id c, const struct column_row *a, const struct column_row *b,
                   int64_t now);

/* ---- sets of columns ---- */

struct column_set {
    enum column_id v[COLUMN_COUNT];
    size_t n;
};

/* What `sesame sessions` shows unless told (account, provider, user,
 * session, status, created, last-active, expires, idle) and what the
 * dashboard shows (provider first, then device, browser, ip, place too). */
extern const struct column_set columns_default_table;
extern const struct column_set columns_default_dashboard;

/* "name,name,...": the syntax of --columns and `set columns = ...`
 * (blanks around names are fine). An empty list, an empty name, an
 * unknown name ("did you mean ...?") or a name given twice is an error
 * (0 or ERR_USAGE with *error, owned). */
int columns_parse(const char *list, struct column_set *out, char **error);
/* The set as columns_parse reads it: "provider,account,...". Owned. */
char *columns_format(const struct column_set *set);

/* ---- laying columns out into a width ---- */

struct column_layout {
    const enum column_id *cols; /* the columns in the order shown */
    size_t n;
    const int *natural;         /* per column: its widest cell, header included; NULL: the
                                 * registry's want (the dashboard, which does not measure) */
    int total;                  /* the width to fit in */
    int gap;                    /* blanks between two columns */
    bool fill;                  /* room left once each has its want goes to the growing
                                 * columns (the dashboard); else none is wider than natural */
    enum time_mode time;
};

/* widths[i] for cols[i]; 0 for a column that had to go. A column is shown
 * at least at its readable width (the session id, the account) or its
 * min (the others), never wider than its natural width (or want) unless
 * fill; when even that does not fit, columns go, lowest keep first; and a
 * column also goes while a column of free text (one that grows) kept
 * before it gets less than half way from that floor to its want. Room is
 * given to each column up to its want first, then up to its natural
 * width, in order of keep. When everything fits at its natural width,
 * that is what each gets: nothing is cut. */
void columns_layout(const struct column_layout *in, int *widths);

#endif
