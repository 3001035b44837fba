/* The keyring half of a job, run on the worker's keyring thread: the
 * secrets an operation needs, the tokens it returned, the secrets of a
 * session it ended, and the plain JOB_SECRET_* calls. */
#include <glib.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "keyring.h"
#include "prune.h"
#include "util.h"
#include "worker_internal.h"

void set_error(struct op_result *r, int err, char *msg)
{
    if (r->err) {
        free(msg);
        return;
    }
    r->err = err;
    free(r->error);
    r->error = msg;
}

static const char *who(const struct running_job *j)
{
    return j->job.account.label ? j->job.account.label : j->job.account.id;
}

/* An add that was cut short, or an item removed outside sesame: what is
 * missing and the command that puts it back. */
static char *missing_secret(const struct running_job *j, const char *kind, const char *session)
{
    if (session)
        return xasprintf("no %s in the keyring for session %s of %s (removed outside "
                         "sesame?)", kind, session, who(j));
    /* the worker knows this account only, not whether its id is also
     * another's label: "id:ID" reaches it whatever the others are */
    char *name = shell_quote(who(j)), *id = account_ref(NULL, &j->job.account);
    char *msg = xasprintf("no %s in the keyring for account %s: enter it with: sesame account "
                          "edit %s --secret %s (or e in the dashboard)", kind, name, id, kind);
    free(id);
    free(name);
    return msg;
}

/* Look up each comma-separated kind into the job's bag. */
static int lookup_secrets(struct running_job *j, const char *kinds, const char *session)
{
    if (str_empty(kinds))
        return 0;
    char **list = g_strsplit(kinds, ",", 0);
    int rc = 0;
    for (char **k = list; *k && rc == 0; k++) {
        char *value = NULL, *err = NULL;
        rc = keyring_lookup(j->job.account.id, *k, session ? session : "", &value, &err);
        if (rc != 0) {
            set_error(&j->merged, ERR_KEYRING, err ? err : xstrdup("keyring lookup failed"));
            err = NULL;
        } else if (!value) {
            rc = ERR_KEYRING;
            set_error(&j->merged, ERR_KEYRING, missing_secret(j, *k, session));
        } else {
            secret_bag_put(&j->secrets, *k, value);
        }
        free(err);
        wipe_free(value);
    }
    g_strfreev(list);
    return rc;
}

static void prepare(struct running_job *j)
{
    struct op_needs needs = j->prov->needs ? j->prov->needs(j->job.op) : (struct op_needs){0};
    if (lookup_secrets(j, needs.account_secrets, NULL) == 0)
        lookup_secrets(j, needs.session_secrets, j->job.args.session_id);
}

/* Tokens a provider handed back go to the keyring under the session. */
static void store_new_secrets(struct running_job *j)
{
    struct op_result *r = &j->merged;
    const char *sid = r->sessions.n ? r->sessions.v[0].id : j->job.args.session_id;
    if (!sid) {
        set_error(r, ERR_INTERNAL, xstrdup("provider returned secrets without a session"));
        return;
    }
    for (size_t i = 0; i < r->new_secrets.n; i++) {
        char *label = xasprintf("sesame: %s %s (%s)", who(j), r->new_secrets.item[i].kind, sid);
        char *err = NULL;
        int rc = keyring_store(j->job.account.id, r->new_secrets.item[i].kind, sid, label,
                               r->new_secrets.item[i].value, &err);
        free(label);
        if (rc != 0) {
            set_error(r, ERR_KEYRING, xasprintf("session %s was made but its %s could not be "
                                                "kept: %s", sid, r->new_secrets.item[i].kind,
                                                err ? err : "keyring error"));
            free(err);
            return;
        }
    }
    secret_bag_clear(&r->new_secrets);
}

static void finish(struct running_job *j)
{
    store_new_secrets(j);
    if (j->merged.err || !j->merged.forget_session || !j->job.args.session_id)
        return;
    char *err = NULL;
    if (keyring_clear_session(j->job.account.id, j->job.args.session_id, &err) != 0)
        set_error(&j->merged, ERR_KEYRING, xasprintf("the session ended, but its secrets could "
                                                     "not be removed from the keyring: %s",
                                                     err ? err : "?"));
    free(err);
}

static void call(struct running_job *j)
{
    struct job *jb = &j->job;
    char *err = NULL;
    int rc = 0;
    const char *session = jb->session_id ? jb->session_id : "";
    switch (jb->kind) {
    case JOB_SECRET_STORE: {
        char *label = xasprintf("sesame: %s %s%s%s", who(j), jb->kind_name ? jb->kind_name
                                : "secret", jb->session_id ? " " : "", session);
        rc = keyring_store(jb->account.id, jb->kind_name, session, label, jb->secret, &err);
        free(label);
        break;
    }
    case JOB_SECRET_LOOKUP:
        rc = keyring_lookup(jb->account.id, jb->kind_name, session, &j->kr_secret, &err);
        if (rc == 0 && !j->kr_secret) {
            rc = ERR_KEYRING;
            err = xasprintf("no %s in the keyring for %s", jb->kind_name,
                            jb->session_id ? jb->session_id : jb->account.id);
        }
        break;
    case JOB_SECRET_CLEAR:
        rc = jb->session_id ? keyring_clear_session(jb->account.id, jb->session_id, &err)
                            : keyring_clear_account(jb->account.id, &err);
        break;
    case JOB_KEYRING_CHECK:
        rc = keyring_check(&err);
        break;
    case JOB_KEYRING_PRUNE:
        rc = accounts_prune(jb->config_dir, jb->dry_run, &j->kr_report, &err);
        break;
    case JOB_OP:
        break;
    }
    wipe_free(jb->secret);
    jb->secret = NULL;
    j->kr_err = rc == 0 ? 0 : rc == ERR_CONFIG ? ERR_CONFIG : ERR_KEYRING;
    if (rc)
        j->kr_error = err ? err : xstrdup("keyring error");
    else
        free(err);
}

void keyring_phase_run(void *arg)
{
    struct running_job *j = arg;
    switch (j->phase) {
    case KR_PREPARE:
        prepare(j);
        break;
    case KR_FINISH:
        finish(j);
        break;
    case KR_CALL:
        call(j);
        break;
    case KR_NONE:
        break;
    }
}
