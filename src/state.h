/* Sessions sesame created or logged into, for providers with no list
 * endpoint: $SESAME_STATE_DIR/sessions.state (GKeyFile, no secrets; the
 * tokens are in the keyring). Same atomic write and lock as config. */
#ifndef SESAME_STATE_H
#define SESAME_STATE_H

#include <stdbool.h>

#include "model.h"

/* Missing file: empty list. Malformed: ERR_CONFIG, "path:line: ...". */
int state_load(struct session_list *out, char **error);
/* Insert or replace (by account id + session id), under the lock. */
int state_upsert(const struct session *s, char **error);
int state_remove(const char *account_id, const char *session_id, char **error);
/* The account's tracked sessions, and what it saw of its users (seen.h). */
int state_remove_account(const char *account_id, char **error);

/* Can the state file be read and written now (the directory made, the
 * file parsed, a temporary file created there as a write would)? 0, or
 * ERR_CONFIG with *error. For an operation that must not act at a provider
 * unless what it makes can be tracked (create). */
int state_check_writable(char **error);

/* The tracked sessions of one account (copies). */
int state_sessions_of(const char *account_id, struct session_list *out, char **error);
/* One tracked session; *found false (and 0 returned) if it is not there. */
int state_find(const char *account_id, const char *session_id, struct session *out,
               bool *found, char **error);
/* Merge a provider's fresh view into the stored session (session_update:
 * what it leaves unset is kept), or add it; tracked = true. */
int state_merge(const struct session *fresh, char **error);

#endif
