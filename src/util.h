/* Small helpers shared by every module: allocation that cannot return NULL,
 * secret wiping, clocks and the text sanitiser that guards the terminal. */
#ifndef SESAME_UTIL_H
#define SESAME_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SESAME_VERSION "0.1.0"
#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* Exit codes of the headless commands; also the error classes of events. */
enum sesame_err {
    ERR_OK = 0,
    ERR_INTERNAL = 1,
    ERR_USAGE = 2,    /* bad arguments or input from the user */
    ERR_PROVIDER = 3, /* the provider answered with an error (4xx, bad body) */
    ERR_NETWORK = 4,  /* could not reach it, timeout, TLS, 5xx after retries */
    ERR_KEYRING = 5,  /* Secret Service missing, locked, or refused */
    ERR_CONFIG = 6,   /* config or state file unreadable or malformed */
    ERR_CANCELLED = 7,
};

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);                 /* NULL stays NULL */
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *xvasprintf(const char *fmt, va_list ap);

/* All of data to fd, again after EINTR and short writes: 0, or -1 with errno. */
int write_full(int fd, const void *data, size_t len);

/* Overwrite then free: for every buffer that held a secret. NULL is fine. */
void wipe(void *p, size_t n);
void wipe_free(char *s);

int64_t now_ms(void);       /* wall clock, Unix epoch, milliseconds */
int64_t mono_ms(void);      /* monotonic clock, for deadlines */

/* A copy of s that is safe to put on a terminal: control characters, escape
 * sequences (CSI, OSC, DCS ...) and invalid UTF-8 are removed or replaced by
 * U+FFFD; valid multi-byte UTF-8 is kept. Never returns NULL. */
char *sanitize_text(const char *s);
/* True if sanitize_text(s) would return s unchanged (NULL: true). */
bool text_is_clean(const char *s);
/* True if s (UTF-8) holds a character that shows as nothing: a control
 * character, a format character (Unicode Cf: bidi overrides and isolates,
 * zero-width space and joiners, the BOM, a soft hyphen ...) or another
 * blank one (a Hangul filler, a variation selector, the combining grapheme
 * joiner). What a person reads of such a text is not what it is. */
bool text_has_hidden(const char *s);
/* *s (owned, may be NULL) made safe as sanitize_text does, without a copy
 * when it already is: for data sanitised once already, checked again. */
void sanitize_in_place(char **s);

/* A value a person gave, for an error message that quotes it: sanitised
 * (sanitize_text) and cut after 60 characters with "...", so a pasted
 * megabyte does not fill the terminal and hide what is wrong. Owned. */
char *text_shown(const char *s);

/* First n bytes of a body, escaped for an error message ("\x1b", "\n"). */
char *escape_preview(const char *s, size_t len, size_t max);

/* s without the white space at either end (spaces, tabs, line ends, and
 * Unicode's spaces such as U+00A0 or U+3000): what a value typed or pasted
 * with a stray space means. Owned, never NULL ("" for NULL). */
char *text_trim(const char *s);

/* s as one word for a POSIX shell, for the hints people copy ("sesame
 * revoke 'Basis Theory' ..."): as it is when it is made only of
 * [A-Za-z0-9._/:-] (nothing a POSIX shell reads specially), else in
 * single quotes, each ' written '\''. Control characters and escape
 * sequences are dropped first (sanitize_text): they never reach the
 * terminal. Owned, never NULL. */
char *shell_quote(const char *s);

/* Has the reader of standard output gone (`sesame sessions | head -1`),
 * after a write to it failed with err (an errno; 0 when it is not known)?
 * Then what was to be written is not wanted: a command ends quietly with
 * its own status. Any other failure (a full disk, /dev/full, EIO) is an
 * error to report. A pipe whose reader is gone polls as POLLERR, which
 * tells it when the failed write was an earlier one. */
bool stdout_reader_gone(int err);

/* The whole of path, NUL-terminated (*len bytes before the NUL), if it is
 * a regular file (or a symlink to one) of at most max bytes. Anything else
 * (a FIFO, a directory, a device) is refused without being opened, so that
 * nothing blocks. Returns 0; ENOENT (no error set) when path does not
 * exist; another errno with *error = "path: reason". */
int file_read_regular(const char *path, size_t max, char **data, size_t *len, char **error);

/* "3d 4h", "12m 05s", "expired" ... relative to now; buf >= 32 bytes. */
void format_duration(int64_t ms, char *buf, size_t bufsz);

/* tm as strftime's "%Y-%m-%d<sep>%H:%M" (with ":%S" when seconds) into buf
 * (>= 20 bytes), by hand: strftime cost as much as the rest of a listed
 * session. False, buf untouched, for a year that is not four digits. */
struct tm;
bool format_tm(const struct tm *tm, char sep, bool seconds, char *buf);

/* Encode code point cp (<= U+10FFFF) as UTF-8 into out (4 bytes room);
 * returns the bytes written. */
size_t utf8_put(uint32_t cp, char *out);

/* true if s is empty or NULL */
static inline int str_empty(const char *s) { return !s || !*s; }

#endif
