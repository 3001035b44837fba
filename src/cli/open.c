/* sesame open: the session_uri of an Apideck Vault session, from the
 * keyring into a browser (or onto stdout with --print). */
#include "cli.h"
#include "state.h"

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

#include "browser.h"
#include "util.h"

/* $BROWSER or xdg-open; 0 when one started, else ERR_USAGE printed. */
static int open_url(const char *url, const char *sid)
{
    char *why = NULL;
    int rc = browser_open(url, &why);
    if (rc)
        cli_error(rc, "would open %s's Vault page, but %s (--print writes the URL)", sid,
                  why ? why : "no browser started");
    free(why);
    return rc;
}

const struct option cli_open_opts[] = {
    {"print", no_argument, NULL, 'p'}, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0},
};

int cmd_open(int argc, char **argv)
{
    bool print = false;
    int ch;
    optind = 0;
    while ((ch = cli_getopt("open", argc, argv, cli_open_opts)) != -1) {
        switch (ch) {
        case 'p': print = true; break;
        case 'h': cli_print_command_help(stdout, "open"); return 0;
        default: return ERR_USAGE;
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
    if (!p) {
        rc = a ? ERR_CONFIG : ERR_USAGE;
        goto out;
    }
    if (!(p->caps & CAP_OPEN_URL)) {
        rc = cli_error(ERR_USAGE, "%s sessions have no URL to open (Apideck Vault's do)",
                       p->title);
        goto out;
    }
    rc = cli_tracked_session(a, name, sid, &s);
    if (rc)
        goto out;
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
        int e = cli_write_secret_line(ev.secret);
        if (e && !stdout_reader_gone(e))
            rc = cli_error(ERR_INTERNAL, "cannot write the URL to standard output: %s",
                           strerror(e));
    } else if (!http_url_openable(ev.secret)) {
        rc = cli_error(ERR_USAGE, "%s: the URL %s gave session %s is not an http(s) URL: not "
                       "opened (--print shows it)", a->label, p->title, sid);
    } else {
        rc = open_url(ev.secret, sid);
        if (rc == 0)
            printf("opened session %s in the browser\n", sid);
    }
    event_free(&ev);
out:
    session_free(&s);
    cli_done(&c);
    return rc;
}
