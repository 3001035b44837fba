/* Pure argument helpers of the headless commands (unit-tested): --set,
 * --status, the options of a Basis Theory authorize, $BROWSER. */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "providers/common.h"
#include "session_status.h"
#include "util.h"

int cli_parse_set(const char *arg, char **key, char **value, char **error)
{
    *key = *value = NULL;
    const char *eq = strchr(arg, '=');
    if (!eq || eq == arg) {
        *error = xasprintf("--set wants KEY=VALUE, not '%s'", arg);
        return ERR_USAGE;
    }
    *key = xstrndup(arg, (size_t)(eq - arg));
    *value = text_trim(eq + 1); /* " 1h" means 1h, as in the dashboard's form */
    return 0;
}

static char *field_names(const struct provider *p, unsigned want, unsigned mask)
{
    char *acc = xstrdup("");
    for (const struct field *f = p->fields; f && f->key; f++) {
        if ((f->flags & mask) != want)
            continue;
        char *n = xasprintf("%s%s%s", acc, *acc ? ", " : "", f->key);
        free(acc);
        acc = n;
    }
    return acc;
}

int cli_apply_sets(const struct provider *p, struct account *a, char *const *sets, size_t n,
                   char **error)
{
    for (size_t i = 0; i < n; i++) {
        char *key, *value;
        int rc = cli_parse_set(sets[i], &key, &value, error);
        if (rc)
            return rc;
        char *msg = NULL;
        const struct field *f = provider_field(p, key);
        if (!f) {
            char *names = field_names(p, 0, FIELD_SECRET);
            char *shown = text_shown(key);
            msg = xasprintf("%s has no field '%s' (fields for --set: %s)", p->title, shown,
                            *names ? names : "none");
            free(shown);
            free(names);
        } else if (f->flags & FIELD_SECRET) {
            msg = xasprintf("secrets are never taken from the command line: %s (%s) is "
                            "read from the terminal, or from standard input", f->key, f->label);
        } else if (a->n_fields >= ACCOUNT_MAX_FIELDS && !account_field(a, key)) {
            msg = xasprintf("too many fields (at most %d)", ACCOUNT_MAX_FIELDS);
        } else if (!(msg = provider_field_check(p, key, value))) {
            account_set_field(a, key, str_empty(value) ? NULL : value);
        }
        /* the value may be a secret typed in the wrong place: wipe it */
        wipe_free(value);
        free(key);
        if (msg) {
            *error = msg;
            return ERR_USAGE;
        }
    }
    char *missing = xstrdup("");
    for (const struct field *f = p->fields; f && f->key; f++) {
        if ((f->flags & FIELD_SECRET) || !(f->flags & FIELD_REQUIRED) ||
            !str_empty(account_field(a, f->key)))
            continue;
        char *m = xasprintf("%s%s--set %s=... (%s)", missing, *missing ? ", " : "", f->key,
                            f->label);
        free(missing);
        missing = m;
    }
    if (*missing) {
        *error = xasprintf("%s needs %s", p->title, missing);
        free(missing);
        return ERR_USAGE;
    }
    free(missing);
    return 0;
}

int cli_authorize_options(char *const *perms, size_t n_perms, const char *rules_json,
                          const char *expires_at, char **out, char **error)
{
    *out = NULL;
    cJSON *rules = NULL;
    if (rules_json) {
        rules = cJSON_Parse(rules_json);
        if (cJSON_IsObject(rules)) {
            cJSON *arr = cJSON_CreateArray();
            cJSON_AddItemToArray(arr, rules);
            rules = arr;
        }
        if (!cJSON_IsArray(rules)) {
            cJSON_Delete(rules);
            *error = xstrdup("--rules wants a JSON array of access rules (or one rule object)");
            return ERR_USAGE;
        }
        const cJSON *r;
        cJSON_ArrayForEach(r, rules) {
            if (!cJSON_IsObject(r)) {
                cJSON_Delete(rules);
                *error = xstrdup("--rules: every access rule is a JSON object");
                return ERR_USAGE;
            }
        }
    }
    size_t n_rules = rules ? (size_t)cJSON_GetArraySize(rules) : 0;
    if (n_perms == 0 && n_rules == 0) {
        cJSON_Delete(rules);
        *error = xstrdup("give at least one --permission or a non-empty --rules");
        return ERR_USAGE;
    }
    for (size_t i = 0; i < n_perms; i++) {
        if (str_empty(perms[i])) {
            cJSON_Delete(rules);
            *error = xstrdup("--permission wants a permission name (e.g. token:read)");
            return ERR_USAGE;
        }
    }
    int64_t ms;
    if (expires_at && !parse_iso8601_ms(expires_at, &ms)) {
        cJSON_Delete(rules);
        *error = xasprintf("--expires-at wants an ISO 8601 time like 2030-01-31T12:00:00Z, "
                           "not '%s'", expires_at);
        return ERR_USAGE;
    }
    cJSON *o = cJSON_CreateObject();
    if (n_perms > 0) {
        cJSON *arr = cJSON_AddArrayToObject(o, "permissions");
        for (size_t i = 0; i < n_perms; i++)
            cJSON_AddItemToArray(arr, cJSON_CreateString(perms[i]));
    }
    if (n_rules > 0)
        cJSON_AddItemToObject(o, "rules", rules);
    else
        cJSON_Delete(rules);
    if (expires_at)
        cJSON_AddStringToObject(o, "expires_at", expires_at);
    char *s = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    *out = xstrdup(s);
    cJSON_free(s);
    return 0;
}

int cli_parse_status(const char *s, enum session_status *out, char **error)
{
    if (session_status_named(s, out))
        return 0;
    char *words = session_status_words();
    char *shown = text_shown(s);
    *error = xasprintf("--status '%s' is not one of %s", shown, words);
    free(shown);
    free(words);
    return ERR_USAGE;
}

