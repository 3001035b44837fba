/* The two queues between the worker and its caller: jobs in, events out.
 * Mutex-guarded lists of structs passed by value; the event queue keeps an
 * eventfd readable exactly while it holds events. */
#ifndef SESAME_WORKER_QUEUE_H
#define SESAME_WORKER_QUEUE_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "worker.h"

struct queued_job {
    uint64_t id;
    struct job job;
    struct queued_job *next;
};

struct queued_event {
    struct event ev;
    struct queued_event *next;
};

struct event_queue {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    struct queued_event *head, *tail;
    int fd;                 /* eventfd: readable while head != NULL */
};

int event_queue_init(struct event_queue *q);
void event_queue_destroy(struct event_queue *q);
void event_queue_push(struct event_queue *q, struct event *ev);  /* takes ownership */
bool event_queue_pop(struct event_queue *q, struct event *ev);
/* Blocks until the event for job_id (0: any job) arrives, or stop becomes
 * true; its progress events are dropped unless news is set. */
bool event_queue_wait(struct event_queue *q, uint64_t job_id, bool news,
                      const volatile bool *stop, struct event *ev);

#endif
