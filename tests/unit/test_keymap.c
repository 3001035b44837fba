/* keymap.c: the action table, key names both ways, the default keymap and
 * `bind KEY ACTION` lines with their errors. No terminal needed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "keymap.h"
#include "textfile.h"
#include "util.h"

static void test_action_table(void **state)
{
    assert_string_equal(action_name(ACT_NONE), "none");
    for (int a = 1; a < ACT_COUNT; a++) {
        const char *name = action_name((enum action)a);
        assert_non_null(name);
        assert_true(strlen(action_help((enum action)a)) > 0);
        assert_int_equal(action_parse(name), a);
        for (int b = 0; b < a; b++)
            assert_string_not_equal(name, action_name((enum action)b));
        for (const char *c = name; *c; c++)
            assert_true((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '-');
    }
    assert_int_equal(action_parse("frobnicate"), ACT_NONE);
    assert_int_equal(action_parse("quit"), ACT_QUIT);
    assert_int_equal(action_parse("refresh-all"), ACT_REFRESH_ALL);
}

static void test_defaults(void **state)
{
    struct keymap km;
    keymap_init(&km);
    /* every default key parses and none is claimed by two actions */
    size_t words_total = 0;
    for (int a = 1; a < ACT_COUNT; a++) {
        char *keys = xstrdup(action_default_keys((enum action)a)), *w[8];
        size_t n = textfile_split(keys, w, 8);
        assert_true(n <= 8);
        for (size_t i = 0; i < n; i++) {
            keycode k = keycode_parse(w[i]);
            assert_int_not_equal(k, 0);
            assert_int_equal(keymap_lookup(&km, k), a);
        }
        words_total += n;
        free(keys);
    }
    assert_int_equal(km.n, words_total);
    /* the keys the issue names */
    assert_int_equal(keymap_lookup(&km, 'j'), ACT_MOVE_DOWN);
    assert_int_equal(keymap_lookup(&km, 'k'), ACT_MOVE_UP);
    assert_int_equal(keymap_lookup(&km, KEY_FN(KEY_DOWN)), ACT_MOVE_DOWN);
    assert_int_equal(keymap_lookup(&km, KEY_FN(KEY_NPAGE)), ACT_PAGE_DOWN);
    assert_int_equal(keymap_lookup(&km, KEY_FN(KEY_PPAGE)), ACT_PAGE_UP);
    assert_int_equal(keymap_lookup(&km, 'g'), ACT_FIRST);
    assert_int_equal(keymap_lookup(&km, 'G'), ACT_LAST);
    assert_int_equal(keymap_lookup(&km, '\t'), ACT_NEXT_PANE);
    assert_int_equal(keymap_lookup(&km, '/'), ACT_FILTER);
    assert_int_equal(keymap_lookup(&km, 's'), ACT_SORT);
    assert_int_equal(keymap_lookup(&km, 'S'), ACT_SORT_REVERSE);
    assert_int_equal(keymap_lookup(&km, 'r'), ACT_REFRESH);
    assert_int_equal(keymap_lookup(&km, 'R'), ACT_REFRESH_ALL);
    assert_int_equal(keymap_lookup(&km, 'x'), ACT_REVOKE);
    assert_int_equal(keymap_lookup(&km, ' '), ACT_MARK);
    assert_int_equal(keymap_lookup(&km, 'n'), ACT_CREATE);
    assert_int_equal(keymap_lookup(&km, 'o'), ACT_OPEN_URL);
    assert_int_equal(keymap_lookup(&km, 'O'), ACT_SHOW_URL);
    assert_int_equal(keymap_lookup(&km, 'y'), ACT_COPY);
    assert_int_equal(keymap_lookup(&km, 't'), ACT_TOKEN);
    assert_int_equal(keymap_lookup(&km, 'a'), ACT_ACCOUNT_ADD);
    assert_int_equal(keymap_lookup(&km, 'e'), ACT_ACCOUNT_EDIT);
    assert_int_equal(keymap_lookup(&km, 'D'), ACT_ACCOUNT_DEL);
    assert_int_equal(keymap_lookup(&km, '\n'), ACT_DETAILS);
    assert_int_equal(keymap_lookup(&km, '?'), ACT_HELP);
    assert_int_equal(keymap_lookup(&km, 'q'), ACT_QUIT);
    assert_int_equal(keymap_lookup(&km, 'Z'), ACT_NONE);
}

static void check_key(const char *name, keycode want, const char *canonical)
{
    keycode k = keycode_parse(name);
    assert_int_equal(k, want);
    char buf[32];
    assert_string_equal(keycode_name(k, buf, sizeof buf), canonical);
    assert_int_equal(keycode_parse(buf), want); /* the name parses back */
}

static void test_key_names(void **state)
{
    check_key("j", 'j', "j");
    check_key("^R", 18, "^R");
    check_key("^r", 18, "^R");
    check_key("<Enter>", '\n', "<Enter>");
    check_key("<enter>", '\n', "<Enter>");
    check_key("<Return>", '\n', "<Enter>");
    check_key("^M", '\n', "<Enter>");
    check_key("<Tab>", '\t', "<Tab>");
    check_key("<BackTab>", KEY_FN(KEY_BTAB), "<BackTab>");
    check_key("<Esc>", 27, "<Esc>");
    check_key("^[", 27, "<Esc>");
    check_key("<Space>", ' ', "<Space>");
    check_key("<Hash>", '#', "<Hash>");
    check_key("#", '#', "<Hash>");
    check_key("<Lt>", '<', "<");
    check_key("<", '<', "<");
    check_key(">", '>', ">");
    check_key("^", '^', "^");
    check_key("<Up>", KEY_FN(KEY_UP), "<Up>");
    check_key("<Down>", KEY_FN(KEY_DOWN), "<Down>");
    check_key("<PgUp>", KEY_FN(KEY_PPAGE), "<PgUp>");
    check_key("<PageDown>", KEY_FN(KEY_NPAGE), "<PgDn>");
    check_key("<PgDn>", KEY_FN(KEY_NPAGE), "<PgDn>");
    check_key("<Home>", KEY_FN(KEY_HOME), "<Home>");
    check_key("<End>", KEY_FN(KEY_END), "<End>");
    check_key("<Del>", KEY_FN(KEY_DC), "<Del>");
    check_key("<Backspace>", KEY_FN(KEY_BACKSPACE), "<Backspace>");
    check_key("^?", KEY_FN(KEY_BACKSPACE), "<Backspace>");
    check_key("<F1>", KEY_FN(KEY_F(1)), "<F1>");
    check_key("<F5>", KEY_FN(KEY_F(5)), "<F5>");
    check_key("<f12>", KEY_FN(KEY_F(12)), "<F12>");
    check_key("ö", 0xf6, "ö");
    check_key("日", 0x65e5, "日");
    check_key("^A", 1, "^A");
    /* not keys */
    const char *bad[] = {"", "jk", "<>", "<Foo>", "<F0>", "<F25>", "<F1x>", "^1", "^ab",
                         "\x01", "\xff", "\xc3", "<Up", "Up>"};
    for (size_t i = 0; i < ARRAY_LEN(bad); i++)
        assert_int_equal(keycode_parse(bad[i]), 0);
}

static void test_from_curses(void **state)
{
    assert_int_equal(keycode_from_curses(false, '\r'), '\n');
    assert_int_equal(keycode_from_curses(false, '\n'), '\n');
    assert_int_equal(keycode_from_curses(true, KEY_ENTER), '\n');
    assert_int_equal(keycode_from_curses(false, 127), KEY_FN(KEY_BACKSPACE));
    assert_int_equal(keycode_from_curses(false, 8), KEY_FN(KEY_BACKSPACE));
    assert_int_equal(keycode_from_curses(true, KEY_BACKSPACE), KEY_FN(KEY_BACKSPACE));
    assert_int_equal(keycode_from_curses(true, KEY_UP), KEY_FN(KEY_UP));
    assert_int_equal(keycode_from_curses(false, 'q'), 'q');
    /* a character whose number is a KEY_* code stays a character */
    assert_int_equal(keycode_from_curses(false, KEY_UP), KEY_UP);
    assert_int_not_equal(keycode_from_curses(false, KEY_UP), keycode_from_curses(true, KEY_UP));
}

static void test_bind(void **state)
{
    struct keymap km;
    keymap_init(&km);
    char *err = NULL;
    /* rebind a key to another action */
    assert_int_equal(keymap_bind_line(&km, "bind q help", "f", 1, &err), 0);
    assert_int_equal(keymap_lookup(&km, 'q'), ACT_HELP);
    /* a new key, with a comment and odd spacing */
    assert_int_equal(keymap_bind_line(&km, "  bind\t^Q   quit  # leave", "f", 2, &err), 0);
    assert_int_equal(keymap_lookup(&km, KEY_CTRL('Q')), ACT_QUIT);
    /* unbind */
    assert_int_equal(keymap_bind_line(&km, "bind <F5> none", "f", 3, &err), 0);
    assert_int_equal(keymap_lookup(&km, KEY_FN(KEY_F(5))), ACT_NONE);
    char buf[64];
    assert_string_equal(keymap_keys_text(&km, ACT_REFRESH_ALL, buf, sizeof buf), "R");
    assert_string_equal(keymap_keys_text(&km, ACT_QUIT, buf, sizeof buf), "^Q");
    assert_string_equal(keymap_keys_text(&km, ACT_HELP, buf, sizeof buf), "? <F1> q");
    /* a character and the KEY_* code with the same number are different keys */
    assert_int_equal(keymap_bind_line(&km, "bind \xc4\x83 mark", "f", 4, &err), 0); /* U+0103 */
    assert_int_equal(keymap_lookup(&km, 0x103), ACT_MARK);
    assert_int_equal(keymap_lookup(&km, KEY_FN(KEY_UP)), ACT_MOVE_UP);
    assert_int_equal(keymap_bind_line(&km, "bind <Hash> sort", "f", 5, &err), 0);
    assert_int_equal(keymap_lookup(&km, '#'), ACT_SORT);
    keycode keys[4];
    assert_int_equal(keymap_keys(&km, ACT_MOVE_UP, keys, 4), 2);
    assert_int_equal(keys[0], 'k');
    assert_int_equal(keys[1], KEY_FN(KEY_UP));
}

static void check_bind_error(const char *line, const char *want)
{
    struct keymap km;
    keymap_init(&km);
    char *err = NULL;
    assert_int_equal(keymap_bind_line(&km, line, "/home/u/sesame.conf", 7, &err), -1);
    assert_non_null(err);
    assert_string_equal(err, want);
    free(err);
}

static void test_bind_errors(void **state)
{
    check_bind_error("bind q", "/home/u/sesame.conf:7: expected 'bind KEY ACTION'");
    check_bind_error("bind q quit now", "/home/u/sesame.conf:7: expected 'bind KEY ACTION'");
    check_bind_error("bind", "/home/u/sesame.conf:7: expected 'bind KEY ACTION'");
    check_bind_error("bind <Foo> quit", "/home/u/sesame.conf:7: unknown key '<Foo>' (e.g. j, "
                                        "^R, <Enter>, <F5>, <Space>)");
    check_bind_error("bind q leave", "/home/u/sesame.conf:7: unknown action 'leave' (see the "
                                     "help screen, ?)");
    /* '#' starts a comment: "bind # quit" lacks its key */
    check_bind_error("bind # quit", "/home/u/sesame.conf:7: expected 'bind KEY ACTION'");
}

static void test_full(void **state)
{
    struct keymap km;
    keymap_init(&km);
    size_t base = km.n;
    for (uint32_t c = 0x4e00; km.n < KEYMAP_MAX; c++)
        assert_int_equal(keymap_bind(&km, c, ACT_MARK), 0);
    assert_int_equal(keymap_bind(&km, 0x9fff, ACT_MARK), -1);
    assert_true(km.n > base);
    /* rebinding a bound key still works when full */
    assert_int_equal(keymap_bind(&km, 'q', ACT_HELP), 0);
    char *err = NULL;
    assert_int_equal(keymap_bind_line(&km, "bind \xe9\xbf\xbf quit", "f", 1, &err), -1);
    assert_string_equal(err, "f:1: too many key bindings");
    free(err);
}

/* ---- regressions found by fuzzing (tests/fuzz/regress/keymap) ---- */

/* A key that is a C1 control, a surrogate or an overlong form is not a key:
 * its name would be drawn as is in the help overlay. */
static void test_fuzz_unsafe_keys_refused(void **state)
{
    assert_int_equal(keycode_parse("\xc2\x9b"), 0);     /* U+009B, CSI */
    assert_int_equal(keycode_parse("\xc2\x96"), 0);     /* U+0096 */
    assert_int_equal(keycode_parse("\xed\xa0\x80"), 0); /* U+D800 */
    assert_int_equal(keycode_parse("\xc1\xa1"), 0);     /* 'a', overlong */
    assert_int_equal(keycode_parse("\xe0\x81\xa1"), 0); /* 'a', overlong */
    assert_int_equal(keycode_parse("\xc2\xa0"), 0xa0);  /* U+00A0 is fine */
    struct keymap km;
    keymap_init(&km);
    char *err = NULL;
    assert_int_equal(keymap_bind_line(&km, "bind \xc2\x9b quit", "f", 1, &err), -1);
    free(err);
}

/* keymap_keys_text into a short buffer keeps whole key names only: never
 * half of a UTF-8 character. */
static void test_fuzz_keys_text_whole_names(void **state)
{
    struct keymap km;
    keymap_init(&km);
    char *err = NULL;
    assert_int_equal(keymap_bind_line(&km, "bind <Space> none", "f", 1, &err), 0);
    assert_int_equal(keymap_bind_line(&km, "bind \xc3\xb6 mark", "f", 2, &err), 0);
    assert_int_equal(keymap_bind_line(&km, "bind <F9> mark", "f", 3, &err), 0);
    char buf[16];
    assert_string_equal(keymap_keys_text(&km, ACT_MARK, buf, sizeof buf), "\xc3\xb6 <F9>");
    assert_string_equal(keymap_keys_text(&km, ACT_MARK, buf, 2), "");
    assert_string_equal(keymap_keys_text(&km, ACT_MARK, buf, 3), "\xc3\xb6");
    assert_string_equal(keymap_keys_text(&km, ACT_MARK, buf, 7), "\xc3\xb6");
    buf[0] = 'x';
    keymap_keys_text(&km, ACT_MARK, buf, 0); /* nothing written */
    assert_int_equal(buf[0], 'x');
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_action_table),
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_key_names),
        cmocka_unit_test(test_from_curses),
        cmocka_unit_test(test_bind),
        cmocka_unit_test(test_bind_errors),
        cmocka_unit_test(test_full),
        cmocka_unit_test(test_fuzz_unsafe_keys_refused),
        cmocka_unit_test(test_fuzz_keys_text_whole_names),
    };
    return cmocka_run_group_tests_name("keymap", tests, NULL, NULL);
}
