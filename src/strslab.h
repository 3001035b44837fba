/* Storage for the short strings every session has of its own (id, client
 * id, IP address): packed back to back in 64 KB slabs instead of one malloc
 * each. A malloc'd 33-byte id costs 48 bytes plus the allocator's bookkeeping;
 * here it costs 34. 100k sessions: 7.7 MB of slabs against 12.8 MB of
 * malloc chunks (the peak RSS fell by 0.8 MB: malloc'd strings had partly
 * filled holes the JSON parser leaves in the heap).
 *
 * Each thread fills a slab of its own, so making a string takes no lock; a
 * slab counts the strings still in it (atomically: the worker makes them, the
 * UI frees them) and goes back to the system with the last one. A string is
 * never written after it is made. Passing a pointer that did not come from
 * here to strslab_free aborts with a message. */
#ifndef SESAME_STRSLAB_H
#define SESAME_STRSLAB_H

#include <stddef.h>

/* A copy of s (NULL gives NULL). */
const char *strslab_dup(const char *s);
/* A copy of the first len bytes of s, terminated. */
const char *strslab_dupn(const char *s, size_t len);
/* strslab_dup(s), then free(s): for a freshly built string. */
const char *strslab_take(char *s);
void strslab_free(const char *s); /* NULL is fine */
/* *field = strslab_dup(s), freeing what it held. */
void strslab_set(const char **field, const char *s);
/* The calling thread is done making strings: its part-filled slab is let go
 * (it stays while strings in it live). Threads call this before they end. */
void strslab_thread_done(void);
/* Slabs alive now, for tests. */
size_t strslab_count(void);

#endif
