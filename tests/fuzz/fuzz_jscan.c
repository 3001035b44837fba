/* libFuzzer target: src/providers/jscan.c against cJSON.
 *
 * Whatever jscan reads to its end without stopping (bad), cJSON parses too,
 * and to the same values: the same members with the same keys in the same
 * order, the same strings (jstr_decode against valuestring), the same
 * integers where jscan gives one, the same kinds of value everywhere. That
 * is what lets a Clerk sessions page be read in place and anything else go
 * to cJSON with the old answer. */
#include "fuzz_common.h"

#include <cJSON.h>

#include "providers/jscan.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    return 0;
}

/* The value at j (peeked), read by jscan, against c; false when jscan
 * stopped (nothing to compare then). */
static bool same(struct jscan *j, const cJSON *c)
{
    struct jstr key, s;
    const cJSON *item;
    switch (jscan_peek(j)) {
    case '{':
        FZ_ASSERT(cJSON_IsObject(c), "an object for cJSON too");
        jscan_enter(j);
        item = c->child;
        while (jscan_member(j, &key)) {
            FZ_ASSERT(item && item->string, "as many members");
            FZ_ASSERT(jstr_is(&key, item->string), "the same key");
            if (!same(j, item))
                return false;
            item = item->next;
        }
        if (j->bad)
            return false;
        FZ_ASSERT(!item, "as many members");
        return true;
    case '[':
        FZ_ASSERT(cJSON_IsArray(c), "an array for cJSON too");
        jscan_enter(j);
        item = c->child;
        while (jscan_item(j)) {
            FZ_ASSERT(item, "as many items");
            if (!same(j, item))
                return false;
            item = item->next;
        }
        if (j->bad)
            return false;
        FZ_ASSERT(!item, "as many items");
        return true;
    case '"': {
        if (!jscan_string(j, &s))
            return false;
        FZ_ASSERT(cJSON_IsString(c), "a string for cJSON too");
        char *v = malloc(s.len + 1);
        jstr_decode(&s, v);
        FZ_ASSERT(strcmp(v, c->valuestring) == 0, "the same string");
        free(v);
        return true;
    }
    case '-': {
        FZ_ASSERT(cJSON_IsNumber(c), "a number for cJSON too");
        struct jscan probe = *j; /* as an integer if it is one, else skipped */
        int64_t v;
        if (jscan_int(&probe, &v)) {
            FZ_ASSERT((double)v == c->valuedouble, "the same integer");
            *j = probe;
            return true;
        }
        return jscan_skip(j);
    }
    case 't':
        FZ_ASSERT(cJSON_IsTrue(c), "true for cJSON too");
        return jscan_skip(j);
    case 'f':
        FZ_ASSERT(cJSON_IsFalse(c), "false for cJSON too");
        return jscan_skip(j);
    case 'n':
        FZ_ASSERT(cJSON_IsNull(c), "null for cJSON too");
        return jscan_skip(j);
    default:
        return false;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct jscan j;
    jscan_init(&j, (const char *)data, size);
    bool read = jscan_skip(&j) && jscan_end(&j);
    cJSON *c = cJSON_ParseWithLength((const char *)data, size);
    if (read) {
        FZ_ASSERT(c, "what jscan reads, cJSON parses");
        jscan_init(&j, (const char *)data, size);
        FZ_ASSERT(same(&j, c) && jscan_end(&j), "jscan reads it again, the same way");
    }
    cJSON_Delete(c);
    return 0;
}
