/* sesame token | verify: Clerk's session tokens. */
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "session_outcome.h"
#include "util.h"

/* The account and provider of a command, checked for a capability. */
static int resolve(struct cli *c, const char *name, unsigned cap, const char *what,
                   struct account **a, const struct provider **p)
{
    *a = cli_account(c, name);
    if (!*a)
        return ERR_USAGE;
    *p = cli_provider(*a);
    if (!*p)
        return ERR_CONFIG;
    if (!((*p)->caps & cap))
        return cli_error(ERR_USAGE, "%s sessions have no %s (only Clerk's do)", (*p)->title,
                         what);
    return 0;
}

const struct option cli_token_opts[] = {
    {"expires-in", required_argument, NULL, 'e'}, {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

int cmd_token(int argc, char **argv)
{
    long expires_in = 0;
    int ch;
    optind = 0;
    while ((ch = cli_getopt("token", argc, argv, cli_token_opts)) != -1) {
        switch (ch) {
        case 'e': {
            char *end;
            errno = 0;
            long v = strtol(optarg, &end, 10);
            if (errno || end == optarg || *end || v <= 0)
                return cli_usage_error("token", "--expires-in wants a number of seconds, not "
                                       "'%s'", optarg);
            expires_in = v;
            break;
        }
        case 'h': cli_print_command_help(stdout, "token"); return 0;
        default: return ERR_USAGE;
        }
    }
    int npos = argc - optind;
    if (npos < 2 || npos > 3)
        return cli_usage_error("token", "token wants ACCOUNT, SESSION and optionally TEMPLATE");
    struct cli c;
    int rc = cli_init(&c);
    if (rc)
        return rc;
    struct account *a;
    const struct provider *p;
    rc = resolve(&c, argv[optind], CAP_TOKEN, "tokens", &a, &p);
    if (rc)
        goto out;
    struct op_args args = {0};
    args.session_id = xstrdup(argv[optind + 1]);
    args.template_name = npos == 3 ? xstrdup(argv[optind + 2]) : NULL;
    args.expires_in_seconds = expires_in;
    struct event ev;
    rc = cli_wait(&c, cli_submit_op(&c, a, OP_TOKEN, &args), &ev);
    if (rc) {
        cli_error(rc, "%s: %s", a->label, ev.error);
    } else if (str_empty(ev.result.token)) {
        rc = cli_error(ERR_PROVIDER, "%s: no token in the answer", a->label);
    } else if ((rc = cli_write_secret_line(ev.result.token)) != 0) {
        /* an errno: nothing to say when the reader had what it wanted */
        rc = stdout_reader_gone(rc) ? 0 : cli_error(ERR_INTERNAL, "cannot write the token to "
                                                    "standard output: %s", strerror(rc));
    }
    event_free(&ev);
out:
    cli_done(&c);
    return rc;
}

const struct option cli_verify_opts[] = {
    {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0},
};

int cmd_verify(int argc, char **argv)
{
    int opt = cli_getopt_none("verify", argc, argv, cli_verify_opts);
    if (opt)
        return opt < 0 ? 0 : opt;
    int first = optind;
    if (argc - first != 2)
        return cli_usage_error("verify", "verify wants ACCOUNT and SESSION (the token is read "
                               "from the terminal or standard input, never the command line)");
    struct cli c;
    int rc = cli_init(&c);
    if (rc)
        return rc;
    struct account *a;
    const struct provider *p;
    rc = resolve(&c, argv[first], CAP_VERIFY, "verify", &a, &p);
    if (rc)
        goto out;
    char *token = NULL, *err = NULL;
    rc = cli_read_secret("Session token (the __session JWT)", &token, &err);
    if (rc) {
        cli_error(rc, "the session token: %s", err ? err : "cannot read it");
        free(err);
        goto out;
    }
    if (str_empty(token)) {
        wipe_free(token);
        rc = cli_error(ERR_USAGE, "the session token was empty");
        goto out;
    }
    struct op_args args = {0};
    args.session_id = xstrdup(argv[first + 1]);
    args.verify_token = token; /* wiped with the job */
    struct event ev;
    rc = cli_wait(&c, cli_submit_op(&c, a, OP_VERIFY, &args), &ev);
    char *why = NULL;
    const struct session *s = rc ? NULL
                                 : session_answered(p, argv[first + 1], "verify", &ev.result, &why);
    if (rc) {
        cli_error(rc, "%s: %s", a->label, ev.error);
    } else if (!s) {
        rc = cli_error(ERR_PROVIDER, "%s: %s", a->label, why);
    } else {
        printf("session %s verified: %s says %s\n", s->id, p->title,
               session_status_name(s->status));
    }
    free(why);
    event_free(&ev);
out:
    cli_done(&c);
    return rc;
}
