#include "textfold.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <wctype.h>

#include "util.h"

/* The character at s (len bytes valid UTF-8), or -1 with *len = 1. */
static long utf8_decode(const unsigned char *s, size_t *len)
{
    static const unsigned char lead_len[] = {2, 2, 3, 4}; /* 110x, 110x, 1110, 11110 */
    unsigned char c = s[0];
    size_t n;
    long cp;
    if (c < 0xc2 || c > 0xf4) {
        *len = 1;
        return -1;
    }
    n = lead_len[(c >> 4) - 0xc];
    cp = c & (n == 2 ? 0x1f : n == 3 ? 0x0f : 0x07);
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xc0) != 0x80) {
            *len = 1;
            return -1;
        }
        cp = (cp << 6) | (s[i] & 0x3f);
    }
    if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
        (cp >= 0xd800 && cp <= 0xdfff)) {
        *len = 1;
        return -1;
    }
    *len = n;
    return cp;
}

/* The character at u (not ASCII) folded into out; *used = its bytes in u.
 * Returns the bytes written (at most 4). */
static size_t fold_char(const unsigned char *u, char *out, size_t *used)
{
    long cp = utf8_decode(u, used);
    if (cp < 0) {
        out[0] = (char)*u;
        return 1;
    }
    long low = (long)towlower((wint_t)cp);
    if (low <= 0 || low > 0x10ffff || (low >= 0xd800 && low <= 0xdfff))
        low = cp;
    return utf8_put((uint32_t)low, out);
}

void text_fold_into(const char *s, char *buf, size_t *len)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t o = *len;
    while (*u) {
        if (*u < 0x80) { /* the common case, without wctype */
            buf[o++] = (char)(*u >= 'A' && *u <= 'Z' ? *u + 32 : *u);
            u++;
            continue;
        }
        size_t n;
        o += fold_char(u, buf + o, &n);
        u += n;
    }
    *len = o;
}

char *text_fold(const char *s)
{
    if (!s)
        s = "";
    size_t n = strlen(s), len = 0;
    char *out = xmalloc(n * 4 + 1);
    text_fold_into(s, out, &len);
    out[len] = '\0';
    return out;
}

void folded_make(const char *text, struct folded *f)
{
    if (!text)
        text = "";
    size_t n = strlen(text), o = 0;
    f->text = xmalloc(n * 4 + 1);
    f->from = xmalloc((n * 4 + 1) * sizeof *f->from);
    f->to = xmalloc((n * 4 + 1) * sizeof *f->to);
    const unsigned char *u = (const unsigned char *)text;
    for (size_t i = 0; i < n;) {
        size_t used = 1, w;
        if (u[i] < 0x80) {
            f->text[o] = (char)(u[i] >= 'A' && u[i] <= 'Z' ? u[i] + 32 : u[i]);
            w = 1;
        } else {
            w = fold_char(u + i, f->text + o, &used);
        }
        for (size_t k = 0; k < w; k++) {
            f->from[o + k] = i;
            f->to[o + k] = i + used;
        }
        o += w;
        i += used;
    }
    f->text[o] = '\0';
    f->len = o;
}

void folded_free(struct folded *f)
{
    free(f->text);
    free(f->from);
    free(f->to);
    memset(f, 0, sizeof *f);
}

static inline uint64_t mask_bit(unsigned char c)
{
    if (c >= 'a' && c <= 'z')
        return (uint64_t)1 << (c - 'a');
    if (c >= '0' && c <= '9')
        return (uint64_t)1 << (26 + c - '0');
    return (uint64_t)1 << (36 + c % 28);
}

uint64_t text_byte_mask(const char *s, size_t n)
{
    uint64_t m = 0;
    for (size_t i = 0; i < n; i++)
        m |= mask_bit((unsigned char)s[i]);
    return m;
}
