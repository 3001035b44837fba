/* sort.c: `s` going round the columns on screen, and a stable sort by
 * text (naturally: s9 before s10) or number, either way, with rows that
 * have no value last either way. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "columns.h"
#include "sort.h"
#include "util.h"

static void test_next(void **state)
{
    const int shown[] = {COLUMN_PROVIDER, COLUMN_USER, COLUMN_EXPIRES};
    assert_int_equal(sort_next(SORT_NONE, shown, 3), COLUMN_PROVIDER);
    assert_int_equal(sort_next(COLUMN_PROVIDER, shown, 3), COLUMN_USER);
    assert_int_equal(sort_next(COLUMN_USER, shown, 3), COLUMN_EXPIRES);
    assert_int_equal(sort_next(COLUMN_EXPIRES, shown, 3), COLUMN_PROVIDER); /* round again */
    assert_int_equal(sort_next(COLUMN_IP, shown, 3), COLUMN_PROVIDER); /* one not shown */
    assert_int_equal(sort_next(COLUMN_USER, shown, 0), SORT_NONE);     /* nothing on screen */
    assert_int_equal(sort_next(COLUMN_USER, shown + 1, 1), COLUMN_USER); /* the only one */
}

static void order_is(const struct sort_item *v, size_t n, const size_t *want)
{
    for (size_t i = 0; i < n; i++)
        if (v[i].index != want[i])
            fail_msg("position %zu: row %zu, want %zu", i, v[i].index, want[i]);
}

static void test_text(void **state)
{
    struct sort_item v[] = {
        {"sess_10", 0, false, 0}, {"sess_9", 0, false, 1},  {NULL, 0, true, 2},
        {"ada", 0, false, 3},     {"sess_9", 0, false, 4},  {"", 0, true, 5},
        {"łukasz", 0, false, 6},  {"bob", 0, false, 7},
    };
    size_t n = ARRAY_LEN(v);
    sort_items(v, n, false, false);
    order_is(v, n, (const size_t[]){3, 7, 1, 4, 0, 6, 2, 5});
    sort_items(v, n, false, true);
    /* descending: equal ones (rows 1 and 4) still in their first order; no value still last */
    order_is(v, n, (const size_t[]){6, 0, 1, 4, 7, 3, 2, 5});
}

static void test_numbers(void **state)
{
    struct sort_item v[] = {
        {NULL, 300, false, 0}, {NULL, 0, true, 1},     {NULL, -5, false, 2},
        {NULL, 300, false, 3}, {NULL, 100, false, 4},  {NULL, INT64_MAX, false, 5},
    };
    size_t n = ARRAY_LEN(v);
    sort_items(v, n, true, false);
    order_is(v, n, (const size_t[]){2, 4, 0, 3, 5, 1});
    sort_items(v, n, true, true);
    order_is(v, n, (const size_t[]){5, 0, 3, 4, 2, 1});
    sort_items(v, 0, true, true); /* nothing to do */
    sort_items(v, 1, true, false);
    assert_int_equal(v[0].index, 5);
}

static void test_stable_many(void **state)
{
    /* many equal keys: the rows keep their order, both ways */
    enum { N = 5000 };
    struct sort_item *v = xmalloc(N * sizeof *v);
    for (size_t i = 0; i < N; i++)
        v[i] = (struct sort_item){NULL, (int64_t)(i % 3), false, i};
    sort_items(v, N, true, true);
    for (size_t i = 1; i < N; i++) {
        assert_true(v[i - 1].num >= v[i].num);
        if (v[i - 1].num == v[i].num)
            assert_true(v[i - 1].index < v[i].index);
    }
    sort_items(v, N, true, false);
    for (size_t i = 1; i < N; i++)
        if (v[i - 1].num == v[i].num)
            assert_true(v[i - 1].index < v[i].index);
    free(v);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_next),
        cmocka_unit_test(test_text),
        cmocka_unit_test(test_numbers),
        cmocka_unit_test(test_stable_many),
    };
    return cmocka_run_group_tests_name("sort", tests, NULL, NULL);
}
