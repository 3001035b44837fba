/* The flags column's text (columns.h): what looks wrong about a session,
 * as flags.h computed it when its list was taken in. */
#include "columns.h"

#include "flags.h"

const char *column_flags_text(const struct column_row *r, int64_t now, char *buf, size_t size)
{
    return r->s->flags ? flags_text(r->s->flags, buf, size) : NULL;
}
