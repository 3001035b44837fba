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

#include "scrub.h"
#include "strpool.h"
#include "strslab.h"
#include "util.h"
#include "worker_internal.h"

#define DEFAULT_JOB_TIMEOUT_MS 30000
#define DEFAULT_MAX_PER_HOST 6
#define DEFAULT_CONNECT_TIMEOUT_MS 10000
#define DEFAULT_MAX_RETRIES 3
#define KEYRING_SLOW_MS 400        /* then the caller hears "waiting for the keyring" */
#define KEYRING_STOP_WAIT_MS 2000
#define IDLE_WAIT_MS 60000         /* the longest sleep of the worker thread */
/* Transfers of one job in the multi handle at once. A fan-out (a users
 * page asks for 500 session lists) beyond that waits as built requests,
 * not as 500 easy handles with their buffers that curl would only queue
 * (and scan) itself; 24 (4 per connection of a host) keeps HTTP/2 streams
 * and HTTP/1.1 connections busy, and each waiting handle holds a 16 KB
 * buffer (64 cost ~1 MB of peak memory over 100k sessions, for no speed).
 * Until the job's first answer, one less than the connections per
 * host: a job that starts many requests at once (prefetch) to a host that
 * hangs never takes every connection to that host from the other jobs. */
#define JOB_MAX_TRANSFERS 24

static int job_max_transfers(const struct worker *w, const struct running_job *j)
{
    if (j->answered)
        return JOB_MAX_TRANSFERS;
    return w->opt.max_per_host > 1 ? w->opt.max_per_host - 1 : 1;
}

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
    secret_bag_clear(&j->secrets);
    free(j->config_dir);
    memset(j, 0, sizeof *j);
}

void event_free(struct event *e)
{
    free(e->account_id);
    free(e->error);
    op_result_free(&e->result);
    wipe_free(e->secret);
    free(e->report);
    memset(e, 0, sizeof *e);
}

/* ---- requests --------------------------------------------------------- */

/* r leaves the multi handle (done, failed, dropped). */
static void leave_multi(struct worker *w, struct request *r)
{
    if (!r->in_multi)
        return;
    curl_multi_remove_handle(w->multi, r->xfer.easy);
    r->in_multi = false;
    r->job->in_multi--;
}

static void request_free(struct worker *w, struct request *r)
{
    leave_multi(w, r);
    if (r->queued) {
        r->queued = false;
        w->n_queued--;
    }
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
    j->in_multi++;
    return 0;
}

static bool job_has_room(const struct worker *w, const struct running_job *j)
{
    return j->in_multi < job_max_transfers(w, j);
}

/* Start queued requests of jobs that have room again, oldest first (the
 * list holds the newest first, so the last queued ones are found first
 * and the walk is repeated from the end: cheap, the list is short once
 * the queue drains and not walked at all while it is empty). */
static void start_queued(struct worker *w)
{
    while (w->n_queued > 0) {
        struct request *pick = NULL;
        for (struct request *r = w->reqs; r; r = r->next)
            if (r->queued && job_has_room(w, r->job))
                pick = r; /* the last such is the oldest */
        if (!pick)
            return;
        pick->queued = false;
        w->n_queued--;
        if (start_transfer(w, pick) != 0)
            set_error(&pick->job->merged, ERR_INTERNAL,
                      xstrdup("cannot start a transfer (libcurl)"));
    }
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
    if (rc == 0) /* every request, follow-ups too: where the secrets would go */
        rc = http_check_url(r->http.url, j->job.account.allow_http, &err);
    if (rc != 0) {
        set_error(&j->merged, rc, err ? err : xasprintf("%s: cannot build request", j->prov->title));
        request_free(w, r);
        return;
    }
    r->next = w->reqs;
    w->reqs = r;
    j->outstanding++;
    if (!job_has_room(w, j)) {
        r->queued = true; /* start_queued starts it when a transfer of j ends */
        w->n_queued++;
        return;
    }
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

static void post(struct worker *w, struct running_job *j, struct event *ev)
{
    if (!j->in_keyring) /* else the keyring thread owns the secrets (and adds none here) */
        secrets_scrub_event(ev, &j->secrets, j->job.args.verify_token);
    ev->job_id = j->id;
    ev->kind = j->job.kind;
    ev->op = j->job.op;
    ev->account_id = xstrdup(j->job.account.id);
    ev->elapsed_ms = mono_ms() - j->started;
    if (!ev->progress)
        job_uncount(w, j);
    event_queue_push(&w->events, ev);
}

/* The answer of a job, with everything it gathered. */
static void job_post(struct worker *w, struct running_job *j, int err, char *error)
{
    struct event ev = {.err = err, .error = error, .result = j->merged};
    memset(&j->merged, 0, sizeof j->merged);
    post(w, j, &ev);
}

static void unlink_job(struct worker *w, struct running_job *j)
{
    for (struct running_job **p = &w->jobs; *p; p = &(*p)->next) {
        if (*p == j) {
            *p = j->next;
            return;
        }
    }
}

static void job_free_memory(struct running_job *j)
{
    secret_bag_clear(&j->secrets);
    op_result_free(&j->merged);
    job_free(&j->job);
    wipe_free(j->kr_secret);
    free(j->kr_error);
    free(j->kr_report);
    free(j);
}

static void job_destroy(struct worker *w, struct running_job *j)
{
    unlink_job(w, j);
    drop_requests_of(w, j);
    job_uncount(w, j);
    job_free_memory(j);
}

/* End a job that may be on the keyring thread: answer now (event may be
 * NULL: no answer), free it when the keyring thread hands it back. */
static void job_abandon(struct worker *w, struct running_job *j, int err, char *msg)
{
    if (!j->in_keyring) {
        if (err) {
            drop_requests_of(w, j);
            op_result_free(&j->merged);
            job_post(w, j, err, msg);
        } else {
            free(msg);
        }
        job_destroy(w, j);
        return;
    }
    if (err) {
        struct event ev = {.err = err, .error = msg};
        post(w, j, &ev);
    } else {
        free(msg);
        job_uncount(w, j);
    }
    unlink_job(w, j);
    j->zombie = true;
    j->next = w->zombies;
    w->zombies = j;
}

static void to_keyring(struct worker *w, struct running_job *j, enum keyring_phase phase)
{
    j->phase = phase;
    j->in_keyring = true;
    j->told_waiting = false;
    j->keyring_since = mono_ms();
    executor_submit(w->keyring, keyring_phase_run, j);
}

/* ---- what the last listing of an account told (for prefetch) ----------- */

static struct known_users *known_find(struct worker *w, const struct account *a)
{
    for (size_t i = 0; i < w->n_known; i++)
        if (strcmp(w->known[i].account_id, a->id ? a->id : "") == 0)
            return &w->known[i];
    return NULL;
}

static void known_clear(struct known_users *k)
{
    for (size_t i = 0; i < k->n; i++)
        free(k->ids[i]);
    free(k->ids);
    k->ids = NULL;
    k->n = 0;
}

/* A listing of j's account succeeded: remember the users it named. */
static void known_remember(struct worker *w, struct running_job *j)
{
    const struct op_result *r = &j->merged;
    if (!j->prov->prefetch || j->job.op != OP_LIST || r->n_users == 0)
        return;
    const struct account *a = &j->job.account;
    struct known_users *k = known_find(w, a);
    if (!k) {
        w->known = xrealloc(w->known, (w->n_known + 1) * sizeof *w->known);
        k = &w->known[w->n_known++];
        memset(k, 0, sizeof *k);
        k->account_id = xstrdup(a->id ? a->id : "");
    }
    known_clear(k);
    free(k->base_url);
    k->base_url = xstrdup(provider_base_url(j->prov, a));
    k->ids = xcalloc(r->n_users, sizeof *k->ids);
    for (size_t i = 0; i < r->n_users; i++)
        if (r->users[i].id)
            k->ids[k->n++] = xstrdup(r->users[i].id);
}

static void known_free_all(struct worker *w)
{
    for (size_t i = 0; i < w->n_known; i++) {
        known_clear(&w->known[i]);
        free(w->known[i].account_id);
        free(w->known[i].base_url);
    }
    free(w->known);
    w->known = NULL;
    w->n_known = 0;
}

/* Sessions name their user once the users are known; every session says
 * which account it belongs to. */
static void attach_users(struct running_job *j)
{
    struct op_result *r = &j->merged;
    /* user id -> pooled name: one pool lookup per user, not per session */
    GHashTable *names = g_hash_table_new_full(g_str_hash, g_str_equal, NULL,
                                              (GDestroyNotify)strpool_put);
    for (size_t i = 0; i < r->n_users; i++)
        if (r->users[i].id && r->users[i].display)
            g_hash_table_replace(names, r->users[i].id, (char *)strpool_get(r->users[i].display));
    const char *account_id = strpool_get(j->job.account.id);
    for (size_t i = 0; i < r->sessions.n; i++) {
        struct session *s = &r->sessions.v[i];
        if (!s->account_id)
            s->account_id = strpool_ref(account_id);
        if (!s->user_display && s->user_id) {
            const char *d = g_hash_table_lookup(names, s->user_id);
            if (d)
                s->user_display = strpool_ref(d);
        }
    }
    strpool_put(account_id);
    g_hash_table_destroy(names);
}

static void job_answer(struct worker *w, struct running_job *j)
{
    int err = j->merged.err;
    char *msg = j->merged.error;
    j->merged.error = NULL;
    job_post(w, j, err, msg);
    job_destroy(w, j);
}

/* Every request is done: keep what must be kept, then answer. */
static void job_complete(struct worker *w, struct running_job *j)
{
    struct op_result *r = &j->merged;
    if (!r->err) {
        attach_users(j);
        known_remember(w, j);
    }
    /* the answer's list as long as it is: 100k sessions leave ~4 MB of
     * doubling slack otherwise, held while the caller takes them over */
    if (r->sessions.cap > r->sessions.n && r->sessions.n > 0) {
        r->sessions.v = xrealloc(r->sessions.v, r->sessions.n * sizeof *r->sessions.v);
        r->sessions.cap = r->sessions.n;
    }
    if (!r->err && (r->new_secrets.n || (r->forget_session && j->job.args.session_id))) {
        to_keyring(w, j, KR_FINISH);
        return;
    }
    job_answer(w, j);
}

static void job_fail(struct worker *w, struct running_job *j, int err, char *msg)
{
    drop_requests_of(w, j);
    set_error(&j->merged, err, msg);
    job_answer(w, j);
}

static void start_requests(struct worker *w, struct running_job *j)
{
    if (!j->job.args.now_ms)
        j->job.args.now_ms = now_ms();
    /* What the last listing told may start at once (a refresh of Clerk:
     * every known user's sessions with the first users page). */
    struct op_result pre = {0};
    const struct known_users *k = j->prov->prefetch ? known_find(w, &j->job.account) : NULL;
    if (k && k->n && strcmp(k->base_url, provider_base_url(j->prov, &j->job.account)) == 0)
        j->prov->prefetch(&j->job.account, j->job.op, &j->job.args, k->ids, k->n, &pre);
    add_request(w, j, j->job.op, &j->job.args); /* first: it starts before the queue fills */
    for (size_t i = 0; i < pre.n_follow && !j->merged.err; i++) {
        if (!pre.follow[i].args.now_ms)
            pre.follow[i].args.now_ms = j->job.args.now_ms;
        add_request(w, j, pre.follow[i].op, &pre.follow[i].args);
    }
    op_result_free(&pre);
    if (j->outstanding == 0)
        job_complete(w, j);
}

/* The keyring thread handed j back. */
static void keyring_returned(struct worker *w, struct running_job *j)
{
    j->in_keyring = false;
    if (j->zombie) {
        for (struct running_job **p = &w->zombies; *p; p = &(*p)->next) {
            if (*p == j) {
                *p = j->next;
                break;
            }
        }
        job_free_memory(j);
        return;
    }
    switch (j->phase) {
    case KR_PREPARE:
        if (j->merged.err)
            job_answer(w, j);
        else
            start_requests(w, j);
        break;
    case KR_FINISH:
        job_answer(w, j);
        break;
    case KR_CALL: {
        struct event ev = {.err = j->kr_err, .error = j->kr_error, .secret = j->kr_secret,
                           .report = j->kr_report};
        j->kr_error = NULL;
        j->kr_secret = NULL;
        j->kr_report = NULL;
        post(w, j, &ev);
        job_destroy(w, j);
        break;
    }
    case KR_NONE:
        break;
    }
}

/* Runs on the keyring thread: hand the job back and wake the curl thread. */
static void keyring_done(void *arg, void *ud)
{
    struct running_job *j = arg;
    struct worker *w = ud;
    pthread_mutex_lock(&w->lock);
    j->next_done = w->keyring_done;
    w->keyring_done = j;
    pthread_mutex_unlock(&w->lock);
    curl_multi_wakeup(w->multi); /* the keyring thread starts after the multi handle */
}

static void collect_keyring_done(struct worker *w)
{
    pthread_mutex_lock(&w->lock);
    struct running_job *j = w->keyring_done;
    w->keyring_done = NULL;
    pthread_mutex_unlock(&w->lock);
    while (j) {
        struct running_job *next = j->next_done;
        keyring_returned(w, j);
        j = next;
    }
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
        to_keyring(w, j, KR_CALL);
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
    if (j->job.secrets.n) { /* the caller's, not the keyring's */
        j->secrets = j->job.secrets;
        memset(&j->job.secrets, 0, sizeof j->job.secrets);
        start_requests(w, j);
        return;
    }
    struct op_needs needs = j->prov->needs ? j->prov->needs(j->job.op) : (struct op_needs){0};
    if (str_empty(needs.account_secrets) && str_empty(needs.session_secrets))
        start_requests(w, j);
    else
        to_keyring(w, j, KR_PREPARE);
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
    leave_multi(w, r);
    j->answered = true;
    long status = r->xfer.resp.status;
    long delay = http_retry_delay_ms(status, r->xfer.resp.retry_after_s, terr != NULL,
                                     maybe_sent(rc) && !r->xfer.too_big,
                                     (r->http.flags & HTTP_IDEMPOTENT) != 0, r->attempt,
                                     w->opt.max_retries, next_random(w));
    if (r->xfer.too_big || (terr && http_error_is_permanent(rc)))
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
            if (j->in_keyring)
                job_abandon(w, j, ERR_KEYRING, xasprintf("the keyring did not answer within "
                                                         "%ld s (locked? unlock it and retry)", s));
            else
                job_fail(w, j, ERR_NETWORK, xasprintf("no answer from %s within %ld s",
                                                      j->prov ? j->prov->title : "provider", s));
        } else {
            if (j->in_keyring && !j->told_waiting) {
                int64_t slow_at = j->keyring_since + KEYRING_SLOW_MS;
                if (slow_at <= now) {
                    j->told_waiting = true;
                    struct event ev = {.progress = true, .error = xstrdup(
                        "waiting for the keyring (locked? an unlock prompt may be open)")};
                    post(w, j, &ev);
                } else if (slow_at - now < wait) {
                    wait = (long)(slow_at - now);
                }
            }
            if (j->deadline - now < wait)
                wait = (long)(j->deadline - now);
        }
        j = next;
    }
    return wait;
}

/* ---- cancellation ----------------------------------------------------- */

/* A cancel of an account covers the jobs submitted before it (ids below
 * its barrier), not those that follow, such as clearing its secrets. */
static bool in_cancel_accounts(char **accounts, const uint64_t *before, size_t n,
                               const struct running_job *j)
{
    for (size_t i = 0; i < n; i++)
        if (j->job.account.id && j->id < before[i] && strcmp(accounts[i], j->job.account.id) == 0)
            return true;
    return false;
}

static void apply_cancels(struct worker *w, uint64_t *ids, size_t n_ids, char **accounts,
                          const uint64_t *before, size_t n_accounts)
{
    struct running_job *j = w->jobs;
    while (j) {
        struct running_job *next = j->next;
        bool by_id = false;
        for (size_t i = 0; i < n_ids; i++)
            by_id |= ids[i] == j->id;
        if (in_cancel_accounts(accounts, before, n_accounts, j))
            job_abandon(w, j, 0, NULL); /* the account is gone: no answer at all */
        else if (by_id)
            job_abandon(w, j, ERR_CANCELLED, xstrdup("cancelled"));
        j = next;
    }
}

/* ---- the thread ------------------------------------------------------- */

/* Free every job. One still inside a keyring call that never returned is
 * left allocated: the detached keyring thread may yet touch it. */
static void shut_down(struct worker *w)
{
    bool stopped = executor_stop(w->keyring, KEYRING_STOP_WAIT_MS);
    w->keyring = NULL;
    pthread_mutex_lock(&w->lock);
    struct running_job *back = w->keyring_done;
    w->keyring_done = NULL;
    pthread_mutex_unlock(&w->lock);
    for (; back; back = back->next_done)
        back->in_keyring = false;
    struct running_job *j = w->jobs;
    while (j) {
        struct running_job *next = j->next;
        if (!j->in_keyring || stopped)
            job_destroy(w, j);
        j = next;
    }
    for (j = w->zombies; j;) {
        struct running_job *next = j->next;
        if (!j->in_keyring || stopped)
            job_free_memory(j);
        j = next;
    }
    w->zombies = NULL;
}

/* libcurl could not be set up: every job is answered with that, until
 * the worker stops. */
static void fail_jobs_until_stopped(struct worker *w)
{
    for (;;) {
        pthread_mutex_lock(&w->lock);
        while (!w->stop && !w->in_head)
            pthread_cond_wait(&w->wake, &w->lock);
        bool stop = w->stop;
        struct queued_job *incoming = w->in_head;
        w->in_head = w->in_tail = NULL;
        pthread_mutex_unlock(&w->lock);
        while (incoming) {
            struct queued_job *next = incoming->next;
            struct running_job *j = xcalloc(1, sizeof *j);
            j->id = incoming->id;
            j->job = incoming->job;
            j->started = mono_ms();
            free(incoming);
            if (!stop)
                job_post(w, j, ERR_INTERNAL, xstrdup(w->init_error));
            else
                job_uncount(w, j);
            job_free_memory(j);
            incoming = next;
        }
        if (stop)
            return;
    }
}

/* What worker_start would do on the caller's thread, done here instead:
 * libcurl's global set-up (OpenSSL's configuration) takes ~0.5 ms, which
 * the dashboard's first frame no longer waits for. */
static bool worker_init(struct worker *w)
{
    CURLM *multi = NULL;
    const char *err = NULL;
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        err = "libcurl failed to initialise";
    } else {
        w->curl_ok = true;
        multi = curl_multi_init();
        if (!multi)
            err = "cannot set up the worker (libcurl multi)";
    }
    if (multi) {
        curl_multi_setopt(multi, CURLMOPT_MAX_HOST_CONNECTIONS, (long)w->opt.max_per_host);
        curl_multi_setopt(multi, CURLMOPT_MAXCONNECTS, (long)w->opt.max_per_host * 8);
        pthread_mutex_lock(&w->lock);
        w->multi = multi; /* from now on wake() uses curl_multi_wakeup */
        pthread_mutex_unlock(&w->lock);
        w->keyring = executor_start(keyring_done, w);
        if (!w->keyring)
            err = "cannot start the keyring thread";
    }
    if (err)
        w->init_error = xstrdup(err);
    return err == NULL;
}

static void *worker_main(void *arg)
{
    struct worker *w = arg;
    if (!worker_init(w)) {
        fail_jobs_until_stopped(w);
        return NULL;
    }
    for (;;) {
        pthread_mutex_lock(&w->lock);
        bool stop = w->stop;
        struct queued_job *incoming = w->in_head;
        w->in_head = w->in_tail = NULL;
        uint64_t *ids = w->cancel_ids;
        size_t n_ids = w->n_cancel_ids;
        char **accounts = w->cancel_accounts;
        uint64_t *before = w->cancel_before;
        size_t n_accounts = w->n_cancel_accounts;
        w->cancel_ids = NULL;
        w->n_cancel_ids = 0;
        w->cancel_accounts = NULL;
        w->cancel_before = NULL;
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
        apply_cancels(w, ids, n_ids, accounts, before, n_accounts);
        free(ids);
        free(before);
        for (size_t i = 0; i < n_accounts; i++)
            free(accounts[i]);
        free(accounts);
        if (stop)
            break;

        collect_keyring_done(w);
        int running = 0;
        curl_multi_perform(w->multi, &running);
        collect_done(w);
        start_queued(w);
        /* idle, nothing wakes it but a job, a cancel, the keyring thread or
         * a timer: no polling once a second (the idle benchmark counts it) */
        long wait = run_timers(w, IDLE_WAIT_MS);
        long curl_wait = -1;
        curl_multi_timeout(w->multi, &curl_wait);
        if (curl_wait >= 0 && curl_wait < wait)
            wait = curl_wait;
        curl_multi_poll(w->multi, NULL, 0, (int)wait, NULL);
    }
    shut_down(w);
    known_free_all(w);
    strslab_thread_done();
    return NULL;
}

/* Wake the worker thread, from any thread: curl_multi_wakeup once it has
 * its multi handle, the condition variable before (or without one). */
static void wake(struct worker *w)
{
    pthread_mutex_lock(&w->lock);
    CURLM *m = w->multi;
    pthread_cond_signal(&w->wake);
    pthread_mutex_unlock(&w->lock);
    if (m)
        curl_multi_wakeup(m);
}

struct worker *worker_start(const struct worker_options *opt, char **error)
{
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
    pthread_cond_init(&w->wake, NULL);
    if (event_queue_init(&w->events) != 0) {
        if (error)
            *error = xstrdup("cannot set up the worker (eventfd)");
        goto fail;
    }
    /* libcurl and the keyring thread are set up on the worker thread
     * (worker_init); a failure there answers every job with it */
    if (pthread_create(&w->thread, NULL, worker_main, w) != 0) {
        if (error)
            *error = xstrdup("cannot start the worker thread");
        event_queue_destroy(&w->events);
        goto fail;
    }
    return w;
fail:
    pthread_cond_destroy(&w->wake);
    pthread_mutex_destroy(&w->lock);
    free(w);
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
    wake(w);
    pthread_join(w->thread, NULL);
    if (w->multi)
        curl_multi_cleanup(w->multi);
    event_queue_destroy(&w->events);
    free(w->cancel_ids);
    for (size_t i = 0; i < w->n_cancel_accounts; i++)
        free(w->cancel_accounts[i]);
    free(w->cancel_accounts);
    free(w->cancel_before);
    pthread_cond_destroy(&w->wake);
    pthread_mutex_destroy(&w->lock);
    bool curl_ok = w->curl_ok;
    free(w->init_error);
    free(w);
    if (curl_ok)
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
    wake(w);
    return id;
}

void worker_cancel(struct worker *w, uint64_t job_id)
{
    pthread_mutex_lock(&w->lock);
    w->cancel_ids = xrealloc(w->cancel_ids, (w->n_cancel_ids + 1) * sizeof *w->cancel_ids);
    w->cancel_ids[w->n_cancel_ids++] = job_id;
    pthread_mutex_unlock(&w->lock);
    wake(w);
}

void worker_cancel_account(struct worker *w, const char *account_id)
{
    pthread_mutex_lock(&w->lock);
    w->cancel_accounts = xrealloc(w->cancel_accounts,
                                  (w->n_cancel_accounts + 1) * sizeof *w->cancel_accounts);
    w->cancel_before = xrealloc(w->cancel_before,
                                (w->n_cancel_accounts + 1) * sizeof *w->cancel_before);
    w->cancel_before[w->n_cancel_accounts] = w->next_id;
    w->cancel_accounts[w->n_cancel_accounts++] = xstrdup(account_id);
    pthread_mutex_unlock(&w->lock);
    wake(w);
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
