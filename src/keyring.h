/* The system keyring (Secret Service through libsecret). One schema,
 * attributes application=sesame, account, kind, session ("" for secrets of
 * the account itself). Call only from the worker thread: these block. */
#ifndef SESAME_KEYRING_H
#define SESAME_KEYRING_H

#include <stdbool.h>
#include <stddef.h>

/* Every function returns 0 on success or ERR_KEYRING with *error set to a
 * line a person can act on ("no Secret Service on the session bus: start
 * gnome-keyring or KeePassXC", "the keyring is locked ..."). *error is owned
 * by the caller. error may be NULL. */

/* label: readable in Seahorse, e.g. "sesame: Clerk prod (api_key)". */
int keyring_store(const char *account, const char *kind, const char *session,
                  const char *label, const char *secret, char **error);
/* *secret = NULL (and 0 returned) when no such item exists. The caller wipes. */
int keyring_lookup(const char *account, const char *kind, const char *session,
                   char **secret, char **error);
int keyring_clear(const char *account, const char *kind, const char *session,
                  char **error);
/* Every item of a session (session != NULL) or of the whole account
 * (session == NULL: account and all its sessions). */
int keyring_clear_session(const char *account, const char *session, char **error);
int keyring_clear_account(const char *account, char **error);
/* Every sesame item (application=sesame) by its attributes; no secret is
 * read. *items is owned: keyring_items_free. */
struct keyring_item {
    char *account, *kind, *session; /* never NULL ("" when absent) */
};
int keyring_list(struct keyring_item **items, size_t *n, char **error);
void keyring_items_free(struct keyring_item *items, size_t n);
/* Is a Secret Service reachable and the default collection unlocked? */
int keyring_check(char **error);

#endif
