/* Helpers of the tracked-session providers (Plantly, CBRAIN, Apideck Vault). */
#include "tracked.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../strpool.h"
#include "../strslab.h"
#include "../util.h"

int64_t tracked_now(const struct op_args *args)
{
    return args && args->now_ms ? args->now_ms : now_ms();
}

void tracked_set_url(struct http_request *out, const struct provider *p,
                     const struct account *a, const char *path)
{
    const char *base = provider_base_url(p, a);
    if (!base)
        base = p->default_base_url;
    size_t n = strlen(base);
    while (n > 0 && base[n - 1] == '/')
        n--;
    http_request_set_url(out, "%.*s%s", (int)n, base, path);
}

bool tracked_header_value_ok(const char *v)
{
    if (str_empty(v))
        return false;
    for (const unsigned char *s = (const unsigned char *)v; *s; s++)
        if (*s < 0x20 || *s == 0x7f)
            return false;
    return true;
}

const char *tracked_need_field(const struct account *a, const char *title, const char *key,
                               const char *label, bool header, char **error, int *rc)
{
    const char *v = account_field(a, key);
    if (str_empty(v)) {
        *rc = build_fail(error, ERR_CONFIG, "%s account has no %s (%s): edit the account",
                                 title, label, key);
        return NULL;
    }
    if (header && !tracked_header_value_ok(v)) {
        *rc = build_fail(error, ERR_CONFIG,
                                 "%s account: %s (%s) contains control characters", title,
                                 label, key);
        return NULL;
    }
    return v;
}

const char *tracked_need_secret(const struct secret_bag *s, const char *title, const char *kind,
                                const char *what, bool header, char **error, int *rc)
{
    const char *v = s ? secret_bag_get(s, kind) : NULL;
    if (str_empty(v)) {
        *rc = build_fail(error, ERR_KEYRING, "%s: no %s in the keyring (kind %s)",
                                 title, what, kind);
        return NULL;
    }
    if (header && !tracked_header_value_ok(v)) {
        *rc = build_fail(error, ERR_KEYRING,
                                 "%s: the stored %s contains control characters", title, what);
        return NULL;
    }
    return v;
}

cJSON *tracked_parse_body(const char *title, const struct http_response *resp,
                          struct op_result *out)
{
    if (tracked_ok(resp->status) && resp->body && resp->body_len > 0) {
        cJSON *j = cJSON_ParseWithLength(resp->body, resp->body_len);
        if (j)
            return j;
        size_t i = 0;
        while (i < resp->body_len && strchr(" \t\r\n", resp->body[i]) && resp->body[i])
            i++;
        if (i < resp->body_len && (resp->body[i] == '{' || resp->body[i] == '[')) {
            result_fail(out, err_for_status(resp->status),
                        "HTTP %ld from %s: body is not JSON (truncated or malformed, %zu bytes, "
                        "not shown: it may hold tokens)",
                        resp->status, title, resp->body_len);
            return NULL;
        }
    }
    return parse_json_body(title, resp, out);
}

struct session *tracked_session(struct op_result *out, const struct account *a,
                                const char *id, enum session_status status)
{
    struct session *s = session_list_push(&out->sessions);
    s->id = strslab_dup(id);
    s->account_id = strpool_get(a ? a->id : NULL);
    s->status = status;
    s->tracked = true;
    return s;
}

char *tracked_raw_json(const cJSON *obj)
{
    char *compact = json_compact(obj);
    char *clean = sanitize_text(compact);
    free(compact);
    return clean;
}

bool tracked_expiry(int64_t now, const cJSON *v, int64_t *expires_ms, bool *unknown)
{
    *expires_ms = 0;
    *unknown = !v || cJSON_IsNull(v);
    if (*unknown)
        return true;
    if (!cJSON_IsNumber(v))
        return false;
    double d = v->valuedouble;
    if (!(d > 0 && d <= 10.0 * 366 * 86400) || d != (double)(int64_t)d) /* NaN fails too */
        return false;
    *expires_ms = now + (int64_t)d * 1000;
    return true;
}
