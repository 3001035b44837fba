/* Plantly (Gr4vy /auth/sessions): build() for every op, parse() on the
 * spec's examples, every documented error and hostile bodies. */
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

#define P (&provider_plantly)
#define NOW 1700000000000LL
#define EMAIL "ada@example.com"
#define PASSWORD "s3cr&t \"pw\"\\"
#define ACCESS "c3FIOG9vSGV4VHo4QzAyg5T1JvNnJoZ3ExaVNyQWw6WjRsanRKZG5lQk9qUE1BVQ"
#define REFRESH "nJoZ3ExaVNyQWw6WjRsanRKZG5lQk9qUE1BVQ3FIOG9vSGV4VHo4QzAyg5T1JvNc"
#define SESSION_EXAMPLE                                                                      \
    "{\"type\":\"auth.session\",\"token_type\":\"bearer\",\"access_token\":\"" ACCESS          \
    "\",\"refresh_token\":\"" REFRESH "\",\"expires_in\":3600}"

static void make_account(struct account *a, const char *base)
{
    memset(a, 0, sizeof *a);
    a->id = xstrdup("acct-plantly");
    a->provider_id = xstrdup("plantly");
    a->label = xstrdup("Plantly test");
    a->base_url = xstrdup(base);
    account_set_field(a, "email_address", EMAIL);
}

static int build(const struct account *a, enum op op, const struct op_args *args,
                 const char *kind, const char *secret, struct http_request *req, char **err)
{
    struct secret_bag bag = {0};
    if (kind)
        secret_bag_put(&bag, kind, secret);
    memset(req, 0, sizeof *req);
    *err = NULL;
    int rc = P->build(a, op, args, &bag, req, err);
    secret_bag_clear(&bag);
    return rc;
}

static void parse(const struct account *a, enum op op, const char *session_id, long status,
                  const char *body, struct op_result *out)
{
    struct op_args args = {0};
    args.session_id = xstrdup(session_id);
    args.now_ms = NOW;
    struct http_response resp = {0};
    resp.status = status;
    resp.retry_after_s = -1;
    if (body) {
        resp.body = xstrdup(body);
        resp.body_len = strlen(body);
    }
    memset(out, 0, sizeof *out);
    P->parse(a, op, &args, &resp, out);
    http_response_free(&resp);
    op_args_free(&args);
}

static bool has_secret(const char *s)
{
    return s && (strstr(s, ACCESS) || strstr(s, REFRESH) || strstr(s, "c3FIOG9v") ||
                 strstr(s, "nJoZ3Ex") || strstr(s, "s3cr&t"));
}

/* No token or password in any session field, raw_json or the error. */
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

static void assert_header(const struct http_request *r, size_t i, const char *want)
{
    assert_true(i < r->n_headers);
    assert_string_equal(r->headers[i], want);
}

/* ---- provider data ----------------------------------------------------- */

static void test_meta(void **state)
{
    assert_string_equal(P->id, "plantly");
    assert_string_equal(P->title, "Plantly");
    assert_string_equal(P->default_base_url, "https://api.plantly.gr4vy.app");
    assert_int_equal(P->caps, CAP_CREATE | CAP_REFRESH | CAP_REVOKE);
    assert_string_equal(P->fields[0].key, "email_address");
    assert_int_equal(P->fields[0].flags, FIELD_REQUIRED);
    assert_string_equal(P->fields[1].key, "password");
    assert_int_equal(P->fields[1].flags, FIELD_SECRET | FIELD_REQUIRED);
    assert_null(P->fields[2].key);

    struct op_needs n = P->needs(OP_CREATE);
    assert_string_equal(n.account_secrets, "password");
    assert_null(n.session_secrets);
    n = P->needs(OP_REFRESH);
    assert_null(n.account_secrets);
    assert_string_equal(n.session_secrets, "refresh_token");
    n = P->needs(OP_REVOKE);
    assert_null(n.account_secrets);
    assert_string_equal(n.session_secrets, "access_token,refresh_token");
    n = P->needs(OP_LIST);
    assert_null(n.account_secrets);
    assert_null(n.session_secrets);
}

/* ---- build ------------------------------------------------------------- */

static void test_build_login(void **state)
{
    struct account a;
    make_account(&a, NULL);
    struct op_args args = {0};
    struct http_request req;
    char *err;
    assert_int_equal(build(&a, OP_CREATE, &args, "password", PASSWORD, &req, &err), 0);
    assert_null(err);
    assert_string_equal(req.method, "POST");
    assert_string_equal(req.url, "https://api.plantly.gr4vy.app/auth/sessions");
    assert_int_equal(req.n_headers, 1);
    assert_header(&req, 0, "Content-Type: application/json");
    assert_string_equal(req.body,
                        "{\"email_address\":\"ada@example.com\",\"password\":\"s3cr&t "
                        "\\\"pw\\\"\\\\\"}");
    assert_int_equal(req.body_len, strlen(req.body));
    assert_int_equal(req.flags, 0); /* a login is never repeated */
    http_request_free(&req);

    /* any character of a password is fine in a JSON body */
    assert_int_equal(build(&a, OP_CREATE, &args, "password", "a\r\nb\tc\x01", &req, &err), 0);
    assert_string_equal(req.body,
                        "{\"email_address\":\"ada@example.com\",\"password\":\"a\\r\\nb\\tc\\u0001\"}");
    http_request_free(&req);
    account_free(&a);
}

static void test_build_base_url(void **state)
{
    struct account a;
    make_account(&a, "http://127.0.0.1:8081//");
    struct op_args args = {0};
    struct http_request req;
    char *err;
    assert_int_equal(build(&a, OP_CREATE, &args, "password", "x", &req, &err), 0);
    assert_string_equal(req.url, "http://127.0.0.1:8081/auth/sessions");
    http_request_free(&req);
    account_free(&a);
}

static void test_build_login_missing(void **state)
{
    struct account a;
    make_account(&a, NULL);
    struct op_args args = {0};
    struct http_request req;
    char *err;
    assert_int_equal(build(&a, OP_CREATE, &args, NULL, NULL, &req, &err), ERR_KEYRING);
    assert_non_null(strstr(err, "password"));
    free(err);
    http_request_free(&req);

    account_set_field(&a, "email_address", NULL);
    assert_int_equal(build(&a, OP_CREATE, &args, "password", PASSWORD, &req, &err), ERR_CONFIG);
    assert_non_null(strstr(err, "email_address"));
    assert_false(has_secret(err));
    free(err);
    http_request_free(&req);
    account_free(&a);
}

static void test_build_refresh(void **state)
{
    struct account a;
    make_account(&a, NULL);
    struct op_args args = {.session_id = "plantly-abc"};
    struct http_request req;
    char *err;
    assert_int_equal(build(&a, OP_REFRESH, &args, "refresh_token", REFRESH, &req, &err), 0);
    assert_string_equal(req.method, "PUT");
    assert_string_equal(req.url, "https://api.plantly.gr4vy.app/auth/sessions");
    assert_int_equal(req.n_headers, 1);
    assert_header(&req, 0, "Authorization: Bearer " REFRESH);
    assert_null(req.body);
    assert_int_equal(req.body_len, 0);
    assert_int_equal(req.flags, 0);
    http_request_free(&req);

    /* the access token is not the refresh token */
    assert_int_equal(build(&a, OP_REFRESH, &args, "access_token", ACCESS, &req, &err),
                     ERR_KEYRING);
    assert_non_null(strstr(err, "refresh token"));
    free(err);
    http_request_free(&req);

    /* a token with a line break would split the header */
    assert_int_equal(build(&a, OP_REFRESH, &args, "refresh_token", "abc\r\nX-Evil: 1", &req,
                           &err),
                     ERR_KEYRING);
    assert_null(req.url);
    free(err);
    http_request_free(&req);
    account_free(&a);
}

static void test_build_logout(void **state)
{
    struct account a;
    make_account(&a, NULL);
    struct op_args args = {.session_id = "plantly-abc"};
    struct http_request req;
    char *err;
    assert_int_equal(build(&a, OP_REVOKE, &args, "access_token", ACCESS, &req, &err), 0);
    assert_string_equal(req.method, "DELETE");
    assert_string_equal(req.url, "https://api.plantly.gr4vy.app/auth/sessions");
    assert_int_equal(req.n_headers, 1);
    assert_header(&req, 0, "Authorization: Bearer " ACCESS);
    assert_null(req.body);
    assert_int_equal(req.flags, 0);
    http_request_free(&req);

    assert_int_equal(build(&a, OP_REVOKE, &args, "refresh_token", REFRESH, &req, &err),
                     ERR_KEYRING);
    free(err);
    http_request_free(&req);
    account_free(&a);
}

/* The steps of a log out: DELETE; refused, PUT with the refresh token;
 * refused too, the session had ended already; renewed, DELETE with the
 * fresh access token, which is never kept. */
static void test_logout_steps(void **state)
{
    struct account a;
    make_account(&a, NULL);
    struct op_args args = {0};
    args.session_id = xstrdup("plantly-0123456789ab");
    args.now_ms = NOW;
    struct http_response resp = {0};
    resp.status = 401;
    resp.body = xstrdup("{\"type\":\"error\",\"code\":\"unauthorized\"}");
    resp.body_len = strlen(resp.body);
    struct op_result r = {0};
    P->parse(&a, OP_REVOKE, &args, &resp, &r);
    assert_int_equal(r.err, 0);
    assert_int_equal(r.sessions.n, 0);
    assert_false(r.forget_session);
    assert_int_equal(r.n_follow, 1);
    assert_int_equal(r.follow[0].op, OP_REVOKE);
    struct op_args refresh;
    op_args_copy(&refresh, &r.follow[0].args);
    op_result_free(&r);
    struct http_request req;
    char *err = NULL;
    assert_int_equal(build(&a, OP_REVOKE, &refresh, "refresh_token", REFRESH, &req, &err), 0);
    assert_string_equal(req.method, "PUT");
    assert_header(&req, 0, "Authorization: Bearer " REFRESH);
    http_request_free(&req);

    /* refused again: both tokens are dead, the session had ended */
    P->parse(&a, OP_REVOKE, &refresh, &resp, &r);
    assert_int_equal(r.err, 0);
    assert_true(r.gone);
    assert_true(r.forget_session);
    assert_int_equal(r.sessions.n, 1);
    assert_int_equal(r.sessions.v[0].status, SESSION_ENDED);
    op_result_free(&r);

    /* renewed: the session was alive; end it with the fresh access token */
    http_response_free(&resp);
    resp.status = 200;
    resp.retry_after_s = -1;
    resp.body = xstrdup(SESSION_EXAMPLE);
    resp.body_len = strlen(resp.body);
    P->parse(&a, OP_REVOKE, &refresh, &resp, &r);
    assert_int_equal(r.err, 0);
    assert_false(r.gone);
    assert_int_equal(r.sessions.n, 0);
    assert_int_equal(r.new_secrets.n, 0); /* never kept: it is being ended */
    assert_int_equal(r.n_follow, 1);
    struct op_args fresh;
    op_args_copy(&fresh, &r.follow[0].args);
    op_result_free(&r);
    assert_int_equal(build(&a, OP_REVOKE, &fresh, NULL, NULL, &req, &err), 0);
    assert_string_equal(req.method, "DELETE");
    assert_header(&req, 0, "Authorization: Bearer " ACCESS);
    http_request_free(&req);
    http_response_free(&resp);
    resp.status = 204;
    P->parse(&a, OP_REVOKE, &fresh, &resp, &r);
    assert_int_equal(r.err, 0);
    assert_false(r.gone);
    assert_true(r.forget_session);
    assert_int_equal(r.sessions.v[0].status, SESSION_ENDED);
    op_result_free(&r);
    /* the fresh token refused as well: an error, nothing forgotten */
    resp.status = 401;
    P->parse(&a, OP_REVOKE, &fresh, &resp, &r);
    assert_int_equal(r.err, ERR_PROVIDER);
    assert_false(r.forget_session);
    op_result_free(&r);
    op_args_free(&fresh);
    op_args_free(&refresh);
    op_args_free(&args);
    account_free(&a);
}

static void test_build_unsupported(void **state)
{
    struct account a;
    make_account(&a, NULL);
    struct op_args args = {0};
    struct http_request req;
    char *err;
    const enum op ops[] = {OP_LIST, OP_GET, OP_VERIFY, OP_TOKEN, OP_AUTHORIZE, OP_INFO, OP_USERS};
    for (size_t i = 0; i < ARRAY_LEN(ops); i++) {
        assert_int_equal(build(&a, ops[i], &args, "password", PASSWORD, &req, &err), ERR_USAGE);
        assert_non_null(err);
        assert_null(req.url);
        free(err);
        http_request_free(&req);
    }
    account_free(&a);
}

/* ---- parse: success ---------------------------------------------------- */

static void test_parse_login(void **state)
{
    struct account a;
    make_account(&a, NULL);
    struct op_result r;
    parse(&a, OP_CREATE, NULL, 200, SESSION_EXAMPLE, &r);
    assert_int_equal(r.err, 0);
    assert_null(r.error);
    assert_int_equal(r.sessions.n, 1);
    struct session *s = &r.sessions.v[0];
    char *id = session_id_from_secret("plantly", REFRESH);
    assert_string_equal(s->id, id);
    assert_int_equal(strlen(s->id), strlen("plantly-") + 12);
    free(id);
    assert_string_equal(s->account_id, "acct-plantly");
    assert_string_equal(s->user_display, EMAIL);
    assert_int_equal(s->status, SESSION_ACTIVE);
    assert_true(s->tracked);
    assert_false(s->has_url);
    assert_int_equal(s->created_ms, NOW);
    assert_int_equal(s->expires_ms, NOW + 3600 * 1000LL);
    assert_string_equal(s->raw_json,
                        "{\"type\":\"auth.session\",\"token_type\":\"bearer\",\"expires_in\":3600}");
    assert_false(r.forget_session);
    assert_int_equal(r.new_secrets.n, 2);
    assert_string_equal(secret_bag_get(&r.new_secrets, "access_token"), ACCESS);
    assert_string_equal(secret_bag_get(&r.new_secrets, "refresh_token"), REFRESH);
    assert_null(r.url);
    assert_null(r.token);
    assert_no_secrets(&r);
    op_result_free(&r);
    account_free(&a);
}

static void test_parse_login_expiry(void **state)
{
    struct account a;
    make_account(&a, NULL);
    struct op_result r;
    struct {
        const char *expires;
        int64_t want; /* -1: an unexpected answer */
    } cases[] = {
        {"", 0},                               /* absent: unknown */
        {",\"expires_in\":null", 0},
        {",\"expires_in\":86400", NOW + 86400000LL},
        {",\"expires_in\":1", NOW + 1000},
        {",\"expires_in\":\"3600\"", -1},    /* wrong type */
        {",\"expires_in\":-5", -1},            /* no lifetime */
        {",\"expires_in\":0", -1},
        {",\"expires_in\":1e300", -1},         /* absurd */
        {",\"expires_in\":316300000", -1},     /* over 10 years */
        {",\"expires_in\":3.5", -1},           /* a fraction is no lifetime */
        {",\"expires_in\":0.5", -1},
        {",\"expires_in\":3600.0", NOW + 3600000LL}, /* a whole number, however written */
    };
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        char *body = xasprintf("{\"access_token\":\"" ACCESS "\",\"refresh_token\":\"" REFRESH
                               "\"%s}", cases[i].expires);
        parse(&a, OP_CREATE, NULL, 200, body, &r);
        free(body);
        if (cases[i].want < 0) {
            assert_int_equal(r.err, ERR_PROVIDER);
            assert_non_null(strstr(r.error, "expires_in is not a lifetime"));
            assert_int_equal(r.sessions.n, 0);
        } else {
            assert_int_equal(r.err, 0);
            assert_int_equal(r.sessions.n, 1);
            assert_int_equal(r.sessions.v[0].expires_ms, cases[i].want);
            /* not known: said so, so that a refresh drops the old token's */
            assert_int_equal(r.sessions.v[0].expiry_unknown, cases[i].want == 0);
        }
        assert_no_secrets(&r);
        op_result_free(&r);
    }
    account_free(&a);
}

static void test_parse_refresh(void **state)
{
    struct account a;
    make_account(&a, NULL);
    struct op_result r;
    parse(&a, OP_REFRESH, "plantly-0123456789ab", 200,
          "{\"type\":\"auth.session\",\"token_type\":\"bearer\",\"access_token\":\"newaccess\","
          "\"refresh_token\":\"newrefresh\",\"expires_in\":1800}",
          &r);
    assert_int_equal(r.err, 0);
    assert_int_equal(r.sessions.n, 1);
    struct session *s = &r.sessions.v[0];
    assert_string_equal(s->id, "plantly-0123456789ab"); /* not derived from the new token */
    assert_int_equal(s->status, SESSION_ACTIVE);
    assert_int_equal(s->created_ms, 0);
    assert_int_equal(s->last_active_ms, NOW);
    assert_int_equal(s->expires_ms, NOW + 1800 * 1000LL);
    assert_string_equal(secret_bag_get(&r.new_secrets, "access_token"), "newaccess");
    assert_string_equal(secret_bag_get(&r.new_secrets, "refresh_token"), "newrefresh");
    assert_null(strstr(s->raw_json, "newaccess"));
    assert_null(strstr(s->raw_json, "newrefresh"));
    op_result_free(&r);

    /* no new refresh token: only the access token is replaced */
    parse(&a, OP_REFRESH, "plantly-0123456789ab", 200,
          "{\"access_token\":\"newaccess\",\"expires_in\":60}", &r);
    assert_int_equal(r.err, 0);
    assert_int_equal(r.new_secrets.n, 1);
    assert_string_equal(secret_bag_get(&r.new_secrets, "access_token"), "newaccess");
    assert_null(secret_bag_get(&r.new_secrets, "refresh_token"));
    op_result_free(&r);
    account_free(&a);
}

static void test_parse_logout(void **state)
{
    struct account a;
    make_account(&a, NULL);
    struct op_result r;
    parse(&a, OP_REVOKE, "plantly-0123456789ab", 204, NULL, &r);
    assert_int_equal(r.err, 0);
    assert_true(r.forget_session);
    assert_int_equal(r.sessions.n, 1);
    assert_string_equal(r.sessions.v[0].id, "plantly-0123456789ab");
    assert_int_equal(r.sessions.v[0].status, SESSION_ENDED);
    assert_true(r.sessions.v[0].tracked);
    assert_int_equal(r.new_secrets.n, 0);
    op_result_free(&r);
    /* only the documented 204 ends it: a 200 page, a 202 or a body that says
     * the session is active say nothing ended; its tokens are kept */
    const struct {
        long status;
        const char *body, *came;
    } odd[] = {
        {200, "<html><body>502 Bad Gateway</body></html>", "an HTML page of 41 bytes"},
        {202, "{\"status\":\"active\"}", "a JSON body of 19 bytes"},
        {200, NULL, "no body"},
        {204, "{}", "a JSON body of 2 bytes"},
    };
    for (size_t i = 0; i < ARRAY_LEN(odd); i++) {
        parse(&a, OP_REVOKE, "plantly-0123456789ab", odd[i].status, odd[i].body, &r);
        assert_int_equal(r.err, ERR_PROVIDER);
        char *want = xasprintf("HTTP %ld from Plantly: unexpected answer to the log out (%s), "
                               "not the documented 204 with no body: it may not have been done",
                               odd[i].status, odd[i].came);
        assert_string_equal(r.error, want);
        free(want);
        assert_false(r.forget_session);
        assert_false(r.gone);
        assert_int_equal(r.sessions.n, 0);
        assert_int_equal(r.n_follow, 0);
        op_result_free(&r);
    }
    account_free(&a);
}

/* ---- parse: documented errors ------------------------------------------ */

static void expect_error(enum op op, long status, const char *body, int err, const char *msg)
{
    struct account a;
    make_account(&a, NULL);
    struct op_result r;
    parse(&a, op, "plantly-0123456789ab", status, body, &r);
    assert_int_equal(r.err, err);
    assert_non_null(r.error);
    if (msg)
        assert_string_equal(r.error, msg);
    assert_int_equal(r.sessions.n, 0);
    assert_int_equal(r.new_secrets.n, 0);
    assert_false(r.forget_session);
    assert_null(strchr(r.error, '\x1b'));
    assert_null(strchr(r.error, '\n'));
    assert_no_secrets(&r);
    op_result_free(&r);
    account_free(&a);
}

static void test_errors_documented(void **state)
{
    expect_error(OP_CREATE, 400,
                 "{\"type\":\"error\",\"code\":\"bad_request\",\"status\":400,\"message\":"
                 "\"Missing 'password' field\",\"details\":[{\"location\":\"body\",\"type\":"
                 "\"value_error.missing\",\"pointer\":\"password\",\"message\":\"field required\"}]}",
                 ERR_PROVIDER,
                 "HTTP 400 from Plantly: bad_request: Missing 'password' field "
                 "(body.password: field required)");
    expect_error(OP_CREATE, 400,
                 "{\"type\":\"error\",\"code\":\"bad_request\",\"status\":400,\"message\":"
                 "\"Missing fields\",\"details\":[{\"location\":\"body\",\"pointer\":"
                 "\"/email_address\",\"message\":\"field required\"},{\"location\":\"body\","
                 "\"type\":\"value_error.missing\",\"pointer\":\"/password\"}]}",
                 ERR_PROVIDER,
                 "HTTP 400 from Plantly: bad_request: Missing fields (body/email_address: field "
                 "required; body/password: value_error.missing)");
    expect_error(OP_CREATE, 400,
                 "{\"type\":\"error\",\"code\":\"incorrect_json\",\"status\":400,\"message\":"
                 "\"Incorrect JSON. The request body could not be parsed as valid JSON.\","
                 "\"details\":[]}",
                 ERR_PROVIDER,
                 "HTTP 400 from Plantly: incorrect_json: Incorrect JSON. The request body could "
                 "not be parsed as valid JSON.");
    expect_error(OP_CREATE, 401,
                 "{\"type\":\"error\",\"code\":\"unauthorized\",\"status\":401,\"message\":"
                 "\"No valid API authentication found\",\"details\":[]}",
                 ERR_PROVIDER,
                 "HTTP 401 from Plantly: login refused (wrong e-mail address or password): "
                 "unauthorized: No valid API authentication found");
    expect_error(OP_CREATE, 403,
                 "{\"type\":\"error\",\"code\":\"forbidden\",\"status\":403,\"message\":"
                 "\"Invalid credentials\",\"details\":[]}",
                 ERR_PROVIDER, "HTTP 403 from Plantly: forbidden: Invalid credentials");
    expect_error(OP_REFRESH, 401,
                 "{\"type\":\"error\",\"code\":\"unauthorized\",\"status\":401,\"message\":"
                 "\"No valid API authentication found\",\"details\":[]}",
                 ERR_PROVIDER,
                 "HTTP 401 from Plantly: refresh token no longer valid, log in again: "
                 "unauthorized: No valid API authentication found");
    expect_error(OP_REFRESH, 400,
                 "{\"type\":\"error\",\"code\":\"bad_request\",\"status\":400,\"message\":"
                 "\"Bad\"}",
                 ERR_PROVIDER, "HTTP 400 from Plantly: bad_request: Bad");
    expect_error(OP_CREATE, 401, NULL, ERR_PROVIDER,
                 "HTTP 401 from Plantly: login refused (wrong e-mail address or password)");
    expect_error(OP_CREATE, 400,
                 "{\"code\":\"bad_request\",\"message\":\"m\",\"details\":[{\"pointer\":\"a\"},"
                 "{\"pointer\":\"b\"},{\"pointer\":\"c\"},{\"pointer\":\"d\"},{\"pointer\":\"e\"}]}",
                 ERR_PROVIDER, "HTTP 400 from Plantly: bad_request: m (a; b; c; +2 more)");
    /* a 200 carrying an error body */
    expect_error(OP_CREATE, 200,
                 "{\"type\":\"error\",\"code\":\"bad_request\",\"status\":400,\"message\":\"x\"}",
                 ERR_PROVIDER, "HTTP 200 from Plantly: bad_request: x");
}

static void test_errors_not_json(void **state)
{
    expect_error(OP_CREATE, 502, "<html><body>Bad gateway</body></html>", ERR_NETWORK,
                 "HTTP 502 from Plantly: body is not JSON (<html><body>Bad gateway</body></html>)");
    expect_error(OP_CREATE, 500, "", ERR_NETWORK, "HTTP 500 from Plantly: empty body");
    expect_error(OP_CREATE, 500, NULL, ERR_NETWORK, "HTTP 500 from Plantly: empty body");
    expect_error(OP_REFRESH, 0, NULL, ERR_NETWORK, "HTTP 0 from Plantly: empty body");
    /* like common.c's parse_json_body: a 2xx that is not JSON counts as a network fault */
    expect_error(OP_CREATE, 200, "<!doctype html><p>login</p>", ERR_PROVIDER,
                 "HTTP 200 from Plantly: body is not JSON (<!doctype html><p>login</p>)");
    expect_error(OP_CREATE, 200, "", ERR_PROVIDER, "HTTP 200 from Plantly: empty body");
    expect_error(OP_CREATE, 404, "Not Found\n", ERR_PROVIDER,
                 "HTTP 404 from Plantly: body is not JSON (Not Found\\n)");
    expect_error(OP_REVOKE, 503, "{}", ERR_NETWORK,
                 "HTTP 503 from Plantly: unexpected answer: error without code or message");
    /* a truncated login answer is not echoed: it holds tokens */
    expect_error(OP_CREATE, 200, "{\"access_token\":\"" ACCESS "\",\"refresh_tok", ERR_PROVIDER,
                 NULL);
    struct account a;
    make_account(&a, NULL);
    struct op_result r;
    parse(&a, OP_CREATE, NULL, 200, "{\"access_token\":\"" ACCESS "\",\"refresh_tok", &r);
    assert_non_null(strstr(r.error, "not shown"));
    op_result_free(&r);
    account_free(&a);
}

static void test_errors_wrong_shape(void **state)
{
    expect_error(OP_CREATE, 200, "[]", ERR_PROVIDER,
                 "HTTP 200 from Plantly: unexpected answer: session is not an object");
    expect_error(OP_CREATE, 200, "null", ERR_PROVIDER, NULL);
    expect_error(OP_CREATE, 200, "42", ERR_PROVIDER, NULL);
    expect_error(OP_CREATE, 200, "{}", ERR_PROVIDER,
                 "HTTP 200 from Plantly: unexpected answer: session without access_token");
    expect_error(OP_CREATE, 200, "{\"access_token\":\"" ACCESS "\"}", ERR_PROVIDER,
                 "HTTP 200 from Plantly: unexpected answer: session without refresh_token");
    expect_error(OP_CREATE, 200, "{\"access_token\":12,\"refresh_token\":\"" REFRESH "\"}",
                 ERR_PROVIDER, NULL);
    expect_error(OP_CREATE, 200,
                 "{\"access_token\":\"a\",\"refresh_token\":\"b\",\"token_type\":\"mac\"}",
                 ERR_PROVIDER, "HTTP 200 from Plantly: unexpected answer: token_type is not bearer");
    expect_error(OP_REFRESH, 200, "{\"access_token\":\"a\\r\\nX: y\"}", ERR_PROVIDER, NULL);
    expect_error(OP_CREATE, 400, "{\"code\":7,\"message\":[1]}", ERR_PROVIDER,
                 "HTTP 400 from Plantly: unexpected answer: error without code or message");
    expect_error(OP_CREATE, 400, "{\"code\":\"bad_request\",\"details\":{\"x\":1}}",
                 ERR_PROVIDER, "HTTP 400 from Plantly: bad_request");
    expect_error(OP_CREATE, 400,
                 "{\"code\":\"bad_request\",\"message\":\"m\",\"details\":[1,null,{},"
                 "{\"pointer\":\"p\"}]}",
                 ERR_PROVIDER, "HTTP 400 from Plantly: bad_request: m (p)");
}

static void test_escapes_stripped(void **state)
{
    expect_error(OP_CREATE, 400,
                 "{\"code\":\"bad\\u001b[2Jrequest\",\"message\":\"\\u001b]0;pwned\\u0007hi\\n"
                 "there\\u009b31m\"}",
                 ERR_PROVIDER,
                 "HTTP 400 from Plantly: badrequest: hi there\xef\xbf\xbd\xef\xbf\xbd" "31m");
    struct account a;
    make_account(&a, NULL);
    account_set_field(&a, "email_address", "ev\x1b[31mil@example.com");
    struct op_result r;
    parse(&a, OP_CREATE, NULL, 200,
          "{\"type\":\"auth.\\u001b[2Jsession\\u009b\",\"access_token\":\"a\",\"refresh_token\":"
          "\"b\"}",
          &r);
    assert_int_equal(r.err, 0);
    struct session *s = &r.sessions.v[0];
    assert_string_equal(s->user_display, "evil@example.com");
    assert_null(strchr(s->raw_json, '\x1b'));
    assert_null(strstr(s->raw_json, "\xc2\x9b"));
    op_result_free(&r);
    account_free(&a);
}

/* Anything, with any status, for every op: no crash, an error or a session. */
static void test_hostile_bodies(void **state)
{
    static const char *const bodies[] = {
        NULL, "", " ", "{", "}", "[", "\"str\"", "true", "{\"a\":", "\x00\x01\x02",
        "{\"access_token\":null,\"refresh_token\":null}",
        "{\"access_token\":{},\"refresh_token\":[]}",
        "{\"access_token\":\"\",\"refresh_token\":\"\"}",
        "{\"code\":null,\"message\":null,\"details\":null}",
        "{\"details\":[{\"location\":1,\"pointer\":2,\"message\":3}]}",
        "\xff\xfe\xfd", "{\"type\":\"error\"}", SESSION_EXAMPLE,
    };
    static const long statuses[] = {0, 200, 201, 204, 301, 400, 401, 403, 404, 429, 500, 502};
    static const enum op ops[] = {OP_CREATE, OP_REFRESH, OP_REVOKE, OP_LIST, OP_INFO};
    struct account a;
    make_account(&a, NULL);
    for (size_t b = 0; b < ARRAY_LEN(bodies); b++)
        for (size_t st = 0; st < ARRAY_LEN(statuses); st++)
            for (size_t o = 0; o < ARRAY_LEN(ops); o++) {
                struct op_result r;
                parse(&a, ops[o], "plantly-0123456789ab", statuses[st], bodies[b], &r);
                /* a log out refused goes on with the refresh token */
                bool next = ops[o] == OP_REVOKE && statuses[st] == 401;
                assert_true(r.err != 0 || r.sessions.n == 1 || (next && r.n_follow == 1));
                if (r.err)
                    assert_non_null(r.error);
                assert_no_secrets(&r);
                op_result_free(&r);
            }
    account_free(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_meta),
        cmocka_unit_test(test_build_login),
        cmocka_unit_test(test_build_base_url),
        cmocka_unit_test(test_build_login_missing),
        cmocka_unit_test(test_build_refresh),
        cmocka_unit_test(test_build_logout),
        cmocka_unit_test(test_logout_steps),
        cmocka_unit_test(test_build_unsupported),
        cmocka_unit_test(test_parse_login),
        cmocka_unit_test(test_parse_login_expiry),
        cmocka_unit_test(test_parse_refresh),
        cmocka_unit_test(test_parse_logout),
        cmocka_unit_test(test_errors_documented),
        cmocka_unit_test(test_errors_not_json),
        cmocka_unit_test(test_errors_wrong_shape),
        cmocka_unit_test(test_escapes_stripped),
        cmocka_unit_test(test_hostile_bodies),
    };
    return cmocka_run_group_tests_name("plantly", tests, NULL, NULL);
}
