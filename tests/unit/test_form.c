/* form_edit.c: UTF-8 editing by whole characters (insert, backspace,
 * delete, cursor moves, ^U ^K ^W), what is refused (controls, surrogates,
 * a full field), masking of secrets, choices, focus, validation, and that
 * no copy of a secret is left in a buffer the field gave up. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "form.h"
#include "util.h"

static struct form_field *field(struct form *f, enum form_kind kind)
{
    form_init(f, "test");
    size_t i = form_add(f, kind, "k", "Label", true, "help");
    return &f->fields[i];
}

static void type(struct form_field *ff, const char *utf8)
{
    /* decode by hand: the test should not trust the code under test */
    const unsigned char *s = (const unsigned char *)utf8;
    while (*s) {
        uint32_t cp;
        size_t n;
        if (*s < 0x80) cp = *s, n = 1;
        else if ((*s & 0xe0) == 0xc0) cp = *s & 0x1f, n = 2;
        else if ((*s & 0xf0) == 0xe0) cp = *s & 0x0f, n = 3;
        else cp = *s & 0x07, n = 4;
        for (size_t k = 1; k < n; k++)
            cp = (cp << 6) | (s[k] & 0x3f);
        assert_true(form_field_insert(ff, cp));
        s += n;
    }
}

static void test_insert_utf8(void **state)
{
    struct form f;
    struct form_field *ff = field(&f, FORM_TEXT);
    type(ff, "aé研😀");
    assert_string_equal(ff->buf, "aé研😀");
    assert_int_equal(ff->len, 1 + 2 + 3 + 4);
    assert_int_equal(ff->cursor, ff->len);
    assert_int_equal(form_field_chars(ff), 4);
    /* insert in the middle */
    assert_true(form_field_left(ff));
    assert_int_equal(ff->cursor, 6);
    assert_true(form_field_left(ff));
    assert_int_equal(ff->cursor, 3);
    type(ff, "ß");
    assert_string_equal(ff->buf, "aéß研😀");
    assert_int_equal(ff->cursor, 5);
    form_free(&f);
}

static void test_refused(void **state)
{
    struct form f;
    struct form_field *ff = field(&f, FORM_TEXT);
    assert_false(form_field_insert(ff, 0x1b));   /* ESC */
    assert_false(form_field_insert(ff, '\n'));
    assert_false(form_field_insert(ff, 0x7f));
    assert_false(form_field_insert(ff, 0x9b));   /* C1 CSI */
    assert_false(form_field_insert(ff, 0xd800)); /* a surrogate */
    assert_false(form_field_insert(ff, 0x110000));
    assert_int_equal(ff->len, 0);
    for (size_t i = 0; i < FORM_MAX_TEXT; i++)
        assert_true(form_field_insert(ff, 'x'));
    assert_false(form_field_insert(ff, 'y')); /* full */
    assert_false(form_field_insert(ff, 0x20ac));
    assert_int_equal(ff->len, FORM_MAX_TEXT);
    form_free(&f);
    /* a choice takes no text */
    ff = field(&f, FORM_CHOICE);
    assert_false(form_field_insert(ff, 'a'));
    form_free(&f);
}

static void test_backspace_delete(void **state)
{
    struct form f;
    struct form_field *ff = field(&f, FORM_TEXT);
    assert_false(form_field_backspace(ff));
    assert_false(form_field_delete(ff));
    type(ff, "añ€𝄞z");
    assert_true(form_field_backspace(ff)); /* z */
    assert_string_equal(ff->buf, "añ€𝄞");
    assert_true(form_field_backspace(ff)); /* the 4-byte clef, whole */
    assert_string_equal(ff->buf, "añ€");
    form_field_home(ff);
    assert_false(form_field_backspace(ff));
    assert_true(form_field_delete(ff)); /* a */
    assert_string_equal(ff->buf, "ñ€");
    assert_true(form_field_delete(ff)); /* ñ, both bytes */
    assert_string_equal(ff->buf, "€");
    assert_int_equal(ff->cursor, 0);
    form_field_end(ff);
    assert_false(form_field_delete(ff));
    assert_false(form_field_right(ff));
    form_free(&f);
}

static void test_cursor_moves(void **state)
{
    struct form f;
    struct form_field *ff = field(&f, FORM_TEXT);
    type(ff, "ü研x");
    form_field_home(ff);
    assert_int_equal(ff->cursor, 0);
    assert_false(form_field_left(ff));
    assert_true(form_field_right(ff));
    assert_int_equal(ff->cursor, 2);
    assert_true(form_field_right(ff));
    assert_int_equal(ff->cursor, 5);
    assert_true(form_field_right(ff));
    assert_int_equal(ff->cursor, 6);
    assert_false(form_field_right(ff));
    form_field_end(ff);
    assert_int_equal(ff->cursor, 6);
    form_free(&f);
}

static void test_kills(void **state)
{
    struct form f;
    struct form_field *ff = field(&f, FORM_TEXT);
    type(ff, "token:read, token:create");
    assert_true(form_field_kill_word(ff));
    assert_string_equal(ff->buf, "token:read, ");
    assert_true(form_field_kill_word(ff)); /* blanks, then the word */
    assert_string_equal(ff->buf, "");
    type(ff, "hello wörld");
    form_field_home(ff);
    assert_true(form_field_right(ff));
    assert_true(form_field_right(ff)); /* "he|llo" */
    assert_true(form_field_kill_after(ff));
    assert_string_equal(ff->buf, "he");
    type(ff, "llo");
    assert_true(form_field_left(ff));
    assert_true(form_field_kill_before(ff)); /* ^U: up to the cursor */
    assert_string_equal(ff->buf, "o");
    assert_int_equal(ff->cursor, 0);
    assert_false(form_field_kill_before(ff));
    form_field_end(ff);
    assert_true(form_field_kill_before(ff)); /* at the end: everything */
    assert_string_equal(ff->buf, "");
    assert_false(form_field_kill_after(ff));
    form_free(&f);
}

static void test_set(void **state)
{
    struct form f;
    struct form_field *ff = field(&f, FORM_TEXT);
    form_field_set(ff, "ab\x1b[2Jc\xff" "d é");
    assert_string_equal(ff->buf, "ab[2Jcd é"); /* no ESC, no invalid byte */
    assert_int_equal(ff->cursor, ff->len);
    form_field_set(ff, NULL);
    assert_string_equal(ff->buf, "");
    form_field_set(ff, "\xc0\xaf"); /* overlong '/' */
    assert_string_equal(ff->buf, "");
    form_free(&f);
}

static void test_masking(void **state)
{
    struct form f;
    struct form_field *ff = field(&f, FORM_SECRET);
    type(ff, "sk_é研");
    size_t cur = 99;
    char *shown = form_field_shown(ff, "•", &cur);
    assert_string_equal(shown, "•••••"); /* one bullet a character, not a byte */
    assert_int_equal(cur, strlen("•••••"));
    wipe_free(shown);
    assert_true(form_field_left(ff));
    assert_true(form_field_left(ff));
    shown = form_field_shown(ff, "*", &cur);
    assert_string_equal(shown, "*****");
    assert_int_equal(cur, 3);
    wipe_free(shown);
    ff->reveal = true;
    shown = form_field_shown(ff, "•", &cur);
    assert_string_equal(shown, "sk_é研");
    assert_int_equal(cur, 3);
    wipe_free(shown);
    form_free(&f);
    /* plain text is never masked */
    ff = field(&f, FORM_TEXT);
    type(ff, "abc");
    shown = form_field_shown(ff, "•", NULL);
    assert_string_equal(shown, "abc");
    free(shown);
    form_free(&f);
}

/* A buffer the field let go of holds no trace of the secret: growing
 * moves it and wipes the old one, deleting wipes the tail. */
static void test_no_leftovers(void **state)
{
    struct form f;
    struct form_field *ff = field(&f, FORM_SECRET);
    type(ff, "SECRET");
    size_t cap = ff->cap;
    assert_true(form_field_backspace(ff));
    assert_true(form_field_backspace(ff));
    assert_string_equal(ff->buf, "SECR");
    for (size_t i = ff->len; i < cap; i++)
        assert_int_equal(ff->buf[i], 0); /* "ET" is gone from the tail */
    form_field_home(ff);
    assert_true(form_field_kill_after(ff));
    for (size_t i = 0; i < cap; i++)
        assert_int_equal(ff->buf[i], 0);
    /* grow past the first buffer: the content moves, complete */
    for (int i = 0; i < 200; i++)
        assert_true(form_field_insert(ff, 'a' + i % 26));
    assert_int_equal(ff->len, 200);
    assert_true(ff->cap > cap);
    assert_int_equal(ff->buf[0], 'a');
    assert_int_equal(ff->buf[199], 'a' + 199 % 26);
    form_free(&f);
}

static void test_choices(void **state)
{
    struct form f;
    struct form_field *ff = field(&f, FORM_CHOICE);
    form_field_add_choice(ff, "clerk", "Clerk");
    form_field_add_choice(ff, "basistheory", "Basis Theory");
    form_field_add_choice(ff, "cbrain", "CBRAIN");
    form_field_add_choice(ff, "apideck", "Apideck Vault");
    assert_string_equal(form_value(&f, "k"), "clerk");
    form_field_cycle(ff, 1);
    assert_string_equal(form_value(&f, "k"), "basistheory");
    form_field_cycle(ff, -2);
    assert_string_equal(form_value(&f, "k"), "apideck"); /* wraps */
    form_field_cycle(ff, 1);
    assert_string_equal(form_value(&f, "k"), "clerk");
    assert_true(form_field_choose_letter(ff, 'c')); /* the next C after Clerk */
    assert_string_equal(form_value(&f, "k"), "cbrain");
    assert_true(form_field_choose_letter(ff, 'C'));
    assert_string_equal(form_value(&f, "k"), "clerk");
    assert_false(form_field_choose_letter(ff, 'z'));
    assert_true(form_field_choose(ff, "apideck"));
    assert_false(form_field_choose(ff, "nope"));
    size_t cur;
    char *shown = form_field_shown(ff, "•", &cur);
    assert_string_equal(shown, "Apideck Vault");
    free(shown);
    form_free(&f);
}

static void test_focus_validate(void **state)
{
    struct form f;
    form_init(&f, "Add");
    form_add(&f, FORM_TEXT, "label", "Label", true, NULL);
    form_add(&f, FORM_TEXT, "url", "Base URL", false, NULL);
    form_add(&f, FORM_SECRET, "key", "Key", true, NULL);
    assert_int_equal(f.focus, 0);
    form_focus_prev(&f);
    assert_int_equal(f.focus, 2); /* wraps */
    form_focus_next(&f);
    assert_int_equal(f.focus, 0);
    form_focus_next(&f);
    assert_int_equal(f.focus, 1);
    /* blanks only are empty; the focus goes to the first problem */
    form_field_set(&f.fields[0], "   ");
    assert_int_equal(form_validate(&f), 2);
    assert_string_equal(f.fields[0].error, "needed");
    assert_null(f.fields[1].error);
    assert_string_equal(f.fields[2].error, "needed");
    assert_int_equal(f.focus, 0);
    /* an owner's own message counts and keeps its text */
    form_clear_errors(&f);
    form_field_set(&f.fields[0], " prod ");
    form_field_set(&f.fields[2], "sk");
    form_field_set_error(&f.fields[1], "not a URL: %s", "x");
    assert_int_equal(form_validate(&f), 1);
    assert_string_equal(f.fields[1].error, "not a URL: x");
    assert_int_equal(f.focus, 1);
    form_clear_errors(&f);
    assert_int_equal(form_validate(&f), 0);
    char *label = form_value_trimmed(&f, "label");
    assert_string_equal(label, "prod");
    free(label);
    assert_null(form_value_trimmed(&f, "url")); /* empty */
    assert_null(form_value_trimmed(&f, "nope"));
    assert_string_equal(form_value(&f, "nope"), "");
    form_set_error(&f, "the keyring is locked");
    assert_string_equal(f.error, "the keyring is locked");
    form_clear_errors(&f);
    assert_null(f.error);
    /* dropping fields (a provider changed) */
    form_truncate(&f, 1);
    assert_int_equal(f.n, 1);
    assert_int_equal(f.focus, 0);
    assert_null(form_find(&f, "key"));
    form_free(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_insert_utf8),
        cmocka_unit_test(test_refused),
        cmocka_unit_test(test_backspace_delete),
        cmocka_unit_test(test_cursor_moves),
        cmocka_unit_test(test_kills),
        cmocka_unit_test(test_set),
        cmocka_unit_test(test_masking),
        cmocka_unit_test(test_no_leftovers),
        cmocka_unit_test(test_choices),
        cmocka_unit_test(test_focus_validate),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
