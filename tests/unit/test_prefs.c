/* prefs.c: sesame.conf (set and bind lines), errors as file:line, and the
 * sort choice written back without touching any other line. */
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

#include "columns.h"
#include "keymap.h"
#include "prefs.h"
#include "util.h"

static void test_defaults(void **state)
{
    struct prefs p;
    prefs_init(&p);
    assert_null(p.theme);
    assert_int_equal(p.refresh_interval, 60);
    assert_false(p.read_only);
    assert_true(p.mouse);
    assert_null(p.sort_column);
    assert_false(p.sort_desc);
    assert_int_equal(p.n_errors_total, 0);
    prefs_free(&p);
    char *path = prefs_path("/home/u/.config/sesame");
    assert_string_equal(path, "/home/u/.config/sesame/sesame.conf");
    free(path);
}

static void test_parse_all(void **state)
{
    struct prefs p;
    struct keymap km;
    prefs_init(&p);
    keymap_init(&km);
    const char *text = "# sesame.conf\n"
                       "\n"
                       "set theme = high-contrast\n"
                       "set refresh-interval=300   # five minutes\n"
                       "  set read-only = yes\r\n"
                       "set mouse = off\n"
                       "set sort = expires desc\n"
                       "bind ^R refresh-all\n"
                       "bind q none\n"
                       "bind Q quit\n";
    assert_int_equal(prefs_parse(&p, &km, text, "sesame.conf"), 0);
    assert_string_equal(p.theme, "high-contrast");
    assert_int_equal(p.refresh_interval, 300);
    assert_true(p.read_only);
    assert_false(p.mouse);
    assert_string_equal(p.sort_column, "expires");
    assert_true(p.sort_desc);
    assert_int_equal(keymap_lookup(&km, KEY_CTRL('R')), ACT_REFRESH_ALL);
    assert_int_equal(keymap_lookup(&km, 'q'), ACT_NONE);
    assert_int_equal(keymap_lookup(&km, 'Q'), ACT_QUIT);
    /* a later line wins; asc and no order both mean ascending */
    assert_int_equal(prefs_parse(&p, &km, "set sort = status asc\nset theme = ./my.theme\n"
                                          "set read-only = False\nset refresh-interval = 0\n",
                                 "x"),
                     0);
    assert_string_equal(p.sort_column, "status");
    assert_false(p.sort_desc);
    assert_string_equal(p.theme, "./my.theme");
    assert_false(p.read_only);
    assert_int_equal(p.refresh_interval, 0);
    prefs_free(&p);
}

/* What a session crossing its account's `expiring` does, and screen-share
 * mode: the command is kept as written (run later without a shell). */
static void test_expiring_and_redact(void **state)
{
    struct prefs p;
    prefs_init(&p);
    assert_false(p.expiring_bell || p.expiring_notify || p.redact);
    assert_null(p.on_expiring);
    const char *text = "set expiring-bell = yes\n"
                       "set expiring_notify = on\n"
                       "set on_expiring = notify-me --to 'Ada L' \"$HOME\"   \n"
                       "set redact = true\n";
    assert_int_equal(prefs_parse(&p, NULL, text, "c"), 0);
    assert_true(p.expiring_bell && p.expiring_notify && p.redact);
    assert_string_equal(p.on_expiring, "notify-me --to 'Ada L' \"$HOME\"");
    /* a quote left open is said where it is */
    assert_int_equal(prefs_parse(&p, NULL, "set on-expiring = sh -c 'oops\n", "c"), 1);
    assert_non_null(strstr(p.errors[0], "c:1: on-expiring:"));
    assert_string_equal(p.on_expiring, "notify-me --to 'Ada L' \"$HOME\""); /* kept */
    assert_int_equal(prefs_parse(&p, NULL, "set on-expiring =\n", "c"), 1);
    prefs_free(&p);
}

static void test_every_sort_column(void **state)
{
    /* every column of the registry sorts; the old names are all of them */
    for (int c = 0; c < COLUMN_COUNT; c++) {
        struct prefs p;
        prefs_init(&p);
        const char *name = column_def((enum column_id)c)->name;
        char *line = xasprintf("set sort = %s", name);
        assert_int_equal(prefs_parse(&p, NULL, line, "f"), 0);
        assert_string_equal(p.sort_column, name);
        free(line);
        prefs_free(&p);
    }
    const char *old[] = {"provider", "account", "user", "session", "status", "created",
                         "last-active", "expires", "device", "browser", "ip"};
    for (size_t i = 0; i < ARRAY_LEN(old); i++)
        assert_true(prefs_sort_column_valid(old[i]));
    assert_false(prefs_sort_column_valid("colour"));
    struct prefs p;
    prefs_init(&p);
    assert_int_equal(prefs_parse(&p, NULL, "set sort = user\nset sort = none\n", "f"), 0);
    assert_null(p.sort_column); /* none: the default order */
    prefs_free(&p);
}

static void test_columns_time_views(void **state)
{
    struct prefs p;
    prefs_init(&p);
    assert_false(p.has_columns);
    assert_false(p.time_absolute);
    assert_int_equal(prefs_parse(&p, NULL,
                                 "set columns = account, user:30,session ,expires\n"
                                 "set time = absolute\n"
                                 "view Mine = user:ada !status:ended | sort expires desc | "
                                 "columns user,session:40\n"
                                 "view \"Ada's, all\" = \"Ada L\" | sort none\n"
                                 "view mine = status:active\n", /* the same name: replaced */
                                 "f"), 0);
    assert_true(p.has_columns);
    assert_int_equal(p.columns.set.n, 4);
    assert_int_equal(p.columns.set.v[1], COLUMN_USER);
    assert_int_equal(p.columns.width[COLUMN_USER], 30);
    assert_int_equal(p.columns.width[COLUMN_SESSION], 0);
    char *back = prefs_format_columns(&p.columns);
    assert_string_equal(back, "account,user:30,session,expires");
    free(back);
    assert_true(p.time_absolute);
    assert_int_equal(p.n_views, 2);
    assert_string_equal(p.views[0].name, "mine");
    assert_string_equal(p.views[0].filter, "status:active");
    assert_false(p.views[0].has_sort);
    assert_string_equal(p.views[1].name, "Ada's, all");
    assert_string_equal(p.views[1].filter, "\"Ada L\"");
    assert_true(p.views[1].has_sort);
    assert_string_equal(p.views[1].sort, "none");
    prefs_free(&p);

    /* a view's sort and columns, and the defaults sesame ships */
    prefs_init(&p);
    assert_int_equal(prefs_parse(&p, NULL, "view x = a | columns user, session:40 | sort ip desc\n",
                                 "f"), 0);
    assert_true(p.views[0].has_columns && p.views[0].has_sort && p.views[0].sort_desc);
    assert_int_equal(p.views[0].columns.width[COLUMN_SESSION], 40);
    assert_string_equal(p.views[0].sort, "ip");
    prefs_free(&p);
    struct prefs_view v[PREFS_MAX_VIEWS];
    prefs_init(&p);
    size_t n = prefs_views(&p, v, PREFS_MAX_VIEWS);
    assert_int_equal(n, 3);
    assert_string_equal(v[0].name, "Active");
    assert_string_equal(v[1].name, "Expiring in 1 h");
    assert_string_equal(v[2].name, "All");
    assert_string_equal(v[2].filter, "");
    prefs_views_free(v, n);
    prefs_free(&p);

    const struct {
        const char *line, *want;
    } bad[] = {
        {"set columns = user,usr", "f:1: columns: unknown column 'usr' (did you mean user?)"},
        {"set columns = user:0", "f:1: columns: a width after ':' is a number from 1 to 200"},
        {"set columns = user:wide", "f:1: columns: a width after ':' is a number from 1 to 200"},
        {"set time = soon", "f:1: time is relative or absolute, not 'soon'"},
        {"view = x", "f:1: expected 'view NAME = FILTER [| sort COLUMN [desc]] [| columns LIST]'"},
        {"view x y", "f:1: expected 'view NAME = FILTER [| sort COLUMN [desc]] [| columns LIST]'"},
        {"view \"x = y", "f:1: a view's name in quotes is not closed"},
        {"view x = a | sort", "f:1: expected '| sort COLUMN [desc]' or '| columns LIST', not 'sort'"},
        {"view x = a | sort usr", "f:1: sort: unknown column 'usr' (did you mean user?)"},
        {"view x = a | colour red", "f:1: expected '| sort COLUMN [desc]' or '| columns LIST', "
                                    "not 'colour red'"},
    };
    for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
        prefs_init(&p);
        assert_int_equal(prefs_parse(&p, NULL, bad[i].line, "f"), 1);
        if (strncmp(p.errors[0], bad[i].want, strlen(bad[i].want)) != 0)
            fail_msg("%s: got %s, want %s", bad[i].line, p.errors[0], bad[i].want);
        assert_int_equal(p.n_views, 0);
        assert_false(p.has_columns);
        prefs_free(&p);
    }
}

static void test_errors(void **state)
{
    struct prefs p;
    struct keymap km;
    prefs_init(&p);
    keymap_init(&km);
    const char *text = "set theme = light\n"                 /* 1 ok */
                       "set colour = red\n"                  /* 2 */
                       "set read-only = maybe\n"             /* 3 */
                       "set refresh-interval = 3\n"          /* 4 */
                       "set refresh-interval = soon\n"       /* 5 */
                       "set sort = colour\n"                 /* 6 */
                       "bind q explode\n"                    /* 7 */
                       "unbind q\n"                          /* 8 */
                       "set theme\n"                         /* 9 */
                       "set mouse = no\n";                   /* 10 ok */
    assert_int_equal(prefs_parse(&p, &km, text, "/c/sesame.conf"), 8);
    assert_int_equal(p.n_errors, 8);
    assert_int_equal(p.n_errors_total, 8);
    const char *want[] = {
        "/c/sesame.conf:2: unknown setting 'colour' (theme, refresh-interval, read-only, mouse, "
        "sort, columns, time, expiring-bell, expiring-notify, on-expiring, redact)",
        "/c/sesame.conf:3: 'read-only' is yes or no, not 'maybe'",
        "/c/sesame.conf:4: refresh-interval: at least 5 seconds, or 0 for off",
        "/c/sesame.conf:5: refresh-interval 'soon': seconds from 0 (off) to 86400",
        "/c/sesame.conf:6: sort: unknown column 'colour'; the columns: "
        "provider, provider-id, account, account-id, user, user-id, session, client, status, "
        "created, last-active, expires, idle, device, browser, ip, place, country, flags",
        "/c/sesame.conf:7: unknown action 'explode' (see the help screen, ?)",
        "/c/sesame.conf:8: unknown command 'unbind' (set, bind, view)",
        "/c/sesame.conf:9: expected 'set NAME = VALUE'",
    };
    for (size_t i = 0; i < ARRAY_LEN(want); i++)
        assert_string_equal(p.errors[i], want[i]);
    /* the good lines still applied, the bad ones changed nothing */
    assert_string_equal(p.theme, "light");
    assert_false(p.mouse);
    assert_false(p.read_only);
    assert_int_equal(p.refresh_interval, 60);
    assert_null(p.sort_column);
    assert_int_equal(keymap_lookup(&km, 'q'), ACT_QUIT);
    /* more errors than kept: counted */
    assert_int_equal(prefs_parse(&p, &km, "x\ny\nz\n", "f"), 3);
    assert_int_equal(p.n_errors, PREFS_MAX_ERRORS);
    assert_int_equal(p.n_errors_total, 11);
    prefs_free(&p);
}

static void check_value_errors(const char *line, const char *want)
{
    struct prefs p;
    prefs_init(&p);
    assert_int_equal(prefs_parse(&p, NULL, line, "f"), 1);
    assert_string_equal(p.errors[0], want);
    prefs_free(&p);
}

static void test_value_errors(void **state)
{
    check_value_errors("set sort = expires sideways", "f:1: expected 'sort = COLUMN [desc]'");
    check_value_errors("set theme = a b", "f:1: 'theme' takes one value");
    check_value_errors("set theme =", "f:1: no value for 'theme'");
    check_value_errors("set = x", "f:1: expected one name between 'set' and '='");
    check_value_errors("set refresh-interval = 86401",
                       "f:1: refresh-interval '86401': seconds from 0 (off) to 86400");
    check_value_errors("set refresh-interval = -5",
                       "f:1: refresh-interval '-5': seconds from 0 (off) to 86400");
}

static void check_rewrite(const char *in, const char *col, bool desc, const char *want)
{
    char *out = prefs_rewrite_sort(in, col, desc);
    assert_string_equal(out, want);
    free(out);
}

static void test_rewrite_sort(void **state)
{
    /* replaced in place; every other byte kept (comments, spacing, CRLF) */
    check_rewrite("# mine\nset theme = light\r\nset sort = status\n  bind q quit # q!\n",
                  "expires", true,
                  "# mine\nset theme = light\r\nset sort = expires desc\n  bind q quit # q!\n");
    /* the forms a person may have written */
    check_rewrite("set sort=user\n", "created", false, "set sort = created\n");
    check_rewrite("   set  sort   =  user desc   # old\n", "ip", false, "set sort = ip\n");
    /* duplicates go; the first place is kept */
    check_rewrite("set sort = user\nset theme = x\nset sort = ip desc\n", "device", false,
                  "set sort = device\nset theme = x\n");
    /* appended when absent, with or without a final newline */
    check_rewrite("", "status", false, "set sort = status\n");
    check_rewrite("set theme = x\n", "status", true, "set theme = x\nset sort = status desc\n");
    check_rewrite("set theme = x", "status", true, "set theme = x\nset sort = status desc\n");
    /* last line without newline is replaced without adding one */
    check_rewrite("set theme = x\nset sort = user", "ip", false, "set theme = x\nset sort = ip");
    /* comments and other settings that merely mention sort are not it */
    check_rewrite("# set sort = user\nset sorted = 1\n", "ip", false,
                  "# set sort = user\nset sorted = 1\nset sort = ip\n");
    /* any setting, the same way: the columns chooser's, the time key's */
    char *out = prefs_rewrite_setting("set sort = ip\nset columns = user\nset time=relative\n",
                                      "columns", "account,user:30");
    assert_string_equal(out, "set sort = ip\nset columns = account,user:30\nset time=relative\n");
    free(out);
    out = prefs_rewrite_setting("set sort = ip\n", "time", "absolute");
    assert_string_equal(out, "set sort = ip\nset time = absolute\n");
    free(out);
}

static char *read_all(const char *path)
{
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    static char buf[4096];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    return xstrdup(buf);
}

static void test_save_and_load(void **state)
{
    char tmpl[] = "/tmp/sesame-prefs-XXXXXX";
    assert_non_null(mkdtemp(tmpl));
    char *path = xasprintf("%s/sesame.conf", tmpl);
    char *err = NULL;
    /* no file yet: loading changes nothing; saving creates it */
    struct prefs p;
    prefs_init(&p);
    assert_int_equal(prefs_load(&p, NULL, path), 0);
    assert_int_equal(prefs_save_sort(path, "created", true, &err), 0);
    assert_null(err);
    char *text = read_all(path);
    assert_string_equal(text, "set sort = created desc\n");
    free(text);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    /* a file with more in it: only the sort line changes */
    FILE *f = fopen(path, "w");
    fputs("# hand-written\nset theme = mono\nset sort = user\nbind ^R refresh-all\n", f);
    fclose(f);
    assert_int_equal(prefs_save_sort(path, "ip", false, &err), 0);
    text = read_all(path);
    assert_string_equal(text, "# hand-written\nset theme = mono\nset sort = ip\nbind ^R "
                              "refresh-all\n");
    free(text);
    struct keymap km;
    keymap_init(&km);
    assert_int_equal(prefs_load(&p, &km, path), 0);
    assert_string_equal(p.theme, "mono");
    assert_string_equal(p.sort_column, "ip");
    assert_int_equal(keymap_lookup(&km, KEY_CTRL('R')), ACT_REFRESH_ALL);
    /* unreadable (a directory): one error naming the path */
    assert_int_equal(prefs_load(&p, NULL, tmpl), 1);
    assert_non_null(strstr(p.errors[0], tmpl));
    prefs_free(&p);
    unlink(path);
    char *lock = xasprintf("%s/.lock", tmpl); /* config_lock's */
    unlink(lock);
    free(lock);
    assert_int_equal(rmdir(tmpl), 0);
    free(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_parse_all),
        cmocka_unit_test(test_every_sort_column),
        cmocka_unit_test(test_columns_time_views),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_expiring_and_redact),
        cmocka_unit_test(test_value_errors),
        cmocka_unit_test(test_rewrite_sort),
        cmocka_unit_test(test_save_and_load),
    };
    return cmocka_run_group_tests_name("prefs", tests, NULL, NULL);
}
