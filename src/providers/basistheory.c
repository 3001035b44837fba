/* Basis Theory sessions (specs/basistheory.json, NOTES.md section 2).
 * There is no list: sesame creates a session with the public application
 * key (POST /sessions, no body), keeps its session_key and nonce in the
 * keyring and tracks it until expires_at; the private application key then
 * authorizes it (POST /sessions/authorize {nonce, permissions | rules}). */
#include "common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../strpool.h"
#include "../strslab.h"
#include "../util.h"

#define TITLE "Basis Theory"
#define DEFAULT_TTL_MS (3 * 60 * 1000) /* docs: "3 minutes after creation" */
#define MAX_PERMISSIONS 50             /* AuthorizeSessionRequest.permissions maxItems */

static const struct field bt_fields[] = {
    {"public_key", "Public application key", FIELD_SECRET | FIELD_REQUIRED,
     "creates sessions (BT-API-KEY of a public application), kept in the keyring",
     field_header_text},
    {"private_key", "Private application key", FIELD_SECRET,
     "authorizes sessions (BT-API-KEY of a private application), kept in the keyring",
     field_header_text},
    {NULL, NULL, 0, NULL, NULL},
};

static struct op_needs bt_needs(enum op op)
{
    struct op_needs n = {NULL, NULL};
    if (op == OP_CREATE) {
        n.account_secrets = "public_key";
    } else if (op == OP_AUTHORIZE) {
        n.account_secrets = "private_key";
        n.session_secrets = "nonce";
    }
    return n;
}

/* ---- build ---------------------------------------------------------------- */

static int base_len(const char *base)
{
    size_t n = strlen(base);
    while (n > 0 && base[n - 1] == '/')
        n--;
    return (int)n;
}

/* The API key for the header, or an error. */
static const char *need_key(const struct secret_bag *secrets, const char *kind, const char *what,
                            char **error, int *rc)
{
    const char *key = secrets ? secret_bag_get(secrets, kind) : NULL;
    if (str_empty(key)) {
        *rc = build_fail(error, ERR_KEYRING,
                         "no Basis Theory %s in the keyring for this account: edit the account "
                         "and enter it", what);
        return NULL;
    }
    if (has_control_chars(key)) {
        *rc = build_fail(error, ERR_USAGE,
                         "the Basis Theory %s holds control characters: enter it again", what);
        return NULL;
    }
    return key;
}

static const char *json_type_name(const cJSON *v)
{
    if (cJSON_IsString(v)) return "a string";
    if (cJSON_IsNumber(v)) return "a number";
    if (cJSON_IsBool(v)) return "a boolean";
    if (cJSON_IsNull(v)) return "null";
    if (cJSON_IsArray(v)) return "an array";
    if (cJSON_IsObject(v)) return "an object";
    return "invalid";
}

static bool string_or_null(const cJSON *v)
{
    return cJSON_IsString(v) || cJSON_IsNull(v);
}

/* [string] | null; "where" names it in the message. */
static bool check_strings(const cJSON *v, const char *where, size_t max, char **error)
{
    if (cJSON_IsNull(v))
        return true;
    if (!cJSON_IsArray(v)) {
        build_fail(error, ERR_USAGE, "%s must be an array of strings, not %s", where,
                   json_type_name(v));
        return false;
    }
    size_t n = 0;
    const cJSON *s;
    cJSON_ArrayForEach(s, v) {
        if (!cJSON_IsString(s)) {
            build_fail(error, ERR_USAGE, "%s[%zu] must be a string, not %s", where, n,
                       json_type_name(s));
            return false;
        }
        n++;
    }
    if (max && n > max) {
        build_fail(error, ERR_USAGE, "%s holds %zu items; at most %zu are allowed", where, n,
                   max);
        return false;
    }
    return true;
}

/* Condition: {attribute, operator, value}, each string | null, nothing else. */
static bool check_condition(const cJSON *c, size_t ri, size_t ci, char **error)
{
    if (!cJSON_IsObject(c)) {
        build_fail(error, ERR_USAGE, "rules[%zu].conditions[%zu] must be an object, not %s", ri,
                   ci, json_type_name(c));
        return false;
    }
    const cJSON *m;
    cJSON_ArrayForEach(m, c) {
        const char *k = m->string;
        if (strcmp(k, "attribute") != 0 && strcmp(k, "operator") != 0 &&
            strcmp(k, "value") != 0) {
            build_fail(error, ERR_USAGE,
                       "rules[%zu].conditions[%zu]: unknown key \"%s\" (allowed: attribute, "
                       "operator, value)", ri, ci, k);
            return false;
        }
        if (!string_or_null(m)) {
            build_fail(error, ERR_USAGE, "rules[%zu].conditions[%zu].%s must be a string, not %s",
                       ri, ci, k, json_type_name(m));
            return false;
        }
    }
    return true;
}

/* AccessRule: description, priority (int32), container, transform,
 * conditions [Condition], permissions [string]; all nullable. */
static bool check_rule(const cJSON *r, size_t ri, char **error)
{
    if (!cJSON_IsObject(r)) {
        build_fail(error, ERR_USAGE, "rules[%zu] must be an object, not %s", ri,
                   json_type_name(r));
        return false;
    }
    const cJSON *m;
    cJSON_ArrayForEach(m, r) {
        const char *k = m->string;
        if (strcmp(k, "description") == 0 || strcmp(k, "container") == 0 ||
            strcmp(k, "transform") == 0) {
            if (!string_or_null(m)) {
                build_fail(error, ERR_USAGE, "rules[%zu].%s must be a string, not %s", ri, k,
                           json_type_name(m));
                return false;
            }
        } else if (strcmp(k, "priority") == 0) {
            if (cJSON_IsNull(m))
                continue;
            double d = m->valuedouble;
            if (!cJSON_IsNumber(m) || !(d >= -2147483648.0 && d <= 2147483647.0) ||
                d != (double)(long)d) {
                build_fail(error, ERR_USAGE, "rules[%zu].priority must be a 32-bit integer", ri);
                return false;
            }
        } else if (strcmp(k, "conditions") == 0) {
            if (cJSON_IsNull(m))
                continue;
            if (!cJSON_IsArray(m)) {
                build_fail(error, ERR_USAGE, "rules[%zu].conditions must be an array, not %s",
                           ri, json_type_name(m));
                return false;
            }
            size_t ci = 0;
            const cJSON *c;
            cJSON_ArrayForEach(c, m)
                if (!check_condition(c, ri, ci++, error))
                    return false;
        } else if (strcmp(k, "permissions") == 0) {
            char where[48];
            snprintf(where, sizeof where, "rules[%zu].permissions", ri);
            if (!check_strings(m, where, 0, error))
                return false;
        } else {
            build_fail(error, ERR_USAGE,
                       "rules[%zu]: unknown key \"%s\" (allowed: description, priority, "
                       "container, transform, conditions, permissions)", ri, k);
            return false;
        }
    }
    return true;
}

/* The authorize options: a JSON object with permissions and/or rules and
 * an optional expires_at, as AuthorizeSessionRequest takes them (the nonce
 * comes from the keyring). Returns the parsed object or NULL with *error. */
static cJSON *check_options(const char *json, char **error)
{
    if (str_empty(json)) {
        build_fail(error, ERR_USAGE,
                   "Basis Theory authorize needs options: {\"permissions\": [...]} or "
                   "{\"rules\": [...]}");
        return NULL;
    }
    cJSON *o = cJSON_Parse(json);
    if (!cJSON_IsObject(o)) {
        build_fail(error, ERR_USAGE,
                   "Basis Theory authorize options must be a JSON object with permissions "
                   "or rules");
        cJSON_Delete(o);
        return NULL;
    }
    bool grants = false;
    const cJSON *m;
    cJSON_ArrayForEach(m, o) {
        const char *k = m->string;
        if (strcmp(k, "permissions") == 0) {
            if (!check_strings(m, "permissions", MAX_PERMISSIONS, error))
                goto bad;
            grants |= cJSON_GetArraySize(m) > 0;
        } else if (strcmp(k, "rules") == 0) {
            if (cJSON_IsNull(m))
                continue;
            if (!cJSON_IsArray(m)) {
                build_fail(error, ERR_USAGE, "rules must be an array of access rules, not %s",
                           json_type_name(m));
                goto bad;
            }
            size_t ri = 0;
            const cJSON *r;
            cJSON_ArrayForEach(r, m)
                if (!check_rule(r, ri++, error))
                    goto bad;
            grants |= ri > 0;
        } else if (strcmp(k, "expires_at") == 0) {
            int64_t ms;
            if (cJSON_IsNull(m))
                continue;
            if (!cJSON_IsString(m) || !parse_iso8601_ms(m->valuestring, &ms)) {
                build_fail(error, ERR_USAGE,
                           "expires_at must be an ISO 8601 date-time such as "
                           "\"2030-01-09T20:14:55Z\"");
                goto bad;
            }
        } else if (strcmp(k, "nonce") == 0) {
            build_fail(error, ERR_USAGE,
                       "do not give a nonce: sesame sends the one kept for the session");
            goto bad;
        } else {
            build_fail(error, ERR_USAGE,
                       "unknown authorize option \"%s\" (allowed: permissions, rules, "
                       "expires_at)", k);
            goto bad;
        }
    }
    if (!grants) {
        build_fail(error, ERR_USAGE,
                   "Basis Theory authorize needs a non-empty permissions or rules list");
        goto bad;
    }
    return o;
bad:
    cJSON_Delete(o);
    return NULL;
}

/* AuthorizeSessionRequest: nonce, then the options in the spec's order.
 * The nonce is referenced, not copied; the caller wipes the result. */
static char *authorize_body(const char *nonce, const cJSON *opts)
{
    static const char *const keys[] = {"expires_at", "permissions", "rules"};
    cJSON *o = cJSON_CreateObject();
    cJSON_AddItemToObject(o, "nonce", cJSON_CreateStringReference(nonce));
    for (size_t i = 0; i < ARRAY_LEN(keys); i++) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(opts, keys[i]);
        if (v && !cJSON_IsNull(v))
            cJSON_AddItemToObject(o, keys[i], cJSON_Duplicate(v, true));
    }
    char *s = json_print_secret(o);
    cJSON_Delete(o);
    return s;
}

/* "{}" or nothing: create takes no body. */
static bool no_options(const char *json)
{
    if (str_empty(json))
        return true;
    cJSON *o = cJSON_Parse(json);
    bool empty = cJSON_IsObject(o) && o->child == NULL;
    cJSON_Delete(o);
    return empty;
}

static int bt_build(const struct account *acct, enum op op, const struct op_args *args,
                    const struct secret_bag *secrets, struct http_request *out, char **error)
{
    static const struct op_args no_args;
    if (!args)
        args = &no_args;
    const char *base = provider_base_url(&provider_basistheory, acct);
    int rc = 0;
    const char *key;
    switch (op) {
    case OP_CHECK: {
        /* the key given (public or private): whose application is it? */
        bool pub = secrets && secret_bag_get(secrets, "public_key");
        if (!(key = need_key(secrets, pub ? "public_key" : "private_key",
                             pub ? "public application key" : "private application key", error,
                             &rc)))
            return rc;
        http_request_init(out, "GET", HTTP_IDEMPOTENT);
        http_request_set_url(out, "%.*s/applications/key", base_len(base), base);
        http_request_add_header(out, "BT-API-KEY: %s", key);
        http_request_add_header(out, "Accept: application/json");
        return 0;
    }
    case OP_CREATE:
        if (!no_options(args->options_json))
            return build_fail(error, ERR_USAGE,
                              "Basis Theory creates sessions without options; give permissions "
                              "or rules when authorizing");
        if (!(key = need_key(secrets, "public_key", "public application key", error, &rc)))
            return rc;
        http_request_init(out, "POST", 0);
        http_request_set_url(out, "%.*s/sessions", base_len(base), base);
        http_request_add_header(out, "BT-API-KEY: %s", key);
        http_request_add_header(out, "Accept: application/json");
        return 0;
    case OP_AUTHORIZE: {
        if (str_empty(args->session_id))
            return build_fail(error, ERR_USAGE, "Basis Theory authorize needs a session id");
        cJSON *opts = check_options(args->options_json, error);
        if (!opts)
            return ERR_USAGE;
        const char *nonce = secrets ? secret_bag_get(secrets, "nonce") : NULL;
        if (str_empty(nonce)) {
            cJSON_Delete(opts);
            return build_fail(error, ERR_KEYRING,
                              "no nonce in the keyring for session %s: only a session created "
                              "by sesame can be authorized", args->session_id);
        }
        if (!(key = need_key(secrets, "private_key", "private application key", error, &rc))) {
            cJSON_Delete(opts);
            return rc;
        }
        char *body = authorize_body(nonce, opts);
        cJSON_Delete(opts);
        http_request_init(out, "POST", 0);
        http_request_set_url(out, "%.*s/sessions/authorize", base_len(base), base);
        http_request_add_header(out, "BT-API-KEY: %s", key);
        http_request_add_header(out, "Accept: application/json");
        http_request_add_header(out, "Content-Type: application/json");
        http_request_set_body(out, body, strlen(body));
        wipe_free(body);
        return 0;
    }
    default:
        return build_fail(error, ERR_USAGE,
                          "Basis Theory sessions can only be created and authorized, not %s",
                          op_name(op));
    }
}

/* ---- parse ---------------------------------------------------------------- */

static bool blank(const char *s, size_t n)
{
    if (!s)
        return true;
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
            return false;
    return true;
}

static const char *nonempty(const cJSON *o, const char *key)
{
    const char *s = json_str(o, key);
    return str_empty(s) ? NULL : s;
}

/* ValidationProblemDetails.errors: "field: msg; msg (+N more)" for the
 * first field with messages. Owned, or NULL. */
static char *field_errors(const cJSON *errors)
{
    if (!cJSON_IsObject(errors))
        return NULL;
    char *first = NULL;
    int more = 0;
    const cJSON *f;
    cJSON_ArrayForEach(f, errors) {
        char *msgs = NULL;
        const cJSON *m;
        if (cJSON_IsArray(f)) {
            cJSON_ArrayForEach(m, f) {
                if (!cJSON_IsString(m) || !m->valuestring[0])
                    continue;
                char *n = msgs ? xasprintf("%s; %s", msgs, m->valuestring)
                               : xstrdup(m->valuestring);
                free(msgs);
                msgs = n;
            }
        } else if (cJSON_IsString(f) && f->valuestring[0]) {
            msgs = xstrdup(f->valuestring);
        }
        if (!msgs)
            continue;
        if (first) {
            more++;
        } else {
            first = f->string && f->string[0] ? xasprintf("%s: %s", f->string, msgs)
                                              : xstrdup(msgs);
        }
        free(msgs);
    }
    if (first && more) {
        char *n = xasprintf("%s (+%d more)", first, more);
        free(first);
        first = n;
    }
    return first;
}

/* ProblemDetails / ValidationProblemDetails, an empty body, or the untyped
 * body of a 404. */
static void parse_error(const struct http_response *resp, struct op_result *out)
{
    long st = resp->status;
    int err = err_for_status(st);
    if (blank(resp->body, resp->body_len)) {
        if (st == 401)
            result_fail(out, err, "HTTP 401 from Basis Theory: unauthorized (check the API key)");
        else if (st == 403)
            result_fail(out, err,
                        "HTTP 403 from Basis Theory: forbidden (the key lacks a permission)");
        else if (st == 404)
            result_fail(out, err, "HTTP 404 from Basis Theory: not found");
        else
            result_fail(out, err, "HTTP %ld from Basis Theory: empty body", st);
        return;
    }
    cJSON *j = parse_json_body(TITLE, resp, out);
    if (!j)
        return;
    if (cJSON_IsString(j) && j->valuestring[0]) {
        result_fail(out, err, "HTTP %ld from Basis Theory: %s", st, j->valuestring);
    } else if (cJSON_IsObject(j)) {
        const char *title = nonempty(j, "title");
        char *why = xstrdup(nonempty(j, "detail"));
        if (!why)
            why = field_errors(cJSON_GetObjectItemCaseSensitive(j, "errors"));
        if (title && why)
            result_fail(out, err, "HTTP %ld from Basis Theory: %s: %s", st, title, why);
        else if (title || why)
            result_fail(out, err, "HTTP %ld from Basis Theory: %s", st, title ? title : why);
        else if (st == 404)
            result_fail(out, err, "HTTP 404 from Basis Theory: not found");
        else
            result_bad_shape(out, TITLE, resp, "an error without title or detail");
        free(why);
    } else if (st == 404) {
        result_fail(out, err, "HTTP 404 from Basis Theory: not found");
    } else {
        result_bad_shape(out, TITLE, resp, "an error that is not an object");
    }
    cJSON_Delete(j);
}

static void wipe_member(cJSON *o, const char *key)
{
    cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    if (cJSON_IsString(v))
        wipe(v->valuestring, strlen(v->valuestring));
}

/* 201 CreateSessionResponse {session_key, nonce, expires_at}. The body
 * holds secrets: a broken one is not previewed in the error. */
static void parse_create(const struct account *acct, const struct op_args *args,
                         const struct http_response *resp, struct op_result *out)
{
    cJSON *j = resp->body && resp->body_len
                   ? cJSON_ParseWithLength(resp->body, resp->body_len) : NULL;
    if (!j) {
        result_fail(out, err_for_status(resp->status), "HTTP %ld from Basis Theory: %s",
                    resp->status,
                    resp->body && resp->body_len ? "the new session is not JSON"
                                                 : "empty body instead of the new session");
        return;
    }
    const char *key = cJSON_IsObject(j) ? nonempty(j, "session_key") : NULL;
    const char *nonce = cJSON_IsObject(j) ? nonempty(j, "nonce") : NULL;
    if (!key || !nonce) {
        result_bad_shape(out, TITLE, resp, "no session_key and nonce in the new session");
        goto out;
    }
    int64_t now = args->now_ms ? args->now_ms : now_ms();
    struct session *s = session_list_push(&out->sessions);
    s->id = strslab_take(session_id_from_secret("bt", key));
    s->account_id = strpool_get(acct ? acct->id : NULL);
    s->status = SESSION_PENDING; /* no access until authorized */
    s->created_ms = now;
    s->tracked = true;
    int64_t exp;
    s->expires_ms = parse_iso8601_ms(json_str(j, "expires_at"), &exp) ? exp
                                                                       : now + DEFAULT_TTL_MS;
    secret_bag_put(&out->new_secrets, "session_key", key);
    secret_bag_put(&out->new_secrets, "nonce", nonce);

    cJSON *shown = cJSON_Duplicate(j, true);
    wipe_member(shown, "session_key"); /* the duplicate's copies are secrets too */
    wipe_member(shown, "nonce");
    cJSON_DeleteItemFromObjectCaseSensitive(shown, "session_key");
    cJSON_DeleteItemFromObjectCaseSensitive(shown, "nonce");
    char *raw = json_compact(shown);
    s->raw_json = sanitize_text(raw);
    free(raw);
    cJSON_Delete(shown);
out:
    if (cJSON_IsObject(j)) {
        wipe_member(j, "session_key"); /* cJSON frees without wiping */
        wipe_member(j, "nonce");
    }
    cJSON_Delete(j);
}

/* 200, no body: the session now has the access it was given. */
static void parse_authorize(const struct account *acct, const struct op_args *args,
                            struct op_result *out)
{
    if (str_empty(args->session_id)) {
        result_fail(out, ERR_INTERNAL, "Basis Theory authorize answered for no session");
        return;
    }
    struct session *s = session_list_push(&out->sessions);
    s->id = strslab_take(sanitize_text(args->session_id));
    s->account_id = strpool_get(acct ? acct->id : NULL);
    s->status = SESSION_ACTIVE;
    s->tracked = true;
    /* expires_at in the options moves the session's end (docs: "when the
     * session is deleted"). */
    cJSON *o = args->options_json ? cJSON_Parse(args->options_json) : NULL;
    int64_t exp;
    if (parse_iso8601_ms(json_str(o, "expires_at"), &exp))
        s->expires_ms = exp;
    cJSON_Delete(o);
}

/* GET /applications/key: the Application the key tried belongs to. Its
 * type must be the kind it was given as: a private key given as the
 * public one (or the same key twice) would be saved and fail at the first
 * create or authorize with a 403. A type the answer leaves out (it is
 * nullable) cannot be held against the key. */
static void parse_check(const struct op_args *args, const struct http_response *resp,
                        struct op_result *out)
{
    cJSON *j = parse_json_body(TITLE, resp, out);
    if (!j)
        return;
    const char *want = !args->check_kind ? NULL
                       : strcmp(args->check_kind, "public_key") == 0  ? "public"
                       : strcmp(args->check_kind, "private_key") == 0 ? "private" : NULL;
    const cJSON *type = cJSON_GetObjectItemCaseSensitive(j, "type");
    if (!cJSON_IsObject(j)) {
        result_bad_shape(out, TITLE, resp, "the application is not an object");
    } else if (type && !cJSON_IsNull(type) && !cJSON_IsString(type)) {
        result_bad_shape(out, TITLE, resp, "the application's type is not a string");
    } else if (want && cJSON_IsString(type) && strcmp(type->valuestring, want) != 0) {
        result_fail(out, ERR_PROVIDER, "Basis Theory says it is the key of a %s application, "
                    "not of a %s one (was a key given in the other's place, or twice?)",
                    type->valuestring, want);
        out->refused = true;
    }
    cJSON_Delete(j);
}

static void bt_parse(const struct account *acct, enum op op, const struct op_args *args,
                     const struct http_response *resp, struct op_result *out)
{
    if (result_redirect(TITLE, resp, out))
        return;
    static const struct op_args no_args;
    if (!args)
        args = &no_args;
    if (resp->status < 200 || resp->status >= 300) {
        parse_error(resp, out);
        return;
    }
    switch (op) {
    case OP_CHECK:
        parse_check(args, resp, out);
        break;
    case OP_CREATE:
        parse_create(acct, args, resp, out);
        break;
    case OP_AUTHORIZE:
        /* only the documented 200 with no body grants: an HTML page or a
         * JSON error sent with a 2xx, or a 204, says nothing was granted */
        if (answer_is_documented_empty(resp, 200))
            parse_authorize(acct, args, out);
        else
            result_not_documented(out, TITLE, "authorize", resp, 200);
        break;
    default:
        result_fail(out, ERR_INTERNAL, "Basis Theory cannot %s", op_name(op));
        break;
    }
}

/* Half of the tightest documented limit: a public application's 50
 * requests per minute (per IP and key), which creating sessions uses. */
static void bt_default_rate(const struct account *acct, const struct secret_bag *secrets,
                            struct rate *out)
{
    *out = (struct rate){25, 60000};
}

const struct provider provider_basistheory = {
    .id = "basistheory",
    .title = TITLE,
    .default_base_url = "https://api.basistheory.com",
    .fields = bt_fields,
    .caps = CAP_CREATE | CAP_AUTHORIZE | CAP_CHECK,
    .needs = bt_needs,
    .build = bt_build,
    .parse = bt_parse,
    .default_rate = bt_default_rate,
};
