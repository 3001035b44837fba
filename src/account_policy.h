/* What an account's own settings say about how sesame treats it, read from
 * its fields (accounts.conf, `--set KEY=VALUE`), for every front end:
 *
 *   expiring = 10m     a live session with less left than this stands out,
 *                      and crossing it is told once (off: never)
 *   auto_refresh = yes Plantly logins renew themselves before they expire,
 *                      CBRAIN logins are checked (default no)
 *   production = yes   rows in the production colour with a badge; a revoke
 *                      asks for the account's label to be typed (default no)
 *   read_only = yes    nothing that changes a session at this account:
 *                      revoke, log out, forget, create, authorize, renew
 *   many_live = 5      a user with more live sessions is flagged (off: never)
 *   stale_after = 3d   a live session idle longer is flagged (off: never)
 *
 * A value that will not do is refused where it is stored (the field
 * validators below, through provider_field_check); one that slipped in by a
 * hand edit counts as the default. */
#ifndef SESAME_ACCOUNT_POLICY_H
#define SESAME_ACCOUNT_POLICY_H

#include <stdbool.h>
#include <stdint.h>

#include "model.h"
#include "providers/provider.h"

#define POLICY_EXPIRING_DEFAULT_MS (10 * 60 * 1000LL)
#define POLICY_MANY_LIVE_DEFAULT 5
#define POLICY_STALE_DEFAULT_MS (3 * 24 * 3600 * 1000LL)

struct account_policy {
    int64_t expiring_ms;       /* 0: off */
    bool auto_refresh;
    bool production;
    bool read_only;
    int many_live;             /* 0: off */
    int64_t stale_ms;          /* 0: off */
};

void account_policy_of(const struct account *a, struct account_policy *out);

/* Why op may not be done at account a (read_only), as one line naming the
 * way back ("Clerk prod is read-only (read_only = yes): ..."), owned; NULL
 * when it may. Only what changes a session is refused: revoke, create,
 * authorize, refresh (a renewal rotates tokens); forget is OP_REVOKE too. */
char *account_refuses(const struct account *a, enum op op);

/* Why account a may not be removed, owned, or NULL. Removing it forgets
 * its tracked sessions here (their keys leave the keyring, the logins stay
 * live at the provider), a change read_only = yes refuses: the message
 * names the way out (set read_only=no first). A production account
 * (account_confirm_label) is removed only with its label typed: typed is
 * what was typed (NULL: nothing yet); the message says how to give it. */
char *account_remove_refuses(const struct account *a, const char *typed);

/* The label a revoke (x, `sesame revoke`) or an account's removal at a
 * production account asks to be typed out before it goes, NULL when it
 * needs only a yes. */
const char *account_confirm_label(const struct account *a);

/* "yes" / "no" and their synonyms (true/false, on/off, 1/0): 0 or 1, -1 if
 * it is neither. */
int policy_bool_parse(const char *s);

/* Field validators (struct field.validate) of the settings above. */
char *policy_check_bool(const char *value);
char *policy_check_duration_or_off(const char *value);
char *policy_check_count_or_off(const char *value);

#endif
