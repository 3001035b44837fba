/* The keyring's bad days, through the real worker (and, for "no Secret
 * Service", the real binary): a secret deleted behind sesame's back, no
 * Secret Service on the bus, a locked keyring, a keyring that does not
 * answer at all. Every case must end in an actionable ERR_KEYRING in time,
 * send nothing to the provider, and leave the worker serving other jobs.
 * Runs inside tests/with-keyring.sh (a private bus and gnome-keyring). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <libsecret/secret.h>

#include "../support/fake.h"
#include "keyring.h"
#include "providers/common.h"
#include "strslab.h"
#include "util.h"
#include "worker.h"

#define TEST_PASSWORD "sesame-test" /* the throwaway keyring's, see with-keyring.sh */

extern char **environ;

static struct fake *fk;
static struct worker *wk;
static char *dir; /* temp files of this test */

/* ---- a provider that needs no secret: the fake's echo ------------------- */

static int echo_build(const struct account *a, enum op op, const struct op_args *args,
                      const struct secret_bag *secrets, struct http_request *out, char **error)
{
    http_request_init(out, "GET", HTTP_IDEMPOTENT);
    http_request_set_url(out, "%s/_fake/echo", a->base_url);
    return 0;
}

static void echo_parse(const struct account *a, enum op op, const struct op_args *args,
                       const struct http_response *resp, struct op_result *out)
{
    if (resp->status != 200) {
        result_fail(out, err_for_status(resp->status), "HTTP %ld from Echo", resp->status);
        return;
    }
    session_list_push(&out->sessions)->id = strslab_dup("echo");
}

static const struct field echo_fields[] = {{NULL, NULL, 0, NULL, NULL}};
static const struct provider provider_echo = {
    .id = "kr-echo", .title = "Echo", .default_base_url = "http://127.0.0.1:1",
    .fields = echo_fields, .caps = CAP_GET, .needs = NULL,
    .build = echo_build, .parse = echo_parse,
};

/* ---- helpers ------------------------------------------------------------ */

static int rm_entry(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
    return remove(p);
}

static struct account make_account(const char *id, const char *provider)
{
    struct account a = {0};
    a.id = xstrdup(id);
    a.label = xasprintf("%s label", id);
    a.provider_id = xstrdup(provider);
    a.base_url = strcmp(provider, "kr-echo") == 0 ? xstrdup(fake_base(fk))
                                                  : fake_url(fk, provider);
    return a;
}

static void store_secret(const char *account, const char *kind, const char *value)
{
    char *err = NULL;
    if (keyring_store(account, kind, "", "sesame test", value, &err) != 0)
        fail_msg("store %s/%s: %s", account, kind, err);
}

static uint64_t submit(const struct account *a, enum op op, struct op_args *args,
                       int64_t timeout_ms)
{
    struct job j = {.kind = JOB_OP, .op = op, .timeout_ms = timeout_ms};
    account_copy(&j.account, a);
    if (args) {
        j.args = *args;
        memset(args, 0, sizeof *args);
    }
    return worker_submit(wk, &j);
}

static struct event run(const struct account *a, enum op op, struct op_args *args,
                        int64_t timeout_ms)
{
    uint64_t id = submit(a, op, args, timeout_ms);
    struct event ev;
    assert_true(worker_wait_event(wk, id, &ev));
    return ev;
}

/* Every event until the answer of job id, through the event fd as the UI
 * reads them: the answer, how many progress events came before it and the
 * first one's text and time (ms after t0; -1 if none). */
struct watched {
    struct event answer;
    int progress;
    char *first_progress;
    int64_t progress_at, answer_at;
};

static struct watched watch(uint64_t id, int64_t t0, int64_t limit_ms)
{
    struct watched w = {.progress_at = -1};
    for (;;) {
        struct event ev;
        while (worker_next_event(wk, &ev)) {
            if (ev.job_id != id) {
                event_free(&ev);
                continue;
            }
            if (ev.progress) {
                if (!w.progress++) {
                    w.first_progress = xstrdup(ev.error);
                    w.progress_at = mono_ms() - t0;
                }
                event_free(&ev);
                continue;
            }
            w.answer = ev;
            w.answer_at = mono_ms() - t0;
            return w;
        }
        if (mono_ms() - t0 > limit_ms)
            fail_msg("no answer to job %llu within %lld ms", (unsigned long long)id,
                     (long long)limit_ms);
        struct pollfd p = {.fd = worker_event_fd(wk), .events = POLLIN};
        poll(&p, 1, 100);
    }
}

static int requests_seen(const char *provider)
{
    cJSON *all = fake_requests(fk, provider);
    assert_non_null(all);
    int n = cJSON_GetArraySize(all);
    cJSON_Delete(all);
    return n;
}

static void assert_contains(const char *s, const char *what)
{
    if (!s || !strstr(s, what))
        fail_msg("\"%s\" not in: %s", what, s ? s : "(null)");
}

/* Run argv (PATH searched) with env; stdout and stderr into files; the exit
 * status (128+n for a signal, -1 if it could not run). */
static int spawn_wait(char *const argv[], char *const env[], const char *out, const char *err)
{
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 1, out ? out : "/dev/null",
                                     O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_addopen(&fa, 2, err ? err : "/dev/null",
                                     O_WRONLY | O_CREAT | O_TRUNC, 0600);
    pid_t pid;
    int rc = posix_spawnp(&pid, argv[0], &fa, NULL, argv, env ? env : environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0)
        return -1;
    int status;
    if (waitpid(pid, &status, 0) != pid)
        return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static char *slurp(const char *path)
{
    char *text = NULL;
    if (!g_file_get_contents(path, &text, NULL, NULL))
        return g_strdup("");
    return text;
}

/* Delete a secret the way a user would, with seahorse's command-line cousin
 * (libsecret directly if secret-tool is not installed). */
static void delete_behind_our_back(const char *account, const char *kind, const char *session)
{
    char *const argv[] = {"secret-tool", "clear", "application", "sesame", "account",
                          (char *)account, "kind", (char *)kind, "session",
                          (char *)(session ? session : ""), NULL};
    int rc = spawn_wait(argv, NULL, NULL, NULL);
    if (rc == -1 || rc == 127) {
        GHashTable *attrs = g_hash_table_new(g_str_hash, g_str_equal);
        g_hash_table_insert(attrs, "application", "sesame");
        g_hash_table_insert(attrs, "account", (char *)account);
        g_hash_table_insert(attrs, "kind", (char *)kind);
        g_hash_table_insert(attrs, "session", (char *)(session ? session : ""));
        GError *e = NULL;
        secret_service_clear_sync(NULL, NULL, attrs, NULL, &e);
        g_hash_table_unref(attrs);
        if (e)
            fail_msg("clearing %s/%s: %s", account, kind, e->message);
    } else {
        assert_int_equal(rc, 0);
    }
    char *v = NULL;
    assert_int_equal(keyring_lookup(account, kind, session, &v, NULL), 0);
    assert_null(v); /* gone */
}

/* ---- lock, unlock, stop the keyring ------------------------------------ */

static SecretCollection *default_collection(SecretService **svc)
{
    *svc = secret_service_get_sync(SECRET_SERVICE_NONE, NULL, NULL);
    assert_non_null(*svc);
    SecretCollection *c = secret_collection_for_alias_sync(*svc, SECRET_COLLECTION_DEFAULT,
                                                           SECRET_COLLECTION_NONE, NULL, NULL);
    assert_non_null(c);
    return c;
}

static void lock_keyring(void)
{
    SecretService *svc;
    SecretCollection *c = default_collection(&svc);
    GList *objs = g_list_append(NULL, c);
    GError *e = NULL;
    assert_int_equal(secret_service_lock_sync(svc, objs, NULL, NULL, &e), 1);
    g_list_free(objs);
    assert_true(secret_collection_get_locked(c));
    g_object_unref(c);
    g_object_unref(svc);
}

/* gnome-keyring's UnlockWithMasterPassword with the throwaway password, over
 * a "plain" session: no prompt (as tests/unit/test_keyring.c does). */
static void unlock_keyring(void)
{
    SecretService *svc;
    SecretCollection *c = default_collection(&svc);
    GDBusConnection *bus = g_dbus_proxy_get_connection(G_DBUS_PROXY(svc));
    GError *e = NULL;
    GVariant *r = g_dbus_connection_call_sync(
        bus, "org.freedesktop.secrets", "/org/freedesktop/secrets",
        "org.freedesktop.Secret.Service", "OpenSession",
        g_variant_new("(sv)", "plain", g_variant_new_string("")), G_VARIANT_TYPE("(vo)"),
        G_DBUS_CALL_FLAGS_NONE, -1, NULL, &e);
    if (!r)
        fail_msg("OpenSession: %s", e->message);
    const char *session;
    GVariant *out;
    g_variant_get(r, "(v&o)", &out, &session);
    GVariant *secret = g_variant_new(
        "(o@ay@ays)", session, g_variant_new_fixed_array(G_VARIANT_TYPE_BYTE, "", 0, 1),
        g_variant_new_fixed_array(G_VARIANT_TYPE_BYTE, TEST_PASSWORD, strlen(TEST_PASSWORD), 1),
        "text/plain");
    GVariant *r2 = g_dbus_connection_call_sync(
        bus, "org.freedesktop.secrets", "/org/freedesktop/secrets",
        "org.gnome.keyring.InternalUnsupportedGuiltRiddenInterface", "UnlockWithMasterPassword",
        g_variant_new("(o@(oayays))", g_dbus_proxy_get_object_path(G_DBUS_PROXY(c)), secret),
        NULL, G_DBUS_CALL_FLAGS_NONE, -1, NULL, &e);
    if (!r2)
        fail_msg("UnlockWithMasterPassword: %s", e->message);
    g_variant_unref(r2);
    g_dbus_connection_call_sync(bus, "org.freedesktop.secrets", session,
                                "org.freedesktop.Secret.Session", "Close", NULL, NULL,
                                G_DBUS_CALL_FLAGS_NONE, -1, NULL, NULL);
    g_variant_unref(out);
    g_variant_unref(r);
    g_object_unref(c);
    g_object_unref(svc);
    assert_int_equal(keyring_check(NULL), 0);
}

/* The pid of whoever owns org.freedesktop.secrets on our private bus. */
static pid_t keyring_daemon_pid(void)
{
    GError *e = NULL;
    GDBusConnection *bus = g_bus_get_sync(G_BUS_TYPE_SESSION, NULL, &e);
    assert_non_null(bus);
    GVariant *r = g_dbus_connection_call_sync(
        bus, "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
        "GetConnectionUnixProcessID", g_variant_new("(s)", "org.freedesktop.secrets"),
        G_VARIANT_TYPE("(u)"), G_DBUS_CALL_FLAGS_NONE, -1, NULL, &e);
    if (!r)
        fail_msg("GetConnectionUnixProcessID: %s", e->message);
    guint32 pid;
    g_variant_get(r, "(u)", &pid);
    g_variant_unref(r);
    g_object_unref(bus);
    return (pid_t)pid;
}

/* SIGSTOP the private keyring daemon, with a watchdog process that sends
 * SIGCONT after max_ms or as soon as this process dies, whatever happens
 * to the test. Returns the watchdog's pid. */
static pid_t freeze_keyring(pid_t daemon, int max_ms)
{
    pid_t parent = getpid();
    fflush(NULL);
    pid_t dog = fork();
    assert_true(dog >= 0);
    if (dog == 0) {
        for (int waited = 0; waited < max_ms && getppid() == parent; waited += 20)
            nanosleep(&(struct timespec){0, 20 * 1000 * 1000}, NULL);
        kill(daemon, SIGCONT);
        _exit(0);
    }
    assert_int_equal(kill(daemon, SIGSTOP), 0);
    return dog;
}

static void thaw_keyring(pid_t daemon, pid_t dog)
{
    kill(daemon, SIGCONT);
    kill(dog, SIGKILL);
    waitpid(dog, NULL, 0);
}

/* ---- fixtures ----------------------------------------------------------- */

static int setup_all(void **state)
{
    if (provider_register(&provider_echo) != 0)
        return -1;
    const char *base = getenv("SESAME_TEST_TMP") ? getenv("SESAME_TEST_TMP") : "/tmp";
    dir = xasprintf("%s/keyring-edges.XXXXXX", base);
    if (!mkdtemp(dir))
        return -1;
    fk = fake_start(NULL);
    char *err = NULL;
    wk = worker_start(NULL, &err);
    assert_non_null(wk);
    return 0;
}

static int teardown_all(void **state)
{
    int64_t t0 = mono_ms();
    worker_stop(wk);
    if (mono_ms() - t0 > 2000)
        fprintf(stderr, "test_keyring_edges: worker_stop took %lld ms\n",
                (long long)(mono_ms() - t0));
    fake_stop(fk);
    keyring_clear_account("kr-clerk", NULL);
    keyring_clear_account("kr-other", NULL);
    keyring_clear_account("kr-cbrain", NULL);
    nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
    free(dir);
    return 0;
}

static int reset(void **state)
{
    assert_int_equal(fake_reset(fk), 200);
    store_secret("kr-clerk", "api_key", "sk_test_fake");
    store_secret("kr-other", "api_key", "sk_test_fake");
    store_secret("kr-cbrain", "password", "cbrain-pass");
    return 0;
}

/* ---- a secret deleted behind sesame's back ------------------------------- */

static void test_account_secret_deleted(void **state)
{
    struct account a = make_account("kr-clerk", "clerk");
    struct account other = make_account("kr-other", "clerk");
    struct event ev = run(&a, OP_LIST, NULL, 0);
    assert_int_equal(ev.err, 0);
    event_free(&ev);
    assert_int_equal(fake_reset(fk), 200);

    delete_behind_our_back("kr-clerk", "api_key", NULL);
    /* both at once: the one without its secret fails alone */
    uint64_t bad = submit(&a, OP_LIST, NULL, 0);
    uint64_t good = submit(&other, OP_LIST, NULL, 0);
    assert_true(worker_wait_event(wk, bad, &ev));
    assert_int_equal(ev.err, ERR_KEYRING);
    assert_contains(ev.error, "no api_key in the keyring");
    assert_contains(ev.error, "kr-clerk label"); /* which account */
    assert_contains(ev.error, "sesame account edit id:kr-clerk --secret api_key"); /* how to fix it */
    fprintf(stderr, "  %s\n", ev.error);
    event_free(&ev);
    assert_true(worker_wait_event(wk, good, &ev));
    if (ev.err)
        fail_msg("the other account: %s", ev.error);
    assert_int_equal(ev.result.sessions.n, 8 * 3);
    event_free(&ev);
    /* only the other account's requests reached the provider */
    cJSON *reqs = fake_requests(fk, "clerk");
    cJSON *r;
    cJSON_ArrayForEach(r, reqs)
        assert_string_equal(fake_request_header(r, "Authorization"), "Bearer sk_test_fake");
    int after_good = cJSON_GetArraySize(reqs);
    cJSON_Delete(reqs);

    /* nothing more goes out for the account without its key, however often */
    for (int i = 0; i < 3; i++) {
        ev = run(&a, OP_LIST, NULL, 0);
        assert_int_equal(ev.err, ERR_KEYRING);
        event_free(&ev);
    }
    assert_int_equal(requests_seen("clerk"), after_good);
    /* put back, it works again */
    store_secret("kr-clerk", "api_key", "sk_test_fake");
    ev = run(&a, OP_LIST, NULL, 0);
    assert_int_equal(ev.err, 0);
    event_free(&ev);
    account_free(&a);
    account_free(&other);
}

/* A logged-in session's token removed in Seahorse: checking the session
 * says which token of which session is gone, sends nothing. */
static void test_session_secret_deleted(void **state)
{
    struct account a = make_account("kr-cbrain", "cbrain");
    account_set_field(&a, "login", "demo");
    struct event ev = run(&a, OP_CREATE, NULL, 0);
    if (ev.err)
        fail_msg("CBRAIN login: %s", ev.error);
    char *sid = xstrdup(ev.result.sessions.v[0].id);
    event_free(&ev);
    int before = requests_seen("cbrain");

    delete_behind_our_back("kr-cbrain", "api_token", sid);
    struct op_args args = {.session_id = xstrdup(sid)};
    ev = run(&a, OP_INFO, &args, 0);
    assert_int_equal(ev.err, ERR_KEYRING);
    assert_contains(ev.error, "no api_token in the keyring for session");
    assert_contains(ev.error, sid);
    assert_contains(ev.error, "removed outside sesame");
    fprintf(stderr, "  %s\n", ev.error);
    event_free(&ev);
    assert_int_equal(requests_seen("cbrain"), before);
    free(sid);
    account_free(&a);
}

/* ---- no Secret Service at all: the real binary, headless ----------------- */

static void test_no_secret_service_headless(void **state)
{
    const char *bin = getenv("SESAME_BIN");
    if (!bin || !*bin || access(bin, X_OK) != 0) {
        fprintf(stderr, "  skipped: SESAME_BIN is not set to the built sesame "
                        "(make unit sets it)\n");
        skip();
    }
    char *cfg = xasprintf("%s/nobus-config", dir);
    char *st = xasprintf("%s/nobus-state", dir);
    assert_int_equal(mkdir(cfg, 0700), 0);
    char *conf = xasprintf("%s/accounts.conf", cfg);
    char *url = fake_url(fk, "clerk");
    FILE *f = fopen(conf, "w");
    assert_non_null(f);
    fprintf(f, "[account kr-clerk]\nprovider=clerk\nlabel=Clerk no bus\nbase_url=%s\n", url);
    assert_int_equal(fclose(f), 0);

    char *out = xasprintf("%s/nobus.out", dir), *err = xasprintf("%s/nobus.err", dir);
    char *e_bus = xstrdup("DBUS_SESSION_BUS_ADDRESS=unix:path=/nonexistent");
    char *e_cfg = xasprintf("SESAME_CONFIG_DIR=%s", cfg);
    char *e_st = xasprintf("SESAME_STATE_DIR=%s", st);
    char *e_home = xasprintf("HOME=%s", dir);
    char *e_path = xasprintf("PATH=%s", getenv("PATH") ? getenv("PATH") : "/usr/bin:/bin");
    char *env[] = {e_bus, e_cfg, e_st, e_home, e_path, "LC_ALL=C", NULL};
    char *argv[] = {(char *)bin, "sessions", NULL};
    int64_t t0 = mono_ms();
    int rc = spawn_wait(argv, env, out, err);
    int64_t took = mono_ms() - t0;
    char *text = slurp(err);
    fprintf(stderr, "  exit %d in %lld ms, stderr: %s", rc, (long long)took, text);
    assert_int_equal(rc, ERR_KEYRING);
    assert_contains(text, "Secret Service");
    assert_contains(text, "Clerk no bus");
    assert_int_equal(requests_seen("clerk"), 0);
    assert_true(took < 10000);
    g_free(text);
    free(e_bus);
    free(e_cfg);
    free(e_st);
    free(e_home);
    free(e_path);
    free(out);
    free(err);
    free(url);
    free(conf);
    free(cfg);
    free(st);
}

/* ---- a locked keyring ---------------------------------------------------- */

static void test_locked_keyring(void **state)
{
    struct account a = make_account("kr-clerk", "clerk");
    lock_keyring();

    struct job chk = {.kind = JOB_KEYRING_CHECK};
    chk.account.id = xstrdup("kr-clerk");
    uint64_t id = worker_submit(wk, &chk);
    struct event ev;
    assert_true(worker_wait_event(wk, id, &ev));
    assert_int_equal(ev.err, ERR_KEYRING);
    assert_contains(ev.error, "locked");
    event_free(&ev);

    /* the lookup asks gnome-keyring to unlock; with no display its prompt
     * fails, and the job ends with the locked sentence well within its
     * deadline, nothing sent */
    const int64_t timeout = 10000;
    int64_t t0 = mono_ms();
    id = submit(&a, OP_LIST, NULL, timeout);
    struct watched w = watch(id, t0, timeout + 3000);
    fprintf(stderr, "  locked: answer after %lld ms (%d progress event(s)%s%s): %s\n",
            (long long)w.answer_at, w.progress, w.progress ? ", first: " : "",
            w.progress ? w.first_progress : "", w.answer.error);
    assert_int_equal(w.answer.err, ERR_KEYRING);
    assert_contains(w.answer.error, "locked");
    assert_contains(w.answer.error, "unlock");
    assert_true(w.answer_at < timeout);
    if (w.progress)
        assert_contains(w.first_progress, "waiting for the keyring");
    assert_int_equal(requests_seen("clerk"), 0);
    event_free(&w.answer);
    free(w.first_progress);

    unlock_keyring();
    ev = run(&a, OP_LIST, NULL, timeout);
    if (ev.err)
        fail_msg("after unlocking: %s", ev.error);
    assert_int_equal(ev.result.sessions.n, 8 * 3);
    event_free(&ev);
    account_free(&a);
}

/* ---- a keyring that does not answer -------------------------------------
 * The daemon is stopped (SIGSTOP) as if an unlock prompt sat unanswered:
 * libsecret's call blocks for D-Bus's 25 s. The caller must hear "waiting
 * for the keyring" soon, get ERR_KEYRING at the job's deadline, and jobs
 * that need no keyring must run meanwhile. */
static void test_keyring_not_answering(void **state)
{
    struct account a = make_account("kr-clerk", "clerk");
    struct account echo = make_account("kr-echo", "kr-echo");
    pid_t daemon = keyring_daemon_pid();
    assert_true(daemon > 1);
    const int64_t timeout = 3000;
    pid_t dog = freeze_keyring(daemon, 20000);

    int64_t t0 = mono_ms();
    uint64_t id = submit(&a, OP_LIST, NULL, timeout);
    /* meanwhile the network side is not held up */
    struct event ev = run(&echo, OP_GET, NULL, 5000);
    int64_t echo_at = mono_ms() - t0;
    assert_int_equal(ev.err, 0);
    event_free(&ev);
    struct watched w = watch(id, t0, timeout + 3000);
    fprintf(stderr, "  stopped keyring: other job done after %lld ms; progress after %lld ms "
            "(%s); answer after %lld ms: %s\n", (long long)echo_at, (long long)w.progress_at,
            w.first_progress ? w.first_progress : "none", (long long)w.answer_at,
            w.answer.error);
    assert_true(echo_at < 1500);
    assert_int_equal(w.progress, 1);
    assert_contains(w.first_progress, "waiting for the keyring");
    assert_true(w.progress_at < 1500);
    assert_int_equal(w.answer.err, ERR_KEYRING);
    assert_contains(w.answer.error, "keyring did not answer");
    assert_true(w.answer_at >= timeout - 100 && w.answer_at < timeout + 1500);
    assert_int_equal(requests_seen("clerk"), 0);
    event_free(&w.answer);
    free(w.first_progress);

    /* a second keyring job while the first call is still stuck also ends
     * at its own deadline */
    t0 = mono_ms();
    id = submit(&a, OP_LIST, NULL, 1000);
    w = watch(id, t0, 4000);
    assert_int_equal(w.answer.err, ERR_KEYRING);
    fprintf(stderr, "  second job behind the stuck call: answer after %lld ms\n",
            (long long)w.answer_at);
    assert_true(w.answer_at < 2500);
    event_free(&w.answer);
    free(w.first_progress);

    thaw_keyring(daemon, dog);
    /* once the daemon answers again, so does sesame */
    t0 = mono_ms();
    ev = run(&a, OP_LIST, NULL, 30000);
    if (ev.err)
        fail_msg("after the keyring came back: %s", ev.error);
    fprintf(stderr, "  after SIGCONT: list in %lld ms\n", (long long)(mono_ms() - t0));
    assert_int_equal(ev.result.sessions.n, 8 * 3);
    event_free(&ev);
    account_free(&a);
    account_free(&echo);
}

int main(void)
{
    if (!getenv("SESAME_IN_PRIVATE_KEYRING")) {
        fprintf(stderr, "test_keyring_edges: run me under tests/with-keyring.sh, "
                        "never against your own keyring\n");
        return 1;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_account_secret_deleted, reset),
        cmocka_unit_test_setup(test_session_secret_deleted, reset),
        cmocka_unit_test_setup(test_no_secret_service_headless, reset),
        cmocka_unit_test_setup(test_locked_keyring, reset),
        cmocka_unit_test_setup(test_keyring_not_answering, reset),
    };
    return cmocka_run_group_tests_name("keyring_edges", tests, setup_all, teardown_all);
}
