/* session_order.c: the default order of sessions, the same for
 * `sesame sessions` and the dashboard: accounts in config order, newest
 * first, ties by session id; whatever order they came in. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>

#include "session_order.h"

struct row {
    size_t rank;
    struct session s;
};

static int cmp(const void *x, const void *y)
{
    const struct row *a = x, *b = y;
    return session_order_cmp(a->rank, &a->s, b->rank, &b->s);
}

static struct row row(size_t rank, int64_t created, const char *id)
{
    struct row r = {0};
    r.rank = rank;
    r.s.created_ms = created;
    r.s.id = id;
    return r;
}

static void test_order(void **state)
{
    const struct row want[] = {
        row(0, 300, "sess_b"), row(0, 200, "sess_a"), row(0, 200, "sess_c"),
        row(0, 0, "sess_0"), /* no creation time: last of its account */
        row(1, 900, "sess_z"), row(1, 100, "sess_y"),
    };
    enum { N = sizeof want / sizeof want[0] };
    /* every rotation of the input gives the same order */
    for (size_t shift = 0; shift < N; shift++) {
        struct row got[N];
        for (size_t i = 0; i < N; i++)
            got[i] = want[(i + shift) % N];
        for (size_t i = 0; i < N / 2; i++) { /* and reversed */
            struct row t = got[i];
            got[i] = got[N - 1 - i];
            got[N - 1 - i] = t;
        }
        qsort(got, N, sizeof got[0], cmp);
        for (size_t i = 0; i < N; i++) {
            assert_int_equal(got[i].rank, want[i].rank);
            assert_string_equal(got[i].s.id, want[i].s.id);
        }
    }
    struct row a = row(0, 5, "x"), b = row(0, 5, "x");
    assert_int_equal(session_order_cmp(a.rank, &a.s, b.rank, &b.s), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_order),
    };
    return cmocka_run_group_tests_name("session_order", tests, NULL, NULL);
}
