/* An account's own settings (account_policy.h). */
#include "account_policy.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "providers/common.h"
#include "util.h"

int policy_bool_parse(const char *s)
{
    static const char *const yes[] = {"yes", "true", "on", "1"};
    static const char *const no[] = {"no", "false", "off", "0"};
    for (size_t i = 0; s && i < ARRAY_LEN(yes); i++) {
        if (strcasecmp(s, yes[i]) == 0)
            return 1;
        if (strcasecmp(s, no[i]) == 0)
            return 0;
    }
    return -1;
}

static bool is_off(const char *s)
{
    return s && (strcasecmp(s, "off") == 0 || strcasecmp(s, "no") == 0 ||
                 strcmp(s, "0") == 0);
}

/* A count 1..100000, by hand (no sign, no overflow); -1 if not one. */
static long count_parse(const char *s)
{
    long n = 0;
    size_t digits = 0;
    for (; s && *s >= '0' && *s <= '9'; s++, digits++) {
        n = n * 10 + (*s - '0');
        if (n > 100000)
            return -1;
    }
    return s && !*s && digits && n > 0 ? n : -1;
}

char *policy_check_bool(const char *value)
{
    return policy_bool_parse(value) >= 0 ? NULL : xstrdup("is not yes or no");
}

char *policy_check_duration_or_off(const char *value)
{
    int64_t secs;
    return is_off(value) || duration_parse(value, &secs)
        ? NULL : xstrdup("is not a duration like 10m, 1h or 3d, or off");
}

char *policy_check_count_or_off(const char *value)
{
    /* "0" is not "off" here: a count of 0 reads as "flag any live session" */
    return (is_off(value) && strcmp(value, "0") != 0) || count_parse(value) > 0
        ? NULL : xstrdup("is not a number from 1 to 100000, or off");
}

static int64_t duration_field(const struct account *a, const char *key, int64_t dflt)
{
    const char *v = account_field(a, key);
    int64_t secs;
    if (str_empty(v))
        return dflt;
    if (is_off(v))
        return 0;
    return duration_parse(v, &secs) ? secs * 1000 : dflt;
}

static bool bool_field(const struct account *a, const char *key)
{
    return policy_bool_parse(account_field(a, key)) == 1;
}

void account_policy_of(const struct account *a, struct account_policy *out)
{
    memset(out, 0, sizeof *out);
    out->expiring_ms = duration_field(a, "expiring", POLICY_EXPIRING_DEFAULT_MS);
    out->stale_ms = duration_field(a, "stale_after", POLICY_STALE_DEFAULT_MS);
    out->auto_refresh = bool_field(a, "auto_refresh");
    out->production = bool_field(a, "production");
    out->read_only = bool_field(a, "read_only");
    const char *many = account_field(a, "many_live");
    long n = count_parse(many);
    out->many_live = str_empty(many) ? POLICY_MANY_LIVE_DEFAULT : is_off(many) ? 0
                     : n > 0 ? (int)n : POLICY_MANY_LIVE_DEFAULT;
}

const char *account_confirm_label(const struct account *a)
{
    return bool_field(a, "production") ? (a->label ? a->label : a->id) : NULL;
}

char *account_refuses(const struct account *a, enum op op)
{
    if (op != OP_REVOKE && op != OP_CREATE && op != OP_AUTHORIZE && op != OP_REFRESH)
        return NULL;
    if (!bool_field(a, "read_only"))
        return NULL;
    const char *name = a->label ? a->label : a->id;
    char *q = shell_quote(a->id);
    char *why = xasprintf("%s is read-only (read_only = yes): it cannot %s here; to allow it: "
                          "sesame account edit %s --set read_only=no", name,
                          op == OP_REVOKE ? "end or forget a session"
                          : op == OP_CREATE ? "create a session"
                          : op == OP_AUTHORIZE ? "authorize a session" : "renew a session",
                          q);
    free(q);
    return why;
}

char *account_remove_refuses(const struct account *a, const char *typed)
{
    const char *name = a->label ? a->label : a->id;
    char *q = shell_quote(a->id), *why = NULL;
    const char *label = account_confirm_label(a);
    if (bool_field(a, "read_only"))
        why = xasprintf("%s is read-only (read_only = yes): removing it would forget its tracked "
                        "sessions; to allow it: sesame account edit %s --set read_only=no",
                        name, q);
    else if (label && !typed) {
        char *ql = shell_quote(label);
        why = xasprintf("%s is a production account: removing it needs its label typed out "
                        "(sesame account remove --confirm %s %s)", name, ql, q);
        free(ql);
    } else if (label && strcmp(typed, label) != 0)
        why = xasprintf("\"%s\" is not %s: nothing was changed", typed, label);
    free(q);
    return why;
}
