/* "Buffers that held secrets are wiped", proved through the allocator.
 *
 * This binary defines its own free() and realloc() (the executable's
 * symbols come first for every caller: src/, libcjson, libcurl, GLib), which
 * forward to the next definition (glibc's, or the sanitizer runtime's).
 * While a test watches, the hook looks into every block the test's thread
 * frees, before the real free, for the test's secrets (malloc_usable_size
 * bytes), and into every block realloc() moves (the old block is freed
 * inside libc, unwiped). A hit is a buffer that held a secret and went back
 * to the allocator without being wiped.
 *
 * Positive controls show the hook sees what it claims to (a plain free of
 * a secret, a moving realloc). What it cannot see: frees inside glibc itself
 * (not through the PLT), other threads (the worker, the loopback server:
 * excluded on purpose), and memory never freed (that is valgrind's and
 * LeakSanitizer's part). libcurl's internal copies (the URL, header lines in
 * its send buffer, the receive buffer) cannot be wiped from outside: the
 * transfer test counts only frees made by sesame's own code.
 *
 * Under ThreadSanitizer the hook is left out (its runtime frees through
 * dlerror while it starts, before anything can be forwarded): the tests
 * that need it are skipped there; the release and ASan builds run them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dlfcn.h>
#include <malloc.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "browser.h"
#include "cli/cli.h"
#include "http.h"
#include "http_curl.h"
#include "keyring.h"
#include "providers/provider.h"
#include "util.h"
#include "worker.h"
#include "../support/loopback.h"

/* ---- the allocator hook ---------------------------------------------------- */

#define MAX_NEEDLES 16
static char needle[MAX_NEEDLES][96];
static size_t n_needles;
static atomic_bool watching;
static pthread_t watcher;
static bool own_code_only;            /* count only frees called from this executable */
static bool all_threads;              /* not only the test's own thread */
static atomic_int hits, frees_seen;
static char first_hit[200];

extern char __executable_start[], etext[];
#if defined(__SANITIZE_THREAD__)
#define HOOKED 0
#else
#define HOOKED 1
static void (*real_free)(void *);
static void *(*real_realloc)(void *, size_t);
static atomic_int resolving;

static void resolve(void)
{
    if (atomic_exchange(&resolving, 1))
        return; /* dlsym's own allocations while resolving */
    real_free = (void (*)(void *))dlsym(RTLD_NEXT, "free");
    real_realloc = (void *(*)(void *, size_t))dlsym(RTLD_NEXT, "realloc");
    if (!real_free || !real_realloc)
        abort();
}

static bool from_own_code(const void *caller)
{
    return (const char *)caller >= __executable_start && (const char *)caller < etext;
}

/* The first needle in the block, or -1. */
static int find_needle(const void *p)
{
    size_t size = malloc_usable_size((void *)p);
    for (size_t i = 0; i < n_needles; i++)
        if (memmem(p, size, needle[i], strlen(needle[i])))
            return (int)i;
    return -1;
}

static bool watched_here(const void *caller)
{
    return atomic_load(&watching) && (all_threads || pthread_equal(pthread_self(), watcher)) &&
           (!own_code_only || from_own_code(caller));
}

static void note_hit(int i, const char *how, const void *caller)
{
    if (atomic_fetch_add(&hits, 1) == 0)
        snprintf(first_hit, sizeof first_hit, "%s of a block holding \"%s\" (caller %p)", how,
                 needle[i], caller);
}

void free(void *p)
{
    if (!real_free) {
        resolve();
        if (!real_free)
            return; /* freed during resolution: leaked once, harmless */
    }
    if (p && watched_here(__builtin_return_address(0))) {
        atomic_fetch_add(&frees_seen, 1);
        int i = find_needle(p);
        if (i >= 0)
            note_hit(i, "free", __builtin_return_address(0));
    }
    real_free(p);
}

void *realloc(void *p, size_t n)
{
    if (!real_realloc) {
        resolve();
        if (!real_realloc)
            return NULL;
    }
    int i = -1;
    size_t old = 0;
    const void *caller = __builtin_return_address(0);
    if (p && watched_here(caller)) {
        i = find_needle(p);
        old = malloc_usable_size(p);
    }
    void *q = real_realloc(p, n);
    /* moved: the old block went back as it was; grown in place this time,
     * but it moves whenever the next block is taken */
    if (i >= 0 && q && (q != p || n > old))
        note_hit(i, q != p ? "moving realloc" : "growing realloc", caller);
    return q;
}
#endif

/* Every test that relies on the hook starts with this. */
#define NEED_HOOK()                                                                         \
    do {                                                                                    \
        if (!HOOKED)                                                                        \
            skip();                                                                         \
    } while (0)

static void watch_reset(void)
{
    n_needles = 0;
    atomic_store(&hits, 0);
    atomic_store(&frees_seen, 0);
    first_hit[0] = '\0';
    own_code_only = false;
}

/* A fresh secret (unique per run, so stale heap bytes of another test or run
 * never match) remembered as a needle. */
static const char *secret(const char *prefix)
{
    assert_true(n_needles < MAX_NEEDLES);
    static unsigned serial;
    snprintf(needle[n_needles], sizeof needle[0], "%s%08x%04xQz9", prefix,
             (unsigned)getpid() * 2654435761u, ++serial);
    return needle[n_needles++];
}

/* A long one (a real JWT is ~800 bytes): request bodies then outgrow
 * cJSON's first print buffer. The needle is its unique head. */
static const char *long_secret(const char *prefix)
{
    static char value[MAX_NEEDLES][1100];
    const char *head = secret(prefix);
    size_t i = n_needles - 1;
    snprintf(value[i], sizeof value[i], "%s", head);
    memset(value[i] + strlen(head), 'p', 1000);
    value[i][strlen(head) + 1000] = '\0';
    return value[i];
}

static void watch_on(void)
{
    watcher = pthread_self();
    atomic_store(&watching, true);
}

static void watch_off(void)
{
    atomic_store(&watching, false);
}

#define assert_no_hits()                                                                    \
    do {                                                                                    \
        if (atomic_load(&hits))                                                             \
            fail_msg("%d unwiped block(s); the first: %s", atomic_load(&hits), first_hit);  \
    } while (0)

/* ---- the hook itself ------------------------------------------------------- */

static void test_hook_sees_a_plain_free(void **state)
{
    NEED_HOOK();
    watch_reset();
    const char *s = secret("plain");
    char *copy = xstrdup(s);
    watch_on();
    free(copy); /* not wiped: the hook must say so */
    watch_off();
    assert_int_equal(atomic_load(&hits), 1);
    assert_true(atomic_load(&frees_seen) >= 1);
}

static void test_hook_sees_a_moving_realloc(void **state)
{
    NEED_HOOK();
    watch_reset();
    const char *s = secret("moved");
    char *p = xmalloc(64);
    strcpy(p, s);
    char *hold = xmalloc(64); /* so that the block cannot grow where it is */
    watch_on();
    p = realloc(p, 4u << 20); /* mmap-sized: always a new block */
    watch_off();
    assert_non_null(p);
    assert_int_equal(atomic_load(&hits), 1);
    wipe(p, strlen(p));
    free(p);
    free(hold);
}

/* ---- the helpers ----------------------------------------------------------- */

static void test_wipe_clears_an_owned_buffer(void **state)
{
    char buf[64];
    memset(buf, 'k', sizeof buf);
    wipe(buf, sizeof buf);
    for (size_t i = 0; i < sizeof buf; i++)
        assert_int_equal(buf[i], 0);
    wipe(NULL, 10); /* NULL is fine */
}

static void test_wipe_free(void **state)
{
    NEED_HOOK();
    watch_reset();
    char *s = xstrdup(secret("wipefree"));
    watch_on();
    wipe_free(s);
    wipe_free(NULL);
    watch_off();
    assert_int_equal(atomic_load(&frees_seen), 1);
    assert_no_hits();
}

static void test_http_request_free(void **state)
{
    NEED_HOOK();
    watch_reset();
    const char *key = secret("hdr"), *body = secret("body"), *tok = secret("url");
    struct http_request r;
    http_request_init(&r, "POST", HTTP_SECRET_URL);
    http_request_set_url(&r, "http://127.0.0.1:1/x?token=%s", tok);
    http_request_set_url(&r, "http://127.0.0.1:1/y?token=%s", tok); /* replaced: wiped */
    http_request_add_header(&r, "Authorization: Bearer %s", key);
    http_request_add_header(&r, "Accept: application/json");
    char *b = xasprintf("{\"password\":\"%s\"}", body);
    http_request_set_body(&r, b, strlen(b));
    http_request_set_body(&r, b, strlen(b)); /* replaced: wiped */
    watch_on();
    wipe_free(b);
    http_request_free(&r);
    watch_off();
    assert_true(atomic_load(&frees_seen) >= 5);
    assert_no_hits();
    assert_null(r.body);
    assert_int_equal(r.n_headers, 0);
}

static void test_http_response_free(void **state)
{
    NEED_HOOK();
    watch_reset();
    const char *tok = secret("resp");
    struct http_response r = {0};
    r.body = xasprintf("{\"access_token\":\"%s\"}", tok);
    r.body_len = strlen(r.body);
    r.content_type = xstrdup("application/json");
    watch_on();
    http_response_free(&r);
    watch_off();
    assert_int_equal(atomic_load(&frees_seen), 2);
    assert_no_hits();
    assert_int_equal(r.retry_after_s, -1);
}

static void test_secret_bag_and_results(void **state)
{
    NEED_HOOK();
    watch_reset();
    struct secret_bag bag = {0};
    secret_bag_put(&bag, "api_key", secret("bag1"));
    secret_bag_put(&bag, "api_key", secret("bag2")); /* replaced: the first wiped */
    secret_bag_put(&bag, "password", secret("bag3"));
    struct op_result res = {0};
    res.token = xstrdup(secret("jwt"));
    res.url = xasprintf("http://127.0.0.1/vault-ui/session/%s", secret("uri"));
    secret_bag_put(&res.new_secrets, "refresh_token", secret("refresh"));
    struct op_result more = {0};
    secret_bag_put(&more.new_secrets, "access_token", secret("access"));
    more.token = xstrdup(secret("jwt2")); /* dst has one: freed by the merge */
    struct op_args args = {0};
    args.verify_token = xstrdup(secret("verify"));
    struct event ev = {0};
    ev.secret = xstrdup(secret("lookup"));
    ev.result.token = xstrdup(secret("evjwt"));
    struct job job = {0};
    job.secret = xstrdup(secret("store"));
    watch_on();
    secret_bag_put(&bag, "password", "other"); /* replaced: wiped */
    secret_bag_clear(&bag);
    op_result_merge(&res, &more);
    op_result_free(&res);
    op_args_free(&args);
    event_free(&ev);
    job_free(&job);
    watch_off();
    assert_true(atomic_load(&frees_seen) >= 12);
    assert_no_hits();
}

/* ---- the providers: build and parse on secrets ---------------------------- */

static void make_account(struct account *a, const char *provider)
{
    memset(a, 0, sizeof *a);
    a->id = xstrdup("acct-wipe");
    a->provider_id = xstrdup(provider);
    a->label = xstrdup("wipe test");
    a->base_url = xstrdup("http://127.0.0.1:9");
    account_set_field(a, "email_address", "ada@example.com");
    account_set_field(a, "login", "ada");
    account_set_field(a, "app_id", "app");
    account_set_field(a, "consumer_id", "consumer");
}

/* build() of op with every secret the provider may need, then free all. */
static void build_and_free(const struct provider *p, const struct account *a, enum op op,
                           const struct op_args *args)
{
    static const char *const kinds[] = {"api_key", "public_key", "private_key", "nonce",
                                        "password", "access_token", "refresh_token",
                                        "api_token", "session_key"};
    struct secret_bag bag = {0};
    struct op_needs needs = p->needs ? p->needs(op) : (struct op_needs){0};
    for (size_t i = 0; i < ARRAY_LEN(kinds); i++) {
        bool wanted = (needs.account_secrets && strstr(needs.account_secrets, kinds[i])) ||
                      (needs.session_secrets && strstr(needs.session_secrets, kinds[i]));
        if (wanted)
            secret_bag_put(&bag, kinds[i], long_secret(kinds[i]));
    }
    struct http_request req = {0};
    char *err = NULL;
    watch_on();
    int rc = p->build(a, op, args, &bag, &req, &err);
    http_request_free(&req);
    secret_bag_clear(&bag);
    watch_off();
    if (rc)
        fail_msg("%s %s: build failed: %s", p->id, op_name(op), err ? err : "?");
    free(err);
}

static void test_providers_build(void **state)
{
    NEED_HOOK();
    const struct provider *const *all = provider_all();
    for (size_t i = 0; all[i]; i++) {
        const struct provider *p = all[i];
        struct account a;
        make_account(&a, p->id);
        for (int op = 0; op < OP_COUNT; op++) {
            struct op_needs needs = p->needs ? p->needs((enum op)op) : (struct op_needs){0};
            if (!needs.account_secrets && !needs.session_secrets && op != OP_VERIFY)
                continue;
            if (op == OP_VERIFY && !(p->caps & CAP_VERIFY))
                continue;
            watch_reset();
            struct op_args args = {0};
            args.session_id = xstrdup("sess_1");
            args.user_id = xstrdup("user_1");
            args.template_name = xstrdup("hasura");
            if (op == OP_USERS) {
                args.user_ids = xcalloc(1, sizeof *args.user_ids);
                args.user_ids[0] = xstrdup("user_1");
                args.n_user_ids = 1;
            }
            args.now_ms = 1700000000000LL;
            if (op == OP_VERIFY)
                args.verify_token = xstrdup(long_secret("verifyjwt"));
            if (op == OP_AUTHORIZE)
                args.options_json = xstrdup("{\"permissions\":[\"token:read\",\"token:create\","
                                            "\"token:update\",\"token:delete\",\"token:search\"],"
                                            "\"rules\":[{\"description\":\"a rule long enough "
                                            "to grow the print buffer of cJSON past its first "
                                            "256 bytes\",\"priority\":1,\"container\":\"/\","
                                            "\"transform\":\"redact\",\"permissions\":"
                                            "[\"token:read\"]}]}");
            if (op == OP_CREATE && strcmp(p->id, "apideck") == 0)
                args.options_json = xstrdup("{\"consumer_metadata\":{\"user_name\":\"Ada\"}}");
            build_and_free(p, &a, (enum op)op, &args);
            op_args_free(&args);
            if (atomic_load(&hits))
                fail_msg("%s %s: %d unwiped block(s); the first: %s", p->id,
                         op_name((enum op)op), atomic_load(&hits), first_hit);
        }
        account_free(&a);
    }
}

/* parse() of an answer that carries secrets, then free the result. */
static void parse_and_free(const char *provider, enum op op, const char *body)
{
    const struct provider *p = provider_find(provider);
    assert_non_null(p);
    struct account a;
    make_account(&a, provider);
    struct op_args args = {0};
    args.session_id = xstrdup("sess_1");
    args.now_ms = 1700000000000LL;
    struct http_response resp = {0};
    resp.status = op == OP_CREATE && strcmp(provider, "basistheory") == 0 ? 201 : 200;
    resp.retry_after_s = -1;
    resp.content_type = xstrdup("application/json");
    resp.body = xstrdup(body);
    resp.body_len = strlen(body);
    struct op_result out = {0};
    watch_on();
    p->parse(&a, op, &args, &resp, &out);
    int err = out.err;
    bool kept = out.token || out.url || out.new_secrets.n;
    op_result_free(&out);
    http_response_free(&resp);
    watch_off();
    op_args_free(&args);
    account_free(&a);
    if (err || !kept)
        fail_msg("%s %s: the answer was not taken (err %d)", provider, op_name(op), err);
    if (atomic_load(&hits))
        fail_msg("%s %s: %d unwiped block(s); the first: %s", provider, op_name(op),
                 atomic_load(&hits), first_hit);
}

static void test_providers_parse(void **state)
{
    NEED_HOOK();
    char *body;
    watch_reset();
    body = xasprintf("{\"type\":\"auth.session\",\"token_type\":\"bearer\",\"access_token\":\"%s\","
                     "\"refresh_token\":\"%s\",\"expires_in\":3600}", secret("pacc"),
                     secret("pref"));
    parse_and_free("plantly", OP_CREATE, body);
    parse_and_free("plantly", OP_REFRESH, body);
    wipe_free(body);

    watch_reset();
    body = xasprintf("{\"user_id\":42,\"cbrain_api_token\":\"%s\"}", secret("cbtok"));
    parse_and_free("cbrain", OP_CREATE, body);
    wipe_free(body);

    watch_reset();
    body = xasprintf("{\"session_key\":\"%s\",\"nonce\":\"%s\",\"expires_at\":"
                     "\"2023-01-09T20:14:55.2130891+00:00\"}", secret("btkey"), secret("btnonce"));
    parse_and_free("basistheory", OP_CREATE, body);
    wipe_free(body);

    watch_reset();
    const char *vt = secret("vault");
    body = xasprintf("{\"status_code\":200,\"status\":\"OK\",\"data\":{\"session_uri\":"
                     "\"http://127.0.0.1:9/apideck/vault-ui/session/%s\",\"session_token\":"
                     "\"%s\"}}", vt, vt);
    parse_and_free("apideck", OP_CREATE, body);
    wipe_free(body);

    watch_reset();
    body = xasprintf("{\"object\":\"token\",\"jwt\":\"eyJhbGciOiJSUzI1NiJ9.%s.c2ln\"}",
                     secret("clerkjwt"));
    parse_and_free("clerk", OP_TOKEN, body);
    wipe_free(body);
}

/* ---- the transport --------------------------------------------------------- */

static char *served_body; /* what the loopback server answers */

static void serve(const struct lb_request *req, struct lb_response *resp, void *ud)
{
    resp->content_type = "application/json";
    resp->body = xstrdup(served_body);
}

/* A large login answer (the body buffer grows many times) and a request
 * with a secret header: only frees made by sesame's code count (libcurl's
 * own buffers cannot be wiped from outside, and the server is in this
 * process, on other threads). */
static void test_transfer_buffers(void **state)
{
    NEED_HOOK();
    watch_reset();
    const char *tok = secret("xfer"), *key = secret("xkey");
    size_t pad = 300000;
    char *big = xmalloc(pad + 200);
    int n = snprintf(big, pad + 200, "{\"access_token\":\"%s\",\"padding\":\"", tok);
    memset(big + n, 'x', pad);
    strcpy(big + n + pad, "\"}");
    served_body = big;
    struct loopback *lb = loopback_start(serve, NULL);
    assert_non_null(lb);

    struct http_request req;
    http_request_init(&req, "GET", HTTP_IDEMPOTENT);
    http_request_set_url(&req, "http://127.0.0.1:%d/login", loopback_port(lb));
    http_request_add_header(&req, "Authorization: Bearer %s", key);
    struct http_policy pol = {.connect_timeout_ms = 5000, .timeout_ms = 20000};
    struct http_transfer t;
    assert_int_equal(http_transfer_setup(&t, &req, &pol), 0);
    own_code_only = true;
    watch_on();
    CURLcode rc = curl_easy_perform(t.easy);
    char *terr = http_transfer_finish(&t, rc, "loopback");
    assert_null(terr);
    assert_int_equal(t.resp.status, 200);
    assert_true(t.resp.body_len > pad);
    assert_non_null(strstr(t.resp.body, tok));
    http_transfer_cleanup(&t);
    http_request_free(&req);
    watch_off();
    loopback_stop(lb);
    wipe(big, strlen(big));
    free(big);
    assert_no_hits();

    /* The header list handed to libcurl: its lines are wiped on cleanup
     * (no transfer: curl then keeps no copy of its own). */
    watch_reset();
    key = secret("slist");
    http_request_init(&req, "GET", 0);
    http_request_set_url(&req, "http://127.0.0.1:9/x");
    http_request_add_header(&req, "Authorization: Bearer %s", key);
    assert_int_equal(http_transfer_setup(&t, &req, &pol), 0);
    watch_on();
    http_transfer_cleanup(&t);
    http_request_free(&req);
    watch_off();
    assert_no_hits();
}

/* ---- a secret read by a headless command ---------------------------------- */

static void test_cli_read_secret(void **state)
{
    NEED_HOOK();
    watch_reset();
    const char *s = secret("stdin");
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    /* longer than the first buffer (128 bytes): it grows, wiped as it moves */
    char line[400];
    snprintf(line, sizeof line, "%s%0300d\n", s, 7);
    assert_int_equal(write(fds[1], line, strlen(line)), (ssize_t)strlen(line));
    close(fds[1]);
    int saved = dup(STDIN_FILENO);
    dup2(fds[0], STDIN_FILENO);
    close(fds[0]);
    char *out = NULL, *err = NULL;
    watch_on();
    int rc = cli_read_secret("Secret", &out, &err);
    watch_off();
    dup2(saved, STDIN_FILENO);
    close(saved);
    assert_int_equal(rc, 0);
    assert_non_null(out);
    assert_non_null(strstr(out, s));
    watch_on();
    wipe_free(out);
    watch_off();
    free(err);
    wipe(line, sizeof line);
    assert_no_hits();
}

/* ---- the browser's argv (o on a Vault session) ------------------------------ */

static void test_browser_argv(void **state)
{
    NEED_HOOK();
    watch_reset();
    char *url = xasprintf("http://127.0.0.1:9/apideck/vault-ui/session/%s", long_secret("vurl"));
    const char *old = getenv("BROWSER");
    char *saved = old ? xstrdup(old) : NULL;
    setenv("BROWSER", "true --new-tab %s:true", 1);
    pid_t pid = 0;
    char *why = NULL;
    watch_on();
    int rc = browser_spawn(url, true, &pid, &why);
    watch_off();
    if (saved)
        setenv("BROWSER", saved, 1);
    else
        unsetenv("BROWSER");
    free(saved);
    assert_int_equal(rc, 0);
    int st;
    assert_int_equal(waitpid(pid, &st, 0), pid);
    free(why);
    wipe_free(url);
    assert_true(atomic_load(&frees_seen) >= 3);
    assert_no_hits();
}

/* ---- the keyring ------------------------------------------------------------ */

/* Store and read back a secret through libsecret with every thread and
 * every library watched (GDBus parses messages on its own thread): the
 * secret crosses D-Bus encrypted (the session is opened with
 * dh-ietf1024-sha256-aes128-cbc-pkcs7) and libsecret keeps the plain text
 * in its own wiped secure memory; sesame's copy is wiped by the caller. */
static void test_keyring_round_trip(void **state)
{
    NEED_HOOK();
    if (!getenv("SESAME_IN_PRIVATE_KEYRING"))
        skip(); /* never the user's own keyring */
    watch_reset();
    const char *s = long_secret("keyring");
    char *err = NULL, *got = NULL;
    all_threads = true;
    watch_on();
    int rc = keyring_store("t-wipe", "api_key", NULL, NULL, s, &err);
    if (rc == 0)
        rc = keyring_lookup("t-wipe", "api_key", NULL, &got, &err);
    bool same = got && strcmp(got, s) == 0;
    wipe_free(got);
    watch_off();
    all_threads = false;
    if (rc)
        fail_msg("keyring: %s", err ? err : "?");
    assert_true(same);
    free(err);
    err = NULL;
    assert_int_equal(keyring_clear_account("t-wipe", &err), 0);
    assert_true(atomic_load(&frees_seen) > 50); /* GLib's and GDBus's frees were seen */
    assert_no_hits();
}

int main(void)
{
    cJSON_InitHooks(NULL); /* cJSON's default: malloc, free and realloc, so the hook sees them */
    curl_global_init(CURL_GLOBAL_DEFAULT);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hook_sees_a_plain_free),
        cmocka_unit_test(test_hook_sees_a_moving_realloc),
        cmocka_unit_test(test_wipe_clears_an_owned_buffer),
        cmocka_unit_test(test_wipe_free),
        cmocka_unit_test(test_http_request_free),
        cmocka_unit_test(test_http_response_free),
        cmocka_unit_test(test_secret_bag_and_results),
        cmocka_unit_test(test_providers_build),
        cmocka_unit_test(test_providers_parse),
        cmocka_unit_test(test_transfer_buffers),
        cmocka_unit_test(test_cli_read_secret),
        cmocka_unit_test(test_browser_argv),
        cmocka_unit_test(test_keyring_round_trip),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    curl_global_cleanup();
    return rc;
}
