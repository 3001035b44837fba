/* keyring.c against a real Secret Service: run inside tests/with-keyring.sh
 * (a private session bus with a throwaway, unlocked gnome-keyring). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <libsecret/secret.h>

#include "keyring.h"
#include "util.h"

#define TEST_PASSWORD "sesame-test" /* the throwaway keyring's, see with-keyring.sh */

static char *lookup_ok(const char *account, const char *kind, const char *session)
{
    char *secret = (char *)1, *error = NULL;
    int rc = keyring_lookup(account, kind, session, &secret, &error);
    if (rc != 0)
        fail_msg("lookup %s/%s/%s: %s", account, kind, session ? session : "", error);
    assert_null(error);
    return secret;
}

static void store_ok(const char *account, const char *kind, const char *session,
                     const char *secret)
{
    char *error = NULL;
    int rc = keyring_store(account, kind, session, NULL, secret, &error);
    if (rc != 0)
        fail_msg("store %s/%s: %s", account, kind, error);
    assert_null(error);
}

static void assert_secret(const char *account, const char *kind, const char *session,
                          const char *want)
{
    char *got = lookup_ok(account, kind, session);
    if (!want) {
        assert_null(got);
        return;
    }
    assert_non_null(got);
    assert_string_equal(got, want);
    wipe_free(got);
}

static void test_check_ok(void **state)
{
    char *error = NULL;
    assert_int_equal(keyring_check(&error), 0);
    assert_null(error);
    assert_int_equal(keyring_check(NULL), 0);
}

static void test_round_trip(void **state)
{
    store_ok("t-round", "api_key", NULL, "sk_test_1");
    assert_secret("t-round", "api_key", NULL, "sk_test_1");
    assert_secret("t-round", "api_key", "", "sk_test_1"); /* NULL session == "" */
    /* storing again replaces, it does not add a second item */
    store_ok("t-round", "api_key", NULL, "sk_test_2");
    assert_secret("t-round", "api_key", NULL, "sk_test_2");
    GHashTable *attrs = g_hash_table_new(g_str_hash, g_str_equal);
    g_hash_table_insert(attrs, "application", "sesame");
    g_hash_table_insert(attrs, "account", "t-round");
    GList *items = secret_service_search_sync(NULL, NULL, attrs, SECRET_SEARCH_ALL, NULL, NULL);
    assert_int_equal(g_list_length(items), 1);
    g_list_free_full(items, g_object_unref);
    g_hash_table_unref(attrs);
    /* other kinds and accounts are separate */
    store_ok("t-round", "password", NULL, "pw");
    store_ok("t-round-2", "api_key", NULL, "other");
    assert_secret("t-round", "api_key", NULL, "sk_test_2");
    assert_secret("t-round", "password", NULL, "pw");
    assert_secret("t-round-2", "api_key", NULL, "other");
    assert_int_equal(keyring_clear_account("t-round", NULL), 0);
    assert_int_equal(keyring_clear_account("t-round-2", NULL), 0);
}

static void test_missing(void **state)
{
    assert_secret("t-missing", "api_key", NULL, NULL);
    assert_secret("t-missing", "api_key", "sess_1", NULL);
    char *secret = (char *)1;
    assert_int_equal(keyring_lookup("t-missing", "api_key", NULL, &secret, NULL), 0);
    assert_null(secret);
    /* clearing what is not there is fine */
    char *error = NULL;
    assert_int_equal(keyring_clear("t-missing", "api_key", NULL, &error), 0);
    assert_int_equal(keyring_clear_session("t-missing", "sess_1", &error), 0);
    assert_int_equal(keyring_clear_account("t-missing", &error), 0);
    assert_null(error);
}

static void test_account_vs_session(void **state)
{
    store_ok("t-coll", "access_token", NULL, "account-token");
    store_ok("t-coll", "access_token", "sess_1", "session-1-token");
    store_ok("t-coll", "access_token", "sess_2", "session-2-token");
    assert_secret("t-coll", "access_token", NULL, "account-token");
    assert_secret("t-coll", "access_token", "sess_1", "session-1-token");
    assert_secret("t-coll", "access_token", "sess_2", "session-2-token");
    /* an account-level lookup never matches a session's item */
    assert_int_equal(keyring_clear("t-coll", "access_token", NULL, NULL), 0);
    assert_secret("t-coll", "access_token", NULL, NULL);
    assert_secret("t-coll", "access_token", "sess_1", "session-1-token");
    /* nor a session lookup the account's item */
    store_ok("t-coll", "refresh_token", NULL, "account-refresh");
    assert_secret("t-coll", "refresh_token", "sess_1", NULL);
    assert_int_equal(keyring_clear_account("t-coll", NULL), 0);
}

static void test_clear_exact(void **state)
{
    store_ok("t-clear", "api_key", NULL, "a");
    store_ok("t-clear", "password", NULL, "b");
    store_ok("t-clear", "api_key", "s1", "c");
    char *error = NULL;
    assert_int_equal(keyring_clear("t-clear", "api_key", NULL, &error), 0);
    assert_null(error);
    assert_secret("t-clear", "api_key", NULL, NULL);
    assert_secret("t-clear", "password", NULL, "b");
    assert_secret("t-clear", "api_key", "s1", "c");
    assert_int_equal(keyring_clear("t-clear", "api_key", "s1", &error), 0);
    assert_secret("t-clear", "api_key", "s1", NULL);
    assert_secret("t-clear", "password", NULL, "b");
    assert_int_equal(keyring_clear_account("t-clear", NULL), 0);
}

static void test_clear_session(void **state)
{
    store_ok("t-cs", "api_key", NULL, "acct");
    store_ok("t-cs", "access_token", "s1", "s1-access");
    store_ok("t-cs", "refresh_token", "s1", "s1-refresh");
    store_ok("t-cs", "access_token", "s2", "s2-access");
    store_ok("t-cs-other", "access_token", "s1", "other-s1");
    char *error = NULL;
    assert_int_equal(keyring_clear_session("t-cs", "s1", &error), 0);
    assert_null(error);
    assert_secret("t-cs", "access_token", "s1", NULL);
    assert_secret("t-cs", "refresh_token", "s1", NULL);
    assert_secret("t-cs", "access_token", "s2", "s2-access");
    assert_secret("t-cs", "api_key", NULL, "acct");
    assert_secret("t-cs-other", "access_token", "s1", "other-s1"); /* same session id, other account */
    /* session == NULL: the whole account */
    assert_int_equal(keyring_clear_session("t-cs", NULL, &error), 0);
    assert_secret("t-cs", "access_token", "s2", NULL);
    assert_secret("t-cs", "api_key", NULL, NULL);
    assert_secret("t-cs-other", "access_token", "s1", "other-s1");
    assert_int_equal(keyring_clear_account("t-cs-other", NULL), 0);
}

static void test_clear_account(void **state)
{
    store_ok("t-ca", "api_key", NULL, "1");
    store_ok("t-ca", "password", NULL, "2");
    store_ok("t-ca", "access_token", "s1", "3");
    store_ok("t-ca", "session_key", "s2", "4");
    store_ok("t-ca2", "api_key", NULL, "keep");
    store_ok("t-ca-longer", "api_key", NULL, "keep too"); /* no prefix matching */
    char *error = NULL;
    assert_int_equal(keyring_clear_account("t-ca", &error), 0);
    assert_null(error);
    assert_secret("t-ca", "api_key", NULL, NULL);
    assert_secret("t-ca", "password", NULL, NULL);
    assert_secret("t-ca", "access_token", "s1", NULL);
    assert_secret("t-ca", "session_key", "s2", NULL);
    assert_secret("t-ca2", "api_key", NULL, "keep");
    assert_secret("t-ca-longer", "api_key", NULL, "keep too");
    assert_int_equal(keyring_clear_account("t-ca2", NULL), 0);
    assert_int_equal(keyring_clear_account("t-ca-longer", NULL), 0);
}

/* What Seahorse shows: the label, and the attributes of our schema. */
static void test_label_and_attributes(void **state)
{
    char *error = NULL;
    assert_int_equal(keyring_store("t-label", "api_key", NULL, "sesame: Clerk prod (api_key)",
                                   "x", &error), 0);
    assert_int_equal(keyring_store("t-label", "access_token", "sess_9", NULL, "y", &error), 0);
    assert_null(error);

    GHashTable *attrs = g_hash_table_new(g_str_hash, g_str_equal);
    g_hash_table_insert(attrs, "application", "sesame");
    g_hash_table_insert(attrs, "account", "t-label");
    GError *e = NULL;
    GList *items = secret_service_search_sync(NULL, NULL, attrs, SECRET_SEARCH_ALL, NULL, &e);
    assert_null(e);
    assert_int_equal(g_list_length(items), 2);
    int seen = 0;
    for (GList *l = items; l; l = l->next) {
        gchar *label = secret_item_get_label(l->data);
        GHashTable *a = secret_item_get_attributes(l->data);
        assert_string_equal(g_hash_table_lookup(a, "application"), "sesame");
        assert_string_equal(g_hash_table_lookup(a, "account"), "t-label");
        const char *kind = g_hash_table_lookup(a, "kind");
        if (strcmp(kind, "api_key") == 0) {
            assert_string_equal(label, "sesame: Clerk prod (api_key)");
            assert_string_equal(g_hash_table_lookup(a, "session"), "");
            seen |= 1;
        } else {
            assert_string_equal(kind, "access_token");
            assert_string_equal(label, "sesame: t-label (access_token)"); /* the default */
            assert_string_equal(g_hash_table_lookup(a, "session"), "sess_9");
            seen |= 2;
        }
        /* libsecret records the schema name; we never match on it (DONT_MATCH_NAME) */
        const char *xdg = g_hash_table_lookup(a, "xdg:schema");
        if (xdg)
            assert_string_equal(xdg, "org.sesame.Secret");
        g_hash_table_unref(a);
        g_free(label);
    }
    assert_int_equal(seen, 3);
    g_list_free_full(items, g_object_unref);
    g_hash_table_unref(attrs);
    assert_int_equal(keyring_clear_account("t-label", NULL), 0);
}

static void test_unicode_and_long(void **state)
{
    const char *uni = "pässwörd-密码-🔑-\"quoted\" 'x' \\ \t end";
    store_ok("t-uni", "password", NULL, uni);
    assert_secret("t-uni", "password", NULL, uni);

    size_t n = 64 * 1024;
    char *big = xmalloc(n + 1);
    for (size_t i = 0; i < n; i++)
        big[i] = (char)('!' + (i * 7919 + i / 13) % 94);
    big[n] = '\0';
    store_ok("t-uni", "access_token", "long", big);
    char *got = lookup_ok("t-uni", "access_token", "long");
    assert_non_null(got);
    assert_int_equal(strlen(got), n);
    assert_memory_equal(got, big, n);
    wipe_free(got);
    wipe_free(big);

    /* unicode in the attribute values too */
    store_ok("t-uni", "api_key", "séssion/ü 1", "v");
    assert_secret("t-uni", "api_key", "séssion/ü 1", "v");
    assert_int_equal(keyring_clear_session("t-uni", "séssion/ü 1", NULL), 0);
    assert_secret("t-uni", "api_key", "séssion/ü 1", NULL);
    assert_secret("t-uni", "password", NULL, uni);
    assert_int_equal(keyring_clear_account("t-uni", NULL), 0);
}

static void test_empty_secret(void **state)
{
    store_ok("t-empty", "password", NULL, "");
    assert_secret("t-empty", "password", NULL, "");
    assert_int_equal(keyring_clear_account("t-empty", NULL), 0);
}

static void test_bad_args(void **state)
{
    char *error = NULL, *secret = NULL;
    assert_int_equal(keyring_store("", "api_key", NULL, NULL, "x", &error), ERR_KEYRING);
    assert_non_null(strstr(error, "no account"));
    free(error);
    error = NULL;
    assert_int_equal(keyring_store("a", NULL, NULL, NULL, "x", &error), ERR_KEYRING);
    assert_non_null(strstr(error, "no kind"));
    free(error);
    error = NULL;
    assert_int_equal(keyring_store("a", "api_key", NULL, NULL, NULL, &error), ERR_KEYRING);
    free(error);
    error = NULL;
    assert_int_equal(keyring_lookup(NULL, "api_key", NULL, &secret, &error), ERR_KEYRING);
    assert_null(secret);
    free(error);
    error = NULL;
    /* an empty account must never turn into "clear everything of sesame" */
    assert_int_equal(keyring_clear_account("", &error), ERR_KEYRING);
    free(error);
    assert_int_equal(keyring_clear_session(NULL, "s", NULL), ERR_KEYRING);
}

/* ---- no Secret Service: in a fresh process (libsecret keeps its service
 * object per process), started with a bus address we choose. */

#define CHILD_FLAG "--child-keyring-calls"
#define CHILD_SECRET "child-secret-never-shown"

static int child_main(void)
{
    char *error = NULL, *secret = NULL;
    int rc = keyring_check(&error);
    printf("check %d %s\n", rc, error ? error : "");
    free(error);
    error = NULL;
    rc = keyring_store("t-child", "api_key", NULL, NULL, CHILD_SECRET, &error);
    printf("store %d %s\n", rc, error ? error : "");
    free(error);
    error = NULL;
    rc = keyring_lookup("t-child", "api_key", NULL, &secret, &error);
    printf("lookup %d %s %s\n", rc, secret ? "SECRET" : "null", error ? error : "");
    free(error);
    wipe_free(secret);
    error = NULL;
    rc = keyring_clear_account("t-child", &error);
    printf("clear %d %s\n", rc, error ? error : "");
    free(error);
    fflush(stdout);
    return 0;
}

/* Run this binary with CHILD_FLAG and DBUS_SESSION_BUS_ADDRESS=bus; its output. */
static char *run_child(const char *bus)
{
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        dup2(fds[1], 1);
        close(fds[0]);
        close(fds[1]);
        setenv("DBUS_SESSION_BUS_ADDRESS", bus, 1);
        execl("/proc/self/exe", "test_keyring", CHILD_FLAG, (char *)NULL);
        _exit(127);
    }
    close(fds[1]);
    size_t cap = 4096, len = 0;
    char *out = xmalloc(cap);
    ssize_t r;
    while ((r = read(fds[0], out + len, cap - len - 1)) > 0) {
        len += (size_t)r;
        if (cap - len < 2)
            out = xrealloc(out, cap *= 2);
    }
    out[len] = '\0';
    close(fds[0]);
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        fail_msg("child failed (status %d): %s", status, out);
    return out;
}

static void assert_no_service(const char *out)
{
    /* four calls, four errors, each the actionable sentence */
    static const char *const calls[] = { "check 5 no Secret Service on the session bus (",
                                         "store 5 no Secret Service on the session bus (",
                                         "lookup 5 null no Secret Service on the session bus (",
                                         "clear 5 no Secret Service on the session bus (" };
    for (size_t i = 0; i < ARRAY_LEN(calls); i++)
        if (!strstr(out, calls[i]))
            fail_msg("no \"%s\" in:\n%s", calls[i], out);
    assert_non_null(strstr(out, "start gnome-keyring or KeePassXC"));
    assert_null(strstr(out, CHILD_SECRET));
}

static void test_no_bus(void **state)
{
    char *out = run_child("unix:path=/nonexistent");
    assert_no_service(out);
    assert_non_null(strstr(out, "Could not connect"));
    free(out);
}

/* A session bus that works but has no Secret Service on it. */
static void test_bus_without_service(void **state)
{
    const char *base = getenv("SESAME_TEST_TMP") ? getenv("SESAME_TEST_TMP") : "/tmp";
    char *dir = xasprintf("%s/bare-bus.XXXXXX", base);
    assert_non_null(mkdtemp(dir));
    char *sock = xasprintf("%s/bus", dir);
    char *conf = xasprintf("%s/bus.conf", dir);
    FILE *f = fopen(conf, "w");
    assert_non_null(f);
    fprintf(f, "<!DOCTYPE busconfig PUBLIC \"-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN\"\n"
               " \"http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd\">\n"
               "<busconfig><type>session</type><listen>unix:path=%s</listen>\n"
               "<policy context=\"default\"><allow send_destination=\"*\"/><allow receive_sender=\"*\"/>"
               "<allow own=\"*\"/>"
               "</policy></busconfig>\n", sock);
    fclose(f);
    char *arg = xasprintf("--config-file=%s", conf);
    pid_t daemon = fork();
    assert_true(daemon >= 0);
    if (daemon == 0) {
        int null = open("/dev/null", O_WRONLY);
        dup2(null, 1);
        dup2(null, 2); /* "Failed to set fd limit" and such */
        execlp("dbus-daemon", "dbus-daemon", "--nofork", arg, (char *)NULL);
        _exit(127);
    }
    struct stat st;
    for (int i = 0; i < 500 && stat(sock, &st) != 0; i++)
        nanosleep(&(struct timespec){ 0, 10 * 1000 * 1000 }, NULL);
    if (stat(sock, &st) != 0) {
        kill(daemon, SIGTERM);
        waitpid(daemon, NULL, 0);
        skip();
    }
    char *addr = xasprintf("unix:path=%s", sock);
    char *out = run_child(addr);
    kill(daemon, SIGTERM);
    waitpid(daemon, NULL, 0);
    assert_no_service(out);
    /* GDBus' reason is kept in the sentence */
    assert_non_null(strstr(out, "org.freedesktop.secrets"));
    free(out);
    free(addr);
    unlink(sock);
    unlink(conf);
    rmdir(dir);
    free(arg);
    free(conf);
    free(sock);
    free(dir);
}

/* ---- locked keyring. Unlocking again needs no prompt: gnome-keyring's
 * UnlockWithMasterPassword with the throwaway password, over a "plain"
 * session of our own. */

static SecretCollection *default_collection(SecretService **svc)
{
    *svc = secret_service_get_sync(SECRET_SERVICE_NONE, NULL, NULL);
    assert_non_null(*svc);
    SecretCollection *c = secret_collection_for_alias_sync(*svc, SECRET_COLLECTION_DEFAULT,
                                                           SECRET_COLLECTION_NONE, NULL, NULL);
    assert_non_null(c);
    return c;
}

static void unlock_with_password(void)
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
}

static void assert_locked_error(int rc, char *error)
{
    assert_int_equal(rc, ERR_KEYRING);
    assert_non_null(error);
    if (!strstr(error, "locked") || !strstr(error, "unlock it"))
        fail_msg("not the locked sentence: %s", error);
    assert_null(strstr(error, "locked-secret"));
    free(error);
}

static void test_locked(void **state)
{
    store_ok("t-locked", "api_key", NULL, "locked-secret");
    SecretService *svc;
    SecretCollection *c = default_collection(&svc);
    GList *objs = g_list_append(NULL, c);
    GError *e = NULL;
    assert_int_equal(secret_service_lock_sync(svc, objs, NULL, NULL, &e), 1);
    g_list_free(objs);

    char *error = NULL, *secret = NULL;
    int rc = keyring_check(&error);
    assert_locked_error(rc, error);
    error = NULL;
    /* the unlock prompt cannot show here (no display) and fails */
    rc = keyring_lookup("t-locked", "api_key", NULL, &secret, &error);
    assert_locked_error(rc, error);
    assert_null(secret);
    error = NULL;
    rc = keyring_store("t-locked", "api_key", NULL, NULL, "new", &error);
    assert_locked_error(rc, error);
    error = NULL;
    rc = keyring_clear_account("t-locked", &error);
    assert_locked_error(rc, error);

    unlock_with_password();
    assert_int_equal(keyring_check(NULL), 0);
    assert_secret("t-locked", "api_key", NULL, "locked-secret");
    assert_int_equal(keyring_clear_account("t-locked", NULL), 0);
    g_object_unref(c);
    g_object_unref(svc);
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], CHILD_FLAG) == 0)
        return child_main();
    if (!getenv("SESAME_IN_PRIVATE_KEYRING")) {
        fprintf(stderr, "test_keyring: run me under tests/with-keyring.sh, "
                        "never against your own keyring\n");
        return 1;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_no_bus),
        cmocka_unit_test(test_bus_without_service),
        cmocka_unit_test(test_check_ok),
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_missing),
        cmocka_unit_test(test_account_vs_session),
        cmocka_unit_test(test_clear_exact),
        cmocka_unit_test(test_clear_session),
        cmocka_unit_test(test_clear_account),
        cmocka_unit_test(test_label_and_attributes),
        cmocka_unit_test(test_unicode_and_long),
        cmocka_unit_test(test_empty_secret),
        cmocka_unit_test(test_bad_args),
        cmocka_unit_test(test_locked),
    };
    return cmocka_run_group_tests_name("keyring", tests, NULL, NULL);
}
