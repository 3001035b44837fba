/* The body of every provider target: fuzz_<provider>.c defines
 * FUZZ_PROVIDER (provider_clerk ...) and includes this file.
 *
 * Input layout (seeds in tests/fuzz/corpus/<provider>/ follow it):
 *
 *   byte 0   bit 7 clear: parse mode, bit 7 set: build mode;
 *            bits 0-6 % OP_COUNT: the operation (any: unsupported ones too)
 *   byte 1   % 20: the HTTP status, from statuses[] below
 *   byte 2   flags: 0x01 session_id, 0x02 user_id, 0x04 client_id,
 *            0x08 status filter, 0x10 phase 1, 0x20 no body (parse) /
 *            no secrets (build), 0x40 options_json = ARG (parse) /
 *            secrets holding CR LF (build),
 *            0x80 the account's optional fields are set
 *   byte 3   bits 0-3: limit (limits[]), bits 4-7: offset / 250, also the
 *            token lifetime in build mode (ttls[])
 *   byte 4   n = length of ARG; then n bytes of ARG (cut at a NUL)
 *   rest     parse mode: the response body; build mode: options_json
 *
 * Parse mode runs parse() on the response and checks the result: every text
 * that may reach the terminal is sanitised, err and error go together, and
 * every follow-up request it asks for builds without an internal error.
 * Build mode runs build() (the providers that validate options_json are
 * Basis Theory authorize and Apideck create) and checks the request: no
 * control character in the URL or a header, a JSON body that parses; an
 * Apideck create that builds is then parsed against a spec answer. */
#include "fuzz_common.h"

#include <strings.h>

#include <cJSON.h>

#include "providers/provider.h"
#include "util.h"

#ifndef FUZZ_PROVIDER
#error "define FUZZ_PROVIDER (provider_clerk ...) before including fuzz_provider.h"
#endif

#define FZ_ACCOUNT_ID "acct-1"
#define FZ_SECRET_MARK "Q7f3a9cZ" /* in every secret value */

static const long statuses[20] = {200, 201, 204, 400, 401, 403, 404, 409, 410, 422,
                                  429, 500, 502, 503, 0,   302, 299, 199, 600, -1};
static const long limits[16] = {0, 1, 2, 10, 99, 100, 101, 499, 500, 501, -1, 1000, 3, 7, 50, 250};
static const long ttls[16] = {0, 29, 30, 60, 3600, 315360000L, 315360001L, -1,
                              1, 86400, 0, 0, 0, 0, 0, 0};

static const char *field_value(const char *key)
{
    static const struct {
        const char *key, *value;
    } values[] = {
        {"email_address", "ada@example.com"}, {"login", "ada"},
        {"app_id", "app_1"},                  {"consumer_id", "consumer_1"},
        {"consumer_name", "Ada Lovelace"},    {"consumer_email", "ada@example.com"},
        {"redirect_uri", "https://example.com/back"},
        {"session_length", "2d"},             {"user_id", "user_1"},
        {"client_id", "client_1"},
    };
    for (size_t i = 0; i < sizeof values / sizeof values[0]; i++)
        if (strcmp(values[i].key, key) == 0)
            return values[i].value;
    return "value";
}

static void make_account(struct account *a, const struct provider *p, bool optional)
{
    memset(a, 0, sizeof *a);
    a->id = xstrdup(FZ_ACCOUNT_ID);
    a->provider_id = xstrdup(p->id);
    a->label = xstrdup("Fuzz");
    for (const struct field *f = p->fields; f && f->key; f++) {
        if (f->flags & FIELD_SECRET)
            continue;
        if (!(f->flags & FIELD_REQUIRED) && !optional)
            continue;
        account_set_field(a, f->key, field_value(f->key));
    }
}

/* Build mode, flag 0x40: secrets with CR/LF in them (a pasted key). */
static bool fz_dirty_secrets;

/* "a,b" -> secrets a and b with harmless values. */
static void put_kinds(struct secret_bag *b, const char *list)
{
    if (!list)
        return;
    char *copy = xstrdup(list), *save = NULL;
    for (char *k = strtok_r(copy, ",", &save); k; k = strtok_r(NULL, ",", &save)) {
        char *v = xasprintf("secret-%s-" FZ_SECRET_MARK "%s", k,
                            fz_dirty_secrets ? "\r\nX-Injected: 1" : "");
        secret_bag_put(b, k, v);
        free(v);
    }
    free(copy);
}

static void fill_secrets(struct secret_bag *b, const struct provider *p, enum op op)
{
    if (!p->needs)
        return;
    struct op_needs n = p->needs(op);
    put_kinds(b, n.account_secrets);
    put_kinds(b, n.session_secrets);
}

static bool url_chars_ok(const char *u)
{
    for (const unsigned char *s = (const unsigned char *)u; *s; s++)
        if (*s <= 0x20 || *s == 0x7f)
            return false;
    return true;
}

/* Secrets never show in an error message (it reaches the screen and the
 * logs) or in a URL not flagged as secret. */
/* A search the fuzzer cannot learn from: not instrumented for comparisons
 * and not the intercepted strstr/memmem, so that it cannot copy the mark
 * into its inputs and make a secret "show" that is only an echo. */
__attribute__((no_sanitize("coverage"))) static bool fz_has_mark(const void *p, size_t n)
{
    static const char mark[] = FZ_SECRET_MARK;
    const size_t m = sizeof mark - 1;
    const unsigned char *s = p;
    for (size_t i = 0; i + m <= n; i++) {
        size_t k = 0;
        while (k < m && s[i + k] == (unsigned char)mark[k])
            k++;
        if (k == m)
            return true;
    }
    return false;
}

static bool fz_input_has_secret; /* then it may show: it is not the secret */

static void check_no_secret(const char *what, const char *s)
{
    if (s && !fz_input_has_secret && fz_has_mark(s, strlen(s)))
        fz_fail("%s shows a secret: %s", what, s);
}

/* A request build() said it made. */
static void check_request(const struct http_request *r, enum op op)
{
    FZ_ASSERT(r->method && *r->method, "a built request has a method");
    FZ_ASSERT(r->url, "a built request has a URL");
    FZ_ASSERT(strncmp(r->url, "https://", 8) == 0 || strncmp(r->url, "http://", 7) == 0,
              "the URL is http(s)");
    if (!url_chars_ok(r->url))
        fz_fail("%s: URL with a space or control character: %s", op_name(op), r->url);
    if (!(r->flags & HTTP_SECRET_URL))
        check_no_secret("a URL not flagged HTTP_SECRET_URL", r->url);
    FZ_ASSERT(r->n_headers <= HTTP_MAX_HEADERS, "header count");
    bool json = false;
    for (size_t i = 0; i < r->n_headers; i++) {
        const char *h = r->headers[i];
        FZ_ASSERT(h && strchr(h, ':'), "a header is Name: value");
        for (const unsigned char *s = (const unsigned char *)h; *s; s++)
            if (*s < 0x20 || *s == 0x7f)
                fz_fail("%s: header with a control character (0x%02x)", op_name(op), *s);
        if (strcasecmp(h, "Content-Type: application/json") == 0)
            json = true;
    }
    if (r->body) {
        FZ_ASSERT(r->body[r->body_len] == '\0', "the body is NUL-terminated");
        if (json) {
            cJSON *j = cJSON_ParseWithLength(r->body, r->body_len);
            if (!j)
                fz_fail("%s: a JSON body that does not parse: %.200s", op_name(op), r->body);
            cJSON_Delete(j);
        }
    }
}

static void check_session(const struct session *s)
{
    FZ_ASSERT(s->id && *s->id, "a session has an id");
    fz_check_text("session.id", s->id);
    FZ_ASSERT(s->account_id && strcmp(s->account_id, FZ_ACCOUNT_ID) == 0,
              "a session belongs to the account");
    fz_check_text("session.user_id", s->user_id);
    fz_check_text("session.user_display", s->user_display);
    fz_check_text("session.client_id", s->client_id);
    fz_check_text("session.device", s->device);
    fz_check_text("session.browser", s->browser);
    fz_check_text("session.ip", s->ip);
    fz_check_text("session.place", s->place);
    fz_check_text("session.raw_json", s->raw_json);
    FZ_ASSERT((unsigned)s->status < SESSION_STATUS_COUNT, "a known status");
}

static void build_followups(const struct provider *p, const struct account *acct,
                            const struct op_result *out);

static void check_result(const struct provider *p, const struct account *acct,
                         const struct op_result *out)
{
    FZ_ASSERT((out->err != 0) == (out->error != NULL), "err and error go together");
    fz_check_text("error", out->error);
    for (size_t i = 0; i < out->sessions.n; i++)
        check_session(&out->sessions.v[i]);
    for (size_t i = 0; i < out->n_users; i++) {
        FZ_ASSERT(out->users[i].id, "a user has an id");
        fz_check_text("user.id", out->users[i].id);
        fz_check_text("user.display", out->users[i].display);
    }
    fz_check_text("token", out->token);
    if (out->url)
        FZ_ASSERT(url_chars_ok(out->url) && (strncasecmp(out->url, "https://", 8) == 0 ||
                                             strncasecmp(out->url, "http://", 7) == 0),
                  "an openable URL is http(s) without spaces or controls");
    for (size_t i = 0; i < out->new_secrets.n; i++)
        FZ_ASSERT(out->new_secrets.item[i].kind && out->new_secrets.item[i].value,
                  "a new secret has a kind and a value");
    for (size_t i = 0; i < out->n_follow; i++)
        FZ_ASSERT((unsigned)out->follow[i].op < OP_COUNT, "a follow-up op is an op");
    build_followups(p, acct, out);
}

/* What the worker does next: build every follow-up with the secrets it
 * needs. That may fail for a reason (an unknown status filter) but never
 * with an internal error: parse() must not ask for what build() refuses. */
static void build_followups(const struct provider *p, const struct account *acct,
                            const struct op_result *out)
{
    for (size_t i = 0; i < out->n_follow; i++) {
        const struct op_followup *f = &out->follow[i];
        struct secret_bag bag = {0};
        fill_secrets(&bag, p, f->op);
        struct http_request req = {0};
        char *err = NULL;
        int rc = p->build(acct, f->op, &f->args, &bag, &req, &err);
        if (rc == ERR_INTERNAL)
            fz_fail("follow-up %s refused as an internal error: %s", op_name(f->op),
                    err ? err : "(no message)");
        if (rc == 0)
            check_request(&req, f->op);
        else
            FZ_ASSERT(err, "a failed build says why");
        fz_check_text("build error", err);
        check_no_secret("a build error", err);
        free(err);
        http_request_free(&req);
        secret_bag_clear(&bag);
    }
}

static void run_parse(const struct provider *p, const struct account *acct, enum op op,
                      const struct op_args *args, long status, const char *body, size_t len)
{
    struct http_response resp = {0};
    resp.status = status;
    resp.retry_after_s = -1;
    if (body) {
        resp.body = xmalloc(len + 1);
        memcpy(resp.body, body, len);
        resp.body[len] = '\0';
        resp.body_len = len;
        resp.content_type = xstrdup("application/json");
    }
    struct op_result out = {0};
    p->parse(acct, op, args, &resp, &out);
    check_result(p, acct, &out);
    /* the worker merges the answers of a job into one */
    struct op_result all = {0};
    op_result_merge(&all, &out);
    op_result_free(&out);
    op_result_free(&all);
    http_response_free(&resp);
}

/* CreateSessionResponse of specs/apideck-vault.yml. */
static const char apideck_created[] =
    "{\"status_code\":200,\"status\":\"OK\",\"data\":{\"session_uri\":"
    "\"https://vault.apideck.com/session/tok_1\",\"session_token\":\"tok_1\"}}";

static void run_build(const struct provider *p, const struct account *acct, enum op op,
                      const struct op_args *args, bool secrets)
{
    struct secret_bag bag = {0};
    if (secrets)
        fill_secrets(&bag, p, op);
    struct http_request req = {0};
    char *err = NULL;
    int rc = p->build(acct, op, args, &bag, &req, &err);
    if (rc == 0) {
        check_request(&req, op);
        FZ_ASSERT(!err, "a build that worked sets no error");
    } else {
        FZ_ASSERT(err, "a failed build says why");
        fz_check_text("build error", err);
        check_no_secret("a build error", err);
    }
    free(err);
    http_request_free(&req);
    secret_bag_clear(&bag);
    if (rc != 0)
        return;
    /* The answer to what was sent reads the options back. The session id
     * then is one of a session sesame holds (from a typed one that is not,
     * the nonce lookup would have failed before build). */
    struct op_args sent;
    op_args_copy(&sent, args);
    if (str_empty(sent.session_id) || fz_text_problem(sent.session_id)) {
        free(sent.session_id);
        sent.session_id = xstrdup("sess_1");
    }
    if (p == &provider_apideck && op == OP_CREATE)
        run_parse(p, acct, op, &sent, 201, apideck_created, sizeof apideck_created - 1);
    else if (p == &provider_basistheory && op == OP_AUTHORIZE)
        run_parse(p, acct, op, &sent, 200, NULL, 0);
    op_args_free(&sent);
}

/* "a,b,,c" -> user_ids (empty ones kept: parse never sends them, but the
 * CLI might). */
static void split_ids(struct op_args *a, const char *s)
{
    gchar **v = g_strsplit(s, ",", 200);
    size_t n = g_strv_length(v);
    a->user_ids = xcalloc(n ? n : 1, sizeof *a->user_ids);
    for (size_t i = 0; i < n; i++)
        a->user_ids[i] = xstrdup(v[i]);
    a->n_user_ids = n;
    g_strfreev(v);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    setenv("TZ", "UTC", 1);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const struct provider *p = &FUZZ_PROVIDER;
    if (size < 5)
        return 0;
    fz_input_has_secret = fz_has_mark(data, size);
    bool build = data[0] & 0x80;
    enum op op = (enum op)((data[0] & 0x7f) % OP_COUNT);
    long status = statuses[data[1] % 20];
    unsigned flags = data[2];
    unsigned paging = data[3];
    size_t arg_len = data[4];
    data += 5;
    size = size - 5;
    if (arg_len > size)
        arg_len = size;
    char *arg = fz_cstr(data, arg_len);
    data += arg_len;
    size -= arg_len;

    struct account acct;
    make_account(&acct, p, flags & 0x80);
    struct op_args args = {0};
    args.now_ms = 1700000000000LL;
    args.limit = limits[paging & 0x0f];
    args.offset = (long)(paging >> 4) * 250;
    args.phase = (flags & 0x10) ? 1 : 0;
    if (flags & 0x02)
        args.user_id = xstrdup(*arg ? arg : "user_1");
    if (flags & 0x04)
        args.client_id = xstrdup(*arg ? arg : "client_1");
    if (flags & 0x08)
        args.status = xstrdup((flags & 0x06) || !*arg ? "active" : arg);

    if (build) {
        /* what a person types: ids and options as they come */
        if (flags & 0x01)
            args.session_id = xstrdup(arg);
        else
            args.session_id = xstrdup("sess_1");
        args.options_json = fz_cstr(data, size);
        args.template_name = xstrdup(arg);
        args.verify_token = xstrdup(*arg ? arg : "eyJhbGciOi.x.y");
        args.expires_in_seconds = ttls[paging >> 4];
        if (op == OP_USERS)
            split_ids(&args, *arg ? arg : "user_1");
        fz_dirty_secrets = flags & 0x40;
        run_build(p, &acct, op, &args, !(flags & 0x20));
        fz_dirty_secrets = false;
    } else {
        /* ids come from sessions sesame listed before: sanitised text */
        args.session_id = (flags & 0x01) ? sanitize_text(arg) : NULL;
        if (str_empty(args.session_id)) { /* the worker never sends an empty id */
            free(args.session_id);
            args.session_id = xstrdup("sess_1");
        }
        if (flags & 0x40)
            args.options_json = xstrdup(arg);
        if (flags & 0x20)
            run_parse(p, &acct, op, &args, status, NULL, 0);
        else
            run_parse(p, &acct, op, &args, status, (const char *)data, size);
    }
    op_args_free(&args);
    account_free(&acct);
    free(arg);
    return 0;
}
