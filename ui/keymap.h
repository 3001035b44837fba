/* Actions and the keys bound to them. One table (KEYMAP_ACTIONS) names every
 * action with its default keys and help text; it makes the default keymap,
 * the help overlay and the status bar hints. `bind KEY ACTION` in
 * sesame.conf changes a binding, tig-style. */
#ifndef SESAME_KEYMAP_H
#define SESAME_KEYMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* X(enum, name for bind, default keys separated by spaces, help text) */
#define KEYMAP_ACTIONS(X) \
    X(ACT_MOVE_UP,      "move-up",        "k <Up>",    "Move up") \
    X(ACT_MOVE_DOWN,    "move-down",      "j <Down>",  "Move down") \
    X(ACT_PAGE_UP,      "page-up",        "<PgUp> ^B", "Move up a page") \
    X(ACT_PAGE_DOWN,    "page-down",      "<PgDn> ^F", "Move down a page") \
    X(ACT_FIRST,        "move-first",     "g <Home>",  "Go to the first row") \
    X(ACT_LAST,         "move-last",      "G <End>",   "Go to the last row") \
    X(ACT_COL_LEFT,     "column-left",    "h <Left>",  "Move the column cursor left") \
    X(ACT_COL_RIGHT,    "column-right",   "l <Right>", "Move the column cursor right") \
    X(ACT_NEXT_PANE,    "next-pane",      "<Tab>",     "Switch to the next pane") \
    X(ACT_PREV_PANE,    "prev-pane",      "<BackTab>", "Switch to the previous pane") \
    X(ACT_DETAILS,      "details",        "<Enter>",   "Every field and raw JSON (account: sessions)") \
    X(ACT_CELL,         "show-cell",      "z",         "Show the cell under the cursor in full") \
    X(ACT_FILTER,       "filter",         "/",         "Filter rows as you type (field:value, !word)") \
    X(ACT_VIEWS,        "views",          "0",         "Pick a saved view") \
    X(ACT_VIEW_1,       "view-1",         "1",         "Saved view 1 (Active)") \
    X(ACT_VIEW_2,       "view-2",         "2",         "Saved view 2 (Expiring in 1 h)") \
    X(ACT_VIEW_3,       "view-3",         "3",         "Saved view 3 (All)") \
    X(ACT_VIEW_4,       "view-4",         "4",         "Saved view 4") \
    X(ACT_VIEW_5,       "view-5",         "5",         "Saved view 5") \
    X(ACT_VIEW_6,       "view-6",         "6",         "Saved view 6") \
    X(ACT_VIEW_7,       "view-7",         "7",         "Saved view 7") \
    X(ACT_VIEW_8,       "view-8",         "8",         "Saved view 8") \
    X(ACT_VIEW_9,       "view-9",         "9",         "Saved view 9") \
    X(ACT_SORT,         "sort",           "s",         "Sort by the next column (or click one)") \
    X(ACT_SORT_REVERSE, "sort-reverse",   "S",         "Reverse the sort (remembered)") \
    X(ACT_COLUMNS,      "columns",        "C <F2>",    "Choose, order and widen the columns") \
    X(ACT_TIMES,        "times",          "T",         "Relative or absolute times (remembered)") \
    X(ACT_REFRESH,      "refresh",        "r",         "Refresh the selected account") \
    X(ACT_REFRESH_ALL,  "refresh-all",    "R <F5>",    "Reload accounts and refresh them all") \
    X(ACT_RELIST,       "relist",         "^R",        "List the selected account again in full") \
    X(ACT_MARK,         "mark",           "<Space>",   "Mark or unmark the row") \
    X(ACT_MARK_RANGE,   "mark-range",     "V",         "Visual mode: mark a range of rows") \
    X(ACT_MARK_ALL,     "mark-all",       "*",         "Mark every row shown") \
    X(ACT_MARK_INVERT,  "mark-invert",    "~",         "Invert the marks of the rows shown") \
    X(ACT_MARK_CLEAR,   "mark-clear",     "U",         "Unmark every row") \
    X(ACT_REVOKE,       "revoke",         "x",         "Revoke the session(s), after y/N") \
    X(ACT_CANCEL,       "cancel",         "c",         "Stop a bulk action: the rest is not sent") \
    X(ACT_CREATE,       "create",         "n",         "Create a session") \
    X(ACT_OPEN_URL,     "open-url",       "o",         "Open the session's URL") \
    X(ACT_SHOW_URL,     "show-url",       "O",         "Show the session's URL") \
    X(ACT_COPY,         "copy",           "y",         "Copy the value (OSC 52)") \
    X(ACT_COPY_ALL,     "copy-all",       "Y",         "Copy all: the whole log, or the row") \
    X(ACT_TOKEN,        "token",          "t",         "Clerk: a JWT from a template") \
    X(ACT_AUTHORIZE,    "authorize",      "A",         "Basis Theory: grant permissions, rules, expiry") \
    X(ACT_VERIFY,       "verify",         "",          "Clerk: verify a session token (deprecated)") \
    X(ACT_REVEAL,       "reveal",         "v",         "Show or mask a secret") \
    X(ACT_ACCOUNT_ADD,  "account-add",    "a",         "Add an account") \
    X(ACT_ACCOUNT_EDIT, "account-edit",   "e",         "Edit the account") \
    X(ACT_ACCOUNT_DEL,  "account-delete", "D",         "Delete the account") \
    X(ACT_COMMAND,      "command",        ":",         "Command line: any action by name (Tab)") \
    X(ACT_LOG,          "log",            "L",         "Message log: every message and outcome") \
    X(ACT_JOURNAL,      "journal",        "J",         "Journal: every change sesame made") \
    X(ACT_REDACT,       "redact",         "M",         "Screen-share mode: mask names, ids, IPs, places") \
    X(ACT_HELP,         "help",           "? <F1>",    "Show this help") \
    X(ACT_BACK,         "back",           "<Esc>",     "Close; clear the filter, narrowing, marks") \
    X(ACT_REDRAW,       "redraw",         "^L",        "Redraw the screen") \
    X(ACT_QUIT,         "quit",           "q",         "Quit")

enum action {
    ACT_NONE = 0,
#define KEYMAP_ACTION_ENUM(e, name, keys, help) e,
    KEYMAP_ACTIONS(KEYMAP_ACTION_ENUM)
#undef KEYMAP_ACTION_ENUM
    ACT_COUNT
};

/* A key: a Unicode character (< KEY_FN_BIT) or a curses KEY_* code with
 * KEY_FN_BIT set, so that KEY_* codes never clash with characters. */
typedef uint32_t keycode;
#define KEY_FN_BIT 0x1000000u
#define KEY_FN(k) ((keycode)(k) | KEY_FN_BIT)
#define KEY_CTRL(c) ((keycode)((c) & 0x1f))

/* What curses' get_wch gave (is_fn: KEY_CODE_YES) as a keycode: Enter is
 * always '\n', Backspace always KEY_FN(KEY_BACKSPACE). */
keycode keycode_from_curses(bool is_fn, uint32_t ch);

/* "j", "^R", "<Enter>", "<Tab>", "<Up>", "<PgDn>", "<F5>", "<Space>",
 * "<Hash>", "<Esc>", "<BackTab>", "ö": 0 if the name is not a key. */
keycode keycode_parse(const char *name);
/* The name keycode_parse takes back ("<Space>", "^R", "ö") into buf. */
const char *keycode_name(keycode k, char *buf, size_t bufsz);

const char *action_name(enum action a);
const char *action_help(enum action a);
const char *action_default_keys(enum action a);
enum action action_parse(const char *name); /* ACT_NONE if unknown */

#define KEYMAP_MAX 256

struct keymap {
    struct {
        keycode key;
        enum action action;
    } bind[KEYMAP_MAX];
    size_t n;
};

/* The default bindings, from the action table. */
void keymap_init(struct keymap *km);
/* The action bound to key, ACT_NONE if none. */
enum action keymap_lookup(const struct keymap *km, keycode key);
/* Bind (replacing the key's binding); ACT_NONE unbinds. 0 or -1 if full. */
int keymap_bind(struct keymap *km, keycode key, enum action a);
/* The keys bound to an action, in binding order; returns the count. */
size_t keymap_keys(const struct keymap *km, enum action a, keycode *out, size_t max);
/* "k <Up>": the names of the keys of an action, into buf ("" if none). */
const char *keymap_keys_text(const struct keymap *km, enum action a, char *buf, size_t bufsz);

/* One `bind KEY ACTION` line (words already split: words[0] = "bind").
 * ACTION may be "none" to unbind. Returns 0, or -1 with *error =
 * "file:line: message". */
int keymap_bind_words(struct keymap *km, char **words, size_t n_words, const char *file,
                      int line, char **error);
/* The same for a whole line of text ("bind ^R refresh-all  # comment"). */
int keymap_bind_line(struct keymap *km, const char *text, const char *file, int line,
                     char **error);

#endif
