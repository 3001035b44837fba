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

/* Replace in *text (owned, may be NULL; reallocated when it changes) each
 * occurrence of a secret of bag, and of extra (NULL: none), by
 * "[secret KIND]": as it is, percent-encoded (hex in either case, '+' for
 * a space) and JSON-escaped (with or without "\/"). A secret's beginning
 * cut off at the end of the text (a preview ending "...") is masked too. */
void secrets_scrub(char **text, const struct secret_bag *bag, const char *extra);

/* The same over everything of an event a person may see: its error or
 * progress line, the result's error and each session's raw JSON. Not
 * ev->secret, ev->result.token or ev->result.url: those are the secrets
 * asked for. */
void secrets_scrub_event(struct event *ev, const struct secret_bag *bag, const char *extra);

#endif
