/* journal.c: the audit journal's lines, rotation, torn lines, two writers. */
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

#include "journal.h"
#include "strpool.h"
#include "strslab.h"
#include "util.h"

struct fixture {
    char *root;
    char *dir;  /* SESAME_STATE_DIR, not created yet */
    char *path; /* dir/journal.jsonl */
};

static int rm_entry(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
    return remove(p);
}

static int setup(void **state)
{
    struct fixture *f = xcalloc(1, sizeof *f);
    const char *base = getenv("SESAME_TEST_TMP") ? getenv("SESAME_TEST_TMP") : "/tmp";
    f->root = xasprintf("%s/journal.XXXXXX", base);
    if (!mkdtemp(f->root))
        return -1;
    f->dir = xasprintf("%s/st", f->root);
    f->path = xasprintf("%s/journal.jsonl", f->dir);
    setenv("SESAME_STATE_DIR", f->dir, 1);
    journal_set_limits(0, 0);
    journal_init(JOURNAL_COMMAND);
    free(journal_take_error());
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    nftw(f->root, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
    unsetenv("SESAME_STATE_DIR");
    journal_set_limits(0, 0);
    free(f->root);
    free(f->dir);
    free(f->path);
    free(f);
    return 0;
}

static struct journal_entry entry(const char *session, const char *action)
{
    struct journal_entry e = {
        .account = "clerk-prod", .label = "Clerk prod", .provider = "clerk",
        .session = session, .user = "Ada <ada@example.com>", .action = action,
        .result = "ok", .status = "revoked", .request_id = "trace123",
    };
    return e;
}

static void read_ok(struct journal_list *l)
{
    char *err = NULL;
    assert_int_equal(journal_read(l, &err), 0);
    assert_null(err);
}

static void test_round_trip(void **state)
{
    struct journal_entry a = entry("sess_1", "revoke");
    assert_int_equal(journal_append(&a), 0);
    journal_init(JOURNAL_DASHBOARD);
    struct journal_entry b = entry("sess_2", "logout");
    b.result = "failed";
    b.status = NULL;
    b.error = "HTTP 401 from Plantly: unauthorized";
    assert_int_equal(journal_append(&b), 0);
    struct journal_list l;
    read_ok(&l);
    assert_int_equal(l.n, 2);
    assert_int_equal(l.n_notes, 0);
    assert_string_equal(l.v[0].origin, "command");
    assert_string_equal(l.v[0].session, "sess_1");
    assert_string_equal(l.v[0].user, "Ada <ada@example.com>");
    assert_string_equal(l.v[0].status, "revoked");
    assert_string_equal(l.v[0].request_id, "trace123");
    assert_string_equal(l.v[1].origin, "dashboard");
    assert_string_equal(l.v[1].action, "logout");
    assert_string_equal(l.v[1].result, "failed");
    assert_null(l.v[1].status);
    assert_string_equal(l.v[1].error, "HTTP 401 from Plantly: unauthorized");
    assert_true(l.v[0].time_ms > 0 && l.v[1].time_ms >= l.v[0].time_ms);
    assert_true(llabs(l.v[1].time_ms - now_ms()) < 60000);
    struct stat st;
    assert_int_equal(stat(((struct fixture *)*state)->path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    journal_list_free(&l);
}

/* A crash mid-write left a line without its end: the next line is written
 * on a line of its own, and the torn one is skipped with a note. */
static void test_torn_line(void **state)
{
    struct fixture *f = *state;
    struct journal_entry a = entry("sess_1", "revoke");
    assert_int_equal(journal_append(&a), 0);
    FILE *fp = fopen(f->path, "a");
    fputs("{\"time\":\"2026-12-07T10:00:00.000Z\",\"acti", fp);
    fclose(fp);
    struct journal_entry b = entry("sess_2", "revoke");
    assert_int_equal(journal_append(&b), 0);
    struct journal_list l;
    read_ok(&l);
    assert_int_equal(l.n, 2);
    assert_string_equal(l.v[1].session, "sess_2");
    assert_int_equal(l.n_notes, 1);
    assert_non_null(strstr(l.notes[0], "journal.jsonl:2:"));
    journal_list_free(&l);
    /* and torn at the very end: read, noted, nothing else lost */
    fp = fopen(f->path, "a");
    fputs("{\"time\":\"2026-12-07T10:00:00.000Z\",\"acti", fp);
    fclose(fp);
    read_ok(&l);
    assert_int_equal(l.n, 2);
    assert_int_equal(l.n_notes, 2);
    assert_non_null(strstr(l.notes[1], "cut short"));
    journal_list_free(&l);
}

/* A field longer than a line may hold is cut, at a character, with "..."
 * (one byte over the limit wrote past the end of the copy, found by fuzzing). */
static void test_long_field(void **state)
{
    for (size_t len = JOURNAL_FIELD_MAX - 1; len <= JOURNAL_FIELD_MAX + 3; len++) {
        char *error = xmalloc(len + 1);
        memset(error, 'e', len);
        error[len] = '\0';
        if (len > 2)
            memcpy(error + len - 2, "\xc3\xa9", 2); /* an é at the very end */
        struct journal_entry e = entry("sess_long", "revoke");
        e.error = error;
        assert_int_equal(journal_append(&e), 0);
        free(error);
    }
    struct journal_list l;
    read_ok(&l);
    assert_int_equal(l.n, 5);
    for (size_t i = 0; i < l.n; i++) {
        size_t n = strlen(l.v[i].error);
        assert_true(n <= JOURNAL_FIELD_MAX + 3);
        if (i >= 2) /* past the limit: cut, never inside the é */
            assert_string_equal(l.v[i].error + n - 3, "...");
    }
    /* a time before 1970 is not one sesame writes: skipped, noted */
    struct journal_list bad = {0};
    const char old[] = "{\"time\":\"1013-12-07T10:00:03.123Z\",\"action\":\"revoke\"}\n";
    journal_parse(&bad, old, sizeof old - 1, "j");
    assert_int_equal(bad.n, 0);
    assert_int_equal(bad.n_notes, 1);
    journal_list_free(&bad);
    journal_list_free(&l);
}

static void test_garbage(void **state)
{
    struct journal_list l = {0};
    const char text[] = "not json\n[1,2]\n{\"time\":\"yesterday\",\"action\":\"revoke\"}\n"
                        "{\"time\":\"2026-12-07T10:00:00.000Z\"}\n\n"
                        "{\"time\":\"2026-12-07T10:00:00.500Z\",\"action\":\"token\","
                        "\"error\":\"\\u001b]52;c;evil\\u0007x\"}\n";
    journal_parse(&l, text, sizeof text - 1, "j");
    assert_int_equal(l.n, 1);
    assert_int_equal(l.n_notes, 4);
    assert_string_equal(l.v[0].action, "token");
    assert_null(strchr(l.v[0].error, '\x1b')); /* what is read back is safe for a terminal */
    char *line = journal_entry_text(&l.v[0]);
    assert_null(strchr(line, '\x1b'));
    free(line);
    journal_list_free(&l);
}

static size_t file_size(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 ? (size_t)st.st_size : 0;
}

static void test_rotation(void **state)
{
    struct fixture *f = *state;
    journal_set_limits(600, 2);
    char sid[32];
    for (int i = 0; i < 30; i++) {
        snprintf(sid, sizeof sid, "sess_%02d", i);
        struct journal_entry e = entry(sid, "revoke");
        assert_int_equal(journal_append(&e), 0);
    }
    char *one = xasprintf("%s.1", f->path), *two = xasprintf("%s.2", f->path),
         *three = xasprintf("%s.3", f->path);
    assert_true(file_size(f->path) > 0 && file_size(f->path) <= 600);
    assert_true(file_size(one) > 0 && file_size(one) <= 600);
    assert_true(file_size(two) > 0 && file_size(two) <= 600);
    assert_int_equal(access(three, F_OK), -1); /* the oldest went */
    struct journal_list l;
    read_ok(&l);
    assert_true(l.n > 3 && l.n < 30);
    assert_string_equal(l.v[l.n - 1].session, "sess_29");
    for (size_t i = 1; i < l.n; i++) /* oldest first, none twice */
        assert_true(strcmp(l.v[i - 1].session, l.v[i].session) < 0);
    journal_list_free(&l);
    free(one);
    free(two);
    free(three);
}

/* Processes writing at once (with rotation) never mix their lines, and no
 * line is lost while it is within the kept files. */
static void test_concurrent(void **state)
{
    enum { KIDS = 4, LINES = 100 };
    journal_set_limits(4000, 60);
    pid_t pids[KIDS];
    for (int k = 0; k < KIDS; k++) {
        pids[k] = fork();
        assert_true(pids[k] >= 0);
        if (pids[k] == 0) {
            int bad = 0;
            for (int i = 0; i < LINES; i++) {
                char sid[32];
                snprintf(sid, sizeof sid, "k%d-%03d", k, i);
                struct journal_entry e = entry(sid, "revoke");
                if (journal_append(&e) != 0) {
                    char *why = journal_take_error();
                    fprintf(stderr, "%s\n", why ? why : "?");
                    free(why);
                    bad = 1;
                }
            }
            _exit(bad);
        }
    }
    for (int k = 0; k < KIDS; k++) {
        int status;
        assert_int_equal(waitpid(pids[k], &status, 0), pids[k]);
        assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    }
    struct journal_list l;
    read_ok(&l);
    assert_int_equal(l.n_notes, 0);
    assert_int_equal(l.n, KIDS * LINES);
    int last[KIDS] = {-1, -1, -1, -1};
    for (size_t i = 0; i < l.n; i++) { /* each writer's lines in its order */
        int k, n;
        assert_int_equal(sscanf(l.v[i].session, "k%d-%d", &k, &n), 2);
        assert_int_equal(n, last[k] + 1);
        last[k] = n;
    }
    journal_list_free(&l);
}

static void test_unwritable(void **state)
{
    struct fixture *f = *state;
    assert_int_equal(mkdir(f->dir, 0700), 0);
    assert_int_equal(mkdir(f->path, 0700), 0); /* a directory where the file goes */
    struct journal_entry e = entry("sess_1", "revoke");
    assert_int_equal(journal_append(&e), ERR_CONFIG);
    char *err = journal_take_error();
    assert_non_null(err);
    assert_non_null(strstr(err, "cannot write the journal"));
    free(err);
    assert_null(journal_take_error()); /* said once */
}

static void test_filter(void **state)
{
    struct journal_list l = {0};
    const char text[] =
        "{\"time\":\"2026-12-01T10:00:00.000Z\",\"action\":\"revoke\",\"account\":\"a\","
        "\"account_label\":\"Clerk prod\"}\n"
        "{\"time\":\"2026-12-07T10:00:00.000Z\",\"action\":\"revoke\",\"account\":\"a\","
        "\"account_label\":\"Clerk prod\"}\n"
        "{\"time\":\"2026-12-07T11:00:00.000Z\",\"action\":\"logout\",\"account\":\"b\","
        "\"account_label\":\"Plantly\"}\n";
    journal_parse(&l, text, sizeof text - 1, "j");
    assert_int_equal(l.n, 3);
    int64_t dec6 = 1796515200000; /* 2026-12-06T00:00:00Z */
    journal_filter(&l, dec6, NULL, NULL);
    assert_int_equal(l.n, 2);
    journal_filter(&l, 0, NULL, "clerk PROD");
    assert_int_equal(l.n, 1);
    assert_string_equal(l.v[0].account, "a");
    journal_list_free(&l);
}

/* ---- what an operation's answer makes of a line ---- */

static const struct account clerk_acct = {.id = "clerk-prod", .label = "Clerk prod",
                                    .provider_id = "clerk"};

static void answer(struct op_result *r, const char *id, enum session_status st)
{
    memset(r, 0, sizeof *r);
    struct session *s = session_list_push(&r->sessions);
    s->id = strslab_dup(id);
    s->user_id = strpool_get("user_1");
    s->status = st;
}

static void test_op_entry(void **state)
{
    struct journal_entry e;
    char *text = NULL;
    struct op_args args = {.session_id = "sess_1"};
    struct op_result r;
    answer(&r, "sess_1", SESSION_REVOKED);
    r.request_id = xstrdup("cf-123");
    assert_true(journal_op_entry(&provider_clerk, &clerk_acct, OP_REVOKE, &args, "Ada", 0, NULL, &r,
                                 &e, &text));
    assert_string_equal(e.action, "revoke");
    assert_string_equal(e.result, "ok");
    assert_string_equal(e.status, "revoked");
    assert_string_equal(e.user, "Ada");
    assert_string_equal(e.request_id, "cf-123");
    assert_null(e.error);
    free(text);
    op_result_free(&r);

    /* answered, but not ended: a failure, as the front ends say it */
    answer(&r, "sess_1", SESSION_ACTIVE);
    assert_true(journal_op_entry(&provider_clerk, &clerk_acct, OP_REVOKE, &args, NULL, 0, NULL, &r,
                                 &e, &text));
    assert_string_equal(e.result, "failed");
    assert_string_equal(e.status, "active");
    assert_string_equal(e.user, "user_1");
    assert_non_null(strstr(e.error, "it was not ended"));
    free(text);
    op_result_free(&r);

    /* a log out at a tracked provider; an error */
    const struct account pl = {.id = "plantly", .label = "Plantly", .provider_id = "plantly"};
    memset(&r, 0, sizeof r);
    assert_true(journal_op_entry(&provider_plantly, &pl, OP_REVOKE, &args, NULL, ERR_NETWORK,
                                 "timed out", &r, &e, &text));
    assert_string_equal(e.action, "logout");
    assert_string_equal(e.result, "failed");
    assert_string_equal(e.error, "timed out");
    free(text);

    /* reads are not changes; a check is written only when the login is over */
    assert_false(journal_op_entry(&provider_clerk, &clerk_acct, OP_LIST, &args, NULL, 0, NULL, &r,
                                  &e, &text));
    assert_false(journal_op_entry(&provider_clerk, &clerk_acct, OP_REVOKE, &args, NULL,
                                  ERR_CANCELLED, "cancelled", &r, &e, &text));
    const struct account cb = {.id = "cbrain", .label = "CBRAIN", .provider_id = "cbrain"};
    answer(&r, "sess_1", SESSION_ACTIVE);
    assert_false(journal_op_entry(&provider_cbrain, &cb, OP_INFO, &args, NULL, 0, NULL, &r, &e,
                                  &text));
    op_result_free(&r); /* a check that could not ask: no news of the login */
    assert_false(journal_op_entry(&provider_cbrain, &cb, OP_INFO, &args, NULL, ERR_NETWORK,
                                  "timed out", &r, &e, &text));
    answer(&r, "sess_1", SESSION_ENDED);
    assert_true(journal_op_entry(&provider_cbrain, &cb, OP_INFO, &args, NULL, 0, NULL, &r, &e,
                                 &text));
    assert_string_equal(e.action, "check");
    assert_string_equal(e.status, "ended");
    free(text);
    op_result_free(&r);

    /* a token: which template, never the token */
    struct op_args targs = {.session_id = "sess_1", .template_name = "supabase"};
    memset(&r, 0, sizeof r);
    r.token = xstrdup("eyJhbGciOi.secret.token");
    assert_true(journal_op_entry(&provider_clerk, &clerk_acct, OP_TOKEN, &targs, NULL, 0, NULL, &r,
                                 &e, &text));
    assert_string_equal(e.action, "token");
    assert_string_equal(e.detail, "supabase");
    assert_int_equal(journal_append(&e), 0);
    free(text);
    op_result_free(&r);
    struct fixture *f = *state;
    char *data = NULL;
    size_t len = 0;
    assert_int_equal(file_read_regular(f->path, 1 << 20, &data, &len, NULL), 0);
    assert_null(strstr(data, "eyJhbGciOi"));
    free(data);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_round_trip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_torn_line, setup, teardown),
        cmocka_unit_test_setup_teardown(test_garbage, setup, teardown),
        cmocka_unit_test_setup_teardown(test_long_field, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rotation, setup, teardown),
        cmocka_unit_test_setup_teardown(test_concurrent, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unwritable, setup, teardown),
        cmocka_unit_test_setup_teardown(test_filter, setup, teardown),
        cmocka_unit_test_setup_teardown(test_op_entry, setup, teardown),
    };
    return cmocka_run_group_tests_name("journal", tests, NULL, NULL);
}
