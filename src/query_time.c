/* Comparing a session's times in the filter language. */
#include "query_time.h"

#include <stdlib.h>
#include <string.h>

#include "query.h"
#include "util.h"

/* "90s", "30m", "1h", "2d", "1w" in ms; -1 if it is not one. */
static int64_t duration_ms(const char *s)
{
    char *end;
    long long n = strtoll(s, &end, 10);
    if (end == s || n < 0 || n > 1000000 || end[0] == '\0' || end[1] != '\0')
        return -1;
    switch (*end) {
    case 's': return n * 1000;
    case 'm': return n * 60 * 1000;
    case 'h': return n * 3600 * 1000;
    case 'd': return n * 86400 * 1000;
    case 'w': return n * 7 * 86400 * 1000;
    default: return -1;
    }
}

int query_time_term(enum column_id c, const char *word, signed char *cmp, int64_t *ms,
                    char **error)
{
    const struct column_def *d = column_def(c);
    if (!d || !d->time || (word[0] != '<' && word[0] != '>'))
        return 0;
    int64_t v = duration_ms(word + 1);
    if (v < 0) {
        *error = xasprintf("%s:%s: a duration after %c, as in %s:%c1h (s, m, h, d, w)", d->name,
                           word, word[0], d->name, word[0]);
        return -1;
    }
    *cmp = word[0];
    *ms = v;
    return 1;
}

/* The time of column c of row r (0: none), and whether it is one that is
 * still to come (a countdown) rather than one that has been. */
static int64_t time_of(enum column_id c, const struct column_row *r, int64_t now, bool *ahead)
{
    int64_t num;
    const char *text;
    char buf[COLUMN_TEXT_MAX];
    *ahead = c == COLUMN_EXPIRES || c == COLUMN_IDLE;
    return column_sort_key(c, r, now, &num, &text, buf) ? num : 0;
}

static bool term_passes(const struct query_term *t, const struct column_row *r, int64_t now)
{
    bool ahead;
    int64_t at = 0;
    for (int c = 0; c < COLUMN_COUNT && !at; c++)
        if (t->fields & ((uint32_t)1 << c))
            at = time_of((enum column_id)c, r, now, &ahead);
    if (at <= 0 || (ahead && at <= now))
        return false; /* no such time (or one run out): neither it nor its ! */
    int64_t dist = ahead ? at - now : now - at;
    bool yes = t->cmp == '<' ? dist <= t->within_ms : dist > t->within_ms;
    return yes != t->negated;
}

bool query_time_match(const struct query *q, const struct column_row *r, int64_t now)
{
    for (size_t i = 0; q->timed && i < q->n; i++)
        if (q->terms[i].cmp && !term_passes(&q->terms[i], r, now))
            return false;
    return true;
}
