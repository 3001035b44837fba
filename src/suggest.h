/* "Did you mean ...": the name closest to a mistyped one, for every
 * message about an unknown command, option, column or filter field. Pure.
 *
 *   struct suggest sg;
 *   suggest_init(&sg, typed);
 *   for (each name) suggest_offer(&sg, name);
 *   const char *best = suggest_best(&sg);   (NULL: nothing close) */
#ifndef SESAME_SUGGEST_H
#define SESAME_SUGGEST_H

#include <stddef.h>

struct suggest {
    const char *word;
    const char *best;
    size_t best_distance;
};

void suggest_init(struct suggest *sg, const char *word);
/* Consider candidate (kept by pointer: it must outlive the suggest). */
void suggest_offer(struct suggest *sg, const char *candidate);
/* The closest candidate offered, if it is close enough to be a likely
 * typo of word: an edit distance (a character added, dropped, changed, or
 * two neighbours swapped, ignoring ASCII case) of at most 1 for a word of
 * up to 4 characters, 2 up to 8, 3 beyond; or a candidate that word is the
 * start of (3 characters or more). The first of equals wins. */
const char *suggest_best(const struct suggest *sg);

/* The distance itself (optimal string alignment), for tests. */
size_t suggest_distance(const char *a, const char *b);

#endif
