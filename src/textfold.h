/* Text folded for comparing without regard to case: what the filter, the
 * query language and the sort compare. Each character is folded with
 * towlower under the locale (ASCII without it); bytes that are not valid
 * UTF-8 are kept as they are. Pure. */
#ifndef SESAME_TEXTFOLD_H
#define SESAME_TEXTFOLD_H

#include <stddef.h>
#include <stdint.h>

/* s folded; NULL gives "". Owned. */
char *text_fold(const char *s);

/* s folded, appended to buf at *len (buf has room for 4 * strlen(s) more:
 * a character never grows past 4 bytes). */
void text_fold_into(const char *s, char *buf, size_t *len);

/* A text folded with, for each folded byte, the bytes of the original it
 * came from: for showing where in the text (as it is) a folded match lies. */
struct folded {
    char *text;     /* folded, NUL-terminated */
    size_t len;
    size_t *from;   /* folded byte i comes from the character at text + from[i] ... */
    size_t *to;     /* ... which ends at text + to[i] */
};
void folded_make(const char *text, struct folded *f);
void folded_free(struct folded *f);

/* Which bytes occur in the n bytes at s (folded text): a bit per letter
 * and digit, the other bytes share the rest. If a needle is in a haystack,
 * the needle's mask is inside the haystack's: a quick no before strstr. */
uint64_t text_byte_mask(const char *s, size_t n);

#endif
