/* x: revoke (Clerk), log out (Plantly, CBRAIN) or forget (Basis Theory,
 * Apideck Vault) one session or every marked one, after one y/N that
 * lists what it will act on (the first rows, then "and N more"), with the
 * counts per kind and per account and the requests it will send. A bulk
 * action shows its progress in a results box and can be cancelled while it
 * runs: what was not yet sent (waiting for its account's request budget,
 * src/worker_pace.c) is not sent, and the box says of each what became of
 * it. The order of operations is the headless commands' (src/cli/lifecycle.c). */
#include <glib.h>
#include <stdlib.h>
#include <string.h>

#include "account_policy.h"
#include "action_common.h"
#include "actions.h"
#include "app.h"
#include "draw.h"
#include "journal.h"
#include "providers/provider.h"
#include "session_outcome.h"
#include "session_status.h"
#include "state.h"
#include "util.h"
#include "worker.h"

#define LIST_ROWS 6      /* rows the question names before "and N more" */

enum how { HOW_REVOKE, HOW_LOGOUT, HOW_FORGET };

struct target {
    struct session s;
    struct account a;
    const struct provider *p;
    enum how how;
    uint64_t job;         /* its request to the worker, 0 before it is sent */
    bool answered;
};

struct batch {
    int refs;
    struct target *t;
    size_t n, answered, ok, failed;
    size_t cancelled;     /* answered "cancelled before it was sent" */
    size_t unsure;        /* cancelled after it went out: it may have taken effect */
    char *first_error;
    bool marks;           /* made of the marked sessions (cleared once confirmed) */
    bool bulk;            /* more than one: a results box and a summary */
    bool cancelling;      /* the rest was cancelled (c) */
    struct view *report;  /* the results overlay while it is open */
    struct app *app;
    struct batch *next;   /* in app->batches while it runs */
};

/* A bulk action stops running: out of app->batches. */
static void batch_unlink(struct batch *b)
{
    for (struct batch **p = b->app ? &b->app->batches : NULL; p && *p; p = &(*p)->next) {
        if (*p == b) {
            *p = b->next;
            break;
        }
    }
    b->next = NULL;
}

struct batch_item {
    struct batch *b;
    size_t i;
};

static void batch_unref(void *p)
{
    struct batch *b = p;
    if (!b || --b->refs > 0)
        return;
    batch_unlink(b);
    if (b->report)
        report_view_detach(b->report);
    for (size_t i = 0; i < b->n; i++) {
        session_free(&b->t[i].s);
        account_free(&b->t[i].a);
    }
    free(b->t);
    free(b->first_error);
    free(b);
}

static void item_free(void *p)
{
    struct batch_item *it = p;
    batch_unref(it->b);
    free(it);
}

/* How x ends this session: 0, or 1 when there is nothing to do (a listed
 * session that has ended), 2 when its provider cannot end it, 3 when its
 * account is read-only (account_refuses). */
static int classify(const struct store_account *sa, const struct session *s, int64_t now,
                    enum how *how)
{
    unsigned caps = sa->provider->caps;
    if (sa->policy.read_only)
        return 3;
    bool alive = session_status_live(session_status_seen(s, now));
    if (caps & CAP_LIST) {
        if (!(caps & CAP_REVOKE))
            return 2;
        if (!alive)
            return 1;
        *how = HOW_REVOKE;
        return 0;
    }
    /* tracked here: log out where the provider can, even when it looks over
     * (a Plantly access token that expired leaves a refresh token that does
     * not: the provider's answer says, session_outcome.h); else forget it */
    *how = caps & CAP_REVOKE ? HOW_LOGOUT : HOW_FORGET;
    return 0;
}

static const char *how_verb(enum how h)
{
    return h == HOW_REVOKE ? "revoking" : h == HOW_LOGOUT ? "logging out" : "forgetting";
}

static void add_target(struct batch *b, const struct store_account *sa, const struct session *s,
                       enum how how)
{
    b->t = xrealloc(b->t, (b->n + 1) * sizeof *b->t);
    struct target *t = &b->t[b->n++];
    memset(t, 0, sizeof *t);
    session_copy(&t->s, s);
    account_copy(&t->a, &sa->a);
    t->p = sa->provider;
    t->how = how;
}

static char *target_line(const struct target *t, const char *head)
{
    return xasprintf("%s %s (%s)", head, t->s.id, act_name_of(&t->a));
}

enum answer { ANSWER_OK, ANSWER_FAILED, ANSWER_CANCELLED, ANSWER_UNSURE };

/* "Ended 120 of 300 sessions, 2 failed, 178 not sent (cancelled)". Owned. */
static char *summary(const struct batch *b)
{
    GString *s = g_string_new("");
    g_string_append_printf(s, "ended %zu of %zu sessions", b->ok, b->n);
    if (b->failed)
        g_string_append_printf(s, ", %zu failed", b->failed);
    if (b->cancelled)
        g_string_append_printf(s, ", %zu not sent (cancelled)", b->cancelled);
    if (b->unsure)
        g_string_append_printf(s, ", %zu cancelled after going out (^R reads them again)",
                               b->unsure);
    return g_string_free(s, FALSE);
}

static void report_progress(struct app *app, struct batch *b)
{
    if (!b->report)
        return;
    char *sum = summary(b);
    sum[0] = (char)(sum[0] - 'a' + 'A');
    char *title = b->answered < b->n
                      ? xasprintf("%s %zu sessions: %zu of %zu answered", b->cancelling
                                  ? "Cancelling" : "Ending", b->n, b->answered, b->n)
                      : xstrdup(sum);
    report_view_title(b->report, title);
    report_view_progress(b->report, b->answered, b->n, b->failed, b->cancelled + b->unsure,
                         b->answered < b->n && !b->cancelling);
    free(title);
    free(sum);
    app->dirty = true;
}

static void batch_progress(struct app *app, struct batch *b, size_t i, enum answer answer,
                           const char *text)
{
    struct target *t = &b->t[i];
    bool ok = answer == ANSWER_OK;
    /* what became of it, with which session, unless the text says already */
    char *said = ok || strstr(text, t->s.id) ? xstrdup(text)
                                              : xasprintf("%s (%s): %s", t->s.id,
                                                          act_name_of(&t->a), text);
    t->answered = true;
    b->answered++;
    switch (answer) {
    case ANSWER_OK: b->ok++; break;
    case ANSWER_CANCELLED: b->cancelled++; break;
    case ANSWER_UNSURE: b->unsure++; break;
    case ANSWER_FAILED:
        b->failed++;
        if (!b->first_error)
            b->first_error = xstrdup(said);
        break;
    }
    if (b->report) {
        bool a = text_ascii();
        const char *mark = ok ? (a ? "ok" : "✓") : answer == ANSWER_FAILED ? (a ? "!!" : "✗")
                                                                           : (a ? "--" : "–");
        enum role role = ok ? C_REVOKED : answer == ANSWER_FAILED ? C_ERROR
                          : answer == ANSWER_UNSURE ? C_WARNING : C_DIM;
        char *line = xasprintf("%s %s", mark, said);
        report_view_line(b->report, i, role, line);
        free(line);
    }
    report_progress(app, b);
    if (!b->bulk) {
        if (ok)
            app_message(app, "%s", said);
        else
            app_error(app, "%s", said);
    } else if (b->answered < b->n) {
        if (answer == ANSWER_CANCELLED)
            ; /* the cancel said so once; not a line for each */
        else if (ok)
            app_message(app, "%s (%zu of %zu)", said, b->answered, b->n);
        else
            app_error(app, "%s (%zu of %zu)", said, b->answered, b->n);
    } else {
        batch_unlink(b);
        char *sum = summary(b);
        if (b->failed)
            app_error(app, "%s; the first failure: %s", sum, b->first_error);
        else if (b->cancelled || b->unsure)
            app_message(app, "%s", sum);
        else
            app_message(app, "ended all %zu sessions", b->n);
        free(sum);
    }
    free(said);
}

static void offer_forget(struct app *app, const struct target *t, const char *why);

/* x forgot a session here (no request): the state file follows the
 * keyring, which the worker cleared. */
static char *forgot(struct app *app, const struct target *t, const struct event *ev, bool *ok)
{
    char *err = NULL, *text;
    if (!*ok) {
        journal_forget(&t->a, &t->s, NULL, ev->error ? ev->error : "failed");
        return xstrdup(ev->error ? ev->error : "failed");
    }
    if (state_remove(t->a.id, t->s.id, &err) != 0) {
        *ok = false;
        text = xasprintf("its keys are removed, but the state file could not be written: %s",
                         err ? err : "?");
        journal_forget(&t->a, &t->s, NULL, text);
    } else {
        journal_forget(&t->a, &t->s, t->p->caps & CAP_REVOKE ? "without asking the provider"
                                                             : "the provider cannot end it",
                       NULL);
        store_remove_session(&app->store, t->a.id, t->s.id);
        char *left = session_status_live(session_status_seen(&t->s, now_ms()))
                         ? act_expiry_text(t->s.expires_ms) : NULL;
        text = xasprintf("forgot session %s (%s) here%s%s", t->s.id, act_name_of(&t->a),
                         left && *left ? "; at the provider it " : "", left ? left : "");
        free(left);
    }
    free(err);
    return text;
}

/* What the provider's answer to a revoke or log out says (session_outcome.h):
 * a tracked session that ended leaves the state file and the table; a
 * listed one shows as the provider now says it is. */
static char *ended(struct app *app, const struct target *t, struct event *ev,
                   const struct end_outcome *o, bool *ok)
{
    char *err = NULL, *text = NULL;
    *ok = o->rc == 0;
    if (!*ok) {
        if (o->session) /* the one asked about, not ended: show it as it is */
            store_merge_session(&app->store, t->a.id, o->session);
        return xstrdup(o->text);
    }
    if (o->forget && state_remove(t->a.id, t->s.id, &err) != 0) {
        *ok = false;
        text = xasprintf("%s, but the state file could not be written: %s", o->text,
                         err ? err : "?");
    } else if (o->forget) {
        store_remove_session(&app->store, t->a.id, t->s.id);
    } else if (act_record(app, &t->a, &ev->result, &err) != 0) {
        *ok = false;
        text = xasprintf("%s, but the state file could not be written: %s", o->text, err);
    }
    free(err);
    return text ? text : xstrdup(o->text);
}

static void target_done(struct app *app, struct event *ev, void *ctx)
{
    struct batch_item *it = ctx;
    struct batch *b = it->b;
    struct target *t = &b->t[it->i];
    bool ok = ev->err == 0;
    char *text;
    if (ev->err == ERR_CANCELLED) { /* c: nothing changed here; the worker says if it went out */
        bool went = ev->error && strstr(ev->error, "gone out");
        batch_progress(app, b, it->i, went ? ANSWER_UNSURE : ANSWER_CANCELLED,
                       went ? ev->error : "not sent: cancelled");
        return;
    }
    if (t->how == HOW_FORGET) {
        text = forgot(app, t, ev, &ok);
    } else {
        struct end_outcome o;
        session_end_outcome(t->p, act_name_of(&t->a), t->s.id, ev->err, ev->error, &ev->result, &o);
        if (!b->bulk && t->how == HOW_LOGOUT && !app->overlay &&
            (ev->err == ERR_PROVIDER || ev->err == ERR_KEYRING)) {
            offer_forget(app, t, o.text);
            end_outcome_free(&o);
            t->answered = true;
            b->answered++;
            b->failed++;
            return;
        }
        text = ended(app, t, ev, &o, &ok);
        end_outcome_free(&o);
    }
    batch_progress(app, b, it->i, ok ? ANSWER_OK : ANSWER_FAILED, text);
    free(text);
}

static uint64_t submit_target(struct app *app, struct batch *b, size_t i)
{
    struct target *t = &b->t[i];
    struct job j;
    if (t->how == HOW_FORGET) {
        j = act_secret_job(&t->a, JOB_SECRET_CLEAR, NULL, t->s.id);
    } else {
        j = act_op_job(&t->a, OP_REVOKE);
        j.args.session_id = xstrdup(t->s.id);
        j.user = xstrdup(t->s.user_display ? t->s.user_display : t->s.user_id);
    }
    struct batch_item *it = xcalloc(1, sizeof *it);
    it->b = b;
    it->i = i;
    b->refs++;
    t->job = request_submit(app, &j, how_verb(t->how), target_done, it, item_free);
    return t->job;
}

/* c: every request of the running bulk actions not answered yet is
 * cancelled; those still waiting for budget are never sent. */
bool act_cancel_bulk(struct app *app)
{
    if (!app->batches)
        return false;
    size_t n = 0;
    for (struct batch *b = app->batches; b; b = b->next) {
        b->cancelling = true;
        for (size_t i = 0; i < b->n; i++) {
            if (!b->t[i].answered && b->t[i].job && app->worker) {
                worker_cancel(app->worker, b->t[i].job);
                n++;
            }
        }
        report_progress(app, b);
    }
    app_message(app, "cancelling %zu request%s: those not yet sent will not be", n,
                n == 1 ? "" : "s");
    return true;
}

static void cancel_from_report(struct app *app, void *ctx)
{
    act_cancel_bulk(app);
}

/* The question was asked of the accounts as they were; another sesame
 * may have made one read-only or production since (app_sync_files read it
 * in before this key): its targets are dropped, said, not acted on. */
static void drop_changed(struct app *app, struct batch *b)
{
    size_t kept = 0, dropped = 0;
    char *why = NULL;
    for (size_t i = 0; i < b->n; i++) {
        struct target *t = &b->t[i];
        const struct store_account *sa = store_find(&app->store, t->a.id);
        char *refused = sa ? account_refuses(&sa->a, OP_REVOKE) : NULL;
        if (!refused && sa && account_confirm_label(&sa->a) && !account_confirm_label(&t->a))
            refused = xasprintf("%s is production now (production = yes): nothing was done; "
                                "press x again to type its label", act_name_of(&sa->a));
        if (!refused) {
            b->t[kept++] = *t;
            continue;
        }
        if (dropped++ == 0)
            why = refused;
        else
            free(refused);
        session_free(&t->s);
        account_free(&t->a);
    }
    b->n = kept;
    if (why && dropped > 1)
        app_error(app, "%s (and %zu more sessions left alone)", why, dropped - 1);
    else if (why)
        app_error(app, "%s", why);
    free(why);
}

static void revoke_go(struct app *app, void *ctx)
{
    struct batch *b = ctx;
    drop_changed(app, b);
    if (b->n == 0)
        return;
    if (b->marks) {
        struct view *ses = act_pane(app, "sessions");
        if (ses)
            sessions_view_clear_marks(ses);
    }
    if (b->bulk) { /* running: c cancels what is not sent yet */
        b->app = app;
        b->next = app->batches;
        app->batches = b;
    }
    if (b->n > 1 && !app->overlay) {
        char *title = xasprintf("Ending %zu sessions", b->n);
        b->report = report_view_new(title, b->n, &b->report);
        free(title);
        for (size_t i = 0; i < b->n; i++) {
            char *line = target_line(&b->t[i], text_ascii() ? ".." : "…");
            report_view_line(b->report, i, C_PENDING, line);
            free(line);
        }
        report_view_on_cancel(b->report, cancel_from_report, NULL);
        report_progress(app, b);
        app_open_overlay(app, b->report);
    }
    uint64_t job = 0;
    for (size_t i = 0; i < b->n; i++)
        job = submit_target(app, b, i);
    if (!b->bulk)
        app_progress(app, job, "%s session %s (%s)", how_verb(b->t[0].how), b->t[0].s.id,
                     act_name_of(&b->t[0].a));
}

static char *single_question(const struct target *t, char **detail, const char **title)
{
    const char *who = t->s.user_display ? t->s.user_display : t->s.user_id;
    char *of = who ? xasprintf(" of %s", who) : xstrdup("");
    char *q = NULL;
    *detail = NULL;
    switch (t->how) {
    case HOW_REVOKE:
        *title = "Revoke";
        q = xasprintf("Revoke session %s%s at %s (%s)?", t->s.id, of, act_name_of(&t->a), t->p->title);
        break;
    case HOW_LOGOUT:
        *title = "Log out";
        q = xasprintf("Log out session %s at %s (%s)?", t->s.id, act_name_of(&t->a), t->p->title);
        *detail = xasprintf("%s ends the session; its tokens are removed from the keyring.",
                            t->p->title);
        break;
    case HOW_FORGET: {
        *title = "Forget";
        q = xasprintf("Forget session %s at %s (%s)?", t->s.id, act_name_of(&t->a), t->p->title);
        char *left = act_expiry_text(t->s.expires_ms);
        if (session_status_live(session_status_seen(&t->s, now_ms())))
            *detail = xasprintf("%s has no way to revoke a session: it is dropped here with its "
                                "keys in the keyring, and stays valid at %s%s%s.", t->p->title,
                                t->p->title, *left ? " until it " : "", left);
        else
            *detail = xasprintf("It is dropped here with its keys in the keyring.");
        free(left);
        break;
    }
    }
    free(of);
    return q;
}

static const char *how_noun(enum how h)
{
    return h == HOW_REVOKE ? "revoke" : h == HOW_LOGOUT ? "log out" : "forget";
}

/* The counts of one kind, per account in the order they come: "Clerk prod
 * 300, staging 2". How many there are is the return value. */
static size_t per_account(const struct batch *b, enum how how, GString *out)
{
    size_t total = 0;
    for (size_t i = 0; i < b->n; i++) {
        if (b->t[i].how != how)
            continue;
        total++;
        bool seen = false;
        for (size_t k = 0; k < i && !seen; k++)
            seen = b->t[k].how == how && strcmp(b->t[k].a.id, b->t[i].a.id) == 0;
        if (seen)
            continue;
        size_t n = 0;
        for (size_t k = i; k < b->n; k++)
            n += b->t[k].how == how && strcmp(b->t[k].a.id, b->t[i].a.id) == 0;
        g_string_append_printf(out, "%s%s %zu", out->len ? ", " : "", act_name_of(&b->t[i].a), n);
    }
    return total;
}

/* What the question lists: the counts per kind and account, the requests
 * it sends, then the first rows and how many more. Lines, owned. */
static char *bulk_list(const struct batch *b)
{
    GString *list = g_string_new("");
    size_t requests = 0, renewals = 0;
    for (enum how h = HOW_REVOKE; h <= HOW_FORGET; h++) {
        GString *accounts = g_string_new("");
        size_t n = per_account(b, h, accounts);
        if (n)
            g_string_append_printf(list, "%-8s %5zu  %s\n", how_noun(h), n, accounts->str);
        g_string_free(accounts, TRUE);
    }
    for (size_t i = 0; i < b->n; i++) {
        if (b->t[i].how == HOW_FORGET)
            continue; /* the keyring alone */
        requests++;
        /* a log out refused for a spent access token renews it first, and tries again */
        if (b->t[i].how == HOW_LOGOUT && (b->t[i].p->caps & CAP_REFRESH))
            renewals += 2;
    }
    g_string_append_printf(list, "%-8s %5zu  to the providers, each paced by its account's "
                           "request budget", "requests", requests);
    if (renewals)
        g_string_append_printf(list, " (up to %zu more if log outs must renew a token first)",
                               renewals);
    g_string_append(list, "\n\n");
    for (size_t i = 0; i < b->n && i < LIST_ROWS; i++) {
        const struct target *t = &b->t[i];
        const char *who = t->s.user_display ? t->s.user_display : t->s.user_id;
        g_string_append_printf(list, "%-8s %s  %s  %s\n", how_noun(t->how), t->s.id,
                               act_name_of(&t->a), who ? who : "");
    }
    if (b->n > LIST_ROWS)
        g_string_append_printf(list, "and %zu more", b->n - LIST_ROWS);
    return g_string_free(list, FALSE);
}

static char *bulk_question(const struct batch *b, size_t skipped, char **detail)
{
    size_t at_provider = 0, forget = 0, accounts = 0;
    char *who = xstrdup(""); /* the providers that cannot revoke */
    for (size_t i = 0; i < b->n; i++) {
        if (b->t[i].how == HOW_FORGET) {
            forget++;
            if (!strstr(who, b->t[i].p->title)) {
                char *w = xasprintf("%s%s%s", who, *who ? " and " : "", b->t[i].p->title);
                free(who);
                who = w;
            }
        } else {
            at_provider++;
        }
        bool seen = false;
        for (size_t k = 0; k < i && !seen; k++)
            seen = strcmp(b->t[k].a.id, b->t[i].a.id) == 0;
        accounts += !seen;
    }
    const char *verb = forget == b->n ? "Forget" : "Revoke";
    char *q = xasprintf("%s %zu session%s at %zu account%s?", verb, b->n, b->n == 1 ? "" : "s",
                        accounts, accounts == 1 ? "" : "s");
    char *a = at_provider && forget ? xasprintf("%zu revoked or logged out at the provider; ",
                                                at_provider)
                                    : xstrdup("");
    char *f = forget ? xasprintf("%zu only forgotten here, keys and all (%s cannot revoke: "
                                 "valid there until %s); ", forget, who,
                                 forget == 1 ? "it expires" : "they expire")
                     : xstrdup("");
    free(who);
    char *s = skipped ? xasprintf("%zu marked that already ended %s left alone; ", skipped,
                                  skipped == 1 ? "is" : "are")
                      : xstrdup("");
    char *all = xasprintf("%s%s%s", a, f, s);
    size_t len = strlen(all);
    if (len >= 2)
        all[len - 2] = '.'; /* the last "; " */
    if (len >= 2)
        all[len - 1] = '\0';
    *detail = all;
    free(a);
    free(f);
    free(s);
    return q;
}

/* The question (v) before x goes up: its answer is y, or, when a production
 * account is among the targets, that account's label typed out
 * (account_policy.h; several: each, joined by ", "). */
static void ask(struct app *app, struct view *v, const struct batch *b)
{
    GString *labels = g_string_new(NULL);
    for (size_t i = 0; i < b->n; i++) {
        const char *label = account_confirm_label(&b->t[i].a);
        bool seen = false;
        for (size_t k = 0; label && k < i && !seen; k++)
            seen = strcmp(b->t[k].a.id, b->t[i].a.id) == 0;
        if (label && !seen)
            g_string_append_printf(labels, "%s%s", labels->len ? ", " : "", label);
    }
    if (labels->len)
        confirm_view_expect(v, labels->str);
    g_string_free(labels, TRUE);
    app_open_overlay(app, v);
}

static void revoke_marked(struct app *app, struct view *ses, size_t n_marked)
{
    const struct session **marked = xcalloc(n_marked, sizeof *marked);
    size_t n = sessions_view_marked(ses, app, marked, n_marked);
    if (n > n_marked)
        n = n_marked;
    struct batch *b = xcalloc(1, sizeof *b);
    b->refs = 1;
    b->marks = true;
    size_t skipped = 0, cannot = 0, refused = 0;
    char *why_refused = NULL;
    int64_t now = now_ms();
    for (size_t i = 0; i < n; i++) {
        struct store_account *sa = store_find(&app->store, marked[i]->account_id);
        enum how how;
        int c = sa && sa->provider ? classify(sa, marked[i], now, &how) : 2;
        if (c == 0)
            add_target(b, sa, marked[i], how);
        else if (c == 1)
            skipped++;
        else if (c == 3 && refused++ == 0)
            why_refused = account_refuses(&sa->a, OP_REVOKE);
        else if (c != 3)
            cannot++;
    }
    free(marked);
    b->bulk = b->n > 1;
    if (b->n == 0) {
        if (why_refused)
            app_error(app, "%s", why_refused);
        else
            app_error(app, "nothing to revoke: the %zu marked session%s %s ended already", n,
                      n == 1 ? "" : "s", n == 1 ? "has" : "have");
        free(why_refused);
        batch_unref(b);
        return;
    }
    free(why_refused);
    char *detail = NULL, *q, *list = NULL;
    const char *title = "Revoke";
    if (b->n == 1 && skipped + cannot + refused == 0) { /* one marked: asked like one */
        q = single_question(&b->t[0], &detail, &title);
    } else {
        q = bulk_question(b, skipped + cannot, &detail);
        list = bulk_list(b);
        title = "Act on many";
    }
    if (refused) {
        char *more = xasprintf("%s %zu at read-only accounts %s left alone.", detail ? detail : "",
                               refused, refused == 1 ? "is" : "are");
        free(detail);
        detail = more;
    }
    size_t hidden = sessions_view_marks_hidden(ses, app);
    if (hidden) { /* acted on unseen would surprise; left out unsaid would too */
        char *more = xasprintf("%s%s%zu marked but hidden by the filter %s left out.",
                               detail ? detail : "", detail ? " " : "", hidden,
                               hidden == 1 ? "is" : "are");
        free(detail);
        detail = more;
    }
    ask(app, confirm_view_list(title, q, list, detail, revoke_go, b, batch_unref), b);
    free(q);
    free(list);
    free(detail);
}

void act_revoke(struct app *app)
{
    struct view *ses = act_pane(app, "sessions");
    size_t n_marked = ses ? sessions_view_marked(ses, app, NULL, 0) : 0;
    if (n_marked) {
        revoke_marked(app, ses, n_marked);
        return;
    }
    size_t hidden = ses ? sessions_view_marks_hidden(ses, app) : 0;
    if (hidden) { /* not the row under the cursor, when marks say otherwise */
        app_error(app, "the %zu marked session%s %s hidden by the filter: clear it to act on "
                  "them, or U to clear the marks", hidden, hidden == 1 ? "" : "s",
                  hidden == 1 ? "is" : "are");
        return;
    }
    struct session s;
    struct store_account *sa;
    if (!act_current_session(app, "revoke", &s, &sa))
        return;
    enum how how;
    int c = classify(sa, &s, now_ms(), &how);
    if (c != 0) {
        char *refused = c == 3 ? account_refuses(&sa->a, OP_REVOKE) : NULL;
        if (refused)
            app_error(app, "%s", refused);
        else if (c == 1)
            app_error(app, "session %s is %s already: nothing to revoke", s.id,
                      session_status_name(session_status_seen(&s, now_ms())));
        else
            app_error(app, "%s sessions cannot be revoked", sa->provider->title);
        free(refused);
        session_free(&s);
        return;
    }
    struct batch *b = xcalloc(1, sizeof *b);
    b->refs = 1;
    add_target(b, sa, &s, how);
    session_free(&s);
    char *detail = NULL;
    const char *title = "Revoke";
    char *q = single_question(&b->t[0], &detail, &title);
    ask(app, confirm_view_new(title, q, detail, revoke_go, b, batch_unref), b);
    free(q);
    free(detail);
}

/* A logout the provider refused (the token died already, say): drop it here? */
static void offer_forget(struct app *app, const struct target *t, const char *why)
{
    struct batch *b = xcalloc(1, sizeof *b);
    b->refs = 1;
    b->t = xcalloc(1, sizeof *b->t);
    b->n = 1;
    session_copy(&b->t[0].s, &t->s);
    account_copy(&b->t[0].a, &t->a);
    b->t[0].p = t->p;
    b->t[0].how = HOW_FORGET;
    char *q = xasprintf("%s did not log out session %s: %s", t->p->title, t->s.id, why);
    app_open_overlay(app, confirm_view_new("Log out failed", q,
                                           "Forget it here anyway (its tokens are removed "
                                           "from the keyring)?", revoke_go, b, batch_unref));
    app_error(app, "%s (%s): %s", t->s.id, act_name_of(&t->a), why);
    free(q);
}

