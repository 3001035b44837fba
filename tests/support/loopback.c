#include "loopback.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_CONN 128

struct loopback {
    int fd, port;
    lb_handler handler;
    void *ud;
    pthread_t acceptor;
    atomic_int stop;
    atomic_int requests, active, max_active;
    pthread_mutex_t lock;
    pthread_t conns[MAX_CONN];
    int conn_fds[MAX_CONN];
    int n_conns;
    int64_t times[LB_MAX_TIMES]; /* when each request arrived (monotonic ms), under lock */
    int n_times;
};

struct conn_arg {
    struct loopback *lb;
    int fd;
};

static void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* Read one request; 0 on success, -1 on EOF or error. */
static int read_request(int fd, struct lb_request *req, char *buf, size_t cap, size_t *have)
{
    char *end;
    while (!(end = memmem(buf, *have, "\r\n\r\n", 4))) {
        if (*have >= cap)
            return -1;
        ssize_t n = recv(fd, buf + *have, cap - *have, 0);
        if (n <= 0)
            return -1;
        *have += (size_t)n;
    }
    size_t head = (size_t)(end - buf) + 4;
    memset(req, 0, sizeof *req);
    sscanf(buf, "%15s %511s", req->method, req->path);
    size_t hl = head < sizeof req->headers ? head : sizeof req->headers - 1;
    memcpy(req->headers, buf, hl);
    req->headers[hl] = '\0';
    size_t clen = 0;
    for (char *p = req->headers; (p = strchr(p, '\n')); p++)
        if (strncasecmp(p + 1, "content-length:", 15) == 0)
            clen = strtoul(p + 16, NULL, 10);
    req->body = calloc(1, clen + 1);
    size_t got = *have - head < clen ? *have - head : clen;
    memcpy(req->body, buf + head, got);
    while (got < clen) {
        ssize_t n = recv(fd, req->body + got, clen - got, 0);
        if (n <= 0) {
            free(req->body);
            return -1;
        }
        got += (size_t)n;
    }
    req->body_len = clen;
    size_t used = head + (*have - head < clen ? *have - head : clen);
    memmove(buf, buf + used, *have - used);
    *have -= used;
    return 0;
}

static void answer(struct loopback *lb, int fd, struct lb_response *r)
{
    int waited = 0;
    while (r->hang && !atomic_load(&lb->stop) && waited < 60000) {
        sleep_ms(10);
        waited += 10;
    }
    if (r->hang)
        return;
    for (int t = 0; t < r->delay_ms && !atomic_load(&lb->stop); t += 5)
        sleep_ms(5);
    const char *body = r->body ? r->body : "";
    char head[1024];
    int n = snprintf(head, sizeof head,
                     "HTTP/1.1 %d X\r\nContent-Type: %s\r\nContent-Length: %zu\r\n%s\r\n",
                     r->status ? r->status : 200,
                     r->content_type ? r->content_type : "application/json",
                     strlen(body), r->extra_headers);
    if (send(fd, head, (size_t)n, MSG_NOSIGNAL) < 0)
        return;
    send(fd, body, strlen(body), MSG_NOSIGNAL);
}

static void *conn_main(void *p)
{
    struct conn_arg *a = p;
    struct loopback *lb = a->lb;
    int fd = a->fd;
    free(a);
    char *buf = malloc(65536);
    size_t have = 0;
    struct lb_request req;
    while (!atomic_load(&lb->stop) && read_request(fd, &req, buf, 65536, &have) == 0) {
        atomic_fetch_add(&lb->requests, 1);
        struct timespec now;
        clock_gettime(CLOCK_MONOTONIC, &now);
        pthread_mutex_lock(&lb->lock);
        if (lb->n_times < LB_MAX_TIMES)
            lb->times[lb->n_times++] = (int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000;
        pthread_mutex_unlock(&lb->lock);
        int act = atomic_fetch_add(&lb->active, 1) + 1;
        int prev = atomic_load(&lb->max_active);
        while (act > prev && !atomic_compare_exchange_weak(&lb->max_active, &prev, act)) {
        }
        struct lb_response resp = {0};
        lb->handler(&req, &resp, lb->ud);
        free(req.body);
        if (resp.reset) {
            atomic_fetch_sub(&lb->active, 1);
            free(resp.body);
            break;
        }
        answer(lb, fd, &resp);
        atomic_fetch_sub(&lb->active, 1);
        free(resp.body);
        if (resp.hang)
            break;
    }
    free(buf);
    shutdown(fd, SHUT_RDWR);
    return NULL;
}

static void *accept_main(void *p)
{
    struct loopback *lb = p;
    while (!atomic_load(&lb->stop)) {
        struct pollfd pfd = {lb->fd, POLLIN, 0};
        if (poll(&pfd, 1, 50) <= 0)
            continue;
        int fd = accept(lb->fd, NULL, NULL);
        if (fd < 0)
            continue;
        pthread_mutex_lock(&lb->lock);
        if (lb->n_conns >= MAX_CONN) {
            pthread_mutex_unlock(&lb->lock);
            close(fd);
            continue;
        }
        struct conn_arg *a = malloc(sizeof *a);
        a->lb = lb;
        a->fd = fd;
        lb->conn_fds[lb->n_conns] = fd;
        pthread_create(&lb->conns[lb->n_conns], NULL, conn_main, a);
        lb->n_conns++;
        pthread_mutex_unlock(&lb->lock);
    }
    return NULL;
}

struct loopback *loopback_start(lb_handler h, void *ud)
{
    struct loopback *lb = calloc(1, sizeof *lb);
    lb->handler = h;
    lb->ud = ud;
    pthread_mutex_init(&lb->lock, NULL);
    lb->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    setsockopt(lb->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof sa;
    if (bind(lb->fd, (struct sockaddr *)&sa, sizeof sa) != 0 || listen(lb->fd, 64) != 0 ||
        getsockname(lb->fd, (struct sockaddr *)&sa, &len) != 0) {
        perror("loopback");
        abort();
    }
    lb->port = ntohs(sa.sin_port);
    pthread_create(&lb->acceptor, NULL, accept_main, lb);
    return lb;
}

int loopback_port(const struct loopback *lb) { return lb->port; }
int loopback_requests(const struct loopback *lb) { return atomic_load(&lb->requests); }

int loopback_most_within(struct loopback *lb, int64_t window_ms)
{
    pthread_mutex_lock(&lb->lock);
    int most = 0;
    for (int i = 0; i < lb->n_times; i++) {
        int n = 0;
        for (int k = 0; k < lb->n_times; k++)
            n += lb->times[k] >= lb->times[i] && lb->times[k] < lb->times[i] + window_ms;
        if (n > most)
            most = n;
    }
    pthread_mutex_unlock(&lb->lock);
    return most;
}
int loopback_max_concurrent(const struct loopback *lb) { return atomic_load(&lb->max_active); }

void loopback_stop(struct loopback *lb)
{
    atomic_store(&lb->stop, 1);
    pthread_join(lb->acceptor, NULL);
    close(lb->fd);
    pthread_mutex_lock(&lb->lock);
    for (int i = 0; i < lb->n_conns; i++)
        shutdown(lb->conn_fds[i], SHUT_RDWR);
    pthread_mutex_unlock(&lb->lock);
    for (int i = 0; i < lb->n_conns; i++) {
        pthread_join(lb->conns[i], NULL);
        close(lb->conn_fds[i]);
    }
    pthread_mutex_destroy(&lb->lock);
    free(lb);
}
