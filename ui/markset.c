/* A set of 64-bit keys for the marks. */
#include "markset.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

#define MIN_CAP 64

static uint64_t mix(uint64_t h)
{
    h ^= h >> 30;
    h *= 0xbf58476d1ce4e5b9ull; /* splitmix64's finaliser */
    h ^= h >> 27;
    h *= 0x94d049bb133111ebull;
    h ^= h >> 31;
    return h;
}

/* A string eight bytes at a time (ids are ~30 bytes: four rounds, not 30). */
static uint64_t hash_text(uint64_t h, const char *s)
{
    size_t n = s ? strlen(s) : 0;
    for (; n >= 8; n -= 8, s += 8) {
        uint64_t w;
        memcpy(&w, s, 8);
        h = mix(h ^ w);
    }
    uint64_t w = 0;
    memcpy(&w, s ? s : "", n);
    return mix(h ^ w ^ ((uint64_t)n << 56));
}

uint64_t markset_account(const char *account_id)
{
    return hash_text(0x9e3779b97f4a7c15ull, account_id);
}

uint64_t markset_key(uint64_t account, const char *session_id)
{
    uint64_t h = hash_text(account, session_id);
    return h ? h : 1;
}

void markset_init(struct markset *m)
{
    memset(m, 0, sizeof *m);
}

void markset_free(struct markset *m)
{
    free(m->slot);
    memset(m, 0, sizeof *m);
}

void markset_clear(struct markset *m)
{
    if (m->slot && m->n)
        memset(m->slot, 0, m->cap * sizeof *m->slot);
    m->n = 0;
}

static size_t find(const struct markset *m, uint64_t key)
{
    size_t mask = m->cap - 1, i = (size_t)key & mask;
    while (m->slot[i] && m->slot[i] != key)
        i = (i + 1) & mask;
    return i;
}

static void resize(struct markset *m, size_t cap)
{
    size_t old_cap = m->cap;
    uint64_t *old = m->slot;
    m->cap = cap;
    m->slot = xcalloc(m->cap, sizeof *m->slot);
    for (size_t i = 0; i < old_cap; i++)
        if (old[i])
            m->slot[find(m, old[i])] = old[i];
    free(old);
}

static void grow(struct markset *m)
{
    resize(m, m->cap ? m->cap * 2 : MIN_CAP);
}

void markset_reserve(struct markset *m, size_t n)
{
    size_t cap = m->cap ? m->cap : MIN_CAP;
    while (n * 4 > cap * 3)
        cap *= 2;
    if (cap > m->cap)
        resize(m, cap);
}

bool markset_add(struct markset *m, uint64_t key)
{
    if ((m->n + 1) * 4 > m->cap * 3)
        grow(m);
    size_t i = find(m, key);
    if (m->slot[i])
        return false;
    m->slot[i] = key;
    m->n++;
    return true;
}

bool markset_has(const struct markset *m, uint64_t key)
{
    return m->n && m->slot[find(m, key)] == key;
}

bool markset_remove(struct markset *m, uint64_t key)
{
    if (!m->n)
        return false;
    size_t mask = m->cap - 1, i = find(m, key);
    if (!m->slot[i])
        return false;
    /* shift back the entries after it that probed past it */
    size_t j = i;
    for (;;) {
        m->slot[i] = 0;
        for (;;) {
            j = (j + 1) & mask;
            if (!m->slot[j]) {
                m->n--;
                return true;
            }
            size_t home = (size_t)m->slot[j] & mask;
            /* j's entry may move to i when its home is not in (i, j] */
            if (i <= j ? (home <= i || home > j) : (home <= i && home > j))
                break;
        }
        m->slot[i] = m->slot[j];
        i = j;
    }
}
