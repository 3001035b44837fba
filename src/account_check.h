/* What an account must pass before it is stored, by `account add`, `account
 * edit` and the dashboard's form alike: every field value valid (the
 * provider's validators), and its credentials accepted by the provider
 * (one cheap read, where the provider has one that needs no login). */
#ifndef SESAME_ACCOUNT_CHECK_H
#define SESAME_ACCOUNT_CHECK_H

#include <stddef.h>

#include "providers/provider.h"
#include "worker.h"

/* The first field of a (non-secret, from its config) that will not do, as
 * provider_field_check says it; NULL when all will. Owned. */
char *account_fields_problem(const struct provider *p, const struct account *a);

/* Jobs (into out, at most SECRET_BAG_MAX) that check each secret of given
 * with one read (OP_CHECK) of a as it would be saved, one job per secret:
 * a key that is refused is named. Returns how many; 0 when p has no such
 * read (Plantly and CBRAIN: only a login tells, and a login is a session).
 * The caller submits them and reads each answer with
 * account_check_message. */
size_t account_check_jobs(const struct provider *p, const struct account *a,
                          const struct secret_bag *given, struct job *out);

/* The line for a check that failed (its event's err, error and
 * result.refused): "the <label> (<kind>) was refused: <error>" when the
 * provider said no, else "could not check the <label> (<kind>): <error>",
 * the error saying what came instead (an HTML page, a redirect, no
 * answer). Owned. */
char *account_check_message(const struct provider *p, const char *kind, int err, bool refused,
                            const char *error);

#endif
