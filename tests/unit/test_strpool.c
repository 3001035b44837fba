/* strpool.c: one shared copy per distinct string, counted references, safe
 * across threads, and a loud stop on a pointer that is not pooled. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "model.h"
#include "strpool.h"
#include "strslab.h"
#include "util.h"

static void test_equal_strings_share_one_copy(void **state)
{
    size_t before = strpool_count();
    char buf[] = "Berlin, DE";
    const char *a = strpool_get("Berlin, DE");
    const char *b = strpool_get(buf);
    assert_ptr_equal(a, b);
    assert_ptr_not_equal(a, buf);
    assert_string_equal(a, "Berlin, DE");
    const char *c = strpool_getn("Berlin, DE and more", 10);
    assert_ptr_equal(a, c);
    const char *d = strpool_take(xstrdup("Paris, FR"));
    assert_ptr_not_equal(a, d);
    assert_int_equal(strpool_count(), before + 2);
    assert_null(strpool_get(NULL));
    assert_null(strpool_ref(NULL));
    strpool_put(NULL);
    strpool_put(a);
    strpool_put(b);
    strpool_put(d);
    assert_int_equal(strpool_count(), before + 1); /* c still holds Berlin */
    strpool_put(c);
    assert_int_equal(strpool_count(), before);
}

static void test_long_and_empty_strings(void **state)
{
    char *big = xmalloc(1000);
    memset(big, 'x', 999);
    big[999] = '\0';
    const char *a = strpool_getn(big, 999);
    const char *b = strpool_get(big);
    assert_ptr_equal(a, b);
    assert_int_equal(strlen(a), 999);
    const char *e = strpool_get("");
    assert_string_equal(e, "");
    strpool_put(a);
    strpool_put(b);
    strpool_put(e);
    free(big);
    assert_int_equal(strpool_count(), 0);
}

static void test_set_swaps_and_keeps_shared(void **state)
{
    const char *field = strpool_get("desktop");
    const char *other = strpool_ref(field);
    strpool_set(&field, "mobile");
    assert_string_equal(field, "mobile");
    assert_string_equal(other, "desktop"); /* the other holder is untouched */
    strpool_set(&field, NULL);
    assert_null(field);
    strpool_put(other);
    assert_int_equal(strpool_count(), 0);
}

/* Sessions copied, updated and freed give every reference back. */
static void test_sessions_balance_their_references(void **state)
{
    struct session a = {.id = strslab_dup("s1"), .account_id = strpool_get("prod"),
                        .user_id = strpool_get("user_1"), .device = strpool_get("desktop")};
    struct session b;
    session_copy(&b, &a);
    assert_ptr_equal(a.device, b.device);
    struct session u = {.device = strpool_get("mobile"), .place = strpool_get("Oslo, NO")};
    session_update(&b, &u);
    assert_string_equal(b.device, "mobile");
    assert_string_equal(a.device, "desktop");
    assert_string_equal(b.place, "Oslo, NO");
    session_free(&u);
    session_free(&a);
    assert_string_equal(b.place, "Oslo, NO");
    session_free(&b);
    assert_int_equal(strpool_count(), 0);
}

static void *churn(void *arg)
{
    const char *names[] = {"ada", "grace", "edsger", "barbara"};
    unsigned seed = (unsigned)(uintptr_t)arg;
    for (int i = 0; i < 20000; i++) {
        const char *p = strpool_get(names[rand_r(&seed) % 4]);
        const char *q = strpool_ref(p);
        if (strcmp(p, "ada") && strcmp(p, "grace") && strcmp(p, "edsger") && strcmp(p, "barbara"))
            return (void *)1;
        strpool_put(p);
        strpool_put(q);
    }
    return NULL;
}

/* The worker makes pooled strings while the UI drops them. */
static void test_threads_share_the_pool(void **state)
{
    pthread_t t[4];
    for (uintptr_t i = 0; i < 4; i++)
        assert_int_equal(pthread_create(&t[i], NULL, churn, (void *)(i + 1)), 0);
    for (int i = 0; i < 4; i++) {
        void *r;
        pthread_join(t[i], &r);
        assert_null(r);
    }
    assert_int_equal(strpool_count(), 0);
}

/* A malloc'd string handed to strpool_put stops the program rather than
 * corrupting the heap (under ASan the stray read is reported first). */
static void test_foreign_pointer_stops(void **state)
{
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int devnull = open("/dev/null", O_WRONLY);
        if (devnull >= 0)
            dup2(devnull, 2);
        /* die of it: cmocka's handlers would report a failure from here */
        signal(SIGSEGV, SIG_DFL);
        signal(SIGBUS, SIG_DFL);
        signal(SIGABRT, SIG_DFL);
        char *s = xstrdup("not pooled, long enough to have a header before it");
        strpool_put(s);
        _exit(0);
    }
    int st;
    assert_int_equal(waitpid(pid, &st, 0), pid);
    assert_false(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_equal_strings_share_one_copy),
        cmocka_unit_test(test_long_and_empty_strings),
        cmocka_unit_test(test_set_swaps_and_keeps_shared),
        cmocka_unit_test(test_sessions_balance_their_references),
        cmocka_unit_test(test_threads_share_the_pool),
        cmocka_unit_test(test_foreign_pointer_stops),
    };
    return cmocka_run_group_tests_name("strpool", tests, NULL, NULL);
}
