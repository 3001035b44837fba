/* query_time.c: times compared in the filter language: expires:<1h (still
 * to come, within the hour), created:>2d (began more than two days ago),
 * their !, a row without the time passing neither, the errors, and how the
 * rest of the language treats them (no highlight, no narrowing guess). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "query.h"
#include "query_time.h"
#include "util.h"

#define MIN (60 * 1000LL)
#define HOUR (60 * MIN)
#define DAY (24 * HOUR)
static const int64_t NOW = 1765029787000LL;

static bool passes(const char *text, const struct session *s)
{
    struct query q;
    query_init(&q);
    char *err = NULL;
    if (query_parse(&q, text, &err) != 0)
        fail_msg("%s: %s", text, err);
    struct column_row r = {s, "prod", "Clerk prod", "clerk", "Clerk"};
    bool yes = query_match_row(&q, &r, NOW);
    query_free(&q);
    return yes;
}

static struct session session(int64_t created, int64_t expires, int64_t abandon)
{
    struct session s;
    memset(&s, 0, sizeof s);
    s.id = "sess_1";
    s.account_id = "prod";
    s.status = SESSION_ACTIVE;
    s.created_ms = created;
    s.last_active_ms = created;
    s.expires_ms = expires;
    s.abandon_ms = abandon;
    return s;
}

static void test_expires(void **state)
{
    struct session soon = session(NOW - 3 * DAY, NOW + 30 * MIN, 0);
    struct session later = session(NOW - HOUR, NOW + 5 * DAY, 0);
    struct session over = session(NOW - 8 * DAY, NOW - HOUR, 0);
    struct session never = session(NOW - HOUR, 0, 0);
    assert_true(passes("expires:<1h", &soon));
    assert_false(passes("expires:<1h", &later));
    assert_false(passes("expires:<1h", &over));   /* run out: not "within the hour ahead" */
    assert_false(passes("expires:<1h", &never));  /* no expiry at all */
    assert_true(passes("expires:>1d", &later));
    assert_false(passes("expires:>1d", &soon));
    assert_true(passes("!expires:<1h", &later));
    assert_false(passes("!expires:<1h", &soon));
    assert_false(passes("!expires:<1h", &never)); /* neither it nor its ! */
    assert_true(passes("status:active expires:<90m", &soon)); /* with text terms */
    assert_false(passes("status:revoked expires:<90m", &soon));
    assert_true(passes("expires:<30m", &soon));   /* at the edge: within */
}

static void test_past_times_and_idle(void **state)
{
    struct session s = session(NOW - 3 * DAY, NOW + 4 * DAY, NOW + 20 * MIN);
    assert_true(passes("created:>2d", &s));
    assert_false(passes("created:<2d", &s));
    assert_true(passes("created:<1w", &s));
    assert_true(passes("last:>1d", &s));          /* the alias of last-active */
    assert_true(passes("idle:<1h", &s));          /* the idle limit comes before the expiry */
    struct session late = session(NOW - HOUR, NOW + HOUR, NOW + 2 * DAY);
    assert_false(passes("idle:<1w", &late));      /* an idle limit after the expiry is none */
}

static void parse_error(const char *text, const char *want)
{
    struct query q;
    query_init(&q);
    char *err = NULL;
    assert_int_equal(query_parse(&q, text, &err), ERR_USAGE);
    if (!strstr(err, want))
        fail_msg("%s: %s (want %s)", text, err, want);
    free(err);
    query_free(&q);
}

static void test_parse(void **state)
{
    parse_error("expires:<soon", "a duration after <, as in expires:<1h");
    parse_error("expires:>1y", "a duration after >");
    parse_error("created:<", "a duration after <");
    struct query q;
    query_init(&q);
    char *err = NULL;
    assert_int_equal(query_parse(&q, "user:<ada> expires:<2h", &err), 0); /* not a time column */
    assert_true(q.timed);
    assert_int_equal(q.n, 2);
    assert_int_equal(q.terms[0].cmp, 0);
    assert_int_equal(q.terms[1].cmp, '<');
    assert_int_equal(q.terms[1].within_ms, 2 * HOUR);
    /* nothing to light in a cell; no guess at narrowing */
    struct query_span sp[4];
    assert_int_equal(query_spans(&q, COLUMN_EXPIRES, "in 1h 05m", sp, 4), 0);
    struct query wider;
    query_init(&wider);
    assert_int_equal(query_parse(&wider, "expires:<3h", &err), 0);
    assert_false(query_narrows(&wider, &q));
    query_free(&wider);
    assert_int_equal(query_parse(&q, "ada", &err), 0);
    assert_false(q.timed);
    query_free(&q);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_expires),
        cmocka_unit_test(test_past_times_and_idle),
        cmocka_unit_test(test_parse),
    };
    return cmocka_run_group_tests_name("query_time", tests, NULL, NULL);
}
