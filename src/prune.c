/* account prune: keyring items of no account (prune.h). */
#include "prune.h"

#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "config.h"
#include "keyring.h"
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

int accounts_prune(const char *config_dir, bool dry_run, char **report, char **error)
{
    *report = NULL;
    struct account_list l;
    int lock = accounts_lock_load(config_dir, &l, error);
    if (lock < 0)
        return ERR_CONFIG;
    struct keyring_item *items = NULL;
    size_t n = 0;
    int rc = keyring_list(&items, &n, error);
    char **lines = xcalloc(n + 1, sizeof *lines);
    size_t n_lines = 0;
    GHashTable *gone = g_hash_table_new(g_str_hash, g_str_equal); /* borrows from items */
    for (size_t i = 0; rc == 0 && i < n; i++) {
        /* an item without an account was not made by sesame: not ours to judge */
        if (!*items[i].account || account_list_find_id(&l, items[i].account))
            continue;
        lines[n_lines++] = item_line(&items[i]);
        g_hash_table_add(gone, items[i].account);
    }
    GHashTableIter it;
    gpointer account;
    g_hash_table_iter_init(&it, gone);
    while (rc == 0 && !dry_run && g_hash_table_iter_next(&it, &account, NULL))
        rc = keyring_clear_account(account, error);
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
    g_hash_table_destroy(gone);
    keyring_items_free(items, n);
    account_list_free(&l);
    config_unlock(lock);
    return rc;
}
