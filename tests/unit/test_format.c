/* src/cli/format.c: what `sesame sessions` prints, byte for byte. The
 * listing below mixes what a provider can send (wide and combining
 * characters, invalid UTF-8, escape sequences, quotes, ties in the sort
 * order, times across a DST change) and its table (in three time zones and
 * two locales, relative and absolute times, piped and at terminal widths,
 * every column), TSV, CSV and JSON are compared with
 * tests/unit/golden/listing.txt. SESAME_UPDATE_GOLDEN=1 rewrites that file
 * (only for a change of output that is meant). */
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
#include <wchar.h>

#include "cli/cli.h"
#include "strpool.h"
#include "strslab.h"
#include "util.h"

#define T0 1700000000000LL /* 2023-11-14T22:13:20Z */
#define GOLDEN "tests/unit/golden/listing.txt"

/* ---- a listing of everything awkward ------------------------------------- */

static const char *const labels[] = {
    "Clerk prod",
    "Vault \x1b[31mred\x1b[0m",
    "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e\xe3\x81\xae\xe3\x82\xa2\xe3\x82\xab\xe3\x82\xa6"
    "\xe3\x83\xb3\xe3\x83\x88\xe5\x90\x8d\xe3\x81\xaf\xe9\x95\xb7\xe3\x81\x84", /* 12 wide */
    "e\xcc\x81" "cole \xff\xfe bad",
};
static const char *const providers[] = {"clerk", "apideck", "clerk", "basistheory"};

/* user display names: NULL shows the user id */
static const char *const users[] = {
    NULL,
    "Ada Lovelace <ada@example.com>",
    "\xe5\xb1\xb1\xe7\x94\xb0\xe5\xa4\xaa\xe9\x83\x8e <taro@example.jp>",
    "Zo\xc3\xab \"Quote\" \\back\\slash",
    "tab\there\nnewline\rcr",
    "C1 \xc2\x9b" "31m and bidi \xe2\x80\xae" "desrever",
    "emoji \xf0\x9f\x98\x80\xf0\x9f\x98\x80 wide",
    "combining a\xcc\x80\xcc\x81\xcc\x82 marks",
    "bad utf8 \xc3\x28 \xa0\xa1 \xe2\x82 \xf0\x90\x28",
    "exactly forty-four columns wide, no more!!!!",
    "forty-five columns wide, one more than fits..",
    "\xe4\xb8\x80\xe4\xba\x8c\xe4\xb8\x89\xe5\x9b\x9b\xe4\xba\x94\xe5\x85\xad\xe4\xb8\x83"
    "\xe5\x85\xab\xe4\xb9\x9d\xe5\x8d\x81\xe4\xb8\x80\xe4\xba\x8c\xe4\xb8\x89\xe5\x9b\x9b"
    "\xe4\xba\x94\xe5\x85\xad\xe4\xb8\x83\xe5\x85\xab\xe4\xb9\x9d\xe5\x8d\x81\xe4\xb8\x80"
    "\xe4\xba\x8c\xe4\xb8\x89 x", /* 23 wide characters: the cut falls inside one */
    "a\x7f" "del and \x01\x02 controls",
    "",
};
static const char *const ids[] = {
    "sess_2dp0a1wMtIJY5kePaBlUeUY7ctn",
    "sess_\"quoted\"",
    "sess_back\\slash",
    "sess_\x1b]0;title\x07",
    "sess_"
    "0123456789012345678901234567890123456789012345678901234567890123456789",
    "vault-0123456789ab",
    "sess_\xc3\xbc\xc3\xbc",
    "",
};
static const char *const devices[] = {NULL, "desktop", "mobile", "\x1b[2Jevil"};
static const char *const browsers[] = {NULL, "Chrome 120", "Firefox \xe2\x80\x8f" "121"};
static const char *const ips[] = {NULL, "203.0.113.7", "2001:db8::1"};
static const char *const places[] = {NULL, "Berlin, DE", "S\xc3\xa3o Paulo, BR",
                                     "M\xc3\xbcnchen \x1b[1m, DE"};

/* times: around the CET changes of 2023, equal ones (ties), the epoch's
 * first day, far ahead */
static const int64_t created[] = {
    T0 - 3600000,       T0 - 60000,          T0 - 60000,          1698541200000LL - 1,
    1698541200000LL,    1698541200000LL + 59999, 1679792400000LL - 30000, 1679792400000LL,
    86400000LL + 1,     32503680000000LL,    0,                   T0 - 86400000LL * 40,
};
static const int64_t expires_in[] = {0, -1000, 59000, 3600000, 86400000LL * 3 + 7200000,
                                     86400000LL * 400};

static uint32_t lcg(uint32_t *seed)
{
    *seed = *seed * 1103515245u + 12345u;
    return *seed >> 8;
}

#define PICK(arr, seed) (arr)[lcg(seed) % (sizeof(arr) / sizeof((arr)[0]))]
#define N_ROWS 120

static void make_accounts(struct account *a)
{
    for (size_t i = 0; i < 4; i++) {
        memset(&a[i], 0, sizeof a[i]);
        a[i].id = xasprintf("acct-%zu", i);
        a[i].label = xstrdup(labels[i]);
        a[i].provider_id = xstrdup(providers[i]);
    }
}

static void free_accounts(struct account *a)
{
    for (size_t i = 0; i < 4; i++)
        account_free(&a[i]);
}

/* The same rows every time: accounts interleaved, every field varied. */
static void fill(struct cli_listing *l, const struct account *a)
{
    uint32_t seed = 7;
    for (size_t i = 0; i < N_ROWS; i++) {
        struct session s = {0};
        char uid[32];
        snprintf(uid, sizeof uid, "user_%u", lcg(&seed) % 9);
        s.id = PICK(ids, &seed);
        s.user_id = lcg(&seed) % 7 ? strpool_get(uid) : NULL;
        s.user_display = strpool_get(PICK(users, &seed));
        s.client_id = lcg(&seed) % 3 ? "client_2x" : NULL;
        s.status = (enum session_status)(lcg(&seed) % SESSION_STATUS_COUNT);
        s.created_ms = PICK(created, &seed);
        s.last_active_ms = lcg(&seed) % 4 ? s.created_ms + lcg(&seed) % 7200000 : 0;
        s.expires_ms = lcg(&seed) % 5 ? T0 + PICK(expires_in, &seed) : 0;
        /* an idle limit on some (no draw from seed: the rest stay as they were) */
        s.abandon_ms = i % 7 == 3 ? T0 + 30 * 60000 : i % 11 == 5 ? T0 - 1000 : 0;
        s.device = strpool_get(PICK(devices, &seed));
        s.browser = strpool_get(PICK(browsers, &seed));
        s.ip = PICK(ips, &seed);
        s.place = strpool_get(PICK(places, &seed));
        s.tracked = lcg(&seed) % 2;
        s.has_url = lcg(&seed) % 2;
        cli_listing_add(l, &a[lcg(&seed) % 4], &s, T0);
        strpool_put(s.user_id);
        strpool_put(s.user_display);
        strpool_put(s.device);
        strpool_put(s.browser);
        strpool_put(s.place);
    }
    cli_listing_fail(l, &a[3], ERR_NETWORK, "could not connect: \"\x1b[31m\" \\ \xff");
}

/* ---- rendering ------------------------------------------------------------- */

struct text {
    char *buf;
    size_t len;
    FILE *f;
};

static void text_open(struct text *t)
{
    t->buf = NULL;
    t->len = 0;
    t->f = open_memstream(&t->buf, &t->len);
    assert_non_null(t->f);
}

static char *text_close(struct text *t)
{
    fclose(t->f);
    char *copy = xstrdup(t->buf);
    free(t->buf);
    return copy;
}

static void zone(const char *tz, const char *locale)
{
    setenv("TZ", tz, 1);
    tzset();
    assert_non_null(setlocale(LC_ALL, locale));
}

/* The table as the view asks, in a zone and a locale. */
static void table_in(FILE *f, const struct cli_listing *l, const struct cli_view *v,
                     const char *what, const char *tz, const char *locale)
{
    zone(tz, locale);
    fprintf(f, "---- table, %s, width %d, TZ=%s, %s\n", what, v->width, tz, locale);
    cli_listing_table(f, l, v);
}

static void delimited_in(FILE *f, const struct cli_listing *l, const struct cli_view *v,
                         enum delimited_format format)
{
    zone("UTC", "C.UTF-8");
    fprintf(f, "---- %s\n", format == DELIMITED_CSV ? "csv" : "tsv");
    assert_true(cli_listing_delimited(f, l, v, format));
}

/* Every output of the listing, one after another. */
static char *render_all(const struct cli_listing *l)
{
    struct text t;
    text_open(&t);
    struct cli_view v;
    cli_view_default(&v, T0);
    /* the default: relative times, never cut (piped) */
    table_in(t.f, l, &v, "default", "UTC", "C.UTF-8");
    table_in(t.f, l, &v, "default", "UTC", "C");
    /* absolute times in three zones */
    v.time = TIME_ABSOLUTE;
    table_in(t.f, l, &v, "absolute", "UTC", "C.UTF-8");
    table_in(t.f, l, &v, "absolute", "CET-1CEST,M3.5.0,M10.5.0/3", "C.UTF-8");
    table_in(t.f, l, &v, "absolute", "ODD-5:30:15", "C.UTF-8");
    /* on terminals of 120, 80 and 60 columns */
    v.time = TIME_RELATIVE;
    for (int w = 120; w >= 60; w -= w == 120 ? 40 : 20) {
        v.width = w;
        table_in(t.f, l, &v, "default", "UTC", "C.UTF-8");
    }
    v.width = 80;
    table_in(t.f, l, &v, "default", "UTC", "C");
    /* every column, chosen */
    v.width = 0;
    v.cols.n = 0;
    for (int c = 0; c < COLUMN_COUNT; c++)
        v.cols.v[v.cols.n++] = (enum column_id)c;
    v.cols_given = true;
    v.time = TIME_ABSOLUTE;
    table_in(t.f, l, &v, "every column", "UTC", "C.UTF-8");
    delimited_in(t.f, l, &v, DELIMITED_TSV);
    delimited_in(t.f, l, &v, DELIMITED_CSV);
    zone("UTC", "C.UTF-8");
    fprintf(t.f, "---- json\n");
    char *doc = cli_listing_json(l);
    fputs(doc, t.f);
    /* the same document written as it is made, with a final newline */
    struct text w;
    text_open(&w);
    assert_true(cli_listing_write_json(w.f, l));
    char *written = text_close(&w);
    assert_int_equal(strlen(written), strlen(doc) + 1);
    assert_memory_equal(written, doc, strlen(doc));
    assert_int_equal(written[strlen(doc)], '\n');
    free(written);
    free(doc);
    return text_close(&t);
}

static char *read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    struct text t;
    text_open(&t);
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        fwrite(buf, 1, n, t.f);
    fclose(f);
    return text_close(&t);
}

/* First differing line, for a failure that says where. */
static void assert_same_text(const char *got, const char *want)
{
    if (strcmp(got, want) == 0)
        return;
    size_t line = 1;
    const char *g = got, *w = want;
    while (*g && *g == *w) {
        line += *g == '\n';
        g++;
        w++;
    }
    const char *gl = g, *wl = w;
    while (gl > got && gl[-1] != '\n')
        gl--;
    while (wl > want && wl[-1] != '\n')
        wl--;
    fail_msg("output differs from " GOLDEN " at line %zu:\n got: %.200s\nwant: %.200s", line,
             gl, wl);
}

static void test_golden_outputs(void **state)
{
    struct account a[4];
    make_accounts(a);
    struct cli_listing l = {0};
    fill(&l, a);
    cli_listing_sort(&l);
    char *got = render_all(&l);
    if (getenv("SESAME_UPDATE_GOLDEN")) {
        FILE *f = fopen(GOLDEN, "wb");
        assert_non_null(f);
        fputs(got, f);
        fclose(f);
    }
    char *want = read_file(GOLDEN);
    assert_non_null(want);
    assert_same_text(got, want);
    free(want);
    free(got);
    cli_listing_free(&l);
    free_accounts(a);
}

/* ---- taking a whole list ---------------------------------------------------- */

/* take_all moves a list in (its array freed from the end as it goes): the
 * same rows, in the same order, settled the same way, as adding each. */
static void test_take_all_as_adding_each(void **state)
{
    struct account a[4];
    make_accounts(a);
    struct session_list list = {0};
    for (int i = 0; i < 10000; i++) { /* more than one step of the shrinking */
        struct session *s = session_list_push(&list);
        char id[16];
        snprintf(id, sizeof id, "s%05d", i);
        s->id = strslab_dup(id);
        s->user_id = strpool_get(i % 3 ? "user_1" : "user_2");
        s->status = i % 2 ? SESSION_ACTIVE : SESSION_REVOKED;
        s->expires_ms = i % 5 ? T0 + 1000 : T0 - 1000; /* past: active ones turn expired */
    }
    struct cli_listing taken = {0}, added = {0};
    struct session other = {0};
    other.id = "first";
    cli_listing_add(&taken, &a[1], &other, T0);
    cli_listing_add(&added, &a[1], &other, T0);
    for (size_t i = 0; i < list.n; i++)
        cli_listing_add(&added, &a[0], &list.v[i], T0);
    cli_listing_take_all(&taken, &a[0], &list, T0);
    assert_null(list.v);
    assert_int_equal(list.n, 0);
    assert_int_equal(list.cap, 0);
    assert_int_equal(taken.n, added.n);
    assert_int_equal(taken.n_names, 2);
    for (size_t i = 0; i < taken.n; i++) {
        assert_string_equal(taken.rows[i].s.id, added.rows[i].s.id);
        assert_string_equal(taken.rows[i].s.account_id, added.rows[i].s.account_id);
        assert_int_equal(taken.rows[i].s.status, added.rows[i].s.status);
        assert_int_equal(taken.rows[i].rank, added.rows[i].rank);
    }
    assert_int_equal(taken.rows[1].s.status, SESSION_REVOKED);
    assert_int_equal(taken.rows[2].s.status, SESSION_ACTIVE);
    assert_int_equal(taken.rows[6].s.status, SESSION_EXPIRED);
    cli_listing_take_all(&taken, &a[2], &list, T0); /* an empty list adds nothing */
    assert_int_equal(taken.n, added.n);
    cli_listing_sort(&taken);
    cli_listing_sort(&added);
    char *x = cli_listing_json(&taken), *y = cli_listing_json(&added);
    assert_string_equal(x, y);
    free(x);
    free(y);
    cli_listing_free(&taken);
    cli_listing_free(&added);
    free_accounts(a);
}

/* ---- widths ------------------------------------------------------------------ */

/* The width as it was counted before the ASCII fast path: every character
 * through mbrtowc and wcwidth. */
static size_t width_by_wcwidth(const char *s)
{
    mbstate_t st;
    memset(&st, 0, sizeof st);
    size_t w = 0, left = strlen(s);
    while (left > 0) {
        wchar_t wc;
        size_t n = mbrtowc(&wc, s, left, &st);
        if (n == (size_t)-1 || n == (size_t)-2) {
            memset(&st, 0, sizeof st);
            n = 1;
            w++;
        } else {
            if (n == 0)
                break;
            int cw = wcwidth(wc);
            w += cw > 0 ? (size_t)cw : 0;
        }
        s += n;
        left -= n;
    }
    return w;
}

static void check_widths(const char *locale)
{
    assert_non_null(setlocale(LC_ALL, locale));
    static const char *const texts[] = {
        "", "plain ASCII", "tab\there", "del\x7f", "\x01\x1f controls",
        "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e", "mixed \xe6\x97\xa5 and ASCII",
        "e\xcc\x81", "a\xcc\x80\xcc\x81\xcc\x82 marks", "\xf0\x9f\x98\x80 emoji",
        "\xff\xfe invalid", "\xc3\x28", "cut \xe2\x82", "\xe2\x82", "\xf0\x90\x28 x",
        "\xc2\x9b C1", "\xe2\x80\xae bidi", "\xef\xbc\xa1 fullwidth", "\xe2\x80\x8b zero width",
        "\x1b[31mred", "\xc3", "ASCII then \xc3",
    };
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
        assert_int_equal(cli_text_width(texts[i]), width_by_wcwidth(texts[i]));
    /* every byte alone, and every byte between ASCII and a wide character */
    for (int b = 1; b < 256; b++) {
        char one[2] = {(char)b, 0};
        assert_int_equal(cli_text_width(one), width_by_wcwidth(one));
        char mix[16];
        snprintf(mix, sizeof mix, "a%c\xe6\x97\xa5%cz", b, b);
        assert_int_equal(cli_text_width(mix), width_by_wcwidth(mix));
    }
}

static void test_width_ascii_path(void **state)
{
    check_widths("C.UTF-8");
    check_widths("C");
    assert_non_null(setlocale(LC_ALL, "C.UTF-8"));
}

int main(void)
{
    assert_non_null(setlocale(LC_ALL, "C.UTF-8"));
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_golden_outputs),
        cmocka_unit_test(test_width_ascii_path),
        cmocka_unit_test(test_take_all_as_adding_each),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
