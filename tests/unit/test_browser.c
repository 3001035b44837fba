/* browser.c: $BROWSER entries into argv, and starting one without a shell. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "browser.h"
#include "util.h"

/* ---- $BROWSER ------------------------------------------------------------------ */

static void test_browser_argv(void **state)
{
    const char *url = "https://vault.example/session/abc?x=1";
    char **v = browser_argv("firefox", url);
    assert_string_equal(v[0], "firefox");
    assert_string_equal(v[1], url);
    assert_null(v[2]);
    strv_free(v);

    v = browser_argv("  chromium --new-window  %s ", url);
    assert_string_equal(v[0], "chromium");
    assert_string_equal(v[1], "--new-window");
    assert_string_equal(v[2], url);
    assert_null(v[3]);
    strv_free(v);

    v = browser_argv("w3m --url=%s --dump", url);
    assert_string_equal(v[1], "--url=https://vault.example/session/abc?x=1");
    assert_string_equal(v[2], "--dump");
    assert_null(v[3]);
    strv_free(v);

    assert_null(browser_argv("   ", url));
    assert_null(browser_argv("", url));
}

static void test_spawn_runs_browser_with_url(void **state)
{
    char dir[] = "/tmp/sesame-browser.XXXXXX";
    assert_non_null(mkdtemp(dir));
    char *out = xasprintf("%s/url", dir);
    char *entry = xasprintf("sh -c 'printf %%s \"$0\" > %s'", out);
    /* browser_argv splits on blanks only: use a script instead of quoting */
    char *script = xasprintf("%s/browser", dir);
    FILE *f = fopen(script, "w");
    fprintf(f, "#!/bin/sh\nprintf %%s \"$1\" > %s\n", out);
    fclose(f);
    chmod(script, 0700);
    setenv("BROWSER", script, 1);
    char *why = NULL;
    assert_int_equal(browser_open("https://vault.example/s/abc", &why), 0);
    char buf[128] = {0};
    f = fopen(out, "r");
    assert_non_null(f);
    assert_non_null(fgets(buf, sizeof buf, f));
    fclose(f);
    assert_string_equal(buf, "https://vault.example/s/abc");

    setenv("BROWSER", "/nonexistent/browser", 1);
    assert_int_equal(browser_open("https://x", &why), ERR_USAGE);
    assert_non_null(strstr(why, "/nonexistent/browser"));
    free(why);
    unsetenv("BROWSER");
    unlink(out);
    unlink(script);
    rmdir(dir);
    free(out);
    free(entry);
    free(script);
}

/* Without $BROWSER: xdg-open needs a desktop and must be installed; the
 * reason says how to set $BROWSER, and nothing is started. */
static void test_missing(void **state)
{
    unsetenv("BROWSER");
    unsetenv("DISPLAY");
    unsetenv("WAYLAND_DISPLAY");
    char *why = browser_missing();
    assert_non_null(why);
    assert_string_equal(why, "no desktop ($DISPLAY unset); set $BROWSER, e.g. w3m");
    free(why);
    pid_t pid = 0;
    assert_int_equal(browser_spawn("https://vault.example/s/abc", true, &pid, &why), ERR_USAGE);
    assert_int_equal(pid, 0);
    assert_non_null(strstr(why, "set $BROWSER"));
    assert_null(strstr(why, "vault.example")); /* the URL is a secret */
    free(why);
    char *path = xstrdup(getenv("PATH"));
    setenv("WAYLAND_DISPLAY", "wayland-0", 1);
    setenv("PATH", "/nonexistent", 1);
    why = browser_missing();
    assert_non_null(why);
    assert_string_equal(why, "xdg-open is missing; set $BROWSER, e.g. firefox");
    free(why);
    setenv("PATH", path, 1);
    free(path);
    setenv("BROWSER", "anything", 1); /* the user's word */
    assert_null(browser_missing());
    unsetenv("BROWSER");
    unsetenv("WAYLAND_DISPLAY");
}

/* $BROWSER a:b: b is tried when a does not start. */
static void test_next_entry(void **state)
{
    setenv("BROWSER", "/nonexistent/one:/bin/true", 1);
    char *why = NULL;
    pid_t pid = 0;
    assert_int_equal(browser_spawn("https://x.example/", true, &pid, &why), 0);
    assert_null(why);
    assert_true(pid > 0);
    int st;
    assert_int_equal(waitpid(pid, &st, 0), pid);
    setenv("BROWSER", "/nonexistent/one:/nonexistent/two", 1);
    assert_int_equal(browser_spawn("https://x.example/", true, &pid, &why), ERR_USAGE);
    assert_non_null(strstr(why, "/nonexistent/two")); /* the last one tried */
    free(why);
    unsetenv("BROWSER");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_browser_argv),
        cmocka_unit_test(test_spawn_runs_browser_with_url),
        cmocka_unit_test(test_missing),
        cmocka_unit_test(test_next_entry),
    };
    return cmocka_run_group_tests_name("browser", tests, NULL, NULL);
}
