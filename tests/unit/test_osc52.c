/* osc52.c: base64 as RFC 4648 has it (its test vectors, every byte value,
 * lengths around the padding), the OSC 52 framing, the size limit, and the
 * write to a file descriptor. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <glib.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "actions.h"
#include "util.h"

static void b64(const char *in, const char *want)
{
    char *out = base64_encode(in, strlen(in));
    assert_string_equal(out, want);
    free(out);
}

static void test_rfc4648_vectors(void **state)
{
    b64("", "");
    b64("f", "Zg==");
    b64("fo", "Zm8=");
    b64("foo", "Zm9v");
    b64("foob", "Zm9vYg==");
    b64("fooba", "Zm9vYmE=");
    b64("foobar", "Zm9vYmFy");
}

/* Every byte value and every length up to 300 against GLib's encoder. */
static void test_against_glib(void **state)
{
    unsigned char buf[300];
    for (size_t i = 0; i < sizeof buf; i++)
        buf[i] = (unsigned char)(i * 7 + 3);
    for (size_t n = 0; n <= sizeof buf; n++) {
        char *ours = base64_encode(buf, n);
        gchar *theirs = g_base64_encode(buf, n);
        assert_string_equal(ours, theirs);
        free(ours);
        g_free(theirs);
    }
    unsigned char all[256];
    for (int i = 0; i < 256; i++)
        all[i] = (unsigned char)i;
    char *ours = base64_encode(all, sizeof all);
    gchar *theirs = g_base64_encode(all, sizeof all);
    assert_string_equal(ours, theirs);
    free(ours);
    g_free(theirs);
}

static void test_sequence(void **state)
{
    const char *id = "sess_2e6KImnSn0qsMxolu2WZjIhEMZh";
    char *seq = osc52_sequence(id, strlen(id));
    char *b = base64_encode(id, strlen(id));
    char *want = xasprintf("\033]52;c;%s\a", b);
    assert_string_equal(seq, want);
    free(seq);
    free(b);
    free(want);
    /* UTF-8 goes as its bytes */
    seq = osc52_sequence("研究所 ü", strlen("研究所 ü"));
    assert_string_equal(seq, "\033]52;c;56CU56m25omAIMO8\a");
    free(seq);
    /* nothing inside can end the sequence early: only base64 characters */
    const char evil[] = "\a\033\\\x9c\033]52;c;AAAA\a";
    seq = osc52_sequence(evil, sizeof evil - 1);
    size_t n = strlen(seq);
    assert_int_equal(seq[n - 1], '\a');
    for (size_t i = 7; i < n - 1; i++)
        assert_non_null(strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=",
                               seq[i]));
    free(seq);
}

static void test_limit(void **state)
{
    char *big = xmalloc(OSC52_MAX + 1);
    memset(big, 'a', OSC52_MAX + 1);
    char *seq = osc52_sequence(big, OSC52_MAX);
    assert_non_null(seq);
    assert_true(strlen(seq) < 100000);
    free(seq);
    assert_null(osc52_sequence(big, OSC52_MAX + 1));
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    assert_int_equal(osc52_write(fds[1], big, OSC52_MAX + 1), -1);
    close(fds[0]);
    close(fds[1]);
    free(big);
}

static void test_write(void **state)
{
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    assert_int_equal(osc52_write(fds[1], "eyJhbGciOi.x.y", 14), 0);
    close(fds[1]);
    char buf[128];
    ssize_t n = read(fds[0], buf, sizeof buf - 1);
    assert_true(n > 0);
    buf[n] = '\0';
    assert_string_equal(buf, "\033]52;c;ZXlKaGJHY2lPaS54Lnk=\a");
    close(fds[0]);
    /* a closed terminal is an error, not a crash */
    assert_int_equal(pipe(fds), 0);
    close(fds[0]);
    signal(SIGPIPE, SIG_IGN);
    assert_int_equal(osc52_write(fds[1], "x", 1), -1);
    close(fds[1]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rfc4648_vectors),
        cmocka_unit_test(test_against_glib),
        cmocka_unit_test(test_sequence),
        cmocka_unit_test(test_limit),
        cmocka_unit_test(test_write),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
