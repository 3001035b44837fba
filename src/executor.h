/* A single thread that runs tasks in order. The worker gives it every
 * keyring call, so a slow Secret Service or an unlock prompt never stalls
 * the transfers in flight. */
#ifndef SESAME_EXECUTOR_H
#define SESAME_EXECUTOR_H

#include <stdbool.h>

struct executor;

/* on_done(arg, ud) runs on the executor thread after each task's run(arg). */
struct executor *executor_start(void (*on_done)(void *arg, void *ud), void *ud);
void executor_submit(struct executor *x, void (*run)(void *arg), void *arg);
/* Drops queued tasks (their on_done is not called), waits up to wait_ms
 * for the running one. Returns false if it had to leave that task running
 * (the thread is detached; its arg must then stay allocated). */
bool executor_stop(struct executor *x, long wait_ms);

#endif
