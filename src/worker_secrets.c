/* The keyring half of a job, run on the worker's keyring thread: the
 * secrets an operation needs, the tokens it returned, the secrets of a
 * session it ended, and the plain JOB_SECRET_* calls. */
#include <glib.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "keyring.h"
#include "prune.h"
#include "state.h"
#include "strpool.h"
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
    /* the worker knows this account only, not whether its id is also
     * another's label: "id:ID" reaches it whatever the others are */
    char *id = account_ref(NULL, &j->job.account);
    if (session) {
        char *sid = shell_quote(session);
        char *msg = xasprintf("no %s in the keyring for session %s of %s (removed outside "
                              "sesame, or sesame stopped while storing it): it shows as "
                              "unknown; to drop it here: sesame revoke --forget %s %s", kind,
                              session, who(j), id, sid);
        free(sid);
        free(id);
        return msg;
    }
    char *name = shell_quote(who(j));
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
            /* a tracked session without its tokens is not known to be live */
            if (session)
                state_mark_unknown_in(j->job.state_dir, j->job.account.id, session, NULL);
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

/* A session made here goes to the state file before its tokens go to the
 * keyring, as unknown (its tokens may not all be there yet), then as the
 * provider answered once they are: sesame killed at any moment leaves no
 * token of a session it does not track (what a kill before the first write
 * leaves, account prune finds: no keyring item before it). Should the state
 * file fail, the tokens are stored all the same: the caller, which cannot
 * track the session either, ends it with them (cmd_create, create_done). */
static bool record_made(struct running_job *j, const struct session *made, bool pending,
                        bool *taken)
{
    struct session s;
    session_copy(&s, made);
    if (!s.account_id)
        s.account_id = strpool_get(j->job.account.id);
    if (pending)
        s.status = SESSION_UNKNOWN;
    char *err = NULL;
    bool ok = (pending ? state_add_new_in(j->job.state_dir, &s, taken, &err)
                       : state_merge_in(j->job.state_dir, &s, &err)) == 0;
    free(err);
    session_free(&s);
    return ok;
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
    bool made = j->job.op == OP_CREATE && r->sessions.n && r->sessions.v[0].tracked;
    bool taken = false;
    bool recorded = made && record_made(j, &r->sessions.v[0], true, &taken);
    if (taken) {
        /* a new session with the id of one tracked here (a token or key
         * reused): storing its tokens would replace that one's in silence */
        set_error(r, ERR_PROVIDER, xasprintf("%s answered the create with session %s, which "
                                             "sesame tracks already: unexpected answer; the "
                                             "tracked session and its tokens are kept, the "
                                             "answer's are dropped",
                                             j->prov ? j->prov->title : "the provider", sid));
        secret_bag_clear(&r->new_secrets);
        session_list_clear(&r->sessions);
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
                                                "kept: %s%s", sid, r->new_secrets.item[i].kind,
                                                err ? err : "keyring error", recorded ?
                                                " (it is tracked as unknown)" : ""));
            free(err);
            return;
        }
    }
    secret_bag_clear(&r->new_secrets);
    if (recorded)
        record_made(j, &r->sessions.v[0], false, NULL);
}

/* A tracked session that ended leaves the state file first, then its
 * tokens the keyring: a kill between leaves items account prune removes,
 * never a session shown live whose tokens are gone. When the state file
 * cannot be written, the tokens stay, so that the next revoke or refresh
 * finds the session ended at the provider (and says so), not "no token". */
static void forget_session(struct running_job *j, const char *sid, bool ended_there)
{
    char *err = NULL;
    bool read = false;
    /* a state file that cannot even be read shows no session live either
     * (and a session that could not be recorded is in none): its keys go */
    if (state_remove_in(j->job.state_dir, j->job.account.id, sid, &read, &err) != 0 && read) {
        const char *title = j->prov ? j->prov->title : "the provider";
        char *msg = ended_there
            ? xasprintf("%s ended session %s, but sesame could not record that: %s; its "
                        "tokens are kept, so that the next revoke or refresh finds it ended",
                        title, sid, err ? err : "the state file cannot be written")
            : xasprintf("session %s is kept, with its keys: the state file cannot be "
                        "written: %s", sid, err ? err : "?");
        set_error(&j->merged, ERR_CONFIG, msg);
        free(err);
        return;
    }
    free(err);
    err = NULL;
    if (keyring_clear_session(j->job.account.id, sid, &err) != 0)
        set_error(&j->merged, ERR_KEYRING, xasprintf("session %s is forgotten here, but its "
                                                     "keys could not be removed from the "
                                                     "keyring (%s): sesame account prune "
                                                     "removes them", sid, err ? err : "?"));
    free(err);
}

static void finish(struct running_job *j)
{
    store_new_secrets(j);
    if (j->merged.err || !j->merged.forget_session || !j->job.args.session_id)
        return;
    forget_session(j, j->job.args.session_id, true);
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
        if (jb->session_id) {
            forget_session(j, jb->session_id, false);
            rc = j->merged.err;
            err = j->merged.error;
            j->merged.error = NULL;
        } else {
            rc = keyring_clear_account(jb->account.id, &err);
        }
        break;
    case JOB_KEYRING_CHECK:
        rc = keyring_check(&err);
        break;
    case JOB_KEYRING_PRUNE:
        rc = accounts_prune(jb->config_dir, jb->state_dir, jb->dry_run, &j->kr_report, &err);
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
