/* What the keys n o O y t do to sessions (x is session_revoke.c): create
 * one where the provider can, open or show a Vault session's URL, copy an
 * id, URL or token through OSC 52, mint a Clerk JWT. Every request goes through requests.c; its
 * answer lands in the store (and the state file for tracked sessions) and
 * on the message line. The order of operations is the headless commands'
 * (src/cli/lifecycle.c, open.c, token.c). */
#include <cjson/cJSON.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "account_policy.h"
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
    char *refused = account_refuses(&sa->a, OP_CREATE);
    if (refused) {
        app_error(app, "%s", refused);
        free(refused);
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
    if (app->redact) { /* a clipboard shared with the meeting's tool or a manager keeps it */
        app_error(app, "screen-share mode: nothing is copied (the clipboard may be shared or "
                  "kept); M turns the mode off");
        return;
    }
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
            requests_add_child(app, pid, "the browser",
                               "set $BROWSER to a browser, or show the URL with O");
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
    case ACT_REVOKE: act_revoke(app); break;
    case ACT_CANCEL:
        if (!act_cancel_bulk(app))
            app_message(app, "nothing to cancel: no action on many is running");
        break;
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
