/* libFuzzer target: the memory of places read back (src/seen.c
 * seen_from_json).
 *
 * Any bytes: never a crash; what is read keeps its bounds (at most
 * SEEN_MAX_USERS users, SEEN_MAX_VALUES values of a kind), its values are
 * clean text; written back and read again, it is the same memory. */
#include "fuzz_common.h"

#include <glib.h>

#include "seen.h"
#include "util.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    return 0;
}

static void check(struct seen_account *s)
{
    GHashTableIter it;
    gpointer key, value;
    FZ_ASSERT(g_hash_table_size((GHashTable *)s->users) <= SEEN_MAX_USERS, "users bounded");
    g_hash_table_iter_init(&it, (GHashTable *)s->users);
    while (g_hash_table_iter_next(&it, &key, &value)) {
        const struct seen_user *u = value;
        for (int k = 0; k < SEEN_KINDS; k++) {
            FZ_ASSERT(u->n[k] <= SEEN_MAX_VALUES, "values bounded");
            for (size_t i = 0; i < u->n[k]; i++)
                fz_check_text("a value", u->v[k][i].value);
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct seen_account *s = seen_load("fuzz-none", NULL); /* empty: no such file */
    char *err = NULL;
    if (seen_from_json(s, (const char *)data, size, &err) == 0) {
        check(s);
        char *text = seen_to_json(s);
        struct seen_account *again = seen_load("fuzz-none", NULL);
        FZ_ASSERT(seen_from_json(again, text, strlen(text), NULL) == 0, "written back reads");
        FZ_ASSERT(g_hash_table_size((GHashTable *)again->users) ==
                      g_hash_table_size((GHashTable *)s->users), "the same users");
        char *twice = seen_to_json(again);
        /* the same memory, in whatever order a hash table walks it */
        FZ_ASSERT(strlen(twice) == strlen(text), "the same memory written back");
        free(twice);
        free(text);
        seen_free(again);
    }
    free(err);
    seen_free(s);
    return 0;
}
