/* Screen-share mode (--redact, `set redact = yes`, a key): what could name a
 * person or a session is masked where it is shown, so that a dashboard can
 * be shown in a meeting: names and e-mail addresses, session, user and
 * client ids, IP addresses and places. Each letter or digit after the
 * first of a word becomes '*' ("Ada Lovelace" -> "A** L*******"), an id
 * keeps its kind ("sess_2abc..." -> "sess_*****..."), so a person can still
 * tell rows apart by their shape, never read them. Widths do not change.
 * The values themselves stay as they are: filtering and actions work. */
#ifndef SESAME_REDACT_H
#define SESAME_REDACT_H

#include "model.h"

enum redact_kind {
    REDACT_TEXT,     /* a name, an e-mail, a place: every word keeps its first character */
    REDACT_ID,       /* an id: its prefix up to the first '_' or '-' stays */
    REDACT_ADDRESS,  /* an IP address: its digits go, its dots and colons stay */
};

/* s masked as its kind says (NULL stays NULL). Owned. */
char *redact_value(enum redact_kind kind, const char *s);

/* Free text (a message, a journal line, raw JSON) with what looks like an
 * e-mail address, an IP address or an id masked; names cannot be told
 * from other words here: give fields to redact_value where they are
 * known. Owned, never NULL. */
char *redact_line(const char *s);

/* A copy of s to show: its user, ids, IP and place masked. The copy owns
 * plain strings: free it with redacted_session_free, never session_free. */
void redact_session(const struct session *s, struct session *out);
void redacted_session_free(struct session *out);

#endif
