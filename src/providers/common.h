/* Shared pieces of the provider parsers: JSON access that tolerates any
 * input, and the one-line error messages every provider produces. */
#ifndef SESAME_PROVIDER_COMMON_H
#define SESAME_PROVIDER_COMMON_H

#include <cJSON.h>

#include "provider.h"

/* Set out->err/out->error (printf-style, the text is sanitised). */
void result_fail(struct op_result *out, int err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* For build(): set *error (if error is not NULL; sanitised, printf-style)
 * and return err. */
int build_fail(char **error, int err, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* A C0 control or DEL in s: refused in anything that becomes a header. */
bool has_control_chars(const char *s);

/* Field validators (struct field.validate): NULL, or why not (owned). */
char *field_email(const char *value);       /* local@domain.tld */
char *field_http_url(const char *value);    /* http:// or https:// and a host */
char *field_header_text(const char *value); /* sent in a header: no control characters */
char *field_duration(const char *value);    /* 10m, 1h, 2d (duration_parse) */
char *field_session_window(const char *value); /* a duration or all (session_window_parse) */

/* ERR_NETWORK for 0 (no answer) and 5xx; ERR_PROVIDER for any other
 * answer that is not what was asked (4xx, a 3xx, a 2xx of the wrong shape). */
int err_for_status(long status);

/* A 3xx (libcurl never follows one: the request may carry a secret, and
 * the answer would come from elsewhere): out->err = ERR_PROVIDER with
 * "HTTP 302 from <title>: redirect to https://host/path not followed" and
 * true. Every provider's parse asks first. */
bool result_redirect(const char *title, const struct http_response *resp,
                     struct op_result *out);

/* Parse resp->body as JSON. On failure sets out->error to
 * "HTTP <status> from <title>: body is not JSON (<first bytes, escaped>)"
 * (or "empty body") and returns NULL. */
cJSON *parse_json_body(const char *title, const struct http_response *resp,
                       struct op_result *out);

/* An operation whose documented success is one status with no body
 * (Plantly's log out: 204; CBRAIN's: 200, Rails' head :ok; Basis Theory's
 * authorize: 200, "returns no payload"). Only that answer says it was
 * done: is resp exactly that (a body of blanks counts as none)? */
bool answer_is_documented_empty(const struct http_response *resp, long documented);
/* Any other 2xx to such an operation: an unexpected answer (ERR_PROVIDER),
 * never taken for the success, whatever it holds (an HTML page, a JSON
 * error, a 202 "accepted" that promises nothing). what names the
 * operation ("log out"). */
void result_not_documented(struct op_result *out, const char *title, const char *what,
                           const struct http_response *resp, long documented);
/* What a body is, as a person is told without being shown it (it may
 * hold tokens): "no body", "an HTML page of 180 bytes", "a JSON body of 31
 * bytes". Owned. */
char *answer_body_what(const struct http_response *resp);

/* Error for a well-formed JSON body that lacks what the spec promises:
 * "HTTP 200 from Clerk: unexpected answer: <what>". */
/* s is a JWT as RFC 7519 writes one: three base64url parts joined by dots,
 * the first (the header) a JSON object. Anything else in a token answer is
 * an unexpected answer, never a token to hand on. */
bool jwt_wellformed(const char *s);

void result_bad_shape(struct op_result *out, const char *title,
                      const struct http_response *resp, const char *what);

/* Typed reads; NULL/0 when missing or of another type. json_dup_str returns
 * a sanitised owned copy (safe for a terminal). */
const char *json_str(const cJSON *obj, const char *key);
char *json_dup_str(const cJSON *obj, const char *key);
bool json_int64(const cJSON *obj, const char *key, int64_t *out);
bool json_bool(const cJSON *obj, const char *key, bool *out);

/* RFC 3339 / ISO 8601 ("2023-01-09T20:14:55.2130891+00:00") to Unix ms;
 * returns false if unparseable. */
bool parse_iso8601_ms(const char *s, int64_t *out_ms);
/* Unix ms to "2023-01-09T20:14:55Z" into buf (>= 32 bytes). */
void format_iso8601(int64_t ms, char *buf, size_t n);

/* "30m", "1h", "2d", "1w" (a whole number and one of s m h d w, spaces
 * around allowed) to seconds (> 0). Parsed by hand, not with strtol: no
 * locale, no sign, no overflow. */
bool duration_parse(const char *s, int64_t *secs);

/* An account's session_window: how far back a listing looks for users who
 * can have a live session. Empty: the default (7 days, Clerk's longest
 * default session); "all": -1, no limit; else a duration ("30d"). Returns
 * 0, or ERR_CONFIG with *error set. */
#define SESSION_WINDOW_DEFAULT "7d"
int session_window_parse(const char *value, int64_t *ms, char **error);
/* The window an account lists, as a person reads it ("7d", "30d", "all"). */
const char *session_window_text(const struct account *a);

/* A stable id for a session the provider gives no id to:
 * "<prefix>-" + first 12 hex digits of SHA-256(secret). Owned. */
char *session_id_from_secret(const char *prefix, const char *secret);

/* Compact JSON of obj, owned, for session.raw_json; secrets must be
 * removed from obj by the caller first. */
char *json_compact(const cJSON *obj);

/* Compact JSON of obj for a request body that holds a secret: printed
 * into a buffer that never moves with the secret in it (cJSON's own print
 * buffer grows by realloc and leaves copies behind). Owned: wipe_free it. */
char *json_print_secret(const cJSON *obj);

/* Where each item of a list answer lies in the body, as received: the
 * top-level array, or (member non-NULL) the array that is that member of
 * the top-level object. Returns how many items (their offsets and lengths
 * in *spans, owned), or -1 when the body has no such array. For
 * session.raw_json straight from the bytes: printing the parsed object
 * again (json_compact) cost more than parsing it, numbers above all. */
struct json_span {
    size_t off, len;
};
long json_item_spans(const char *body, size_t len, const char *member,
                     struct json_span **spans);
/* The bytes of span in body as a sanitised string (owned). */
char *json_span_text(const char *body, const struct json_span *span);

#endif
