/* What the files of the session actions (session_actions.c, session_grant.c,
 * session_verify.c) share: where an action points, jobs, recording an
 * answer, the provider's own checks before anything is sent. UI thread. */
#ifndef SESAME_ACTION_COMMON_H
#define SESAME_ACTION_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "app.h"
#include "worker.h"

struct form;

struct view *act_pane(struct app *app, const char *name);
bool act_focused(struct app *app, const struct view *v);
/* The account's label, else its id. */
const char *act_name_of(const struct account *a);
/* The first key of action a ("t"), else its name, for hints. Owned. */
char *act_hint_key(const struct app *app, enum action a);

/* A copy of the session under the cursor of the sessions table, with its
 * account; false (and a message saying what `doing` needs) when there is
 * none. */
bool act_current_session(struct app *app, const char *doing, struct session *out,
                         struct store_account **sa);

/* What a request about one session remembers for its answer: a copy of
 * the account, its provider, the session, and one more line of the
 * action's own (a token's template, what a grant gives). */
struct act_target {
    struct account a;
    const struct provider *p;
    char *session_id;
    char *extra;
};
struct act_target *act_target_new(const struct account *a, const struct provider *p,
                                  const char *session_id, const char *extra);
void act_target_free(void *target); /* a ctx_free for request_submit and forms */

struct job act_op_job(const struct account *a, enum op op);
struct job act_secret_job(const struct account *a, enum job_kind kind, const char *kind_name,
                          const char *session_id);

/* Sessions of an answer: tracked ones to the state file (as the headless
 * commands do), every one into the store. 0, or ERR_CONFIG with the state
 * file's error (owned) in *error. */
int act_record(struct app *app, const struct account *a, struct op_result *r, char **error);

/* "expires in 2m 50s", "expired", "" when it has no expiry. Owned. */
char *act_expiry_text(int64_t expires_ms);

/* Would the provider take these arguments? Its build() with stand-in
 * secrets: a mistake is shown in the form rather than after a round trip. */
int act_dry_build(const struct account *a, const struct provider *p, enum op op,
                  const struct op_args *args, char **error);

/* "a, b,,c " into an array of trimmed non-empty items; returns the count. */
size_t act_split_list(const char *text, char ***out);
void act_free_list(char **v, size_t n);

/* ---- Basis Theory grants (session_grant.c) ---- */

/* The fields of a grant: permissions, rules (JSON), expires at (ISO 8601),
 * as `sesame create` and `sesame authorize` take them. */
void act_grant_fields(struct form *f);
/* The grant the form's fields give, checked as the provider would: the
 * options JSON (owned) and *what ("token:read and rules, until ..."),
 * or NULL with the form's messages set, or NULL with no message when the
 * fields are all empty. */
char *act_grant_options(struct form *f, const struct account *a, const struct provider *p,
                        char **what);

/* x: revoke, log out or forget the marked sessions, else the one under the
 * cursor (session_revoke.c). */
void act_revoke(struct app *app);

/* A (authorize) and verify: session_grant.c, session_verify.c. */
void act_authorize(struct app *app);
void act_verify(struct app *app);

#endif
