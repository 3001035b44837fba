#include "worker_queue.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "util.h"

int event_queue_init(struct event_queue *q)
{
    memset(q, 0, sizeof *q);
    q->fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (q->fd < 0)
        return -1;
    pthread_mutex_init(&q->lock, NULL);
    pthread_cond_init(&q->cond, NULL);
    return 0;
}

void event_queue_destroy(struct event_queue *q)
{
    struct queued_event *e = q->head;
    while (e) {
        struct queued_event *next = e->next;
        event_free(&e->ev);
        free(e);
        e = next;
    }
    if (q->fd >= 0)
        close(q->fd);
    pthread_mutex_destroy(&q->lock);
    pthread_cond_destroy(&q->cond);
    memset(q, 0, sizeof *q);
    q->fd = -1;
}

/* Called with the lock held: the fd and the list change together, so the
 * fd is readable exactly while events wait. */
static void sync_fd(struct event_queue *q)
{
    uint64_t v;
    if (q->head) {
        v = 1;
        if (write(q->fd, &v, sizeof v) < 0 && errno != EAGAIN) {
            /* the counter cannot overflow at one write per event */
        }
    } else {
        while (read(q->fd, &v, sizeof v) > 0) {
        }
    }
}

void event_queue_push(struct event_queue *q, struct event *ev)
{
    struct queued_event *e = xcalloc(1, sizeof *e);
    e->ev = *ev;
    memset(ev, 0, sizeof *ev);
    pthread_mutex_lock(&q->lock);
    bool was_empty = !q->head;
    if (q->tail)
        q->tail->next = e;
    else
        q->head = e;
    q->tail = e;
    if (was_empty)
        sync_fd(q);
    pthread_cond_broadcast(&q->cond);
    pthread_mutex_unlock(&q->lock);
}

static void unlink_event(struct event_queue *q, struct queued_event *prev, struct queued_event *e)
{
    if (prev)
        prev->next = e->next;
    else
        q->head = e->next;
    if (q->tail == e)
        q->tail = prev;
    if (!q->head)
        sync_fd(q);
}

bool event_queue_pop(struct event_queue *q, struct event *ev)
{
    pthread_mutex_lock(&q->lock);
    struct queued_event *e = q->head;
    if (e)
        unlink_event(q, NULL, e);
    pthread_mutex_unlock(&q->lock);
    if (!e)
        return false;
    *ev = e->ev;
    free(e);
    return true;
}

bool event_queue_wait(struct event_queue *q, uint64_t job_id, bool news,
                      const volatile bool *stop, struct event *ev)
{
    pthread_mutex_lock(&q->lock);
    for (;;) {
        struct queued_event *prev = NULL, *next;
        for (struct queued_event *e = q->head; e; e = next) {
            next = e->next;
            if (job_id && e->ev.job_id != job_id) {
                prev = e;
                continue;
            }
            unlink_event(q, prev, e);
            if (e->ev.progress && !news) {
                event_free(&e->ev);
                free(e);
                continue;
            }
            pthread_mutex_unlock(&q->lock);
            *ev = e->ev;
            free(e);
            return true;
        }
        if (*stop)
            break;
        pthread_cond_wait(&q->cond, &q->lock);
    }
    pthread_mutex_unlock(&q->lock);
    return false;
}
