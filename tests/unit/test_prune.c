/* prune.c in the private keyring: the items of accounts that are not in
 * accounts.conf go (or are only listed), every other item stays, and a
 * config that cannot be read removes nothing. */
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
#include "util.h"

static char dir[64];

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
    struct account a = {0};
    a.id = xstrdup("kept");
    a.provider_id = xstrdup("clerk");
    a.label = xstrdup("Kept");
    char *err = NULL;
    int rc = accounts_upsert(&a, &err);
    account_free(&a);
    free(err);
    return rc;
}

static void test_prune(void **state)
{
    store("kept", "api_key", NULL);
    store("kept", "session_key", "s1");
    store("orphan", "api_key", NULL);
    store("orphan", "access_token", "s2");
    store("orphan-2", "password", NULL);
    char *report = NULL, *err = NULL;
    assert_int_equal(accounts_prune(dir, true, &report, &err), 0);
    report = ours(report);
    assert_string_equal(report, "orphan access_token s2\norphan api_key\norphan-2 password\n");
    free(report);
    assert_true(has("orphan", "api_key", NULL)); /* a dry run removes nothing */

    assert_int_equal(accounts_prune(dir, false, &report, &err), 0);
    report = ours(report);
    assert_string_equal(report, "orphan access_token s2\norphan api_key\norphan-2 password\n");
    free(report);
    assert_false(has("orphan", "api_key", NULL));
    assert_false(has("orphan", "access_token", "s2"));
    assert_false(has("orphan-2", "password", NULL));
    assert_true(has("kept", "api_key", NULL));
    assert_true(has("kept", "session_key", "s1"));
    assert_int_equal(accounts_prune(dir, false, &report, &err), 0);
    assert_string_equal(report, "");
    free(report);

    /* accounts.conf unreadable: which items belong to no account is not
     * known, so none goes */
    store("orphan", "api_key", NULL);
    char *path = xasprintf("%s/accounts.conf", dir);
    FILE *f = fopen(path, "a");
    fputs("[broken\n", f);
    fclose(f);
    assert_int_equal(accounts_prune(dir, false, &report, &err), ERR_CONFIG);
    assert_null(report);
    assert_non_null(strstr(err, "accounts.conf"));
    free(err);
    assert_true(has("orphan", "api_key", NULL));
    assert_true(has("kept", "api_key", NULL));
    keyring_clear_account("orphan", NULL);
    keyring_clear_account("kept", NULL);
    unlink(path);
    free(path);
    rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_prune, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
