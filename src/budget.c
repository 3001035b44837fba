/* Request budgets: parsing "N/10s" and the sliding window. */
#include "budget.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "budget_shared.h"
#include "util.h"

#define MAX_REQUESTS 1000000
#define MAX_WINDOW_MS (24LL * 3600 * 1000)
#define UNSAID_RETRY_MS 1000   /* a 429 without Retry-After: wait this long */
#define GROWTH_STEPS 10        /* back to the configured rate in ten windows */

static int parse_fail(char **error, const char *s, const char *why)
{
    if (error) {
        char *shown = text_shown(s);
        *error = xasprintf("rate limit \"%s\" %s: write it as N/10s (requests per window, "
                           "e.g. 50/10s, 5/1s, 300/1m) or off", shown, why);
        free(shown);
    }
    return -1;
}

int rate_parse(const char *s, struct rate *out, char **error)
{
    if (!s)
        s = "";
    if (strcmp(s, "off") == 0 || strcmp(s, "none") == 0 || strcmp(s, "0") == 0) {
        *out = (struct rate){0, 0};
        return 0;
    }
    const char *p = s;
    if (!isdigit((unsigned char)*p))
        return parse_fail(error, s, "does not start with a number");
    errno = 0;
    char *end;
    long n = strtol(p, &end, 10);
    if (errno || n < 1 || n > MAX_REQUESTS)
        return parse_fail(error, s, "asks for 1 to 1000000 requests");
    if (*end != '/')
        return parse_fail(error, s, "has no /window");
    p = end + 1;
    long count = 1;
    if (isdigit((unsigned char)*p)) {
        errno = 0;
        count = strtol(p, &end, 10);
        if (errno || count < 1)
            return parse_fail(error, s, "has a window of zero");
        p = end;
    }
    int64_t unit;
    if (strcmp(p, "ms") == 0)
        unit = 1;
    else if (strcmp(p, "s") == 0)
        unit = 1000;
    else if (strcmp(p, "m") == 0 || strcmp(p, "min") == 0)
        unit = 60000;
    else if (strcmp(p, "h") == 0)
        unit = 3600000;
    else
        return parse_fail(error, s, "has a window without a unit (ms, s, m, h)");
    if (count > MAX_WINDOW_MS / unit)
        return parse_fail(error, s, "has a window longer than a day");
    *out = (struct rate){(int)n, count * unit};
    return 0;
}

void rate_format(const struct rate *r, char *buf, size_t size)
{
    if (r->requests <= 0 || r->window_ms <= 0) {
        snprintf(buf, size, "off");
        return;
    }
    int64_t w = r->window_ms;
    if (w % 3600000 == 0)
        snprintf(buf, size, "%d/%lldh", r->requests, (long long)(w / 3600000));
    else if (w % 60000 == 0)
        snprintf(buf, size, "%d/%lldm", r->requests, (long long)(w / 60000));
    else if (w % 1000 == 0)
        snprintf(buf, size, "%d/%llds", r->requests, (long long)(w / 1000));
    else
        snprintf(buf, size, "%d/%lldms", r->requests, (long long)w);
}

bool budget_unlimited(const struct budget *b)
{
    return b->configured.requests <= 0 || b->configured.window_ms <= 0;
}

void budget_init(struct budget *b, const struct rate *r, int64_t now)
{
    memset(b, 0, sizeof *b);
    b->configured = *r;
    if (budget_unlimited(b))
        return;
    b->slots = r->requests < BUDGET_MAX_SLOTS ? r->requests : BUDGET_MAX_SLOTS;
    /* 1000000/1s is kept as 10000 per 10 ms: the same rate */
    b->window_ms = r->window_ms * b->slots / r->requests;
    if (b->window_ms < 1)
        b->window_ms = 1;
    b->limit = b->slots;
    b->sent = xcalloc((size_t)b->slots, sizeof *b->sent);
    (void)now;
}

void budget_attach(struct budget *b, struct budget_shared *s)
{
    if (!s)
        return;
    budget_shared_close(b->shared);
    b->shared = s;
}

void budget_free(struct budget *b)
{
    budget_shared_close(b->shared);
    free(b->sent);
    memset(b, 0, sizeof *b);
}

/* Forget the sends that left the window. */
static void expire(struct budget *b, int64_t now)
{
    while (b->n > 0 && b->sent[b->head] <= now - b->window_ms) {
        b->head = (b->head + 1) % b->slots;
        b->n--;
    }
}

void budget_set_rate(struct budget *b, const struct rate *r, int64_t now)
{
    if (b->configured.requests == r->requests && b->configured.window_ms == r->window_ms)
        return;
    struct budget old = *b;
    budget_init(b, r, now);
    b->blocked_until = old.blocked_until;
    b->shared = old.shared;
    old.shared = NULL;
    /* what was sent lately still counts, the newest first kept */
    for (int i = old.n > b->slots ? old.n - b->slots : 0; old.slots && i < old.n; i++)
        b->sent[b->n++] = old.sent[(old.head + i) % old.slots];
    budget_free(&old);
    if (!budget_unlimited(b))
        expire(b, now);
}

int64_t budget_take(struct budget *b, int64_t now)
{
    if (now < b->blocked_until)
        return b->blocked_until - now;
    if (budget_unlimited(b))
        return 0;
    expire(b, now);
    if (b->n >= b->limit) {
        /* the send whose leaving makes room (more than one when the limit shrank) */
        int64_t frees = b->sent[(b->head + b->n - b->limit) % b->slots] + b->window_ms;
        return frees > now ? frees - now : 1;
    }
    if (b->shared) {
        int64_t until;
        int64_t wait = budget_shared_take(b->shared, b->limit, b->window_ms, now, &until);
        if (until > b->blocked_until)
            b->blocked_until = until; /* another process was answered 429 */
        if (wait > 0)
            return wait;
        /* wait < 0: the file failed this time; this process's budget alone decides */
    }
    b->sent[(b->head + b->n) % b->slots] = now;
    b->n++;
    return 0;
}

void budget_block(struct budget *b, int64_t wait_ms, int64_t now)
{
    if (wait_ms <= 0)
        return;
    if (now + wait_ms > b->blocked_until)
        b->blocked_until = now + wait_ms;
    if (b->shared && !budget_unlimited(b))
        budget_shared_block(b->shared, now + wait_ms, now);
}

void budget_refused(struct budget *b, int64_t retry_after_ms, int64_t now)
{
    budget_block(b, retry_after_ms >= 0 ? retry_after_ms : UNSAID_RETRY_MS, now);
    if (budget_unlimited(b))
        return;
    if (b->halved_at && now - b->halved_at < b->window_ms)
        return;
    b->limit = b->limit > 1 ? b->limit / 2 : 1;
    b->halved_at = b->changed_at = now;
}

void budget_answered(struct budget *b, int64_t now)
{
    if (budget_unlimited(b) || b->limit >= b->slots)
        return;
    if (now - b->changed_at < b->window_ms)
        return;
    int step = b->slots / GROWTH_STEPS;
    b->limit += step > 0 ? step : 1;
    if (b->limit > b->slots)
        b->limit = b->slots;
    b->changed_at = now; /* the next step a window later */
}
