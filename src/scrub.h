/* Secrets out of the text that leaves the worker. A provider's error may
 * echo what it was sent ("The key Bearer sk_test_... is invalid"); every
 * message, progress line and raw JSON of a session is scrubbed of the
 * secrets its request carried before the caller (a command, the
 * dashboard) can print or show it. */
#ifndef SESAME_SCRUB_H
#define SESAME_SCRUB_H

#include "providers/provider.h"

struct event;

/* Secrets shorter than this are left alone: masking them would mask
 * ordinary words. */
#define SCRUB_MIN_LEN 4
/* A secret of at least this many visible characters is found however it is
 * spelt (scrub.c): in any case, decoded from any escape, with invisible
 * characters (CR, LF, TAB, NUL, zero-width, bidi, soft hyphen) or spaces
 * slipped in. A shorter one only as it is, once every escape is decoded:
 * read loosely, a password "demo" would mask "Demo" in a name. */
#define SCRUB_FUZZY_MIN 8

/* Replace in *text (owned, may be NULL; reallocated when it changes) each
 * occurrence of a secret of bag, and of extra (NULL: none), by
 * "[secret KIND]" (see SCRUB_FUZZY_MIN for what counts as one). A secret's
 * beginning cut off at the end of the text or before a "..." (a preview)
 * is masked too. */
void secrets_scrub(char **text, const struct secret_bag *bag, const char *extra);

/* The same over everything of an event that leaves the worker: its error
 * or progress line, the result's error, every string of each session (its
 * id too: an answer may put a key there) and of each user. Not ev->secret,
 * ev->result.token or ev->result.url: those are the secrets asked for; but
 * a token that holds a secret of bag or extra is dropped and the event
 * fails (ERR_PROVIDER, an unexpected answer). */
void secrets_scrub_event(struct event *ev, const struct secret_bag *bag, const char *extra);

#endif
