#include "executor.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

#include "strslab.h"
#include "util.h"

struct task {
    void (*run)(void *arg);
    void *arg;
    struct task *next;
};

struct executor {
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    struct task *head, *tail;
    bool stop, finished;
    bool detached;             /* stop gave up waiting: the thread frees x */
    void (*on_done)(void *arg, void *ud);
    void *ud;
};

static void *executor_main(void *p)
{
    struct executor *x = p;
    pthread_mutex_lock(&x->lock);
    for (;;) {
        while (!x->head && !x->stop)
            pthread_cond_wait(&x->cond, &x->lock);
        if (x->stop)
            break;
        struct task *t = x->head;
        x->head = t->next;
        if (!x->head)
            x->tail = NULL;
        pthread_mutex_unlock(&x->lock);
        t->run(t->arg);
        x->on_done(t->arg, x->ud);
        free(t);
        pthread_mutex_lock(&x->lock);
    }
    strslab_thread_done();
    x->finished = true;
    bool detached = x->detached;
    pthread_cond_broadcast(&x->cond);
    pthread_mutex_unlock(&x->lock);
    if (detached) {
        pthread_mutex_destroy(&x->lock);
        pthread_cond_destroy(&x->cond);
        free(x);
    }
    return NULL;
}

struct executor *executor_start(void (*on_done)(void *arg, void *ud), void *ud)
{
    struct executor *x = xcalloc(1, sizeof *x);
    x->on_done = on_done;
    x->ud = ud;
    pthread_mutex_init(&x->lock, NULL);
    pthread_cond_init(&x->cond, NULL);
    if (pthread_create(&x->thread, NULL, executor_main, x) != 0) {
        pthread_mutex_destroy(&x->lock);
        pthread_cond_destroy(&x->cond);
        free(x);
        return NULL;
    }
    return x;
}

void executor_submit(struct executor *x, void (*run)(void *arg), void *arg)
{
    struct task *t = xcalloc(1, sizeof *t);
    t->run = run;
    t->arg = arg;
    pthread_mutex_lock(&x->lock);
    if (x->tail)
        x->tail->next = t;
    else
        x->head = t;
    x->tail = t;
    pthread_cond_signal(&x->cond);
    pthread_mutex_unlock(&x->lock);
}

bool executor_stop(struct executor *x, long wait_ms)
{
    if (!x)
        return true;
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += wait_ms / 1000;
    until.tv_nsec += (wait_ms % 1000) * 1000000L;
    if (until.tv_nsec >= 1000000000L) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&x->lock);
    x->stop = true;
    while (x->head) {
        struct task *t = x->head;
        x->head = t->next;
        free(t);
    }
    x->tail = NULL;
    pthread_cond_broadcast(&x->cond);
    int rc = 0;
    while (!x->finished && rc != ETIMEDOUT)
        rc = pthread_cond_timedwait(&x->cond, &x->lock, &until);
    bool finished = x->finished;
    if (!finished) {
        /* a keyring call that does not return: leave it; the thread frees
         * the executor if it ever ends */
        x->detached = true;
        pthread_detach(x->thread);
        pthread_mutex_unlock(&x->lock);
        return false;
    }
    pthread_mutex_unlock(&x->lock);
    pthread_join(x->thread, NULL);
    pthread_mutex_destroy(&x->lock);
    pthread_cond_destroy(&x->cond);
    free(x);
    return true;
}
