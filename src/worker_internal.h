/* The worker's private types, shared by worker.c (the curl thread) and
 * worker_secrets.c (what runs on its keyring thread). */
#ifndef SESAME_WORKER_INTERNAL_H
#define SESAME_WORKER_INTERNAL_H

#include <curl/curl.h>
#include <glib.h>
#include <pthread.h>

#include "budget.h"
#include "executor.h"
#include "http_curl.h"
#include "worker.h"
#include "worker_queue.h"

struct running_job;
struct pace;

/* A host (scheme://host:port) and its transfers in the multi handle. A
 * transfer curl holds waiting for a free connection runs its timeout
 * down all the same, so no more are handed over than the host has
 * connections (slow answers otherwise time out in curl's queue). */
struct host {
    char *name;
    int in_multi;
    struct host *next;
};

/* A request is in one of three places until it is done: waiting in its
 * account's pace queue (for budget, or for room among its job's
 * transfers), waiting for a retry (start_at), or in the multi handle. */
struct request {
    struct running_job *job;
    enum op op;
    struct op_args args;
    struct http_request http;
    struct http_transfer xfer;
    int attempt;
    int prio;                  /* PRIO_*: its place in the pace queue */
    bool unit;                 /* counts in its job's progress */
    struct host *host;         /* where it goes */
    int64_t start_at;          /* monotonic ms; waiting for a retry until then */
    bool in_multi;
    bool paced;                /* in its pace's queue */
    struct request *next;      /* in worker.reqs */
    struct request *qnext, *qprev; /* in its pace's queue */
};

/* An account's budget and the requests waiting for it (worker_pace.c).
 * Requests leave in order of prio, then of arrival. */
struct pace {
    char *account_id;
    struct budget budget;
    struct request *head[PRIO_LEVELS], *tail[PRIO_LEVELS];
    int n;                     /* requests queued */
    int64_t ready_at;          /* monotonic ms the budget allows the next, 0 = now */
    bool shared_tried;         /* its shared budget was looked for (found or not) */
    struct pace *next;
};

/* What a job is waiting for on the keyring thread. */
enum keyring_phase {
    KR_NONE = 0,
    KR_PREPARE,                /* look up the secrets the operation needs */
    KR_FINISH,                 /* store returned tokens, clear a forgotten session */
    KR_CALL,                   /* a JOB_SECRET_* or JOB_KEYRING_* job */
};

/* While in_keyring is set, the keyring thread owns secrets, merged and the
 * kr_* fields; the curl thread reads only id, job.kind/op/account.id. */
struct running_job {
    uint64_t id;
    struct job job;
    const struct provider *prov;
    struct secret_bag secrets;
    struct op_result merged;
    int outstanding;
    int in_multi;              /* of those, transfers in the multi handle now */
    int n_paced;               /* of those, waiting in the pace queue */
    int n_retrying;            /* of those, waiting for a retry */
    bool answered;             /* a transfer of it ended (the host is there) */
    bool sent;                 /* a request of it went out, or its keyring call began: a
                                * cancel may come after it took effect */
    struct pace *pace;         /* its account's budget, once it sends */
    int64_t started, deadline; /* monotonic ms; the deadline moves with each answer */
    int64_t timeout_ms;        /* how long it may go without an answer */
    int64_t paused_since;      /* waiting for budget alone since (the clock stops), 0 = not */
    bool refused;              /* its last answer was a 429: waits count until one is not */
    char *ca_pem;              /* the account's CA file, read once when the job starts */
    size_t ca_len;
    GHashTable *urls;          /* GET requests sent already: not sent twice */
    GHashTable *live;          /* user ids with a session not over (for the memory) */
    bool partial;              /* a refresh planned from the memory: the answer is partial */
    long units_total;          /* follow-ups that count as progress */
    long units_done;           /* of those, answered */
    int64_t told_at;           /* last progress event (monotonic) */
    long told_done, told_total;
    long walk_repeats;         /* units a walk's pages asked for again (the order moved) */
    long walk_recovered;       /* new units its catch-up found: skipped ones, back */
    bool walk_stalled;         /* a page brought nothing new: paging stopped there */
    int told_wait;             /* the last progress said: 0 nothing, 1 waiting for budget,
                                * 2 rate limited */
    bool uncounted;            /* no longer in worker_pending() */
    enum keyring_phase phase;
    bool in_keyring;
    bool zombie;               /* answered or dropped while in the keyring: free on return */
    bool told_waiting;         /* a "waiting for the keyring" progress event went out */
    int64_t keyring_since;
    char *kr_secret;           /* KR_CALL lookup result */
    char *kr_report;           /* KR_CALL prune result */
    int kr_err;
    char *kr_error;
    struct running_job *next;      /* in worker.jobs */
    struct running_job *next_done; /* in worker.keyring_done */
};

/* What an account's last good listing told (worker_memory.c). */
struct remembered {
    char *account_id;
    char *scope;               /* the account's base URL and fields then: any change, and
                                * the memory is not used */
    struct list_memory mem;
};

struct worker {
    pthread_t thread;
    CURLM *multi;
    struct worker_options opt;

    pthread_mutex_t lock;      /* guards everything up to 'pending', and multi's setting */
    pthread_cond_t wake;       /* for the worker thread before it has multi (or without) */
    bool curl_ok;              /* curl_global_init succeeded (worker thread; read after join) */
    char *init_error;          /* why libcurl could not be set up, or NULL */
    struct queued_job *in_head, *in_tail;
    uint64_t *cancel_ids;
    size_t n_cancel_ids;
    char **cancel_accounts;
    uint64_t *cancel_before;   /* per cancelled account: jobs with a lower id go */
    size_t n_cancel_accounts;
    bool stop;
    uint64_t next_id;
    int pending;
    struct running_job *keyring_done; /* handed back by the keyring thread */

    struct event_queue events;
    bool waiters_stop;         /* guarded by events.lock */

    /* curl thread only */
    struct executor *keyring;
    struct running_job *jobs;
    struct running_job *zombies;
    struct request *reqs;
    struct pace *paces;        /* per account that sent */
    char *budget_dir;          /* opt.budget_dir's own copy */
    struct host *hosts;        /* every host a request went to */
    int64_t pace_due;          /* monotonic ms a waiting pace can go on, 0 = none waits */
    struct remembered *memory; /* per account */
    size_t n_memory;
    uint32_t rng;
};

/* worker.c */
int worker_start_transfer(struct worker *w, struct request *r);
/* Room for another transfer of r: among its job's and its host's. */
bool worker_has_room(const struct worker *w, const struct request *r);

/* worker_pace.c: budgets and their queues (curl thread). */
struct pace *pace_for(struct worker *w, struct running_job *j);
void pace_push(struct pace *p, struct request *r, bool front);
void pace_remove(struct pace *p, struct request *r);
/* Start what room and budget allow; sets w->pace_due. */
void pace_pump(struct worker *w);
bool pace_waiting(const struct pace *p, int64_t now);
void pace_free_all(struct worker *w);

/* worker_memory.c: the last good listing of each account (curl thread). */
/* Turn j's listing into a refresh when its account's last one is known;
 * follow-ups to start go to pre. */
void memory_plan(struct worker *w, struct running_job *j, struct op_result *pre);
/* Note the live users among sessions leaving the job (streamed or answered). */
void memory_note_live(struct running_job *j, const struct session_list *l);
/* j's listing succeeded: remember what it told. */
void memory_remember(struct worker *w, struct running_job *j);
void memory_forget(struct worker *w, const char *account_id);
void memory_free_all(struct worker *w);

/* worker_secrets.c: runs on the keyring thread (executor task). */
void keyring_phase_run(void *job);
void set_error(struct op_result *r, int err, char *msg);

#endif
