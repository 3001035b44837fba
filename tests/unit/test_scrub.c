/* scrub.c: every secret a request carried, masked in the text that leaves
 * the worker, in each spelling a server may echo it in. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "scrub.h"
#include "strslab.h"
#include "util.h"
#include "worker.h"

static void scrubbed(const struct secret_bag *bag, const char *extra, const char *in,
                     const char *want)
{
    char *t = xstrdup(in);
    secrets_scrub(&t, bag, extra);
    assert_string_equal(t, want);
    free(t);
}

static void test_every_spelling(void **state)
{
    struct secret_bag bag = {0};
    secret_bag_put(&bag, "api_key", "sk_test/Key+\"x\" y");
    scrubbed(&bag, NULL, "The key Bearer sk_test/Key+\"x\" y is invalid",
             "The key Bearer [secret api_key] is invalid");
    scrubbed(&bag, NULL, "key=sk_test%2FKey%2B%22x%22%20y&a=1", "key=[secret api_key]&a=1");
    scrubbed(&bag, NULL, "key=sk_test%2fKey%2b%22x%22%20y", "key=[secret api_key]");
    scrubbed(&bag, NULL, "key=sk_test%2FKey%2B%22x%22+y", "key=[secret api_key]");
    scrubbed(&bag, NULL, "{\"k\":\"sk_test/Key+\\\"x\\\" y\"}", "{\"k\":\"[secret api_key]\"}");
    scrubbed(&bag, NULL, "{\"k\":\"sk_test\\/Key+\\\"x\\\" y\"}", "{\"k\":\"[secret api_key]\"}");
    scrubbed(&bag, NULL, "twice: sk_test/Key+\"x\" y, sk_test/Key+\"x\" y.",
             "twice: [secret api_key], [secret api_key].");
    scrubbed(&bag, NULL, "nothing to see", "nothing to see");
    /* a preview cut inside the key ("...") still hides what it shows of it */
    scrubbed(&bag, NULL, "body is not JSON (Bearer sk_test/Ke...)",
             "body is not JSON (Bearer [secret api_key]...)");
    scrubbed(&bag, NULL, "ends with sk_test/K", "ends with [secret api_key]");
    scrubbed(&bag, NULL, "too little: sk_te", "too little: sk_te");
    secret_bag_clear(&bag);
}

static void test_bag_and_extra(void **state)
{
    struct secret_bag bag = {0};
    secret_bag_put(&bag, "public_key", "key_pub_123");
    secret_bag_put(&bag, "private_key", "key_pub_123_longer"); /* holds the other */
    secret_bag_put(&bag, "password", "abc");                  /* too short to mask */
    scrubbed(&bag, "eyJhbGciOi.token", "a key_pub_123_longer b key_pub_123 c abc d eyJhbGciOi.token",
             "a [secret private_key] b [secret public_key] c abc d [secret token]");
    scrubbed(NULL, NULL, "key_pub_123", "key_pub_123");
    char *none = NULL;
    secrets_scrub(&none, &bag, NULL);
    assert_null(none);
    secret_bag_clear(&bag);
}

static void test_event(void **state)
{
    struct secret_bag bag = {0};
    secret_bag_put(&bag, "api_key", "sk_live_abcdef");
    struct event ev = {0};
    ev.error = xstrdup("HTTP 401: sk_live_abcdef is not valid");
    ev.result.error = xstrdup("also sk_live_abcdef");
    struct session *s = session_list_push(&ev.result.sessions);
    s->id = strslab_take(xstrdup("sess_1"));
    s->raw_json = xstrdup("{\"echo\":\"sk_live_abcdef\"}");
    /* what was asked for is left alone */
    ev.secret = xstrdup("sk_live_abcdef");
    ev.result.token = xstrdup("sk_live_abcdef");
    secrets_scrub_event(&ev, &bag, NULL);
    assert_string_equal(ev.error, "HTTP 401: [secret api_key] is not valid");
    assert_string_equal(ev.result.error, "also [secret api_key]");
    assert_string_equal(s->raw_json, "{\"echo\":\"[secret api_key]\"}");
    assert_string_equal(ev.secret, "sk_live_abcdef");
    assert_string_equal(ev.result.token, "sk_live_abcdef");
    event_free(&ev);
    secret_bag_clear(&bag);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_spelling),
        cmocka_unit_test(test_bag_and_extra),
        cmocka_unit_test(test_event),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
