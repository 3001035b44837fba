/* An account's request budget shared by every sesame process of the user on
 * this machine: three `sesame sessions` at once, or a dashboard and a cron
 * job, must not send three budgets' worth in one window. One small file per
 * account holds when the block after a 429 ends and a ring of the latest
 * send times (CLOCK_MONOTONIC ms: one clock for every process on the
 * machine); every access is under an exclusive lock on the file, held for
 * microseconds, never across network I/O. A file that is damaged, of
 * another size, or not a regular file of the user's is reset or ignored,
 * one removed is made again, a lock nobody lets go of is given up on:
 * the caller's own budget still applies. Not thread-safe: one caller per
 * process (the worker thread); the lock is for the other processes. */
#ifndef SESAME_BUDGET_SHARED_H
#define SESAME_BUDGET_SHARED_H

#include <stdint.h>

struct budget_shared;

/* The directory of the budget files of the accounts in config_dir():
 * $XDG_RUNTIME_DIR/sesame/budget/HASH, else state_dir()/budget/HASH (HASH
 * of the config directory: two sets of accounts that happen to use the
 * same id are two accounts). Owned. Main thread only (config_dir). */
char *budget_shared_dir(void);

/* The shared budget of account_id in dir (made, mode 0700, if missing),
 * or NULL when it cannot be had (the caller's budget alone applies). */
struct budget_shared *budget_shared_open(const char *dir, const char *account_id);
void budget_shared_close(struct budget_shared *s);

/* Spend one request if the sends of every process in the last window_ms
 * are fewer than limit: 0 (recorded as sent now), else the ms to wait
 * (nothing spent); -1 when the file could not be used this time (the
 * caller decides alone). *blocked_until: the shared block after a 429
 * (monotonic ms; 0 = none); while it lasts the answer is its wait. */
int64_t budget_shared_take(struct budget_shared *s, int limit, int64_t window_ms,
                           int64_t now, int64_t *blocked_until);
/* Nothing may be sent by anyone before until (a 429's Retry-After). */
void budget_shared_block(struct budget_shared *s, int64_t until, int64_t now);

#endif
