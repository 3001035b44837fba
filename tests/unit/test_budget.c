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

/* How many requests start in [0, until) when each asks again as soon as it
 * is told to. */
static int sent_until(struct budget *b, int64_t from, int64_t until)
{
    int n = 0;
    int64_t t = from;
    while (t < until) {
        int64_t wait = budget_take(b, t);
        if (wait == 0)
            n++;
        else
            t += wait;
    }
    return n;
}

static void test_bucket_bursts_a_window_then_paces(void **state)
{
    struct rate r = {50, 10000};
    struct budget b;
    budget_init(&b, &r, 1000);
    for (int i = 0; i < 50; i++)
        assert_int_equal(budget_take(&b, 1000), 0);
    int64_t wait = budget_take(&b, 1000);
    assert_in_range(wait, 195, 201); /* one request per 200 ms */
    assert_int_equal(budget_take(&b, 1000 + wait), 0);
    /* over a long run: the configured rate, never more */
    struct budget c;
    budget_init(&c, &r, 0);
    int n = sent_until(&c, 0, 100000);
    assert_in_range(n, 50 + 490, 50 + 500);
}

static void test_any_window_stays_within_twice_the_rate(void **state)
{
    /* Half the provider's limit is the budget; a burst and the refill
     * within any one window never exceed the limit itself. */
    struct rate r = {50, 10000};
    struct budget b;
    budget_init(&b, &r, 0);
    int64_t times[2000];
    int n = 0;
    for (int64_t t = 0; t < 60000 && n < 2000;) {
        int64_t wait = budget_take(&b, t);
        if (wait == 0)
            times[n++] = t;
        else
            t += wait;
    }
    for (int i = 0; i < n; i++) {
        int in_window = 0;
        for (int k = i; k < n && times[k] < times[i] + 10000; k++)
            in_window++;
        assert_true(in_window <= 100);
    }
}

static void test_refused_blocks_shrinks_and_grows_back(void **state)
{
    struct rate r = {100, 10000};
    struct budget b;
    budget_init(&b, &r, 0);
    budget_refused(&b, 3000, 0);
    assert_int_equal(budget_take(&b, 0), 3000);
    assert_int_equal(budget_take(&b, 2999), 1);
    /* after the block: half the rate (one per 200 ms), no burst saved up */
    int n = sent_until(&b, 3000, 13000);
    assert_in_range(n, 45, 55);
    /* answers without refusals: back to the full rate within ten windows */
    for (int64_t t = 13000; t < 13000 + 12 * 10000; t += 100)
        budget_answered(&b, t);
    assert_true(b.rate_per_ms > 0.0099);
    /* a 429 without Retry-After still waits */
    budget_refused(&b, -1, 200000);
    assert_true(budget_take(&b, 200000) > 0);
}

static void test_refusals_together_halve_once(void **state)
{
    struct rate r = {100, 10000};
    struct budget b;
    budget_init(&b, &r, 0);
    for (int i = 0; i < 6; i++) /* six requests on their way, all refused */
        budget_refused(&b, 1000, 5 + i);
    assert_true(b.rate_per_ms > 0.0049 && b.rate_per_ms < 0.0051);
    budget_refused(&b, 1000, 10100); /* a window later: again */
    assert_true(b.rate_per_ms > 0.0024 && b.rate_per_ms < 0.0026);
}

static void test_refusals_never_stop_it(void **state)
{
    struct rate r = {10, 10000};
    struct budget b;
    budget_init(&b, &r, 0);
    for (int i = 0; i < 40; i++)
        budget_refused(&b, 0, i * 10000LL);
    /* one request per window at the least */
    assert_int_equal(sent_until(&b, 390000, 420010), 3); /* from the last refusal */
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
}

static void test_set_rate_keeps_what_was_spent(void **state)
{
    struct rate r = {10, 1000};
    struct budget b;
    budget_init(&b, &r, 0);
    for (int i = 0; i < 10; i++)
        assert_int_equal(budget_take(&b, 0), 0);
    struct rate more = {20, 1000};
    budget_set_rate(&b, &more, 0);
    /* a new rate is not a fresh burst on top of what was just sent */
    int n = 0;
    while (budget_take(&b, 0) == 0)
        n++;
    assert_int_equal(n, 10);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rate_parse),
        cmocka_unit_test(test_rate_format_round_trips),
        cmocka_unit_test(test_bucket_bursts_a_window_then_paces),
        cmocka_unit_test(test_any_window_stays_within_twice_the_rate),
        cmocka_unit_test(test_refused_blocks_shrinks_and_grows_back),
        cmocka_unit_test(test_refusals_together_halve_once),
        cmocka_unit_test(test_refusals_never_stop_it),
        cmocka_unit_test(test_unlimited_and_blocked),
        cmocka_unit_test(test_set_rate_keeps_what_was_spent),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
