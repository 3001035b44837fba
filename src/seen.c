/* The places and devices seen per user (seen.h). */
#include "seen.h"

#include <cJSON.h>
#include <errno.h>
#include <glib.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "util.h"

#define SEEN_FILE_MAX (8u * 1024u * 1024u)

static const char *const kind_key[SEEN_KINDS] = {"countries", "devices"};

static void seen_user_free(void *p)
{
    struct seen_user *u = p;
    for (int k = 0; k < SEEN_KINDS; k++) {
        for (size_t i = 0; i < u->n[k]; i++)
            free(u->v[k][i].value);
        free(u->v[k]);
    }
    free(u->id);
    free(u);
}

static struct seen_account *seen_new(const char *account_id)
{
    struct seen_account *s = xcalloc(1, sizeof *s);
    s->account_id = xstrdup(account_id);
    s->users = (struct _GHashTable *)g_hash_table_new_full(g_str_hash, g_str_equal, NULL,
                                                           seen_user_free);
    return s;
}

void seen_free(struct seen_account *s)
{
    if (!s)
        return;
    g_hash_table_destroy((GHashTable *)s->users);
    free(s->account_id);
    free(s);
}

/* Account ids are [a-z0-9-] (config.c): one that is not gets no file. */
static char *path_of(const char *account_id)
{
    if (str_empty(account_id) || account_id[0] == '.' || strchr(account_id, '/'))
        return NULL;
    return xasprintf("%s/seen/%s.json", state_dir(), account_id);
}

struct seen_user *seen_user(struct seen_account *s, const char *user_id, bool create)
{
    struct seen_user *u = g_hash_table_lookup((GHashTable *)s->users, user_id);
    if (u || !create)
        return u;
    u = xcalloc(1, sizeof *u);
    u->id = xstrdup(user_id);
    g_hash_table_insert((GHashTable *)s->users, u->id, u);
    s->dirty = true;
    return u;
}

int64_t seen_first(const struct seen_user *u, enum seen_kind kind, const char *value)
{
    for (size_t i = 0; u && value && i < u->n[kind]; i++)
        if (strcmp(u->v[kind][i].value, value) == 0)
            return u->v[kind][i].first_ms;
    return -1;
}

void seen_note(struct seen_account *s, struct seen_user *u, enum seen_kind kind,
               const char *value, int64_t started_ms)
{
    if (str_empty(value))
        return;
    for (size_t i = 0; i < u->n[kind]; i++) {
        struct seen_value *v = &u->v[kind][i];
        if (strcmp(v->value, value) == 0) {
            if (started_ms < v->first_ms) {
                v->first_ms = started_ms;
                s->dirty = true;
            }
            return;
        }
    }
    if (u->n[kind] >= SEEN_MAX_VALUES)
        return; /* a user seen in so many places: the next one is new anyway */
    u->v[kind] = xrealloc(u->v[kind], (u->n[kind] + 1) * sizeof *u->v[kind]);
    u->v[kind][u->n[kind]++] = (struct seen_value){xstrdup(value), started_ms};
    s->dirty = true;
}

static gint newest_first(gconstpointer a, gconstpointer b)
{
    const struct seen_user *x = *(struct seen_user *const *)a, *y = *(struct seen_user *const *)b;
    return x->last_ms > y->last_ms ? -1 : x->last_ms < y->last_ms;
}

void seen_trim(struct seen_account *s)
{
    GHashTable *h = (GHashTable *)s->users;
    guint n = g_hash_table_size(h);
    if (n <= SEEN_MAX_USERS)
        return;
    GPtrArray *all = g_ptr_array_sized_new(n);
    GHashTableIter it;
    gpointer key, value;
    g_hash_table_iter_init(&it, h);
    while (g_hash_table_iter_next(&it, &key, &value))
        g_ptr_array_add(all, value);
    g_ptr_array_sort(all, newest_first);
    for (guint i = SEEN_MAX_USERS; i < all->len; i++)
        g_hash_table_remove(h, ((struct seen_user *)all->pdata[i])->id);
    g_ptr_array_free(all, TRUE);
    s->dirty = true;
}

/* ---- the file ---- */

char *seen_to_json(const struct seen_account *s)
{
    cJSON *doc = cJSON_CreateObject();
    cJSON_AddNumberToObject(doc, "version", 1);
    cJSON *users = cJSON_AddObjectToObject(doc, "users");
    GHashTableIter it;
    gpointer key, value;
    g_hash_table_iter_init(&it, (GHashTable *)s->users);
    while (g_hash_table_iter_next(&it, &key, &value)) {
        const struct seen_user *u = value;
        cJSON *o = cJSON_AddObjectToObject(users, u->id);
        cJSON_AddNumberToObject(o, "last", (double)u->last_ms);
        for (int k = 0; k < SEEN_KINDS; k++) {
            cJSON *vals = cJSON_AddObjectToObject(o, kind_key[k]);
            for (size_t i = 0; i < u->n[k]; i++)
                cJSON_AddNumberToObject(vals, u->v[k][i].value, (double)u->v[k][i].first_ms);
        }
    }
    char *text = cJSON_PrintUnformatted(doc);
    cJSON_Delete(doc);
    char *out = xstrdup(text);
    cJSON_free(text);
    return out;
}

static bool whole_ms(const cJSON *n, int64_t *out)
{
    if (!cJSON_IsNumber(n) || n->valuedouble < -9e15 || n->valuedouble > 9e15)
        return false;
    *out = (int64_t)n->valuedouble;
    return true;
}

int seen_from_json(struct seen_account *s, const char *text, size_t len, char **error)
{
    cJSON *doc = cJSON_ParseWithLength(text, len);
    const cJSON *users = cJSON_GetObjectItemCaseSensitive(doc, "users");
    if (!cJSON_IsObject(users)) {
        cJSON_Delete(doc);
        if (error)
            *error = xstrdup("not what sesame writes (a JSON object with \"users\")");
        return ERR_CONFIG;
    }
    const cJSON *o;
    cJSON_ArrayForEach(o, users) {
        if (!cJSON_IsObject(o) || str_empty(o->string))
            continue; /* what cannot be read is forgotten, not fatal */
        struct seen_user *u = seen_user(s, o->string, true);
        whole_ms(cJSON_GetObjectItemCaseSensitive(o, "last"), &u->last_ms);
        for (int k = 0; k < SEEN_KINDS; k++) {
            const cJSON *v;
            cJSON_ArrayForEach(v, cJSON_GetObjectItemCaseSensitive(o, kind_key[k])) {
                int64_t first;
                if (whole_ms(v, &first) && !str_empty(v->string) && text_is_clean(v->string))
                    seen_note(s, u, (enum seen_kind)k, v->string, first);
            }
        }
    }
    cJSON_Delete(doc);
    seen_trim(s);
    s->dirty = false;
    return 0;
}

struct seen_account *seen_load(const char *account_id, char **error)
{
    struct seen_account *s = seen_new(account_id);
    char *path = path_of(account_id), *data = NULL, *err = NULL;
    size_t len = 0;
    int rc = path ? file_read_regular(path, SEEN_FILE_MAX, &data, &len, &err) : ENOENT;
    if (rc == 0 && seen_from_json(s, data, len, &err) != 0 && error) {
        *error = xasprintf("%s: %s; it starts afresh", path, err);
    } else if (rc != 0 && rc != ENOENT && error) {
        *error = xasprintf("%s; it starts afresh", err ? err : path);
    }
    free(err);
    free(data);
    free(path);
    return s;
}

int seen_save(struct seen_account *s, char **error)
{
    if (!s->dirty)
        return 0;
    char *path = path_of(s->account_id);
    if (!path)
        return 0;
    char *text = seen_to_json(s);
    int rc = config_write_atomic(path, text, strlen(text), error);
    if (rc == 0)
        s->dirty = false;
    free(text);
    free(path);
    return rc;
}

void seen_forget(const char *account_id)
{
    char *path = path_of(account_id);
    if (path)
        unlink(path);
    free(path);
}
