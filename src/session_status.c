#include "session_status.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

/* Statuses in which a provider says the session can still be used. An
 * unknown word is counted here: it is not known to have ended, so the
 * clock may still end it. */
static bool provider_says_live(enum session_status st)
{
    return st == SESSION_ACTIVE || st == SESSION_PENDING || st == SESSION_UNKNOWN;
}

int64_t session_ends_ms(const struct session *s)
{
    int64_t e = s->expires_ms, a = s->abandon_ms;
    if (e > 0 && a > 0)
        return e < a ? e : a;
    return e > 0 ? e : a > 0 ? a : 0;
}

enum session_status session_status_seen(const struct session *s, int64_t now)
{
    if (!provider_says_live(s->status))
        return s->status;
    int64_t end = session_ends_ms(s);
    if (end <= 0 || end > now)
        return s->status;
    /* whichever came first; at the same instant, expired */
    bool idle_first = s->abandon_ms > 0 && (s->expires_ms <= 0 || s->abandon_ms < s->expires_ms);
    return idle_first ? SESSION_ABANDONED : SESSION_EXPIRED;
}

bool session_status_live(enum session_status st)
{
    return provider_says_live(st);
}

bool session_time_left(const struct session *s, int64_t now, int64_t *left_ms)
{
    enum session_status st = session_status_seen(s, now);
    int64_t end = session_ends_ms(s);
    if ((st != SESSION_ACTIVE && st != SESSION_PENDING) || end <= now)
        return false;
    *left_ms = end - now;
    return true;
}

bool session_status_filter_remote(enum session_status want)
{
    return want != SESSION_EXPIRED && want != SESSION_ABANDONED && want != SESSION_UNKNOWN;
}

enum session_status session_status_after_refused_refresh(const struct session *s, int64_t now)
{
    return s->expires_ms > 0 && s->expires_ms <= now ? SESSION_EXPIRED : SESSION_UNKNOWN;
}

bool session_status_named(const char *word, enum session_status *out)
{
    for (int i = 0; word && i < SESSION_STATUS_COUNT; i++) {
        if (strcmp(word, session_status_name((enum session_status)i)) == 0) {
            *out = (enum session_status)i;
            return true;
        }
    }
    return false;
}

char *session_status_words(void)
{
    char *words = xstrdup("");
    for (int i = 0; i < SESSION_STATUS_COUNT; i++) {
        char *w = xasprintf("%s%s%s", words, i ? ", " : "",
                            session_status_name((enum session_status)i));
        free(words);
        words = w;
    }
    return words;
}
