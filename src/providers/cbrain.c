/* CBRAIN (aces/cbrain): the login session of the account on /session.
 * POST logs in with a form, GET checks the token, DELETE logs out. The
 * session is tracked by sesame, its API token kept in the keyring. Every
 * request says Accept: application/json, or Rails answers the HTML way. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../strpool.h"
#include "../util.h"
#include "tracked.h"

#define TITLE "CBRAIN"

static const struct field cbrain_fields[] = {
    {"login", "Login", FIELD_REQUIRED, "your CBRAIN user name", NULL},
    {"password", "Password", FIELD_SECRET | FIELD_REQUIRED, "kept in the keyring", NULL},
    {NULL, NULL, 0, NULL, NULL},
};

static struct op_needs cbrain_needs(enum op op)
{
    struct op_needs n = {NULL, NULL};
    switch (op) {
    case OP_CREATE:
        n.account_secrets = "password";
        break;
    case OP_INFO:
    case OP_REVOKE:
        n.session_secrets = "api_token";
        break;
    default:
        break;
    }
    return n;
}

static int cbrain_build(const struct account *acct, enum op op, const struct op_args *args,
                        const struct secret_bag *secrets, struct http_request *out,
                        char **error)
{
    int rc = 0;
    const char *tok;
    switch (op) {
    case OP_CREATE: {
        const char *login = tracked_need_field(acct, TITLE, "login", "login", false, error, &rc);
        if (!login)
            return rc;
        const char *pw = tracked_need_secret(secrets, TITLE, "password", "password", false, error,
                                             &rc);
        if (!pw)
            return rc;
        /* Exactly these two fields: CBRAIN bans an IP that sends extra ones. */
        char *l = http_urlencode(login);
        char *p = http_urlencode(pw);
        char *body = xasprintf("login=%s&password=%s", l, p);
        free(l);
        wipe_free(p);
        http_request_init(out, "POST", 0);
        tracked_set_url(out, &provider_cbrain, acct, "/session");
        http_request_add_header(out, "Accept: application/json");
        http_request_add_header(out, "Content-Type: application/x-www-form-urlencoded");
        http_request_set_body(out, body, strlen(body));
        wipe_free(body);
        return 0;
    }
    case OP_INFO:
    case OP_REVOKE:
        tok = tracked_need_secret(secrets, TITLE, "api_token",
                                  "API token for this session (log in again)", true, error,
                                  &rc);
        if (!tok)
            return rc;
        /* A confirmation of a 401 (cbrain_parse) is a GET asked again on
         * purpose: not idempotent-flagged, so the worker neither takes it
         * for the first GET of the job nor repeats it. */
        bool get = op == OP_INFO || (args && args->phase != 0);
        http_request_init(out, get ? "GET" : "DELETE",
                          get && !(args && args->phase != 0) ? HTTP_IDEMPOTENT : 0);
        tracked_set_url(out, &provider_cbrain, acct, "/session");
        http_request_add_header(out, "Accept: application/json");
        http_request_add_header(out, "Authorization: Bearer %s", tok);
        return 0;
    default:
        return build_fail(error, ERR_USAGE,
                                  "CBRAIN sessions can only be logged in, checked or logged out");
    }
}

/* Anything that is not the documented success. */
static void cbrain_error(enum op op, const struct http_response *resp, struct op_result *out)
{
    if (op == OP_CREATE && resp->status == 401) {
        result_fail(out, ERR_PROVIDER,
                    "HTTP 401 from %s: login refused (wrong login or password, account locked, "
                    "or IP not allowed)", TITLE);
        return;
    }
    cJSON *j = parse_json_body(TITLE, resp, out);
    if (!j)
        return;
    const char *msg = json_str(j, "error");
    if (msg)
        result_fail(out, tracked_ok(resp->status) ? ERR_PROVIDER : err_for_status(resp->status),
                    "HTTP %ld from %s: %s", resp->status, TITLE, msg);
    else
        result_bad_shape(out, TITLE, resp,
                         tracked_ok(resp->status) ? "not a SessionInfo" : "error without a message");
    cJSON_Delete(j);
}

static void set_user(struct session *s, const struct account *acct, const cJSON *info)
{
    const char *login = account_field(acct, "login");
    int64_t uid;
    bool have_uid = info && json_int64(info, "user_id", &uid);
    if (have_uid)
        s->user_id = strpool_take(xasprintf("%" PRId64, uid));
    char *clean = login ? sanitize_text(login) : NULL;
    if (clean && have_uid)
        s->user_display = strpool_take(xasprintf("%s (user %" PRId64 ")", clean, uid));
    else if (clean)
        s->user_display = strpool_get(clean);
    else if (have_uid)
        s->user_display = strpool_take(xasprintf("user %" PRId64, uid));
    free(clean);
}

/* 200 SessionInfo {user_id, cbrain_api_token}. */
static void parse_info(const struct account *acct, enum op op, const struct op_args *args,
                       const struct http_response *resp, struct op_result *out)
{
    cJSON *j = tracked_parse_body(TITLE, resp, out);
    if (!j)
        return;
    if (!cJSON_IsObject(j)) {
        result_bad_shape(out, TITLE, resp, "SessionInfo is not an object");
        goto out;
    }
    if (json_str(j, "error") && !json_str(j, "cbrain_api_token")) {
        cJSON_Delete(j);
        cbrain_error(op, resp, out);
        return;
    }
    const char *token = json_str(j, "cbrain_api_token");
    int64_t uid;
    if (!json_int64(j, "user_id", &uid)) {
        result_bad_shape(out, TITLE, resp, "SessionInfo without a numeric user_id");
        goto out;
    }
    if (op == OP_INFO && args && !str_empty(args->user_id)) {
        /* a check answered about another user is another login's answer,
         * never this one's (as a Clerk answer about another session) */
        char got[24];
        snprintf(got, sizeof got, "%" PRId64, uid);
        if (strcmp(got, args->user_id) != 0) {
            result_fail(out, ERR_PROVIDER, "HTTP %ld from %s: unexpected answer: the check of "
                        "session %s is about user %s, and the login is user %s's",
                        resp->status, TITLE, args->session_id ? args->session_id : "?", got,
                        args->user_id);
            goto out;
        }
    }
    if (op == OP_CREATE && (str_empty(token) || !tracked_header_value_ok(token))) {
        result_bad_shape(out, TITLE, resp, "SessionInfo without a usable cbrain_api_token");
        goto out;
    }
    int64_t now = tracked_now(args);
    char *id = op == OP_CREATE ? session_id_from_secret("cbrain", token)
                               : xstrdup(args ? args->session_id : NULL);
    if (str_empty(id)) {
        free(id);
        result_fail(out, ERR_INTERNAL, "%s: session check without a session id", TITLE);
        goto out;
    }
    struct session *s = tracked_session(out, acct, id, SESSION_ACTIVE);
    free(id);
    set_user(s, acct, j);
    s->created_ms = op == OP_CREATE ? now : 0; /* check: the stored one stands */
    s->last_active_ms = now;
    s->expires_ms = 0; /* CBRAIN says nothing about expiry */
    if (op == OP_CREATE)
        secret_bag_put(&out->new_secrets, "api_token", token);
    cJSON *t = cJSON_DetachItemFromObjectCaseSensitive(j, "cbrain_api_token");
    if (t && cJSON_IsString(t))
        wipe(t->valuestring, strlen(t->valuestring));
    cJSON_Delete(t);
    s->raw_json = tracked_raw_json(j);
out:
    cJSON_Delete(j);
}

/* A log out answered 401, or a check answered 401: CBRAIN answers every
 * 401 with an empty body, for a token no session goes with any more but
 * also for an IP it bans, a locked account or portal. One 401 is not
 * taken for "the login has ended" (that forgets it and deletes its
 * token): GET /session is asked once more (args->phase CONFIRM), and its
 * 200 says the login is alive. */
enum { FIRST = 0, CONFIRM = 1 };

static void confirm_401(const struct op_args *args, enum op op, struct op_result *out)
{
    static const struct op_args no_args;
    struct op_args next = args ? *args : no_args; /* shallow: op_result_follow copies */
    next.phase = CONFIRM;
    op_result_follow(out, op, &next);
}

/* The session as a log out or a refused check leaves it. */
static void ended_session(const struct account *acct, const char *sid,
                          enum session_status status, struct op_result *out)
{
    struct session *s = tracked_session(out, acct, sid, status);
    set_user(s, acct, NULL);
}

static void parse_logout(const struct account *acct, const struct op_args *args,
                         const struct http_response *resp, struct op_result *out)
{
    const char *sid = args ? args->session_id : NULL;
    bool confirming = args && args->phase == CONFIRM;
    if (!confirming && answer_is_documented_empty(resp, 200)) {
        ended_session(acct, sid, SESSION_ENDED, out);
        out->forget_session = true;
    } else if (!confirming && resp->status == 401) {
        confirm_401(args, OP_REVOKE, out);
    } else if (!confirming && tracked_ok(resp->status)) {
        /* a 204, a JSON error, a page: not the documented head :ok */
        result_not_documented(out, TITLE, "log out", resp, 200);
    } else if (confirming && resp->status == 401) {
        /* refused twice: no session goes with the token any more; it had
         * ended already (logged out elsewhere, or expired) */
        ended_session(acct, sid, SESSION_ENDED, out);
        out->forget_session = true;
        out->gone = true;
    } else if (confirming && resp->status == 200) {
        struct op_result info = {0};
        parse_info(acct, OP_INFO, args, resp, &info);
        if (info.err)
            result_fail(out, info.err, "%s refused the log out (HTTP 401), and its check of "
                        "the login failed: %s", TITLE, info.error);
        else
            result_fail(out, ERR_PROVIDER, "%s refused the log out (HTTP 401), yet says the "
                        "login is alive (GET /session answered 200): it was not ended, and "
                        "is kept", TITLE);
        op_result_free(&info);
    } else {
        cbrain_error(confirming ? OP_INFO : OP_REVOKE, resp, out);
    }
}

static void cbrain_parse(const struct account *acct, enum op op, const struct op_args *args,
                         const struct http_response *resp, struct op_result *out)
{
    if (result_redirect(TITLE, resp, out))
        return;
    const char *sid = args ? args->session_id : NULL;
    switch (op) {
    case OP_CREATE:
        if (resp->status == 200)
            parse_info(acct, op, args, resp, out);
        else
            cbrain_error(op, resp, out);
        return;
    case OP_INFO:
        if (resp->status == 200)
            parse_info(acct, op, args, resp, out);
        else if (resp->status == 401 && !(args && args->phase == CONFIRM))
            confirm_401(args, OP_INFO, out);
        else if (resp->status == 401) /* no longer valid: shown as expired, not an error */
            ended_session(acct, sid, SESSION_EXPIRED, out);
        else
            cbrain_error(op, resp, out);
        return;
    case OP_REVOKE:
        parse_logout(acct, args, resp, out);
        return;
    default:
        result_fail(out, ERR_INTERNAL, "%s: no answer expected for this operation", TITLE);
        return;
    }
}

const struct provider provider_cbrain = {
    .id = "cbrain",
    .title = TITLE,
    .default_base_url = "https://portal.cbrain.mcgill.ca",
    .fields = cbrain_fields,
    .caps = CAP_CREATE | CAP_INFO | CAP_REVOKE,
    .needs = cbrain_needs,
    .build = cbrain_build,
    .parse = cbrain_parse,
};
