/* sesame open: the session_uri of an Apideck Vault session, from the
 * keyring into a browser (or onto stdout with --print). */
#include "cli.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "util.h"

extern char **environ;

#define START_CHECK_MS 1000

/* Run argv without a shell; 0 once it started and did not fail within a
 * second, else an errno or -1 (exited non-zero, *status set). */
static int spawn_browser(char **argv, int *status)
{
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t attr;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    posix_spawnattr_init(&attr);
    sigset_t def;
    sigemptyset(&def);
    sigaddset(&def, SIGPIPE);
    sigaddset(&def, SIGINT);
    posix_spawnattr_setsigdefault(&attr, &def);
    sigset_t none;
    sigemptyset(&none);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
    pid_t pid;
    int rc = posix_spawnp(&pid, argv[0], &fa, &attr, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&attr);
    if (rc != 0)
        return rc;
    /* started; a launcher like xdg-open answers at once, a browser runs on */
    for (int waited = 0; waited < START_CHECK_MS; waited += 50) {
        int st;
        pid_t r = waitpid(pid, &st, WNOHANG);
        if (r == pid) {
            if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
                return 0;
            *status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
            return -1;
        }
        if (r < 0)
            return 0;
        struct timespec ts = {0, 50 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    return 0;
}

/* $BROWSER (entries separated by ':', each may hold %s), else xdg-open.
 * 0 when one started, else ERR_USAGE with the reason printed. */
static int open_url(const char *url)
{
    const char *env = getenv("BROWSER");
    char **entries = NULL;
    size_t n = 0;
    if (!str_empty(env)) {
        char *copy = xstrdup(env);
        char *save = NULL;
        for (char *e = strtok_r(copy, ":", &save); e; e = strtok_r(NULL, ":", &save)) {
            entries = xrealloc(entries, (n + 1) * sizeof *entries);
            entries[n++] = xstrdup(e);
        }
        free(copy);
    } else {
        entries = xmalloc(sizeof *entries);
        entries[n++] = xstrdup("xdg-open");
    }
    int rc = ERR_USAGE;
    char *why = NULL;
    for (size_t i = 0; i < n && rc; i++) {
        char **argv = cli_browser_argv(entries[i], url);
        if (!argv)
            continue;
        int status = 0;
        int e = spawn_browser(argv, &status);
        if (e == 0) {
            rc = 0;
        } else {
            free(why);
            why = e > 0 ? xasprintf("%s: %s", argv[0], strerror(e))
                        : xasprintf("%s exited with status %d", argv[0], status);
        }
        cli_strv_free(argv);
    }
    for (size_t i = 0; i < n; i++)
        free(entries[i]);
    free(entries);
    if (rc)
        cli_error(rc, "no browser found%s%s%s: use --print", why ? " (" : "", why ? why : "",
                  why ? ")" : "");
    free(why);
    return rc;
}

int cmd_open(int argc, char **argv)
{
    static const struct option opts[] = {
        {"print", no_argument, NULL, 'p'}, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0},
    };
    bool print = false;
    int ch;
    optind = 0;
    opterr = 0;
    while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (ch) {
        case 'p': print = true; break;
        case 'h': cli_print_usage(stdout, "open"); return 0;
        default: return cli_usage_error("open", "unknown option %s", argv[optind - 1]);
        }
    }
    if (argc - optind != 2)
        return cli_usage_error("open", "open wants ACCOUNT and SESSION");
    const char *name = argv[optind], *sid = argv[optind + 1];
    struct cli c;
    int rc = cli_init(&c);
    if (rc)
        return rc;
    struct account *a = cli_account(&c, name);
    const struct provider *p = a ? cli_provider(a) : NULL;
    struct session s = {0};
    bool found = false;
    char *err = NULL;
    if (!p) {
        rc = a ? ERR_CONFIG : ERR_USAGE;
        goto out;
    }
    if (!(p->caps & CAP_OPEN_URL)) {
        rc = cli_error(ERR_USAGE, "%s sessions have no URL to open (Apideck Vault's do)",
                       p->title);
        goto out;
    }
    rc = cli_state_find(a->id, sid, &s, &found, &err);
    if (rc) {
        cli_error(rc, "%s", err ? err : "cannot read the state");
        goto out;
    }
    if (!found) {
        rc = cli_error(ERR_USAGE, "%s has no tracked session '%s' (see 'sesame sessions "
                       "--account %s')", a->label, sid, name);
        goto out;
    }
    if (s.expires_ms > 0 && s.expires_ms <= now_ms())
        cli_error(0, "warning: session %s has expired; %s will likely refuse it", sid,
                  p->title);
    struct event ev;
    rc = cli_wait(&c, cli_submit_secret(&c, a, JOB_SECRET_LOOKUP, "session_uri", sid, NULL),
                  &ev);
    if (rc) {
        cli_error(rc, "%s: %s", a->label, ev.error);
    } else if (str_empty(ev.secret)) {
        rc = cli_error(ERR_KEYRING, "%s: the keyring holds no URL for session %s", a->label, sid);
    } else if (print) {
        if (cli_write_secret_line(ev.secret) != 0)
            rc = cli_error(ERR_INTERNAL, "cannot write the URL to standard output");
    } else {
        rc = open_url(ev.secret);
        if (rc == 0)
            printf("opened session %s in the browser\n", sid);
    }
    event_free(&ev);
out:
    session_free(&s);
    free(err);
    cli_done(&c);
    return rc;
}
