/* libcurl transfers: the transport policy every request gets. */
#include "http_curl.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "util.h"

const char *http_user_agent(void)
{
    static char ua[96];
    if (!ua[0]) {
        const curl_version_info_data *v = curl_version_info(CURLVERSION_NOW);
        snprintf(ua, sizeof ua, "sesame/%s libcurl/%s", SESAME_VERSION, v->version);
    }
    return ua;
}

static size_t on_body(char *data, size_t size, size_t nmemb, void *userp)
{
    struct http_transfer *t = userp;
    size_t n = size * nmemb;
    if (t->resp.body_len + n > HTTP_MAX_BODY) {
        t->too_big = true;
        return 0; /* aborts the transfer with CURLE_WRITE_ERROR */
    }
    if (t->resp.body_len + n + 1 > t->cap) {
        size_t cap = t->cap ? t->cap : 16384;
        while (cap < t->resp.body_len + n + 1)
            cap *= 2;
        /* not realloc: a moved block would go back to the allocator with
         * what it held (login answers carry tokens) */
        char *bigger = xmalloc(cap);
        if (t->resp.body) {
            memcpy(bigger, t->resp.body, t->resp.body_len);
            wipe(t->resp.body, t->resp.body_len);
            free(t->resp.body);
        }
        t->resp.body = bigger;
        t->cap = cap;
    }
    memcpy(t->resp.body + t->resp.body_len, data, n);
    t->resp.body_len += n;
    t->resp.body[t->resp.body_len] = '\0';
    return n;
}

/* Retry-After is seconds or an HTTP date (RFC 9110 10.2.3). */
static long parse_retry_after(const char *v)
{
    while (*v == ' ')
        v++;
    if (isdigit((unsigned char)*v)) {
        long s = strtol(v, NULL, 10);
        return s < 0 ? 0 : s;
    }
    time_t when = curl_getdate(v, NULL);
    if (when < 0)
        return -1;
    long d = (long)(when - time(NULL));
    return d < 0 ? 0 : d;
}

/* The value of header line data (n bytes) when it is named name (with
 * the colon), into buf; false otherwise. */
static bool header_value(const char *data, size_t n, const char *name, char *buf, size_t size)
{
    size_t nl = strlen(name);
    if (n <= nl || strncasecmp(data, name, nl) != 0)
        return false;
    size_t len = n - nl;
    if (len >= size)
        len = size - 1;
    memcpy(buf, data + nl, len);
    buf[len] = '\0';
    return true;
}

/* A count of seconds or requests; -1 when it is not one. */
static long parse_count(const char *v)
{
    while (*v == ' ')
        v++;
    if (!isdigit((unsigned char)*v))
        return -1;
    long n = strtol(v, NULL, 10);
    return n < 0 ? -1 : n;
}

/* A request id header's value as an id a person can quote: its leading
 * run of [A-Za-z0-9._:-] (the header is the server's, anything may come). */
static void take_request_id(const char *v, char *out, size_t size)
{
    while (*v == ' ' || *v == '\t')
        v++;
    size_t n = 0;
    while (n + 1 < size && v[n] &&
           ((v[n] >= 'a' && v[n] <= 'z') || (v[n] >= 'A' && v[n] <= 'Z') ||
            (v[n] >= '0' && v[n] <= '9') || strchr("._:-", v[n])))
        n++;
    memcpy(out, v, n);
    out[n] = '\0';
}

static void reset_seen(struct http_response *r)
{
    r->request_id[0] = '\0';
    r->retry_after_s = -1;
    r->ratelimit_remaining = -1;
    r->ratelimit_reset_s = -1;
}

static size_t on_header(char *data, size_t size, size_t nitems, void *userp)
{
    struct http_transfer *t = userp;
    size_t n = size * nitems;
    char buf[64];
    if (header_value(data, n, "retry-after:", buf, sizeof buf))
        t->resp.retry_after_s = parse_retry_after(buf);
    /* Apideck passes on the limits of the service behind it */
    else if (header_value(data, n, "x-downstream-ratelimit-remaining:", buf, sizeof buf))
        t->resp.ratelimit_remaining = parse_count(buf);
    else if (header_value(data, n, "x-downstream-ratelimit-reset:", buf, sizeof buf))
        t->resp.ratelimit_reset_s = parse_count(buf);
    /* the request's id, for the journal: Clerk's official client falls back
     * on Cloudflare's CF-Ray when the body has no clerk_trace_id */
    else if (header_value(data, n, "x-request-id:", buf, sizeof buf) ||
             (!t->resp.request_id[0] && header_value(data, n, "cf-ray:", buf, sizeof buf)))
        take_request_id(buf, t->resp.request_id, sizeof t->resp.request_id);
    /* a new status line (redirect, 100-continue) resets what we saw */
    if (n >= 5 && strncmp(data, "HTTP/", 5) == 0)
        reset_seen(&t->resp);
    return n;
}

int http_transfer_setup(struct http_transfer *t, const struct http_request *req,
                        const struct http_policy *pol)
{
    memset(t, 0, sizeof *t);
    reset_seen(&t->resp);
    t->easy = curl_easy_init();
    if (!t->easy)
        return ERR_INTERNAL;
    CURL *e = t->easy;
    curl_easy_setopt(e, CURLOPT_URL, req->url);
    curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, req->method);
    if (strcmp(req->method, "GET") == 0)
        curl_easy_setopt(e, CURLOPT_HTTPGET, 1L);
    if (req->body) {
        curl_easy_setopt(e, CURLOPT_POSTFIELDS, req->body);
        curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)req->body_len);
    } else if (strcmp(req->method, "POST") == 0 || strcmp(req->method, "PUT") == 0) {
        curl_easy_setopt(e, CURLOPT_POSTFIELDS, "");
        curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)0);
    }
    /* libcurl would add "Content-Type: application/x-www-form-urlencoded"
     * to every POST; a request without a body must not claim one. */
    if (!req->body)
        t->headers = curl_slist_append(t->headers, "Content-Type:");
    t->headers = curl_slist_append(t->headers, "Expect:");
    for (size_t i = 0; i < req->n_headers; i++)
        t->headers = curl_slist_append(t->headers, req->headers[i]);
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, t->headers);
    curl_easy_setopt(e, CURLOPT_USERAGENT, http_user_agent());
    curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 2L);
    if (pol->ca_pem) {
        /* from memory: libcurl never opens the file, which could be a FIFO
         * by now and block every account's transfers. The system's CA
         * directory (CURLOPT_CAPATH) is still trusted, as with CAINFO. */
        struct curl_blob ca = {(void *)pol->ca_pem, pol->ca_len, CURL_BLOB_COPY};
        curl_easy_setopt(e, CURLOPT_CAINFO_BLOB, &ca);
    }
    /* Plain http to this machine is allowed (http_check_url) because it
     * never leaves it; a proxy from the environment (http_proxy, all_proxy)
     * would carry it, keys and all, to another host. So a request to
     * loopback never goes through a proxy, whatever NO_PROXY says. */
    if (http_url_is_loopback(req->url))
        curl_easy_setopt(e, CURLOPT_NOPROXY, "*");
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, pol->connect_timeout_ms);
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, pol->timeout_ms);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, t);
    curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(e, CURLOPT_HEADERDATA, t);
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, t->errbuf);
    curl_easy_setopt(e, CURLOPT_PRIVATE, t);
    /* libcurl sends a request again, unasked, when a reused connection dies
     * before any answer: not a login or create, which the server may have
     * acted on. A connection of its own, then. */
    if (!(req->flags & HTTP_IDEMPOTENT))
        curl_easy_setopt(e, CURLOPT_FRESH_CONNECT, 1L);
    return 0;
}

char *http_transfer_finish(struct http_transfer *t, CURLcode rc, const char *who)
{
    long status = 0;
    curl_easy_getinfo(t->easy, CURLINFO_RESPONSE_CODE, &status);
    char *ct = NULL;
    curl_easy_getinfo(t->easy, CURLINFO_CONTENT_TYPE, &ct);
    free(t->resp.content_type);
    t->resp.content_type = xstrdup(ct);
    if (t->too_big)
        return xasprintf("%s sent more than %u MB: an answer larger than any it documents, "
                         "refused", who, HTTP_MAX_BODY / (1024 * 1024));
    if (rc == CURLE_OK) {
        t->resp.status = status;
        char *to = NULL; /* what curl would have followed: redirects never are */
        if (status >= 300 && status < 400 &&
            curl_easy_getinfo(t->easy, CURLINFO_REDIRECT_URL, &to) == CURLE_OK)
            t->resp.location = xstrdup(to);
        if (!t->resp.body)
            t->resp.body = xstrdup("");
        return NULL;
    }
    t->resp.status = 0;
    const char *detail = t->errbuf[0] ? t->errbuf : curl_easy_strerror(rc);
    switch (rc) {
    case CURLE_OPERATION_TIMEDOUT:
        return xasprintf("no answer from %s in time (%s)", who, detail);
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
        return xasprintf("could not reach %s: %s", who, detail);
    case CURLE_PEER_FAILED_VERIFICATION:
        if (strstr(detail, "subject name") || strstr(detail, "does not match"))
            return xasprintf("TLS with %s failed: the certificate is for another name (%s)",
                             who, detail);
        return xasprintf("TLS with %s failed: %s (if it uses a private CA, name a CA file "
                         "for the account)", who, detail);
    case CURLE_SSL_CACERT_BADFILE:
        return xasprintf("TLS with %s failed: the account's CA file cannot be read (%s)", who,
                         detail);
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_SSL_CERTPROBLEM:
        return xasprintf("TLS with %s failed: %s", who, detail);
    default:
        return xasprintf("connection to %s failed: %s", who, detail);
    }
}

void http_transfer_cleanup(struct http_transfer *t)
{
    if (t->easy)
        curl_easy_cleanup(t->easy);
    for (struct curl_slist *l = t->headers; l; l = l->next)
        wipe(l->data, strlen(l->data)); /* curl's copies of our header lines */
    curl_slist_free_all(t->headers);
    http_response_free(&t->resp);
    memset(t, 0, sizeof *t);
}

bool http_error_is_permanent(CURLcode rc)
{
    switch (rc) {
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_URL_MALFORMAT:
    case CURLE_WRITE_ERROR: /* our own refusal of an oversized body */
        return true;
    default:
        return false;
    }
}

long http_retry_delay_ms(long status, long retry_after_s, bool transport_failed,
                         bool maybe_sent, bool idempotent, int attempt, int max_retries,
                         uint32_t rnd)
{
    if (attempt >= max_retries)
        return -1;
    if (status == 429) {
        /* the server did not act on it: safe to repeat any request */
        if (retry_after_s >= 0)
            return retry_after_s * 1000;
    } else if (transport_failed) {
        if (maybe_sent && !idempotent)
            return -1;
    } else if (status == 500 || status == 502 || status == 503 || status == 504) {
        if (!idempotent)
            return -1;
        if (status == 503 && retry_after_s >= 0)
            return retry_after_s * 1000;
    } else {
        return -1;
    }
    /* exponential backoff from 250 ms with full +-50% jitter */
    long base = 250L << (attempt < 6 ? attempt : 6);
    return base / 2 + (long)(rnd % (uint32_t)base);
}

/* 127.x.y.z written out: four decimal parts of 0-255, no leading zero. */
static bool loopback_quad(const char *h)
{
    int parts = 0;
    for (const char *p = h; parts < 4; parts++) {
        size_t n = strspn(p, "0123456789");
        if (n == 0 || n > 3 || (n > 1 && p[0] == '0'))
            return false;
        int v = atoi(p);
        if (v > 255 || (parts == 0 && v != 127))
            return false;
        p += n;
        if (parts < 3 && *p++ != '.')
            return false;
        if (parts == 3 && *p)
            return false;
    }
    return true;
}

/* Whether url carries a user name or password (user:password@host):
 * libcurl would send them as Basic credentials, and they would sit in the
 * config file and on the screen; a provider's key belongs in the keyring. */
static bool url_has_userinfo(const char *url)
{
    CURLU *u = curl_url();
    char *user = NULL, *pass = NULL;
    bool has = u && curl_url_set(u, CURLUPART_URL, url ? url : "", 0) == CURLUE_OK &&
               (curl_url_get(u, CURLUPART_USER, &user, 0) == CURLUE_OK ||
                curl_url_get(u, CURLUPART_PASSWORD, &pass, 0) == CURLUE_OK);
    if (pass)
        wipe(pass, strlen(pass));
    curl_free(user);
    curl_free(pass);
    curl_url_cleanup(u);
    return has;
}

/* This machine, by a name that cannot mean another: 127.0.0.0/8 as a
 * literal dotted quad, [::1], localhost (which libcurl never looks up).
 * "127.attacker.example" and "127.0.0.1.nip.io" are names, resolved by DNS
 * to wherever their owner likes. */
static bool host_is_loopback(const char *host)
{
    return strcasecmp(host, "localhost") == 0 || strcmp(host, "[::1]") == 0 ||
           loopback_quad(host);
}

/* The host as written in url (after any user@, without the port), or NULL. */
static char *written_host(const char *url)
{
    const char *sep = strstr(url, "://");
    if (!sep)
        return NULL;
    const char *auth = sep + 3;
    size_t len = strcspn(auth, "/?#\\");
    const char *host = auth;
    for (const char *p = auth; p < auth + len; p++)
        if (*p == '@')
            host = p + 1;
    size_t hlen = (size_t)(auth + len - host);
    if (host[0] == '[') {
        const char *end = memchr(host, ']', hlen);
        hlen = end ? (size_t)(end - host) + 1 : hlen;
    } else {
        const char *colon = memchr(host, ':', hlen);
        if (colon)
            hlen = (size_t)(colon - host);
    }
    return xstrndup(host, hlen);
}

/* url parsed as libcurl reads it: its scheme and host (curl_free both), or
 * false when it is not a URL. */
static bool url_parts(const char *url, char **scheme, char **host)
{
    *scheme = *host = NULL;
    CURLU *u = curl_url();
    bool ok = u && curl_url_set(u, CURLUPART_URL, url ? url : "", 0) == CURLUE_OK &&
              curl_url_get(u, CURLUPART_SCHEME, scheme, 0) == CURLUE_OK &&
              curl_url_get(u, CURLUPART_HOST, host, 0) == CURLUE_OK;
    curl_url_cleanup(u);
    return ok;
}

/* host (as libcurl read it from url) is this machine, and written so: "127.1"
 * or "2130706433" are 127.0.0.1 to libcurl but not a literal quad. */
static bool loopback_as_written(const char *url, const char *host, char **written)
{
    *written = written_host(url);
    return *written && strcasecmp(*written, host) == 0 && host_is_loopback(host);
}

bool http_url_is_loopback(const char *url)
{
    char *scheme, *host, *written = NULL;
    bool yes = url_parts(url, &scheme, &host) && loopback_as_written(url, host, &written);
    free(written);
    curl_free(host);
    curl_free(scheme);
    return yes;
}

int http_check_url(const char *url, bool allow_http, char **error)
{
    if (url_has_userinfo(url)) { /* not echoed: it holds a password */
        if (error)
            *error = xstrdup("a URL with a user name or password in it (user:password@) is "
                             "refused: the provider's key goes in the keyring, not in the URL");
        return ERR_USAGE;
    }
    char *scheme, *host, *written = NULL;
    int rc = 0;
    if (!url_parts(url, &scheme, &host)) {
        if (error)
            *error = xasprintf("not a URL sesame can use: %s", url ? url : "");
        rc = ERR_USAGE;
    } else if (strcmp(scheme, "https") != 0 && strcmp(scheme, "http") != 0) {
        if (error)
            *error = xasprintf("unsupported URL (only http:// and https://): %s", url);
        rc = ERR_USAGE;
    } else if (strcmp(scheme, "http") == 0 && !allow_http &&
               !loopback_as_written(url, host, &written)) {
        if (error)
            *error = xasprintf("plain http:// to %s is refused: use https://, or allow "
                               "http for this account (--allow-http of account add or account edit)",
                               written ? written : host);
        rc = ERR_USAGE;
    }
    free(written);
    curl_free(host);
    curl_free(scheme);
    return rc;
}
