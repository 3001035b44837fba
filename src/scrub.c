/* Masking secrets in text that leaves the worker (scrub.h).
 *
 * A server may echo a secret in many spellings: as it was sent, in another
 * case, percent-encoded (any byte, %5F as well as %5f, '+' for a space),
 * JSON-escaped (\/, \", \u0073), as HTML entities (&#115;, &#x73;, &lowbar;),
 * as sesame's own previews write bytes (\xc3\xa4), and with characters
 * slipped in that show as nothing or as a space (CR, LF, TAB, NUL, which a
 * message may already have turned into a space; zero-width and bidi
 * controls; a soft hyphen). Rather than listing spellings, the text is read
 * as a person would see it: at each position one character, decoded from
 * whichever escape starts there or taken as it is (both are tried: a secret
 * may hold a literal "%41"), characters that show as nothing or as a space
 * skipped, case folded. Where that reading holds the secret (read the same
 * way), the span of the original it came from is masked. */
#include "scrub.h"

#include <glib.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "strpool.h"
#include "strslab.h"
#include "util.h"
#include "worker.h"

#define TRAILING_MIN 6   /* a cut-off secret: at least this many characters of it */
#define LONE_BYTE 0xDC00 /* a byte that is no UTF-8 character reads as this + the byte */
#define MAX_DEPTH 64     /* positions with two readings both tried, along one match */
#define PIECE 16         /* a fragment of a secret is found by a piece of it this long, */
#define PIECE_STEP 8     /* taken every this many characters */
#define JWT_PART_MIN 8   /* a JWT's part masked alone from this length */

/* One secret, or a part of one, read as the text is read. */
struct needle {
    const uint32_t *cp; /* its characters (folded and without invisibles when fuzzy) */
    size_t n;
    const uint32_t *whole; /* the secret's, cp == whole + at; a piece found grows over it */
    size_t whole_n, at;
    bool owns;        /* cp is this needle's (the secret's own) */
    bool fuzzy;       /* case and invisible characters ignored */
    bool cut;         /* its beginning, cut off at the end of a text or a "...", counts */
    bool first[256];  /* the bytes a match can begin with */
    char *mask;       /* "[secret KIND]" */
};

/* A needle that may begin at a byte, with what settles most texts without
 * a walk: its first two characters (folded when fuzzy), when it has two. */
struct cand {
    size_t needle;
    uint32_t c0, c1;
    bool fuzzy, two;
};

struct scrubber {
    struct needle *v; /* the longest first */
    size_t n, cap;
    struct cand *cand;     /* needles by the byte a match can begin with: */
    size_t cand_at[257];   /* byte b's are cand[cand_at[b] .. cand_at[b + 1]) */
    bool hot[256];         /* a byte where something may be found: a candidate's, or '.' */
};

/* ---- characters ---------------------------------------------------------- */

/* Shows as nothing, or as a space: never counts inside a match of a fuzzy
 * needle (nor in the needle). */
static bool invisible(uint32_t c)
{
    return c <= 0x20 || (c >= 0x7f && c <= 0xa0) || c == 0xad || c == 0x34f || c == 0x61c ||
           c == 0x180e || (c >= 0x200b && c <= 0x200f) || (c >= 0x2028 && c <= 0x202f) ||
           (c >= 0x205f && c <= 0x206f) || c == 0x3000 || (c >= 0xfe00 && c <= 0xfe0f) ||
           c == 0xfeff;
}

static uint32_t fold(uint32_t c)
{
    if (c < 0x80)
        return c >= 'A' && c <= 'Z' ? c + 32 : c;
    if (c >= LONE_BYTE && c <= LONE_BYTE + 0xff)
        return c;
    return (uint32_t)g_unichar_tolower((gunichar)c);
}

/* n hex digits at t[i..] (within len) as a number, or -1. */
static long hex_at(const unsigned char *t, size_t len, size_t i, int n)
{
    if (i + (size_t)n > len)
        return -1;
    long v = 0;
    for (int k = 0; k < n; k++) {
        int d = g_ascii_xdigit_value((gchar)t[i + k]);
        if (d < 0)
            return -1;
        v = v * 16 + d;
    }
    return v;
}

/* The UTF-8 character at s[0..len): its code point and length, or 0 when
 * the bytes there are not one (then the first byte stands alone). */
static size_t utf8_at(const unsigned char *s, size_t len, uint32_t *cp)
{
    if (s[0] < 0x80) {
        *cp = s[0];
        return 1;
    }
    size_t n = s[0] >= 0xf0 && s[0] <= 0xf4 ? 4 : s[0] >= 0xe0 ? 3 : s[0] >= 0xc2 ? 2 : 0;
    if (n == 0 || n > len || s[0] >= 0xf8)
        return 0;
    const gchar *end = NULL;
    if (!g_utf8_validate((const gchar *)s, (gssize)n, &end) || end != (const gchar *)s + n)
        return 0;
    *cp = (uint32_t)g_utf8_get_char((const gchar *)s);
    return n;
}

/* A byte written as an escape at t[i]: %XX or \xXX. */
static bool escaped_byte(const unsigned char *t, size_t len, size_t i, unsigned char *b,
                         size_t *next)
{
    long v = -1;
    if (t[i] == '%')
        v = hex_at(t, len, i + 1, 2), *next = i + 3;
    else if (t[i] == '\\' && i + 1 < len && t[i + 1] == 'x')
        v = hex_at(t, len, i + 2, 2), *next = i + 4;
    if (v < 0)
        return false;
    *b = (unsigned char)v;
    return true;
}

/* Escaped bytes from t[i] on that make one character: a UTF-8 sequence
 * spelt byte by byte (%C3%A4, \xc3\xa4), or one byte standing alone. */
static bool escaped_char(const unsigned char *t, size_t len, size_t i, uint32_t *cp,
                         size_t *next)
{
    unsigned char bytes[4];
    size_t ends[4], n = 0, at = i;
    while (n < 4 && at < len && escaped_byte(t, len, at, &bytes[n], &ends[n])) {
        at = ends[n++];
        if (bytes[0] < 0x80 || (n > 1 && (bytes[n - 1] & 0xc0) != 0x80))
            break;
    }
    if (n == 0)
        return false;
    for (size_t k = n; k > 1; k--) {
        uint32_t c;
        if (utf8_at(bytes, k, &c) == k) {
            *cp = c;
            *next = ends[k - 1];
            return true;
        }
    }
    *cp = bytes[0] < 0x80 ? bytes[0] : LONE_BYTE + bytes[0];
    *next = ends[0];
    return true;
}

/* A JSON escape at t[i] ('\\'): \n \/ \" \uXXXX (a surrogate pair as one). */
static bool json_escape(const unsigned char *t, size_t len, size_t i, uint32_t *cp,
                        size_t *next)
{
    if (i + 1 >= len)
        return false;
    static const char from[] = "nrtbf/\"\\", to[] = "\n\r\t\b\f/\"\\";
    const char *k = t[i + 1] ? strchr(from, t[i + 1]) : NULL;
    if (k) {
        *cp = (unsigned char)to[k - from];
        *next = i + 2;
        return true;
    }
    long u = t[i + 1] == 'u' ? hex_at(t, len, i + 2, 4) : -1;
    if (u < 0)
        return false;
    *cp = (uint32_t)u;
    *next = i + 6;
    long lo = u >= 0xd800 && u <= 0xdbff && i + 7 < len && t[i + 6] == '\\' && t[i + 7] == 'u'
                  ? hex_at(t, len, i + 8, 4) : -1;
    if (lo >= 0xdc00 && lo <= 0xdfff) {
        *cp = 0x10000 + (((uint32_t)u - 0xd800) << 10) + ((uint32_t)lo - 0xdc00);
        *next = i + 12;
    }
    return true;
}

/* name and a ';' (unless it may be left out) at t[j..]: where they end,
 * or 0. */
static size_t entity_name_at(const unsigned char *t, size_t len, size_t j, const char *name,
                             bool semi_optional)
{
    size_t n = strlen(name);
    if (j + n > len || memcmp(t + j, name, n) != 0)
        return 0;
    if (j + n < len && t[j + n] == ';')
        return j + n + 1;
    return semi_optional ? j + n : 0;
}

/* An HTML character reference at t[i] ('&'): &#115; &#x73; (the ';' may
 * be left out) or one of the names a server may use for ASCII punctuation,
 * spaces and invisible characters, or for a Latin-1 letter (&auml;, which
 * a browser reads without its ';' too): what an HTML page or a form's
 * error escapes in a password. */
static bool html_entity(const unsigned char *t, size_t len, size_t i, uint32_t *cp,
                        size_t *next)
{
    static const struct {
        const char *name;
        uint32_t cp;
    } names[] = {
        {"amp", '&'}, {"lt", '<'}, {"gt", '>'}, {"quot", '"'}, {"apos", '\''},
        {"lowbar", '_'}, {"UnderBar", '_'}, {"period", '.'}, {"sol", '/'}, {"bsol", '\\'},
        {"colon", ':'}, {"semi", ';'}, {"equals", '='}, {"plus", '+'}, {"excl", '!'},
        {"num", '#'}, {"dollar", '$'}, {"percnt", '%'}, {"ast", '*'}, {"commat", '@'},
        {"lsqb", '['}, {"rsqb", ']'}, {"lcub", '{'}, {"rcub", '}'}, {"verbar", '|'},
        {"Hat", '^'}, {"grave", '`'}, {"lpar", '('}, {"rpar", ')'}, {"comma", ','},
        {"quest", '?'}, {"ZeroWidthSpace", 0x200b}, {"zwnj", 0x200c}, {"zwj", 0x200d},
        {"NewLine", '\n'}, {"Tab", '\t'},
    };
    /* U+00A0 .. U+00FF, in order (HTML 4's ISO 8859-1 names) */
    static const char *const latin1[] = {
        "nbsp", "iexcl", "cent", "pound", "curren", "yen", "brvbar", "sect", "uml", "copy",
        "ordf", "laquo", "not", "shy", "reg", "macr", "deg", "plusmn", "sup2", "sup3",
        "acute", "micro", "para", "middot", "cedil", "sup1", "ordm", "raquo", "frac14",
        "frac12", "frac34", "iquest", "Agrave", "Aacute", "Acirc", "Atilde", "Auml", "Aring",
        "AElig", "Ccedil", "Egrave", "Eacute", "Ecirc", "Euml", "Igrave", "Iacute", "Icirc",
        "Iuml", "ETH", "Ntilde", "Ograve", "Oacute", "Ocirc", "Otilde", "Ouml", "times",
        "Oslash", "Ugrave", "Uacute", "Ucirc", "Uuml", "Yacute", "THORN", "szlig", "agrave",
        "aacute", "acirc", "atilde", "auml", "aring", "aelig", "ccedil", "egrave", "eacute",
        "ecirc", "euml", "igrave", "iacute", "icirc", "iuml", "eth", "ntilde", "ograve",
        "oacute", "ocirc", "otilde", "ouml", "divide", "oslash", "ugrave", "uacute", "ucirc",
        "uuml", "yacute", "thorn", "yuml",
    };
    _Static_assert(ARRAY_LEN(latin1) == 0x100 - 0xa0, "one name per character");
    size_t j = i + 1;
    if (j < len && t[j] == '#') {
        bool hex = j + 1 < len && (t[j + 1] == 'x' || t[j + 1] == 'X');
        j += hex ? 2 : 1;
        uint32_t v = 0;
        size_t digits = 0;
        for (; j < len && digits < 8; j++, digits++) {
            int d = hex ? g_ascii_xdigit_value((gchar)t[j]) : g_ascii_digit_value((gchar)t[j]);
            if (d < 0)
                break;
            v = v * (hex ? 16 : 10) + (uint32_t)d;
        }
        if (digits == 0 || v > 0x10ffff)
            return false;
        *cp = v;
        *next = j < len && t[j] == ';' ? j + 1 : j;
        return true;
    }
    for (size_t k = 0; k < ARRAY_LEN(names); k++)
        if ((*next = entity_name_at(t, len, j, names[k].name, false)) != 0) {
            *cp = names[k].cp;
            return true;
        }
    for (size_t k = 0; k < ARRAY_LEN(latin1); k++)
        if ((*next = entity_name_at(t, len, j, latin1[k], true)) != 0) {
            *cp = 0xa0 + (uint32_t)k;
            return true;
        }
    return false;
}

/* The ways to read one character at t[i] (i < len): decoded from the
 * escape that starts there, if one does, and as it is. */
struct reading {
    uint32_t cp;
    size_t next;
};

static int readings_at(const unsigned char *t, size_t len, size_t i, struct reading out[2])
{
    int n = 0;
    bool esc = false;
    switch (t[i]) {
    case '%': esc = escaped_char(t, len, i, &out[0].cp, &out[0].next); break;
    case '\\':
        if (i + 1 < len && t[i + 1] == 'x')
            esc = escaped_char(t, len, i, &out[0].cp, &out[0].next);
        if (!esc)
            esc = json_escape(t, len, i, &out[0].cp, &out[0].next);
        break;
    case '&': esc = html_entity(t, len, i, &out[0].cp, &out[0].next); break;
    case '+': out[0].cp = ' ', out[0].next = i + 1, esc = true; break; /* a form's space */
    default: break;
    }
    n += esc;
    size_t k = utf8_at(t + i, len - i, &out[n].cp);
    if (k == 0)
        out[n].cp = LONE_BYTE + t[i];
    out[n].next = i + (k ? k : 1);
    return n + 1;
}

/* ---- matching -------------------------------------------------------------- */

static bool dots_at(const unsigned char *t, size_t len, size_t i)
{
    return i + 3 <= len && memcmp(t + i, "...", 3) == 0;
}

/* Where a match of nd that has its first k characters at t[..i) ends: the
 * end of the text's span, or 0 when it does not go on. budget bounds the
 * work a text that keeps offering two readings can cause. */
static size_t walk(const struct needle *nd, const unsigned char *t, size_t len, size_t i,
                   size_t k, long *budget, int depth)
{
    for (;;) {
        if (k == nd->n)
            return i;
        if (--*budget < 0)
            return 0;
        struct reading r[2];
        int nr = i < len ? readings_at(t, len, i, r) : 0;
        size_t ni[2], nk[2];
        int moves = 0;
        for (int x = 0; x < nr; x++) {
            uint32_t c = nd->fuzzy ? fold(r[x].cp) : r[x].cp;
            if (c == nd->cp[k]) {
                ni[moves] = r[x].next;
                nk[moves++] = k + 1;
            } else if (nd->fuzzy && k > 0 && invisible(r[x].cp)) {
                ni[moves] = r[x].next;
                nk[moves++] = k;
            }
        }
        if (moves == 2 && depth < MAX_DEPTH) { /* the decoded reading first, then as it is */
            size_t end = walk(nd, t, len, ni[0], nk[0], budget, depth + 1);
            if (end)
                return end;
        }
        if (moves > 0) {
            i = ni[moves - 1];
            k = nk[moves - 1];
            continue;
        }
        /* a preview cut short ("...", or the end of a message) inside it */
        if (nd->cut && k >= TRAILING_MIN && (i >= len || dots_at(t, len, i)))
            return i;
        return 0;
    }
}

/* A piece found at t[i..): how far before i the secret it is part of goes
 * on, read as the text is written (an escape there is left: the piece
 * found is a secret's 2 * PIECE_STEP characters at most from where the
 * fragment begins). */
static size_t grow_back(const struct needle *nd, const unsigned char *t, size_t i)
{
    size_t k = nd->at, done = i, j = i;
    while (k > 0 && j > 0) {
        size_t s = j - 1;
        while (s > 0 && j - s < 4 && (t[s] & 0xc0) == 0x80)
            s--;
        uint32_t c;
        if (utf8_at(t + s, j - s, &c) != j - s) {
            s = j - 1;
            c = LONE_BYTE + t[s];
        }
        if (fold(c) == nd->whole[k - 1])
            k--, done = s;
        else if (!invisible(c))
            break;
        j = s;
    }
    return done;
}

/* A piece found ending at t[i]: how far after it the secret goes on. */
static size_t grow_forward(const struct needle *nd, const unsigned char *t, size_t len,
                           size_t i, long budget)
{
    size_t k = nd->at + nd->n, done = i;
    while (k < nd->whole_n && i < len && budget-- > 0) {
        struct reading r[2];
        int nr = readings_at(t, len, i, r), x = 0;
        while (x < nr && fold(r[x].cp) != nd->whole[k])
            x++;
        if (x < nr) {
            i = done = r[x].next;
            k++;
            continue;
        }
        for (x = 0; x < nr && !invisible(r[x].cp); x++)
            ;
        if (x == nr)
            break;
        i = r[x].next;
    }
    return done;
}

/* Right after a "...": the end of a secret whose beginning was cut off
 * (TRAILING_MIN characters of it at least). */
static size_t cut_tail_at(const struct needle *nd, const unsigned char *t, size_t len,
                          size_t i)
{
    struct needle tail = *nd;
    tail.cut = false;
    for (size_t o = 1; o + TRAILING_MIN <= nd->n; o++) {
        tail.cp = nd->cp + o;
        tail.n = nd->n - o;
        long budget = (long)tail.n * 16 + 64;
        size_t end = walk(&tail, t, len, i, 0, &budget, 0);
        if (end)
            return end;
    }
    return 0;
}

struct span {
    size_t from, to;
    const char *mask;
};

static int span_cmp(const void *a, const void *b)
{
    const struct span *x = a, *y = b;
    return x->from < y->from ? -1 : x->from > y->from;
}

/* A printable ASCII character that starts no escape: read only as itself. */
static bool plain(unsigned char c)
{
    return c > 0x20 && c < 0x7f && c != '%' && c != '\\' && c != '&' && c != '+';
}

/* Where some needle is found at t[i]: its span (with the rest of the
 * secret a piece is part of), false when none is. */
static bool found_at(const struct scrubber *sc, const unsigned char *t, size_t len, size_t i,
                     struct span *sp)
{
    /* two characters written plainly settle most candidates without a walk */
    bool plain2 = i + 1 < len && plain(t[i]) && plain(t[i + 1]);
    uint32_t a = t[i], b = plain2 ? t[i + 1] : 0, fa = plain2 ? fold(a) : 0, fb = fold(b);
    for (size_t c = sc->cand_at[t[i]]; c < sc->cand_at[t[i] + 1]; c++) {
        const struct cand *cd = &sc->cand[c];
        if (plain2 && cd->two &&
            (cd->fuzzy ? fa != cd->c0 || fb != cd->c1 : a != cd->c0 || b != cd->c1))
            continue;
        const struct needle *nd = &sc->v[cd->needle];
        long budget = (long)nd->n * 16 + 64;
        size_t end = walk(nd, t, len, i, 0, &budget, 0);
        if (!end)
            continue;
        sp->from = nd->at > 0 ? grow_back(nd, t, i) : i;
        sp->to = grow_forward(nd, t, len, end, (long)nd->whole_n * 16 + 64);
        sp->mask = nd->mask;
        return true;
    }
    return false;
}

/* Right after a "..." at t[i]: the end of a secret cut off there. */
static bool tail_found_at(const struct scrubber *sc, const unsigned char *t, size_t len,
                          size_t i, struct span *sp)
{
    for (size_t k = 0; k < sc->n; k++) {
        const struct needle *nd = &sc->v[k];
        size_t end = nd->at == 0 && nd->cut ? cut_tail_at(nd, t, len, i) : 0;
        if (end) {
            *sp = (struct span){i, end, nd->mask};
            return true;
        }
    }
    return false;
}

/* text with every needle masked: a new string, or NULL when none is there.
 * Every position is tried (spans found overlapping are masked as one), so
 * two secrets that overlap in a text are both masked. */
static char *scrubbed_copy(const struct scrubber *sc, const char *text)
{
    if (!text || sc->n == 0)
        return NULL;
    const unsigned char *t = (const unsigned char *)text;
    size_t len = strlen(text), n = 0, cap = 0;
    struct span *spans = NULL;
    for (size_t i = 0; i < len; i++) {
        if (!sc->hot[t[i]])
            continue;
        struct span sp[2];
        int found = found_at(sc, t, len, i, &sp[0]);
        if (t[i] == '.' && dots_at(t, len, i))
            found += tail_found_at(sc, t, len, i + 3, &sp[found]);
        for (int f = 0; f < found; f++) {
            if (n == cap)
                spans = xrealloc(spans, (cap = cap ? cap * 2 : 4) * sizeof *spans);
            spans[n++] = sp[f];
        }
    }
    if (n == 0)
        return NULL;
    qsort(spans, n, sizeof *spans, span_cmp);
    GString *out = g_string_sized_new(len + 32);
    size_t from = 0;
    for (size_t k = 0; k < n;) {
        size_t to = spans[k].to;
        const char *mask = spans[k].mask;
        g_string_append_len(out, text + from, (gssize)(spans[k].from - from));
        for (k++; k < n && spans[k].from < to; k++)
            if (spans[k].to > to)
                to = spans[k].to;
        g_string_append(out, mask);
        from = to;
    }
    g_string_append(out, text + from);
    free(spans);
    char *r = xstrdup(out->str);
    wipe(out->str, out->len);
    g_string_free(out, TRUE);
    return r;
}

/* ---- needles ------------------------------------------------------------- */

static void mark_first(struct needle *nd, uint32_t c)
{
    char buf[8];
    if (c >= LONE_BYTE && c <= LONE_BYTE + 0xff) {
        nd->first[c - LONE_BYTE] = true;
        return;
    }
    gunichar forms[3] = {c, g_unichar_toupper(c), g_unichar_totitle(c)};
    for (size_t i = 0; i < 3; i++) {
        utf8_put(forms[i], buf);
        nd->first[(unsigned char)buf[0]] = true;
    }
}

/* secret's characters as a needle reads them (*fuzzy: folded, without
 * invisibles): a new array of *n. */
static uint32_t *secret_chars(const char *secret, size_t *n, bool *fuzzy)
{
    const unsigned char *s = (const unsigned char *)secret;
    size_t len = strlen(secret), visible = 0;
    uint32_t *cp = xcalloc(len + 1, sizeof *cp);
    *n = 0;
    for (size_t i = 0; i < len;) {
        uint32_t c;
        size_t k = utf8_at(s + i, len - i, &c);
        if (k == 0)
            c = LONE_BYTE + s[i];
        i += k ? k : 1;
        cp[(*n)++] = c;
        visible += !invisible(c);
    }
    /* a short secret is masked only as it is spelt: read loosely, "demo"
     * would mask "Demo" in a name */
    *fuzzy = visible >= SCRUB_FUZZY_MIN;
    if (*fuzzy) {
        size_t o = 0;
        for (size_t i = 0; i < *n; i++)
            if (!invisible(cp[i]))
                cp[o++] = fold(cp[i]);
        *n = o;
    }
    return cp;
}

/* A needle for whole[at..at+n) (whole: owned by the scrubber once it is
 * the needle's own, at 0 and whole_n long). */
static void needle_add(struct scrubber *sc, const uint32_t *whole, size_t whole_n, size_t at,
                       size_t n, bool fuzzy, const char *kind)
{
    if (sc->n == sc->cap)
        sc->v = xrealloc(sc->v, (sc->cap = sc->cap ? sc->cap * 2 : 16) * sizeof *sc->v);
    struct needle *nd = &sc->v[sc->n++];
    memset(nd, 0, sizeof *nd);
    nd->whole = whole;
    nd->whole_n = whole_n;
    nd->at = at;
    nd->cp = whole + at;
    nd->n = n;
    nd->fuzzy = fuzzy;
    nd->owns = at == 0 && n == whole_n;
    nd->cut = at == 0 && n > TRAILING_MIN;
    nd->mask = xasprintf("[secret %s]", kind ? kind : "");
    nd->first['%'] = nd->first['\\'] = nd->first['&'] = nd->first['+'] = true;
    mark_first(nd, nd->cp[0]);
}

static void needle_whole(struct scrubber *sc, const char *text, const char *kind)
{
    size_t n;
    bool fuzzy;
    uint32_t *cp = secret_chars(text, &n, &fuzzy);
    if (n == 0) {
        free(cp);
        return;
    }
    needle_add(sc, cp, n, 0, n, fuzzy, kind);
}

/* A JWT's parts (header.payload.signature, base64url): the text the
 * signature alone, say, is echoed in. */
static bool jwt_shaped(const uint32_t *cp, size_t n, size_t dot[2])
{
    size_t dots = 0;
    for (size_t i = 0; i < n; i++) {
        if (cp[i] == '.') {
            if (dots == 2)
                return false;
            dot[dots++] = i;
        } else if (!(cp[i] < 0x80 && (g_ascii_isalnum((char)cp[i]) || cp[i] == '-' ||
                                      cp[i] == '_'))) {
            return false;
        }
    }
    return dots == 2;
}

/* Every needle that stands for one secret: the secret; the PIECE-long
 * pieces of it every PIECE_STEP characters (and the last), which any
 * fragment of PIECE + PIECE_STEP - 1 characters holds one of; each part of
 * a JWT; the secret in base64 and base64url at each of the three
 * alignments it may have in a longer encoded text. */
static void needles_for(struct scrubber *sc, const char *secret, const char *kind)
{
    size_t first = sc->n;
    needle_whole(sc, secret, kind);
    if (sc->n == first || !sc->v[first].fuzzy)
        return;
    const uint32_t *cp = sc->v[first].cp;
    size_t n = sc->v[first].n, dot[2];
    for (size_t at = 0; n > PIECE && at + PIECE <= n; at += PIECE_STEP)
        needle_add(sc, cp, n, at, PIECE, true, kind);
    if (n > PIECE && (n - PIECE) % PIECE_STEP != 0)
        needle_add(sc, cp, n, n - PIECE, PIECE, true, kind);
    if (jwt_shaped(cp, n, dot)) {
        size_t from[3] = {0, dot[0] + 1, dot[1] + 1}, to[3] = {dot[0], dot[1], n};
        for (size_t p = 0; p < 3; p++)
            if (to[p] - from[p] >= JWT_PART_MIN)
                needle_add(sc, cp, n, from[p], to[p] - from[p], true, kind);
    }
    size_t slen = strlen(secret);
    for (size_t align = 0; align < 3; align++) {
        unsigned char *buf = xcalloc(slen + 3, 1);
        memcpy(buf + align, secret, slen);
        gchar *b64 = g_base64_encode(buf, slen + align);
        wipe(buf, slen + 3);
        free(buf);
        /* the characters that hang on bytes before or after the secret go */
        size_t blen = strlen(b64);
        while (blen > 0 && b64[blen - 1] == '=')
            blen--;
        if ((slen + align) % 3 != 0)
            blen--;
        size_t skip = align == 0 ? 0 : align + 1;
        b64[blen] = '\0';
        needle_whole(sc, b64 + skip, kind);
        if (strpbrk(b64 + skip, "+/")) {
            g_strdelimit(b64 + skip, "+", '-');
            g_strdelimit(b64 + skip, "/", '_');
            needle_whole(sc, b64 + skip, kind);
        }
        wipe(b64, strlen(b64));
        g_free(b64);
    }
}

static void scrubber_init(struct scrubber *sc, const struct secret_bag *bag, const char *extra)
{
    memset(sc, 0, sizeof *sc);
    for (size_t i = 0; bag && i < bag->n; i++)
        if (bag->item[i].value && strlen(bag->item[i].value) >= SCRUB_MIN_LEN)
            needles_for(sc, bag->item[i].value, bag->item[i].kind);
    if (extra && strlen(extra) >= SCRUB_MIN_LEN)
        needles_for(sc, extra, "token");
    /* the longest first (in the order given among equals): a secret that
     * holds another is masked whole */
    for (size_t i = 1; i < sc->n; i++)
        for (size_t k = i; k > 0 && sc->v[k].n > sc->v[k - 1].n; k--) {
            struct needle t = sc->v[k];
            sc->v[k] = sc->v[k - 1];
            sc->v[k - 1] = t;
        }
    /* by the byte a match can begin with, in that order */
    size_t count[256] = {0};
    for (size_t i = 0; i < sc->n; i++)
        for (int b = 0; b < 256; b++)
            count[b] += sc->v[i].first[b];
    sc->cand_at[0] = 0;
    for (int b = 0; b < 256; b++)
        sc->cand_at[b + 1] = sc->cand_at[b] + count[b];
    sc->cand = xcalloc(sc->cand_at[256] + 1, sizeof *sc->cand);
    size_t fill[256];
    memcpy(fill, sc->cand_at, sizeof fill);
    for (size_t i = 0; i < sc->n; i++)
        for (int b = 0; b < 256; b++)
            if (sc->v[i].first[b])
                sc->cand[fill[b]++] = (struct cand){i, sc->v[i].cp[0],
                                                    sc->v[i].n > 1 ? sc->v[i].cp[1] : 0,
                                                    sc->v[i].fuzzy, sc->v[i].n > 1};
    for (int b = 0; b < 256; b++)
        sc->hot[b] = count[b] > 0 || b == '.';
}

static void scrubber_free(struct scrubber *sc)
{
    for (size_t i = 0; i < sc->n; i++) {
        if (sc->v[i].owns) {
            wipe((void *)sc->v[i].cp, sc->v[i].n * sizeof *sc->v[i].cp);
            free((void *)sc->v[i].cp);
        }
        free(sc->v[i].mask);
    }
    free(sc->v);
    free(sc->cand);
    sc->v = NULL;
    sc->n = sc->cap = 0;
}

/* ---- what leaves the worker -------------------------------------------------- */

static void scrub_owned(const struct scrubber *sc, char **field)
{
    char *c = *field ? scrubbed_copy(sc, *field) : NULL;
    if (c) {
        wipe_free(*field);
        *field = c;
    }
}

static void scrub_pooled(const struct scrubber *sc, const char **field)
{
    char *c = *field ? scrubbed_copy(sc, *field) : NULL;
    if (c) {
        strpool_set(field, c);
        wipe_free(c);
    }
}

static void scrub_slab(const struct scrubber *sc, const char **field)
{
    char *c = *field ? scrubbed_copy(sc, *field) : NULL;
    if (c) {
        strslab_set(field, c);
        wipe_free(c);
    }
}

void secrets_scrub(char **text, const struct secret_bag *bag, const char *extra)
{
    if (!text || !*text)
        return;
    struct scrubber sc;
    scrubber_init(&sc, bag, extra);
    scrub_owned(&sc, text);
    scrubber_free(&sc);
}

void secrets_scrub_event(struct event *ev, const struct secret_bag *bag, const char *extra)
{
    if ((!bag || bag->n == 0) && !extra)
        return;
    struct scrubber sc;
    scrubber_init(&sc, bag, extra);
    if (sc.n == 0) {
        scrubber_free(&sc);
        return;
    }
    /* a token that holds a secret the request carried (the key, say) is
     * no token: the answer is refused, the token never shown */
    char *held = ev->result.token ? scrubbed_copy(&sc, ev->result.token) : NULL;
    if (held) {
        wipe_free(held);
        wipe_free(ev->result.token);
        ev->result.token = NULL;
        if (!ev->err) {
            ev->err = ERR_PROVIDER;
            free(ev->error);
            ev->error = xstrdup("unexpected answer: the token holds a secret of the account, "
                                "so it is not shown");
        }
    }
    scrub_owned(&sc, &ev->error);
    scrub_owned(&sc, &ev->result.error);
    for (size_t i = 0; i < ev->result.sessions.n; i++) {
        struct session *s = &ev->result.sessions.v[i];
        scrub_slab(&sc, &s->id);
        scrub_pooled(&sc, &s->user_id);
        scrub_pooled(&sc, &s->user_display);
        scrub_slab(&sc, &s->client_id);
        scrub_pooled(&sc, &s->device);
        scrub_pooled(&sc, &s->browser);
        scrub_slab(&sc, &s->ip);
        scrub_pooled(&sc, &s->place);
        scrub_owned(&sc, &s->raw_json);
    }
    for (size_t i = 0; i < ev->result.n_users; i++) {
        scrub_owned(&sc, &ev->result.users[i].id);
        scrub_owned(&sc, &ev->result.users[i].display);
    }
    scrubber_free(&sc);
}
