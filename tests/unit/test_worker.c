/* The worker thread against a real loopback HTTP server: concurrency, the
 * per-host cap, retries, Retry-After, deadlines, cancellation, follow-ups,
 * keyring jobs and shutdown. Runs inside the private keyring. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <poll.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../support/loopback.h"
#include "providers/common.h"
#include "strslab.h"
#include "util.h"
#include "worker.h"

/* ---- a provider that talks to the loopback server ---------------------- */
/* args->status carries the path, args->template_name the method. */

static struct op_needs loop_needs(enum op op)
{
    return (struct op_needs){.account_secrets = op == OP_VERIFY ? "api_key" : NULL};
}

static int loop_build(const struct account *a, enum op op, const struct op_args *args,
                      const struct secret_bag *secrets, struct http_request *out, char **error)
{
    const char *method = args->template_name ? args->template_name : "GET";
    http_request_init(out, method, strcmp(method, "GET") == 0 ? HTTP_IDEMPOTENT : 0);
    if (args->status && strncmp(args->status, "http", 4) == 0) /* a URL of its own */
        http_request_set_url(out, "%s", args->status);
    else if (args->phase) /* follow-ups told apart by their query: one URL, one request */
        http_request_set_url(out, "%s%s?p=%d&o=%ld", a->base_url,
                             args->status ? args->status : "/", args->phase, args->offset);
    else
        http_request_set_url(out, "%s%s", a->base_url, args->status ? args->status : "/");
    if (op == OP_VERIFY)
        http_request_add_header(out, "Authorization: Bearer %s", secret_bag_get(secrets, "api_key"));
    return 0;
}

static void loop_parse(const struct account *a, enum op op, const struct op_args *args,
                       const struct http_response *resp, struct op_result *out)
{
    if (resp->status != 200) {
        bool echo = args->status && strcmp(args->status, "/echo-auth") == 0;
        result_fail(out, err_for_status(resp->status), "HTTP %ld from Loop%s%s", resp->status,
                    echo ? ": " : "", echo ? resp->body : "");
        return;
    }
    struct session *s = session_list_push(&out->sessions);
    s->id = strslab_take(xasprintf("%s#%d#%ld", args->status, args->phase, args->offset));
    if (args->status && strcmp(args->status, "/away") == 0) { /* a follow-up elsewhere */
        struct op_args next = {0};
        next.status = xstrdup("http://127.0.0.1.nip.io:1/x");
        op_result_follow(out, op, &next);
        op_args_free(&next);
    }
    /* /fan, /slowish: limit follow-ups (3 if not said), each one unit of progress;
     * /twins: two follow-ups to one URL */
    bool twins = args->status && strcmp(args->status, "/twins") == 0;
    bool fan = args->status && (strcmp(args->status, "/fan") == 0 ||
                                strcmp(args->status, "/slowish") == 0);
    if ((fan || twins) && args->phase == 0) {
        long n = args->limit > 0 ? args->limit : 3;
        for (long i = 1; i <= n; i++) {
            struct op_args next = {0};
            op_args_copy(&next, args);
            next.phase = 1;
            next.offset = twins ? 1 : i;
            op_result_follow(out, op, &next)->unit = true;
            op_args_free(&next);
        }
    }
}

static const struct field loop_fields[] = {{NULL, NULL, 0, NULL, NULL}};
static const struct provider provider_loop = {
    .id = "loop", .title = "Loop", .default_base_url = "http://127.0.0.1:1",
    .fields = loop_fields, .caps = CAP_GET, .needs = loop_needs,
    .build = loop_build, .parse = loop_parse, .list_unit = "pages",
};

/* ---- the server's behaviour ------------------------------------------- */

static atomic_int flaky_left;   /* /flaky answers 503 this many times */
static atomic_int limited_left; /* /limited answers 429 + Retry-After: 1 */
static atomic_int resets_seen;  /* /reset-post: closes without answering, counted */
static atomic_int always_limited; /* every request 429 + Retry-After: 0 (2: the follow-ups
                                   * alone, no Retry-After) */
static atomic_int downstream_spent; /* answers say the downstream limit is spent for 1 s */
static atomic_int counted;      /* /count: requests that reached the server */

static void handler(const struct lb_request *req, struct lb_response *r, void *ud)
{
    if (atomic_load(&always_limited) == 1 ||
        (atomic_load(&always_limited) == 2 && strstr(req->path, "p=1"))) {
        r->status = 429;
        if (atomic_load(&always_limited) == 1)
            snprintf(r->extra_headers, sizeof r->extra_headers, "Retry-After: 0\r\n");
    } else if (atomic_load(&downstream_spent)) {
        snprintf(r->extra_headers, sizeof r->extra_headers,
                 "x-downstream-ratelimit-limit: 5\r\nx-downstream-ratelimit-remaining: 0\r\n"
                 "x-downstream-ratelimit-reset: 1\r\n");
    } else if (strncmp(req->path, "/slowish", 8) == 0) { /* follow-ups too */
        r->delay_ms = 1500;
    } else if (strcmp(req->path, "/slow") == 0) {
        r->delay_ms = 300;
    } else if (strcmp(req->path, "/count") == 0) {
        atomic_fetch_add(&counted, 1);
    } else if (strcmp(req->path, "/hang") == 0) {
        r->hang = 1;
    } else if (strcmp(req->path, "/flaky") == 0 && atomic_fetch_sub(&flaky_left, 1) > 0) {
        r->status = 503;
    } else if (strcmp(req->path, "/limited") == 0 && atomic_fetch_sub(&limited_left, 1) > 0) {
        r->status = 429;
        snprintf(r->extra_headers, sizeof r->extra_headers, "Retry-After: 1\r\n");
    } else if (strcmp(req->path, "/reset-post") == 0) {
        atomic_fetch_add(&resets_seen, 1);
        r->reset = 1;
    } else if (strcmp(req->path, "/redirect") == 0) { /* elsewhere on the same server */
        r->status = 302;
        snprintf(r->extra_headers, sizeof r->extra_headers, "Location: /auth\r\n");
    } else if (strcmp(req->path, "/echo-auth") == 0) { /* the key sent, in the error */
        r->status = 401;
        const char *auth = strstr(req->headers, "Authorization: ");
        r->body = strndup(auth ? auth : "", auth ? strcspn(auth, "\r\n") : 0);
    } else if (strcmp(req->path, "/auth") == 0) {
        r->status = strstr(req->headers, "Authorization: Bearer k-123") ? 200 : 401;
    } else if (strcmp(req->path, "/huge") == 0) {
        size_t n = HTTP_MAX_BODY + 1024;
        r->body = malloc(n + 1);
        memset(r->body, 'x', n);
        r->body[n] = '\0';
    }
    if (!r->body)
        r->body = strdup("{}");
}

struct fixture {
    struct loopback *lb;
    struct worker *w;
    char base[64];
};

static int setup_with(void **state, int per_host)
{
    static bool registered;
    if (!registered) {
        assert_int_equal(provider_register(&provider_loop), 0);
        registered = true;
    }
    struct fixture *f = calloc(1, sizeof *f);
    f->lb = loopback_start(handler, NULL);
    snprintf(f->base, sizeof f->base, "http://127.0.0.1:%d", loopback_port(f->lb));
    struct worker_options o = {.max_per_host = per_host};
    char *err = NULL;
    f->w = worker_start(&o, &err);
    assert_non_null(f->w);
    *state = f;
    return 0;
}

static int setup(void **state) { return setup_with(state, 6); }
static int setup_cap2(void **state) { return setup_with(state, 2); }

static int teardown(void **state)
{
    struct fixture *f = *state;
    worker_stop(f->w);
    loopback_stop(f->lb);
    free(f);
    return 0;
}

static uint64_t submit(struct fixture *f, const char *account, enum op op, const char *path,
                       const char *method, int64_t timeout_ms)
{
    struct job j = {.kind = JOB_OP, .op = op, .timeout_ms = timeout_ms};
    j.account.id = xstrdup(account);
    j.account.label = xstrdup(account);
    j.account.provider_id = xstrdup("loop");
    j.account.base_url = xstrdup(f->base);
    j.args.status = xstrdup(path);
    j.args.template_name = xstrdup(method);
    return worker_submit(f->w, &j);
}

/* A listing of path with n follow-ups, the account paced at rate. */
static uint64_t submit_fan(struct fixture *f, const char *path, long n, const char *rate,
                           int64_t timeout_ms)
{
    struct job j = {.kind = JOB_OP, .op = OP_LIST, .timeout_ms = timeout_ms};
    j.account.id = xstrdup("paced");
    j.account.label = xstrdup("paced");
    j.account.provider_id = xstrdup("loop");
    j.account.base_url = xstrdup(f->base);
    if (rate)
        account_set_field(&j.account, "rate_limit", rate);
    j.args.status = xstrdup(path);
    j.args.template_name = xstrdup("GET");
    j.args.limit = n;
    return worker_submit(f->w, &j);
}

static struct event wait_for(struct fixture *f, uint64_t id)
{
    struct event ev;
    assert_true(worker_wait_event(f->w, id, &ev));
    return ev;
}

/* ---- tests -------------------------------------------------------------- */

static void test_requests_run_concurrently(void **state)
{
    struct fixture *f = *state;
    enum { N = 5 };
    uint64_t ids[N];
    int64_t t0 = mono_ms();
    for (int i = 0; i < N; i++)
        ids[i] = submit(f, "a", OP_GET, "/slow", "GET", 0);
    for (int i = 0; i < N; i++) {
        struct event ev = wait_for(f, ids[i]);
        assert_int_equal(ev.err, 0);
        assert_int_equal(ev.result.sessions.n, 1);
        event_free(&ev);
    }
    int64_t took = mono_ms() - t0;
    printf("# %d requests of 300 ms took %lld ms\n", N, (long long)took);
    assert_true(took < 900); /* serial would be 1500 */
    assert_true(loopback_max_concurrent(f->lb) >= 3);
}

static void test_per_host_cap(void **state)
{
    struct fixture *f = *state;
    uint64_t ids[6];
    for (int i = 0; i < 6; i++)
        ids[i] = submit(f, "a", OP_GET, "/slow", "GET", 0);
    for (int i = 0; i < 6; i++) {
        struct event ev = wait_for(f, ids[i]);
        assert_int_equal(ev.err, 0);
        event_free(&ev);
    }
    assert_true(loopback_max_concurrent(f->lb) <= 2);
}

static void test_retry_5xx_when_idempotent(void **state)
{
    struct fixture *f = *state;
    atomic_store(&flaky_left, 2);
    struct event ev = wait_for(f, submit(f, "a", OP_GET, "/flaky", "GET", 0));
    assert_int_equal(ev.err, 0);
    assert_int_equal(loopback_requests(f->lb), 3);
    event_free(&ev);
}

static void test_no_retry_5xx_for_post(void **state)
{
    struct fixture *f = *state;
    atomic_store(&flaky_left, 2);
    struct event ev = wait_for(f, submit(f, "a", OP_CREATE, "/flaky", "POST", 0));
    assert_int_equal(ev.err, ERR_NETWORK);
    assert_non_null(strstr(ev.error, "503"));
    assert_int_equal(loopback_requests(f->lb), 1);
    event_free(&ev);
}

static void test_429_waits_for_retry_after(void **state)
{
    struct fixture *f = *state;
    atomic_store(&limited_left, 1);
    int64_t t0 = mono_ms();
    struct event ev = wait_for(f, submit(f, "a", OP_CREATE, "/limited", "POST", 0));
    assert_int_equal(ev.err, 0);
    assert_true(mono_ms() - t0 >= 990);
    assert_int_equal(loopback_requests(f->lb), 2);
    event_free(&ev);
}

static void test_429_past_deadline_is_reported(void **state)
{
    struct fixture *f = *state;
    atomic_store(&limited_left, 1);
    struct event ev = wait_for(f, submit(f, "a", OP_GET, "/limited", "GET", 500));
    assert_int_equal(ev.err, ERR_NETWORK);
    assert_non_null(strstr(ev.error, "rate limited by Loop"));
    event_free(&ev);
}

static void test_deadline_with_hanging_server(void **state)
{
    struct fixture *f = *state;
    int64_t t0 = mono_ms();
    uint64_t hang = submit(f, "a", OP_GET, "/hang", "GET", 600);
    uint64_t fast = submit(f, "b", OP_GET, "/", "GET", 0);
    struct event ev = wait_for(f, fast);
    assert_int_equal(ev.err, 0); /* a hanging host does not hold up others */
    event_free(&ev);
    ev = wait_for(f, hang);
    int64_t took = mono_ms() - t0;
    assert_int_equal(ev.err, ERR_NETWORK);
    assert_true(took >= 550 && took < 2500);
    event_free(&ev);
}

static void test_cancel_job(void **state)
{
    struct fixture *f = *state;
    uint64_t id = submit(f, "a", OP_GET, "/hang", "GET", 0);
    worker_cancel(f->w, id);
    int64_t t0 = mono_ms();
    struct event ev = wait_for(f, id);
    assert_int_equal(ev.err, ERR_CANCELLED);
    assert_true(mono_ms() - t0 < 1000);
    event_free(&ev);
    assert_int_equal(worker_pending(f->w), 0);
}

/* A bulk action cancelled while its account's budget paces it: what had
 * not gone out never does, and the answer says which was which. */
static void test_cancel_paced_not_sent(void **state)
{
    struct fixture *f = *state;
    atomic_store(&counted, 0);
    enum { N = 5 };
    uint64_t id[N];
    for (int i = 0; i < N; i++) {
        struct job j = {.kind = JOB_OP, .op = OP_GET};
        j.account.id = xstrdup("bulk");
        j.account.label = xstrdup("bulk");
        j.account.provider_id = xstrdup("loop");
        j.account.base_url = xstrdup(f->base);
        account_set_field(&j.account, "rate_limit", "1/10s"); /* one now, the next in 10 s */
        j.args.status = xstrdup(i == 0 ? "/hang" : "/count");
        j.args.template_name = xstrdup("GET");
        id[i] = worker_submit(f->w, &j);
    }
    int64_t t0 = mono_ms();
    usleep(300 * 1000); /* the first (hanging) goes out; the others wait for budget */
    for (int i = 0; i < N; i++)
        worker_cancel(f->w, id[i]);
    for (int i = 0; i < N; i++) {
        struct event ev = wait_for(f, id[i]);
        assert_int_equal(ev.err, ERR_CANCELLED);
        if (i == 0)
            assert_non_null(strstr(ev.error, "after its request had gone out"));
        else
            assert_string_equal(ev.error, "cancelled before it was sent");
        event_free(&ev);
    }
    assert_true(mono_ms() - t0 < 5000);
    usleep(300 * 1000);
    assert_int_equal(atomic_load(&counted), 0); /* none of the paced ones reached the server */
    assert_int_equal(worker_pending(f->w), 0);
}

static void test_cancel_account_drops_answers(void **state)
{
    struct fixture *f = *state;
    submit(f, "gone", OP_GET, "/slow", "GET", 0);
    uint64_t keep = submit(f, "kept", OP_GET, "/slow", "GET", 0);
    worker_cancel_account(f->w, "gone");
    struct event ev = wait_for(f, keep);
    assert_int_equal(ev.err, 0);
    event_free(&ev);
    for (int i = 0; i < 100 && worker_pending(f->w) > 0; i++)
        poll(NULL, 0, 10);
    assert_int_equal(worker_pending(f->w), 0);
    assert_false(worker_next_event(f->w, &ev)); /* nothing for "gone" */
}

/* Deleting an account cancels its work, then clears its secrets: the
 * clear, submitted after the cancel, must still run and answer. */
static void test_cancel_account_spares_later_jobs(void **state)
{
    struct fixture *f = *state;
    submit(f, "acct", OP_GET, "/slow", "GET", 0);
    worker_cancel_account(f->w, "acct");
    struct job c = {.kind = JOB_SECRET_CLEAR};
    c.account.id = xstrdup("acct");
    struct event ev = wait_for(f, worker_submit(f->w, &c));
    assert_int_equal(ev.err, 0);
    event_free(&ev);
}

static void test_followups_merge_into_one_event(void **state)
{
    struct fixture *f = *state;
    struct event ev = wait_for(f, submit(f, "a", OP_LIST, "/fan", "GET", 0));
    assert_int_equal(ev.err, 0);
    assert_int_equal(ev.result.sessions.n, 4);
    assert_int_equal(loopback_requests(f->lb), 4);
    for (size_t i = 0; i < ev.result.sessions.n; i++)
        assert_string_equal(ev.result.sessions.v[i].account_id, "a");
    event_free(&ev);
}


/* ---- the request budget ------------------------------------------------- */

static void test_budget_paces_a_listing(void **state)
{
    struct fixture *f = *state;
    int64_t t0 = mono_ms();
    /* 4 per 200 ms: never a fifth within a window */
    struct event ev = wait_for(f, submit_fan(f, "/fan", 40, "4/200ms", 0));
    int64_t took = mono_ms() - t0;
    assert_int_equal(ev.err, 0);
    assert_int_equal(ev.result.sessions.n, 41);
    printf("# 41 requests at 4/200ms took %lld ms\n", (long long)took);
    assert_true(took >= (41 - 4) * 50 - 100);
    assert_true(took < 5000);
    /* never more than the budget in any window (arrivals jitter around the
     * window's edge when the machine is busy: 50 ms allowed) */
    assert_true(loopback_most_within(f->lb, 150) <= 4);
    event_free(&ev);
}

/* Two workers (two processes' worth: each opens the file for itself) with
 * the same budget directory spend one budget: their listings of one
 * account together never hold more than it in a window. */
static void test_workers_share_a_budget(void **state)
{
    struct fixture *f = *state;
    char dir[] = "/tmp/sesame-budgets.XXXXXX";
    assert_non_null(mkdtemp(dir));
    struct worker_options o = {.budget_dir = dir};
    char *err = NULL;
    struct worker *mine = f->w, *w[2];
    for (int i = 0; i < 2; i++)
        assert_non_null(w[i] = worker_start(&o, &err));
    int64_t t0 = mono_ms();
    uint64_t id[2];
    for (int i = 0; i < 2; i++) {
        f->w = w[i];
        id[i] = submit_fan(f, "/fan", 20, "4/200ms", 0);
    }
    for (int i = 0; i < 2; i++) {
        f->w = w[i];
        struct event ev = wait_for(f, id[i]);
        assert_int_equal(ev.err, 0);
        assert_int_equal(ev.result.sessions.n, 21);
        event_free(&ev);
    }
    int64_t took = mono_ms() - t0;
    printf("# 2 x 21 requests at 4/200ms shared took %lld ms\n", (long long)took);
    assert_true(took >= (42 - 4) * 50 - 100); /* each alone: 850 ms */
    assert_true(loopback_most_within(f->lb, 150) <= 4);
    for (int i = 0; i < 2; i++)
        worker_stop(w[i]);
    f->w = mine;
    char *cmd = xasprintf("rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
    free(cmd);
}

static void test_listing_that_paces_is_not_given_up(void **state)
{
    struct fixture *f = *state;
    /* 30 requests at 10 per second take ~2.5 s: five times the timeout,
     * which bounds a request or a wait without progress, not the whole */
    struct event ev = wait_for(f, submit_fan(f, "/fan", 30, "5/500ms", 500));
    assert_int_equal(ev.err, 0);
    assert_int_equal(ev.result.sessions.n, 31);
    event_free(&ev);
}

static void test_429_shrinks_the_budget_and_waits(void **state)
{
    struct fixture *f = *state;
    atomic_store(&limited_left, 1); /* the first /limited: 429, Retry-After: 1 */
    int64_t t0 = mono_ms();
    uint64_t id = submit_fan(f, "/limited", 0, "100/1s", 0);
    struct event ev;
    bool told = false; /* the wait is said as the provider's, not as our pacing */
    while (worker_wait_news(f->w, id, &ev) && ev.progress) {
        char *text = event_progress_text(&ev);
        if (ev.rate_limited) {
            told = true;
            assert_string_equal(text, "listing, rate limited: asked to wait 1 s");
        }
        assert_null(strstr(text, "budget"));
        free(text);
        event_free(&ev);
    }
    assert_true(told);
    assert_int_equal(ev.err, 0);
    assert_true(mono_ms() - t0 >= 990);
    event_free(&ev);
    /* the account's next requests wait for the budget that was halved:
     * 100/1s became 50/1s, so 61 requests do not all go in one second */
    t0 = mono_ms();
    ev = wait_for(f, submit_fan(f, "/fan", 60, "100/1s", 0));
    assert_int_equal(ev.err, 0);
    assert_true(mono_ms() - t0 >= 900);
    event_free(&ev);
}

static void test_always_refused_gives_up(void **state)
{
    struct fixture *f = *state;
    atomic_store(&always_limited, 1);
    int64_t t0 = mono_ms();
    struct event ev = wait_for(f, submit_fan(f, "/fan", 5, "20/1s", 500));
    atomic_store(&always_limited, 0);
    int64_t took = mono_ms() - t0;
    assert_int_equal(ev.err, ERR_NETWORK);
    assert_non_null(strstr(ev.error, "rate limited by Loop"));
    printf("# refused every time: gave up after %lld ms: %s\n", (long long)took, ev.error);
    assert_true(took < 8000);
    event_free(&ev);
}

/* Refused without a word of how long: the timeout is the timeout. The
 * budget the refusals block is the provider's wait, not pacing of ours,
 * and does not stop the clock (it ran 22 s for a timeout of 10). */
static void test_always_refused_unsaid_ends_at_the_timeout(void **state)
{
    struct fixture *f = *state;
    atomic_store(&always_limited, 2);
    int64_t t0 = mono_ms();
    struct event ev = wait_for(f, submit_fan(f, "/fan", 5, "20/1s", 1500));
    atomic_store(&always_limited, 0);
    int64_t took = mono_ms() - t0;
    assert_int_equal(ev.err, ERR_NETWORK);
    printf("# refused unsaid: gave up after %lld ms (timeout 1500): %s\n", (long long)took,
           ev.error);
    assert_true(took < 3000);
    event_free(&ev);
}

static void test_retry_after_longer_than_the_timeout_fails_at_once(void **state)
{
    struct fixture *f = *state;
    atomic_store(&limited_left, 1);
    int64_t t0 = mono_ms();
    struct event ev = wait_for(f, submit_fan(f, "/limited", 0, NULL, 500));
    assert_int_equal(ev.err, ERR_NETWORK);
    assert_non_null(strstr(ev.error, "rate limited by Loop: waiting 1 s before asking again is "
                               "longer than the timeout"));
    assert_true(mono_ms() - t0 < 400);
    event_free(&ev);
}

static void test_progress_tells_units_and_budget(void **state)
{
    struct fixture *f = *state;
    uint64_t id = submit_fan(f, "/fan", 12, "2/200ms", 0);
    struct event ev;
    bool saw_budget = false, saw_total = false;
    long last_done = 0;
    while (worker_wait_news(f->w, id, &ev) && ev.progress) {
        saw_budget |= ev.budget_wait_ms > 0;
        saw_total |= ev.units_total == 12;
        assert_true(ev.units_done >= last_done); /* never goes back */
        last_done = ev.units_done;
        char *text = event_progress_text(&ev);
        if (ev.budget_wait_ms > 0)
            assert_non_null(strstr(text, "of 12 pages, waiting for budget"));
        free(text);
        event_free(&ev);
    }
    assert_int_equal(ev.job_id, id);
    assert_int_equal(ev.err, 0);
    assert_true(saw_budget);
    assert_true(saw_total);
    event_free(&ev);
}

/* More requests than the host has connections, each answered in 1.5 s:
 * curl would hold the rest waiting for a connection while their timeout
 * (2 s) runs down; none is handed over before a connection is free, so
 * each is answered, once. */
static void test_slow_answers_within_the_timeout_succeed(void **state)
{
    struct fixture *f = *state;
    struct event ev = wait_for(f, submit_fan(f, "/slowish", 17, NULL, 2000));
    assert_int_equal(ev.err, 0);
    assert_int_equal(ev.result.sessions.n, 18);
    assert_int_equal(loopback_requests(f->lb), 18);
    assert_true(loopback_max_concurrent(f->lb) <= 6);
    event_free(&ev);
}

static void test_one_url_is_asked_once_per_job(void **state)
{
    struct fixture *f = *state;
    struct event ev = wait_for(f, submit_fan(f, "/twins", 2, NULL, 0));
    assert_int_equal(ev.err, 0);
    assert_int_equal(ev.result.sessions.n, 2);
    assert_int_equal(loopback_requests(f->lb), 2);
    event_free(&ev);
}

static void test_spent_downstream_limit_blocks_until_reset(void **state)
{
    struct fixture *f = *state;
    atomic_store(&downstream_spent, 1);
    int64_t t0 = mono_ms();
    struct event ev = wait_for(f, submit_fan(f, "/fan", 1, NULL, 0));
    atomic_store(&downstream_spent, 0);
    /* the first answer says the limit is spent for 1 s: the follow-up waits */
    assert_int_equal(ev.err, 0);
    assert_true(mono_ms() - t0 >= 950);
    event_free(&ev);
}

/* libcurl quietly sends a request again when a reused connection dies
 * before any answer; a login or create must reach the server once only. */
static void test_post_never_resent_on_a_dead_reused_connection(void **state)
{
    struct fixture *f = *state;
    atomic_store(&resets_seen, 0);
    struct event ev = wait_for(f, submit(f, "a", OP_GET, "/", "GET", 0)); /* a warm connection */
    event_free(&ev);
    ev = wait_for(f, submit(f, "a", OP_CREATE, "/reset-post", "POST", 0));
    assert_int_equal(ev.err, ERR_NETWORK);
    event_free(&ev);
    assert_int_equal(atomic_load(&resets_seen), 1);
}

static void test_event_fd_tracks_queue(void **state)
{
    struct fixture *f = *state;
    int fd = worker_event_fd(f->w);
    struct pollfd p = {fd, POLLIN, 0};
    assert_int_equal(poll(&p, 1, 0), 0);
    submit(f, "a", OP_GET, "/", "GET", 0);
    assert_int_equal(poll(&p, 1, 5000), 1);
    struct event ev;
    assert_true(worker_next_event(f->w, &ev));
    event_free(&ev);
    assert_int_equal(poll(&p, 1, 0), 0);
}

static void test_body_too_large_refused(void **state)
{
    struct fixture *f = *state;
    struct event ev = wait_for(f, submit(f, "a", OP_GET, "/huge", "GET", 0));
    /* an answer, though none a provider documents: unexpected (exit 3) */
    assert_int_equal(ev.err, ERR_PROVIDER);
    assert_non_null(strstr(ev.error, "sent more than 16 MB"));
    event_free(&ev);
}

static void test_secrets_through_keyring_jobs(void **state)
{
    struct fixture *f = *state;
    /* no key stored yet: a clear keyring error, no request sent */
    struct event ev = wait_for(f, submit(f, "kr", OP_VERIFY, "/auth", "GET", 0));
    assert_int_equal(ev.err, ERR_KEYRING);
    assert_non_null(strstr(ev.error, "no api_key in the keyring"));
    event_free(&ev);
    assert_int_equal(loopback_requests(f->lb), 0);

    struct job j = {.kind = JOB_SECRET_STORE, .kind_name = xstrdup("api_key"),
                    .secret = xstrdup("k-123")};
    j.account.id = xstrdup("kr");
    j.account.label = xstrdup("keyring test");
    ev = wait_for(f, worker_submit(f->w, &j));
    assert_int_equal(ev.err, 0);
    event_free(&ev);

    ev = wait_for(f, submit(f, "kr", OP_VERIFY, "/auth", "GET", 0));
    assert_int_equal(ev.err, 0); /* the server saw the stored key */
    event_free(&ev);

    struct job c = {.kind = JOB_SECRET_CLEAR};
    c.account.id = xstrdup("kr");
    ev = wait_for(f, worker_submit(f->w, &c));
    assert_int_equal(ev.err, 0);
    event_free(&ev);

    struct job l = {.kind = JOB_SECRET_LOOKUP, .kind_name = xstrdup("api_key")};
    l.account.id = xstrdup("kr");
    ev = wait_for(f, worker_submit(f->w, &l));
    assert_int_equal(ev.err, ERR_KEYRING);
    assert_null(ev.secret);
    event_free(&ev);
}

static void test_unknown_provider_and_http_policy(void **state)
{
    struct fixture *f = *state;
    struct job j = {.kind = JOB_OP, .op = OP_LIST};
    j.account.id = xstrdup("x");
    j.account.provider_id = xstrdup("nope");
    struct event ev = wait_for(f, worker_submit(f->w, &j));
    assert_int_equal(ev.err, ERR_CONFIG);
    event_free(&ev);

    struct job h = {.kind = JOB_OP, .op = OP_GET};
    h.account.id = xstrdup("x");
    h.account.provider_id = xstrdup("loop");
    h.account.base_url = xstrdup("http://portal.example.org");
    ev = wait_for(f, worker_submit(f->w, &h));
    assert_int_equal(ev.err, ERR_USAGE);
    assert_non_null(strstr(ev.error, "plain http://"));
    event_free(&ev);
}

/* Plain http to a host that is not loopback is refused for every request,
 * a follow-up that a parse asked for too, before it is sent. */
static void test_followup_to_another_host_refused(void **state)
{
    struct fixture *f = *state;
    struct event ev = wait_for(f, submit(f, "a", OP_LIST, "/away", "GET", 0));
    assert_int_equal(ev.err, ERR_USAGE);
    assert_non_null(strstr(ev.error, "plain http:// to 127.0.0.1.nip.io is refused"));
    assert_int_equal(loopback_requests(f->lb), 1); /* the first only */
    event_free(&ev);
}

/* A redirect is an answer, never followed (the key would go where it says). */
static void test_redirect_not_followed(void **state)
{
    struct fixture *f = *state;
    struct event ev = wait_for(f, submit(f, "a", OP_GET, "/redirect", "GET", 0));
    assert_int_equal(ev.err, ERR_PROVIDER); /* an unexpected answer (exit 3), not the network */
    assert_non_null(strstr(ev.error, "HTTP 302"));
    assert_int_equal(loopback_requests(f->lb), 1);
    event_free(&ev);
}

/* Secrets the caller gives (the check of an account not saved yet) are
 * used instead of the keyring's; a server echoing one gets it masked. */
static uint64_t submit_with_key(struct fixture *f, const char *path, const char *key)
{
    struct job j = {.kind = JOB_OP, .op = OP_VERIFY};
    j.account.id = xstrdup("given");
    j.account.provider_id = xstrdup("loop");
    j.account.base_url = xstrdup(f->base);
    j.args.status = xstrdup(path);
    secret_bag_put(&j.secrets, "api_key", key);
    return worker_submit(f->w, &j);
}

static void test_given_secrets_and_scrub(void **state)
{
    struct fixture *f = *state;
    struct event ev = wait_for(f, submit_with_key(f, "/auth", "k-123"));
    assert_int_equal(ev.err, 0); /* no keyring item: the given key was sent */
    event_free(&ev);

    ev = wait_for(f, submit_with_key(f, "/echo-auth", "k-secret-echoed"));
    assert_int_equal(ev.err, ERR_PROVIDER);
    assert_non_null(strstr(ev.error, "Bearer [secret api_key]"));
    assert_null(strstr(ev.error, "k-secret-echoed"));
    event_free(&ev);
}

static void test_stop_with_requests_in_flight(void **state)
{
    struct fixture *f = *state;
    for (int i = 0; i < 4; i++)
        submit(f, "a", OP_GET, "/hang", "GET", 0);
    poll(NULL, 0, 100);
    int64_t t0 = mono_ms();
    worker_stop(f->w);
    f->w = worker_start(NULL, NULL); /* teardown stops this one */
    assert_true(mono_ms() - t0 < 1000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_requests_run_concurrently, setup, teardown),
        cmocka_unit_test_setup_teardown(test_followup_to_another_host_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_given_secrets_and_scrub, setup, teardown),
        cmocka_unit_test_setup_teardown(test_redirect_not_followed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_per_host_cap, setup_cap2, teardown),
        cmocka_unit_test_setup_teardown(test_retry_5xx_when_idempotent, setup, teardown),
        cmocka_unit_test_setup_teardown(test_no_retry_5xx_for_post, setup, teardown),
        cmocka_unit_test_setup_teardown(test_429_waits_for_retry_after, setup, teardown),
        cmocka_unit_test_setup_teardown(test_429_past_deadline_is_reported, setup, teardown),
        cmocka_unit_test_setup_teardown(test_deadline_with_hanging_server, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cancel_job, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cancel_paced_not_sent, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cancel_account_drops_answers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cancel_account_spares_later_jobs, setup, teardown),
        cmocka_unit_test_setup_teardown(test_followups_merge_into_one_event, setup, teardown),
        cmocka_unit_test_setup_teardown(test_post_never_resent_on_a_dead_reused_connection, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_event_fd_tracks_queue, setup, teardown),
        cmocka_unit_test_setup_teardown(test_body_too_large_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_secrets_through_keyring_jobs, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unknown_provider_and_http_policy, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stop_with_requests_in_flight, setup, teardown),
        cmocka_unit_test_setup_teardown(test_budget_paces_a_listing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_workers_share_a_budget, setup, teardown),
        cmocka_unit_test_setup_teardown(test_listing_that_paces_is_not_given_up, setup, teardown),
        cmocka_unit_test_setup_teardown(test_429_shrinks_the_budget_and_waits, setup, teardown),
        cmocka_unit_test_setup_teardown(test_always_refused_gives_up, setup, teardown),
        cmocka_unit_test_setup_teardown(test_always_refused_unsaid_ends_at_the_timeout, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_retry_after_longer_than_the_timeout_fails_at_once,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_progress_tells_units_and_budget, setup, teardown),
        cmocka_unit_test_setup_teardown(test_one_url_is_asked_once_per_job, setup, teardown),
        cmocka_unit_test_setup_teardown(test_slow_answers_within_the_timeout_succeed, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_spent_downstream_limit_blocks_until_reset, setup,
                                        teardown),
    };
    return cmocka_run_group_tests_name("worker", tests, NULL, NULL);
}
