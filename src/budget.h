/* A request budget: how many requests an account may send per window, and
 * the sliding window that spends it. Providers limit per instance (Clerk:
 * 100 or 1000 requests per 10 s, shared with the customer's own back end),
 * so sesame paces itself below the limit instead of being answered 429:
 * never more than the budget in ANY window (a token bucket would allow a
 * burst and a window's refill together, twice the budget). A 429 that still
 * comes (someone else spent the limit) halves what a window may hold and
 * blocks until Retry-After; it grows back while answers come. The caller
 * passes the clock (monotonic ms). Attached to the account's shared budget
 * (budget_shared.h), a window holds at most `limit` sends of all sesame's
 * processes together and a 429's block is everyone's; the halving stays
 * this process's own (its reaction). Without one it is pure. */
#ifndef SESAME_BUDGET_H
#define SESAME_BUDGET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* requests per window_ms; requests == 0 means no limit. */
struct rate {
    int requests;
    int64_t window_ms;
};

/* "50/10s", "5/1s", "300/1m", "1000/10000ms", "off" (no limit). Returns 0,
 * or -1 with *error set to one line (owned). */
int rate_parse(const char *s, struct rate *out, char **error);
/* "50/10s", "off": buf >= 32 bytes. */
void rate_format(const struct rate *r, char *buf, size_t size);

/* Budgets above this many requests per window are kept as this many per a
 * shorter window (the same rate): the window remembers each send. */
#define BUDGET_MAX_SLOTS 10000

struct budget_shared;

struct budget {
    struct rate configured;   /* what the account may spend */
    int limit;                /* requests a window may hold now (halved on 429) */
    int slots;                /* what it holds at most (configured, <= BUDGET_MAX_SLOTS) */
    int64_t window_ms;        /* the window (shorter when configured was scaled down) */
    int64_t *sent;            /* ring of the send times in the window, oldest at head */
    int head, n;
    int64_t blocked_until;    /* after a 429: nothing before this */
    int64_t halved_at;        /* the limit was last halved for a 429, 0 = never */
    int64_t changed_at;       /* the limit last shrank or grew (it grows a window later) */
    struct budget_shared *shared; /* the same account's in sesame's other processes (owned),
                               * NULL = this process's alone */
};

void budget_init(struct budget *b, const struct rate *r, int64_t now);
void budget_free(struct budget *b);
/* Change the configured rate, keeping what was sent in the window. */
void budget_set_rate(struct budget *b, const struct rate *r, int64_t now);
bool budget_unlimited(const struct budget *b);
/* Share b with sesame's other processes through s (taken; NULL: no change). */
void budget_attach(struct budget *b, struct budget_shared *s);
/* Spend one request: 0 when it may go now (recorded as sent), else the ms
 * to wait before asking again (nothing spent). */
int64_t budget_take(struct budget *b, int64_t now);
/* The provider answered 429 (retry_after_ms < 0: it did not say how long):
 * no request before the wait is over, and the limit halved (never below
 * one request per window) — once per window: the refusals of requests that
 * were on their way together are one event. */
void budget_refused(struct budget *b, int64_t retry_after_ms, int64_t now);
/* The provider says nothing may be sent for wait_ms (e.g. a downstream
 * limit's remaining 0 until its reset): block without shrinking. */
void budget_block(struct budget *b, int64_t wait_ms, int64_t now);
/* An answer that was not a 429: the limit grows back towards the
 * configured one (a tenth of it per window without a refusal). */
void budget_answered(struct budget *b, int64_t now);

#endif
