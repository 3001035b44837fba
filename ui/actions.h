/* What the dashboard does, as opposed to what it shows: revoke, create, open
 * and copy, tokens, adding, editing and deleting accounts. Each request to
 * the worker is remembered with what to do with its answer (requests.c),
 * so that only answers to our own jobs are acted on; the status bar shows
 * what is in flight and the message line each result. */
#ifndef SESAME_ACTIONS_H
#define SESAME_ACTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "keymap.h"
#include "theme.h"

struct app;
struct event;
struct job;
struct session;
struct store_account;
struct view;

/* ---- requests in flight (requests.c) ---- */

/* The answer (never a progress event) to a request; ev is freed by the
 * caller afterwards (take what you keep). */
typedef void (*request_fn)(struct app *app, struct event *ev, void *ctx);

/* Submit job (moved) to the worker and remember it: done(app, ev, ctx) runs
 * with its answer; ctx_free(ctx) after that, or when the request is dropped.
 * what ("revoking", "logging in") is shown in the status bar meanwhile.
 * Without a worker, done runs at once with an ERR_INTERNAL answer.
 * Returns the job id (0 without a worker). */
uint64_t request_submit(struct app *app, struct job *job, const char *what, request_fn done,
                        void *ctx, void (*ctx_free)(void *));
/* A worker event: true if it answered (or was news of) one of ours; the
 * caller then frees it. */
bool requests_on_event(struct app *app, struct event *ev);
/* Forget the requests of an account (cancelled: no answer will come). */
void requests_drop_account(struct app *app, const char *account_id);
/* How many are in flight; *what (may be NULL) gets "revoking 3", "logging
 * in" ... (owned, NULL when none). */
size_t requests_in_flight(const struct app *app, char **what);
/* A child to reap (a browser, the on-expiring command); `what` names it in
 * the error when it fails at once, hint (may be NULL) says what to do. */
void requests_add_child(struct app *app, pid_t pid, const char *what, const char *hint);
/* How many children named `what` are not reaped yet. */
size_t requests_children(const struct app *app, const char *what);
/* Reap children that ended; one that failed at once is reported. */
void requests_reap(struct app *app);
/* Monotonic ms at which to look at the children again, 0 for never. */
int64_t requests_next_due(const struct app *app);
/* The token template last used with an account this run (NULL: none yet). */
const char *requests_last_template(struct app *app, const char *account_id);
void requests_set_last_template(struct app *app, const char *account_id, const char *name);
void requests_free(struct app *app);

/* ---- the actions (session_actions.c, account_form.c) ---- */

/* x n o O y t a e D c: true if a is one of these (done, or refused with a
 * message). */
bool actions_do(struct app *app, enum action a);
/* c: cancel what the running bulk actions have not sent yet; false if
 * none runs (session_revoke.c). */
bool act_cancel_bulk(struct app *app);
/* What read-only mode calls a, "revoking": NULL if a changes nothing. */
const char *action_refused_read_only(enum action a);

void account_form_add(struct app *app);
void account_form_edit(struct app *app, size_t index);
void account_delete(struct app *app, size_t index);

/* Copy text to the terminal's clipboard (OSC 52); what names it on the
 * message line ("the id sess_..."). */
/* Refused in screen-share mode (said): a clipboard shared with the meeting's
 * tool, or kept by a manager, would carry what the screen masks. */
void actions_copy(struct app *app, const char *text, const char *what);

/* ---- overlays ---- */

/* y/N: yes(app, ctx) runs after the overlay closed; ctx_free(ctx) in any case. */
typedef void (*confirm_fn)(struct app *app, void *ctx);
struct view *confirm_view_new(const char *title, const char *question, const char *detail,
                              confirm_fn yes, void *ctx, void (*ctx_free)(void *));
/* The same with a list between the question and the detail: lines (one a
 * '\n'), shown as they are, cut to the box (the counts and first rows of
 * an action on many). */
struct view *confirm_view_list(const char *title, const char *question, const char *list,
                               const char *detail, confirm_fn yes, void *ctx,
                               void (*ctx_free)(void *));
/* The question made one whose answer is expect (a production account's
 * label) typed out: anything else is no. */
void confirm_view_expect(struct view *v, const char *expect);

/* A JWT, masked ("eyJhbG•••") until revealed; token is moved in and wiped
 * when the overlay closes. */
struct view *token_view_new(const char *account_label, const char *session_id,
                            const char *template_name, char *token);
/* The same for a Vault session's URL, shown whole (url moved in, wiped). */
struct view *url_view_new(const char *account_label, const char *session_id, int64_t expires_ms,
                          char *url);

/* Results of a batch (bulk revoke): one line each, filled in as answers
 * come. *backref is set NULL when the overlay closes; report_view_detach
 * stops that (the batch is gone first). */
struct view *report_view_new(const char *title, size_t n_lines, struct view **backref);
void report_view_line(struct view *v, size_t i, enum role role, const char *text);
void report_view_title(struct view *v, const char *title);
/* The bar over the lines: done of total answered (failed and cancelled of
 * them), and whether a cancel can still stop some. */
void report_view_progress(struct view *v, size_t done, size_t total, size_t failed,
                          size_t cancelled, bool cancellable);
/* What the cancel key does in the box (stop the rest of the batch). */
void report_view_on_cancel(struct view *v, void (*fn)(struct app *app, void *ctx), void *ctx);
void report_view_detach(struct view *v);

/* ---- OSC 52 (osc52.c) ---- */

/* RFC 4648 base64 of data, owned. */
char *base64_encode(const void *data, size_t len);
/* "ESC ] 52 ; c ; <base64> BEL", owned; NULL if data is too long for a
 * terminal to take (OSC52_MAX bytes). */
#define OSC52_MAX 74991 /* the whole sequence stays under 100 000 bytes */
char *osc52_sequence(const void *data, size_t len);
/* Write it straight to the terminal (fd), outside curses' buffer; the
 * sequence is wiped after. 0, or -1 (too long, write failed). */
int osc52_write(int fd, const void *data, size_t len);

#endif
