/* The front end's state, shared by the views: the store, keymap, theme,
 * preferences, the worker, the panes and the overlay, the message line.
 * Only the UI thread touches any of it. */
#ifndef SESAME_APP_H
#define SESAME_APP_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <glib.h>

#include "keymap.h"
#include "msglog.h"
#include "prefs.h"
#include "store.h"
#include "theme.h"
#include "view.h"

#define APP_MAX_PANES 4
#define APP_MIN_COLS 60
#define APP_MIN_ROWS 15
#define APP_SPINNER_MS 100

struct worker;
struct batch;
struct expiry_watch;

struct app {
    struct store store;
    struct file_stamp accounts_stamp; /* accounts.conf as last read (app_sync_files) */
    struct file_stamp state_stamp;    /* sessions.state as last read */
    int watch_fd;                     /* woken by their changes (filewatch.h), or -1 ... */
    int64_t files_due;                /* ... then the monotonic ms of the next look, else 0 */
    struct keymap keymap;
    struct theme theme;
    struct prefs prefs;
    char *theme_dirs[4];          /* where themes are looked for */
    size_t n_theme_dirs;
    struct worker *worker;        /* NULL if it could not start */
    char *worker_error;
    struct actions *actions;      /* requests.c: our own jobs in flight, browsers to reap */
    struct batch *batches;        /* bulk actions running (session_revoke.c): c cancels them */

    struct view *panes[APP_MAX_PANES];
    size_t n_panes, focus;
    struct view *overlay;         /* help, detail, confirm: on top, first to get keys */

    char *message;                /* the message line, sanitised */
    bool message_error;
    uint64_t message_job;         /* the message is news of this request: it goes with its answer */
    char *message_account;        /* ... or of refreshing this account: the outcome replaces it */
    bool message_full;            /* ... listing it again in full (^R) */
    char *prompt;                 /* what is typed at a prompt on the message line, or NULL */
    enum action prompt_action;    /* ... the filter's (/) or the command line's (:) */
    char *prompt_error;           /* ... why it does not parse yet, or NULL */
    char *prompt_hint;            /* ... what Tab offers, or NULL for the usual hint */
    struct cmdline *cmdline;      /* the command line's text and history (command.c) */
    bool commanding;              /* ... and it has the keys */
    struct msglog log;            /* every message and outcome, for the log overlay (L) */
    const char *log_account;      /* the account the next messages are about (a request's answer) */
    GHashTable *log_outcomes;     /* account id -> its last listing's outcome in the log */

    int rows, cols;
    bool dirty;                   /* redraw before sleeping */
    bool ticking;                 /* only a view's clock moved: screen_tick will do */
    bool quit;
    int exit_code;
    bool read_only;
    bool mouse;
    bool redact;                  /* screen-share mode (redact.h): --redact, set redact, a key */
    struct expiry_watch *expiry;  /* expiry_watch.c: sessions told about, renewals in flight */

    unsigned spinner;             /* frame of the activity spinner */
    int64_t spinner_due;          /* monotonic ms of its next frame, 0 = stopped */
    int64_t refresh_due;          /* monotonic ms of the next automatic refresh, 0 = none */
};

/* Show a line on the message line (until the next key). */
void app_message(struct app *app, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void app_error(struct app *app, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A hint about where the cursor is ("column user: z shows ..."): on the
 * message line, but not a message worth keeping in the log. */
void app_hint(struct app *app, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A secret the user asked to see (O on a short Vault URL): on the message
 * line, wiped when it goes, and never kept in the log (which gets `note`). */
void app_message_secret(struct app *app, const char *secret, const char *note);
/* A line about request `job` in flight ("minting a token ..."): it leaves
 * the message line when the job's answer comes, unless the answer put
 * something else there (requests.c). */
void app_progress(struct app *app, uint64_t job, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Refresh account i (full: list it again in full) and say so; once it is
 * no longer busy, what came of it (so many sessions, or its error) takes
 * the line's place. */
void app_refresh_said(struct app *app, size_t i, bool full);
/* The job a message was about has answered: it goes (if it is still there). */
void app_progress_done(struct app *app, uint64_t job);

/* Ask the worker for account i's sessions (or reread the tracked ones, and
 * check them with CBRAIN, renew their tokens with Plantly): what changed
 * since its last listing, where the provider can tell. */
void app_refresh_account(struct app *app, size_t i);
/* The same, every session again (a full listing within the window). */
void app_relist_account(struct app *app, size_t i);
/* Reread accounts.conf and the state file, then refresh every account. */
void app_refresh_all(struct app *app);
/* What another sesame wrote since we read it (an `account edit` in another
 * shell, a `sesame create`): accounts.conf or sessions.state changed (their
 * stat, cheap) is read again, keeping every session and job; new accounts
 * are listed. The loop asks before it reads keys, so that a read_only or
 * production set elsewhere guards the next action here. */
void app_sync_files(struct app *app);

/* Put v on top (the app owns it from now); close the one on top. */
void app_open_overlay(struct app *app, struct view *v);
void app_close_overlay(struct app *app);

/* The spinner's current glyph ("⠋", or "|" in ASCII mode). */
const char *app_spinner_glyph(const struct app *app);

/* "r", "<F5>": the first key bound to an action (for hints), "" if none. */
const char *app_key_for(const struct app *app, enum action a, char *buf, size_t bufsz);

/* Status bar and message line (statusbar.c). */
void statusbar_draw(struct app *app, int y);
void message_draw(struct app *app, int y);

/* The terminal (screen.c). */
struct theme_caps;
/* Can the dashboard drive this terminal: TERM known to terminfo and able
 * to move the cursor ("dumb" cannot)? NULL, or why not (owned). */
char *screen_unusable(void);
int screen_open(struct app *app, bool no_color, char **error); /* newterm and modes */
void screen_close(void);                  /* endwin: the terminal as it was */
void screen_suspend(void);                /* endwin for a while (Ctrl-Z) */
bool screen_active(void);
void screen_resized(struct app *app);     /* SIGWINCH: size from the tty, resizeterm */
void screen_sync_size(struct app *app);   /* KEY_RESIZE: curses has the new size */
void screen_resume(struct app *app);      /* after a suspend or SIGCONT */
void screen_layout(struct app *app);
void screen_draw(struct app *app);        /* everything, then one refresh */
void screen_tick(struct app *app);        /* the views whose tick came, in place */
bool screen_too_small(const struct app *app);

/* The command line (command.c): `:` opens it; it has the keys till Enter
 * or Esc. command_run runs one line ("sort created desc", "revoke"). */
void cmdline_open(struct app *app);
bool cmdline_key(struct app *app, keycode k);
void command_run(struct app *app, const char *line);
void cmdline_free(struct app *app);

/* Saved views (views.c): those of sesame.conf, else the three shipped. */
struct prefs_view;
size_t views_list(const struct app *app, struct prefs_view *out, size_t max);
void views_switch(struct app *app, const char *name);  /* by name, start of one, or number */
void views_number(struct app *app, size_t number);     /* 1.. */
struct view *views_picker_new(struct app *app);

/* The sessions table as it is shown, to a file (export.c): arg is "[csv|json]
 * FILE"; an existing FILE only with overwrite (`:export!`). */
void export_view(struct app *app, const char *arg, bool overwrite);

/* Another theme now (screen.c): 0, or -1 with *error (the theme unchanged). */
int screen_theme(struct app *app, const char *name, char **error);
/* Before anything expires (expiry_watch.c): look at the sessions when
 * they changed or one crossed its account's `expiring`; the monotonic ms
 * of the next look (0: none); an answer to a renewal or check of ours. */
void expiry_tick(struct app *app);
int64_t expiry_due(struct app *app);
void expiry_on_event(struct app *app, const struct event *ev);
void expiry_free(struct app *app);

/* Keys and the mouse (input.c). */
void input_drain(struct app *app);        /* every key curses has, dispatched */
void app_do_action(struct app *app, enum action a);

#endif
