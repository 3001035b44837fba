/* The fake providers (tests/fake/) keep the wire contract of
 * ../shared/specs/NOTES.md, and their faults do what they say. Driven
 * through tests/support/fake.c and plain libcurl. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <cJSON.h>
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "../support/fake.h"

#define CLERK_AUTH "Authorization: Bearer sk_test_fake"
#define BT_PUBLIC "BT-API-KEY: key_public_fake"
#define BT_PRIVATE "BT-API-KEY: key_private_fake"
#define JSON_CT "Content-Type: application/json"
#define FORM_CT "Content-Type: application/x-www-form-urlencoded"
#define ACCEPT_JSON "Accept: application/json"
#define APIDECK_AUTH "Authorization: Bearer apideck-fake-key"
#define APIDECK_APP "x-apideck-app-id: fake-app"
#define APIDECK_CONSUMER "x-apideck-consumer-id: consumer-1"

static struct fake *F;   /* shared by most tests, reset before each */

/* ------------------------------------------------------------------ http */

struct res {
    CURLcode rc;
    long status;
    char *body;
    size_t len;
    char ctype[128];
    char retry_after[64];
    char headers[2048];   /* "name: value\n" for every header of the answer */
    long ms;
};

static long mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static size_t write_cb(char *ptr, size_t size, size_t nmemb, void *userdata)
{
    struct res *r = userdata;
    size_t n = size * nmemb;
    char *p = realloc(r->body, r->len + n + 1);
    if (!p)
        return 0;
    memcpy(p + r->len, ptr, n);
    r->body = p;
    r->len += n;
    r->body[r->len] = '\0';
    return n;
}

/* An easy handle for one request; headers is a NULL-terminated list. */
static CURL *make_easy(struct res *r, struct curl_slist **hl, const char *method, const char *url,
                       const char *const *headers, const char *body, long timeout_ms)
{
    memset(r, 0, sizeof *r);
    CURL *c = curl_easy_init();
    assert_non_null(c);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, timeout_ms);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, write_cb);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, r);
    curl_easy_setopt(c, CURLOPT_PRIVATE, r);
    *hl = NULL;
    for (size_t i = 0; headers && headers[i]; i++)
        *hl = curl_slist_append(*hl, headers[i]);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, *hl);
    if (body)
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
    if (strcmp(method, "HEAD") == 0)
        curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
    return c;
}

static void finish_easy(CURL *c, struct res *r)
{
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
    char *ct = NULL;
    curl_easy_getinfo(c, CURLINFO_CONTENT_TYPE, &ct);
    if (ct)
        snprintf(r->ctype, sizeof r->ctype, "%s", ct);
    struct curl_header *h;
    if (curl_easy_header(c, "Retry-After", 0, CURLH_HEADER, -1, &h) == CURLHE_OK)
        snprintf(r->retry_after, sizeof r->retry_after, "%s", h->value);
    size_t used = 0;
    for (h = curl_easy_nextheader(c, CURLH_HEADER, -1, NULL); h && used < sizeof r->headers;
         h = curl_easy_nextheader(c, CURLH_HEADER, -1, h))
        used += (size_t)snprintf(r->headers + used, sizeof r->headers - used, "%s: %s\n",
                                 h->name, h->value);
    if (!r->body)
        r->body = calloc(1, 1);
}

static struct res req_t(const char *method, const char *url, const char *const *headers,
                        const char *body, long timeout_ms)
{
    struct res r;
    struct curl_slist *hl;
    CURL *c = make_easy(&r, &hl, method, url, headers, body, timeout_ms);
    long t0 = mono_ms();
    r.rc = curl_easy_perform(c);
    r.ms = mono_ms() - t0;
    finish_easy(c, &r);
    curl_slist_free_all(hl);
    curl_easy_cleanup(c);
    return r;
}

static struct res req(const char *method, const char *url, const char *const *headers,
                      const char *body)
{
    return req_t(method, url, headers, body, 10000);
}

/* Run easy handles together; done_ms[i] = when handle i finished (from start). */
static void run_multi(CURL **easies, int n, long *done_ms, CURLcode *rcs)
{
    CURLM *m = curl_multi_init();
    for (int i = 0; i < n; i++)
        curl_multi_add_handle(m, easies[i]);
    long t0 = mono_ms();
    int running = n;
    while (running) {
        curl_multi_perform(m, &running);
        CURLMsg *msg;
        int left;
        while ((msg = curl_multi_info_read(m, &left))) {
            if (msg->msg != CURLMSG_DONE)
                continue;
            for (int i = 0; i < n; i++) {
                if (easies[i] == msg->easy_handle) {
                    done_ms[i] = mono_ms() - t0;
                    rcs[i] = msg->data.result;
                }
            }
        }
        if (running)
            curl_multi_poll(m, NULL, 0, 50, NULL);
    }
    for (int i = 0; i < n; i++)
        curl_multi_remove_handle(m, easies[i]);
    curl_multi_cleanup(m);
}

/* n (up to 64) identical requests at once: r[i], rc[i] their answers and
 * results (res_free each r). */
static void run_parallel(int n, const char *url, const char *const *headers, long timeout_ms,
                         struct res *r, CURLcode *rc)
{
    struct curl_slist *hl[64];
    CURL *e[64];
    long done[64];
    assert_true(n <= 64);
    for (int i = 0; i < n; i++)
        e[i] = make_easy(&r[i], &hl[i], "GET", url, headers, NULL, timeout_ms);
    run_multi(e, n, done, rc);
    for (int i = 0; i < n; i++) {
        finish_easy(e[i], &r[i]);
        curl_slist_free_all(hl[i]);
        curl_easy_cleanup(e[i]);
    }
}

/* The value of a header of the answer (case-insensitive name), or NULL. */
static const char *res_header(const struct res *r, const char *name, char *out, size_t n)
{
    size_t len = strlen(name);
    for (const char *line = r->headers; *line; line = strchr(line, '\n') + 1) {
        if (strncasecmp(line, name, len) == 0 && line[len] == ':') {
            const char *v = line + len + 2;
            snprintf(out, n, "%.*s", (int)(strchr(v, '\n') - v), v);
            return out;
        }
    }
    return NULL;
}

static void res_free(struct res *r)
{
    free(r->body);
    r->body = NULL;
}

static char *url_of(const char *provider, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static char *url_of(const char *provider, const char *fmt, ...)
{
    char *base = fake_url(F, provider);
    char path[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(path, sizeof path, fmt, ap);
    va_end(ap);
    size_t n = strlen(base) + strlen(path) + 1;
    char *u = malloc(n);
    assert_non_null(u);
    snprintf(u, n, "%s%s", base, path);
    free(base);
    return u;
}

/* GET/POST on a provider, JSON body parsed; asserts the status. */
static cJSON *call_json(const char *method, const char *provider, const char *path,
                        const char *const *headers, const char *body, long want_status)
{
    char *u = url_of(provider, "%s", path);
    struct res r = req(method, u, headers, body);
    free(u);
    assert_int_equal(r.rc, CURLE_OK);
    if (r.status != want_status)
        fprintf(stderr, "%s %s %s: got %ld: %s\n", method, provider, path, r.status, r.body);
    assert_int_equal(r.status, want_status);
    cJSON *j = cJSON_Parse(r.body);
    if (!j)
        fprintf(stderr, "not JSON: %s\n", r.body);
    assert_non_null(j);
    res_free(&r);
    return j;
}

static const char *jstr(const cJSON *o, const char *k)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static double jnum(const cJSON *o, const char *k)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    assert_true(cJSON_IsNumber(v));
    return v->valuedouble;
}

static const char *clerk_err_code(const cJSON *body)
{
    const cJSON *errs = cJSON_GetObjectItemCaseSensitive(body, "errors");
    assert_true(cJSON_IsArray(errs));
    const cJSON *e = cJSON_GetArrayItem(errs, 0);
    assert_non_null(e);
    assert_non_null(jstr(e, "message"));
    assert_non_null(jstr(e, "long_message"));
    assert_non_null(jstr(e, "code"));
    return jstr(e, "code");
}

static const char *const CLERK_H[] = {CLERK_AUTH, NULL};
static const char *const CLERK_JSON_H[] = {CLERK_AUTH, JSON_CT, NULL};

/* The first user's id (owned). */
static char *first_user_id(void)
{
    cJSON *users = call_json("GET", "clerk", "/users?limit=1", CLERK_H, NULL, 200);
    assert_true(cJSON_IsArray(users));
    char *id = strdup(jstr(cJSON_GetArrayItem(users, 0), "id"));
    cJSON_Delete(users);
    return id;
}

/* An active session id of the first user (owned). */
static char *active_session_id(void)
{
    char *uid = first_user_id();
    char path[256];
    snprintf(path, sizeof path, "/sessions?user_id=%s&status=active", uid);
    cJSON *list = call_json("GET", "clerk", path, CLERK_H, NULL, 200);
    assert_true(cJSON_GetArraySize(list) >= 1);
    char *sid = strdup(jstr(cJSON_GetArrayItem(list, 0), "id"));
    cJSON_Delete(list);
    free(uid);
    return sid;
}

/* ------------------------------------------------------------------ setup */

static int group_setup(void **state)
{
    (void)state;
    curl_global_init(CURL_GLOBAL_DEFAULT);
    F = fake_start(NULL);
    return F ? 0 : -1;
}

static int group_teardown(void **state)
{
    (void)state;
    fake_stop(F);
    F = NULL;
    curl_global_cleanup();
    return 0;
}

static int reset_fake(void **state)
{
    (void)state;
    return fake_reset(F) == 200 ? 0 : -1;
}

/* ------------------------------------------------------------------ Clerk */

static void test_clerk_bare_array_and_paginated(void **state)
{
    (void)state;
    char *uid = first_user_id();
    char path[512];

    snprintf(path, sizeof path, "/sessions?user_id=%s", uid);
    cJSON *bare = call_json("GET", "clerk", path, CLERK_H, NULL, 200);
    assert_true(cJSON_IsArray(bare));
    assert_int_equal(cJSON_GetArraySize(bare), 3);
    double prev = 1e18;
    const cJSON *s;
    cJSON_ArrayForEach(s, bare) {
        static const char *const keys[] = {"object", "id", "user_id", "client_id", "actor",
            "status", "last_active_organization_id", "last_active_at", "latest_activity",
            "expire_at", "abandon_at", "updated_at", "created_at"};
        for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
            assert_non_null(cJSON_GetObjectItemCaseSensitive(s, keys[i]));
        assert_string_equal(jstr(s, "object"), "session");
        assert_string_equal(jstr(s, "user_id"), uid);
        double created = jnum(s, "created_at");
        assert_true(created > 1.6e12);            /* milliseconds */
        assert_true(created < prev);              /* newest first */
        prev = created;
        const cJSON *act = cJSON_GetObjectItemCaseSensitive(s, "latest_activity");
        if (cJSON_IsObject(act)) {
            assert_string_equal(jstr(act, "object"), "session_activity");
            assert_true(cJSON_IsBool(cJSON_GetObjectItemCaseSensitive(act, "is_mobile")));
        }
    }
    cJSON_Delete(bare);

    snprintf(path, sizeof path, "/sessions?user_id=%s&paginated=true&limit=2", uid);
    cJSON *env = call_json("GET", "clerk", path, CLERK_H, NULL, 200);
    assert_true(cJSON_IsObject(env));
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(env, "data")), 2);
    assert_int_equal((int)jnum(env, "total_count"), 3);
    cJSON_Delete(env);

    snprintf(path, sizeof path, "/sessions?user_id=%s&paginated=true&limit=2&offset=2", uid);
    env = call_json("GET", "clerk", path, CLERK_H, NULL, 200);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(env, "data")), 1);
    assert_int_equal((int)jnum(env, "total_count"), 3);
    cJSON_Delete(env);

    static const char *const bad[] = {"limit=0", "limit=501", "offset=-1", "status=bogus",
                                      "limit=abc", "paginated=maybe"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        snprintf(path, sizeof path, "/sessions?user_id=%s&%s", uid, bad[i]);
        cJSON *e = call_json("GET", "clerk", path, CLERK_H, NULL, 422);
        clerk_err_code(e);
        cJSON_Delete(e);
    }

    cJSON *count = call_json("GET", "clerk", "/users/count", CLERK_H, NULL, 200);
    assert_string_equal(jstr(count, "object"), "total_count");
    assert_int_equal((int)jnum(count, "total_count"), 8);
    cJSON_Delete(count);

    cJSON *users = call_json("GET", "clerk", "/users?limit=500", CLERK_H, NULL, 200);
    assert_int_equal(cJSON_GetArraySize(users), 8);
    const cJSON *u = cJSON_GetArrayItem(users, 0);
    assert_string_equal(jstr(u, "object"), "user");
    const cJSON *mail = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(u, "email_addresses"), 0);
    assert_non_null(jstr(mail, "email_address"));
    assert_true(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(mail, "verification")));
    assert_true(cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(mail, "linked_to")));
    snprintf(path, sizeof path, "/users?user_id=%s&user_id=%s", jstr(u, "id"),
             jstr(cJSON_GetArrayItem(users, 3), "id"));
    cJSON *two = call_json("GET", "clerk", path, CLERK_H, NULL, 200);
    assert_int_equal(cJSON_GetArraySize(two), 2);
    cJSON_Delete(two);
    cJSON_Delete(users);
    free(uid);
}

static void test_clerk_paging_totals_at_scale(void **state)
{
    (void)state;
    assert_int_equal(fake_control(F, "POST", "/_fake/seed",
                                  "{\"clerk_users\":30,\"sessions_per_user\":120,\"seed\":7}", NULL),
                     200);
    cJSON *users = call_json("GET", "clerk", "/users?limit=500", CLERK_H, NULL, 200);
    assert_int_equal(cJSON_GetArraySize(users), 30);
    int total = 0;
    const cJSON *u;
    cJSON_ArrayForEach(u, users) {
        int seen = 0, total_count = -1;
        for (int off = 0; total_count < 0 || off < total_count; off += 50) {
            char path[256];
            snprintf(path, sizeof path, "/sessions?user_id=%s&limit=50&offset=%d&paginated=true",
                     jstr(u, "id"), off);
            cJSON *env = call_json("GET", "clerk", path, CLERK_H, NULL, 200);
            total_count = (int)jnum(env, "total_count");
            seen += cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(env, "data"));
            cJSON_Delete(env);
        }
        assert_int_equal(total_count, 120);
        assert_int_equal(seen, 120);
        total += seen;
    }
    assert_int_equal(total, 3600);
    cJSON_Delete(users);
}

/* The brief's scale: 1000 users x 100 sessions, all of them served through
 * users pages and per-user session pages of 500, over one kept-alive
 * connection. Prints the figures. */
static void test_clerk_100k_sessions(void **state)
{
    (void)state;
    long t0 = mono_ms();
    struct fake *big = fake_start("--clerk-users 1000 --clerk-sessions-per-user 100 --clerk-rate-limit off");
    long started = mono_ms() - t0;

    CURL *c = curl_easy_init();
    struct curl_slist *hl = curl_slist_append(NULL, CLERK_AUTH);
    struct res r;
    memset(&r, 0, sizeof r);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, hl);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, write_cb);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &r);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 10000L);
    char url[512];
    long t1 = mono_ms();
    cJSON *ids = cJSON_CreateArray();
    for (int off = 0;; off += 500) {
        snprintf(url, sizeof url, "%s/clerk/v1/users?limit=500&offset=%d", fake_base(big), off);
        curl_easy_setopt(c, CURLOPT_URL, url);
        r.len = 0;
        assert_int_equal(curl_easy_perform(c), CURLE_OK);
        cJSON *page = cJSON_ParseWithLength(r.body, r.len);
        assert_true(cJSON_IsArray(page));
        int n = cJSON_GetArraySize(page);
        const cJSON *u;
        cJSON_ArrayForEach(u, page)
            cJSON_AddItemToArray(ids, cJSON_CreateString(jstr(u, "id")));
        cJSON_Delete(page);
        if (n < 500)
            break;
    }
    assert_int_equal(cJSON_GetArraySize(ids), 1000);
    long sessions = 0, pages = 0;
    const cJSON *id;
    cJSON_ArrayForEach(id, ids) {
        long total = -1;
        for (long off = 0; total < 0 || off < total; off += 500) {
            snprintf(url, sizeof url,
                     "%s/clerk/v1/sessions?user_id=%s&limit=500&offset=%ld&paginated=true",
                     fake_base(big), id->valuestring, off);
            curl_easy_setopt(c, CURLOPT_URL, url);
            r.len = 0;
            assert_int_equal(curl_easy_perform(c), CURLE_OK);
            cJSON *env = cJSON_ParseWithLength(r.body, r.len);
            assert_non_null(env);
            total = (long)jnum(env, "total_count");
            sessions += cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(env, "data"));
            pages++;
            cJSON_Delete(env);
        }
    }
    long served = mono_ms() - t1;
    long conns = 0;
    curl_easy_getinfo(c, CURLINFO_NUM_CONNECTS, &conns);
    assert_int_equal(conns, 0);   /* the last page came over a kept-alive connection */
    cJSON_Delete(ids);
    curl_slist_free_all(hl);
    curl_easy_cleanup(c);
    free(r.body);
    fake_stop(big);
    printf("      scale: fake up in %ld ms; %ld sessions in %ld pages served and parsed in %ld ms\n",
           started, sessions, pages, served);
    assert_int_equal(sessions, 100000);
    assert_true(started < 5000);
    assert_true(served < 20000);
}

static void test_clerk_revoke_visible_in_next_list(void **state)
{
    (void)state;
    char *sid = active_session_id();
    char path[256];

    snprintf(path, sizeof path, "/sessions/%s/revoke", sid);
    cJSON *s = call_json("POST", "clerk", path, CLERK_H, NULL, 200);
    assert_string_equal(jstr(s, "status"), "revoked");
    char *uid = strdup(jstr(s, "user_id"));
    cJSON_Delete(s);

    snprintf(path, sizeof path, "/sessions?user_id=%s&limit=500", uid);
    cJSON *list = call_json("GET", "clerk", path, CLERK_H, NULL, 200);
    int found = 0;
    cJSON_ArrayForEach(s, list) {
        if (strcmp(jstr(s, "id"), sid) == 0) {
            assert_string_equal(jstr(s, "status"), "revoked");
            found = 1;
        }
    }
    assert_true(found);
    cJSON_Delete(list);

    snprintf(path, sizeof path, "/sessions/%s", sid);
    s = call_json("GET", "clerk", path, CLERK_H, NULL, 200);
    assert_string_equal(jstr(s, "status"), "revoked");
    cJSON_Delete(s);

    snprintf(path, sizeof path, "/sessions/%s/revoke", sid);
    cJSON *e = call_json("POST", "clerk", path, CLERK_H, NULL, 400);
    clerk_err_code(e);
    cJSON_Delete(e);

    snprintf(path, sizeof path, "/sessions/%s/tokens/hasura", sid);
    e = call_json("POST", "clerk", path, CLERK_H, NULL, 404);
    clerk_err_code(e);
    cJSON_Delete(e);

    e = call_json("POST", "clerk", "/sessions/sess_nope/revoke", CLERK_H, NULL, 404);
    assert_string_equal(clerk_err_code(e), "resource_not_found");
    cJSON_Delete(e);

    /* a reset brings the seed back */
    assert_int_equal(fake_reset(F), 200);
    snprintf(path, sizeof path, "/sessions/%s", sid);
    s = call_json("GET", "clerk", path, CLERK_H, NULL, 200);
    assert_string_equal(jstr(s, "status"), "active");
    cJSON_Delete(s);
    free(uid);
    free(sid);
}

/* Decode the payload of a JWT (owned cJSON). */
static cJSON *jwt_payload(const char *jwt)
{
    const char *a = strchr(jwt, '.');
    assert_non_null(a);
    const char *b = strchr(a + 1, '.');
    assert_non_null(b);
    assert_null(strchr(b + 1, '.'));
    size_t n = (size_t)(b - a - 1);
    char *out = calloc(n + 4, 1);
    size_t o = 0;
    unsigned acc = 0;
    int bits = 0;
    for (const char *p = a + 1; p < b; p++) {
        int v = 0;
        if (*p >= 'A' && *p <= 'Z') v = *p - 'A';
        else if (*p >= 'a' && *p <= 'z') v = *p - 'a' + 26;
        else if (*p >= '0' && *p <= '9') v = *p - '0' + 52;
        else if (*p == '-') v = 62;
        else if (*p == '_') v = 63;
        else fail_msg("not base64url: %c", *p);
        acc = (acc << 6) | (unsigned)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out[o++] = (char)((acc >> bits) & 0xff);
        }
    }
    cJSON *j = cJSON_Parse(out);
    free(out);
    assert_non_null(j);
    return j;
}

static void test_clerk_token_templates(void **state)
{
    (void)state;
    char *sid = active_session_id();
    char path[256];

    snprintf(path, sizeof path, "/sessions/%s/tokens/hasura", sid);
    cJSON *t = call_json("POST", "clerk", path, CLERK_JSON_H, "{\"expires_in_seconds\":120}", 200);
    assert_string_equal(jstr(t, "object"), "token");
    cJSON *p = jwt_payload(jstr(t, "jwt"));
    assert_string_equal(jstr(p, "sid"), sid);
    assert_int_equal((long)(jnum(p, "exp") - jnum(p, "iat")), 120);
    assert_non_null(cJSON_GetObjectItemCaseSensitive(p, "https://hasura.io/jwt/claims"));
    cJSON_Delete(p);
    cJSON_Delete(t);

    t = call_json("POST", "clerk", path, CLERK_H, NULL, 200);   /* no body: template default */
    p = jwt_payload(jstr(t, "jwt"));
    assert_int_equal((long)(jnum(p, "exp") - jnum(p, "iat")), 3600);
    cJSON_Delete(p);
    cJSON_Delete(t);

    t = call_json("POST", "clerk", path, CLERK_JSON_H, "{\"expires_in_seconds\":null}", 200);
    cJSON_Delete(t);

    static const char *const bad[] = {"{\"expires_in_seconds\":29}",
                                      "{\"expires_in_seconds\":315360001}",
                                      "{\"expires_in_seconds\":\"60\"}"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        cJSON *e = call_json("POST", "clerk", path, CLERK_JSON_H, bad[i], 422);
        clerk_err_code(e);
        cJSON_Delete(e);
    }
    t = call_json("POST", "clerk", path, CLERK_JSON_H, "{\"expires_in_seconds\":315360000}", 200);
    cJSON_Delete(t);

    snprintf(path, sizeof path, "/sessions/%s/tokens/no-such-template", sid);
    cJSON *e = call_json("POST", "clerk", path, CLERK_H, NULL, 404);
    clerk_err_code(e);
    cJSON_Delete(e);

    snprintf(path, sizeof path, "/sessions/%s/tokens", sid);
    t = call_json("POST", "clerk", path, CLERK_H, NULL, 200);
    p = jwt_payload(jstr(t, "jwt"));
    assert_int_equal((long)(jnum(p, "exp") - jnum(p, "iat")), 60);
    cJSON_Delete(p);
    cJSON_Delete(t);
    free(sid);
}

static void test_clerk_verify_410_then_enabled(void **state)
{
    (void)state;
    char *sid = active_session_id();
    char path[256];
    snprintf(path, sizeof path, "/sessions/%s/verify", sid);
    cJSON *e = call_json("POST", "clerk", path, CLERK_JSON_H, "{\"token\":\"x.y.z\"}", 410);
    assert_string_equal(clerk_err_code(e), "endpoint_deprecated");
    cJSON_Delete(e);

    assert_int_equal(fake_config(F, "{\"clerk_verify_enabled\":true}"), 200);
    snprintf(path, sizeof path, "/sessions/%s/tokens", sid);
    cJSON *t = call_json("POST", "clerk", path, CLERK_H, NULL, 200);
    char body[4096];
    snprintf(body, sizeof body, "{\"token\":\"%s\"}", jstr(t, "jwt"));
    cJSON_Delete(t);
    snprintf(path, sizeof path, "/sessions/%s/verify", sid);
    cJSON *s = call_json("POST", "clerk", path, CLERK_JSON_H, body, 200);
    assert_string_equal(jstr(s, "id"), sid);
    assert_string_equal(jstr(s, "object"), "session");
    cJSON_Delete(s);
    e = call_json("POST", "clerk", path, CLERK_JSON_H, "{\"token\":\"x.y.z\"}", 400);
    clerk_err_code(e);
    cJSON_Delete(e);
    e = call_json("POST", "clerk", path, CLERK_JSON_H, "{\"token\":\"a\",\"extra\":1}", 400);
    clerk_err_code(e);
    cJSON_Delete(e);
    free(sid);
}

/* ------------------------------------------------------------------ auth failures */

static void test_auth_failure_bodies(void **state)
{
    (void)state;
    /* Clerk */
    cJSON *e = call_json("GET", "clerk", "/sessions", NULL, NULL, 401);
    clerk_err_code(e);
    cJSON_Delete(e);
    static const char *const clerk_bad[] = {"Authorization: Bearer sk_test_wrong", NULL};
    e = call_json("GET", "clerk", "/users", clerk_bad, NULL, 401);
    assert_string_equal(clerk_err_code(e), "clerk_key_invalid");
    cJSON_Delete(e);

    /* Basis Theory: ProblemDetails */
    e = call_json("POST", "basistheory", "/sessions", NULL, NULL, 401);
    assert_int_equal((int)jnum(e, "status"), 401);
    assert_string_equal(jstr(e, "title"), "Unauthorized");
    cJSON_Delete(e);
    static const char *const bt_private[] = {BT_PRIVATE, NULL};
    e = call_json("POST", "basistheory", "/sessions", bt_private, NULL, 403);
    assert_int_equal((int)jnum(e, "status"), 403);
    cJSON_Delete(e);

    /* Plantly: Error401Unauthorized */
    static const char *const pj[] = {JSON_CT, NULL};
    e = call_json("POST", "plantly", "/auth/sessions", pj,
                  "{\"email_address\":\"demo@plantly.test\",\"password\":\"nope\"}", 401);
    assert_string_equal(jstr(e, "type"), "error");
    assert_string_equal(jstr(e, "code"), "unauthorized");
    assert_int_equal((int)jnum(e, "status"), 401);
    assert_string_equal(jstr(e, "message"), "No valid API authentication found");
    cJSON_Delete(e);

    /* CBRAIN: 401 with an empty body */
    char *u = url_of("cbrain", "/session");
    static const char *const cb[] = {FORM_CT, ACCEPT_JSON, NULL};
    struct res r = req("POST", u, cb, "login=demo&password=wrong");
    assert_int_equal(r.status, 401);
    assert_int_equal(r.len, 0);
    res_free(&r);
    free(u);

    /* Apideck */
    e = call_json("POST", "apideck", "/vault/sessions", NULL, NULL, 401);
    assert_string_equal(jstr(e, "type_name"), "UnauthorizedError");
    assert_int_equal((int)jnum(e, "status_code"), 401);
    assert_string_equal(jstr(e, "error"), "Unauthorized");
    cJSON_Delete(e);
    static const char *const ad_bad[] = {"Authorization: Bearer wrong", APIDECK_APP,
                                         APIDECK_CONSUMER, NULL};
    e = call_json("POST", "apideck", "/vault/sessions", ad_bad, NULL, 401);
    assert_string_equal(jstr(e, "type_name"), "UnauthorizedError");
    cJSON_Delete(e);
}

/* ------------------------------------------------------------------ CBRAIN */

static void test_cbrain_form_and_accept(void **state)
{
    (void)state;
    char *u = url_of("cbrain", "/session");
    static const char *const ok_h[] = {FORM_CT, ACCEPT_JSON, NULL};
    struct res r = req("POST", u, ok_h, "login=demo&password=cbrain-pass");
    assert_int_equal(r.status, 200);
    cJSON *j = cJSON_Parse(r.body);
    assert_non_null(j);
    assert_int_equal((int)jnum(j, "user_id"), 42);
    const char *tok = jstr(j, "cbrain_api_token");
    assert_non_null(tok);
    assert_int_equal(strlen(tok), 32);
    assert_int_equal(strspn(tok, "0123456789abcdef"), 32);
    char bearer[128], tokq[128];
    snprintf(bearer, sizeof bearer, "Authorization: Bearer %s", tok);
    snprintf(tokq, sizeof tokq, "?cbrain_api_token=%s", tok);
    cJSON_Delete(j);
    res_free(&r);

    const char *const get_h[] = {bearer, ACCEPT_JSON, NULL};
    r = req("GET", u, get_h, NULL);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "\"user_id\":42"));
    res_free(&r);

    char *uq = url_of("cbrain", "/session%s", tokq);
    static const char *const acc[] = {ACCEPT_JSON, NULL};
    r = req("GET", uq, acc, NULL);
    assert_int_equal(r.status, 200);
    res_free(&r);

    /* no Accept: the HTML branch, no JSON */
    const char *const html_h[] = {bearer, NULL};
    r = req("GET", u, html_h, NULL);
    assert_int_equal(r.status, 200);
    assert_int_equal(r.len, 0);
    assert_null(strstr(r.ctype, "json"));
    res_free(&r);

    /* JSON body instead of a form: login/password never arrive */
    static const char *const json_h[] = {JSON_CT, ACCEPT_JSON, NULL};
    r = req("POST", u, json_h, "{\"login\":\"demo\",\"password\":\"cbrain-pass\"}");
    assert_int_equal(r.status, 401);
    assert_int_equal(r.len, 0);
    res_free(&r);

    /* a form without Accept: Rails CSRF failure, HTML */
    static const char *const form_only[] = {FORM_CT, NULL};
    r = req("POST", u, form_only, "login=demo&password=cbrain-pass");
    assert_int_equal(r.status, 422);
    assert_non_null(strstr(r.ctype, "text/html"));
    res_free(&r);

    /* logout: 200 empty, then the token is dead */
    r = req("DELETE", u, get_h, NULL);
    assert_int_equal(r.status, 200);
    assert_int_equal(r.len, 0);
    res_free(&r);
    r = req("GET", u, get_h, NULL);
    assert_int_equal(r.status, 401);
    assert_int_equal(r.len, 0);
    res_free(&r);
    r = req("DELETE", u, get_h, NULL);
    assert_int_equal(r.status, 401);
    res_free(&r);

    /* three unexpected parameters ban the IP, even for a good login */
    r = req("POST", u, ok_h, "login=demo&password=cbrain-pass&a=1&b=2&c=3");
    assert_int_equal(r.status, 401);
    res_free(&r);
    r = req("POST", u, ok_h, "login=demo&password=cbrain-pass");
    assert_int_equal(r.status, 401);
    res_free(&r);
    assert_int_equal(fake_reset(F), 200);
    r = req("POST", u, ok_h, "login=demo&password=cbrain-pass&remember_me=1&x=2");
    assert_int_equal(r.status, 200);   /* two unexpected: fine */
    res_free(&r);

    /* the real 3 s sleep on a bad password, shortened */
    assert_int_equal(fake_config(F, "{\"cbrain_bad_password_sleep\":true,"
                                    "\"cbrain_bad_password_sleep_ms\":200}"), 200);
    r = req("POST", u, ok_h, "login=demo&password=bad");
    assert_int_equal(r.status, 401);
    assert_true(r.ms >= 190);
    res_free(&r);
    free(uq);
    free(u);
}

/* ------------------------------------------------------------------ Basis Theory */

static void test_bt_create_201_authorize_200_empty(void **state)
{
    (void)state;
    static const char *const pub[] = {BT_PUBLIC, NULL};
    cJSON *s = call_json("POST", "basistheory", "/sessions", pub, NULL, 201);
    const char *nonce = jstr(s, "nonce");
    const char *key = jstr(s, "session_key");
    const char *exp = jstr(s, "expires_at");
    assert_non_null(nonce);
    assert_non_null(key);
    assert_non_null(exp);
    /* 2023-01-09T20:14:55.2130891+00:00 */
    assert_int_equal(strlen(exp), 33);
    assert_string_equal(exp + 27, "+00:00");
    struct tm tm = {0};
    assert_non_null(strptime(exp, "%Y-%m-%dT%H:%M:%S", &tm));
    double ahead = difftime(timegm(&tm), time(NULL));
    assert_true(ahead > 170 && ahead <= 180);

    static const char *const priv[] = {BT_PRIVATE, JSON_CT, NULL};
    char *u = url_of("basistheory", "/sessions/authorize");
    char body[512];
    snprintf(body, sizeof body, "{\"nonce\":\"%s\",\"permissions\":[\"token:read\"]}", nonce);
    struct res r = req("POST", u, priv, body);
    assert_int_equal(r.status, 200);
    assert_int_equal(r.len, 0);
    res_free(&r);

    cJSON *e = call_json("POST", "basistheory", "/sessions/authorize", priv, body, 409);
    assert_int_equal((int)jnum(e, "status"), 409);
    cJSON_Delete(e);

    char keyh[256];
    snprintf(keyh, sizeof keyh, "BT-API-KEY: %s", key);
    const char *const sess_h[] = {keyh, NULL};
    cJSON *app = call_json("GET", "basistheory", "/applications/key", sess_h, NULL, 200);
    assert_string_equal(cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(app, "permissions"),
                                           0)->valuestring, "token:read");
    cJSON_Delete(app);

    e = call_json("POST", "basistheory", "/sessions/authorize", priv,
                  "{\"nonce\":\"unknown\",\"permissions\":[\"token:read\"]}", 404);
    assert_int_equal((int)jnum(e, "status"), 404);
    cJSON_Delete(e);

    cJSON_Delete(s);
    s = call_json("POST", "basistheory", "/sessions", pub, NULL, 201);
    snprintf(body, sizeof body, "{\"nonce\":\"%s\"}", jstr(s, "nonce"));
    e = call_json("POST", "basistheory", "/sessions/authorize", priv, body, 400);
    assert_true(cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(e, "errors")));
    assert_int_equal((int)jnum(e, "status"), 400);
    cJSON_Delete(e);
    snprintf(body, sizeof body, "{\"nonce\":\"%s\",\"permissions\":[],\"rules\":[]}",
             jstr(s, "nonce"));
    e = call_json("POST", "basistheory", "/sessions/authorize", priv, body, 400);
    cJSON_Delete(e);
    snprintf(body, sizeof body, "{\"nonce\":\"%s\",\"permissions\":[\"token:read\"],\"x\":1}",
             jstr(s, "nonce"));
    e = call_json("POST", "basistheory", "/sessions/authorize", priv, body, 400);
    assert_non_null(cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(e, "errors"),
                                                     "x"));
    cJSON_Delete(e);
    snprintf(body, sizeof body, "{\"nonce\":\"%s\",\"rules\":[{\"priority\":1,\"container\":\"/\","
             "\"permissions\":[\"token:read\"],\"conditions\":[{\"attribute\":\"id\","
             "\"operator\":\"equals\",\"value\":\"1\"}],\"bogus\":true}]}", jstr(s, "nonce"));
    e = call_json("POST", "basistheory", "/sessions/authorize", priv, body, 400);
    cJSON_Delete(e);

    static const char *const text[] = {BT_PRIVATE, "Content-Type: text/plain", NULL};
    snprintf(body, sizeof body, "{\"nonce\":\"%s\",\"permissions\":[\"token:read\"]}",
             jstr(s, "nonce"));
    e = call_json("POST", "basistheory", "/sessions/authorize", text, body, 415);
    cJSON_Delete(e);
    static const char *const pubj[] = {BT_PUBLIC, JSON_CT, NULL};
    e = call_json("POST", "basistheory", "/sessions/authorize", pubj, body, 403);
    cJSON_Delete(e);
    /* rules alone are enough */
    snprintf(body, sizeof body, "{\"nonce\":\"%s\",\"expires_at\":null,\"rules\":[{\"priority\":1,"
             "\"container\":\"/pci/\",\"transform\":\"mask\",\"permissions\":[\"token:use\"]}]}",
             jstr(s, "nonce"));
    r = req("POST", u, priv, body);
    assert_int_equal(r.status, 200);
    assert_int_equal(r.len, 0);
    res_free(&r);
    cJSON_Delete(s);
    free(u);
}

/* ------------------------------------------------------------------ Plantly */

static void test_plantly_rotate_and_logout(void **state)
{
    (void)state;
    static const char *const pj[] = {JSON_CT, NULL};
    cJSON *s = call_json("POST", "plantly", "/auth/sessions", pj,
                         "{\"email_address\":\"demo@plantly.test\",\"password\":\"plantly-pass\"}",
                         200);
    assert_string_equal(jstr(s, "type"), "auth.session");
    assert_string_equal(jstr(s, "token_type"), "bearer");
    assert_int_equal((int)jnum(s, "expires_in"), 3600);
    char *access1 = strdup(jstr(s, "access_token"));
    char *refresh1 = strdup(jstr(s, "refresh_token"));
    cJSON_Delete(s);
    cJSON_Delete(jwt_payload(access1));

    char h[2048];
    snprintf(h, sizeof h, "Authorization: Bearer %s", refresh1);
    const char *const rh[] = {h, NULL};
    s = call_json("PUT", "plantly", "/auth/sessions", rh, NULL, 200);
    char *access2 = strdup(jstr(s, "access_token"));
    char *refresh2 = strdup(jstr(s, "refresh_token"));
    assert_string_not_equal(access1, access2);
    assert_string_not_equal(refresh1, refresh2);
    cJSON_Delete(s);
    cJSON *e = call_json("PUT", "plantly", "/auth/sessions", rh, NULL, 401);  /* old refresh */
    assert_string_equal(jstr(e, "code"), "unauthorized");
    cJSON_Delete(e);

    snprintf(h, sizeof h, "Authorization: Bearer %s", access2);
    cJSON *me = call_json("GET", "plantly", "/users/me", rh, NULL, 200);
    assert_string_equal(jstr(me, "email_adress"), "demo@plantly.test");
    cJSON_Delete(me);
    char *u = url_of("plantly", "/auth/sessions");
    struct res r = req("DELETE", u, rh, NULL);
    assert_int_equal(r.status, 204);
    assert_int_equal(r.len, 0);
    res_free(&r);
    e = call_json("GET", "plantly", "/users/me", rh, NULL, 401);
    cJSON_Delete(e);
    e = call_json("DELETE", "plantly", "/auth/sessions", rh, NULL, 401);
    cJSON_Delete(e);
    snprintf(h, sizeof h, "Authorization: Bearer %s", refresh2);
    e = call_json("PUT", "plantly", "/auth/sessions", rh, NULL, 401);  /* session ended */
    cJSON_Delete(e);

    e = call_json("POST", "plantly", "/auth/sessions", pj, "{\"email_address\":\"demo@plantly.test\"}",
                  400);
    assert_string_equal(jstr(e, "code"), "bad_request");
    const cJSON *d = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(e, "details"), 0);
    assert_string_equal(jstr(d, "pointer"), "/password");
    assert_string_equal(jstr(d, "location"), "body");
    assert_string_equal(jstr(d, "type"), "value_error.missing");
    cJSON_Delete(e);
    e = call_json("POST", "plantly", "/auth/sessions", pj, "{nope", 400);
    assert_string_equal(jstr(e, "code"), "incorrect_json");
    cJSON_Delete(e);
    free(u);
    free(access1);
    free(access2);
    free(refresh1);
    free(refresh2);
}

/* ------------------------------------------------------------------ Apideck */

static void test_apideck_headers_and_body(void **state)
{
    (void)state;
    static const char *const no_consumer[] = {APIDECK_AUTH, APIDECK_APP, JSON_CT, NULL};
    cJSON *e = call_json("POST", "apideck", "/vault/sessions", no_consumer, "{}", 400);
    assert_string_equal(jstr(e, "detail"), "Missing Header: x-apideck-consumer-id");
    assert_string_equal(jstr(e, "type_name"), "RequestHeadersValidationError");
    cJSON_Delete(e);
    static const char *const no_app[] = {APIDECK_AUTH, APIDECK_CONSUMER, JSON_CT, NULL};
    e = call_json("POST", "apideck", "/vault/sessions", no_app, "{}", 400);
    assert_string_equal(jstr(e, "detail"), "Missing Header: x-apideck-app-id");
    cJSON_Delete(e);

    static const char *const ok[] = {APIDECK_AUTH, APIDECK_APP, APIDECK_CONSUMER, JSON_CT, NULL};
    static const char *const bad_bodies[] = {
        "{\"surprise\":1}",
        "{\"settings\":{\"dark_mode\":true}}",
        "{\"settings\":{\"unified_apis\":[\"crm\",\"telepathy\"]}}",
        "{\"settings\":{\"allow_actions\":[\"explode\"]}}",
        "{\"settings\":{\"sandbox_mode\":\"yes\"}}",
        "[1,2]",
    };
    for (size_t i = 0; i < sizeof bad_bodies / sizeof bad_bodies[0]; i++) {
        e = call_json("POST", "apideck", "/vault/sessions", ok, bad_bodies[i], 400);
        assert_string_equal(jstr(e, "type_name"), "RequestValidationError");
        assert_int_equal((int)jnum(e, "status_code"), 400);
        cJSON_Delete(e);
    }
    e = call_json("POST", "apideck", "/vault/sessions", ok,
                  "{\"settings\":{\"session_length\":\"2w\"}}", 422);
    assert_int_equal((int)jnum(e, "status_code"), 422);
    cJSON_Delete(e);

    cJSON *s = call_json("POST", "apideck", "/vault/sessions", ok,
                         "{\"consumer_metadata\":{\"account_name\":\"SpaceX\",\"email\":\"e@x.io\"},"
                         "\"redirect_uri\":\"https://mysaas.com/dashboard\","
                         "\"settings\":{\"unified_apis\":[\"crm\",\"file-storage\"],"
                         "\"session_length\":\"30m\",\"allow_actions\":[\"delete\"],"
                         "\"show_logs\":true},\"theme\":{\"vault_name\":\"Intercom\"},"
                         "\"custom_consumer_settings\":{\"feature_flag_1\":true}}", 200);
    assert_int_equal((int)jnum(s, "status_code"), 200);
    assert_string_equal(jstr(s, "status"), "OK");
    const cJSON *data = cJSON_GetObjectItemCaseSensitive(s, "data");
    const char *uri = jstr(data, "session_uri");
    const char *tok = jstr(data, "session_token");
    char prefix[256];
    snprintf(prefix, sizeof prefix, "%s/apideck/vault-ui/session/", fake_base(F));
    assert_int_equal(strncmp(uri, prefix, strlen(prefix)), 0);
    assert_string_equal(uri + strlen(prefix), tok);
    struct res r = req("GET", uri, NULL, NULL);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.ctype, "text/html"));
    assert_non_null(strstr(r.body, "Intercom"));
    res_free(&r);
    cJSON_Delete(s);

    s = call_json("POST", "apideck", "/vault/sessions", ok, NULL, 200);   /* body optional */
    cJSON_Delete(s);
}

/* ------------------------------------------------------------------ Clerk activity over time */

#define DAY_MS 86400000L

static long wall_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Clerk keeps a user's last_active_at to the (UTC) day. */
static long day_start(long ms) { return ms - ms % DAY_MS; }

/* The bound a client asks last_active_at_after for "active in the last 7
 * days" when it knows about the day precision: the end of the day before. */
static long recent_bound(void) { return day_start(wall_ms() - 7 * DAY_MS) - 1; }

static void seed_clerk(int users, int per_user, int active_users)
{
    char body[160];
    snprintf(body, sizeof body,
             "{\"clerk_users\":%d,\"sessions_per_user\":%d,\"seed\":3,\"active_users\":%d}",
             users, per_user, active_users);
    assert_int_equal(fake_control(F, "POST", "/_fake/seed", body, NULL), 200);
}

/* GET on Clerk with a formatted path, status 200, parsed (owned). */
static cJSON *clerk_get(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static cJSON *clerk_get(const char *fmt, ...)
{
    char path[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(path, sizeof path, fmt, ap);
    va_end(ap);
    return call_json("GET", "clerk", path, CLERK_H, NULL, 200);
}

/* GET /users/count?<query>. */
static int count_users(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int count_users(const char *fmt, ...)
{
    char query[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(query, sizeof query, fmt, ap);
    va_end(ap);
    cJSON *c = clerk_get("/users/count?%s", query);
    int n = (int)jnum(c, "total_count");
    cJSON_Delete(c);
    return n;
}

/* A control request answered with want_status and a JSON body (owned). */
static cJSON *control_json(const char *path, const char *body, int want_status)
{
    char *out = NULL;
    int st = fake_control(F, "POST", path, body, &out);
    if (st != want_status)
        fprintf(stderr, "POST %s %s: got %d: %s\n", path, body, st, out ? out : "");
    assert_int_equal(st, want_status);
    cJSON *j = cJSON_Parse(out);
    assert_non_null(j);
    free(out);
    return j;
}

/* Whether /users?user_id=<uid>&<filter> lists that user. */
static int user_matches(const char *uid, const char *filter, long bound)
{
    cJSON *l = clerk_get("/users?user_id=%s&%s=%ld", uid, filter, bound);
    int n = cJSON_GetArraySize(l);
    cJSON_Delete(l);
    return n;
}

static void test_clerk_user_time_filters(void **state)
{
    (void)state;
    seed_clerk(40, 3, 10);
    assert_int_equal(count_users("last_active_at_after=%ld", recent_bound()), 10);
    assert_int_equal(count_users("last_active_at_before=%ld", recent_bound() + 1), 30);

    /* created_at: strict both ways; users come newest first */
    cJSON *users = clerk_get("/users?limit=500");
    assert_int_equal(cJSON_GetArraySize(users), 40);
    long c5 = (long)jnum(cJSON_GetArrayItem(users, 5), "created_at");
    long c20 = (long)jnum(cJSON_GetArrayItem(users, 20), "created_at");
    assert_int_equal(count_users("created_at_after=%ld", c5), 5);
    assert_int_equal(count_users("created_at_before=%ld", c5), 34);
    assert_int_equal(count_users("created_at_after=%ld&created_at_before=%ld", c20, c5), 14);

    /* last_sign_in_at, in ms */
    const cJSON *x = cJSON_GetArrayItem(users, 7);
    const char *xid = jstr(x, "id");
    long v = (long)jnum(x, "last_sign_in_at");
    assert_int_equal(user_matches(xid, "last_sign_in_at_after", v - 1), 1);
    assert_int_equal(user_matches(xid, "last_sign_in_at_after", v), 0);
    assert_int_equal(user_matches(xid, "last_sign_in_at_before", v), 0);
    assert_int_equal(user_matches(xid, "last_sign_in_at_before", v + 1), 1);
    cJSON_Delete(users);

    /* not an integer: 422 as Clerk answers it, on both routes */
    static const char *const params[] = {"last_active_at_after", "last_active_at_before",
        "last_sign_in_at_after", "last_sign_in_at_before", "created_at_after",
        "created_at_before"};
    static const char *const bad[] = {"abc", "1.5", "12abc", "1_000"};
    for (size_t i = 0; i < sizeof params / sizeof params[0]; i++) {
        for (size_t b = 0; b < sizeof bad / sizeof bad[0]; b++) {
            for (int route = 0; route < 2; route++) {
                char path[256];
                snprintf(path, sizeof path, "/users%s?%s=%s", route ? "/count" : "", params[i],
                         bad[b]);
                cJSON *e = call_json("GET", "clerk", path, CLERK_H, NULL, 422);
                assert_string_equal(clerk_err_code(e), "form_param_value_invalid");
                const cJSON *meta = cJSON_GetObjectItemCaseSensitive(
                    cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(e, "errors"), 0), "meta");
                assert_string_equal(jstr(meta, "param_name"), params[i]);
                cJSON_Delete(e);
            }
        }
    }

    /* Day precision: a user last active 7 days ago late in that day (after
     * now - 7 d to the ms) shows last_active_at = that day's start, so a
     * client asking after now - 7 d misses it; after the day before's end
     * finds it. The sign-in sits 23:00 into that day, or a minute after
     * now - 7 d when that is later; in the last minute of a UTC day there
     * is no such time in the same day, so wait for the next one. */
    long base = wall_ms() - 7 * DAY_MS;
    if (day_start(base + 60000) != day_start(base)) {
        struct timespec ts = {0, (DAY_MS - base % DAY_MS + 10) * 1000000L};
        while (ts.tv_nsec >= 1000000000L) {
            ts.tv_sec++;
            ts.tv_nsec -= 1000000000L;
        }
        nanosleep(&ts, NULL);
        base = wall_ms() - 7 * DAY_MS;
    }
    long at = day_start(base) + 23 * 3600000L;
    if (at < base + 60000)
        at = base + 60000;
    cJSON *idle = clerk_get("/users?last_active_at_before=%ld&limit=1", recent_bound() + 1);
    char *yid = strdup(jstr(cJSON_GetArrayItem(idle, 0), "id"));
    cJSON_Delete(idle);
    char body[256];
    snprintf(body, sizeof body, "{\"user_ids\":[\"%s\"],\"at\":%ld}", yid, at);
    cJSON_Delete(control_json("/_fake/clerk/sign_in", body, 200));
    cJSON *y = clerk_get("/users/%s", yid);
    assert_true((long)jnum(y, "last_active_at") == day_start(at));
    assert_true((long)jnum(y, "last_sign_in_at") == at);
    cJSON_Delete(y);
    long now_minus_7d = wall_ms() - 7 * DAY_MS;
    assert_true(at > now_minus_7d);                       /* it was active within 7 days ... */
    assert_int_equal(user_matches(yid, "last_active_at_after", now_minus_7d), 0);  /* ... missed */
    assert_int_equal(user_matches(yid, "last_active_at_after", day_start(at) - 1), 1);
    assert_int_equal(user_matches(yid, "last_active_at_after", day_start(at)), 0); /* strict */
    assert_int_equal(count_users("last_active_at_after=%ld", now_minus_7d), 10);
    assert_int_equal(count_users("last_active_at_after=%ld", recent_bound()), 11);
    free(yid);
}

/* The ids of a users page (owned array of owned strings, n of them). */
static char **user_page(const char *order, int limit, int offset, int *n)
{
    cJSON *l = clerk_get("/users?order_by=%s&limit=%d&offset=%d", order, limit, offset);
    *n = cJSON_GetArraySize(l);
    char **ids = calloc((size_t)*n + 1, sizeof *ids);
    for (int i = 0; i < *n; i++)
        ids[i] = strdup(jstr(cJSON_GetArrayItem(l, i), "id"));
    cJSON_Delete(l);
    return ids;
}

static void free_ids(char **ids)
{
    for (char **p = ids; *p; p++)
        free(*p);
    free(ids);
}

static int has_id(char **ids, const char *id)
{
    for (char **p = ids; *p; p++)
        if (strcmp(*p, id) == 0)
            return 1;
    return 0;
}

/* Each ordering is on the values of the moment: a user who signs in
 * between two offset pages moves to the top, so the second page repeats
 * the first's last user and never shows the one who moved. */
static void test_clerk_user_order_moves_between_pages(void **state)
{
    (void)state;
    seed_clerk(30, 4, 10);
    int n1, n2;
    char **p1 = user_page("-last_sign_in_at", 10, 0, &n1);
    char **p2 = user_page("-last_sign_in_at", 10, 10, &n2);
    assert_int_equal(n1, 10);
    assert_int_equal(n2, 10);
    char *moved = strdup(p2[4]);
    char body[256];
    snprintf(body, sizeof body, "{\"user_ids\":[\"%s\"]}", moved);
    cJSON_Delete(control_json("/_fake/clerk/sign_in", body, 200));
    char **q1 = user_page("-last_sign_in_at", 10, 0, &n1);
    char **q2 = user_page("-last_sign_in_at", 10, 10, &n2);
    assert_string_equal(q1[0], moved);
    assert_string_equal(q2[0], p1[9]);
    assert_false(has_id(q2, moved));
    free_ids(p1);
    free_ids(p2);
    free_ids(q1);
    free_ids(q2);

    /* last_active_at (to the day): ties newest created first, both ways;
     * the user who signed in is ahead of every user of an earlier day */
    for (int desc = 1; desc >= 0; desc--) {
        cJSON *all = clerk_get("/users?order_by=%slast_active_at&limit=500", desc ? "-" : "%2B");
        assert_int_equal(cJSON_GetArraySize(all), 30);
        long moved_day = -1;
        for (int i = 0; i < 30; i++) {
            const cJSON *u = cJSON_GetArrayItem(all, i);
            long la = (long)jnum(u, "last_active_at");
            if (strcmp(jstr(u, "id"), moved) == 0)
                moved_day = la;
            if (desc && moved_day < 0)
                assert_true(la >= day_start(wall_ms()));
            if (i == 0)
                continue;
            const cJSON *prev = cJSON_GetArrayItem(all, i - 1);
            long pla = (long)jnum(prev, "last_active_at");
            assert_true(desc ? pla >= la : pla <= la);
            if (pla == la)
                assert_true(jnum(prev, "created_at") > jnum(u, "created_at"));
        }
        assert_true(moved_day == day_start(wall_ms()));
        cJSON_Delete(all);
    }
    free(moved);
}

static void test_clerk_seed_active_users(void **state)
{
    (void)state;
    seed_clerk(60, 3, 12);
    long now = wall_ms();
    cJSON *users = clerk_get("/users?limit=500");
    int active = 0, first_active = 0;
    char actives[12][40];
    const cJSON *u;
    int i = 0;
    cJSON_ArrayForEach(u, users) {
        const char *uid = jstr(u, "id");
        long la = (long)jnum(u, "last_active_at");
        long sign_in = (long)jnum(u, "last_sign_in_at");
        int is_active = la > recent_bound();
        if (is_active) {
            snprintf(actives[active % 12], sizeof actives[0], "%s", uid);
            active++;
            first_active += i < 12;
        } else {
            long age_days = (now - la) / DAY_MS;
            assert_true(age_days >= 8 && age_days <= 400);
        }
        /* the user's summary comes from its sessions */
        cJSON *ss = clerk_get("/sessions?user_id=%s&limit=500", uid);
        assert_int_equal(cJSON_GetArraySize(ss), 3);
        long newest = 0, newest_activity = 0;
        const cJSON *s;
        cJSON_ArrayForEach(s, ss) {
            long created = (long)jnum(s, "created_at"), last = (long)jnum(s, "last_active_at");
            newest = created > newest ? created : newest;
            newest_activity = last > newest_activity ? last : newest_activity;
            assert_true(created <= last && last <= now);
            assert_true(jnum(u, "created_at") < created);
            if (!is_active) {      /* long over */
                assert_string_not_equal(jstr(s, "status"), "active");
                assert_string_not_equal(jstr(s, "status"), "replaced");
                assert_true(jnum(s, "expire_at") < now);
            }
        }
        assert_true(newest == sign_in);
        assert_true(day_start(newest_activity) == la);
        cJSON_Delete(ss);
        i++;
    }
    cJSON_Delete(users);
    assert_int_equal(active, 12);
    assert_true(first_active < 12);            /* spread, not the first 12 */
    assert_int_equal(count_users("last_active_at_after=%ld", recent_bound()), 12);

    /* the same seed, the same active users */
    seed_clerk(60, 3, 12);
    cJSON *again = clerk_get("/users?last_active_at_after=%ld&limit=500", recent_bound());
    assert_int_equal(cJSON_GetArraySize(again), 12);
    for (i = 0; i < 12; i++) {
        int found = 0;
        cJSON_ArrayForEach(u, again)
            found |= strcmp(jstr(u, "id"), actives[i]) == 0;
        assert_true(found);
    }
    cJSON_Delete(again);

    /* the benchmark's instance: seeded and filtered at once */
    cJSON *seeded = control_json("/_fake/seed", "{\"clerk_users\":10000,\"sessions_per_user\":100,"
                                 "\"active_users\":200}", 200);
    double seconds = jnum(seeded, "seconds");
    cJSON_Delete(seeded);
    long worst = 0;
    for (int rep = 0; rep < 3; rep++) {
        char *url = url_of("clerk", "/users?last_active_at_after=%ld&order_by=-last_active_at"
                           "&limit=500&offset=0", recent_bound());
        struct res r = req("GET", url, CLERK_H, NULL);
        free(url);
        assert_int_equal(r.status, 200);
        cJSON *l = cJSON_Parse(r.body);
        assert_int_equal(cJSON_GetArraySize(l), 200);
        cJSON_Delete(l);
        worst = r.ms > worst ? r.ms : worst;
        res_free(&r);
    }
    printf("      10000 users x 100 sessions seeded in %.3f s; the 200 active listed in <= %ld ms\n",
           seconds, worst);
    assert_true(seconds < 0.5);
    assert_true(worst < 500);
}

/* A sign-in from a place and device the body names, and one made by an
 * impersonator (actor): what sesame's flags are tested against. */
static void test_clerk_sign_in_where_and_actor(void **state)
{
    (void)state;
    seed_clerk(5, 2, 5);
    cJSON *users = clerk_get("/users?limit=1");
    char *uid = strdup(jstr(cJSON_GetArrayItem(users, 0), "id"));
    cJSON_Delete(users);
    char body[512];
    snprintf(body, sizeof body,
             "{\"user_ids\":[\"%s\"],\"country\":\"NZ\",\"city\":\"Wellington\","
             "\"device_type\":\"Nintendo\",\"is_mobile\":true,"
             "\"actor\":{\"sub\":\"user_2admin\"}}", uid);
    cJSON *in = control_json("/_fake/clerk/sign_in", body, 200);
    const char *sid = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(in, "session_ids"), 0)
                          ->valuestring;
    cJSON *s = clerk_get("/sessions/%s", sid);
    const cJSON *act = cJSON_GetObjectItemCaseSensitive(s, "latest_activity");
    assert_string_equal(jstr(act, "country"), "NZ");
    assert_string_equal(jstr(act, "city"), "Wellington");
    assert_string_equal(jstr(act, "device_type"), "Nintendo");
    assert_true(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(act, "is_mobile")));
    assert_string_equal(jstr(cJSON_GetObjectItemCaseSensitive(s, "actor"), "sub"), "user_2admin");
    cJSON_Delete(s);
    cJSON_Delete(in);
    /* bad overrides change nothing */
    static const char *const bad[] = {"\"country\":\"\"", "\"device_type\":3",
                                      "\"is_mobile\":\"yes\"", "\"actor\":true",
                                      "\"actor\":{\"iss\":\"x\"}"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        snprintf(body, sizeof body, "{\"user_ids\":[\"%s\"],%s}", uid, bad[i]);
        assert_int_equal(fake_control(F, "POST", "/_fake/clerk/sign_in", body, NULL), 400);
    }
    cJSON *list = clerk_get("/sessions?user_id=%s&limit=500", uid);
    assert_int_equal(cJSON_GetArraySize(list), 3);
    cJSON_Delete(list);
    free(uid);
}

static void test_clerk_sign_in_activity_revoke(void **state)
{
    (void)state;
    seed_clerk(20, 3, 5);
    long before = fake_stat(F, "clerk", "requests");
    long t0 = wall_ms();

    /* sign_in by count: users not recently active, the same after a reset */
    cJSON *in = control_json("/_fake/clerk/sign_in", "{\"users\":3}", 200);
    const cJSON *sids = cJSON_GetObjectItemCaseSensitive(in, "session_ids");
    const cJSON *uids = cJSON_GetObjectItemCaseSensitive(in, "user_ids");
    assert_int_equal(cJSON_GetArraySize(sids), 3);
    assert_int_equal(cJSON_GetArraySize(uids), 3);
    assert_int_equal(fake_stat(F, "clerk", "requests"), before);   /* not a BAPI request */
    for (int i = 0; i < 3; i++) {
        const char *sid = cJSON_GetArrayItem(sids, i)->valuestring;
        const char *uid = cJSON_GetArrayItem(uids, i)->valuestring;
        cJSON *list = clerk_get("/sessions?user_id=%s&limit=500", uid);
        const cJSON *s = cJSON_GetArrayItem(list, 0);          /* newest first */
        assert_string_equal(jstr(s, "id"), sid);
        assert_string_equal(jstr(s, "status"), "active");
        long created = (long)jnum(s, "created_at");
        assert_true(created >= t0 && created <= wall_ms());
        assert_true((long)jnum(s, "expire_at") == created + 7 * DAY_MS);
        assert_true((long)jnum(s, "abandon_at") == created + 30 * DAY_MS);
        cJSON *user = clerk_get("/users/%s", uid);
        assert_true((long)jnum(user, "last_sign_in_at") == created);
        assert_true((long)jnum(user, "last_active_at") == day_start(created));
        cJSON_Delete(user);
        cJSON_Delete(list);
    }
    assert_int_equal(count_users("last_active_at_after=%ld", recent_bound()), 8);
    cJSON *signed_in = clerk_get("/users?last_sign_in_at_after=%ld&limit=500", t0 - 1);
    assert_int_equal(cJSON_GetArraySize(signed_in), 3);
    cJSON_Delete(signed_in);
    char *first_pick = strdup(cJSON_GetArrayItem(uids, 0)->valuestring);
    cJSON_Delete(in);
    assert_int_equal(fake_reset(F), 200);
    seed_clerk(20, 3, 5);
    in = control_json("/_fake/clerk/sign_in", "{\"users\":3}", 200);
    assert_string_equal(cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(in, "user_ids"), 0)
                            ->valuestring, first_pick);
    cJSON_Delete(in);
    free(first_pick);

    /* bad bodies change nothing */
    static const char *const bad[] = {"{}", "{\"users\":0}", "{\"users\":99}", "{\"users\":\"3\"}",
        "{\"user_ids\":[]}", "{\"user_ids\":\"x\"}", "{\"users\":1,\"user_ids\":[\"x\"]}",
        "{\"users\":1,\"at\":1}", "{\"users\":1,\"at\":99999999999999}", "[1]"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(fake_control(F, "POST", "/_fake/clerk/sign_in", bad[i], NULL), 400);
    assert_int_equal(fake_control(F, "POST", "/_fake/clerk/sign_in",
                                  "{\"user_ids\":[\"user_nope\"]}", NULL), 404);
    assert_int_equal(count_users("last_active_at_after=%ld", recent_bound()), 8);

    /* activity: a user who signed in 3 days ago uses that session now; its
     * day moves to today, its last sign-in stays */
    cJSON *idle = clerk_get("/users?last_active_at_before=%ld&limit=1", recent_bound() + 1);
    char *uid = strdup(jstr(cJSON_GetArrayItem(idle, 0), "id"));
    cJSON_Delete(idle);
    char body[256];
    snprintf(body, sizeof body, "{\"user_ids\":[\"%s\"]}", uid);
    assert_int_equal(fake_control(F, "POST", "/_fake/clerk/activity", body, NULL), 400);
    long three_days_ago = wall_ms() - 3 * DAY_MS;
    snprintf(body, sizeof body, "{\"user_ids\":[\"%s\"],\"at\":%ld}", uid, three_days_ago);
    cJSON *in3 = control_json("/_fake/clerk/sign_in", body, 200);
    char *sid3 = strdup(cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(in3, "session_ids"),
                                           0)->valuestring);
    cJSON_Delete(in3);
    cJSON *user = clerk_get("/users/%s", uid);
    assert_true((long)jnum(user, "last_active_at") == day_start(three_days_ago));
    cJSON_Delete(user);
    long t1 = wall_ms();
    snprintf(body, sizeof body, "{\"user_ids\":[\"%s\"]}", uid);
    cJSON *touched = control_json("/_fake/clerk/activity", body, 200);
    assert_string_equal(cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(touched,
                                                                             "session_ids"),
                                           0)->valuestring, sid3);
    cJSON_Delete(touched);
    cJSON *s3 = clerk_get("/sessions/%s", sid3);
    assert_true((long)jnum(s3, "last_active_at") >= t1);
    assert_true((long)jnum(s3, "created_at") == three_days_ago);
    cJSON_Delete(s3);
    user = clerk_get("/users/%s", uid);
    assert_true((long)jnum(user, "last_active_at") == day_start(wall_ms()));
    assert_true((long)jnum(user, "last_sign_in_at") == three_days_ago);
    cJSON_Delete(user);
    free(sid3);

    /* revoke elsewhere: every active session of a user, then by id */
    long t2 = wall_ms();
    snprintf(body, sizeof body, "{\"user_id\":\"%s\"}", uid);
    cJSON *rev = control_json("/_fake/clerk/revoke", body, 200);
    const cJSON *revoked = cJSON_GetObjectItemCaseSensitive(rev, "revoked");
    assert_true(cJSON_GetArraySize(revoked) >= 1);
    char *rsid = strdup(cJSON_GetArrayItem(revoked, 0)->valuestring);
    cJSON_Delete(rev);
    cJSON *none = clerk_get("/sessions?user_id=%s&status=active", uid);
    assert_int_equal(cJSON_GetArraySize(none), 0);
    cJSON_Delete(none);
    cJSON *s = clerk_get("/sessions/%s", rsid);
    assert_string_equal(jstr(s, "status"), "revoked");
    assert_true((long)jnum(s, "updated_at") >= t2);
    cJSON_Delete(s);
    snprintf(body, sizeof body, "{\"session_ids\":[\"%s\"]}", rsid);
    rev = control_json("/_fake/clerk/revoke", body, 200);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(rev, "revoked")), 0);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(rev, "not_active")), 1);
    cJSON_Delete(rev);
    assert_int_equal(fake_control(F, "POST", "/_fake/clerk/revoke",
                                  "{\"session_ids\":[\"sess_nope\"]}", NULL), 404);
    /* no active session left: activity refuses, and changes nothing */
    snprintf(body, sizeof body, "{\"user_ids\":[\"%s\"]}", uid);
    assert_int_equal(fake_control(F, "POST", "/_fake/clerk/activity", body, NULL), 400);
    free(rsid);
    free(uid);
}

/* ------------------------------------------------------------------ rate limits, stats */

/* One request on a fake (any one), its answer (free it). */
static struct res clerk_req_on(struct fake *f, const char *path, const char *const *headers)
{
    char url[512];
    snprintf(url, sizeof url, "%s/clerk/v1%s", fake_base(f), path);
    return req("GET", url, headers, NULL);
}

static long stat_of(struct fake *f, const char *key) { return fake_stat(f, "clerk", key); }

/* A burst gets exactly R through, the next is 429 in Clerk's shape with a
 * sane Retry-After; refused requests take no slot (hammering does not keep
 * the limit shut); after the window, slots free. The command line sets it,
 * and /_fake/reset keeps it. */
static void test_clerk_rate_limit(void **state)
{
    (void)state;
    struct fake *own = fake_start("--clerk-users 20 --clerk-active-users 4 --clerk-rate-limit 5/1s");
    long t_first = mono_ms();
    for (int i = 0; i < 5; i++) {
        struct res r = clerk_req_on(own, "/users/count", CLERK_H);
        assert_int_equal(r.status, 200);
        res_free(&r);
    }
    long burst_ms = mono_ms() - t_first;
    struct res r = clerk_req_on(own, "/users/count", CLERK_H);
    if (burst_ms < 900) {     /* else the first slot may be free already */
        assert_int_equal(r.status, 429);
        assert_string_equal(r.retry_after, "1");
        assert_string_equal(r.ctype, "application/json");
        cJSON *e = cJSON_Parse(r.body);
        const cJSON *err = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(e, "errors"), 0);
        assert_string_equal(jstr(err, "code"), "too_many_requests");
        assert_string_equal(jstr(err, "message"), "Too many requests");
        assert_string_equal(jstr(err, "long_message"), "Too many requests, retry later");
        assert_non_null(jstr(e, "clerk_trace_id"));
        cJSON_Delete(e);
        struct res jwks = clerk_req_on(own, "/jwks", CLERK_H);   /* exempt */
        assert_int_equal(jwks.status, 200);
        res_free(&jwks);
    }
    res_free(&r);
    /* hammer: the first slot frees 1 s after the first request, refused or not */
    long refused = 0, freed_at = -1;
    while (mono_ms() - t_first < 3000) {
        r = clerk_req_on(own, "/users/count", CLERK_H);
        long status = r.status;
        res_free(&r);
        if (status == 200) {
            freed_at = mono_ms() - t_first;
            break;
        }
        assert_int_equal(status, 429);
        refused++;
    }
    printf("      rate limit 5/1s: %ld refused, a slot free again after %ld ms\n", refused,
           freed_at);
    assert_true(freed_at >= 1000);
    assert_true(freed_at < 1600);
    assert_true(refused > 0);
    assert_int_equal(stat_of(own, "rate_limited"), stat_of(own, "by_status.429"));
    assert_true(stat_of(own, "rate_limited") >= refused);
    assert_int_equal(stat_of(own, "by_route.GET /jwks"), burst_ms < 900 ? 1 : 0);

    /* reset: the command line's limit stays, with an empty window; any key
     * takes a slot; the control API takes none */
    assert_int_equal(fake_reset(own), 200);
    static const char *const wrong_key[] = {"Authorization: Bearer sk_test_wrong", NULL};
    t_first = mono_ms();
    for (int i = 0; i < 5; i++) {
        r = clerk_req_on(own, "/users", i % 2 ? wrong_key : NULL);
        assert_int_equal(r.status, 401);
        res_free(&r);
    }
    assert_int_equal(fake_control(own, "POST", "/_fake/clerk/sign_in", "{\"users\":2}", NULL), 200);
    r = clerk_req_on(own, "/users", CLERK_H);
    if (mono_ms() - t_first < 900)
        assert_int_equal(r.status, 429);
    res_free(&r);

    /* off, then a longer window: Retry-After counts the seconds left */
    assert_int_equal(fake_config(own, "{\"clerk_rate_limit\":null}"), 200);
    for (int i = 0; i < 20; i++) {
        r = clerk_req_on(own, "/users/count", CLERK_H);
        assert_int_equal(r.status, 200);
        res_free(&r);
    }
    assert_int_equal(fake_config(own, "{\"clerk_rate_limit\":{\"requests\":3,\"window_ms\":10000}}"),
                     200);
    for (int i = 0; i < 3; i++) {
        r = clerk_req_on(own, "/users/count", CLERK_H);
        assert_int_equal(r.status, 200);
        res_free(&r);
    }
    r = clerk_req_on(own, "/users/count", CLERK_H);
    assert_int_equal(r.status, 429);
    int wait = atoi(r.retry_after);
    assert_true(wait >= 8 && wait <= 10);
    res_free(&r);
    static const char *const bad[] = {"{\"clerk_rate_limit\":{\"requests\":0,\"window_ms\":10}}",
        "{\"clerk_rate_limit\":{\"requests\":5}}", "{\"clerk_rate_limit\":\"100/10s\"}",
        "{\"clerk_rate_limit\":{\"requests\":5,\"window_ms\":1.5}}"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(fake_config(own, bad[i]), 400);
    fake_stop(own);
}

/* Many connections at once: exactly R of them get through. */
static void test_clerk_rate_limit_concurrent(void **state)
{
    (void)state;
    enum { N = 40, R = 10 };
    assert_int_equal(fake_config(F, "{\"clerk_rate_limit\":{\"requests\":10,\"window_ms\":30000}}"),
                     200);
    char *u = url_of("clerk", "/users?limit=2");
    struct res r[N];
    CURLcode rc[N];
    run_parallel(N, u, CLERK_H, 10000, r, rc);
    int ok = 0, limited = 0;
    for (int i = 0; i < N; i++) {
        assert_int_equal(rc[i], CURLE_OK);
        ok += r[i].status == 200;
        limited += r[i].status == 429;
        res_free(&r[i]);
    }
    free(u);
    assert_int_equal(ok, R);
    assert_int_equal(limited, N - R);
    assert_int_equal(fake_stat(F, "clerk", "rate_limited"), N - R);
    assert_int_equal(fake_stat(F, "clerk", "by_status.200"), R);
    assert_true(fake_stat(F, "clerk", "by_route.GET /users") == N);
}

static void test_stats_by_status_and_route(void **state)
{
    (void)state;
    char *sid = active_session_id();        /* GET /users, GET /sessions */
    char path[256];
    snprintf(path, sizeof path, "/sessions/%s/revoke", sid);
    cJSON_Delete(call_json("POST", "clerk", path, CLERK_H, NULL, 200));
    cJSON_Delete(call_json("POST", "clerk", path, CLERK_H, NULL, 400));
    cJSON_Delete(call_json("GET", "clerk", "/sessions/sess_2nope", CLERK_H, NULL, 404));
    cJSON_Delete(call_json("GET", "clerk", "/users/count", NULL, NULL, 401));
    static const char *const pj[] = {JSON_CT, NULL};
    cJSON_Delete(call_json("POST", "plantly", "/auth/sessions", pj,
                           "{\"email_address\":\"demo@plantly.test\",\"password\":\"plantly-pass\"}",
                           200));
    assert_int_equal(fake_stat(F, "clerk", "requests"), 6);
    assert_int_equal(fake_stat(F, "clerk", "by_status.200"), 3);
    assert_int_equal(fake_stat(F, "clerk", "by_status.400"), 1);
    assert_int_equal(fake_stat(F, "clerk", "by_status.404"), 1);
    assert_int_equal(fake_stat(F, "clerk", "by_status.401"), 1);
    assert_int_equal(fake_stat(F, "clerk", "by_route.GET /users"), 1);
    assert_int_equal(fake_stat(F, "clerk", "by_route.GET /sessions"), 1);
    assert_int_equal(fake_stat(F, "clerk", "by_route.POST /sessions/*/revoke"), 2);
    assert_int_equal(fake_stat(F, "clerk", "by_route.GET /sessions/*"), 1);
    assert_int_equal(fake_stat(F, "clerk", "by_route.GET /users/count"), 1);
    assert_int_equal(fake_stat(F, "clerk", "rate_limited"), 0);
    assert_int_equal(fake_stat(F, "plantly", "by_route.POST /auth/sessions"), 1);
    assert_int_equal(fake_stat(F, "plantly", "by_status.200"), 1);
    assert_int_equal(fake_stat(F, "cbrain", "requests"), 0);

    /* clear: counts to zero, state untouched */
    assert_int_equal(fake_control(F, "POST", "/_fake/stats/clear", "{}", NULL), 200);
    assert_int_equal(fake_stat(F, "clerk", "requests"), 0);
    assert_int_equal(fake_stat(F, "clerk", "by_status.200"), 0);
    snprintf(path, sizeof path, "/sessions/%s", sid);
    cJSON *s = call_json("GET", "clerk", path, CLERK_H, NULL, 200);
    assert_string_equal(jstr(s, "status"), "revoked");
    cJSON_Delete(s);
    assert_int_equal(fake_stat(F, "clerk", "by_status.200"), 1);
    free(sid);
}

static void test_apideck_downstream_ratelimit(void **state)
{
    (void)state;
    static const char *const ok[] = {APIDECK_AUTH, APIDECK_APP, APIDECK_CONSUMER, JSON_CT, NULL};
    char *u = url_of("apideck", "/vault/sessions");
    char v[32];
    struct res r = req("POST", u, ok, "{}");             /* no limit: no headers */
    assert_int_equal(r.status, 200);
    assert_null(res_header(&r, "x-downstream-ratelimit-limit", v, sizeof v));
    res_free(&r);

    assert_int_equal(fake_config(F, "{\"apideck_downstream_ratelimit\":"
                                    "{\"limit\":3,\"window_ms\":1000}}"), 200);
    long t0 = mono_ms();
    for (int i = 0; i < 3; i++) {
        r = req("POST", u, ok, "{}");
        assert_int_equal(r.status, 200);
        assert_string_equal(res_header(&r, "x-downstream-ratelimit-limit", v, sizeof v), "3");
        assert_int_equal(atoi(res_header(&r, "x-downstream-ratelimit-remaining", v, sizeof v)),
                         2 - i);
        assert_string_equal(res_header(&r, "x-downstream-ratelimit-reset", v, sizeof v), "1");
        if (i == 0) {   /* the hosted Vault page is not the API */
            cJSON *j = cJSON_Parse(r.body);
            const char *uri = jstr(cJSON_GetObjectItemCaseSensitive(j, "data"), "session_uri");
            struct res page = req("GET", uri, NULL, NULL);
            assert_int_equal(page.status, 200);
            assert_null(res_header(&page, "x-downstream-ratelimit-limit", v, sizeof v));
            res_free(&page);
            cJSON_Delete(j);
        }
        res_free(&r);
    }
    r = req("POST", u, ok, "{}");
    if (mono_ms() - t0 < 900) {
        assert_int_equal(r.status, 429);
        cJSON *e = cJSON_Parse(r.body);
        assert_string_equal(jstr(e, "type_name"), "RequestLimitError");
        assert_int_equal((int)jnum(e, "status_code"), 429);
        cJSON_Delete(e);
        assert_string_equal(res_header(&r, "x-downstream-ratelimit-remaining", v, sizeof v), "0");
        assert_string_equal(res_header(&r, "x-downstream-ratelimit-reset", v, sizeof v), "1");
    }
    res_free(&r);
    struct timespec ts = {1, 100000000L};      /* the window resets */
    nanosleep(&ts, NULL);
    char *conn = url_of("apideck", "/vault/connections");
    r = req("GET", conn, ok, NULL);
    assert_int_equal(r.status, 200);
    assert_string_equal(res_header(&r, "x-downstream-ratelimit-remaining", v, sizeof v), "2");
    res_free(&r);
    free(conn);
    free(u);
    assert_int_equal(fake_config(F, "{\"apideck_downstream_ratelimit\":{\"requests\":3}}"), 400);
}

static void test_bt_rate_limit(void **state)
{
    (void)state;
    assert_int_equal(fake_config(F, "{\"bt_rate_limit\":{\"requests\":3,\"window_ms\":60000}}"),
                     200);
    static const char *const pub[] = {BT_PUBLIC, NULL};
    for (int i = 0; i < 3; i++)
        cJSON_Delete(call_json("POST", "basistheory", "/sessions", pub, NULL, 201));
    char *u = url_of("basistheory", "/sessions");
    struct res r = req("POST", u, pub, NULL);
    assert_int_equal(r.status, 429);
    assert_non_null(strstr(r.ctype, "application/problem+json"));
    assert_string_equal(r.retry_after, "");              /* none documented */
    cJSON *e = cJSON_Parse(r.body);
    assert_string_equal(jstr(e, "detail"), "Request has been rate limited");
    assert_int_equal((int)jnum(e, "status"), 429);
    cJSON_Delete(e);
    res_free(&r);
    free(u);
    assert_int_equal(fake_stat(F, "basistheory", "rate_limited"), 1);
    cJSON_Delete(call_json("GET", "clerk", "/users/count", CLERK_H, NULL, 200));  /* others go on */
    assert_int_equal(fake_config(F, "{\"bt_rate_limit\":null}"), 200);
    cJSON_Delete(call_json("POST", "basistheory", "/sessions", pub, NULL, 201));
}

/* ------------------------------------------------------------------ faults */

static void test_fault_latency(void **state)
{
    (void)state;
    assert_int_equal(fake_fault(F, "{\"provider\":\"clerk\",\"route\":\"GET /users\","
                                   "\"fault\":\"latency\",\"ms\":300,\"count\":1}"), 200);
    char *u = url_of("clerk", "/users");
    struct res r = req("GET", u, CLERK_H, NULL);
    assert_int_equal(r.status, 200);
    assert_true(r.ms >= 290);
    res_free(&r);
    r = req("GET", u, CLERK_H, NULL);
    assert_int_equal(r.status, 200);
    assert_true(r.ms < 250);
    res_free(&r);
    free(u);
}

static void test_fault_hang_does_not_block_others(void **state)
{
    (void)state;
    assert_int_equal(fake_fault(F, "{\"provider\":\"clerk\",\"route\":\"GET /users\","
                                   "\"fault\":\"hang\",\"count\":1}"), 200);
    char *u1 = url_of("clerk", "/users");
    char *u2 = url_of("clerk", "/users/count");
    struct res r[2];
    struct curl_slist *hl[2];
    CURL *e[2];
    e[0] = make_easy(&r[0], &hl[0], "GET", u1, CLERK_H, NULL, 1500);
    e[1] = make_easy(&r[1], &hl[1], "GET", u2, CLERK_H, NULL, 5000);
    long done[2] = {0, 0};
    CURLcode rc[2] = {CURLE_OK, CURLE_OK};
    run_multi(e, 2, done, rc);
    for (int i = 0; i < 2; i++) {
        finish_easy(e[i], &r[i]);
        curl_slist_free_all(hl[i]);
        curl_easy_cleanup(e[i]);
    }
    assert_int_equal(rc[0], CURLE_OPERATION_TIMEDOUT);
    assert_true(done[0] >= 1400);
    assert_int_equal(rc[1], CURLE_OK);
    assert_int_equal(r[1].status, 200);
    assert_true(done[1] < 1000);
    res_free(&r[0]);
    res_free(&r[1]);
    /* and the fake still answers */
    struct res again = req("GET", u1, CLERK_H, NULL);
    assert_int_equal(again.status, 200);
    res_free(&again);
    free(u1);
    free(u2);
}

static void test_fault_hang_then_stop_is_prompt(void **state)
{
    (void)state;
    struct fake *own = fake_start("--clerk-users 2");
    assert_int_equal(fake_fault(own, "{\"provider\":\"*\",\"fault\":\"hang\"}"), 200);
    char url[256];
    snprintf(url, sizeof url, "%s/_fake/echo", fake_base(own));
    struct res r;
    struct curl_slist *hl;
    CURL *e = make_easy(&r, &hl, "GET", url, NULL, NULL, 20000);
    CURLM *m = curl_multi_init();
    curl_multi_add_handle(m, e);
    int running = 1, in_flight = 0;
    long t0 = mono_ms();
    while (!in_flight && mono_ms() - t0 < 5000) {     /* until the fake holds it */
        curl_multi_perform(m, &running);
        curl_multi_poll(m, NULL, 0, 20, NULL);
        char *stats = NULL;
        fake_control(own, "GET", "/_fake/stats", NULL, &stats);
        cJSON *j = cJSON_Parse(stats);
        in_flight = j ? (int)jnum(j, "in_flight") : 0;
        cJSON_Delete(j);
        free(stats);
    }
    assert_int_equal(in_flight, 1);
    long t1 = mono_ms();
    fake_stop(own);
    long stop_ms = mono_ms() - t1;
    assert_true(stop_ms < 2000);
    CURLcode rc = CURLE_OK;
    t0 = mono_ms();
    while (running && mono_ms() - t0 < 5000) {
        curl_multi_perform(m, &running);
        CURLMsg *msg;
        int left;
        while ((msg = curl_multi_info_read(m, &left)))
            if (msg->msg == CURLMSG_DONE)
                rc = msg->data.result;
        if (running)
            curl_multi_poll(m, NULL, 0, 20, NULL);
    }
    assert_int_equal(running, 0);
    assert_int_not_equal(rc, CURLE_OK);     /* closed, never answered */
    curl_multi_remove_handle(m, e);
    curl_multi_cleanup(m);
    curl_easy_cleanup(e);
    curl_slist_free_all(hl);
    res_free(&r);
}

static void test_fault_reset(void **state)
{
    (void)state;
    assert_int_equal(fake_fault(F, "{\"provider\":\"plantly\",\"fault\":\"reset\",\"count\":1}"),
                     200);
    char *u = url_of("plantly", "/auth/sessions");
    static const char *const pj[] = {JSON_CT, NULL};
    const char *login = "{\"email_address\":\"demo@plantly.test\",\"password\":\"plantly-pass\"}";
    struct res r = req("POST", u, pj, login);
    assert_true(r.rc == CURLE_RECV_ERROR || r.rc == CURLE_GOT_NOTHING);
    res_free(&r);
    r = req("POST", u, pj, login);
    assert_int_equal(r.rc, CURLE_OK);
    assert_int_equal(r.status, 200);
    res_free(&r);
    free(u);
}

static void test_fault_status_retry_after_and_count(void **state)
{
    (void)state;
    assert_int_equal(fake_fault(F, "{\"provider\":\"clerk\",\"route\":\"GET /users\","
                                   "\"fault\":\"status\",\"status\":429,\"retry_after\":7,"
                                   "\"count\":2}"), 200);
    char *u = url_of("clerk", "/users");
    for (int i = 0; i < 2; i++) {
        struct res r = req("GET", u, CLERK_H, NULL);
        assert_int_equal(r.status, 429);
        assert_string_equal(r.retry_after, "7");
        cJSON *j = cJSON_Parse(r.body);
        assert_string_equal(clerk_err_code(j), "too_many_requests");
        cJSON_Delete(j);
        res_free(&r);
    }
    struct res r = req("GET", u, CLERK_H, NULL);
    assert_int_equal(r.status, 200);
    res_free(&r);
    free(u);

    /* '*' matches one path segment; other routes are untouched */
    assert_int_equal(fake_fault(F, "{\"provider\":\"clerk\",\"route\":\"POST /sessions/*/revoke\","
                                   "\"fault\":\"status\",\"status\":503}"), 200);
    char *sid = active_session_id();
    char path[256];
    snprintf(path, sizeof path, "/sessions/%s/revoke", sid);
    cJSON *e = call_json("POST", "clerk", path, CLERK_H, NULL, 503);
    clerk_err_code(e);
    cJSON_Delete(e);
    snprintf(path, sizeof path, "/sessions/%s", sid);
    cJSON *s = call_json("GET", "clerk", path, CLERK_H, NULL, 200);
    assert_string_equal(jstr(s, "status"), "active");
    cJSON_Delete(s);
    free(sid);

    /* each provider's own error shape */
    assert_int_equal(fake_fault(F, "{\"provider\":\"basistheory\",\"fault\":\"status\","
                                   "\"status\":500,\"count\":1}"), 200);
    static const char *const pub[] = {BT_PUBLIC, NULL};
    e = call_json("POST", "basistheory", "/sessions", pub, NULL, 500);
    assert_int_equal((int)jnum(e, "status"), 500);
    cJSON_Delete(e);
    assert_int_equal(fake_fault(F, "{\"provider\":\"apideck\",\"fault\":\"status\","
                                   "\"status\":502,\"count\":1}"), 200);
    e = call_json("POST", "apideck", "/vault/sessions", NULL, NULL, 502);
    assert_int_equal((int)jnum(e, "status_code"), 502);
    assert_non_null(jstr(e, "type_name"));
    cJSON_Delete(e);

    /* control API rejects nonsense */
    assert_int_equal(fake_fault(F, "{\"provider\":\"clerk\",\"fault\":\"explode\"}"), 400);
    assert_int_equal(fake_fault(F, "{\"provider\":\"nope\",\"fault\":\"hang\"}"), 400);
    assert_int_equal(fake_config(F, "{\"no_such_option\":true}"), 400);
}

static void test_fault_malformed(void **state)
{
    (void)state;
    assert_int_equal(fake_fault(F, "{\"provider\":\"clerk\",\"fault\":\"malformed\",\"count\":1}"),
                     200);
    char *u = url_of("clerk", "/users");
    struct res r = req("GET", u, CLERK_H, NULL);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.ctype, "application/json"));
    cJSON *j = cJSON_Parse(r.body);
    assert_null(j);
    res_free(&r);
    free(u);
}

static void test_fault_truncated(void **state)
{
    (void)state;
    assert_int_equal(fake_fault(F, "{\"provider\":\"clerk\",\"route\":\"GET /users\","
                                   "\"fault\":\"truncated\",\"count\":1}"), 200);
    char *u = url_of("clerk", "/users");
    struct res r = req("GET", u, CLERK_H, NULL);
    assert_int_equal(r.rc, CURLE_PARTIAL_FILE);
    assert_true(r.len > 0);
    res_free(&r);
    r = req("GET", u, CLERK_H, NULL);
    assert_int_equal(r.rc, CURLE_OK);
    res_free(&r);
    free(u);
}

static void test_fault_huge(void **state)
{
    (void)state;
    assert_int_equal(fake_fault(F, "{\"provider\":\"clerk\",\"route\":\"GET /sessions\","
                                   "\"fault\":\"huge\",\"mb\":3,\"count\":1}"), 200);
    char *uid = first_user_id();
    char *u = url_of("clerk", "/sessions?user_id=%s", uid);
    struct res r = req("GET", u, CLERK_H, NULL);
    assert_int_equal(r.rc, CURLE_OK);
    assert_int_equal(r.status, 200);
    assert_true(r.len >= 3 * 1024 * 1024 - 4096);
    cJSON *j = cJSON_Parse(r.body);
    assert_true(cJSON_IsArray(j));
    assert_true(cJSON_GetArraySize(j) > 1000);
    assert_string_equal(jstr(cJSON_GetArrayItem(j, 0), "object"), "session");
    cJSON_Delete(j);
    res_free(&r);

    /* chunked, on an object answer: still valid JSON */
    assert_int_equal(fake_fault(F, "{\"provider\":\"clerk\",\"route\":\"GET /users/count\","
                                   "\"fault\":\"huge\",\"mb\":1,\"chunked\":true,\"count\":1}"),
                     200);
    char *uc = url_of("clerk", "/users/count");
    r = req("GET", uc, CLERK_H, NULL);
    assert_int_equal(r.rc, CURLE_OK);
    assert_true(r.len >= 1024 * 1024 - 4096);
    j = cJSON_Parse(r.body);
    assert_non_null(j);
    assert_int_equal((int)jnum(j, "total_count"), 8);
    cJSON_Delete(j);
    res_free(&r);
    free(uc);
    free(u);
    free(uid);
}

static void test_fault_html(void **state)
{
    (void)state;
    assert_int_equal(fake_fault(F, "{\"provider\":\"basistheory\",\"fault\":\"html\","
                                   "\"status\":502,\"count\":1}"), 200);
    char *u = url_of("basistheory", "/sessions");
    static const char *const pub[] = {BT_PUBLIC, NULL};
    struct res r = req("POST", u, pub, NULL);
    assert_int_equal(r.status, 502);
    assert_non_null(strstr(r.ctype, "text/html"));
    assert_non_null(strstr(r.body, "<html>"));
    res_free(&r);
    free(u);
}

static void test_fault_escape(void **state)
{
    (void)state;
    char *uid = first_user_id();
    assert_int_equal(fake_fault(F, "{\"provider\":\"clerk\",\"route\":\"GET /sessions\","
                                   "\"fault\":\"escape\",\"count\":1}"), 200);
    char *u = url_of("clerk", "/sessions?user_id=%s", uid);
    struct res r = req("GET", u, CLERK_H, NULL);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "\\u001b]52;c;"));
    assert_non_null(strstr(r.body, "\\u001b[2J"));
    assert_non_null(memchr(r.body, 0xff, r.len));      /* invalid UTF-8 in the raw body */
    cJSON *j = cJSON_Parse(r.body);
    assert_true(cJSON_IsArray(j));
    const cJSON *s = cJSON_GetArrayItem(j, 0);
    assert_int_equal(strncmp(jstr(s, "id"), "sess_", 5), 0);   /* ids untouched */
    assert_string_equal(jstr(s, "status"), "active");
    const cJSON *act = cJSON_GetObjectItemCaseSensitive(s, "latest_activity");
    if (cJSON_IsObject(act))
        assert_non_null(strchr(jstr(act, "city"), '\x1b'));
    cJSON_Delete(j);
    res_free(&r);
    free(u);
    free(uid);
}

/* ------------------------------------------------------------------ echo, log, stats */

/* Five requests of 1 s each overlap at the fake: together well under the 5 s
 * they would take one after another. (With 300 ms each, a loaded machine,
 * under ASan, once accepted the fifth only after the first had finished.) */
static void test_echo_concurrency(void **state)
{
    (void)state;
    enum { N = 5 };
    char url[256];
    snprintf(url, sizeof url, "%s/_fake/echo?delay_ms=1000&status=200", fake_base(F));
    struct res r[N];
    CURLcode rc[N];
    long t0 = mono_ms();
    run_parallel(N, url, NULL, 5000, r, rc);
    long total = mono_ms() - t0;
    for (int i = 0; i < N; i++) {
        assert_int_equal(rc[i], CURLE_OK);
        assert_int_equal(r[i].status, 200);
        assert_non_null(strstr(r[i].body, "\"delay_ms\":1000"));
        res_free(&r[i]);
    }
    assert_true(total >= 1000);
    assert_true(total < 3000);
    char *stats = NULL;
    assert_int_equal(fake_control(F, "GET", "/_fake/stats", NULL, &stats), 200);
    cJSON *j = cJSON_Parse(stats);
    assert_true(jnum(j, "max_concurrent") >= N);
    cJSON_Delete(j);
    free(stats);
}

static void test_request_log(void **state)
{
    (void)state;
    char *sid = active_session_id();
    char *u = url_of("clerk", "/sessions/%s/tokens/hasura?trace=1", sid);
    static const char *const h[] = {CLERK_AUTH, JSON_CT, "X-Test-Marker: hello", NULL};
    struct res r = req("POST", u, h, "{\"expires_in_seconds\":90}");
    assert_int_equal(r.status, 200);
    res_free(&r);
    cJSON *last = fake_last_request(F, "clerk");
    assert_non_null(last);
    assert_string_equal(jstr(last, "method"), "POST");
    char want[256];
    snprintf(want, sizeof want, "/clerk/v1/sessions/%s/tokens/hasura", sid);
    assert_string_equal(jstr(last, "path"), want);
    assert_string_equal(jstr(last, "query"), "trace=1");
    assert_string_equal(jstr(last, "body"), "{\"expires_in_seconds\":90}");
    assert_string_equal(fake_request_header(last, "x-test-marker"), "hello");
    assert_string_equal(fake_request_header(last, "Authorization"), "Bearer sk_test_fake");
    cJSON_Delete(last);
    assert_int_equal(fake_control(F, "POST", "/_fake/requests/clear", "{}", NULL), 200);
    cJSON *all = fake_requests(F, "clerk");
    assert_int_equal(cJSON_GetArraySize(all), 0);
    cJSON_Delete(all);
    free(u);
    free(sid);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_clerk_bare_array_and_paginated, reset_fake),
        cmocka_unit_test_setup(test_clerk_paging_totals_at_scale, reset_fake),
        cmocka_unit_test(test_clerk_100k_sessions),
        cmocka_unit_test_setup(test_clerk_revoke_visible_in_next_list, reset_fake),
        cmocka_unit_test_setup(test_clerk_token_templates, reset_fake),
        cmocka_unit_test_setup(test_clerk_verify_410_then_enabled, reset_fake),
        cmocka_unit_test_setup(test_clerk_user_time_filters, reset_fake),
        cmocka_unit_test_setup(test_clerk_user_order_moves_between_pages, reset_fake),
        cmocka_unit_test_setup(test_clerk_seed_active_users, reset_fake),
        cmocka_unit_test_setup(test_clerk_sign_in_activity_revoke, reset_fake),
        cmocka_unit_test_setup(test_clerk_sign_in_where_and_actor, reset_fake),
        cmocka_unit_test(test_clerk_rate_limit),
        cmocka_unit_test_setup(test_clerk_rate_limit_concurrent, reset_fake),
        cmocka_unit_test_setup(test_stats_by_status_and_route, reset_fake),
        cmocka_unit_test_setup(test_apideck_downstream_ratelimit, reset_fake),
        cmocka_unit_test_setup(test_bt_rate_limit, reset_fake),
        cmocka_unit_test_setup(test_auth_failure_bodies, reset_fake),
        cmocka_unit_test_setup(test_cbrain_form_and_accept, reset_fake),
        cmocka_unit_test_setup(test_bt_create_201_authorize_200_empty, reset_fake),
        cmocka_unit_test_setup(test_plantly_rotate_and_logout, reset_fake),
        cmocka_unit_test_setup(test_apideck_headers_and_body, reset_fake),
        cmocka_unit_test_setup(test_fault_latency, reset_fake),
        cmocka_unit_test_setup(test_fault_hang_does_not_block_others, reset_fake),
        cmocka_unit_test_setup(test_fault_hang_then_stop_is_prompt, reset_fake),
        cmocka_unit_test_setup(test_fault_reset, reset_fake),
        cmocka_unit_test_setup(test_fault_status_retry_after_and_count, reset_fake),
        cmocka_unit_test_setup(test_fault_malformed, reset_fake),
        cmocka_unit_test_setup(test_fault_truncated, reset_fake),
        cmocka_unit_test_setup(test_fault_huge, reset_fake),
        cmocka_unit_test_setup(test_fault_html, reset_fake),
        cmocka_unit_test_setup(test_fault_escape, reset_fake),
        cmocka_unit_test_setup(test_echo_concurrency, reset_fake),
        cmocka_unit_test_setup(test_request_log, reset_fake),
    };
    return cmocka_run_group_tests_name("fake", tests, group_setup, group_teardown);
}
