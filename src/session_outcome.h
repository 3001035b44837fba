/* What the answer to an operation on one session says happened, for both
 * front ends: `sesame revoke` and `verify`, and the dashboard's x (one
 * session or many) and V. They decide only how to show it.
 *
 * A revoke or log out did what was asked only when the answer is about
 * the session asked for and says it has ended (revoked, ended, removed);
 * any other answer is a failure (ERR_PROVIDER), never "revoked".
 *
 * "Already gone": when the provider says the session had ended before it
 * was asked (CBRAIN answers the log out 401; Plantly refuses both the
 * access and the refresh token), that is what was wanted: success (exit
 * 0, so a script that ends sessions is not failed by one ended elsewhere),
 * said in other words than a log out ("had already ended at CBRAIN"), and
 * the tracked session is forgotten here with its tokens (the worker took
 * them out of the keyring), as nothing can be done with it any more. */
#ifndef SESAME_SESSION_OUTCOME_H
#define SESAME_SESSION_OUTCOME_H

#include <stdbool.h>

#include "providers/provider.h"

struct end_outcome {
    int rc;            /* 0, or what went wrong: the job's error, or ERR_PROVIDER */
    bool forget;       /* the tracked session leaves the state file (its tokens left the
                        * keyring with the job) */
    const struct session *session; /* the answer's session when it is the one asked
                                    * about (into the store, the state file), or NULL */
    char *text;        /* one line for a person, owned */
};

/* The outcome of OP_REVOKE of session `asked` of account (named `account`)
 * at provider p, from the job's err, error and result. */
void session_end_outcome(const struct provider *p, const char *account, const char *asked,
                         int err, const char *error, const struct op_result *r,
                         struct end_outcome *out);
void end_outcome_free(struct end_outcome *o);

/* The session an answer about `asked` carries: NULL, with *why (owned)
 * saying so, when it has none or one with another id (an unexpected
 * answer: nothing in it may be taken for the session asked about). what
 * names the operation ("revoke"). */
const struct session *session_answered(const struct provider *p, const char *asked,
                                       const char *what, const struct op_result *r,
                                       char **why);

/* A renewal (OP_REFRESH) of tracked session s that failed with err (r: the
 * job's result, read at now): whether it leaves s in doubt, with *status
 * what s is then (session_status_after_refused_refresh: unknown, or expired
 * once its expiry has passed) and *note (owned, or NULL) what to add to the
 * error. In doubt: the provider refused it or answered what sesame cannot
 * use (ERR_PROVIDER), or the request reached it and its answer was lost
 * (r->maybe_done, a cut-short answer: the tokens may have been rotated with
 * it, and the old ones are then dead). A renewal that never reached the
 * provider (unreachable, keyring) changes nothing: false. */
bool session_refresh_failed(const struct provider *p, const struct session *s, int64_t now,
                            int err, const struct op_result *r, enum session_status *status,
                            char **note);

#endif
