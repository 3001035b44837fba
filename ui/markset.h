/* The marks of the sessions table: a set of sessions by a 64-bit hash of
 * their account and id, so that marks outlive a refresh (which rebuilds
 * every row) and marking all of 100k rows costs no allocation per row:
 * an open-addressing table of uint64_t, linear probing, deletion by
 * shifting back. Pure: tested alone. */
#ifndef SESAME_MARKSET_H
#define SESAME_MARKSET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct markset {
    uint64_t *slot;   /* 0 = empty */
    size_t cap, n;    /* cap a power of two, kept under 3/4 full */
};

/* The hash of an account's id (made once per account, not per row) ... */
uint64_t markset_account(const char *account_id);
/* ... and the key of one of its sessions: never 0. */
uint64_t markset_key(uint64_t account, const char *session_id);

void markset_init(struct markset *m);
void markset_free(struct markset *m);
void markset_clear(struct markset *m);
/* Room for n keys in all without growing on the way (marking all rows). */
void markset_reserve(struct markset *m, size_t n);
/* True if it was not there. */
bool markset_add(struct markset *m, uint64_t key);
/* True if it was there. */
bool markset_remove(struct markset *m, uint64_t key);
bool markset_has(const struct markset *m, uint64_t key);

#endif
