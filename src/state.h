/* Sessions sesame created or logged into, for providers with no list
 * endpoint: $SESAME_STATE_DIR/sessions.state (GKeyFile, no secrets; the
 * tokens are in the keyring). Same atomic write and lock as config. */
#ifndef SESAME_STATE_H
#define SESAME_STATE_H

#include <stdbool.h>
#include <stddef.h>

#include "filestamp.h"
#include "model.h"

/* Missing file: empty list. Malformed: ERR_CONFIG, "path:line: ...". */
int state_load(struct session_list *out, char **error);
/* Has sessions.state changed since *st was taken (filestamp.h)? Take it
 * before state_load. */
bool state_file_changed(struct file_stamp *st);
/* Insert or replace (by account id + session id), under the lock. */
int state_upsert(const struct session *s, char **error);
int state_remove(const char *account_id, const char *session_id, char **error);
/* The account's tracked sessions, and what it saw of its users (seen.h);
 * *removed (NULL: not wanted): how many tracked sessions went. */
int state_remove_account(const char *account_id, size_t *removed, char **error);

/* The same in the state directory dir, for the worker's keyring thread
 * (state_dir() is the main thread's): a session made there is recorded
 * before its tokens are stored, and one that ended leaves the file before
 * its tokens leave the keyring (worker_secrets.c). state_merge is this in
 * state_dir(). */
int state_merge_in(const char *dir, const struct session *fresh, char **error);
/* A session just made: added, unless the file holds one of that account
 * and id already (*taken, nothing changed: an answer that reuses a tracked
 * session's id must not replace it). */
int state_add_new_in(const char *dir, const struct session *s, bool *taken, char **error);
/* *read (may be NULL): the file was read (a failure was the write's). */
int state_remove_in(const char *dir, const char *account_id, const char *session_id,
                    bool *read, char **error);
/* A tracked session whose tokens are not in the keyring: unknown from now
 * on, unless it is known to have ended. No such session: nothing changes. */
int state_mark_unknown_in(const char *dir, const char *account_id, const char *session_id,
                          char **error);

/* state_load from the state directory dir (for account prune, which holds
 * dir's lock meanwhile: config_lock). */
int state_load_in(const char *dir, struct session_list *out, char **error);
/* The temp files that writers of dir's state file killed half way left
 * (config_remove_stale_temps). */
void state_remove_stale_temps_in(const char *dir);

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
 * what it leaves unset is kept), or add it; tracked = true. Under the lock. */
int state_merge(const struct session *fresh, char **error);

#endif
