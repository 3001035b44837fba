/* history.c: the command line's history: newest last, no repeats (a command
 * run again moves to the end), at most HISTORY_MAX, blank and damaged lines
 * left out, and a round trip through its file (written atomically, 0600). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "history.h"
#include "util.h"

static void test_add(void **state)
{
    struct history h = {0};
    history_add(&h, "sort created");
    history_add(&h, "view active");
    history_add(&h, "");
    history_add(&h, "   ");
    history_add(&h, "bad\x1b[31m");
    history_add(&h, "sort created"); /* again: moves to the end */
    assert_int_equal(h.n, 2);
    assert_string_equal(h.v[0], "view active");
    assert_string_equal(h.v[1], "sort created");
    for (int i = 0; i < HISTORY_MAX + 10; i++) {
        char line[32];
        snprintf(line, sizeof line, "filter user:%d", i);
        history_add(&h, line);
    }
    assert_int_equal(h.n, HISTORY_MAX);
    assert_string_equal(h.v[HISTORY_MAX - 1], "filter user:209");
    assert_string_equal(h.v[0], "filter user:10"); /* the oldest went */
    history_free(&h);
}

static void test_file(void **state)
{
    char dir[] = "/tmp/sesame-history-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char *path = xasprintf("%s/" HISTORY_FILE, dir), *err = NULL;
    struct history h = {0};
    assert_int_equal(history_load(&h, path, &err), 0); /* none yet */
    assert_null(err);
    assert_int_equal(h.n, 0);
    history_add(&h, "theme light");
    history_add(&h, "export! /tmp/x.csv");
    assert_int_equal(history_save(&h, path, &err), 0);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    struct history back = {0};
    assert_int_equal(history_load(&back, path, &err), 0);
    assert_int_equal(back.n, 2);
    assert_string_equal(back.v[1], "export! /tmp/x.csv");
    history_free(&back);
    /* a damaged file gives what it can */
    history_parse(&back, "sort ip\n\n\x01\x02junk\nview all\r\n");
    assert_int_equal(back.n, 2);
    assert_string_equal(back.v[1], "view all");
    history_free(&back);
    history_free(&h);
    unlink(path);
    char *lock = xasprintf("%s/.lock", dir);
    unlink(lock);
    free(lock);
    rmdir(dir);
    free(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_add),
        cmocka_unit_test(test_file),
    };
    return cmocka_run_group_tests_name("history", tests, NULL, NULL);
}
