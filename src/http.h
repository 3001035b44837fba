/* HTTP requests as data. Providers fill a struct http_request and read a
 * struct http_response; only the worker (through http.c) touches libcurl. */
#ifndef SESAME_HTTP_H
#define SESAME_HTTP_H

#include <stdbool.h>
#include <stddef.h>

#define HTTP_MAX_HEADERS 12
#define HTTP_MAX_BODY (16u * 1024u * 1024u) /* larger answers are refused */

enum http_flags {
    HTTP_IDEMPOTENT = 1u << 0, /* safe to repeat after a 5xx or a reset */
    HTTP_SECRET_URL = 1u << 1, /* the URL carries a secret: never log it */
};

struct http_request {
    const char *method;                 /* static string: "GET", "POST" ... */
    char *url;                          /* owned */
    char *headers[HTTP_MAX_HEADERS];    /* owned "Name: value" lines, may hold secrets */
    size_t n_headers;
    char *body;                         /* owned, may hold secrets; NULL = none */
    size_t body_len;
    unsigned flags;
};

struct http_response {
    long status;                        /* 0 when no HTTP answer arrived */
    char *body;                         /* NUL-terminated, owned */
    size_t body_len;
    char *content_type;                 /* owned, may be NULL */
    long retry_after_s;                 /* from Retry-After, -1 if absent */
    long ratelimit_remaining;           /* x-downstream-ratelimit-remaining (Apideck), -1 */
    long ratelimit_reset_s;             /* x-downstream-ratelimit-reset: seconds, -1 */
    char *location;                     /* a 3xx: where it pointed (never followed), owned;
                                         * NULL otherwise */
    char request_id[72];                /* CF-Ray or X-Request-Id, for the journal ("" none) */
};

/* Builders used by the providers. All copy their arguments. */
void http_request_init(struct http_request *r, const char *method, unsigned flags);
void http_request_set_url(struct http_request *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void http_request_add_header(struct http_request *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void http_request_set_body(struct http_request *r, const char *body, size_t len);
/* Wipes every header and the body (they may hold secrets), then frees. */
void http_request_free(struct http_request *r);
void http_response_free(struct http_response *r);

/* Percent-encode for a query string or form body; the result is owned. */
char *http_urlencode(const char *s);

/* An http(s) URL without spaces or control characters: the only kind
 * sesame hands to a browser (a provider may answer anything). */
bool http_url_openable(const char *url);

/* An account's CA file (PEM), read whole without ever waiting: a regular
 * file, or a symlink to one, of at most HTTP_CA_FILE_MAX bytes. A FIFO, a
 * directory or a device is refused without being opened for reading, so
 * nothing blocks (file_read_regular). 0 with *pem (owned) and *len, or
 * ERR_USAGE with *error ("PATH: not a regular file (a FIFO)"). */
#define HTTP_CA_FILE_MAX (8u * 1024u * 1024u)
int http_ca_file_read(const char *path, char **pem, size_t *len, char **error);
/* Why path will not do as a CA file ("PATH: not a regular file (a FIFO)"),
 * owned, or NULL when it will: the one check of account add, account edit
 * and the dashboard's form. */
char *http_ca_file_problem(const char *path);

/* True when the response says it is JSON (application/json, +json). */
bool http_is_json(const struct http_response *r);

#endif
