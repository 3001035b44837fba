/* Helpers of the session actions (action_common.h). */
#include "action_common.h"

#include <stdlib.h>
#include <string.h>

#include "actions.h"
#include "form.h"
#include "state.h"
#include "strpool.h"
#include "util.h"

struct view *act_pane(struct app *app, const char *name)
{
    for (size_t i = 0; i < app->n_panes; i++)
        if (strcmp(app->panes[i]->ops->name, name) == 0)
            return app->panes[i];
    return NULL;
}

bool act_focused(struct app *app, const struct view *v)
{
    return v && app->n_panes && app->panes[app->focus] == v;
}

const char *act_name_of(const struct account *a)
{
    return a->label ? a->label : a->id ? a->id : "?";
}

char *act_hint_key(const struct app *app, enum action a)
{
    char buf[32];
    app_key_for(app, a, buf, sizeof buf);
    return xstrdup(*buf ? buf : action_name(a));
}


/* A copy of the session under the cursor of the sessions table, with its
 * account; false (and a message) when there is none. */
bool act_current_session(struct app *app, const char *doing, struct session *out,
                            struct store_account **sa)
{
    struct view *ses = act_pane(app, "sessions");
    const struct session *s = act_focused(app, ses) ? sessions_view_current(ses, app) : NULL;
    if (!s) {
        char *tab = act_hint_key(app, ACT_NEXT_PANE);
        app_error(app, "%s: put the cursor on a session in the sessions table first (%s "
                  "switches panes)", doing, tab);
        free(tab);
        return false;
    }
    *sa = store_find(&app->store, s->account_id);
    if (!*sa || !(*sa)->provider) {
        app_error(app, "%s: the session's account is gone or has an unknown provider", doing);
        return false;
    }
    session_copy(out, s);
    return true;
}

struct act_target *act_target_new(const struct account *a, const struct provider *p,
                                  const char *session_id, const char *extra)
{
    struct act_target *t = xcalloc(1, sizeof *t);
    account_copy(&t->a, a);
    t->p = p;
    t->session_id = xstrdup(session_id);
    t->extra = xstrdup(extra);
    return t;
}

void act_target_free(void *target)
{
    struct act_target *t = target;
    if (!t)
        return;
    account_free(&t->a);
    free(t->session_id);
    free(t->extra);
    free(t);
}

struct job act_op_job(const struct account *a, enum op op)
{
    struct job j;
    memset(&j, 0, sizeof j);
    j.kind = JOB_OP;
    j.op = op;
    account_copy(&j.account, a);
    return j;
}

struct job act_secret_job(const struct account *a, enum job_kind kind, const char *kind_name,
                             const char *session_id)
{
    struct job j;
    memset(&j, 0, sizeof j);
    j.kind = kind;
    account_copy(&j.account, a);
    j.kind_name = xstrdup(kind_name);
    j.session_id = xstrdup(session_id);
    return j;
}

/* Sessions of an answer: tracked ones to the state file (as `sesame create`
 * and `revoke` do), every one into the store. 0, or the state file's error
 * (owned) in *error. */
int act_record(struct app *app, const struct account *a, struct op_result *r, char **error)
{
    int rc = 0;
    for (size_t i = 0; i < r->sessions.n; i++) {
        struct session *s = &r->sessions.v[i];
        if (!s->account_id)
            s->account_id = strpool_get(a->id);
        char *err = NULL;
        if (s->tracked && state_merge(s, &err) != 0 && rc == 0) {
            rc = ERR_CONFIG;
            *error = err ? err : xstrdup("cannot write the state file");
            err = NULL;
        }
        free(err);
        store_merge_session(&app->store, a->id, s);
    }
    return rc;
}

/* "expires in 2m 50s", "" when it has no expiry. Owned. */
char *act_expiry_text(int64_t expires_ms)
{
    int64_t now = now_ms();
    if (expires_ms <= 0)
        return xstrdup("");
    if (expires_ms <= now)
        return xstrdup("expired");
    char left[40];
    format_duration(expires_ms - now, left, sizeof left);
    return xasprintf("expires in %s", left);
}

/* ---- the provider's own checks, before anything is sent ---- */

/* Would the provider take these arguments? Its build() with stand-in
 * secrets checks options against the spec, so a mistake is shown in the
 * form rather than after a round trip. */
int act_dry_build(const struct account *a, const struct provider *p, enum op op,
                     const struct op_args *args, char **error)
{
    struct secret_bag bag;
    memset(&bag, 0, sizeof bag);
    struct op_needs needs = p->needs ? p->needs(op) : (struct op_needs){NULL, NULL};
    const char *lists[2] = {needs.account_secrets, needs.session_secrets};
    for (size_t l = 0; l < 2; l++) {
        char *kinds = xstrdup(lists[l] ? lists[l] : "");
        for (char *save = NULL, *k = strtok_r(kinds, ",", &save); k; k = strtok_r(NULL, ",", &save))
            secret_bag_put(&bag, k, "stand-in");
        free(kinds);
    }
    struct http_request req;
    memset(&req, 0, sizeof req);
    int rc = p->build(a, op, args, &bag, &req, error);
    http_request_free(&req);
    secret_bag_clear(&bag);
    return rc;
}


/* "a, b,,c " into an array of trimmed non-empty items; returns the count. */
size_t act_split_list(const char *text, char ***out)
{
    size_t n = 0;
    *out = NULL;
    char *copy = xstrdup(text ? text : "");
    for (char *save = NULL, *w = strtok_r(copy, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
        while (*w == ' ' || *w == '\t')
            w++;
        size_t len = strlen(w);
        while (len && (w[len - 1] == ' ' || w[len - 1] == '\t'))
            len--;
        if (!len)
            continue;
        *out = xrealloc(*out, (n + 1) * sizeof **out);
        (*out)[n++] = xstrndup(w, len);
    }
    free(copy);
    return n;
}

void act_free_list(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

