/* budget_shared.c: one account's budget file shared by sesame's processes.
 * Two handles on one file stand for two processes (each has its own open
 * file, so their flocks exclude each other as two processes' do); one test
 * forks a real one. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "budget.h"
#include "budget_shared.h"
#include "util.h"

#define T0 1000000 /* a monotonic clock reading well after boot */

struct fixture {
    char dir[64];
    char path[128]; /* the file of account "acct" */
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    snprintf(f->dir, sizeof f->dir, "%s/sesame-budget.XXXXXX", "/tmp");
    if (!mkdtemp(f->dir))
        return -1;
    snprintf(f->path, sizeof f->path, "%s/acct", f->dir);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    char *cmd = xasprintf("rm -rf '%s'", f->dir);
    int rc = system(cmd);
    free(cmd);
    free(f);
    return rc == 0 ? 0 : -1;
}

static int64_t take(struct budget_shared *s, int limit, int64_t now)
{
    int64_t until;
    return budget_shared_take(s, limit, 10000, now, &until);
}

/* Three takes of a limit of three go, by whichever handle; the fourth
 * waits for the first to leave the window. */
static void test_two_handles_share_the_count(void **state)
{
    struct fixture *f = *state;
    struct budget_shared *a = budget_shared_open(f->dir, "acct");
    struct budget_shared *b = budget_shared_open(f->dir, "acct");
    assert_non_null(a);
    assert_non_null(b);
    assert_int_equal(take(a, 3, T0), 0);
    assert_int_equal(take(b, 3, T0 + 100), 0);
    assert_int_equal(take(a, 3, T0 + 200), 0);
    assert_int_equal(take(b, 3, T0 + 300), 9700); /* T0's send leaves at T0 + 10 s */
    assert_int_equal(take(a, 3, T0 + 300), 9700);
    assert_int_equal(take(b, 3, T0 + 10000), 0);
    /* another account's file is another count */
    struct budget_shared *c = budget_shared_open(f->dir, "other");
    assert_int_equal(take(c, 3, T0 + 10000), 0);
    budget_shared_close(a);
    budget_shared_close(b);
    budget_shared_close(c);
    /* private whatever the umask: the directories made on the way too */
    char *made = xasprintf("%s/made/here", f->dir);
    mode_t old = umask(0);
    c = budget_shared_open(made, "acct");
    umask(old);
    assert_int_equal(take(c, 3, T0), 0);
    budget_shared_close(c);
    struct stat st;
    assert_int_equal(stat(f->path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    assert_int_equal(stat(made, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0700);
    free(made);
    made = xasprintf("%s/made/here/acct", f->dir);
    assert_int_equal(stat(made, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    free(made);
}

/* A 429's block, written by one, is waited out by the other. */
static void test_block_is_everyones(void **state)
{
    struct fixture *f = *state;
    struct budget_shared *a = budget_shared_open(f->dir, "acct");
    struct budget_shared *b = budget_shared_open(f->dir, "acct");
    budget_shared_block(a, T0 + 1500, T0);
    int64_t until = 0;
    assert_int_equal(budget_shared_take(b, 50, 10000, T0 + 500, &until), 1000);
    assert_int_equal(until, T0 + 1500);
    assert_int_equal(budget_shared_take(b, 50, 10000, T0 + 1500, &until), 0);
    budget_shared_close(a);
    budget_shared_close(b);
}

/* Budgets (budget.c) on one file: the count is shared, the halving of a
 * 429 is the refused one's own, its block everyone's. */
static void test_budgets_share_through_the_file(void **state)
{
    struct fixture *f = *state;
    struct rate r = {4, 10000};
    struct budget b1, b2;
    budget_init(&b1, &r, T0);
    budget_init(&b2, &r, T0);
    budget_attach(&b1, budget_shared_open(f->dir, "acct"));
    budget_attach(&b2, budget_shared_open(f->dir, "acct"));
    assert_int_equal(budget_take(&b1, T0), 0);
    assert_int_equal(budget_take(&b1, T0), 0);
    assert_int_equal(budget_take(&b2, T0 + 10), 0);
    assert_int_equal(budget_take(&b2, T0 + 10), 0);
    assert_true(budget_take(&b2, T0 + 20) > 0); /* the old code: b2 had sent only 2 */
    assert_true(budget_take(&b1, T0 + 20) > 0);
    budget_refused(&b1, 2000, T0 + 30);
    assert_int_equal(b1.limit, 2);
    assert_int_equal(b2.limit, 4);
    /* the window is past, the block not: b2 waits for it too */
    assert_int_equal(budget_take(&b2, T0 + 1030), 1000);
    assert_int_equal(b2.blocked_until, T0 + 2030);
    budget_free(&b1);
    budget_free(&b2);
}

/* An unlimited budget (rate_limit=off) never touches the file. */
static void test_unlimited_leaves_the_file_alone(void **state)
{
    struct fixture *f = *state;
    struct rate off = {0, 0};
    struct budget b;
    budget_init(&b, &off, T0);
    budget_attach(&b, budget_shared_open(f->dir, "acct"));
    for (int i = 0; i < 5; i++)
        assert_int_equal(budget_take(&b, T0), 0);
    budget_refused(&b, 1000, T0);
    budget_free(&b);
    struct stat st;
    assert_int_equal(stat(f->path, &st), 0);
    assert_int_equal(st.st_size, 0);
}

static void write_file(const char *path, const void *data, size_t len)
{
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    assert_int_equal(fwrite(data, 1, len, fp), len);
    fclose(fp);
}

static off_t file_size(const char *path)
{
    struct stat st;
    assert_int_equal(lstat(path, &st), 0);
    return st.st_size;
}

/* Garbage of the right size, a file cut short, a header that says more
 * than the ring holds, times from a later boot: reset, no crash. */
static void test_damaged_file_is_reset(void **state)
{
    struct fixture *f = *state;
    struct budget_shared *a = budget_shared_open(f->dir, "acct");
    assert_int_equal(take(a, 1, T0), 0);
    off_t size = file_size(f->path);
    assert_true(size > 8 * BUDGET_MAX_SLOTS);

    char *junk = malloc((size_t)size);
    memset(junk, 0xA5, (size_t)size);
    write_file(f->path, junk, (size_t)size); /* the same inode: a's fd sees it */
    assert_int_equal(take(a, 1, T0 + 1), 0); /* forgotten: the junk is no send */
    assert_true(take(a, 1, T0 + 2) > 0);     /* and the reset file counts again */

    write_file(f->path, "short", 5);
    assert_int_equal(take(a, 1, T0 + 3), 0);
    assert_int_equal(file_size(f->path), size);

    /* a good header whose n is beyond the ring */
    int fd = open(f->path, O_RDWR);
    uint32_t n = 0xFFFFFFF0u;
    assert_int_equal(pwrite(fd, &n, 4, 16), 4);
    assert_int_equal(take(a, 1, T0 + 4), 0);
    /* a send far in the future (the state dir outlived a reboot) */
    int64_t later = T0 + 3600 * 1000;
    assert_int_equal(pwrite(fd, &later, 8, 32), 8);
    assert_int_equal(take(a, 1, T0 + 5), 0);
    close(fd);
    free(junk);
    budget_shared_close(a);
}

/* Not a regular file at the path: a symlink is replaced, never followed
 * (its target stays as it was); a FIFO is replaced without a hang; a
 * directory cannot be, and gives no shared budget: the local one applies. */
static void test_strange_files_in_its_place(void **state)
{
    struct fixture *f = *state;
    char *target = xasprintf("%s/target", f->dir);
    write_file(target, "keep", 4);
    assert_int_equal(symlink(target, f->path), 0);
    struct budget_shared *a = budget_shared_open(f->dir, "acct");
    assert_non_null(a);
    assert_int_equal(take(a, 1, T0), 0);
    assert_int_equal(file_size(target), 4);
    struct stat st;
    assert_int_equal(lstat(f->path, &st), 0);
    assert_true(S_ISREG(st.st_mode));
    budget_shared_close(a);

    assert_int_equal(unlink(f->path), 0);
    assert_int_equal(mkfifo(f->path, 0600), 0);
    a = budget_shared_open(f->dir, "acct");
    assert_non_null(a);
    assert_int_equal(take(a, 1, T0), 0);
    budget_shared_close(a);

    assert_int_equal(unlink(f->path), 0);
    assert_int_equal(mkdir(f->path, 0700), 0);
    assert_null(budget_shared_open(f->dir, "acct"));
    struct rate r = {1, 10000};
    struct budget b;
    budget_init(&b, &r, T0);
    budget_attach(&b, budget_shared_open(f->dir, "acct"));
    assert_null(b.shared);
    assert_int_equal(budget_take(&b, T0), 0);
    assert_true(budget_take(&b, T0) > 0);
    budget_free(&b);
    free(target);
}

/* An id that is no file name ('/', "..") makes one inside the directory. */
static void test_id_that_is_no_file_name(void **state)
{
    struct fixture *f = *state;
    struct budget_shared *a = budget_shared_open(f->dir, "../escape");
    struct budget_shared *b = budget_shared_open(f->dir, "../escape");
    assert_non_null(a);
    assert_int_equal(take(a, 1, T0), 0);
    assert_true(take(b, 1, T0) > 0);
    char *outside = xasprintf("%s/../escape", f->dir);
    assert_int_equal(access(outside, F_OK), -1);
    free(outside);
    assert_null(budget_shared_open(f->dir, ""));
    budget_shared_close(a);
    budget_shared_close(b);
}

/* The file removed under a running dashboard (the runtime directory
 * cleaned): it shares the new one with the processes started since. */
static void test_removed_file_is_made_again(void **state)
{
    struct fixture *f = *state;
    struct budget_shared *a = budget_shared_open(f->dir, "acct");
    assert_int_equal(take(a, 2, T0), 0);
    char *cmd = xasprintf("rm -rf '%s'", f->dir);
    assert_int_equal(system(cmd), 0);
    free(cmd);
    struct budget_shared *b = budget_shared_open(f->dir, "acct");
    assert_non_null(b);
    assert_int_equal(take(b, 2, T0), 0);
    assert_int_equal(take(a, 2, T0), 0);
    assert_true(take(b, 2, T0) > 0); /* a's second send is in the new file */
    budget_shared_close(a);
    budget_shared_close(b);
}

/* A lock nobody lets go of (a stopped process, a stranger's flock): the
 * take gives up (the caller's budget decides) within a fraction of a
 * second, and the file is left alone for a while, not waited on again. */
static void test_stuck_lock_is_no_hang(void **state)
{
    struct fixture *f = *state;
    struct budget_shared *a = budget_shared_open(f->dir, "acct");
    int holder = open(f->path, O_RDWR);
    assert_int_equal(flock(holder, LOCK_EX), 0);
    int64_t t = mono_ms();
    assert_int_equal(take(a, 5, T0), -1);
    assert_true(mono_ms() - t < 2000);
    t = mono_ms();
    assert_int_equal(take(a, 5, T0 + 10), -1);
    assert_true(mono_ms() - t < 50);
    struct rate r = {2, 10000};
    struct budget b;
    budget_init(&b, &r, T0);
    budget_attach(&b, a);
    assert_int_equal(budget_take(&b, T0 + 20), 0);
    assert_int_equal(budget_take(&b, T0 + 20), 0);
    assert_true(budget_take(&b, T0 + 20) > 0); /* its own budget still holds */
    close(holder);
    assert_int_equal(budget_take(&b, T0 + 10020), 0); /* back on the file after a while */
    budget_free(&b);
    struct budget_shared *c = budget_shared_open(f->dir, "acct");
    assert_int_equal(take(c, 1, T0 + 10020), 10000);
    budget_shared_close(c);
}

/* A real second process: the child's sends count in the parent's window. */
static void test_another_process_sends(void **state)
{
    struct fixture *f = *state;
    enum { N = 7 };
    int64_t now = mono_ms();
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        struct budget_shared *c = budget_shared_open(f->dir, "acct");
        int bad = !c;
        for (int i = 0; c && i < N; i++)
            bad |= take(c, N, now) != 0;
        _exit(bad);
    }
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    struct budget_shared *p = budget_shared_open(f->dir, "acct");
    assert_true(take(p, N, now) > 0);
    assert_int_equal(take(p, N + 1, now), 0);
    budget_shared_close(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_two_handles_share_the_count, setup, teardown),
        cmocka_unit_test_setup_teardown(test_block_is_everyones, setup, teardown),
        cmocka_unit_test_setup_teardown(test_budgets_share_through_the_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unlimited_leaves_the_file_alone, setup, teardown),
        cmocka_unit_test_setup_teardown(test_damaged_file_is_reset, setup, teardown),
        cmocka_unit_test_setup_teardown(test_strange_files_in_its_place, setup, teardown),
        cmocka_unit_test_setup_teardown(test_id_that_is_no_file_name, setup, teardown),
        cmocka_unit_test_setup_teardown(test_removed_file_is_made_again, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stuck_lock_is_no_hang, setup, teardown),
        cmocka_unit_test_setup_teardown(test_another_process_sends, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
