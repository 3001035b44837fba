/* The places and devices seen per user (seen.h). */
#include "seen.h"

#include <cJSON.h>
#include <errno.h>
#include <glib.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "providers/jscan.h"
#include "util.h"

#define SEEN_FILE_MAX (8u * 1024u * 1024u)

static const char *const kind_key[SEEN_KINDS] = {"countries", "devices"};

/* A value's text lives in the account's chunk (seen_account.values), once
 * however many users had it: 1,000 users of 100k sessions share a few
 * dozen countries and device types. */
static void seen_user_free(void *p)
{
    struct seen_user *u = p;
    for (int k = 0; k < SEEN_KINDS; k++)
        free(u->v[k]);
    free(u->id);
    free(u);
}

static struct seen_account *seen_new(const char *account_id)
{
    struct seen_account *s = xcalloc(1, sizeof *s);
    s->account_id = xstrdup(account_id);
    s->users = (struct _GHashTable *)g_hash_table_new_full(g_str_hash, g_str_equal, NULL,
                                                           seen_user_free);
    s->values = (struct _GStringChunk *)g_string_chunk_new(1024);
    return s;
}

void seen_free(struct seen_account *s)
{
    if (!s)
        return;
    g_hash_table_destroy((GHashTable *)s->users);
    g_string_chunk_free((GStringChunk *)s->values);
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
    const char *text = g_string_chunk_insert_const((GStringChunk *)s->values, value);
    u->v[kind][u->n[kind]++] = (struct seen_value){text, started_ms};
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

/* s as a JSON string: the values are clean text (checked when read, or
 * sanitised on the way in), so only quotes, backslashes and control
 * characters need escapes. */
static void json_text(GString *out, const char *s)
{
    g_string_append_c(out, '"');
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            g_string_append_printf(out, "\\%c", c);
        else if (c < 0x20)
            g_string_append_printf(out, "\\u%04x", c);
        else
            g_string_append_c(out, (char)c);
    }
    g_string_append_c(out, '"');
}

/* Written as text, not through a cJSON tree: the tree of 1,000 users was
 * 3 MB more at the peak of a 100k listing (README Benchmark). */
static GString *to_text(const struct seen_account *s)
{
    GString *out = g_string_new("{\"version\":1,\"users\":{");
    GHashTableIter it;
    gpointer key, value;
    bool first = true;
    g_hash_table_iter_init(&it, (GHashTable *)s->users);
    while (g_hash_table_iter_next(&it, &key, &value)) {
        const struct seen_user *u = value;
        if (!first)
            g_string_append_c(out, ',');
        first = false;
        json_text(out, u->id);
        g_string_append_printf(out, ":{\"last\":%" PRId64, u->last_ms);
        for (int k = 0; k < SEEN_KINDS; k++) {
            g_string_append_printf(out, ",\"%s\":{", kind_key[k]);
            for (size_t i = 0; i < u->n[k]; i++) {
                if (i)
                    g_string_append_c(out, ',');
                json_text(out, u->v[k][i].value);
                g_string_append_printf(out, ":%" PRId64, u->v[k][i].first_ms);
            }
            g_string_append_c(out, '}');
        }
        g_string_append_c(out, '}');
    }
    g_string_append(out, "}}");
    return out;
}

char *seen_to_json(const struct seen_account *s)
{
    GString *out = to_text(s);
    char *text = xstrdup(out->str);
    g_string_free(out, TRUE);
    return text;
}

static bool whole_ms(const cJSON *n, int64_t *out)
{
    if (!cJSON_IsNumber(n) || n->valuedouble < -9e15 || n->valuedouble > 9e15)
        return false;
    *out = (int64_t)n->valuedouble;
    return true;
}

/* ---- reading: in place (jscan), else through cJSON ---- */

/* A key or string as a terminated copy in *buf (grown as needed). */
static const char *decoded(const struct jstr *k, char **buf, size_t *cap)
{
    if (k->len + 1 > *cap) {
        *cap = (k->len + 1) * 2;
        *buf = xrealloc(*buf, *cap);
    }
    jstr_decode(k, *buf);
    return *buf;
}

/* One kind's {"VALUE": first_ms, ...} of user u. */
static void scan_values(struct jscan *j, struct seen_account *s, struct seen_user *u,
                        enum seen_kind kind, char **buf, size_t *cap)
{
    if (jscan_peek(j) != '{') {
        jscan_skip(j); /* not an object: nothing of this kind, as cJSON reads it */
        return;
    }
    jscan_enter(j);
    struct jstr k;
    while (jscan_member(j, &k)) {
        int64_t first;
        if (jscan_peek(j) != '-') {
            jscan_skip(j);
            continue;
        }
        if (!jscan_int(j, &first))
            return; /* a fraction or a big number: bad, cJSON reads the file */
        const char *v = decoded(&k, buf, cap);
        if (!str_empty(v) && text_is_clean(v))
            seen_note(s, u, kind, v, first);
    }
}

/* The file as seen_to_json writes it, walked in place: the cJSON tree of
 * 1,000 users cost 3 MB at the peak of a 100k listing. false when jscan
 * does not vouch for the text (then cJSON reads it, as before). */
static bool scan_file(struct seen_account *s, const char *text, size_t len)
{
    struct jscan j;
    jscan_init(&j, text, len);
    if (jscan_peek(&j) != '{')
        return false;
    jscan_enter(&j);
    struct jstr k;
    bool users = false;
    char *buf = NULL;
    size_t cap = 0;
    while (!j.bad && jscan_member(&j, &k)) {
        if (!jstr_is(&k, "users") || users || jscan_peek(&j) != '{') {
            jscan_skip(&j);
            continue;
        }
        users = true;
        jscan_enter(&j);
        struct jstr uk;
        while (!j.bad && jscan_member(&j, &uk)) {
            const char *id = decoded(&uk, &buf, &cap);
            if (str_empty(id) || jscan_peek(&j) != '{') {
                jscan_skip(&j); /* what cannot be read is forgotten, not fatal */
                continue;
            }
            struct seen_user *u = seen_user(s, id, true);
            jscan_enter(&j);
            struct jstr m;
            while (!j.bad && jscan_member(&j, &m)) {
                int64_t last;
                if (jstr_is(&m, "last") && jscan_peek(&j) == '-') {
                    if (jscan_int(&j, &last))
                        u->last_ms = last;
                } else if (jstr_is(&m, kind_key[SEEN_COUNTRY])) {
                    scan_values(&j, s, u, SEEN_COUNTRY, &buf, &cap);
                } else if (jstr_is(&m, kind_key[SEEN_DEVICE])) {
                    scan_values(&j, s, u, SEEN_DEVICE, &buf, &cap);
                } else {
                    jscan_skip(&j);
                }
            }
        }
    }
    free(buf);
    return jscan_end(&j) && users;
}

int seen_from_json(struct seen_account *s, const char *text, size_t len, char **error)
{
    if (scan_file(s, text, len)) {
        seen_trim(s);
        s->dirty = false;
        return 0;
    }
    g_hash_table_remove_all((GHashTable *)s->users); /* what the scan had read */
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
    GString *text = to_text(s);
    int rc = config_write_atomic(path, text->str, text->len, error);
    if (rc == 0)
        s->dirty = false;
    g_string_free(text, TRUE);
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
