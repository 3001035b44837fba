#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <glib.h>

static void oom(void)
{
    fputs("sesame: out of memory\n", stderr);
    abort();
}

void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        oom();
    return p;
}

void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p)
        oom();
    return p;
}

void *xrealloc(void *p, size_t n)
{
    p = realloc(p, n ? n : 1);
    if (!p)
        oom();
    return p;
}

char *xstrdup(const char *s)
{
    return s ? xstrndup(s, strlen(s)) : NULL;
}

char *xstrndup(const char *s, size_t n)
{
    if (!s)
        return NULL;
    size_t len = strnlen(s, n);
    char *d = xmalloc(len + 1);
    memcpy(d, s, len);
    d[len] = '\0';
    return d;
}

char *xvasprintf(const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0)
        n = 0;
    char *s = xmalloc((size_t)n + 1);
    vsnprintf(s, (size_t)n + 1, fmt, ap);
    return s;
}

char *xasprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = xvasprintf(fmt, ap);
    va_end(ap);
    return s;
}

void wipe(void *p, size_t n)
{
    if (p)
        explicit_bzero(p, n);
}

void wipe_free(char *s)
{
    if (!s)
        return;
    explicit_bzero(s, strlen(s));
    free(s);
}

int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Length of a valid UTF-8 sequence at s (n bytes available), 0 if invalid. */
static size_t utf8_valid_len(const unsigned char *s, size_t n)
{
    unsigned c = s[0];
    size_t len;
    unsigned min;
    if (c < 0x80)
        return 1;
    if (c >= 0xc2 && c <= 0xdf) { len = 2; min = 0x80; }
    else if (c >= 0xe0 && c <= 0xef) { len = 3; min = 0x800; }
    else if (c >= 0xf0 && c <= 0xf4) { len = 4; min = 0x10000; }
    else
        return 0;
    if (n < len)
        return 0;
    unsigned cp = c & (0x7f >> len);
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    /* C1 controls (U+0080..U+009F) act as escape introducers on some terminals */
    if (cp >= 0x80 && cp <= 0x9f)
        return 0;
    return len;
}

/* U+061C, U+200E/F, U+202A..U+202E, U+2066..U+2069: bidirectional
 * controls, invisible, that reorder the text around them on screen. */
static int is_bidi_control(const unsigned char *s, size_t len)
{
    if (len == 2)
        return s[0] == 0xd8 && s[1] == 0x9c;
    if (len != 3 || s[0] != 0xe2)
        return 0;
    return (s[1] == 0x80 && (s[2] == 0x8e || s[2] == 0x8f || (s[2] >= 0xaa && s[2] <= 0xae))) ||
           (s[1] == 0x81 && s[2] >= 0xa6 && s[2] <= 0xa9);
}

/* Skip an escape sequence starting at s[0] == ESC; returns bytes consumed. */
static size_t skip_escape(const unsigned char *s, size_t n)
{
    if (n < 2)
        return n;
    size_t i = 2;
    switch (s[1]) {
    case '[': /* CSI: parameters and intermediates, then a final byte 0x40-0x7e */
        while (i < n && !(s[i] >= 0x40 && s[i] <= 0x7e))
            i++;
        return i < n ? i + 1 : n;
    case ']': case 'P': case 'X': case '^': case '_': /* OSC, DCS, SOS, PM, APC: to ST or BEL */
        while (i < n) {
            if (s[i] == 0x07)
                return i + 1;
            if (s[i] == 0x1b && i + 1 < n && s[i + 1] == '\\')
                return i + 2;
            i++;
        }
        return n;
    default:
        return 2;
    }
}

/* Bytes at the start of s (n long) that sanitize_text keeps as they are:
 * printable ASCII and valid UTF-8 that is neither a C1 nor a bidi control. */
static size_t clean_prefix(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        if (s[i] >= 0x20 && s[i] < 0x7f) {
            i++;
            continue;
        }
        size_t len = s[i] >= 0x80 ? utf8_valid_len(s + i, n - i) : 0;
        if (len == 0 || is_bidi_control(s + i, len))
            break;
        i += len;
    }
    return i;
}

char *sanitize_text(const char *in)
{
    if (!in)
        return xstrdup("");
    const unsigned char *s = (const unsigned char *)in;
    size_t n = strlen(in);
    /* Most text is clean: one exact-size copy. (The buffer below is sized
     * for the worst case, 3 bytes per bad byte; kept at that size it made
     * every sanitised string three times its length: 100k listed sessions
     * held some 200 MB of slack.) */
    if (clean_prefix(s, n) == n) {
        char *copy = xmalloc(n + 1);
        memcpy(copy, in, n + 1);
        return copy;
    }
    char *out = xmalloc(n * 3 + 1); /* every bad byte may become U+FFFD (3 bytes) */
    size_t o = 0;
    for (size_t i = 0; i < n;) {
        if (s[i] == 0x1b) {
            i += skip_escape(s + i, n - i);
            continue;
        }
        if (s[i] < 0x20 || s[i] == 0x7f) {
            if (s[i] == '\t' || s[i] == '\n' || s[i] == '\r')
                out[o++] = ' ';
            i++;
            continue;
        }
        size_t len = utf8_valid_len(s + i, n - i);
        if (len == 0) {
            memcpy(out + o, "\xef\xbf\xbd", 3);
            o += 3;
            i++;
            continue;
        }
        if (is_bidi_control(s + i, len)) { /* would reorder what is drawn after it */
            i += len;
            continue;
        }
        memcpy(out + o, s + i, len);
        o += len;
        i += len;
    }
    out[o] = '\0';
    return xrealloc(out, o + 1); /* give the worst-case slack back */
}

bool text_is_clean(const char *s)
{
    if (!s)
        return true;
    size_t n = strlen(s);
    return clean_prefix((const unsigned char *)s, n) == n;
}

bool text_has_hidden(const char *s)
{
    for (const char *p = s; p && *p; p = g_utf8_next_char(p)) {
        if ((unsigned char)*p < 0x80) {
            if ((unsigned char)*p < 0x20 || *p == 0x7f)
                return true;
            continue;
        }
        gunichar c = g_utf8_get_char_validated(p, -1);
        if (c == (gunichar)-1 || c == (gunichar)-2)
            return true;
        GUnicodeType t = g_unichar_type(c);
        if (t == G_UNICODE_FORMAT || t == G_UNICODE_CONTROL || c == 0x34f || c == 0x115f ||
            c == 0x1160 || c == 0x17b4 || c == 0x17b5 || c == 0x180e || c == 0x2800 ||
            c == 0x3164 || c == 0xffa0 || (c >= 0xfe00 && c <= 0xfe0f) ||
            (c >= 0xe0100 && c <= 0xe01ef))
            return true;
    }
    return false;
}

void sanitize_in_place(char **s)
{
    if (!*s || text_is_clean(*s))
        return;
    char *clean = sanitize_text(*s);
    free(*s);
    *s = clean;
}

#define SHOWN_MAX_CHARS 60

char *text_shown(const char *s)
{
    char *clean = sanitize_text(s ? s : "");
    size_t chars = 0, i = 0;
    for (; clean[i]; i++)
        if (((unsigned char)clean[i] & 0xc0) != 0x80 && chars++ == SHOWN_MAX_CHARS)
            break; /* at the first byte of the character past the limit */
    if (!clean[i])
        return clean;
    char *cut = xasprintf("%.*s...", (int)i, clean);
    free(clean);
    return cut;
}

char *escape_preview(const char *s, size_t len, size_t max)
{
    size_t take = len < max ? len : max;
    char *out = xmalloc(take * 4 + 4);
    size_t o = 0;
    for (size_t i = 0; i < take; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '\n') { out[o++] = '\\'; out[o++] = 'n'; }
        else if (c == '\\') { out[o++] = '\\'; out[o++] = '\\'; }
        else if (c < 0x20 || c >= 0x7f)
            o += (size_t)sprintf(out + o, "\\x%02x", c);
        else
            out[o++] = (char)c;
    }
    if (len > max) {
        memcpy(out + o, "...", 3);
        o += 3;
    }
    out[o] = '\0';
    return out;
}

void format_duration(int64_t ms, char *buf, size_t bufsz)
{
    if (ms <= 0) {
        snprintf(buf, bufsz, "expired");
        return;
    }
    int64_t s = ms / 1000;
    if (s >= 86400)
        snprintf(buf, bufsz, "%lldd %02lldh", (long long)(s / 86400), (long long)(s % 86400 / 3600));
    else if (s >= 3600)
        snprintf(buf, bufsz, "%lldh %02lldm", (long long)(s / 3600), (long long)(s % 3600 / 60));
    else
        snprintf(buf, bufsz, "%lldm %02llds", (long long)(s / 60), (long long)(s % 60));
}

size_t utf8_put(uint32_t cp, char *out)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xc0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3f));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xe0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
        out[2] = (char)(0x80 | (cp & 0x3f));
        return 3;
    }
    out[0] = (char)(0xf0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
    out[3] = (char)(0x80 | (cp & 0x3f));
    return 4;
}

bool stdout_reader_gone(int err)
{
    if (err == EPIPE)
        return true;
    struct pollfd p = {STDOUT_FILENO, 0, 0};
    return poll(&p, 1, 0) == 1 && (p.revents & POLLERR) && !(p.revents & POLLNVAL);
}

char *text_trim(const char *s)
{
    if (!s)
        return xstrdup("");
    const char *end = s + strlen(s);
    bool utf8 = g_utf8_validate(s, end - s, NULL);
    while (s < end) {
        gunichar c = utf8 ? g_utf8_get_char(s) : (unsigned char)*s;
        if (!(utf8 ? g_unichar_isspace(c) : g_ascii_isspace((int)c)))
            break;
        s = utf8 ? g_utf8_next_char(s) : s + 1;
    }
    while (end > s) {
        const char *last = utf8 ? g_utf8_find_prev_char(s, end) : end - 1;
        gunichar c = utf8 ? g_utf8_get_char(last) : (unsigned char)*last;
        if (!(utf8 ? g_unichar_isspace(c) : g_ascii_isspace((int)c)))
            break;
        end = last;
    }
    return xstrndup(s, (size_t)(end - s));
}

char *shell_quote(const char *s)
{
    char *clean = sanitize_text(s);
    size_t n = strlen(clean);
    if (n > 0 && strspn(clean, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                               "0123456789._/:-") == n)
        return clean;
    char *out = xmalloc(n * 4 + 3), *o = out;
    *o++ = '\'';
    for (const char *p = clean; *p; p++) {
        if (*p == '\'') {
            memcpy(o, "'\\''", 4);
            o += 4;
        } else {
            *o++ = *p;
        }
    }
    *o++ = '\'';
    *o = '\0';
    free(clean);
    return out;
}

static int file_error(char **error, const char *path, int e)
{
    if (error)
        *error = xasprintf("%s: %s", path, strerror(e));
    return e;
}

static int not_regular(char **error, const char *path, mode_t mode)
{
    if (error)
        *error = xasprintf("%s: not a regular file (%s)", path,
                           S_ISDIR(mode) ? "a directory" : S_ISFIFO(mode) ? "a FIFO"
                           : S_ISSOCK(mode) ? "a socket" : "a device");
    return EINVAL;
}

int file_read_regular(const char *path, size_t max, char **data, size_t *len, char **error)
{
    *data = NULL;
    *len = 0;
    struct stat st;
    if (stat(path, &st) != 0)
        return errno == ENOENT ? ENOENT : file_error(error, path, errno);
    /* not even opened: opening a FIFO releases a writer waiting on it, and
     * opening a device may do what the device does on open */
    if (!S_ISREG(st.st_mode))
        return not_regular(error, path, st.st_mode);
    /* O_NONBLOCK: should a FIFO take the file's place between the stat and
     * the open, the open does not wait for a writer; fstat then refuses it */
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    if (fd < 0)
        return errno == ENOENT ? ENOENT : file_error(error, path, errno);
    int rc = 0;
    if (fstat(fd, &st) != 0) {
        rc = file_error(error, path, errno);
    } else if (!S_ISREG(st.st_mode)) {
        rc = not_regular(error, path, st.st_mode);
    } else if ((size_t)st.st_size > max) {
        if (error)
            *error = xasprintf("%s: too large (%lld bytes, at most %zu)", path,
                               (long long)st.st_size, max);
        rc = EFBIG;
    }
    size_t cap = rc ? 0 : (size_t)st.st_size + 1, n = 0;
    char *buf = rc ? NULL : xmalloc(cap);
    while (rc == 0) {
        if (n + 1 >= cap)
            buf = xrealloc(buf, cap *= 2);
        ssize_t r = read(fd, buf + n, cap - n - 1);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            rc = file_error(error, path, errno);
        } else if (r == 0) {
            break;
        } else if ((n += (size_t)r) > max) {
            if (error)
                *error = xasprintf("%s: too large (at most %zu bytes)", path, max);
            rc = EFBIG;
        }
    }
    close(fd);
    if (rc) {
        free(buf);
        return rc;
    }
    buf[n] = '\0';
    *data = buf;
    *len = n;
    return 0;
}

static char *two_digits(char *p, int v)
{
    *p++ = (char)('0' + v / 10 % 10);
    *p++ = (char)('0' + v % 10);
    return p;
}

bool format_tm(const struct tm *tm, char sep, bool seconds, char *buf)
{
    long year = tm->tm_year + 1900L;
    if (year < 1000 || year > 9999)
        return false;
    char *p = two_digits(two_digits(buf, (int)(year / 100)), (int)(year % 100));
    *p++ = '-';
    p = two_digits(p, tm->tm_mon + 1);
    *p++ = '-';
    p = two_digits(p, tm->tm_mday);
    *p++ = sep;
    p = two_digits(p, tm->tm_hour);
    *p++ = ':';
    p = two_digits(p, tm->tm_min);
    if (seconds) {
        *p++ = ':';
        p = two_digits(p, tm->tm_sec);
    }
    *p = '\0';
    return true;
}

int write_full(int fd, const void *data, size_t len)
{
    const char *p = data;
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        if (n == 0) {
            errno = EIO;
            return -1;
        }
        p += n;
        len -= (size_t)n;
    }
    return 0;
}
