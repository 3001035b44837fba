/* What the keys x n o O y t do to sessions: revoke (or log out, or forget)
 * one or every marked session after one y/N, create one where the provider
 * can, open or show a Vault session's URL, copy an id, URL or token through
 * OSC 52, mint a Clerk JWT. Every request goes through requests.c; its
 * answer lands in the store (and the state file for tracked sessions) and
 * on the message line. The order of operations is the headless commands'
 * (src/cli/lifecycle.c, open.c, token.c). */
#include <cjson/cJSON.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "action_common.h"
#include "actions.h"
#include "strpool.h"
#include "app.h"
#include "browser.h"
#include "draw.h"
#include "cli/cli.h"
#include "form.h"
#include "providers/provider.h"
#include "session_outcome.h"
#include "session_status.h"
#include "state.h"
#include "util.h"
#include "worker.h"

#define TOKEN_MIN_S 30L          /* Clerk's expires_in_seconds range */
#define TOKEN_MAX_S 315360000L

/* ---- where an action points ---- */

/* The account an account-wide action (n, e, D) is about: the one under the
 * cursor in the accounts pane, or that of the session under the cursor
 * when the sessions table has the keyboard. -1 if there is none. */
static long target_account(struct app *app)
{
    struct view *acc = act_pane(app, "accounts"), *ses = act_pane(app, "sessions");
    if (act_focused(app, ses)) {
        const struct session *s = sessions_view_current(ses, app);
        ssize_t i = s ? store_index(&app->store, s->account_id) : -1;
        if (i >= 0)
            return (long)i;
    }
    if (acc) {
        long i = accounts_view_selected(acc);
        if (i >= 0 && (size_t)i < app->store.n_acc)
            return i;
    }
    return -1;
}

/* ==== x: revoke, log out or forget ==================================== */

enum how { HOW_REVOKE, HOW_LOGOUT, HOW_FORGET };

struct target {
    struct session s;
    struct account a;
    const struct provider *p;
    enum how how;
};

struct batch {
    int refs;
    struct target *t;
    size_t n, answered, ok, failed;
    char *first_error;
    bool marks;           /* made of the marked sessions (cleared once confirmed) */
    bool bulk;            /* more than one: a results box and a summary */
    struct view *report;  /* the results overlay while it is open */
};

struct batch_item {
    struct batch *b;
    size_t i;
};

static void batch_unref(void *p)
{
    struct batch *b = p;
    if (!b || --b->refs > 0)
        return;
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
 * session that has ended), 2 when its provider cannot end it. */
static int classify(const struct store_account *sa, const struct session *s, int64_t now,
                    enum how *how)
{
    unsigned caps = sa->provider->caps;
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

static void batch_progress(struct app *app, struct batch *b, size_t i, bool ok, const char *text)
{
    struct target *t = &b->t[i];
    /* what went wrong, with which session, unless the text says already */
    char *said = ok || strstr(text, t->s.id) ? xstrdup(text)
                                              : xasprintf("%s (%s): %s", t->s.id,
                                                          act_name_of(&t->a), text);
    b->answered++;
    if (ok) {
        b->ok++;
    } else {
        b->failed++;
        if (!b->first_error)
            b->first_error = xstrdup(said);
    }
    if (b->report) {
        const char *mark = text_ascii() ? (ok ? "ok" : "!!") : (ok ? "✓" : "✗");
        char *line = xasprintf("%s %s", mark, said);
        report_view_line(b->report, i, ok ? C_REVOKED : C_ERROR, line);
        free(line);
    }
    if (!b->bulk) {
        if (ok)
            app_message(app, "%s", said);
        else
            app_error(app, "%s", said);
    } else if (b->answered < b->n) {
        if (ok)
            app_message(app, "%s (%zu of %zu)", said, b->answered, b->n);
        else
            app_error(app, "%s (%zu of %zu)", said, b->answered, b->n);
    } else {
        char *title = b->failed ? xasprintf("Ended %zu of %zu sessions, %zu failed", b->ok,
                                            b->n, b->failed)
                                : xasprintf("Ended %zu of %zu sessions", b->ok, b->n);
        if (b->report)
            report_view_title(b->report, title);
        free(title);
        if (b->failed)
            app_error(app, "ended %zu of %zu sessions; %zu failed, the first: %s", b->ok, b->n,
                      b->failed, b->first_error);
        else
            app_message(app, "ended all %zu sessions", b->n);
    }
    free(said);
}

static void offer_forget(struct app *app, const struct target *t, const char *why);

/* x forgot a session here (no request): the state file follows the
 * keyring, which the worker cleared. */
static char *forgot(struct app *app, const struct target *t, const struct event *ev, bool *ok)
{
    char *err = NULL, *text;
    if (!*ok)
        return xstrdup(ev->error ? ev->error : "failed");
    if (state_remove(t->a.id, t->s.id, &err) != 0) {
        *ok = false;
        text = xasprintf("its keys are removed, but the state file could not be written: %s",
                         err ? err : "?");
    } else {
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
    if (t->how == HOW_FORGET) {
        text = forgot(app, t, ev, &ok);
    } else {
        struct end_outcome o;
        session_end_outcome(t->p, act_name_of(&t->a), t->s.id, ev->err, ev->error, &ev->result, &o);
        if (!b->bulk && t->how == HOW_LOGOUT && !app->overlay &&
            (ev->err == ERR_PROVIDER || ev->err == ERR_KEYRING)) {
            offer_forget(app, t, o.text);
            end_outcome_free(&o);
            b->answered++;
            b->failed++;
            return;
        }
        text = ended(app, t, ev, &o, &ok);
        end_outcome_free(&o);
    }
    batch_progress(app, b, it->i, ok, text);
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
    }
    struct batch_item *it = xcalloc(1, sizeof *it);
    it->b = b;
    it->i = i;
    b->refs++;
    return request_submit(app, &j, how_verb(t->how), target_done, it, item_free);
}

static void revoke_go(struct app *app, void *ctx)
{
    struct batch *b = ctx;
    if (b->marks) {
        struct view *ses = act_pane(app, "sessions");
        if (ses)
            sessions_view_clear_marks(ses);
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

static void revoke_marked(struct app *app, struct view *ses, size_t n_marked)
{
    const struct session **marked = xcalloc(n_marked, sizeof *marked);
    size_t n = sessions_view_marked(ses, app, marked, n_marked);
    if (n > n_marked)
        n = n_marked;
    struct batch *b = xcalloc(1, sizeof *b);
    b->refs = 1;
    b->marks = true;
    size_t skipped = 0, cannot = 0;
    int64_t now = now_ms();
    for (size_t i = 0; i < n; i++) {
        struct store_account *sa = store_find(&app->store, marked[i]->account_id);
        enum how how;
        int c = sa && sa->provider ? classify(sa, marked[i], now, &how) : 2;
        if (c == 0)
            add_target(b, sa, marked[i], how);
        else if (c == 1)
            skipped++;
        else
            cannot++;
    }
    free(marked);
    b->bulk = b->n > 1;
    if (b->n == 0) {
        app_error(app, "nothing to revoke: the %zu marked session%s %s ended already", n,
                  n == 1 ? "" : "s", n == 1 ? "has" : "have");
        batch_unref(b);
        return;
    }
    char *detail = NULL, *q;
    const char *title = "Revoke";
    if (b->n == 1 && skipped + cannot == 0) /* one marked: asked like one */
        q = single_question(&b->t[0], &detail, &title);
    else
        q = bulk_question(b, skipped + cannot, &detail);
    app_open_overlay(app, confirm_view_new(title, q, detail, revoke_go, b, batch_unref));
    free(q);
    free(detail);
}

static void revoke_action(struct app *app)
{
    struct view *ses = act_pane(app, "sessions");
    size_t n_marked = ses ? sessions_view_marked(ses, app, NULL, 0) : 0;
    if (n_marked) {
        revoke_marked(app, ses, n_marked);
        return;
    }
    struct session s;
    struct store_account *sa;
    if (!act_current_session(app, "revoke", &s, &sa))
        return;
    enum how how;
    int c = classify(sa, &s, now_ms(), &how);
    if (c != 0) {
        if (c == 1)
            app_error(app, "session %s is %s already: nothing to revoke", s.id,
                      session_status_name(session_status_seen(&s, now_ms())));
        else
            app_error(app, "%s sessions cannot be revoked", sa->provider->title);
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
    app_open_overlay(app, confirm_view_new(title, q, detail, revoke_go, b, batch_unref));
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

/* ==== n: a new session ================================================= */

struct create_ctx {
    struct account a;
    const struct provider *p;
    char *grant;        /* Basis Theory: the authorize options, NULL for none */
    char *grant_text;   /* what it grants, for the message */
    char *session_id;   /* once created */
    char *why;          /* a session that could not be tracked: the state file's error */
};

static void create_free(void *p)
{
    struct create_ctx *c = p;
    if (!c)
        return;
    account_free(&c->a);
    free(c->grant);
    free(c->grant_text);
    free(c->session_id);
    free(c->why);
    free(c);
}

static struct create_ctx *create_ctx_new(const struct account *a, const struct provider *p)
{
    struct create_ctx *c = xcalloc(1, sizeof *c);
    account_copy(&c->a, a);
    c->p = p;
    return c;
}

static void authorize_done(struct app *app, struct event *ev, void *ctx)
{
    struct create_ctx *c = ctx;
    if (ev->err) {
        app_error(app, "session %s (%s) was created but not authorized: %s", c->session_id,
                  act_name_of(&c->a), ev->error ? ev->error : "failed");
        return;
    }
    char *err = NULL;
    if (act_record(app, &c->a, &ev->result, &err) != 0)
        app_error(app, "session %s was authorized, but the state file could not be written: %s",
                  c->session_id, err);
    else
        app_message(app, "created session %s (%s) and granted it %s", c->session_id,
                    act_name_of(&c->a), c->grant_text);
    free(err);
}

static void keys_cleared(struct app *app, struct event *ev, void *ctx)
{
    if (ev->err)
        app_error(app, "the keys of an untracked session could not be removed from the keyring: "
                  "%s", ev->error ? ev->error : "failed");
}

/* The answer to ending a session made but not tracked (untracked). */
static void untracked_done(struct app *app, struct event *ev, void *ctx)
{
    struct create_ctx *c = ctx;
    struct end_outcome o;
    session_end_outcome(c->p, act_name_of(&c->a), c->session_id, ev->err, ev->error, &ev->result,
                        &o);
    if (o.rc == 0)
        app_error(app, "session %s could not be tracked (the state file could not be written: "
                  "%s), so it was logged out again: nothing is left live", c->session_id, c->why);
    else
        app_error(app, "session %s could not be tracked (the state file could not be written: "
                  "%s) nor logged out again (%s): it stays live at %s", c->session_id, c->why,
                  o.text, c->p->title);
    end_outcome_free(&o);
    if (ev->err || !ev->result.forget_session) {
        struct job j = act_secret_job(&c->a, JOB_SECRET_CLEAR, NULL, c->session_id);
        request_submit(app, &j, "removing its keys", keys_cleared, NULL, NULL);
    }
}

/* A session made whose state file write failed after the check (the disk
 * filled up, say): ended again where the provider can, else its keys
 * dropped; and said what is left live, as `sesame create` does. */
static void untracked(struct app *app, struct create_ctx *c, const struct session *s,
                      const char *why)
{
    store_remove_session(&app->store, c->a.id, s->id);
    if (c->p->caps & CAP_REVOKE) {
        struct job j = act_op_job(&c->a, OP_REVOKE);
        j.args.session_id = xstrdup(s->id);
        struct create_ctx *next = create_ctx_new(&c->a, c->p);
        next->session_id = xstrdup(s->id);
        next->why = xstrdup(why);
        request_submit(app, &j, "logging out", untracked_done, next, create_free);
        return;
    }
    char *left = act_expiry_text(s->expires_ms);
    app_error(app, "session %s could not be tracked (the state file could not be written: %s); "
              "%s has no way to end it: it stays valid there%s%s; its keys are removed from "
              "the keyring", s->id, why, c->p->title, *left ? " until it " : "", left);
    free(left);
    struct job j = act_secret_job(&c->a, JOB_SECRET_CLEAR, NULL, s->id);
    request_submit(app, &j, "removing its keys", keys_cleared, NULL, NULL);
}

static void create_done(struct app *app, struct event *ev, void *ctx)
{
    struct create_ctx *c = ctx;
    bool login = c->p->caps & CAP_REVOKE;
    if (ev->err) {
        app_error(app, "%s: %s", act_name_of(&c->a), ev->error ? ev->error : "failed");
        return;
    }
    if (ev->result.sessions.n == 0) {
        app_error(app, "%s: the provider answered without a session", act_name_of(&c->a));
        return;
    }
    for (size_t i = 0; i < ev->result.sessions.n; i++)
        ev->result.sessions.v[i].tracked = true; /* made here: kept in the state file */
    struct session *s = &ev->result.sessions.v[0];
    c->session_id = xstrdup(s->id);
    char *left = act_expiry_text(s->expires_ms);
    char *err = NULL;
    if (act_record(app, &c->a, &ev->result, &err) != 0) {
        untracked(app, c, s, err);
        free(err);
        free(left);
        return;
    }
    if (c->grant) {
        struct job j = act_op_job(&c->a, OP_AUTHORIZE);
        j.args.session_id = xstrdup(c->session_id);
        j.args.options_json = xstrdup(c->grant);
        struct create_ctx *next = xcalloc(1, sizeof *next);
        account_copy(&next->a, &c->a);
        next->p = c->p;
        next->session_id = xstrdup(c->session_id);
        next->grant_text = xstrdup(c->grant_text);
        uint64_t job = request_submit(app, &j, "authorizing", authorize_done, next, create_free);
        app_progress(app, job, "created session %s (%s); authorizing it", c->session_id,
                     act_name_of(&c->a));
    } else if (login) {
        app_message(app, "logged in to %s: session %s%s%s", act_name_of(&c->a), c->session_id,
                    *left ? ", " : "", left);
    } else if ((c->p->caps & CAP_OPEN_URL) && !s->has_url) {
        char *O = act_hint_key(app, ACT_SHOW_URL);
        app_error(app, "created session %s (%s), but %s answered with a URL that is not an "
                  "http(s) URL: it is tracked, not opened (%s shows the URL)", c->session_id,
                  act_name_of(&c->a), c->p->title, O);
        free(O);
    } else if (c->p->caps & CAP_OPEN_URL) {
        char *o = act_hint_key(app, ACT_OPEN_URL), *O = act_hint_key(app, ACT_SHOW_URL),
             *y = act_hint_key(app, ACT_COPY);
        app_message(app, "created session %s (%s)%s%s: %s opens it, %s shows the URL, %s "
                    "copies it", c->session_id, act_name_of(&c->a), *left ? ", " : "", left, o, O, y);
        free(o);
        free(O);
        free(y);
    } else {
        app_message(app, "created session %s (%s)%s%s, with no permissions yet", c->session_id,
                    act_name_of(&c->a), *left ? ", " : "", left);
    }
    free(left);
}

/* Takes c; options_json may be NULL. Nothing is sent unless what it makes
 * can be tracked (state_check_writable). */
static void submit_create(struct app *app, struct create_ctx *c, const char *options_json)
{
    char *err = NULL;
    if (state_check_writable(&err) != 0) {
        app_error(app, "%s: nothing was sent to %s: %s", act_name_of(&c->a), c->p->title,
                  err ? err : "the state file cannot be written");
        free(err);
        create_free(c);
        return;
    }
    struct job j = act_op_job(&c->a, OP_CREATE);
    j.args.options_json = xstrdup(options_json);
    bool login = c->p->caps & CAP_REVOKE;
    char *what = xasprintf("%s %s", login ? "logging in to" : "creating a session at",
                           act_name_of(&c->a));
    uint64_t job = request_submit(app, &j, login ? "logging in" : "creating", create_done, c,
                                  create_free);
    app_progress(app, job, "%s", what);
    free(what);
}

/* ---- Basis Theory: permissions and rules ---- */

static enum form_answer bt_submit(struct app *app, struct form *f, void *ctx)
{
    struct create_ctx *c = ctx;
    char *what = NULL;
    char *grant = act_grant_options(f, &c->a, c->p, &what);
    if (form_errors(f) || f->error)
        return FORM_KEEP;
    struct create_ctx *go = create_ctx_new(&c->a, c->p);
    go->grant = grant; /* NULL: no grant given, created without permissions */
    go->grant_text = what;
    submit_create(app, go, NULL);
    return FORM_CLOSE;
}

static void bt_form(struct app *app, struct store_account *sa)
{
    struct form f;
    char *title = xasprintf("New Basis Theory session at %s", act_name_of(&sa->a));
    form_init(&f, title);
    free(title);
    f.note = xstrdup("The session is created with the public key, then authorized with the "
                     "private key when permissions or rules are given.");
    act_grant_fields(&f);
    struct create_ctx *c = create_ctx_new(&sa->a, sa->provider);
    app_open_overlay(app, form_view_new(&f, bt_submit, NULL, c, create_free));
}

/* ---- Apideck Vault: consumer metadata, redirect, length, APIs ---- */

static enum form_answer vault_submit(struct app *app, struct form *f, void *ctx)
{
    struct create_ctx *c = ctx;
    char *name = form_value_trimmed(f, "user_name"), *email = form_value_trimmed(f, "email");
    char *redirect = form_value_trimmed(f, "redirect_uri");
    char *length = form_value_trimmed(f, "session_length");
    char **apis = NULL;
    size_t n_apis = act_split_list(form_value(f, "unified_apis"), &apis);
    char *bad_length = length ? provider_field_check(&provider_apideck, "session_length", length)
                              : NULL;
    if (bad_length)
        form_field_set_error(form_find(f, "session_length"), "%s", bad_length);
    free(bad_length);
    cJSON *o = cJSON_CreateObject();
    if (name || email) {
        cJSON *meta = cJSON_AddObjectToObject(o, "consumer_metadata");
        if (name)
            cJSON_AddStringToObject(meta, "user_name", name);
        if (email)
            cJSON_AddStringToObject(meta, "email", email);
    }
    if (redirect)
        cJSON_AddStringToObject(o, "redirect_uri", redirect);
    if (length || n_apis) {
        cJSON *set = cJSON_AddObjectToObject(o, "settings");
        if (length)
            cJSON_AddStringToObject(set, "session_length", length);
        if (n_apis) {
            cJSON *arr = cJSON_AddArrayToObject(set, "unified_apis");
            for (size_t i = 0; i < n_apis; i++)
                cJSON_AddItemToArray(arr, cJSON_CreateString(apis[i]));
        }
    }
    char *json = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    char *opts = xstrdup(json);
    cJSON_free(json);
    enum form_answer ans = FORM_KEEP;
    if (!form_validate(f)) {
        struct op_args args;
        memset(&args, 0, sizeof args);
        args.options_json = xstrdup(opts);
        char *err = NULL;
        if (act_dry_build(&c->a, c->p, OP_CREATE, &args, &err) != 0)
            form_set_error(f, "%s", err ? err : "Apideck Vault would refuse these options");
        free(err);
        op_args_free(&args);
    }
    if (!form_errors(f) && !f->error) {
        submit_create(app, create_ctx_new(&c->a, c->p),
                      strcmp(opts, "{}") == 0 ? NULL : opts);
        ans = FORM_CLOSE;
    }
    free(opts);
    free(name);
    free(email);
    free(redirect);
    free(length);
    act_free_list(apis, n_apis);
    return ans;
}

static void vault_field(struct form *f, const struct account *a, const char *key,
                        const char *label, const char *acct_key, const char *help)
{
    size_t i = form_add(f, FORM_TEXT, key, label, false, help);
    const char *dflt = account_field(a, acct_key);
    char *ph = str_empty(dflt) ? xstrdup("(none)") : xasprintf("%s (the account's)", dflt);
    form_field_set_placeholder(&f->fields[i], ph);
    free(ph);
}

static void vault_form(struct app *app, struct store_account *sa)
{
    struct form f;
    char *title = xasprintf("New Apideck Vault session at %s", act_name_of(&sa->a));
    form_init(&f, title);
    free(title);
    f.note = xasprintf("For consumer %s. Empty fields take the account's values.",
                       account_field(&sa->a, "consumer_id") ? account_field(&sa->a, "consumer_id")
                                                            : "?");
    vault_field(&f, &sa->a, "user_name", "Consumer name", "consumer_name",
                "consumer_metadata.user_name, shown in Vault");
    vault_field(&f, &sa->a, "email", "Consumer e-mail", "consumer_email",
                "consumer_metadata.email");
    vault_field(&f, &sa->a, "redirect_uri", "Redirect URI", "redirect_uri",
                "where Vault sends the user when done");
    vault_field(&f, &sa->a, "session_length", "Session length", "session_length",
                "30m, 1h, 2d, 1w (at most a week); Vault's default is 1h");
    size_t i = form_add(&f, FORM_TEXT, "unified_apis", "Unified APIs", false,
                        "comma-separated, e.g. crm, accounting; empty: all");
    form_field_set_placeholder(&f.fields[i], "(all)");
    struct create_ctx *c = create_ctx_new(&sa->a, sa->provider);
    app_open_overlay(app, form_view_new(&f, vault_submit, NULL, c, create_free));
}

static void create_action(struct app *app)
{
    long i = target_account(app);
    if (i < 0) {
        char *add = act_hint_key(app, ACT_ACCOUNT_ADD);
        app_error(app, "no account to make a session at (%s adds one)", add);
        free(add);
        return;
    }
    struct store_account *sa = &app->store.acc[i];
    if (!sa->provider) {
        app_error(app, "%s: unknown provider '%s'", act_name_of(&sa->a),
                  sa->a.provider_id ? sa->a.provider_id : "");
        return;
    }
    if (!(sa->provider->caps & CAP_CREATE)) {
        app_error(app, "%s sessions are made by signing in to your app, not here: n works on "
                  "Basis Theory, Apideck Vault, Plantly and CBRAIN accounts", sa->provider->title);
        return;
    }
    if (sa->provider->caps & CAP_AUTHORIZE)
        bt_form(app, sa);
    else if (sa->provider->caps & CAP_OPEN_URL)
        vault_form(app, sa);
    else
        submit_create(app, create_ctx_new(&sa->a, sa->provider), NULL);
}

/* ==== o O y: the URL of a Vault session, copying ======================= */

enum url_use { URL_OPEN, URL_SHOW, URL_COPY };

struct url_ctx {
    enum url_use use;
    char *session_id;
    char *account;
    int64_t expires_ms;
};

static void url_free(void *p)
{
    struct url_ctx *u = p;
    free(u->session_id);
    free(u->account);
    free(u);
}

void actions_copy(struct app *app, const char *text, const char *what)
{
    if (!screen_active() || osc52_write(STDOUT_FILENO, text, strlen(text)) != 0) {
        app_error(app, "could not copy %s: %s", what,
                  strlen(text) > OSC52_MAX ? "too long for OSC 52" : "the terminal is not there");
        return;
    }
    app_message(app, "copied %s (OSC 52)", what);
}

static void url_done(struct app *app, struct event *ev, void *ctx)
{
    struct url_ctx *u = ctx;
    if (ev->err || str_empty(ev->secret)) {
        app_error(app, "%s: %s", u->account,
                  ev->err ? (ev->error ? ev->error : "failed") : "the keyring holds no URL");
        return;
    }
    if (u->use == URL_SHOW && text_width(ev->secret) < app->cols) {
        char *note = xasprintf("showed the URL of session %s (not kept in the log)",
                               u->session_id);
        app_message_secret(app, ev->secret, note);
        free(note);
    } else if (u->use == URL_SHOW) { /* too long for one line: wrapped in a box */
        const char *top = app->overlay ? app->overlay->ops->name : NULL;
        if (top && (strcmp(top, "form") == 0 || strcmp(top, "confirm") == 0))
            return;
        char *url = ev->secret;
        ev->secret = NULL; /* the overlay wipes it */
        app_open_overlay(app, url_view_new(u->account, u->session_id, u->expires_ms, url));
    } else if (u->use == URL_COPY) {
        char *what = xasprintf("the URL of session %s", u->session_id);
        actions_copy(app, ev->secret, what);
        free(what);
    } else if (!http_url_openable(ev->secret)) {
        char *O = act_hint_key(app, ACT_SHOW_URL);
        app_error(app, "the URL of session %s is not an http(s) URL: not opened (%s shows it)",
                  u->session_id, O);
        free(O);
    } else {
        pid_t pid = 0;
        char *why = NULL;
        if (browser_spawn(ev->secret, true, &pid, &why) != 0) {
            char *O = act_hint_key(app, ACT_SHOW_URL), *y = act_hint_key(app, ACT_COPY);
            app_error(app, "would open %s's Vault page, but %s (%s shows the URL, %s copies it)",
                      u->session_id, why ? why : "no browser started", O, y);
            free(O);
            free(y);
        } else {
            requests_add_child(app, pid, "the browser");
            app_message(app, "opened session %s in the browser", u->session_id);
        }
        free(why);
    }
}

static void url_action(struct app *app, enum url_use use)
{
    const char *doing = use == URL_OPEN ? "open" : use == URL_SHOW ? "show the URL" : "copy";
    struct session s;
    struct store_account *sa;
    if (!act_current_session(app, doing, &s, &sa))
        return;
    bool has_url = sa->provider->caps & CAP_OPEN_URL;
    if (use == URL_COPY && !has_url) {
        char *what = xasprintf("the id %s", s.id);
        actions_copy(app, s.id, what);
        free(what);
        session_free(&s);
        return;
    }
    if (!has_url) {
        app_error(app, "%s sessions have no URL to open (Apideck Vault's do)",
                  sa->provider->title);
        session_free(&s);
        return;
    }
    struct url_ctx *u = xcalloc(1, sizeof *u);
    u->use = use;
    u->session_id = xstrdup(s.id);
    u->account = xstrdup(act_name_of(&sa->a));
    u->expires_ms = s.expires_ms;
    struct job j = act_secret_job(&sa->a, JOB_SECRET_LOOKUP, "session_uri", s.id);
    request_submit(app, &j, "reading the URL", url_done, u, url_free);
    if (s.expires_ms > 0 && s.expires_ms <= now_ms())
        app_error(app, "session %s has expired: Apideck Vault will likely refuse it", s.id);
    session_free(&s);
}

/* ==== t: a JWT from a template ========================================= */

static void token_done(struct app *app, struct event *ev, void *ctx)
{
    struct act_target *t = ctx; /* extra: the template */
    if (ev->err || str_empty(ev->result.token)) {
        app_error(app, "%s: %s", act_name_of(&t->a),
                  ev->err ? (ev->error ? ev->error : "failed") : "no token in the answer");
        return;
    }
    const char *top = app->overlay ? app->overlay->ops->name : NULL;
    if (top && (strcmp(top, "form") == 0 || strcmp(top, "confirm") == 0)) {
        char *key = act_hint_key(app, ACT_TOKEN);
        app_error(app, "the token for session %s came while a dialog was open: press %s "
                  "again once it is closed", t->session_id, key);
        free(key);
        return; /* event_free wipes it */
    }
    char *token = ev->result.token;
    ev->result.token = NULL; /* the overlay wipes it */
    app_open_overlay(app, token_view_new(act_name_of(&t->a), t->session_id, t->extra, token));
}

static enum form_answer token_submit(struct app *app, struct form *f, void *ctx)
{
    struct act_target *t = ctx; /* extra: the template */
    char *tpl = form_value_trimmed(f, "template");
    char *exp = form_value_trimmed(f, "expires_in");
    long secs = 0;
    if (exp) {
        char *end;
        errno = 0;
        secs = strtol(exp, &end, 10);
        if (errno || *end || secs < TOKEN_MIN_S || secs > TOKEN_MAX_S)
            form_field_set_error(form_find(f, "expires_in"),
                                 "whole seconds from %ld to %ld, or empty", TOKEN_MIN_S,
                                 TOKEN_MAX_S);
    }
    enum form_answer ans = FORM_KEEP;
    if (!form_validate(f)) {
        requests_set_last_template(app, t->a.id, tpl);
        struct job j = act_op_job(&t->a, OP_TOKEN);
        j.args.session_id = xstrdup(t->session_id);
        j.args.template_name = xstrdup(tpl);
        j.args.expires_in_seconds = secs;
        uint64_t job = request_submit(app, &j, "minting a token", token_done,
                                      act_target_new(&t->a, NULL, t->session_id, tpl),
                                      act_target_free);
        app_progress(app, job, "minting a token for session %s%s%s", t->session_id,
                     tpl ? " from template " : "", tpl ? tpl : "");
        ans = FORM_CLOSE;
    }
    free(tpl);
    free(exp);
    return ans;
}

static void token_action(struct app *app)
{
    struct session s;
    struct store_account *sa;
    if (!act_current_session(app, "token", &s, &sa))
        return;
    if (!(sa->provider->caps & CAP_TOKEN)) {
        app_error(app, "%s sessions have no tokens to mint (Clerk's do)", sa->provider->title);
    } else if (!session_status_live(session_status_seen(&s, now_ms()))) {
        app_error(app, "session %s is %s: Clerk mints tokens for active sessions only", s.id,
                  session_status_name(session_status_seen(&s, now_ms())));
    } else {
        struct form f;
        char *title = xasprintf("Token for session %s", s.id);
        form_init(&f, title);
        free(title);
        size_t i = form_add(&f, FORM_TEXT, "template", "Template", false,
                            "a JWT template of the instance; empty: the session's own token");
        form_field_set_placeholder(&f.fields[i], "(none: the session token)");
        form_field_set(&f.fields[i], requests_last_template(app, sa->a.id));
        i = form_add(&f, FORM_TEXT, "expires_in", "Expires in (s)", false,
                     "seconds, 30 to 315360000; empty: the template's own lifetime");
        form_field_set_placeholder(&f.fields[i], "(the template's)");
        app_open_overlay(app, form_view_new(&f, token_submit, NULL,
                                            act_target_new(&sa->a, sa->provider, s.id, NULL),
                                            act_target_free));
    }
    session_free(&s);
}

/* ==== the keys ========================================================= */

const char *action_refused_read_only(enum action a)
{
    switch (a) {
    case ACT_REVOKE: return "revoking";
    case ACT_CREATE: return "creating sessions";
    case ACT_AUTHORIZE: return "authorizing sessions";
    case ACT_ACCOUNT_ADD: return "adding accounts";
    case ACT_ACCOUNT_EDIT: return "editing accounts";
    case ACT_ACCOUNT_DEL: return "deleting accounts";
    default: return NULL;
    }
}

static void account_action(struct app *app, enum action a)
{
    long i = target_account(app);
    if (i < 0) {
        char *add = act_hint_key(app, ACT_ACCOUNT_ADD);
        app_error(app, "no account selected (%s adds one)", add);
        free(add);
        return;
    }
    if (a == ACT_ACCOUNT_EDIT)
        account_form_edit(app, (size_t)i);
    else
        account_delete(app, (size_t)i);
}

bool actions_do(struct app *app, enum action a)
{
    switch (a) {
    case ACT_REVOKE: revoke_action(app); break;
    case ACT_CREATE: create_action(app); break;
    case ACT_OPEN_URL: url_action(app, URL_OPEN); break;
    case ACT_SHOW_URL: url_action(app, URL_SHOW); break;
    case ACT_COPY: url_action(app, URL_COPY); break;
    case ACT_TOKEN: token_action(app); break;
    case ACT_AUTHORIZE: act_authorize(app); break;
    case ACT_VERIFY: act_verify(app); break;
    case ACT_ACCOUNT_ADD: account_form_add(app); break;
    case ACT_ACCOUNT_EDIT:
    case ACT_ACCOUNT_DEL: account_action(app, a); break;
    default: return false;
    }
    app->dirty = true;
    return true;
}
