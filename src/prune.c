/* account prune: keyring items of no account or of no tracked session
 * (prune.h). */
#include "prune.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <glib.h>

#include "config.h"
#include "keyring.h"
#include "state.h"
#include "util.h"

static int by_line(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static char *item_line(const struct keyring_item *it)
{
    return *it->session ? xasprintf("%s %s %s", it->account, it->kind, it->session)
                        : xasprintf("%s %s", it->account, it->kind);
}

/* "account\nsession": a key for a (account, session) pair. */
static char *pair_key(const char *account, const char *session)
{
    return xasprintf("%s\n%s", account, session);
}

static bool same_dir(const char *a, const char *b)
{
    struct stat sa, sb;
    if (stat(a, &sa) != 0 || stat(b, &sb) != 0)
        return strcmp(a, b) == 0;
    return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

/* The tracked sessions of state_dir, as pair_key()s, under its lock (held
 * in *lock until the caller unlocks it; -1 when it is config_dir's, already
 * held). NULL, with *error, when they cannot be read. */
static GHashTable *tracked_pairs(const char *config_dir, const char *state_dir, int *lock,
                                 char **error)
{
    *lock = -1;
    if (config_mkdir(state_dir, error) != 0)
        return NULL;
    if (!same_dir(config_dir, state_dir) && (*lock = config_lock(state_dir, error)) < 0)
        return NULL;
    struct session_list l = {0};
    if (state_load_in(state_dir, &l, error) != 0)
        return NULL;
    GHashTable *pairs = g_hash_table_new_full(g_str_hash, g_str_equal, free, NULL);
    for (size_t i = 0; i < l.n; i++)
        g_hash_table_add(pairs, pair_key(l.v[i].account_id, l.v[i].id));
    session_list_clear(&l);
    return pairs;
}

int accounts_prune(const char *config_dir, const char *state_dir, bool dry_run, char **report,
                   char **error)
{
    *report = NULL;
    struct account_list l;
    int lock = accounts_lock_load(config_dir, &l, error);
    if (lock < 0)
        return ERR_CONFIG;
    /* and the state's lock: no session is recorded (its tokens stored
     * after) or forgotten while its items are judged */
    int state_lock = -1;
    GHashTable *tracked = tracked_pairs(config_dir, state_dir, &state_lock, error);
    if (!tracked) {
        config_unlock(state_lock);
        account_list_free(&l);
        config_unlock(lock);
        return ERR_CONFIG;
    }
    struct keyring_item *items = NULL;
    size_t n = 0;
    int rc = keyring_list(&items, &n, error);
    char **lines = xcalloc(n + 1, sizeof *lines);
    size_t n_lines = 0;
    GHashTable *gone = g_hash_table_new(g_str_hash, g_str_equal); /* borrows from items */
    GHashTable *gone_sessions = g_hash_table_new_full(g_str_hash, g_str_equal, free, NULL);
    for (size_t i = 0; rc == 0 && i < n; i++) {
        /* an item without an account was not made by sesame: not ours to judge */
        if (!*items[i].account)
            continue;
        if (!account_list_find_id(&l, items[i].account)) {
            g_hash_table_add(gone, items[i].account);
        } else {
            /* a session's item whose session is not tracked: left by a sesame
             * killed between storing and recording, or removing and clearing */
            char *key = *items[i].session ? pair_key(items[i].account, items[i].session) : NULL;
            if (!key || g_hash_table_contains(tracked, key)) {
                free(key);
                continue;
            }
            g_hash_table_add(gone_sessions, key);
        }
        lines[n_lines++] = item_line(&items[i]);
    }
    GHashTableIter it;
    gpointer key;
    g_hash_table_iter_init(&it, gone);
    while (rc == 0 && !dry_run && g_hash_table_iter_next(&it, &key, NULL))
        rc = keyring_clear_account(key, error);
    g_hash_table_iter_init(&it, gone_sessions);
    while (rc == 0 && !dry_run && g_hash_table_iter_next(&it, &key, NULL)) {
        char *sep = strchr(key, '\n');
        *sep = '\0';
        rc = keyring_clear_session(key, sep + 1, error);
        *sep = '\n';
    }
    if (rc == 0 && !dry_run) {
        /* what a writer killed half way left of the files too */
        state_remove_stale_temps_in(state_dir);
        accounts_remove_stale_temps(config_dir);
    }
    if (rc == 0) {
        qsort(lines, n_lines, sizeof *lines, by_line);
        GString *s = g_string_new(NULL);
        for (size_t i = 0; i < n_lines; i++)
            g_string_append_printf(s, "%s\n", lines[i]);
        *report = xstrdup(s->str);
        g_string_free(s, TRUE);
    }
    for (size_t i = 0; i < n_lines; i++)
        free(lines[i]);
    free(lines);
    g_hash_table_destroy(gone_sessions);
    g_hash_table_destroy(gone);
    g_hash_table_destroy(tracked);
    keyring_items_free(items, n);
    config_unlock(state_lock);
    account_list_free(&l);
    config_unlock(lock);
    return rc;
}
