/* CBRAIN (/session): build() for every op, parse() on the controller's
 * answers, its empty-body 401s and hostile bodies. */
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

#define P (&provider_cbrain)
#define NOW 1700000000000LL
#define TOKEN "fc50499d5a073cb98b33fde3080af19f"
#define PASSWORD "p@ss w&rd=100%+ü"
#define INFO "{\"user_id\":42,\"cbrain_api_token\":\"" TOKEN "\"}"
#define SID "cbrain-0123456789ab"

static void make_account(struct account *a, const char *base)
{
    memset(a, 0, sizeof *a);
    a->id = xstrdup("acct-cbrain");
    a->provider_id = xstrdup("cbrain");
    a->label = xstrdup("CBRAIN test");
    a->base_url = xstrdup(base);
    account_set_field(a, "login", "ada");
}

static int build(const struct account *a, enum op op, const char *kind, const char *secret,
                 struct http_request *req, char **err)
{
    struct op_args args = {0};
    args.session_id = SID;
    struct secret_bag bag = {0};
    if (kind)
        secret_bag_put(&bag, kind, secret);
    memset(req, 0, sizeof *req);
    *err = NULL;
    int rc = P->build(a, op, &args, &bag, req, err);
    secret_bag_clear(&bag);
    return rc;
}

/* parse() of a step (args->phase) of op, for a session of user (NULL: not
 * known) */
static void parse_step(const struct account *a, enum op op, int phase, const char *user,
                       long status, const char *body, struct op_result *out)
{
    struct op_args args = {0};
    args.session_id = op == OP_CREATE ? NULL : xstrdup(SID);
    args.user_id = xstrdup(user);
    args.phase = phase;
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

static void parse(const struct account *a, enum op op, long status, const char *body,
                  struct op_result *out)
{
    parse_step(a, op, 0, NULL, status, body, out);
}

static bool has_secret(const char *s)
{
    return s && (strstr(s, TOKEN) || strstr(s, "fc50499d") || strstr(s, "p@ss"));
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
    assert_string_equal(P->id, "cbrain");
    assert_string_equal(P->title, "CBRAIN");
    assert_string_equal(P->default_base_url, "https://portal.cbrain.mcgill.ca");
    assert_int_equal(P->caps, CAP_CREATE | CAP_INFO | CAP_REVOKE);
    assert_string_equal(P->fields[0].key, "login");
    assert_int_equal(P->fields[0].flags, FIELD_REQUIRED);
    assert_string_equal(P->fields[1].key, "password");
    assert_int_equal(P->fields[1].flags, FIELD_SECRET | FIELD_REQUIRED);
    assert_null(P->fields[2].key);

    struct op_needs n = P->needs(OP_CREATE);
    assert_string_equal(n.account_secrets, "password");
    assert_null(n.session_secrets);
    n = P->needs(OP_INFO);
    assert_null(n.account_secrets);
    assert_string_equal(n.session_secrets, "api_token");
    n = P->needs(OP_REVOKE);
    assert_null(n.account_secrets);
    assert_string_equal(n.session_secrets, "api_token");
    n = P->needs(OP_REFRESH);
    assert_null(n.account_secrets);
    assert_null(n.session_secrets);
}

/* ---- build ------------------------------------------------------------- */

static void test_build_login(void **state)
{
    struct account a;
    make_account(&a, NULL);
    account_set_field(&a, "login", "ada lovelace+1@x");
    struct http_request req;
    char *err;
    assert_int_equal(build(&a, OP_CREATE, "password", PASSWORD, &req, &err), 0);
    assert_null(err);
    assert_string_equal(req.method, "POST");
    assert_string_equal(req.url, "https://portal.cbrain.mcgill.ca/session");
    assert_int_equal(req.n_headers, 2);
    assert_string_equal(req.headers[0], "Accept: application/json");
    assert_string_equal(req.headers[1], "Content-Type: application/x-www-form-urlencoded");
    /* exactly login and password, both percent-encoded */
    assert_string_equal(req.body, "login=ada%20lovelace%2B1%40x&password=p%40ss%20w%26rd%3D100%25%2B%C3%BC");
    assert_int_equal(req.body_len, strlen(req.body));
    assert_int_equal(req.flags, 0);
    http_request_free(&req);

    /* any byte of a password is fine in a form body */
    assert_int_equal(build(&a, OP_CREATE, "password", "a\r\nb\tc", &req, &err), 0);
    assert_string_equal(req.body, "login=ada%20lovelace%2B1%40x&password=a%0D%0Ab%09c");
    http_request_free(&req);
    account_free(&a);
}

static void test_build_login_missing(void **state)
{
    struct account a;
    make_account(&a, "http://127.0.0.1:3000/");
    struct http_request req;
    char *err;
    assert_int_equal(build(&a, OP_CREATE, NULL, NULL, &req, &err), ERR_KEYRING);
    assert_non_null(strstr(err, "password"));
    assert_null(req.url);
    free(err);
    http_request_free(&req);
    assert_int_equal(build(&a, OP_CREATE, "password", "", &req, &err), ERR_KEYRING);
    free(err);
    http_request_free(&req);
    account_set_field(&a, "login", NULL);
    assert_int_equal(build(&a, OP_CREATE, "password", PASSWORD, &req, &err), ERR_CONFIG);
    assert_non_null(strstr(err, "login"));
    assert_false(has_secret(err));
    free(err);
    http_request_free(&req);
    account_free(&a);
}

static void test_build_info(void **state)
{
    struct account a;
    make_account(&a, "http://127.0.0.1:3000/");
    struct http_request req;
    char *err;
    assert_int_equal(build(&a, OP_INFO, "api_token", TOKEN, &req, &err), 0);
    assert_string_equal(req.method, "GET");
    assert_string_equal(req.url, "http://127.0.0.1:3000/session");
    assert_int_equal(req.n_headers, 2);
    assert_string_equal(req.headers[0], "Accept: application/json");
    assert_string_equal(req.headers[1], "Authorization: Bearer " TOKEN);
    assert_null(req.body);
    assert_int_equal(req.flags, HTTP_IDEMPOTENT);
    assert_null(strstr(req.url, TOKEN)); /* header, not ?cbrain_api_token= */
    http_request_free(&req);

    assert_int_equal(build(&a, OP_INFO, "password", PASSWORD, &req, &err), ERR_KEYRING);
    assert_non_null(strstr(err, "API token"));
    free(err);
    http_request_free(&req);
    assert_int_equal(build(&a, OP_INFO, "api_token", "abc\ndef", &req, &err), ERR_KEYRING);
    free(err);
    http_request_free(&req);
    account_free(&a);
}

static void test_build_logout(void **state)
{
    struct account a;
    make_account(&a, NULL);
    struct http_request req;
    char *err;
    assert_int_equal(build(&a, OP_REVOKE, "api_token", TOKEN, &req, &err), 0);
    assert_string_equal(req.method, "DELETE");
    assert_string_equal(req.url, "https://portal.cbrain.mcgill.ca/session");
    assert_int_equal(req.n_headers, 2);
    assert_string_equal(req.headers[0], "Accept: application/json");
    assert_string_equal(req.headers[1], "Authorization: Bearer " TOKEN);
    assert_null(req.body);
    assert_int_equal(req.flags, 0);
    http_request_free(&req);
    account_free(&a);
}

static void test_build_unsupported(void **state)
{
    struct account a;
    make_account(&a, NULL);
    struct http_request req;
    char *err;
    const enum op ops[] = {OP_LIST, OP_GET, OP_VERIFY, OP_TOKEN, OP_AUTHORIZE, OP_REFRESH, OP_USERS};
    for (size_t i = 0; i < ARRAY_LEN(ops); i++) {
        assert_int_equal(build(&a, ops[i], "api_token", TOKEN, &req, &err), ERR_USAGE);
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
    parse(&a, OP_CREATE, 200, INFO, &r);
    assert_int_equal(r.err, 0);
    assert_null(r.error);
    assert_int_equal(r.sessions.n, 1);
    struct session *s = &r.sessions.v[0];
    char *id = session_id_from_secret("cbrain", TOKEN);
    assert_string_equal(s->id, id);
    free(id);
    assert_string_equal(s->account_id, "acct-cbrain");
    assert_string_equal(s->user_id, "42");
    assert_string_equal(s->user_display, "ada (user 42)");
    assert_int_equal(s->status, SESSION_ACTIVE);
    assert_true(s->tracked);
    assert_int_equal(s->created_ms, NOW);
    assert_int_equal(s->expires_ms, 0);
    assert_string_equal(s->raw_json, "{\"user_id\":42}");
    assert_int_equal(r.new_secrets.n, 1);
    assert_string_equal(secret_bag_get(&r.new_secrets, "api_token"), TOKEN);
    assert_false(r.forget_session);
    assert_no_secrets(&r);
    op_result_free(&r);
    account_free(&a);
}

static void test_parse_info(void **state)
{
    struct account a;
    make_account(&a, NULL);
    struct op_result r;
    parse(&a, OP_INFO, 200, INFO, &r);
    assert_int_equal(r.err, 0);
    assert_int_equal(r.sessions.n, 1);
    struct session *s = &r.sessions.v[0];
    assert_string_equal(s->id, SID);
    assert_int_equal(s->status, SESSION_ACTIVE);
    assert_string_equal(s->user_display, "ada (user 42)");
    assert_int_equal(s->created_ms, 0);
    assert_int_equal(s->last_active_ms, NOW);
    assert_string_equal(s->raw_json, "{\"user_id\":42}");
    assert_int_equal(r.new_secrets.n, 0);
    assert_no_secrets(&r);
    op_result_free(&r);

    /* 401: asked again before it is believed (an IP ban, a locked account
     * answer 401 too); a second 401: no longer valid, shown as expired, not
     * an error; a 200 the second time: valid */
    parse(&a, OP_INFO, 401, "", &r);
    assert_int_equal(r.err, 0);
    assert_int_equal(r.sessions.n, 0);
    assert_int_equal(r.n_follow, 1);
    assert_int_equal(r.follow[0].op, OP_INFO);
    assert_int_equal(r.follow[0].args.phase, 1);
    assert_string_equal(r.follow[0].args.session_id, SID);
    op_result_free(&r);
    parse_step(&a, OP_INFO, 1, NULL, 401, "", &r);
    assert_int_equal(r.err, 0);
    assert_null(r.error);
    assert_int_equal(r.n_follow, 0);
    assert_int_equal(r.sessions.n, 1);
    assert_string_equal(r.sessions.v[0].id, SID);
    assert_int_equal(r.sessions.v[0].status, SESSION_EXPIRED);
    assert_true(r.sessions.v[0].tracked);
    assert_false(r.forget_session);
    op_result_free(&r);
    parse_step(&a, OP_INFO, 1, NULL, 200, INFO, &r);
    assert_int_equal(r.err, 0);
    assert_int_equal(r.sessions.v[0].status, SESSION_ACTIVE);
    op_result_free(&r);
    account_free(&a);
}

/* The check is about the login's own user: an answer about another one is
 * unexpected, as a Clerk answer about another session is. */
static void test_parse_info_other_user(void **state)
{
    struct account a;
    make_account(&a, NULL);
    struct op_result r;
    parse_step(&a, OP_INFO, 0, "42", 200, INFO, &r);
    assert_int_equal(r.err, 0);
    assert_int_equal(r.sessions.n, 1);
    op_result_free(&r);
    parse_step(&a, OP_INFO, 0, "42", 200, "{\"user_id\":43,\"cbrain_api_token\":\"other\"}",
               &r);
    assert_int_equal(r.err, ERR_PROVIDER);
    assert_string_equal(r.error, "HTTP 200 from CBRAIN: unexpected answer: the check of session "
                                 SID " is about user 43, and the login is user 42's");
    assert_int_equal(r.sessions.n, 0);
    op_result_free(&r);
    account_free(&a);
}

static void test_parse_logout(void **state)
{
    struct account a;
    make_account(&a, NULL);
    struct op_result r;
    /* the documented answer, 200 with no body (head :ok): ended */
    const char *empty[] = {"", NULL, "\r\n"};
    for (size_t i = 0; i < ARRAY_LEN(empty); i++) {
        parse(&a, OP_REVOKE, 200, empty[i], &r);
        assert_int_equal(r.err, 0);
        assert_true(r.forget_session);
        assert_false(r.gone);
        assert_int_equal(r.sessions.n, 1);
        assert_string_equal(r.sessions.v[0].id, SID);
        assert_int_equal(r.sessions.v[0].status, SESSION_ENDED);
        op_result_free(&r);
    }
    /* any other 2xx is not it: nothing ended, nothing forgotten */
    const struct {
        long status;
        const char *body, *error;
    } odd[] = {
        {204, "", "HTTP 204 from CBRAIN: unexpected answer to the log out (no body), not the "
                  "documented 200 with no body: it may not have been done"},
        {200, "{\"error\":\"not logged out\"}",
         "HTTP 200 from CBRAIN: unexpected answer to the log out (a JSON body of 26 bytes), not "
         "the documented 200 with no body: it may not have been done"},
        {202, "{}", NULL},
        {200, "<html>signed out</html>", NULL},
    };
    for (size_t i = 0; i < ARRAY_LEN(odd); i++) {
        parse(&a, OP_REVOKE, odd[i].status, odd[i].body, &r);
        assert_int_equal(r.err, ERR_PROVIDER);
        if (odd[i].error)
            assert_string_equal(r.error, odd[i].error);
        assert_false(r.forget_session);
        assert_int_equal(r.sessions.n, 0);
        op_result_free(&r);
    }
    /* 401: the token is refused, which an IP ban or a lock also does; the
     * login is checked (GET /session) before it is taken for ended */
    parse(&a, OP_REVOKE, 401, "", &r);
    assert_int_equal(r.err, 0);
    assert_false(r.forget_session);
    assert_int_equal(r.sessions.n, 0);
    assert_int_equal(r.n_follow, 1);
    assert_int_equal(r.follow[0].op, OP_REVOKE);
    assert_int_equal(r.follow[0].args.phase, 1);
    struct op_args check;
    op_args_copy(&check, &r.follow[0].args);
    op_result_free(&r);
    struct http_request req;
    struct secret_bag bag = {0};
    secret_bag_put(&bag, "api_token", TOKEN);
    memset(&req, 0, sizeof req);
    char *err = NULL;
    assert_int_equal(P->build(&a, OP_REVOKE, &check, &bag, &req, &err), 0);
    assert_string_equal(req.method, "GET");
    assert_true(strstr(req.url, "/session") != NULL);
    assert_int_equal(req.flags & HTTP_IDEMPOTENT, 0); /* asked again on purpose */
    http_request_free(&req);
    secret_bag_clear(&bag);
    op_args_free(&check);
    /* refused again: the login had ended already */
    parse_step(&a, OP_REVOKE, 1, NULL, 401, "", &r);
    assert_int_equal(r.err, 0);
    assert_true(r.forget_session);
    assert_true(r.gone);
    assert_int_equal(r.sessions.v[0].status, SESSION_ENDED);
    op_result_free(&r);
    /* alive: the log out failed, the login and its token are kept */
    parse_step(&a, OP_REVOKE, 1, NULL, 200, INFO, &r);
    assert_int_equal(r.err, ERR_PROVIDER);
    assert_string_equal(r.error, "CBRAIN refused the log out (HTTP 401), yet says the login is "
                                 "alive (GET /session answered 200): it was not ended, and is "
                                 "kept");
    assert_false(r.forget_session);
    assert_false(r.gone);
    assert_int_equal(r.sessions.n, 0);
    assert_int_equal(r.new_secrets.n, 0);
    assert_no_secrets(&r);
    op_result_free(&r);
    /* the check itself failed: nothing forgotten */
    parse_step(&a, OP_REVOKE, 1, NULL, 503, "", &r);
    assert_int_equal(r.err, ERR_NETWORK);
    assert_false(r.forget_session);
    op_result_free(&r);
    account_free(&a);
}

/* ---- parse: errors ----------------------------------------------------- */

static void expect_error(enum op op, long status, const char *body, int err, const char *msg)
{
    struct account a;
    make_account(&a, NULL);
    struct op_result r;
    parse(&a, op, status, body, &r);
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

static void test_errors(void **state)
{
    const char *refused = "HTTP 401 from CBRAIN: login refused (wrong login or password, "
                          "account locked, or IP not allowed)";
    expect_error(OP_CREATE, 401, "", ERR_PROVIDER, refused);
    expect_error(OP_CREATE, 401, NULL, ERR_PROVIDER, refused);
    expect_error(OP_CREATE, 401, "<html>banned</html>", ERR_PROVIDER, refused);
    expect_error(OP_CREATE, 400,
                 "{\"error\": \"Action 'create' not available to API. Available actions are "
                 "[show]\"}",
                 ERR_PROVIDER,
                 "HTTP 400 from CBRAIN: Action 'create' not available to API. Available actions "
                 "are [show]");
    expect_error(OP_INFO, 400, "{\"error\":\"nope\"}", ERR_PROVIDER, "HTTP 400 from CBRAIN: nope");
    expect_error(OP_REVOKE, 500, "{\"error\":\"boom\"}", ERR_NETWORK, "HTTP 500 from CBRAIN: boom");
    expect_error(OP_REVOKE, 403, "", ERR_PROVIDER, "HTTP 403 from CBRAIN: empty body");
    expect_error(OP_INFO, 502, "<html><h1>502 Bad Gateway</h1></html>", ERR_NETWORK,
                 "HTTP 502 from CBRAIN: body is not JSON (<html><h1>502 Bad Gateway</h1></html>)");
    expect_error(OP_INFO, 0, NULL, ERR_NETWORK, "HTTP 0 from CBRAIN: empty body");
    expect_error(OP_INFO, 404, "{\"status\":404}", ERR_PROVIDER,
                 "HTTP 404 from CBRAIN: unexpected answer: error without a message");
    /* a 200 HTML page (no Accept honoured, a proxy's login page) */
    expect_error(OP_CREATE, 200, "<!DOCTYPE html>\n<html><body>Welcome</body></html>",
                 ERR_PROVIDER,
                 "HTTP 200 from CBRAIN: body is not JSON (<!DOCTYPE html>\\n<html><body>Welcome"
                 "</body></html>)");
    expect_error(OP_INFO, 200, "", ERR_PROVIDER, "HTTP 200 from CBRAIN: empty body");
    expect_error(OP_REVOKE, 200, "<html>signed out</html>", ERR_PROVIDER,
                 "HTTP 200 from CBRAIN: unexpected answer to the log out (an HTML page of 23 "
                 "bytes), not the documented 200 with no body: it may not have been done");
    /* a truncated login answer is not echoed: it holds the token */
    expect_error(OP_CREATE, 200, "{\"user_id\":42,\"cbrain_api_token\":\"" TOKEN, ERR_PROVIDER,
                 "HTTP 200 from CBRAIN: body is not JSON (truncated or malformed, 66 bytes, not "
                 "shown: it may hold tokens)");
}

static void test_wrong_shape(void **state)
{
    expect_error(OP_CREATE, 200, "[]", ERR_PROVIDER,
                 "HTTP 200 from CBRAIN: unexpected answer: SessionInfo is not an object");
    expect_error(OP_CREATE, 200, "{\"cbrain_api_token\":\"" TOKEN "\"}", ERR_PROVIDER,
                 "HTTP 200 from CBRAIN: unexpected answer: SessionInfo without a numeric user_id");
    expect_error(OP_CREATE, 200, "{\"user_id\":\"42\",\"cbrain_api_token\":\"" TOKEN "\"}",
                 ERR_PROVIDER, NULL);
    expect_error(OP_CREATE, 200, "{\"user_id\":42}", ERR_PROVIDER,
                 "HTTP 200 from CBRAIN: unexpected answer: SessionInfo without a usable "
                 "cbrain_api_token");
    expect_error(OP_CREATE, 200, "{\"user_id\":42,\"cbrain_api_token\":7}", ERR_PROVIDER, NULL);
    expect_error(OP_CREATE, 200, "{\"user_id\":42,\"cbrain_api_token\":\"\"}", ERR_PROVIDER, NULL);
    expect_error(OP_CREATE, 200, "{\"user_id\":42,\"cbrain_api_token\":\"a\\r\\nb\"}",
                 ERR_PROVIDER, NULL);
    expect_error(OP_INFO, 200, "{\"error\":\"Session expired\"}", ERR_PROVIDER,
                 "HTTP 200 from CBRAIN: Session expired");
    expect_error(OP_INFO, 200, "null", ERR_PROVIDER, NULL);
}

static void test_escapes_stripped(void **state)
{
    expect_error(OP_CREATE, 400, "{\"error\":\"\\u001b[31mred\\u001b[0m \\u001b]8;;http://x\\u0007"
                                 "link\\u001b]8;;\\u0007\\r\\n\"}",
                 ERR_PROVIDER, "HTTP 400 from CBRAIN: red link  ");
    struct account a;
    make_account(&a, NULL);
    account_set_field(&a, "login", "a\x1b[2Jda");
    struct op_result r;
    parse(&a, OP_CREATE, 200, INFO, &r);
    assert_int_equal(r.err, 0);
    assert_string_equal(r.sessions.v[0].user_display, "ada (user 42)");
    op_result_free(&r);
    account_free(&a);
}

static void test_hostile_bodies(void **state)
{
    static const char *const bodies[] = {
        NULL, "", " ", "{", "[", "\"s\"", "1", "{\"user_id\":", "{\"user_id\":1e400}",
        "{\"user_id\":-1,\"cbrain_api_token\":\"t\"}", "{\"error\":null}", "{\"error\":{}}",
        "\xff\xfe", "{\"user_id\":null,\"cbrain_api_token\":null}", INFO,
    };
    static const long statuses[] = {0, 200, 201, 204, 302, 400, 401, 403, 404, 422, 500, 503};
    static const enum op ops[] = {OP_CREATE, OP_INFO, OP_REVOKE, OP_REFRESH, OP_LIST};
    struct account a;
    make_account(&a, NULL);
    for (size_t b = 0; b < ARRAY_LEN(bodies); b++)
        for (size_t st = 0; st < ARRAY_LEN(statuses); st++)
            for (size_t o = 0; o < ARRAY_LEN(ops); o++) {
                struct op_result r;
                parse(&a, ops[o], statuses[st], bodies[b], &r);
                /* an answer, an error, or a 401 asked again */
                assert_true(r.err != 0 || r.sessions.n == 1 ||
                            (r.n_follow == 1 && statuses[st] == 401));
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
        cmocka_unit_test(test_build_login_missing),
        cmocka_unit_test(test_build_info),
        cmocka_unit_test(test_build_logout),
        cmocka_unit_test(test_build_unsupported),
        cmocka_unit_test(test_parse_login),
        cmocka_unit_test(test_parse_info),
        cmocka_unit_test(test_parse_info_other_user),
        cmocka_unit_test(test_parse_logout),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_wrong_shape),
        cmocka_unit_test(test_escapes_stripped),
        cmocka_unit_test(test_hostile_bodies),
    };
    return cmocka_run_group_tests_name("cbrain", tests, NULL, NULL);
}
