#include "strpool.h"

#include <glib.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

#define POOL_MAGIC 0x5e5a3e01u

struct entry {
    uint32_t magic;
    uint32_t refs;
    char s[];
};

/* pthread's, not GMutex: GLib's futex-based lock is invisible to
 * ThreadSanitizer, which then reports every pooled string as a race */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static GHashTable *table; /* entry->s -> entry->s; NULL while the pool is empty */

static struct entry *entry_of(const char *p)
{
    struct entry *e = (struct entry *)(void *)(p - offsetof(struct entry, s));
    if (e->magic != POOL_MAGIC) {
        fprintf(stderr, "sesame: internal error: a string that is not pooled was used as one\n");
        abort();
    }
    return e;
}

/* s is terminated, len is strlen(s). */
static const char *get_locked(const char *s, size_t len)
{
    if (!table)
        table = g_hash_table_new(g_str_hash, g_str_equal);
    char *found = g_hash_table_lookup(table, s);
    if (found) {
        struct entry *e = entry_of(found);
        if (e->refs == UINT32_MAX)
            abort();
        e->refs++;
        return found;
    }
    struct entry *e = xmalloc(sizeof *e + len + 1);
    e->magic = POOL_MAGIC;
    e->refs = 1;
    memcpy(e->s, s, len + 1);
    g_hash_table_add(table, e->s);
    return e->s;
}

const char *strpool_get(const char *s)
{
    if (!s)
        return NULL;
    pthread_mutex_lock(&lock);
    const char *r = get_locked(s, strlen(s));
    pthread_mutex_unlock(&lock);
    return r;
}

/* For bytes that are not terminated: the copy is paid here, not on every
 * strpool_get (the worker calls that ~600k times for 100k sessions). */
const char *strpool_getn(const char *s, size_t len)
{
    if (!s)
        return NULL;
    char *key = xstrndup(s, len);
    const char *r = strpool_get(key);
    free(key);
    return r;
}

const char *strpool_take(char *s)
{
    const char *r = strpool_get(s);
    free(s);
    return r;
}

const char *strpool_ref(const char *p)
{
    if (!p)
        return NULL;
    pthread_mutex_lock(&lock);
    struct entry *e = entry_of(p);
    if (e->refs == UINT32_MAX)
        abort();
    e->refs++;
    pthread_mutex_unlock(&lock);
    return p;
}

void strpool_put(const char *p)
{
    if (!p)
        return;
    pthread_mutex_lock(&lock);
    struct entry *e = entry_of(p);
    if (--e->refs == 0) {
        g_hash_table_remove(table, e->s);
        e->magic = 0;
        free(e);
        /* an empty pool holds nothing, so a clean exit leaks nothing */
        if (g_hash_table_size(table) == 0) {
            g_hash_table_destroy(table);
            table = NULL;
        }
    }
    pthread_mutex_unlock(&lock);
}

void strpool_set(const char **field, const char *s)
{
    const char *old = *field;
    *field = strpool_get(s);
    strpool_put(old);
}

size_t strpool_count(void)
{
    pthread_mutex_lock(&lock);
    size_t n = table ? g_hash_table_size(table) : 0;
    pthread_mutex_unlock(&lock);
    return n;
}
