#include "session_order.h"

#include <string.h>

int session_order_cmp(size_t rank_a, const struct session *a, size_t rank_b,
                      const struct session *b)
{
    if (rank_a != rank_b)
        return rank_a < rank_b ? -1 : 1;
    if (a->created_ms != b->created_ms)
        return a->created_ms > b->created_ms ? -1 : 1; /* newest first; unknown (0) last */
    return strcmp(a->id ? a->id : "", b->id ? b->id : "");
}
