/* The worker thread: jobs in, events out. It owns one curl multi handle (all
 * requests in flight at once) and makes every keyring call, so the caller
 * (UI thread or a headless command) never blocks on network or keyring.
 * Jobs and events are passed by value; each carries owned data. */
#ifndef SESAME_WORKER_H
#define SESAME_WORKER_H

#include <stdbool.h>
#include <stdint.h>

#include "model.h"
#include "providers/provider.h"

enum job_kind {
    JOB_OP = 0,          /* run a provider operation (may span several requests) */
    JOB_SECRET_STORE,    /* store secret under (account, kind, session) */
    JOB_SECRET_LOOKUP,   /* read one secret back (reveal, copy a URL) */
    JOB_SECRET_CLEAR,    /* forget one tracked session (it leaves the state file, then
                          * its secrets the keyring), or clear the account's secrets
                          * (session NULL) */
    JOB_KEYRING_CHECK,   /* is the keyring there and unlocked */
    JOB_KEYRING_PRUNE,   /* remove the items of accounts not in config_dir's accounts.conf */
};

struct job {
    enum job_kind kind;
    struct account account;   /* a copy: the worker never reads the caller's model */
    enum op op;
    struct op_args args;
    char *kind_name;          /* SECRET_*: keyring kind */
    char *session_id;         /* SECRET_*: NULL = account level */
    char *secret;             /* SECRET_STORE: wiped after use */
    int64_t timeout_ms;       /* whole job; 0 = default (30 s) */
    struct secret_bag secrets;/* JOB_OP: given by the caller, used instead of the keyring
                               * (OP_CHECK of an account not saved yet); wiped */
    char *config_dir;         /* KEYRING_PRUNE: whose accounts keep their items */
    char *state_dir;          /* where tracked sessions are recorded (worker_submit sets
                               * it: state_dir() of the caller's thread) */
    char *user;               /* JOB_OP: whose session, for the journal line (a name or
                               * e-mail); NULL: the answer's user id */
    bool dry_run;             /* KEYRING_PRUNE: only say what would go */
};

struct event {
    uint64_t job_id;
    enum job_kind kind;
    enum op op;
    char *account_id;
    bool progress;            /* not the answer: news while it runs (error says what) */
    int err;                  /* enum sesame_err, 0 = ok */
    char *error;              /* one line when err != 0, or the progress news */
    struct op_result result;  /* JOB_OP: merged over every page; a progress event of a
                               * streaming LIST: the sessions that came since the last */
    long units_done, units_total; /* LIST progress: of what it must read, how much is in */
    const char *unit;         /* what they count ("users", static), NULL: no count */
    int64_t budget_wait_ms;   /* > 0: waiting for the account's request budget */
    bool rate_limited;        /* that wait is the provider's (a 429's Retry-After) */
    char *secret;             /* SECRET_LOOKUP: the value (wiped by event_free) */
    char *report;             /* KEYRING_PRUNE: the items removed (or that would be), one a
                               * line "ACCOUNT KIND [SESSION]"; "" when none */
    int64_t elapsed_ms;
};

struct worker;

struct worker_options {
    int max_per_host;         /* requests in flight per host; 0 = 6 */
    long connect_timeout_ms;  /* 0 = 10 s */
    int max_retries;          /* 5xx / reset retries for idempotent requests; 0 = 3, -1 = none */
    const char *budget_dir;   /* the request budgets shared with sesame's other processes
                               * (budget_shared_dir(), copied); NULL = this process's alone */
};

struct worker *worker_start(const struct worker_options *opt, char **error);
/* Cancels what is in flight, joins the thread, frees everything. */
void worker_stop(struct worker *w);

/* Takes ownership of job's contents (job is zeroed). Returns its id (> 0). */
uint64_t worker_submit(struct worker *w, struct job *job);
/* The event for a cancelled job comes back with err = ERR_CANCELLED. */
void worker_cancel(struct worker *w, uint64_t job_id);
/* Cancel every job of an account submitted so far; their answers are
 * dropped. Jobs submitted afterwards (clearing its secrets) still run. */
void worker_cancel_account(struct worker *w, const char *account_id);

/* Readable (poll POLLIN) whenever events are waiting. */
int worker_event_fd(struct worker *w);
/* Non-blocking: true and *ev filled if an event was waiting. */
bool worker_next_event(struct worker *w, struct event *ev);
/* Blocking wait for the event answering job_id (other events are kept for
 * later worker_next_event; progress events of job_id are dropped); for
 * headless commands. */
bool worker_wait_event(struct worker *w, uint64_t job_id, struct event *ev);
/* The same, but a progress event of job_id is returned too; job_id 0: the
 * next event of any job (a command waiting for several listings at once). */
bool worker_wait_news(struct worker *w, uint64_t job_id, struct event *ev);
/* Jobs not yet answered. */
int worker_pending(struct worker *w);

void job_free(struct job *j);
void event_free(struct event *e);

/* A progress event for a person: "1,200 of 10,000 users, waiting for
 * budget", or the news it carries ("waiting for the keyring"). Owned. */
char *event_progress_text(const struct event *ev);

#endif
