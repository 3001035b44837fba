/* The message log's ring of entries. */
#include "msglog.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util.h"

void msglog_init(struct msglog *l, size_t cap)
{
    memset(l, 0, sizeof *l);
    l->cap = cap ? cap : 1;
    l->v = xcalloc(l->cap, sizeof *l->v);
}

static void entry_free(struct msglog_entry *e)
{
    free(e->account);
    wipe_free(e->text); /* the message line may have shown a secret the user asked for */
    memset(e, 0, sizeof *e);
}

void msglog_free(struct msglog *l)
{
    for (size_t i = 0; i < l->n; i++)
        entry_free(&l->v[(l->first + i) % l->cap]);
    free(l->v);
    memset(l, 0, sizeof *l);
}

/* One line: newlines and tabs become blanks before the sanitiser drops
 * the other control characters. */
static char *one_line(const char *text)
{
    char *copy = xstrdup(text ? text : "");
    for (char *p = copy; *p; p++)
        if (*p == '\n' || *p == '\r' || *p == '\t')
            *p = ' ';
    char *clean = sanitize_text(copy);
    wipe_free(copy);
    return clean;
}

void msglog_add(struct msglog *l, int64_t when_ms, enum msglog_level level, const char *account,
                const char *text)
{
    if (str_empty(text))
        return;
    char *clean = one_line(text);
    const struct msglog_entry *last = l->n ? msglog_get(l, l->n - 1) : NULL;
    if (last && last->level == level && strcmp(last->text, clean) == 0 &&
        (last->account == account ||
         (last->account && account && strcmp(last->account, account) == 0)) &&
        when_ms - last->when_ms < 1000) {
        wipe_free(clean);
        return; /* the same line again at once (a redraw of the same news) */
    }
    struct msglog_entry *e;
    if (l->n == l->cap) {
        e = &l->v[l->first];
        entry_free(e);
        l->first = (l->first + 1) % l->cap;
    } else {
        e = &l->v[(l->first + l->n) % l->cap];
        l->n++;
    }
    e->when_ms = when_ms;
    e->level = level;
    e->account = account ? one_line(account) : NULL;
    e->text = clean;
    l->added++;
}

const struct msglog_entry *msglog_get(const struct msglog *l, size_t i)
{
    if (i >= l->n)
        return NULL;
    return &l->v[(l->first + i) % l->cap];
}

char *msglog_line(const struct msglog_entry *e)
{
    time_t t = (time_t)(e->when_ms / 1000);
    struct tm tm;
    char when[32] = "?";
    if (localtime_r(&t, &tm))
        strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S", &tm);
    return xasprintf("%s  %s%s%s%s", when, e->account ? e->account : "",
                     e->account ? "  " : "", e->level == MSGLOG_ERROR ? "error: " : "", e->text);
}
