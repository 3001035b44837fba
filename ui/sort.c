/* Going round the columns, and a stable sort of rows by one key. */
#include "sort.h"

#include <stdlib.h>
#include <string.h>

int sort_next(int cur, const int *shown, size_t n)
{
    if (n == 0)
        return SORT_NONE;
    for (size_t i = 0; i < n; i++)
        if (shown[i] == cur)
            return shown[(i + 1) % n];
    return shown[0];
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
