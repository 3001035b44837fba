/* The filter language of the dashboard's `/` and `sesame sessions
 * --filter`. Pure: no curses, no I/O; fuzzed (tests/fuzz/fuzz_query.c).
 *
 *   ada chrome            every word must be found, in any column, case aside
 *   "Ada Lovelace"        a phrase: the words together, blanks included
 *   user:ada              in one field: a column name (columns.h) or an alias
 *   status:active country:FR account:prod device:mobile ip:203.0.113 flag:new
 *   !revoked  !user:bot   must not be found (there, or anywhere)
 *   user:"Ada L"          a field and a phrase
 *   expires:<1h           a time compared with now (query_time.h): <D within D, >D beyond
 *
 * Fields: every column name (provider, account, user, session, status,
 * created, last-active, expires, idle, device, browser, ip, place, country,
 * client, flags, ...), and the aliases id (session), last (last-active),
 * flag (flags); user, account and provider look at the ids as well as the
 * names. Times are matched as written in absolute time ("2026-12-06 14:03").
 * A word whose part before ':' is not made of letters (2001:db8::1) is a
 * plain word; quote a word to search for a ':' after letters ("a:b").
 *
 * A row is a session with its account's names (columns.h struct
 * column_row). Rows are matched through an index made once (the folded
 * text of every column: a keystroke scans only those), or one at a time. */
#ifndef SESAME_QUERY_H
#define SESAME_QUERY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "columns.h"

#define QUERY_MAX_TERMS 64

struct query_term {
    char *text;       /* folded; never empty */
    uint32_t fields;  /* bit c: column c is looked at (every column for a plain word) */
    bool negated;
    bool plain;       /* no field given */
    uint64_t mask;    /* the bytes of text (query.c's byte mask) */
    signed char cmp;  /* '<' or '>': a time compared (query_time.h), not text; else 0 */
    int64_t within_ms;/* ... with this duration */
};

struct query {
    char *source;     /* as typed ("" for none) */
    struct query_term *terms;
    size_t n;
    uint64_t need;    /* the bytes every row that matches has: the quick no */
    bool timed;       /* a term compares times: the index alone cannot tell (query_time.h) */
    uint32_t looks;   /* bit c: a text term looks at column c (every bit for a plain word) */
};

void query_init(struct query *q);
void query_free(struct query *q);
/* Parse text (NULL or blanks: the empty query, which keeps every row) into
 * q (initialised; what it held is freed). On an error q is left empty and
 * *error (owned) says what is wrong and where: "unknown field 'usr' (did
 * you mean user?)", "user: needs a value, as in user:ada", "a quote is not
 * closed", "! needs a word after it". Returns 0 or ERR_USAGE. */
int query_parse(struct query *q, const char *text, char **error);
/* Does it keep anything out (has it a term)? */
bool query_active(const struct query *q);
/* Does every row that narrower keeps also pass wider? (Then the rows
 * wider kept are enough to filter with narrower: typing on.) False when
 * it cannot tell. */
bool query_narrows(const struct query *wider, const struct query *narrower);

/* ---- matching ---- */

/* Does row r (its status and times as seen at now) pass q? Only the
 * columns q looks at are made: a query of fields (status:active) costs a
 * few columns a row, a plain word all of them. */
bool query_match_row(const struct query *q, const struct column_row *r, int64_t now);
/* Does q have a plain word (it reads every column of a row: many rows
 * are matched faster through an index)? */
bool query_reads_every_column(const struct query *q);

/* The folded text of every column of many rows, in one block. */
struct query_index {
    char *text;
    size_t len, cap;
    size_t *off;      /* row i's text starts at text + off[i] */
    uint64_t *mask;   /* the bytes of row i's text */
    uint8_t *lens;    /* row i's column c is lens[i * COLUMN_COUNT + c] bytes (255: or more) */
    size_t n, n_cap;
};
void query_index_free(struct query_index *ix);
/* Empty it, keeping its memory for the next rows. */
void query_index_reset(struct query_index *ix);
/* Add the next row (index ix->n). */
void query_index_add(struct query_index *ix, const struct column_row *r, int64_t now);
/* Does row i of ix pass q's text? (A row not in ix passes only the empty
 * query.) A timed query's comparisons are query_time_match's, of the row. */
bool query_index_match(const struct query *q, const struct query_index *ix, size_t i);
/* The rows of in[0..n) (indexes into ix) that pass q, in order, into out
 * (which may be in); returns how many. */
size_t query_apply(const struct query *q, const struct query_index *ix, const uint32_t *in,
                   size_t n, uint32_t *out);

/* ---- showing the matches ---- */

struct query_span {
    size_t start, len; /* bytes of the text as it is, whole characters */
};
/* Where q's words (not the negated ones) are found in text, the text of
 * column c as shown: every match, in order, overlapping ones merged, at
 * most max of them into out. Returns how many there are (may be > max). */
size_t query_spans(const struct query *q, enum column_id c, const char *text,
                   struct query_span *out, size_t max);

#endif
