/* What to do about an account's error: the one rule the dashboard's error
 * view (Enter on an account in error) and any command that explains an
 * account's failure call. From the error's class (enum sesame_err) and its
 * message it says what went wrong in plain words and the step that fixes
 * it, as an action of the dashboard and as the shell command that does the
 * same. Pure. */
#ifndef SESAME_ADVICE_H
#define SESAME_ADVICE_H

#include "config.h"
#include "providers/provider.h"

enum advice_step {
    ADVICE_RETRY = 0,         /* a passing failure: try again */
    ADVICE_EDIT_SECRET,       /* a key refused or missing: enter it anew */
    ADVICE_EDIT_ACCOUNT,      /* the base URL, CA file or allow-http are wrong */
    ADVICE_UNLOCK_KEYRING,
    ADVICE_START_KEYRING,
    ADVICE_FIX_CONFIG,        /* accounts.conf names something unknown */
    ADVICE_WAIT,              /* rate limited: later */
};

struct advice {
    enum advice_step step;
    char *what;       /* what went wrong, one sentence ("Clerk refused the API key.") */
    char *todo;       /* what to do, one sentence, without keys or commands */
    char *command;    /* the shell command that does it (the account quoted), or NULL */
};

/* The advice for account a (its provider p, NULL if unknown) failing with
 * err and message. Every string owned; advice_free frees them. */
void error_advice(int err, const char *message, const struct account *a,
                  const struct provider *p, struct advice *out);
void advice_free(struct advice *adv);

#endif
