/* libFuzzer target: accounts.conf (src/config.c). The input is written to
 * $SESAME_CONFIG_DIR/accounts.conf (a private temp dir) and loaded.
 *
 * Checks: a load that fails says "path:line: ..." or "path: ..." and gives
 * an empty list; a load that works gives accounts with a valid id, a known
 * provider and distinct labels. Then the writer: the loaded accounts are
 * written back one by one with accounts_upsert into a fresh file, and
 * loading that file must give the same accounts (GKeyFile escaping, field
 * names, empty values and booleans all survive the round trip). And
 * account_new_id gives a valid, free id for any label. */
#include "fuzz_common.h"

#include "config.h"
#include "util.h"

#define FILE_NAME "accounts.conf"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    setenv("SESAME_CONFIG_DIR", fz_make_dir("config"), 1);
    return 0;
}

static const struct kv *find_field(const struct account *a, const char *key)
{
    for (size_t i = 0; i < a->n_fields; i++)
        if (strcmp(a->fields[i].key, key) == 0)
            return &a->fields[i];
    return NULL;
}

static void same_account(const struct account *a, const struct account *b)
{
    if (!fz_str_eq(a->id, b->id) || !fz_str_eq(a->provider_id, b->provider_id) ||
        !fz_str_eq(a->label, b->label) || !fz_str_eq(a->base_url, b->base_url) ||
        !fz_str_eq(a->ca_file, b->ca_file) || a->allow_http != b->allow_http)
        fz_fail("account %s changed on the way through accounts_upsert", a->id);
    if (a->n_fields != b->n_fields)
        fz_fail("account %s: %zu fields, %zu after accounts_upsert", a->id, a->n_fields,
                b->n_fields);
    for (size_t i = 0; i < a->n_fields; i++) {
        const struct kv *f = find_field(b, a->fields[i].key);
        if (!f || !fz_str_eq(f->value, a->fields[i].value))
            fz_fail("account %s: field %s changed on the way through accounts_upsert", a->id,
                    a->fields[i].key);
    }
}

static void check_loaded(const struct account_list *l)
{
    for (size_t i = 0; i < l->n; i++) {
        const struct account *a = &l->v[i];
        FZ_ASSERT(a->id && *a->id && strlen(a->id) <= 48, "an account id is 1 to 48 bytes");
        for (const char *c = a->id; *c; c++)
            FZ_ASSERT((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '-',
                      "an account id is [a-z0-9-]");
        FZ_ASSERT(a->provider_id && *a->provider_id, "an account has a provider");
        FZ_ASSERT(a->label && *a->label, "an account has a label");
        FZ_ASSERT(g_utf8_validate(a->label, -1, NULL), "a label is UTF-8");
        FZ_ASSERT(a->n_fields <= ACCOUNT_MAX_FIELDS, "field count");
        for (size_t j = 0; j < i; j++)
            FZ_ASSERT(strcmp(l->v[j].label, a->label) != 0, "labels differ");
    }
}

static void check_id(const char *id, const struct account_list *l)
{
    size_t n = strlen(id);
    FZ_ASSERT(n >= 1 && n <= 48, "a new id is 1 to 48 bytes");
    for (const char *c = id; *c; c++)
        FZ_ASSERT((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '-',
                  "a new id is [a-z0-9-]");
    for (size_t i = 0; i < l->n; i++) {
        FZ_ASSERT(strcmp(l->v[i].id, id) != 0, "a new id is not taken");
        FZ_ASSERT(g_ascii_strcasecmp(l->v[i].label, id) != 0, "a new id is no account's label");
    }
}

/* account_new_id for the input's first line (a label as typed) and for
 * every loaded label (taken ids must be avoided). */
static void check_new_ids(const uint8_t *data, size_t size, const struct account_list *l)
{
    char *text = fz_cstr(data, size);
    char *nl = strchr(text, '\n');
    if (nl)
        *nl = '\0';
    char *id = account_new_id(l, text);
    check_id(id, l);
    free(id);
    free(text);
    for (size_t i = 0; i < l->n; i++) {
        id = account_new_id(l, l->v[i].label);
        check_id(id, l);
        free(id);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz_write_file(FILE_NAME, data, size);
    struct account_list l = {0};
    char *error = NULL;
    int rc = accounts_load(&l, &error);
    if (rc != 0) {
        FZ_ASSERT(rc == ERR_CONFIG, "a bad file is ERR_CONFIG");
        FZ_ASSERT(error && strncmp(error, fz_dir, strlen(fz_dir)) == 0,
                  "the error starts with the path");
        FZ_ASSERT(l.n == 0 && l.v == NULL, "a failed load gives no accounts");
        free(error);
        check_new_ids(data, size, &l);
        return 0;
    }
    FZ_ASSERT(error == NULL, "a load that worked sets no error");
    check_loaded(&l);
    check_new_ids(data, size, &l);

    /* write them back into a fresh file and read that */
    fz_remove_file(FILE_NAME);
    for (size_t i = 0; i < l.n; i++) {
        if (accounts_upsert(&l.v[i], &error) != 0)
            fz_fail("accounts_upsert refused a loaded account: %s", error ? error : "?");
    }
    struct account_list back = {0};
    if (accounts_load(&back, &error) != 0)
        fz_fail("the file accounts_upsert wrote does not load: %s", error ? error : "?");
    FZ_ASSERT(back.n == l.n, "as many accounts after the round trip");
    for (size_t i = 0; i < l.n; i++) {
        struct account *b = account_list_find_id(&back, l.v[i].id);
        FZ_ASSERT(b, "every account is still there");
        same_account(&l.v[i], b);
    }
    account_list_free(&back);
    account_list_free(&l);
    return 0;
}
