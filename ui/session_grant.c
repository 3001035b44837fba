/* Basis Theory grants from the dashboard: the permissions, access rules
 * and expiry a session is authorized with, in the form of n (a new
 * session, authorized at once) and of A (a session made before), as
 * `sesame create` and `sesame authorize` take them. */
#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "action_common.h"
#include "account_policy.h"
#include "actions.h"
#include "cli/cli.h"
#include "form.h"
#include "session_status.h"
#include "util.h"

void act_grant_fields(struct form *f)
{
    size_t i = form_add(f, FORM_TEXT, "permissions", "Permissions", false,
                        "comma-separated, e.g. token:read, token:create");
    form_field_set_placeholder(&f->fields[i], "token:read, token:create");
    i = form_add(f, FORM_TEXT, "rules", "Rules (JSON)", false,
                 "an access rule {...} or an array of them");
    form_field_set_placeholder(&f->fields[i], "(none)");
    i = form_add(f, FORM_TEXT, "expires_at", "Expires at", false,
                 "ISO 8601, e.g. 2030-01-09T20:14:55Z; empty: 3 minutes after creation");
    form_field_set_placeholder(&f->fields[i], "(3 minutes after creation)");
}

/* "token:read, token:create and rules, until 2030-01-09T20:14:55Z". Owned. */
static char *grant_text(char **perms, size_t n_perms, bool rules, const char *expires)
{
    char *what = xstrdup("");
    for (size_t i = 0; i < n_perms; i++) {
        char *n = xasprintf("%s%s%s", what, i ? ", " : "", perms[i]);
        free(what);
        what = n;
    }
    char *all = xasprintf("%s%s%s%s", what, rules ? (n_perms ? " and rules" : "rules") : "",
                          expires ? ", until " : "", expires ? expires : "");
    free(what);
    return all;
}

/* An access rule (a JSON object) or an array of them, else a message. */
static void check_rules(struct form *f, const char *rules)
{
    cJSON *j = cJSON_Parse(rules);
    bool parsed = j != NULL, ok = cJSON_IsObject(j) || cJSON_IsArray(j);
    const cJSON *r;
    if (cJSON_IsArray(j))
        cJSON_ArrayForEach(r, j) ok = ok && cJSON_IsObject(r);
    cJSON_Delete(j);
    if (!ok)
        form_field_set_error(form_find(f, "rules"), "%s", parsed
                             ? "an access rule (a JSON object) or an array of them"
                             : "not valid JSON");
}

char *act_grant_options(struct form *f, const struct account *a, const struct provider *p,
                        char **what)
{
    char **perms = NULL;
    size_t n_perms = act_split_list(form_value(f, "permissions"), &perms);
    char *rules = form_value_trimmed(f, "rules");
    char *expires = form_value_trimmed(f, "expires_at");
    char *grant = NULL, *err = NULL;
    *what = NULL;
    if (rules)
        check_rules(f, rules);
    if (!form_validate(f) && (n_perms || rules || expires)) {
        /* the headless commands' own check, then the provider's */
        if (cli_authorize_options(perms, n_perms, rules, expires, &grant, &err) != 0) {
            form_set_error(f, "%s", err ? err : "these permissions and rules do not go");
        } else {
            struct op_args args;
            memset(&args, 0, sizeof args);
            args.session_id = xstrdup("check");
            args.options_json = xstrdup(grant);
            free(err);
            err = NULL;
            if (act_dry_build(a, p, OP_AUTHORIZE, &args, &err) != 0 && err &&
                !strstr(err, "keyring"))
                form_set_error(f, "%s", err);
            op_args_free(&args);
        }
    }
    if (grant && !form_errors(f) && !f->error) {
        *what = grant_text(perms, n_perms, rules != NULL, expires);
    } else {
        free(grant);
        grant = NULL;
    }
    free(err);
    free(rules);
    free(expires);
    act_free_list(perms, n_perms);
    return grant;
}

/* ---- A: authorize a session made before ---- */

static void authorized(struct app *app, struct event *ev, void *ctx)
{
    struct act_target *g = ctx;
    char *err = NULL;
    if (ev->err) {
        app_error(app, "%s: session %s was not authorized: %s", act_name_of(&g->a), g->session_id,
                  ev->error ? ev->error : "failed");
    } else if (act_record(app, &g->a, &ev->result, &err) != 0) {
        app_error(app, "session %s was authorized, but the state file could not be written: %s",
                  g->session_id, err);
    } else {
        const struct session *s = store_session_find(&app->store, g->a.id, g->session_id);
        char *left = act_expiry_text(s ? s->expires_ms : 0);
        app_message(app, "authorized session %s (%s): %s%s%s", g->session_id,
                    act_name_of(&g->a), g->extra, *left ? "; it " : "", left);
        free(left);
    }
    free(err);
}

static enum form_answer authorize_submit(struct app *app, struct form *f, void *ctx)
{
    struct act_target *g = ctx;
    char *what = NULL;
    char *grant = act_grant_options(f, &g->a, g->p, &what);
    if (!grant) {
        if (!form_errors(f) && !f->error)
            form_set_error(f, "give permissions or rules (and, if you like, an expiry)");
        return FORM_KEEP;
    }
    struct job j = act_op_job(&g->a, OP_AUTHORIZE);
    j.args.session_id = xstrdup(g->session_id);
    j.args.options_json = grant;
    struct act_target *go = act_target_new(&g->a, g->p, g->session_id, what);
    free(what);
    uint64_t job = request_submit(app, &j, "authorizing", authorized, go, act_target_free);
    app_progress(app, job, "authorizing session %s (%s)", g->session_id, act_name_of(&g->a));
    return FORM_CLOSE;
}

void act_authorize(struct app *app)
{
    struct session s;
    struct store_account *sa;
    if (!act_current_session(app, "authorize", &s, &sa))
        return;
    enum session_status st = session_status_seen(&s, now_ms());
    char *refused = account_refuses(&sa->a, OP_AUTHORIZE);
    if (refused) {
        app_error(app, "%s", refused);
        free(refused);
    } else if (!(sa->provider->caps & CAP_AUTHORIZE)) {
        app_error(app, "%s sessions are not authorized by sesame (only Basis Theory sessions are)",
                  sa->provider->title);
    } else if (!session_status_live(st)) {
        app_error(app, "session %s is %s: Basis Theory authorizes live sessions only", s.id,
                  session_status_name(st));
    } else {
        struct form f;
        char *title = xasprintf("Authorize session %s", s.id);
        form_init(&f, title);
        free(title);
        f.note = xstrdup("Grants the session permissions or access rules (with the private key); "
                         "an expiry moves its end.");
        act_grant_fields(&f);
        app_open_overlay(app, form_view_new(&f, authorize_submit, NULL,
                                            act_target_new(&sa->a, sa->provider, s.id, NULL),
                                            act_target_free));
    }
    session_free(&s);
}
