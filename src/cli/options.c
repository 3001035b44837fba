/* The options of every command read one way: the command's own, those
 * every command takes wherever they stand (--timeout, --help), and the
 * same errors for all ("unknown option --acount (did you mean
 * --account?)"). And the width of the terminal a table is for. */
#include "cli.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "suggest.h"
#include "util.h"

#define OPT_TIMEOUT 0x1000 /* past any character a command uses */
#define MAX_OPTIONS 32

int cli_parse_timeout(const char *arg, int64_t *ms)
{
    if (!arg || *arg < '0' || *arg > '9') /* strtol would take blanks and a sign */
        return ERR_USAGE;
    char *end = NULL;
    errno = 0;
    long secs = strtol(arg, &end, 10);
    if (*end || errno || secs < 1 || secs > 3600)
        return ERR_USAGE;
    *ms = secs * 1000LL;
    return 0;
}

/* opts with --timeout and --help added (unless it has them). */
static void with_globals(const struct option *opts, struct option *all)
{
    size_t n = 0;
    bool help = false;
    for (const struct option *o = opts; o && o->name && n < MAX_OPTIONS - 3; o++) {
        help |= strcmp(o->name, "help") == 0;
        all[n++] = *o;
    }
    all[n++] = (struct option){"timeout", required_argument, NULL, OPT_TIMEOUT};
    if (!help)
        all[n++] = (struct option){"help", no_argument, NULL, 'h'};
    all[n] = (struct option){NULL, 0, NULL, 0};
}

/* "--acount" or "--acount=x": the name of the long option typed, or NULL. */
static char *typed_name(const char *arg)
{
    if (!arg || strncmp(arg, "--", 2) != 0)
        return NULL;
    return xstrndup(arg + 2, strcspn(arg + 2, "="));
}

static void unknown(const char *command, const char *arg, const struct option *all)
{
    char *name = typed_name(arg);
    if (!name) {
        cli_usage_error(command, "unknown option %s", arg);
        return;
    }
    /* a start two options share: getopt_long calls it unknown too */
    const char *first = NULL, *second = NULL;
    struct suggest sg;
    suggest_init(&sg, name);
    for (const struct option *o = all; o->name; o++) {
        suggest_offer(&sg, o->name);
        if (*name && strncmp(o->name, name, strlen(name)) == 0) {
            if (!first)
                first = o->name;
            else if (!second)
                second = o->name;
        }
    }
    const char *best = suggest_best(&sg);
    if (second)
        cli_usage_error(command, "option --%s is ambiguous: --%s or --%s?", name, first, second);
    else if (best)
        cli_usage_error(command, "unknown option --%s (did you mean --%s?)", name, best);
    else
        cli_usage_error(command, "unknown option --%s", name);
    free(name);
}

int cli_getopt(const char *command, int argc, char **argv, const struct option *opts)
{
    struct option all[MAX_OPTIONS];
    with_globals(opts, all);
    opterr = 0;
    for (;;) {
        optopt = 0;
        int ch = getopt_long(argc, argv, ":h", all, NULL);
        switch (ch) {
        case OPT_TIMEOUT: {
            int64_t ms;
            if (cli_parse_timeout(optarg, &ms) != 0) {
                cli_usage_error(command, "--timeout wants a number of seconds from 1 to 3600");
                return '?';
            }
            cli_set_timeout_ms(ms);
            continue;
        }
        case ':':
            cli_usage_error(command, "%s needs a value", argv[optind - 1]);
            return '?';
        case '?':
            if (optopt)
                cli_usage_error(command, "unknown option -%c", optopt);
            else
                unknown(command, argv[optind - 1], all);
            return '?';
        default:
            return ch;
        }
    }
}

int cli_getopt_none(const char *command, int argc, char **argv, const struct option *opts)
{
    optind = 0;
    int ch = cli_getopt(command, argc, argv, opts);
    if (ch == -1)
        return 0;
    if (ch != 'h')
        return ERR_USAGE;
    cli_print_command_help(stdout, command);
    return -1;
}

int cli_terminal_width(void)
{
    if (!isatty(STDOUT_FILENO))
        return 0;
    struct winsize ws;
    if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
        return ws.ws_col;
    const char *cols = getenv("COLUMNS");
    char *end = NULL;
    long n = cols ? strtol(cols, &end, 10) : 0;
    if (cols && end && !*end && n > 0 && n < 100000)
        return (int)n;
    return 80;
}
