/* Keyring items that belong to no account: left by a sesame killed in the
 * middle of an older `account add`, by an account removed by hand from
 * accounts.conf, by a removal cut short. Nothing else would ever remove
 * them. */
#ifndef SESAME_PRUNE_H
#define SESAME_PRUNE_H

#include <stdbool.h>

/* Under the accounts lock of config_dir (so that no account is added or
 * removed meanwhile), remove every sesame item whose account is not in
 * config_dir's accounts.conf; with dry_run, only say which. *report
 * (owned) lists them, one "ACCOUNT KIND" or "ACCOUNT KIND SESSION" a line,
 * sorted; "" when there were none. Returns 0, ERR_CONFIG (the accounts
 * cannot be read: nothing is removed) or ERR_KEYRING with *error. Blocks:
 * the worker's keyring thread runs it (JOB_KEYRING_PRUNE). */
int accounts_prune(const char *config_dir, bool dry_run, char **report, char **error);

#endif
