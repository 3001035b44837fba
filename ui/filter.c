/* Case-folded haystacks and needles, and matching them. */
#include "filter.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "textfold.h"
#include "util.h"

#define SEP '\x1f' /* between the fields of a haystack: never in a typed word */

char *filter_fold(const char *s)
{
    return text_fold(s);
}

/* ---- the index ---- */

uint64_t filter_mask(const char *s)
{
    return text_byte_mask(s, strlen(s));
}

void filter_index_free(struct filter_index *ix)
{
    free(ix->text);
    free(ix->off);
    free(ix->mask);
    memset(ix, 0, sizeof *ix);
}

void filter_index_reset(struct filter_index *ix)
{
    ix->len = 0;
    ix->n = 0;
}

static void reserve(struct filter_index *ix, size_t more)
{
    if (ix->len + more <= ix->cap)
        return;
    size_t cap = ix->cap ? ix->cap : 4096;
    while (cap < ix->len + more)
        cap *= 2;
    ix->text = xrealloc(ix->text, cap);
    ix->cap = cap;
}

void filter_index_add(struct filter_index *ix, const char *const *fields, size_t n)
{
    size_t need = 1;
    for (size_t i = 0; i < n; i++)
        if (fields[i])
            need += strlen(fields[i]) * 4 + 1;
    reserve(ix, need);
    if (ix->n == ix->n_cap) {
        ix->n_cap = ix->n_cap ? ix->n_cap * 2 : 256;
        ix->off = xrealloc(ix->off, ix->n_cap * sizeof *ix->off);
        ix->mask = xrealloc(ix->mask, ix->n_cap * sizeof *ix->mask);
    }
    ix->off[ix->n] = ix->len;
    size_t len = ix->len;
    bool first = true;
    for (size_t i = 0; i < n; i++) {
        if (!fields[i])
            continue;
        if (!first)
            ix->text[len++] = SEP;
        first = false;
        text_fold_into(fields[i], ix->text, &len);
    }
    ix->text[len] = '\0';
    ix->mask[ix->n++] = filter_mask(ix->text + ix->len);
    ix->len = len + 1;
}

const char *filter_index_get(const struct filter_index *ix, size_t i)
{
    return i < ix->n ? ix->text + ix->off[i] : "";
}

/* ---- needles ---- */

void filter_init(struct filter *f)
{
    memset(f, 0, sizeof *f);
    f->text = xstrdup("");
}

static void clear_words(struct filter *f)
{
    for (size_t i = 0; i < f->n_words; i++)
        free(f->words[i]);
    free(f->words);
    f->words = NULL;
    f->n_words = 0;
    f->need = 0;
    f->by_mask = false;
}

void filter_free(struct filter *f)
{
    clear_words(f);
    free(f->text);
    f->text = NULL;
}

void filter_set(struct filter *f, const char *text)
{
    char *copy = xstrdup(text ? text : "");
    clear_words(f);
    free(f->text);
    f->text = copy;
    char *folded = filter_fold(copy);
    size_t cap = 0;
    for (char *p = folded; *p;) {
        while (*p == ' ' || *p == '\t')
            p++;
        char *end = p;
        while (*end && *end != ' ' && *end != '\t')
            end++;
        if (end > p) {
            if (f->n_words == cap) {
                cap = cap ? cap * 2 : 4;
                f->words = xrealloc(f->words, cap * sizeof *f->words);
            }
            f->words[f->n_words] = xstrndup(p, (size_t)(end - p));
            f->need |= filter_mask(f->words[f->n_words++]);
        }
        p = end;
    }
    free(folded);
    /* a letter or a digit has a bit of its own in the mask: a word of one
     * is in a haystack exactly when its bit is in the haystack's mask */
    f->by_mask = f->n_words > 0;
    for (size_t i = 0; i < f->n_words; i++) {
        unsigned char c = (unsigned char)f->words[i][0];
        if (f->words[i][1] || !((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')))
            f->by_mask = false;
    }
}

bool filter_active(const struct filter *f)
{
    return f->n_words > 0;
}

bool filter_match(const struct filter *f, const char *hay)
{
    for (size_t i = 0; i < f->n_words; i++)
        if (!strstr(hay, f->words[i]))
            return false;
    return true;
}

bool filter_narrows(const struct filter *wider, const struct filter *narrower)
{
    for (size_t i = 0; i < wider->n_words; i++) {
        bool inside = false;
        for (size_t k = 0; !inside && k < narrower->n_words; k++)
            inside = strstr(narrower->words[k], wider->words[i]) != NULL;
        if (!inside)
            return false;
    }
    return true;
}

bool filter_find(const struct filter *f, const char *text, size_t *start, size_t *len)
{
    if (!text || f->n_words == 0)
        return false;
    struct folded fd;
    folded_make(text, &fd);
    bool found = false;
    for (size_t k = 0; k < f->n_words; k++) {
        const char *at = strstr(fd.text, f->words[k]);
        size_t wl = strlen(f->words[k]);
        if (!at || wl == 0)
            continue;
        size_t p = (size_t)(at - fd.text), s0 = fd.from[p], e0 = fd.to[p + wl - 1];
        if (!found || s0 < *start) {
            *start = s0;
            *len = e0 - s0;
            found = true;
        }
    }
    folded_free(&fd);
    return found;
}

bool filter_index_match(const struct filter *f, const struct filter_index *ix, size_t i)
{
    if (i >= ix->n)
        return filter_match(f, "");
    return (ix->mask[i] & f->need) == f->need &&
           (f->by_mask || filter_match(f, ix->text + ix->off[i]));
}

size_t filter_apply(const struct filter *f, const struct filter_index *ix, const row_index *in,
                    size_t n, row_index *out)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++)
        if (filter_index_match(f, ix, in[i]))
            out[o++] = in[i];
    return o;
}
