/* Accounts on disk ($XDG_CONFIG_HOME/sesame/accounts.conf, a GKeyFile, no
 * secrets) and the user's preferences (sesame.conf: theme, keymap, refresh
 * interval, read-only, sort). Writes are atomic: temp file, fsync, rename,
 * mode 0600, under an advisory lock shared with other instances. */
#ifndef SESAME_CONFIG_H
#define SESAME_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "filestamp.h"
#include "model.h"

struct account_list {
    struct account *v;
    size_t n, cap;
};

/* Directory of config files: $SESAME_CONFIG_DIR, else $XDG_CONFIG_HOME/sesame
 * (~/.config/sesame). The environment is read on every call; the pointer
 * stays valid until a call finds a different answer. Main thread only. */
const char *config_dir(void);
/* Directory of state files: $SESAME_STATE_DIR, else $XDG_STATE_HOME/sesame
 * (~/.local/state/sesame). Same rules as config_dir. */
const char *state_dir(void);
/* Directory of files that live while the user is logged in (the shared
 * request budgets): $XDG_RUNTIME_DIR/sesame, else state_dir(). Same rules. */
const char *runtime_dir(void);

/* Load accounts. A missing file is an empty list (0). A malformed one gives
 * ERR_CONFIG and *error = "path:line: what is wrong"; the file is left as is. */
int accounts_load(struct account_list *out, char **error);
/* Has accounts.conf changed since *st was taken (filestamp.h)? Take it
 * before accounts_load, so that a write in between shows next time. */
bool accounts_file_changed(struct file_stamp *st);

/* Apply one change under the lock, re-reading the file first so that a
 * change made by another instance meanwhile is kept.
 * add: a new account; its id is chosen here, under the lock, from its
 * label (account_new_id) and set in a->id. A label that would make an
 * ACCOUNT name two accounts (account_name_conflict) is refused, ERR_USAGE.
 * update: an existing account (refused if it is gone, or if its new label
 * conflicts). upsert: replaces the account with the same id or appends;
 * only a label used verbatim by another is refused (for tests and tools). */
int accounts_add(struct account *a, char **error);
int accounts_update(const struct account *a, char **error);
int accounts_upsert(const struct account *a, char **error);
int accounts_remove(const char *id, char **error);
/* accounts_remove, and *found: whether the account was there to remove
 * (false: another sesame removed it meanwhile, which is no error); note
 * (or NULL) is the detail of its journal line. */
int accounts_remove_found(const char *id, const char *note, bool *found, char **error);

/* Lock dir (as every writer does) and load its accounts: the lock's fd, to
 * be given to config_unlock once done, or -1 with *error. While it is
 * held no account can be added or removed (account prune). */
int accounts_lock_load(const char *dir, struct account_list *out, char **error);

void account_list_free(struct account_list *l);
/* The account with exactly this id (ids name accounts inside sesame:
 * jobs, events, the state file), or NULL. */
struct account *account_list_find_id(const struct account_list *l, const char *id);

/* What an ACCOUNT a person typed means: the id, or the label in any case,
 * of exactly one account ("id:ID" matches ids only). 0 and *out, or
 * ERR_USAGE with *error: no such account, or a name that matches several
 * (one's id and another's label, two labels): the message lists each with
 * a name that is sure to reach it, quoted for the shell. Every command and
 * the dashboard resolve ACCOUNT through this. */
int account_resolve(struct account_list *l, const char *name, struct account **out,
                    char **error);
/* A label as it is stored: trimmed (text_trim) and in Unicode NFC, so
 * that "café" typed composed or decomposed is one label. NULL, with *why
 * (owned), when it will not do: nothing but spaces, text the screen would
 * not show as typed (control characters such as a tab, bidi overrides,
 * bytes that are not UTF-8), or one that starts with "id:" in any case
 * (that prefix names an account by its id). Owned. Every front end gives
 * a new label to this first; accounts_add and accounts_update refuse one
 * that does not come out of it unchanged. */
char *account_label_clean(const char *label, char **why);

/* How a hint names account a so that, pasted back, it reaches a: its label
 * when that names a alone and is typed as it is shown (no leading '-',
 * which a command would take for an option, nothing the screen drops or
 * changes, such as a tab or a bidi override); else its id when that names
 * a alone; else "id:ID". Quoted for the shell. With no list l (the worker
 * knows one account only), "id:ID", which is always a's. Owned. Every hint
 * that names an account, in both front ends, names it through this. */
char *account_ref(const struct account_list *l, const struct account *a);

/* Another account than self_id (NULL: none) that label would also name
 * (its label in any case, or its id), or NULL. */
const struct account *account_name_conflict(const struct account_list *l, const char *label,
                                            const char *self_id);
/* The sentence for such a conflict. Owned. */
char *account_conflict_message(const struct account *other, const char *label);

/* A fresh id for a new account: slug of the label, made unique among the
 * ids and never equal to a label of existing. Owned. */
char *account_new_id(const struct account_list *existing, const char *label);

/* Atomic write of any file under the lock: tmp + fsync + rename + fsync(dir),
 * mode 0600. Used by state.c as well. */
int config_write_atomic(const char *path, const char *data, size_t len, char **error);

/* Can path be written now: the temp file a write makes first, made,
 * written, synced and removed again, as config_write_atomic would. 0 or
 * ERR_CONFIG ("path: reason"). */
int config_probe_write(const char *path, char **error);
/* Remove the temp files of path ("<path>.tmp.<pid>") that writers killed
 * between making and renaming them left behind (every write does this too;
 * account prune does it when nothing else would write). */
void config_remove_stale_temps(const char *path);
/* That, for the accounts file of dir. */
void accounts_remove_stale_temps(const char *dir);

/* Advisory lock (flock on <dir>/.lock) around read-modify-write. */
int config_lock(const char *dir, char **error);   /* returns fd or -1 */
void config_unlock(int fd);

/* ---- shared with state.c ---- */

/* mkdir -p, new directories mode 0700. 0 or ERR_CONFIG, "dir: reason". */
int config_mkdir(const char *dir, char **error);

/* A GKeyFile read with the line of every group and key, so that errors can
 * say "path:line: ...". Syntax is checked line by line (blank, # comment,
 * [group] or key=value; no duplicate group, no duplicate key in a group). */
struct conf_file;
/* Missing file: an empty one. Malformed: ERR_CONFIG, "path:line: ...". */
int conf_file_read(const char *path, struct conf_file **out, char **error);
struct _GKeyFile *conf_file_keyfile(struct conf_file *f); /* a GKeyFile *, owned by f */
/* "path:line: <fmt...>", line of key in group, else of group, else none. */
char *conf_file_error(const struct conf_file *f, const char *group, const char *key,
                      const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* The string value of key in group: 0 and *out (owned, NULL if there is no
 * such key), or ERR_CONFIG with "path:line: bad value for key ...". */
int conf_file_get_string(struct conf_file *f, const char *group, const char *key, char **out,
                         char **error);
int conf_file_write(struct conf_file *f, char **error); /* config_write_atomic */
void conf_file_free(struct conf_file *f);

#endif
