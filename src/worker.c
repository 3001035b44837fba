/* The worker thread. One curl multi handle runs every request of every job
 * at once; a job (one provider operation) may fan out into many requests
 * (pages, user names) whose results are merged into one event. Keyring
 * calls happen here too, so the caller never blocks on them. */
#include "worker.h"

#include <curl/curl.h>
#include <glib.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "http_curl.h"
#include "keyring.h"
#include "util.h"
#include "worker_queue.h"

#define DEFAULT_JOB_TIMEOUT_MS 30000
#define DEFAULT_MAX_PER_HOST 6
#define DEFAULT_CONNECT_TIMEOUT_MS 10000
#define DEFAULT_MAX_RETRIES 3

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
    struct request *next;
};

struct running_job {
    uint64_t id;
    struct job job;
    const struct provider *prov;
    struct secret_bag secrets;
    struct op_result merged;
    int outstanding;
    int64_t started, deadline; /* monotonic ms */
    bool uncounted;            /* no longer in worker_pending() */
    struct running_job *next;
};

struct worker {
    pthread_t thread;
    CURLM *multi;
    struct worker_options opt;

    pthread_mutex_t lock;      /* guards everything up to 'pending' */
    struct queued_job *in_head, *in_tail;
    uint64_t *cancel_ids;
    size_t n_cancel_ids;
    char **cancel_accounts;
    size_t n_cancel_accounts;
    bool stop;
    uint64_t next_id;
    int pending;

    struct event_queue events;
    bool waiters_stop;         /* guarded by events.lock */

    /* worker thread only */
    struct running_job *jobs;
    struct request *reqs;
    uint32_t rng;
};

/* ---- small helpers ---------------------------------------------------- */

static uint32_t next_random(struct worker *w)
{
    uint32_t x = w->rng;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return w->rng = x ? x : 0x9e3779b9u;
}

void job_free(struct job *j)
{
    account_free(&j->account);
    op_args_free(&j->args);
    free(j->kind_name);
    free(j->session_id);
    wipe_free(j->secret);
    memset(j, 0, sizeof *j);
}

void event_free(struct event *e)
{
    free(e->account_id);
    free(e->error);
    op_result_free(&e->result);
    wipe_free(e->secret);
    memset(e, 0, sizeof *e);
}

static void set_error(struct op_result *r, int err, char *msg)
{
    if (r->err) {
        free(msg);
        return;
    }
    r->err = err;
    free(r->error);
    r->error = msg;
}

/* ---- requests --------------------------------------------------------- */

static void request_free(struct worker *w, struct request *r)
{
    if (r->in_multi)
        curl_multi_remove_handle(w->multi, r->xfer.easy);
    http_transfer_cleanup(&r->xfer);
    http_request_free(&r->http);
    op_args_free(&r->args);
    free(r);
}

static void unlink_request(struct worker *w, struct request *r)
{
    for (struct request **p = &w->reqs; *p; p = &(*p)->next) {
        if (*p == r) {
            *p = r->next;
            return;
        }
    }
}

static void drop_requests_of(struct worker *w, struct running_job *j)
{
    struct request **p = &w->reqs;
    while (*p) {
        struct request *r = *p;
        if (r->job == j) {
            *p = r->next;
            request_free(w, r);
            j->outstanding--;
        } else {
            p = &r->next;
        }
    }
}

static int start_transfer(struct worker *w, struct request *r)
{
    struct running_job *j = r->job;
    int64_t left = j->deadline - mono_ms();
    struct http_policy pol = {
        .connect_timeout_ms = w->opt.connect_timeout_ms,
        .timeout_ms = left > 1000 ? (long)left : 1000,
        .ca_file = j->job.account.ca_file,
    };
    if (http_transfer_setup(&r->xfer, &r->http, &pol) != 0)
        return ERR_INTERNAL;
    curl_multi_add_handle(w->multi, r->xfer.easy);
    r->in_multi = true;
    return 0;
}

/* Build and queue one request of job j. Errors land in j->merged. */
static void add_request(struct worker *w, struct running_job *j, enum op op,
                        const struct op_args *args)
{
    struct request *r = xcalloc(1, sizeof *r);
    r->job = j;
    r->op = op;
    op_args_copy(&r->args, args);
    char *err = NULL;
    int rc = j->prov->build(&j->job.account, op, &r->args, &j->secrets, &r->http, &err);
    if (rc != 0) {
        set_error(&j->merged, rc, err ? err : xasprintf("%s: cannot build request", j->prov->title));
        request_free(w, r);
        return;
    }
    r->next = w->reqs;
    w->reqs = r;
    j->outstanding++;
    if (start_transfer(w, r) != 0)
        set_error(&j->merged, ERR_INTERNAL, xstrdup("cannot start a transfer (libcurl)"));
}

/* ---- jobs ------------------------------------------------------------- */

/* Before the answer is visible, so a caller that got it sees the count drop. */
static void job_uncount(struct worker *w, struct running_job *j)
{
    if (j->uncounted)
        return;
    j->uncounted = true;
    pthread_mutex_lock(&w->lock);
    w->pending--;
    pthread_mutex_unlock(&w->lock);
}

static void job_post(struct worker *w, struct running_job *j, int err, char *error)
{
    struct event ev = {
        .job_id = j->id,
        .kind = j->job.kind,
        .op = j->job.op,
        .account_id = xstrdup(j->job.account.id),
        .err = err,
        .error = error,
        .result = j->merged,
        .elapsed_ms = mono_ms() - j->started,
    };
    memset(&j->merged, 0, sizeof j->merged);
    job_uncount(w, j);
    event_queue_push(&w->events, &ev);
}

static void job_destroy(struct worker *w, struct running_job *j)
{
    for (struct running_job **p = &w->jobs; *p; p = &(*p)->next) {
        if (*p == j) {
            *p = j->next;
            break;
        }
    }
    drop_requests_of(w, j);
    secret_bag_clear(&j->secrets);
    op_result_free(&j->merged);
    job_uncount(w, j);
    job_free(&j->job);
    free(j);
}

/* Sessions name their user once the users are known; every session says
 * which account it belongs to. */
static void attach_users(struct running_job *j)
{
    struct op_result *r = &j->merged;
    GHashTable *names = g_hash_table_new(g_str_hash, g_str_equal);
    for (size_t i = 0; i < r->n_users; i++)
        if (r->users[i].id && r->users[i].display)
            g_hash_table_insert(names, r->users[i].id, r->users[i].display);
    for (size_t i = 0; i < r->sessions.n; i++) {
        struct session *s = &r->sessions.v[i];
        if (!s->account_id)
            s->account_id = xstrdup(j->job.account.id);
        if (!s->user_display && s->user_id) {
            const char *d = g_hash_table_lookup(names, s->user_id);
            if (d)
                s->user_display = xstrdup(d);
        }
    }
    g_hash_table_destroy(names);
}

/* Tokens a provider handed back go to the keyring under the session. */
static void store_new_secrets(struct running_job *j)
{
    struct op_result *r = &j->merged;
    if (r->new_secrets.n == 0)
        return;
    const char *sid = r->sessions.n ? r->sessions.v[0].id : j->job.args.session_id;
    if (!sid) {
        set_error(r, ERR_INTERNAL, xstrdup("provider returned secrets without a session"));
        return;
    }
    for (size_t i = 0; i < r->new_secrets.n; i++) {
        char *label = xasprintf("sesame: %s %s (%s)", j->job.account.label ? j->job.account.label
                                : j->job.account.id, r->new_secrets.item[i].kind, sid);
        char *err = NULL;
        int rc = keyring_store(j->job.account.id, r->new_secrets.item[i].kind, sid, label,
                               r->new_secrets.item[i].value, &err);
        free(label);
        if (rc != 0) {
            set_error(r, ERR_KEYRING, xasprintf("session %s was made but its %s could not be "
                                                "kept: %s", sid, r->new_secrets.item[i].kind,
                                                err ? err : "keyring error"));
            free(err);
            return;
        }
    }
    secret_bag_clear(&r->new_secrets);
}

static void job_complete(struct worker *w, struct running_job *j)
{
    struct op_result *r = &j->merged;
    if (!r->err) {
        attach_users(j);
        store_new_secrets(j);
    }
    if (!r->err && r->forget_session && j->job.args.session_id) {
        char *err = NULL;
        if (keyring_clear_session(j->job.account.id, j->job.args.session_id, &err) != 0) {
            set_error(r, ERR_KEYRING, xasprintf("the session ended, but its secrets could not be "
                                                "removed from the keyring: %s", err ? err : "?"));
        }
        free(err);
    }
    int err = r->err;
    char *msg = r->error;
    r->error = NULL;
    job_post(w, j, err, msg);
    job_destroy(w, j);
}

static void job_fail(struct worker *w, struct running_job *j, int err, char *msg)
{
    drop_requests_of(w, j);
    set_error(&j->merged, err, msg);
    job_complete(w, j);
}

/* Look up each comma-separated kind in the keyring into the job's bag. */
static int lookup_secrets(struct running_job *j, const char *kinds, const char *session)
{
    if (str_empty(kinds))
        return 0;
    char **list = g_strsplit(kinds, ",", 0);
    int rc = 0;
    for (char **k = list; *k && rc == 0; k++) {
        char *value = NULL, *err = NULL;
        rc = keyring_lookup(j->job.account.id, *k, session ? session : "", &value, &err);
        if (rc != 0) {
            set_error(&j->merged, ERR_KEYRING, err ? err : xstrdup("keyring lookup failed"));
            err = NULL;
        } else if (!value) {
            rc = ERR_KEYRING;
            const char *who = j->job.account.label ? j->job.account.label : j->job.account.id;
            set_error(&j->merged, ERR_KEYRING,
                      session ? xasprintf("no %s in the keyring for session %s of %s (removed "
                                          "outside sesame?)", *k, session, who)
                              : xasprintf("no %s in the keyring for account %s: set it with "
                                          "'sesame account add' or e in the dashboard", *k, who));
        } else {
            secret_bag_put(&j->secrets, *k, value);
        }
        free(err);
        wipe_free(value);
    }
    g_strfreev(list);
    return rc;
}

static void run_keyring_job(struct worker *w, struct running_job *j)
{
    struct job *jb = &j->job;
    char *err = NULL, *secret = NULL;
    int rc = 0;
    const char *session = jb->session_id ? jb->session_id : "";
    switch (jb->kind) {
    case JOB_SECRET_STORE: {
        char *label = xasprintf("sesame: %s %s%s%s", jb->account.label ? jb->account.label
                                : jb->account.id, jb->kind_name ? jb->kind_name : "secret",
                                jb->session_id ? " " : "", session);
        rc = keyring_store(jb->account.id, jb->kind_name, session, label, jb->secret, &err);
        free(label);
        break;
    }
    case JOB_SECRET_LOOKUP:
        rc = keyring_lookup(jb->account.id, jb->kind_name, session, &secret, &err);
        if (rc == 0 && !secret) {
            rc = ERR_KEYRING;
            err = xasprintf("no %s in the keyring for %s", jb->kind_name, jb->session_id ?
                            jb->session_id : jb->account.id);
        }
        break;
    case JOB_SECRET_CLEAR:
        rc = jb->session_id ? keyring_clear_session(jb->account.id, jb->session_id, &err)
                            : keyring_clear_account(jb->account.id, &err);
        break;
    case JOB_KEYRING_CHECK:
        rc = keyring_check(&err);
        break;
    case JOB_OP:
        break;
    }
    wipe_free(jb->secret);
    jb->secret = NULL;
    struct event ev = {
        .job_id = j->id, .kind = jb->kind, .account_id = xstrdup(jb->account.id),
        .err = rc ? ERR_KEYRING : 0, .error = rc ? (err ? err : xstrdup("keyring error")) : NULL,
        .secret = secret, .elapsed_ms = mono_ms() - j->started,
    };
    if (!rc)
        free(err);
    job_uncount(w, j);
    event_queue_push(&w->events, &ev);
    job_destroy(w, j);
}

static void start_job(struct worker *w, struct queued_job *qj)
{
    struct running_job *j = xcalloc(1, sizeof *j);
    j->id = qj->id;
    j->job = qj->job;
    j->started = mono_ms();
    int64_t timeout = j->job.timeout_ms > 0 ? j->job.timeout_ms : DEFAULT_JOB_TIMEOUT_MS;
    j->deadline = j->started + timeout;
    j->next = w->jobs;
    w->jobs = j;
    free(qj);

    if (j->job.kind != JOB_OP) {
        run_keyring_job(w, j);
        return;
    }
    j->prov = provider_find(j->job.account.provider_id);
    if (!j->prov) {
        job_fail(w, j, ERR_CONFIG, xasprintf("unknown provider '%s'", j->job.account.provider_id
                                             ? j->job.account.provider_id : ""));
        return;
    }
    char *err = NULL;
    int rc = http_check_url(provider_base_url(j->prov, &j->job.account), j->job.account.allow_http,
                            &err);
    if (rc != 0) {
        job_fail(w, j, rc, err);
        return;
    }
    struct op_needs needs = j->prov->needs ? j->prov->needs(j->job.op) : (struct op_needs){0};
    if (lookup_secrets(j, needs.account_secrets, NULL) != 0 ||
        lookup_secrets(j, needs.session_secrets, j->job.args.session_id) != 0) {
        job_complete(w, j);
        return;
    }
    if (!j->job.args.now_ms)
        j->job.args.now_ms = now_ms();
    add_request(w, j, j->job.op, &j->job.args);
    if (j->outstanding == 0)
        job_complete(w, j);
}

/* ---- completion of one request ---------------------------------------- */

static bool maybe_sent(CURLcode rc)
{
    return !(rc == CURLE_COULDNT_CONNECT || rc == CURLE_COULDNT_RESOLVE_HOST ||
             rc == CURLE_COULDNT_RESOLVE_PROXY);
}

static void request_done(struct worker *w, struct request *r, CURLcode rc)
{
    struct running_job *j = r->job;
    char *terr = http_transfer_finish(&r->xfer, rc, j->prov->title);
    curl_multi_remove_handle(w->multi, r->xfer.easy);
    r->in_multi = false;
    long status = r->xfer.resp.status;
    long delay = http_retry_delay_ms(status, r->xfer.resp.retry_after_s, terr != NULL,
                                     maybe_sent(rc) && !r->xfer.too_big,
                                     (r->http.flags & HTTP_IDEMPOTENT) != 0, r->attempt,
                                     w->opt.max_retries, next_random(w));
    if (r->xfer.too_big)
        delay = -1;
    if (delay >= 0 && mono_ms() + delay < j->deadline) {
        free(terr);
        http_transfer_cleanup(&r->xfer);
        r->attempt++;
        r->start_at = mono_ms() + delay;
        return;
    }
    unlink_request(w, r);
    j->outstanding--;
    if (terr) {
        set_error(&j->merged, ERR_NETWORK, terr);
    } else if (status == 429 && delay >= 0) {
        set_error(&j->merged, ERR_NETWORK,
                  xasprintf("rate limited by %s: it asks to wait %ld s, past this request's "
                            "deadline", j->prov->title, r->xfer.resp.retry_after_s));
    } else {
        struct op_result res = {0};
        j->prov->parse(&j->job.account, r->op, &r->args, &r->xfer.resp, &res);
        if (!res.err && !j->merged.err)
            for (size_t i = 0; i < res.n_follow; i++) {
                if (!res.follow[i].args.now_ms)
                    res.follow[i].args.now_ms = j->job.args.now_ms;
                add_request(w, j, res.follow[i].op, &res.follow[i].args);
            }
        op_result_merge(&j->merged, &res);
    }
    request_free(w, r);
    if (j->merged.err)
        drop_requests_of(w, j); /* fail fast: the job's answer is already an error */
    if (j->outstanding == 0)
        job_complete(w, j);
}

static void collect_done(struct worker *w)
{
    CURLMsg *msg;
    int left;
    while ((msg = curl_multi_info_read(w->multi, &left))) {
        if (msg->msg != CURLMSG_DONE)
            continue;
        struct http_transfer *t = NULL;
        curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&t);
        CURLcode rc = msg->data.result;
        for (struct request *r = w->reqs; r; r = r->next) {
            if (&r->xfer == t) {
                request_done(w, r, rc);
                break;
            }
        }
    }
}

/* Start retries whose wait is over; fail jobs past their deadline.
 * Returns ms until the next such moment (or max_wait). */
static long run_timers(struct worker *w, long max_wait)
{
    int64_t now = mono_ms();
    long wait = max_wait;
    for (struct request *r = w->reqs; r; r = r->next) {
        if (r->in_multi || !r->start_at)
            continue;
        if (r->start_at <= now) {
            r->start_at = 0;
            if (start_transfer(w, r) != 0)
                set_error(&r->job->merged, ERR_INTERNAL, xstrdup("cannot restart a transfer"));
            wait = 0;
        } else if (r->start_at - now < wait) {
            wait = (long)(r->start_at - now);
        }
    }
    struct running_job *j = w->jobs;
    while (j) {
        struct running_job *next = j->next;
        if (j->deadline <= now) {
            long s = (long)((j->deadline - j->started + 999) / 1000);
            job_fail(w, j, ERR_NETWORK, xasprintf("no answer from %s within %ld s",
                                                  j->prov ? j->prov->title : "provider", s));
        } else if (j->deadline - now < wait) {
            wait = (long)(j->deadline - now);
        }
        j = next;
    }
    return wait;
}

/* ---- cancellation ----------------------------------------------------- */

static bool in_cancel_accounts(char **accounts, size_t n, const char *id)
{
    for (size_t i = 0; i < n; i++)
        if (id && strcmp(accounts[i], id) == 0)
            return true;
    return false;
}

static void apply_cancels(struct worker *w, uint64_t *ids, size_t n_ids, char **accounts,
                          size_t n_accounts)
{
    struct running_job *j = w->jobs;
    while (j) {
        struct running_job *next = j->next;
        bool by_id = false;
        for (size_t i = 0; i < n_ids; i++)
            by_id |= ids[i] == j->id;
        if (in_cancel_accounts(accounts, n_accounts, j->job.account.id)) {
            job_destroy(w, j); /* the account is gone: no answer at all */
        } else if (by_id) {
            drop_requests_of(w, j);
            op_result_free(&j->merged);
            job_post(w, j, ERR_CANCELLED, xstrdup("cancelled"));
            job_destroy(w, j);
        }
        j = next;
    }
}

/* ---- the thread ------------------------------------------------------- */

static void *worker_main(void *arg)
{
    struct worker *w = arg;
    for (;;) {
        pthread_mutex_lock(&w->lock);
        bool stop = w->stop;
        struct queued_job *incoming = w->in_head;
        w->in_head = w->in_tail = NULL;
        uint64_t *ids = w->cancel_ids;
        size_t n_ids = w->n_cancel_ids;
        char **accounts = w->cancel_accounts;
        size_t n_accounts = w->n_cancel_accounts;
        w->cancel_ids = NULL;
        w->n_cancel_ids = 0;
        w->cancel_accounts = NULL;
        w->n_cancel_accounts = 0;
        pthread_mutex_unlock(&w->lock);

        while (incoming) {
            struct queued_job *next = incoming->next;
            if (stop) {
                job_free(&incoming->job);
                free(incoming);
            } else {
                start_job(w, incoming);
            }
            incoming = next;
        }
        apply_cancels(w, ids, n_ids, accounts, n_accounts);
        free(ids);
        for (size_t i = 0; i < n_accounts; i++)
            free(accounts[i]);
        free(accounts);
        if (stop)
            break;

        int running = 0;
        curl_multi_perform(w->multi, &running);
        collect_done(w);
        long wait = run_timers(w, 1000);
        long curl_wait = -1;
        curl_multi_timeout(w->multi, &curl_wait);
        if (curl_wait >= 0 && curl_wait < wait)
            wait = curl_wait;
        curl_multi_poll(w->multi, NULL, 0, (int)wait, NULL);
    }
    while (w->jobs)
        job_destroy(w, w->jobs);
    return NULL;
}

struct worker *worker_start(const struct worker_options *opt, char **error)
{
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        if (error)
            *error = xstrdup("libcurl failed to initialise");
        return NULL;
    }
    struct worker *w = xcalloc(1, sizeof *w);
    if (opt)
        w->opt = *opt;
    if (w->opt.max_per_host <= 0)
        w->opt.max_per_host = DEFAULT_MAX_PER_HOST;
    if (w->opt.connect_timeout_ms <= 0)
        w->opt.connect_timeout_ms = DEFAULT_CONNECT_TIMEOUT_MS;
    if (w->opt.max_retries == 0)
        w->opt.max_retries = DEFAULT_MAX_RETRIES;
    else if (w->opt.max_retries < 0)
        w->opt.max_retries = 0;
    w->rng = (uint32_t)now_ms() ^ (uint32_t)(uintptr_t)w;
    w->next_id = 1;
    pthread_mutex_init(&w->lock, NULL);
    w->multi = curl_multi_init();
    if (!w->multi || event_queue_init(&w->events) != 0) {
        if (error)
            *error = xstrdup("cannot set up the worker (libcurl multi or eventfd)");
        goto fail;
    }
    curl_multi_setopt(w->multi, CURLMOPT_MAX_HOST_CONNECTIONS, (long)w->opt.max_per_host);
    curl_multi_setopt(w->multi, CURLMOPT_MAXCONNECTS, (long)w->opt.max_per_host * 8);
    if (pthread_create(&w->thread, NULL, worker_main, w) != 0) {
        if (error)
            *error = xstrdup("cannot start the worker thread");
        event_queue_destroy(&w->events);
        goto fail;
    }
    return w;
fail:
    if (w->multi)
        curl_multi_cleanup(w->multi);
    pthread_mutex_destroy(&w->lock);
    free(w);
    curl_global_cleanup();
    return NULL;
}

void worker_stop(struct worker *w)
{
    if (!w)
        return;
    pthread_mutex_lock(&w->lock);
    w->stop = true;
    pthread_mutex_unlock(&w->lock);
    pthread_mutex_lock(&w->events.lock);
    w->waiters_stop = true;
    pthread_cond_broadcast(&w->events.cond);
    pthread_mutex_unlock(&w->events.lock);
    curl_multi_wakeup(w->multi);
    pthread_join(w->thread, NULL);
    curl_multi_cleanup(w->multi);
    event_queue_destroy(&w->events);
    free(w->cancel_ids);
    for (size_t i = 0; i < w->n_cancel_accounts; i++)
        free(w->cancel_accounts[i]);
    free(w->cancel_accounts);
    pthread_mutex_destroy(&w->lock);
    free(w);
    curl_global_cleanup();
}

uint64_t worker_submit(struct worker *w, struct job *job)
{
    struct queued_job *qj = xcalloc(1, sizeof *qj);
    qj->job = *job;
    memset(job, 0, sizeof *job);
    pthread_mutex_lock(&w->lock);
    qj->id = w->next_id++;
    if (w->in_tail)
        w->in_tail->next = qj;
    else
        w->in_head = qj;
    w->in_tail = qj;
    w->pending++;
    uint64_t id = qj->id;
    pthread_mutex_unlock(&w->lock);
    curl_multi_wakeup(w->multi);
    return id;
}

void worker_cancel(struct worker *w, uint64_t job_id)
{
    pthread_mutex_lock(&w->lock);
    w->cancel_ids = xrealloc(w->cancel_ids, (w->n_cancel_ids + 1) * sizeof *w->cancel_ids);
    w->cancel_ids[w->n_cancel_ids++] = job_id;
    pthread_mutex_unlock(&w->lock);
    curl_multi_wakeup(w->multi);
}

void worker_cancel_account(struct worker *w, const char *account_id)
{
    pthread_mutex_lock(&w->lock);
    w->cancel_accounts = xrealloc(w->cancel_accounts,
                                  (w->n_cancel_accounts + 1) * sizeof *w->cancel_accounts);
    w->cancel_accounts[w->n_cancel_accounts++] = xstrdup(account_id);
    pthread_mutex_unlock(&w->lock);
    curl_multi_wakeup(w->multi);
}

int worker_event_fd(struct worker *w)
{
    return w->events.fd;
}

bool worker_next_event(struct worker *w, struct event *ev)
{
    return event_queue_pop(&w->events, ev);
}

bool worker_wait_event(struct worker *w, uint64_t job_id, struct event *ev)
{
    return event_queue_wait(&w->events, job_id, &w->waiters_stop, ev);
}

int worker_pending(struct worker *w)
{
    pthread_mutex_lock(&w->lock);
    int n = w->pending;
    pthread_mutex_unlock(&w->lock);
    return n;
}
