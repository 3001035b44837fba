/* Plantly = the Gr4vy API (instance "plantly"), its login session on
 * /auth/sessions: POST logs in, PUT refreshes with the refresh token,
 * DELETE logs out with the access token. No list endpoint: the session is
 * tracked by sesame, its tokens kept in the keyring.
 *
 * A log out (OP_REVOKE) runs in steps told apart by args->phase:
 *   - DELETE with the access token; 204 with no body: ended (only that
 *     answer: any other 2xx is an unexpected one, and the tokens stay);
 *   - on 401 the access token is dead, which says nothing of the session:
 *     an access token lives an hour, the refresh token a month. So PUT
 *     with the refresh token: 401 there too, and both are refused: the
 *     session had ended already (args->gone); 200, and it was alive:
 *   - DELETE with the fresh access token (args->bearer). The fresh tokens
 *     are not kept: the session is being ended. Should that last request
 *     fail, they are lost, and the session dies with its access token
 *     within the hour, as no one holds its refresh token any more. */
#include <stdlib.h>
#include <string.h>

#include "../strpool.h"
#include "../util.h"
#include "tracked.h"

#define TITLE "Plantly"

enum logout_phase {
    LOGOUT_DELETE = 0,  /* DELETE with the stored access token */
    LOGOUT_REFRESH = 1, /* it was refused: PUT with the refresh token */
    LOGOUT_FRESH = 2,   /* that worked: DELETE with the fresh access token */
};

static const struct field plantly_fields[] = {
    {"email_address", "E-mail address", FIELD_REQUIRED, "the user to log in as", field_email},
    {"password", "Password", FIELD_SECRET | FIELD_REQUIRED, "kept in the keyring", NULL},
    {NULL, NULL, 0, NULL, NULL},
};

static struct op_needs plantly_needs(enum op op)
{
    struct op_needs n = {NULL, NULL};
    switch (op) {
    case OP_CREATE:
        n.account_secrets = "password";
        break;
    case OP_REFRESH:
        n.session_secrets = "refresh_token";
        break;
    case OP_REVOKE:
        n.session_secrets = "access_token,refresh_token";
        break;
    default:
        break;
    }
    return n;
}

static char *login_body(const char *email, const char *password)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "email_address", email);
    cJSON_AddStringToObject(o, "password", password);
    char *s = json_print_secret(o);
    cJSON *pw = cJSON_GetObjectItemCaseSensitive(o, "password");
    if (cJSON_IsString(pw))
        wipe(pw->valuestring, strlen(pw->valuestring)); /* cJSON frees without wiping */
    cJSON_Delete(o);
    return s;
}

static int plantly_build(const struct account *acct, enum op op, const struct op_args *args,
                         const struct secret_bag *secrets, struct http_request *out,
                         char **error)
{
    int rc = 0;
    const char *tok;
    switch (op) {
    case OP_CREATE: {
        const char *email = tracked_need_field(acct, TITLE, "email_address", "e-mail address",
                                               false, error, &rc);
        if (!email)
            return rc;
        const char *pw = tracked_need_secret(secrets, TITLE, "password", "password", false, error,
                                             &rc);
        if (!pw)
            return rc;
        char *body = login_body(email, pw);
        http_request_init(out, "POST", 0);
        tracked_set_url(out, &provider_plantly, acct, "/auth/sessions");
        http_request_add_header(out, "Content-Type: application/json");
        http_request_set_body(out, body, strlen(body));
        wipe_free(body);
        return 0;
    }
    case OP_REFRESH:
        tok = tracked_need_secret(secrets, TITLE, "refresh_token",
                                  "refresh token for this session (log in again)", true, error,
                                  &rc);
        if (!tok)
            return rc;
        http_request_init(out, "PUT", 0);
        tracked_set_url(out, &provider_plantly, acct, "/auth/sessions");
        http_request_add_header(out, "Authorization: Bearer %s", tok);
        return 0;
    case OP_REVOKE:
        if (args && args->phase == LOGOUT_REFRESH)
            tok = tracked_need_secret(secrets, TITLE, "refresh_token",
                                      "refresh token for this session", true, error, &rc);
        else if (args && args->phase == LOGOUT_FRESH)
            tok = tracked_header_value_ok(args->bearer) ? args->bearer : NULL;
        else
            tok = tracked_need_secret(secrets, TITLE, "access_token",
                                      "access token for this session", true, error, &rc);
        if (!tok)
            return rc ? rc : build_fail(error, ERR_INTERNAL, "%s: no fresh access token", TITLE);
        http_request_init(out, args && args->phase == LOGOUT_REFRESH ? "PUT" : "DELETE", 0);
        tracked_set_url(out, &provider_plantly, acct, "/auth/sessions");
        http_request_add_header(out, "Authorization: Bearer %s", tok);
        return 0;
    default:
        return build_fail(error, ERR_USAGE,
                                  "Plantly sessions can only be logged in, refreshed or logged out");
    }
}

/* "body.password: field required; query.x: ..." from details[], or NULL. */
static char *error_details(const cJSON *details)
{
    if (!cJSON_IsArray(details))
        return NULL;
    char *acc = NULL;
    const cJSON *d;
    int shown = 0, more = 0;
    cJSON_ArrayForEach(d, details) {
        if (shown == 3) {
            more++;
            continue;
        }
        const char *loc = json_str(d, "location");
        const char *ptr = json_str(d, "pointer");
        const char *msg = json_str(d, "message");
        const char *type = json_str(d, "type");
        if (!msg)
            msg = type;
        if (!loc && !ptr && !msg)
            continue;
        char *where;
        if (loc && ptr)
            where = xasprintf("%s%s%s", loc, ptr[0] == '/' ? "" : ".", ptr);
        else
            where = xstrdup(loc ? loc : ptr ? ptr : "");
        char *one = *where && msg ? xasprintf("%s: %s", where, msg)
                                  : xstrdup(*where ? where : msg);
        free(where);
        char *joined = acc ? xasprintf("%s; %s", acc, one) : xstrdup(one);
        free(acc);
        free(one);
        acc = joined;
        shown++;
    }
    if (acc && more) {
        char *joined = xasprintf("%s; +%d more", acc, more);
        free(acc);
        acc = joined;
    }
    return acc;
}

/* The documented error body, or the fallbacks; always sets out->err. */
static void plantly_error(enum op op, const struct http_response *resp, struct op_result *out)
{
    const char *hint = NULL;
    if (resp->status == 401)
        hint = op == OP_REVOKE    ? "session already invalid (logged out or access token expired)"
               : op == OP_REFRESH ? "refresh token no longer valid, log in again"
                                  : "login refused (wrong e-mail address or password)";
    int err = tracked_ok(resp->status) ? ERR_PROVIDER : err_for_status(resp->status);
    cJSON *j;
    if (hint) {
        /* the hint says it all when the body does not */
        j = resp->body ? cJSON_ParseWithLength(resp->body, resp->body_len) : NULL;
        if (!j) {
            result_fail(out, err, "HTTP %ld from %s: %s", resp->status, TITLE, hint);
            return;
        }
    } else {
        j = parse_json_body(TITLE, resp, out);
        if (!j)
            return;
    }
    const char *code = json_str(j, "code");
    const char *msg = json_str(j, "message");
    if (!code && !msg) {
        result_bad_shape(out, TITLE, resp, "error without code or message");
        cJSON_Delete(j);
        return;
    }
    char *det = error_details(cJSON_GetObjectItemCaseSensitive(j, "details"));
    result_fail(out, err, "HTTP %ld from %s: %s%s%s%s%s%s%s%s", resp->status, TITLE,
                hint ? hint : "", hint ? ": " : "", code ? code : "", code && msg ? ": " : "",
                msg ? msg : "", det ? " (" : "", det ? det : "", det ? ")" : "");
    free(det);
    cJSON_Delete(j);
}

/* 200 Session {type, token_type, access_token, refresh_token, expires_in}. */
static void parse_session(const struct account *acct, enum op op, const struct op_args *args,
                          const struct http_response *resp, struct op_result *out)
{
    cJSON *j = tracked_parse_body(TITLE, resp, out);
    if (!j)
        return;
    const char *type = json_str(j, "type");
    if (type && strcmp(type, "error") == 0) {
        cJSON_Delete(j);
        plantly_error(op, resp, out);
        return;
    }
    if (!cJSON_IsObject(j)) {
        result_bad_shape(out, TITLE, resp, "session is not an object");
        goto out;
    }
    const char *access = json_str(j, "access_token");
    const char *refresh = json_str(j, "refresh_token");
    const char *tt = json_str(j, "token_type");
    if (str_empty(access)) {
        result_bad_shape(out, TITLE, resp, "session without access_token");
        goto out;
    }
    if (op == OP_CREATE && str_empty(refresh)) {
        result_bad_shape(out, TITLE, resp, "session without refresh_token");
        goto out;
    }
    if (tt && strcmp(tt, "bearer") != 0) {
        result_bad_shape(out, TITLE, resp, "token_type is not bearer");
        goto out;
    }
    if (!tracked_header_value_ok(access) || (refresh && *refresh && !tracked_header_value_ok(refresh))) {
        result_bad_shape(out, TITLE, resp, "token with control characters");
        goto out;
    }

    int64_t now = tracked_now(args);
    /* optional (absent or null: not known), but one that came must be a
     * lifetime: -5, 3.5 or 1e300 is no answer to take a session's clock from */
    int64_t expires_ms;
    bool expiry_unknown;
    if (!tracked_expiry(now, cJSON_GetObjectItemCaseSensitive(j, "expires_in"), &expires_ms,
                        &expiry_unknown)) {
        result_bad_shape(out, TITLE, resp, "expires_in is not a lifetime in seconds "
                                           "(1 s to 10 years)");
        goto out;
    }
    char *id = op == OP_CREATE ? session_id_from_secret("plantly", refresh)
                               : xstrdup(args ? args->session_id : NULL);
    if (str_empty(id)) {
        free(id);
        result_fail(out, ERR_INTERNAL, "%s: refresh without a session id", TITLE);
        goto out;
    }
    struct session *s = tracked_session(out, acct, id, SESSION_ACTIVE);
    free(id);
    const char *email = account_field(acct, "email_address");
    s->user_display = email ? strpool_take(sanitize_text(email)) : NULL;
    s->created_ms = op == OP_CREATE ? now : 0; /* refresh: the stored one stands */
    s->last_active_ms = now;
    s->expires_ms = expires_ms;
    s->expiry_unknown = expiry_unknown; /* a refresh's: the old token's expiry is not this one's */
    secret_bag_put(&out->new_secrets, "access_token", access);
    if (!str_empty(refresh))
        secret_bag_put(&out->new_secrets, "refresh_token", refresh);

    /* raw_json: the Session as received, tokens wiped and removed */
    cJSON *item;
    static const char *const secret_keys[] = {"access_token", "refresh_token"};
    for (size_t i = 0; i < ARRAY_LEN(secret_keys); i++) {
        item = cJSON_DetachItemFromObjectCaseSensitive(j, secret_keys[i]);
        if (item && cJSON_IsString(item))
            wipe(item->valuestring, strlen(item->valuestring));
        cJSON_Delete(item);
    }
    s->raw_json = tracked_raw_json(j);
out:
    cJSON_Delete(j);
}

/* The session as a log out leaves it: ended, and dropped here with its
 * tokens; gone when Plantly had ended it already. */
static void logout_done(const struct account *acct, const struct op_args *args, bool gone,
                        struct op_result *out)
{
    struct session *s = tracked_session(out, acct, args->session_id, SESSION_ENDED);
    const char *email = account_field(acct, "email_address");
    s->user_display = email ? strpool_take(sanitize_text(email)) : NULL;
    out->forget_session = true;
    out->gone = gone;
}

/* The next step of a log out (the file's comment). */
static void parse_logout(const struct account *acct, const struct op_args *args,
                         const struct http_response *resp, struct op_result *out)
{
    static const struct op_args no_args;
    if (!args)
        args = &no_args;
    struct op_args next = *args; /* shallow: op_result_follow copies */
    if (args->phase == LOGOUT_DELETE && resp->status == 401) {
        next.phase = LOGOUT_REFRESH;
        op_result_follow(out, OP_REVOKE, &next);
    } else if (args->phase == LOGOUT_REFRESH && resp->status == 401) {
        logout_done(acct, args, true, out);
    } else if (args->phase == LOGOUT_REFRESH && resp->status == 200) {
        struct op_result fresh = {0};
        parse_session(acct, OP_REFRESH, args, resp, &fresh);
        if (fresh.err) {
            out->err = fresh.err;
            out->error = fresh.error;
            fresh.error = NULL;
        } else {
            next.phase = LOGOUT_FRESH;
            next.bearer = (char *)secret_bag_get(&fresh.new_secrets, "access_token");
            op_result_follow(out, OP_REVOKE, &next); /* copies the token */
        }
        op_result_free(&fresh);
    } else if (args->phase != LOGOUT_REFRESH && answer_is_documented_empty(resp, 204)) {
        logout_done(acct, args, false, out);
    } else if (args->phase != LOGOUT_REFRESH && tracked_ok(resp->status)) {
        /* a 200 page, a 202, a body that says "active": not the documented
         * 204, so nothing says the session ended; its tokens are kept */
        result_not_documented(out, TITLE, "log out", resp, 204);
    } else {
        plantly_error(args->phase == LOGOUT_REFRESH ? OP_REFRESH : OP_REVOKE, resp, out);
    }
}

static void plantly_parse(const struct account *acct, enum op op, const struct op_args *args,
                          const struct http_response *resp, struct op_result *out)
{
    if (result_redirect(TITLE, resp, out))
        return;
    switch (op) {
    case OP_CREATE:
    case OP_REFRESH:
        if (resp->status == 200 || resp->status == 201)
            parse_session(acct, op, args, resp, out);
        else
            plantly_error(op, resp, out);
        return;
    case OP_REVOKE:
        parse_logout(acct, args, resp, out);
        return;
    default:
        result_fail(out, ERR_INTERNAL, "%s: no answer expected for this operation", TITLE);
        return;
    }
}

const struct provider provider_plantly = {
    .id = "plantly",
    .title = TITLE,
    .default_base_url = "https://api.plantly.gr4vy.app",
    .fields = plantly_fields,
    .caps = CAP_CREATE | CAP_REFRESH | CAP_REVOKE,
    .needs = plantly_needs,
    .build = plantly_build,
    .parse = plantly_parse,
};
