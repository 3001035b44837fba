/* The incremental filter of the sessions table. Each row has one haystack,
 * made once when the rows change: the text of every column, case-folded,
 * joined by a separator no one can type, and a mask of the bytes in it. A
 * keystroke only compares the needle's words against those strings (all
 * words must be found; the masks rule most rows out first), and
 * when the new needle narrows the old one (typing on), only the rows that
 * matched before are looked at again. Pure: no curses, tested alone. */
#ifndef SESAME_FILTER_H
#define SESAME_FILTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* s case-folded (text_fold of src/textfold.h), for comparing; bytes that
 * are not valid UTF-8 are kept as they are. NULL gives "". Owned. */
char *filter_fold(const char *s);

/* A row of a table, by its index in the store: 4 bytes, as the views keep
 * a few of these per session (100k sessions: 0.4 MB each, not 0.8). */
typedef uint32_t row_index;
#define NO_ROW UINT32_MAX

/* The haystacks of many rows, in one block of memory. */
struct filter_index {
    char *text;   /* every haystack, each ending in NUL */
    size_t len, cap;
    size_t *off;  /* row i's haystack is text + off[i] */
    uint64_t *mask; /* row i's filter_mask: which bytes occur in it */
    size_t n, n_cap;
};

/* Which bytes occur in s (NUL-terminated): a bit per letter and digit, the
 * others share the rest. If a needle is in a haystack, the needle's mask
 * is inside the haystack's: a quick no before strstr. */
uint64_t filter_mask(const char *s);

void filter_index_free(struct filter_index *ix);
/* Empty it (the memory is kept for the next rows). */
void filter_index_reset(struct filter_index *ix);
/* Add the next row: fields (NULL ones skipped) folded and joined. */
void filter_index_add(struct filter_index *ix, const char *const *fields, size_t n);
const char *filter_index_get(const struct filter_index *ix, size_t i);

/* A needle: what was typed, split into folded words. */
struct filter {
    char *text;     /* as typed, "" for none */
    char **words;
    size_t n_words;
    uint64_t need;  /* the filter_mask of all the words together */
    bool by_mask;   /* every word is one letter or digit: the mask alone decides */
};

void filter_init(struct filter *f);
void filter_free(struct filter *f);
/* Set the needle (NULL or blanks only: no filter). */
void filter_set(struct filter *f, const char *text);
/* Has it any word (does it hide anything)? */
bool filter_active(const struct filter *f);
/* Is every word of f in hay (a folded haystack)? */
bool filter_match(const struct filter *f, const char *hay);
/* Does every row that `narrower` matches also match `wider`? (True when
 * each word of wider lies inside some word of narrower.) */
bool filter_narrows(const struct filter *wider, const struct filter *narrower);
/* Where in text (as it is, not folded) the first of f's words is found,
 * case-insensitively: *start and *len in bytes of text. False if none. For
 * showing the match. */
bool filter_find(const struct filter *f, const char *text, size_t *start, size_t *len);
/* Does row i of ix match f (the mask first, then the words)? */
bool filter_index_match(const struct filter *f, const struct filter_index *ix, size_t i);
/* The rows of in[0..n) (indexes into ix) that match f, in order, into out
 * (out may be in). Returns their count. */
size_t filter_apply(const struct filter *f, const struct filter_index *ix, const row_index *in,
                    size_t n, row_index *out);

#endif
