/* Screen-share mode's masks (redact.h). */
#include "redact.h"

#include <glib.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

static bool is_alnum(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c >= 0x80;
}

static bool is_digit(unsigned char c)
{
    return c >= '0' && c <= '9';
}

static bool is_hex(unsigned char c)
{
    return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* The bytes of the UTF-8 character at p (1 for a stray byte). */
static size_t char_len(const char *p)
{
    unsigned char c = (unsigned char)*p;
    size_t n = c < 0x80 ? 1 : c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
    for (size_t i = 1; i < n; i++)
        if (((unsigned char)p[i] & 0xc0) != 0x80)
            return 1;
    return n;
}

/* Masks are written into a GString b. */
static void put(GString *b, const char *s, size_t n)
{
    g_string_append_len(b, s, (gssize)n);
}

/* b's text as the caller's to free(), and b gone. */
static char *take(GString *b)
{
    char *out = xstrdup(b->str);
    g_string_free(b, TRUE);
    return out;
}

/* Every word of s[0..n): its first character kept, each other one '*'. */
static void mask_text(GString *b, const char *s, size_t n)
{
    bool in_word = false;
    for (size_t i = 0; i < n;) {
        size_t len = char_len(s + i);
        if (i + len > n)
            len = n - i;
        bool alnum = is_alnum((unsigned char)s[i]);
        if (alnum && in_word)
            put(b, "*", 1);
        else
            put(b, s + i, len);
        in_word = alnum;
        i += len;
    }
}

static void mask_id(GString *b, const char *s, size_t n)
{
    size_t keep = 0;
    while (keep < n && s[keep] != '_' && s[keep] != '-')
        keep++;
    if (keep == n)
        keep = 0; /* no kind to keep: all of it goes */
    else
        keep++;
    put(b, s, keep);
    for (size_t i = keep; i < n;) {
        size_t len = char_len(s + i);
        put(b, "*", 1);
        i += len;
    }
}

static void mask_address(GString *b, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        put(b, is_alnum((unsigned char)s[i]) ? "*" : s + i, 1);
}

static void mask(GString *b, enum redact_kind kind, const char *s, size_t n)
{
    switch (kind) {
    case REDACT_ID: mask_id(b, s, n); break;
    case REDACT_ADDRESS: mask_address(b, s, n); break;
    case REDACT_TEXT: mask_text(b, s, n); break;
    }
}

char *redact_value(enum redact_kind kind, const char *s)
{
    if (!s)
        return NULL;
    GString *b = g_string_new(NULL);
    mask(b, kind, s, strlen(s));
    return take(b);
}

/* ---- free text ---- */

static bool token_char(unsigned char c)
{
    return is_alnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '@' ||
           c == ':' || c == '-';
}

static bool looks_email(const char *s, size_t n)
{
    const char *at = memchr(s, '@', n);
    return at && at > s && at + 1 < s + n && memchr(at + 1, '.', (size_t)(s + n - at - 1));
}

static bool looks_ipv4(const char *s, size_t n)
{
    int groups = 1, digits = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '.') {
            if (!digits)
                return false;
            groups++;
            digits = 0;
        } else if (is_digit((unsigned char)s[i]) && ++digits <= 3) {
            continue;
        } else {
            return false;
        }
    }
    return groups == 4 && digits;
}

static bool looks_ipv6(const char *s, size_t n)
{
    int colons = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == ':')
            colons++;
        else if (!is_hex((unsigned char)s[i]))
            return false;
    }
    return colons >= 2;
}

/* kind_ then at least six letters or digits, one a digit: sess_2abc...,
 * user_..., client_..., plantly-0a1b2c3d4e5f. */
static bool looks_id(const char *s, size_t n)
{
    size_t i = 0;
    while (i < n && ((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z')))
        i++;
    if (i == 0 || i == n || (s[i] != '_' && s[i] != '-'))
        return false;
    size_t alnum = 0;
    bool digit = false;
    for (i++; i < n; i++) {
        if (!is_alnum((unsigned char)s[i]) && s[i] != '_' && s[i] != '-')
            return false;
        alnum += is_alnum((unsigned char)s[i]);
        digit |= is_digit((unsigned char)s[i]);
    }
    return alnum >= 6 && digit;
}

char *redact_line(const char *s)
{
    GString *b = g_string_new(NULL);
    if (!s)
        return take(b);
    size_t i = 0, n = strlen(s);
    while (i < n) {
        if (!token_char((unsigned char)s[i])) {
            put(b, s + i, 1);
            i++;
            continue;
        }
        size_t end = i;
        while (end < n && token_char((unsigned char)s[end]))
            end++;
        size_t len = end - i; /* a sentence's end is not the token's */
        while (len > 0 && (s[i + len - 1] == '.' || s[i + len - 1] == ':'))
            len--;
        const char *t = s + i;
        if (looks_email(t, len))
            mask(b, REDACT_TEXT, t, len);
        else if (looks_ipv4(t, len) || looks_ipv6(t, len))
            mask(b, REDACT_ADDRESS, t, len);
        else if (looks_id(t, len))
            mask(b, REDACT_ID, t, len);
        else
            put(b, t, len);
        put(b, t + len, end - i - len);
        i = end;
    }
    return take(b);
}

/* ---- a session to show ---- */

void redact_session(const struct session *s, struct session *out)
{
    *out = *s;
    out->id = redact_value(REDACT_ID, s->id);
    out->user_id = redact_value(REDACT_ID, s->user_id);
    out->user_display = redact_value(REDACT_TEXT, s->user_display);
    out->client_id = redact_value(REDACT_ID, s->client_id);
    out->ip = redact_value(REDACT_ADDRESS, s->ip);
    out->place = redact_value(REDACT_TEXT, s->place);
    out->raw_json = NULL; /* every value is in it: not shown */
}

void redacted_session_free(struct session *out)
{
    const char *mine[] = {out->id, out->user_id, out->user_display, out->client_id, out->ip,
                          out->place};
    for (size_t i = 0; i < ARRAY_LEN(mine); i++)
        free((char *)mine[i]);
    memset(out, 0, sizeof *out);
}
