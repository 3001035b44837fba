/* The data half of http.h: building and freeing requests. No libcurl here,
 * so providers and their tests link without the network. */
#include "http.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util.h"

void http_request_init(struct http_request *r, const char *method, unsigned flags)
{
    memset(r, 0, sizeof *r);
    r->method = method;
    r->flags = flags;
}

void http_request_set_url(struct http_request *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *url = xvasprintf(fmt, ap);
    va_end(ap);
    wipe_free(r->url);
    r->url = url;
}

void http_request_add_header(struct http_request *r, const char *fmt, ...)
{
    if (r->n_headers >= HTTP_MAX_HEADERS)
        abort(); /* a provider bug, caught by its unit tests */
    va_list ap;
    va_start(ap, fmt);
    r->headers[r->n_headers++] = xvasprintf(fmt, ap);
    va_end(ap);
}

void http_request_set_body(struct http_request *r, const char *body, size_t len)
{
    if (r->body) {
        wipe(r->body, r->body_len);
        free(r->body);
    }
    r->body = xmalloc(len + 1);
    memcpy(r->body, body, len);
    r->body[len] = '\0';
    r->body_len = len;
}

void http_request_free(struct http_request *r)
{
    wipe_free(r->url);
    for (size_t i = 0; i < r->n_headers; i++)
        wipe_free(r->headers[i]);
    if (r->body) {
        wipe(r->body, r->body_len);
        free(r->body);
    }
    memset(r, 0, sizeof *r);
}

void http_response_free(struct http_response *r)
{
    if (r->body) {
        wipe(r->body, r->body_len); /* login answers carry tokens */
        free(r->body);
    }
    free(r->content_type);
    free(r->location);
    memset(r, 0, sizeof *r);
    r->retry_after_s = -1;
}

char *http_urlencode(const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t n = strlen(s);
    char *out = xmalloc(n * 3 + 1);
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
            c == '-' || c == '_' || c == '.' || c == '~') {
            out[o++] = (char)c;
        } else {
            out[o++] = '%';
            out[o++] = hex[c >> 4];
            out[o++] = hex[c & 15];
        }
    }
    out[o] = '\0';
    return out;
}

bool http_is_json(const struct http_response *r)
{
    const char *ct = r->content_type;
    if (!ct)
        return false;
    size_t len = strcspn(ct, ";");
    if (len >= 16 && strncasecmp(ct, "application/json", 16) == 0)
        return true;
    return len >= 5 && strncasecmp(ct + len - 5, "+json", 5) == 0;
}

bool http_url_openable(const char *u)
{
    if (!u || (strncasecmp(u, "https://", 8) != 0 && strncasecmp(u, "http://", 7) != 0))
        return false;
    for (const unsigned char *p = (const unsigned char *)u; *p; p++)
        if (*p <= 0x20 || *p == 0x7f)
            return false;
    return true;
}

int http_ca_file_read(const char *path, char **pem, size_t *len, char **error)
{
    char *err = NULL;
    int e = file_read_regular(path, HTTP_CA_FILE_MAX, pem, len, &err);
    if (e == 0)
        return 0;
    if (error)
        *error = err ? err : xasprintf("%s: %s", path, strerror(e));
    else
        free(err);
    return ERR_USAGE;
}

char *http_ca_file_problem(const char *path)
{
    char *pem = NULL, *err = NULL;
    size_t len = 0;
    if (http_ca_file_read(path, &pem, &len, &err) != 0)
        return err;
    free(pem);
    return NULL;
}
