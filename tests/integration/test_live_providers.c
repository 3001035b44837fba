/* Every operation of every provider through the real worker, real HTTP and
 * the real (private) keyring, against the stateful fake; then the faults.
 * What the provider handed back must be in the keyring afterwards, and gone
 * after a logout. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../support/fake.h"
#include "keyring.h"
#include "util.h"
#include "worker.h"

static struct fake *fk;
static struct worker *wk;

static struct account make_account(const char *id, const char *provider)
{
    struct account a = {0};
    a.id = xstrdup(id);
    a.label = xasprintf("%s test", id);
    a.provider_id = xstrdup(provider);
    a.base_url = fake_url(fk, provider);
    return a;
}

static void store_secret(const char *account, const char *kind, const char *value)
{
    char *err = NULL;
    assert_int_equal(keyring_store(account, kind, "", "sesame test", value, &err), 0);
    free(err);
}

static char *lookup(const char *account, const char *kind, const char *session)
{
    char *v = NULL, *err = NULL;
    assert_int_equal(keyring_lookup(account, kind, session, &v, &err), 0);
    free(err);
    return v;
}

/* Run one op synchronously; args are consumed. */
static struct event run(const struct account *a, enum op op, struct op_args *args,
                        int64_t timeout_ms)
{
    struct job j = {.kind = JOB_OP, .op = op, .timeout_ms = timeout_ms};
    account_copy(&j.account, a);
    if (args) {
        j.args = *args;
        memset(args, 0, sizeof *args);
    }
    uint64_t id = worker_submit(wk, &j);
    struct event ev;
    assert_true(worker_wait_event(wk, id, &ev));
    return ev;
}

static int setup_all(void **state)
{
    fk = fake_start("--clerk-users 30 --clerk-sessions-per-user 20 --seed 7");
    char *err = NULL;
    wk = worker_start(NULL, &err);
    assert_non_null(wk);
    store_secret("clerk1", "api_key", "sk_test_fake");
    store_secret("bt1", "public_key", "key_public_fake");
    store_secret("bt1", "private_key", "key_private_fake");
    store_secret("plantly1", "password", "plantly-pass");
    store_secret("cbrain1", "password", "cbrain-pass");
    store_secret("vault1", "api_key", "apideck-fake-key");
    return 0;
}

static int teardown_all(void **state)
{
    worker_stop(wk);
    fake_stop(fk);
    return 0;
}

static int reset_fake(void **state)
{
    assert_int_equal(fake_reset(fk), 200);
    return 0;
}

static bool has_escape(const char *s)
{
    return s && (strchr(s, 0x1b) || strstr(s, "\xc2\x9b"));
}

/* ---- Clerk -------------------------------------------------------------- */

static void test_clerk_lists_every_session_with_user_names(void **state)
{
    struct account a = make_account("clerk1", "clerk");
    struct event ev = run(&a, OP_LIST, NULL, 0);
    assert_int_equal(ev.err, 0);
    assert_int_equal(ev.result.sessions.n, 600);
    for (size_t i = 0; i < ev.result.sessions.n; i++) {
        assert_non_null(ev.result.sessions.v[i].user_display);
        assert_string_equal(ev.result.sessions.v[i].account_id, "clerk1");
    }
    event_free(&ev);
    account_free(&a);
}

static void test_clerk_filters_and_pages(void **state)
{
    struct account a = make_account("clerk1", "clerk");
    struct event all = run(&a, OP_LIST, NULL, 0);
    const char *uid = all.result.sessions.v[0].user_id;
    struct op_args args = {.user_id = xstrdup(uid), .status = xstrdup("active")};
    struct event ev = run(&a, OP_LIST, &args, 0);
    assert_int_equal(ev.err, 0);
    assert_true(ev.result.sessions.n > 0);
    for (size_t i = 0; i < ev.result.sessions.n; i++) {
        assert_string_equal(ev.result.sessions.v[i].user_id, uid);
        assert_int_equal(ev.result.sessions.v[i].status, SESSION_ACTIVE);
        assert_non_null(ev.result.sessions.v[i].user_display);
    }
    cJSON *req = fake_last_request(fk, "clerk");
    assert_string_equal(fake_request_header(req, "Authorization"), "Bearer sk_test_fake");
    cJSON_Delete(req);
    event_free(&ev);
    event_free(&all);
    account_free(&a);
}

static void test_clerk_revoke_is_visible_in_next_list(void **state)
{
    struct account a = make_account("clerk1", "clerk");
    struct op_args f = {.status = xstrdup("active")};
    struct event act = run(&a, OP_LIST, &f, 0);
    assert_true(act.result.sessions.n > 0);
    char *sid = xstrdup(act.result.sessions.v[0].id);
    char *uid = xstrdup(act.result.sessions.v[0].user_id);
    event_free(&act);

    struct op_args r = {.session_id = xstrdup(sid)};
    struct event ev = run(&a, OP_REVOKE, &r, 0);
    assert_int_equal(ev.err, 0);
    assert_int_equal(ev.result.sessions.n, 1);
    assert_int_equal(ev.result.sessions.v[0].status, SESSION_REVOKED);
    /* the request's id for the journal: Cloudflare's CF-Ray header */
    assert_non_null(ev.result.request_id);
    assert_int_equal(strlen(ev.result.request_id), 20);
    assert_string_equal(ev.result.request_id + 16, "-FAK");
    event_free(&ev);

    /* refused: Clerk's own trace id, from the error body, comes first */
    struct op_args again = {.session_id = xstrdup(sid)};
    ev = run(&a, OP_REVOKE, &again, 0);
    assert_int_equal(ev.err, ERR_PROVIDER);
    assert_non_null(ev.result.request_id);
    assert_int_equal(strlen(ev.result.request_id), 32);
    event_free(&ev);

    struct op_args l = {.user_id = xstrdup(uid)};
    ev = run(&a, OP_LIST, &l, 0);
    bool seen = false;
    for (size_t i = 0; i < ev.result.sessions.n; i++)
        if (strcmp(ev.result.sessions.v[i].id, sid) == 0) {
            assert_int_equal(ev.result.sessions.v[i].status, SESSION_REVOKED);
            seen = true;
        }
    assert_true(seen);
    event_free(&ev);

    struct op_args g = {.session_id = xstrdup(sid)};
    ev = run(&a, OP_GET, &g, 0);
    assert_int_equal(ev.err, 0);
    assert_int_equal(ev.result.sessions.v[0].status, SESSION_REVOKED);
    assert_non_null(ev.result.sessions.v[0].user_display);
    event_free(&ev);
    free(sid);
    free(uid);
    account_free(&a);
}

static void test_clerk_token_and_verify(void **state)
{
    struct account a = make_account("clerk1", "clerk");
    struct op_args f = {.status = xstrdup("active")};
    struct event act = run(&a, OP_LIST, &f, 0);
    char *sid = xstrdup(act.result.sessions.v[0].id);
    event_free(&act);

    struct op_args t = {.session_id = xstrdup(sid), .template_name = xstrdup("default-template"),
                        .expires_in_seconds = 120};
    struct event ev = run(&a, OP_TOKEN, &t, 0);
    assert_int_equal(ev.err, 0);
    assert_non_null(ev.result.token);
    assert_non_null(strchr(strchr(ev.result.token, '.') + 1, '.')); /* a JWT */
    event_free(&ev);

    struct op_args bad = {.session_id = xstrdup(sid), .template_name = xstrdup("no-such")};
    ev = run(&a, OP_TOKEN, &bad, 0);
    assert_int_equal(ev.err, ERR_PROVIDER);
    assert_non_null(strstr(ev.error, "HTTP 404 from Clerk"));
    event_free(&ev);

    struct op_args v = {.session_id = xstrdup(sid), .verify_token = xstrdup("eyJ.x.y")};
    ev = run(&a, OP_VERIFY, &v, 0);
    assert_int_equal(ev.err, ERR_PROVIDER);
    assert_non_null(strstr(ev.error, "deprecated by Clerk"));
    event_free(&ev);
    free(sid);
    account_free(&a);
}

static void test_clerk_wrong_key(void **state)
{
    struct account a = make_account("clerk-bad", "clerk");
    store_secret("clerk-bad", "api_key", "sk_test_wrong");
    struct event ev = run(&a, OP_LIST, NULL, 0);
    assert_int_equal(ev.err, ERR_PROVIDER);
    assert_non_null(strstr(ev.error, "HTTP 401 from Clerk"));
    event_free(&ev);
    account_free(&a);
}

/* ---- Basis Theory ------------------------------------------------------- */

static void test_basistheory_create_then_authorize(void **state)
{
    struct account a = make_account("bt1", "basistheory");
    struct event ev = run(&a, OP_CREATE, NULL, 0);
    assert_int_equal(ev.err, 0);
    assert_int_equal(ev.result.sessions.n, 1);
    assert_int_equal(ev.result.sessions.v[0].status, SESSION_PENDING);
    assert_true(ev.result.sessions.v[0].expires_ms > now_ms());
    char *sid = xstrdup(ev.result.sessions.v[0].id);
    event_free(&ev);
    char *key = lookup("bt1", "session_key", sid);
    char *nonce = lookup("bt1", "nonce", sid);
    assert_non_null(key);
    assert_non_null(nonce);

    struct op_args au = {.session_id = xstrdup(sid),
                         .options_json = xstrdup("{\"permissions\":[\"token:read\"]}")};
    ev = run(&a, OP_AUTHORIZE, &au, 0);
    assert_int_equal(ev.err, 0);
    assert_int_equal(ev.result.sessions.v[0].status, SESSION_ACTIVE);
    event_free(&ev);
    cJSON *req = fake_last_request(fk, "basistheory");
    assert_string_equal(fake_request_header(req, "BT-API-KEY"), "key_private_fake");
    cJSON *body = cJSON_Parse(cJSON_GetObjectItem(req, "body")->valuestring);
    assert_string_equal(cJSON_GetObjectItem(body, "nonce")->valuestring, nonce);
    cJSON_Delete(body);
    cJSON_Delete(req);
    wipe_free(key);
    wipe_free(nonce);
    free(sid);
    account_free(&a);
}

/* ---- Plantly ------------------------------------------------------------ */

static void test_plantly_login_refresh_logout(void **state)
{
    struct account a = make_account("plantly1", "plantly");
    account_set_field(&a, "email_address", "demo@plantly.test");
    struct event ev = run(&a, OP_CREATE, NULL, 0);
    assert_int_equal(ev.err, 0);
    char *sid = xstrdup(ev.result.sessions.v[0].id);
    event_free(&ev);
    char *refresh1 = lookup("plantly1", "refresh_token", sid);
    char *access1 = lookup("plantly1", "access_token", sid);
    assert_non_null(refresh1);
    assert_non_null(access1);
    wipe_free(access1);

    struct op_args r = {.session_id = xstrdup(sid)};
    ev = run(&a, OP_REFRESH, &r, 0);
    assert_int_equal(ev.err, 0);
    assert_string_equal(ev.result.sessions.v[0].id, sid);
    event_free(&ev);
    char *refresh2 = lookup("plantly1", "refresh_token", sid);
    assert_string_not_equal(refresh1, refresh2); /* rotated, and stored */

    struct op_args o = {.session_id = xstrdup(sid)};
    ev = run(&a, OP_REVOKE, &o, 0);
    assert_int_equal(ev.err, 0);
    assert_true(ev.result.forget_session);
    event_free(&ev);
    assert_null(lookup("plantly1", "refresh_token", sid));
    assert_null(lookup("plantly1", "access_token", sid));
    wipe_free(refresh1);
    wipe_free(refresh2);
    free(sid);
    account_free(&a);
}

static void test_plantly_wrong_password(void **state)
{
    struct account a = make_account("plantly-bad", "plantly");
    account_set_field(&a, "email_address", "demo@plantly.test");
    store_secret("plantly-bad", "password", "nope");
    struct event ev = run(&a, OP_CREATE, NULL, 0);
    assert_int_equal(ev.err, ERR_PROVIDER);
    assert_non_null(strstr(ev.error, "HTTP 401 from Plantly"));
    event_free(&ev);
    account_free(&a);
}

/* ---- CBRAIN ------------------------------------------------------------- */

static void test_cbrain_login_info_logout(void **state)
{
    struct account a = make_account("cbrain1", "cbrain");
    account_set_field(&a, "login", "demo");
    struct event ev = run(&a, OP_CREATE, NULL, 0);
    assert_int_equal(ev.err, 0);
    char *sid = xstrdup(ev.result.sessions.v[0].id);
    event_free(&ev);
    cJSON *req = fake_last_request(fk, "cbrain");
    assert_non_null(strstr(fake_request_header(req, "Content-Type"),
                           "application/x-www-form-urlencoded"));
    assert_string_equal(fake_request_header(req, "Accept"), "application/json");
    cJSON_Delete(req);
    char *tok = lookup("cbrain1", "api_token", sid);
    assert_non_null(tok);
    assert_int_equal(strlen(tok), 32);

    struct op_args i = {.session_id = xstrdup(sid)};
    ev = run(&a, OP_INFO, &i, 0);
    assert_int_equal(ev.err, 0);
    assert_int_equal(ev.result.sessions.v[0].status, SESSION_ACTIVE);
    event_free(&ev);

    struct op_args d = {.session_id = xstrdup(sid)};
    ev = run(&a, OP_REVOKE, &d, 0);
    assert_int_equal(ev.err, 0);
    event_free(&ev);
    assert_null(lookup("cbrain1", "api_token", sid));
    wipe_free(tok);
    free(sid);
    account_free(&a);
}

static void test_cbrain_bad_password_empty_401(void **state)
{
    struct account a = make_account("cbrain-bad", "cbrain");
    account_set_field(&a, "login", "demo");
    store_secret("cbrain-bad", "password", "wrong");
    struct event ev = run(&a, OP_CREATE, NULL, 0);
    assert_int_equal(ev.err, ERR_PROVIDER);
    assert_non_null(strstr(ev.error, "HTTP 401 from CBRAIN: login refused"));
    event_free(&ev);
    account_free(&a);
}

/* ---- Apideck Vault ------------------------------------------------------ */

static void test_vault_create_and_url(void **state)
{
    struct account a = make_account("vault1", "apideck");
    account_set_field(&a, "app_id", "fake-app");
    account_set_field(&a, "consumer_id", "consumer-42");
    struct op_args c = {.options_json = xstrdup(
        "{\"consumer_metadata\":{\"user_name\":\"Ada\",\"email\":\"ada@example.com\"},"
        "\"settings\":{\"unified_apis\":[\"crm\"],\"session_length\":\"30m\"},"
        "\"theme\":{\"vault_name\":\"Demo\"},\"custom_consumer_settings\":{\"plan\":\"pro\"}}")};
    struct event ev = run(&a, OP_CREATE, &c, 0);
    assert_int_equal(ev.err, 0);
    assert_non_null(ev.result.url);
    assert_true(ev.result.sessions.v[0].has_url);
    int64_t left = ev.result.sessions.v[0].expires_ms - now_ms();
    assert_true(left > 29 * 60000 && left <= 30 * 60000);
    char *sid = xstrdup(ev.result.sessions.v[0].id);
    char *uri = lookup("vault1", "session_uri", sid);
    assert_string_equal(uri, ev.result.url);
    event_free(&ev);
    cJSON *req = fake_last_request(fk, "apideck");
    assert_string_equal(fake_request_header(req, "x-apideck-consumer-id"), "consumer-42");
    assert_string_equal(fake_request_header(req, "x-apideck-app-id"), "fake-app");
    cJSON_Delete(req);
    wipe_free(uri);
    free(sid);

    struct op_args bad = {.options_json = xstrdup("{\"settings\":{\"unified_apis\":[\"cmr\"]}}")};
    ev = run(&a, OP_CREATE, &bad, 0);
    assert_int_equal(ev.err, ERR_USAGE);
    event_free(&ev);
    account_free(&a);
}

/* ---- faults ------------------------------------------------------------- */

struct fault_case {
    const char *fault_json;   /* POST /_fake/fault body */
    int want_err;             /* 0 = the operation must still succeed */
    const char *want_text;    /* in the error line */
};

static void clerk_list_under(const struct fault_case *c)
{
    assert_int_equal(fake_reset(fk), 200);
    assert_int_equal(fake_fault(fk, c->fault_json), 200);
    struct account a = make_account("clerk1", "clerk");
    struct op_args f = {.user_id = xstrdup("user_does_not_matter")};
    struct event ev = run(&a, OP_LIST, &f, 2500);
    if (ev.err != c->want_err || (c->want_text && (!ev.error || !strstr(ev.error, c->want_text))))
        fail_msg("fault %s: err %d (%s), wanted %d (%s)", c->fault_json, ev.err,
                 ev.error ? ev.error : "-", c->want_err, c->want_text ? c->want_text : "-");
    event_free(&ev);
    account_free(&a);
}

static void test_faults_on_clerk_list(void **state)
{
    static const struct fault_case cases[] = {
        {"{\"provider\":\"clerk\",\"fault\":\"status\",\"status\":429,\"retry_after\":1,\"count\":1}", 0, NULL},
        {"{\"provider\":\"clerk\",\"fault\":\"status\",\"status\":503,\"count\":2}", 0, NULL},
        {"{\"provider\":\"clerk\",\"fault\":\"status\",\"status\":502}", ERR_NETWORK, "HTTP 502 from Clerk"},
        {"{\"provider\":\"clerk\",\"fault\":\"reset\",\"count\":1}", 0, NULL},
        {"{\"provider\":\"clerk\",\"fault\":\"latency\",\"ms\":300}", 0, NULL},
        {"{\"provider\":\"clerk\",\"fault\":\"malformed\"}", ERR_PROVIDER, "not JSON"}, /* an answer, not the documented one */
        {"{\"provider\":\"clerk\",\"fault\":\"html\",\"status\":502}", ERR_NETWORK, "not JSON (<html>"},
        {"{\"provider\":\"clerk\",\"fault\":\"truncated\"}", ERR_NETWORK, NULL},
        {"{\"provider\":\"clerk\",\"fault\":\"hang\"}", ERR_NETWORK, "no answer from Clerk"},
        {"{\"provider\":\"clerk\",\"fault\":\"huge\",\"mb\":20}", ERR_PROVIDER, "sent more than 16 MB"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        clerk_list_under(&cases[i]);
}

static void test_fault_500_on_login_is_not_repeated(void **state)
{
    assert_int_equal(fake_fault(fk, "{\"provider\":\"plantly\",\"fault\":\"status\",\"status\":500,\"count\":1}"), 200);
    struct account a = make_account("plantly1", "plantly");
    account_set_field(&a, "email_address", "demo@plantly.test");
    struct event ev = run(&a, OP_CREATE, NULL, 0);
    assert_int_equal(ev.err, ERR_NETWORK);
    assert_non_null(strstr(ev.error, "HTTP 500 from Plantly"));
    event_free(&ev);
    cJSON *reqs = fake_requests(fk, "plantly");
    assert_int_equal(cJSON_GetArraySize(reqs), 1); /* a login is never sent twice */
    cJSON_Delete(reqs);
    account_free(&a);
}

static void test_fault_escape_sequences_are_stripped(void **state)
{
    assert_int_equal(fake_fault(fk, "{\"provider\":\"clerk\",\"fault\":\"escape\"}"), 200);
    struct account a = make_account("clerk1", "clerk");
    struct event ev = run(&a, OP_LIST, NULL, 0);
    assert_int_equal(ev.err, 0);
    assert_true(ev.result.sessions.n > 0);
    for (size_t i = 0; i < ev.result.sessions.n; i++) {
        const struct session *s = &ev.result.sessions.v[i];
        assert_false(has_escape(s->user_display));
        assert_false(has_escape(s->browser));
        assert_false(has_escape(s->place));
        assert_false(has_escape(s->device));
        assert_false(has_escape(s->raw_json));
    }
    event_free(&ev);
    account_free(&a);
}

static void test_hanging_provider_does_not_block_others(void **state)
{
    assert_int_equal(fake_fault(fk, "{\"provider\":\"clerk\",\"fault\":\"hang\"}"), 200);
    struct account c = make_account("clerk1", "clerk");
    struct account v = make_account("cbrain1", "cbrain");
    account_set_field(&v, "login", "demo");
    struct job j = {.kind = JOB_OP, .op = OP_LIST, .timeout_ms = 3000};
    account_copy(&j.account, &c);
    uint64_t hang = worker_submit(wk, &j);
    int64_t t0 = mono_ms();
    struct event ev = run(&v, OP_CREATE, NULL, 0);
    assert_int_equal(ev.err, 0);
    assert_true(mono_ms() - t0 < 1000);
    char *sid = xstrdup(ev.result.sessions.v[0].id);
    event_free(&ev);
    struct op_args d = {.session_id = sid};
    ev = run(&v, OP_REVOKE, &d, 0);
    event_free(&ev);
    worker_cancel(wk, hang);
    assert_true(worker_wait_event(wk, hang, &ev));
    assert_int_equal(ev.err, ERR_CANCELLED);
    event_free(&ev);
    account_free(&c);
    account_free(&v);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_clerk_lists_every_session_with_user_names, reset_fake),
        cmocka_unit_test_setup(test_clerk_filters_and_pages, reset_fake),
        cmocka_unit_test_setup(test_clerk_revoke_is_visible_in_next_list, reset_fake),
        cmocka_unit_test_setup(test_clerk_token_and_verify, reset_fake),
        cmocka_unit_test_setup(test_clerk_wrong_key, reset_fake),
        cmocka_unit_test_setup(test_basistheory_create_then_authorize, reset_fake),
        cmocka_unit_test_setup(test_plantly_login_refresh_logout, reset_fake),
        cmocka_unit_test_setup(test_plantly_wrong_password, reset_fake),
        cmocka_unit_test_setup(test_cbrain_login_info_logout, reset_fake),
        cmocka_unit_test_setup(test_cbrain_bad_password_empty_401, reset_fake),
        cmocka_unit_test_setup(test_vault_create_and_url, reset_fake),
        cmocka_unit_test_setup(test_faults_on_clerk_list, reset_fake),
        cmocka_unit_test_setup(test_fault_500_on_login_is_not_repeated, reset_fake),
        cmocka_unit_test_setup(test_fault_escape_sequences_are_stripped, reset_fake),
        cmocka_unit_test_setup(test_hanging_provider_does_not_block_others, reset_fake),
    };
    return cmocka_run_group_tests_name("live providers", tests, setup_all, teardown_all);
}
