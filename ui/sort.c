/* Column names and a stable sort of rows by one key. */
#include "sort.h"

#include <stdlib.h>
#include <string.h>

static const char *const names[SORT_COUNT] = {
    [SORT_PROVIDER] = "provider", [SORT_ACCOUNT] = "account",   [SORT_USER] = "user",
    [SORT_SESSION] = "session",   [SORT_STATUS] = "status",     [SORT_CREATED] = "created",
    [SORT_LAST_ACTIVE] = "last-active", [SORT_EXPIRES] = "expires", [SORT_DEVICE] = "device",
    [SORT_BROWSER] = "browser",   [SORT_IP] = "ip",
};

const char *sort_column_name(enum sort_col c)
{
    return c >= 0 && c < SORT_COUNT ? names[c] : "none";
}

enum sort_col sort_column_parse(const char *name)
{
    for (int i = 0; name && i < SORT_COUNT; i++)
        if (strcmp(name, names[i]) == 0)
            return (enum sort_col)i;
    return SORT_NONE;
}

bool sort_column_numeric(enum sort_col c)
{
    return c == SORT_STATUS || c == SORT_CREATED || c == SORT_LAST_ACTIVE || c == SORT_EXPIRES;
}

enum sort_col sort_next(enum sort_col cur, const bool *shown)
{
    int start = cur < 0 || cur >= SORT_COUNT ? -1 : (int)cur;
    for (int k = 1; k <= SORT_COUNT; k++) {
        int c = (start + k) % SORT_COUNT;
        if (!shown || shown[c])
            return (enum sort_col)c;
    }
    return SORT_NONE;
}

struct order {
    bool numeric, desc;
};

static int compare(const void *pa, const void *pb, void *ctx)
{
    const struct sort_item *a = pa, *b = pb;
    const struct order *o = ctx;
    int r = 0;
    if (a->missing != b->missing) {
        r = a->missing ? 1 : -1; /* last either way */
        return r;
    }
    if (!a->missing) {
        if (o->numeric)
            r = a->num < b->num ? -1 : a->num > b->num ? 1 : 0;
        else
            r = strverscmp(a->text ? a->text : "", b->text ? b->text : "");
        if (o->desc)
            r = -r;
    }
    if (r == 0)
        r = a->index < b->index ? -1 : a->index > b->index ? 1 : 0;
    return r;
}

void sort_items(struct sort_item *v, size_t n, bool numeric, bool desc)
{
    if (n < 2)
        return;
    struct order o = {numeric, desc};
    qsort_r(v, n, sizeof *v, compare, &o);
}
