/* The table of headless commands and the help text. */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

#include "journal.h"
#include "suggest.h"
#include "util.h"

static const char account_details[] =
    "Add, change, list and remove the accounts sesame knows: one set of credentials at\n"
    "one provider each. Their secrets go to the keyring; the rest to accounts.conf.\n"
    "\n"
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
    "Forgetting tracked sessions is a change: an account with read_only = yes is not\n"
    "removed (set read_only=no first), one with production = yes needs its label typed\n"
    "on a terminal or given with --confirm LABEL. The journal line says how many\n"
    "tracked sessions were forgotten.\n"
    "\n"
    "prune: removes the keyring items of sesame (application=sesame) whose account is\n"
    "not in accounts.conf, e.g. left by an add that was killed, or whose session is not\n"
    "tracked, e.g. left by a revoke that was killed, and lists each one; with --dry-run\n"
    "it only lists them. It removes the temporary files of killed writers too.\n"
    "\n"
    "Options:\n"
    "  --label NAME        the account's name (add: required)\n"
    "  --base-url URL      talk to this server instead of the provider's own ('': back)\n"
    "  --ca-file FILE      trust the CA certificates in FILE (PEM) as well\n"
    "  --allow-http        allow plain http:// to a host that is not loopback\n"
    "  --no-allow-http     edit: take --allow-http back\n"
    "  --set KEY=VALUE     a non-secret field of the provider (see 'sesame --help')\n"
    "  --secret KIND       edit: read this secret anew (api_key, password ...)\n"
    "  --no-check          add: save without trying the keys\n"
    "  --json              list: JSON (docs/json.md)\n"
    "  --dry-run           prune: only list what would go\n"
    "\n"
    "Examples:\n"
    "  sesame account add clerk --label 'Clerk prod'           # asks for the secret key\n"
    "  printf '%s\\n%s\\n' \"$PUB\" \"$PRIV\" | sesame account add basistheory --label BT\n"
    "  sesame account add apideck --label Vault --set app_id=my-app --set consumer_id=acme\n"
    "  sesame account edit 'clerk prod' --secret api_key\n"
    "  sesame account list --json\n"
    "  sesame account remove clerk-prod\n";

static const char sessions_details[] =
    "List the sessions of every account (or of one): a table for people, TSV or CSV to\n"
    "hand on, or JSON for scripts. Accounts come in the order of the configuration,\n"
    "each account's newest session first, ties by session id. A status is the\n"
    "provider's, but a live session past its expiry or idle limit is expired or\n"
    "abandoned. An account that cannot be read is reported on stderr; the others are\n"
    "still listed.\n"
    "\n"
    "Options:\n"
    "  --account ACCOUNT     only this account (its id, or its label in any case)\n"
    "  --status STATUS       only this status: active, pending, revoked, ended, expired,\n"
    "                        removed, abandoned, replaced, unknown\n"
    "  --filter QUERY        only what the query keeps, as the dashboard's / does: words\n"
    "                        that must all be found (in any column, case aside), \"a\n"
    "                        phrase\", field:value (user:ada status:active account:prod\n"
    "                        country:FR; a field is a column name below, or id, last,\n"
    "                        flag), !word or !field:value (must not be found)\n"
    "  --columns LIST        the columns of the table, TSV or CSV, by name, comma-\n"
    "                        separated (the names below; as set columns = in sesame.conf)\n"
    "  --format FORMAT       table (the default), tsv, csv or json (docs/json.md)\n"
    "  --json                the same as --format json\n"
    "  --time relative|absolute\n"
    "                        times as \"3h ago\" and \"in 12m 05s\" (the table's default)\n"
    "                        or as \"2026-12-06 14:03\" (the default of tsv and csv)\n"
    "  --window 7d|30d|all   Clerk: the users active within this window (default: the\n"
    "                        account's session_window)\n"
    "\n"
    "On a terminal the table fits its width: the columns least needed go first and long\n"
    "values are cut with a mark, but the session id and the account label stay readable.\n"
    "Piped or written to a file, nothing is cut. TSV writes a tab, a line break and a\n"
    "backslash in a value as \\t, \\n and \\\\; CSV quotes as RFC 4180 says and ends\n"
    "lines with CRLF; both put a ' before a value that begins with = + - or @ (so that a\n"
    "spreadsheet does not run it). A value nobody knows is '-' in the table and empty\n"
    "in TSV and CSV; the first line of TSV and CSV names the columns.\n";

static const char sessions_examples[] =
    "Examples:\n"
    "  sesame sessions --status active\n"
    "  sesame sessions --filter 'user:ada !status:revoked' --columns user,session,ip,place\n"
    "  sesame sessions --filter '\"Ada Lovelace\" country:FR' --time absolute\n"
    "  sesame sessions --format csv > sessions.csv\n"
    "  sesame sessions --account 'Clerk prod' --json | jq -r '.sessions[].id'\n";

static const char refresh_details[] =
    "Read sessions again and show them as 'sessions' does. Plantly: renew the login\n"
    "(new access and refresh tokens); when Plantly refuses, the session is shown and\n"
    "kept as unknown (or expired past its expiry) and the exit status is 3. CBRAIN:\n"
    "check the login. Clerk: list the sessions again (SESSION: that one). Basis Theory\n"
    "and Apideck Vault cannot be asked: their sessions are shown with their\n"
    "countdowns, and the ones past their expiry are marked expired.\n"
    "\n"
    "Options:\n"
    "  --json                the sessions as JSON (docs/json.md)\n"
    "\n"
    "Examples:\n"
    "  sesame refresh Plantly\n"
    "  sesame refresh 'Clerk prod' sess_2CEX... --json\n";

static const char grant_options[] =
    "  --permission P        a permission to grant (token:read, token:create ...);\n"
    "                        again for more\n"
    "  --rules JSON|@FILE    access rules: a JSON array of rule objects (or one), or\n"
    "                        @FILE to read it from FILE\n"
    "  --expires-at ISO      the session lives until then (2030-01-31T12:00:00Z)\n"
    "  --json                the session as JSON (docs/json.md) instead of its id\n";

static const char create_details[] =
    "Create a session at ACCOUNT and print its id. Basis Theory: a new session (it\n"
    "lives 3 minutes unless authorized), authorized at once when --permission,\n"
    "--rules or --expires-at are given. Apideck Vault: a Vault session (--options is\n"
    "the body of POST /vault/sessions, checked before it is sent; the URL goes to the\n"
    "keyring: 'sesame open'). Plantly, CBRAIN: log in. Clerk sessions are made by\n"
    "signing in to your application, not here. Nothing is sent unless the state file\n"
    "can be read and written (exit status 6).\n"
    "\n"
    "Options:\n"
    "  --options JSON|@FILE  Apideck Vault: the body of the request (consumer_metadata,\n"
    "                        settings, theme), or @FILE to read it from FILE\n";

static const char create_examples[] =
    "\n"
    "Examples:\n"
    "  sesame create Plantly\n"
    "  sesame create 'Basis Theory' --permission token:read --expires-at 2030-01-31T12:00:00Z\n"
    "  sesame create 'Apideck Vault' --options @vault-session.json --json\n";

static const char authorize_details[] =
    "Grant a pending Basis Theory session permissions or access rules, with the\n"
    "account's private key. At least one --permission or a non-empty --rules.\n"
    "\n"
    "Options:\n";

static const char authorize_examples[] =
    "\n"
    "Examples:\n"
    "  sesame authorize 'Basis Theory' bt-0123456789ab --permission token:read\n"
    "  sesame authorize BT bt-0123456789ab --rules @rules.json --expires-at 2030-01-31T12:00:00Z\n";

static const char revoke_details[] =
    "End a session. Clerk: revoke it. Plantly, CBRAIN: log out (the tokens leave the\n"
    "keyring). Basis Theory and Apideck Vault have no way to end a session: sesame\n"
    "forgets it (drops it and its keys here) and says so. Only an answer about that\n"
    "session that says it ended (revoked, ended, removed) is a success; any other is\n"
    "exit status 3. A session the provider says had already ended is reported so and\n"
    "forgotten here; the exit status is 0.\n"
    "\n"
    "At an account that says read_only = yes nothing is ended. At one that says\n"
    "production = yes the account's label must be typed out first (on a terminal it\n"
    "is asked for; a script gives it with --confirm).\n"
    "\n"
    "Options:\n"
    "  --forget              drop a tracked session here without asking the provider\n"
    "  --confirm LABEL       a production account's label, as it is (case and all)\n"
    "\n"
    "Examples:\n"
    "  sesame revoke 'Clerk prod' sess_2CEX...\n"
    "  sesame revoke CBRAIN cbrain-0123456789ab --forget\n"
    "  sesame revoke --confirm 'Clerk prod' 'Clerk prod' sess_2CEX...\n";

static const char token_details[] =
    "Print a Clerk session token (a JWT) for an active session, from the JWT template\n"
    "TEMPLATE when given. The token is the only line on standard output: it is a\n"
    "secret, handle it as one.\n"
    "\n"
    "Options:\n"
    "  --expires-in SECONDS  the token's lifetime (a template's own by default)\n"
    "\n"
    "Examples:\n"
    "  sesame token 'Clerk prod' sess_2CEX...\n"
    "  TOKEN=$(sesame token 'Clerk prod' sess_2CEX... supabase --expires-in 600)\n";

static const char verify_details[] =
    "Verify a Clerk session token, read from the terminal without echo or one line of\n"
    "standard input (never the command line), and print the status Clerk gives the\n"
    "session. An answer about another session is exit status 3. Clerk has deprecated\n"
    "this endpoint and answers 410, which sesame reports as such.\n"
    "\n"
    "Examples:\n"
    "  sesame verify 'Clerk prod' sess_2CEX...          # asks for the token\n"
    "  printf '%s\\n' \"$JWT\" | sesame verify 'Clerk prod' sess_2CEX...\n";

static const char open_details[] =
    "Open an Apideck Vault session's URL in the browser ($BROWSER, else xdg-open), or\n"
    "with --print write it as the only line on standard output (it is a secret: it\n"
    "carries the session token). A URL that is not http(s) is never opened. Where no\n"
    "browser can be started, sesame says what it would open and how to set $BROWSER.\n"
    "\n"
    "Options:\n"
    "  --print               print the URL instead of opening it\n"
    "\n"
    "Examples:\n"
    "  sesame open 'Apideck Vault' vault-0123456789ab\n"
    "  BROWSER=firefox sesame open Vault vault-0123456789ab\n";

static void sessions_more(FILE *out)
{
    fprintf(out, "\nColumns (--columns; default ");
    for (size_t i = 0; i < columns_default_table.n; i++)
        fprintf(out, "%s%s", i ? "," : "", column_def(columns_default_table.v[i])->name);
    fprintf(out, "):\n");
    for (int c = 0; c < COLUMN_COUNT; c++) {
        const struct column_def *d = column_def((enum column_id)c);
        fprintf(out, "  %-13s %s\n", d->name, d->about);
    }
    fprintf(out, "\n%s", sessions_examples);
}

static void create_more(FILE *out)
{
    fprintf(out, "%s%s", grant_options, create_examples);
}

static void authorize_more(FILE *out)
{
    fprintf(out, "%s%s", grant_options, authorize_examples);
}

static const char log_details[] =
    "Every change sesame makes, from the dashboard or a command, is one line of the\n"
    "journal ($SESAME_STATE_DIR/journal.jsonl, JSON Lines, rotated at 1 MB into\n"
    "journal.jsonl.1 ... .3): when, from where (dashboard or command), the account,\n"
    "the session and whose it is, what was done (revoke, logout, forget, create,\n"
    "login, authorize, refresh, token, check, account-add, account-edit,\n"
    "account-remove), how it ended (ok or failed, the status the provider answered,\n"
    "or the error) and the provider's request id where it gives one (Clerk's trace\n"
    "id). Never a secret. Lines are printed oldest first; a damaged line (a crash\n"
    "while it was written) is skipped with a note on stderr, and so is an old\n"
    "(rotated) file that cannot be read (too large). The dashboard shows the same\n"
    "lines with J.\n"
    "\n"
    "Options:\n"
    "  --since DURATION      only the changes of the last 30m, 12h, 7d ...\n"
    "  --account ACCOUNT     only this account's (one removed since: its id or label)\n"
    "  --json                {\"entries\": [...], \"skipped\": [...]} (docs/json.md)\n"
    "\n"
    "Examples:\n"
    "  sesame log --since 1d\n"
    "  sesame log --account 'Clerk prod' --json | jq -r '.entries[] | select(.result == \"failed\")'\n";

static const struct cli_command commands[] = {
    {"account", cmd_account,
     "sesame account add PROVIDER --label NAME [--base-url URL] [--ca-file FILE]\n"
     "           [--allow-http] [--set KEY=VALUE]... [--no-check]\n"
     "sesame account edit ACCOUNT [--label NAME] [--base-url URL] [--ca-file FILE]\n"
     "           [--allow-http | --no-allow-http] [--set KEY=VALUE]... [--secret KIND]...\n"
     "sesame account list [--json]\n"
     "sesame account remove ACCOUNT [--confirm LABEL]\n"
     "sesame account prune [--dry-run]",
     "add, edit, list or remove accounts (secrets go to the keyring)", account_details, NULL,
     {cli_account_add_opts, cli_account_edit_opts, cli_account_list_opts,
      cli_account_prune_opts, cli_account_remove_opts}},
    {"sessions", cmd_sessions,
     "sesame sessions [--account ACCOUNT] [--status STATUS] [--filter QUERY]\n"
     "           [--columns LIST] [--format table|tsv|csv|json] [--json]\n"
     "           [--time relative|absolute] [--window 7d|30d|all]",
     "list the sessions of every account (or one)", sessions_details, sessions_more,
     {cli_sessions_opts}},
    {"refresh", cmd_refresh, "sesame refresh ACCOUNT [SESSION] [--json]",
     "refresh (Plantly), check (CBRAIN) or re-read (Clerk) sessions", refresh_details, NULL,
     {cli_refresh_opts}},
    {"create", cmd_create,
     "sesame create ACCOUNT [--options JSON|@FILE] [--permission P]...\n"
     "           [--rules JSON|@FILE] [--expires-at ISO] [--json]",
     "create a session, or log in (Plantly, CBRAIN)", create_details, create_more,
     {cli_create_opts}},
    {"authorize", cmd_authorize,
     "sesame authorize ACCOUNT SESSION [--permission P]... [--rules JSON|@FILE]\n"
     "           [--expires-at ISO] [--json]",
     "grant a Basis Theory session permissions or access rules", authorize_details,
     authorize_more, {cli_authorize_opts}},
    {"revoke", cmd_revoke, "sesame revoke ACCOUNT SESSION [--forget] [--confirm LABEL]",
     "revoke (Clerk), log out (Plantly, CBRAIN) or forget a session", revoke_details, NULL,
     {cli_revoke_opts}},
    {"token", cmd_token, "sesame token ACCOUNT SESSION [TEMPLATE] [--expires-in SECONDS]",
     "print a Clerk JWT for a session (from a JWT template)", token_details, NULL,
     {cli_token_opts}},
    {"verify", cmd_verify, "sesame verify ACCOUNT SESSION",
     "verify a Clerk session token read from the terminal or stdin", verify_details, NULL,
     {cli_verify_opts}},
    {"open", cmd_open, "sesame open ACCOUNT SESSION [--print]",
     "open an Apideck Vault session in the browser, or print its URL", open_details, NULL,
     {cli_open_opts}},
    {"log", cmd_log, "sesame log [--since DURATION] [--account ACCOUNT] [--json]",
     "show the journal of every change sesame made", log_details, NULL, {cli_log_opts}},
    {NULL, NULL, NULL, NULL, NULL, NULL, {NULL}},
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

const char *cli_suggest_command(const char *typed)
{
    struct suggest sg;
    suggest_init(&sg, typed);
    for (const struct cli_command *c = commands; c->name; c++)
        suggest_offer(&sg, c->name);
    suggest_offer(&sg, "help");
    return suggest_best(&sg);
}

int cli_unknown_command(const char *typed)
{
    const char *best = cli_suggest_command(typed);
    if (best)
        return cli_error(ERR_USAGE, "unknown command '%s' (did you mean %s?); see 'sesame --help'",
                         typed, best);
    return cli_error(ERR_USAGE, "unknown command '%s' (see 'sesame --help')", typed);
}

int cli_dispatch(int argc, char **argv)
{
    const struct cli_command *c = cli_find(argv[0]);
    if (!c)
        return cli_unknown_command(argv[0]);
    journal_init(JOURNAL_COMMAND);
    int rc = c->run(argc, argv);
    /* the change was made all the same: said, not failed */
    char *lost = journal_take_error();
    if (lost)
        cli_error(rc, "warning: %s", lost);
    free(lost);
    return rc;
}

void cli_print_exit_status(FILE *out)
{
    fprintf(out,
            "Exit status:\n"
            "  0  success\n"
            "  1  internal error\n"
            "  2  usage: bad arguments or input, unknown account or session\n"
            "  3  the provider refused or answered unexpectedly (4xx, a redirect, a body\n"
            "     or status not as documented, a revoke that did not end the session)\n"
            "  4  network: unreachable, timeout, TLS, a body cut short, 5xx after retries,\n"
            "     rate limited (429) for longer than the timeout\n"
            "  5  keyring: no Secret Service, locked, or a secret missing\n"
            "  6  config: config or state file unreadable or malformed, an account's field\n"
            "     invalid\n");
}

void cli_print_help(FILE *out)
{
    fprintf(out,
            "sesame %s - see and control sessions at Clerk, Basis Theory, Plantly, CBRAIN and "
            "Apideck Vault\n\n"
            "usage: sesame [--theme NAME] [--read-only] [--no-color] [--redact]\n"
            "                                                          open the dashboard\n"
            "       sesame [--timeout SECONDS] COMMAND [ARGS]          run one command and exit\n"
            "       sesame help [COMMAND]                            all of one command\n"
            "       sesame --help | --version\n\n"
            "Dashboard options:\n"
            "  --theme NAME   colour theme (a name from the themes directory, or a file path)\n"
            "  --read-only    no revoke, log out, create or other changing action\n"
            "  --no-color     no colours (also when NO_COLOR is set)\n"
            "  --redact       screen-share mode: names, e-mails, ids, IPs, places masked (M)\n\n"
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
            "requests it may send per window, all your sesame processes on this machine\n"
            "together (default: half the provider's documented limit);\n"
            "expiring=10m (a live session with less left stands out; off), auto_refresh=yes\n"
            "(Plantly renews, CBRAIN checks its logins before they expire), production=yes\n"
            "(a revoke there asks for the account's label: --confirm), read_only=yes (nothing\n"
            "that changes a session there), many_live=5 and stale_after=3d (when a session is\n"
            "flagged many-live or stale; off). 'sesame log' prints the journal of changes.\n\n"
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
            "--json output is described in docs/json.md. 'sesame help COMMAND' (or 'sesame\n"
            "COMMAND --help') shows all of one command: its options, examples and more.\n"
            "Every command also takes --timeout SECONDS, before or after the command.\n\n"
            "Environment:\n"
            "  SESAME_CONFIG_DIR  accounts (default $XDG_CONFIG_HOME/sesame)\n"
            "  SESAME_STATE_DIR   tracked sessions (default $XDG_STATE_HOME/sesame)\n"
            "  BROWSER            browser for 'open' (':'-separated list, %%s = the URL); "
            "else xdg-open\n"
            "  NO_COLOR           no colours in the dashboard\n\n");
    cli_print_exit_status(out);
}
