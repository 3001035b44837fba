/* Keyring items that belong to no account, or to no tracked session: left
 * by a sesame killed in the middle of an older `account add` or of a
 * create or revoke, by an account removed by hand from accounts.conf, by a
 * removal cut short. Nothing else would ever remove them. */
#ifndef SESAME_PRUNE_H
#define SESAME_PRUNE_H

#include <stdbool.h>

/* Under the accounts lock of config_dir and the state lock of state_dir
 * (so that no account is added or removed, and no session recorded or
 * forgotten, meanwhile), remove every sesame item whose account is not in
 * config_dir's accounts.conf, and every item of a session that is not in
 * state_dir's sessions.state (left by a sesame killed between storing a
 * session's tokens and recording it, or between forgetting it and clearing
 * them); with dry_run, only say which. Then (not dry_run) the temp files
 * of writers killed half way go too. *report (owned) lists the items, one
 * "ACCOUNT KIND" or "ACCOUNT KIND SESSION" a line, sorted; "" when there
 * were none. Returns 0, ERR_CONFIG (the accounts or the tracked sessions
 * cannot be read: nothing is removed) or ERR_KEYRING with *error. Blocks:
 * the worker's keyring thread runs it (JOB_KEYRING_PRUNE). */
int accounts_prune(const char *config_dir, const char *state_dir, bool dry_run, char **report,
                   char **error);

#endif
