/* The libcurl half of http.h: one transfer per request, the transport
 * policy (timeouts, TLS, User-Agent, body cap) and the retry rule. Only the
 * worker includes this. */
#ifndef SESAME_HTTP_CURL_H
#define SESAME_HTTP_CURL_H

#include <curl/curl.h>
#include <stdbool.h>
#include <stdint.h>

#include "http.h"

struct http_policy {
    long connect_timeout_ms;
    long timeout_ms;           /* whole transfer */
    const char *ca_pem;        /* extra CA certificates (PEM), NULL = system store only */
    size_t ca_len;
};

struct http_transfer {
    CURL *easy;
    struct curl_slist *headers;
    struct http_response resp;
    size_t cap;
    bool too_big;
    char errbuf[CURL_ERROR_SIZE];
};

/* Prepare t->easy for req. The request must outlive the transfer (libcurl
 * does not copy POSTFIELDS). Returns 0 or ERR_INTERNAL. */
int http_transfer_setup(struct http_transfer *t, const struct http_request *req,
                        const struct http_policy *pol);
/* After completion: fill resp.status, content type; returns the transport
 * error as one line (owned) or NULL when an HTTP answer arrived. */
char *http_transfer_finish(struct http_transfer *t, CURLcode rc, const char *who);
void http_transfer_cleanup(struct http_transfer *t);

/* How long to wait before trying again, or -1 for "do not retry".
 * status: HTTP status (0 when the transport failed), sent: whether the
 * request may have reached the server. rnd: a random number for jitter. */
long http_retry_delay_ms(long status, long retry_after_s, bool transport_failed,
                         bool maybe_sent, bool idempotent, int attempt, int max_retries,
                         uint32_t rnd);

/* Transport errors that another try cannot mend (certificates, our own
 * refusals): never retried. */
bool http_error_is_permanent(CURLcode rc);

/* Refuse plain http:// to a host that is not loopback unless allowed. */
int http_check_url(const char *url, bool allow_http, char **error);
/* The URL's host is this machine as written (127.x.y.z, [::1], localhost):
 * such a request is sent without a proxy. */
bool http_url_is_loopback(const char *url);

const char *http_user_agent(void);

#endif
