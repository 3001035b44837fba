/* A tiny in-process HTTP/1.1 server on 127.0.0.1 for the worker and http
 * tests: real sockets, keep-alive, a thread per connection, and a handler
 * that decides each answer (status, headers, body, delay, hang, reset). */
#ifndef SESAME_TEST_LOOPBACK_H
#define SESAME_TEST_LOOPBACK_H

#include <stddef.h>
#include <stdint.h>

struct lb_request {
    char method[16];
    char path[512];
    char headers[4096];     /* raw header block */
    char *body;
    size_t body_len;
};

struct lb_response {
    int status;             /* 0 = 200 */
    const char *content_type;
    char extra_headers[512];/* "Retry-After: 1\r\n" ... */
    char *body;             /* malloc'd by the handler, freed by the server */
    int delay_ms;
    int hang;               /* never answer (until the server stops) */
    int reset;              /* close without answering */
};

typedef void (*lb_handler)(const struct lb_request *req, struct lb_response *resp, void *ud);

struct loopback;
struct loopback *loopback_start(lb_handler h, void *ud);
int loopback_port(const struct loopback *lb);
int loopback_requests(const struct loopback *lb);      /* answered or not */
int loopback_max_concurrent(const struct loopback *lb);
/* The most requests that arrived within any window_ms (of the first
 * LB_MAX_TIMES). */
#define LB_MAX_TIMES 4096
int loopback_most_within(struct loopback *lb, int64_t window_ms);
void loopback_stop(struct loopback *lb);

#endif
