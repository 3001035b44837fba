#include "suggest.h"

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>


/* Longer words are not typed by hand: no need to compare them. */
#define WORD_MAX 64

size_t suggest_distance(const char *a, const char *b)
{
    size_t n = strlen(a), m = strlen(b);
    if (n > WORD_MAX || m > WORD_MAX)
        return SIZE_MAX;
    /* three rows of the table: two back for a swap */
    size_t rows[3][WORD_MAX + 1];
    size_t *back2 = rows[0], *back = rows[1], *cur = rows[2];
    for (size_t j = 0; j <= m; j++)
        back[j] = j;
    for (size_t i = 1; i <= n; i++) {
        cur[0] = i;
        for (size_t j = 1; j <= m; j++) {
            int ca = tolower((unsigned char)a[i - 1]), cb = tolower((unsigned char)b[j - 1]);
            size_t d = back[j - 1] + (ca != cb);
            if (back[j] + 1 < d)
                d = back[j] + 1;
            if (cur[j - 1] + 1 < d)
                d = cur[j - 1] + 1;
            if (i > 1 && j > 1 && ca == tolower((unsigned char)b[j - 2]) &&
                tolower((unsigned char)a[i - 2]) == cb && back2[j - 2] + 1 < d)
                d = back2[j - 2] + 1;
            cur[j] = d;
        }
        size_t *t = back2;
        back2 = back;
        back = cur;
        cur = t;
    }
    return back[m];
}

void suggest_init(struct suggest *sg, const char *word)
{
    sg->word = word ? word : "";
    sg->best = NULL;
    sg->best_distance = SIZE_MAX;
}

static size_t allowed(const char *word)
{
    size_t n = strlen(word);
    return n <= 4 ? 1 : n <= 8 ? 2 : 3;
}

void suggest_offer(struct suggest *sg, const char *candidate)
{
    if (!candidate || !*sg->word)
        return;
    size_t d = suggest_distance(sg->word, candidate);
    size_t wl = strlen(sg->word);
    if (wl >= 3 && strncasecmp(candidate, sg->word, wl) == 0 && d > 1)
        d = 1; /* the start of it */
    if (d < sg->best_distance) {
        sg->best = candidate;
        sg->best_distance = d;
    }
}

const char *suggest_best(const struct suggest *sg)
{
    if (!sg->best || sg->best_distance > allowed(sg->word))
        return NULL;
    return sg->best;
}
