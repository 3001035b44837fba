/* The Basis Theory provider on recorded bodies: create and authorize as
 * the spec and the docs have them, every error body, and broken answers. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

#define P (&provider_basistheory)
#define PUB "key_pub_9fGh2kLmNpQrStUv"
#define PRIV "key_priv_AbCdEfGhIjKlMnOp"
#define NONCE "4J7SiRvfADwJ9ZqwviJJs8"
#define NOW 1673295115213LL /* 3 minutes before the docs' expires_at */

/* The docs' example of a CreateSessionResponse. */
#define CREATED                                                                          \
    "{\"session_key\":\"<Session API Key>\",\"nonce\":\"4J7SiRvfADwJ9ZqwviJJs8\","       \
    "\"expires_at\":\"2023-01-09T20:14:55.2130891+00:00\"}"

#define VALIDATION_400                                                                   \
    "{\"type\":\"https://tools.ietf.org/html/rfc7231#section-6.5.1\","                  \
    "\"title\":\"One or more validation errors occurred.\",\"status\":400,"             \
    "\"errors\":{\"nonce\":[\"The nonce field is required.\"]}}"

static struct account acct;

static int setup(void **state)
{
    memset(&acct, 0, sizeof acct);
    acct.id = xstrdup("bt-1");
    acct.provider_id = xstrdup("basistheory");
    acct.label = xstrdup("Basis Theory test tenant");
    return 0;
}

static int teardown(void **state)
{
    account_free(&acct);
    return 0;
}

static int build_with(enum op op, const struct op_args *args, const char *pub,
                      const char *priv, const char *nonce, struct http_request *req,
                      char **err)
{
    struct secret_bag b = {0};
    if (pub)
        secret_bag_put(&b, "public_key", pub);
    if (priv)
        secret_bag_put(&b, "private_key", priv);
    if (nonce)
        secret_bag_put(&b, "nonce", nonce);
    memset(req, 0, sizeof *req);
    *err = NULL;
    int rc = P->build(&acct, op, args, &b, req, err);
    secret_bag_clear(&b);
    return rc;
}

static int build(enum op op, const struct op_args *args, struct http_request *req, char **err)
{
    return build_with(op, args, PUB, PRIV, NONCE, req, err);
}

/* AUTHORIZE with options; returns rc, *body = copy of the body or NULL. */
static int authorize(const char *options, char **body, char **err)
{
    struct op_args a = {0};
    a.session_id = "bt-0123456789ab";
    a.options_json = (char *)options;
    struct http_request r;
    int rc = build(OP_AUTHORIZE, &a, &r, err);
    *body = rc == 0 ? xstrdup(r.body) : NULL;
    http_request_free(&r);
    return rc;
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
        r.content_type = xstrdup("application/problem+json");
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

/* ---- the provider as data ------------------------------------------------- */

static void test_descriptor(void **state)
{
    assert_string_equal(P->id, "basistheory");
    assert_string_equal(P->title, "Basis Theory");
    assert_string_equal(P->default_base_url, "https://api.basistheory.com");
    assert_int_equal(P->caps, CAP_CREATE | CAP_AUTHORIZE | CAP_CHECK);
    assert_string_equal(P->fields[0].key, "public_key");
    assert_string_equal(P->fields[0].label, "Public application key");
    assert_int_equal(P->fields[0].flags, FIELD_SECRET | FIELD_REQUIRED);
    assert_string_equal(P->fields[1].key, "private_key");
    assert_string_equal(P->fields[1].label, "Private application key");
    assert_int_equal(P->fields[1].flags, FIELD_SECRET);
    assert_null(P->fields[2].key);
}

static void test_needs(void **state)
{
    struct op_needs n = P->needs(OP_CREATE);
    assert_string_equal(n.account_secrets, "public_key");
    assert_null(n.session_secrets);
    n = P->needs(OP_AUTHORIZE);
    assert_string_equal(n.account_secrets, "private_key");
    assert_string_equal(n.session_secrets, "nonce");
    enum op none[] = {OP_LIST, OP_GET, OP_REVOKE, OP_VERIFY, OP_TOKEN, OP_REFRESH, OP_INFO,
                      OP_USERS};
    for (size_t i = 0; i < ARRAY_LEN(none); i++) {
        n = P->needs(none[i]);
        assert_null(n.account_secrets);
        assert_null(n.session_secrets);
    }
}

/* ---- build: create -------------------------------------------------------- */

static void test_build_create(void **state)
{
    struct op_args a = {0};
    struct http_request r;
    char *err;
    assert_int_equal(build(OP_CREATE, &a, &r, &err), 0);
    assert_null(err);
    assert_string_equal(r.method, "POST");
    assert_string_equal(r.url, "https://api.basistheory.com/sessions");
    assert_int_equal(r.n_headers, 2);
    assert_string_equal(r.headers[0], "BT-API-KEY: " PUB);
    assert_string_equal(r.headers[1], "Accept: application/json");
    assert_null(r.body); /* no request body */
    assert_int_equal(r.body_len, 0);
    assert_int_equal(r.flags, 0); /* creates: not safe to repeat */
    http_request_free(&r);

    a.options_json = " {} ";
    assert_int_equal(build(OP_CREATE, &a, &r, &err), 0);
    http_request_free(&r);

    acct.base_url = xstrdup("http://127.0.0.1:9000/");
    a.options_json = "";
    assert_int_equal(build(OP_CREATE, &a, &r, &err), 0);
    assert_string_equal(r.url, "http://127.0.0.1:9000/sessions");
    http_request_free(&r);
}

static void test_build_create_errors(void **state)
{
    struct op_args a = {0};
    struct http_request r;
    char *err;
    assert_int_equal(build_with(OP_CREATE, &a, NULL, PRIV, NULL, &r, &err), ERR_KEYRING);
    assert_non_null(strstr(err, "public application key"));
    free(err);
    http_request_free(&r);

    assert_int_equal(build_with(OP_CREATE, &a, "key\nBT-EVIL: 1", NULL, NULL, &r, &err),
                     ERR_USAGE);
    assert_non_null(strstr(err, "control characters"));
    assert_null(strstr(err, "EVIL"));
    free(err);
    http_request_free(&r);

    a.options_json = "{\"permissions\":[\"token:read\"]}";
    assert_int_equal(build(OP_CREATE, &a, &r, &err), ERR_USAGE);
    assert_non_null(strstr(err, "when authorizing"));
    free(err);
    http_request_free(&r);
}

/* ---- build: authorize ----------------------------------------------------- */

static void test_build_authorize_permissions(void **state)
{
    struct op_args a = {0};
    a.session_id = "bt-0123456789ab";
    a.options_json = "{\"permissions\":[\"token:read\",\"token:create\"]}";
    struct http_request r;
    char *err;
    assert_int_equal(build(OP_AUTHORIZE, &a, &r, &err), 0);
    assert_null(err);
    assert_string_equal(r.method, "POST");
    assert_string_equal(r.url, "https://api.basistheory.com/sessions/authorize");
    assert_int_equal(r.n_headers, 3);
    assert_string_equal(r.headers[0], "BT-API-KEY: " PRIV);
    assert_string_equal(r.headers[1], "Accept: application/json");
    assert_string_equal(r.headers[2], "Content-Type: application/json");
    assert_string_equal(r.body, "{\"nonce\":\"" NONCE "\",\"permissions\":[\"token:read\","
                                "\"token:create\"]}");
    assert_int_equal(r.body_len, strlen(r.body));
    assert_int_equal(r.flags, 0);
    http_request_free(&r);
}

static void test_build_authorize_rules(void **state)
{
    char *body, *err;
    const char *opts =
        "{\"rules\":[{\"description\":\"Reveal cards\",\"priority\":1,\"container\":\"/pci/\","
        "\"transform\":\"reveal\",\"conditions\":[{\"attribute\":\"id\",\"operator\":\"equals\","
        "\"value\":\"tok_1\"}],\"permissions\":[\"token:use\"]},"
        "{\"priority\":null,\"conditions\":null,\"permissions\":null,\"description\":null}],"
        "\"expires_at\":\"2023-01-09T20:24:55Z\",\"permissions\":null}";
    assert_int_equal(authorize(opts, &body, &err), 0);
    /* nonce first, then the spec's order; null options are left out */
    assert_string_equal(body,
        "{\"nonce\":\"" NONCE "\",\"expires_at\":\"2023-01-09T20:24:55Z\",\"rules\":["
        "{\"description\":\"Reveal cards\",\"priority\":1,\"container\":\"/pci/\","
        "\"transform\":\"reveal\",\"conditions\":[{\"attribute\":\"id\",\"operator\":\"equals\","
        "\"value\":\"tok_1\"}],\"permissions\":[\"token:use\"]},"
        "{\"priority\":null,\"conditions\":null,\"permissions\":null,\"description\":null}]}");
    free(body);

    /* strings are escaped, not passed through */
    assert_int_equal(authorize("{\"permissions\":[\"a\\\"b\\u001b\"]}", &body, &err), 0);
    assert_string_equal(body, "{\"nonce\":\"" NONCE "\",\"permissions\":[\"a\\\"b\\u001b\"]}");
    free(body);
}

static void test_build_authorize_validation(void **state)
{
    static const struct {
        const char *opts, *says;
    } bad[] = {
        {NULL, "needs options"},
        {"", "needs options"},
        {"not json", "must be a JSON object"},
        {"[\"token:read\"]", "must be a JSON object"},
        {"{}", "non-empty permissions or rules"},
        {"{\"permissions\":[]}", "non-empty permissions or rules"},
        {"{\"permissions\":[],\"rules\":[]}", "non-empty permissions or rules"},
        {"{\"permissions\":null,\"rules\":null}", "non-empty permissions or rules"},
        {"{\"expires_at\":\"2030-01-01T00:00:00Z\"}", "non-empty permissions or rules"},
        {"{\"permissions\":\"token:read\"}", "permissions must be an array of strings, not a string"},
        {"{\"permissions\":[\"a\",5]}", "permissions[1] must be a string, not a number"},
        {"{\"permissions\":[\"a\"],\"scopes\":[]}", "unknown authorize option \"scopes\""},
        {"{\"permissions\":[\"a\"],\"nonce\":\"x\"}", "do not give a nonce"},
        {"{\"permissions\":[\"a\"],\"expires_at\":\"tomorrow\"}", "expires_at must be an ISO 8601"},
        {"{\"permissions\":[\"a\"],\"expires_at\":1700000000}", "expires_at must be an ISO 8601"},
        {"{\"rules\":{}}", "rules must be an array of access rules, not an object"},
        {"{\"rules\":[\"r\"]}", "rules[0] must be an object, not a string"},
        {"{\"rules\":[{\"permissions\":[\"a\"]},{\"effect\":\"allow\"}]}",
         "rules[1]: unknown key \"effect\""},
        {"{\"rules\":[{\"priority\":1.5}]}", "rules[0].priority must be a 32-bit integer"},
        {"{\"rules\":[{\"priority\":\"1\"}]}", "rules[0].priority must be a 32-bit integer"},
        {"{\"rules\":[{\"priority\":2147483648}]}", "rules[0].priority must be a 32-bit integer"},
        {"{\"rules\":[{\"description\":7}]}", "rules[0].description must be a string, not a number"},
        {"{\"rules\":[{\"container\":[]}]}", "rules[0].container must be a string, not an array"},
        {"{\"rules\":[{\"transform\":true}]}", "rules[0].transform must be a string, not a boolean"},
        {"{\"rules\":[{\"conditions\":{}}]}", "rules[0].conditions must be an array, not an object"},
        {"{\"rules\":[{\"conditions\":[5]}]}", "rules[0].conditions[0] must be an object, not a number"},
        {"{\"rules\":[{\"conditions\":[{\"attribute\":\"id\",\"op\":\"equals\"}]}]}",
         "rules[0].conditions[0]: unknown key \"op\""},
        {"{\"rules\":[{\"conditions\":[{},{\"value\":1}]}]}",
         "rules[0].conditions[1].value must be a string, not a number"},
        {"{\"rules\":[{\"permissions\":\"token:use\"}]}",
         "rules[0].permissions must be an array of strings, not a string"},
    };
    for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
        char *body, *err;
        int rc = authorize(bad[i].opts, &body, &err);
        if (rc != ERR_USAGE || !err || !strstr(err, bad[i].says))
            fail_msg("options %s: rc %d, error \"%s\", wanted \"%s\"", bad[i].opts, rc,
                     err ? err : "(none)", bad[i].says);
        assert_null(body);
        free(err);
    }

    /* the edges that pass */
    static const char *const good[] = {
        "{\"rules\":[{\"priority\":-2147483648,\"permissions\":[]}]}",
        "{\"rules\":[{\"priority\":2147483647}]}",
        "{\"rules\":[{}]}",
        "{\"permissions\":[\"a\"],\"rules\":null,\"expires_at\":null}",
    };
    for (size_t i = 0; i < ARRAY_LEN(good); i++) {
        char *body, *err;
        if (authorize(good[i], &body, &err) != 0)
            fail_msg("options %s refused: %s", good[i], err);
        free(body);
    }
}

static void test_build_authorize_permission_limit(void **state)
{
    char opts[2048];
    size_t o = (size_t)snprintf(opts, sizeof opts, "{\"permissions\":[");
    for (int i = 0; i < 51; i++)
        o += (size_t)snprintf(opts + o, sizeof opts - o, "%s\"p%d\"", i ? "," : "", i);
    snprintf(opts + o, sizeof opts - o, "]}");
    char *body, *err;
    assert_int_equal(authorize(opts, &body, &err), ERR_USAGE);
    assert_non_null(strstr(err, "51 items; at most 50"));
    free(err);

    /* 50 is fine */
    char *cut = strstr(opts, ",\"p50\"");
    strcpy(cut, "]}");
    assert_int_equal(authorize(opts, &body, &err), 0);
    free(body);
}

static void test_build_authorize_secrets(void **state)
{
    struct op_args a = {0};
    a.session_id = "bt-0123456789ab";
    a.options_json = "{\"permissions\":[\"token:read\"]}";
    struct http_request r;
    char *err;
    assert_int_equal(build_with(OP_AUTHORIZE, &a, PUB, PRIV, NULL, &r, &err), ERR_KEYRING);
    assert_non_null(strstr(err, "no nonce"));
    assert_non_null(strstr(err, "bt-0123456789ab"));
    free(err);
    http_request_free(&r);

    assert_int_equal(build_with(OP_AUTHORIZE, &a, PUB, NULL, NONCE, &r, &err), ERR_KEYRING);
    assert_non_null(strstr(err, "private application key"));
    free(err);
    http_request_free(&r);

    a.session_id = NULL;
    assert_int_equal(build(OP_AUTHORIZE, &a, &r, &err), ERR_USAGE);
    assert_non_null(strstr(err, "session id"));
    free(err);
    http_request_free(&r);
}

static void test_build_unsupported(void **state)
{
    struct op_args a = {0};
    a.session_id = "bt-1";
    enum op ops[] = {OP_LIST, OP_GET, OP_REVOKE, OP_VERIFY, OP_TOKEN, OP_REFRESH, OP_INFO,
                     OP_USERS};
    for (size_t i = 0; i < ARRAY_LEN(ops); i++) {
        struct http_request r;
        char *err;
        assert_int_equal(build(ops[i], &a, &r, &err), ERR_USAGE);
        assert_non_null(strstr(err, "only be created and authorized"));
        free(err);
        http_request_free(&r);
    }
}

/* ---- parse: create -------------------------------------------------------- */

static void test_parse_create_docs_example(void **state)
{
    struct op_args a = {0};
    a.now_ms = NOW;
    struct op_result out;
    parse(OP_CREATE, &a, 201, CREATED, &out);
    assert_int_equal(out.err, 0);
    assert_null(out.error);
    assert_int_equal(out.sessions.n, 1);
    const struct session *s = &out.sessions.v[0];
    char *want = session_id_from_secret("bt", "<Session API Key>");
    assert_string_equal(s->id, want);
    assert_int_equal(strlen(s->id), 15); /* "bt-" + 12 hex digits */
    free(want);
    assert_string_equal(s->account_id, "bt-1");
    assert_int_equal(s->status, SESSION_PENDING);
    assert_int_equal(s->created_ms, NOW);
    assert_int_equal(s->expires_ms, 1673295295213LL);
    assert_true(s->tracked);
    assert_null(s->user_id);
    assert_string_equal(s->raw_json, "{\"expires_at\":\"2023-01-09T20:14:55.2130891+00:00\"}");
    assert_int_equal(out.new_secrets.n, 2);
    assert_string_equal(secret_bag_get(&out.new_secrets, "session_key"), "<Session API Key>");
    assert_string_equal(secret_bag_get(&out.new_secrets, "nonce"), NONCE);
    assert_null(out.token);
    assert_int_equal(out.n_follow, 0);
    op_result_free(&out);
}

static void test_parse_create_variants(void **state)
{
    struct op_args a = {0};
    a.now_ms = NOW;
    struct op_result out;
    /* no or unreadable expiry: the documented default of 3 minutes */
    const char *bodies[] = {
        "{\"session_key\":\"k\",\"nonce\":\"n\"}",
        "{\"session_key\":\"k\",\"nonce\":\"n\",\"expires_at\":null}",
        "{\"session_key\":\"k\",\"nonce\":\"n\",\"expires_at\":\"soon\"}",
        "{\"session_key\":\"k\",\"nonce\":\"n\",\"expires_at\":17}",
    };
    for (size_t i = 0; i < ARRAY_LEN(bodies); i++) {
        parse(OP_CREATE, &a, 201, bodies[i], &out);
        assert_int_equal(out.err, 0);
        assert_int_equal(out.sessions.v[0].expires_ms, NOW + 180000);
        assert_null(strstr(out.sessions.v[0].raw_json, "\"k\""));
        assert_null(strstr(out.sessions.v[0].raw_json, "nonce"));
        op_result_free(&out);
    }

    /* other offsets and precisions */
    parse(OP_CREATE, &a, 201,
          "{\"session_key\":\"k\",\"nonce\":\"n\",\"expires_at\":\"2023-01-09T22:14:55.5+02:00\"}",
          &out);
    assert_int_equal(out.sessions.v[0].expires_ms, 1673295295500LL);
    op_result_free(&out);

    /* a 200 is as good as the 201; now_ms 0 means the wall clock */
    struct op_args zero = {0};
    int64_t before = now_ms();
    parse(OP_CREATE, &zero, 200, CREATED, &out);
    assert_int_equal(out.err, 0);
    assert_true(out.sessions.v[0].created_ms >= before);
    op_result_free(&out);

    /* escape sequences in the fields that are shown */
    parse(OP_CREATE, &a, 201,
          "{\"session_key\":\"k\",\"nonce\":\"n\",\"expires_at\":\"\\u001b[2J\\u009b1m\","
          "\"extra\":\"\\u001b]0;x\\u0007\"}",
          &out);
    assert_int_equal(out.err, 0);
    assert_null(strchr(out.sessions.v[0].raw_json, 0x1b));
    assert_null(strstr(out.sessions.v[0].raw_json, "\xc2\x9b"));
    op_result_free(&out);
}

static void test_parse_create_bad(void **state)
{
    struct op_args a = {0};
    a.now_ms = NOW;
    struct op_result out;
    const char *shapes[] = {
        "{\"nonce\":\"n\"}", "{\"session_key\":\"k\"}", "{\"session_key\":\"\",\"nonce\":\"n\"}",
        "{\"session_key\":5,\"nonce\":\"n\"}", "{\"session_key\":null,\"nonce\":null}",
        "[]", "\"k\"", "null",
    };
    for (size_t i = 0; i < ARRAY_LEN(shapes); i++) {
        parse(OP_CREATE, &a, 201, shapes[i], &out);
        assert_int_equal(out.err, ERR_PROVIDER);
        assert_string_equal(out.error, "HTTP 201 from Basis Theory: unexpected answer: no "
                                       "session_key and nonce in the new session");
        assert_int_equal(out.sessions.n, 0);
        assert_int_equal(out.new_secrets.n, 0);
        op_result_free(&out);
    }

    /* a cut-off answer is not previewed: it holds the session key */
    parse(OP_CREATE, &a, 201, "{\"session_key\":\"key_secret_part", &out);
    assert_int_not_equal(out.err, 0);
    assert_string_equal(out.error, "HTTP 201 from Basis Theory: the new session is not JSON");
    assert_int_equal(out.new_secrets.n, 0);
    op_result_free(&out);

    parse(OP_CREATE, &a, 201, NULL, &out);
    assert_string_equal(out.error, "HTTP 201 from Basis Theory: empty body instead of the new "
                                   "session");
    op_result_free(&out);
}

/* ---- parse: authorize ----------------------------------------------------- */

static void test_parse_authorize(void **state)
{
    struct op_args a = {0};
    a.session_id = "bt-0123456789ab";
    a.options_json = "{\"permissions\":[\"token:read\"]}";
    struct op_result out;
    parse(OP_AUTHORIZE, &a, 200, NULL, &out);
    assert_int_equal(out.err, 0);
    assert_int_equal(out.sessions.n, 1);
    const struct session *s = &out.sessions.v[0];
    assert_string_equal(s->id, "bt-0123456789ab");
    assert_string_equal(s->account_id, "bt-1");
    assert_int_equal(s->status, SESSION_ACTIVE);
    assert_true(s->tracked);
    assert_int_equal(s->expires_ms, 0); /* unchanged */
    assert_int_equal(out.new_secrets.n, 0);
    op_result_free(&out);

    /* only the documented 200 with no body grants: a 204, an HTML page or a
     * JSON error sent with a 200 say nothing was, and no session is made
     * active */
    parse(OP_AUTHORIZE, &a, 200, " \r\n", &out);
    assert_int_equal(out.err, 0);
    op_result_free(&out);
    const struct {
        long status;
        const char *body, *came;
    } odd[] = {
        {204, "", "no body"},
        {200, "<html><body>502 Bad Gateway</body></html>", "an HTML page of 41 bytes"},
        {200, "{\"title\":\"Forbidden\",\"status\":403}", "a JSON body of 34 bytes"},
        {202, NULL, "no body"},
    };
    for (size_t i = 0; i < ARRAY_LEN(odd); i++) {
        parse(OP_AUTHORIZE, &a, odd[i].status, odd[i].body, &out);
        assert_int_equal(out.err, ERR_PROVIDER);
        char *want = xasprintf("HTTP %ld from Basis Theory: unexpected answer to the authorize "
                               "(%s), not the documented 200 with no body: it may not have "
                               "been done", odd[i].status, odd[i].came);
        assert_string_equal(out.error, want);
        free(want);
        assert_int_equal(out.sessions.n, 0);
        op_result_free(&out);
    }

    /* expires_at in the options moves the end */
    a.options_json = "{\"permissions\":[\"a\"],\"expires_at\":\"2023-01-09T20:24:55Z\"}";
    parse(OP_AUTHORIZE, &a, 200, NULL, &out);
    assert_int_equal(out.sessions.v[0].expires_ms, 1673295895000LL);
    op_result_free(&out);
}

/* ---- parse: the key check ------------------------------------------------- */

/* GET /applications/key tells whose key it is: a key given in the other's
 * place (or the same one twice) is refused, not saved to fail later. */
static void test_parse_check_kind(void **state)
{
    struct op_args a = {0};
    struct op_result out;
    const char *pub = "{\"id\":\"7f3c5a61-2b44-4c0e-9b1e-0d5f2a9c1e01\",\"type\":\"public\"}";
    const char *priv = "{\"id\":\"9d2e6b72-3c55-4d1f-8c2f-1e6a3b0d2f02\",\"type\":\"private\"}";
    a.check_kind = "public_key";
    parse(OP_CHECK, &a, 200, pub, &out);
    assert_int_equal(out.err, 0);
    op_result_free(&out);
    parse(OP_CHECK, &a, 200, priv, &out);
    assert_int_equal(out.err, ERR_PROVIDER);
    assert_true(out.refused);
    assert_string_equal(out.error, "Basis Theory says it is the key of a private application, not "
                                   "of a public one (was a key given in the other's place, or "
                                   "twice?)");
    op_result_free(&out);
    a.check_kind = "private_key";
    parse(OP_CHECK, &a, 200, priv, &out);
    assert_int_equal(out.err, 0);
    op_result_free(&out);
    parse(OP_CHECK, &a, 200, pub, &out);
    assert_int_equal(out.err, ERR_PROVIDER);
    assert_true(out.refused);
    op_result_free(&out);
    /* a type left out or null (the schema allows it) is not held against it */
    parse(OP_CHECK, &a, 200, "{\"id\":\"x\",\"type\":null}", &out);
    assert_int_equal(out.err, 0);
    op_result_free(&out);
    parse(OP_CHECK, &a, 200, "{\"id\":\"x\"}", &out);
    assert_int_equal(out.err, 0);
    op_result_free(&out);
    /* a type that is no string, or no application: unexpected, not a refusal */
    parse(OP_CHECK, &a, 200, "{\"id\":\"x\",\"type\":7}", &out);
    assert_int_equal(out.err, ERR_PROVIDER);
    assert_false(out.refused);
    op_result_free(&out);
    parse(OP_CHECK, &a, 200, "[1]", &out);
    assert_int_equal(out.err, ERR_PROVIDER);
    assert_false(out.refused);
    op_result_free(&out);
}

/* ---- parse: errors -------------------------------------------------------- */

static void test_parse_validation_problem(void **state)
{
    struct op_args a = {0};
    a.session_id = "bt-1";
    struct op_result out;
    parse(OP_AUTHORIZE, &a, 400, VALIDATION_400, &out);
    assert_int_equal(out.err, ERR_PROVIDER);
    assert_string_equal(out.error, "HTTP 400 from Basis Theory: One or more validation errors "
                                   "occurred.: nonce: The nonce field is required.");
    assert_int_equal(out.sessions.n, 0);
    op_result_free(&out);

    parse(OP_CREATE, &a, 400,
          "{\"title\":\"One or more validation errors occurred.\",\"status\":400,"
          "\"errors\":{\"rules\":[],\"permissions\":[\"Too many.\",\"Unknown permission x.\"],"
          "\"nonce\":[\"Required.\"],\"expires_at\":[\"Bad date.\"]}}",
          &out);
    assert_string_equal(out.error, "HTTP 400 from Basis Theory: One or more validation errors "
                                   "occurred.: permissions: Too many.; Unknown permission x. "
                                   "(+2 more)");
    op_result_free(&out);

    /* detail wins over the field errors; no title */
    parse(OP_AUTHORIZE, &a, 400,
          "{\"detail\":\"Invalid nonce\",\"errors\":{\"nonce\":[\"x\"]}}", &out);
    assert_string_equal(out.error, "HTTP 400 from Basis Theory: Invalid nonce");
    op_result_free(&out);

    /* wrong types inside errors */
    parse(OP_AUTHORIZE, &a, 400,
          "{\"title\":\"Bad\",\"errors\":{\"a\":5,\"b\":[1,null],\"c\":\"plain text\"}}", &out);
    assert_string_equal(out.error, "HTTP 400 from Basis Theory: Bad: c: plain text");
    op_result_free(&out);
    parse(OP_AUTHORIZE, &a, 400, "{\"title\":\"Bad\",\"errors\":[\"x\"]}", &out);
    assert_string_equal(out.error, "HTTP 400 from Basis Theory: Bad");
    op_result_free(&out);
}

static void test_parse_problem_details(void **state)
{
    struct op_args a = {0};
    a.session_id = "bt-1";
    struct op_result out;
    parse(OP_CREATE, &a, 401,
          "{\"type\":\"https://tools.ietf.org/html/rfc7235#section-3.1\",\"title\":"
          "\"Unauthorized\",\"status\":401,\"detail\":\"The BT-API-KEY header is invalid\"}",
          &out);
    assert_int_equal(out.err, ERR_PROVIDER);
    assert_string_equal(out.error, "HTTP 401 from Basis Theory: Unauthorized: The BT-API-KEY "
                                   "header is invalid");
    op_result_free(&out);

    parse(OP_AUTHORIZE, &a, 403, "{\"title\":\"Forbidden\",\"status\":403,\"detail\":null}",
          &out);
    assert_string_equal(out.error, "HTTP 403 from Basis Theory: Forbidden");
    op_result_free(&out);

    parse(OP_AUTHORIZE, &a, 409,
          "{\"title\":\"Conflict\",\"status\":409,\"detail\":\"Session already authorized\","
          "\"instance\":\"/sessions/authorize\",\"traceId\":\"x\"}",
          &out);
    assert_string_equal(out.error, "HTTP 409 from Basis Theory: Conflict: Session already "
                                   "authorized");
    op_result_free(&out);

    parse(OP_AUTHORIZE, &a, 500, "{\"title\":\"Internal Server Error\",\"status\":500}", &out);
    assert_int_equal(out.err, ERR_NETWORK);
    assert_string_equal(out.error, "HTTP 500 from Basis Theory: Internal Server Error");
    op_result_free(&out);

    parse(OP_AUTHORIZE, &a, 422, "{\"type\":\"x\",\"status\":422}", &out);
    assert_int_equal(out.err, ERR_PROVIDER);
    assert_string_equal(out.error, "HTTP 422 from Basis Theory: unexpected answer: an error "
                                   "without title or detail");
    op_result_free(&out);

    parse(OP_AUTHORIZE, &a, 400, "[1,2]", &out);
    assert_string_equal(out.error, "HTTP 400 from Basis Theory: unexpected answer: an error that "
                                   "is not an object");
    op_result_free(&out);

    /* escape sequences in the title and detail */
    parse(OP_CREATE, &a, 403,
          "{\"title\":\"\\u001b[31mForbidden\\u001b[0m\",\"detail\":\"no\\u001b]52;c;Zm9v\\u0007"
          " access\\r\\n\"}",
          &out);
    assert_string_equal(out.error, "HTTP 403 from Basis Theory: Forbidden: no access  ");
    op_result_free(&out);
}

static void test_parse_empty_and_untyped(void **state)
{
    struct op_args a = {0};
    a.session_id = "bt-1";
    struct op_result out;
    parse(OP_CREATE, &a, 401, NULL, &out);
    assert_int_equal(out.err, ERR_PROVIDER);
    assert_string_equal(out.error, "HTTP 401 from Basis Theory: unauthorized (check the API key)");
    op_result_free(&out);
    parse(OP_AUTHORIZE, &a, 401, " \r\n", &out);
    assert_string_equal(out.error, "HTTP 401 from Basis Theory: unauthorized (check the API key)");
    op_result_free(&out);

    parse(OP_AUTHORIZE, &a, 403, "", &out);
    assert_string_equal(out.error,
                        "HTTP 403 from Basis Theory: forbidden (the key lacks a permission)");
    op_result_free(&out);

    /* 404: the untyped body */
    parse(OP_AUTHORIZE, &a, 404, NULL, &out);
    assert_string_equal(out.error, "HTTP 404 from Basis Theory: not found");
    op_result_free(&out);
    parse(OP_AUTHORIZE, &a, 404, "\"Session not found\"", &out);
    assert_string_equal(out.error, "HTTP 404 from Basis Theory: Session not found");
    op_result_free(&out);
    parse(OP_AUTHORIZE, &a, 404, "{}", &out);
    assert_string_equal(out.error, "HTTP 404 from Basis Theory: not found");
    op_result_free(&out);
    parse(OP_AUTHORIZE, &a, 404, "42", &out);
    assert_string_equal(out.error, "HTTP 404 from Basis Theory: not found");
    op_result_free(&out);
    parse(OP_AUTHORIZE, &a, 404, "{\"title\":\"Not Found\",\"status\":404}", &out);
    assert_string_equal(out.error, "HTTP 404 from Basis Theory: Not Found");
    op_result_free(&out);
    parse(OP_AUTHORIZE, &a, 404, "Not Found", &out);
    assert_int_equal(out.err, ERR_PROVIDER);
    assert_string_equal(out.error, "HTTP 404 from Basis Theory: body is not JSON (Not Found)");
    op_result_free(&out);

    parse(OP_CREATE, &a, 429, NULL, &out);
    assert_int_equal(out.err, ERR_PROVIDER);
    assert_string_equal(out.error, "HTTP 429 from Basis Theory: empty body");
    op_result_free(&out);

    parse(OP_CREATE, &a, 502, "<html><head><title>502 Bad Gateway</title></head></html>", &out);
    assert_int_equal(out.err, ERR_NETWORK);
    assert_string_equal(out.error, "HTTP 502 from Basis Theory: body is not JSON (<html><head>"
                                   "<title>502 Bad Gateway</title></head></html>)");
    op_result_free(&out);

    parse(OP_CREATE, &a, 0, NULL, &out);
    assert_int_equal(out.err, ERR_NETWORK);
    op_result_free(&out);

    parse(OP_CREATE, &a, 400, "{\"title\":\"One or more", &out);
    assert_int_equal(out.err, ERR_PROVIDER);
    assert_non_null(strstr(out.error, "body is not JSON"));
    op_result_free(&out);
}

static void test_parse_unsupported(void **state)
{
    struct op_args a = {0};
    struct op_result out;
    parse(OP_LIST, &a, 200, "[]", &out);
    assert_int_equal(out.err, ERR_INTERNAL);
    op_result_free(&out);
}

/* Every prefix of every body, with every status: no crash, no leak, and
 * either a result or one error line. */
static void test_parse_truncated_everywhere(void **state)
{
    const char *bodies[] = {CREATED, VALIDATION_400};
    long statuses[] = {201, 200, 400, 401, 404, 500};
    enum op ops[] = {OP_CREATE, OP_AUTHORIZE};
    struct op_args a = {0};
    a.session_id = "bt-1";
    a.options_json = "{\"permissions\":[\"a\"]}";
    a.now_ms = NOW;
    for (size_t b = 0; b < ARRAY_LEN(bodies); b++)
        for (size_t len = 0; len <= strlen(bodies[b]); len++)
            for (size_t s = 0; s < ARRAY_LEN(statuses); s++)
                for (size_t o = 0; o < ARRAY_LEN(ops); o++) {
                    struct op_result out;
                    parse_n(ops[o], &a, statuses[s], bodies[b], len, &out);
                    if (out.err)
                        assert_non_null(out.error);
                    else
                        assert_int_equal(out.sessions.n, 1);
                    /* a success body is never previewed: it holds the session key */
                    if (out.error && statuses[s] < 300)
                        assert_null(strstr(out.error, "Session API Key"));
                    op_result_free(&out);
                }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_descriptor, setup, teardown),
        cmocka_unit_test_setup_teardown(test_parse_check_kind, setup, teardown),
        cmocka_unit_test_setup_teardown(test_needs, setup, teardown),
        cmocka_unit_test_setup_teardown(test_build_create, setup, teardown),
        cmocka_unit_test_setup_teardown(test_build_create_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_build_authorize_permissions, setup, teardown),
        cmocka_unit_test_setup_teardown(test_build_authorize_rules, setup, teardown),
        cmocka_unit_test_setup_teardown(test_build_authorize_validation, setup, teardown),
        cmocka_unit_test_setup_teardown(test_build_authorize_permission_limit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_build_authorize_secrets, setup, teardown),
        cmocka_unit_test_setup_teardown(test_build_unsupported, setup, teardown),
        cmocka_unit_test_setup_teardown(test_parse_create_docs_example, setup, teardown),
        cmocka_unit_test_setup_teardown(test_parse_create_variants, setup, teardown),
        cmocka_unit_test_setup_teardown(test_parse_create_bad, setup, teardown),
        cmocka_unit_test_setup_teardown(test_parse_authorize, setup, teardown),
        cmocka_unit_test_setup_teardown(test_parse_validation_problem, setup, teardown),
        cmocka_unit_test_setup_teardown(test_parse_problem_details, setup, teardown),
        cmocka_unit_test_setup_teardown(test_parse_empty_and_untyped, setup, teardown),
        cmocka_unit_test_setup_teardown(test_parse_unsupported, setup, teardown),
        cmocka_unit_test_setup_teardown(test_parse_truncated_everywhere, setup, teardown),
    };
    return cmocka_run_group_tests_name("basistheory", tests, NULL, NULL);
}
