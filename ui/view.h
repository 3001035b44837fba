/* The view interface, as in htop and tig: each kind of view (the accounts
 * pane, the sessions table, the detail view, the help overlay, a form) is
 * one file that fills a struct view_ops. The app owns the views, gives each
 * a rectangle of the screen, sends it actions from the keymap and asks it
 * to draw when something changed. Views draw only inside their area, only
 * with draw.h helpers and roles from theme.h. */
#ifndef SESAME_VIEW_H
#define SESAME_VIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "columns.h"
#include "keymap.h"

struct app;
struct view;

struct rect {
    int y, x, h, w;
};

enum mouse_kind {
    MOUSE_CLICK,       /* button 1 pressed or clicked */
    MOUSE_DOUBLE,      /* button 1 double-clicked */
    MOUSE_WHEEL_UP,
    MOUSE_WHEEL_DOWN,
};

struct mouse_ev {
    enum mouse_kind kind;
    int y, x;          /* relative to the view's area */
};

struct view_ops {
    const char *name;  /* "accounts", "help" ... */
    /* Draw the whole of v->area. */
    void (*draw)(struct view *v, struct app *app);
    /* An action from the keymap. True if handled; if not, the app tries
     * the next view down, then its own global actions. */
    bool (*action)(struct view *v, struct app *app, enum action a);
    /* A key before the keymap sees it, for views that take text (filter
     * prompt, forms). True if consumed. May be NULL. */
    bool (*key)(struct view *v, struct app *app, keycode k);
    /* A mouse event inside v->area. True if handled. May be NULL. */
    bool (*mouse)(struct view *v, struct app *app, const struct mouse_ev *m);
    /* When the view's drawing next changes by itself (a countdown ticking
     * over), in wall-clock ms; -1 if never. The app sleeps until the
     * earliest. May be NULL. */
    int64_t (*next_tick)(struct view *v, struct app *app, int64_t now);
    /* Its tick came and nothing else changed since the last draw: redraw in
     * place only what time changes (the rows with a countdown), so a clock
     * on screen costs a few cells a second, not a whole screen. May be NULL
     * (then a tick redraws everything). */
    void (*tick)(struct view *v, struct app *app);
    /* A line about the selection for the message line when it has nothing
     * else to say (the full error of an account, say); owned, NULL for
     * none; *error picks the error colour. May be NULL. */
    char *(*status_line)(struct view *v, struct app *app, bool *error);
    /* Rows a pane would like (0: as many as there are). May be NULL. */
    int (*want_rows)(struct view *v, struct app *app);
    /* Work put off so that keys are read in between (the filter's index
     * of 100k rows, say): do up to budget rows of it and return how many
     * are left (budget 0 only asks). Nothing on screen may depend on it:
     * the view finishes it itself when it needs it. May be NULL. */
    size_t (*work)(struct view *v, struct app *app, size_t budget);
    /* The store changed (an event applied, accounts reloaded). May be NULL. */
    void (*changed)(struct view *v, struct app *app);
    /* Free v and what it owns. */
    void (*destroy)(struct view *v);
};

struct view {
    const struct view_ops *ops;
    struct rect area;  /* set by the app's layout before draw */
    bool focused;      /* has the keyboard (a pane), or is on top (an overlay) */
    void *priv;        /* the view's own state */
};

/* The mouse wheel over a view that scrolls: its move-up and move-down
 * actions (a view_ops mouse for overlays that only scroll). */
bool view_wheel_scrolls(struct view *v, struct app *app, const struct mouse_ev *m);

/* The views there are. Each returns a new view owned by the caller. */
struct view *accounts_view_new(void);
struct view *help_view_new(void);
/* The journal overlay (journal_view.c): every change sesame made. */
struct view *journal_view_new(struct app *app);

/* The accounts pane's selected account index, or -1 (for actions that
 * need one, like refresh, edit, delete). */
long accounts_view_selected(const struct view *v);

/* The sessions table (sessions_view.c): every account's sessions, sorted,
 * filtered, with marks. */
struct session;
struct view *sessions_view_new(void);
/* The session under the cursor, NULL if none (an empty or filtered-out table). */
const struct session *sessions_view_current(const struct view *v, struct app *app);
/* The marked sessions still present, in table order (at most max into out);
 * returns how many there are in all (may be more than max). */
size_t sessions_view_marked(const struct view *v, struct app *app, const struct session **out,
                            size_t max);
/* Marked sessions the filter hides now: a bulk action leaves them out, and
 * says so. */
size_t sessions_view_marks_hidden(const struct view *v, struct app *app);
void sessions_view_clear_marks(struct view *v);
/* Apply what was typed into the filter prompt since it was last applied:
 * called once the keys that came together are read, so a paste of a
 * thousand characters filters once, not a thousand times. */
void sessions_view_settle(struct view *v, struct app *app);
/* In visual mode: mark the range and leave it (true); false if not in it. */
bool sessions_view_commit_range(struct view *v, struct app *app);
/* Show only account_id's sessions (NULL: every account's again). */
void sessions_view_narrow(struct view *v, struct app *app, const char *account_id);
/* The filter, in the filter language (src/query.h): 0, or ERR_USAGE with
 * *error (owned) and the filter as it was. */
int sessions_view_filter(struct view *v, struct app *app, const char *text, char **error);
/* The same, and sorted by *column (SORT_NONE: the default order; NULL:
 * as it is) at once, not saved: a saved view's rows are selected once. */
int sessions_view_filter_sorted(struct view *v, struct app *app, const char *text,
                                const int *column, bool desc, char **error);
const char *sessions_view_filter_text(const struct view *v);
/* Sort by column (a column id, or SORT_NONE: the default order); save:
 * written back to sesame.conf, and said on the message line. */
void sessions_view_sort(struct view *v, struct app *app, int column, bool desc, bool save);
int sessions_view_sort_column(const struct view *v, bool *desc);
/* The columns chosen (the default set until one is), and choosing them. */
struct column_choice;
const struct column_choice *sessions_view_columns(struct view *v, struct app *app);
void sessions_view_set_columns(struct view *v, struct app *app, const struct column_choice *c,
                               bool save);
/* Relative or absolute times, written back to sesame.conf. */
void sessions_view_toggle_time(struct view *v, struct app *app);
enum time_mode sessions_view_time(const struct view *v);
/* What the table shows, for handing it on (:export): its rows in order
 * (r < sessions_view_count) and its columns (at most COLUMN_COUNT). */
size_t sessions_view_count(struct view *v, struct app *app);
struct column_row sessions_view_row(struct view *v, struct app *app, size_t r);
size_t sessions_view_shown(struct view *v, struct app *app, enum column_id *out);
/* The saved view it shows now, for its title (NULL: none, or changed since). */
void sessions_view_set_view_name(struct view *v, const char *name);
/* The colour role of s's status as seen at now (session_status_seen): the
 * table's and the detail view's; expiring_ms: its account's threshold
 * (expiry.h session_expiring). */
enum role session_status_role(const struct session *s, int64_t now, int64_t expiring_ms);

/* The detail overlay (detail_view.c): every field of s and its raw JSON
 * (asked for with OP_GET when the list left it out: "loading" till then),
 * scrollable. s is copied. */
struct view *detail_view_new(struct app *app, const struct session *s);

/* An account in error read in full (account_view.c): the whole error,
 * what it means and what to do (src/advice.c). Wanted for accounts whose
 * state is an error. */
struct store_account;
bool account_view_wanted(const struct store_account *sa);
struct view *account_view_new(const char *account_id);

/* The column chooser over the sessions table ses (columns_view.c). */
struct view *columns_view_new(struct app *app, struct view *ses);

/* A text to read whole, in a box (the cell under the column cursor): y
 * copies it, Esc closes. */
struct view *text_view_new(const char *title, const char *text);

/* The message log overlay (log_view.c): app->log, scrollable, copyable. */
struct view *log_view_new(struct app *app);

/* The overlays of the actions (x n o O y t a e D) are declared with them:
 * the y/N question, the token and URL box and the results of a batch in
 * actions.h, the form in form.h. */

#endif
