/* suggest.c: "did you mean": the edit distance (with swaps), how close is
 * close enough, the start of a name, nothing offered for nonsense. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "suggest.h"
#include "util.h"

static void test_distance(void **state)
{
    assert_int_equal(suggest_distance("", ""), 0);
    assert_int_equal(suggest_distance("sessions", "sessions"), 0);
    assert_int_equal(suggest_distance("sesions", "sessions"), 1);   /* dropped */
    assert_int_equal(suggest_distance("sessionss", "sessions"), 1); /* added */
    assert_int_equal(suggest_distance("sessoins", "sessions"), 1);  /* swapped */
    assert_int_equal(suggest_distance("Account", "account"), 0);    /* case aside */
    assert_int_equal(suggest_distance("abc", ""), 3);
    assert_int_equal(suggest_distance("kitten", "sitting"), 3);
    char longer[80];
    memset(longer, 'a', sizeof longer - 1);
    longer[sizeof longer - 1] = '\0';
    assert_int_equal(suggest_distance(longer, "a"), SIZE_MAX); /* not compared */
}

static const char *best_of(const char *word, const char *const *names)
{
    struct suggest sg;
    suggest_init(&sg, word);
    for (size_t i = 0; names[i]; i++)
        suggest_offer(&sg, names[i]);
    return suggest_best(&sg);
}

static void test_best(void **state)
{
    static const char *const commands[] = {"account", "sessions", "refresh", "create",
                                           "authorize", "revoke", "token", "verify", "open",
                                           NULL};
    assert_string_equal(best_of("sesions", commands), "sessions");
    assert_string_equal(best_of("acount", commands), "account");
    assert_string_equal(best_of("revok", commands), "revoke");
    assert_string_equal(best_of("sess", commands), "sessions"); /* its start */
    assert_string_equal(best_of("opne", commands), "open");
    assert_string_equal(best_of("REFRESH", commands), "refresh");
    assert_null(best_of("frobnicate", commands));
    assert_null(best_of("x", commands));
    assert_null(best_of("", commands));
    assert_string_equal(best_of("tok3n5", commands), "token"); /* two away in six */
    assert_null(best_of("tk", commands));                       /* two away in two */
    static const char *const none[] = {NULL};
    assert_null(best_of("sessions", none));
    /* the first of equals wins */
    static const char *const twins[] = {"user", "used", NULL};
    assert_string_equal(best_of("usex", twins), "user");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_distance),
        cmocka_unit_test(test_best),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
