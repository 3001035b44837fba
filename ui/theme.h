/* Colours by role. Drawing code asks for a role (C_TITLE, C_EXPIRED) and
 * never names a colour; a theme file maps each role to colours and
 * attributes. Every role is listed once, in THEME_ROLES below. */
#ifndef SESAME_THEME_H
#define SESAME_THEME_H

#include <curses.h>
#include <stdbool.h>
#include <stddef.h>

/* X(enum, name in .theme files, what it colours) */
#define THEME_ROLES(X)                                                        \
    X(C_DEFAULT,     "default",     "ordinary text")                          \
    X(C_TITLE,       "title",       "the title bar at the top")               \
    X(C_PANE_TITLE,  "pane-title",  "the title of the focused pane")          \
    X(C_PANE_IDLE,   "pane-idle",   "the title of a pane without focus")      \
    X(C_HEADER,      "header",      "column headers of a table")              \
    X(C_SELECTED,    "selected",    "the row under the cursor")               \
    X(C_SELECTED_IDLE, "selected-idle", "the cursor row of a pane without focus") \
    X(C_MARKED,      "marked",      "rows marked with space")                 \
    X(C_STATUS_BAR,  "status-bar",  "the status bar")                         \
    X(C_STATUS_KEY,  "status-key",  "key names in the status bar")            \
    X(C_MESSAGE,     "message",     "results on the message line")            \
    X(C_ERROR,       "error",       "errors: message line, account state")    \
    X(C_WARNING,     "warning",     "keyring locked or unavailable")          \
    X(C_OK,          "ok",          "an account that loaded")                 \
    X(C_ACTIVE,      "active",      "an active session")                      \
    X(C_EXPIRING,    "expiring",    "a session expiring soon")                \
    X(C_EXPIRED,     "expired",     "an expired or ended session")            \
    X(C_REVOKED,     "revoked",     "a revoked or removed session")           \
    X(C_PENDING,     "pending",     "a pending session, a job in flight")     \
    X(C_DIM,         "dim",         "secondary text, placeholders")           \
    X(C_KEY,         "key",         "key names in help and hints")            \
    X(C_SPINNER,     "spinner",     "the activity spinner")                   \
    X(C_BORDER,      "border",      "pane borders and separators")            \
    X(C_INPUT,       "input",       "text fields of forms and prompts")       \
    X(C_MASKED,      "masked",      "a masked secret")                        \
    X(C_MATCH,       "match",       "text matching the filter")               \
    X(C_CELL,        "cell",        "the cell under the column cursor")       \
    X(C_FLAG,        "flag",        "a session's flags: what looks wrong")    \
    X(C_PRODUCTION,  "production",  "a production account's name and badge")

enum role {
#define THEME_ROLE_ENUM(e, name, help) e,
    THEME_ROLES(THEME_ROLE_ENUM)
#undef THEME_ROLE_ENUM
    ROLE_COUNT
};

enum theme_attr_bits {
    TA_BOLD = 1u << 0,
    TA_UNDERLINE = 1u << 1,
    TA_REVERSE = 1u << 2,
    TA_DIM = 1u << 3,
    TA_ITALIC = 1u << 4,
    TA_STANDOUT = 1u << 5,
};

#define THEME_COLOR_DEFAULT (-1)

struct theme_style {
    int fg, bg;        /* -1 = terminal default, 0..255 */
    unsigned attrs;    /* enum theme_attr_bits */
};

struct theme {
    char *name;        /* as loaded: "default", "/path/to/x.theme" */
    struct theme_style style[ROLE_COUNT];
};

const char *role_name(enum role r);
const char *role_help(enum role r);
int role_parse(const char *name);          /* -1 if unknown */

/* Colour names: default, black, red, green, yellow, blue, magenta, cyan,
 * white, bright-black (gray, grey), bright-red ... bright-white, 0..255.
 * Returns -2 if unknown. */
int theme_color_parse(const char *s);

/* A theme with every role set from the built-in default theme. */
void theme_init(struct theme *t);
void theme_free(struct theme *t);

/* Parse theme text on top of t (roles not named keep their style).
 * Returns 0, or -1 with *error = "file:line: message" (the first error). */
int theme_parse(struct theme *t, const char *text, const char *file, char **error);

/* The built-in copy of a shipped theme ("default", "mono"), NULL if none. */
const char *theme_builtin(const char *name);

/* Where themes are looked for, in order: $SESAME_THEME_DIR, ./themes,
 * <config_dir>/themes, SESAME_DATADIR/themes. Fills dirs (owned strings,
 * free with theme_dirs_free); returns the count (at most 4). */
size_t theme_dirs(const char *config_dir, char *dirs[4]);
void theme_dirs_free(char *dirs[4], size_t n);

/* Load a theme by name (found as NAME.theme in dirs, else built in) or by
 * path (contains '/' or ends in ".theme"). Returns 0, or -1 with *error. */
int theme_load(struct theme *t, const char *name_or_path, char *const *dirs, size_t n_dirs,
               char **error);

/* What the terminal can show, for theme_resolve. */
struct theme_caps {
    int colors;          /* COLORS: 0 (no colour), 8, 16, 88, 256 ... */
    bool default_colors; /* use_default_colors() worked: -1 is allowed */
};

/* The colours and attributes a style becomes on a terminal: bright colours
 * on 8-colour terminals become the base colour (+ bold for the foreground),
 * 256-colour indexes map to the nearest of 16 or 8, and with no colour only
 * the attributes stay. fg/bg = -1 for the default. Pure: for tests. */
void theme_resolve(const struct theme_style *s, const struct theme_caps *caps,
                   int *fg, int *bg, unsigned *attrs);

/* Curses side: set up colour pairs for every role (call after start_color
 * when colour is wanted; caps->colors = 0 for attributes only). */
void theme_apply(const struct theme *t, const struct theme_caps *caps);
/* The curses attributes (pair | A_BOLD ...) of a role, after theme_apply. */
attr_t theme_attr(enum role r);

#endif
