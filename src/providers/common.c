#include "common.h"

#include <glib.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../util.h"

void result_fail(struct op_result *out, int err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *raw = xvasprintf(fmt, ap);
    va_end(ap);
    free(out->error);
    out->error = sanitize_text(raw);
    free(raw);
    out->err = err ? err : ERR_PROVIDER;
}

int build_fail(char **error, int err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *raw = xvasprintf(fmt, ap);
    va_end(ap);
    if (error) {
        free(*error);
        *error = sanitize_text(raw);
    }
    free(raw);
    return err;
}

bool has_control_chars(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f)
            return true;
    return false;
}

char *field_email(const char *value)
{
    const char *at = strchr(value, '@');
    const char *dot = at ? strrchr(at, '.') : NULL;
    bool ok = at && at != value && !strchr(at + 1, '@') && dot && dot > at + 1 && dot[1] &&
              !has_control_chars(value) && !strpbrk(value, " \t,;<>()[]\\\"");
    return ok ? NULL : xstrdup("is not an e-mail address (like ada@example.com)");
}

char *field_http_url(const char *value)
{
    const char *host = strncmp(value, "https://", 8) == 0 ? value + 8
                       : strncmp(value, "http://", 7) == 0 ? value + 7 : NULL;
    bool ok = host && *host && !strchr("/?#:@", *host) && !has_control_chars(value) &&
              !strchr(value, ' ');
    return ok ? NULL : xstrdup("is not an http:// or https:// URL");
}

char *field_header_text(const char *value)
{
    return has_control_chars(value) ? xstrdup("holds control characters") : NULL;
}

char *field_duration(const char *value)
{
    int64_t secs;
    return duration_parse(value, &secs) ? NULL : xstrdup("is not a duration like 10m, 1h or 2d");
}

char *field_session_window(const char *value)
{
    int64_t ms;
    return session_window_parse(value, &ms, NULL) == 0
        ? NULL : xstrdup("is not a duration such as 7d or 30d, or all");
}

int err_for_status(long status)
{
    return status == 0 || status >= 500 ? ERR_NETWORK : ERR_PROVIDER;
}

bool result_redirect(const char *title, const struct http_response *resp,
                     struct op_result *out)
{
    if (resp->status < 300 || resp->status >= 400)
        return false;
    if (str_empty(resp->location)) {
        result_fail(out, ERR_PROVIDER, "HTTP %ld from %s: a redirect without a Location, not "
                    "followed", resp->status, title);
        return true;
    }
    /* where to, without the query or fragment: they may carry a token */
    size_t n = strcspn(resp->location, "?#");
    result_fail(out, ERR_PROVIDER, "HTTP %ld from %s: redirect to %.*s%s not followed",
                resp->status, title, (int)(n > 200 ? 200 : n), resp->location,
                resp->location[n] || n > 200 ? "..." : "");
    return true;
}

cJSON *parse_json_body(const char *title, const struct http_response *resp,
                       struct op_result *out)
{
    if (!resp->body || resp->body_len == 0) {
        result_fail(out, err_for_status(resp->status), "HTTP %ld from %s: empty body",
                    resp->status, title);
        return NULL;
    }
    cJSON *j = cJSON_ParseWithLength(resp->body, resp->body_len);
    if (!j) {
        char *pre = escape_preview(resp->body, resp->body_len, 60);
        result_fail(out, err_for_status(resp->status),
                    "HTTP %ld from %s: body is not JSON (%s)", resp->status, title, pre);
        free(pre);
    }
    return j;
}

void result_bad_shape(struct op_result *out, const char *title,
                      const struct http_response *resp, const char *what)
{
    result_fail(out, resp->status >= 500 ? ERR_NETWORK : ERR_PROVIDER,
                "HTTP %ld from %s: unexpected answer: %s", resp->status, title, what);
}

bool answer_is_documented_empty(const struct http_response *resp, long documented)
{
    if (resp->status != documented)
        return false;
    for (size_t i = 0; resp->body && i < resp->body_len; i++)
        if (!strchr(" \t\r\n", resp->body[i]) || !resp->body[i])
            return false;
    return true;
}

char *answer_body_what(const struct http_response *resp)
{
    size_t i = 0;
    while (resp->body && i < resp->body_len && strchr(" \t\r\n", resp->body[i]) &&
           resp->body[i])
        i++;
    if (!resp->body || i == resp->body_len)
        return xstrdup("no body");
    const char *ct = resp->content_type ? resp->content_type : "";
    const char *what = "a body";
    if (resp->body[i] == '<' || g_ascii_strncasecmp(ct, "text/html", 9) == 0)
        what = "an HTML page";
    else if (resp->body[i] == '{' || resp->body[i] == '[')
        what = "a JSON body";
    else if (g_ascii_strncasecmp(ct, "text/", 5) == 0)
        what = "a text body";
    return xasprintf("%s of %zu bytes", what, resp->body_len);
}

void result_not_documented(struct op_result *out, const char *title, const char *what,
                           const struct http_response *resp, long documented)
{
    char *came = answer_body_what(resp);
    result_fail(out, ERR_PROVIDER, "HTTP %ld from %s: unexpected answer to the %s (%s), not "
                "the documented %ld with no body: it may not have been done", resp->status,
                title, what, came, documented);
    free(came);
}

const char *json_str(const cJSON *obj, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

char *json_dup_str(const cJSON *obj, const char *key)
{
    const char *s = json_str(obj, key);
    return s ? sanitize_text(s) : NULL;
}

bool json_int64(const cJSON *obj, const char *key, int64_t *out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (!cJSON_IsNumber(v))
        return false;
    double d = v->valuedouble;
    if (d != d || d > 9.2e18 || d < -9.2e18)
        return false;
    *out = (int64_t)d;
    return true;
}

bool json_bool(const cJSON *obj, const char *key, bool *out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (!cJSON_IsBool(v))
        return false;
    *out = cJSON_IsTrue(v);
    return true;
}

bool parse_iso8601_ms(const char *s, int64_t *out_ms)
{
    if (!s)
        return false;
    GDateTime *dt = g_date_time_new_from_iso8601(s, NULL);
    if (!dt) {
        /* A value without a zone is UTC in these APIs. */
        char *withz = g_strconcat(s, "Z", NULL);
        dt = g_date_time_new_from_iso8601(withz, NULL);
        g_free(withz);
    }
    if (!dt)
        return false;
    *out_ms = g_date_time_to_unix(dt) * 1000 + g_date_time_get_microsecond(dt) / 1000;
    g_date_time_unref(dt);
    return true;
}

void format_iso8601(int64_t ms, char *buf, size_t n)
{
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    gmtime_r(&t, &tm);
    if (n >= 21 && format_tm(&tm, 'T', true, buf)) {
        buf[19] = 'Z';
        buf[20] = '\0';
        return;
    }
    strftime(buf, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

char *session_id_from_secret(const char *prefix, const char *secret)
{
    gchar *hex = g_compute_checksum_for_string(G_CHECKSUM_SHA256, secret ? secret : "", -1);
    char *id = xasprintf("%s-%.12s", prefix, hex);
    g_free(hex);
    return id;
}

char *json_compact(const cJSON *obj)
{
    char *s = cJSON_PrintUnformatted(obj);
    char *copy = xstrdup(s ? s : "null");
    cJSON_free(s);
    return copy;
}

char *json_print_secret(const cJSON *obj)
{
    for (size_t cap = 512;; cap *= 2) {
        char *buf = xmalloc(cap);
        if (cJSON_PrintPreallocated((cJSON *)obj, buf, (int)cap, 0))
            return buf;
        wipe(buf, cap); /* too small: what was printed so far goes */
        free(buf);
        if (cap > (1u << 24))
            return xstrdup("null");
    }
}

/* ---- item spans ----------------------------------------------------------- */

static size_t skip_ws(const char *s, size_t i, size_t n)
{
    while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r'))
        i++;
    return i;
}

/* s[i] == '"': the index after the closing quote, or n. */
static size_t skip_string(const char *s, size_t i, size_t n)
{
    for (i++; i < n; i++) {
        if (s[i] == '\\')
            i++;
        else if (s[i] == '"')
            return i + 1;
    }
    return n;
}

/* Any value at s[i]: the index after it, or n when it does not end. */
static size_t skip_value(const char *s, size_t i, size_t n)
{
    if (i >= n)
        return n;
    if (s[i] == '"')
        return skip_string(s, i, n);
    if (s[i] != '{' && s[i] != '[') { /* a number, true, false, null */
        while (i < n && !strchr(",]} \t\r\n", s[i]))
            i++;
        return i;
    }
    size_t depth = 0;
    while (i < n) {
        char c = s[i];
        if (c == '"') {
            i = skip_string(s, i, n);
            continue;
        }
        if (c == '{' || c == '[') {
            depth++;
        } else if (c == '}' || c == ']') {
            if (--depth == 0)
                return i + 1;
        }
        i++;
    }
    return n;
}

/* s[i] == '[': the spans of its items; -1 if malformed. */
static long array_spans(const char *s, size_t i, size_t n, struct json_span **spans)
{
    size_t cap = 0;
    long count = 0;
    *spans = NULL;
    i = skip_ws(s, i + 1, n);
    if (i < n && s[i] == ']')
        return 0;
    while (i < n) {
        size_t end = skip_value(s, i, n);
        if (end >= n)
            break;
        if ((size_t)count == cap) {
            cap = cap ? cap * 2 : 64;
            *spans = xrealloc(*spans, cap * sizeof **spans);
        }
        (*spans)[count].off = i;
        (*spans)[count].len = end - i;
        count++;
        i = skip_ws(s, end, n);
        if (i < n && s[i] == ']')
            return count;
        if (i >= n || s[i] != ',')
            break;
        i = skip_ws(s, i + 1, n);
    }
    free(*spans);
    *spans = NULL;
    return -1;
}

long json_item_spans(const char *body, size_t len, const char *member,
                     struct json_span **spans)
{
    *spans = NULL;
    if (!body)
        return -1;
    size_t i = skip_ws(body, 0, len);
    if (i >= len)
        return -1;
    if (!member)
        return body[i] == '[' ? array_spans(body, i, len, spans) : -1;
    if (body[i] != '{')
        return -1;
    size_t mlen = strlen(member);
    i = skip_ws(body, i + 1, len);
    while (i < len && body[i] == '"') {
        size_t kend = skip_string(body, i, len);
        bool match = kend - i == mlen + 2 && memcmp(body + i + 1, member, mlen) == 0;
        i = skip_ws(body, kend, len);
        if (i >= len || body[i] != ':')
            return -1;
        i = skip_ws(body, i + 1, len);
        if (match)
            return i < len && body[i] == '[' ? array_spans(body, i, len, spans) : -1;
        i = skip_ws(body, skip_value(body, i, len), len);
        if (i >= len || body[i] != ',')
            return -1;
        i = skip_ws(body, i + 1, len);
    }
    return -1;
}

char *json_span_text(const char *body, const struct json_span *span)
{
    char *s = xstrndup(body + span->off, span->len);
    sanitize_in_place(&s); /* usually clean already: no second copy */
    return s;
}

bool duration_parse(const char *s, int64_t *secs)
{
    if (!s)
        return false;
    while (*s == ' ' || *s == '\t')
        s++;
    int64_t n = 0;
    size_t digits = 0;
    for (; *s >= '0' && *s <= '9'; s++, digits++)
        if (digits < 12)
            n = n * 10 + (*s - '0');
    if (digits == 0 || digits > 12 || n == 0)
        return false;
    while (*s == ' ' || *s == '\t')
        s++;
    int64_t unit;
    switch (*s) {
    case 's': unit = 1; break;
    case 'm': unit = 60; break;
    case 'h': unit = 3600; break;
    case 'd': unit = 86400; break;
    case 'w': unit = 604800; break;
    default: return false;
    }
    for (s++; *s == ' ' || *s == '\t'; s++)
        ;
    if (*s)
        return false;
    *secs = n * unit;
    return true;
}

int session_window_parse(const char *value, int64_t *ms, char **error)
{
    int64_t secs;
    if (str_empty(value))
        value = SESSION_WINDOW_DEFAULT;
    if (strcmp(value, "all") == 0) {
        *ms = -1;
    } else if (duration_parse(value, &secs) && secs <= 3650LL * 86400) {
        *ms = secs * 1000;
    } else {
        char *shown = text_shown(value);
        int rc = build_fail(error, ERR_CONFIG, "session window \"%s\" is not a duration such "
                            "as 7d or 30d (at most 3650d), or all", shown);
        free(shown);
        return rc;
    }
    return 0;
}

const char *session_window_text(const struct account *a)
{
    const char *w = account_field(a, "session_window");
    return str_empty(w) ? SESSION_WINDOW_DEFAULT : w;
}

/* One base64url part (no padding) of s[0..n): its bytes, NUL-ended, *len
 * of them, or NULL. Each copy is wiped: the part may be a secret's. */
static char *base64url_part(const char *s, size_t n, size_t *len)
{
    if (n == 0 || n % 4 == 1)
        return NULL;
    char *b = xcalloc(n + 4, 1);
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!g_ascii_isalnum(c) && c != '-' && c != '_') {
            wipe(b, n);
            free(b);
            return NULL;
        }
        b[i] = c == '-' ? '+' : c == '_' ? '/' : c;
    }
    memset(b + n, '=', (4 - n % 4) % 4);
    gsize raw_len = 0;
    guchar *raw = g_base64_decode(b, &raw_len);
    wipe(b, n + 4);
    free(b);
    char *out = xcalloc(raw_len + 1, 1);
    memcpy(out, raw, raw_len);
    wipe(raw, raw_len);
    g_free(raw);
    *len = raw_len;
    return out;
}

bool jwt_wellformed(const char *s)
{
    const char *d1 = s ? strchr(s, '.') : NULL, *d2 = d1 ? strchr(d1 + 1, '.') : NULL;
    if (!d2 || strchr(d2 + 1, '.'))
        return false;
    size_t len[3] = {0};
    char *parts[3] = {base64url_part(s, (size_t)(d1 - s), &len[0]),
                      base64url_part(d1 + 1, (size_t)(d2 - d1 - 1), &len[1]),
                      base64url_part(d2 + 1, strlen(d2 + 1), &len[2])};
    cJSON *header = parts[0] ? cJSON_ParseWithLength(parts[0], len[0]) : NULL;
    bool ok = parts[1] && parts[2] && cJSON_IsObject(header);
    cJSON_Delete(header);
    for (int i = 0; i < 3; i++) {
        if (parts[i])
            wipe(parts[i], len[i]);
        free(parts[i]);
    }
    return ok;
}
