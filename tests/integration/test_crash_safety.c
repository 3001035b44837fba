/* Crash safety of the config and state files.
 *
 * kill -9 at random moments during saves, many times: a child process saves
 * in a loop, flipping one account (one session) between two known versions
 * of a big file; it is SIGKILLed after a random 0-20 ms, and the file must
 * then be, byte for byte, one of the two complete versions, load cleanly,
 * and the temp files of killed writers must not pile up.
 *
 * Two instances changing accounts and tracked sessions at once, each adding
 * and removing its own: at the end exactly the expected set is there.
 * (tests/unit/test_config.c and test_state.c cover concurrent upserts; here
 * removals race with additions, on both files.) */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <glib.h>

#include "config.h"
#include "state.h"
#include "strpool.h"
#include "strslab.h"
#include "util.h"

#define N_ACCOUNTS 200
#define N_SESSIONS 300
#define KILLS 100
#define MAX_DELAY_US 20000
#define RACE_OPS 100

struct fixture {
    char *root;
    char *cfg;   /* SESAME_CONFIG_DIR */
    char *st;    /* SESAME_STATE_DIR */
};

static unsigned seed;

static int rm_entry(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
    return remove(p);
}

static int setup(void **state)
{
    struct fixture *f = xcalloc(1, sizeof *f);
    const char *base = getenv("SESAME_TEST_TMP") ? getenv("SESAME_TEST_TMP") : "/tmp";
    f->root = xasprintf("%s/crash.XXXXXX", base);
    if (!mkdtemp(f->root))
        return -1;
    f->cfg = xasprintf("%s/cfg", f->root);
    f->st = xasprintf("%s/state", f->root);
    setenv("SESAME_CONFIG_DIR", f->cfg, 1);
    setenv("SESAME_STATE_DIR", f->st, 1);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    nftw(f->root, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
    unsetenv("SESAME_CONFIG_DIR");
    unsetenv("SESAME_STATE_DIR");
    free(f->root);
    free(f->cfg);
    free(f->st);
    free(f);
    return 0;
}

static char *slurp(const char *path)
{
    char *text = NULL;
    if (!g_file_get_contents(path, &text, NULL, NULL))
        return NULL;
    return text;
}

static int count_temps(const char *dir)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        n += strstr(e->d_name, ".tmp.") != NULL;
    closedir(d);
    return n;
}

/* ---- the two files and their two versions ------------------------------ */

/* Account i; version v (0/1) only matters for the flipping one, i == 0. */
static void make_account(struct account *a, int i, int v)
{
    memset(a, 0, sizeof *a);
    a->id = xasprintf("acct-%03d", i);
    a->provider_id = xstrdup(i % 2 ? "clerk" : "cbrain");
    char pad[161];
    memset(pad, 'a' + i % 26, sizeof pad - 1);
    pad[sizeof pad - 1] = '\0';
    a->label = xasprintf("Account %03d %s %s", i, i == 0 ? (v ? "NEW" : "OLD") : "", pad);
    a->base_url = xasprintf("https://api-%03d.example.com/v1/%s", i, pad);
    for (int k = 0; k < 4; k++) {
        char key[16], *val = xasprintf("field %d of %d (version %d) %s", k, i, i == 0 ? v : 0,
                                       pad);
        snprintf(key, sizeof key, "note%d", k);
        account_set_field(a, key, val);
        free(val);
    }
}

static void make_session(struct session *s, int i, int v)
{
    memset(s, 0, sizeof *s);
    s->account_id = strpool_get(i % 3 ? "acct-001" : "acct-002");
    s->id = strslab_take(xasprintf("sess_%04d", i));
    s->user_id = strpool_take(xasprintf("user_%04d", i));
    s->user_display = strpool_take(xasprintf("User %d <user%d@example.com>", i, i));
    s->status = i == 0 && v ? SESSION_REVOKED : SESSION_ACTIVE;
    s->created_ms = 1767225600000 + i;
    s->expires_ms = 1767312000000 + i + (i == 0 ? v : 0);
    char pad[301];
    memset(pad, 'x', sizeof pad - 1);
    pad[sizeof pad - 1] = '\0';
    s->raw_json = xasprintf("{\"id\":\"sess_%04d\",\"version\":%d,\"pad\":\"%s\"}", i,
                            i == 0 ? v : 0, pad);
}

static int save_account(int i, int v, char **error)
{
    struct account a;
    make_account(&a, i, v);
    int rc = accounts_upsert(&a, error);
    account_free(&a);
    return rc;
}

static int save_session(int i, int v, char **error)
{
    struct session s;
    make_session(&s, i, v);
    int rc = state_upsert(&s, error);
    session_free(&s);
    return rc;
}

struct target {
    const char *name;
    int n_items;
    int (*save)(int i, int v, char **error);
    const char *(*dir)(void);
    const char *file;
};

static const struct target accounts_target = {
    "accounts", N_ACCOUNTS, save_account, config_dir, "accounts.conf",
};
static const struct target state_target = {
    "sessions", N_SESSIONS, save_session, state_dir, "sessions.state",
};

static void save_ok(const struct target *t, int i, int v)
{
    char *error = NULL;
    int rc = t->save(i, v, &error);
    if (rc)
        fail_msg("save %s %d: %s", t->name, i, error);
}

/* The file parses and holds every item. */
static void assert_loads(const struct target *t)
{
    char *error = NULL;
    int rc, n;
    if (t == &accounts_target) {
        struct account_list l = {0};
        rc = accounts_load(&l, &error);
        n = (int)l.n;
        account_list_free(&l);
    } else {
        struct session_list l = {0};
        rc = state_load(&l, &error);
        n = (int)l.n;
        session_list_clear(&l);
    }
    if (rc)
        fail_msg("%s do not load after a kill: %s", t->name, error);
    assert_int_equal(n, t->n_items);
}

/* ---- kill -9 during saves ---------------------------------------------- */

/* The child: save item 0 as version v, !v, v ... until killed. */
static _Noreturn void flipper(const struct target *t, int v)
{
    for (;; v ^= 1) {
        char *error = NULL;
        if (t->save(0, v, &error) != 0) {
            fprintf(stderr, "flipper: %s\n", error);
            _exit(1);
        }
        free(error);
    }
}

static void kill_during_saves(const struct target *t)
{
    char *dir = xstrdup(t->dir());
    char *path = g_build_filename(dir, t->file, NULL);
    int64_t t0 = mono_ms();
    for (int i = 0; i < t->n_items; i++)
        save_ok(t, i, 0);
    /* the two versions, once the flipping item's keys have their settled
     * order (a rewritten group puts its keys in our order) */
    save_ok(t, 0, 1);
    char *version[2];
    save_ok(t, 0, 0);
    version[0] = slurp(path);
    save_ok(t, 0, 1);
    version[1] = slurp(path);
    assert_non_null(version[0]);
    assert_non_null(version[1]);
    assert_string_not_equal(version[0], version[1]);
    save_ok(t, 0, 0);
    char *again = slurp(path);
    assert_string_equal(again, version[0]);
    g_free(again);
    size_t size = strlen(version[0]);

    /* how long one save takes, to know what the kills hit */
    int64_t s0 = mono_ms();
    for (int k = 0; k < 10; k++)
        save_ok(t, 0, k & 1);
    double per_save = (double)(mono_ms() - s0) / 10;
    /* 0-20 ms, or up to three saves where saves are slower (ASan) */
    unsigned max_delay = MAX_DELAY_US;
    if (per_save * 3000 > max_delay)
        max_delay = (unsigned)(per_save * 3000);

    int seen[2] = {0, 0}, litter = 0, max_temps = 0, cur = 1;
    for (int k = 0; k < KILLS; k++) {
        useconds_t delay = (useconds_t)(rand_r(&seed) % max_delay);
        fflush(NULL);
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0)
            flipper(t, !cur); /* its first save changes the file */
        usleep(delay);
        kill(pid, SIGKILL);
        int status;
        assert_int_equal(waitpid(pid, &status, 0), pid);
        if (!WIFSIGNALED(status))
            fail_msg("the saving child ended on its own (status %d): see its stderr", status);

        char *now = slurp(path);
        if (!now)
            fail_msg("kill %d (after %u us): %s is gone", k, (unsigned)delay, path);
        if (strcmp(now, version[0]) == 0)
            seen[cur = 0]++;
        else if (strcmp(now, version[1]) == 0)
            seen[cur = 1]++;
        else
            fail_msg("kill %d (after %u us): %s is neither version (%zu bytes, want %zu)", k,
                     (unsigned)delay, path, strlen(now), size);
        g_free(now);
        assert_loads(t);
        int temps = count_temps(dir);
        litter += temps > 0;
        if (temps > max_temps)
            max_temps = temps;
        /* a killed writer's temp file is removed by the next writer: at
         * most the last one's is ever there */
        if (temps > 1)
            fail_msg("kill %d: %d temp files in %s (stale ones are not cleaned up)", k, temps,
                     dir);
    }
    /* the next save leaves nothing behind */
    save_ok(t, 0, 0);
    assert_int_equal(count_temps(dir), 0);
    assert_loads(t);
    fprintf(stderr, "  %s: %zu-byte file, one save %.1f ms; %d kills after 0-%u us: version "
            "0/1 %d/%d, killed mid-write (temp file left) %d, at most %d temp file(s); %lld ms\n",
            t->name, size, per_save, KILLS, max_delay, seen[0], seen[1], litter,
            max_temps, (long long)(mono_ms() - t0));
    /* both versions turned up: the kills did land on either side of a rename */
    assert_true(seen[0] > 0 && seen[1] > 0);
    g_free(version[0]);
    g_free(version[1]);
    g_free(path);
    free(dir);
}

static void test_kill_during_account_saves(void **state)
{
    kill_during_saves(&accounts_target);
}

static void test_kill_during_state_saves(void **state)
{
    kill_during_saves(&state_target);
}

/* ---- two instances at once --------------------------------------------- */

/* Step k of instance c: even steps add item k, odd steps remove item k-1
 * when (k/2) is even. What is left of c: items k with k % 4 == 2. */
static int race_step(int c, int k)
{
    char *error = NULL;
    int rc = 0;
    char *acct = xasprintf("inst%d-%03d", c, k & ~1);
    char *own = xasprintf("inst%d-own", c);
    char *sid = xasprintf("sess-%03d", k & ~1);
    if (k % 2 == 0) {
        struct account a = {0};
        a.id = xstrdup(acct);
        a.provider_id = xstrdup("plantly");
        a.label = xasprintf("Instance %d account %d", c, k);
        rc = accounts_upsert(&a, &error);
        account_free(&a);
        if (!rc) {
            struct session s = {0};
            s.account_id = strpool_get(own);
            s.id = strslab_dup(sid);
            s.status = SESSION_ACTIVE;
            rc = state_upsert(&s, &error);
            session_free(&s);
        }
    } else if ((k / 2) % 2 == 0) {
        rc = accounts_remove(acct, &error);
        if (!rc)
            rc = state_remove(own, sid, &error);
    }
    if (rc)
        fprintf(stderr, "instance %d step %d: %s\n", c, k, error);
    free(error);
    free(acct);
    free(own);
    free(sid);
    return rc;
}

static void test_two_instances_add_and_remove(void **state)
{
    int64_t t0 = mono_ms();
    /* something of nobody's, which must survive both */
    struct account keep = {0};
    keep.id = xstrdup("keep-me");
    keep.provider_id = xstrdup("clerk");
    keep.label = xstrdup("Keep me");
    char *error = NULL;
    assert_int_equal(accounts_upsert(&keep, &error), 0);
    account_free(&keep);

    pid_t pids[2];
    for (int c = 0; c < 2; c++) {
        fflush(NULL);
        pids[c] = fork();
        assert_true(pids[c] >= 0);
        if (pids[c] == 0) {
            int bad = 0;
            for (int k = 0; k < 2 * RACE_OPS; k++)
                bad += race_step(c, k) != 0;
            _exit(bad ? 1 : 0);
        }
    }
    for (int c = 0; c < 2; c++) {
        int status;
        assert_int_equal(waitpid(pids[c], &status, 0), pids[c]);
        assert_true(WIFEXITED(status));
        assert_int_equal(WEXITSTATUS(status), 0);
    }

    struct account_list al = {0};
    assert_int_equal(accounts_load(&al, &error), 0);
    struct session_list sl = {0};
    assert_int_equal(state_load(&sl, &error), 0);
    int want = 0;
    for (int c = 0; c < 2; c++) {
        for (int k = 0; k < 2 * RACE_OPS; k += 2) {
            char *acct = xasprintf("inst%d-%03d", c, k);
            char *own = xasprintf("inst%d-own", c);
            char *sid = xasprintf("sess-%03d", k);
            bool present = k % 4 == 2;
            want += present;
            if ((account_list_find_id(&al, acct) != NULL) != present)
                fail_msg("account %s should %sbe there", acct, present ? "" : "not ");
            bool found = false;
            for (size_t i = 0; i < sl.n; i++)
                found |= strcmp(sl.v[i].account_id, own) == 0 && strcmp(sl.v[i].id, sid) == 0;
            if (found != present)
                fail_msg("session %s of %s should %sbe there", sid, own, present ? "" : "not ");
            free(acct);
            free(own);
            free(sid);
        }
    }
    assert_non_null(account_list_find_id(&al, "keep-me"));
    assert_int_equal((int)al.n, want + 1);
    assert_int_equal((int)sl.n, want);
    account_list_free(&al);
    session_list_clear(&sl);
    assert_int_equal(count_temps(config_dir()), 0);
    assert_int_equal(count_temps(state_dir()), 0);
    fprintf(stderr, "  2 x %d changes to each file: %lld ms\n", 2 * RACE_OPS,
            (long long)(mono_ms() - t0));
}

int main(void)
{
    const char *s = getenv("SESAME_TEST_SEED");
    seed = s ? (unsigned)strtoul(s, NULL, 10) : (unsigned)time(NULL) ^ (unsigned)getpid();
    fprintf(stderr, "test_crash_safety: SESAME_TEST_SEED=%u\n", seed);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_kill_during_account_saves, setup, teardown),
        cmocka_unit_test_setup_teardown(test_kill_during_state_saves, setup, teardown),
        cmocka_unit_test_setup_teardown(test_two_instances_add_and_remove, setup, teardown),
    };
    return cmocka_run_group_tests_name("crash_safety", tests, NULL, NULL);
}
