/* The filter language's time comparisons (query.h): a time column with <D
 * or >D, D a duration as session lengths are written (90s, 30m, 1h, 2d,
 * 1w):
 *
 *   expires:<1h       expires within the hour ahead (still to come)
 *   idle:<30m         the idle limit comes within 30 minutes
 *   created:<2d       began less than two days ago
 *   last-active:>7d   not active for more than a week
 *
 * A row with no such time never passes the comparison (nor its !). The
 * index of row texts cannot answer these: query_match_row does, and
 * callers that filter through the index ask query_time_match of the rows
 * it kept when the query is timed. Pure. */
#ifndef SESAME_QUERY_TIME_H
#define SESAME_QUERY_TIME_H

#include <stdbool.h>
#include <stdint.h>

#include "columns.h"

struct query;
struct query_term;

/* Is word (what follows "field:") a comparison for column c? Then 1 with
 * *cmp ('<' or '>') and *ms set; 0 when it is ordinary text (c is not a
 * time, or word does not begin with < or >); -1 with *error (owned) for a
 * comparison that does not parse. */
int query_time_term(enum column_id c, const char *word, signed char *cmp, int64_t *ms,
                    char **error);
/* Does row r pass every comparison of q at now (true when it has none)? */
bool query_time_match(const struct query *q, const struct column_row *r, int64_t now);

#endif
