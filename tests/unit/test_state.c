/* state.c: the tracked sessions file. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "config.h"
#include "state.h"
#include "strpool.h"
#include "strslab.h"
#include "util.h"

struct fixture {
    char *root;
    char *dir;  /* SESAME_STATE_DIR, not created yet */
    char *path; /* dir/sessions.state */
};

static int rm_entry(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
    return remove(p);
}

static int setup(void **state)
{
    struct fixture *f = xcalloc(1, sizeof *f);
    const char *base = getenv("SESAME_TEST_TMP") ? getenv("SESAME_TEST_TMP") : "/tmp";
    f->root = xasprintf("%s/state.XXXXXX", base);
    if (!mkdtemp(f->root))
        return -1;
    f->dir = xasprintf("%s/st", f->root);
    f->path = xasprintf("%s/sessions.state", f->dir);
    setenv("SESAME_STATE_DIR", f->dir, 1);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    nftw(f->root, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
    unsetenv("SESAME_STATE_DIR");
    free(f->root);
    free(f->dir);
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
    size_t cap = 1 << 16;
    char *buf = xmalloc(cap);
    size_t n = fread(buf, 1, cap - 1, fp);
    buf[n] = '\0';
    fclose(fp);
    return buf;
}

static void make_session(struct session *s, const char *account, const char *id)
{
    memset(s, 0, sizeof *s);
    s->account_id = strpool_get(account);
    s->id = strslab_dup(id);
    s->status = SESSION_ACTIVE;
}

static void upsert_ok(const struct session *s)
{
    char *error = NULL;
    int rc = state_upsert(s, &error);
    if (rc)
        fail_msg("upsert %s: %s", s->id, error);
    assert_null(error);
}

static void load_ok(struct session_list *l)
{
    char *error = NULL;
    int rc = state_load(l, &error);
    if (rc)
        fail_msg("load: %s", error);
    assert_null(error);
}

static void assert_str_or_null(const char *a, const char *b)
{
    if (!a || !b)
        assert_ptr_equal(a, b);
    else
        assert_string_equal(a, b);
}

static void assert_same_session(const struct session *a, const struct session *b)
{
    assert_string_equal(a->account_id, b->account_id);
    assert_string_equal(a->id, b->id);
    assert_str_or_null(a->user_id, b->user_id);
    assert_str_or_null(a->user_display, b->user_display);
    assert_str_or_null(a->client_id, b->client_id);
    assert_str_or_null(a->device, b->device);
    assert_str_or_null(a->browser, b->browser);
    assert_str_or_null(a->ip, b->ip);
    assert_str_or_null(a->place, b->place);
    assert_str_or_null(a->raw_json, b->raw_json);
    assert_int_equal(a->status, b->status);
    assert_int_equal(a->created_ms, b->created_ms);
    assert_int_equal(a->last_active_ms, b->last_active_ms);
    assert_int_equal(a->expires_ms, b->expires_ms);
    assert_int_equal(a->has_url, b->has_url);
}

static struct session *find(struct session_list *l, const char *account, const char *id)
{
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->v[i].account_id, account) == 0 && strcmp(l->v[i].id, id) == 0)
            return &l->v[i];
    return NULL;
}

static void test_missing(void **state)
{
    struct session_list l = { 0 };
    load_ok(&l);
    assert_int_equal(l.n, 0);
    session_list_clear(&l);
}

static void test_round_trip(void **state)
{
    struct fixture *f = *state;
    struct session a, b;
    make_session(&a, "plantly-dev", "sess_01HX");
    a.user_id = strpool_get("usr_7");
    a.user_display = strpool_get("Ada Lovelace <ada@example.com>");
    a.client_id = strslab_dup("client_9");
    a.device = strpool_get("desktop / Firefox 128");
    a.browser = strpool_get("Firefox");
    a.ip = strslab_dup("2001:db8::1");
    a.place = strpool_get("Zürich, CH");
    a.created_ms = 1767225600123;
    a.last_active_ms = 1767225700000;
    a.expires_ms = INT64_C(1767312000000);
    a.has_url = true;
    a.raw_json = xstrdup("{\n  \"id\": \"sess_01HX\",\n  \"note\": \"tab\\there [x] = # ;\"\n}");
    /* an id with every awkward byte for a group name */
    make_session(&b, "clerk-prod", "id with spaces ]and[ brackets %41 #x\tz");
    b.status = SESSION_EXPIRED;
    upsert_ok(&a);
    upsert_ok(&b);

    struct stat st;
    assert_int_equal(stat(f->path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    assert_int_equal(stat(f->dir, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0700);

    struct session_list l = { 0 };
    load_ok(&l);
    assert_int_equal(l.n, 2);
    assert_same_session(&a, &l.v[0]);
    assert_same_session(&b, &l.v[1]);
    assert_true(l.v[0].tracked);
    assert_true(l.v[1].tracked);
    session_list_clear(&l);

    /* replace: new values, unset strings are gone */
    a.status = SESSION_REVOKED;
    strpool_put(a.place);
    a.place = NULL;
    a.has_url = false;
    upsert_ok(&a);
    load_ok(&l);
    assert_int_equal(l.n, 2);
    struct session *got = find(&l, "plantly-dev", "sess_01HX");
    assert_non_null(got);
    assert_same_session(&a, got);
    session_list_clear(&l);

    char *text = read_text(f->path);
    assert_non_null(strstr(text, "[session plantly-dev sess_01HX]\n"));
    assert_non_null(strstr(text, "status=revoked\n"));
    assert_non_null(strstr(text, "[session clerk-prod id%20with%20spaces%20%5Dand%5B%20"));
    free(text);
    session_free(&a);
    session_free(&b);
}

static void test_remove(void **state)
{
    struct session s;
    const char *ids[] = { "s1", "s2", "s3" };
    for (size_t i = 0; i < ARRAY_LEN(ids); i++) {
        make_session(&s, "acc", ids[i]);
        upsert_ok(&s);
        session_free(&s);
    }
    make_session(&s, "other", "s2");
    upsert_ok(&s);
    session_free(&s);

    char *error = NULL;
    assert_int_equal(state_remove("acc", "s2", &error), 0);
    assert_null(error);
    assert_int_equal(state_remove("acc", "s2", &error), 0); /* gone already: fine */
    assert_int_equal(state_remove("nobody", "s1", &error), 0);
    struct session_list l = { 0 };
    load_ok(&l);
    assert_int_equal(l.n, 3);
    assert_non_null(find(&l, "acc", "s1"));
    assert_null(find(&l, "acc", "s2"));
    assert_non_null(find(&l, "acc", "s3"));
    assert_non_null(find(&l, "other", "s2")); /* same id, other account */
    session_list_clear(&l);
    assert_int_equal(state_remove("", "s1", NULL), ERR_USAGE);
}

/* A session just made is added only if its id is new for the account: an
 * answer that reuses a tracked one's id never replaces it. */
static void test_add_new(void **state)
{
    struct fixture *f = *state;
    struct session s;
    bool taken = true;
    char *error = NULL;
    make_session(&s, "acc", "s1");
    s.user_display = strpool_get("first");
    assert_int_equal(state_add_new_in(f->dir, &s, &taken, &error), 0);
    assert_false(taken);
    strpool_put(s.user_display);
    s.user_display = strpool_get("second");
    s.status = SESSION_UNKNOWN;
    assert_int_equal(state_add_new_in(f->dir, &s, &taken, &error), 0);
    assert_true(taken);
    session_free(&s);
    make_session(&s, "other", "s1"); /* the same id at another account is another session */
    assert_int_equal(state_add_new_in(f->dir, &s, &taken, &error), 0);
    assert_false(taken);
    session_free(&s);
    assert_null(error);
    struct session_list l = { 0 };
    load_ok(&l);
    assert_int_equal(l.n, 2);
    assert_string_equal(find(&l, "acc", "s1")->user_display, "first");
    assert_int_equal(find(&l, "acc", "s1")->status, SESSION_ACTIVE);
    session_list_clear(&l);
}

static void test_remove_account(void **state)
{
    struct session s;
    for (int i = 0; i < 5; i++) {
        char id[16];
        snprintf(id, sizeof id, "s%d", i);
        make_session(&s, i < 3 ? "gone" : "kept", id);
        upsert_ok(&s);
        session_free(&s);
    }
    make_session(&s, "gone-not", "s9"); /* no prefix matching */
    upsert_ok(&s);
    session_free(&s);
    char *error = NULL;
    assert_int_equal(state_remove_account("gone", NULL, &error), 0);
    assert_null(error);
    struct session_list l = { 0 };
    load_ok(&l);
    assert_int_equal(l.n, 3);
    for (size_t i = 0; i < l.n; i++)
        assert_string_not_equal(l.v[i].account_id, "gone");
    session_list_clear(&l);
    assert_int_equal(state_remove_account("gone", NULL, NULL), 0);
    assert_int_equal(state_remove_account(NULL, NULL, NULL), ERR_USAGE);
}

static const struct {
    const char *text;
    int line;
    const char *what;
} bad_files[] = {
    { "[session a s1]\naccount=a\nid=s1\nstatus active\n", 4, "expected [group], key=value" },
    { "[session a s1]\naccount=a\nstatus=active\n", 1, "[session a s1] needs an account and an id" },
    { "[session a s1]\naccount=a\nid=s1\ncreated_ms=yesterday\n", 4, "created_ms must be a count of milliseconds" },
    { "[session a s1]\naccount=a\nid=s1\nhas_url=perhaps\n", 4, "has_url must be true or false" },
    { "[sessions]\n", 1, "unknown group [sessions]" },
    { "[session a s1]\naccount=a\nid=s2\n", 1, "does not match its account and id (expected [session a s2])" },
    { "\n\n[session a s1]\naccount=a\nid=s1\n[session a s1]\naccount=a\nid=s1\n", 6, "duplicate group [session a s1] (first on line 3)" },
    { "[session a s1]\naccount=a\nid=s1\nraw_json={\"x\":\"\\q\"}\n", 4, "bad value for raw_json" },
};

static void test_malformed(void **state)
{
    struct fixture *f = *state;
    assert_int_equal(config_mkdir(f->dir, NULL), 0);
    struct session good;
    make_session(&good, "a", "s9");
    for (size_t i = 0; i < ARRAY_LEN(bad_files); i++) {
        write_text(f->path, bad_files[i].text);
        char *want = xasprintf("%s:%d: ", f->path, bad_files[i].line);
        struct session_list l = { 0 };
        char *error = NULL;
        if (state_load(&l, &error) != ERR_CONFIG)
            fail_msg("case %zu: loaded", i);
        assert_int_equal(l.n, 0);
        if (strncmp(error, want, strlen(want)) != 0 || !strstr(error, bad_files[i].what))
            fail_msg("case %zu: got \"%s\", want \"%s...%s\"", i, error, want, bad_files[i].what);
        char *e2 = NULL;
        assert_int_equal(state_upsert(&good, &e2), ERR_CONFIG);
        assert_string_equal(e2, error);
        free(e2);
        e2 = NULL;
        assert_int_equal(state_remove("a", "s1", &e2), ERR_CONFIG);
        assert_string_equal(e2, error);
        free(e2);
        e2 = NULL;
        assert_int_equal(state_remove_account("a", NULL, &e2), ERR_CONFIG);
        assert_string_equal(e2, error);
        free(e2);
        char *text = read_text(f->path);
        assert_string_equal(text, bad_files[i].text);
        free(text);
        free(error);
        free(want);
    }
    session_free(&good);
}

static void test_lenient(void **state)
{
    /* unknown status names (a newer sesame?) and keys are not errors */
    struct fixture *f = *state;
    assert_int_equal(config_mkdir(f->dir, NULL), 0);
    write_text(f->path, "# hand-written\n[session a s1]\naccount=a\nid=s1\nstatus=hibernating\n"
                        "colour=blue\n");
    struct session_list l = { 0 };
    load_ok(&l);
    assert_int_equal(l.n, 1);
    assert_int_equal(l.v[0].status, SESSION_UNKNOWN);
    assert_int_equal(l.v[0].created_ms, 0);
    assert_null(l.v[0].raw_json);
    session_list_clear(&l);
}

static void test_bad_input(void **state)
{
    struct session s;
    make_session(&s, "", "x");
    assert_int_equal(state_upsert(&s, NULL), ERR_USAGE);
    session_free(&s);
    make_session(&s, "a", "x");
    s.user_display = strpool_get("bad \xff utf-8");
    char *error = NULL;
    assert_int_equal(state_upsert(&s, &error), ERR_USAGE);
    assert_non_null(error);
    free(error);
    session_free(&s);
    struct fixture *f = *state;
    assert_int_equal(access(f->path, F_OK), -1); /* nothing written */
}

static void test_concurrent(void **state)
{
    pid_t pids[2];
    for (int c = 0; c < 2; c++) {
        fflush(NULL);
        pids[c] = fork();
        assert_true(pids[c] >= 0);
        if (pids[c] == 0) {
            int bad = 0;
            for (int i = 0; i < 25; i++) {
                char id[16];
                snprintf(id, sizeof id, "s%d", i);
                struct session s;
                make_session(&s, c ? "acc-b" : "acc-a", id);
                char *error = NULL;
                bad += state_upsert(&s, &error) != 0;
                free(error);
                session_free(&s);
            }
            _exit(bad ? 1 : 0);
        }
    }
    for (int c = 0; c < 2; c++) {
        int status;
        assert_int_equal(waitpid(pids[c], &status, 0), pids[c]);
        assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    }
    struct session_list l = { 0 };
    load_ok(&l);
    assert_int_equal(l.n, 50);
    session_list_clear(&l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_missing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_round_trip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_remove, setup, teardown),
        cmocka_unit_test_setup_teardown(test_add_new, setup, teardown),
        cmocka_unit_test_setup_teardown(test_remove_account, setup, teardown),
        cmocka_unit_test_setup_teardown(test_malformed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lenient, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_input, setup, teardown),
        cmocka_unit_test_setup_teardown(test_concurrent, setup, teardown),
    };
    return cmocka_run_group_tests_name("state", tests, NULL, NULL);
}
