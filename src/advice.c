/* What to do about an account's error. */
#include "advice.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

/* The first secret field the provider asks for ("api_key", "password"). */
static const char *first_secret(const struct provider *p)
{
    for (const struct field *f = p ? p->fields : NULL; f && f->key; f++)
        if (f->flags & FIELD_SECRET)
            return f->key;
    return "api_key";
}

/* The missing kind in "no KIND in the keyring for account ...", or NULL. */
static char *missing_kind(const char *message)
{
    const char *at = strstr(message, "no ");
    const char *end = at ? strstr(at + 3, " in the keyring for account") : NULL;
    if (!end || end - at - 3 > 40)
        return NULL;
    return xstrndup(at + 3, (size_t)(end - at - 3));
}

static bool has(const char *message, const char *part)
{
    return strstr(message, part) != NULL;
}

static char *edit_command(const struct account *a, const char *rest)
{
    char *id = shell_quote(a->id ? a->id : "");
    char *cmd = xasprintf("sesame account edit %s%s", id, rest);
    free(id);
    return cmd;
}

static void set(struct advice *out, enum advice_step step, char *what, char *todo, char *cmd)
{
    out->step = step;
    out->what = what;
    out->todo = todo;
    out->command = cmd;
}

static void provider_error(const char *m, const struct account *a, const struct provider *p,
                           const char *title, struct advice *out)
{
    if (has(m, "HTTP 401") || has(m, "HTTP 403") || has(m, "was refused")) {
        const char *kind = first_secret(p);
        char *rest = xasprintf(" --secret %s", kind);
        set(out, ADVICE_EDIT_SECRET, xasprintf("%s refused the account's %s.", title, kind),
            xasprintf("Enter the right %s (and check it is for this instance).", kind),
            edit_command(a, rest));
        free(rest);
    } else if (has(m, "HTTP 429")) {
        set(out, ADVICE_WAIT, xasprintf("%s is limiting this account's requests.", title),
            xstrdup("Wait a minute and refresh; a lower rate_limit for the account spends "
                    "less of the limit."),
            edit_command(a, " --set rate_limit=5/1s"));
    } else if (has(m, "redirect") || has(m, "not JSON") || has(m, "HTTP 404") ||
               has(m, "unexpected answer")) {
        set(out, ADVICE_EDIT_ACCOUNT,
            xasprintf("Something at the account's address answered, but not as %s does.", title),
            xstrdup("Check the account's base URL (empty: the provider's own)."),
            edit_command(a, " --base-url URL"));
    } else {
        set(out, ADVICE_RETRY, xasprintf("%s refused the request.", title),
            xstrdup("Read the provider's message above; refresh to try again."), NULL);
    }
}

static void network_error(const char *m, const struct account *a, const char *title,
                          struct advice *out)
{
    if (has(m, "CA file") || has(m, "certificate") || has(m, "TLS")) {
        set(out, ADVICE_EDIT_ACCOUNT, xasprintf("The TLS connection to %s failed.", title),
            xstrdup("If the server uses a private CA, give the account its CA file (PEM); "
                    "if the name is wrong, fix the base URL."),
            edit_command(a, " --ca-file FILE"));
    } else if (has(m, "rate limited")) {
        set(out, ADVICE_WAIT, xasprintf("%s refused every request for a while (429).", title),
            xstrdup("Wait and refresh; its own back end may be spending the limit."), NULL);
    } else if (has(m, "HTTP 5")) { /* it answered: reached, and failing on its side */
        set(out, ADVICE_RETRY, xasprintf("%s answered with a server error, again after "
                                         "retries.", title),
            xstrdup("The trouble is on the provider's side: wait and refresh (its status page "
                    "may say more)."), NULL);
    } else {
        set(out, ADVICE_RETRY, xasprintf("%s could not be reached, or did not answer in time.",
                                         title),
            xstrdup("Check the network (and a proxy: https_proxy) and the account's base URL, "
                    "then refresh."), NULL);
    }
}

void error_advice(int err, const char *message, const struct account *a,
                  const struct provider *p, struct advice *out)
{
    const char *m = message ? message : "";
    const char *title = p ? p->title : "The provider";
    memset(out, 0, sizeof *out);
    char *kind = missing_kind(m);
    if (kind) {
        char *rest = xasprintf(" --secret %s", kind);
        set(out, ADVICE_EDIT_SECRET, xasprintf("The keyring holds no %s for this account "
                                               "(an add cut short, or removed outside sesame).",
                                               kind),
            xasprintf("Enter the %s again.", kind), edit_command(a, rest));
        free(rest);
        free(kind);
        return;
    }
    switch (err) {
    case ERR_PROVIDER:
        provider_error(m, a, p, title, out);
        return;
    case ERR_NETWORK:
        network_error(m, a, title, out);
        return;
    case ERR_KEYRING:
        if (has(m, "locked"))
            set(out, ADVICE_UNLOCK_KEYRING, xstrdup("The keyring is locked."),
                xstrdup("Unlock it (log in again, or open Seahorse), then refresh."), NULL);
        else
            set(out, ADVICE_START_KEYRING, xstrdup("No keyring (Secret Service) answers."),
                xstrdup("Start gnome-keyring or KeePassXC with its Secret Service, then "
                        "refresh."), xstrdup("secret-tool search --all application sesame"));
        return;
    case ERR_USAGE:
        if (has(m, "plain http")) {
            set(out, ADVICE_EDIT_ACCOUNT,
                xstrdup("The account's base URL is plain http:// to a host that is not this "
                        "machine."),
                xstrdup("Use https://, or allow http for this account if the server really "
                        "speaks it."), edit_command(a, " --allow-http"));
            return;
        }
        break;
    case ERR_CONFIG:
        set(out, ADVICE_FIX_CONFIG, xstrdup("The account's configuration cannot be used."),
            xstrdup("Fix or remove it in accounts.conf."), xstrdup("sesame account list"));
        return;
    default:
        break;
    }
    set(out, ADVICE_RETRY, xstrdup("The last refresh failed."),
        xstrdup("Read the message above, then refresh to try again."), NULL);
}

void advice_free(struct advice *adv)
{
    free(adv->what);
    free(adv->todo);
    free(adv->command);
    memset(adv, 0, sizeof *adv);
}
