/* Apideck Vault: POST /vault/sessions creates a short-lived Hosted Vault
 * session for one consumer; its session_uri is opened in a browser. There is
 * no endpoint to list, read or revoke sessions, so sesame tracks each one
 * until its session_length runs out. The options are checked against the
 * spec's Session schema before anything is sent. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../strpool.h"
#include "../util.h"
#include "tracked.h"

#define TITLE "Apideck Vault"
#define HOUR_S 3600
#define WEEK_S (7 * 24 * 3600)

static char *check_length(const char *value);

static const struct field apideck_fields[] = {
    {"api_key", "API key", FIELD_SECRET | FIELD_REQUIRED, "Unify API key, kept in the keyring",
     field_header_text},
    {"app_id", "Application id", FIELD_REQUIRED, "sent as x-apideck-app-id", field_header_text},
    {"consumer_id", "Consumer id", FIELD_REQUIRED, "sent as x-apideck-consumer-id",
     field_header_text},
    {"consumer_name", "Consumer name", 0, "default consumer_metadata.user_name", NULL},
    {"consumer_email", "Consumer e-mail", 0, "default consumer_metadata.email", field_email},
    {"redirect_uri", "Redirect URI", 0, "default redirect_uri", field_http_url},
    {"session_length", "Session length", 0, "default settings.session_length: 30m, 1h, 2d, 1w",
     check_length},
    {NULL, NULL, 0, NULL, NULL},
};

static struct op_needs apideck_needs(enum op op)
{
    struct op_needs n = {NULL, NULL};
    if (op == OP_CREATE)
        n.account_secrets = "api_key";
    return n;
}

/* ---- the Session schema ------------------------------------------------ */

enum kind { K_STRING, K_BOOL, K_OBJECT, K_ANY_OBJECT, K_ENUM_ARRAY, K_LENGTH };

struct prop {
    const char *name;
    enum kind kind;
    const struct prop *props;           /* K_OBJECT */
    const char *const *values;          /* K_ENUM_ARRAY, NULL-terminated */
    const char *what;                   /* K_ENUM_ARRAY: "a Unified API id" */
};

static const char *const unified_apis[] = {
    "accounting", "ats", "calendar", "crm", "csp", "customer-support", "ecommerce", "email",
    "email-marketing", "expense-management", "file-storage", "form", "hris", "lead", "payroll",
    "pos", "procurement", "project-management", "script", "sms", "spreadsheet",
    "subscription-analytics", "team-messaging", "issue-tracking", "time-registration",
    "transactional-email", "vault", "data-warehouse", NULL,
};
static const char *const allow_actions[] = {"delete", "disconnect", "reauthorize", "disable", NULL};

static const struct prop consumer_metadata_props[] = {
    {"account_name", K_STRING, NULL, NULL, NULL}, {"user_name", K_STRING, NULL, NULL, NULL},
    {"email", K_STRING, NULL, NULL, NULL},        {"image", K_STRING, NULL, NULL, NULL},
    {NULL, 0, NULL, NULL, NULL},
};

static const struct prop settings_props[] = {
    {"unified_apis", K_ENUM_ARRAY, NULL, unified_apis, "a Unified API id"},
    {"hide_resource_settings", K_BOOL, NULL, NULL, NULL},
    {"sandbox_mode", K_BOOL, NULL, NULL, NULL},
    {"isolation_mode", K_BOOL, NULL, NULL, NULL},
    {"session_length", K_LENGTH, NULL, NULL, NULL},
    {"show_logs", K_BOOL, NULL, NULL, NULL},
    {"show_suggestions", K_BOOL, NULL, NULL, NULL},
    {"show_sidebar", K_BOOL, NULL, NULL, NULL},
    {"auto_redirect", K_BOOL, NULL, NULL, NULL},
    {"hide_guides", K_BOOL, NULL, NULL, NULL},
    {"allow_actions", K_ENUM_ARRAY, NULL, allow_actions, "an action"},
    {NULL, 0, NULL, NULL, NULL},
};

static const struct prop theme_props[] = {
    {"favicon", K_STRING, NULL, NULL, NULL},
    {"logo", K_STRING, NULL, NULL, NULL},
    {"primary_color", K_STRING, NULL, NULL, NULL},
    {"sidepanel_background_color", K_STRING, NULL, NULL, NULL},
    {"sidepanel_text_color", K_STRING, NULL, NULL, NULL},
    {"vault_name", K_STRING, NULL, NULL, NULL},
    {"privacy_url", K_STRING, NULL, NULL, NULL},
    {"terms_url", K_STRING, NULL, NULL, NULL},
    {NULL, 0, NULL, NULL, NULL},
};

static const struct prop session_props[] = {
    {"consumer_metadata", K_OBJECT, consumer_metadata_props, NULL, NULL},
    {"redirect_uri", K_STRING, NULL, NULL, NULL},
    {"settings", K_OBJECT, settings_props, NULL, NULL},
    {"theme", K_OBJECT, theme_props, NULL, NULL},
    {"custom_consumer_settings", K_ANY_OBJECT, NULL, NULL, NULL},
    {NULL, 0, NULL, NULL, NULL},
};

static char *check_length(const char *value)
{
    int64_t secs;
    if (!duration_parse(value, &secs))
        return xstrdup("is not a duration like 30m, 1h, 2d or 1w");
    if (secs > WEEK_S)
        return xstrdup("is longer than the maximum of 1 week");
    return NULL;
}

static const char *kind_name(enum kind k)
{
    switch (k) {
    case K_STRING: case K_LENGTH: return "a string";
    case K_BOOL: return "true or false";
    case K_OBJECT: case K_ANY_OBJECT: return "an object";
    case K_ENUM_ARRAY: return "an array";
    }
    return "?";
}

static char *join_values(const char *const *v)
{
    char *acc = xstrdup("");
    for (size_t i = 0; v[i]; i++) {
        char *n = xasprintf("%s%s%s", acc, i ? ", " : "", v[i]);
        free(acc);
        acc = n;
    }
    return acc;
}

/* Check obj against props (additionalProperties false). path is "" at the
 * top, "settings." below. Returns 0 or ERR_USAGE with *error set. */
static int check_object(const cJSON *obj, const struct prop *props, const char *path,
                        char **error)
{
    const cJSON *it;
    cJSON_ArrayForEach(it, obj) {
        const char *key = it->string ? it->string : "";
        for (const cJSON *prev = obj->child; prev != it; prev = prev->next)
            if (prev->string && strcmp(prev->string, key) == 0)
                return build_fail(error, ERR_USAGE, "%s option %s%s is given twice",
                                          TITLE, path, key);
        const struct prop *p = props;
        while (p->name && strcmp(p->name, key) != 0)
            p++;
        if (!p->name) {
            char *names = xstrdup("");
            for (const struct prop *q = props; q->name; q++) {
                char *n = xasprintf("%s%s%s", names, q == props ? "" : ", ", q->name);
                free(names);
                names = n;
            }
            int rc = build_fail(error, ERR_USAGE,
                                        "%s option %s%s is not allowed (allowed here: %s)",
                                        TITLE, path, key, names);
            free(names);
            return rc;
        }
        bool ok;
        switch (p->kind) {
        case K_STRING: case K_LENGTH: ok = cJSON_IsString(it); break;
        case K_BOOL: ok = cJSON_IsBool(it); break;
        case K_OBJECT: case K_ANY_OBJECT: ok = cJSON_IsObject(it); break;
        case K_ENUM_ARRAY: ok = cJSON_IsArray(it); break;
        default: ok = false; break;
        }
        if (!ok)
            return build_fail(error, ERR_USAGE, "%s option %s%s must be %s", TITLE, path,
                                      key, kind_name(p->kind));
        if (p->kind == K_LENGTH) {
            int64_t secs;
            if (!duration_parse(it->valuestring, &secs))
                return build_fail(error, ERR_USAGE,
                                          "%s option %s%s: \"%s\" is not a duration like 30m, "
                                          "1h, 2d or 1w", TITLE, path, key, it->valuestring);
            if (secs > WEEK_S)
                return build_fail(error, ERR_USAGE,
                                          "%s option %s%s: \"%s\" is longer than the maximum "
                                          "of 1 week", TITLE, path, key, it->valuestring);
        }
        if (p->kind == K_ENUM_ARRAY) {
            int i = 0;
            const cJSON *e;
            cJSON_ArrayForEach(e, it) {
                const char *const *v = p->values;
                while (cJSON_IsString(e) && *v && strcmp(*v, e->valuestring) != 0)
                    v++;
                if (!cJSON_IsString(e) || !*v) {
                    char *all = join_values(p->values);
                    char *shown = cJSON_IsString(e) ? xasprintf("\"%s\"", e->valuestring)
                                                    : xstrdup("a non-string");
                    int rc = build_fail(error, ERR_USAGE,
                                                "%s option %s%s[%d]: %s is not %s (one of: %s)",
                                                TITLE, path, key, i, shown, p->what, all);
                    free(shown);
                    free(all);
                    return rc;
                }
                i++;
            }
        }
        if (p->kind == K_OBJECT) {
            char *sub = xasprintf("%s%s.", path, key);
            int rc = check_object(it, p->props, sub, error);
            free(sub);
            if (rc)
                return rc;
        }
    }
    return 0;
}

/* Give obj[key] = value unless obj already says something about key. */
static void fill_default(cJSON *obj, const char *key, const char *value)
{
    if (!str_empty(value) && !cJSON_GetObjectItemCaseSensitive(obj, key))
        cJSON_AddStringToObject(obj, key, value);
}

/* obj[key] as an object (made, or replacing a non-object when lenient). */
static cJSON *sub_object(cJSON *obj, const char *key)
{
    cJSON *o = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (cJSON_IsObject(o))
        return o;
    if (o) {
        o = cJSON_CreateObject();
        cJSON_ReplaceItemInObjectCaseSensitive(obj, key, o);
        return o;
    }
    return cJSON_AddObjectToObject(obj, key);
}

/* The request body: args->options_json checked against the schema, with
 * the account's defaults where the options say nothing. NULL with *rc and
 * *error set when the options (or the defaults) break the schema. Lenient
 * (for parse(), which only reads it back): never NULL, nothing checked. */
static cJSON *session_body(const struct account *acct, const struct op_args *args,
                           bool lenient, char **error, int *rc)
{
    const char *opts = args ? args->options_json : NULL;
    cJSON *body;
    *rc = 0;
    if (lenient) {
        body = str_empty(opts) ? NULL : cJSON_Parse(opts);
        if (!cJSON_IsObject(body)) {
            cJSON_Delete(body);
            body = cJSON_CreateObject();
        }
    } else if (str_empty(opts)) {
        body = cJSON_CreateObject();
    } else {
        body = cJSON_Parse(opts);
        if (!body) {
            *rc = build_fail(error, ERR_USAGE, "%s options are not valid JSON", TITLE);
            return NULL;
        }
        if (!cJSON_IsObject(body)) {
            cJSON_Delete(body);
            *rc = build_fail(error, ERR_USAGE, "%s options must be a JSON object", TITLE);
            return NULL;
        }
        *rc = check_object(body, session_props, "", error);
        if (*rc) {
            cJSON_Delete(body);
            return NULL;
        }
    }
    const char *name = account_field(acct, "consumer_name");
    const char *email = account_field(acct, "consumer_email");
    if (!str_empty(name) || !str_empty(email)) {
        cJSON *meta = sub_object(body, "consumer_metadata");
        fill_default(meta, "user_name", name);
        fill_default(meta, "email", email);
    }
    fill_default(body, "redirect_uri", account_field(acct, "redirect_uri"));
    const char *len = account_field(acct, "session_length");
    const cJSON *settings = cJSON_GetObjectItemCaseSensitive(body, "settings");
    if (!str_empty(len) && !cJSON_GetObjectItemCaseSensitive(settings, "session_length")) {
        int64_t secs;
        if (!lenient && (!duration_parse(len, &secs) || secs > WEEK_S)) {
            cJSON_Delete(body);
            *rc = build_fail(error, ERR_CONFIG,
                                     "%s account: session length \"%s\" is not a duration of "
                                     "at most 1 week like 30m, 1h, 2d or 1w", TITLE, len);
            return NULL;
        }
        fill_default(sub_object(body, "settings"), "session_length", len);
    }
    return body;
}

static int build_check(const struct account *acct, const struct secret_bag *secrets,
                       const char *app, const char *consumer, struct http_request *out,
                       char **error)
{
    int rc = 0;
    const char *key = tracked_need_secret(secrets, TITLE, "api_key", "API key", true, error, &rc);
    if (!key)
        return rc;
    http_request_init(out, "GET", HTTP_IDEMPOTENT);
    tracked_set_url(out, &provider_apideck, acct, "/vault/connections");
    http_request_add_header(out, "Authorization: Bearer %s", key);
    http_request_add_header(out, "x-apideck-app-id: %s", app);
    http_request_add_header(out, "x-apideck-consumer-id: %s", consumer);
    http_request_add_header(out, "Accept: application/json");
    return 0;
}

static int apideck_build(const struct account *acct, enum op op, const struct op_args *args,
                         const struct secret_bag *secrets, struct http_request *out,
                         char **error)
{
    int rc = 0;
    if (op != OP_CREATE && op != OP_CHECK)
        return build_fail(error, ERR_USAGE,
                                  "Apideck Vault sessions can only be created (there is no "
                                  "endpoint to read or revoke them)");
    const char *app = tracked_need_field(acct, TITLE, "app_id", "application id", true, error, &rc);
    if (!app)
        return rc;
    const char *consumer =
        tracked_need_field(acct, TITLE, "consumer_id", "consumer id", true, error, &rc);
    if (!consumer)
        return rc;
    if (op == OP_CHECK) /* the cheapest read that needs the key, app and consumer */
        return build_check(acct, secrets, app, consumer, out, error);
    cJSON *body = session_body(acct, args, false, error, &rc);
    if (!body)
        return rc;
    const char *key = tracked_need_secret(secrets, TITLE, "api_key", "API key", true, error, &rc);
    if (!key) {
        cJSON_Delete(body);
        return rc;
    }
    char *text = cJSON_PrintUnformatted(body);
    cJSON_Delete(body);
    http_request_init(out, "POST", 0);
    tracked_set_url(out, &provider_apideck, acct, "/vault/sessions");
    http_request_add_header(out, "Authorization: Bearer %s", key);
    http_request_add_header(out, "x-apideck-app-id: %s", app);
    http_request_add_header(out, "x-apideck-consumer-id: %s", consumer);
    http_request_add_header(out, "Content-Type: application/json");
    http_request_add_header(out, "Accept: application/json");
    http_request_set_body(out, text ? text : "{}", text ? strlen(text) : 2);
    cJSON_free(text);
    return 0;
}

/* ---- answers ----------------------------------------------------------- */

/* Seconds the created session lives: settings.session_length of the body
 * that was sent; 1 h when absent or unreadable, at most 1 week. */
static int64_t session_seconds(const cJSON *body)
{
    const cJSON *settings = cJSON_GetObjectItemCaseSensitive(body, "settings");
    int64_t secs;
    if (!duration_parse(json_str(settings, "session_length"), &secs))
        return HOUR_S;
    return secs > WEEK_S ? WEEK_S : secs;
}

/* "Ada <ada@example.com>", "Ada", "ada@example.com" or the consumer id. */
static char *consumer_display(const struct account *acct, const cJSON *body)
{
    const cJSON *meta = cJSON_GetObjectItemCaseSensitive(body, "consumer_metadata");
    const char *name = json_str(meta, "user_name");
    if (str_empty(name))
        name = json_str(meta, "account_name");
    const char *email = json_str(meta, "email");
    char *raw;
    if (!str_empty(name) && !str_empty(email))
        raw = xasprintf("%s <%s>", name, email);
    else if (!str_empty(name) || !str_empty(email))
        raw = xstrdup(!str_empty(name) ? name : email);
    else
        raw = xstrdup(account_field(acct, "consumer_id"));
    char *clean = raw ? sanitize_text(raw) : NULL;
    free(raw);
    return clean;
}

/* The detail of an error: a string, or an object's message, or the object
 * itself in short (without its debug part). NULL if none. */
static char *error_detail(const cJSON *detail)
{
    if (cJSON_IsString(detail))
        return str_empty(detail->valuestring) ? NULL : xstrdup(detail->valuestring);
    if (!cJSON_IsObject(detail))
        return NULL;
    const char *msg = json_str(detail, "message");
    if (!str_empty(msg))
        return xstrdup(msg);
    cJSON *copy = cJSON_Duplicate(detail, true);
    cJSON_DeleteItemFromObjectCaseSensitive(copy, "debug");
    char *s = json_compact(copy);
    cJSON_Delete(copy);
    if (strcmp(s, "{}") == 0) {
        free(s);
        return NULL;
    }
    if (strlen(s) > 120)
        strcpy(s + 117, "...");
    return s;
}

/* "; downstream: CODE: message (+2 more)" or NULL. */
static char *downstream(const cJSON *arr)
{
    int n = cJSON_IsArray(arr) ? cJSON_GetArraySize(arr) : 0;
    if (n <= 0)
        return NULL;
    const cJSON *first = cJSON_GetArrayItem(arr, 0);
    const char *code = json_str(first, "code");
    const char *msg = json_str(first, "message");
    char more[32] = "";
    if (n > 1)
        snprintf(more, sizeof more, " (+%d more)", n - 1);
    return xasprintf("; downstream: %s%s%s%s", code ? code : "", code && msg ? ": " : "",
                     msg ? msg : (code ? "" : "error"), more);
}

static void apideck_error(const struct http_response *resp, const cJSON *j,
                          struct op_result *out)
{
    int err = tracked_ok(resp->status) ? ERR_PROVIDER : err_for_status(resp->status);
    const char *type = json_str(j, "type_name");
    const char *reason = json_str(j, "error");
    const char *msg = json_str(j, "message");
    if (str_empty(type))
        type = reason;
    if (str_empty(msg))
        msg = type == reason ? NULL : reason;
    if (str_empty(type) && str_empty(msg)) {
        result_bad_shape(out, TITLE, resp, "error without type_name, error or message");
        return;
    }
    char *det = error_detail(cJSON_GetObjectItemCaseSensitive(j, "detail"));
    if (det && msg && strcmp(det, msg) == 0) {
        free(det);
        det = NULL;
    }
    char *down = downstream(cJSON_GetObjectItemCaseSensitive(j, "downstream_errors"));
    result_fail(out, err, "HTTP %ld from %s: %s%s%s%s%s%s%s", resp->status, TITLE,
                type ? type : "", type && msg ? ": " : "", msg ? msg : "", det ? " (" : "",
                det ? det : "", det ? ")" : "", down ? down : "");
    free(det);
    free(down);
}

static void parse_created(const struct account *acct, const struct op_args *args,
                          const struct http_response *resp, struct op_result *out)
{
    cJSON *j = tracked_parse_body(TITLE, resp, out);
    if (!j)
        return;
    cJSON *data = cJSON_GetObjectItemCaseSensitive(j, "data");
    if (!cJSON_IsObject(j)) {
        result_bad_shape(out, TITLE, resp, "answer is not an object");
        goto out;
    }
    if (!cJSON_IsObject(data)) {
        if (json_str(j, "type_name") || json_str(j, "error"))
            apideck_error(resp, j, out);
        else
            result_bad_shape(out, TITLE, resp, "no data object");
        goto out;
    }
    const char *uri = json_str(data, "session_uri");
    const char *token = json_str(data, "session_token");
    if (str_empty(token)) {
        result_bad_shape(out, TITLE, resp, "data without session_token");
        goto out;
    }
    if (str_empty(uri)) {
        result_bad_shape(out, TITLE, resp, "data without a session_uri");
        goto out;
    }

    int rc;
    cJSON *sent = session_body(acct, args, true, NULL, &rc); /* what build() sent */
    int64_t now = tracked_now(args);
    char *id = session_id_from_secret("vault", token);
    struct session *s = tracked_session(out, acct, id, SESSION_ACTIVE);
    free(id);
    s->created_ms = now;
    s->last_active_ms = now;
    s->expires_ms = now + session_seconds(sent) * 1000;
    s->user_display = strpool_take(consumer_display(acct, sent));
    const char *consumer = account_field(acct, "consumer_id");
    s->user_id = consumer ? strpool_take(sanitize_text(consumer)) : NULL;
    /* A URI that is not an http(s) URL is kept (sanitised: O shows it) and
     * the session tracked all the same: it is live at Apideck. Only opening
     * it is refused: has_url stays false. */
    s->has_url = http_url_openable(uri);
    cJSON_Delete(sent);
    secret_bag_put(&out->new_secrets, "session_token", token);
    char *kept = s->has_url ? xstrdup(uri) : sanitize_text(uri);
    secret_bag_put(&out->new_secrets, "session_uri", kept);
    wipe_free(out->url);
    out->url = kept;

    /* raw_json: the answer without the token, the URI (it holds the token)
     * and _raw (the server's raw answer, which may repeat them) */
    static const char *const secret_keys[] = {"session_uri", "session_token"};
    for (size_t i = 0; i < ARRAY_LEN(secret_keys); i++) {
        cJSON *item = cJSON_DetachItemFromObjectCaseSensitive(data, secret_keys[i]);
        if (item && cJSON_IsString(item))
            wipe(item->valuestring, strlen(item->valuestring));
        cJSON_Delete(item);
    }
    cJSON_DeleteItemFromObjectCaseSensitive(j, "_raw");
    s->raw_json = tracked_raw_json(j);
out:
    cJSON_Delete(j);
}

/* GET /vault/connections: {status_code, status, data: [Connection]}. */
static void parse_checked(const struct http_response *resp, struct op_result *out)
{
    cJSON *j = parse_json_body(TITLE, resp, out);
    if (j && !cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(j, "data")))
        result_bad_shape(out, TITLE, resp, "connections without a data list");
    cJSON_Delete(j);
}

static void apideck_parse(const struct account *acct, enum op op, const struct op_args *args,
                          const struct http_response *resp, struct op_result *out)
{
    if (result_redirect(TITLE, resp, out))
        return;
    if (op != OP_CREATE && op != OP_CHECK) {
        result_fail(out, ERR_INTERNAL, "%s: no answer expected for this operation", TITLE);
        return;
    }
    if (tracked_ok(resp->status)) {
        if (op == OP_CHECK)
            parse_checked(resp, out);
        else
            parse_created(acct, args, resp, out);
        return;
    }
    cJSON *j = parse_json_body(TITLE, resp, out);
    if (!j)
        return;
    if (cJSON_IsObject(j))
        apideck_error(resp, j, out);
    else
        result_bad_shape(out, TITLE, resp, "error body is not an object");
    cJSON_Delete(j);
}

const struct provider provider_apideck = {
    .id = "apideck",
    .title = TITLE,
    .default_base_url = "https://unify.apideck.com",
    .fields = apideck_fields,
    .caps = CAP_CREATE | CAP_OPEN_URL | CAP_CHECK,
    .needs = apideck_needs,
    .build = apideck_build,
    .parse = apideck_parse,
};
