/* One shared, read-only copy of each string that repeats across many
 * sessions: the account id, a user's id and name, "desktop", "Chrome 120",
 * "Berlin, DE". 100k Clerk sessions carry ~1,000 distinct values in those six
 * fields; each session holding its own copies cost ~25 MB of a 65 MB peak.
 *
 * Pooled strings are reference counted and shared between threads (the
 * worker makes them, the UI frees them), so they are never written: a
 * field that must change gets another pooled string. Every call is
 * thread-safe. Passing a pointer that did not come from the pool to
 * strpool_ref or strpool_put aborts with a message (it would otherwise
 * corrupt the heap). */
#ifndef SESAME_STRPOOL_H
#define SESAME_STRPOOL_H

#include <stddef.h>

/* A reference to the pooled copy of s (NULL gives NULL). */
const char *strpool_get(const char *s);
/* The same for a string of len bytes (need not be terminated). */
const char *strpool_getn(const char *s, size_t len);
/* strpool_get(s), then free(s): for a freshly built string. */
const char *strpool_take(char *s);
/* Another reference to the pooled string p (NULL gives NULL). */
const char *strpool_ref(const char *p);
/* Drop one reference; the copy goes with the last. NULL is fine. */
void strpool_put(const char *p);
/* *field = strpool_get(s), dropping what it held. */
void strpool_set(const char **field, const char *s);
/* Distinct strings held now (for tests and the benchmark). */
size_t strpool_count(void);

#endif
