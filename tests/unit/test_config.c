/* config.c: directories, the accounts file, atomic writes and the lock. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib.h>

#include "config.h"
#include "util.h"

struct fixture {
    char *root; /* temp dir, removed afterwards */
    char *cfg;  /* SESAME_CONFIG_DIR, not created yet */
    char *path; /* cfg/accounts.conf */
};

static int rm_entry(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
    return remove(p);
}

static int setup(void **state)
{
    struct fixture *f = xcalloc(1, sizeof *f);
    const char *base = getenv("SESAME_TEST_TMP") ? getenv("SESAME_TEST_TMP") : "/tmp";
    f->root = xasprintf("%s/config.XXXXXX", base);
    if (!mkdtemp(f->root))
        return -1;
    f->cfg = xasprintf("%s/cfg/sesame", f->root);
    f->path = xasprintf("%s/accounts.conf", f->cfg);
    setenv("SESAME_CONFIG_DIR", f->cfg, 1);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    nftw(f->root, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
    unsetenv("SESAME_CONFIG_DIR");
    free(f->root);
    free(f->cfg);
    free(f->path);
    free(f);
    return 0;
}

static void write_text(const char *path, const char *text)
{
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fputs(text, fp);
    assert_int_equal(fclose(fp), 0);
}

static char *read_text(const char *path)
{
    FILE *fp = fopen(path, "r");
    if (!fp)
        return NULL;
    size_t cap = 1 << 16, n;
    char *buf = xmalloc(cap);
    n = fread(buf, 1, cap - 1, fp);
    buf[n] = '\0';
    fclose(fp);
    return buf;
}

static void make_account(struct account *a, const char *id, const char *provider,
                         const char *label)
{
    memset(a, 0, sizeof *a);
    a->id = xstrdup(id);
    a->provider_id = xstrdup(provider);
    a->label = xstrdup(label);
}

static void upsert_ok(const struct account *a)
{
    char *error = NULL;
    int rc = accounts_upsert(a, &error);
    if (rc)
        fail_msg("upsert %s: %s", a->id, error);
    assert_null(error);
}

static void assert_same_account(const struct account *x, const struct account *y)
{
    assert_string_equal(x->id, y->id);
    assert_string_equal(x->provider_id, y->provider_id);
    assert_string_equal(x->label, y->label);
    if (x->base_url || y->base_url)
        assert_string_equal(x->base_url, y->base_url);
    if (x->ca_file || y->ca_file)
        assert_string_equal(x->ca_file, y->ca_file);
    assert_int_equal(x->allow_http, y->allow_http);
    assert_int_equal(x->n_fields, y->n_fields);
    for (size_t i = 0; i < x->n_fields; i++) {
        const char *v = account_field(y, x->fields[i].key);
        assert_non_null(v);
        assert_string_equal(v, x->fields[i].value);
    }
}

static void load_ok(struct account_list *l)
{
    char *error = NULL;
    int rc = accounts_load(l, &error);
    if (rc)
        fail_msg("load: %s", error);
    assert_null(error);
}

/* ---- directories ---- */

static void test_dirs(void **state)
{
    char *saved_home = xstrdup(getenv("HOME"));
    char *saved_xdg = xstrdup(getenv("XDG_CONFIG_HOME"));
    char *saved_xdgs = xstrdup(getenv("XDG_STATE_HOME"));

    setenv("SESAME_CONFIG_DIR", "/x/own", 1);
    assert_string_equal(config_dir(), "/x/own");
    const char *p1 = config_dir();
    assert_ptr_equal(config_dir(), p1); /* same answer, same pointer */
    unsetenv("SESAME_CONFIG_DIR");
    setenv("XDG_CONFIG_HOME", "/x/xdg", 1);
    assert_string_equal(config_dir(), "/x/xdg/sesame");
    setenv("XDG_CONFIG_HOME", "/x/xdg2", 1); /* GLib would cache; we do not */
    assert_string_equal(config_dir(), "/x/xdg2/sesame");
    setenv("XDG_CONFIG_HOME", "relative/path", 1); /* ignored, as the spec says */
    setenv("HOME", "/x/home", 1);
    assert_string_equal(config_dir(), "/x/home/.config/sesame");
    unsetenv("XDG_CONFIG_HOME");
    assert_string_equal(config_dir(), "/x/home/.config/sesame");

    setenv("SESAME_STATE_DIR", "/x/state", 1);
    assert_string_equal(state_dir(), "/x/state");
    unsetenv("SESAME_STATE_DIR");
    setenv("XDG_STATE_HOME", "/x/xs", 1);
    assert_string_equal(state_dir(), "/x/xs/sesame");
    unsetenv("XDG_STATE_HOME");
    assert_string_equal(state_dir(), "/x/home/.local/state/sesame");

    if (saved_home)
        setenv("HOME", saved_home, 1);
    else
        unsetenv("HOME");
    if (saved_xdg)
        setenv("XDG_CONFIG_HOME", saved_xdg, 1);
    if (saved_xdgs)
        setenv("XDG_STATE_HOME", saved_xdgs, 1);
    free(saved_home);
    free(saved_xdg);
    free(saved_xdgs);
}

/* ---- round trip ---- */

static void test_load_missing(void **state)
{
    struct account_list l = { 0 };
    load_ok(&l);
    assert_int_equal(l.n, 0);
    account_list_free(&l);
}

static void test_round_trip(void **state)
{
    struct account a, b;
    make_account(&a, "clerk-prod", "clerk", "Clerk prod");
    a.base_url = xstrdup("https://api.clerk.test:8443/v1");
    a.ca_file = xstrdup("/etc/ssl/extra ca.pem");
    account_set_field(&a, "instance", "prod");
    account_set_field(&a, "note", "line one\nline two; \"quoted\" #not-a-comment ü");
    make_account(&b, "plantly-dev", "plantly", "Plantly — dév [test] = x");
    b.allow_http = true;
    upsert_ok(&a);
    upsert_ok(&b);

    struct account_list l = { 0 };
    load_ok(&l);
    assert_int_equal(l.n, 2);
    assert_same_account(&a, &l.v[0]); /* file order */
    assert_same_account(&b, &l.v[1]);
    account_list_free(&l);
    /* a value with spaces about it is read as --set stores it: trimmed (a
     * hand edit's trailing space is not an invalid value) */
    account_set_field(&a, "padded", "  leading and trailing spaces  ");
    upsert_ok(&a);
    load_ok(&l);
    assert_string_equal(account_field(&l.v[0], "padded"), "leading and trailing spaces");
    account_set_field(&a, "padded", NULL);
    assert_ptr_equal(account_list_find_id(&l, "plantly-dev"), &l.v[1]);
    assert_null(account_list_find_id(&l, "Clerk prod")); /* ids only */
    assert_null(account_list_find_id(&l, NULL));
    account_list_free(&l);

    /* replace: a field dropped is gone, base_url unset is gone */
    account_set_field(&a, "note", NULL);
    free(a.base_url);
    a.base_url = NULL;
    free(a.label);
    a.label = xstrdup("Clerk production");
    upsert_ok(&a);
    load_ok(&l);
    assert_int_equal(l.n, 2);
    assert_same_account(&a, &l.v[0]);
    assert_null(l.v[0].base_url);
    assert_null(account_field(&l.v[0], "note"));
    account_list_free(&l);

    char *error = NULL;
    bool found = false;
    assert_int_equal(accounts_remove_found("clerk-prod", NULL, &found, &error), 0);
    assert_null(error);
    assert_true(found);
    /* gone already (a parallel remove): fine, and said */
    assert_int_equal(accounts_remove_found("clerk-prod", NULL, &found, &error), 0);
    assert_false(found);
    assert_int_equal(accounts_remove("clerk-prod", &error), 0);
    load_ok(&l);
    assert_int_equal(l.n, 1);
    assert_same_account(&b, &l.v[0]);
    account_list_free(&l);

    char *text = read_text(((struct fixture *)*state)->path);
    assert_non_null(strstr(text, "[account plantly-dev]\n"));
    assert_non_null(strstr(text, "provider=plantly\n"));
    assert_non_null(strstr(text, "allow_http=true\n"));
    assert_non_null(strstr(text, "no secrets"));
    free(text);
    account_free(&a);
    account_free(&b);
}

static void test_modes(void **state)
{
    struct fixture *f = *state;
    struct account a;
    make_account(&a, "x", "cbrain", "X");
    mode_t old = umask(0);
    upsert_ok(&a);
    umask(old);
    struct stat st;
    assert_int_equal(stat(f->path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    assert_int_equal(stat(f->cfg, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0700);
    char *parent = xasprintf("%s/cfg", f->root); /* created on the way: 0700 too */
    assert_int_equal(stat(parent, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0700);
    free(parent);
    char *lock = xasprintf("%s/.lock", f->cfg);
    assert_int_equal(stat(lock, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    free(lock);
    account_free(&a);
}

/* Keys and groups' comments this version does not know survive a rewrite. */
static void test_unknown_keys_kept(void **state)
{
    struct fixture *f = *state;
    assert_int_equal(config_mkdir(f->cfg, NULL), 0);
    write_text(f->path, "# my accounts\n"
                        "[account a]\n"
                        "provider=apideck\n"
                        "label=A\n"
                        "colour=teal\n"
                        "label[de]=A auf Deutsch\n"
                        "field.app_id=app_1\n");
    struct account_list l = { 0 };
    load_ok(&l);
    assert_int_equal(l.n, 1);
    assert_string_equal(account_field(&l.v[0], "app_id"), "app_1");
    free(l.v[0].label);
    l.v[0].label = xstrdup("A2");
    upsert_ok(&l.v[0]);
    account_list_free(&l);
    char *text = read_text(f->path);
    assert_non_null(strstr(text, "# my accounts\n"));
    assert_non_null(strstr(text, "colour=teal\n"));
    assert_non_null(strstr(text, "label=A2\n"));
    assert_non_null(strstr(text, "field.app_id=app_1\n"));
    free(text);
}

static void test_crlf(void **state)
{
    struct fixture *f = *state;
    assert_int_equal(config_mkdir(f->cfg, NULL), 0);
    write_text(f->path, "[account a]\r\nprovider=clerk\r\nlabel=A\r\n");
    struct account_list l = { 0 };
    load_ok(&l);
    assert_int_equal(l.n, 1);
    assert_string_equal(l.v[0].provider_id, "clerk");
    assert_string_equal(l.v[0].label, "A");
    account_list_free(&l);
}

/* ---- malformed files: the error names path and line, the file is kept ---- */

static const struct {
    const char *text;
    int line;
    const char *what;
} bad_files[] = {
    { "[account a]\nprovider=clerk\nlabel=A\nthis is not a key\n", 4, "expected [group], key=value" },
    { "# comment\n\n[account a]\nlabel=A\n", 3, "[account a] has no provider" },
    { "[account a]\nprovider=clerk\n", 1, "[account a] has no label" },
    { "[account a]\nlabel=A\nprovider=clerkk\n", 3, "unknown provider \"clerkk\" (known: clerk, basistheory" },
    { "[account a]\nprovider=clerk\nlabel=A\n\n[account b]\nprovider=clerk\nlabel=B\n\n"
      "[account a]\nprovider=cbrain\nlabel=C\n", 9, "duplicate group [account a] (first on line 1)" },
    { "[account a]\nprovider=clerk\nlabel=Same\n[account b]\nprovider=clerk\nlabel=Same\n", 6,
      "label \"Same\" is used by [account a] too (line 1)" },
    { "[account Bad_Id]\nprovider=clerk\nlabel=A\n", 1, "bad account id \"Bad_Id\"" },
    { "provider=clerk\n[account a]\n", 1, "key \"provider\" before any [group]" },
    { "[account a\nprovider=clerk\n", 1, "expected [group]" },
    { "[account a] trailing\n", 1, "expected [group]" },
    { "[account a]\nprovider=clerk\nlabel=A\nallow_http=maybe\n", 4, "allow_http must be true or false" },
    { "[account a]\nprovider=clerk\nlabel=A\\qB\n", 3, "bad value for label (a backslash" },
    { "[account a]\nprovider=clerk\nlabel=\xff\xfe\n", 3, "not valid UTF-8" },
    { "[account a]\nprovider=clerk\nlabel=A\nlabel=B\n", 4, "duplicate key \"label\" in [account a] (first on line 3)" },
    { "[accounts]\nprovider=clerk\n", 1, "unknown group [accounts]" },
    { "[account a]\nprovider=clerk\nlabel=A\n=value\n", 4, "has no key" },
    { "[account a]\nprovider=clerk\nlabel=A\nfield.=x\n", 4, "bad field name" },
    { "[account a]\nprovider=clerk\nlabel=A\nbad]key=x\n", 4, "bad key name" },
    { "[]\n", 1, "bad group name" },
};

static void test_malformed(void **state)
{
    struct fixture *f = *state;
    assert_int_equal(config_mkdir(f->cfg, NULL), 0);
    struct account good;
    make_account(&good, "good", "clerk", "Good");
    for (size_t i = 0; i < ARRAY_LEN(bad_files); i++) {
        write_text(f->path, bad_files[i].text);
        char *want = xasprintf("%s:%d: ", f->path, bad_files[i].line);
        struct account_list l = { 0 };
        char *error = NULL;
        if (accounts_load(&l, &error) != ERR_CONFIG)
            fail_msg("case %zu: loaded", i);
        assert_int_equal(l.n, 0);
        assert_non_null(error);
        if (strncmp(error, want, strlen(want)) != 0 || !strstr(error, bad_files[i].what))
            fail_msg("case %zu: got \"%s\", want \"%s...%s\"", i, error, want, bad_files[i].what);

        /* refused, with the same error, and the file is untouched */
        char *error2 = NULL;
        assert_int_equal(accounts_upsert(&good, &error2), ERR_CONFIG);
        assert_string_equal(error2, error);
        free(error2);
        error2 = NULL;
        assert_int_equal(accounts_remove("a", &error2), ERR_CONFIG);
        assert_string_equal(error2, error);
        free(error2);
        char *text = read_text(f->path);
        assert_string_equal(text, bad_files[i].text);
        free(text);
        free(error);
        free(want);
    }
    account_free(&good);
}

static void test_too_many_fields(void **state)
{
    struct fixture *f = *state;
    assert_int_equal(config_mkdir(f->cfg, NULL), 0);
    GString *s = g_string_new("[account a]\nprovider=clerk\nlabel=A\n");
    for (int i = 0; i <= ACCOUNT_MAX_FIELDS; i++)
        g_string_append_printf(s, "field.f%d=%d\n", i, i);
    write_text(f->path, s->str);
    g_string_free(s, TRUE);
    struct account_list l = { 0 };
    char *error = NULL;
    assert_int_equal(accounts_load(&l, &error), ERR_CONFIG);
    char *want = xasprintf("%s:%d: too many fields", f->path, 4 + ACCOUNT_MAX_FIELDS);
    assert_non_null(strstr(error, want));
    free(want);
    free(error);
}

static void test_upsert_rejects(void **state)
{
    struct fixture *f = *state;
    struct account a;
    make_account(&a, "one", "clerk", "One");
    upsert_ok(&a);
    char *before = read_text(f->path);

    struct account bad;
    const char *ids[] = { "Bad", "", "a b", "x/y" };
    for (size_t i = 0; i < ARRAY_LEN(ids); i++) {
        make_account(&bad, ids[i], "clerk", "Bad");
        char *error = NULL;
        assert_int_equal(accounts_upsert(&bad, &error), ERR_USAGE);
        assert_non_null(strstr(error, "bad id"));
        free(error);
        account_free(&bad);
    }
    make_account(&bad, "two", "nope", "Two");
    assert_int_equal(accounts_upsert(&bad, NULL), ERR_USAGE);
    account_free(&bad);
    make_account(&bad, "two", "clerk", "");
    assert_int_equal(accounts_upsert(&bad, NULL), ERR_USAGE);
    account_free(&bad);
    make_account(&bad, "two", "clerk", "One"); /* label of another account */
    char *error = NULL;
    assert_int_equal(accounts_upsert(&bad, &error), ERR_USAGE);
    assert_string_equal(error, "an account labelled One exists already (id one)");
    free(error);
    account_free(&bad);
    make_account(&bad, "two", "clerk", "Two");
    account_set_field(&bad, "bad key", "v");
    assert_int_equal(accounts_upsert(&bad, NULL), ERR_USAGE);
    account_free(&bad);
    make_account(&bad, "two", "clerk", "T\xffo");
    assert_int_equal(accounts_upsert(&bad, NULL), ERR_USAGE);
    account_free(&bad);
    assert_int_equal(accounts_remove("Not An Id", NULL), ERR_USAGE);

    char *after = read_text(f->path);
    assert_string_equal(before, after);
    free(before);
    free(after);
    account_free(&a);
}

/* ---- concurrency: two processes, 50 upserts each, none lost ---- */

#define PER_CHILD 50

static void test_concurrent_upserts(void **state)
{
    pid_t pids[2];
    for (int c = 0; c < 2; c++) {
        fflush(NULL);
        pids[c] = fork();
        assert_true(pids[c] >= 0);
        if (pids[c] == 0) {
            int bad = 0;
            for (int i = 0; i < PER_CHILD; i++) {
                char id[32], label[48];
                snprintf(id, sizeof id, "p%d-%d", c, i);
                snprintf(label, sizeof label, "Proc %d account %d", c, i);
                struct account a;
                make_account(&a, id, c ? "apideck" : "basistheory", label);
                account_set_field(&a, "n", id);
                char *error = NULL;
                if (accounts_upsert(&a, &error) != 0) {
                    fprintf(stderr, "child %d: %s\n", c, error);
                    bad++;
                }
                free(error);
                account_free(&a);
            }
            _exit(bad ? 1 : 0);
        }
    }
    for (int c = 0; c < 2; c++) {
        int status;
        assert_int_equal(waitpid(pids[c], &status, 0), pids[c]);
        assert_true(WIFEXITED(status));
        assert_int_equal(WEXITSTATUS(status), 0);
    }
    struct account_list l = { 0 };
    load_ok(&l);
    assert_int_equal(l.n, 2 * PER_CHILD);
    for (int c = 0; c < 2; c++) {
        for (int i = 0; i < PER_CHILD; i++) {
            char id[32];
            snprintf(id, sizeof id, "p%d-%d", c, i);
            struct account *a = account_list_find_id(&l, id);
            if (!a)
                fail_msg("account %s lost", id);
            assert_string_equal(account_field(a, "n"), id);
        }
    }
    account_list_free(&l);
}

/* ---- atomic writes ---- */

static int count_temps(const char *dir)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        if (strstr(e->d_name, ".tmp."))
            n++;
    closedir(d);
    return n;
}

static void test_atomic_write(void **state)
{
    struct fixture *f = *state;
    for (int i = 0; i < 5; i++) {
        struct account a;
        char id[16];
        snprintf(id, sizeof id, "acc-%d", i);
        make_account(&a, id, "clerk", id);
        upsert_ok(&a);
        account_free(&a);
    }
    assert_int_equal(count_temps(f->cfg), 0);

    char *p = xasprintf("%s/plain.txt", f->cfg);
    char *error = NULL;
    assert_int_equal(config_write_atomic(p, "hello\n", 6, &error), 0);
    assert_null(error);
    char *text = read_text(p);
    assert_string_equal(text, "hello\n");
    free(text);
    assert_int_equal(config_write_atomic(p, "", 0, &error), 0); /* empty is fine */
    text = read_text(p);
    assert_string_equal(text, "");
    free(text);
    struct stat st;
    assert_int_equal(stat(p, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    free(p);

    /* the rename fails (a directory is in the way): the temp file goes */
    p = xasprintf("%s/in-the-way", f->cfg);
    assert_int_equal(mkdir(p, 0700), 0);
    assert_int_equal(config_write_atomic(p, "x", 1, &error), ERR_CONFIG);
    char *want = xasprintf("%s: %s", p, strerror(EISDIR));
    assert_string_equal(error, want);
    free(want);
    free(error);
    assert_int_equal(count_temps(f->cfg), 0);
    free(p);

    /* parent is missing: created (0700) on the way */
    p = xasprintf("%s/new/dir/file", f->root);
    assert_int_equal(config_write_atomic(p, "y", 1, NULL), 0);
    free(p);
    /* parent cannot be made: a file is in the way */
    p = xasprintf("%s/plain.txt/sub/file", f->cfg);
    error = NULL;
    assert_int_equal(config_write_atomic(p, "z", 1, &error), ERR_CONFIG);
    assert_non_null(strstr(error, strerror(ENOTDIR)));
    free(error);
    free(p);
}

static void test_lock(void **state)
{
    struct fixture *f = *state;
    char *error = NULL;
    int fd = config_lock(f->cfg, &error);
    assert_true(fd >= 0);
    assert_null(error);
    int64_t t0 = mono_ms();
    assert_int_equal(config_lock(f->cfg, &error), -1); /* another open file: conflicts */
    int64_t waited = mono_ms() - t0;
    assert_true(waited >= 4900 && waited < 8000);
    char *want = xasprintf("another sesame holds the lock on %s", f->cfg);
    assert_non_null(strstr(error, want));
    free(want);
    free(error);
    config_unlock(fd);
    fd = config_lock(f->cfg, NULL);
    assert_true(fd >= 0);
    config_unlock(fd);
}

/* ---- leftovers of killed writers (tests/integration/test_crash_safety.c
 * kills writers for real) ---- */

static bool exists(const char *dir, const char *name)
{
    char *p = xasprintf("%s/%s", dir, name);
    bool r = access(p, F_OK) == 0;
    free(p);
    return r;
}

/* A temp file whose writer is gone (nobody holds its flock) is removed by
 * the next write of the same file; one still held, other files' temps and
 * names that are not ours are left alone. */
static void test_stale_temps_removed(void **state)
{
    struct fixture *f = *state;
    struct account a;
    make_account(&a, "stale", "clerk", "Stale");
    upsert_ok(&a);
    const char *names[] = { "accounts.conf.tmp.999999999", "accounts.conf.tmp.1",
                            "accounts.conf.tmp.42", "sesame.conf.tmp.7",
                            "accounts.conf.tmp.x1", "accounts.conf.tmp." };
    for (size_t i = 0; i < ARRAY_LEN(names); i++) {
        char *p = xasprintf("%s/%s", f->cfg, names[i]);
        write_text(p, "half a file");
        free(p);
    }
    /* .42 is being written right now by a live writer: it holds the lock */
    char *held = xasprintf("%s/accounts.conf.tmp.42", f->cfg);
    int fd = open(held, O_RDONLY);
    assert_true(fd >= 0);
    assert_int_equal(flock(fd, LOCK_EX), 0);

    free(a.label);
    a.label = xstrdup("Stale 2");
    upsert_ok(&a);
    assert_false(exists(f->cfg, "accounts.conf.tmp.999999999"));
    assert_false(exists(f->cfg, "accounts.conf.tmp.1"));
    assert_true(exists(f->cfg, "accounts.conf.tmp.42"));
    assert_true(exists(f->cfg, "sesame.conf.tmp.7"));
    assert_true(exists(f->cfg, "accounts.conf.tmp.x1"));
    assert_true(exists(f->cfg, "accounts.conf.tmp."));

    close(fd); /* the writer died */
    upsert_ok(&a);
    assert_false(exists(f->cfg, "accounts.conf.tmp.42"));
    assert_int_equal(count_temps(f->cfg), 3); /* the ones that are not ours */
    struct account_list l = { 0 };
    load_ok(&l);
    assert_int_equal(l.n, 1);
    assert_string_equal(l.v[0].label, "Stale 2");
    account_list_free(&l);
    account_free(&a);
    free(held);
}

/* Saving an account again with the same keys leaves the file as it was
 * (it used to gain a blank line per save: GKeyFile puts the blank line that
 * ends a group above keys added to it after all of them were removed). */
static void test_resave_is_stable(void **state)
{
    struct fixture *f = *state;
    struct account a, b;
    make_account(&a, "first", "clerk", "First");
    account_set_field(&a, "instance", "prod");
    a.base_url = xstrdup("https://api.clerk.com/v1");
    make_account(&b, "second", "cbrain", "Second");
    upsert_ok(&a);
    upsert_ok(&b);
    char *before = read_text(f->path);
    for (int i = 0; i < 5; i++) {
        upsert_ok(&a);
        upsert_ok(&b);
    }
    char *after = read_text(f->path);
    assert_string_equal(after, before);
    free(after);
    /* a changed value is changed in place */
    free(a.label);
    a.label = xstrdup("First renamed");
    upsert_ok(&a);
    after = read_text(f->path);
    assert_int_equal(strlen(after), strlen(before) + strlen(" renamed"));
    free(after);
    /* a key no longer set goes */
    free(a.base_url);
    a.base_url = NULL;
    account_set_field(&a, "instance", NULL);
    upsert_ok(&a);
    after = read_text(f->path);
    assert_null(strstr(after, "base_url"));
    assert_null(strstr(after, "field.instance"));
    free(after);
    free(before);
    account_free(&a);
    account_free(&b);
}


/* ---- names people give: ACCOUNT ---- */

static void resolve_fails(struct account_list *l, const char *name, const char *want)
{
    struct account *a = (struct account *)1;
    char *error = NULL;
    assert_int_equal(account_resolve(l, name, &a, &error), ERR_USAGE);
    assert_null(a);
    if (!error || !strstr(error, want))
        fail_msg("resolve %s: wanted \"%s\" in \"%s\"", name ? name : "(null)", want,
                 error ? error : "(null)");
    free(error);
}

static void test_resolve(void **state)
{
    struct account_list l = { 0 };
    struct account *a = l.v = xcalloc(4, sizeof *l.v);
    l.cap = 4;
    make_account(&a[0], "plantly", "plantly", "Plantly");
    make_account(&a[1], "plantly-2", "plantly", "plantly");
    make_account(&a[2], "clerk-prod", "clerk", "Clerk prod");
    make_account(&a[3], "bt", "basistheory", "Basis Theory");
    l.n = 4;
    struct account *got = NULL;
    char *error = NULL;
    /* one account's id and another's label, or two labels in any case */
    resolve_fails(&l, "plantly", "'plantly' names 2 accounts: id:plantly (label Plantly) or "
                  "plantly-2 (label plantly)");
    resolve_fails(&l, "PLANTLY", "names 2 accounts");
    /* each candidate named so that it resolves */
    assert_int_equal(account_resolve(&l, "id:plantly", &got, &error), 0);
    assert_ptr_equal(got, &a[0]);
    assert_int_equal(account_resolve(&l, "plantly-2", &got, &error), 0);
    assert_ptr_equal(got, &a[1]);
    /* a label in any case, an id as it is */
    assert_int_equal(account_resolve(&l, "clerk PROD", &got, &error), 0);
    assert_ptr_equal(got, &a[2]);
    assert_int_equal(account_resolve(&l, "clerk-prod", &got, &error), 0);
    assert_ptr_equal(got, &a[2]);
    assert_int_equal(account_resolve(&l, "bt", &got, &error), 0);
    assert_ptr_equal(got, &a[3]);
    assert_null(error);
    resolve_fails(&l, "CLERK-PROD", "no account 'CLERK-PROD'");
    resolve_fails(&l, "id:Clerk prod", "no account");
    resolve_fails(&l, "nobody", "no account 'nobody' (see 'sesame account list')");
    resolve_fails(&l, "", "no account");
    resolve_fails(&l, NULL, "no account");
    /* candidates quoted for the shell */
    free(a[0].label);
    a[0].label = xstrdup("Basis theory");
    resolve_fails(&l, "basis theory", "id:plantly (label 'Basis theory') or bt (label "
                  "'Basis Theory')");

    /* "id:" in any case names by id */
    assert_int_equal(account_resolve(&l, "ID:plantly-2", &got, &error), 0);
    assert_ptr_equal(got, &a[1]);
    /* a label is the same label whichever way its accents were typed */
    free(a[2].label);
    a[2].label = xstrdup("Caf\xc3\xa9 prod"); /* é: one code point (NFC) */
    assert_int_equal(account_resolve(&l, "CAFE\xcc\x81 PROD", &got, &error), 0); /* E + U+0301 */
    assert_ptr_equal(got, &a[2]);
    assert_ptr_equal(account_name_conflict(&l, "cafe\xcc\x81 prod", NULL), &a[2]);
    free(a[2].label);
    a[2].label = xstrdup("Clerk prod");

    /* a label that would name another account too is a conflict */
    assert_ptr_equal(account_name_conflict(&l, "CLERK prod", NULL), &a[2]);
    assert_ptr_equal(account_name_conflict(&l, "Clerk-Prod", NULL), &a[2]); /* its id */
    assert_null(account_name_conflict(&l, "Clerk prod", "clerk-prod"));    /* itself */
    assert_null(account_name_conflict(&l, "Clerk staging", NULL));
    char *m = account_conflict_message(&a[2], "clerk prod");
    assert_string_equal(m, "an account labelled 'Clerk prod' exists already (id clerk-prod)");
    free(m);
    m = account_conflict_message(&a[2], "clerk-prod");
    assert_non_null(strstr(m, "clerk-prod is the id of another account (label 'Clerk prod')"));
    free(m);
    account_list_free(&l);
}

static void ref_is(const struct account_list *l, const struct account *a, const char *want)
{
    char *got = account_ref(l, a);
    if (strcmp(got, want) != 0)
        fail_msg("account_ref of %s: got %s, wanted %s", a->id, got, want);
    free(got);
}

/* A hint names an account so that it pastes back to it. */
static void test_account_ref(void **state)
{
    struct account_list l = { 0 };
    struct account *a = l.v = xcalloc(8, sizeof *l.v);
    l.cap = 8;
    make_account(&a[0], "clerk-prod", "clerk", "Clerk prod");
    make_account(&a[1], "rf", "apideck", "-rf");              /* taken for an option */
    make_account(&a[2], "tab", "apideck", "tab\there");       /* hand-edited */
    make_account(&a[3], "bidi", "apideck", "\xe2\x80\xaegnp"); /* U+202E, dropped on screen */
    make_account(&a[4], "nl", "plantly", "Dutch");             /* its id is another's label */
    make_account(&a[5], "nl-2", "plantly", "nl");
    make_account(&a[6], "-x", "plantly", "-x");                /* hand-edited id */
    make_account(&a[7], "idx", "plantly", "id:x");             /* hand-edited label */
    l.n = 8;
    ref_is(&l, &a[0], "'Clerk prod'");
    ref_is(&l, &a[1], "rf");
    ref_is(&l, &a[2], "tab");
    ref_is(&l, &a[3], "bidi");
    ref_is(&l, &a[4], "Dutch");
    ref_is(&l, &a[5], "nl-2");      /* "nl" also names the other by its id */
    ref_is(&l, &a[6], "id:-x");
    ref_is(&l, &a[7], "idx");
    /* each pastes back to its account */
    for (size_t i = 0; i < l.n; i++) {
        char *ref = account_ref(&l, &a[i]), *error = NULL;
        char *bare = ref[0] == '\'' ? xstrndup(ref + 1, strlen(ref) - 2) : xstrdup(ref);
        struct account *got = NULL;
        assert_int_equal(account_resolve(&l, bare, &got, &error), 0);
        assert_ptr_equal(got, &a[i]);
        free(bare);
        free(ref);
    }
    /* no list (the worker): id:ID, which is always the account's */
    ref_is(NULL, &a[0], "id:clerk-prod");
    account_list_free(&l);
}

static void label_refused(const char *label, const char *want)
{
    char *why = NULL, *got = account_label_clean(label, &why);
    if (got || !why || !strstr(why, want))
        fail_msg("label \"%s\": got \"%s\", why \"%s\", wanted \"%s\"", label ? label : "(null)",
                 got ? got : "(null)", why ? why : "(null)", want);
    free(why);
}

static void label_is(const char *label, const char *want)
{
    char *why = NULL, *got = account_label_clean(label, &why);
    assert_null(why);
    assert_non_null(got);
    assert_string_equal(got, want);
    free(got);
}

/* A label is stored trimmed and in NFC; one of nothing but spaces, one the
 * screen would not show as typed, one that starts with id: are refused. */
static void test_label_clean(void **state)
{
    label_is("Clerk prod", "Clerk prod");
    label_is("  Clerk prod \t", "Clerk prod");
    label_is("\xc2\xa0Plantly\xe3\x80\x80", "Plantly");            /* U+00A0, U+3000 */
    label_is("cafe\xcc\x81", "caf\xc3\xa9");                         /* NFD to NFC */
    label_is("-rf", "-rf");        /* allowed; hints name it by its id (account_ref) */
    label_is("my id: x", "my id: x");
    label_refused("", "a label is needed");
    label_refused(NULL, "a label is needed");
    label_refused("   ", "nothing but spaces");
    label_refused("\xc2\xa0 \xe3\x80\x80", "nothing but spaces");
    label_refused("id:x", "must not start with \"id:\"");
    label_refused("ID:X", "must not start with \"ID:\"");
    label_refused(" Id:plantly", "must not start with");
    label_refused("tab\there", "shows as typed");
    label_refused("line\nend", "shows as typed");
    label_refused("\xe2\x80\xaegnp.exe", "shows as typed");        /* U+202E */
    label_refused("\x1b[31mred", "shows as typed");
    label_refused("bad\xff", "shows as typed");
    /* what shows as nothing: zero-width space, soft hyphen, word joiner, BOM,
     * a bidi isolate, a Hangul filler */
    label_refused("zw\xe2\x80\x8bsp", "shows as typed");
    label_refused("soft\xc2\xadhyphen", "shows as typed");
    label_refused("word\xe2\x81\xa0joiner", "shows as typed");
    label_refused("bom\xef\xbb\xbf", "shows as typed");
    label_refused("iso\xe2\x81\xa8late", "shows as typed");
    label_refused("fill\xe3\x85\xa4" "er", "shows as typed");
    /* "id:" in fullwidth letters, or with a fullwidth colon */
    label_refused("\xef\xbd\x89\xef\xbd\x84:y", "must not start with \"\xef\xbd\x89\xef\xbd\x84:\"");
    label_refused("id\xef\xbc\x9ay", "must not start with");

    /* add and edit refuse what did not come through it (another front end) */
    struct account a;
    char *error = NULL;
    const char *bad[] = {"id:x", " spaced ", "cafe\xcc\x81", "tab\there"};
    for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
        make_account(&a, "", "plantly", bad[i]);
        assert_int_equal(accounts_add(&a, &error), ERR_USAGE);
        free(error);
        error = NULL;
        account_free(&a);
    }
    make_account(&a, "", "plantly", "fine");
    assert_int_equal(accounts_add(&a, &error), 0);
    free(a.label);
    a.label = xstrdup("ID:fine");
    assert_int_equal(accounts_update(&a, &error), ERR_USAGE);
    free(error);
    account_free(&a);
}

/* Labels that read the same are one label: Unicode spaces, fullwidth
 * letters (NFKC, case folded); a label equal to another's id that way too. */
static void test_label_lookalikes(void **state)
{
    struct account a, b;
    make_account(&a, "", "plantly", "a b");
    char *error = NULL;
    assert_int_equal(accounts_add(&a, &error), 0);
    const char *same[] = {"a\xc2\xa0" "b", "a\xe2\x80\x83" "b", "a\xe3\x80\x80" "b",
                          "\xef\xbd\x81 \xef\xbd\x82", "A\xe2\x80\xaf" "B"};
    for (size_t i = 0; i < ARRAY_LEN(same); i++) {
        make_account(&b, "", "plantly", same[i]);
        assert_int_equal(accounts_add(&b, &error), ERR_USAGE);
        if (!strstr(error, "exists already (id a-b)"))
            fail_msg("%s: %s", same[i], error);
        free(error);
        error = NULL;
        account_free(&b);
    }
    make_account(&b, "", "plantly", "\xef\xbd\x81-\xef\xbd\x82"); /* the id a-b, fullwidth */
    assert_int_equal(accounts_add(&b, &error), ERR_USAGE);
    assert_non_null(strstr(error, "is the id of another account"));
    free(error);
    account_free(&b);
    account_free(&a);
}

/* add chooses the id under the lock; a label naming another is refused */
static void test_add(void **state)
{
    struct account a, b;
    make_account(&a, "", "plantly", "Dup 1");
    char *error = NULL;
    assert_int_equal(accounts_add(&a, &error), 0);
    assert_string_equal(a.id, "dup-1");
    make_account(&b, "", "plantly", "dup 1");
    assert_int_equal(accounts_add(&b, &error), ERR_USAGE);
    assert_non_null(strstr(error, "exists already (id dup-1)"));
    free(error);
    error = NULL;
    free(b.label);
    b.label = xstrdup("DUP-1"); /* the id of the first */
    assert_int_equal(accounts_add(&b, &error), ERR_USAGE);
    assert_non_null(strstr(error, "is the id of another account"));
    free(error);
    error = NULL;
    /* a label whose slug is another's label: the new id is not that label */
    account_free(&b);
    make_account(&b, "", "plantly", "x-y");
    assert_int_equal(accounts_add(&b, &error), 0);
    assert_string_equal(b.id, "x-y");
    struct account c;
    make_account(&c, "", "plantly", "X y");
    assert_int_equal(accounts_add(&c, &error), 0);
    assert_string_equal(c.id, "x-y-2");
    /* update: the label is checked the same way; a removed account stays removed */
    free(c.label);
    c.label = xstrdup("dup 1");
    assert_int_equal(accounts_update(&c, &error), ERR_USAGE);
    free(error);
    error = NULL;
    free(c.label);
    c.label = xstrdup("X Y renamed");
    assert_int_equal(accounts_update(&c, &error), 0);
    assert_int_equal(accounts_remove(c.id, &error), 0);
    assert_int_equal(accounts_update(&c, &error), ERR_USAGE);
    assert_non_null(strstr(error, "is gone"));
    free(error);
    struct account_list l = { 0 };
    load_ok(&l);
    assert_int_equal(l.n, 2);
    account_list_free(&l);
    account_free(&a);
    account_free(&b);
    account_free(&c);
}

/* Children add the same label, or labels with the same id, at once: no
 * account is lost, one add of a label wins. */
static void test_concurrent_adds(void **state)
{
    enum { ROUNDS = 10, KIDS = 3 };
    for (int round = 0; round < ROUNDS; round++) {
        pid_t pids[KIDS];
        for (int c = 0; c < KIDS; c++) {
            fflush(NULL);
            pids[c] = fork();
            assert_true(pids[c] >= 0);
            if (pids[c] == 0) {
                char label[32];
                snprintf(label, sizeof label, c == 1 ? "dup %d" : "Dup %d", round);
                struct account a;
                make_account(&a, "", "plantly", label);
                account_set_field(&a, "who", c ? "b" : "a");
                char *error = NULL;
                int rc = accounts_add(&a, &error);
                _exit(rc == 0 ? 0 : rc == ERR_USAGE && strstr(error, "exists already") ? 3 : 1);
            }
        }
        int won = 0;
        for (int c = 0; c < KIDS; c++) {
            int status;
            assert_int_equal(waitpid(pids[c], &status, 0), pids[c]);
            assert_true(WIFEXITED(status));
            assert_true(WEXITSTATUS(status) == 0 || WEXITSTATUS(status) == 3);
            won += WEXITSTATUS(status) == 0;
        }
        assert_int_equal(won, 1);
    }
    struct account_list l = { 0 };
    load_ok(&l);
    assert_int_equal(l.n, ROUNDS);
    account_list_free(&l);
}

/* ---- ids ---- */

static void test_new_id(void **state)
{
    char *id = account_new_id(NULL, "Clerk Prod!");
    assert_string_equal(id, "clerk-prod");
    free(id);
    id = account_new_id(NULL, "  --  ");
    assert_string_equal(id, "account");
    free(id);
    id = account_new_id(NULL, NULL);
    assert_string_equal(id, "account");
    free(id);
    id = account_new_id(NULL, "Clérk — Ünïcode");
    assert_string_equal(id, "clerk-unicode");
    free(id);
    id = account_new_id(NULL, "密码");
    assert_true(strlen(id) > 0);
    for (const char *c = id; *c; c++)
        assert_true((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '-');
    free(id);
    char long_label[300];
    memset(long_label, 'a', sizeof long_label - 1);
    long_label[sizeof long_label - 1] = '\0';
    id = account_new_id(NULL, long_label);
    assert_true(strlen(id) > 0 && strlen(id) <= 48);
    free(id);

    struct account_list l = { 0 };
    struct account *a = l.v = xcalloc(4, sizeof *l.v);
    l.cap = 4;
    make_account(&a[0], "clerk-prod", "clerk", "x");
    make_account(&a[1], "clerk-prod-2", "clerk", "y");
    make_account(&a[2], "other", "clerk", "z");
    l.n = 3;
    id = account_new_id(&l, "Clerk prod");
    assert_string_equal(id, "clerk-prod-3");
    free(id);
    id = account_new_id(&l, "Other");
    assert_string_equal(id, "other-2");
    free(id);
    id = account_new_id(&l, "Fresh");
    assert_string_equal(id, "fresh");
    free(id);
    free(a[2].label);
    a[2].label = xstrdup("Fresh"); /* a new id never equals a label */
    id = account_new_id(&l, "fresh!");
    assert_string_equal(id, "fresh-2");
    free(id);
    account_list_free(&l);

    /* ids made this way are accepted by upsert, for any label */
    const char *labels[] = { "Clérk — Ünïcode", "密码", "  ", long_label };
    for (size_t i = 0; i < ARRAY_LEN(labels); i++) {
        struct account_list cur = { 0 };
        load_ok(&cur);
        struct account n;
        make_account(&n, "", "clerk", labels[i]);
        free(n.id);
        n.id = account_new_id(&cur, labels[i]);
        if (str_empty(labels[i]) || labels[i][0] == ' ') {
            free(n.label);
            n.label = xstrdup("blank");
        }
        upsert_ok(&n);
        account_free(&n);
        account_list_free(&cur);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dirs),
        cmocka_unit_test_setup_teardown(test_load_missing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_round_trip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_modes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unknown_keys_kept, setup, teardown),
        cmocka_unit_test_setup_teardown(test_crlf, setup, teardown),
        cmocka_unit_test_setup_teardown(test_malformed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_too_many_fields, setup, teardown),
        cmocka_unit_test_setup_teardown(test_upsert_rejects, setup, teardown),
        cmocka_unit_test_setup_teardown(test_concurrent_upserts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_atomic_write, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lock, setup, teardown),
        cmocka_unit_test_setup_teardown(test_new_id, setup, teardown),
        cmocka_unit_test(test_resolve),
        cmocka_unit_test_setup_teardown(test_label_clean, setup, teardown),
        cmocka_unit_test(test_account_ref),
        cmocka_unit_test_setup_teardown(test_label_lookalikes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_add, setup, teardown),
        cmocka_unit_test_setup_teardown(test_concurrent_adds, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stale_temps_removed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_resave_is_stable, setup, teardown),
    };
    return cmocka_run_group_tests_name("config", tests, NULL, NULL);
}
