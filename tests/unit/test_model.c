/* model.c: accounts' fields, session copies and updates, status names. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "strpool.h"
#include "strslab.h"
#include "util.h"

static void test_status_names_round_trip(void **state)
{
    for (int i = 1; i < SESSION_STATUS_COUNT; i++)
        assert_int_equal(session_status_parse(session_status_name((enum session_status)i)), i);
    assert_int_equal(session_status_parse("bogus"), SESSION_UNKNOWN);
    assert_int_equal(session_status_parse(NULL), SESSION_UNKNOWN);
    assert_string_equal(session_status_name((enum session_status)99), "unknown");
}

static void test_account_fields(void **state)
{
    struct account a = {0};
    account_set_field(&a, "app_id", "one");
    account_set_field(&a, "consumer_id", "c");
    account_set_field(&a, "app_id", "two");
    assert_string_equal(account_field(&a, "app_id"), "two");
    assert_int_equal(a.n_fields, 2);
    account_set_field(&a, "app_id", NULL);
    assert_null(account_field(&a, "app_id"));
    assert_string_equal(account_field(&a, "consumer_id"), "c");
    struct account b;
    a.id = xstrdup("x");
    account_copy(&b, &a);
    assert_string_equal(b.id, "x");
    assert_string_equal(account_field(&b, "consumer_id"), "c");
    account_free(&a);
    account_free(&b);
}

static void test_session_update_keeps_unset_fields(void **state)
{
    struct session old = {.id = strslab_dup("s1"), .user_display = strpool_get("ada"),
                          .status = SESSION_ACTIVE, .created_ms = 1000, .expires_ms = 5000,
                          .tracked = true};
    struct session upd = {.id = strslab_dup("s1"), .status = SESSION_ACTIVE, .expires_ms = 9000};
    session_update(&old, &upd);
    assert_int_equal(old.created_ms, 1000);
    assert_int_equal(old.expires_ms, 9000);
    assert_string_equal(old.user_display, "ada");
    assert_true(old.tracked);
    /* an update without an expiry keeps it; one that says it is not known
     * (new tokens, their lifetime not given) drops it */
    struct session none = {.id = strslab_dup("s1"), .status = SESSION_ACTIVE};
    session_update(&old, &none);
    assert_int_equal(old.expires_ms, 9000);
    none.expiry_unknown = true;
    session_update(&old, &none);
    assert_int_equal(old.expires_ms, 0);
    session_free(&none);
    session_free(&old);
    session_free(&upd);
}

static void test_session_list_grows(void **state)
{
    struct session_list l = {0};
    for (int i = 0; i < 1000; i++)
        session_list_push(&l)->id = strslab_take(xasprintf("s%d", i));
    assert_int_equal(l.n, 1000);
    assert_string_equal(l.v[999].id, "s999");
    session_list_clear(&l);
    assert_int_equal(l.n, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_status_names_round_trip),
        cmocka_unit_test(test_account_fields),
        cmocka_unit_test(test_session_update_keeps_unset_fields),
        cmocka_unit_test(test_session_list_grows),
    };
    return cmocka_run_group_tests_name("model", tests, NULL, NULL);
}
