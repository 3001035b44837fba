/* The flags column's text (columns.h). Issue 14 (src/flags) says what
 * looks wrong about a session here; until then no session has a flag. */
#include "columns.h"

const char *column_flags_text(const struct column_row *r, int64_t now, char *buf, size_t size)
{
    return NULL;
}
