#include "jscan.h"

#include <string.h>

#define MAX_DEPTH 64
#define MAX_NUMBER 40   /* cJSON reads at most 63 characters of a number */
#define MAX_INT_DIGITS 15

static bool fail(struct jscan *j)
{
    j->bad = true;
    return false;
}

static void skip_ws(struct jscan *j)
{
    while (j->p < j->end && (*j->p == ' ' || *j->p == '\n' || *j->p == '\r' || *j->p == '\t'))
        j->p++;
}

void jscan_init(struct jscan *j, const char *text, size_t len)
{
    j->p = text;
    j->end = text ? text + len : text;
    j->depth = 0;
    j->fresh = false;
    j->bad = text == NULL;
}

char jscan_peek(struct jscan *j)
{
    if (j->bad)
        return 0;
    skip_ws(j);
    if (j->p >= j->end)
        return (char)fail(j);
    char c = *j->p;
    if (c == '{' || c == '[' || c == '"' || c == 't' || c == 'f' || c == 'n')
        return c;
    if (c == '-' || (c >= '0' && c <= '9'))
        return '-';
    return (char)fail(j);
}

bool jscan_enter(struct jscan *j)
{
    char c = jscan_peek(j);
    if (c != '{' && c != '[')
        return fail(j);
    if (++j->depth > MAX_DEPTH)
        return fail(j);
    j->p++;
    j->fresh = true;
    return true;
}

/* Before the next item of a container: its ',' unless it is the first, or
 * the closing character (consumed: false). */
static bool next_in(struct jscan *j, char close)
{
    if (j->bad)
        return false;
    skip_ws(j);
    if (j->p >= j->end)
        return fail(j);
    if (*j->p == close) {
        j->p++;
        j->depth--;
        j->fresh = false;
        return false;
    }
    if (!j->fresh) {
        if (*j->p != ',')
            return fail(j);
        j->p++;
        skip_ws(j);
    }
    j->fresh = false;
    return true;
}

static int hex(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* The code unit of the 4 hex digits at p (which has them), or -1. */
static long hex4(const char *p)
{
    long v = 0;
    for (int i = 0; i < 4; i++) {
        int d = hex(p[i]);
        if (d < 0)
            return -1;
        v = v * 16 + d;
    }
    return v;
}

bool jscan_string(struct jscan *j, struct jstr *out)
{
    if (jscan_peek(j) != '"')
        return fail(j);
    const char *p = ++j->p;
    out->p = p;
    out->escaped = false;
    /* the bytes that end a run of plain content */
    static const bool stop[256] = {['"'] = true, ['\\'] = true, [0] = true};
    while (p < j->end) {
        while (p < j->end && !stop[(unsigned char)*p])
            p++;
        if (p == j->end)
            break;
        char c = *p;
        if (c == '"') {
            out->len = (size_t)(p - out->p);
            j->p = p + 1;
            return true;
        }
        if (c == '\0')
            return fail(j);
        out->escaped = true;
        if (j->end - p < 2)
            return fail(j);
        if (p[1] == 'u') {
            long v = j->end - p >= 6 ? hex4(p + 2) : -1;
            if (v <= 0 || (v >= 0xd800 && v <= 0xdfff))
                return fail(j);
            p += 6;
        } else if (p[1] && strchr("\"\\/bfnrt", p[1])) {
            p += 2;
        } else {
            return fail(j);
        }
    }
    return fail(j);
}

/* A number at p: its end, or NULL if it is not one. *is_int: no fraction
 * or exponent; *digits: those of its integer part. */
static const char *number_end(const char *p, const char *end, bool *is_int, size_t *digits)
{
    const char *d0;
    *is_int = true;
    if (p < end && *p == '-')
        p++;
    d0 = p;
    if (p < end && *p == '0') {
        p++;
    } else {
        if (p >= end || *p < '1' || *p > '9')
            return NULL;
        while (p < end && *p >= '0' && *p <= '9')
            p++;
    }
    *digits = (size_t)(p - d0);
    if (p < end && *p == '.') {
        *is_int = false;
        const char *f = ++p;
        while (p < end && *p >= '0' && *p <= '9')
            p++;
        if (p == f)
            return NULL;
    }
    if (p < end && (*p == 'e' || *p == 'E')) {
        *is_int = false;
        p++;
        if (p < end && (*p == '+' || *p == '-'))
            p++;
        const char *e = p;
        while (p < end && *p >= '0' && *p <= '9')
            p++;
        if (p == e)
            return NULL;
    }
    return p;
}

static bool number(struct jscan *j, int64_t *out)
{
    if (jscan_peek(j) != '-')
        return fail(j);
    bool is_int;
    size_t digits;
    const char *e = number_end(j->p, j->end, &is_int, &digits);
    if (!e || e - j->p > MAX_NUMBER)
        return fail(j);
    if (out) {
        if (!is_int || digits > MAX_INT_DIGITS)
            return fail(j);
        int64_t v = 0;
        for (const char *p = *j->p == '-' ? j->p + 1 : j->p; p < e; p++)
            v = v * 10 + (*p - '0');
        *out = *j->p == '-' ? -v : v;
    }
    j->p = e;
    return true;
}

bool jscan_int(struct jscan *j, int64_t *out)
{
    return number(j, out);
}

static bool literal(struct jscan *j, const char *word)
{
    size_t n = strlen(word);
    if ((size_t)(j->end - j->p) < n || memcmp(j->p, word, n) != 0)
        return fail(j);
    j->p += n;
    return true;
}

bool jscan_skip(struct jscan *j)
{
    struct jstr s;
    switch (jscan_peek(j)) {
    case '{':
        jscan_enter(j);
        while (jscan_member(j, &s))
            if (!jscan_skip(j))
                return false;
        return !j->bad;
    case '[':
        jscan_enter(j);
        while (jscan_item(j))
            if (!jscan_skip(j))
                return false;
        return !j->bad;
    case '"':
        return jscan_string(j, &s);
    case '-':
        return number(j, NULL);
    case 't':
        return literal(j, "true");
    case 'f':
        return literal(j, "false");
    case 'n':
        return literal(j, "null");
    default:
        return false;
    }
}

bool jscan_member(struct jscan *j, struct jstr *key)
{
    if (!next_in(j, '}'))
        return false;
    if (!jscan_string(j, key) || key->escaped)
        return fail(j);
    skip_ws(j);
    if (j->p >= j->end || *j->p != ':')
        return fail(j);
    j->p++;
    return true;
}

bool jscan_item(struct jscan *j)
{
    return next_in(j, ']');
}

bool jscan_end(struct jscan *j)
{
    if (j->bad || j->depth != 0)
        return false;
    skip_ws(j);
    return j->p == j->end;
}

/* Code unit v (1 .. 0xffff, no surrogate) as UTF-8 at o: its length. */
static size_t put_utf8(char *o, long v)
{
    if (v < 0x80) {
        o[0] = (char)v;
        return 1;
    }
    if (v < 0x800) {
        o[0] = (char)(0xc0 | (v >> 6));
        o[1] = (char)(0x80 | (v & 0x3f));
        return 2;
    }
    o[0] = (char)(0xe0 | (v >> 12));
    o[1] = (char)(0x80 | ((v >> 6) & 0x3f));
    o[2] = (char)(0x80 | (v & 0x3f));
    return 3;
}

void jstr_decode(const struct jstr *s, char *out)
{
    if (!s->escaped) {
        memcpy(out, s->p, s->len);
        out[s->len] = '\0';
        return;
    }
    const char *p = s->p, *end = s->p + s->len;
    char *o = out;
    while (p < end) {
        if (*p != '\\') {
            *o++ = *p++;
            continue;
        }
        switch (p[1]) {
        case 'b': *o++ = '\b'; break;
        case 'f': *o++ = '\f'; break;
        case 'n': *o++ = '\n'; break;
        case 'r': *o++ = '\r'; break;
        case 't': *o++ = '\t'; break;
        case 'u':
            o += put_utf8(o, hex4(p + 2));
            p += 4;
            break;
        default: *o++ = p[1]; break; /* " \ / */
        }
        p += 2;
    }
    *o = '\0';
}

bool jstr_is(const struct jstr *s, const char *lit)
{
    return strlen(lit) == s->len && memcmp(s->p, lit, s->len) == 0;
}
