/* The worker's private types, shared by worker.c (the curl thread) and
 * worker_secrets.c (what runs on its keyring thread). */
#ifndef SESAME_WORKER_INTERNAL_H
#define SESAME_WORKER_INTERNAL_H

#include <curl/curl.h>
#include <pthread.h>

#include "executor.h"
#include "http_curl.h"
#include "worker.h"
#include "worker_queue.h"

struct running_job;

struct request {
    struct running_job *job;
    enum op op;
    struct op_args args;
    struct http_request http;
    struct http_transfer xfer;
    int attempt;
    int64_t start_at;          /* monotonic ms; waiting for a retry until then */
    bool in_multi;
    bool queued;               /* built, waiting for room among its job's transfers */
    struct request *next;
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
    bool answered;             /* a transfer of it ended (the host is there) */
    int64_t started, deadline; /* monotonic ms */
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

/* The user ids an account's last good listing named (for prefetch). */
struct known_users {
    char *account_id;
    char *base_url;            /* the instance they belong to */
    char **ids;
    size_t n;
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
    int n_queued;              /* requests with queued set */
    struct known_users *known; /* per account */
    size_t n_known;
    uint32_t rng;
};

/* worker_secrets.c: runs on the keyring thread (executor task). */
void keyring_phase_run(void *job);
void set_error(struct op_result *r, int err, char *msg);

#endif
