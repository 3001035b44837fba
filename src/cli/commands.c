/* The table of headless commands and the help text. */
#include "cli.h"

#include <string.h>

#include "util.h"

static const struct cli_command commands[] = {
    {"account", cmd_account,
     "sesame account add PROVIDER --label NAME [--base-url URL] [--ca-file FILE]\n"
     "           [--allow-http] [--set KEY=VALUE]...\n"
     "sesame account list [--json]\n"
     "sesame account remove ACCOUNT",
     "add, list or remove accounts (secrets go to the keyring)"},
    {"sessions", cmd_sessions,
     "sesame sessions [--account ACCOUNT] [--status STATUS] [--window 7d|30d|all] [--json]",
     "list the sessions of every account (or one)"},
    {"refresh", cmd_refresh, "sesame refresh ACCOUNT [SESSION] [--json]",
     "refresh (Plantly), check (CBRAIN) or re-read (Clerk) sessions"},
    {"create", cmd_create,
     "sesame create ACCOUNT [--options JSON|@FILE] [--permission P]...\n"
     "           [--rules JSON|@FILE] [--expires-at ISO] [--json]",
     "create a session, or log in (Plantly, CBRAIN)"},
    {"authorize", cmd_authorize,
     "sesame authorize ACCOUNT SESSION [--permission P]... [--rules JSON|@FILE]\n"
     "           [--expires-at ISO] [--json]",
     "grant a Basis Theory session permissions or access rules"},
    {"revoke", cmd_revoke, "sesame revoke ACCOUNT SESSION [--forget]",
     "revoke (Clerk), log out (Plantly, CBRAIN) or forget a session"},
    {"token", cmd_token, "sesame token ACCOUNT SESSION [TEMPLATE] [--expires-in SECONDS]",
     "print a Clerk JWT for a session (from a JWT template)"},
    {"verify", cmd_verify, "sesame verify ACCOUNT SESSION",
     "verify a Clerk session token read from the terminal or stdin"},
    {"open", cmd_open, "sesame open ACCOUNT SESSION [--print]",
     "open an Apideck Vault session in the browser, or print its URL"},
    {NULL, NULL, NULL, NULL},
};

const struct cli_command *cli_commands(void)
{
    return commands;
}

const struct cli_command *cli_find(const char *name)
{
    for (const struct cli_command *c = commands; name && c->name; c++)
        if (strcmp(c->name, name) == 0)
            return c;
    return NULL;
}

int cli_dispatch(int argc, char **argv)
{
    const struct cli_command *c = cli_find(argv[0]);
    if (!c)
        return cli_error(ERR_USAGE, "unknown command '%s' (see 'sesame --help')", argv[0]);
    return c->run(argc, argv);
}

void cli_print_help(FILE *out)
{
    fprintf(out,
            "sesame %s - see and control sessions at Clerk, Basis Theory, Plantly, CBRAIN and "
            "Apideck Vault\n\n"
            "usage: sesame [--theme NAME] [--read-only] [--no-color]   open the dashboard\n"
            "       sesame [--timeout SECONDS] COMMAND [ARGS]          run one command and exit\n"
            "       sesame --help | --version\n\n"
            "Dashboard options:\n"
            "  --theme NAME   colour theme (a name from the themes directory, or a file path)\n"
            "  --read-only    no revoke, log out, create or other changing action\n"
            "  --no-color     no colours (also when NO_COLOR is set)\n\n"
            "Command options:\n"
            "  --timeout SECONDS  give up on an operation that makes no progress for this long\n"
            "                     (default 30); a listing that paces itself goes on\n\n"
            "Commands:\n",
            SESAME_VERSION);
    for (const struct cli_command *c = commands; c->name; c++) {
        fprintf(out, "  %-10s %s\n", c->name, c->summary);
        const char *u = c->usage;
        while (*u) {
            size_t n = strcspn(u, "\n");
            fprintf(out, "             %.*s\n", (int)n, u);
            u += n;
            if (*u == '\n')
                u++;
        }
    }
    fprintf(out, "\nProviders and their fields (for account add; * = required, "
                 "secret = asked, never --set):\n");
    for (const struct provider *const *p = provider_all(); *p; p++) {
        fprintf(out, "  %-12s", (*p)->id);
        for (const struct field *f = (*p)->fields; f && f->key; f++)
            fprintf(out, " %s%s%s", f->key, f->flags & FIELD_REQUIRED ? "*" : "",
                    f->flags & FIELD_SECRET ? "(secret)" : "");
        fprintf(out, "\n");
    }
    fprintf(out,
            "\n"
            "Every account also takes --set rate_limit=N/10s (or 5/1s, 300/1m, off): the\n"
            "requests it may send per window (default: half the provider's documented limit).\n\n"
            "ACCOUNT is an account's id or label. Secret fields (API keys, passwords) are never\n"
            "taken from the command line: 'account add' asks for them on the terminal without\n"
            "echo, or, when standard input is not a terminal, reads one line per secret field\n"
            "from it in the provider's field order (an empty line skips an optional one).\n"
            "'verify' reads the session token the same way. 'revoke --forget' drops a tracked\n"
            "session here without asking the provider. 'sessions' lists account by account\n"
            "as configured, newest first, ties by session id; a status is the provider's,\n"
            "but a live session past its expiry or idle limit is expired or abandoned.\n"
            "--json output is described in docs/json.md. 'sesame COMMAND --help' shows one\n"
            "command.\n\n"
            "Environment:\n"
            "  SESAME_CONFIG_DIR  accounts (default $XDG_CONFIG_HOME/sesame)\n"
            "  SESAME_STATE_DIR   tracked sessions (default $XDG_STATE_HOME/sesame)\n"
            "  BROWSER            browser for 'open' (':'-separated list, %%s = the URL); "
            "else xdg-open\n"
            "  NO_COLOR           no colours in the dashboard\n\n"
            "Exit status:\n"
            "  0  success\n"
            "  1  internal error\n"
            "  2  usage: bad arguments or input, unknown account or session\n"
            "  3  the provider refused or answered unexpectedly (4xx, a redirect, a body\n"
            "     not as documented, a revoke that did not end the session)\n"
            "  4  network: unreachable, timeout, TLS, a body cut short, 5xx after retries\n"
            "  5  keyring: no Secret Service, locked, or a secret missing\n"
            "  6  config: config or state file unreadable or malformed\n");
}
