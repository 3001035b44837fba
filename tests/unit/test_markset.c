/* markset.c: the marks' set of 64-bit keys: add, has, remove (the entries
 * that probed past a removed one stay found), clear, growth; and the keys
 * of sessions: different for another account or id, never 0; and the
 * speed of marking 100k rows. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "markset.h"
#include "util.h"

static void test_keys(void **state)
{
    uint64_t prod = markset_account("prod");
    uint64_t a = markset_key(prod, "sess_1"), b = markset_key(markset_account("staging"), "sess_1");
    assert_true(a != b);
    assert_true(markset_key(prod, "sess_2") != a);
    assert_true(markset_key(markset_account("pro"), "dsess_1") != a);
    assert_true(markset_key(prod, "sess_12345678") != markset_key(prod, "sess_1234567"));
    assert_true(markset_key(prod, "sess_1234567\0") == markset_key(prod, "sess_1234567"));
    assert_int_equal(markset_key(prod, "sess_1"), a);
    assert_true(markset_key(markset_account(NULL), NULL) != 0);
}

static void test_add_has_remove(void **state)
{
    struct markset m;
    markset_init(&m);
    assert_false(markset_has(&m, 5));
    assert_false(markset_remove(&m, 5));
    assert_true(markset_add(&m, 5));
    assert_false(markset_add(&m, 5));
    assert_true(markset_has(&m, 5));
    assert_int_equal(m.n, 1);
    /* keys of one home slot: removing the first keeps the others found */
    uint64_t same[] = {64 + 7, 128 + 7, 256 + 7, 7};
    for (size_t i = 0; i < 4; i++)
        assert_true(markset_add(&m, same[i]));
    assert_true(markset_remove(&m, same[0]));
    for (size_t i = 1; i < 4; i++)
        assert_true(markset_has(&m, same[i]));
    assert_false(markset_has(&m, same[0]));
    assert_int_equal(m.n, 4);
    markset_clear(&m);
    assert_int_equal(m.n, 0);
    assert_false(markset_has(&m, 5));
    markset_free(&m);
}

static void test_many(void **state)
{
    struct markset m;
    markset_init(&m);
    enum { N = 100000 };
    char id[32];
    char (*ids)[32] = malloc(N * sizeof *ids);
    for (int i = 0; i < N; i++)
        snprintf(ids[i], sizeof ids[i], "sess_2%025d", i); /* as long as Clerk's */
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0); /* what mark-all does: key and add each row */
    uint64_t acc = markset_account("clerk-production");
    markset_reserve(&m, N);
    for (int i = 0; i < N; i++)
        markset_add(&m, markset_key(acc, ids[i]));
    clock_gettime(CLOCK_MONOTONIC, &t1);
    for (int i = 0; i < N; i++)
        assert_true(markset_has(&m, markset_key(acc, ids[i])));
    free(ids);
    markset_clear(&m);
    for (int i = 0; i < N; i++) {
        snprintf(id, sizeof id, "sess_%08d", i);
        assert_true(markset_add(&m, markset_key(markset_account("prod"), id)));
    }
    double ms = (t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6;
    printf("marking 100k: %.2f ms\n", ms);
    assert_int_equal(m.n, N);
    for (int i = 0; i < N; i += 2) {
        snprintf(id, sizeof id, "sess_%08d", i);
        assert_true(markset_remove(&m, markset_key(markset_account("prod"), id)));
    }
    for (int i = 0; i < N; i++) {
        snprintf(id, sizeof id, "sess_%08d", i);
        assert_int_equal(markset_has(&m, markset_key(markset_account("prod"), id)), i % 2 == 1);
    }
    assert_int_equal(m.n, N / 2);
    markset_free(&m);
    assert_true(ms < 50); /* a keypress, even under a sanitizer */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_keys),
        cmocka_unit_test(test_add_has_remove),
        cmocka_unit_test(test_many),
    };
    return cmocka_run_group_tests_name("markset", tests, NULL, NULL);
}
