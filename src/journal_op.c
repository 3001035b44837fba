/* What an operation's answer makes of a journal line (journal.h). */
#include "journal.h"

#include <stdlib.h>
#include <string.h>

#include "session_outcome.h"
#include "session_status.h"
#include "util.h"

static const char *op_action(const struct provider *p, enum op op)
{
    bool listed = p->caps & CAP_LIST;
    switch (op) {
    case OP_REVOKE: return listed ? "revoke" : "logout";
    case OP_CREATE: return (p->caps & (CAP_REFRESH | CAP_INFO)) ? "login" : "create";
    case OP_AUTHORIZE: return "authorize";
    case OP_REFRESH: return "refresh";
    case OP_TOKEN: return "token";
    case OP_INFO: return "check";
    default: return NULL;
    }
}

bool journal_op_entry(const struct provider *p, const struct account *a, enum op op,
                      const struct op_args *args, const char *user, int err,
                      const char *error, const struct op_result *r,
                      struct journal_entry *out, char **text)
{
    memset(out, 0, sizeof *out);
    *text = NULL;
    const char *action = p ? op_action(p, op) : NULL;
    if (!action || err == ERR_CANCELLED)
        return false;
    const struct session *s = r && r->sessions.n ? &r->sessions.v[0] : NULL;
    bool ok = err == 0;
    if (op == OP_REVOKE) {
        struct end_outcome o;
        session_end_outcome(p, a->label ? a->label : a->id, args->session_id, err, error, r,
                            &o);
        ok = o.rc == 0;
        if (!ok)
            *text = xstrdup(o.text);
        else if (r->gone)
            out->detail = "had already ended";
        end_outcome_free(&o);
    } else if (op == OP_INFO) {
        /* a check changes nothing: written only when it finds the login over
         * (not when it could not ask: that is no news of the login) */
        if (!ok || !s || session_status_live(s->status))
            return false;
    }
    out->account = a->id;
    out->label = a->label;
    out->provider = p->id;
    out->session = args->session_id ? args->session_id : s ? s->id : NULL;
    out->user = !str_empty(user) ? user : s ? (s->user_display ? s->user_display : s->user_id)
                                            : NULL;
    out->action = action;
    out->result = ok ? "ok" : "failed";
    out->status = s ? session_status_name(s->status) : NULL;
    if (!ok && !*text)
        *text = xstrdup(error ? error : r && r->error ? r->error : "failed");
    out->error = *text;
    out->request_id = r ? r->request_id : NULL;
    if (op == OP_TOKEN && args->template_name)
        out->detail = args->template_name;
    return true;
}
