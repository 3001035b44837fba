/* msglog.c: a bounded ring that keeps the newest entries, one clean line
 * each (no control characters, no newlines), the same news not twice at
 * once, and the line a copy gives; table.c's position_text, which says
 * where each list stands. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "msglog.h"
#include "util.h"

static void test_ring_keeps_the_newest(void **state)
{
    struct msglog l;
    msglog_init(&l, 3);
    char text[16];
    for (int i = 0; i < 5; i++) {
        snprintf(text, sizeof text, "m%d", i);
        msglog_add(&l, 1000 * (int64_t)i * 10, MSGLOG_INFO, NULL, text);
    }
    assert_int_equal(l.n, 3);
    assert_int_equal(l.added, 5);
    assert_string_equal(msglog_get(&l, 0)->text, "m2");
    assert_string_equal(msglog_get(&l, 2)->text, "m4");
    assert_null(msglog_get(&l, 3));
    msglog_free(&l);
}

static void test_one_clean_line(void **state)
{
    struct msglog l;
    msglog_init(&l, MSGLOG_MAX);
    msglog_add(&l, 5000, MSGLOG_ERROR, "Clerk\nprod", "line one\nline two\x1b[31m red\tand tab");
    const struct msglog_entry *e = msglog_get(&l, 0);
    assert_non_null(e);
    assert_int_equal(e->level, MSGLOG_ERROR);
    assert_null(strchr(e->text, '\n'));
    assert_null(strchr(e->text, '\x1b'));
    assert_null(strchr(e->text, '\t'));
    assert_non_null(strstr(e->text, "line one line two"));
    assert_string_equal(e->account, "Clerk prod");
    msglog_add(&l, 5000, MSGLOG_INFO, NULL, "");   /* nothing to keep */
    msglog_add(&l, 5000, MSGLOG_INFO, NULL, NULL);
    assert_int_equal(l.n, 1);
    msglog_free(&l);
}

static void test_same_news_once(void **state)
{
    struct msglog l;
    msglog_init(&l, 10);
    msglog_add(&l, 1000, MSGLOG_INFO, "prod", "refreshing prod");
    msglog_add(&l, 1500, MSGLOG_INFO, "prod", "refreshing prod"); /* the same, at once */
    assert_int_equal(l.n, 1);
    msglog_add(&l, 1600, MSGLOG_INFO, "staging", "refreshing prod"); /* another account */
    msglog_add(&l, 1700, MSGLOG_ERROR, "staging", "refreshing prod"); /* another level */
    msglog_add(&l, 5000, MSGLOG_ERROR, "staging", "refreshing prod"); /* later */
    assert_int_equal(l.n, 4);
    msglog_free(&l);
}

static void test_line(void **state)
{
    setenv("TZ", "UTC", 1);
    struct msglog l;
    msglog_init(&l, 4);
    msglog_add(&l, 1765029787000, MSGLOG_ERROR, "prod", "HTTP 401 from Clerk");
    msglog_add(&l, 1765029788000, MSGLOG_INFO, NULL, "filter cleared");
    char *a = msglog_line(msglog_get(&l, 0)), *b = msglog_line(msglog_get(&l, 1));
    assert_string_equal(a, "2025-12-06 14:03:07  prod  error: HTTP 401 from Clerk");
    assert_string_equal(b, "2025-12-06 14:03:08  filter cleared");
    free(a);
    free(b);
    msglog_free(&l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ring_keeps_the_newest),
        cmocka_unit_test(test_one_clean_line),
        cmocka_unit_test(test_same_news_once),
        cmocka_unit_test(test_line),
    };
    return cmocka_run_group_tests_name("msglog", tests, NULL, NULL);
}
