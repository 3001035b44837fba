/* theme.c: role names, the .theme parser and its errors, finding themes,
 * the shipped themes, and what colours become on 256/16/8/no-colour
 * terminals. No terminal needed. */
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

#include "theme.h"
#include "util.h"

/* The source tree's root, from this file's path (tests/unit/test_theme.c). */
static char *src_path(const char *rel)
{
    const char *me = __FILE__;
    const char *cut = strstr(me, "tests/unit/");
    if (!cut || cut == me)
        return xstrdup(rel);
    return xasprintf("%.*s%s", (int)(cut - me), me, rel);
}

static char *read_all(const char *path)
{
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    static char buf[65536];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    return xstrdup(buf);
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static char *tmpdir(void)
{
    char tmpl[] = "/tmp/sesame-theme-XXXXXX";
    assert_non_null(mkdtemp(tmpl));
    return xstrdup(tmpl);
}

static void test_role_names(void **state)
{
    for (int i = 0; i < ROLE_COUNT; i++) {
        assert_non_null(role_name((enum role)i));
        assert_non_null(role_help((enum role)i));
        assert_int_equal(role_parse(role_name((enum role)i)), i);
        for (int j = 0; j < i; j++)
            assert_string_not_equal(role_name((enum role)i), role_name((enum role)j));
    }
    assert_int_equal(role_parse("nope"), -1);
    assert_string_equal(role_name(C_EXPIRED), "expired");
    assert_string_equal(role_name(C_STATUS_BAR), "status-bar");
}

static void test_color_parse(void **state)
{
    assert_int_equal(theme_color_parse("default"), -1);
    assert_int_equal(theme_color_parse("black"), 0);
    assert_int_equal(theme_color_parse("red"), 1);
    assert_int_equal(theme_color_parse("white"), 7);
    assert_int_equal(theme_color_parse("bright-black"), 8);
    assert_int_equal(theme_color_parse("gray"), 8);
    assert_int_equal(theme_color_parse("grey"), 8);
    assert_int_equal(theme_color_parse("bright-red"), 9);
    assert_int_equal(theme_color_parse("bright-white"), 15);
    assert_int_equal(theme_color_parse("0"), 0);
    assert_int_equal(theme_color_parse("208"), 208);
    assert_int_equal(theme_color_parse("255"), 255);
    assert_int_equal(theme_color_parse("256"), -2);
    assert_int_equal(theme_color_parse("0255"), -2);
    assert_int_equal(theme_color_parse("12x"), -2);
    assert_int_equal(theme_color_parse("purple"), -2);
    assert_int_equal(theme_color_parse("bright-"), -2);
    assert_int_equal(theme_color_parse(""), -2);
}

static void test_parse_lines(void **state)
{
    struct theme t;
    theme_init(&t);
    char *err = NULL;
    const char *text = "# a comment\n"
                       "\n"
                       "   title = bright-white 24 bold underline  # trailing comment\r\n"
                       "error=red\n"
                       "active = green bold\n"
                       "selected = default default reverse dim italic standout\n"
                       "dim = 244 default normal\n";
    assert_int_equal(theme_parse(&t, text, "x.theme", &err), 0);
    assert_null(err);
    assert_int_equal(t.style[C_TITLE].fg, 15);
    assert_int_equal(t.style[C_TITLE].bg, 24);
    assert_int_equal(t.style[C_TITLE].attrs, TA_BOLD | TA_UNDERLINE);
    assert_int_equal(t.style[C_ERROR].fg, 1);
    assert_int_equal(t.style[C_ERROR].bg, -1);
    assert_int_equal(t.style[C_ERROR].attrs, 0);
    assert_int_equal(t.style[C_ACTIVE].fg, 2);
    assert_int_equal(t.style[C_ACTIVE].bg, -1);
    assert_int_equal(t.style[C_ACTIVE].attrs, TA_BOLD);
    assert_int_equal(t.style[C_SELECTED].attrs, TA_REVERSE | TA_DIM | TA_ITALIC | TA_STANDOUT);
    assert_int_equal(t.style[C_DIM].fg, 244);
    /* a role not named keeps the built-in default */
    assert_int_equal(t.style[C_EXPIRED].fg, 8);
    theme_free(&t);
}

static void check_error(const char *text, const char *want)
{
    struct theme t;
    theme_init(&t);
    char *err = NULL;
    assert_int_equal(theme_parse(&t, text, "my.theme", &err), -1);
    assert_non_null(err);
    assert_string_equal(err, want);
    free(err);
    theme_free(&t);
}

static void test_parse_errors(void **state)
{
    check_error("title = red\nfoo = red\n", "my.theme:2: unknown role 'foo'");
    check_error("\n\ntitle = purple", "my.theme:3: unknown colour 'purple'");
    check_error("title = red blue blink", "my.theme:1: unknown attribute 'blink' (bold, "
                                          "underline, reverse, dim, italic, standout)");
    check_error("title red", "my.theme:1: expected 'role = foreground background [attributes]'");
    check_error("title =", "my.theme:1: no colours for 'title'");
    check_error("title = bold", "my.theme:1: unknown colour 'bold'");
    check_error("a b = red", "my.theme:1: expected one role name before '='");
    check_error("title = red blue 300", "my.theme:1: unknown attribute '300' (bold, underline, "
                                        "reverse, dim, italic, standout)");
    check_error("title = red blue bold bold bold bold bold bold bold bold bold",
                "my.theme:1: too many words");
}

/* The parsed theme file at rel, every role named in it. */
static void load_shipped(const char *rel, struct theme *t)
{
    char *path = src_path(rel), *text = read_all(path), *err = NULL;
    theme_init(t);
    /* every role is set by every shipped theme: start from a poisoned one */
    for (int i = 0; i < ROLE_COUNT; i++)
        t->style[i] = (struct theme_style){-7, -7, 0xffff};
    if (theme_parse(t, text, path, &err) != 0)
        fail_msg("%s", err);
    for (int i = 0; i < ROLE_COUNT; i++)
        if (t->style[i].fg == -7)
            fail_msg("%s does not set role %s", rel, role_name((enum role)i));
    free(path);
    free(text);
}

static void test_shipped_themes(void **state)
{
    const char *files[] = {"themes/default.theme", "themes/light.theme",
                           "themes/high-contrast.theme", "themes/mono.theme"};
    for (size_t i = 0; i < ARRAY_LEN(files); i++) {
        struct theme t;
        load_shipped(files[i], &t);
        theme_free(&t);
    }
}

static void test_builtin_matches_files(void **state)
{
    const char *names[] = {"default", "mono"};
    for (size_t i = 0; i < ARRAY_LEN(names); i++) {
        char *rel = xasprintf("themes/%s.theme", names[i]);
        struct theme file, built;
        load_shipped(rel, &file);
        theme_init(&built);
        char *err = NULL;
        assert_int_equal(theme_parse(&built, theme_builtin(names[i]), names[i], &err), 0);
        for (int r = 0; r < ROLE_COUNT; r++) {
            if (file.style[r].fg != built.style[r].fg || file.style[r].bg != built.style[r].bg ||
                file.style[r].attrs != built.style[r].attrs)
                fail_msg("%s: role %s differs from the built-in copy", rel,
                         role_name((enum role)r));
        }
        theme_free(&file);
        theme_free(&built);
        free(rel);
    }
    assert_null(theme_builtin("light"));
}

static void test_mono_has_no_colour(void **state)
{
    struct theme t;
    load_shipped("themes/mono.theme", &t);
    for (int i = 0; i < ROLE_COUNT; i++) {
        assert_int_equal(t.style[i].fg, -1);
        assert_int_equal(t.style[i].bg, -1);
    }
    /* what must stand out without colour does */
    assert_true(t.style[C_SELECTED].attrs & TA_REVERSE);
    assert_true(t.style[C_STATUS_BAR].attrs & TA_REVERSE);
    assert_true(t.style[C_ERROR].attrs & TA_BOLD);
    theme_free(&t);
}

static void test_default_keeps_background(void **state)
{
    struct theme t;
    load_shipped("themes/default.theme", &t);
    assert_int_equal(t.style[C_DEFAULT].fg, -1);
    assert_int_equal(t.style[C_DEFAULT].bg, -1);
    theme_free(&t);
}

static void test_load_by_name_and_path(void **state)
{
    char *d1 = tmpdir(), *d2 = tmpdir();
    char *p1 = xasprintf("%s/night.theme", d1), *p2 = xasprintf("%s/night.theme", d2);
    write_file(p1, "title = red\n");
    write_file(p2, "title = blue\n");
    char *dirs[] = {d1, d2};
    struct theme t;
    theme_init(&t);
    char *err = NULL;
    /* the first directory wins */
    assert_int_equal(theme_load(&t, "night", dirs, 2, &err), 0);
    assert_string_equal(t.name, "night");
    assert_int_equal(t.style[C_TITLE].fg, 1);
    /* by path */
    assert_int_equal(theme_load(&t, p2, dirs, 2, &err), 0);
    assert_int_equal(t.style[C_TITLE].fg, 4);
    /* default and mono exist even when no directory has them */
    assert_int_equal(theme_load(&t, "mono", dirs, 2, &err), 0);
    assert_string_equal(t.name, "mono");
    assert_int_equal(t.style[C_SELECTED].attrs, TA_REVERSE);
    assert_int_equal(theme_load(&t, "default", dirs, 0, &err), 0);
    /* not found: says where it looked, the theme stays */
    assert_int_equal(theme_load(&t, "nope", dirs, 2, &err), -1);
    assert_non_null(strstr(err, "theme 'nope' not found"));
    assert_non_null(strstr(err, d1));
    assert_non_null(strstr(err, d2));
    free(err);
    assert_string_equal(t.name, "default");
    /* a name is not a way to wander the file system */
    assert_int_equal(theme_load(&t, "..", dirs, 2, &err), -1);
    free(err);
    /* a broken file: file:line, and the old theme stays */
    write_file(p1, "title = red\nbogus = red\n");
    assert_int_equal(theme_load(&t, "night", dirs, 2, &err), -1);
    char *want = xasprintf("%s:2: unknown role 'bogus'", p1);
    assert_string_equal(err, want);
    free(want);
    free(err);
    assert_string_equal(t.name, "default");
    theme_free(&t);
    unlink(p1);
    unlink(p2);
    rmdir(d1);
    rmdir(d2);
    free(p1);
    free(p2);
    free(d1);
    free(d2);
}

/* The themes beside the binary, never the current directory's. */
static void test_theme_dirs(void **state)
{
    char exe[4096];
    ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
    assert_true(len > 0);
    exe[len] = '\0';
    *strrchr(exe, '/') = '\0';
    char *beside = xasprintf("%s/themes", exe);
    char *dirs[4];
    setenv("SESAME_THEME_DIR", "/x/themes", 1);
    size_t n = theme_dirs("/cfg/sesame", dirs);
    assert_int_equal(n, 4);
    assert_string_equal(dirs[0], "/x/themes");
    assert_string_equal(dirs[1], beside);
    assert_string_equal(dirs[2], "/cfg/sesame/themes");
    assert_string_equal(dirs[3], SESAME_DATADIR "/themes");
    theme_dirs_free(dirs, n);
    unsetenv("SESAME_THEME_DIR");
    n = theme_dirs("/cfg/sesame", dirs);
    assert_int_equal(n, 3);
    assert_string_equal(dirs[0], beside);
    for (size_t i = 0; i < n; i++)
        assert_null(strstr(dirs[i], "./themes"));
    theme_dirs_free(dirs, n);
    free(beside);
}

static void resolve(int fg, int bg, unsigned attrs, int colors, bool dflt, int want_fg,
                    int want_bg, unsigned want_attrs)
{
    struct theme_style s = {fg, bg, attrs};
    struct theme_caps caps = {colors, dflt};
    int f, b;
    unsigned a;
    theme_resolve(&s, &caps, &f, &b, &a);
    assert_int_equal(f, want_fg);
    assert_int_equal(b, want_bg);
    assert_int_equal(a, want_attrs);
}

static void test_resolve(void **state)
{
    /* 256 colours: as written */
    resolve(208, 24, TA_BOLD, 256, true, 208, 24, TA_BOLD);
    resolve(-1, -1, 0, 256, true, -1, -1, 0);
    /* 16: 256-colour indexes go to the nearest basic colour */
    resolve(196, 16, 0, 16, true, 9, 0, 0);
    resolve(46, 231, 0, 16, true, 10, 15, 0);
    resolve(244, -1, 0, 16, true, 8, -1, 0);
    resolve(9, 12, 0, 16, true, 9, 12, 0);
    /* 8: bright foreground = base + bold, bright background = base */
    resolve(9, 12, 0, 8, true, 1, 4, TA_BOLD);
    resolve(15, -1, TA_UNDERLINE, 8, true, 7, -1, TA_BOLD | TA_UNDERLINE);
    resolve(196, -1, 0, 8, true, 1, -1, TA_BOLD);
    /* bright black: a dim default (black + bold is invisible on some) */
    resolve(8, -1, 0, 8, true, -1, -1, TA_DIM);
    resolve(8, -1, 0, 8, false, 7, 0, TA_DIM);
    /* no default colours: white on black stands in for them */
    resolve(-1, -1, 0, 8, false, 7, 0, 0);
    resolve(1, -1, 0, 256, false, 1, 0, 0);
    /* no colour at all (NO_COLOR, mono terminal): attributes only */
    resolve(1, 4, TA_REVERSE, 0, false, -1, -1, TA_REVERSE);
    resolve(9, 4, 0, 2, true, -1, -1, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_role_names),
        cmocka_unit_test(test_color_parse),
        cmocka_unit_test(test_parse_lines),
        cmocka_unit_test(test_parse_errors),
        cmocka_unit_test(test_shipped_themes),
        cmocka_unit_test(test_builtin_matches_files),
        cmocka_unit_test(test_mono_has_no_colour),
        cmocka_unit_test(test_default_keeps_background),
        cmocka_unit_test(test_load_by_name_and_path),
        cmocka_unit_test(test_theme_dirs),
        cmocka_unit_test(test_resolve),
    };
    return cmocka_run_group_tests_name("theme", tests, NULL, NULL);
}
