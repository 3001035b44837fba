/* src/providers/jscan.c: the strict in-place JSON reader. What it accepts
 * cJSON reads the same way; what it refuses (bad) goes to cJSON. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "providers/jscan.h"
#include "util.h"

/* The whole text as one value, skipped: accepted or not. */
static bool accepts_n(const char *text, size_t len)
{
    struct jscan j;
    jscan_init(&j, text, len);
    return jscan_skip(&j) && jscan_end(&j);
}

static bool accepts(const char *text)
{
    return accepts_n(text, strlen(text));
}

static void test_accepts_json(void **state)
{
    static const char *const good[] = {
        "{}", "[]", " \t\r\n[ 1 , 2 ]\n", "{\"a\":{\"b\":[true,false,null,\"x\"]}}",
        "[0,-0,12,-12,1.5,-0.25e-3,2E+7,1e9]", "\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\\uFFFF\"",
        "\"raw \x01 control and \xff bad UTF-8\"", "[\"\"]", "{\"\":1}",
    };
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        assert_true(accepts(good[i]));
        cJSON *c = cJSON_Parse(good[i]); /* what jscan vouches for, cJSON reads */
        assert_non_null(c);
        cJSON_Delete(c);
    }
}

static void test_refuses_what_cjson_reads_otherwise(void **state)
{
    static const char *const bad[] = {
        "", " ", "[", "[1,]", "[,1]", "[1 2]", "{\"a\"}", "{\"a\":}", "{\"a\":1,}", "{1:2}",
        "[1}", "{\"a\":1]", "[01]", "[+1]", "[.5]", "[1.]", "[1e]", "[-]", "[tru]", "[nul]",
        "[truex]", "\"open", "\"\\x\"", "\"\\u12\"", "\"\\uZZZZ\"", "\"\\u0000\"",
        "\"\\ud83d\\ude00\"", "\"\\udc00\"", "{\"k\\u0065y\":1}", "[1]x", "[1]\x0c",
        "\xef\xbb\xbf[]", "\x0c[]", "[1\x0b]", "'x'", "[Infinity]", "[NaN]",
        "[1234567890123456789012345678901234567890123]", /* longer than cJSON reads */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_false(accepts(bad[i]));
    assert_false(accepts_n("[\"a\0b\"]", 7)); /* a NUL byte: cJSON would cut the string */
    assert_false(accepts_n("[1]\0", 4));
    /* deep nesting: 64 levels are read, 65 are left to cJSON */
    char deep[200];
    for (int depth = 64; depth <= 65; depth++) {
        memset(deep, '[', (size_t)depth);
        memset(deep + depth, ']', (size_t)depth);
        deep[2 * depth] = '\0';
        assert_int_equal(accepts(deep), depth == 64);
    }
}

static void test_integers(void **state)
{
    static const struct {
        const char *text;
        bool ok;
        int64_t value;
    } cases[] = {
        {"0", true, 0},
        {"-0", true, 0},
        {"1700000000000", true, 1700000000000LL},
        {"-42", true, -42},
        {"999999999999999", true, 999999999999999LL},
        {"1000000000000000", false, 0}, /* 16 digits: a double may round it */
        {"1.0", false, 0},
        {"1e3", false, 0},
        {"\"1\"", false, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct jscan j;
        int64_t v = -1;
        jscan_init(&j, cases[i].text, strlen(cases[i].text));
        bool ok = jscan_int(&j, &v) && jscan_end(&j);
        assert_int_equal(ok, cases[i].ok);
        if (ok)
            assert_int_equal(v, cases[i].value);
    }
}

/* Members, items and decoded strings, against cJSON's values. */
static void test_members_and_strings(void **state)
{
    const char *text = "{\"a\":\"plain\",\"b\":\"e\\u0301 \\u00e9 \\u4e2d \\u001b \\\"q\\\" "
                       "\\\\ \\/ \\b\\f\\n\\r\\t\",\"c\":[1,{\"d\":null}],\"e\":\"\"}";
    cJSON *c = cJSON_Parse(text);
    assert_non_null(c);
    struct jscan j;
    jscan_init(&j, text, strlen(text));
    assert_int_equal(jscan_peek(&j), '{');
    assert_true(jscan_enter(&j));
    struct jstr key, val;
    const char *keys = "abce";
    int n = 0;
    while (jscan_member(&j, &key)) {
        char name[2] = {keys[n++], 0};
        assert_true(jstr_is(&key, name));
        assert_false(jstr_is(&key, "ab"));
        if (jscan_peek(&j) != '"') {
            assert_true(jscan_skip(&j));
            continue;
        }
        assert_true(jscan_string(&j, &val));
        char *out = xmalloc(val.len + 1);
        jstr_decode(&val, out);
        assert_string_equal(out, cJSON_GetObjectItem(c, name)->valuestring);
        assert_int_equal(val.escaped, name[0] == 'b');
        free(out);
    }
    assert_int_equal(n, 4);
    assert_true(jscan_end(&j));
    cJSON_Delete(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_accepts_json),
        cmocka_unit_test(test_refuses_what_cjson_reads_otherwise),
        cmocka_unit_test(test_integers),
        cmocka_unit_test(test_members_and_strings),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
