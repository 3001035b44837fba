/* The audit journal: one line for every change sesame makes (a revoke, a
 * log out, a forget, a create or login, an authorize, a renewal, a minted
 * token, an account added, edited or removed), from the dashboard and the
 * commands alike, in $SESAME_STATE_DIR/journal.jsonl (JSON Lines).
 *
 * A line is written with one write(2) on a file opened O_APPEND, under
 * flock, then fsynced: two sesame processes never mix their lines, and a
 * crash leaves at worst a torn last line, which the next writer ends with
 * a newline first and every reader skips with a note. At JOURNAL_MAX_BYTES
 * the file is rotated (journal.jsonl.1 ... .JOURNAL_KEEP; the oldest
 * goes). No secret is ever written: what comes from a provider was
 * scrubbed by the worker (scrub.h), and no field holds a token or key. */
#ifndef SESAME_JOURNAL_H
#define SESAME_JOURNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "providers/provider.h"

#define JOURNAL_FILE "journal.jsonl"
#define JOURNAL_MAX_BYTES (1024 * 1024)
#define JOURNAL_KEEP 3
#define JOURNAL_FIELD_MAX 1000 /* bytes of a field written; more is cut ("..."): a line
                                * stays one small write */

enum journal_origin {
    JOURNAL_COMMAND = 0,       /* a headless command */
    JOURNAL_DASHBOARD,
};

/* Where this process writes, and as whom: the path comes from state_dir()
 * (main thread only), so call it before any thread writes. Again to move
 * it (tests). Until it is called nothing is written. */
void journal_init(enum journal_origin origin);
/* Rotation size and how many old files stay (tests; 0: the defaults). */
void journal_set_limits(size_t max_bytes, int keep);
/* The journal's path, as journal_init found it (NULL before). */
const char *journal_path(void);

/* One line. Strings may be NULL (left out). Writing takes const char *;
 * a line read back owns its strings (journal_list_free). */
struct journal_entry {
    int64_t time_ms;           /* 0 when writing: now */
    const char *origin;        /* "dashboard" or "command"; set by the writer */
    const char *account;       /* the account's id */
    const char *label;         /* its label then */
    const char *provider;      /* "clerk" ... */
    const char *session;       /* the session's id */
    const char *user;          /* whose session: a name or e-mail, else the user id */
    const char *action;        /* "revoke", "logout", "forget", "create", "login",
                                * "authorize", "refresh", "check", "token",
                                * "account-add", "account-edit", "account-remove" */
    const char *result;        /* "ok" or "failed" */
    const char *status;        /* the session's status in the provider's answer */
    const char *error;         /* why it failed (one line) */
    const char *request_id;    /* the provider's id of the request (Clerk's trace id) */
    const char *detail;        /* more, e.g. "template supabase" */
};

/* Append e. 0, or ERR_CONFIG when it could not be written: the change was
 * made all the same, so the reason ("cannot write the journal PATH:
 * reason") is kept for the front end to show (journal_take_error) rather
 * than failing what asked. Never waits on another process for longer than
 * its one write. Thread-safe. */
int journal_append(const struct journal_entry *e);
/* Why the last write failed since the last call (owned), or NULL. The
 * dashboard shows it on the message line, a command on stderr. */
char *journal_take_error(void);

/* A tracked session forgotten here (its keys gone from the keyring, its
 * line from the state file), or not (error: why it is kept). */
void journal_forget(const struct account *a, const struct session *s, const char *detail,
                    const char *error);

/* What a provider operation ended in, as one journal line: the action's
 * word for p (revoke at a provider that lists, log out at one that
 * tracks), ok or failed by the rule the front ends show (session_outcome.h
 * for an end), the status and request id of the answer. user: whose
 * session, when the caller knows (else the answer's user id). Only
 * operations that change something are written (and a check that finds a
 * login ended): true if this one is. */
bool journal_op_entry(const struct provider *p, const struct account *a, enum op op,
                      const struct op_args *args, const char *user, int err,
                      const char *error, const struct op_result *r,
                      struct journal_entry *out, char **text);

/* ---- reading ---- */

struct journal_list {
    struct journal_entry *v;
    size_t n, cap;
    char **notes;              /* "journal.jsonl:12: a damaged line, skipped" */
    size_t n_notes;
};

/* Every line of the rotated files and the journal, oldest first; a line
 * that is not a journal entry is skipped with a note, and so is a rotated
 * file that cannot be read (too large, not a regular file). A missing
 * journal is empty (0); an unreadable current file ERR_CONFIG with *error. */
int journal_read(struct journal_list *out, char **error);
/* The same for one file's text (tests, fuzzing); name prefixes the notes. */
void journal_parse(struct journal_list *out, const char *text, size_t len, const char *name);
void journal_list_free(struct journal_list *l);

/* Keep the entries at or after since_ms (0: all) of account (its id, or
 * its label in any case; NULL: all). */
void journal_filter(struct journal_list *l, int64_t since_ms, const char *account_id,
                    const char *account_label);

/* One line for people, as `sesame log` and the dashboard show it:
 * "2026-12-07 10:00:03  dashboard  Clerk prod  revoke  sess_123  Ada  ok: revoked
 * [trace ...]". Local time; sanitised. Owned. */
char *journal_entry_text(const struct journal_entry *e);

/* The entry as a JSON object: a journal line (absent fields left out) or,
 * nulls, for --json (docs/json.md: every field, null when unknown). */
struct cJSON;
struct cJSON *journal_entry_json(const struct journal_entry *e, bool nulls);

#endif
