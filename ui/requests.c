/* The dashboard's own requests to the worker, each with what to do with its
 * answer, and the children it started (browsers) until they are reaped.
 * UI thread only. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "actions.h"
#include "app.h"
#include "util.h"
#include "worker.h"

#define CHILD_WATCH_MS 10000 /* a launcher that fails, fails at once */
#define CHILD_POLL_MS 250

struct request {
    uint64_t job;
    char *account_id;
    char *what;
    char *progress;       /* news while it runs ("waiting for the keyring") */
    request_fn done;
    void *ctx;
    void (*ctx_free)(void *);
};

struct child {
    pid_t pid;
    char *what;
    char *hint;           /* what to do when it fails at once, or NULL */
    int64_t started;      /* monotonic ms */
};

struct actions {
    struct request *req;
    size_t n, cap;
    struct child *kids;
    size_t n_kids;
    struct kv *last;      /* account id -> last token template */
    size_t n_last;
};

static struct actions *state(struct app *app)
{
    if (!app->actions)
        app->actions = xcalloc(1, sizeof(struct actions));
    return app->actions;
}

static void request_free(struct request *r)
{
    if (r->ctx_free)
        r->ctx_free(r->ctx);
    free(r->account_id);
    free(r->what);
    free(r->progress);
    memset(r, 0, sizeof *r);
}

uint64_t request_submit(struct app *app, struct job *job, const char *what, request_fn done,
                        void *ctx, void (*ctx_free)(void *))
{
    if (!app->worker) {
        struct event ev;
        memset(&ev, 0, sizeof ev);
        ev.kind = job->kind;
        ev.op = job->op;
        ev.account_id = xstrdup(job->account.id);
        ev.err = ERR_INTERNAL;
        ev.error = xstrdup(app->worker_error ? app->worker_error : "the worker is not running");
        job_free(job);
        done(app, &ev, ctx);
        if (ctx_free)
            ctx_free(ctx);
        event_free(&ev);
        app->dirty = true;
        return 0;
    }
    struct actions *st = state(app);
    if (st->n == st->cap) {
        st->cap = st->cap ? st->cap * 2 : 16;
        st->req = xrealloc(st->req, st->cap * sizeof *st->req);
    }
    struct request *r = &st->req[st->n];
    memset(r, 0, sizeof *r);
    r->account_id = xstrdup(job->account.id);
    r->what = xstrdup(what);
    r->done = done;
    r->ctx = ctx;
    r->ctx_free = ctx_free;
    r->job = worker_submit(app->worker, job);
    st->n++;
    app->dirty = true;
    return r->job;
}

static void log_outcome(struct app *app, const char *account, const char *what,
                        const struct event *ev)
{
    char *line = ev->err ? xasprintf("%s: %s", what, ev->error ? ev->error : "failed")
                         : xasprintf("%s: done", what);
    msglog_add(&app->log, now_ms(), ev->err ? MSGLOG_ERROR : MSGLOG_INFO, account, line);
    free(line);
}

bool requests_on_event(struct app *app, struct event *ev)
{
    struct actions *st = app->actions;
    if (!st)
        return false;
    size_t i = 0;
    while (i < st->n && st->req[i].job != ev->job_id)
        i++;
    if (i == st->n)
        return false;
    app->dirty = true;
    if (ev->progress) {
        free(st->req[i].progress);
        char *news = sanitize_text(ev->error ? ev->error : "working");
        char *paren = strstr(news, " ("); /* the short of it, for the status bar */
        if (paren)
            *paren = '\0';
        st->req[i].progress = news;
        return true;
    }
    /* out of the table before it runs: done may submit or drop others */
    struct request r = st->req[i];
    st->req[i] = st->req[--st->n];
    const struct store_account *sa = store_find(&app->store, r.account_id);
    char *name = xstrdup(sa ? (sa->a.label ? sa->a.label : sa->a.id) : r.account_id);
    uint64_t logged = app->log.added;
    app->log_account = name; /* what done says is about this account */
    r.done(app, ev, r.ctx);
    app->log_account = NULL;
    if (app->log.added == logged) /* done said nothing: the log still has its outcome */
        log_outcome(app, name, r.what, ev);
    free(name);
    app_progress_done(app, r.job); /* its "... ing" line, unless done said more */
    request_free(&r);
    return true;
}

void requests_drop_account(struct app *app, const char *account_id)
{
    struct actions *st = app->actions;
    if (!st || !account_id)
        return;
    for (size_t i = 0; i < st->n;) {
        if (st->req[i].account_id && strcmp(st->req[i].account_id, account_id) == 0) {
            struct request r = st->req[i];
            st->req[i] = st->req[--st->n];
            request_free(&r);
        } else {
            i++;
        }
    }
}

size_t requests_in_flight(const struct app *app, char **what)
{
    const struct actions *st = app->actions;
    size_t n = st ? st->n : 0;
    if (!what)
        return n;
    *what = NULL;
    if (n == 0)
        return 0;
    bool same = true;
    for (size_t i = 1; i < n; i++)
        same = same && strcmp(st->req[i].what, st->req[0].what) == 0;
    if (n == 1 && st->req[0].progress)
        *what = xasprintf("%s: %s", st->req[0].what, st->req[0].progress);
    else if (n == 1)
        *what = xstrdup(st->req[0].what);
    else if (same)
        *what = xasprintf("%s %zu", st->req[0].what, n);
    else
        *what = xasprintf("%zu requests", n);
    return n;
}

void requests_add_child(struct app *app, pid_t pid, const char *what, const char *hint)
{
    struct actions *st = state(app);
    st->kids = xrealloc(st->kids, (st->n_kids + 1) * sizeof *st->kids);
    st->kids[st->n_kids++] = (struct child){pid, xstrdup(what), xstrdup(hint), mono_ms()};
}

size_t requests_children(const struct app *app, const char *what)
{
    const struct actions *st = app->actions;
    size_t n = 0;
    for (size_t i = 0; st && i < st->n_kids; i++)
        n += strcmp(st->kids[i].what, what) == 0;
    return n;
}

void requests_reap(struct app *app)
{
    struct actions *st = app->actions;
    if (!st)
        return;
    for (size_t i = 0; i < st->n_kids;) {
        struct child *c = &st->kids[i];
        int status = 0;
        pid_t r = waitpid(c->pid, &status, WNOHANG);
        if (r == 0 || (r < 0 && errno == EINTR)) {
            i++;
            continue;
        }
        bool quick = mono_ms() - c->started < CHILD_WATCH_MS;
        if (r == c->pid && quick && WIFEXITED(status) && WEXITSTATUS(status) != 0)
            app_error(app, "%s failed (exit status %d)%s%s", c->what, WEXITSTATUS(status),
                      c->hint ? ": " : "", c->hint ? c->hint : "");
        free(c->what);
        free(c->hint);
        st->kids[i] = st->kids[--st->n_kids];
    }
}

int64_t requests_next_due(const struct app *app)
{
    const struct actions *st = app->actions;
    int64_t now = mono_ms();
    for (size_t i = 0; st && i < st->n_kids; i++)
        if (now - st->kids[i].started < CHILD_WATCH_MS)
            return now + CHILD_POLL_MS;
    return 0; /* past that, reaped whenever the loop next wakes */
}

const char *requests_last_template(struct app *app, const char *account_id)
{
    struct actions *st = state(app);
    for (size_t i = 0; account_id && i < st->n_last; i++)
        if (strcmp(st->last[i].key, account_id) == 0)
            return st->last[i].value;
    return NULL;
}

void requests_set_last_template(struct app *app, const char *account_id, const char *name)
{
    struct actions *st = state(app);
    if (!account_id)
        return;
    for (size_t i = 0; i < st->n_last; i++) {
        if (strcmp(st->last[i].key, account_id) == 0) {
            free(st->last[i].value);
            st->last[i].value = xstrdup(name ? name : "");
            return;
        }
    }
    st->last = xrealloc(st->last, (st->n_last + 1) * sizeof *st->last);
    st->last[st->n_last].key = xstrdup(account_id);
    st->last[st->n_last++].value = xstrdup(name ? name : "");
}

void requests_free(struct app *app)
{
    struct actions *st = app->actions;
    if (!st)
        return;
    for (size_t i = 0; i < st->n; i++)
        request_free(&st->req[i]);
    free(st->req);
    for (size_t i = 0; i < st->n_kids; i++) {
        free(st->kids[i].what);
        free(st->kids[i].hint);
    }
    free(st->kids);
    for (size_t i = 0; i < st->n_last; i++) {
        free(st->last[i].key);
        free(st->last[i].value);
    }
    free(st->last);
    free(st);
    app->actions = NULL;
}
