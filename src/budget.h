/* A request budget: how many requests an account may send per window, and
 * the token bucket that spends it. Providers limit per instance (Clerk:
 * 100 or 1000 requests per 10 s, shared with the customer's own back end),
 * so sesame paces itself below the limit instead of being answered 429;
 * a 429 that still comes (someone else spent the limit) shrinks the rate
 * and blocks until Retry-After, and the rate grows back while answers
 * come. Pure: the caller passes the clock (monotonic ms). */
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

struct budget {
    struct rate configured;   /* what the account may spend */
    double rate_per_ms;       /* now: shrinks on 429, grows back */
    double tokens;            /* requests that may start at once */
    double capacity;          /* a window's worth: the burst a fresh budget allows */
    int64_t refilled_at;      /* tokens were counted at this moment */
    int64_t blocked_until;    /* after a 429: nothing before this */
    int64_t halved_at;        /* the rate was last halved for a 429, 0 = never */
    int64_t changed_at;       /* the rate last shrank or grew (it grows a window later) */
};

void budget_init(struct budget *b, const struct rate *r, int64_t now);
/* Change the configured rate, keeping what was spent. */
void budget_set_rate(struct budget *b, const struct rate *r, int64_t now);
bool budget_unlimited(const struct budget *b);
/* Take one request's worth: 0 when taken, else the ms to wait before
 * asking again (nothing taken). */
int64_t budget_take(struct budget *b, int64_t now);
/* ms until a block (Retry-After) is over, 0 when none: what a request that
 * was refused waits before it goes again, without a new token. */
int64_t budget_blocked_for(const struct budget *b, int64_t now);
/* The provider answered 429 (retry_after_ms < 0: it did not say how long):
 * no request before the wait is over, the bucket emptied, and the rate
 * halved (never below one request per window) — once per window: the
 * refusals of requests that were on their way together are one event. */
void budget_refused(struct budget *b, int64_t retry_after_ms, int64_t now);
/* The provider says nothing may be sent for wait_ms (e.g. a downstream
 * limit's remaining 0 until its reset): block without shrinking. */
void budget_block(struct budget *b, int64_t wait_ms, int64_t now);
/* An answer that was not a 429: the rate grows back towards the
 * configured one (by a tenth of it per window without a refusal). */
void budget_answered(struct budget *b, int64_t now);

#endif
