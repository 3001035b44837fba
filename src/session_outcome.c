#include "session_outcome.h"

#include <stdlib.h>
#include <string.h>

#include "session_status.h"
#include "util.h"

const struct session *session_answered(const struct provider *p, const char *asked,
                                       const char *what, const struct op_result *r,
                                       char **why)
{
    const struct session *s = r->sessions.n ? &r->sessions.v[0] : NULL;
    if (!s || !s->id) {
        *why = xasprintf("%s answered the %s of session %s without a session: unexpected "
                         "answer", p->title, what, asked);
        return NULL;
    }
    if (!asked || strcmp(s->id, asked) != 0) {
        *why = xasprintf("%s answered the %s of session %s with session %s: unexpected "
                         "answer", p->title, what, asked, s->id);
        return NULL;
    }
    return s;
}

static bool says_ended(enum session_status st)
{
    return st == SESSION_REVOKED || st == SESSION_ENDED || st == SESSION_REMOVED;
}

void session_end_outcome(const struct provider *p, const char *account, const char *asked,
                         int err, const char *error, const struct op_result *r,
                         struct end_outcome *out)
{
    memset(out, 0, sizeof *out);
    bool listed = p->caps & CAP_LIST;
    if (err) {
        out->rc = err;
        out->text = xstrdup(error ? error : "failed");
        return;
    }
    char *why = NULL;
    const struct session *s = session_answered(p, asked, listed ? "revoke" : "log out", r, &why);
    if (!s) {
        out->rc = ERR_PROVIDER;
        out->text = xasprintf("%s; session %s may still be live", why, asked);
        free(why);
        return;
    }
    out->session = s;
    if (r->gone) {
        out->forget = true;
        out->text = xasprintf("session %s (%s) had already ended at %s: forgotten here, its "
                              "tokens removed from the keyring", asked, account, p->title);
        return;
    }
    if (!says_ended(s->status)) {
        out->rc = ERR_PROVIDER;
        out->text = xasprintf("%s answered the %s of session %s with status %s: it was not "
                              "ended", p->title, listed ? "revoke" : "log out", asked,
                              session_status_name(s->status));
        return;
    }
    out->forget = r->forget_session;
    if (listed)
        out->text = xasprintf("revoked session %s (%s): %s says %s", asked, account, p->title,
                              session_status_name(s->status));
    else
        out->text = xasprintf("logged out session %s (%s): %s ended it%s", asked, account,
                              p->title, out->forget ? "; its tokens are removed from the "
                                                      "keyring" : "");
}

void end_outcome_free(struct end_outcome *o)
{
    free(o->text);
    memset(o, 0, sizeof *o);
}

bool session_refresh_failed(const struct provider *p, const struct session *s, int64_t now,
                            int err, const struct op_result *r, enum session_status *status,
                            char **note)
{
    *note = NULL;
    if (!err || err == ERR_CANCELLED || (err != ERR_PROVIDER && !(r && r->maybe_done)))
        return false;
    *status = session_status_after_refused_refresh(s, now);
    if (r && r->maybe_done)
        *note = xasprintf("; %s may have rotated its tokens all the same, leaving the ones "
                          "sesame holds dead: the session is %s until a refresh succeeds (if "
                          "one is refused, log in again)", p->title,
                          session_status_name(*status));
    return true;
}
