/* delimited.c: CSV as RFC 4180 quotes it (and no formula for a
 * spreadsheet to run), TSV with its tabs and line breaks escaped, values
 * never cut, nothing unsafe for a terminal. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "delimited.h"
#include "util.h"

static void field_is(enum delimited_format f, const char *raw, const char *want)
{
    char *got = delimited_field(f, raw);
    if (strcmp(got, want) != 0)
        fail_msg("%s of \"%s\": \"%s\", wanted \"%s\"", f == DELIMITED_CSV ? "csv" : "tsv",
                 raw ? raw : "(null)", got, want);
    free(got);
}

static void test_csv_fields(void **state)
{
    static const struct {
        const char *raw, *want;
    } cases[] = {
        {NULL, ""},
        {"", ""},
        {"plain", "plain"},
        {"Berlin, DE", "\"Berlin, DE\""},
        {"Zoë \"Quote\"", "\"Zoë \"\"Quote\"\"\""},
        {"two\nlines", "\"two\nlines\""},
        {"cr\r\nlf", "\"cr\r\nlf\""},
        {"tab\there", "\"tab\there\""},
        {"back\\slash", "back\\slash"},
        {"=HYPERLINK(\"http://x\")", "\"'=HYPERLINK(\"\"http://x\"\")\""},
        {"+1", "'+1"},
        {"-", "'-"},
        {"@SUM(A1)", "'@SUM(A1)"},
        {"a=b", "a=b"},
        {"red \x1b[31mtext\x1b[0m", "red text"},
        {"bell\a and bidi \xe2\x80\xae" "x", "bell and bidi x"},
        {"bad \xff utf8", "bad \xef\xbf\xbd utf8"},
        {"2001:db8::1", "2001:db8::1"},
    };
    for (size_t i = 0; i < ARRAY_LEN(cases); i++)
        field_is(DELIMITED_CSV, cases[i].raw, cases[i].want);
}

static void test_tsv_fields(void **state)
{
    static const struct {
        const char *raw, *want;
    } cases[] = {
        {NULL, ""},
        {"plain, with comma \"and quotes\"", "plain, with comma \"and quotes\""},
        {"tab\there", "tab\\there"},
        {"two\nlines\r\n", "two\\nlines\\r\\n"},
        {"back\\slash", "back\\\\slash"},
        {"=1+1", "'=1+1"}, /* a spreadsheet opens TSV too */
        {"=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"},
        {"+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"},
        {"@SUM(1)", "'@SUM(1)"},
        {"a=b", "a=b"},
        {"red \x1b[31mtext", "red text"},
        {"\x1b]0;title\a", ""},
    };
    for (size_t i = 0; i < ARRAY_LEN(cases); i++)
        field_is(DELIMITED_TSV, cases[i].raw, cases[i].want);
}

static char *rows(enum delimited_format f)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    const char *head[] = {"user", "place", "ip"};
    const char *row[] = {"Ada \"A\" L", "Paris, FR", NULL};
    assert_true(delimited_write_row(out, f, head, 3));
    assert_true(delimited_write_row(out, f, row, 3));
    fclose(out);
    char *copy = xstrdup(buf);
    free(buf);
    return copy;
}

static void test_rows(void **state)
{
    char *csv = rows(DELIMITED_CSV), *tsv = rows(DELIMITED_TSV);
    assert_string_equal(csv, "user,place,ip\r\n\"Ada \"\"A\"\" L\",\"Paris, FR\",\r\n");
    assert_string_equal(tsv, "user\tplace\tip\nAda \"A\" L\tParis, FR\t\n");
    free(csv);
    free(tsv);
    /* a write that fails says so */
    FILE *full = fopen("/dev/full", "w");
    if (full) {
        setvbuf(full, NULL, _IONBF, 0);
        const char *one[] = {"x"};
        assert_false(delimited_write_row(full, DELIMITED_CSV, one, 1));
        fclose(full);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_csv_fields),
        cmocka_unit_test(test_tsv_fields),
        cmocka_unit_test(test_rows),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
