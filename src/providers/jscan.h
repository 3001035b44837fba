/* A strict JSON reader that walks a body in place: no tree, no allocation.
 * For the pages of a big listing, where cJSON built ~25 nodes and ~50
 * allocations per session only for a dozen members to be kept.
 *
 * It vouches only for text that cJSON reads the same way: RFC 8259 JSON
 * with its four whitespace characters, no NUL byte, no \u0000 and no
 * surrogate escape (cJSON cuts a string at the first and checks pairs its
 * own way), numbers of up to 40 characters, integers read as values of up
 * to 15 digits (exact in the double cJSON holds), keys without escapes,
 * nesting up to 64, nothing after the value. On anything else it stops
 * with `bad` set, and the caller parses the body with cJSON as before, so
 * an odd body gets exactly the answer it got before.
 *
 * Use: jscan_peek() says what the next value is; every value is then
 * consumed by one call (jscan_enter() and the loop of jscan_member() or
 * jscan_item() for a container, jscan_string(), jscan_int(), or
 * jscan_skip() for any value); jscan_end() after the top value. */
#ifndef SESAME_JSCAN_H
#define SESAME_JSCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct jscan {
    const char *p, *end;
    unsigned depth;
    bool fresh; /* just inside a container: its first item needs no ',' */
    bool bad;   /* stop: not JSON this reader vouches for */
};

/* A string as the text has it, between its quotes. */
struct jstr {
    const char *p;
    size_t len;
    bool escaped; /* holds a backslash: jstr_decode gives its value */
};

void jscan_init(struct jscan *j, const char *text, size_t len);

/* What the next value is: '{', '[', '"', '-' (any number), 't', 'f' or
 * 'n'; 0 when there is none (and bad is set). Consumes nothing but
 * whitespace. */
char jscan_peek(struct jscan *j);

/* Into the object or array peeked. */
bool jscan_enter(struct jscan *j);

/* The next member of the object entered: true with its key, the value to
 * be consumed next; false after the closing '}', or when bad. */
bool jscan_member(struct jscan *j, struct jstr *key);

/* The next item of the array entered: true, the item to be consumed next;
 * false after the closing ']', or when bad. */
bool jscan_item(struct jscan *j);

/* The string value peeked. */
bool jscan_string(struct jscan *j, struct jstr *out);

/* The number peeked, as an integer: bad unless it has up to 15 digits and
 * no fraction or exponent (cJSON would have rounded it through a double). */
bool jscan_int(struct jscan *j, int64_t *out);

/* Any value, checked as strictly as the rest. */
bool jscan_skip(struct jscan *j);

/* After the top value: true if only whitespace follows and nothing was bad. */
bool jscan_end(struct jscan *j);

/* The value of s, terminated, into out (room for s->len + 1 bytes: a
 * value is never longer than its text). */
void jstr_decode(const struct jstr *s, char *out);

/* s (a key) is exactly lit. */
bool jstr_is(const struct jstr *s, const char *lit);

#endif
