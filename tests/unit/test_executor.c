/* executor.c: tasks run in order on one thread; stop drops the queue and
 * does not wait forever for a task that never returns. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <poll.h>
#include <stdatomic.h>

#include "executor.h"
#include "util.h"

static atomic_int order[64];
static atomic_int n_run, n_done;

static void run(void *arg)
{
    int i = atomic_fetch_add(&n_run, 1);
    order[i] = (int)(intptr_t)arg;
}

static void done(void *arg, void *ud)
{
    atomic_fetch_add(&n_done, 1);
}

static void test_runs_in_order(void **state)
{
    atomic_store(&n_run, 0);
    atomic_store(&n_done, 0);
    struct executor *x = executor_start(done, NULL);
    for (intptr_t i = 0; i < 50; i++)
        executor_submit(x, run, (void *)i);
    for (int t = 0; t < 500 && atomic_load(&n_done) < 50; t++)
        poll(NULL, 0, 2);
    assert_int_equal(atomic_load(&n_done), 50);
    for (int i = 0; i < 50; i++)
        assert_int_equal(order[i], i);
    assert_true(executor_stop(x, 1000));
}

static atomic_int release;

static void stuck(void *arg)
{
    while (!atomic_load(&release))
        poll(NULL, 0, 5);
}

static void test_stop_does_not_wait_forever(void **state)
{
    atomic_store(&release, 0);
    atomic_store(&n_run, 0);
    struct executor *x = executor_start(done, NULL);
    executor_submit(x, stuck, NULL);
    executor_submit(x, run, (void *)1); /* dropped by stop */
    poll(NULL, 0, 20);
    int64_t t0 = mono_ms();
    assert_false(executor_stop(x, 200));
    int64_t took = mono_ms() - t0;
    assert_true(took >= 190 && took < 1000);
    atomic_store(&release, 1); /* the detached thread ends by itself */
    poll(NULL, 0, 50);
    assert_int_equal(atomic_load(&n_run), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_runs_in_order),
        cmocka_unit_test(test_stop_does_not_wait_forever),
    };
    return cmocka_run_group_tests_name("executor", tests, NULL, NULL);
}
