/* scrub.c: every secret a request carried, masked in the text that leaves
 * the worker, in each spelling a server may echo it in. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "scrub.h"
#include "strpool.h"
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
    /* what was asked for is left alone (a token holding a secret: see
     * test_token_holding_a_secret) */
    ev.secret = xstrdup("sk_live_abcdef");
    ev.result.token = xstrdup("eyJhbGciOiJIUzI1NiJ9.eyJzaWQiOiJzZXNzXzEifQ.c2lnbmF0dXJl");
    secrets_scrub_event(&ev, &bag, NULL);
    assert_string_equal(ev.error, "HTTP 401: [secret api_key] is not valid");
    assert_string_equal(ev.result.error, "also [secret api_key]");
    assert_string_equal(s->raw_json, "{\"echo\":\"[secret api_key]\"}");
    assert_string_equal(ev.secret, "sk_live_abcdef");
    assert_string_equal(ev.result.token, "eyJhbGciOiJIUzI1NiJ9.eyJzaWQiOiJzZXNzXzEifQ.c2lnbmF0dXJl");
    event_free(&ev);
    secret_bag_clear(&bag);
}

/* Spellings that are not on any list: split by what shows as nothing or a
 * space, any case, any escape, mixed. */
static void test_disguised(void **state)
{
    struct secret_bag bag = {0};
    secret_bag_put(&bag, "api_key", "sk_test_fake");
    static const char *const disguised[] = {
        "sk_test\r_fake", "sk_test _fake", "sk_test\n_fake", "sk_\ttest_fake",
        "sk_test\\u0000_fake", "sk_test\\x00_fake", "sk_test\\r\\n_fake",
        "sk_te\xe2\x80\x8bst_fake", "sk_test\xc2\xad_fake", "s\xe2\x80\x8ek_test_fake",
        "sk_test&shy;_fake", "sk_test&#8203;_fake", "sk_t\xef\xbb\xbf" "est_fake",
        "sk%5Ftest%5Ffake", "sk%5ftest%5ffake", "%73k_test_fake", "%73%6B%5f%74est_fake",
        "sk_test%0D%0A_fake", "sk_test+_fake",
        "SK_TEST_FAKE", "Sk_Test_Fake", "sK_tEsT_fAkE", "SK%5FTEST_FAKE",
        "sk&#95;test&#x5f;fake", "sk&lowbar;test&#X5F;fake", "sk&#95test_fake",
        "sk\\u005ftest_fake", "sk\\u005Ftest\\u005ffake", "\\u0053K_TEST_FAKE",
    };
    for (size_t i = 0; i < sizeof disguised / sizeof *disguised; i++) {
        char *in = xasprintf("key <%s> refused", disguised[i]);
        char *t = xstrdup(in);
        secrets_scrub(&t, &bag, NULL);
        if (strcmp(t, "key <[secret api_key]> refused") != 0)
            fail_msg("%s -> %s", in, t);
        free(t);
        free(in);
    }
    /* cut short in a preview, in another case */
    scrubbed(&bag, NULL, "body: Bearer SK_TEST_F...", "body: Bearer [secret api_key]...");
    secret_bag_clear(&bag);

    /* a password with a letter outside ASCII, as a preview, a form and
     * HTML would spell it */
    secret_bag_put(&bag, "password", "p\xc3\xa4sswort1");
    scrubbed(&bag, NULL, "HTTP 422: <p>p\\xc3\\xa4sswort1</p>",
             "HTTP 422: <p>[secret password]</p>");
    scrubbed(&bag, NULL, "password=p%C3%A4sswort1&x", "password=[secret password]&x");
    scrubbed(&bag, NULL, "P%C3%84SSWORT1", "[secret password]");
    scrubbed(&bag, NULL, "P\xc3\x84SSWORT1!", "[secret password]!");
    scrubbed(&bag, NULL, "p&auml;sswort1 p&#228;sswort1 P&Auml;SSWORT1",
             "[secret password] [secret password] [secret password]");
    scrubbed(&bag, NULL, "p&aumlsswort1 p&ouml;sswort1 p&aum;sswort1",
             "[secret password] p&ouml;sswort1 p&aum;sswort1");
    scrubbed(&bag, NULL, "p\\u00e4sswort1", "[secret password]");
    secret_bag_clear(&bag);
}

/* A secret that holds what looks like an escape is found as it is, too. */
static void test_literal_escapes(void **state)
{
    struct secret_bag bag = {0};
    secret_bag_put(&bag, "password", "pw%41&amp;\\x41+z");
    scrubbed(&bag, NULL, "as sent: pw%41&amp;\\x41+z.", "as sent: [secret password].");
    scrubbed(&bag, NULL, "encoded: pw%2541%26amp%3B%5Cx41%2Bz.", "encoded: [secret password].");
    secret_bag_clear(&bag);
}

/* Nothing that is not the secret is masked: a short secret only as it is
 * spelt (escapes decoded), never in another case or spaced out; other
 * punctuation between the characters is not "invisible". */
static void test_nothing_else_masked(void **state)
{
    struct secret_bag bag = {0};
    secret_bag_put(&bag, "password", "demo");
    scrubbed(&bag, NULL, "Demo user: demo", "Demo user: [secret password]");
    scrubbed(&bag, NULL, "DEMO d e m o de-mo %64emo", "DEMO d e m o de-mo [secret password]");
    secret_bag_clear(&bag);
    secret_bag_put(&bag, "password", "hunter2");
    scrubbed(&bag, NULL, "HUNTER2 hunter2", "HUNTER2 [secret password]");
    secret_bag_clear(&bag);
    secret_bag_put(&bag, "api_key", "abcdefgh");
    scrubbed(&bag, NULL, "ab-cd-ef-gh {\"a\":\"abcd\",\"b\":\"efgh\"} abcdefg.",
             "ab-cd-ef-gh {\"a\":\"abcd\",\"b\":\"efgh\"} abcdefg.");
    scrubbed(&bag, NULL, "session sess_2abcdefgXYZ ended", "session sess_2abcdefgXYZ ended");
    secret_bag_clear(&bag);
}

/* A text that offers two readings at every position costs bounded work. */
static void test_bounded(void **state)
{
    struct secret_bag bag = {0};
    secret_bag_put(&bag, "password", "%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%x");
    GString *g = g_string_new(NULL);
    for (int i = 0; i < 20000; i++)
        g_string_append(g, "%25");
    char *t = xstrdup(g->str);
    int64_t t0 = mono_ms();
    secrets_scrub(&t, &bag, NULL);
    assert_true(mono_ms() - t0 < 5000);
    free(t);
    g_string_free(g, TRUE);
    secret_bag_clear(&bag);
}

/* Every string of every session and user that leaves the worker: an answer
 * may put the key in the session's id, a verify answer the token it was
 * given anywhere. */
static void test_event_every_field(void **state)
{
    struct secret_bag bag = {0};
    secret_bag_put(&bag, "api_key", "sk_test_fake");
    const char *jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzaWQiOiJzZXNzXzEifQ.c2lnbmF0dXJl";
    struct event ev = {0};
    struct session *s = session_list_push(&ev.result.sessions);
    s->id = strslab_dup("sk_test_fake");
    s->account_id = strpool_get("acct");
    s->user_id = strpool_get("user SK_TEST_FAKE");
    s->user_display = strpool_get(jwt);
    s->client_id = strslab_dup("sk%5Ftest_fake");
    s->device = strpool_get("sk_test\r_fake");
    s->browser = strpool_get("Chrome");
    s->ip = strslab_dup(jwt);
    s->place = strpool_get("Berlin");
    ev.result.n_users = 1;
    ev.result.users = xcalloc(1, sizeof *ev.result.users);
    ev.result.users[0].id = xstrdup("sk_test_fake");
    ev.result.users[0].display = xasprintf("Ada <%s>", jwt);
    secrets_scrub_event(&ev, &bag, jwt);
    assert_string_equal(s->id, "[secret api_key]");
    assert_string_equal(s->account_id, "acct");
    assert_string_equal(s->user_id, "user [secret api_key]");
    assert_string_equal(s->user_display, "[secret token]");
    assert_string_equal(s->client_id, "[secret api_key]");
    assert_string_equal(s->device, "[secret api_key]");
    assert_string_equal(s->browser, "Chrome");
    assert_string_equal(s->ip, "[secret token]");
    assert_string_equal(s->place, "Berlin");
    assert_string_equal(ev.result.users[0].id, "[secret api_key]");
    assert_string_equal(ev.result.users[0].display, "Ada <[secret token]>");
    event_free(&ev);
    secret_bag_clear(&bag);
}

/* Any long fragment of a secret, not only its beginning: a server's message
 * may print the end of a key, or a part of it between two previews. The
 * whole fragment is masked, not only the piece that found it. */
static void test_fragments(void **state)
{
    struct secret_bag bag = {0};
    const char *k = "apk_live_0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJ";
    secret_bag_put(&bag, "api_key", k);
    char *in = xasprintf("key %s", k + 20);
    scrubbed(&bag, NULL, in, "key [secret api_key]");
    free(in);
    in = xasprintf("key %.25s...%s", k, k + 40);
    scrubbed(&bag, NULL, in, "key [secret api_key]...[secret api_key]");
    free(in);
    in = xasprintf("mid <%.30s> end", k + 12);
    scrubbed(&bag, NULL, in, "mid <[secret api_key]> end");
    free(in);
    /* in another case, escaped, split by an invisible character */
    scrubbed(&bag, NULL, "k=JKLMNOPQRSTUVWXYZ%61bcdefghij!", "k=[secret api_key]!");
    scrubbed(&bag, NULL, "k=jklmnopqr\xe2\x80\x8bstuvwxyzabcdefghij!", "k=[secret api_key]!");
    /* short runs that happen to be in the key stay */
    scrubbed(&bag, NULL, "the abcdef and 0123456789 and ABCDEFGHIJ",
             "the abcdef and 0123456789 and ABCDEFGHIJ");
    secret_bag_clear(&bag);
}

/* The secret in base64 or base64url, at each alignment a longer encoded
 * text may give it. */
static void test_base64(void **state)
{
    struct secret_bag bag = {0};
    const char *k = "sk_test_0123456789?abcdefghij>>~";
    secret_bag_put(&bag, "api_key", k);
    for (int align = 0; align < 3; align++) {
        GString *g = g_string_new(NULL);
        g_string_append_len(g, "xy", align);
        g_string_append(g, k);
        g_string_append(g, "zz");
        gchar *b64 = g_base64_encode((const guchar *)g->str, g->len);
        for (int url = 0; url < 2; url++) {
            if (url) {
                g_strdelimit(b64, "+", '-');
                g_strdelimit(b64, "/", '_');
            }
            char *t = xasprintf("echo %s end", b64);
            secrets_scrub(&t, &bag, NULL);
            if (strstr(t, "[secret api_key]") == NULL || strlen(t) > 40)
                fail_msg("align %d url %d: %s -> %s", align, url, b64, t);
            free(t);
        }
        g_free(b64);
        g_string_free(g, TRUE);
    }
    secret_bag_clear(&bag);
}

/* A JWT's signature (or another part) printed alone. */
static void test_jwt_parts(void **state)
{
    const char *jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzaWQiOiJzZXNzXzEiLCJzdWIiOiJ1c2VyXzEifQ."
                      "QkVFRl9zaWduYXR1cmVfb2ZfdGhlX3Rva2Vu";
    scrubbed(NULL, jwt, "sig QkVFRl9zaWduYXR1cmVfb2ZfdGhlX3Rva2Vu is bad",
             "sig [secret token] is bad");
    scrubbed(NULL, jwt, "payload eyJzaWQiOiJzZXNzXzEiLCJzdWIiOiJ1c2VyXzEifQ.",
             "payload [secret token]");
    scrubbed(NULL, jwt, "header.signature eyJhbGciOiJSUzI1NiJ9 x", "header.signature [secret token] x");
}

/* A token asked for that holds a secret the request carried is no token:
 * dropped, and the event fails. */
static void test_token_holding_a_secret(void **state)
{
    struct secret_bag bag = {0};
    secret_bag_put(&bag, "api_key", "sk_test_fake");
    struct event ev = {0};
    ev.result.token = xstrdup("eyJhbGciOiJIUzI1NiJ9.sk_test_fake.c2lnbmF0dXJl");
    secrets_scrub_event(&ev, &bag, NULL);
    assert_null(ev.result.token);
    assert_int_equal(ev.err, ERR_PROVIDER);
    assert_string_equal(ev.error, "unexpected answer: the token holds a secret of the account, "
                                  "so it is not shown");
    event_free(&ev);
    memset(&ev, 0, sizeof ev);
    ev.result.token = xstrdup("eyJhbGciOiJIUzI1NiJ9.eyJzaWQiOiJzZXNzXzEifQ.c2lnbmF0dXJl");
    secrets_scrub_event(&ev, &bag, NULL);
    assert_int_equal(ev.err, 0);
    assert_string_equal(ev.result.token, "eyJhbGciOiJIUzI1NiJ9.eyJzaWQiOiJzZXNzXzEifQ.c2lnbmF0dXJl");
    event_free(&ev);
    secret_bag_clear(&bag);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_spelling),
        cmocka_unit_test(test_bag_and_extra),
        cmocka_unit_test(test_event),
        cmocka_unit_test(test_disguised),
        cmocka_unit_test(test_literal_escapes),
        cmocka_unit_test(test_nothing_else_masked),
        cmocka_unit_test(test_bounded),
        cmocka_unit_test(test_event_every_field),
        cmocka_unit_test(test_fragments),
        cmocka_unit_test(test_base64),
        cmocka_unit_test(test_jwt_parts),
        cmocka_unit_test(test_token_holding_a_secret),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
