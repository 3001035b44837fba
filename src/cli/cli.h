/* The headless commands: `sesame account add`, `sesame sessions` ... They
 * go through the same worker as the dashboard (network and keyring calls
 * included), print for people or, with --json, for scripts, and exit with
 * an enum sesame_err. */
#ifndef SESAME_CLI_H
#define SESAME_CLI_H

#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "columns.h"
#include "config.h"
#include "delimited.h"
#include "model.h"
#include "providers/provider.h"
#include "query.h"
#include "worker.h"

/* ---- the command table ------------------------------------------------ */

#define CLI_OPTION_SETS 5

struct cli_command {
    const char *name;                  /* "sessions" */
    int (*run)(int argc, char **argv); /* argv[0] is the name; returns the exit code */
    const char *usage;                 /* one or more lines, each "sesame ..." */
    const char *summary;               /* one line */
    const char *details;               /* what it does, its options, examples: COMMAND --help */
    void (*more)(FILE *out);           /* what follows details (made from tables); or NULL */
    const struct option *opts[CLI_OPTION_SETS]; /* the option tables it reads (NULL-ended) */
};

/* NULL-name terminated. */
const struct cli_command *cli_commands(void);
const struct cli_command *cli_find(const char *name);
/* Runs argv[0] (a command name). Unknown: usage error ("did you mean"). */
int cli_dispatch(int argc, char **argv);
/* The command (or "help") that typed is likely a typo of, or NULL. */
const char *cli_suggest_command(const char *typed);
/* "unknown command 'sesions' (did you mean sessions?)": ERR_USAGE. */
int cli_unknown_command(const char *typed);
/* The table of exit statuses, as --help and every COMMAND --help end. */
void cli_print_exit_status(FILE *out);

/* The option tables of the commands (getopt_long's, NULL-ended). */
extern const struct option cli_account_add_opts[], cli_account_edit_opts[],
    cli_account_list_opts[], cli_account_prune_opts[], cli_account_remove_opts[], cli_sessions_opts[], cli_refresh_opts[],
    cli_create_opts[], cli_authorize_opts[], cli_revoke_opts[], cli_token_opts[],
    cli_verify_opts[], cli_open_opts[], cli_log_opts[];
/* How long one operation may take in all (--timeout); 0 = the default. */
void cli_set_timeout_ms(int64_t ms);
/* Every command, option, environment variable and exit code. */
void cli_print_help(FILE *out);

int cmd_account(int argc, char **argv);
int cmd_sessions(int argc, char **argv);
int cmd_revoke(int argc, char **argv);
int cmd_refresh(int argc, char **argv);
int cmd_create(int argc, char **argv);
int cmd_authorize(int argc, char **argv);
int cmd_token(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_open(int argc, char **argv);
int cmd_log(int argc, char **argv);

/* ---- shared plumbing (common.c) --------------------------------------- */

/* "sesame: <message>" on stderr (sanitised); returns code. */
int cli_error(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A usage error: the message, then the command's usage lines; ERR_USAGE. */
int cli_usage_error(const char *command, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* The command's usage lines on out. */
void cli_print_usage(FILE *out, const char *command);
/* COMMAND --help: the usage lines, what it does, its options, examples,
 * the options every command takes and the exit statuses. */
void cli_print_command_help(FILE *out, const char *command);

/* What a running command holds: the accounts and, once needed, a worker. */
struct cli {
    struct account_list accounts;
    struct worker *worker;
};

/* Loads the accounts (a malformed file is reported, ERR_CONFIG). */
int cli_init(struct cli *c);
/* Stops the worker and frees everything. */
void cli_done(struct cli *c);
/* The account named by ACCOUNT (account_resolve: its id, or its label in
 * any case), or NULL after the error was printed (no such account, or a
 * name that means several). */
struct account *cli_account(struct cli *c, const char *name);
/* How a hint names account a (account_ref over the accounts cli_init
 * loaded): pastes back to a, quoted for the shell. Owned. */
char *cli_account_ref(const struct account *a);
/* Whether op may be done at a (account_refuses: its read_only): 0, or
 * ERR_USAGE after the error was printed. */
int cli_refused(const struct account *a, enum op op);
/* What was typed for a production account's label: given (--confirm), else
 * a line asked for on the terminal; NULL when neither (stdin no terminal).
 * Owned. */
char *cli_typed_label(const char *label, const char *given);
/* The provider of an account, or NULL after an error was printed. */
const struct provider *cli_provider(const struct account *a);
/* The session sid that sesame tracks for account a (named name on the
 * command line) into *s: 0, or the exit status after the error was printed
 * (unreadable state, or no such session: a usage error). */
int cli_tracked_session(const struct account *a, const char *name, const char *sid,
                        struct session *s);

/* "<label> has no tracked session 'sid' (see: sesame sessions --account
 * <name, quoted for the shell>)": ERR_USAGE. */
int cli_no_tracked_session(const struct account *a, const char *name, const char *sid);
/* Submit a job (moved in, *j left zeroed) with the --timeout in force. */
uint64_t cli_submit_job(struct cli *c, struct job *j);
/* Submit a provider operation on a; args are moved into the job. */
uint64_t cli_submit_op(struct cli *c, const struct account *a, enum op op, struct op_args *args);
/* Submit a keyring job. secret (SECRET_STORE) is moved and wiped by the worker. */
uint64_t cli_submit_secret(struct cli *c, const struct account *a, enum job_kind kind,
                           const char *kind_name, const char *session_id, char *secret);
/* Wait for the answer of job id; returns ev->err. A job id of 0 (the worker
 * could not start) gives ERR_INTERNAL with ev->error set. */
int cli_wait(struct cli *c, uint64_t id, struct event *ev);
/* cli_wait for a listing, showing its progress on stderr when that is a
 * terminal ("who: 1,200 of 10,000 users, waiting for budget"). */
int cli_wait_listing(struct cli *c, uint64_t id, const char *who, struct event *ev);
/* Starts the worker if needed; 0 or an error code (printed). */
int cli_start_worker(struct cli *c);

/* getopt_long over the command's opts and the options every command
 * takes anywhere: --timeout SECONDS (applied here) and --help (returned as
 * 'h'). Returns an option's val, 'h', -1 at the end, or '?' after a usage
 * error was printed (an unknown option, with "did you mean"; an ambiguous
 * one; a missing value; a bad --timeout). Set optind = 0 first. */
int cli_getopt(const char *command, int argc, char **argv, const struct option *opts);
/* cli_getopt for a command whose opts are --help alone: 0 (its arguments
 * start at optind), -1 after --help was printed, or ERR_USAGE after an
 * error was printed. */
int cli_getopt_none(const char *command, int argc, char **argv, const struct option *opts);
/* --timeout's value: 1 to 3600 seconds, into *ms; 0 or ERR_USAGE. */
int cli_parse_timeout(const char *arg, int64_t *ms);
/* The width to fit a table into: the terminal's (TIOCGWINSZ, else
 * $COLUMNS, else 80) when stdout is a terminal; 0 (never cut) when it is
 * not (a pipe, a file). */
int cli_terminal_width(void);

/* Read one secret: from the terminal without echo when stdin is a
 * terminal (prompt shown there, the terminal restored even on Ctrl-C), else
 * one line from stdin. *out is owned by the caller (wipe_free). Returns 0,
 * or an error code with *error set (EOF, no terminal). */
int cli_read_secret(const char *prompt, char **out, char **error);
/* Write s and a newline straight to stdout (no stdio buffer keeps a copy).
 * 0, or the errno of the write that failed (stdout_reader_gone tells
 * whether to say so). */
int cli_write_secret_line(const char *s);

/* "JSON" or "@FILE": *out is the JSON text (checked to parse), owned.
 * what names the option in errors ("--options"). */
int cli_json_arg(const char *what, const char *arg, char **out, char **error);


/* ---- pure helpers, unit-tested (format.c, args.c) --------------------- */

/* "KEY=VALUE" into owned *key and *value. Empty key or no '=': ERR_USAGE. */
int cli_parse_set(const char *arg, char **key, char **value, char **error);
/* Apply --set KEY=VALUE arguments to the non-secret fields of a, checked
 * against p's fields: unknown keys, secret keys ("secrets are never taken
 * from the command line") and missing required non-secret fields are
 * usage errors. */
int cli_apply_sets(const struct provider *p, struct account *a, char *const *sets, size_t n,
                   char **error);
/* Options of a Basis Theory authorize as a JSON object:
 * {"permissions":[...],"rules":[...],"expires_at":"..."}; rules_json is a
 * JSON array of access rules (or one rule object). At least one permission
 * or rule is needed; expires_at must be ISO 8601. */
int cli_authorize_options(char *const *perms, size_t n_perms, const char *rules_json,
                          const char *expires_at, char **out, char **error);
/* A --status value: one of session_status_name(). */
int cli_parse_status(const char *s, enum session_status *out, char **error);

/* The names of an account as a listing shows them (one copy per account,
 * not per row: 100k rows made 400k copies of four strings). */
struct cli_names {
    char *account_id;
    char *account_label;
    char *provider_id;
    char *provider_title;
};

/* A session shown by a command, with the account it belongs to. */
struct cli_row {
    struct session s;
    uint32_t rank;              /* its account's names (listing->names[rank]), which is its
                                 * account's place among the listing's accounts */
};

struct cli_failure {
    char *account_id;
    char *account_label;
    int code;
    char *error;
};

struct cli_listing {
    struct cli_row *rows;
    size_t n, cap;
    struct cli_failure *errs;
    size_t n_errs, cap_errs;
    struct cli_names *names;    /* per account, in the order of its first row */
    size_t n_names;
};

/* Add a copy of s as a row of account a, with the status a person sees at
 * now (session_status_seen). */
void cli_listing_add(struct cli_listing *l, const struct account *a, const struct session *s,
                     int64_t now);
/* The same, but s is moved in (left zeroed), not copied. */
void cli_listing_take(struct cli_listing *l, const struct account *a, struct session *s,
                      int64_t now);
/* cli_listing_take of every session of list, in order; list is left empty
 * (its array freed as it empties, so that 100k sessions are not held twice). */
void cli_listing_take_all(struct cli_listing *l, const struct account *a,
                          struct session_list *list, int64_t now);
void cli_listing_fail(struct cli_listing *l, const struct account *a, int code,
                      const char *error);
/* Keep only rows with this status. */
void cli_listing_filter(struct cli_listing *l, enum session_status status);
/* The default order (session_order.h): accounts as added (in config
 * order), then newest first, then by id. */
void cli_listing_sort(struct cli_listing *l);
void cli_listing_free(struct cli_listing *l);

/* The document of docs/json.md; owned, without the final newline. */
char *cli_listing_json(const struct cli_listing *l);
/* The same document written to out as it is made (no copy of it in
 * memory), with the final newline; false if writing failed. */
bool cli_listing_write_json(FILE *out, const struct cli_listing *l);
/* How a listing is shown: which columns (columns.h), times relative or
 * absolute, and the width of the terminal the table is for. */
struct cli_view {
    struct column_set cols;
    bool cols_given;   /* chosen (--columns): shown even where no row has a value */
    enum time_mode time;
    int width;         /* > 0: the table is cut to fit (a terminal); 0: never cut */
    int64_t now;       /* the clock statuses and countdowns are shown at */
};
/* The default: columns_default_table, relative times, never cut. */
void cli_view_default(struct cli_view *v, int64_t now);
/* An aligned table for people; "no sessions" when empty. */
void cli_listing_table(FILE *out, const struct cli_listing *l, const struct cli_view *v);
/* A header of column names, then a record per row: every value whole
 * (delimited.h). False if writing failed. */
bool cli_listing_delimited(FILE *out, const struct cli_listing *l, const struct cli_view *v,
                           enum delimited_format format);
/* Keep only the rows q keeps (query.h), as seen at now. */
void cli_listing_query(struct cli_listing *l, const struct query *q, int64_t now);

char *cli_accounts_json(const struct account_list *l);
void cli_accounts_table(FILE *out, const struct account_list *l);

/* Columns a string takes on a terminal (UTF-8 aware in a UTF-8 locale). */
size_t cli_text_width(const char *s);

#endif
