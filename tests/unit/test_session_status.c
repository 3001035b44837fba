/* session_status.c: the status a person sees, for every status a provider
 * gives (Clerk's whole list, and the tracked providers' own) before its
 * clock runs out, after its expiry, after its idle limit and after both;
 * the countdown; which filters the provider may apply; a refused refresh. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "session_status.h"

#define T_EXPIRE 10000
#define T_ABANDON 20000

/* Before either limit, after the first one (the expiry of a session that
 * expires first, the idle limit of one that is abandoned first), after both. */
enum when { BEFORE, AFTER_FIRST, AFTER_BOTH };

/* A session as listed: expiry at T_EXPIRE and idle limit at T_ABANDON, or
 * (abandon_first) the other way round. */
static struct session listed(enum session_status st, bool abandon_first)
{
    struct session s = {0};
    s.status = st;
    s.expires_ms = abandon_first ? T_ABANDON : T_EXPIRE;
    s.abandon_ms = abandon_first ? T_EXPIRE : T_ABANDON;
    return s;
}

/* Every status x when: what is seen. A live one (active, pending, unknown)
 * turns into whichever limit passed first; an ended one keeps its word. */
static void test_every_status(void **state)
{
    for (int st = 0; st < SESSION_STATUS_COUNT; st++) {
        bool live = st == SESSION_ACTIVE || st == SESSION_PENDING || st == SESSION_UNKNOWN;
        for (int w = BEFORE; w <= AFTER_BOTH; w++) {
            /* expiry first: at T_EXPIRE it expires; idle limit first: it is abandoned */
            struct session e = listed((enum session_status)st, false);
            struct session a = listed((enum session_status)st, true);
            int64_t now = w == BEFORE ? T_EXPIRE - 1 : w == AFTER_FIRST ? T_EXPIRE : T_ABANDON + 1;
            enum session_status want_e = st, want_a = st;
            if (live && w != BEFORE) {
                want_e = SESSION_EXPIRED;
                want_a = SESSION_ABANDONED;
            }
            assert_int_equal(session_status_seen(&e, now), want_e);
            assert_int_equal(session_status_seen(&a, now), want_a);
            assert_int_equal(session_status_live(session_status_seen(&e, now)),
                             live && w == BEFORE);
        }
    }
}

/* Clerk's list as the fake and Clerk give it: an abandoned session stays
 * abandoned once its expiry has passed (it was shown as expired by
 * `sesame sessions` while the dashboard said abandoned), a replaced one
 * stays replaced. */
static void test_ended_keep_their_word(void **state)
{
    struct session s = listed(SESSION_ABANDONED, false);
    assert_int_equal(session_status_seen(&s, T_ABANDON + 1), SESSION_ABANDONED);
    s = listed(SESSION_REPLACED, false);
    assert_int_equal(session_status_seen(&s, T_EXPIRE + 1), SESSION_REPLACED);
}

/* The tracked providers: no idle limit, an expiry or none. */
static void test_tracked(void **state)
{
    struct session bt = {0}; /* Basis Theory: created (pending), then authorized */
    bt.status = SESSION_PENDING;
    bt.expires_ms = T_EXPIRE;
    assert_int_equal(session_status_seen(&bt, T_EXPIRE - 1), SESSION_PENDING);
    assert_int_equal(session_status_seen(&bt, T_EXPIRE), SESSION_EXPIRED);
    bt.status = SESSION_ACTIVE;
    assert_int_equal(session_status_seen(&bt, T_EXPIRE - 1), SESSION_ACTIVE);
    assert_int_equal(session_status_seen(&bt, T_EXPIRE), SESSION_EXPIRED);
    struct session cbrain = {0}; /* CBRAIN: no expiry at all */
    cbrain.status = SESSION_ACTIVE;
    assert_int_equal(session_status_seen(&cbrain, INT64_MAX), SESSION_ACTIVE);
    cbrain.status = SESSION_EXPIRED; /* a check found it gone */
    assert_int_equal(session_status_seen(&cbrain, 0), SESSION_EXPIRED);
    struct session only_idle = {0};
    only_idle.status = SESSION_ACTIVE;
    only_idle.abandon_ms = T_ABANDON;
    assert_int_equal(session_status_seen(&only_idle, T_ABANDON), SESSION_ABANDONED);
}

static void test_ends_and_time_left(void **state)
{
    struct session s = listed(SESSION_ACTIVE, false);
    assert_int_equal(session_ends_ms(&s), T_EXPIRE);
    s = listed(SESSION_ACTIVE, true);
    assert_int_equal(session_ends_ms(&s), T_EXPIRE); /* the idle limit, first */
    int64_t left = 0;
    assert_true(session_time_left(&s, T_EXPIRE - 250, &left));
    assert_int_equal(left, 250);
    assert_false(session_time_left(&s, T_EXPIRE, &left));
    s.status = SESSION_REVOKED; /* an ended session counts nothing down */
    assert_false(session_time_left(&s, 0, &left));
    struct session none = {0};
    none.status = SESSION_ACTIVE;
    assert_int_equal(session_ends_ms(&none), 0);
    assert_false(session_time_left(&none, 0, &left));
}

static void test_filter_remote(void **state)
{
    assert_true(session_status_filter_remote(SESSION_ACTIVE));
    assert_true(session_status_filter_remote(SESSION_REVOKED));
    assert_true(session_status_filter_remote(SESSION_REPLACED));
    /* an active session whose clock ran out is seen so: the provider's
     * filter would leave it out */
    assert_false(session_status_filter_remote(SESSION_EXPIRED));
    assert_false(session_status_filter_remote(SESSION_ABANDONED));
}

static void test_refused_refresh(void **state)
{
    struct session s = {0};
    s.status = SESSION_ACTIVE;
    s.expires_ms = T_EXPIRE;
    assert_int_equal(session_status_after_refused_refresh(&s, T_EXPIRE - 1), SESSION_UNKNOWN);
    assert_int_equal(session_status_after_refused_refresh(&s, T_EXPIRE), SESSION_EXPIRED);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_status),
        cmocka_unit_test(test_ended_keep_their_word),
        cmocka_unit_test(test_tracked),
        cmocka_unit_test(test_ends_and_time_left),
        cmocka_unit_test(test_filter_remote),
        cmocka_unit_test(test_refused_refresh),
    };
    return cmocka_run_group_tests_name("session_status", tests, NULL, NULL);
}
