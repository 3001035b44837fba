/* sesame: a terminal dashboard of sessions at Clerk, Basis Theory, Plantly,
 * CBRAIN and Apideck Vault. With no command it opens the dashboard (ui/);
 * with one it runs it headless (src/cli/) and exits with an enum
 * sesame_err. */
#include <errno.h>
#include <locale.h>
#include <malloc.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

#include "cli/cli.h"
#include "ui.h"
#include "util.h"

/* Secrets pass through this process: never into a core dump, and no
 * other process of the user may ptrace it or read its memory. */
static void harden(void)
{
    struct rlimit no_core = {0, 0};
    setrlimit(RLIMIT_CORE, &no_core);
    prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
}

/* Big arrays (a 100k-session list is 11 MB) straight from the system and
 * back to it when freed. glibc otherwise raises its mmap threshold after the
 * first such free, and later lists grow by realloc inside the heap, leaving
 * holes that stay resident: measured +1.2 MB peak RSS over 100k sessions. */
static void tune_malloc(void)
{
    mallopt(M_MMAP_THRESHOLD, 256 * 1024);
}

/* What was printed reached standard output, or its reader had what it
 * wanted and closed the pipe (`sesame sessions | head -1`, `--help |
 * false`): then the status stands and nothing is said. Any other failure
 * to write (`>/dev/full`) is an error: said, and exit 1 if all else went
 * well. Every path that prints ends here. */
static int finish_stdout(int rc)
{
    errno = 0;
    if (fflush(stdout) == 0 && !ferror(stdout))
        return rc;
    int e = errno;
    if (stdout_reader_gone(e))
        return rc;
    fprintf(stderr, "sesame: cannot write to standard output%s%s\n", e ? ": " : "",
            e ? strerror(e) : "");
    return rc ? rc : ERR_INTERNAL;
}

static int usage_error(const char *fmt, const char *arg)
{
    fprintf(stderr, "sesame: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, " (see 'sesame --help')\n");
    return ERR_USAGE;
}

int main(int argc, char **argv)
{
    harden();
    tune_malloc();
    setlocale(LC_ALL, "");
    /* A closed pipe shows up as a write error (finish_stdout), not as a
     * silent death by SIGPIPE; children get it back (browser.c). */
    signal(SIGPIPE, SIG_IGN);

    struct ui_options ui = {0};
    const char *no_color = getenv("NO_COLOR");
    ui.no_color = no_color && *no_color;
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--") == 0) {
            i++;
            break;
        } else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            cli_print_help(stdout);
            return finish_stdout(0);
        } else if (strcmp(a, "--version") == 0 || strcmp(a, "-V") == 0) {
            printf("sesame %s\n", SESAME_VERSION);
            return finish_stdout(0);
        } else if (strcmp(a, "--read-only") == 0) {
            ui.read_only = true;
        } else if (strcmp(a, "--no-color") == 0 || strcmp(a, "--no-colour") == 0) {
            ui.no_color = true;
        } else if (strcmp(a, "--redact") == 0) {
            ui.redact = true;
        } else if (strcmp(a, "--theme") == 0) {
            if (i + 1 >= argc || str_empty(argv[i + 1]))
                return usage_error("%s needs a theme name", a);
            ui.theme = argv[++i];
        } else if (strcmp(a, "--timeout") == 0) {
            int64_t ms;
            if (i + 1 >= argc || cli_parse_timeout(argv[i + 1], &ms) != 0)
                return usage_error("%s wants a number of seconds from 1 to 3600", a);
            cli_set_timeout_ms(ms);
            i++;
        } else if (strncmp(a, "--theme=", 8) == 0 && a[8]) {
            ui.theme = a + 8;
        } else {
            return usage_error("unknown option %s", a);
        }
    }
    if (i >= argc)
        return ui_run(&ui);

    if (strcmp(argv[i], "help") == 0) {
        if (i + 1 >= argc || strcmp(argv[i + 1], "help") == 0) { /* help help: this */
            cli_print_help(stdout);
            return finish_stdout(0);
        }
        if (!cli_find(argv[i + 1]))
            return cli_unknown_command(argv[i + 1]);
        cli_print_command_help(stdout, argv[i + 1]);
        return finish_stdout(0);
    }
    if (ui.theme)
        return usage_error("%s applies to the dashboard only", "--theme");
    if (ui.read_only)
        return usage_error("%s applies to the dashboard only: a command does only what it "
                           "names", "--read-only");
    if (ui.redact)
        return usage_error("%s applies to the dashboard only", "--redact");
    return finish_stdout(cli_dispatch(argc - i, argv + i));
}
