/* query.c: the filter language, table-driven. Which rows each query keeps
 * (one at a time and through the index: the same answer), the errors and
 * what they say, every match in a cell for highlighting, and when a query
 * only narrows another. */
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

#include "query.h"
#include "util.h"

#define NOW 1765029780000LL /* 2025-12-06T14:03:00Z */
#define HOUR 3600000LL

static int setup(void **state)
{
    setenv("TZ", "UTC", 1);
    tzset();
    if (!setlocale(LC_ALL, "C.UTF-8"))
        return -1;
    return 0;
}

/* ---- the rows ---- */

#define N_ROWS 5
static struct session sessions[N_ROWS];
static struct column_row rows[N_ROWS];

static void make_rows(void)
{
    memset(sessions, 0, sizeof sessions);
    struct session *s = sessions;
    /* 0: Ada at Clerk prod, active, Berlin, Chrome on a desktop */
    s[0].id = "sess_2dp0a1wMtIJY5kePaBlUeUY7ctn";
    s[0].user_id = "user_ada";
    s[0].user_display = "Ada Lovelace <ada@example.com>";
    s[0].status = SESSION_ACTIVE;
    s[0].created_ms = NOW - 3 * HOUR;
    s[0].expires_ms = NOW + 24 * HOUR;
    s[0].device = "desktop";
    s[0].browser = "Chrome 120";
    s[0].ip = "203.0.113.7";
    s[0].place = "Berlin, DE";
    /* 1: Bob at Clerk prod, revoked, Paris, Firefox on a phone */
    s[1].id = "sess_bob";
    s[1].user_id = "user_bob";
    s[1].user_display = "Bob Builder <bob@example.fr>";
    s[1].status = SESSION_REVOKED;
    s[1].created_ms = NOW - 48 * HOUR;
    s[1].device = "mobile";
    s[1].browser = "Firefox 121";
    s[1].ip = "2001:db8::1";
    s[1].place = "Paris, FR";
    /* 2: a Basis Theory session, pending, nobody's */
    s[2].id = "bt-7f3a";
    s[2].status = SESSION_PENDING;
    s[2].tracked = true;
    s[2].expires_ms = NOW + HOUR;
    /* 3: Łukasz at Clerk staging, active but past its expiry: expired as seen */
    s[3].id = "sess_luk";
    s[3].user_id = "user_luk";
    s[3].user_display = "Łukasz Żółw <lukasz@example.pl>";
    s[3].status = SESSION_ACTIVE;
    s[3].expires_ms = NOW - 1;
    s[3].browser = "Safari 17";
    s[3].place = "Kraków, PL";
    /* 4: Ada again, at Clerk staging, on a phone in Berlin */
    s[4].id = "sess_ada2";
    s[4].user_id = "user_ada";
    s[4].user_display = "Ada Lovelace <ada@example.com>";
    s[4].status = SESSION_ACTIVE;
    s[4].device = "mobile";
    s[4].place = "Berlin, DE";
    struct column_row prod = {NULL, "clerk-prod", "Clerk prod", "clerk", "Clerk"};
    struct column_row staging = {NULL, "clerk-staging", "Clerk staging", "clerk", "Clerk"};
    struct column_row bt = {NULL, "bt", "Basis Theory", "basistheory", "Basis Theory"};
    const struct column_row *of[N_ROWS] = {&prod, &prod, &bt, &staging, &staging};
    for (int i = 0; i < N_ROWS; i++) {
        rows[i] = *of[i];
        rows[i].s = &sessions[i];
    }
}

/* "01001": which rows a query keeps */
static void keeps(const char *text, const char *want)
{
    struct query q;
    query_init(&q);
    char *err = NULL;
    if (query_parse(&q, text, &err) != 0)
        fail_msg("'%s': %s", text, err);
    struct query_index ix = {0};
    for (int i = 0; i < N_ROWS; i++)
        query_index_add(&ix, &rows[i], NOW);
    char got[N_ROWS + 1], by_index[N_ROWS + 1];
    for (int i = 0; i < N_ROWS; i++) {
        got[i] = query_match_row(&q, &rows[i], NOW) ? '1' : '0';
        by_index[i] = query_index_match(&q, &ix, (size_t)i) ? '1' : '0';
    }
    got[N_ROWS] = by_index[N_ROWS] = '\0';
    if (strcmp(got, want) != 0)
        fail_msg("'%s' keeps %s, wanted %s", text, got, want);
    if (strcmp(by_index, want) != 0)
        fail_msg("'%s' through the index keeps %s, wanted %s", text, by_index, want);
    /* query_apply keeps the same, in order, in place */
    uint32_t in[N_ROWS];
    for (uint32_t i = 0; i < N_ROWS; i++)
        in[i] = i;
    size_t n = query_apply(&q, &ix, in, N_ROWS, in), k = 0;
    for (int i = 0; i < N_ROWS; i++)
        if (want[i] == '1')
            assert_int_equal(in[k++], i);
    assert_int_equal(n, k);
    query_index_free(&ix);
    query_free(&q);
}

static void test_matching(void **state)
{
    make_rows();
    static const struct {
        const char *query, *keeps;
    } cases[] = {
        /* plain words: every word, any column, case aside */
        {"", "11111"},
        {"   \t ", "11111"},
        {"ada", "10001"},
        {"ADA lovelace", "10001"},
        {"ada mobile", "00001"},
        {"lovelace bob", "00000"},
        {"clerk", "11011"},        /* the provider */
        {"basistheory", "00100"},  /* the provider's id */
        {"staging", "00011"},      /* the account */
        {"expired", "00010"},      /* the status as seen, not as listed */
        {"active", "10001"},
        {"2025-12-06", "10110"},   /* times as written in absolute time */
        {"2025-12-04", "01000"},
        {"łukasz", "00010"},       /* UTF-8, case aside */
        {"ŁUKASZ ŻÓŁW", "00010"},
        {"kraków", "00010"},
        {"2001:db8", "01000"},     /* no field: the part before ':' is not letters */
        {"203.0.113", "10000"},
        /* phrases */
        {"\"ada lovelace\"", "10001"},
        {"\"lovelace ada\"", "00000"},
        {"\"Bob Builder\"", "01000"},
        {"\"ada\"\"@example\"", "10001"}, /* pieces join: ada@example */
        {"\"ada\"\" lovelace\"", "10001"}, /* ada lovelace */
        {"\"user:ada\"", "00000"},         /* quoted: a plain word, not a field */
        {"\"lace <ada\"", "10001"},
        /* fields */
        {"user:ada", "10001"},
        {"user:user_bob", "01000"},        /* user looks at the id too */
        {"User:ADA", "10001"},
        {"status:active", "10001"},
        {"status:expired", "00010"},
        {"status:revoked", "01000"},
        {"account:prod", "11000"},
        {"account:clerk-staging", "00011"}, /* the account's id */
        {"provider:basis", "00100"},
        {"provider:clerk", "11011"},
        {"country:FR", "01000"},
        {"country:de", "10001"},
        {"place:berlin", "10001"},
        {"device:mobile", "01001"},
        {"browser:chrome", "10000"},
        {"ip:203.0", "10000"},
        {"ip:2001:db8", "01000"},           /* the value may hold ':' */
        {"session:sess_ada2", "00001"},
        {"id:bt-", "00100"},
        {"created:2025-12-06", "10000"},
        {"last-active:2025", "00000"},
        {"expires:2025-12-06", "00110"},
        {"flag:new", "00000"},              /* no flags yet (issue 14) */
        {"user:\"Ada Lovelace\"", "10001"},
        {"user:clerk", "00000"},            /* a field looks only there */
        {"status:act user:ada account:staging", "00001"},
        /* not */
        {"!ada", "01110"},
        {"!revoked", "10111"},
        {"!status:active", "01110"},
        {"!user:ada", "01110"},
        {"!user:nobody", "11111"},          /* no user at all: not nobody either */
        {"!device:mobile !device:desktop", "00110"},
        {"ada !mobile", "10000"},
        {"clerk !\"Ada Lovelace\"", "01010"},
        {"!country:de !country:fr", "00110"},
        {"\"\"", "11111"},                   /* nothing to look for */
    };
    for (size_t i = 0; i < ARRAY_LEN(cases); i++)
        keeps(cases[i].query, cases[i].keeps);
}

static void refused(const char *text, const char *want)
{
    struct query q;
    query_init(&q);
    char *err = NULL;
    assert_int_equal(query_parse(&q, "ada", &err), 0); /* a query it held ... */
    assert_int_equal(query_parse(&q, text, &err), ERR_USAGE);
    assert_non_null(err);
    if (!strstr(err, want))
        fail_msg("'%s': \"%s\" lacks \"%s\"", text, err, want);
    assert_false(query_active(&q)); /* ... is gone: an error keeps every row */
    assert_string_equal(q.source, "");
    free(err);
    query_free(&q);
}

static void test_errors(void **state)
{
    refused("usr:ada", "unknown field 'usr' (did you mean user?)");
    refused("ada stauts:active", "unknown field 'stauts' (did you mean status?)");
    refused("colour:blue", "unknown field 'colour'; the fields: provider,");
    refused("https://example.com", "unknown field 'https'");
    refused("flag:bogus", "unknown flag 'bogus'; the flags: impersonated, new-place, new-device,");
    refused("!flags:stael", "unknown flag 'stael' (did you mean stale?)");
    refused("user:", "user: needs a value, as in user:ada");
    refused("user: ada", "user: needs a value");
    refused("status:\"\"", "status: needs a value");
    refused("!", "! needs a word after it");
    refused("ada ! bob", "! needs a word after it");
    refused("!!ada", "one ! is enough");
    refused("\"Ada Lovelace", "a quote is not closed: \"Ada Lovelace");
    refused("user:\"Ada", "a quote is not closed");
    char many[QUERY_MAX_TERMS * 3 + 8] = "";
    for (int i = 0; i <= QUERY_MAX_TERMS; i++)
        strcat(many, "a ");
    refused(many, "too many words: at most 64");
}

static void test_parse_shapes(void **state)
{
    struct query q;
    query_init(&q);
    char *err = NULL;
    assert_false(query_active(&q));
    assert_int_equal(query_parse(&q, " Ada  !user:Bob \"a \\\"b\\\\ c\" ", &err), 0);
    assert_int_equal(q.n, 3);
    assert_string_equal(q.terms[0].text, "ada");
    assert_true(q.terms[0].plain);
    assert_false(q.terms[0].negated);
    assert_string_equal(q.terms[1].text, "bob");
    assert_true(q.terms[1].negated);
    assert_false(q.terms[1].plain);
    assert_string_equal(q.terms[2].text, "a \"b\\ c"); /* \" and \\ in quotes */
    assert_string_equal(q.source, " Ada  !user:Bob \"a \\\"b\\\\ c\" ");
    /* a control character is a blank, never part of a word */
    assert_int_equal(query_parse(&q, "ada\x1f" "bob\x1b[31m", &err), 0);
    assert_int_equal(q.n, 3);
    assert_string_equal(q.terms[1].text, "bob");
    assert_string_equal(q.terms[2].text, "[31m");
    assert_int_equal(query_parse(&q, NULL, &err), 0);
    assert_false(query_active(&q));
    query_free(&q);
}

/* ---- spans ---- */

static void spans_are(const char *query, enum column_id c, const char *text, const char *want)
{
    struct query q;
    query_init(&q);
    char *err = NULL;
    assert_int_equal(query_parse(&q, query, &err), 0);
    struct query_span sp[8];
    size_t n = query_spans(&q, c, text, sp, 8);
    char got[256] = "";
    for (size_t i = 0; i < n && i < 8; i++) {
        char part[64];
        snprintf(part, sizeof part, "%s[%.*s]", i ? " " : "", (int)sp[i].len, text + sp[i].start);
        strcat(got, part);
    }
    if (strcmp(got, want) != 0)
        fail_msg("'%s' in \"%s\": %s, wanted %s", query, text, got, want);
    query_free(&q);
}

static void test_spans(void **state)
{
    /* every match, not the first only */
    spans_are("ada", COLUMN_USER, "Ada Lovelace <ada@example.com>", "[Ada] [ada]");
    spans_are("ada example", COLUMN_USER, "Ada Lovelace <ada@example.com>",
              "[Ada] [ada] [example]");
    /* overlapping matches are one */
    spans_are("aa", COLUMN_USER, "aaaa", "[aaaa]");
    spans_are("lace love", COLUMN_USER, "Lovelace", "[Lovelace]");
    /* whole characters of the text as it is */
    spans_are("ŁUK", COLUMN_USER, "Łukasz ŁUKASZ", "[Łuk] [ŁUK]");
    spans_are("ó", COLUMN_PLACE, "Kraków Ó", "[ó] [Ó]");
    /* a field's word only in its columns; a negated word never */
    spans_are("user:ada", COLUMN_USER, "Ada", "[Ada]");
    spans_are("user:ada", COLUMN_ACCOUNT, "Ada's account", "");
    spans_are("!ada", COLUMN_USER, "Ada", "");
    spans_are("\"ada lo\"", COLUMN_USER, "Ada Lovelace", "[Ada Lo]");
    spans_are("", COLUMN_USER, "Ada", "");
    spans_are("ada", COLUMN_USER, "", "");
    /* more matches than room: the count says so */
    struct query q;
    query_init(&q);
    char *err = NULL;
    assert_int_equal(query_parse(&q, "a", &err), 0);
    struct query_span sp[2];
    assert_int_equal(query_spans(&q, COLUMN_USER, "a b a b a", sp, 2), 3);
    assert_int_equal(sp[1].start, 4);
    assert_int_equal(query_spans(&q, COLUMN_USER, NULL, sp, 2), 0);
    query_free(&q);
}

/* ---- narrowing ---- */

static bool narrows(const char *wider, const char *narrower)
{
    struct query a, b;
    query_init(&a);
    query_init(&b);
    char *err = NULL;
    assert_int_equal(query_parse(&a, wider, &err), 0);
    assert_int_equal(query_parse(&b, narrower, &err), 0);
    bool r = query_narrows(&a, &b);
    query_free(&a);
    query_free(&b);
    return r;
}

static void test_narrows(void **state)
{
    assert_true(narrows("", "ada"));
    assert_true(narrows("ad", "ada"));
    assert_true(narrows("ada", "ada lo"));
    assert_true(narrows("ada", "user:ada"));     /* in the user is somewhere */
    assert_true(narrows("user:ad", "user:ada"));
    assert_true(narrows("!ada", "!ad"));          /* without "ad" is without "ada" */
    assert_true(narrows("!user:ada", "!ad"));
    assert_false(narrows("ada", "ad"));
    assert_false(narrows("user:ada", "ada"));
    assert_false(narrows("!ad", "!ada"));
    assert_false(narrows("!ada", "!user:ad"));
    assert_false(narrows("ada", "!ada"));
    assert_false(narrows("ada", ""));
    /* every row the narrower keeps, the wider keeps too (the rows above) */
    make_rows();
    static const char *const qs[] = {"", "ad", "ada", "user:ada", "!ad", "!ada", "ada mobile",
                                     "status:act", "!status:active", "clerk", "\"ada l\""};
    for (size_t i = 0; i < ARRAY_LEN(qs); i++)
        for (size_t k = 0; k < ARRAY_LEN(qs); k++) {
            struct query a, b;
            query_init(&a);
            query_init(&b);
            char *err = NULL;
            assert_int_equal(query_parse(&a, qs[i], &err), 0);
            assert_int_equal(query_parse(&b, qs[k], &err), 0);
            if (query_narrows(&a, &b))
                for (int r = 0; r < N_ROWS; r++)
                    if (query_match_row(&b, &rows[r], NOW))
                        assert_true(query_match_row(&a, &rows[r], NOW));
            query_free(&a);
            query_free(&b);
        }
}

/* A column of 255 bytes or more (the index keeps a byte of length per
 * column), or holding the index's separator: a field term still finds
 * its column, and the ones after it. */
static void test_long_columns(void **state)
{
    make_rows();
    char user[400];
    memset(user, 'x', sizeof user);
    memcpy(user + sizeof user - 12, "zebra <z@q>", 12);
    sessions[1].user_display = user;
    char browser[256];
    memset(browser, 'b', sizeof browser);
    memcpy(browser + sizeof browser - 6, "lynx9", 6); /* 255 bytes exactly */
    sessions[1].browser = browser;
    keeps("user:zebra", "01000");
    keeps("user:xxxxx", "01000");
    keeps("status:revoked", "01000");
    keeps("browser:lynx9", "01000");
    keeps("ip:2001:db8", "01000");
    keeps("place:paris", "01000");
    keeps("country:fr", "01000");
    keeps("!country:fr", "10111");
    keeps("session:sess_bob", "01000");
    /* the index's separator inside a column (fuzz: regress/query) */
    make_rows();
    sessions[1].id = "sess\x1f" "bob";
    keeps("session:bob", "01000");
    keeps("status:revoked", "01000");
    keeps("device:mobile", "01001");
    user[100] = '\x1f'; /* in a column too long for its length byte */
    sessions[1].user_display = user;
    keeps("status:revoked", "01000");
    keeps("user:zebra", "01000");
}

/* Which queries read every column of a row (a plain word) and which only
 * their fields' (the dashboard matches those without its index). */
static void test_columns_read(void **state)
{
    static const struct {
        const char *query;
        bool every;
    } cases[] = {
        {"ada", true},           {"!revoked", true},          {"status:active ada", true},
        {"\"a phrase\"", true},  {"status:active", false},    {"!user:bob country:fr", false},
        {"expires:<1h", false},  {"status:active expires:<1h", false},
    };
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        struct query q;
        query_init(&q);
        char *err = NULL;
        assert_int_equal(query_parse(&q, cases[i].query, &err), 0);
        if (query_reads_every_column(&q) != cases[i].every)
            fail_msg("'%s' reads every column: %d", cases[i].query, !cases[i].every);
        query_free(&q);
    }
}

/* One keystroke's worth over 100 000 rows: the budget of the dashboard's
 * filter (README: at most 5 ms), with room for a busy machine. */
static void test_speed(void **state)
{
    make_rows();
    struct query_index ix = {0};
    enum { N = 100000 };
    for (int i = 0; i < N; i++)
        query_index_add(&ix, &rows[i % N_ROWS], NOW);
    uint32_t *in = xmalloc(N * sizeof *in);
    struct query q;
    query_init(&q);
    char *err = NULL;
    static const char *const qs[] = {"ada", "user:lovelace", "!revoked status:act", "zzz"};
    for (size_t k = 0; k < ARRAY_LEN(qs); k++) {
        assert_int_equal(query_parse(&q, qs[k], &err), 0);
        for (uint32_t i = 0; i < N; i++)
            in[i] = i;
        int64_t t0 = mono_ms();
        size_t n = query_apply(&q, &ix, in, N, in);
        int64_t ms = mono_ms() - t0;
        printf("# '%s': %zu of %d rows in %lld ms\n", qs[k], n, N, (long long)ms);
        assert_true(ms < 100);
    }
    query_free(&q);
    free(in);
    query_index_free(&ix);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_matching), cmocka_unit_test(test_long_columns),
        cmocka_unit_test(test_columns_read),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_parse_shapes), cmocka_unit_test(test_spans),
        cmocka_unit_test(test_narrows), cmocka_unit_test(test_speed),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
