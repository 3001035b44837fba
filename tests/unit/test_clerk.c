/* The Clerk provider on recorded bodies: every request it builds, every
 * answer the spec documents, and the ones it does not. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flags.h"
#include "providers/common.h"
#include "providers/provider.h"
#include "util.h"

/* registry.c (the table of every provider) is not linked into this test on
 * its own; these stand in for it and give way to it when it is. */
__attribute__((weak)) const char *provider_base_url(const struct provider *p,
                                                    const struct account *a)
{
    return !str_empty(a->base_url) ? a->base_url : p->default_base_url;
}

__attribute__((weak)) const char *op_name(enum op op)
{
    static const char *const names[OP_COUNT] = {
        [OP_LIST] = "list", [OP_GET] = "get", [OP_REVOKE] = "revoke",
        [OP_VERIFY] = "verify", [OP_TOKEN] = "token", [OP_CREATE] = "create",
        [OP_AUTHORIZE] = "authorize", [OP_REFRESH] = "refresh", [OP_INFO] = "info",
        [OP_USERS] = "users",
    };
    return (unsigned)op < OP_COUNT ? names[op] : "?";
}

#define P (&provider_clerk)
#define KEY "sk_test_4eC39HqLyjWDarjtT1zdp7dc"
#define NOW 1700000000000LL

/* ---- fixtures ------------------------------------------------------------- */

/* A Session as the 2021-02-05 schema has it (every required field). */
#define SESSION_1                                                                       \
    "{\"object\":\"session\",\"id\":\"sess_2a\",\"user_id\":\"user_1\","              \
    "\"client_id\":\"client_1\",\"actor\":null,\"status\":\"active\","                \
    "\"last_active_organization_id\":null,\"last_active_at\":1700000100000,"          \
    "\"latest_activity\":{\"object\":\"session_activity\",\"id\":\"sess_activity_1\"," \
    "\"device_type\":\"Macintosh\",\"is_mobile\":false,\"browser_name\":\"Chrome\","   \
    "\"browser_version\":\"120.0\",\"ip_address\":\"203.0.113.7\",\"city\":\"Berlin\"," \
    "\"country\":\"DE\"},\"expire_at\":1700604800000,\"abandon_at\":1702592000000,"    \
    "\"updated_at\":1700000100000,\"created_at\":1699990000000}"

#define SESSION_2                                                                       \
    "{\"object\":\"session\",\"id\":\"sess_2b\",\"user_id\":\"user_2\","              \
    "\"client_id\":\"client_2\",\"actor\":null,\"status\":\"revoked\","               \
    "\"last_active_organization_id\":null,\"last_active_at\":1699000000000,"          \
    "\"latest_activity\":null,\"expire_at\":1699600000000,\"abandon_at\":1701000000000," \
    "\"updated_at\":1699000000000,\"created_at\":1698990000000}"

/* 2026-05-12: status pending and tasks. */
#define SESSION_PENDING_JSON                                                            \
    "{\"object\":\"session\",\"id\":\"sess_p\",\"user_id\":\"user_1\","               \
    "\"client_id\":\"client_1\",\"status\":\"pending\",\"tasks\":[{\"key\":\"choose-organization\"}]," \
    "\"last_active_at\":1,\"latest_activity\":{\"object\":\"session_activity\",\"id\":\"a\"," \
    "\"is_mobile\":true},\"expire_at\":2,\"abandon_at\":3,\"updated_at\":4,\"created_at\":5}"

#define ERR_404                                                                          \
    "{\"errors\":[{\"message\":\"not found\",\"long_message\":\"Resource not found\","   \
    "\"code\":\"resource_not_found\",\"meta\":{}}],\"clerk_trace_id\":\"abc123\"}"

static struct account acct;

static int setup(void **state)
{
    memset(&acct, 0, sizeof acct);
    acct.id = xstrdup("clerk-1");
    acct.provider_id = xstrdup("clerk");
    acct.label = xstrdup("Clerk dev");
    return 0;
}

static int teardown(void **state)
{
    account_free(&acct);
    return 0;
}

static struct secret_bag key_bag(void)
{
    struct secret_bag b = {0};
    secret_bag_put(&b, "api_key", KEY);
    return b;
}

/* build() with the api key; returns rc and leaves req/err for checks. */
static int build(enum op op, const struct op_args *args, struct http_request *req, char **err)
{
    struct secret_bag b = key_bag();
    memset(req, 0, sizeof *req);
    *err = NULL;
    int rc = P->build(&acct, op, args, &b, req, err);
    secret_bag_clear(&b);
    return rc;
}

static void assert_auth_headers(const struct http_request *r)
{
    assert_true(r->n_headers >= 2);
    assert_string_equal(r->headers[0], "Authorization: Bearer " KEY);
    assert_string_equal(r->headers[1], "Accept: application/json");
}

static void parse_n(enum op op, const struct op_args *args, long status, const char *body,
                    size_t len, struct op_result *out)
{
    struct http_response r = {0};
    r.status = status;
    r.retry_after_s = -1;
    if (body) {
        r.body = xmalloc(len + 1);
        memcpy(r.body, body, len);
        r.body[len] = '\0';
        r.body_len = len;
        r.content_type = xstrdup("application/json");
    }
    memset(out, 0, sizeof *out);
    static const struct op_args none;
    P->parse(&acct, op, args ? args : &none, &r, out);
    http_response_free(&r);
}

static void parse(enum op op, const struct op_args *args, long status, const char *body,
                  struct op_result *out)
{
    parse_n(op, args, status, body, body ? strlen(body) : 0, out);
}

static bool has_esc(const char *s)
{
    return s && (strchr(s, 0x1b) || strchr(s, 0x07) || strstr(s, "\xc2\x9b"));
}

/* ---- the provider as data ------------------------------------------------- */

static void test_descriptor(void **state)
{
    assert_string_equal(P->id, "clerk");
    assert_string_equal(P->title, "Clerk");
    assert_string_equal(P->default_base_url, "https://api.clerk.com/v1");
    assert_int_equal(P->caps, CAP_LIST | CAP_GET | CAP_REVOKE | CAP_VERIFY | CAP_TOKEN |
                                  CAP_USERS | CAP_CHECK);
    assert_string_equal(P->fields[0].key, "api_key");
    assert_string_equal(P->fields[0].label, "Secret key (sk_...)");
    assert_int_equal(P->fields[0].flags, FIELD_SECRET | FIELD_REQUIRED);
    assert_string_equal(P->fields[1].key, "user_id");
    assert_int_equal(P->fields[1].flags, 0);
    assert_string_equal(P->fields[2].key, "client_id");
    assert_int_equal(P->fields[2].flags, 0);
    assert_string_equal(P->fields[3].key, "session_window");
    assert_string_equal(P->fields[4].key, "recheck");
    assert_null(P->fields[5].key);
    assert_string_equal(P->list_unit, "users");
}

static void test_needs(void **state)
{
    enum op ops[] = {OP_LIST, OP_GET, OP_REVOKE, OP_VERIFY, OP_TOKEN, OP_USERS};
    for (size_t i = 0; i < ARRAY_LEN(ops); i++) {
        struct op_needs n = P->needs(ops[i]);
        assert_string_equal(n.account_secrets, "api_key");
        assert_null(n.session_secrets);
    }
    struct op_needs n = P->needs(OP_CREATE);
    assert_null(n.account_secrets);
    assert_null(n.session_secrets);
}

/* ---- build ---------------------------------------------------------------- */

static void test_build_list_user(void **state)
{
    struct op_args a = {0};
    a.user_id = "user_1";
    struct http_request r;
    char *err;
    assert_int_equal(build(OP_LIST, &a, &r, &err), 0);
    assert_null(err);
    assert_string_equal(r.method, "GET");
    assert_string_equal(r.url, "https://api.clerk.com/v1/sessions?user_id=user_1&limit=500"
                               "&offset=0&paginated=true");
    assert_int_equal(r.n_headers, 2);
    assert_auth_headers(&r);
    assert_null(r.body);
    assert_int_equal(r.body_len, 0);
    assert_int_equal(r.flags, HTTP_IDEMPOTENT);
    http_request_free(&r);
}

static void test_build_list_encoding(void **state)
{
    struct op_args a = {0};
    a.user_id = "user a&b=c/\xc3\xbc";
    a.client_id = "client+1?#";
    a.status = "active";
    a.offset = 1000;
    struct http_request r;
    char *err;
    assert_int_equal(build(OP_LIST, &a, &r, &err), 0);
    assert_string_equal(r.url, "https://api.clerk.com/v1/sessions?user_id=user%20a%26b%3Dc%2F%C3%BC"
                               "&client_id=client%2B1%3F%23&status=active&limit=500"
                               "&offset=1000&paginated=true");
    http_request_free(&r);
}

static void test_build_list_account_defaults(void **state)
{
    account_set_field(&acct, "user_id", "user_default");
    account_set_field(&acct, "client_id", "client_default");
    struct op_args a = {0};
    struct http_request r;
    char *err;
    assert_int_equal(build(OP_LIST, &a, &r, &err), 0);
    assert_string_equal(r.url, "https://api.clerk.com/v1/sessions?user_id=user_default"
                               "&client_id=client_default&limit=500&offset=0&paginated=true");
    http_request_free(&r);

    /* a filter in the arguments replaces the account's pair */
    a.client_id = "client_x";
    a.status = "revoked";
    assert_int_equal(build(OP_LIST, &a, &r, &err), 0);
    assert_string_equal(r.url, "https://api.clerk.com/v1/sessions?client_id=client_x"
                               "&status=revoked&limit=500&offset=0&paginated=true");
    http_request_free(&r);
}

/* Without a filter: the users who can have a live session, those active
 * within the window (from the start of its first day: last_active_at is
 * kept per day), most recently active first. */
#define WALK "https://api.clerk.com/v1/users?limit=500&offset="
#define BY_ACTIVITY "&order_by=-last_active_at"
/* NOW is 2023-11-14 22:13:20 UTC: 7 days before, 2023-11-07; its day began
 * at 1699315200000 */
#define SEVEN_DAYS "&last_active_at_after=1699315199999"

static void test_build_list_no_filter_walks_users(void **state)
{
    struct op_args a = {0};
    a.status = "active";
    a.now_ms = NOW;
    struct http_request r;
    char *err;
    assert_int_equal(build(OP_LIST, &a, &r, &err), 0);
    assert_string_equal(r.method, "GET");
    assert_string_equal(r.url, WALK "0" BY_ACTIVITY SEVEN_DAYS);
    assert_int_equal(r.n_headers, 2);
    assert_auth_headers(&r);
    assert_null(r.body);
    assert_int_equal(r.flags, HTTP_IDEMPOTENT);
    http_request_free(&r);

    a.offset = 1500;
    assert_int_equal(build(OP_LIST, &a, &r, &err), 0);
    assert_string_equal(r.url, WALK "1500" BY_ACTIVITY SEVEN_DAYS);
    http_request_free(&r);
}

static void test_build_list_session_window(void **state)
{
    struct op_args a = {0};
    a.now_ms = NOW;
    struct http_request r;
    char *err;
    account_set_field(&acct, "session_window", "30d");
    assert_int_equal(build(OP_LIST, &a, &r, &err), 0);
    /* 30 days before: 2023-10-15, whose day began at 1697328000000 */
    assert_string_equal(r.url, WALK "0" BY_ACTIVITY "&last_active_at_after=1697327999999");
    http_request_free(&r);

    account_set_field(&acct, "session_window", "all"); /* the whole history */
    assert_int_equal(build(OP_LIST, &a, &r, &err), 0);
    assert_string_equal(r.url, WALK "0" BY_ACTIVITY);
    http_request_free(&r);

    account_set_field(&acct, "session_window", "a week");
    assert_int_equal(build(OP_LIST, &a, &r, &err), ERR_CONFIG);
    assert_non_null(strstr(err, "\"a week\" is not a duration"));
    free(err);
    http_request_free(&r);

    /* a filter lists one user's or client's sessions: no window */
    account_set_field(&acct, "session_window", "30d");
    a.user_id = "user_1";
    assert_int_equal(build(OP_LIST, &a, &r, &err), 0);
    assert_null(strstr(r.url, "last_active"));
    http_request_free(&r);
}

static void test_build_list_refresh_walks(void **state)
{
    struct op_args a = {0};
    a.now_ms = NOW;
    a.phase = 2; /* signed in since */
    a.since_ms = 1699999000000LL;
    struct http_request r;
    char *err;
    assert_int_equal(build(OP_LIST, &a, &r, &err), 0);
    assert_string_equal(r.url, WALK "0&order_by=-last_sign_in_at"
                               "&last_sign_in_at_after=1699999000000");
    http_request_free(&r);
    a.phase = 3; /* active today (since 2023-11-14 00:00 UTC) */
    assert_int_equal(build(OP_LIST, &a, &r, &err), 0);
    assert_string_equal(r.url, WALK "0" BY_ACTIVITY "&last_active_at_after=1699919999999");
    http_request_free(&r);
}

static void test_build_list_bad_status(void **state)
{
    struct op_args a = {0};
    a.user_id = "user_1";
    a.status = "pending"; /* a Session status, but not a filter of GET /sessions */
    struct http_request r;
    char *err;
    assert_int_equal(build(OP_LIST, &a, &r, &err), ERR_USAGE);
    assert_non_null(err);
    assert_non_null(strstr(err, "\"pending\""));
    assert_non_null(strstr(err, "abandoned, active"));
    free(err);
    http_request_free(&r);
}

static void test_build_base_url(void **state)
{
    acct.base_url = xstrdup("http://127.0.0.1:8081/v1//");
    struct op_args a = {0};
    a.session_id = "sess_1";
    struct http_request r;
    char *err;
    assert_int_equal(build(OP_GET, &a, &r, &err), 0);
    assert_string_equal(r.url, "http://127.0.0.1:8081/v1/sessions/sess_1");
    http_request_free(&r);
}

static void test_build_missing_or_bad_key(void **state)
{
    struct op_args a = {0};
    a.user_id = "user_1";
    struct http_request r = {0};
    char *err = NULL;
    struct secret_bag b = {0};
    assert_int_equal(P->build(&acct, OP_LIST, &a, &b, &r, &err), ERR_KEYRING);
    assert_non_null(strstr(err, "no Clerk secret key"));
    free(err);
    err = NULL;
    secret_bag_put(&b, "api_key", "sk_test\r\nX-Evil: 1");
    assert_int_equal(P->build(&acct, OP_LIST, &a, &b, &r, &err), ERR_USAGE);
    assert_non_null(strstr(err, "control characters"));
    assert_null(strstr(err, "X-Evil")); /* the key is not echoed */
    free(err);
    secret_bag_clear(&b);
    http_request_free(&r);
}

static void test_build_users(void **state)
{
    char *ids[] = {"user_1", "user_2", "user+3/x"};
    struct op_args a = {0};
    a.user_ids = ids;
    a.n_user_ids = 3;
    struct http_request r;
    char *err;
    assert_int_equal(build(OP_USERS, &a, &r, &err), 0);
    assert_string_equal(r.method, "GET");
    assert_string_equal(r.url, "https://api.clerk.com/v1/users?user_id=user_1&user_id=user_2"
                               "&user_id=user%2B3%2Fx&limit=100");
    assert_int_equal(r.n_headers, 2);
    assert_auth_headers(&r);
    assert_null(r.body);
    assert_int_equal(r.flags, HTTP_IDEMPOTENT);
    http_request_free(&r);

    char *empty[] = {"", NULL};
    a.user_ids = empty;
    a.n_user_ids = 2;
    assert_int_not_equal(build(OP_USERS, &a, &r, &err), 0);
    assert_non_null(err);
    free(err);
    http_request_free(&r);

    a.n_user_ids = 0;
    assert_int_not_equal(build(OP_USERS, &a, &r, &err), 0);
    assert_non_null(err);
    free(err);
    http_request_free(&r);

    char *many[101];
    for (int i = 0; i < 101; i++)
        many[i] = "user_x";
    a.user_ids = many;
    a.n_user_ids = 101;
    assert_int_not_equal(build(OP_USERS, &a, &r, &err), 0);
    free(err);
    http_request_free(&r);
}

static void test_build_get_revoke(void **state)
{
    struct op_args a = {0};
    a.session_id = "sess_1/../x?y";
    struct http_request r;
    char *err;
    assert_int_equal(build(OP_GET, &a, &r, &err), 0);
    assert_string_equal(r.method, "GET");
    assert_string_equal(r.url, "https://api.clerk.com/v1/sessions/sess_1%2F..%2Fx%3Fy");
    assert_int_equal(r.n_headers, 2);
    assert_auth_headers(&r);
    assert_null(r.body);
    assert_int_equal(r.flags, HTTP_IDEMPOTENT);
    http_request_free(&r);

    a.session_id = "sess_2a";
    assert_int_equal(build(OP_REVOKE, &a, &r, &err), 0);
    assert_string_equal(r.method, "POST");
    assert_string_equal(r.url, "https://api.clerk.com/v1/sessions/sess_2a/revoke");
    assert_int_equal(r.n_headers, 2);
    assert_auth_headers(&r);
    assert_null(r.body);
    assert_int_equal(r.flags, HTTP_IDEMPOTENT);
    http_request_free(&r);

    a.session_id = NULL;
    assert_int_equal(build(OP_REVOKE, &a, &r, &err), ERR_USAGE);
    assert_non_null(strstr(err, "session id"));
    free(err);
    http_request_free(&r);
}

static void test_build_verify(void **state)
{
    struct op_args a = {0};
    a.session_id = "sess_2a";
    a.verify_token = "eyJhbGciOiJSUzI1NiJ9.eyJzaWQiOiJzZXNzIn0.c2ln";
    struct http_request r;
    char *err;
    assert_int_equal(build(OP_VERIFY, &a, &r, &err), 0);
    assert_string_equal(r.method, "POST");
    assert_string_equal(r.url, "https://api.clerk.com/v1/sessions/sess_2a/verify");
    assert_int_equal(r.n_headers, 3);
    assert_auth_headers(&r);
    assert_string_equal(r.headers[2], "Content-Type: application/json");
    assert_string_equal(r.body,
                        "{\"token\":\"eyJhbGciOiJSUzI1NiJ9.eyJzaWQiOiJzZXNzIn0.c2ln\"}");
    assert_int_equal(r.body_len, strlen(r.body));
    assert_int_equal(r.flags, HTTP_IDEMPOTENT);
    http_request_free(&r);

    a.verify_token = "a\"b\\c";
    assert_int_equal(build(OP_VERIFY, &a, &r, &err), 0);
    assert_string_equal(r.body, "{\"token\":\"a\\\"b\\\\c\"}");
    http_request_free(&r);

    a.verify_token = NULL;
    assert_int_equal(build(OP_VERIFY, &a, &r, &err), ERR_USAGE);
    assert_non_null(strstr(err, "__session"));
    free(err);
    http_request_free(&r);
}

static void test_build_token(void **state)
{
    struct op_args a = {0};
    a.session_id = "sess_2a";
    a.template_name = "custom hasura/1";
    struct http_request r;
    char *err;
    assert_int_equal(build(OP_TOKEN, &a, &r, &err), 0);
    assert_string_equal(r.method, "POST");
    assert_string_equal(r.url,
                        "https://api.clerk.com/v1/sessions/sess_2a/tokens/custom%20hasura%2F1");
    assert_int_equal(r.n_headers, 2);
    assert_auth_headers(&r);
    assert_null(r.body);
    assert_int_equal(r.flags, HTTP_IDEMPOTENT);
    http_request_free(&r);

    a.template_name = "hasura";
    a.expires_in_seconds = 60;
    assert_int_equal(build(OP_TOKEN, &a, &r, &err), 0);
    assert_string_equal(r.url, "https://api.clerk.com/v1/sessions/sess_2a/tokens/hasura");
    assert_int_equal(r.n_headers, 3);
    assert_string_equal(r.headers[2], "Content-Type: application/json");
    assert_string_equal(r.body, "{\"expires_in_seconds\":60}");
    assert_int_equal(r.body_len, strlen("{\"expires_in_seconds\":60}"));
    http_request_free(&r);

    long ok[] = {30, 315360000};
    for (size_t i = 0; i < ARRAY_LEN(ok); i++) {
        a.expires_in_seconds = ok[i];
        assert_int_equal(build(OP_TOKEN, &a, &r, &err), 0);
        http_request_free(&r);
    }
    long bad[] = {29, 315360001, -1};
    for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
        a.expires_in_seconds = bad[i];
        assert_int_equal(build(OP_TOKEN, &a, &r, &err), ERR_USAGE);
        assert_non_null(strstr(err, "30 to 315360000 seconds"));
        free(err);
        http_request_free(&r);
    }

    /* no template: the instance's default session token */
    a.template_name = NULL;
    a.expires_in_seconds = 0;
    assert_int_equal(build(OP_TOKEN, &a, &r, &err), 0);
    assert_string_equal(r.url, "https://api.clerk.com/v1/sessions/sess_2a/tokens");
    http_request_free(&r);
}

static void test_build_unsupported(void **state)
{
    struct op_args a = {0};
    a.session_id = "s";
    struct http_request r;
    char *err;
    enum op ops[] = {OP_CREATE, OP_AUTHORIZE, OP_REFRESH, OP_INFO};
    for (size_t i = 0; i < ARRAY_LEN(ops); i++) {
        assert_int_equal(build(ops[i], &a, &r, &err), ERR_USAGE);
        assert_non_null(err);
        free(err);
        http_request_free(&r);
    }
}

/* ---- parse: sessions ------------------------------------------------------ */

static void assert_session_1(const struct session *s)
{
    assert_string_equal(s->id, "sess_2a");
    assert_string_equal(s->account_id, "clerk-1");
    assert_string_equal(s->user_id, "user_1");
    assert_null(s->user_display);
    assert_string_equal(s->client_id, "client_1");
    assert_int_equal(s->status, SESSION_ACTIVE);
    assert_int_equal(s->created_ms, 1699990000000LL);
    assert_int_equal(s->last_active_ms, 1700000100000LL);
    assert_int_equal(s->expires_ms, 1700604800000LL);
    assert_string_equal(s->device, "Macintosh");
    assert_string_equal(s->browser, "Chrome 120.0");
    assert_string_equal(s->ip, "203.0.113.7");
    assert_string_equal(s->place, "Berlin, DE");
    assert_false(s->tracked);
    assert_non_null(s->raw_json);
    assert_non_null(strstr(s->raw_json, "\"id\":\"sess_2a\""));
    assert_non_null(strstr(s->raw_json, "\"abandon_at\":1702592000000"));
}

/* Clerk sets actor when someone signs in as the user: the session is
 * flagged impersonated, by the page scanner and by cJSON alike. */
static void test_parse_actor(void **state)
{
    static const char *const pages[] = {
        "[" SESSION_1 ",{\"object\":\"session\",\"id\":\"sess_imp\",\"user_id\":\"user_1\","
        "\"client_id\":\"client_9\",\"actor\":{\"sub\":\"user_admin\",\"iss\":\"x\"},"
        "\"status\":\"active\",\"last_active_at\":1,\"latest_activity\":null,"
        "\"expire_at\":2,\"abandon_at\":3,\"updated_at\":4,\"created_at\":5}]",
        /* a fraction: the scanner leaves the page to cJSON */
        "[" SESSION_1 ",{\"object\":\"session\",\"id\":\"sess_imp\",\"user_id\":\"user_1\","
        "\"client_id\":\"client_9\",\"actor\":{\"sub\":\"user_admin\"},"
        "\"status\":\"active\",\"last_active_at\":1.5,\"latest_activity\":null,"
        "\"expire_at\":2,\"abandon_at\":3,\"updated_at\":4,\"created_at\":5}]",
    };
    for (size_t i = 0; i < ARRAY_LEN(pages); i++) {
        struct op_args a = {0};
        a.user_id = "user_1";
        struct op_result out;
        parse(OP_LIST, &a, 200, pages[i], &out);
        assert_int_equal(out.err, 0);
        assert_int_equal(out.sessions.n, 2);
        assert_int_equal(out.sessions.v[0].flags & FLAG_IMPERSONATED, 0); /* actor: null */
        assert_int_equal(out.sessions.v[1].flags, FLAG_IMPERSONATED);
        op_result_free(&out);
    }
}

static void test_parse_list_paginated_first_page(void **state)
{
    struct op_args a = {0};
    a.client_id = "client_1";
    a.status = "active";
    struct op_result out;
    parse(OP_LIST, &a, 200,
          "{\"data\":[" SESSION_1 "," SESSION_2 "],\"total_count\":1234}", &out);
    assert_int_equal(out.err, 0);
    assert_null(out.error);
    assert_int_equal(out.sessions.n, 2);
    assert_session_1(&out.sessions.v[0]);
    const struct session *s2 = &out.sessions.v[1];
    assert_string_equal(s2->id, "sess_2b");
    assert_int_equal(s2->status, SESSION_REVOKED);
    assert_null(s2->device);
    assert_null(s2->browser);
    assert_null(s2->ip);
    assert_null(s2->place);
    /* every other page at once (1234 = 500 + 500 + 234), then the names */
    assert_int_equal(out.n_follow, 3);
    for (int i = 0; i < 2; i++) {
        assert_int_equal(out.follow[i].op, OP_LIST);
        assert_int_equal(out.follow[i].args.offset, 500 * (i + 1));
        assert_int_equal(out.follow[i].args.limit, 500);
        assert_string_equal(out.follow[i].args.client_id, "client_1");
        assert_string_equal(out.follow[i].args.status, "active");
        assert_null(out.follow[i].args.user_id);
    }
    assert_int_equal(out.follow[2].op, OP_USERS);
    assert_int_equal(out.follow[2].args.n_user_ids, 2);
    assert_string_equal(out.follow[2].args.user_ids[0], "user_1");
    assert_string_equal(out.follow[2].args.user_ids[1], "user_2");
    op_result_free(&out);
}

static void test_parse_list_paginated_later_page(void **state)
{
    struct op_args a = {0};
    a.client_id = "client_1";
    a.offset = 500;
    struct op_result out;
    parse(OP_LIST, &a, 200, "{\"data\":[" SESSION_1 "],\"total_count\":1234}", &out);
    assert_int_equal(out.err, 0);
    assert_int_equal(out.sessions.n, 1);
    assert_int_equal(out.n_follow, 1); /* names only: the pages were asked for by page 1 */
    assert_int_equal(out.follow[0].op, OP_USERS);
    op_result_free(&out);
}

static void test_parse_list_total_exact_and_small(void **state)
{
    struct op_args a = {0};
    a.user_id = "user_1";
    struct op_result out;
    parse(OP_LIST, &a, 200, "{\"data\":[" SESSION_1 "],\"total_count\":1}", &out);
    assert_int_equal(out.n_follow, 1);
    assert_int_equal(out.follow[0].op, OP_USERS);
    op_result_free(&out);

    parse(OP_LIST, &a, 200, "{\"data\":[],\"total_count\":1000}", &out);
    assert_int_equal(out.n_follow, 1); /* offset 500 only: 1000 ends there */
    assert_int_equal(out.follow[0].args.offset, 500);
    op_result_free(&out);

    parse(OP_LIST, &a, 200, "{\"data\":[],\"total_count\":0}", &out);
    assert_int_equal(out.err, 0);
    assert_int_equal(out.sessions.n, 0);
    assert_int_equal(out.n_follow, 0);
    op_result_free(&out);
}

static void test_parse_list_total_absurd(void **state)
{
    struct op_args a = {0};
    a.user_id = "user_1";
    struct op_result out;
    parse(OP_LIST, &a, 200, "{\"data\":[],\"total_count\":1e15}", &out);
    assert_int_equal(out.err, 0);
    assert_int_equal(out.n_follow, 199); /* capped at 200 pages */
    assert_int_equal(out.follow[198].args.offset, 199 * 500);
    op_result_free(&out);

    /* a total that is not a count is no total: the empty page ends it */
    const char *bodies[] = {"{\"data\":[],\"total_count\":-5}",
                            "{\"data\":[],\"total_count\":\"9\"}",
                            "{\"data\":[],\"total_count\":null}", "{\"data\":[]}"};
    for (size_t i = 0; i < ARRAY_LEN(bodies); i++) {
        parse(OP_LIST, &a, 200, bodies[i], &out);
        assert_int_equal(out.err, 0);
        assert_int_equal(out.n_follow, 0);
        op_result_free(&out);
    }
}

static char *full_page(int n, int distinct_users)
{
    size_t cap = (size_t)n * 120 + 16;
    char *b = xmalloc(cap);
    size_t o = 0;
    b[o++] = '[';
    for (int i = 0; i < n; i++)
        o += (size_t)snprintf(b + o, cap - o,
                              "%s{\"object\":\"session\",\"id\":\"sess_%d\",\"user_id\":"
                              "\"user_%d\",\"client_id\":\"c\",\"status\":\"active\"}",
                              i ? "," : "", i, i % distinct_users);
    b[o++] = ']';
    b[o] = '\0';
    return b;
}

static void test_parse_list_bare_array_paging(void **state)
{
    struct op_args a = {0};
    a.client_id = "client_1";
    struct op_result out;
    char *body = full_page(500, 250);
    parse(OP_LIST, &a, 200, body, &out);
    assert_int_equal(out.err, 0);
    assert_int_equal(out.sessions.n, 500);
    /* next page (full page, no total), then 250 distinct users in 3 batches */
    assert_int_equal(out.n_follow, 4);
    assert_int_equal(out.follow[0].op, OP_LIST);
    assert_int_equal(out.follow[0].args.offset, 500);
    assert_string_equal(out.follow[0].args.client_id, "client_1");
    size_t sizes[] = {100, 100, 50};
    for (int i = 0; i < 3; i++) {
        assert_int_equal(out.follow[1 + i].op, OP_USERS);
        assert_int_equal(out.follow[1 + i].args.n_user_ids, sizes[i]);
    }
    assert_string_equal(out.follow[1].args.user_ids[0], "user_0");
    assert_string_equal(out.follow[3].args.user_ids[49], "user_249");
    op_result_free(&out);

    a.offset = 500;
    parse(OP_LIST, &a, 200, body, &out);
    assert_int_equal(out.follow[0].op, OP_LIST);
    assert_int_equal(out.follow[0].args.offset, 1000);
    op_result_free(&out);
    free(body);

    body = full_page(499, 1);
    a.offset = 0;
    parse(OP_LIST, &a, 200, body, &out);
    assert_int_equal(out.sessions.n, 499);
    assert_int_equal(out.n_follow, 1); /* not full: no next page; one user */
    assert_int_equal(out.follow[0].op, OP_USERS);
    assert_int_equal(out.follow[0].args.n_user_ids, 1);
    op_result_free(&out);
    free(body);

    /* a server that always answers a full page is stopped at 200 pages */
    body = full_page(500, 1);
    a.offset = 199 * 500;
    parse(OP_LIST, &a, 200, body, &out);
    assert_int_equal(out.n_follow, 1);
    assert_int_equal(out.follow[0].op, OP_USERS);
    assert_non_null(strstr(out.warning, "the first 100000 sessions only")); /* and says so */
    op_result_free(&out);
    a.offset = 198 * 500;
    parse(OP_LIST, &a, 200, body, &out);
    assert_null(out.warning);
    op_result_free(&out);
    free(body);
}

static void test_parse_list_user_filter_names_once(void **state)
{
    struct op_args a = {0};
    a.user_id = "user_1";
    a.offset = 500;
    struct op_result out;
    parse(OP_LIST, &a, 200, "[" SESSION_1 "]", &out);
    assert_int_equal(out.sessions.n, 1);
    assert_int_equal(out.n_follow, 0); /* page 1 asked for user_1's name */
    op_result_free(&out);
}

/* An item that is no session (not an object, no string id) makes the page
 * an unexpected answer, never one that shows fewer sessions; an object with
 * a string id whose other members are odd is read as far as it goes. */
static void test_parse_list_bad_items(void **state)
{
    struct op_args a = {0};
    a.user_id = "user_1";
    struct op_result out;
    const char *bad[] = {"1", "\"x\"", "null", "[]", "{}", "{\"user_id\":\"user_9\"}",
                         "{\"id\":42}", "{\"id\":\"\"}", "{\"id\":\"\\u001b\\u0007\"}"};
    for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
        for (int paged = 0; paged < 2; paged++) {
            char *body = xasprintf(paged ? "{\"data\":[" SESSION_1 ",%s],\"total_count\":2}"
                                         : "[" SESSION_1 ",%s]", bad[i]);
            parse(OP_LIST, &a, 200, body, &out);
            free(body);
            assert_int_equal(out.err, ERR_PROVIDER);
            assert_string_equal(out.error, "HTTP 200 from Clerk: unexpected answer: sessions[1] "
                                           "is not a session (an object with a string id)");
            op_result_free(&out);
        }
    }
    parse(OP_LIST, &a, 200,
          "[" SESSION_1 ",{\"id\":\"sess_w\",\"user_id\":7,\"status\":5,\"created_at\":\"1\","
          "\"latest_activity\":\"x\",\"expire_at\":1e300}]",
          &out);
    assert_int_equal(out.err, 0);
    assert_int_equal(out.sessions.n, 2);
    assert_string_equal(out.sessions.v[0].id, "sess_2a");
    const struct session *w = &out.sessions.v[1];
    assert_string_equal(w->id, "sess_w");
    assert_null(w->user_id);
    assert_int_equal(w->status, SESSION_UNKNOWN);
    assert_int_equal(w->created_ms, 0);
    assert_int_equal(w->expires_ms, 0);
    assert_null(w->device);
    assert_int_equal(out.n_follow, 1);
    assert_int_equal(out.follow[0].args.n_user_ids, 1); /* sess_w's user_id is no string */
    op_result_free(&out);
}

static void test_parse_pending_and_activity(void **state)
{
    struct op_args a = {0};
    a.user_id = "user_1";
    struct op_result out;
    parse(OP_LIST, &a, 200, "[" SESSION_PENDING_JSON "]", &out);
    assert_int_equal(out.sessions.n, 1);
    const struct session *s = &out.sessions.v[0];
    assert_int_equal(s->status, SESSION_PENDING);
    assert_string_equal(s->device, "mobile");
    assert_null(s->browser);
    assert_null(s->place);
    assert_non_null(strstr(s->raw_json, "choose-organization"));
    op_result_free(&out);

    /* half of each pair */
    parse(OP_GET, &a, 200,
          "{\"id\":\"s\",\"latest_activity\":{\"browser_name\":\"Firefox\",\"country\":\"FR\","
          "\"browser_version\":\"\",\"city\":null,\"is_mobile\":false}}",
          &out);
    s = &out.sessions.v[0];
    assert_string_equal(s->browser, "Firefox");
    assert_string_equal(s->place, "FR");
    assert_null(s->device);
    op_result_free(&out);
}

static void test_parse_escapes_stripped(void **state)
{
    struct op_args a = {0};
    a.user_id = "user_1";
    struct op_result out;
    parse(OP_LIST, &a, 200,
          "[{\"id\":\"sess_\\u001b[2Jx\",\"user_id\":\"user_\\u001b]0;pwn\\u0007\","
          "\"client_id\":\"c\\u009b31m\",\"status\":\"active\","
          "\"latest_activity\":{\"device_type\":\"\\u001b[31mred\",\"browser_name\":\"B\\u0007\","
          "\"browser_version\":\"1\\u001bP\\u001b\\\\\",\"ip_address\":\"1.2.3.4\\r\\n\","
          "\"city\":\"X\\u001b[0m\",\"country\":\"\\u009bY\"}}]",
          &out);
    assert_int_equal(out.sessions.n, 1);
    const struct session *s = &out.sessions.v[0];
    assert_string_equal(s->id, "sess_x");
    assert_string_equal(s->user_id, "user_");
    assert_false(has_esc(s->client_id));
    assert_string_equal(s->device, "red");
    assert_string_equal(s->browser, "B 1");
    assert_false(has_esc(s->ip));
    assert_string_equal(s->place, "X, \xef\xbf\xbd\xef\xbf\xbdY"); /* C1 CSI: 2 bytes */
    assert_false(has_esc(s->raw_json));
    /* the name request asks for the id as the server spelled it */
    assert_int_equal(out.n_follow, 1);
    assert_string_equal(out.follow[0].args.user_ids[0], "user_\x1b]0;pwn\x07");
    op_result_free(&out);
}

static void test_parse_list_wrong_shapes(void **state)
{
    struct op_args a = {0};
    a.user_id = "user_1";
    const char *bodies[] = {"{}", "{\"data\":5}", "\"sessions\"", "null", "42", "true",
                            "{\"data\":{\"0\":{}}}"};
    for (size_t i = 0; i < ARRAY_LEN(bodies); i++) {
        struct op_result out;
        parse(OP_LIST, &a, 200, bodies[i], &out);
        assert_int_equal(out.err, ERR_PROVIDER);
        assert_string_equal(out.error, "HTTP 200 from Clerk: unexpected answer: sessions are "
                                       "neither a list nor {data, total_count}");
        assert_int_equal(out.sessions.n, 0);
        assert_int_equal(out.n_follow, 0);
        op_result_free(&out);
    }
}

/* ---- parse: the walk of users --------------------------------------------- */

#define USER_ADA                                                                          \
    "{\"id\":\"user_ada\",\"object\":\"user\",\"username\":\"ada\",\"first_name\":\"Ada\"," \
    "\"last_name\":\"Lovelace\",\"primary_email_address_id\":\"idn_2\","                \
    "\"email_addresses\":[{\"id\":\"idn_1\",\"object\":\"email_address\","              \
    "\"email_address\":\"old@example.com\"},{\"id\":\"idn_2\",\"object\":\"email_address\"," \
    "\"email_address\":\"ada@example.com\"}]}"

static void test_parse_users_walk(void **state)
{
    struct op_args a = {0};
    a.status = "active";
    struct op_result out;
    /* an item that is no user: the page is an unexpected answer, not fewer
     * users (a list of [1,2] is not "no sessions") */
    const char *bad[] = {"7", "null", "{\"username\":\"noid\"}", "{\"id\":5}", "[]"};
    for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
        char *body = xasprintf("[" USER_ADA ",%s]", bad[i]);
        parse(OP_LIST, &a, 200, body, &out);
        free(body);
        assert_int_equal(out.err, ERR_PROVIDER);
        assert_string_equal(out.error, "HTTP 200 from Clerk: unexpected answer: users[1] is not "
                                       "a user (an object with a string id)");
        assert_int_equal(out.n_follow, 0);
        op_result_free(&out);
    }
    parse(OP_LIST, &a, 200,
          "[" USER_ADA ",{\"id\":\"user_bob\",\"username\":\"bob\"},{\"id\":\"user_c\"}]",
          &out);
    assert_int_equal(out.err, 0);
    assert_int_equal(out.sessions.n, 0);
    assert_int_equal(out.n_users, 3);
    assert_string_equal(out.users[0].id, "user_ada");
    assert_string_equal(out.users[0].display, "Ada Lovelace <ada@example.com>");
    assert_string_equal(out.users[1].display, "bob");
    assert_string_equal(out.users[2].display, "user_c");
    assert_int_equal(out.n_follow, 3); /* one list per user, no next page (not full) */
    const char *ids[] = {"user_ada", "user_bob", "user_c"};
    for (int i = 0; i < 3; i++) {
        assert_int_equal(out.follow[i].op, OP_LIST);
        assert_string_equal(out.follow[i].args.user_id, ids[i]);
        assert_string_equal(out.follow[i].args.status, "active");
        assert_int_equal(out.follow[i].args.phase, 1);
        assert_int_equal(out.follow[i].args.offset, 0);
        assert_true(out.follow[i].unit); /* one user: one step of the progress */
        assert_int_equal(out.follow[i].prio, PRIO_NORMAL);
    }
    assert_int_equal(out.n_covered, 0); /* a page of users covers no sessions yet */
    op_result_free(&out);

    /* a user's sessions (phase 1) do not ask for names again; the first
     * page covers the user (its other pages come in the same job) */
    struct op_args p1 = {0};
    p1.user_id = "user_ada";
    p1.phase = 1;
    parse(OP_LIST, &p1, 200, "{\"data\":[" SESSION_1 "],\"total_count\":1}", &out);
    assert_int_equal(out.sessions.n, 1);
    assert_int_equal(out.n_follow, 0);
    assert_int_equal(out.n_covered, 1);
    assert_string_equal(out.covered[0], "user_ada");
    op_result_free(&out);
    parse(OP_LIST, &p1, 200, "{\"data\":[],\"total_count\":0}", &out);
    assert_int_equal(out.n_covered, 1); /* none left: covered all the same */
    op_result_free(&out);

    struct http_request r;
    char *err;
    assert_int_equal(build(OP_LIST, &p1, &r, &err), 0);
    assert_string_equal(r.url, "https://api.clerk.com/v1/sessions?user_id=user_ada&limit=500"
                               "&offset=0&paginated=true");
    http_request_free(&r);
}

static void test_parse_users_walk_full_page(void **state)
{
    size_t cap = 500 * 40 + 16;
    char *b = xmalloc(cap);
    size_t o = 0;
    b[o++] = '[';
    for (int i = 0; i < 500; i++)
        o += (size_t)snprintf(b + o, cap - o, "%s{\"id\":\"user_%d\"}", i ? "," : "", i);
    b[o++] = ']';
    b[o] = '\0';
    struct op_args a = {0};
    a.offset = 500;
    struct op_result out;
    parse(OP_LIST, &a, 200, b, &out);
    assert_int_equal(out.n_users, 500);
    assert_int_equal(out.n_follow, 501);
    const struct op_followup *next = &out.follow[500];
    assert_int_equal(next->op, OP_LIST);
    assert_int_equal(next->args.phase, 0);
    assert_null(next->args.user_id);
    assert_int_equal(next->args.offset, 1000);
    assert_int_equal(next->prio, PRIO_WALK); /* the walk goes before what it asks for */
    assert_false(next->unit);
    assert_null(out.warning);
    assert_int_equal(out.page_kind, PAGE_WALK); /* its repeats are counted */
    op_result_free(&out);
    /* a million users is where the walk stops, and says so */
    a.offset = 1999 * 500;
    parse(OP_LIST, &a, 200, b, &out);
    assert_int_equal(out.n_follow, 500);
    assert_non_null(strstr(out.warning, "the first 1000000 users only"));
    op_result_free(&out);
    free(b);
}

/* The last page of a walk of several pages: the users active today are
 * asked for once more, since offsets over an order that moves skip those
 * who jumped up while it paged. A walk of one page did not page. */
static void test_parse_users_walk_ends_with_today(void **state)
{
    struct op_args a = {0};
    a.offset = 1000;
    a.now_ms = NOW;
    struct op_result out;
    parse(OP_LIST, &a, 200, "[{\"id\":\"user_x\"}]", &out);
    assert_int_equal(out.n_follow, 2);
    assert_string_equal(out.follow[0].args.user_id, "user_x");
    assert_int_equal(out.follow[1].args.phase, 3);
    assert_int_equal(out.follow[1].args.offset, 0);
    assert_int_equal(out.follow[1].prio, PRIO_WALK);
    op_result_free(&out);
    a.offset = 0;
    parse(OP_LIST, &a, 200, "[{\"id\":\"user_x\"}]", &out);
    assert_int_equal(out.n_follow, 1);
    op_result_free(&out);
    /* the today walk itself ends where it ends */
    a.phase = 3;
    a.offset = 500;
    parse(OP_LIST, &a, 200, "[{\"id\":\"user_x\"}]", &out);
    assert_int_equal(out.n_follow, 1);
    assert_int_equal(out.page_kind, PAGE_CATCH_UP); /* what it finds new was skipped */
    op_result_free(&out);
}

/* A refresh's walk of sign-ins skips the users whose last sign-in is the
 * one their sessions were read after. */
static void test_parse_signed_in_walk_skips_known(void **state)
{
    char *ids[] = {"user_a", "user_b"};
    int64_t times[] = {1000, 2000};
    struct op_args a = {0};
    a.phase = 2;
    a.user_ids = ids;
    a.user_times = times;
    a.n_user_ids = 2;
    struct op_result out;
    parse(OP_LIST, &a, 200,
          "[{\"id\":\"user_a\",\"last_sign_in_at\":1000},"  /* seen: skipped */
          "{\"id\":\"user_b\",\"last_sign_in_at\":2500},"   /* signed in again */
          "{\"id\":\"user_c\",\"last_sign_in_at\":900}]",   /* new to sesame */
          &out);
    assert_int_equal(out.err, 0);
    assert_int_equal(out.n_users, 3);
    assert_int_equal(out.users[1].signed_in_ms, 2500);
    assert_int_equal(out.n_follow, 2);
    assert_string_equal(out.follow[0].args.user_id, "user_b");
    assert_string_equal(out.follow[1].args.user_id, "user_c");
    op_result_free(&out);
}

static void test_plan_refresh(void **state)
{
    /* 10 users; 8 with live sessions, last read 10, 9 .. 3 minutes ago */
    struct listed_user users[10];
    char names[10][24];
    for (int i = 0; i < 10; i++) {
        snprintf(names[i], sizeof names[i], "user_%d", i);
        users[i] = (struct listed_user){names[i], NULL, 100 + i, NOW - (10 - i) * 60000LL, i < 8};
    }
    struct list_memory mem = {NOW - 60000, users, 10};
    struct op_args a = {0};
    a.now_ms = NOW;
    struct op_result out = {0};
    assert_true(P->plan_refresh(&acct, &a, &mem, &out));
    assert_int_equal(a.phase, 2);
    assert_int_equal(a.since_ms, NOW - 60000 - 10 * 60000); /* a margin before the last */
    assert_int_equal(a.n_user_ids, 10);
    assert_int_equal(a.user_times[3], 103);
    /* due every 10 minutes: user_0 is; a minute out of ten of 8 live users
     * rounds up to one: the one read longest ago, the same */
    assert_int_equal(out.n_follow, 1);
    assert_string_equal(out.follow[0].args.user_id, "user_0");
    assert_true(out.follow[0].unit);
    op_result_free(&out);
    op_args_free(&a); /* what plan_refresh allocated */

    /* five minutes since the last listing: half of them */
    mem.listed_ms = NOW - 5 * 60000;
    memset(&a, 0, sizeof a);
    a.now_ms = NOW;
    assert_true(P->plan_refresh(&acct, &a, &mem, &out));
    assert_int_equal(out.n_follow, 4);
    assert_string_equal(out.follow[3].args.user_id, "user_3");
    op_result_free(&out);
    op_args_free(&a);

    /* recheck = 1m: every live user is due */
    account_set_field(&acct, "recheck", "1m");
    memset(&a, 0, sizeof a);
    a.now_ms = NOW;
    assert_true(P->plan_refresh(&acct, &a, &mem, &out));
    assert_int_equal(out.n_follow, 8);
    op_result_free(&out);
    op_args_free(&a);

    /* a filtered account lists one user's or client's sessions: no plan */
    account_set_field(&acct, "user_id", "user_1");
    memset(&a, 0, sizeof a);
    assert_false(P->plan_refresh(&acct, &a, &mem, &out));
    assert_int_equal(out.n_follow, 0);
}

static void test_default_rate(void **state)
{
    struct rate r;
    struct secret_bag b = {0};
    secret_bag_put(&b, "api_key", "sk_live_abc");
    P->default_rate(&acct, &b, &r);
    assert_int_equal(r.requests, 500); /* half of production's 1000 per 10 s */
    assert_int_equal(r.window_ms, 10000);
    secret_bag_put(&b, "api_key", "sk_test_abc");
    P->default_rate(&acct, &b, &r);
    assert_int_equal(r.requests, 50); /* half of development's 100 */
    secret_bag_clear(&b);
    /* the account's own setting wins; a bad one leaves the default */
    account_set_field(&acct, "rate_limit", "20/1s");
    provider_rate(P, &acct, NULL, &r);
    assert_int_equal(r.requests, 20);
    assert_int_equal(r.window_ms, 1000);
    account_set_field(&acct, "rate_limit", "lots");
    provider_rate(P, &acct, NULL, &r);
    assert_int_equal(r.requests, 50);
}

/* The walk parses a bare array one user at a time; the wrapped shape goes
 * through the whole-body parse. Both give the same answer, and an item
 * that is not JSON fails the page with nothing half-taken. */
static void test_parse_users_walk_itemwise_matches_whole(void **state)
{
    struct op_args a = {0};
    struct op_result bare, wrapped;
    parse(OP_LIST, &a, 200, "[" USER_ADA ",{\"id\":\"user_bob\",\"username\":\"bob\"}]", &bare);
    parse(OP_LIST, &a, 200,
          "{\"data\":[" USER_ADA ",{\"id\":\"user_bob\",\"username\":\"bob\"}]}", &wrapped);
    assert_int_equal(bare.err, 0);
    assert_int_equal(wrapped.err, 0);
    assert_int_equal(bare.n_users, 2);
    assert_int_equal(wrapped.n_users, 2);
    assert_int_equal(bare.n_follow, wrapped.n_follow);
    for (size_t i = 0; i < 2; i++) {
        assert_string_equal(bare.users[i].display, wrapped.users[i].display);
        assert_string_equal(bare.follow[i].args.user_id, wrapped.follow[i].args.user_id);
    }
    op_result_free(&bare);
    op_result_free(&wrapped);

    struct op_result broken;
    parse(OP_LIST, &a, 200, "[{\"id\":\"user_ok\"},{\"id\":tru}]", &broken);
    assert_int_equal(broken.err, ERR_PROVIDER); /* a 200 that is not JSON: an unexpected answer */
    assert_non_null(strstr(broken.error, "not JSON"));
    assert_int_equal(broken.n_users, 0);
    assert_int_equal(broken.n_follow, 0);
    op_result_free(&broken);
}

static void test_parse_users_display_rules(void **state)
{
    struct op_args a = {0};
    struct op_result out;
    parse(OP_USERS, &a, 200,
          "[" USER_ADA ","
          "{\"id\":\"u2\",\"first_name\":\"Grace\",\"last_name\":null,\"username\":\"g\"},"
          "{\"id\":\"u3\",\"first_name\":\"\",\"last_name\":\"Hopper\","
          "\"email_addresses\":[{\"email_address\":\"gh@example.com\"}]},"
          "{\"id\":\"u4\",\"username\":null,\"primary_email_address_id\":\"e2\","
          "\"email_addresses\":[{\"id\":\"e1\",\"email_address\":\"a@x.org\"},"
          "{\"id\":\"e2\",\"email_address\":\"b@x.org\"}]},"
          "{\"id\":\"u5\",\"primary_email_address_id\":\"missing\","
          "\"email_addresses\":[{\"id\":\"e1\"},{\"id\":\"e2\",\"email_address\":\"first@x.org\"}]},"
          "{\"id\":\"u6\",\"email_addresses\":\"nope\",\"first_name\":5},"
          "{\"id\":\"u7\",\"username\":\"\\u001b[31mevil\\u001b[0m\"}]",
          &out);
    assert_int_equal(out.err, 0);
    assert_int_equal(out.n_users, 7);
    assert_string_equal(out.users[0].display, "Ada Lovelace <ada@example.com>");
    assert_string_equal(out.users[1].display, "Grace");
    assert_string_equal(out.users[2].display, "Hopper <gh@example.com>");
    assert_string_equal(out.users[3].display, "b@x.org");
    assert_string_equal(out.users[4].display, "first@x.org");
    assert_string_equal(out.users[5].display, "u6");
    assert_string_equal(out.users[6].display, "evil");
    assert_int_equal(out.n_follow, 0);
    op_result_free(&out);

    parse(OP_USERS, &a, 200, "{\"users\":[]}", &out);
    assert_int_equal(out.err, ERR_PROVIDER);
    assert_string_equal(out.error, "HTTP 200 from Clerk: unexpected answer: users are not a list");
    op_result_free(&out);
}

/* ---- parse: one session --------------------------------------------------- */

static void test_parse_get_revoke_verify(void **state)
{
    struct op_args a = {0};
    a.session_id = "sess_2a";
    struct op_result out;
    parse(OP_GET, &a, 200, SESSION_1, &out);
    assert_int_equal(out.err, 0);
    assert_int_equal(out.sessions.n, 1);
    assert_session_1(&out.sessions.v[0]);
    assert_int_equal(out.n_follow, 1);
    assert_int_equal(out.follow[0].op, OP_USERS);
    assert_int_equal(out.follow[0].args.n_user_ids, 1);
    assert_string_equal(out.follow[0].args.user_ids[0], "user_1");
    op_result_free(&out);

    parse(OP_REVOKE, &a, 200, SESSION_2, &out);
    assert_int_equal(out.err, 0);
    assert_int_equal(out.sessions.n, 1);
    assert_int_equal(out.sessions.v[0].status, SESSION_REVOKED);
    assert_false(out.forget_session);
    assert_int_equal(out.n_follow, 0);
    op_result_free(&out);

    parse(OP_VERIFY, &a, 200, SESSION_1, &out);
    assert_int_equal(out.err, 0);
    assert_int_equal(out.sessions.n, 1);
    op_result_free(&out);

    const char *bad[] = {"[]", "{}", "{\"id\":null}", "\"s\""};
    for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
        parse(OP_GET, &a, 200, bad[i], &out);
        assert_int_equal(out.err, ERR_PROVIDER);
        assert_string_equal(out.error, "HTTP 200 from Clerk: unexpected answer: no session object");
        assert_int_equal(out.sessions.n, 0);
        op_result_free(&out);
    }
}

static void test_parse_token(void **state)
{
    struct op_args a = {0};
    a.session_id = "sess_2a";
    struct op_result out;
    const char *jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzaWQiOiJzZXNzXzJhIn0.c2lnbmF0dXJl";
    char *answer = xasprintf("{\"object\":\"token\",\"jwt\":\"%s\"}", jwt);
    parse(OP_TOKEN, &a, 200, answer, &out);
    free(answer);
    assert_int_equal(out.err, 0);
    assert_string_equal(out.token, jwt);
    assert_int_equal(out.sessions.n, 0);
    op_result_free(&out);

    /* what is no JWT is an unexpected answer, and never shown: it may be the
     * key (three base64url parts, the first a JSON object, or nothing) */
    const char *not_jwt[] = {
        "sk_test_fake", "eyJ0.eyJ1.sig", "a.b.c", "eyJhbGciOiJSUzI1NiJ9.eyJzaWQiOiJzIn0",
        "eyJhbGciOiJSUzI1NiJ9.eyJzaWQiOiJzIn0.c2ln.c2ln", "eyJhbGciOiJSUzI1NiJ9..c2ln",
        "eyJhbGciOiJSUzI1NiJ9.eyJzaWQiOiJzIn0.c2l+", "WzEsMl0.eyJzaWQiOiJzIn0.c2ln" /* [1,2] */,
        "eyJhbGciOiJSUzI1NiJ9 .eyJzaWQiOiJzIn0.c2ln",
    };
    for (size_t i = 0; i < ARRAY_LEN(not_jwt); i++) {
        answer = xasprintf("{\"object\":\"token\",\"jwt\":\"%s\"}", not_jwt[i]);
        parse(OP_TOKEN, &a, 200, answer, &out);
        free(answer);
        assert_int_equal(out.err, ERR_PROVIDER);
        assert_string_equal(out.error, "HTTP 200 from Clerk: unexpected answer: the token "
                                       "answer's jwt is not a JWT");
        assert_null(out.token);
        op_result_free(&out);
    }

    const char *bad[] = {"{\"object\":\"token\"}", "{\"jwt\":5}", "{\"jwt\":\"\"}", "[]"};
    for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
        parse(OP_TOKEN, &a, 200, bad[i], &out);
        assert_int_equal(out.err, ERR_PROVIDER);
        assert_string_equal(out.error,
                            "HTTP 200 from Clerk: unexpected answer: no jwt in the token answer");
        assert_null(out.token);
        op_result_free(&out);
    }

    /* a cut-off token answer is not shown in the error: it holds the JWT */
    parse(OP_TOKEN, &a, 200, "{\"object\":\"token\",\"jwt\":\"eyJsecret", &out);
    assert_int_equal(out.err, ERR_PROVIDER);
    assert_string_equal(out.error, "HTTP 200 from Clerk: the token answer is not JSON");
    assert_null(strstr(out.error, "eyJsecret"));
    assert_null(out.token);
    op_result_free(&out);

    parse(OP_TOKEN, &a, 200, NULL, &out);
    assert_int_not_equal(out.err, 0);
    op_result_free(&out);
}

/* ---- parse: errors -------------------------------------------------------- */

static void test_parse_clerk_errors(void **state)
{
    struct op_args a = {0};
    a.session_id = "sess_x";
    a.user_id = "user_1";
    enum op ops[] = {OP_LIST, OP_GET, OP_REVOKE, OP_VERIFY, OP_TOKEN, OP_USERS};
    for (size_t i = 0; i < ARRAY_LEN(ops); i++) {
        struct op_result out;
        parse(ops[i], &a, 404, ERR_404, &out);
        assert_int_equal(out.err, ERR_PROVIDER);
        assert_string_equal(out.error,
                            "HTTP 404 from Clerk: resource_not_found: Resource not found");
        assert_string_equal(out.request_id, "abc123"); /* for the journal */
        assert_int_equal(out.sessions.n, 0);
        assert_int_equal(out.n_follow, 0);
        op_result_free(&out);
    }

    struct op_result out;
    parse(OP_LIST, &a, 401,
          "{\"errors\":[{\"message\":\"Invalid authentication\",\"long_message\":\"\","
          "\"code\":\"authentication_invalid\"}]}",
          &out);
    assert_string_equal(out.error, "HTTP 401 from Clerk: authentication_invalid: Invalid "
                                   "authentication");
    op_result_free(&out);

    parse(OP_LIST, &a, 422,
          "{\"errors\":[{\"message\":\"is invalid\",\"long_message\":\"limit must be 1..500\","
          "\"code\":\"form_param_value_invalid\",\"meta\":{\"param_name\":\"limit\"}},"
          "{\"message\":\"m2\",\"long_message\":\"l2\",\"code\":\"c2\"},"
          "{\"message\":\"m3\",\"long_message\":\"l3\",\"code\":\"c3\"}],"
          "\"meta\":{},\"clerk_trace_id\":\"t\"}",
          &out);
    assert_int_equal(out.err, ERR_PROVIDER);
    assert_string_equal(out.error, "HTTP 422 from Clerk: form_param_value_invalid: limit must be "
                                   "1..500 (+2 more)");
    op_result_free(&out);

    parse(OP_LIST, &a, 429,
          "{\"errors\":[{\"message\":\"Too many requests\",\"long_message\":\"Too many "
          "requests, retry later\",\"code\":\"too_many_requests\"}]}",
          &out);
    assert_int_equal(out.err, ERR_PROVIDER);
    assert_string_equal(out.error, "HTTP 429 from Clerk: too_many_requests: Too many requests, "
                                   "retry later");
    op_result_free(&out);

    parse(OP_GET, &a, 500, "{\"errors\":[{\"message\":\"oops\",\"code\":\"internal\"}]}", &out);
    assert_int_equal(out.err, ERR_NETWORK);
    assert_string_equal(out.error, "HTTP 500 from Clerk: internal: oops");
    op_result_free(&out);

    /* no code, no message */
    parse(OP_GET, &a, 400, "{\"errors\":[{\"meta\":{}}]}", &out);
    assert_string_equal(out.error, "HTTP 400 from Clerk: no message");
    op_result_free(&out);

    /* escape sequences in an error message */
    parse(OP_GET, &a, 400,
          "{\"errors\":[{\"message\":\"m\",\"long_message\":\"bad\\u001b[2J\\u001b]0;x\\u0007"
          " thing\",\"code\":\"c\\u001b[31m\"}]}",
          &out);
    assert_string_equal(out.error, "HTTP 400 from Clerk: c: bad thing");
    op_result_free(&out);
}

static void test_parse_error_bodies_not_clerk(void **state)
{
    struct op_args a = {0};
    a.user_id = "user_1";
    struct op_result out;
    parse(OP_LIST, &a, 502, "<html><body>Bad Gateway</body></html>", &out);
    assert_int_equal(out.err, ERR_NETWORK);
    assert_string_equal(out.error, "HTTP 502 from Clerk: body is not JSON (<html><body>Bad "
                                   "Gateway</body></html>)");
    op_result_free(&out);

    parse(OP_LIST, &a, 503, NULL, &out);
    assert_int_equal(out.err, ERR_NETWORK);
    assert_string_equal(out.error, "HTTP 503 from Clerk: empty body");
    op_result_free(&out);

    parse(OP_LIST, &a, 0, NULL, &out);
    assert_int_equal(out.err, ERR_NETWORK);
    op_result_free(&out);

    parse(OP_LIST, &a, 404, "{\"error\":\"not found\"}", &out);
    assert_int_equal(out.err, ERR_PROVIDER);
    assert_string_equal(out.error,
                        "HTTP 404 from Clerk: unexpected answer: an error without errors[]");
    op_result_free(&out);

    const char *shapes[] = {"{\"errors\":[]}", "{\"errors\":{}}", "{\"errors\":[\"x\"]}", "[]",
                            "null"};
    for (size_t i = 0; i < ARRAY_LEN(shapes); i++) {
        parse(OP_GET, &a, 400, shapes[i], &out);
        assert_int_equal(out.err, ERR_PROVIDER);
        assert_non_null(strstr(out.error, "unexpected answer"));
        op_result_free(&out);
    }

    parse(OP_GET, &a, 400, "\x1b[31mred\x1b[0m\n", &out);
    assert_string_equal(out.error, "HTTP 400 from Clerk: body is not JSON (\\x1b[31mred\\x1b[0m\\n)");
    assert_false(has_esc(out.error));
    op_result_free(&out);
}

static void test_parse_verify_gone(void **state)
{
    struct op_args a = {0};
    a.session_id = "sess_2a";
    struct op_result out;
    parse(OP_VERIFY, &a, 410,
          "{\"errors\":[{\"message\":\"endpoint is deprecated\",\"long_message\":\"This "
          "endpoint is deprecated and pending removal\",\"code\":\"deprecated_endpoint\"}]}",
          &out);
    assert_int_equal(out.err, ERR_PROVIDER);
    assert_string_equal(out.error, "HTTP 410 from Clerk: verify is deprecated by Clerk "
                                   "(deprecated_endpoint: This endpoint is deprecated and pending "
                                   "removal)");
    op_result_free(&out);

    parse(OP_VERIFY, &a, 410, NULL, &out);
    assert_string_equal(out.error, "HTTP 410 from Clerk: verify is deprecated by Clerk");
    op_result_free(&out);

    parse(OP_VERIFY, &a, 410, "{}", &out);
    assert_string_equal(out.error, "HTTP 410 from Clerk: verify is deprecated by Clerk");
    op_result_free(&out);

    /* 410 elsewhere is an ordinary error */
    parse(OP_GET, &a, 410, "{\"errors\":[{\"message\":\"gone\",\"code\":\"gone\"}]}", &out);
    assert_string_equal(out.error, "HTTP 410 from Clerk: gone: gone");
    op_result_free(&out);
}

/* A 3xx is never followed (libcurl is told not to): every provider says
 * where it pointed, without its query (it may carry a token), as an
 * unexpected answer (exit 3), never as a network error. */
static void test_parse_redirect(void **state)
{
    for (const struct provider *const *p = provider_all(); *p; p++) {
        struct op_args a = {0};
        a.session_id = "s";
        a.user_id = "user_1";
        struct http_response resp = {0};
        resp.status = 302;
        resp.retry_after_s = -1;
        resp.body = xstrdup("");
        resp.location = xstrdup("https://login.example.com/sso?token=secret123#x");
        struct op_result out = {0};
        (*p)->parse(NULL, OP_CREATE, &a, &resp, &out);
        assert_int_equal(out.err, ERR_PROVIDER);
        char *want = xasprintf("HTTP 302 from %s: redirect to https://login.example.com/sso... "
                               "not followed", (*p)->title);
        assert_string_equal(out.error, want);
        free(want);
        op_result_free(&out);
        free(resp.location);
        resp.location = NULL;
        resp.status = 301;
        (*p)->parse(NULL, OP_CREATE, &a, &resp, &out);
        assert_int_equal(out.err, ERR_PROVIDER);
        assert_non_null(strstr(out.error, "HTTP 301 from"));
        assert_non_null(strstr(out.error, "a redirect without a Location, not followed"));
        op_result_free(&out);
        http_response_free(&resp);
    }
}

static void test_parse_200_not_json(void **state)
{
    struct op_args a = {0};
    a.user_id = "user_1";
    a.session_id = "s";
    enum op ops[] = {OP_LIST, OP_GET, OP_REVOKE, OP_VERIFY, OP_USERS};
    for (size_t i = 0; i < ARRAY_LEN(ops); i++) {
        struct op_result out;
        parse(ops[i], &a, 200, "<!DOCTYPE html><html>", &out);
        assert_int_equal(out.err, ERR_PROVIDER); /* err_for_status: an answer, not the documented one */
        assert_string_equal(out.error,
                            "HTTP 200 from Clerk: body is not JSON (<!DOCTYPE html><html>)");
        op_result_free(&out);
        parse(ops[i], &a, 200, "", &out);
        assert_string_equal(out.error, "HTTP 200 from Clerk: empty body");
        op_result_free(&out);
    }
}

/* Every prefix of a good answer, under every operation: no crash, no leak
 * (ASan), and either a result or one error line. */
static void test_parse_truncated_everywhere(void **state)
{
    const char *body = "{\"data\":[" SESSION_1 "," SESSION_PENDING_JSON "],\"total_count\":3}";
    size_t n = strlen(body);
    enum op ops[] = {OP_LIST, OP_GET, OP_REVOKE, OP_VERIFY, OP_TOKEN, OP_USERS};
    struct op_args a = {0};
    a.client_id = "c";
    for (size_t o = 0; o < ARRAY_LEN(ops); o++) {
        for (size_t len = 0; len < n; len++) {
            struct op_result out;
            parse_n(ops[o], &a, 200, body, len, &out);
            assert_true(out.err != 0 || out.error == NULL);
            if (out.err)
                assert_non_null(out.error);
            op_result_free(&out);
            parse_n(ops[o], &a, 404, body, len, &out);
            assert_int_not_equal(out.err, 0);
            op_result_free(&out);
        }
    }
}

static void test_parse_huge_array(void **state)
{
    int n = 20000;
    char *body = full_page(n, n);
    struct op_args a = {0};
    a.client_id = "c";
    struct op_result out;
    parse(OP_LIST, &a, 200, body, &out);
    assert_int_equal(out.err, 0);
    assert_int_equal(out.sessions.n, (size_t)n);
    /* next page (the page was "full"), then 200 batches of user ids */
    assert_int_equal(out.n_follow, 1 + n / 100);
    op_result_free(&out);
    free(body);
}

/* ---- sessions pages read in place (jscan) against cJSON ------------------ */

static void assert_same_str(const char *a, const char *b)
{
    if (!a || !b)
        assert_ptr_equal(a, b);
    else
        assert_string_equal(a, b);
}

static void assert_same_result(const struct op_result *a, const struct op_result *b)
{
    /* "not JSON" shows the body's first bytes, which differ by the tail */
    static const char not_json[] = "HTTP 200 from Clerk: body is not JSON (";
    assert_int_equal(a->err, b->err);
    if (a->error && strncmp(a->error, not_json, sizeof not_json - 1) == 0)
        assert_non_null(b->error && strncmp(b->error, not_json, sizeof not_json - 1) == 0
                        ? b->error : NULL);
    else
        assert_same_str(a->error, b->error);
    assert_int_equal(a->sessions.n, b->sessions.n);
    for (size_t i = 0; i < a->sessions.n; i++) {
        const struct session *x = &a->sessions.v[i], *y = &b->sessions.v[i];
        assert_same_str(x->id, y->id);
        assert_same_str(x->account_id, y->account_id);
        assert_same_str(x->user_id, y->user_id);
        assert_same_str(x->user_display, y->user_display);
        assert_same_str(x->client_id, y->client_id);
        assert_int_equal(x->created_ms, y->created_ms);
        assert_int_equal(x->last_active_ms, y->last_active_ms);
        assert_int_equal(x->expires_ms, y->expires_ms);
        assert_same_str(x->device, y->device);
        assert_same_str(x->browser, y->browser);
        assert_same_str(x->ip, y->ip);
        assert_same_str(x->place, y->place);
        assert_same_str(x->raw_json, y->raw_json);
        assert_int_equal(x->status, y->status);
    }
    assert_int_equal(a->n_follow, b->n_follow);
    for (size_t i = 0; i < a->n_follow; i++) {
        const struct op_followup *x = &a->follow[i], *y = &b->follow[i];
        assert_int_equal(x->op, y->op);
        assert_int_equal(x->prio, y->prio);
        assert_int_equal(x->args.offset, y->args.offset);
        assert_int_equal(x->args.limit, y->args.limit);
        assert_int_equal(x->args.n_user_ids, y->args.n_user_ids);
        for (size_t k = 0; k < x->args.n_user_ids; k++)
            assert_same_str(x->args.user_ids[k], y->args.user_ids[k]);
    }
    assert_int_equal(a->n_covered, b->n_covered);
}

/* body as it is (read in place when jscan vouches for it) against the same
 * body with a stray byte after it, which jscan never vouches for and
 * cJSON ignores: the old whole-tree parse. */
static void assert_scan_matches(const struct op_args *a, const char *body, size_t len)
{
    struct op_result scanned, whole;
    parse_n(OP_LIST, a, 200, body, len, &scanned);
    char *tail = xmalloc(len + 3);
    memcpy(tail, body, len);
    memcpy(tail + len, "\n#", 3);
    parse_n(OP_LIST, a, 200, tail, len + 2, &whole);
    assert_same_result(&scanned, &whole);
    op_result_free(&scanned);
    op_result_free(&whole);
    free(tail);
}

/* Each page under the arguments that change what a page asks for. */
static void assert_scan_matches_all(const char *body)
{
    struct op_args args[4] = {{0}};
    args[0].user_id = "user_1";
    args[1].client_id = "client_1";
    args[1].no_raw_json = true;
    args[2].user_id = "user_1";
    args[2].phase = 1; /* one user's sessions, from a walk */
    args[3].client_id = "client_1";
    args[3].offset = 500;
    for (size_t i = 0; i < ARRAY_LEN(args); i++)
        assert_scan_matches(&args[i], body, strlen(body));
}

static void test_parse_scan_matches_cjson(void **state)
{
    static const char *const bodies[] = {
        "[" SESSION_1 "," SESSION_2 "," SESSION_PENDING_JSON "]",
        "{\"data\":[" SESSION_1 "," SESSION_2 "],\"total_count\":1234}",
        "{\"total_count\":3,\"data\":[" SESSION_2 "]}",
        "{\"data\":[" SESSION_1 "],\"data\":[" SESSION_2 "],\"total_count\":1,\"total_count\":9}",
        "{\"data\":[],\"total_count\":-5}", "{\"data\":[],\"total_count\":\"9\"}",
        "{\"data\":[]}", "[]", " \t\r\n[ ] \n",
        /* escapes in values, raw control bytes and bad UTF-8 inside strings */
        "[{\"id\":\"sess_\\u001b[2Jx\\n\\t\\\"q\\\" \\\\ \\/ \\b\\f\\r\",\"user_id\":\"u\\u00e9\\u4e2d\","
        "\"client_id\":\"c\x01\x1b[31m\",\"status\":\"act\\u0069ve\",\"latest_activity\":"
        "{\"device_type\":\"\\u009b\",\"browser_name\":\"B\xff\xfe\",\"browser_version\":\"1\","
        "\"ip_address\":\"\",\"city\":\"\xc3\x28\",\"country\":\"D\\u0045\"}}]",
        /* the first of a key counts, whatever its type */
        "[{\"id\":\"a\",\"id\":\"b\",\"latest_activity\":null,\"latest_activity\":{\"city\":\"X\"}},"
        "{\"id\":7,\"id\":\"c\"},{\"id\":\"d\",\"is_mobile\":true,\"latest_activity\":"
        "{\"is_mobile\":\"yes\",\"is_mobile\":true}},{\"id\":\"e\",\"latest_activity\":"
        "{\"is_mobile\":true,\"device_type\":\"\"}},{\"id\":\"f\",\"latest_activity\":"
        "{\"is_mobile\":false,\"device_type\":null}}]",
        /* wrong types everywhere, unknown members of every kind */
        "[{\"id\":\"w\",\"user_id\":7,\"client_id\":[],\"status\":{},\"created_at\":\"1\","
        "\"last_active_at\":null,\"expire_at\":true,\"latest_activity\":\"x\",\"actor\":"
        "{\"sub\":\"user_x\",\"iss\":\"https://dashboard.clerk.com\",\"deep\":[[[{}]]]},"
        "\"tasks\":[{\"key\":\"k\"}],\"n\":-0,\"f\":1.5e-3,\"e\":2E+7,\"z\":0}]",
        "[1,\"x\",null,true,false,[],{}," SESSION_1 ",{\"user_id\":\"user_9\"},{\"id\":\"\"},"
        "{\"id\":\"\\u0005\\u001b[m\",\"user_id\":\"user_8\"}]",
        "[{\"id\":\"n\",\"created_at\":-1,\"last_active_at\":999999999999999,"
        "\"expire_at\":0}]",
        /* the same user in many sessions, many users */
        "[{\"id\":\"s1\",\"user_id\":\"u1\"},{\"id\":\"s2\",\"user_id\":\"u1\"},"
        "{\"id\":\"s3\",\"user_id\":\"u2\"},{\"id\":\"s4\",\"user_id\":\"\"},{\"id\":\"s5\"}]",
        "[{\"id\":\"k\",\"\xc3\xa9\":1,\"\":2,\"id2\":3,\"i\":4}]",
        "[{\"id\":\"long\",\"browser_name\":\"x\",\"latest_activity\":{\"browser_name\":\""
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
        "\",\"browser_version\":\"1\",\"city\":\"C\",\"country\":\"\\u001b\"}}]",
    };
    for (size_t i = 0; i < ARRAY_LEN(bodies); i++)
        assert_scan_matches_all(bodies[i]);
    char *page = full_page(500, 250);
    assert_scan_matches_all(page);
    free(page);
}

/* Bodies jscan gives back to cJSON (its answer is then the old one): the
 * same result as the whole-tree parse, including the errors. */
static void test_parse_scan_gives_way(void **state)
{
    static const char *const bodies[] = {
        "\xef\xbb\xbf[" SESSION_1 "]",                        /* a BOM */
        "[" SESSION_1 "]\x0c",                                 /* whitespace cJSON allows */
        "[{\"id\":\"a\\u0000b\"}]", "[{\"id\":\"\\ud83d\\ude00\"}]", "[{\"id\":\"\\uZZZZ\"}]",
        "[{\"id\":\"x\",\"created_at\":1e3}]", "[{\"id\":\"x\",\"created_at\":1.0}]",
        "[{\"id\":\"x\",\"created_at\":1234567890123456}]", "[{\"id\":\"x\",\"created_at\":01}]",
        "[{\"id\":\"x\",\"n\":+1}]", "[{\"id\":\"x\",\"i\\u0064\":\"y\"}]",
        "{\"data\":[],\"total_count\":1e15}", "{\"data\":{\"0\":{}}}", "{}", "{\"data\":5}",
        "\"sessions\"", "null", "42", "true", "[1,]", "[,1]", "{\"data\":[],}", "[1 2]",
        "[{\"id\":\"x\"}", "[{\"id\":\"x\"]}", "[\"unterminated]", "[nul]", "[tru]",
        "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]"
        "]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]",
    };
    for (size_t i = 0; i < ARRAY_LEN(bodies); i++)
        assert_scan_matches_all(bodies[i]);
    static const char nul[] = "[{\"id\":\"a\0b\"}]";
    struct op_args a = {0};
    a.user_id = "user_1";
    assert_scan_matches(&a, nul, sizeof nul - 1);
}

/* A page mutated a byte at a time, thousands of ways: whatever jscan
 * reads in place, cJSON reads the same. */
static void test_parse_scan_mutations(void **state)
{
    static const char base[] =
        "{\"data\":[" SESSION_1 "," SESSION_PENDING_JSON ",{\"id\":\"e\\u00e9\\n\"}],"
        "\"total_count\":501}";
    static const char bytes[] = "\"\\{}[],:0123456789-+.eEtrufalsn \t\n\r/bu\x01\x1b\x7f\xc3\xff";
    size_t n = sizeof base - 1;
    char *body = xmalloc(n + 8); /* up to 3 bytes inserted, and the NUL */
    uint32_t seed = 12345;
    struct op_args a = {0};
    a.client_id = "client_1";
    for (int round = 0; round < 6000; round++) {
        memcpy(body, base, n + 1);
        size_t len = n;
        for (int k = 0; k < 1 + round % 3; k++) {
            seed = seed * 1103515245u + 12345u;
            size_t at = (seed >> 8) % len;
            char c = bytes[(seed >> 20) % (sizeof bytes - 1)];
            switch ((seed >> 4) % 3) {
            case 0: body[at] = c; break;
            case 1: memmove(body + at, body + at + 1, len - at); len--; break;
            default: memmove(body + at + 1, body + at, len - at + 1); body[at] = c; len++; break;
            }
        }
        a.no_raw_json = round % 2;
        assert_scan_matches(&a, body, len);
    }
    free(body);
}

/* ---- regressions found by fuzzing (tests/fuzz/regress/clerk) ---- */

/* An id made only of control characters sanitises to "": such an item is
 * no session, as one without an id (the page is an unexpected answer),
 * never a session with an empty id. */
static void test_fuzz_id_only_controls(void **state)
{
    struct op_args a = {0};
    a.user_id = "user_1";
    struct op_result out;
    parse(OP_LIST, &a, 200, "[{\"id\":\"\\u0005\\u001b[m\"}," SESSION_1 "]", &out);
    assert_int_equal(out.err, ERR_PROVIDER);
    assert_non_null(strstr(out.error, "sessions[0] is not a session"));
    op_result_free(&out);
    parse(OP_VERIFY, NULL, 200, "{\"object\":\"session\",\"id\":\"\\u0005\"}", &out);
    assert_int_equal(out.err, ERR_PROVIDER);
    assert_int_equal(out.sessions.n, 0);
    op_result_free(&out);
    /* a raw control byte inside the JSON string, as the fuzzer sent it */
    static const char raw[] = "{\"object\":\"session\",\"id\":\"\x05\0\0sess_2a\"}";
    parse_n(OP_GET, NULL, 200, raw, sizeof raw - 1, &out);
    assert_int_equal(out.sessions.n, 0);
    assert_non_null(out.error);
    op_result_free(&out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_descriptor, setup, teardown),
        cmocka_unit_test_setup_teardown(test_needs, setup, teardown),
        cmocka_unit_test_setup_teardown(test_build_list_user, setup, teardown),
        cmocka_unit_test_setup_teardown(test_build_list_encoding, setup, teardown),
        cmocka_unit_test_setup_teardown(test_build_list_account_defaults, setup, teardown),
        cmocka_unit_test_setup_teardown(test_build_list_no_filter_walks_users, setup, teardown),
        cmocka_unit_test_setup_teardown(test_build_list_session_window, setup, teardown),
        cmocka_unit_test_setup_teardown(test_build_list_refresh_walks, setup, teardown),
        cmocka_unit_test_setup_teardown(test_build_list_bad_status, setup, teardown),
        cmocka_unit_test_setup_teardown(test_build_base_url, setup, teardown),
        cmocka_unit_test_setup_teardown(test_build_missing_or_bad_key, setup, teardown),
        cmocka_unit_test_setup_teardown(test_build_users, setup, teardown),
        cmocka_unit_test_setup_teardown(test_build_get_revoke, setup, teardown),
        cmocka_unit_test_setup_teardown(test_build_verify, setup, teardown),
        cmocka_unit_test_setup_teardown(test_build_token, setup, teardown),
        cmocka_unit_test_setup_teardown(test_build_unsupported, setup, teardown),
        cmocka_unit_test_setup_teardown(test_parse_list_paginated_first_page, setup, teardown),
        cmocka_unit_test_setup_teardown(test_parse_actor, setup, teardown),
        cmocka_unit_test_setup_teardown(test_parse_list_paginated_later_page, setup, teardown),
        cmocka_unit_test_setup_teardown(test_parse_list_total_exact_and_small, setup, teardown),
        cmocka_unit_test_setup_teardown(test_parse_list_total_absurd, setup, teardown),
        cmocka_unit_test_setup_teardown(test_parse_list_bare_array_paging, setup, teardown),
        cmocka_unit_test_setup_teardown(test_parse_list_user_filter_names_once, setup, teardown),
        cmocka_unit_test_setup_teardown(test_parse_list_bad_items, setup, teardown),
        cmocka_unit_test_setup_teardown(test_parse_pending_and_activity, setup, teardown),
        cmocka_unit_test_setup_teardown(test_parse_escapes_stripped, setup, teardown),
        cmocka_unit_test_setup_teardown(test_parse_list_wrong_shapes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_parse_users_walk, setup, teardown),
        cmocka_unit_test_setup_teardown(test_parse_users_walk_full_page, setup, teardown),
        cmocka_unit_test_setup_teardown(test_parse_users_walk_ends_with_today, setup, teardown),
        cmocka_unit_test_setup_teardown(test_parse_signed_in_walk_skips_known, setup, teardown),
        cmocka_unit_test_setup_teardown(test_plan_refresh, setup, teardown),
        cmocka_unit_test_setup_teardown(test_default_rate, setup, teardown),
        cmocka_unit_test_setup_teardown(test_parse_users_walk_itemwise_matches_whole, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_parse_users_display_rules, setup, teardown),
        cmocka_unit_test_setup_teardown(test_parse_get_revoke_verify, setup, teardown),
        cmocka_unit_test_setup_teardown(test_parse_token, setup, teardown),
        cmocka_unit_test_setup_teardown(test_parse_clerk_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_parse_error_bodies_not_clerk, setup, teardown),
        cmocka_unit_test_setup_teardown(test_parse_verify_gone, setup, teardown),
        cmocka_unit_test_setup_teardown(test_parse_redirect, setup, teardown),
        cmocka_unit_test_setup_teardown(test_parse_200_not_json, setup, teardown),
        cmocka_unit_test_setup_teardown(test_parse_truncated_everywhere, setup, teardown),
        cmocka_unit_test_setup_teardown(test_parse_huge_array, setup, teardown),
        cmocka_unit_test_setup_teardown(test_parse_scan_matches_cjson, setup, teardown),
        cmocka_unit_test_setup_teardown(test_parse_scan_gives_way, setup, teardown),
        cmocka_unit_test_setup_teardown(test_parse_scan_mutations, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fuzz_id_only_controls, setup, teardown),
    };
    return cmocka_run_group_tests_name("clerk", tests, NULL, NULL);
}
