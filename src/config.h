/* Accounts on disk ($XDG_CONFIG_HOME/sesame/accounts.conf, a GKeyFile, no
 * secrets) and the user's preferences (sesame.conf: theme, keymap, refresh
 * interval, read-only, sort). Writes are atomic: temp file, fsync, rename,
 * mode 0600, under an advisory lock shared with other instances. */
#ifndef SESAME_CONFIG_H
#define SESAME_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "model.h"

struct account_list {
    struct account *v;
    size_t n, cap;
};

/* Directory of config files: $SESAME_CONFIG_DIR, else $XDG_CONFIG_HOME/sesame. */
const char *config_dir(void);
/* Directory of state files: $SESAME_STATE_DIR, else $XDG_STATE_HOME/sesame
 * (~/.local/state/sesame). */
const char *state_dir(void);

/* Load accounts. A missing file is an empty list (0). A malformed one gives
 * ERR_CONFIG and *error = "path:line: what is wrong"; the file is left as is. */
int accounts_load(struct account_list *out, char **error);

/* Apply one change under the lock, re-reading the file first so that a
 * change made by another instance meanwhile is kept. upsert replaces the
 * account with the same id or appends. */
int accounts_upsert(const struct account *a, char **error);
int accounts_remove(const char *id, char **error);

void account_list_free(struct account_list *l);
struct account *account_list_find(struct account_list *l, const char *id_or_label);

/* A fresh id for a new account: slug of the label, made unique. Owned. */
char *account_new_id(const struct account_list *existing, const char *label);

/* Atomic write of any file under the lock: tmp + fsync + rename + fsync(dir),
 * mode 0600. Used by state.c as well. */
int config_write_atomic(const char *path, const char *data, size_t len, char **error);

/* Advisory lock (flock on <dir>/.lock) around read-modify-write. */
int config_lock(const char *dir, char **error);   /* returns fd or -1 */
void config_unlock(int fd);

#endif
