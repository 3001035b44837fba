/* What an account passes before it is stored (account_check.c): the
 * providers' field validators through provider_field_check, the check
 * read (OP_CHECK) each provider builds and parses, pure, on bodies, and
 * the jobs and messages both front ends use. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "account_check.h"
#include "providers/common.h"
#include "util.h"

/* want: what the refusal says, or NULL for a value that will do */
static void field_bad(const struct provider *p, const char *key, const char *value,
                      const char *want)
{
    char *why = provider_field_check(p, key, value);
    if (want ? !why || !strstr(why, want) : why != NULL)
        fail_msg("%s %s=%s: wanted \"%s\", got \"%s\"", p->id, key, value,
                 want ? want : "(accepted)", why ? why : "(accepted)");
    free(why);
}

#define field_ok(p, key, value) field_bad(p, key, value, NULL)

static void test_validators(void **state)
{
    const struct provider *v = &provider_apideck, *pl = &provider_plantly;
    static const struct {
        const char *provider, *key, *value, *want; /* want NULL: the value will do */
    } table[] = {
        {"apideck", "session_length", "30m", NULL},
        {"apideck", "session_length", "1w", NULL},
        {"apideck", "session_length", " 2d ", NULL},
        {"apideck", "session_length", "banana", "session_length: \"banana\" is not a duration"},
        {"apideck", "session_length", "8d", "longer than the maximum of 1 week"},
        {"apideck", "session_length", "0h", "is not a duration"},
        {"apideck", "session_length", "-1h", "is not a duration"},
        {"apideck", "redirect_uri", "https://app.example/back?x=1", NULL},
        {"apideck", "redirect_uri", "http://localhost:3000/cb", NULL},
        {"apideck", "redirect_uri", "ftp://x.example/", "is not an http:// or https:// URL"},
        {"apideck", "redirect_uri", "app.example/back", "is not an http"},
        {"apideck", "redirect_uri", "https://", "is not an http"},
        {"apideck", "redirect_uri", "https://a b/", "is not an http"},
        {"apideck", "consumer_email", "ada@example.com", NULL},
        {"apideck", "consumer_email", "ada", "is not an e-mail address"},
        {"apideck", "consumer_email", "ada@example", "is not an e-mail address"},
        {"apideck", "consumer_email", "@example.com", "is not an e-mail address"},
        {"apideck", "consumer_email", "a@b@example.com", "is not an e-mail address"},
        {"apideck", "consumer_email", "Ada <ada@example.com>", "is not an e-mail address"},
        {"apideck", "app_id", "x\r\nInjected: 1", "holds control characters"},
        /* what shows as nothing: what is shown would not be what is sent */
        {"apideck", "consumer_id", "c\xe2\x80\xae" "1", "holds characters that do not show"},
        {"apideck", "app_id", "fake\xe2\x80\x8b-app", "holds characters that do not show"},
        {"apideck", "consumer_name", "Ac\xc2\xadme", "holds characters that do not show"},
        {"apideck", "consumer_name", "Acme\xe2\x81\xa6", "holds characters that do not show"},
        {"apideck", "consumer_name", "\xef\xbb\xbf" "Acme", "holds characters that do not show"},
        {"apideck", "consumer_name", "Caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac", NULL},
        {"plantly", "email_address", "demo@plantly.test\xe2\x80\xae", "do not show"},
        {"plantly", "email_address", "demo@plantly.test", NULL},
        {"plantly", "email_address", "demo-at-plantly", "email_address: \"demo-at-plantly\""},
    };
    for (size_t i = 0; i < ARRAY_LEN(table); i++)
        field_bad(strcmp(table[i].provider, "plantly") == 0 ? pl : v, table[i].key,
                  table[i].value, table[i].want);
    /* a secret's value is never repeated in the message */
    char *why = provider_field_check(&provider_clerk, "api_key", "sk_test\x01secret");
    assert_non_null(why);
    assert_null(strstr(why, "secret"));
    assert_non_null(strstr(why, "api_key holds control characters"));
    free(why);
    /* empty values and fields without a validator pass: other checks own them */
    field_ok(v, "session_length", "");
    field_ok(v, "consumer_name", "anything at all");
    field_ok(v, "no_such_field", "x");
    field_ok(&provider_cbrain, "login", "demo");
    field_bad(&provider_cbrain, "login", "de\xe2\x80\xaemo", "holds characters that do not show");

    struct account a = {0};
    account_set_field(&a, "app_id", "app");
    account_set_field(&a, "session_length", "forever");
    why = account_fields_problem(v, &a);
    assert_non_null(strstr(why, "session_length"));
    free(why);
    account_set_field(&a, "session_length", "1h");
    assert_null(account_fields_problem(v, &a));
    account_free(&a);
}

/* ---- the check read of each provider ---- */

static struct http_request build_check(const struct provider *p, const struct account *a,
                                       const char *kind, const char *secret)
{
    struct secret_bag bag = {0};
    if (kind)
        secret_bag_put(&bag, kind, secret);
    struct http_request r;
    memset(&r, 0, sizeof r);
    char *err = NULL;
    int rc = p->build(a, OP_CHECK, NULL, &bag, &r, &err);
    if (rc)
        fail_msg("%s check: %s", p->id, err ? err : "?");
    secret_bag_clear(&bag);
    return r;
}

static bool has_header(const struct http_request *r, const char *line)
{
    for (size_t i = 0; i < r->n_headers; i++)
        if (strcmp(r->headers[i], line) == 0)
            return true;
    return false;
}

static struct op_result parse_check(const struct provider *p, const struct account *a,
                                    long status, const char *body)
{
    struct http_response resp = {.status = status, .body = (char *)body,
                                 .body_len = strlen(body), .retry_after_s = -1};
    resp.content_type = (char *)"application/json";
    struct op_result out = {0};
    p->parse(a, OP_CHECK, NULL, &resp, &out);
    return out;
}

static void expect_parse(const struct provider *p, const struct account *a, long status,
                         const char *body, int err, const char *want)
{
    struct op_result out = parse_check(p, a, status, body);
    assert_int_equal(out.err, err);
    if (want && (!out.error || !strstr(out.error, want)))
        fail_msg("%s %ld: wanted \"%s\" in \"%s\"", p->id, status, want,
                 out.error ? out.error : "(null)");
    assert_int_equal(out.sessions.n, 0);
    assert_int_equal(out.n_follow, 0);
    op_result_free(&out);
}

static void test_clerk_check(void **state)
{
    const struct provider *p = &provider_clerk;
    assert_true(p->caps & CAP_CHECK);
    struct account a = {.id = (char *)"c", .base_url = (char *)"https://api.example/v1/"};
    struct http_request r = build_check(p, &a, "api_key", "sk_test_1");
    assert_string_equal(r.method, "GET");
    assert_string_equal(r.url, "https://api.example/v1/users?limit=1");
    assert_true(has_header(&r, "Authorization: Bearer sk_test_1"));
    assert_true(r.flags & HTTP_IDEMPOTENT);
    http_request_free(&r);
    expect_parse(p, &a, 200, "[]", 0, NULL);
    expect_parse(p, &a, 200, "[{\"id\":\"user_1\",\"object\":\"user\"}]", 0, NULL);
    expect_parse(p, &a, 401, "{\"errors\":[{\"message\":\"x\",\"long_message\":\"Invalid key\","
                 "\"code\":\"clerk_key_invalid\"}]}", ERR_PROVIDER,
                 "HTTP 401 from Clerk: clerk_key_invalid: Invalid key");
    expect_parse(p, &a, 200, "{\"data\":[]}", ERR_PROVIDER, "users are not a list");
    /* another server: an answer, not the documented one (exit 3) */
    expect_parse(p, &a, 200, "<html>", ERR_PROVIDER, "not JSON");
    expect_parse(p, &a, 503, "", ERR_NETWORK, "HTTP 503");
    /* no key: nothing is built */
    struct secret_bag none = {0};
    struct http_request r2;
    memset(&r2, 0, sizeof r2);
    char *err = NULL;
    assert_int_equal(p->build(&a, OP_CHECK, NULL, &none, &r2, &err), ERR_KEYRING);
    free(err);
    http_request_free(&r2);
}

static void test_basistheory_check(void **state)
{
    const struct provider *p = &provider_basistheory;
    assert_true(p->caps & CAP_CHECK);
    struct account a = {.id = (char *)"b"};
    /* each key on its own: the one in the bag */
    struct http_request r = build_check(p, &a, "public_key", "key_pub");
    assert_string_equal(r.url, "https://api.basistheory.com/applications/key");
    assert_true(has_header(&r, "BT-API-KEY: key_pub"));
    http_request_free(&r);
    r = build_check(p, &a, "private_key", "key_priv");
    assert_true(has_header(&r, "BT-API-KEY: key_priv"));
    http_request_free(&r);
    expect_parse(p, &a, 200, "{\"id\":\"app\",\"type\":\"public\",\"permissions\":[]}", 0, NULL);
    expect_parse(p, &a, 401, "", ERR_PROVIDER, "HTTP 401 from Basis Theory: unauthorized");
    expect_parse(p, &a, 403, "{\"title\":\"Forbidden\",\"status\":403}", ERR_PROVIDER, "403");
    expect_parse(p, &a, 200, "[1]", ERR_PROVIDER, "not an object");
}

static void test_apideck_check(void **state)
{
    const struct provider *p = &provider_apideck;
    assert_true(p->caps & CAP_CHECK);
    struct account a = {.id = xstrdup("v")};
    account_set_field(&a, "app_id", "app-1");
    account_set_field(&a, "consumer_id", "cons-1");
    struct http_request r = build_check(p, &a, "api_key", "ak_1");
    assert_string_equal(r.method, "GET");
    assert_string_equal(r.url, "https://unify.apideck.com/vault/connections");
    assert_true(has_header(&r, "Authorization: Bearer ak_1"));
    assert_true(has_header(&r, "x-apideck-app-id: app-1"));
    assert_true(has_header(&r, "x-apideck-consumer-id: cons-1"));
    assert_null(r.body);
    http_request_free(&r);
    expect_parse(p, &a, 200, "{\"status_code\":200,\"status\":\"OK\",\"data\":[]}", 0, NULL);
    expect_parse(p, &a, 401, "{\"status_code\":401,\"error\":\"Unauthorized\",\"type_name\":"
                 "\"UnauthorizedError\",\"message\":\"Unauthorized Request\",\"detail\":"
                 "\"Invalid API key\"}", ERR_PROVIDER, "HTTP 401");
    expect_parse(p, &a, 200, "{\"status_code\":200}", ERR_PROVIDER, "without a data list");
    account_free(&a);
}

static void test_no_check_without_a_read(void **state)
{
    /* Plantly and CBRAIN would have to log in: no check, no jobs */
    assert_false(provider_plantly.caps & CAP_CHECK);
    assert_false(provider_cbrain.caps & CAP_CHECK);
    struct secret_bag bag = {0};
    secret_bag_put(&bag, "password", "pw");
    struct account a = {.id = (char *)"p"};
    struct job jobs[SECRET_BAG_MAX];
    assert_int_equal(account_check_jobs(&provider_plantly, &a, &bag, jobs), 0);
    secret_bag_clear(&bag);
}

static void test_check_jobs_and_messages(void **state)
{
    struct secret_bag bag = {0};
    secret_bag_put(&bag, "public_key", "kp");
    secret_bag_put(&bag, "private_key", "");
    struct account a = {.id = (char *)"b", .label = (char *)"BT"};
    struct job jobs[SECRET_BAG_MAX];
    size_t n = account_check_jobs(&provider_basistheory, &a, &bag, jobs);
    assert_int_equal(n, 1); /* an empty optional key is not tried */
    assert_int_equal(jobs[0].kind, JOB_OP);
    assert_int_equal(jobs[0].op, OP_CHECK);
    assert_string_equal(jobs[0].account.label, "BT");
    assert_int_equal(jobs[0].secrets.n, 1);
    assert_string_equal(secret_bag_get(&jobs[0].secrets, "public_key"), "kp");
    job_free(&jobs[0]);
    secret_bag_put(&bag, "private_key", "kq");
    assert_int_equal(account_check_jobs(&provider_basistheory, &a, &bag, jobs), 2);
    job_free(&jobs[0]);
    job_free(&jobs[1]);
    secret_bag_clear(&bag);

    char *m = account_check_message(&provider_basistheory, "private_key", ERR_PROVIDER, true,
                                    "HTTP 401 from Basis Theory: unauthorized");
    assert_string_equal(m, "the Private application key (private_key) was refused: HTTP 401 "
                           "from Basis Theory: unauthorized");
    free(m);
    /* an answer that is no refusal is not said to be one: what came is said */
    m = account_check_message(&provider_clerk, "api_key", ERR_PROVIDER, false,
                              "HTTP 200 from Clerk: body is not JSON (<html>)");
    assert_string_equal(m, "could not check the Secret key (sk_...) (api_key): HTTP 200 from "
                           "Clerk: body is not JSON (<html>)");
    free(m);
    m = account_check_message(&provider_clerk, "api_key", ERR_PROVIDER, false,
                              "HTTP 302 from Clerk: redirect to https://sso.example/ not followed");
    assert_non_null(strstr(m, "could not check"));
    free(m);
    m = account_check_message(&provider_clerk, "api_key", ERR_NETWORK, false, "could not reach Clerk");
    assert_string_equal(m, "could not check the Secret key (sk_...) (api_key): could not reach "
                           "Clerk");
    free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_validators),
        cmocka_unit_test(test_clerk_check),
        cmocka_unit_test(test_basistheory_check),
        cmocka_unit_test(test_apideck_check),
        cmocka_unit_test(test_no_check_without_a_read),
        cmocka_unit_test(test_check_jobs_and_messages),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
