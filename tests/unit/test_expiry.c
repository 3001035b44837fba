/* expiry.c: when a session is expiring, what the on-expiring command gets,
 * and the terminal's notification. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "browser.h"
#include "expiry.h"
#include "flags.h"
#include "strpool.h"
#include "strslab.h"
#include "util.h"

#define NOW 1800000000000LL
#define MIN (60 * 1000LL)

static void session(struct session *s, enum session_status st, int64_t expires)
{
    memset(s, 0, sizeof *s);
    s->id = strslab_dup("plantly-0a1b2c3d4e5f");
    s->user_id = strpool_get("demo@plantly.test");
    s->status = st;
    s->created_ms = NOW - 50 * MIN;
    s->expires_ms = expires;
}

static void test_expiring(void **state)
{
    struct session s;
    session(&s, SESSION_ACTIVE, NOW + 9 * MIN);
    assert_true(session_expiring(&s, NOW, 10 * MIN));
    assert_false(session_expiring(&s, NOW, 5 * MIN));
    assert_true(session_expiring(&s, NOW - MIN, 10 * MIN)); /* at its crossing: expiring */
    assert_false(session_expiring(&s, NOW, 0));          /* off */
    assert_int_equal(expiry_crossing(&s, 10 * MIN), NOW - MIN);
    assert_int_equal(expiry_crossing(&s, 0), 0);
    s.status = SESSION_REVOKED;                           /* over: never expiring */
    assert_false(session_expiring(&s, NOW, 10 * MIN));
    assert_int_equal(expiry_crossing(&s, 10 * MIN), 0);
    s.status = SESSION_ACTIVE;
    s.expires_ms = NOW - MIN;                             /* expired already: not expiring */
    assert_false(session_expiring(&s, NOW, 10 * MIN));
    s.expires_ms = s.created_ms + 3 * MIN;                /* born inside the threshold (BT): */
    assert_int_equal(expiry_crossing(&s, 10 * MIN), 0);  /* nothing crossed, nothing told */
    assert_true(session_expiring(&s, s.created_ms + MIN, 10 * MIN)); /* drawn so all the same */
    s.expires_ms = 0;                                     /* no end known (CBRAIN) */
    assert_int_equal(expiry_crossing(&s, 10 * MIN), 0);
    s.abandon_ms = NOW + 2 * MIN;                         /* Clerk's idle limit comes first */
    assert_true(session_expiring(&s, NOW, 10 * MIN));
    session_free(&s);
}

static const char *env_get(char **env, const char *key)
{
    size_t n = strlen(key);
    for (char **e = env; *e; e++)
        if (strncmp(*e, key, n) == 0 && (*e)[n] == '=')
            return *e + n + 1;
    return NULL;
}

static void test_env(void **state)
{
    struct session s;
    session(&s, SESSION_ACTIVE, NOW + 9 * MIN);
    s.user_display = strpool_get("Ada \x1b]52;c;ZXZpbA==\x07Lovelace");
    s.ip = strslab_dup("203.0.113.7");
    s.flags = FLAG_STALE;
    struct expiry_names n = {"plantly", "Plantly", "plantly", "Plantly"};
    char *base[] = {"PATH=/usr/bin", "SESAME_SESSION=stale", "HOME=/h", NULL};
    char **env = expiry_env(base, &s, &n, NOW);
    assert_string_equal(env_get(env, "PATH"), "/usr/bin");
    assert_string_equal(env_get(env, "SESAME_EVENT"), "expiring");
    assert_string_equal(env_get(env, "SESAME_ACCOUNT"), "plantly");
    assert_string_equal(env_get(env, "SESAME_PROVIDER"), "plantly");
    assert_string_equal(env_get(env, "SESAME_SESSION"), "plantly-0a1b2c3d4e5f"); /* not stale */
    assert_string_equal(env_get(env, "SESAME_USER"), "Ada Lovelace"); /* no escape sequence */
    assert_string_equal(env_get(env, "SESAME_USER_ID"), "demo@plantly.test");
    assert_string_equal(env_get(env, "SESAME_STATUS"), "active");
    assert_string_equal(env_get(env, "SESAME_EXPIRES_IN"), "540");
    assert_string_equal(env_get(env, "SESAME_EXPIRES_AT"), "2027-01-15T08:09:00Z");
    assert_string_equal(env_get(env, "SESAME_IP"), "203.0.113.7");
    assert_string_equal(env_get(env, "SESAME_FLAGS"), "stale");
    assert_null(env_get(env, "SESAME_PLACE")); /* none: not set, not empty */
    size_t ours = 0;
    for (char **e = env; *e; e++)
        ours += strncmp(*e, "SESAME_SESSION=", 15) == 0;
    assert_int_equal(ours, 1);
    strv_free(env);
    session_free(&s);
}

static void test_argv(void **state)
{
    char **argv = NULL, *err = NULL;
    assert_int_equal(expiry_argv("notify-me --to 'Ada L' \"$HOME\" a\\ b", &argv, &err), 0);
    assert_string_equal(argv[0], "notify-me");
    assert_string_equal(argv[2], "Ada L");
    assert_string_equal(argv[3], "$HOME"); /* no shell: nothing is expanded */
    assert_string_equal(argv[4], "a b");
    assert_null(argv[5]);
    strv_free(argv);
    assert_int_equal(expiry_argv("sh -c 'unclosed", &argv, &err), ERR_USAGE);
    assert_non_null(strstr(err, "on-expiring"));
    free(err);
    err = NULL;
    assert_int_equal(expiry_argv("", &argv, &err), ERR_USAGE);
    free(err);
}

static void test_osc(void **state)
{
    char *s = expiry_osc("xterm-256color", "sesame", "session x; expires\x1b[2J in 9m");
    assert_string_equal(s, "\033]9;sesame: session x, expires in 9m\007");
    free(s);
    s = expiry_osc("foot", "sesame", "a;b");
    assert_string_equal(s, "\033]777;notify;sesame;a,b\007");
    free(s);
    s = expiry_osc(NULL, "t", "b");
    assert_string_equal(s, "\033]9;t: b\007");
    free(s);
}

static void test_text(void **state)
{
    struct session s;
    session(&s, SESSION_ACTIVE, NOW + 9 * MIN + 58000);
    struct expiry_names n = {"plantly", "Plantly", "plantly", "Plantly"};
    char *t = expiry_text(&s, &n, NOW);
    assert_string_equal(t, "session plantly-0a1b2c3d4e5f of demo@plantly.test (Plantly) expires "
                           "in 9m 58s");
    free(t);
    session_free(&s);
}

int main(void)
{
    setenv("TZ", "UTC", 1);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_expiring),
        cmocka_unit_test(test_env),
        cmocka_unit_test(test_argv),
        cmocka_unit_test(test_osc),
        cmocka_unit_test(test_text),
    };
    return cmocka_run_group_tests_name("expiry", tests, NULL, NULL);
}
