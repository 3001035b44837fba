/* prune.c in the private keyring: the items of accounts that are not in
 * accounts.conf go (or are only listed), and the items of sessions that are
 * not in sessions.state; every other item stays, and a config or state that
 * cannot be read removes nothing. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>

#include "config.h"
#include "keyring.h"
#include "prune.h"
#include "state.h"
#include "strpool.h"
#include "strslab.h"
#include "util.h"

static char dir[64], sdir[80];

static bool has(const char *account, const char *kind, const char *session)
{
    char *v = NULL, *err = NULL;
    int rc = keyring_lookup(account, kind, session, &v, &err);
    if (rc)
        fail_msg("lookup: %s", err);
    bool found = v != NULL;
    wipe_free(v);
    return found;
}

static void store(const char *account, const char *kind, const char *session)
{
    char *err = NULL;
    if (keyring_store(account, kind, session, NULL, "s3cret", &err) != 0)
        fail_msg("store: %s", err);
}

/* The lines of report about this test's accounts (other tests of the same
 * run may have left items of their own in the keyring). */
static char *ours(char *report)
{
    assert_non_null(report);
    GString *s = g_string_new(NULL);
    for (char *line = strtok(report, "\n"); line; line = strtok(NULL, "\n"))
        if (strncmp(line, "orphan", 6) == 0 || strncmp(line, "kept", 4) == 0)
            g_string_append_printf(s, "%s\n", line);
    free(report);
    char *r = xstrdup(s->str);
    g_string_free(s, TRUE);
    return r;
}

static int setup(void **state)
{
    const char *base = getenv("SESAME_TEST_TMP") ? getenv("SESAME_TEST_TMP") : "/tmp";
    snprintf(dir, sizeof dir, "%s/prune.XXXXXX", base);
    if (!mkdtemp(dir))
        return -1;
    setenv("SESAME_CONFIG_DIR", dir, 1);
    snprintf(sdir, sizeof sdir, "%s/state", dir);
    setenv("SESAME_STATE_DIR", sdir, 1);
    struct account a = {0};
    a.id = xstrdup("kept");
    a.provider_id = xstrdup("clerk");
    a.label = xstrdup("Kept");
    char *err = NULL;
    int rc = accounts_upsert(&a, &err);
    account_free(&a);
    free(err);
    if (rc == 0) {
        struct session s = {0};
        s.account_id = strpool_get("kept");
        s.id = strslab_dup("s1");
        s.status = SESSION_ACTIVE;
        rc = state_upsert(&s, &err);
        session_free(&s);
        free(err);
    }
    return rc;
}

static void test_prune(void **state)
{
    store("kept", "api_key", NULL);
    store("kept", "session_key", "s1");
    store("kept", "access_token", "untracked");
    store("orphan", "api_key", NULL);
    store("orphan", "access_token", "s2");
    store("orphan-2", "password", NULL);
    char *report = NULL, *err = NULL;
    char *stale = xasprintf("%s/sessions.state.tmp.999999", sdir);
    FILE *t = fopen(stale, "w"); /* a writer killed before its rename */
    fclose(t);
    static const char *const want = "kept access_token untracked\norphan access_token s2\n"
                                    "orphan api_key\norphan-2 password\n";
    assert_int_equal(accounts_prune(dir, sdir, true, &report, &err), 0);
    report = ours(report);
    assert_string_equal(report, want);
    free(report);
    assert_true(has("orphan", "api_key", NULL)); /* a dry run removes nothing */
    assert_true(has("kept", "access_token", "untracked"));
    assert_int_equal(access(stale, F_OK), 0);

    assert_int_equal(accounts_prune(dir, sdir, false, &report, &err), 0);
    report = ours(report);
    assert_string_equal(report, want);
    free(report);
    assert_int_equal(access(stale, F_OK), -1);
    free(stale);
    assert_false(has("kept", "access_token", "untracked"));
    assert_false(has("orphan", "api_key", NULL));
    assert_false(has("orphan", "access_token", "s2"));
    assert_false(has("orphan-2", "password", NULL));
    assert_true(has("kept", "api_key", NULL));
    assert_true(has("kept", "session_key", "s1"));
    assert_int_equal(accounts_prune(dir, sdir, false, &report, &err), 0);
    report = ours(report);
    assert_string_equal(report, "");
    free(report);

    /* the state and the accounts in one directory: one lock, no wait */
    assert_int_equal(accounts_prune(dir, dir, true, &report, &err), 0);
    report = ours(report);
    assert_string_equal(report, "kept session_key s1\n"); /* no sessions.state there */
    free(report);

    /* sessions.state unreadable: which sessions are tracked is not known */
    store("orphan", "api_key", NULL);
    char *spath = xasprintf("%s/sessions.state", sdir);
    FILE *sf = fopen(spath, "a");
    fputs("[broken\n", sf);
    fclose(sf);
    assert_int_equal(accounts_prune(dir, sdir, false, &report, &err), ERR_CONFIG);
    assert_null(report);
    assert_non_null(strstr(err, "sessions.state"));
    free(err);
    err = NULL;
    assert_true(has("orphan", "api_key", NULL));
    assert_true(has("kept", "session_key", "s1"));
    unlink(spath);
    free(spath);

    /* accounts.conf unreadable: which items belong to no account is not
     * known, so none goes */
    store("orphan", "api_key", NULL);
    char *path = xasprintf("%s/accounts.conf", dir);
    FILE *f = fopen(path, "a");
    fputs("[broken\n", f);
    fclose(f);
    assert_int_equal(accounts_prune(dir, sdir, false, &report, &err), ERR_CONFIG);
    assert_null(report);
    assert_non_null(strstr(err, "accounts.conf"));
    free(err);
    assert_true(has("orphan", "api_key", NULL));
    assert_true(has("kept", "api_key", NULL));
    keyring_clear_account("orphan", NULL);
    keyring_clear_account("kept", NULL);
    unlink(path);
    free(path);
    char *lock = xasprintf("%s/.lock", sdir);
    unlink(lock);
    free(lock);
    rmdir(sdir);
    lock = xasprintf("%s/.lock", dir);
    unlink(lock);
    free(lock);
    rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_prune, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
