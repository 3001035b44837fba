/* budget.c: "N/10s" and the token bucket that paces an account's requests. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "budget.h"

static void check_rate(const char *s, int requests, int64_t window_ms)
{
    struct rate r = {-1, -1};
    char *err = NULL;
    assert_int_equal(rate_parse(s, &r, &err), 0);
    assert_null(err);
    assert_int_equal(r.requests, requests);
    assert_int_equal(r.window_ms, window_ms);
}

static void check_bad_rate(const char *s, const char *why)
{
    struct rate r;
    char *err = NULL;
    assert_int_equal(rate_parse(s, &r, &err), -1);
    assert_non_null(err);
    assert_non_null(strstr(err, why));
    assert_non_null(strstr(err, "N/10s")); /* says how to write it */
    free(err);
}

static void test_rate_parse(void **state)
{
    check_rate("50/10s", 50, 10000);
    check_rate("5/1s", 5, 1000);
    check_rate("5/s", 5, 1000);
    check_rate("300/1m", 300, 60000);
    check_rate("300/min", 300, 60000);
    check_rate("1000/10000ms", 1000, 10000);
    check_rate("2/1h", 2, 3600000);
    check_rate("off", 0, 0);
    check_rate("none", 0, 0);
    check_bad_rate("", "number");
    check_bad_rate("fast", "number");
    check_bad_rate("0/10s", "1 to 1000000");
    check_bad_rate("-5/10s", "number");
    check_bad_rate("50", "no /window");
    check_bad_rate("50/10", "unit");
    check_bad_rate("50/10 s", "unit");
    check_bad_rate("50/0s", "zero");
    check_bad_rate("50/2d", "unit");
    check_bad_rate("50/25h", "longer than a day");
    check_bad_rate("99999999999999/1s", "1 to 1000000");
}

static void test_rate_format_round_trips(void **state)
{
    const char *in[] = {"50/10s", "5/1s", "300/1m", "2/1h", "7/250ms", "off"};
    for (size_t i = 0; i < sizeof in / sizeof *in; i++) {
        struct rate r;
        assert_int_equal(rate_parse(in[i], &r, NULL), 0);
        char buf[32];
        rate_format(&r, buf, sizeof buf);
        assert_string_equal(buf, in[i]);
    }
}

/* How many requests start in [from, until) when each asks again as soon
 * as it is told to; their times in times[] when given. */
static int sent_until(struct budget *b, int64_t from, int64_t until, int64_t *times, int max)
{
    int n = 0;
    int64_t t = from;
    while (t < until) {
        int64_t wait = budget_take(b, t);
        if (wait == 0) {
            if (times && n < max)
                times[n] = t;
            n++;
        } else {
            t += wait;
        }
    }
    return n;
}

static void test_a_window_at_once_then_as_sends_leave(void **state)
{
    struct rate r = {50, 10000};
    struct budget b;
    budget_init(&b, &r, 1000);
    for (int i = 0; i < 50; i++)
        assert_int_equal(budget_take(&b, 1000), 0);
    /* the 51st when the first leaves the window, exactly */
    assert_int_equal(budget_take(&b, 1000), 10000);
    assert_int_equal(budget_take(&b, 10999), 1);
    assert_int_equal(budget_take(&b, 11000), 0);
    budget_free(&b);
    /* over a long run: the configured rate, never more */
    budget_init(&b, &r, 0);
    assert_int_equal(sent_until(&b, 0, 100000, NULL, 0), 500);
    budget_free(&b);
}

static void test_no_window_holds_more_than_the_budget(void **state)
{
    /* Half of the provider's limit is the budget: what it sends in ANY
     * window stays within it (a token bucket's burst and refill together
     * would send twice as much, all of the provider's limit). */
    struct rate r = {50, 10000};
    struct budget b;
    budget_init(&b, &r, 0);
    static int64_t times[1000];
    /* asking at odd moments, not only as soon as told */
    int n = 0;
    for (int64_t t = 0; t < 60000 && n < 1000; t += 37) {
        if (budget_take(&b, t) == 0)
            times[n++] = t;
    }
    assert_true(n >= 290);
    for (int i = 0; i < n; i++) {
        int in_window = 0;
        for (int k = i; k < n && times[k] < times[i] + 10000; k++)
            in_window++;
        assert_true(in_window <= 50);
    }
    budget_free(&b);
}

static void test_refused_blocks_halves_and_grows_back(void **state)
{
    struct rate r = {100, 10000};
    struct budget b;
    budget_init(&b, &r, 0);
    budget_refused(&b, 3000, 0);
    assert_int_equal(budget_take(&b, 0), 3000);
    assert_int_equal(budget_take(&b, 2999), 1);
    /* after the block: 50 a window */
    assert_int_equal(sent_until(&b, 3000, 13000, NULL, 0), 50);
    /* answers without refusals: back to 100 within ten windows */
    for (int64_t t = 13000; t < 13000 + 11 * 10000; t += 100)
        budget_answered(&b, t);
    assert_int_equal(b.limit, 100);
    /* a 429 without Retry-After still waits */
    budget_refused(&b, -1, 200000);
    assert_true(budget_take(&b, 200000) > 0);
    budget_free(&b);
}

static void test_refusals_together_halve_once(void **state)
{
    struct rate r = {100, 10000};
    struct budget b;
    budget_init(&b, &r, 0);
    for (int i = 0; i < 6; i++) /* six requests on their way, all refused */
        budget_refused(&b, 1000, 5 + i);
    assert_int_equal(b.limit, 50);
    budget_refused(&b, 1000, 10100); /* a window later: again */
    assert_int_equal(b.limit, 25);
    budget_free(&b);
}

static void test_refusals_never_stop_it(void **state)
{
    struct rate r = {10, 10000};
    struct budget b;
    budget_init(&b, &r, 0);
    for (int i = 0; i < 40; i++)
        budget_refused(&b, 0, i * 10000LL);
    assert_int_equal(b.limit, 1); /* one request per window at the least */
    assert_int_equal(sent_until(&b, 390000, 420010, NULL, 0), 4);
    budget_free(&b);
}

static void test_shrunk_limit_waits_for_enough_to_leave(void **state)
{
    struct rate r = {10, 1000};
    struct budget b;
    budget_init(&b, &r, 0);
    for (int i = 0; i < 10; i++)
        assert_int_equal(budget_take(&b, i * 10), 0); /* sent at 0, 10 .. 90 */
    budget_refused(&b, 0, 95); /* 5 a window now: the 6th newest must leave */
    assert_int_equal(budget_take(&b, 100), 1050 - 100);
    assert_int_equal(budget_take(&b, 1050), 0);
    budget_free(&b);
}

static void test_unlimited_and_blocked(void **state)
{
    struct rate off = {0, 0};
    struct budget b;
    budget_init(&b, &off, 0);
    assert_true(budget_unlimited(&b));
    for (int i = 0; i < 10000; i++)
        assert_int_equal(budget_take(&b, 5), 0);
    /* even without a limit of its own, a provider's 429 is honoured */
    budget_refused(&b, 2000, 10);
    assert_int_equal(budget_take(&b, 10), 2000);
    assert_int_equal(budget_take(&b, 2010), 0);
    budget_block(&b, 500, 3000);
    assert_int_equal(budget_take(&b, 3100), 400);
    budget_block(&b, 0, 3100); /* nothing to wait for: no change */
    assert_int_equal(budget_take(&b, 3500), 0);
    budget_free(&b);
}

static void test_huge_budgets_keep_their_rate(void **state)
{
    struct rate r = {1000000, 1000};
    struct budget b;
    budget_init(&b, &r, 0);
    assert_int_equal(b.slots, BUDGET_MAX_SLOTS);
    assert_int_equal(b.window_ms, 10);
    int n = sent_until(&b, 0, 1000, NULL, 0);
    assert_int_equal(n, 1000000);
    budget_free(&b);
}

static void test_set_rate_keeps_what_was_sent(void **state)
{
    struct rate r = {10, 1000};
    struct budget b;
    budget_init(&b, &r, 0);
    for (int i = 0; i < 10; i++)
        assert_int_equal(budget_take(&b, 0), 0);
    struct rate more = {20, 1000};
    budget_set_rate(&b, &more, 0);
    /* a new rate is not a fresh window on top of what was just sent */
    int n = 0;
    while (budget_take(&b, 0) == 0)
        n++;
    assert_int_equal(n, 10);
    budget_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rate_parse),
        cmocka_unit_test(test_rate_format_round_trips),
        cmocka_unit_test(test_a_window_at_once_then_as_sends_leave),
        cmocka_unit_test(test_no_window_holds_more_than_the_budget),
        cmocka_unit_test(test_refused_blocks_halves_and_grows_back),
        cmocka_unit_test(test_refusals_together_halve_once),
        cmocka_unit_test(test_refusals_never_stop_it),
        cmocka_unit_test(test_shrunk_limit_waits_for_enough_to_leave),
        cmocka_unit_test(test_unlimited_and_blocked),
        cmocka_unit_test(test_huge_budgets_keep_their_rate),
        cmocka_unit_test(test_set_rate_keeps_what_was_sent),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
