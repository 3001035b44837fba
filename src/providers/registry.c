/* The table of providers and the small types of provider.h. Adding a
 * provider is one file and one line here. */
#include "common.h"

#include <stdlib.h>
#include <string.h>

#include "../account_policy.h"
#include "../util.h"

#define MAX_PROVIDERS 16

static const struct provider *all[MAX_PROVIDERS + 1] = {
    &provider_clerk, &provider_basistheory, &provider_plantly,
    &provider_cbrain, &provider_apideck, NULL,
};

int provider_register(const struct provider *p)
{
    size_t n = 0;
    while (all[n])
        n++;
    if (n >= MAX_PROVIDERS || provider_find(p->id))
        return -1;
    all[n] = p;
    return 0;
}

const struct provider *const *provider_all(void)
{
    return all;
}

const struct provider *provider_find(const char *id)
{
    for (size_t i = 0; id && all[i]; i++)
        if (strcmp(all[i]->id, id) == 0)
            return all[i];
    return NULL;
}

const char *op_name(enum op op)
{
    static const char *const names[OP_COUNT] = {
        [OP_LIST] = "list", [OP_GET] = "get", [OP_REVOKE] = "revoke",
        [OP_VERIFY] = "verify", [OP_TOKEN] = "token", [OP_CREATE] = "create",
        [OP_AUTHORIZE] = "authorize", [OP_REFRESH] = "refresh", [OP_INFO] = "info",
        [OP_USERS] = "users", [OP_CHECK] = "check",
    };
    return (unsigned)op < OP_COUNT ? names[op] : "?";
}

const char *provider_base_url(const struct provider *p, const struct account *a)
{
    return !str_empty(a->base_url) ? a->base_url : p->default_base_url;
}


static char *check_rate(const char *value)
{
    struct rate r;
    return rate_parse(value, &r, NULL) == 0
        ? NULL : xstrdup("is not a request budget such as 50/10s, 5/1s or 300/1m, or off");
}

/* Fields every account has besides its provider's, set in the config or
 * with --set, not asked by the add form. */
const struct field provider_common_fields[] = {
    {"rate_limit", "Request budget (N/10s)", 0,
     "requests this account may send per window, e.g. 50/10s; default: half the "
     "provider's documented limit; off = no pacing", check_rate},
    {"expiring", "Expiring within", 0,
     "a live session with less left stands out and is told once; default 10m; off",
     policy_check_duration_or_off},
    {"auto_refresh", "Renew before expiry", 0,
     "yes: Plantly logins renew themselves before they expire, CBRAIN logins are checked",
     policy_check_bool},
    {"production", "Production", 0,
     "yes: its rows carry the production colour and badge; revoking asks for its label",
     policy_check_bool},
    {"read_only", "Read-only", 0,
     "yes: nothing that changes a session here (revoke, create, authorize, renew)",
     policy_check_bool},
    {"many_live", "Many live sessions", 0,
     "a user with more live sessions than this is flagged; default 5; off",
     policy_check_count_or_off},
    {"stale_after", "Stale after", 0,
     "a live session idle longer than this is flagged; default 3d; off",
     policy_check_duration_or_off},
    {NULL, NULL, 0, NULL, NULL},
};

const struct field *provider_field(const struct provider *p, const char *key)
{
    for (const struct field *f = p->fields; key && f && f->key; f++)
        if (strcmp(f->key, key) == 0)
            return f;
    for (const struct field *f = provider_common_fields; key && f->key; f++)
        if (strcmp(f->key, key) == 0)
            return f;
    return NULL;
}

/* Where a provider documents no limit of its own: polite, and far above
 * what one person's actions need. */
static const struct rate undocumented_rate = {10, 1000};

void provider_rate(const struct provider *p, const struct account *a,
                   const struct secret_bag *secrets, struct rate *out)
{
    const char *own = account_field(a, "rate_limit");
    if (!str_empty(own) && rate_parse(own, out, NULL) == 0)
        return; /* a bad value is refused where it is stored; here the default stands */
    *out = undocumented_rate;
    if (p->default_rate)
        p->default_rate(a, secrets, out);
}

/* Every field holds an id, a name, a duration or a URL part: a kilobyte is
 * room enough, and a longer value only fails later (HTTP 414). */
#define FIELD_VALUE_MAX 1024

char *provider_field_check(const struct provider *p, const char *key, const char *value)
{
    if (!p || !key || str_empty(value))
        return NULL;
    const struct field *f = provider_field(p, key);
    char *why = strlen(value) > FIELD_VALUE_MAX
        ? xasprintf("is longer than %d bytes", FIELD_VALUE_MAX) /* ids, names, durations */
        : f && f->validate ? f->validate(value) : NULL;
    /* what is kept in accounts.conf is shown and sent as it was typed:
     * never flattened or cut at a line end, refused as every field is */
    if (!why && f && !(f->flags & FIELD_SECRET) && has_control_chars(value))
        why = xstrdup("holds control characters (a tab, a line end ...)");
    /* nor shown as something it is not: what shows as nothing is refused */
    else if (!why && f && !(f->flags & FIELD_SECRET) && text_has_hidden(value))
        why = xstrdup("holds characters that do not show (a zero-width space, a bidi "
                      "control, a soft hyphen ...)");
    if (!why)
        return NULL;
    char *shown = text_shown(value);
    char *msg = (f->flags & FIELD_SECRET) ? xasprintf("%s %s", key, why)
                                          : xasprintf("%s: \"%s\" %s", key, shown, why);
    free(shown);
    free(why);
    return msg;
}
