#include "strslab.h"

#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "util.h"

/* Under AddressSanitizer the strings are kept 8 bytes apart and everything
 * not handed out (or handed back) is poisoned, so that reading past a
 * string's end or after its free is reported as it would be with malloc. */
#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#define REDZONE 8
#else
#define ASAN_POISON_MEMORY_REGION(a, n) ((void)(a), (void)(n))
#define ASAN_UNPOISON_MEMORY_REGION(a, n) ((void)(a), (void)(n))
#define REDZONE 0
#endif

#define SLAB_SIZE ((size_t)64 * 1024) /* also the alignment: a string finds its slab */
#define SLAB_MAGIC 0x51ab5e5au
#define BIG (SLAB_SIZE / 8)          /* longer strings get a slab of their own */

struct slab {
    uint32_t magic;
    atomic_uint refs;   /* strings in it, plus one while it is a thread's current slab */
    size_t size;        /* bytes mapped */
    size_t used;        /* bytes of data handed out (by the owning thread only) */
    char data[];
};

static _Thread_local struct slab *current;
static atomic_size_t live;

static struct slab *slab_new(size_t need)
{
    size_t size = (sizeof(struct slab) + need + SLAB_SIZE - 1) / SLAB_SIZE * SLAB_SIZE;
    /* map one slab more and trim to the alignment */
    size_t span = size + SLAB_SIZE;
    char *raw = mmap(NULL, span, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (raw == MAP_FAILED) {
        fprintf(stderr, "sesame: out of memory\n");
        abort();
    }
    uintptr_t at = ((uintptr_t)raw + SLAB_SIZE - 1) & ~(uintptr_t)(SLAB_SIZE - 1);
    size_t head = at - (uintptr_t)raw;
    if (head)
        munmap(raw, head);
    if (span - head > size)
        munmap((char *)at + size, span - head - size);
    struct slab *s = (struct slab *)at;
    s->magic = SLAB_MAGIC;
    atomic_init(&s->refs, 1);
    s->size = size;
    s->used = 0;
    ASAN_POISON_MEMORY_REGION(s->data, size - sizeof *s);
    atomic_fetch_add(&live, 1);
    return s;
}

static void slab_unref(struct slab *s)
{
    if (atomic_fetch_sub_explicit(&s->refs, 1, memory_order_acq_rel) == 1) {
        s->magic = 0;
        atomic_fetch_sub(&live, 1);
        ASAN_UNPOISON_MEMORY_REGION(s, s->size);
        munmap(s, s->size);
    }
}

static struct slab *slab_of(const char *p)
{
    struct slab *s = (struct slab *)((uintptr_t)p & ~(uintptr_t)(SLAB_SIZE - 1));
    if (s->magic != SLAB_MAGIC || p < s->data) {
        fprintf(stderr, "sesame: internal error: a string not made by strslab was freed as one\n");
        abort();
    }
    return s;
}

const char *strslab_dupn(const char *src, size_t len)
{
    if (!src)
        return NULL;
    size_t need = len + 1, take = REDZONE ? (need + 7) / 8 * 8 + REDZONE : need;
    struct slab *s;
    if (need > BIG) {
        s = slab_new(need); /* its one reference is the string's */
    } else {
        if (!current || sizeof(struct slab) + current->used + take > current->size) {
            if (current)
                slab_unref(current);
            current = slab_new(SLAB_SIZE - sizeof(struct slab));
        }
        s = current;
        atomic_fetch_add_explicit(&s->refs, 1, memory_order_relaxed);
    }
    char *p = s->data + s->used;
    s->used += take;
    ASAN_UNPOISON_MEMORY_REGION(p, need);
    memcpy(p, src, len);
    p[len] = '\0';
    return p;
}

const char *strslab_dup(const char *s)
{
    return s ? strslab_dupn(s, strlen(s)) : NULL;
}

const char *strslab_take(char *s)
{
    const char *r = strslab_dup(s);
    free(s);
    return r;
}

void strslab_free(const char *p)
{
    if (!p)
        return;
    struct slab *s = slab_of(p);
    ASAN_POISON_MEMORY_REGION(p, strlen(p) + 1);
    slab_unref(s);
}

void strslab_set(const char **field, const char *s)
{
    const char *old = *field;
    *field = strslab_dup(s);
    strslab_free(old);
}

void strslab_thread_done(void)
{
    if (current) {
        slab_unref(current);
        current = NULL;
    }
}

size_t strslab_count(void)
{
    return atomic_load(&live);
}
