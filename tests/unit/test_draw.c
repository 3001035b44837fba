/* draw.c and table.c, the pure parts: how wide text is, fitting it into N
 * columns with an ellipsis and padding (wide and combining characters,
 * control characters, invalid UTF-8), column layout, the cursor, where a
 * list stands ("row 12 of 305 ▼") and the moving keys. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include "draw.h"
#include "table.h"
#include "util.h"

static int setup(void **state)
{
    if (!setlocale(LC_CTYPE, "C.UTF-8") && !setlocale(LC_CTYPE, "en_US.UTF-8"))
        return -1;
    text_set_ascii(false);
    return 0;
}

static void fit(const char *in, int width, enum align align, const char *want)
{
    char *out = text_fit(in, width, align);
    assert_string_equal(out, want);
    if (width > 0)
        assert_int_equal(text_width(out), width);
    free(out);
}

static void test_width(void **state)
{
    assert_int_equal(text_width(""), 0);
    assert_int_equal(text_width(NULL), 0);
    assert_int_equal(text_width("hello"), 5);
    assert_int_equal(text_width("Zoë"), 3);
    assert_int_equal(text_width("Zoe\xcc\x88"), 3);          /* e + combining diaeresis */
    assert_int_equal(text_width("東京"), 4);
    assert_int_equal(text_width("🙂"), 2);
    assert_int_equal(text_width("a\tb"), 3);                 /* a tab is one blank */
    assert_int_equal(text_width("a\x1b[31mb"), 7);           /* ESC shows as one U+FFFD */
    assert_int_equal(text_width("\xff\xfe"), 2);             /* each bad byte one U+FFFD */
    assert_int_equal(text_width("\xc2\x9b"), 1);             /* C1 CSI: one U+FFFD */
    assert_int_equal(text_width("\xe6\x9d"), 2);             /* truncated sequence */
}

static void test_fit_ascii(void **state)
{
    fit("abc", 5, ALIGN_LEFT, "abc  ");
    fit("abc", 5, ALIGN_RIGHT, "  abc");
    fit("abc", 6, ALIGN_CENTER, " abc  ");
    fit("abc", 3, ALIGN_LEFT, "abc");
    fit("abcdefgh", 5, ALIGN_LEFT, "abcd…");
    fit("abcdefgh", 5, ALIGN_RIGHT, "abcd…");
    fit("abcdefgh", 1, ALIGN_LEFT, "…");
    fit("", 3, ALIGN_LEFT, "   ");
    fit(NULL, 2, ALIGN_LEFT, "  ");
    fit("abc", 0, ALIGN_LEFT, "");
    fit("abc", -4, ALIGN_LEFT, "");
}

static void test_fit_wide(void **state)
{
    fit("日本語テキスト", 14, ALIGN_LEFT, "日本語テキスト");
    fit("日本語テキスト", 5, ALIGN_LEFT, "日本…");
    fit("日本語テキスト", 4, ALIGN_LEFT, "日… ");       /* 日 + … = 3, one blank */
    fit("日本語テキスト", 2, ALIGN_LEFT, "… ");
    fit("日本", 5, ALIGN_RIGHT, " 日本");
    fit("a日b", 3, ALIGN_LEFT, "a… ");
    fit("🙂🙂🙂", 4, ALIGN_LEFT, "🙂… ");
    /* a combining mark stays with its letter */
    fit("Zoe\xcc\x88 Lo", 4, ALIGN_LEFT, "Zoe\xcc\x88…");
    fit("Zoe\xcc\x88", 4, ALIGN_LEFT, "Zoe\xcc\x88 ");
}

static void test_fit_never_lets_controls_through(void **state)
{
    fit("a\x1b[2Jb", 8, ALIGN_LEFT, "a\xef\xbf\xbd[2Jb  ");
    fit("x\x07y", 3, ALIGN_LEFT, "x\xef\xbf\xbdy");
    fit("\xc2\x9b" "31m", 5, ALIGN_LEFT, "\xef\xbf\xbd" "31m ");
    fit("a\nb\rc", 5, ALIGN_LEFT, "a b c");
    fit("\xff", 2, ALIGN_LEFT, "\xef\xbf\xbd ");
}

static void test_fit_random(void **state)
{
    /* whatever the bytes, the result is exactly the width asked, valid
     * UTF-8, and free of C0/C1 controls */
    srand(1234);
    static const char *const pieces[] = {"a", "Z", " ", "é", "日", "🙂", "\xcc\x88", "\x1b",
                                         "\x07", "\xff", "\xc3", "\xc2\x85", "\t", "…", "\xed\xa0\x80"};
    for (int round = 0; round < 2000; round++) {
        char in[256] = "";
        int parts = rand() % 12;
        for (int i = 0; i < parts; i++)
            strcat(in, pieces[rand() % ARRAY_LEN(pieces)]);
        int width = rand() % 16;
        enum align al = (enum align)(rand() % 3);
        char *out = text_fit(in, width, al);
        assert_int_equal(text_width(out), width);
        char *clean = sanitize_text(out);
        assert_string_equal(clean, out); /* nothing for the sanitiser to remove */
        free(clean);
        free(out);
    }
}

static void test_clip(void **state)
{
    int w = -1;
    char *s = text_clip("hello world", 5, &w);
    assert_string_equal(s, "hell…");
    assert_int_equal(w, 5);
    free(s);
    s = text_clip("hi", 5, &w);
    assert_string_equal(s, "hi");
    assert_int_equal(w, 2);
    free(s);
    s = text_clip("日本", 3, &w);
    assert_string_equal(s, "日…");
    assert_int_equal(w, 3);
    free(s);
    s = text_clip("abc", 0, &w);
    assert_string_equal(s, "");
    assert_int_equal(w, 0);
    free(s);
}

static void test_ascii_mode(void **state)
{
    text_set_ascii(true);
    fit("abcdefgh", 5, ALIGN_LEFT, "abcd~");
    fit("Zoë 日本", 8, ALIGN_LEFT, "Zo? ??  ");
    assert_int_equal(text_width("日本"), 2);
    text_set_ascii(false);
}

static const struct column cols[] = {
    {"Provider", 8, 12, 0, 3, ALIGN_LEFT},
    {"Account", 8, 16, 1, 4, ALIGN_LEFT},
    {"Sessions", 8, 8, 0, 2, ALIGN_RIGHT},
    {"State", 10, 20, 2, 1, ALIGN_LEFT},
};

static int layout_sum(const int *w, size_t n)
{
    int sum = 0, shown = 0;
    for (size_t i = 0; i < n; i++)
        if (w[i] > 0) {
            sum += w[i];
            shown++;
        }
    return sum + (shown ? shown - 1 : 0);
}

static void test_layout(void **state)
{
    int w[4];
    /* room for everything: wants, then the rest by grow (1:2) */
    table_layout(cols, 4, 80, w);
    assert_int_equal(w[0], 12);
    assert_int_equal(w[2], 8);
    assert_int_equal(layout_sum(w, 4), 80);
    assert_int_equal(w[1], 16 + 7);  /* 21 spare: 7 and 14 */
    assert_int_equal(w[3], 20 + 14);
    /* exactly the wants */
    table_layout(cols, 4, 59, w);
    assert_int_equal(w[0], 12);
    assert_int_equal(w[1], 16);
    assert_int_equal(w[2], 8);
    assert_int_equal(w[3], 20);
    /* less: wants are met in order of keep, State (lowest) gets what is left */
    table_layout(cols, 4, 50, w);
    assert_int_equal(w[1], 16);
    assert_int_equal(w[0], 12);
    assert_int_equal(w[2], 8);
    assert_int_equal(w[3], 11);
    assert_int_equal(layout_sum(w, 4), 50);
    /* mins just fit */
    table_layout(cols, 4, 37, w);
    assert_int_equal(w[0], 8);
    assert_int_equal(w[1], 8);
    assert_int_equal(w[2], 8);
    assert_int_equal(w[3], 10);
    /* narrower: the lowest keep goes first (State), then Sessions */
    table_layout(cols, 4, 30, w);
    assert_int_equal(w[3], 0);
    assert_int_equal(layout_sum(w, 4), 30);
    table_layout(cols, 4, 17, w);
    assert_int_equal(w[2], 0);
    assert_int_equal(w[3], 0);
    assert_int_equal(w[0], 8);
    assert_int_equal(w[1], 8);
    /* one column left, narrower than its min */
    table_layout(cols, 4, 5, w);
    assert_int_equal(w[1], 5);
    assert_int_equal(w[0] + w[2] + w[3], 0);
    table_layout(cols, 4, 0, w);
    assert_int_equal(layout_sum(w, 4), 0);
}

static void test_column_at(void **state)
{
    int w[4] = {12, 0, 8, 20};
    assert_int_equal(table_column_at(w, 4, 0), 0);
    assert_int_equal(table_column_at(w, 4, 11), 0);
    assert_int_equal(table_column_at(w, 4, 12), -1); /* the blank between */
    assert_int_equal(table_column_at(w, 4, 13), 2);
    assert_int_equal(table_column_at(w, 4, 22), 3);
    assert_int_equal(table_column_at(w, 4, 41), 3);
    assert_int_equal(table_column_at(w, 4, 42), -1);
}

static void test_listpos(void **state)
{
    struct listpos p = {0, 0};
    listpos_move(&p, 100, 1, 10);
    assert_int_equal(p.cursor, 1);
    assert_int_equal(p.top, 0);
    listpos_move(&p, 100, 9, 10);
    assert_int_equal(p.cursor, 10);
    assert_int_equal(p.top, 1);
    listpos_move(&p, 100, -5, 10);
    assert_int_equal(p.cursor, 5);
    assert_int_equal(p.top, 1);
    listpos_move(&p, 100, -50, 10);
    assert_int_equal(p.cursor, 0);
    assert_int_equal(p.top, 0);
    listpos_move(&p, 100, 500, 10);
    assert_int_equal(p.cursor, 99);
    assert_int_equal(p.top, 90);
    /* the list shrinks under the cursor */
    listpos_clamp(&p, 20, 10);
    assert_int_equal(p.cursor, 19);
    assert_int_equal(p.top, 10);
    /* the view grows: no blank rows below the end */
    listpos_clamp(&p, 20, 15);
    assert_int_equal(p.top, 5);
    listpos_clamp(&p, 20, 30);
    assert_int_equal(p.top, 0);
    listpos_set(&p, 20, 3, 10);
    assert_int_equal(p.cursor, 3);
    assert_int_equal(p.top, 0);
    listpos_clamp(&p, 0, 10);
    assert_int_equal(p.cursor, 0);
    assert_int_equal(p.top, 0);
    listpos_move(&p, 0, 3, 10);
    assert_int_equal(p.cursor, 0);
    listpos_move(&p, 5, 2, 0); /* no room at all: still sane */
    assert_int_equal(p.cursor, 2);
    assert_int_equal(p.top, 2);
}

static void wants(char *got, const char *want)
{
    assert_string_equal(got, want);
    free(got);
}

static void test_position(void **state)
{
    text_set_ascii(true);
    wants(position_text("row", 0, 0, 0, 10), "");
    wants(position_text("row", 0, 5, 0, 10), "row 1 of 5");          /* all on screen */
    wants(position_text("row", 0, 50, 0, 10), "row 1 of 50 v");      /* more below */
    wants(position_text("row", 20, 50, 15, 10), "row 21 of 50 ^v");  /* both */
    wants(position_text("row", 49, 50, 40, 10), "row 50 of 50 ^");   /* more above */
    wants(position_text("lines", 0, 40, 0, 20), "lines 1-20 of 40 v");
    wants(position_text("lines", 0, 40, 20, 20), "lines 21-40 of 40 ^");
    text_set_ascii(false);
    wants(position_text("row", 20, 50, 15, 10), "row 21 of 50 \xe2\x96\xb2\xe2\x96\xbc");
}

static void test_scroll_action(void **state)
{
    size_t at = 5;
    assert_true(scroll_action(&at, 10, 4, ACT_MOVE_UP));
    assert_int_equal(at, 4);
    assert_true(scroll_action(&at, 10, 4, ACT_PAGE_DOWN));
    assert_int_equal(at, 8);
    assert_true(scroll_action(&at, 10, 4, ACT_PAGE_DOWN)); /* no further than max */
    assert_int_equal(at, 10);
    assert_true(scroll_action(&at, 10, 4, ACT_MOVE_DOWN));
    assert_int_equal(at, 10);
    assert_true(scroll_action(&at, 10, 4, ACT_FIRST));
    assert_int_equal(at, 0);
    assert_true(scroll_action(&at, 10, 4, ACT_PAGE_UP)); /* no further than 0 */
    assert_int_equal(at, 0);
    assert_true(scroll_action(&at, 10, 4, ACT_LAST));
    assert_int_equal(at, 10);
    at = 30; /* a list that got shorter */
    assert_true(scroll_action(&at, 10, 4, ACT_MOVE_UP));
    assert_int_equal(at, 9);
    assert_false(scroll_action(&at, 10, 4, ACT_QUIT)); /* not a moving key: untouched */
    assert_int_equal(at, 9);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_width),
        cmocka_unit_test(test_fit_ascii),
        cmocka_unit_test(test_fit_wide),
        cmocka_unit_test(test_fit_never_lets_controls_through),
        cmocka_unit_test(test_fit_random),
        cmocka_unit_test(test_clip),
        cmocka_unit_test(test_ascii_mode),
        cmocka_unit_test(test_layout),
        cmocka_unit_test(test_column_at),
        cmocka_unit_test(test_listpos),
        cmocka_unit_test(test_position),
        cmocka_unit_test(test_scroll_action),
    };
    return cmocka_run_group_tests_name("draw", tests, setup, NULL);
}
