/* Removing an account's records, once its keyring items are gone: its
 * tracked sessions leave sessions.state, then it leaves accounts.conf; the
 * journal's account-remove line says how many tracked sessions were
 * forgotten. The dashboard's D and `sesame account remove` both call it
 * (after account_remove_refuses, account_policy.h, let them). */
#ifndef SESAME_ACCOUNT_REMOVE_H
#define SESAME_ACCOUNT_REMOVE_H

#include <stdbool.h>
#include <stddef.h>

/* 0, *found (NULL: not wanted: whether it was still in accounts.conf) and
 * *forgot (NULL too: how many tracked sessions went); or an error code and
 * *error. */
int account_remove_records(const char *id, bool *found, size_t *forgot, char **error);

#endif
