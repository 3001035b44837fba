/* http.c and http_request.c: the retry rule, the URL policy, builders. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"
#include "http_curl.h"
#include "util.h"

static void test_retry_429_honours_retry_after(void **state)
{
    assert_int_equal(http_retry_delay_ms(429, 2, false, true, false, 0, 3, 7), 2000);
    /* without Retry-After: backoff, even for a POST (429 = not acted on) */
    long d = http_retry_delay_ms(429, -1, false, true, false, 0, 3, 7);
    assert_true(d >= 125 && d < 375);
}

static void test_retry_5xx_only_when_idempotent(void **state)
{
    assert_true(http_retry_delay_ms(503, -1, false, true, true, 0, 3, 1) >= 0);
    assert_int_equal(http_retry_delay_ms(503, -1, false, true, false, 0, 3, 1), -1);
    assert_int_equal(http_retry_delay_ms(502, -1, false, true, false, 1, 3, 1), -1);
    assert_int_equal(http_retry_delay_ms(404, -1, false, true, true, 0, 3, 1), -1);
    assert_int_equal(http_retry_delay_ms(500, -1, false, true, true, 3, 3, 1), -1);
}

static void test_retry_backoff_grows_with_jitter(void **state)
{
    for (uint32_t rnd = 0; rnd < 1000; rnd += 37) {
        long d0 = http_retry_delay_ms(500, -1, false, true, true, 0, 9, rnd);
        long d2 = http_retry_delay_ms(500, -1, false, true, true, 2, 9, rnd);
        assert_true(d0 >= 125 && d0 < 375);
        assert_true(d2 >= 500 && d2 < 1500);
    }
}

static void test_retry_transport(void **state)
{
    /* refused connection: nothing was sent, so even a POST may go again */
    assert_true(http_retry_delay_ms(0, -1, true, false, false, 0, 3, 1) >= 0);
    /* reset after sending: only idempotent requests */
    assert_int_equal(http_retry_delay_ms(0, -1, true, true, false, 0, 3, 1), -1);
    assert_true(http_retry_delay_ms(0, -1, true, true, true, 0, 3, 1) >= 0);
}

static void test_permanent_transport_errors(void **state)
{
    assert_true(http_error_is_permanent(CURLE_PEER_FAILED_VERIFICATION));
    assert_true(http_error_is_permanent(CURLE_SSL_CACERT_BADFILE));
    assert_true(http_error_is_permanent(CURLE_WRITE_ERROR));
    assert_false(http_error_is_permanent(CURLE_COULDNT_CONNECT));
    assert_false(http_error_is_permanent(CURLE_OPERATION_TIMEDOUT));
    assert_false(http_error_is_permanent(CURLE_RECV_ERROR));
}

static void test_check_url(void **state)
{
    char *err = NULL;
    assert_int_equal(http_check_url("https://api.clerk.com/v1", false, &err), 0);
    assert_int_equal(http_check_url("http://127.0.0.1:8080/x", false, &err), 0);
    assert_int_equal(http_check_url("http://localhost/x", false, &err), 0);
    assert_int_equal(http_check_url("http://[::1]:9/x", false, &err), 0);
    assert_int_equal(http_check_url("http://portal.lab:3000", true, &err), 0);
    assert_int_equal(http_check_url("http://portal.lab:3000", false, &err), ERR_USAGE);
    assert_non_null(strstr(err, "portal.lab"));
    free(err);
    err = NULL;
    /* userinfo must not fool the loopback test */
    assert_int_equal(http_check_url("http://127.0.0.1@evil.example/", false, &err), ERR_USAGE);
    free(err);
    err = NULL;
    assert_int_equal(http_check_url("ftp://x", false, &err), ERR_USAGE);
    free(err);
    /* a user name or password in the URL: refused, and not echoed */
    static const char *const with_userinfo[] = {
        "http://admin:hunter2@127.0.0.1:8080/x", "https://admin@api.clerk.com/v1",
        "https://:hunter2@api.clerk.com/v1", "https://a%40b:hunter2@api.clerk.com",
    };
    for (size_t i = 0; i < sizeof with_userinfo / sizeof *with_userinfo; i++) {
        err = NULL;
        assert_int_equal(http_check_url(with_userinfo[i], true, &err), ERR_USAGE);
        assert_non_null(strstr(err, "user name or password"));
        assert_null(strstr(err, "hunter2"));
        assert_null(strstr(err, "admin"));
        free(err);
    }
}

/* Plain http only to this machine, named so that no DNS can move it. */
static void test_check_url_loopback_table(void **state)
{
    static const struct {
        const char *url;
        bool ok;
    } table[] = {
        {"http://127.0.0.1/", true},
        {"http://127.0.0.1:8080/v1", true},
        {"http://127.255.3.4/", true},
        {"http://127.0.0.0/", true},
        {"http://LOCALHOST:9/x", true},
        {"http://[::1]/", true},
        {"http://user@127.0.0.1/", false}, /* userinfo: never in a URL */
        {"HTTP://127.0.0.1/", true},
        {"https://127.attacker.example/", true}, /* TLS: any host */
        /* names that start like loopback: DNS puts them anywhere */
        {"http://127.attacker.example/v1", false},
        {"http://127.0.0.1.nip.io:8080/", false},
        {"http://127.0.0.1.attacker.example/", false},
        {"http://127.0.0.1./", false},
        {"http://localhost./", false},
        {"http://localhost.attacker.example/", false},
        /* not a literal dotted quad, though libcurl reads some as 127.0.0.1 */
        {"http://127.1/", false},
        {"http://2130706433/", false},
        {"http://0x7f.0.0.1/", false},
        {"http://127.0.0.01/", false},
        {"http://127.0.0.256/", false},
        {"http://127.0.0/", false},
        {"http://127.0.0.1.1/", false},
        {"http://128.0.0.1/", false},
        {"http://[::2]/", false},
        {"http://[0:0:0:0:0:0:0:1]/", false},
        {"http://[::1%25eth0]/", false},
        /* where libcurl and a naive reading disagree */
        {"http://127.0.0.1@evil.example/", false},
        {"http://127.0.0.1\\@evil.example/", false},
        {"http://evil.example#@127.0.0.1/", false},
        {"http:/127.0.0.1/", false},
        {"http:///127.0.0.1/", false},
        {"http://", false},
        {"", false},
        {"http://127.0.0.1 x/", false},
    };
    for (size_t i = 0; i < ARRAY_LEN(table); i++) {
        char *err = NULL;
        int rc = http_check_url(table[i].url, false, &err);
        if ((rc == 0) != table[i].ok)
            fail_msg("%s: %s (%s)", table[i].url, rc ? "refused" : "accepted", err ? err : "");
        if (rc)
            assert_non_null(err);
        free(err);
    }
}

static void test_request_builders_and_free(void **state)
{
    struct http_request r;
    http_request_init(&r, "POST", HTTP_IDEMPOTENT);
    http_request_set_url(&r, "%s/sessions/%s", "https://x", "a b");
    http_request_add_header(&r, "Authorization: Bearer %s", "sk_test");
    http_request_set_body(&r, "{}", 2);
    assert_string_equal(r.url, "https://x/sessions/a b");
    assert_string_equal(r.headers[0], "Authorization: Bearer sk_test");
    assert_int_equal(r.body_len, 2);
    http_request_free(&r);
    assert_null(r.url);
    assert_int_equal(r.n_headers, 0);
}

static void test_urlencode(void **state)
{
    char *e = http_urlencode("a b&c=d/é~");
    assert_string_equal(e, "a%20b%26c%3Dd%2F%C3%A9~");
    free(e);
}

static void test_is_json(void **state)
{
    struct http_response r = {.content_type = "application/json; charset=utf-8"};
    assert_true(http_is_json(&r));
    r.content_type = "application/problem+json";
    assert_true(http_is_json(&r));
    r.content_type = "text/html";
    assert_false(http_is_json(&r));
    r.content_type = NULL;
    assert_false(http_is_json(&r));
}

static void test_user_agent_names_sesame(void **state)
{
    assert_non_null(strstr(http_user_agent(), "sesame/" SESAME_VERSION));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_retry_429_honours_retry_after),
        cmocka_unit_test(test_retry_5xx_only_when_idempotent),
        cmocka_unit_test(test_retry_backoff_grows_with_jitter),
        cmocka_unit_test(test_retry_transport),
        cmocka_unit_test(test_permanent_transport_errors),
        cmocka_unit_test(test_check_url),
        cmocka_unit_test(test_check_url_loopback_table),
        cmocka_unit_test(test_request_builders_and_free),
        cmocka_unit_test(test_urlencode),
        cmocka_unit_test(test_is_json),
        cmocka_unit_test(test_user_agent_names_sesame),
    };
    return cmocka_run_group_tests_name("http", tests, NULL, NULL);
}
