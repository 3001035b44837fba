/* What the front end shows: the configured accounts with their state, and
 * the sessions of all of them. Owned by the UI thread alone; the worker's
 * events are applied here, and every string from a server is sanitised on
 * the way in. No curses here. */
#ifndef SESAME_STORE_H
#define SESAME_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <glib.h>

#include "account_policy.h"
#include "config.h"
#include "model.h"
#include "worker.h"

enum account_state {
    ACCOUNT_IDLE = 0,          /* nothing asked yet */
    ACCOUNT_LOADING,           /* a list job is in flight */
    ACCOUNT_OK,
    ACCOUNT_ERROR,             /* error holds the message */
    ACCOUNT_KEYRING_LOCKED,
    ACCOUNT_KEYRING_UNAVAILABLE,
};

struct store_account {
    struct account a;
    struct account_policy policy;    /* its own settings (account_policy.h) */
    struct seen_account *seen;       /* the places and devices it saw (seen.h), once loaded */
    struct flag_pass *flagging;      /* its sessions' flags being computed anew (flags.h), a
                                      * slice at a time by store_work: which phase (learn,
                                      * flag), how far, over which version of the sessions */
    int flag_phase;
    size_t flag_at, flag_len;
    unsigned flag_version;
    bool flag_changed;
    const struct provider *provider; /* NULL: unknown provider id */
    enum account_state state;
    char *error;               /* one sanitised line when state is an error */
    int err;                   /* ... and its class (enum sesame_err) */
    size_t n_sessions;
    bool loaded;               /* n_sessions means something */
    uint64_t job;              /* the list job in flight, 0 = none */
    struct store_check {
        uint64_t job;
        char *session_id;
    } *checks;                 /* OP_INFO (CBRAIN) or OP_REFRESH (Plantly) jobs in flight,
                                * one per tracked session */
    size_t n_checks;
    char *check_error;         /* the first failed check of the current round */
    int check_err;             /* ... and its class */
    char *progress;            /* news while it runs ("waiting for the keyring"), or NULL */
    bool budget_wait;          /* its listing waits for the account's request budget */
    int64_t updated_ms;        /* wall clock of the last good answer */
    int64_t refresh_due;       /* monotonic ms of its next automatic refresh, 0 = unset */
    /* Sessions of the listing in flight, sanitised a slice at a time
     * (store_work) before they are shown: streamed ones join those shown;
     * the answer replaces the account's (or, partial, its covered users').
     * Till the answer is in, the job stays in flight. */
    struct session_list incoming;
    size_t incoming_done;      /* its first sessions already sanitised */
    bool incoming_final;       /* the answer is in incoming (not only streamed ones) */
    bool streamed;             /* the job in flight streamed: its answer adds */
    GHashTable *covered;       /* a partial answer: the users whose sessions it replaces */
    unsigned char *gone;       /* then: which sessions shown it replaces ... */
    size_t gone_done, n_gone;  /* ... (the first gone_done looked at) */
    unsigned gone_version;     /* ... while sessions_version is this */
    size_t gone_len;           /* ... and there are this many */
};

struct store {
    struct store_account *acc;
    size_t n_acc;
    struct session_list sessions; /* of every account, sanitised */
    struct session_list *graves; /* lists of dropped sessions, freed a slice at a time */
    size_t n_graves;
    unsigned version;          /* bumped on every change, for views that cache */
    unsigned sessions_version; /* bumped when sessions (or the accounts' names) change */
    unsigned flags_version;    /* bumped when only their flags changed (a flag pass) */
    char *note;                /* a problem to tell once (a memory of places that could not
                                * be read or written), taken by the front end; or NULL */
};

void store_init(struct store *s);
void store_free(struct store *s);

/* Take the accounts of list (list is left empty). Accounts that stay (same
 * id) keep their state and sessions; sessions of removed ones go. */
void store_set_accounts(struct store *s, struct account_list *list);
struct store_account *store_find(struct store *s, const char *id);
ssize_t store_index(const struct store *s, const char *id);

/* Does this account list its sessions remotely (refresh = a list job)? */
bool store_account_lists(const struct store_account *sa);

/* Account i has a list job in flight. */
void store_set_loading(struct store *s, size_t i, uint64_t job);
/* Account i could not be asked (no worker ...). */
void store_set_error(struct store *s, size_t i, const char *msg);

/* Apply a worker event. Moves the sessions out of ev (event_free stays the
 * caller's job); a list of more than STORE_AT_ONCE sessions is shown once
 * store_work has been through it. A late answer (another job id than the account's, or an
 * account that is gone) is dropped; a progress event only sets progress.
 * True if anything shown changed. */
bool store_apply_event(struct store *s, struct event *ev);

/* Sessions from the state file (tracked ones) for the accounts that do not
 * list remotely; list is emptied. */
void store_set_tracked(struct store *s, struct session_list *list);

/* Account i has an OP_INFO or OP_REFRESH job in flight for its tracked
 * session session_id (the account shows as loading until every check has
 * answered). A refresh that leaves the session in doubt (refused, or its
 * answer lost: session_refresh_failed) leaves it with the status that
 * gives; that session is handed back in the event's result.sessions, for
 * the state file. */
void store_add_check(struct store *s, size_t i, uint64_t job, const char *session_id);

/* Lists of more than this many sessions are taken in by store_work. */
#define STORE_AT_ONCE 5000

/* The work put off so that keys are read in between: up to budget sessions
 * of a big list that arrived sanitised (when all are, it replaces the
 * account's: version changes), else of an account's sessions flagged anew
 * (flags.h; an account of at most STORE_AT_ONCE is flagged at once), else
 * up to budget of the sessions dropped freed. Returns how many are left;
 * budget 0 only asks. */
size_t store_work(struct store *s, size_t budget);

/* How many accounts have jobs in flight. */
size_t store_in_flight(const struct store *s);
/* How many accounts wait for their request budget; *one is the last such. */
size_t store_waiting_budget(const struct store *s, const struct store_account **one);

/* A session of account_id that changed or was made here (revoked,
 * created, authorized): merged into the one shown (session_update: what
 * fresh leaves unset is kept), or added; sanitised. */
void store_merge_session(struct store *s, const char *account_id, const struct session *fresh);
/* A session that is gone (logged out, forgotten); true if it was shown. */
bool store_remove_session(struct store *s, const char *account_id, const char *session_id);
/* The account's jobs were cancelled (worker_cancel_account: no answers will
 * come): it is no longer loading. */
void store_forget_jobs(struct store *s, const char *account_id);

/* The session account_id/session_id, NULL if it is not there. */
struct session *store_session_find(struct store *s, const char *account_id,
                                   const char *session_id);

/* The account's name as the panes show it: its label, after the badges of
 * its settings ("PROD" for production, "RO" for read-only: words, so that
 * they read in every theme, mono too). Owned. */
#define BADGE_PRODUCTION "PROD"
#define BADGE_READ_ONLY "RO"
char *store_account_title(const struct store_account *sa);

/* "ok", "loading", "error", "keyring locked" ... */
const char *account_state_name(enum account_state st);

#endif
