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

#include "account_check.h"
#include "config.h"
#include "journal.h"
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

#define PROGRESS_EVERY_MS 250     /* news of a running listing, at most this often */
#define REFUSAL_MIN_WAIT_MS 1000   /* after a 429, before the same request goes again */
#define RETRY_AFTER_MAX_S (10L * 86400) /* longer is "never" (and no overflow) */

static int job_max_transfers(const struct worker *w, const struct running_job *j)
{
    if (j->answered)
        return JOB_MAX_TRANSFERS;
    return w->opt.max_per_host > 1 ? w->opt.max_per_host - 1 : 1;
}

bool worker_has_room(const struct worker *w, const struct request *r)
{
    return r->job->in_multi < job_max_transfers(w, r->job) &&
           (!r->host || r->host->in_multi < w->opt.max_per_host);
}

/* The host part of url ("https://api.clerk.com"), found or added. */
static struct host *host_for(struct worker *w, const char *url)
{
    const char *p = strstr(url, "://");
    size_t n = p ? (size_t)(p + 3 - url) + strcspn(p + 3, "/?#") : strlen(url);
    for (struct host *h = w->hosts; h; h = h->next)
        if (strlen(h->name) == n && strncmp(h->name, url, n) == 0)
            return h;
    struct host *h = xcalloc(1, sizeof *h);
    h->name = xstrndup(url, n);
    h->next = w->hosts;
    w->hosts = h;
    return h;
}

static void hosts_free(struct worker *w)
{
    while (w->hosts) {
        struct host *h = w->hosts;
        w->hosts = h->next;
        free(h->name);
        free(h);
    }
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
    free(j->state_dir);
    free(j->user);
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
    if (r->host)
        r->host->in_multi--;
}

static void request_free(struct worker *w, struct request *r)
{
    leave_multi(w, r);
    if (r->paced)
        pace_remove(r->job->pace, r);
    if (r->start_at) {
        r->start_at = 0;
        r->job->n_retrying--;
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

int worker_start_transfer(struct worker *w, struct request *r)
{
    struct running_job *j = r->job;
    /* each transfer may take the whole timeout: the job's deadline is for
     * the job making no progress, not for a listing that paces itself */
    struct http_policy pol = {
        .connect_timeout_ms = w->opt.connect_timeout_ms,
        .timeout_ms = (long)j->timeout_ms,
        .ca_pem = j->ca_pem,
        .ca_len = j->ca_len,
    };
    if (http_transfer_setup(&r->xfer, &r->http, &pol) != 0)
        return ERR_INTERNAL;
    curl_multi_add_handle(w->multi, r->xfer.easy);
    r->in_multi = true;
    j->in_multi++;
    if (r->host)
        r->host->in_multi++;
    j->sent = true;
    return 0;
}

/* A GET already asked for in this job (a user met twice while walking
 * pages whose order moved): its answer is on the way. */
static bool asked_already(struct running_job *j, const struct request *r)
{
    if (strcmp(r->http.method, "GET") != 0 || !(r->http.flags & HTTP_IDEMPOTENT) ||
        (r->http.flags & HTTP_SECRET_URL))
        return false;
    if (!j->urls)
        j->urls = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    if (g_hash_table_contains(j->urls, r->http.url))
        return true;
    g_hash_table_add(j->urls, g_strdup(r->http.url));
    return false;
}

/* Build one request of job j and queue it for its account's budget
 * (pace_pump starts it). Errors land in j->merged. */
static bool add_request(struct worker *w, struct running_job *j, enum op op,
                        const struct op_args *args, int prio, bool unit)
{
    struct request *r = xcalloc(1, sizeof *r);
    r->job = j;
    r->op = op;
    r->prio = prio;
    r->unit = unit;
    op_args_copy(&r->args, args);
    if (!r->args.now_ms)
        r->args.now_ms = j->job.args.now_ms;
    char *err = NULL;
    int rc = j->prov->build(&j->job.account, op, &r->args, &j->secrets, &r->http, &err);
    if (rc == 0) /* every request, follow-ups too: where the secrets would go */
        rc = http_check_url(r->http.url, j->job.account.allow_http, &err);
    if (rc != 0) {
        set_error(&j->merged, rc, err ? err : xasprintf("%s: cannot build request", j->prov->title));
        request_free(w, r);
        return false;
    }
    if (asked_already(j, r)) {
        request_free(w, r);
        return false;
    }
    r->host = host_for(w, r->http.url);
    r->next = w->reqs;
    w->reqs = r;
    j->outstanding++;
    if (unit)
        j->units_total++;
    pace_push(j->pace, r, false);
    return true;
}

/* What an answer asks for next: its units first, then its other requests
 * (the next page), which a walk's page that brought no new unit does not
 * get: a server that repeats its pages is not walked to the end of the
 * page cap. A walk's repeats and its catch-up's finds are counted for
 * walk_warning. */
static void add_follow_ups(struct worker *w, struct running_job *j, const struct op_result *res)
{
    long units = 0, added = 0;
    for (size_t i = 0; i < res->n_follow && !j->merged.err; i++) {
        const struct op_followup *f = &res->follow[i];
        if (!f->unit)
            continue;
        units++;
        added += add_request(w, j, f->op, &f->args, f->prio, true);
    }
    if (res->page_kind == PAGE_WALK)
        j->walk_repeats += units - added;
    else if (res->page_kind == PAGE_CATCH_UP)
        j->walk_recovered += added;
    if (res->page_kind == PAGE_WALK && units > 0 && added == 0) {
        j->walk_stalled = true;
        return;
    }
    for (size_t i = 0; i < res->n_follow && !j->merged.err; i++)
        if (!res->follow[i].unit)
            add_request(w, j, res->follow[i].op, &res->follow[i].args, res->follow[i].prio,
                        false);
}

/* A walk whose pages repeated what they had listed without its catch-up
 * finding as many new: that many may be missing, and it says so. */
static void walk_warning(struct running_job *j)
{
    struct op_result *r = &j->merged;
    long missing = j->walk_repeats - j->walk_recovered;
    if (r->err || r->warning || (missing <= 0 && !j->walk_stalled))
        return;
    const char *unit = j->prov->list_unit ? j->prov->list_unit : "items";
    if (j->walk_stalled)
        r->warning = xasprintf("%s sent a page of %s all listed already: sesame stopped paging "
                               "there, and the list may be incomplete (^R or sesame sessions "
                               "lists again)", j->prov->title, unit);
    else
        r->warning = xasprintf("%s repeated %ld %s across its pages (its order moved while "
                               "sesame paged): up to %ld may be missing (^R or sesame sessions "
                               "lists again)", j->prov->title, j->walk_repeats, unit, missing);
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

/* An operation that changed something goes to the journal, as its answer
 * says (scrubbed already), whichever front end asked. */
static void journal_answer(struct running_job *j, struct event *ev)
{
    struct journal_entry e;
    char *text = NULL;
    if (journal_op_entry(j->prov, &j->job.account, j->job.op, &j->job.args, j->job.user,
                         ev->err, ev->error, &ev->result, &e, &text))
        journal_append(&e);
    free(text);
}

static void post(struct worker *w, struct running_job *j, struct event *ev)
{
    if (!j->in_keyring) /* else the keyring thread owns the secrets (and adds none here) */
        secrets_scrub_event(ev, &j->secrets, j->job.args.verify_token);
    if (!ev->progress && j->job.kind == JOB_OP)
        journal_answer(j, ev);
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
    if (j->urls)
        g_hash_table_destroy(j->urls);
    if (j->live)
        g_hash_table_destroy(j->live);
    free(j->ca_pem);
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
    j->sent |= phase == KR_CALL || phase == KR_FINISH; /* a change may be under way */
    j->in_keyring = true;
    j->told_waiting = false;
    j->keyring_since = mono_ms();
    executor_submit(w->keyring, keyring_phase_run, j);
}

/* Sessions name their user once the users are known; every session says
 * which account it belongs to. */
static void attach_users(struct running_job *j, struct session_list *sessions)
{
    struct op_result *r = &j->merged;
    /* user id -> pooled name: one pool lookup per user, not per session */
    GHashTable *names = g_hash_table_new_full(g_str_hash, g_str_equal, NULL,
                                              (GDestroyNotify)strpool_put);
    for (size_t i = 0; i < r->n_users; i++)
        if (r->users[i].id && r->users[i].display)
            g_hash_table_replace(names, r->users[i].id, (char *)strpool_get(r->users[i].display));
    const char *account_id = strpool_get(j->job.account.id);
    for (size_t i = 0; i < sessions->n; i++) {
        struct session *s = &sessions->v[i];
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
    walk_warning(j);
    if (!r->err) {
        attach_users(j, &r->sessions);
        memory_note_live(j, &r->sessions);
        memory_remember(w, j);
        r->partial = j->partial;
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
    j->pace = pace_for(w, j);
    /* What the last listing told may make this one a refresh of what can
     * have changed, with what it must re-read starting at once. */
    struct op_result pre = {0};
    memory_plan(w, j, &pre);
    /* first: a walk's page goes before what it asks for */
    add_request(w, j, j->job.op, &j->job.args, PRIO_WALK, false);
    for (size_t i = 0; i < pre.n_follow && !j->merged.err; i++)
        add_request(w, j, pre.follow[i].op, &pre.follow[i].args, pre.follow[i].prio,
                    pre.follow[i].unit);
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
    j->timeout_ms = j->job.timeout_ms > 0 ? j->job.timeout_ms : DEFAULT_JOB_TIMEOUT_MS;
    j->deadline = j->started + j->timeout_ms;
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
    /* a hand-edited value the form would refuse is not replaced by a default
     * in silence: the account says what is wrong until it is fixed */
    char *bad = account_fields_problem(j->prov, &j->job.account);
    if (bad) {
        job_fail(w, j, ERR_CONFIG, xasprintf("%s in accounts.conf ('sesame account edit' or e "
                                             "in the dashboard fixes it)", bad));
        free(bad);
        return;
    }
    char *err = NULL;
    int rc = http_check_url(provider_base_url(j->prov, &j->job.account), j->job.account.allow_http,
                            &err);
    if (rc != 0) {
        job_fail(w, j, rc, err);
        return;
    }
    /* read here, never by libcurl: a FIFO in its place is refused at once
     * instead of blocking this thread, and every account's transfers */
    if (!str_empty(j->job.account.ca_file) &&
        http_ca_file_read(j->job.account.ca_file, &j->ca_pem, &j->ca_len, &err) != 0) {
        job_fail(w, j, ERR_NETWORK, xasprintf("TLS with %s failed: the account's CA file cannot "
                                              "be read (%s): edit the account's CA file",
                                              j->prov->title, err));
        free(err);
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

/* Whether x is a change (not idempotent) that went out, in part or whole:
 * the provider may make it whatever becomes of its answer. */
static bool change_sent(const struct request *x)
{
    long sent = 0;
    if ((x->http.flags & HTTP_IDEMPOTENT) || !x->xfer.easy)
        return false;
    curl_easy_getinfo(x->xfer.easy, CURLINFO_REQUEST_SIZE, &sent);
    return sent > 0;
}

/* Whether such a request of j is still waiting for its answer. */
static bool change_in_flight(const struct worker *w, const struct running_job *j)
{
    for (const struct request *x = w->reqs; x; x = x->next)
        if (x->job == j && x->in_multi && change_sent(x))
            return true;
    return false;
}

/* r waits delay ms, then goes back to its account's queue. */
static void retry_later(struct request *r, long delay)
{
    http_transfer_cleanup(&r->xfer);
    r->attempt++;
    r->start_at = mono_ms() + (delay > 0 ? delay : 1);
    r->job->n_retrying++;
}

/* Transfers of pace that curl holds but has not sent yet (waiting for a
 * connection: a job may have more transfers than the host has
 * connections) go back to the queue, first in line: after a 429, sending
 * them would only be refused too. */
static void pull_back_unsent(struct worker *w, const struct pace *pace)
{
    for (struct request *x = w->reqs; x; x = x->next) {
        if (!x->in_multi || x->job->pace != pace)
            continue;
        long sent = 0;
        curl_easy_getinfo(x->xfer.easy, CURLINFO_REQUEST_SIZE, &sent);
        if (sent > 0)
            continue;
        leave_multi(w, x);
        http_transfer_cleanup(&x->xfer);
        pace_push(x->job->pace, x, true);
    }
}

/* The provider refused r for its rate limit: the budget shrinks and every
 * request of the account waits as long as it asks; r is sent again then.
 * False when the wait is longer than the job may go without progress. */
static bool rate_limited(struct worker *w, struct request *r)
{
    struct running_job *j = r->job;
    const struct http_response *resp = &r->xfer.resp;
    pull_back_unsent(w, j->pace);
    long after = resp->retry_after_s;
    if (after < 0 && resp->ratelimit_remaining == 0 && resp->ratelimit_reset_s > 0)
        after = resp->ratelimit_reset_s; /* Apideck: the downstream limit's reset */
    int64_t wait = after < 0 ? -1 : after > RETRY_AFTER_MAX_S ? RETRY_AFTER_MAX_S * 1000LL
                                                             : after * 1000LL;
    budget_refused(&j->pace->budget, wait, mono_ms());
    j->refused = true;
    if (wait < 0) /* not said: back off as for a failure */
        wait = http_retry_delay_ms(503, -1, false, true, true, r->attempt < 6 ? r->attempt : 5,
                                   r->attempt + 1, next_random(w));
    /* every refusal costs a second of the timeout at least: a provider that
     * refuses everything at once is given up on, not asked in a loop */
    if (wait < REFUSAL_MIN_WAIT_MS)
        wait = REFUSAL_MIN_WAIT_MS;
    if (wait > j->timeout_ms) {
        set_error(&j->merged, ERR_NETWORK,
                  xasprintf("rate limited by %s: waiting %lld s before asking again is longer "
                            "than the timeout (%lld s)", j->prov->title,
                            (long long)((wait + 999) / 1000),
                            (long long)((j->timeout_ms + 999) / 1000)));
        return false;
    }
    retry_later(r, (long)wait);
    return true;
}

/* An answer that was not a refusal for the rate: the job progresses (its
 * clock starts again) and the budget grows back if it had shrunk. A
 * downstream limit that is spent blocks the account until it resets. */
static void answered(struct running_job *j, const struct http_response *resp)
{
    int64_t now = mono_ms();
    j->deadline = now + j->timeout_ms;
    j->refused = false;
    budget_answered(&j->pace->budget, now);
    if (resp->ratelimit_remaining == 0 && resp->ratelimit_reset_s > 0)
        budget_block(&j->pace->budget, resp->ratelimit_reset_s * 1000, now);
}

static void request_done(struct worker *w, struct request *r, CURLcode rc)
{
    struct running_job *j = r->job;
    char *terr = http_transfer_finish(&r->xfer, rc, j->prov->title);
    leave_multi(w, r);
    j->answered = true;
    long status = r->xfer.resp.status;
    if (!terr && status == 429 && rate_limited(w, r))
        return;
    if (!terr && status != 429)
        answered(j, &r->xfer.resp);
    long delay = status == 429 ? -1
        : http_retry_delay_ms(status, r->xfer.resp.retry_after_s, terr != NULL,
                              maybe_sent(rc) && !r->xfer.too_big,
                              (r->http.flags & HTTP_IDEMPOTENT) != 0, r->attempt,
                              w->opt.max_retries, next_random(w));
    if (r->xfer.too_big || (terr && http_error_is_permanent(rc)))
        delay = -1;
    if (delay >= 0 && mono_ms() + delay < j->deadline) {
        free(terr);
        retry_later(r, delay);
        return;
    }
    unlink_request(w, r);
    j->outstanding--;
    if (terr) {
        if (!j->merged.err)
            j->merged.maybe_done = change_sent(r);
        /* an oversized body is an answer, just not one any provider
         * documents: unexpected (3), not "could not reach it" (4) */
        set_error(&j->merged, r->xfer.too_big ? ERR_PROVIDER : ERR_NETWORK, terr);
    } else if (status == 429) {
        /* rate_limited said why it gave up */
    } else {
        struct op_result res = {0};
        j->prov->parse(&j->job.account, r->op, &r->args, &r->xfer.resp, &res);
        if (res.err && status >= 400 && status < 500)
            res.refused = true;
        if (res.err && status >= 200 && status < 300)
            res.maybe_done = !(r->http.flags & HTTP_IDEMPOTENT);
        if (!res.request_id && r->xfer.resp.request_id[0])
            res.request_id = xstrdup(r->xfer.resp.request_id);
        if (r->unit)
            j->units_done++;
        if (!res.err && !j->merged.err)
            add_follow_ups(w, j, &res);
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

/* News of a running listing: how far it is, whether it waits for the
 * account's budget, and (when it streams) the sessions that came since the
 * last news. At most every PROGRESS_EVERY_MS, and at once when it starts
 * or stops waiting for budget. */
static void tell_progress(struct worker *w, struct running_job *j, int64_t now)
{
    if (j->job.op != OP_LIST || !j->prov || !j->prov->list_unit || j->in_keyring)
        return;
    int64_t blocked = j->pace->budget.blocked_until - now;
    bool limited = blocked > 0 && (j->n_paced > 0 || j->n_retrying > 0);
    bool waiting = limited || (pace_waiting(j->pace, now) && j->n_paced > 0);
    int wait_kind = limited ? 2 : waiting ? 1 : 0;
    bool news = j->units_done != j->told_done || j->units_total != j->told_total ||
                (j->job.args.stream && j->merged.sessions.n > 0);
    if (wait_kind == j->told_wait && (!news || now - j->told_at < PROGRESS_EVERY_MS))
        return;
    struct event ev = {.progress = true};
    ev.units_done = j->told_done = j->units_done;
    ev.units_total = j->told_total = j->units_total;
    ev.unit = j->prov->list_unit;
    ev.budget_wait_ms = limited ? blocked : waiting ? j->pace->ready_at - now : 0;
    ev.rate_limited = limited;
    j->told_wait = wait_kind;
    j->told_at = now;
    if (j->job.args.stream && j->merged.sessions.n > 0 && !j->merged.err) {
        attach_users(j, &j->merged.sessions);
        memory_note_live(j, &j->merged.sessions);
        ev.result.sessions = j->merged.sessions;
        memset(&j->merged.sessions, 0, sizeof j->merged.sessions);
    }
    ev.error = event_progress_text(&ev);
    post(w, j, &ev);
}

/* While a job waits for its account's budget alone (nothing in flight,
 * no retry waiting), its clock stops: pacing is progress. The wait a
 * refusal (429) asks for counts (a retry waiting), a second at least: a
 * provider that refuses everything is given up on after the timeout. */
static void pause_clock(struct running_job *j, int64_t now)
{
    bool paused = j->n_paced > 0 && j->in_multi == 0 && j->n_retrying == 0 && !j->in_keyring;
    if (paused && !j->paused_since) {
        j->paused_since = now;
    } else if (!paused && j->paused_since) {
        j->deadline += now - j->paused_since;
        j->paused_since = 0;
    }
}

/* Requeue retries whose wait is over; fail jobs that made no progress in
 * time; tell how listings go. Returns ms until the next such moment (or
 * max_wait). */
static long run_timers(struct worker *w, long max_wait)
{
    int64_t now = mono_ms();
    long wait = max_wait;
    for (struct request *r = w->reqs; r; r = r->next) {
        if (r->in_multi || !r->start_at)
            continue;
        if (r->start_at <= now) {
            r->start_at = 0;
            r->job->n_retrying--;
            pace_push(r->job->pace, r, true); /* first of its kind: it waited already */
            wait = 0;
        } else if (r->start_at - now < wait) {
            wait = (long)(r->start_at - now);
        }
    }
    struct running_job *j = w->jobs;
    while (j) {
        struct running_job *next = j->next;
        pause_clock(j, now);
        if (j->paused_since) {
            tell_progress(w, j, now);
        } else if (j->deadline <= now) {
            long s = (long)((j->timeout_ms + 999) / 1000);
            if (j->in_keyring)
                job_abandon(w, j, ERR_KEYRING, xasprintf("the keyring did not answer within "
                                                         "%ld s (locked? unlock it and retry)", s));
            else if (j->refused)
                job_fail(w, j, ERR_NETWORK, xasprintf(
                    "rate limited by %s for %ld s: every request was refused (429); its limit "
                    "is spent, perhaps by its own back end: try again later",
                    j->prov->title, s));
            else {
                j->merged.maybe_done = !j->merged.err && change_in_flight(w, j);
                job_fail(w, j, ERR_NETWORK, xasprintf("no answer from %s within %ld s",
                                                      j->prov ? j->prov->title : "provider", s));
            }
            j = next; /* answered: j may be freed */
            continue;
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
            tell_progress(w, j, now);
            if (j->deadline - now < wait)
                wait = (long)(j->deadline - now);
        }
        if (j->told_at && now - j->told_at < PROGRESS_EVERY_MS &&
            j->told_at + PROGRESS_EVERY_MS - now < wait)
            wait = (long)(j->told_at + PROGRESS_EVERY_MS - now);
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
            /* the account is gone: no answer at all */
            job_abandon(w, j, 0, NULL);
        else if (by_id)
            job_abandon(w, j, ERR_CANCELLED,
                        xstrdup(j->sent ? "cancelled after its request had gone out: it may "
                                          "have taken effect (^R lists the account again)"
                                        : "cancelled before it was sent"));
        j = next;
    }
    for (size_t i = 0; i < n_accounts; i++)
        memory_forget(w, accounts[i]); /* edited or removed: its listing starts over */
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
        pace_pump(w);
        /* idle, nothing wakes it but a job, a cancel, the keyring thread or
         * a timer: no polling once a second (the idle benchmark counts it) */
        long wait = run_timers(w, IDLE_WAIT_MS);
        if (wait == 0)
            pace_pump(w); /* retries back in their queues */
        if (w->pace_due) {
            int64_t until = w->pace_due - mono_ms();
            if (until < wait)
                wait = until > 0 ? (long)until : 0;
        }
        long curl_wait = -1;
        curl_multi_timeout(w->multi, &curl_wait);
        if (curl_wait >= 0 && curl_wait < wait)
            wait = curl_wait;
        curl_multi_poll(w->multi, NULL, 0, (int)wait, NULL);
    }
    shut_down(w);
    pace_free_all(w);
    hosts_free(w);
    memory_free_all(w);
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
    w->opt.budget_dir = w->budget_dir = w->opt.budget_dir ? xstrdup(w->opt.budget_dir) : NULL;
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
    free(w->budget_dir);
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
    free(w->budget_dir);
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
    if (!job->state_dir) /* state_dir() belongs to this thread, not the worker's */
        job->state_dir = xstrdup(state_dir());
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
    return event_queue_wait(&w->events, job_id, false, &w->waiters_stop, ev);
}

bool worker_wait_news(struct worker *w, uint64_t job_id, struct event *ev)
{
    return event_queue_wait(&w->events, job_id, true, &w->waiters_stop, ev);
}

/* 1234567 as "1,234,567" into buf (>= 32 bytes). */
static void thousands(long n, char *buf, size_t size)
{
    char digits[32];
    int len = snprintf(digits, sizeof digits, "%ld", n < 0 ? 0 : n);
    size_t o = 0;
    for (int i = 0; i < len && o + 2 < size; i++) {
        if (i > 0 && (len - i) % 3 == 0)
            buf[o++] = ',';
        buf[o++] = digits[i];
    }
    buf[o] = '\0';
}

char *event_progress_text(const struct event *ev)
{
    if (!ev->unit)
        return xstrdup(ev->error ? ev->error : "working");
    char done[32], total[32];
    thousands(ev->units_done, done, sizeof done);
    thousands(ev->units_total, total, sizeof total);
    char wait[64] = "";
    if (ev->budget_wait_ms > 0 && ev->rate_limited) /* the provider's word, not our pacing */
        snprintf(wait, sizeof wait, ", rate limited: asked to wait %lld s",
                 (long long)((ev->budget_wait_ms + 999) / 1000));
    else if (ev->budget_wait_ms > 0)
        snprintf(wait, sizeof wait, ", waiting for budget");
    if (ev->units_total == 0)
        return xasprintf("listing%s", wait);
    return xasprintf("%s of %s %s%s", done, total, ev->unit, wait);
}

int worker_pending(struct worker *w)
{
    pthread_mutex_lock(&w->lock);
    int n = w->pending;
    pthread_mutex_unlock(&w->lock);
    return n;
}
