/* Before anything expires: the dashboard watches every live session's
 * crossing of its account's `expiring` (expiry.h) and tells each once: on
 * the message line, and as sesame.conf asks, with the bell, a desktop
 * notification (notify-send, else the terminal's OSC 9 / OSC 777) and the
 * user's on-expiring command (its fields in SESAME_*, without a shell,
 * reaped with the browsers): one run per session, MAX_COMMANDS at once,
 * the rest queued and started as those end (none dropped in silence: past
 * MAX_QUEUED waiting, what is not run is said). A Plantly login whose account says
 * auto_refresh renews itself at the crossing instead; a renewal refused is
 * a loud message (and, by the worker, a journal line), and then told as
 * expiring. A CBRAIN login of such an account is checked with each
 * automatic refresh (app.c); one found over is a loud message too.
 *
 * No timer of its own beyond the next crossing: the loop sleeps until the
 * earliest one (expiry_due), and a change of the sessions is looked at
 * once it settles (a burst of listing news is one look). */
#include <glib.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "action_common.h"
#include "actions.h"
#include "app.h"
#include "browser.h"
#include "expiry.h"
#include "launch.h"
#include "redact.h"
#include "session_status.h"
#include "ui.h"
#include "util.h"
#include "worker.h"

#define SETTLE_MS 200          /* a change is looked at this long after it */
#define MAX_COMMANDS 8         /* on-expiring commands running at once, at most */
#define MAX_QUEUED 10000       /* ... and waiting their turn (each an environment) */
#define QUEUE_LOOK_MS 250      /* while some wait: how often the ended ones are reaped */
#define COMMAND_WHAT "the on-expiring command"

struct renewal {
    uint64_t job;
    char *account_id, *session_id;
};

struct expiry_watch {
    GHashTable *told;          /* session id -> the crossing (int64_t *) told of, or
                                * renewed at: once each; a renewed session crosses
                                * anew at another time */
    unsigned version;          /* the store's sessions_version last looked at */
    int64_t next_wall;         /* the next crossing (wall ms), 0: none */
    int64_t settle_mono;       /* a change waits to be looked at until then, 0: none */
    struct renewal *renew;
    size_t n_renew;
    GQueue waiting;            /* environments (char **) of on-expiring runs not started */
};

static struct expiry_watch *watch(struct app *app)
{
    if (!app->expiry) {
        app->expiry = xcalloc(1, sizeof *app->expiry);
        app->expiry->told = g_hash_table_new_full(g_str_hash, g_str_equal, free, free);
        app->expiry->version = app->store.sessions_version - 1; /* look at the first list */
    }
    return app->expiry;
}

void expiry_free(struct app *app)
{
    struct expiry_watch *w = app->expiry;
    if (!w)
        return;
    g_hash_table_destroy(w->told);
    for (size_t i = 0; i < w->n_renew; i++) {
        free(w->renew[i].account_id);
        free(w->renew[i].session_id);
    }
    free(w->renew);
    char **env;
    while ((env = g_queue_pop_head(&w->waiting)))
        strv_free(env);
    free(w);
    app->expiry = NULL;
}

static void names_of(const struct store_account *sa, struct expiry_names *n)
{
    n->account_id = sa->a.id;
    n->account_label = sa->a.label;
    n->provider_id = sa->a.provider_id;
    n->provider_title = sa->provider ? sa->provider->title : sa->a.provider_id;
}

/* ---- telling ---- */

static void desktop_notify(struct app *app, const char *body)
{
    char *title = "sesame: a session expires soon";
    char *path = g_find_program_in_path("notify-send");
    bool desktop = getenv("DISPLAY") || getenv("WAYLAND_DISPLAY");
    if (path && desktop) {
        char *argv[] = {path, (char *)"--app-name=sesame", title, (char *)body, NULL};
        pid_t pid;
        if (spawn_detached(argv, NULL, true, &pid) == 0)
            requests_add_child(app, pid, "notify-send", NULL);
    } else {
        char *seq = expiry_osc(getenv("TERM"), title, body);
        write_full(STDOUT_FILENO, seq, strlen(seq)); /* beside curses: it draws nothing */
        free(seq);
    }
    g_free(path);
}

static void start_command(struct app *app, char **env)
{
    char **argv = NULL, *err = NULL;
    if (expiry_argv(app->prefs.on_expiring, &argv, &err) != 0) {
        app_error(app, "%s", err);
        free(err);
        return;
    }
    pid_t pid;
    int e = spawn_detached(argv, env, true, &pid);
    if (e == 0)
        requests_add_child(app, pid, COMMAND_WHAT, "see `set on-expiring` in sesame.conf");
    else
        app_error(app, "the on-expiring command %s could not start: %s", argv[0], strerror(e));
    strv_free(argv);
}

/* Start the waiting runs while fewer than MAX_COMMANDS are running. */
static void run_waiting(struct app *app)
{
    struct expiry_watch *w = watch(app);
    if (g_queue_is_empty(&w->waiting))
        return;
    requests_reap(app);
    while (!g_queue_is_empty(&w->waiting) && requests_children(app, COMMAND_WHAT) < MAX_COMMANDS) {
        char **env = g_queue_pop_head(&w->waiting);
        start_command(app, env);
        strv_free(env);
    }
}

/* One run for session s, in its turn; false when too many wait already. */
static bool queue_command(struct app *app, const struct session *s, const struct store_account *sa)
{
    struct expiry_watch *w = watch(app);
    if (g_queue_get_length(&w->waiting) >= MAX_QUEUED)
        return false;
    struct expiry_names n;
    names_of(sa, &n);
    g_queue_push_tail(&w->waiting, expiry_env(NULL, s, &n, now_ms()));
    return true;
}

/* What the message line and a notification say of sessions told together. */
static char *said(struct app *app, const struct session *first, const struct store_account *sa,
                  size_t n, int64_t now)
{
    struct expiry_names names;
    names_of(sa, &names);
    struct session masked; /* screen-share mode: a notification is on the screen too */
    if (app->redact)
        redact_session(first, &masked);
    char *one = expiry_text(app->redact ? &masked : first, &names, now);
    if (app->redact)
        redacted_session_free(&masked);
    if (n == 1)
        return one;
    char *many = xasprintf("%zu sessions expire soon: %s (and %zu more)", n, one, n - 1);
    free(one);
    return many;
}

/* Sessions v[0..n) crossed their threshold: say so, as sesame.conf asks. */
static void tell(struct app *app, const size_t *v, size_t n, bool loud, int64_t now)
{
    if (n == 0)
        return;
    const struct session *first = &app->store.sessions.v[v[0]];
    const struct store_account *sa = store_find(&app->store, first->account_id);
    if (!sa)
        return;
    char *text = said(app, first, sa, n, now);
    if (loud) /* after a failed renewal: logged, the line keeps the failure (it says more) */
        msglog_add(&app->log, now_ms(), MSGLOG_ERROR, app->log_account, text);
    else
        app_message(app, "%s", text);
    if (app->prefs.expiring_bell && screen_active())
        beep();
    if (app->prefs.expiring_notify)
        desktop_notify(app, text);
    free(text);
    size_t dropped = 0;
    for (size_t i = 0; app->prefs.on_expiring && i < n; i++) {
        const struct session *s = &app->store.sessions.v[v[i]];
        const struct store_account *a = store_find(&app->store, s->account_id);
        if (a && !queue_command(app, s, a))
            dropped++;
    }
    if (dropped)
        app_error(app, "the on-expiring command was not run for %zu session%s: %d wait their "
                  "turn already", dropped, dropped == 1 ? "" : "s", MAX_QUEUED);
    run_waiting(app);
}

/* ---- renewing ---- */

static bool renews_itself(const struct app *app, const struct store_account *sa)
{
    return sa->policy.auto_refresh && sa->provider && (sa->provider->caps & CAP_REFRESH) &&
           !store_account_lists(sa) && !app->read_only && !sa->policy.read_only && app->worker;
}

static void renew(struct app *app, const struct session *s, size_t i)
{
    struct expiry_watch *w = watch(app);
    struct store_account *sa = &app->store.acc[i];
    struct job j = act_op_job(&sa->a, OP_REFRESH);
    j.args.session_id = xstrdup(s->id);
    j.user = xstrdup(s->user_display ? s->user_display : s->user_id);
    uint64_t job = worker_submit(app->worker, &j);
    w->renew = xrealloc(w->renew, (w->n_renew + 1) * sizeof *w->renew);
    w->renew[w->n_renew++] = (struct renewal){job, xstrdup(sa->a.id), xstrdup(s->id)};
    store_add_check(&app->store, i, job, s->id); /* the store takes its answer in */
}

/* ---- looking ---- */

/* Every session: those past their crossing and not told yet are told (or
 * renewed); the earliest crossing to come is the next look. */
static void look(struct app *app, int64_t now)
{
    struct expiry_watch *w = watch(app);
    const struct store *st = &app->store;
    size_t *due = NULL, n_due = 0;
    int64_t next = 0;
    const char *last_id = NULL;
    ssize_t acc = -1;
    for (size_t k = 0; k < st->sessions.n; k++) {
        const struct session *s = &st->sessions.v[k];
        if (!last_id || !s->account_id || strcmp(s->account_id, last_id) != 0) {
            acc = store_index(st, s->account_id); /* once per run of one account */
            last_id = s->account_id;
        }
        if (acc < 0 || !s->id)
            continue;
        const struct store_account *sa = &st->acc[acc];
        int64_t crossing = expiry_crossing(s, sa->policy.expiring_ms);
        if (crossing > now) {
            if (!next || crossing < next)
                next = crossing;
            continue; /* no look-up: this runs over every session of 100k */
        }
        if (!crossing || !session_expiring(s, now, sa->policy.expiring_ms))
            continue;
        const int64_t *was = g_hash_table_lookup(w->told, s->id);
        if (was && *was == crossing)
            continue;
        int64_t *at = xmalloc(sizeof *at);
        *at = crossing;
        g_hash_table_replace(w->told, xstrdup(s->id), at);
        if (renews_itself(app, sa)) {
            renew(app, s, (size_t)acc);
            continue;
        }
        due = xrealloc(due, (n_due + 1) * sizeof *due);
        due[n_due++] = k;
    }
    w->next_wall = next;
    w->version = st->sessions_version;
    tell(app, due, n_due, false, now);
    free(due);
}

void expiry_tick(struct app *app)
{
    struct expiry_watch *w = watch(app);
    run_waiting(app);
    int64_t mono = mono_ms(), wall = now_ms();
    if (w->version != app->store.sessions_version && !w->settle_mono)
        w->settle_mono = mono + SETTLE_MS;
    bool crossed = w->next_wall && wall >= w->next_wall;
    bool settled = w->settle_mono && mono >= w->settle_mono;
    if (!crossed && !settled)
        return;
    w->settle_mono = 0;
    look(app, wall);
}

int64_t expiry_due(struct app *app)
{
    struct expiry_watch *w = watch(app);
    int64_t due = w->settle_mono;
    if (!g_queue_is_empty(&w->waiting)) {
        int64_t at = mono_ms() + QUEUE_LOOK_MS;
        if (!due || at < due)
            due = at;
    }
    if (w->next_wall) {
        int64_t at = mono_ms() + (w->next_wall - now_ms());
        if (!due || at < due)
            due = at > 0 ? at : 1;
    }
    return due;
}

/* ---- answers ---- */

/* A renewal of ours answered (the store has taken it in): said, loudly when
 * it failed; then the session is told as expiring. */
static void renewed(struct app *app, size_t r, const struct event *ev)
{
    struct expiry_watch *w = watch(app);
    struct renewal rn = w->renew[r];
    w->renew[r] = w->renew[--w->n_renew];
    struct session *s = store_session_find(&app->store, rn.account_id, rn.session_id);
    const struct store_account *sa = store_find(&app->store, rn.account_id);
    const char *name = sa ? (sa->a.label ? sa->a.label : sa->a.id) : rn.account_id;
    int64_t now = now_ms(), left = 0;
    char in[32] = "";
    if (s && session_time_left(s, now, &left))
        format_duration(left, in, sizeof in);
    if (!ev->err) {
        app_message(app, "renewed session %s (%s) before it expired%s%s", rn.session_id, name,
                    *in ? "; it now expires in " : "", in);
    } else {
        app_error(app, "could not renew session %s (%s) before it expires: %s%s%s",
                  rn.session_id, name, ev->error ? ev->error : "failed",
                  *in ? "; it expires in " : "", in);
        if (screen_active())
            beep(); /* loud: a session is about to go */
        if (s && sa) {
            size_t k = (size_t)(s - app->store.sessions.v);
            tell(app, &k, 1, true, now);
        }
    }
    free(rn.account_id);
    free(rn.session_id);
}

/* A check of a CBRAIN login whose account checks itself found it over. */
static void check_answered(struct app *app, const struct event *ev)
{
    const struct store_account *sa = store_find(&app->store, ev->account_id);
    if (!sa || !sa->policy.auto_refresh || ev->err)
        return; /* a check that could not ask shows in the account's state */
    const struct session *s = ev->result.sessions.n ? &ev->result.sessions.v[0] : NULL;
    if (!s || session_status_live(s->status))
        return;
    app_error(app, "%s: login %s has ended at %s (%s)", sa->a.label ? sa->a.label : sa->a.id,
              s->id, sa->provider ? sa->provider->title : sa->a.provider_id,
              session_status_name(s->status));
    if (screen_active())
        beep();
}

void expiry_on_event(struct app *app, const struct event *ev)
{
    if (ev->progress || ev->kind != JOB_OP)
        return;
    struct expiry_watch *w = watch(app);
    for (size_t r = 0; ev->op == OP_REFRESH && r < w->n_renew; r++) {
        if (w->renew[r].job == ev->job_id) {
            renewed(app, r, ev);
            return;
        }
    }
    if (ev->op == OP_INFO)
        check_answered(app, ev);
}
