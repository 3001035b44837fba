/* redact.c: screen-share mode's masks. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "redact.h"
#include "strpool.h"
#include "strslab.h"
#include "util.h"

static void value_is(enum redact_kind k, const char *in, const char *want)
{
    char *got = redact_value(k, in);
    assert_string_equal(got, want);
    free(got);
}

static void line_is(const char *in, const char *want)
{
    char *got = redact_line(in);
    assert_string_equal(got, want);
    free(got);
}

static void test_values(void **state)
{
    value_is(REDACT_TEXT, "Ada Lovelace <ada@example.com>", "A** L******* <a**@e******.c**>");
    value_is(REDACT_TEXT, "Zürich, CH", "Z*****, C*");
    value_is(REDACT_ID, "sess_2abcDEF123", "sess_**********");
    value_is(REDACT_ID, "plantly-0a1b2c3d4e5f", "plantly-************");
    value_is(REDACT_ID, "42", "**");
    value_is(REDACT_ADDRESS, "203.0.113.7", "***.*.***.*");
    value_is(REDACT_ADDRESS, "2001:db8::1", "****:***::*");
    assert_null(redact_value(REDACT_ID, NULL));
    value_is(REDACT_TEXT, "", "");
}

static void test_lines(void **state)
{
    line_is("revoked session sess_2abcDEF123 (Clerk prod): Clerk says revoked",
            "revoked session sess_********** (Clerk prod): Clerk says revoked");
    line_is("ada@example.com signed in from 203.0.113.7.",
            "a**@e******.c** signed in from ***.*.***.*.");
    line_is("{\"user_id\":\"user_2dp0a1wMtIJY5k\",\"ip\":\"2001:db8::1\"}",
            "{\"user_id\":\"user_**************\",\"ip\":\"****:***::*\"}");
    /* words that are not ids stay: a label, a status, a time */
    line_is("Clerk prod: 305 sessions, 12:04 ago, read-only",
            "Clerk prod: 305 sessions, 12:04 ago, read-only");
    line_is("", "");
    char *empty = redact_line(NULL);
    assert_string_equal(empty, "");
    free(empty);
}

static void test_session(void **state)
{
    struct session s = {0};
    s.id = strslab_dup("sess_2abcDEF123");
    s.user_id = strpool_get("user_2dp0a1w");
    s.user_display = strpool_get("Ada Lovelace <ada@example.com>");
    s.client_id = strslab_dup("client_2Uzp9");
    s.ip = strslab_dup("203.0.113.7");
    s.place = strpool_get("Berlin, DE");
    s.device = strpool_get("Macintosh");
    s.raw_json = xstrdup("{\"id\":\"sess_2abcDEF123\"}");
    s.expires_ms = 123;
    struct session m;
    redact_session(&s, &m);
    assert_string_equal(m.id, "sess_**********");
    assert_string_equal(m.user_id, "user_*******");
    assert_string_equal(m.user_display, "A** L******* <a**@e******.c**>");
    assert_string_equal(m.client_id, "client_*****");
    assert_string_equal(m.ip, "***.*.***.*");
    assert_string_equal(m.place, "B*****, D*");
    assert_string_equal(m.device, "Macintosh"); /* a kind of device names nobody */
    assert_null(m.raw_json);
    assert_int_equal(m.expires_ms, 123);
    redacted_session_free(&m);
    session_free(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_values),
        cmocka_unit_test(test_lines),
        cmocka_unit_test(test_session),
    };
    return cmocka_run_group_tests_name("redact", tests, NULL, NULL);
}
