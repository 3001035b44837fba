/* What status a person sees for a session, at a given time: the one rule
 * behind `sesame sessions` (its table, --status and --json) and the
 * dashboard (table, detail view, sort, filter, colours, countdowns).
 *
 * The provider's word stands, except that a session it called live
 * (active, pending, or a status sesame does not know) cannot outlive its
 * clock: once its idle limit (Clerk's abandon_at) or its expiry has passed
 * it is abandoned or expired, whichever came first. A session the provider
 * says has ended (revoked, ended, removed, replaced, abandoned, expired)
 * keeps that word, which says more than the clock: a replaced session
 * whose expiry has passed is still shown as replaced. */
#ifndef SESAME_SESSION_STATUS_H
#define SESAME_SESSION_STATUS_H

#include <stdbool.h>
#include <stdint.h>

#include "model.h"

enum session_status session_status_seen(const struct session *s, int64_t now);

/* When the clock ends the session: the earlier of its expiry and its idle
 * limit that are known (> 0); 0 when neither is. */
int64_t session_ends_ms(const struct session *s);

/* Whether a session of this (seen) status may still be in use: active,
 * pending, or unknown (not known to have ended). */
bool session_status_live(enum session_status st);

/* The time a live session has left, for an "expires in" countdown: true
 * and *left_ms (> 0) while it counts down (active or pending as seen at
 * now, with a known end); false for anything else. */
bool session_time_left(const struct session *s, int64_t now, int64_t *left_ms);

/* The status a person names (--status): any word session_status_name
 * gives, unknown too (a session not known to have ended, such as a Plantly
 * login whose renewal was refused). False for any other word. */
bool session_status_named(const char *word, enum session_status *out);
/* Every such word, "unknown, active, pending, ...", for a message. Owned. */
char *session_status_words(void);

/* Can a provider's own status filter stand in for asking sessions of this
 * seen status? Not for expired and abandoned: an active session whose
 * clock ran out is seen so, and the provider's filter would leave it out.
 * For the others, what the provider returns is a superset of what is seen
 * so, and is filtered again here. */
bool session_status_filter_remote(enum session_status want);

/* The status of a tracked session whose provider refused to renew it (a
 * refresh answered 400 or 401): its tokens cannot be renewed, so it is
 * expired once its expiry has passed; before that, unknown: its last
 * access token may still work, or someone else may hold the session now. */
enum session_status session_status_after_refused_refresh(const struct session *s,
                                                         int64_t now);

#endif
