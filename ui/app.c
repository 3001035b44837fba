/* ui_run: set up (preferences, theme, accounts, worker, terminal), the one
 * loop that sleeps in poll() until a key, a worker event, a signal or the
 * next visible change, and the way out that leaves the terminal as it was. */
#include "app.h"

#include <errno.h>
#include <limits.h>
#include <locale.h>
#include <langinfo.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "actions.h"
#include "budget_shared.h"
#include "config.h"
#include "draw.h"
#include "filewatch.h"
#include "journal.h"
#include "redact.h"
#include "providers/provider.h"
#include "session_status.h"
#include "signals.h"
#include "state.h"
#include "ui.h"
#include "util.h"
#include "worker.h"

/* ---- helpers the views use ---- */

/* The message line may show a secret the user asked for (O on a short
 * Vault URL): every copy is wiped when it goes. */
static void show_message(struct app *app, enum msglog_level level, const char *raw)
{
    bool error = level == MSGLOG_ERROR;
    wipe_free(app->message);
    app->message = sanitize_text(raw);
    if (app->redact) { /* a message names sessions, users' addresses: masked too */
        char *masked = redact_line(app->message);
        wipe_free(app->message);
        app->message = masked;
    }
    app->message_error = error;
    app->message_job = 0;
    free(app->message_account);
    app->message_account = NULL;
    app->dirty = true;
}

static void set_message(struct app *app, enum msglog_level level, const char *fmt, va_list ap)
{
    char *raw = xvasprintf(fmt, ap);
    msglog_add(&app->log, now_ms(), level, app->log_account, raw);
    show_message(app, level, raw);
    wipe_free(raw);
}

void app_hint(struct app *app, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *text = xvasprintf(fmt, ap);
    va_end(ap);
    show_message(app, MSGLOG_INFO, text);
    free(text);
}

void app_message_secret(struct app *app, const char *secret, const char *note)
{
    msglog_add(&app->log, now_ms(), MSGLOG_INFO, app->log_account, note);
    show_message(app, MSGLOG_INFO, secret);
}

void app_progress(struct app *app, uint64_t job, const char *fmt, ...)
{
    if (!job)
        return; /* answered already (no worker): its answer is on the line */
    va_list ap;
    va_start(ap, fmt);
    set_message(app, MSGLOG_JOB, fmt, ap);
    va_end(ap);
    app->message_job = job;
}

void app_progress_done(struct app *app, uint64_t job)
{
    if (!job || app->message_job != job)
        return;
    wipe_free(app->message);
    app->message = NULL;
    app->message_job = 0;
    app->dirty = true;
}

/* The refresh app_refresh_said announced is over: its outcome replaces the
 * "refreshing" line. */
static void refresh_settle(struct app *app)
{
    ssize_t i = app->message_account ? store_index(&app->store, app->message_account) : -1;
    if (!app->message_account)
        return;
    const struct store_account *sa = i >= 0 ? &app->store.acc[i] : NULL;
    if (sa && (sa->job || sa->n_checks))
        return; /* still at it */
    const char *name = sa ? (sa->a.label ? sa->a.label : sa->a.id) : app->message_account;
    app->log_account = name;
    if (!sa)
        app_message(app, "%s is gone", name);
    else if (sa->state == ACCOUNT_ERROR || sa->state == ACCOUNT_KEYRING_LOCKED ||
             sa->state == ACCOUNT_KEYRING_UNAVAILABLE)
        app_error(app, "%s: %s", name, sa->error ? sa->error : account_state_name(sa->state));
    else
        app_message(app, "%s %s%s: %zu session%s", app->message_full ? "listed" : "refreshed",
                    name, app->message_full ? " again in full" : "", sa->n_sessions,
                    sa->n_sessions == 1 ? "" : "s");
    app->log_account = NULL;
}

void app_refresh_said(struct app *app, size_t i, bool full)
{
    if (i >= app->store.n_acc)
        return;
    if (full)
        app_relist_account(app, i);
    else
        app_refresh_account(app, i);
    const struct store_account *sa = &app->store.acc[i];
    app->log_account = sa->a.label ? sa->a.label : sa->a.id;
    app_message(app, full ? "listing %s again in full" : "refreshing %s", app->log_account);
    app->log_account = NULL;
    app->message_account = xstrdup(sa->a.id);
    app->message_full = full;
    refresh_settle(app);
}

void app_message(struct app *app, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    set_message(app, MSGLOG_INFO, fmt, ap);
    va_end(ap);
}

void app_error(struct app *app, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    set_message(app, MSGLOG_ERROR, fmt, ap);
    va_end(ap);
}

const char *app_spinner_glyph(const struct app *app)
{
    static const char *const braille[] = {"⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"};
    static const char *const ascii[] = {"|", "/", "-", "\\"};
    if (text_ascii())
        return ascii[app->spinner % ARRAY_LEN(ascii)];
    return braille[app->spinner % ARRAY_LEN(braille)];
}

const char *app_key_for(const struct app *app, enum action a, char *buf, size_t bufsz)
{
    keycode k;
    if (keymap_keys(&app->keymap, a, &k, 1) == 0) {
        if (bufsz)
            buf[0] = '\0';
        return buf;
    }
    return keycode_name(k, buf, bufsz);
}

void app_open_overlay(struct app *app, struct view *v)
{
    app_close_overlay(app);
    app->overlay = v;
    v->focused = true;
    screen_layout(app);
    app->dirty = true;
}

void app_close_overlay(struct app *app)
{
    if (!app->overlay)
        return;
    app->overlay->ops->destroy(app->overlay);
    app->overlay = NULL;
    app->dirty = true;
}

static void views_changed(struct app *app)
{
    for (size_t i = 0; i < app->n_panes; i++)
        if (app->panes[i]->ops->changed)
            app->panes[i]->ops->changed(app->panes[i], app);
    if (app->overlay && app->overlay->ops->changed)
        app->overlay->ops->changed(app->overlay, app);
    screen_layout(app);
    app->dirty = true;
}

/* ---- refreshing ---- */

static void reload_tracked(struct app *app)
{
    state_file_changed(&app->state_stamp); /* before the read: a write after it shows next time */
    struct session_list tracked = {0};
    char *err = NULL;
    if (state_load(&tracked, &err) != 0) {
        app_error(app, "%s", err ? err : "cannot read the state file");
        free(err);
    }
    store_set_tracked(&app->store, &tracked);
    session_list_clear(&tracked);
}

/* Where the provider can tell: ask whether each tracked session is still
 * valid (CBRAIN, OP_INFO), or renew it (Plantly, OP_REFRESH, as `sesame
 * refresh` does). Renewing rotates the tokens, a change: only when r asks
 * for that account (renew), never in read-only mode, at start or on R. */
static bool can_check(const struct app *app, const struct store_account *sa, bool renew)
{
    if (!sa->provider || store_account_lists(sa))
        return false;
    return (sa->provider->caps & CAP_INFO) ||
           (renew && !app->read_only && !sa->policy.read_only &&
            (sa->provider->caps & CAP_REFRESH));
}

/* live_only: an automatic round (auto_refresh) asks only about the logins
 * not known to be over, so that one found ended is told (and journalled)
 * once, not at every round. */
static void check_tracked(struct app *app, size_t i, bool live_only)
{
    struct store_account *sa = &app->store.acc[i];
    if (sa->n_checks)
        return; /* a round is under way */
    int64_t now = now_ms();
    for (size_t k = 0; k < app->store.sessions.n; k++) {
        const struct session *x = &app->store.sessions.v[k];
        if (!x->account_id || strcmp(x->account_id, sa->a.id) != 0 || !x->id)
            continue;
        if (live_only && !session_status_live(session_status_seen(x, now)))
            continue;
        struct job j;
        memset(&j, 0, sizeof j);
        j.kind = JOB_OP;
        j.op = sa->provider->caps & CAP_INFO ? OP_INFO : OP_REFRESH;
        account_copy(&j.account, &sa->a);
        op_args_for_tracked(&j.args, x);
        store_add_check(&app->store, i, worker_submit(app->worker, &j), x->id);
        sa = &app->store.acc[i];
    }
}

/* A listing account is refreshed: the worker asks only for what can have
 * changed since its last listing (Clerk); full asks for everything again.
 * An account showing nothing yet streams: its sessions appear as they
 * come, most recently active users first. */
static void list_account(struct app *app, size_t i, bool full)
{
    if (i >= app->store.n_acc)
        return;
    struct store_account *sa = &app->store.acc[i];
    if (!sa->provider || sa->job)
        return;
    if (!store_account_lists(sa)) {
        reload_tracked(app);
        if (can_check(app, &app->store.acc[i], true) && app->worker)
            check_tracked(app, i, false);
    } else if (!app->worker) {
        store_set_error(&app->store, i, app->worker_error ? app->worker_error : "no worker");
    } else {
        struct job j;
        memset(&j, 0, sizeof j);
        j.kind = JOB_OP;
        j.op = OP_LIST;
        /* the raw JSON (some 600 bytes a session) only when a detail view
         * asks for it, where the provider can give one session (OP_GET) */
        j.args.no_raw_json = (sa->provider->caps & CAP_GET) != 0;
        j.args.refresh = !full && sa->loaded;
        j.args.stream = sa->n_sessions == 0;
        account_copy(&j.account, &sa->a);
        uint64_t id = worker_submit(app->worker, &j);
        store_set_loading(&app->store, i, id);
        if (app->prefs.refresh_interval > 0)
            app->store.acc[i].refresh_due = mono_ms() + app->prefs.refresh_interval * 1000LL;
    }
    views_changed(app);
}

void app_refresh_account(struct app *app, size_t i)
{
    list_account(app, i, false);
}

void app_relist_account(struct app *app, size_t i)
{
    list_account(app, i, true);
}

/* A CBRAIN account that says auto_refresh: its logins are checked on the
 * listing accounts' schedule, so that one ended elsewhere is told
 * (expiry_watch.c) rather than found out at its next use. */
static bool checks_itself(const struct store_account *sa)
{
    return sa->policy.auto_refresh && sa->provider && (sa->provider->caps & CAP_INFO) &&
           !store_account_lists(sa);
}

/* Each listing account refreshes on its own schedule, counted from its
 * last refresh (by hand or automatic); one still busy (a hanging provider)
 * waits for the next round rather than piling up requests. */
static void auto_refresh(struct app *app, int64_t mono)
{
    app->refresh_due = 0;
    if (app->prefs.refresh_interval <= 0)
        return;
    int64_t every = app->prefs.refresh_interval * 1000LL;
    for (size_t i = 0; i < app->store.n_acc; i++) {
        struct store_account *sa = &app->store.acc[i];
        if (!store_account_lists(sa) && !checks_itself(sa))
            continue;
        if (!sa->refresh_due)
            sa->refresh_due = mono + every;
        else if (mono >= sa->refresh_due && (sa->job || sa->n_checks))
            sa->refresh_due = mono + every;
        else if (mono >= sa->refresh_due && store_account_lists(sa))
            app_refresh_account(app, i);
        else if (mono >= sa->refresh_due && app->worker)
            check_tracked(app, i, true);
        sa = &app->store.acc[i];
        if (mono >= sa->refresh_due) /* a tracked account's round (a listing set its own) */
            sa->refresh_due = mono + every;
        if (!app->refresh_due || sa->refresh_due < app->refresh_due)
            app->refresh_due = sa->refresh_due;
    }
}

static void refresh_listing(struct app *app)
{
    for (size_t i = 0; i < app->store.n_acc; i++)
        if (store_account_lists(&app->store.acc[i]))
            app_refresh_account(app, i);
}

/* Read accounts.conf again; the sessions and jobs of the accounts that
 * stay are kept. False when it could not be read (said). */
static bool reload_accounts(struct app *app)
{
    accounts_file_changed(&app->accounts_stamp);
    struct account_list list = {0};
    char *err = NULL;
    if (accounts_load(&list, &err) != 0) {
        app_error(app, "%s", err ? err : "cannot read the accounts");
        free(err);
        account_list_free(&list);
        return false;
    }
    for (size_t i = 0; app->worker && i < app->store.n_acc; i++) {
        struct store_account *sa = &app->store.acc[i];
        if (sa->job && !account_list_find_id(&list, sa->a.id))
            worker_cancel_account(app->worker, sa->a.id);
    }
    store_set_accounts(&app->store, &list);
    account_list_free(&list);
    return true;
}

/* How often an idle dashboard looks at the files (two stats) when it
 * cannot be woken by their changes (a directory not made yet): a login
 * made by a script shows, and renews itself, within a second or so. */
#define FILES_LOOK_MS 1000

static void watch_files(struct app *app)
{
    if (app->watch_fd < 0) {
        const char *dirs[] = {config_dir(), state_dir()};
        app->watch_fd = filewatch_open(dirs, ARRAY_LEN(dirs));
    }
    app->files_due = app->watch_fd < 0 ? mono_ms() + FILES_LOOK_MS : 0;
}

void app_sync_files(struct app *app)
{
    if (app->files_due && mono_ms() >= app->files_due)
        watch_files(app);
    struct file_stamp acc = app->accounts_stamp, st = app->state_stamp;
    bool accounts = accounts_file_changed(&acc), state = state_file_changed(&st);
    if (!accounts && !state)
        return;
    if (accounts && reload_accounts(app)) {
        for (size_t i = 0; i < app->store.n_acc; i++) /* one added elsewhere */
            if (store_account_lists(&app->store.acc[i]) && !app->store.acc[i].loaded &&
                !app->store.acc[i].job && app->store.acc[i].state == ACCOUNT_IDLE)
                app_refresh_account(app, i);
    }
    if (state)
        reload_tracked(app);
    views_changed(app);
}

void app_refresh_all(struct app *app)
{
    watch_files(app);
    reload_accounts(app);
    reload_tracked(app);
    refresh_listing(app);
    for (size_t i = 0; app->worker && i < app->store.n_acc; i++) {
        if (can_check(app, &app->store.acc[i], false))
            check_tracked(app, i, false);
    }
    views_changed(app);
}

/* ---- timers: the spinner, automatic refresh, views' own clocks ---- */

static int64_t views_next_tick(struct app *app, int64_t wall)
{
    int64_t best = -1;
    struct view *all[APP_MAX_PANES + 1];
    size_t n = 0;
    for (size_t i = 0; i < app->n_panes; i++)
        all[n++] = app->panes[i];
    if (app->overlay)
        all[n++] = app->overlay;
    for (size_t i = 0; i < n; i++) {
        if (!all[i]->ops->next_tick)
            continue;
        int64_t t = all[i]->ops->next_tick(all[i], app, wall);
        if (t >= 0 && (best < 0 || t < best))
            best = t;
    }
    return best;
}

static void run_timers(struct app *app)
{
    int64_t mono = mono_ms();
    requests_reap(app);
    if (store_in_flight(&app->store) + requests_in_flight(app, NULL) == 0) {
        app->spinner_due = 0;
    } else if (!app->spinner_due) {
        app->spinner_due = mono + APP_SPINNER_MS;
    } else if (mono >= app->spinner_due) {
        app->spinner++;
        app->spinner_due = mono + APP_SPINNER_MS;
        app->dirty = true;
    }
    auto_refresh(app, mono);
    expiry_tick(app);
    int64_t wall = now_ms(), tick = views_next_tick(app, wall);
    if (tick >= 0 && tick <= wall)
        app->ticking = true;
}

/* How long poll may sleep: until the earliest timer, or for ever (-1). */
static int sleep_ms(struct app *app)
{
    int64_t mono = mono_ms(), wall = now_ms(), due = -1;
    int64_t timers[] = {app->spinner_due, app->refresh_due, requests_next_due(app),
                        expiry_due(app), app->files_due};
    for (size_t i = 0; i < ARRAY_LEN(timers); i++)
        if (timers[i] > 0 && (due < 0 || timers[i] < due))
            due = timers[i];
    int64_t tick = views_next_tick(app, wall);
    if (tick >= 0) {
        int64_t t = mono + (tick > wall ? tick - wall : 20); /* never a busy loop */
        if (due < 0 || t < due)
            due = t;
    }
    if (due < 0)
        return -1;
    int64_t ms = due - mono;
    return ms < 0 ? 0 : ms > INT_MAX ? INT_MAX : (int)ms;
}

/* ---- the loop ---- */

#define WORK_ROWS 250 /* rows of put-off work at a time ... */
#define WORK_MS 2       /* ... for about this long between two looks at the keys */

/* Put-off work (the store taking in a big list and freeing the one it
 * replaced, the views' filter indexes): one step of WORK_ROWS rows, the
 * store's first; or (rows 0) only whether there is any. */
static bool work_step(struct app *app, size_t rows)
{
    if (store_work(&app->store, 0) > 0) {
        store_work(&app->store, rows);
        return true;
    }
    struct view *all[APP_MAX_PANES + 1];
    size_t n = 0;
    for (size_t i = 0; i < app->n_panes; i++)
        all[n++] = app->panes[i];
    if (app->overlay)
        all[n++] = app->overlay;
    for (size_t i = 0; i < n; i++) {
        if (all[i]->ops->work && all[i]->ops->work(all[i], app, 0) > 0) {
            all[i]->ops->work(all[i], app, rows);
            return true;
        }
    }
    return false;
}

/* Steps of the work put off for WORK_MS at most (a slice); true while
 * some is left. */
static bool app_work(struct app *app)
{
    int64_t end = mono_ms() + WORK_MS;
    unsigned version = app->store.version;
    bool more = true;
    while (more && (more = work_step(app, WORK_ROWS)))
        if (mono_ms() >= end)
            break;
    if (app->store.version != version) /* a big list is in */
        views_changed(app);
    return more && work_step(app, 0);
}

/* A checked or refreshed tracked session's news (or, the refresh refused,
 * what that leaves of it) goes to the state file too, so that rereading it
 * (R) does not bring back what the provider contradicted. */
static void save_checked(struct app *app, const struct event *ev)
{
    for (size_t k = 0; k < ev->result.sessions.n; k++) {
        struct session *x = store_session_find(&app->store, ev->account_id,
                                               ev->result.sessions.v[k].id);
        char *err = NULL;
        if (!x)
            continue;
        x->tracked = true;
        if (state_upsert(x, &err) != 0)
            app_error(app, "%s", err ? err : "cannot write the state file");
        free(err);
    }
}

/* A listing that is not all there is says so, in red: a person must not take
 * the first million users for the whole instance. */
static void list_warned(struct app *app, const struct event *ev)
{
    ssize_t i = store_index(&app->store, ev->account_id);
    const struct store_account *sa = i >= 0 ? &app->store.acc[i] : NULL;
    app_error(app, "%s: %s", sa && sa->a.label ? sa->a.label : ev->account_id, ev->result.warning);
}

/* A listing's outcome goes to the log when it says something new: the
 * first listing, an error, the end of an error (not every quiet refresh). */
static void log_listing(struct app *app, const struct event *ev)
{
    ssize_t i = store_index(&app->store, ev->account_id);
    if (i < 0 || ev->progress || ev->kind != JOB_OP)
        return;
    const struct store_account *sa = &app->store.acc[i];
    bool failed = sa->state == ACCOUNT_ERROR || sa->state == ACCOUNT_KEYRING_LOCKED ||
                  sa->state == ACCOUNT_KEYRING_UNAVAILABLE;
    if (!failed && sa->state != ACCOUNT_OK)
        return;
    const char *outcome = failed ? (sa->error ? sa->error : account_state_name(sa->state)) : "";
    const char *seen = g_hash_table_lookup(app->log_outcomes, sa->a.id);
    if (seen && strcmp(seen, outcome) == 0)
        return;
    g_hash_table_replace(app->log_outcomes, xstrdup(sa->a.id), xstrdup(outcome));
    const char *name = sa->a.label ? sa->a.label : sa->a.id;
    char *line = failed ? xstrdup(outcome)
                        : xasprintf("listed: %zu session%s", sa->n_sessions,
                                    sa->n_sessions == 1 ? "" : "s");
    msglog_add(&app->log, now_ms(), failed ? MSGLOG_ERROR : MSGLOG_INFO, name, line);
    free(line);
}

static void drain_events(struct app *app)
{
    struct event ev;
    while (worker_next_event(app->worker, &ev)) {
        if (requests_on_event(app, &ev)) { /* revoke, create, token ...: session_actions.c */
            views_changed(app);
        } else if (store_apply_event(&app->store, &ev)) {
            log_listing(app, &ev);
            if (ev.kind == JOB_OP && (ev.op == OP_INFO || ev.op == OP_REFRESH) && !ev.progress)
                save_checked(app, &ev);
            if (ev.kind == JOB_OP && ev.op == OP_LIST && !ev.progress && ev.result.warning)
                list_warned(app, &ev);
            expiry_on_event(app, &ev); /* a renewal or check of ours: said */
            views_changed(app);
        }
        event_free(&ev);
    }
}

/* A change whose journal line could not be written was made all the same:
 * the person hears why the record of it is missing. */
static void journal_said(struct app *app)
{
    char *lost = journal_take_error();
    if (lost)
        app_error(app, "%s", lost);
    free(lost);
}

static void handle_signals(struct app *app)
{
    int signo = 0;
    unsigned f = signals_read(&signo);
    if (f & SIGF_QUIT) {
        app->quit = true;
        app->exit_code = 128 + signo;
        return;
    }
    if (f & SIGF_TSTP) {
        screen_suspend();
        signals_suspend();
        screen_resume(app);
    } else if (f & SIGF_CONT) {
        screen_resume(app);
    }
    if (f & SIGF_WINCH)
        screen_resized(app);
}

/* Returns 0, or -1 with *fatal set when the loop cannot go on. */
static int loop(struct app *app, int sig_fd, char **fatal)
{
    while (!app->quit) {
        refresh_settle(app);
        if (app->dirty) {
            screen_draw(app);
            app->dirty = app->ticking = false;
        } else if (app->ticking) {
            screen_tick(app);
            app->ticking = false;
        }
        struct pollfd pfd[4] = {
            {.fd = STDIN_FILENO, .events = POLLIN},
            {.fd = sig_fd, .events = POLLIN},
            {.fd = app->worker ? worker_event_fd(app->worker) : -1, .events = POLLIN},
            {.fd = app->watch_fd, .events = POLLIN}, /* poll skips a -1 */
        };
        /* work put off: keys, signals and events are looked at between
         * its slices, and poll only waits once it is done */
        bool busy = work_step(app, 0);
        int n = poll(pfd, 4, busy ? 0 : sleep_ms(app));
        if (n < 0 && errno != EINTR) {
            *fatal = xasprintf("poll: %s", strerror(errno));
            return -1;
        }
        if (n > 0 && (pfd[1].revents & POLLIN))
            handle_signals(app);
        if (n > 0 && app->worker && (pfd[2].revents & POLLIN))
            drain_events(app);
        if (n > 0 && app->watch_fd >= 0 && (pfd[3].revents & POLLIN))
            filewatch_drain(app->watch_fd); /* app_sync_files below looks */
        if (n > 0 && (pfd[0].revents & (POLLHUP | POLLERR | POLLNVAL))) {
            app->quit = true; /* the terminal went away: nothing more to read or draw */
            app->exit_code = 128 + SIGHUP;
        }
        if (!app->quit) {
            app_sync_files(app); /* what another sesame changed guards these keys */
            input_drain(app);
        }
        journal_said(app);
        run_timers(app);
        if (busy && !app->quit)
            app_work(app);
    }
    return 0;
}

/* ---- set up and tear down ---- */

static void app_init(struct app *app, const struct ui_options *opt)
{
    memset(app, 0, sizeof *app);
    store_init(&app->store);
    keymap_init(&app->keymap);
    msglog_init(&app->log, MSGLOG_MAX);
    app->log_outcomes = g_hash_table_new_full(g_str_hash, g_str_equal, free, free);
    theme_init(&app->theme);
    prefs_init(&app->prefs);
    app->read_only = opt->read_only;
    app->redact = opt->redact;
    app->watch_fd = -1;
}

static void app_free(struct app *app)
{
    if (app->watch_fd >= 0)
        close(app->watch_fd);
    app_close_overlay(app);
    expiry_free(app);
    requests_free(app);
    for (size_t i = 0; i < app->n_panes; i++)
        app->panes[i]->ops->destroy(app->panes[i]);
    store_free(&app->store);
    theme_free(&app->theme);
    theme_dirs_free(app->theme_dirs, app->n_theme_dirs);
    prefs_free(&app->prefs);
    wipe_free(app->message);
    msglog_free(&app->log);
    cmdline_free(app);
    if (app->log_outcomes)
        g_hash_table_destroy(app->log_outcomes);
    free(app->message_account);
    free(app->prompt);
    free(app->prompt_error);
    free(app->prompt_hint);
    free(app->worker_error);
}

static void load_prefs(struct app *app)
{
    char *path = prefs_path(config_dir());
    size_t n = prefs_load(&app->prefs, &app->keymap, path);
    free(path);
    if (n == 1)
        app_error(app, "%s", app->prefs.errors[0]);
    else if (n > 1)
        app_error(app, "%s (and %zu more)", app->prefs.errors[0], n - 1);
    app->read_only = app->read_only || app->prefs.read_only;
    app->redact = app->redact || app->prefs.redact;
    app->mouse = app->prefs.mouse;
}

/* The theme asked for; NO_COLOR asks for mono. -1 only when the user's
 * own --theme is wrong (the caller stops there). */
static int load_theme(struct app *app, const struct ui_options *opt, bool no_color)
{
    app->n_theme_dirs = theme_dirs(config_dir(), app->theme_dirs);
    const char *name = opt->theme ? opt->theme : app->prefs.theme ? app->prefs.theme : "default";
    if (no_color)
        name = "mono";
    char *err = NULL;
    if (theme_load(&app->theme, name, app->theme_dirs, app->n_theme_dirs, &err) == 0)
        return 0;
    if (opt->theme && !no_color) {
        fprintf(stderr, "sesame: %s\n", err);
        free(err);
        return -1;
    }
    app_error(app, "%s (using the built-in default)", err);
    free(err);
    return 0;
}

static void start_worker(struct app *app)
{
    struct worker_options wo;
    memset(&wo, 0, sizeof wo);
    char *budgets = budget_shared_dir();
    wo.budget_dir = budgets;
    sigset_t old;
    char *err = NULL;
    signals_block(&old); /* the worker and its threads never take our signals */
    app->worker = worker_start(&wo, &err);
    signals_unblock(&old);
    free(budgets);
    if (!app->worker) {
        app->worker_error = xasprintf("cannot start the worker: %s", err ? err : "?");
        app_error(app, "%s", app->worker_error);
    }
    free(err);
}

int ui_run(const struct ui_options *opt)
{
    struct app app;
    char *fatal = NULL;
    int sig_fd = -1;
    setlocale(LC_ALL, "");
    text_set_ascii(strcmp(nl_langinfo(CODESET), "UTF-8") != 0);
    if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
        fputs("sesame: the dashboard needs a terminal on stdin and stdout "
              "(see 'sesame --help' for the commands that do not)\n", stderr);
        return ERR_USAGE;
    }
    char *why = screen_unusable(); /* refused as a missing terminal is */
    if (why) {
        fprintf(stderr, "sesame: %s; the commands work anywhere (see 'sesame --help')\n", why);
        free(why);
        return ERR_USAGE;
    }
    const char *nc = getenv("NO_COLOR");
    bool no_color = opt->no_color || (nc && *nc);
    app_init(&app, opt);
    journal_init(JOURNAL_DASHBOARD);
    load_prefs(&app);
    if (load_theme(&app, opt, no_color) != 0) {
        app_free(&app);
        return ERR_USAGE;
    }
    sig_fd = signals_install(); /* before curses, so that it keeps out of them */
    if (sig_fd < 0) {
        fatal = xasprintf("cannot set up signals: %s", strerror(errno));
        goto out;
    }
    start_worker(&app);
    app.panes[app.n_panes++] = accounts_view_new();
    app.panes[app.n_panes++] = sessions_view_new();
    app_refresh_all(&app);
    if (screen_open(&app, no_color, &fatal) != 0)
        goto out;
    app.exit_code = 0;
    loop(&app, sig_fd, &fatal);
    if (fatal)
        app.exit_code = ERR_INTERNAL;
out:
    screen_close();
    signals_restore(); /* from here a second Ctrl-C ends the process */
    if (app.worker)
        worker_stop(app.worker);
    app.worker = NULL;
    int code = fatal ? ERR_INTERNAL : app.exit_code;
    if (fatal) {
        fprintf(stderr, "sesame: %s\n", fatal);
        free(fatal);
    }
    app_free(&app);
    return code;
}
