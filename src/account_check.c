/* Checks an account passes before it is stored (account_check.h). */
#include "account_check.h"

#include <glib.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/* A key of the config file that is none of sesame's but a field's name
 * ("rate_limit=" for "field.rate_limit="), or a field the provider does not
 * have: a hand edit that would be ignored in silence. */
static char *key_problem(const struct provider *p, const struct account *a)
{
    char **stray = g_strsplit(a->stray_keys ? a->stray_keys : "", " ", -1);
    char *why = NULL;
    for (size_t i = 0; !why && stray[i]; i++)
        if (*stray[i] && provider_field(p, stray[i]))
            why = xasprintf("'%s=' is not read: a field is written field.%s=", stray[i],
                            stray[i]);
    g_strfreev(stray);
    for (size_t i = 0; !why && i < a->n_fields; i++)
        if (!provider_field(p, a->fields[i].key)) {
            char *shown = text_shown(a->fields[i].key);
            why = xasprintf("%s accounts have no field '%s' (field.%s)", p->title, shown, shown);
            free(shown);
        }
    return why;
}

char *account_fields_problem(const struct provider *p, const struct account *a)
{
    char *why = key_problem(p, a);
    if (why)
        return why;
    const struct field *lists[] = {p->fields, provider_common_fields};
    for (size_t i = 0; i < 2; i++)
        for (const struct field *f = lists[i]; f && f->key; f++) {
            if (f->flags & FIELD_SECRET)
                continue;
            why = provider_field_check(p, f->key, account_field(a, f->key));
            if (why)
                return why;
        }
    return NULL;
}

size_t account_check_jobs(const struct provider *p, const struct account *a,
                          const struct secret_bag *given, struct job *out)
{
    if (!(p->caps & CAP_CHECK))
        return 0;
    size_t n = 0;
    for (size_t i = 0; given && i < given->n && n < SECRET_BAG_MAX; i++) {
        if (str_empty(given->item[i].value))
            continue;
        struct job *j = &out[n++];
        memset(j, 0, sizeof *j);
        j->kind = JOB_OP;
        j->op = OP_CHECK;
        account_copy(&j->account, a);
        secret_bag_put(&j->secrets, given->item[i].kind, given->item[i].value);
        j->args.check_kind = xstrdup(given->item[i].kind);
    }
    return n;
}

static const char *label_of(const struct provider *p, const char *kind)
{
    for (const struct field *f = p->fields; f && f->key; f++)
        if (kind && strcmp(f->key, kind) == 0)
            return f->label;
    return "credentials";
}

char *account_check_message(const struct provider *p, const char *kind, int err, bool refused,
                            const char *error)
{
    const char *why = error ? error : "no answer";
    if (err == ERR_PROVIDER && refused)
        return xasprintf("the %s (%s) was refused: %s", label_of(p, kind), kind ? kind : "",
                         why);
    return xasprintf("could not check the %s (%s): %s", label_of(p, kind), kind ? kind : "",
                     why);
}
