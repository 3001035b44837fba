/* util.c: the sanitiser that guards the terminal, previews, durations. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <time.h>

#include "util.h"

static void check_sanitize(const char *in, const char *want)
{
    char *out = sanitize_text(in);
    assert_string_equal(out, want);
    free(out);
}

static void test_sanitize_keeps_plain_and_utf8(void **state)
{
    check_sanitize("hello", "hello");
    check_sanitize("Zoë Straße 東京 🙂", "Zoë Straße 東京 🙂");
    check_sanitize(NULL, "");
}

static void test_sanitize_strips_escapes(void **state)
{
    check_sanitize("a\x1b[2Jb", "ab");                      /* CSI */
    check_sanitize("x\x1b]52;c;aGVsbG8=\x07y", "xy");       /* OSC 52 with BEL */
    check_sanitize("x\x1b]0;title\x1b\\y", "xy");          /* OSC with ST */
    check_sanitize("x\x1bPq#0;2;0;0;0\x1b\\y", "xy");      /* DCS (sixel) */
    check_sanitize("a\x1b", "a");                          /* lone ESC at end */
    check_sanitize("a\x1b[31", "a");                        /* unterminated CSI */
}

static void test_sanitize_controls_and_c1(void **state)
{
    check_sanitize("a\tb\nc\rd", "a b c d");
    check_sanitize("a\x07\x08\x7f" "b", "ab");
    /* U+009B is a one-byte CSI on some terminals: replaced */
    check_sanitize("a\xc2\x9b" "31mb", "a\xef\xbf\xbd\xef\xbf\xbd" "31mb");
}

static void test_sanitize_invalid_utf8(void **state)
{
    check_sanitize("a\xff" "b", "a\xef\xbf\xbd" "b");
    check_sanitize("\xc0\xaf", "\xef\xbf\xbd\xef\xbf\xbd");   /* overlong */
    check_sanitize("\xed\xa0\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"); /* surrogate */
    check_sanitize("\xe6\x9d", "\xef\xbf\xbd\xef\xbf\xbd");   /* truncated */
}

static void test_text_shown_cuts_what_a_person_pasted(void **state)
{
    (void)state;
    char *t = text_shown("7d");
    assert_string_equal(t, "7d");
    free(t);
    char big[100001];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    t = text_shown(big);
    assert_int_equal(strlen(t), 63);
    assert_string_equal(t + 60, "...");
    free(t);
    /* characters, not bytes: never half of one; and sanitised */
    char wide[400] = "";
    for (int i = 0; i < 70; i++)
        strcat(wide, "\xc3\xa9");
    t = text_shown(wide);
    assert_int_equal(strlen(t), 123);
    free(t);
    t = text_shown("a\x1b[31mb");
    assert_null(strchr(t, '\x1b'));
    free(t);
    t = text_shown(NULL);
    assert_string_equal(t, "");
    free(t);
}

static void test_escape_preview(void **state)
{
    char *p = escape_preview("<html>\n\x1b", 8, 60);
    assert_string_equal(p, "<html>\\n\\x1b");
    free(p);
    p = escape_preview("abcdef", 6, 3);
    assert_string_equal(p, "abc...");
    free(p);
}

static void test_format_duration(void **state)
{
    char b[32];
    format_duration(0, b, sizeof b);
    assert_string_equal(b, "expired");
    format_duration(65 * 1000, b, sizeof b);
    assert_string_equal(b, "1m 05s");
    format_duration((2 * 3600 + 3 * 60) * 1000LL, b, sizeof b);
    assert_string_equal(b, "2h 03m");
    format_duration((3 * 86400 + 4 * 3600) * 1000LL, b, sizeof b);
    assert_string_equal(b, "3d 04h");
}

static void test_wipe_free_null(void **state)
{
    wipe_free(NULL);
    char *s = xstrdup("secret");
    wipe_free(s);
}

static void check_quote(const char *in, const char *want)
{
    char *out = shell_quote(in);
    assert_string_equal(out, want);
    free(out);
}

static void test_shell_quote(void **state)
{
    check_quote("clerk-prod", "clerk-prod");
    check_quote("a.b_c/D-9", "a.b_c/D-9");
    check_quote("Basis Theory", "'Basis Theory'");
    check_quote("Bob's", "'Bob'\\''s'");
    check_quote("$(rm -rf ~)", "'$(rm -rf ~)'");
    check_quote("id:x", "id:x");
    check_quote("id:x y", "'id:x y'");
    check_quote("", "''");
    check_quote(NULL, "''");
    check_quote("Zoë", "'Zoë'");
    /* control characters never reach the terminal */
    check_quote("ev\x1b]0;pwned\x07il\nx", "'evil x'");
}

static void check_trim(const char *in, const char *want)
{
    char *out = text_trim(in);
    assert_string_equal(out, want);
    free(out);
}

static void test_text_trim(void **state)
{
    check_trim(" 1h", "1h");
    check_trim("\t a b \r\n", "a b");
    check_trim("\xc2\xa0x\xe3\x80\x80", "x"); /* U+00A0, U+3000 */
    check_trim("   ", "");
    check_trim("", "");
    check_trim(NULL, "");
    check_trim(" \xff ", "\xff");               /* not UTF-8: ASCII spaces only */
    check_trim("caf\xc3\xa9", "caf\xc3\xa9");
}

/* A FIFO, a directory, a device (or a link to one) in a config file's
 * place: refused at once, never opened for a read that would wait. */
static void test_read_regular(void **state)
{
    char dir[] = "/tmp/sesame-util.XXXXXX";
    assert_non_null(mkdtemp(dir));
    char *file = xasprintf("%s/file", dir), *fifo = xasprintf("%s/fifo", dir);
    char *link = xasprintf("%s/link", dir), *dev = xasprintf("%s/dev", dir);
    char *missing = xasprintf("%s/missing", dir);
    FILE *f = fopen(file, "w");
    fputs("hello", f);
    fclose(f);
    assert_int_equal(mkfifo(fifo, 0600), 0);
    assert_int_equal(symlink(fifo, link), 0);
    assert_int_equal(symlink("/dev/zero", dev), 0);
    char *data = NULL, *err = NULL;
    size_t len = 0;
    assert_int_equal(file_read_regular(file, 100, &data, &len, &err), 0);
    assert_string_equal(data, "hello");
    assert_int_equal(len, 5);
    free(data);
    assert_int_equal(file_read_regular(missing, 100, &data, &len, &err), ENOENT);
    assert_null(data);
    assert_null(err);
    const char *refused[] = {fifo, link, dev, dir};
    for (size_t i = 0; i < ARRAY_LEN(refused); i++) {
        assert_int_not_equal(file_read_regular(refused[i], 100, &data, &len, &err), 0);
        assert_null(data);
        assert_non_null(strstr(err, refused[i]));
        assert_non_null(strstr(err, "not a regular file"));
        free(err);
        err = NULL;
    }
    assert_int_equal(file_read_regular(file, 3, &data, &len, &err), EFBIG);
    assert_non_null(strstr(err, "too large"));
    free(err);
    unlink(file);
    unlink(fifo);
    unlink(link);
    unlink(dev);
    rmdir(dir);
    free(file);
    free(fifo);
    free(link);
    free(dev);
    free(missing);
}

/* A FIFO is refused without being opened: an open would release a writer
 * waiting on it (and a device's open may act). */
static void test_read_regular_never_opens(void **state)
{
    char dir[] = "/tmp/sesame-util.XXXXXX";
    assert_non_null(mkdtemp(dir));
    char *fifo = xasprintf("%s/fifo", dir);
    assert_int_equal(mkfifo(fifo, 0600), 0);
    pid_t writer = fork();
    assert_true(writer >= 0);
    if (writer == 0) /* waits in open() until a reader opens the FIFO */
        _exit(open(fifo, O_WRONLY) >= 0 ? 0 : 1);
    usleep(200 * 1000); /* the writer is waiting by now */
    char *data = NULL, *err = NULL;
    size_t len = 0;
    assert_int_equal(file_read_regular(fifo, 100, &data, &len, &err), EINVAL);
    assert_non_null(strstr(err, "not a regular file (a FIFO)"));
    free(err);
    usleep(300 * 1000);
    int status = 0;
    bool released = waitpid(writer, &status, WNOHANG) == writer;
    /* let the writer go */
    int fd = open(fifo, O_RDONLY | O_NONBLOCK);
    if (!released)
        waitpid(writer, &status, 0);
    if (fd >= 0)
        close(fd);
    unlink(fifo);
    rmdir(dir);
    free(fifo);
    assert_false(released);
}

/* format_tm puts down what strftime would, for every four-digit year. */
static void test_format_tm_as_strftime(void **state)
{
    static const int64_t times[] = {0, 1, 59, 86399, 951782400 /* 2000-02-29 */,
                                    1700000000, 253402300799 /* 9999-12-31 23:59:59 */,
                                    -30610224000 /* 1000-01-01 */};
    for (size_t i = 0; i < sizeof times / sizeof times[0]; i++) {
        time_t t = (time_t)times[i];
        struct tm tm;
        gmtime_r(&t, &tm);
        char mine[32], theirs[32];
        assert_true(format_tm(&tm, 'T', true, mine));
        strftime(theirs, sizeof theirs, "%Y-%m-%dT%H:%M:%S", &tm);
        assert_string_equal(mine, theirs);
        assert_true(format_tm(&tm, ' ', false, mine));
        strftime(theirs, sizeof theirs, "%Y-%m-%d %H:%M", &tm);
        assert_string_equal(mine, theirs);
    }
    struct tm tm = {0};
    char buf[32] = "untouched";
    tm.tm_year = 999 - 1900;
    assert_false(format_tm(&tm, ' ', false, buf));
    tm.tm_year = 10000 - 1900;
    assert_false(format_tm(&tm, ' ', false, buf));
    assert_string_equal(buf, "untouched");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sanitize_keeps_plain_and_utf8),
        cmocka_unit_test(test_sanitize_strips_escapes),
        cmocka_unit_test(test_sanitize_controls_and_c1),
        cmocka_unit_test(test_sanitize_invalid_utf8),
        cmocka_unit_test(test_escape_preview),
        cmocka_unit_test(test_text_shown_cuts_what_a_person_pasted),
        cmocka_unit_test(test_shell_quote),
        cmocka_unit_test(test_text_trim),
        cmocka_unit_test(test_read_regular),
        cmocka_unit_test(test_read_regular_never_opens),
        cmocka_unit_test(test_format_duration),
        cmocka_unit_test(test_format_tm_as_strftime),
        cmocka_unit_test(test_wipe_free_null),
    };
    return cmocka_run_group_tests_name("util", tests, NULL, NULL);
}
