/* Apideck Vault (POST /vault/sessions): build() with the account defaults
 * and option validation against the Session schema, parse() on the spec's
 * examples, every error schema and hostile bodies. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "providers/common.h"
#include "providers/provider.h"
#include "util.h"

/* The registry's, for a test linked without it (make links the real one). */
__attribute__((weak)) const char *provider_base_url(const struct provider *p,
                                                    const struct account *a)
{
    return !str_empty(a->base_url) ? a->base_url : p->default_base_url;
}

#define P (&provider_apideck)
#define NOW 1700000000000LL
#define API_KEY "sk_live_abcdef0123456789"
#define TOKEN "eyJhbGciOiJIUzI1NiJ9.eyJjb25zdW1lcl9pZCI6InRlc3QifQ.c2lnbmF0dXJl"
#define URI "https://vault.apideck.com/session/" TOKEN
#define CREATED                                                                              \
    "{\"status_code\":200,\"status\":\"OK\",\"data\":{\"session_uri\":\"" URI                 \
    "\",\"session_token\":\"" TOKEN "\"}}"

/* The x-codeSamples body of sessionsCreate, compact, in the spec's order. */
#define SPEC_SESSION                                                                           \
    "{\"consumer_metadata\":{\"account_name\":\"SpaceX\",\"user_name\":\"Elon Musk\","         \
    "\"email\":\"elon@musk.com\",\"image\":\"https://www.spacex.com/static/images/share.jpg\"}," \
    "\"redirect_uri\":\"https://mysaas.com/dashboard\",\"settings\":{\"unified_apis\":[\"crm\"]," \
    "\"hide_resource_settings\":false,\"sandbox_mode\":false,\"isolation_mode\":false,"        \
    "\"session_length\":\"30m\",\"show_logs\":true,\"show_suggestions\":false,"                \
    "\"show_sidebar\":true,\"auto_redirect\":false,\"hide_guides\":false,"                     \
    "\"allow_actions\":[\"delete\"]},\"theme\":{\"favicon\":"                                  \
    "\"https://res.cloudinary.com/apideck/icons/intercom\",\"logo\":"                          \
    "\"https://res.cloudinary.com/apideck/icons/intercom\",\"primary_color\":\"#286efa\","     \
    "\"sidepanel_background_color\":\"#286efa\",\"sidepanel_text_color\":\"#FFFFFF\","         \
    "\"vault_name\":\"Intercom\",\"privacy_url\":\"https://compliance.apideck.com/privacy-policy\"," \
    "\"terms_url\":\"https://www.termsfeed.com/terms-conditions/957c85c1b089ae9e3219c83eff65377e\"}," \
    "\"custom_consumer_settings\":{\"feature_flag_1\":true,\"tax_rates\":[{\"id\":\"6\","      \
    "\"label\":\"6%\"},{\"id\":\"21\",\"label\":\"21%\"}]}}"

static void make_account(struct account *a)
{
    memset(a, 0, sizeof *a);
    a->id = xstrdup("acct-vault");
    a->provider_id = xstrdup("apideck");
    a->label = xstrdup("Vault test");
    account_set_field(a, "app_id", "dSBdXd2H6Mqwfg0atXHXYcysLJE9qyn1VwBtXHX");
    account_set_field(a, "consumer_id", "test-consumer");
}

static int build(const struct account *a, const char *options, const char *key,
                 struct http_request *req, char **err)
{
    struct op_args args = {0};
    args.options_json = (char *)options;
    struct secret_bag bag = {0};
    if (key)
        secret_bag_put(&bag, "api_key", key);
    memset(req, 0, sizeof *req);
    *err = NULL;
    int rc = P->build(a, OP_CREATE, &args, &bag, req, err);
    secret_bag_clear(&bag);
    return rc;
}

static void parse(const struct account *a, const char *options, long status, const char *body,
                  struct op_result *out)
{
    struct op_args args = {0};
    args.options_json = xstrdup(options);
    args.now_ms = NOW;
    struct http_response resp = {0};
    resp.status = status;
    resp.retry_after_s = -1;
    if (body) {
        resp.body = xstrdup(body);
        resp.body_len = strlen(body);
    }
    memset(out, 0, sizeof *out);
    P->parse(a, OP_CREATE, &args, &resp, out);
    http_response_free(&resp);
    op_args_free(&args);
}

static bool has_secret(const char *s)
{
    return s && (strstr(s, TOKEN) || strstr(s, "eyJhbGci") || strstr(s, "vault.apideck.com") ||
                 strstr(s, API_KEY) || strstr(s, "sk_live"));
}

static void assert_no_secrets(const struct op_result *r)
{
    for (size_t i = 0; i < r->sessions.n; i++) {
        const struct session *s = &r->sessions.v[i];
        const char *f[] = {s->id, s->account_id, s->user_id, s->user_display, s->client_id,
                           s->device, s->browser, s->ip, s->place, s->raw_json};
        for (size_t k = 0; k < ARRAY_LEN(f); k++)
            assert_false(has_secret(f[k]));
    }
    assert_false(has_secret(r->error));
}

/* ---- provider data ----------------------------------------------------- */

static void test_meta(void **state)
{
    assert_string_equal(P->id, "apideck");
    assert_string_equal(P->title, "Apideck Vault");
    assert_string_equal(P->default_base_url, "https://unify.apideck.com");
    assert_int_equal(P->caps, CAP_CREATE | CAP_OPEN_URL | CAP_CHECK);
    static const struct {
        const char *key;
        unsigned flags;
    } want[] = {
        {"api_key", FIELD_SECRET | FIELD_REQUIRED}, {"app_id", FIELD_REQUIRED},
        {"consumer_id", FIELD_REQUIRED},            {"consumer_name", 0},
        {"consumer_email", 0},                      {"redirect_uri", 0},
        {"session_length", 0},
    };
    for (size_t i = 0; i < ARRAY_LEN(want); i++) {
        assert_string_equal(P->fields[i].key, want[i].key);
        assert_int_equal(P->fields[i].flags, want[i].flags);
        assert_non_null(P->fields[i].label);
    }
    assert_null(P->fields[ARRAY_LEN(want)].key);
    struct op_needs n = P->needs(OP_CREATE);
    assert_string_equal(n.account_secrets, "api_key");
    assert_null(n.session_secrets);
    n = P->needs(OP_REVOKE);
    assert_null(n.account_secrets);
    assert_null(n.session_secrets);
}

/* ---- build ------------------------------------------------------------- */

static void test_build_minimal(void **state)
{
    struct account a;
    make_account(&a);
    struct http_request req;
    char *err;
    assert_int_equal(build(&a, NULL, API_KEY, &req, &err), 0);
    assert_null(err);
    assert_string_equal(req.method, "POST");
    assert_string_equal(req.url, "https://unify.apideck.com/vault/sessions");
    assert_int_equal(req.n_headers, 5);
    assert_string_equal(req.headers[0], "Authorization: Bearer " API_KEY);
    assert_string_equal(req.headers[1], "x-apideck-app-id: dSBdXd2H6Mqwfg0atXHXYcysLJE9qyn1VwBtXHX");
    assert_string_equal(req.headers[2], "x-apideck-consumer-id: test-consumer");
    assert_string_equal(req.headers[3], "Content-Type: application/json");
    assert_string_equal(req.headers[4], "Accept: application/json");
    assert_string_equal(req.body, "{}");
    assert_int_equal(req.body_len, 2);
    assert_int_equal(req.flags, 0); /* a create is never repeated */
    http_request_free(&req);

    assert_int_equal(build(&a, "", API_KEY, &req, &err), 0);
    assert_string_equal(req.body, "{}");
    http_request_free(&req);

    free(a.base_url);
    a.base_url = xstrdup("http://127.0.0.1:4010/");
    assert_int_equal(build(&a, "{}", API_KEY, &req, &err), 0);
    assert_string_equal(req.url, "http://127.0.0.1:4010/vault/sessions");
    assert_string_equal(req.body, "{}");
    http_request_free(&req);
    account_free(&a);
}

static void test_build_spec_example(void **state)
{
    struct account a;
    make_account(&a);
    /* defaults never override what the options say */
    account_set_field(&a, "consumer_name", "Default Name");
    account_set_field(&a, "consumer_email", "default@example.com");
    account_set_field(&a, "redirect_uri", "https://default.example.com");
    account_set_field(&a, "session_length", "2h");
    struct http_request req;
    char *err;
    assert_int_equal(build(&a, SPEC_SESSION, API_KEY, &req, &err), 0);
    assert_null(err);
    assert_string_equal(req.body, SPEC_SESSION);
    http_request_free(&req);
    account_free(&a);
}

static void test_build_defaults(void **state)
{
    struct account a;
    make_account(&a);
    account_set_field(&a, "consumer_name", "Ada \"L\"");
    account_set_field(&a, "consumer_email", "ada@example.com");
    account_set_field(&a, "redirect_uri", "https://app.example.com/back?x=1&y=2");
    account_set_field(&a, "session_length", "2d");
    struct http_request req;
    char *err;
    assert_int_equal(build(&a, NULL, API_KEY, &req, &err), 0);
    assert_string_equal(req.body,
                        "{\"consumer_metadata\":{\"user_name\":\"Ada \\\"L\\\"\",\"email\":"
                        "\"ada@example.com\"},\"redirect_uri\":\"https://app.example.com/back?"
                        "x=1&y=2\",\"settings\":{\"session_length\":\"2d\"}}");
    http_request_free(&req);

    /* filled key by key inside the objects the options give */
    assert_int_equal(build(&a,
                           "{\"consumer_metadata\":{\"account_name\":\"SpaceX\",\"email\":"
                           "\"o@x.io\"},\"settings\":{\"show_logs\":false},\"theme\":{}}",
                           API_KEY, &req, &err),
                     0);
    assert_string_equal(req.body,
                        "{\"consumer_metadata\":{\"account_name\":\"SpaceX\",\"email\":\"o@x.io\","
                        "\"user_name\":\"Ada \\\"L\\\"\"},\"settings\":{\"show_logs\":false,"
                        "\"session_length\":\"2d\"},\"theme\":{},\"redirect_uri\":"
                        "\"https://app.example.com/back?x=1&y=2\"}");
    http_request_free(&req);
    account_free(&a);
}

static void expect_usage(const char *options, const char *needle)
{
    struct account a;
    make_account(&a);
    struct http_request req;
    char *err;
    assert_int_equal(build(&a, options, API_KEY, &req, &err), ERR_USAGE);
    assert_non_null(err);
    if (!strstr(err, needle))
        fail_msg("error \"%s\" does not name \"%s\"", err, needle);
    assert_null(req.url); /* nothing to send */
    assert_null(req.body);
    assert_null(strchr(err, '\x1b'));
    assert_null(strstr(err, API_KEY));
    free(err);
    http_request_free(&req);
    account_free(&a);
}

static void test_build_validation(void **state)
{
    expect_usage("{", "not valid JSON");
    expect_usage("[]", "must be a JSON object");
    expect_usage("\"x\"", "must be a JSON object");
    expect_usage("{\"consumer_id\":\"x\"}", "option consumer_id is not allowed");
    expect_usage("{\"redirect_url\":\"x\"}", "option redirect_url is not allowed (allowed here: "
                                            "consumer_metadata, redirect_uri, settings, theme, "
                                            "custom_consumer_settings)");
    expect_usage("{\"redirect_uri\":1}", "option redirect_uri must be a string");
    expect_usage("{\"redirect_uri\":null}", "option redirect_uri must be a string");
    expect_usage("{\"consumer_metadata\":\"Ada\"}", "option consumer_metadata must be an object");
    expect_usage("{\"consumer_metadata\":{\"name\":\"Ada\"}}",
                 "option consumer_metadata.name is not allowed");
    expect_usage("{\"consumer_metadata\":{\"email\":true}}",
                 "option consumer_metadata.email must be a string");
    expect_usage("{\"settings\":[]}", "option settings must be an object");
    expect_usage("{\"settings\":{\"dark_mode\":true}}", "option settings.dark_mode is not allowed");
    expect_usage("{\"settings\":{\"sandbox_mode\":\"true\"}}",
                 "option settings.sandbox_mode must be true or false");
    expect_usage("{\"settings\":{\"show_logs\":1}}", "option settings.show_logs must be true or false");
    expect_usage("{\"settings\":{\"unified_apis\":\"crm\"}}",
                 "option settings.unified_apis must be an array");
    expect_usage("{\"settings\":{\"unified_apis\":[\"crm\",\"cmr\"]}}",
                 "option settings.unified_apis[1]: \"cmr\" is not a Unified API id (one of: "
                 "accounting, ats,");
    expect_usage("{\"settings\":{\"unified_apis\":[\"crm\",3]}}",
                 "settings.unified_apis[1]: a non-string is not a Unified API id");
    expect_usage("{\"settings\":{\"allow_actions\":[\"delete\",\"remove\"]}}",
                 "option settings.allow_actions[1]: \"remove\" is not an action (one of: delete, "
                 "disconnect, reauthorize, disable)");
    expect_usage("{\"settings\":{\"session_length\":3600}}",
                 "option settings.session_length must be a string");
    expect_usage("{\"settings\":{\"session_length\":\"soon\"}}",
                 "option settings.session_length: \"soon\" is not a duration like 30m, 1h, 2d or 1w");
    expect_usage("{\"settings\":{\"session_length\":\"3600\"}}", "not a duration");
    expect_usage("{\"settings\":{\"session_length\":\"0m\"}}", "not a duration");
    expect_usage("{\"settings\":{\"session_length\":\"1h30m\"}}", "not a duration");
    expect_usage("{\"settings\":{\"session_length\":\"1.5h\"}}", "not a duration");
    expect_usage("{\"settings\":{\"session_length\":\"90 minutes\"}}", "not a duration");
    expect_usage("{\"settings\":{\"session_length\":\"-1h\"}}", "not a duration");
    expect_usage("{\"settings\":{\"session_length\":\"1H\"}}", "not a duration");
    expect_usage("{\"settings\":{\"session_length\":\"\"}}", "not a duration");
    expect_usage("{\"settings\":{\"session_length\":\"99999999999999999999h\"}}", "not a duration");
    expect_usage("{\"settings\":{\"session_length\":\"604801s\"}}", "maximum of 1 week");
    expect_usage("{\"settings\":{\"session_length\":\"8d\"}}",
                 "option settings.session_length: \"8d\" is longer than the maximum of 1 week");
    expect_usage("{\"settings\":{\"session_length\":\"2w\"}}", "maximum of 1 week");
    expect_usage("{\"theme\":{\"primary_color\":286}}", "option theme.primary_color must be a string");
    expect_usage("{\"theme\":{\"font\":\"x\"}}", "option theme.font is not allowed");
    expect_usage("{\"custom_consumer_settings\":[1]}",
                 "option custom_consumer_settings must be an object");
    expect_usage("{\"redirect_uri\":\"a\",\"redirect_uri\":\"b\"}", "redirect_uri is given twice");
    expect_usage("{\"x\\u001b[31m\":1}", "option x");
}

static void test_build_lengths_accepted(void **state)
{
    static const char *const ok[] = {"30m", "1h", "2d", "1w", "45s", "7d", "168h", "10080m",
                                     "604800s", " 10m ", "10 m", "007h"};
    struct account a;
    make_account(&a);
    for (size_t i = 0; i < ARRAY_LEN(ok); i++) {
        char *opts = xasprintf("{\"settings\":{\"session_length\":\"%s\"}}", ok[i]);
        struct http_request req;
        char *err;
        assert_int_equal(build(&a, opts, API_KEY, &req, &err), 0);
        assert_string_equal(req.body, opts);
        http_request_free(&req);
        free(opts);
    }
    account_free(&a);
}

static void test_build_account_problems(void **state)
{
    struct account a;
    make_account(&a);
    struct http_request req;
    char *err;
    assert_int_equal(build(&a, NULL, NULL, &req, &err), ERR_KEYRING);
    assert_non_null(strstr(err, "API key"));
    assert_null(req.url);
    free(err);
    http_request_free(&req);

    assert_int_equal(build(&a, NULL, "sk\r\nX-Evil: 1", &req, &err), ERR_KEYRING);
    free(err);
    http_request_free(&req);

    account_set_field(&a, "session_length", "forever");
    assert_int_equal(build(&a, NULL, API_KEY, &req, &err), ERR_CONFIG);
    assert_non_null(strstr(err, "forever"));
    free(err);
    http_request_free(&req);
    /* not used when the options give their own */
    assert_int_equal(build(&a, "{\"settings\":{\"session_length\":\"1h\"}}", API_KEY, &req, &err),
                     0);
    assert_string_equal(req.body, "{\"settings\":{\"session_length\":\"1h\"}}");
    http_request_free(&req);
    account_set_field(&a, "session_length", NULL);

    account_set_field(&a, "consumer_id", "abc\ndef");
    assert_int_equal(build(&a, NULL, API_KEY, &req, &err), ERR_CONFIG);
    assert_non_null(strstr(err, "consumer_id"));
    free(err);
    http_request_free(&req);
    account_set_field(&a, "consumer_id", NULL);
    assert_int_equal(build(&a, NULL, API_KEY, &req, &err), ERR_CONFIG);
    assert_non_null(strstr(err, "consumer_id"));
    free(err);
    http_request_free(&req);
    account_set_field(&a, "consumer_id", "c");
    account_set_field(&a, "app_id", NULL);
    assert_int_equal(build(&a, NULL, API_KEY, &req, &err), ERR_CONFIG);
    assert_non_null(strstr(err, "app_id"));
    free(err);
    http_request_free(&req);

    struct op_args args = {0};
    struct secret_bag bag = {0};
    memset(&req, 0, sizeof req);
    err = NULL;
    assert_int_equal(P->build(&a, OP_REVOKE, &args, &bag, &req, &err), ERR_USAGE);
    assert_null(req.url);
    free(err);
    account_free(&a);
}

/* ---- parse: success ---------------------------------------------------- */

static void test_parse_created(void **state)
{
    struct account a;
    make_account(&a);
    struct op_result r;
    parse(&a, NULL, 200, CREATED, &r);
    assert_int_equal(r.err, 0);
    assert_null(r.error);
    assert_int_equal(r.sessions.n, 1);
    struct session *s = &r.sessions.v[0];
    char *id = session_id_from_secret("vault", TOKEN);
    assert_string_equal(s->id, id);
    free(id);
    assert_string_equal(s->account_id, "acct-vault");
    assert_int_equal(s->status, SESSION_ACTIVE);
    assert_true(s->tracked);
    assert_true(s->has_url);
    assert_int_equal(s->created_ms, NOW);
    assert_int_equal(s->expires_ms, NOW + 3600 * 1000LL); /* default 1 h */
    assert_string_equal(s->user_display, "test-consumer");
    assert_string_equal(s->user_id, "test-consumer");
    assert_string_equal(s->raw_json, "{\"status_code\":200,\"status\":\"OK\",\"data\":{}}");
    assert_int_equal(r.new_secrets.n, 2);
    assert_string_equal(secret_bag_get(&r.new_secrets, "session_token"), TOKEN);
    assert_string_equal(secret_bag_get(&r.new_secrets, "session_uri"), URI);
    assert_string_equal(r.url, URI);
    assert_false(r.forget_session);
    assert_no_secrets(&r);
    op_result_free(&r);

    /* _raw may repeat the token: dropped */
    parse(&a, NULL, 200,
          "{\"status_code\":200,\"status\":\"OK\",\"data\":{\"session_uri\":\"" URI
          "\",\"session_token\":\"" TOKEN "\"},\"_raw\":{\"token\":\"" TOKEN "\"}}",
          &r);
    assert_int_equal(r.err, 0);
    assert_string_equal(r.sessions.v[0].raw_json,
                        "{\"status_code\":200,\"status\":\"OK\",\"data\":{}}");
    op_result_free(&r);
    account_free(&a);
}

static void test_parse_expiry_and_display(void **state)
{
    struct account a;
    make_account(&a);
    struct {
        const char *acct_len, *acct_name, *acct_email, *options;
        int64_t secs;
        const char *display;
    } cases[] = {
        {NULL, NULL, NULL, SPEC_SESSION, 1800, "Elon Musk <elon@musk.com>"},
        {"2d", NULL, NULL, NULL, 2 * 86400, "test-consumer"},
        {"2d", NULL, NULL, "{\"settings\":{\"session_length\":\"1w\"}}", 7 * 86400, "test-consumer"},
        {NULL, "Ada", NULL, "{\"settings\":{\"session_length\":\"90m\"}}", 5400, "Ada"},
        {NULL, NULL, "ada@example.com", "{\"settings\":{\"session_length\":\" 45 s \"}}", 45,
         "ada@example.com"},
        {NULL, "Ada", "ada@example.com", NULL, 3600, "Ada <ada@example.com>"},
        {NULL, NULL, NULL, "{\"consumer_metadata\":{\"account_name\":\"SpaceX\"}}", 3600, "SpaceX"},
        /* not what build() accepts, but parse() must cope: capped, or the default */
        {NULL, NULL, NULL, "{\"settings\":{\"session_length\":\"3w\"}}", 7 * 86400, "test-consumer"},
        {NULL, NULL, NULL, "{\"settings\":{\"session_length\":\"junk\"}}", 3600, "test-consumer"},
        {NULL, NULL, NULL, "not json", 3600, "test-consumer"},
        {NULL, "Ev\x1b[2Jil", NULL, NULL, 3600, "Evil"},
    };
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        account_set_field(&a, "session_length", cases[i].acct_len);
        account_set_field(&a, "consumer_name", cases[i].acct_name);
        account_set_field(&a, "consumer_email", cases[i].acct_email);
        struct op_result r;
        parse(&a, cases[i].options, 200, CREATED, &r);
        assert_int_equal(r.err, 0);
        assert_int_equal(r.sessions.n, 1);
        assert_int_equal(r.sessions.v[0].expires_ms, NOW + cases[i].secs * 1000);
        assert_string_equal(r.sessions.v[0].user_display, cases[i].display);
        op_result_free(&r);
    }
    account_free(&a);
}

/* ---- parse: errors ----------------------------------------------------- */

static void expect_error(long status, const char *body, int err, const char *msg)
{
    struct account a;
    make_account(&a);
    struct op_result r;
    parse(&a, NULL, status, body, &r);
    assert_int_equal(r.err, err);
    assert_non_null(r.error);
    if (msg)
        assert_string_equal(r.error, msg);
    assert_int_equal(r.sessions.n, 0);
    assert_int_equal(r.new_secrets.n, 0);
    assert_null(r.url);
    assert_null(strchr(r.error, '\x1b'));
    assert_null(strchr(r.error, '\n'));
    assert_no_secrets(&r);
    op_result_free(&r);
    account_free(&a);
}

static void test_errors_documented(void **state)
{
    expect_error(401,
                 "{\"status_code\":401,\"error\":\"Unauthorized\",\"type_name\":"
                 "\"UnauthorizedError\",\"message\":\"Unauthorized Request\",\"detail\":"
                 "\"Missing authentication\",\"ref\":"
                 "\"https://developers.apideck.com/errors#unauthorizederror\"}",
                 ERR_PROVIDER,
                 "HTTP 401 from Apideck Vault: UnauthorizedError: Unauthorized Request "
                 "(Missing authentication)");
    expect_error(401,
                 "{\"status_code\":401,\"error\":\"Unauthorized\",\"type_name\":"
                 "\"UnauthorizedError\",\"message\":\"Unauthorized Request\",\"detail\":"
                 "{\"type\":\"refresh_token_connector_error\",\"message\":\"Token refresh failed "
                 "with 401 error\",\"debug\":{\"response\":{\"statusCode\":401,\"data\":"
                 "{\"error\":\"invalid_grant\"}},\"credentials_expire_at_ms\":1620172800000,"
                 "\"retry_after_ms\":1620000030000,\"cooldown_remaining_ms\":30000}},\"ref\":"
                 "\"https://developers.apideck.com/errors#unauthorizederror\"}",
                 ERR_PROVIDER,
                 "HTTP 401 from Apideck Vault: UnauthorizedError: Unauthorized Request "
                 "(Token refresh failed with 401 error)");
    expect_error(400,
                 "{\"status_code\":400,\"error\":\"Bad Request\",\"type_name\":"
                 "\"RequestValidationError\",\"message\":\"Invalid Params\",\"detail\":"
                 "\"Missing property foobar\",\"ref\":"
                 "\"https://developers.apideck.com/errors#requestvalidationerror\"}",
                 ERR_PROVIDER,
                 "HTTP 400 from Apideck Vault: RequestValidationError: Invalid Params "
                 "(Missing property foobar)");
    expect_error(400,
                 "{\"status_code\":400,\"error\":\"Bad Request\",\"type_name\":"
                 "\"RequestValidationError\",\"message\":\"Invalid Params\",\"detail\":"
                 "{\"missing\":[{\"foobar\":\"required\"}]}}",
                 ERR_PROVIDER,
                 "HTTP 400 from Apideck Vault: RequestValidationError: Invalid Params "
                 "({\"missing\":[{\"foobar\":\"required\"}]})");
    expect_error(400,
                 "{\"status_code\":400,\"error\":\"Bad Request\",\"type_name\":"
                 "\"ConnectorExecutionError\",\"message\":\"Connector failed\",\"detail\":"
                 "\"Downstream said no\",\"downstream_errors\":[{\"message\":\"Account code '100' "
                 "has been archived or deleted\",\"detail\":\"Each line item must reference a "
                 "valid account\",\"code\":\"VALIDATION_ERROR\"},{\"message\":\"second\"}]}",
                 ERR_PROVIDER,
                 "HTTP 400 from Apideck Vault: ConnectorExecutionError: Connector failed "
                 "(Downstream said no); downstream: VALIDATION_ERROR: Account code '100' has been "
                 "archived or deleted (+1 more)");
    expect_error(402,
                 "{\"status_code\":402,\"error\":\"Payment Required\",\"type_name\":"
                 "\"RequestLimitError\",\"message\":\"Request Limit Reached\",\"detail\":"
                 "\"You have reached your limit of 2000\",\"ref\":"
                 "\"https://developers.apideck.com/errors#requestlimiterror\"}",
                 ERR_PROVIDER,
                 "HTTP 402 from Apideck Vault: RequestLimitError: Request Limit Reached "
                 "(You have reached your limit of 2000)");
    expect_error(404,
                 "{\"status_code\":404,\"error\":\"Not Found\",\"type_name\":"
                 "\"EntityNotFoundError\",\"message\":\"Unknown Widget\",\"detail\":"
                 "{\"not_found\":{\"entity\":\"widget\",\"id\":\"123\"}}}",
                 ERR_PROVIDER,
                 "HTTP 404 from Apideck Vault: EntityNotFoundError: Unknown Widget "
                 "({\"not_found\":{\"entity\":\"widget\",\"id\":\"123\"}})");
    expect_error(422,
                 "{\"status_code\":422,\"error\":\"Unprocessable Entity\",\"type_name\":"
                 "\"InvalidStateError\",\"message\":\"Invalid State\",\"detail\":{\"error\":"
                 "\"Unprocessable\",\"message\":\"Unprocessable request, please verify your "
                 "request headers and body.\"}}",
                 ERR_PROVIDER,
                 "HTTP 422 from Apideck Vault: InvalidStateError: Invalid State (Unprocessable "
                 "request, please verify your request headers and body.)");
    expect_error(400,
                 "{\"status_code\":400,\"error\":\"Bad Request\",\"type_name\":"
                 "\"RequestHeadersValidationError\",\"message\":\"Invalid Params\",\"detail\":"
                 "\"Missing Header: x-apideck-consumer-id\"}",
                 ERR_PROVIDER,
                 "HTTP 400 from Apideck Vault: RequestHeadersValidationError: Invalid Params "
                 "(Missing Header: x-apideck-consumer-id)");
    expect_error(500,
                 "{\"status_code\":500,\"error\":\"Internal Server Error\",\"message\":\"oops\"}",
                 ERR_NETWORK, "HTTP 500 from Apideck Vault: Internal Server Error: oops");
    expect_error(503, "{\"error\":\"Service Unavailable\"}", ERR_NETWORK,
                 "HTTP 503 from Apideck Vault: Service Unavailable");
    expect_error(401, "{\"type_name\":\"UnauthorizedError\",\"detail\":{\"debug\":{\"x\":1}}}",
                 ERR_PROVIDER, "HTTP 401 from Apideck Vault: UnauthorizedError");
    expect_error(401, "{\"message\":\"same\",\"detail\":\"same\"}", ERR_PROVIDER,
                 "HTTP 401 from Apideck Vault: same");
}

static void test_errors_not_json(void **state)
{
    expect_error(502, "<html><body>502 Bad Gateway</body></html>", ERR_NETWORK,
                 "HTTP 502 from Apideck Vault: body is not JSON (<html><body>502 Bad "
                 "Gateway</body></html>)");
    expect_error(500, "", ERR_NETWORK, "HTTP 500 from Apideck Vault: empty body");
    expect_error(401, NULL, ERR_PROVIDER, "HTTP 401 from Apideck Vault: empty body");
    expect_error(0, NULL, ERR_NETWORK, "HTTP 0 from Apideck Vault: empty body");
    expect_error(200, "<!doctype html>", ERR_PROVIDER,
                 "HTTP 200 from Apideck Vault: body is not JSON (<!doctype html>)");
    expect_error(200, "{\"status_code\":200,\"status\":\"OK\",\"data\":{\"session_uri\":\"" URI,
                 ERR_PROVIDER, NULL);
    expect_error(400, "[]", ERR_PROVIDER,
                 "HTTP 400 from Apideck Vault: unexpected answer: error body is not an object");
    expect_error(400, "{}", ERR_PROVIDER,
                 "HTTP 400 from Apideck Vault: unexpected answer: error without type_name, error "
                 "or message");
}

static void test_wrong_shape(void **state)
{
    expect_error(200, "[]", ERR_PROVIDER,
                 "HTTP 200 from Apideck Vault: unexpected answer: answer is not an object");
    expect_error(200, "{\"status_code\":200,\"status\":\"OK\"}", ERR_PROVIDER,
                 "HTTP 200 from Apideck Vault: unexpected answer: no data object");
    expect_error(200, "{\"data\":[]}", ERR_PROVIDER, NULL);
    expect_error(200, "{\"data\":{\"session_uri\":\"" URI "\"}}", ERR_PROVIDER,
                 "HTTP 200 from Apideck Vault: unexpected answer: data without session_token");
    expect_error(200, "{\"data\":{\"session_uri\":\"" URI "\",\"session_token\":5}}",
                 ERR_PROVIDER, NULL);
    expect_error(200, "{\"data\":{\"session_token\":\"" TOKEN "\"}}", ERR_PROVIDER,
                 "HTTP 200 from Apideck Vault: unexpected answer: data without a session_uri");
    /* a 200 carrying an error body */
    expect_error(200,
                 "{\"status_code\":401,\"error\":\"Unauthorized\",\"type_name\":"
                 "\"UnauthorizedError\",\"message\":\"Unauthorized Request\"}",
                 ERR_PROVIDER,
                 "HTTP 200 from Apideck Vault: UnauthorizedError: Unauthorized Request");
}

/* A session_uri that is not an http(s) URL: the session is live at
 * Apideck all the same, so it is tracked and its token kept; the URI is
 * kept sanitised, and has_url false: only opening it is refused. */
static void test_unopenable_uri(void **state)
{
    static const char *const uris[] = {
        "javascript:alert(1)", "file:///etc/passwd", "https://x/ y",
        "https://x/\\u001b]52;c;x\\u0007",
    };
    for (size_t i = 0; i < ARRAY_LEN(uris); i++) {
        struct account a;
        make_account(&a);
        char *body = xasprintf("{\"status_code\":200,\"status\":\"OK\",\"data\":{\"session_uri\":"
                               "\"%s\",\"session_token\":\"" TOKEN "\"}}", uris[i]);
        struct op_result r;
        parse(&a, NULL, 200, body, &r);
        assert_int_equal(r.err, 0);
        assert_int_equal(r.sessions.n, 1);
        assert_true(r.sessions.v[0].tracked);
        assert_false(r.sessions.v[0].has_url);
        assert_string_equal(secret_bag_get(&r.new_secrets, "session_token"), TOKEN);
        const char *kept = secret_bag_get(&r.new_secrets, "session_uri");
        assert_non_null(kept);
        assert_null(strchr(kept, '\x1b'));
        assert_null(strchr(kept, '\x07'));
        op_result_free(&r);
        free(body);
        account_free(&a);
    }
}

static void test_escapes_stripped(void **state)
{
    expect_error(401,
                 "{\"type_name\":\"Unauth\\u001b[5morizedError\",\"message\":\"\\u001b]0;"
                 "title\\u0007Bad\\r\\nkey\",\"detail\":\"\\u001bP1;2|x\\u001b\\\\ok\"}",
                 ERR_PROVIDER, "HTTP 401 from Apideck Vault: UnauthorizedError: Bad  key (ok)");
    struct account a;
    make_account(&a);
    struct op_result r;
    parse(&a, NULL, 200,
          "{\"status_code\":200,\"status\":\"O\\u001b[2JK\\u009b\",\"data\":{\"session_uri\":\""
          URI "\",\"session_token\":\"" TOKEN "\"}}",
          &r);
    assert_int_equal(r.err, 0);
    assert_null(strchr(r.sessions.v[0].raw_json, '\x1b'));
    assert_null(strstr(r.sessions.v[0].raw_json, "\xc2\x9b"));
    op_result_free(&r);
    account_free(&a);
}

static void test_hostile_bodies(void **state)
{
    static const char *const bodies[] = {
        NULL, "", " ", "{", "[", "\"s\"", "1", "null", "{\"data\":", "{\"data\":null}",
        "{\"data\":{\"session_uri\":null,\"session_token\":null}}",
        "{\"type_name\":7,\"message\":[],\"detail\":8,\"downstream_errors\":{}}",
        "{\"message\":\"m\",\"downstream_errors\":[null,1]}",
        "{\"message\":\"m\",\"downstream_errors\":[]}",
        "{\"message\":\"m\",\"detail\":{\"message\":5}}", "\xff\xfe", CREATED,
    };
    static const long statuses[] = {0, 200, 201, 204, 302, 400, 401, 402, 404, 422, 500, 502};
    static const char *const opts[] = {NULL, "{", "{\"settings\":5}", SPEC_SESSION};
    struct account a;
    make_account(&a);
    for (size_t b = 0; b < ARRAY_LEN(bodies); b++)
        for (size_t st = 0; st < ARRAY_LEN(statuses); st++)
            for (size_t o = 0; o < ARRAY_LEN(opts); o++) {
                struct op_result r;
                parse(&a, opts[o], statuses[st], bodies[b], &r);
                assert_true(r.err != 0 || r.sessions.n == 1);
                if (r.err)
                    assert_non_null(r.error);
                assert_no_secrets(&r);
                op_result_free(&r);
            }
    /* an op Vault has no answer for */
    struct op_args args = {0};
    struct http_response resp = {.status = 200, .retry_after_s = -1};
    struct op_result r = {0};
    P->parse(&a, OP_REVOKE, &args, &resp, &r);
    assert_int_not_equal(r.err, 0);
    op_result_free(&r);
    account_free(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_meta),
        cmocka_unit_test(test_build_minimal),
        cmocka_unit_test(test_build_spec_example),
        cmocka_unit_test(test_build_defaults),
        cmocka_unit_test(test_build_validation),
        cmocka_unit_test(test_build_lengths_accepted),
        cmocka_unit_test(test_build_account_problems),
        cmocka_unit_test(test_parse_created),
        cmocka_unit_test(test_parse_expiry_and_display),
        cmocka_unit_test(test_errors_documented),
        cmocka_unit_test(test_errors_not_json),
        cmocka_unit_test(test_wrong_shape),
        cmocka_unit_test(test_unopenable_uri),
        cmocka_unit_test(test_escapes_stripped),
        cmocka_unit_test(test_hostile_bodies),
    };
    return cmocka_run_group_tests_name("apideck", tests, NULL, NULL);
}
