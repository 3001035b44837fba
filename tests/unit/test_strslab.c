/* strslab.c: session strings packed in slabs, freed from any thread, a slab
 * returned with its last string, a loud stop on a foreign pointer. */
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

#include "strslab.h"
#include "util.h"

static void test_copies_and_frees(void **state)
{
    size_t before = strslab_count();
    char buf[] = "sess_2tThJc7HsRmSaXEG2";
    const char *a = strslab_dup(buf);
    assert_ptr_not_equal(a, buf);
    buf[0] = 'X'; /* a copy, not a view */
    assert_string_equal(a, "sess_2tThJc7HsRmSaXEG2");
    const char *b = strslab_dupn("client_1 and more", 8);
    assert_string_equal(b, "client_1");
    const char *c = strslab_take(xstrdup("192.0.2.1"));
    assert_string_equal(c, "192.0.2.1");
    assert_null(strslab_dup(NULL));
    const char *e = strslab_dup("");
    assert_string_equal(e, "");
    assert_int_equal(strslab_count(), before + 1); /* all in one slab */
    strslab_free(a);
    strslab_free(b);
    strslab_free(c);
    strslab_free(e);
    strslab_free(NULL);
    strslab_thread_done();
    assert_int_equal(strslab_count(), before);
}

/* 200k ids fill many slabs; each slab goes back with its last string. */
static void test_many_strings_fill_and_return_slabs(void **state)
{
    enum { N = 200000 };
    const char **v = xmalloc(N * sizeof *v);
    char id[40];
    for (int i = 0; i < N; i++) {
        snprintf(id, sizeof id, "sess_%027d", i);
        v[i] = strslab_dup(id);
    }
    assert_true(strslab_count() > 50);
    for (int i = 0; i < N; i++) {
        snprintf(id, sizeof id, "sess_%027d", i);
        assert_string_equal(v[i], id);
    }
    for (int i = 0; i < N; i += 2) /* every other one: the slabs stay */
        strslab_free(v[i]);
    strslab_thread_done();
    assert_true(strslab_count() > 50);
    for (int i = 1; i < N; i += 2)
        strslab_free(v[i]);
    assert_int_equal(strslab_count(), 0);
    free(v);
}

static void test_big_string_gets_its_own_slab(void **state)
{
    size_t len = 200 * 1024; /* more than a slab */
    char *big = xmalloc(len + 1);
    memset(big, 'a', len);
    big[len] = '\0';
    const char *small = strslab_dup("x");
    const char *s = strslab_dup(big);
    assert_int_equal(strlen(s), len);
    assert_int_equal(strslab_count(), 2);
    strslab_free(s);
    assert_int_equal(strslab_count(), 1);
    strslab_set(&small, "y");
    assert_string_equal(small, "y");
    strslab_free(small);
    strslab_thread_done();
    assert_int_equal(strslab_count(), 0);
    free(big);
}

struct handoff {
    const char **v;
    size_t n;
};

static void *make_strings(void *arg)
{
    struct handoff *h = arg;
    char s[32];
    for (size_t i = 0; i < h->n; i++) {
        snprintf(s, sizeof s, "client_%zu", i);
        h->v[i] = strslab_dup(s);
    }
    strslab_thread_done();
    return NULL;
}

/* The worker makes them, the UI frees them. */
static void test_made_by_one_thread_freed_by_another(void **state)
{
    struct handoff h = {xmalloc(50000 * sizeof(char *)), 50000};
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, make_strings, &h), 0);
    pthread_join(t, NULL);
    assert_string_equal(h.v[49999], "client_49999");
    for (size_t i = 0; i < h.n; i++)
        strslab_free(h.v[i]);
    assert_int_equal(strslab_count(), 0);
    free(h.v);
}

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
        const char *keep = strslab_dup("a slab exists"); /* so the mask lands on mapped memory */
        strslab_free(keep + 0x10000);                    /* not the start of a string of it */
        _exit(0);
    }
    int st;
    assert_int_equal(waitpid(pid, &st, 0), pid);
    assert_false(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

/* Under ASan a read past a string's end, or of a freed one, is reported
 * although the slab itself is mapped. */
static void test_asan_sees_overreads(void **state)
{
#if defined(__SANITIZE_ADDRESS__)
    for (int what = 0; what < 2; what++) {
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
            int devnull = open("/dev/null", O_WRONLY);
            if (devnull >= 0)
                dup2(devnull, 2);
            const char *a = strslab_dup("abc");
            const char *b = strslab_dup("def"); /* right after it */
            volatile char c;
            if (what == 0) {
                c = a[5];
            } else {
                strslab_free(a);
                c = a[0];
            }
            (void)c;
            (void)b;
            _exit(0);
        }
        int st;
        assert_int_equal(waitpid(pid, &st, 0), pid);
        assert_false(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    }
#else
    skip();
#endif
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_copies_and_frees),
        cmocka_unit_test(test_many_strings_fill_and_return_slabs),
        cmocka_unit_test(test_big_string_gets_its_own_slab),
        cmocka_unit_test(test_made_by_one_thread_freed_by_another),
        cmocka_unit_test(test_foreign_pointer_stops),
        cmocka_unit_test(test_asan_sees_overreads),
    };
    return cmocka_run_group_tests_name("strslab", tests, NULL, NULL);
}
