/* The table of headless commands and the help text. */
#include "cli.h"

#include <string.h>

#include "util.h"

static const char account_details[] =
    "ACCOUNT is an account's id, or its label in any case ('clerk prod' names \"Clerk\n"
    "prod\"); id:ID names it by its id alone. A name that could mean two accounts\n"
    "(one's id and another's label, or two labels) is refused, and the candidates are\n"
    "listed. A label that would name another account too is refused.\n"
    "\n"
    "add: the secret fields are read from the terminal without echo or, when standard\n"
    "input is not a terminal, one line each from it in the provider's field order.\n"
    "--set KEY=VALUE gives the others; each value is checked (an e-mail address, an\n"
    "http(s) URL, a session length such as 30m or 1w). Before anything is saved, the\n"
    "credentials are tried with one read: Clerk GET /users?limit=1, Basis Theory\n"
    "GET /applications/key (each key given; its application must be of the kind the\n"
    "key is given as), Apideck Vault GET /vault/connections. A refused key, or an\n"
    "answer not as documented, ends the add with exit status 3, an unreachable\n"
    "provider with 4; --no-check saves without trying. Plantly and CBRAIN have no\n"
    "read that does not log in: their credentials are first tried by 'sesame create'.\n"
    "--ca-file FILE: CA certificates (PEM) the account trusts as well; a FIFO,\n"
    "directory or device in its place is refused, when given and before any request.\n"
    "\n"
    "edit: changes what is given and keeps the rest. --set KEY= clears an optional\n"
    "field, --base-url '' goes back to the provider's own, --no-allow-http takes back\n"
    "--allow-http. --secret KIND (api_key, password ...) reads that secret anew, as\n"
    "add does (it is not tried: a wrong one shows at its first use).\n"
    "\n"
    "remove: the account's keyring items, its tracked sessions and its entry in\n"
    "accounts.conf go (its sessions at the provider are not ended); then prune runs.\n"
    "\n"
    "prune: removes the keyring items of sesame (application=sesame) whose account is\n"
    "not in accounts.conf, e.g. left by an add that was killed, or whose session is not\n"
    "tracked, e.g. left by a revoke that was killed, and lists each one; with --dry-run\n"
    "it only lists them. It removes the temporary files of killed writers too.\n";

static const struct cli_command commands[] = {
    {"account", cmd_account,
     "sesame account add PROVIDER --label NAME [--base-url URL] [--ca-file FILE]\n"
     "           [--allow-http] [--set KEY=VALUE]... [--no-check]\n"
     "sesame account edit ACCOUNT [--label NAME] [--base-url URL] [--ca-file FILE]\n"
     "           [--allow-http | --no-allow-http] [--set KEY=VALUE]... [--secret KIND]...\n"
     "sesame account list [--json]\n"
     "sesame account remove ACCOUNT\n"
     "sesame account prune [--dry-run]",
     "add, edit, list or remove accounts (secrets go to the keyring)", account_details},
    {"sessions", cmd_sessions,
     "sesame sessions [--account ACCOUNT] [--status STATUS] [--window 7d|30d|all] [--json]",
     "list the sessions of every account (or one)", NULL},
    {"refresh", cmd_refresh, "sesame refresh ACCOUNT [SESSION] [--json]",
     "refresh (Plantly), check (CBRAIN) or re-read (Clerk) sessions", NULL},
    {"create", cmd_create,
     "sesame create ACCOUNT [--options JSON|@FILE] [--permission P]...\n"
     "           [--rules JSON|@FILE] [--expires-at ISO] [--json]",
     "create a session, or log in (Plantly, CBRAIN)", NULL},
    {"authorize", cmd_authorize,
     "sesame authorize ACCOUNT SESSION [--permission P]... [--rules JSON|@FILE]\n"
     "           [--expires-at ISO] [--json]",
     "grant a Basis Theory session permissions or access rules", NULL},
    {"revoke", cmd_revoke, "sesame revoke ACCOUNT SESSION [--forget]",
     "revoke (Clerk), log out (Plantly, CBRAIN) or forget a session", NULL},
    {"token", cmd_token, "sesame token ACCOUNT SESSION [TEMPLATE] [--expires-in SECONDS]",
     "print a Clerk JWT for a session (from a JWT template)", NULL},
    {"verify", cmd_verify, "sesame verify ACCOUNT SESSION",
     "verify a Clerk session token read from the terminal or stdin", NULL},
    {"open", cmd_open, "sesame open ACCOUNT SESSION [--print]",
     "open an Apideck Vault session in the browser, or print its URL", NULL},
    {NULL, NULL, NULL, NULL, NULL},
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
            "requests it may send per window (default: half the provider's documented limit),\n"
            "all the sesame processes of yours on this machine together.\n\n"
            "ACCOUNT is an account's id, or its label in any case (id:ID: the id alone); a name\n"
            "that could mean two accounts is refused. Secret fields (API keys, passwords) are\n"
            "never taken from the command line: 'account add' asks for them on the terminal\n"
            "without echo, or, when standard input is not a terminal, reads one line per secret\n"
            "field from it in the provider's field order (an empty line skips an optional one),\n"
            "and tries them with one read before it saves anything (Clerk, Basis Theory,\n"
            "Apideck Vault; not Plantly or CBRAIN, which have no read without a login;\n"
            "--no-check skips it). 'sesame account --help' says more.\n"
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
            "     or status not as documented, a revoke that did not end the session)\n"
            "  4  network: unreachable, timeout, TLS, a body cut short, 5xx after retries\n"
            "  5  keyring: no Secret Service, locked, or a secret missing\n"
            "  6  config: config or state file unreadable or malformed\n");
}
