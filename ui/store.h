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
    const struct provider *provider; /* NULL: unknown provider id */
    enum account_state state;
    char *error;               /* one sanitised line when state is an error */
    size_t n_sessions;
    bool loaded;               /* n_sessions means something */
    uint64_t job;              /* the list job in flight, 0 = none */
    char *progress;            /* news while it runs ("waiting for the keyring"), or NULL */
    int64_t updated_ms;        /* wall clock of the last good answer */
};

struct store {
    struct store_account *acc;
    size_t n_acc;
    struct session_list sessions; /* of every account, sanitised */
    unsigned version;          /* bumped on every change, for views that cache */
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
 * caller's job). A late answer (another job id than the account's, or an
 * account that is gone) is dropped; a progress event only sets progress.
 * True if anything shown changed. */
bool store_apply_event(struct store *s, struct event *ev);

/* Sessions from the state file (tracked ones) for the accounts that do not
 * list remotely; list is emptied. */
void store_set_tracked(struct store *s, struct session_list *list);

/* How many list jobs are in flight. */
size_t store_in_flight(const struct store *s);

/* "ok", "loading", "error", "keyring locked" ... */
const char *account_state_name(enum account_state st);

#endif
