/* Before a session expires: the one rule for when a live session is
 * "expiring" (its account's `expiring`, default 10 minutes), and what the
 * dashboard hands the user's on_expiring command and the terminal when one
 * crosses it. Pure: the dashboard's ui/expiry_watch.c does the telling. */
#ifndef SESAME_EXPIRY_H
#define SESAME_EXPIRY_H

#include <stdbool.h>
#include <stdint.h>

#include "model.h"

/* Live, with an end known, and at most threshold_ms left at now
 * (threshold 0: never). */
bool session_expiring(const struct session *s, int64_t now, int64_t threshold_ms);

/* When s starts expiring (its end less threshold_ms), or 0 when it never
 * will: no end known, no threshold, over as the provider says, or a life
 * shorter than the threshold from its start (nothing to cross). */
int64_t expiry_crossing(const struct session *s, int64_t threshold_ms);

/* The names a session is told with: its account's id and label, its
 * provider's id and title. */
struct expiry_names {
    const char *account_id, *account_label, *provider_id, *provider_title;
};

/* "session sess_1 of Ada (Clerk prod) expires in 9m 58s". Owned. */
char *expiry_text(const struct session *s, const struct expiry_names *n, int64_t now);

/* The environment of the on_expiring command: base (NULL: sesame's own)
 * without any SESAME_* of its own, then the session's fields as SESAME_*
 * (SESAME_EVENT=expiring, SESAME_ACCOUNT, SESAME_ACCOUNT_LABEL,
 * SESAME_PROVIDER, SESAME_SESSION, SESAME_USER, SESAME_USER_ID,
 * SESAME_CLIENT_ID, SESAME_STATUS, SESAME_CREATED_AT, SESAME_EXPIRES_AT,
 * SESAME_EXPIRES_IN (seconds), SESAME_DEVICE, SESAME_BROWSER, SESAME_IP,
 * SESAME_PLACE, SESAME_FLAGS), each made safe (no control characters).
 * Never a secret: a session struct holds none. NULL-terminated, owned
 * (strv_free). */
char **expiry_env(char *const *base, const struct session *s, const struct expiry_names *n,
                  int64_t now);

/* The command's argv, split as a shell would split words (quotes,
 * backslashes) but without a shell: no variables, globs or pipes unless the
 * command is itself a shell (sh -c '...'). 0, or ERR_USAGE with *error. */
int expiry_argv(const char *command, char ***argv, char **error);

/* A desktop notification through the terminal, for a terminal without
 * notify-send: OSC 777 ("ESC ] 777 ; notify ; TITLE ; BODY BEL", rxvt,
 * foot) or else OSC 9 ("ESC ] 9 ; TITLE: BODY BEL", iTerm2, Windows
 * Terminal, kitty, WezTerm, Ghostty). term: $TERM. Title and body lose
 * control characters and ';' (OSC 777's separator). Owned. */
char *expiry_osc(const char *term, const char *title, const char *body);

#endif
