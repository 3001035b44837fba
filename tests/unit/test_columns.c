/* columns.c: the registry of session columns. Every column's text in
 * relative and absolute time (both of Clerk's countdowns), names and
 * lists as --columns and `set columns` take them, the sort comparator, and
 * the layout into 60, 80, 120 and 200 columns with the readable minimums
 * of the session id and the account label. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "columns.h"
#include "util.h"

#define MIN 60000LL
#define HOUR (60 * MIN)
#define DAY (24 * HOUR)
#define NOW 1765029780000LL /* 2025-12-06T14:03:00Z */

static int setup(void **state)
{
    setenv("TZ", "UTC", 1);
    tzset();
    if (!setlocale(LC_ALL, "C.UTF-8"))
        return -1;
    return 0;
}

static struct session clerk_session(void)
{
    struct session s = {0};
    s.id = "sess_2dp0a1wMtIJY5kePaBlUeUY7ctn";
    s.account_id = "clerk-prod";
    s.user_id = "user_2dp0";
    s.user_display = "Ada Lovelace <ada@example.com>";
    s.client_id = "client_2x";
    s.status = SESSION_ACTIVE;
    s.created_ms = NOW - 3 * HOUR;
    s.last_active_ms = NOW - 12 * MIN;
    s.expires_ms = NOW + 6 * DAY + 2 * HOUR;
    s.abandon_ms = NOW + 45 * MIN; /* the idle limit comes first */
    s.device = "desktop";
    s.browser = "Firefox 128";
    s.ip = "192.0.2.10";
    s.place = "Berlin, DE";
    return s;
}

static struct column_row row_of(const struct session *s)
{
    struct column_row r = {s, "clerk-prod", "Clerk production", "clerk", "Clerk"};
    return r;
}

static void text_is(enum column_id c, const struct column_row *r, int64_t now,
                    enum time_mode tm, const char *want)
{
    char buf[COLUMN_TEXT_MAX];
    const char *got = column_text(c, r, now, tm, buf);
    if (!want) {
        if (got)
            fail_msg("%s: wanted no text, got \"%s\"", column_def(c)->name, got);
        return;
    }
    if (!got)
        fail_msg("%s: wanted \"%s\", got none", column_def(c)->name, want);
    if (strcmp(got, want) != 0)
        fail_msg("%s: wanted \"%s\", got \"%s\"", column_def(c)->name, want, got);
}

/* Every column of a Clerk session, relative then absolute. */
static void test_every_column_text(void **state)
{
    struct session s = clerk_session();
    struct column_row r = row_of(&s);
    static const struct {
        enum column_id c;
        const char *relative, *absolute;
    } want[] = {
        {COLUMN_PROVIDER, "Clerk", "Clerk"},
        {COLUMN_PROVIDER_ID, "clerk", "clerk"},
        {COLUMN_ACCOUNT, "Clerk production", "Clerk production"},
        {COLUMN_ACCOUNT_ID, "clerk-prod", "clerk-prod"},
        {COLUMN_USER, "Ada Lovelace <ada@example.com>", "Ada Lovelace <ada@example.com>"},
        {COLUMN_USER_ID, "user_2dp0", "user_2dp0"},
        {COLUMN_SESSION, "sess_2dp0a1wMtIJY5kePaBlUeUY7ctn", "sess_2dp0a1wMtIJY5kePaBlUeUY7ctn"},
        {COLUMN_CLIENT, "client_2x", "client_2x"},
        {COLUMN_STATUS, "active", "active"},
        {COLUMN_CREATED, "3h ago", "2025-12-06 11:03"},
        {COLUMN_LAST_ACTIVE, "12m ago", "2025-12-06 13:51"},
        {COLUMN_EXPIRES, "in 6d 02h", "2025-12-12 16:03"},
        {COLUMN_IDLE, "in 45m 00s", "2025-12-06 14:48"},
        {COLUMN_DEVICE, "desktop", "desktop"},
        {COLUMN_BROWSER, "Firefox 128", "Firefox 128"},
        {COLUMN_IP, "192.0.2.10", "192.0.2.10"},
        {COLUMN_PLACE, "Berlin, DE", "Berlin, DE"},
        {COLUMN_COUNTRY, "DE", "DE"},
        {COLUMN_FLAGS, NULL, NULL}, /* issue 14 fills it in */
    };
    assert_int_equal(ARRAY_LEN(want), COLUMN_COUNT);
    for (size_t i = 0; i < ARRAY_LEN(want); i++) {
        assert_int_equal(want[i].c, (enum column_id)i); /* the table covers every column */
        text_is(want[i].c, &r, NOW, TIME_RELATIVE, want[i].relative);
        text_is(want[i].c, &r, NOW, TIME_ABSOLUTE, want[i].absolute);
    }
    /* in another zone the absolute times move, the relative ones do not */
    setenv("TZ", "CET-1", 1);
    tzset();
    text_is(COLUMN_CREATED, &r, NOW, TIME_ABSOLUTE, "2025-12-06 12:03");
    text_is(COLUMN_CREATED, &r, NOW, TIME_RELATIVE, "3h ago");
    setenv("TZ", "UTC", 1);
    tzset();
}

/* What is missing has no text; the user falls back to the id; the
 * account and provider to their ids. */
static void test_missing_values(void **state)
{
    struct session s = {0};
    s.id = "vault-1";
    s.user_id = "consumer-7";
    s.user_display = ""; /* empty is as good as none */
    s.status = SESSION_PENDING;
    s.place = "Springfield";
    struct column_row r = {&s, "vault", NULL, "apideck", NULL};
    for (int tm = TIME_RELATIVE; tm <= TIME_ABSOLUTE; tm++) {
        text_is(COLUMN_USER, &r, NOW, tm, "consumer-7");
        text_is(COLUMN_ACCOUNT, &r, NOW, tm, "vault");
        text_is(COLUMN_PROVIDER, &r, NOW, tm, "apideck");
        text_is(COLUMN_CREATED, &r, NOW, tm, NULL);
        text_is(COLUMN_LAST_ACTIVE, &r, NOW, tm, NULL);
        text_is(COLUMN_EXPIRES, &r, NOW, tm, NULL);
        text_is(COLUMN_IDLE, &r, NOW, tm, NULL);
        text_is(COLUMN_CLIENT, &r, NOW, tm, NULL);
        text_is(COLUMN_DEVICE, &r, NOW, tm, NULL);
        text_is(COLUMN_COUNTRY, &r, NOW, tm, NULL); /* a city is not a country */
        text_is(COLUMN_STATUS, &r, NOW, tm, "pending");
    }
    s.place = "FR";
    text_is(COLUMN_COUNTRY, &r, NOW, TIME_RELATIVE, "FR");
    s.place = "São Paulo, BR";
    text_is(COLUMN_COUNTRY, &r, NOW, TIME_RELATIVE, "BR");
}

/* Both of Clerk's countdowns: the idle limit shows only when it comes
 * before the expiry; in relative time both count down only while the
 * session is live, and the status says how it ended. */
static void test_countdowns(void **state)
{
    struct session s = clerk_session();
    struct column_row r = row_of(&s);
    /* idle limit after the expiry: it will never matter */
    s.abandon_ms = s.expires_ms + DAY;
    text_is(COLUMN_IDLE, &r, NOW, TIME_RELATIVE, NULL);
    text_is(COLUMN_IDLE, &r, NOW, TIME_ABSOLUTE, NULL);
    /* no expiry known: the idle limit is what ends it */
    s.expires_ms = 0;
    s.abandon_ms = NOW + 2 * HOUR + 5 * MIN;
    text_is(COLUMN_IDLE, &r, NOW, TIME_RELATIVE, "in 2h 05m");
    text_is(COLUMN_EXPIRES, &r, NOW, TIME_RELATIVE, NULL);
    /* past the idle limit: abandoned, nothing counts down; the times stay */
    s = clerk_session();
    int64_t later = s.abandon_ms + MIN;
    text_is(COLUMN_STATUS, &r, later, TIME_RELATIVE, "abandoned");
    text_is(COLUMN_IDLE, &r, later, TIME_RELATIVE, NULL);
    text_is(COLUMN_EXPIRES, &r, later, TIME_RELATIVE, NULL);
    text_is(COLUMN_IDLE, &r, later, TIME_ABSOLUTE, "2025-12-06 14:48");
    text_is(COLUMN_EXPIRES, &r, later, TIME_ABSOLUTE, "2025-12-12 16:03");
    /* revoked before its time: no countdown either */
    s.status = SESSION_REVOKED;
    text_is(COLUMN_EXPIRES, &r, NOW, TIME_RELATIVE, NULL);
    text_is(COLUMN_IDLE, &r, NOW, TIME_RELATIVE, NULL);
    text_is(COLUMN_STATUS, &r, NOW, TIME_RELATIVE, "revoked");
    /* a pending one counts down (Basis Theory's 3 minutes) */
    s = clerk_session();
    s.status = SESSION_PENDING;
    s.abandon_ms = 0;
    s.expires_ms = NOW + 3 * MIN;
    text_is(COLUMN_EXPIRES, &r, NOW, TIME_RELATIVE, "in 3m 00s");
    text_is(COLUMN_EXPIRES, &r, NOW + 3 * MIN, TIME_RELATIVE, NULL);
    text_is(COLUMN_STATUS, &r, NOW + 3 * MIN, TIME_RELATIVE, "expired");
}

static void test_relative_past(void **state)
{
    struct session s = clerk_session();
    struct column_row r = row_of(&s);
    static const struct {
        int64_t ago;
        const char *text;
    } want[] = {
        {0, "just now"}, {59999, "just now"}, {MIN, "1m ago"}, {HOUR - 1, "59m ago"},
        {HOUR, "1h ago"}, {DAY - 1, "23h ago"}, {DAY, "1d ago"}, {364 * DAY, "364d ago"},
        {365 * DAY, "1y ago"}, {800 * DAY, "2y ago"}, {-5 * MIN, "in 5m 00s"},
    };
    for (size_t i = 0; i < ARRAY_LEN(want); i++) {
        s.created_ms = NOW - want[i].ago;
        text_is(COLUMN_CREATED, &r, NOW, TIME_RELATIVE, want[i].text);
    }
}

static void test_names(void **state)
{
    for (int c = 0; c < COLUMN_COUNT; c++) {
        const struct column_def *d = column_def((enum column_id)c);
        assert_non_null(d->name);
        assert_non_null(d->title);
        assert_non_null(d->about);
        assert_true(d->min >= 1 && d->min <= d->want);
        assert_int_equal(column_find(d->name), c);
    }
    assert_int_equal(column_find("LAST_ACTIVE"), COLUMN_LAST_ACTIVE);
    assert_int_equal(column_find("Session"), COLUMN_SESSION);
    assert_int_equal(column_find("sessions"), -1);
    assert_int_equal(column_find(""), -1);
    assert_int_equal(column_find(NULL), -1);
    assert_null(column_def(COLUMN_COUNT));
}

static void parses(const char *list, const char *want_format)
{
    struct column_set set;
    char *err = NULL;
    if (columns_parse(list, &set, &err) != 0)
        fail_msg("'%s': %s", list, err);
    char *f = columns_format(&set);
    assert_string_equal(f, want_format);
    free(f);
}

static void refused(const char *list, const char *want_in_error)
{
    struct column_set set = {.n = 99};
    char *err = NULL;
    assert_int_equal(columns_parse(list, &set, &err), ERR_USAGE);
    assert_non_null(err);
    if (!strstr(err, want_in_error))
        fail_msg("'%s': \"%s\" lacks \"%s\"", list, err, want_in_error);
    assert_int_equal(set.n, 99); /* untouched */
    free(err);
}

static void test_parse_list(void **state)
{
    parses("account,user,session", "account,user,session");
    parses(" status , Last_Active,idle ", "status,last-active,idle");
    parses("flags", "flags");
    char *all = column_names();
    assert_non_null(strstr(all, "provider, provider-id, account"));
    free(all);
    refused("account,sesion", "unknown column 'sesion' (did you mean session?)");
    refused("acount", "did you mean account?");
    refused("frobnicate", "unknown column 'frobnicate'; the columns: provider,");
    refused("user,user", "'user' is listed twice");
    refused("user,,session", "an empty column name");
    refused("user,", "an empty column name");
    refused("", "no columns");
    refused("   ", "no columns");
    refused(NULL, "no columns");
    /* the default sets are valid sets: no column twice */
    const struct column_set *sets[] = {&columns_default_table, &columns_default_dashboard};
    for (size_t k = 0; k < 2; k++) {
        char *f = columns_format(sets[k]);
        parses(f, f);
        free(f);
    }
}

static void test_compare(void **state)
{
    struct session a = clerk_session(), b = clerk_session(), none = {0};
    struct column_row ra = row_of(&a), rb = row_of(&b), rn = row_of(&none);
    a.id = "sess_9";
    b.id = "sess_10";
    assert_true(column_compare(COLUMN_SESSION, &ra, &rb, NOW) < 0); /* naturally: 9 < 10 */
    a.user_display = "ada";
    b.user_display = "Bob";
    assert_true(column_compare(COLUMN_USER, &ra, &rb, NOW) < 0);    /* case aside */
    assert_true(column_compare(COLUMN_USER, &rb, &ra, NOW) > 0);
    b.user_display = "ADA";
    assert_int_equal(column_compare(COLUMN_USER, &ra, &rb, NOW), 0);
    /* no value: last, whichever side */
    assert_true(column_compare(COLUMN_USER, &rn, &ra, NOW) > 0);
    assert_true(column_compare(COLUMN_USER, &ra, &rn, NOW) < 0);
    assert_int_equal(column_compare(COLUMN_CREATED, &rn, &rn, NOW), 0);
    /* times by time, not by text */
    a.created_ms = NOW - 2 * DAY;
    b.created_ms = NOW - 3 * HOUR;
    assert_true(column_compare(COLUMN_CREATED, &ra, &rb, NOW) < 0);
    assert_true(column_compare(COLUMN_CREATED, &rn, &rb, NOW) > 0);
    /* the status as seen: an active session past its expiry sorts as expired */
    b.expires_ms = NOW - 1;
    b.abandon_ms = 0;
    assert_true(column_compare(COLUMN_STATUS, &ra, &rb, NOW) < 0);
    assert_int_equal(SESSION_ACTIVE < SESSION_EXPIRED, 1);
    /* the idle limit sorts only where it is shown */
    assert_true(column_compare(COLUMN_IDLE, &ra, &rn, NOW) < 0);
    a.abandon_ms = a.expires_ms + 1;
    assert_int_equal(column_compare(COLUMN_IDLE, &ra, &rn, NOW), 0);
}

/* A steady key is the same whatever the clock says (the dashboard keeps an
 * order sorted by one); the status is not (active, then expired). */
static void test_steady_keys(void **state)
{
    struct session s = clerk_session();
    struct column_row r = row_of(&s);
    size_t steady = 0;
    for (int c = 0; c < COLUMN_COUNT; c++) {
        if (!column_sort_key_steady((enum column_id)c))
            continue;
        steady++;
        int64_t n1, n2;
        const char *t1, *t2;
        char b1[COLUMN_TEXT_MAX], b2[COLUMN_TEXT_MAX];
        bool h1 = column_sort_key((enum column_id)c, &r, NOW, &n1, &t1, b1);
        bool h2 = column_sort_key((enum column_id)c, &r, NOW + 30 * DAY, &n2, &t2, b2);
        assert_int_equal(h1, h2);
        assert_int_equal(n1, n2);
        assert_string_equal(t1 ? t1 : "", t2 ? t2 : "");
    }
    assert_int_equal(steady, 4); /* created, last active, expires, idle */
    assert_false(column_sort_key_steady(COLUMN_STATUS));
}

/* ---- layout ---- */

static int used(const int *w, size_t n, int gap)
{
    int sum = 0, shown = 0;
    for (size_t i = 0; i < n; i++)
        if (w[i] > 0) {
            sum += w[i];
            shown++;
        }
    return sum + (shown > 1 ? (shown - 1) * gap : 0);
}

static int width_of(const struct column_set *set, const int *w, enum column_id c)
{
    for (size_t i = 0; i < set->n; i++)
        if (set->v[i] == c)
            return w[i];
    return -1;
}

/* The headless table's columns, as wide as the demo's cells and headers:
 * "Clerk production", "Basis Theory", "Ada Lovelace <ada@example.com>", a
 * Clerk session id, "abandoned", "LAST ACTIVE", "in 6d 23h", "IDLE LIMIT". */
static const int table_natural[] = {16, 12, 30, 32, 9, 8, 11, 9, 10, 9};

static void table_at(int total, int *w)
{
    struct column_layout in = {columns_default_table.v, columns_default_table.n, table_natural,
                               total, 2, false, TIME_RELATIVE};
    columns_layout(&in, w);
}

static void test_layout_table(void **state)
{
    const struct column_set *set = &columns_default_table;
    assert_int_equal(ARRAY_LEN(table_natural), set->n);
    int w[COLUMN_COUNT];
    /* 200: everything whole, nothing wider than its cells */
    table_at(200, w);
    assert_memory_equal(w, table_natural, sizeof table_natural);
    /* 120: the session id and the account label whole */
    table_at(120, w);
    assert_true(used(w, set->n, 2) <= 120);
    assert_int_equal(width_of(set, w, COLUMN_SESSION), 32);
    assert_int_equal(width_of(set, w, COLUMN_ACCOUNT), 16);
    assert_int_equal(width_of(set, w, COLUMN_STATUS), 9);
    assert_true(width_of(set, w, COLUMN_EXPIRES) > 0);
    assert_true(width_of(set, w, COLUMN_USER) >= 15);
    /* 80: the session id still whole, with its status, account, countdown and user */
    table_at(80, w);
    assert_true(used(w, set->n, 2) <= 80);
    assert_int_equal(width_of(set, w, COLUMN_SESSION), 32);
    assert_true(width_of(set, w, COLUMN_ACCOUNT) >= 12);
    assert_int_equal(width_of(set, w, COLUMN_STATUS), 9);
    assert_true(width_of(set, w, COLUMN_EXPIRES) >= 7);
    assert_true(width_of(set, w, COLUMN_USER) >= 9);
    /* 60: still the session id whole */
    table_at(60, w);
    assert_true(used(w, set->n, 2) <= 60);
    assert_int_equal(width_of(set, w, COLUMN_SESSION), 32);
    assert_true(width_of(set, w, COLUMN_STATUS) > 0);
    /* every width: within it, and the session id never cut below 32 while
     * 32 columns are there */
    for (int total = 1; total <= 250; total++) {
        table_at(total, w);
        assert_true(used(w, set->n, 2) <= total);
        int sw = width_of(set, w, COLUMN_SESSION);
        assert_int_equal(sw, total >= 32 ? 32 : total);
        for (size_t i = 0; i < set->n; i++)
            assert_true(w[i] >= 0 && w[i] <= table_natural[i]);
    }
}

/* The dashboard's columns, not measured (the registry's wants), one blank
 * apart, the room left spread over the growing columns. */
static void test_layout_dashboard(void **state)
{
    const struct column_set *set = &columns_default_dashboard;
    int w[COLUMN_COUNT];
    static const int totals[] = {60, 80, 120, 200};
    for (size_t k = 0; k < ARRAY_LEN(totals); k++) {
        struct column_layout in = {set->v, set->n, NULL, totals[k], 1, true, TIME_RELATIVE};
        columns_layout(&in, w);
        int u = used(w, set->n, 1);
        assert_int_equal(u, totals[k]); /* filled to the edge */
        assert_int_equal(width_of(set, w, COLUMN_SESSION) >= 32, 1);
        assert_true(width_of(set, w, COLUMN_STATUS) >= 7);
        if (totals[k] >= 120)
            assert_true(width_of(set, w, COLUMN_ACCOUNT) >= 16);
        if (totals[k] >= 80)
            assert_true(width_of(set, w, COLUMN_ACCOUNT) >= 12);
        if (totals[k] == 200) /* room for every column but the flags, the first to go */
            for (size_t i = 0; i < set->n; i++)
                assert_true(set->v[i] == COLUMN_FLAGS || w[i] >= column_def(set->v[i])->min);
    }
    /* absolute times take 16 columns each */
    struct column_layout in = {set->v, set->n, NULL, 200, 1, true, TIME_ABSOLUTE};
    columns_layout(&in, w);
    assert_true(width_of(set, w, COLUMN_CREATED) >= COLUMN_ABSOLUTE_WIDTH);
}

/* Columns go lowest keep first; one column alone gets what there is. */
static void test_layout_edges(void **state)
{
    enum column_id cols[] = {COLUMN_IP, COLUMN_SESSION, COLUMN_BROWSER};
    int nat[] = {15, 40, 16}, w[3];
    struct column_layout in = {cols, 3, nat, 45, 1, false, TIME_RELATIVE};
    columns_layout(&in, w);
    assert_true(w[1] >= 32);
    assert_true(used(w, 3, 1) <= 45);
    in.total = 10;
    columns_layout(&in, w);
    assert_int_equal(w[0], 0);
    assert_int_equal(w[1], 10); /* the session alone, cut to what there is */
    assert_int_equal(w[2], 0);
    in.total = 0;
    columns_layout(&in, w);
    assert_int_equal(used(w, 3, 1), 0);
    in.n = 0;
    columns_layout(&in, w); /* nothing to lay out */
    /* a narrow cell is never widened to its readable width */
    enum column_id one[] = {COLUMN_SESSION, COLUMN_ACCOUNT};
    int small[] = {8, 5};
    struct column_layout s = {one, 2, small, 100, 2, false, TIME_RELATIVE};
    columns_layout(&s, w);
    assert_int_equal(w[0], 8);
    assert_int_equal(w[1], 5);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_column_text), cmocka_unit_test(test_missing_values),
        cmocka_unit_test(test_countdowns),        cmocka_unit_test(test_relative_past),
        cmocka_unit_test(test_names),             cmocka_unit_test(test_parse_list),
        cmocka_unit_test(test_compare),           cmocka_unit_test(test_steady_keys),
        cmocka_unit_test(test_layout_table),
        cmocka_unit_test(test_layout_dashboard),  cmocka_unit_test(test_layout_edges),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
