/* Before a session expires (expiry.h). */
#include "expiry.h"

#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flags.h"
#include "providers/common.h"
#include "session_status.h"
#include "util.h"

extern char **environ;

bool session_expiring(const struct session *s, int64_t now, int64_t threshold_ms)
{
    int64_t left;
    /* at the crossing itself too (expiry_crossing): a look at that very
     * millisecond must find it expiring, or it is never told */
    return threshold_ms > 0 && session_time_left(s, now, &left) && left <= threshold_ms;
}

int64_t expiry_crossing(const struct session *s, int64_t threshold_ms)
{
    int64_t end = session_ends_ms(s);
    if (threshold_ms <= 0 || end <= 0 || !session_status_live(s->status))
        return 0;
    int64_t at = end - threshold_ms > 0 ? end - threshold_ms : 1;
    /* a session that lives less than the threshold altogether (a Basis
     * Theory session's 3 minutes) was expiring from its start: it crosses
     * nothing, and is not told (it is drawn as expiring all the same) */
    return s->created_ms > 0 && at <= s->created_ms ? 0 : at;
}

static const char *who(const struct session *s)
{
    return s->user_display ? s->user_display : s->user_id;
}

char *expiry_text(const struct session *s, const struct expiry_names *n, int64_t now)
{
    int64_t left = 0;
    char in[32] = "";
    if (session_time_left(s, now, &left))
        format_duration(left, in, sizeof in);
    const char *name = n->account_label ? n->account_label : n->account_id;
    char *raw = who(s) ? xasprintf("session %s of %s (%s) expires in %s", s->id, who(s), name,
                                   *in ? in : "moments")
                       : xasprintf("session %s (%s) expires in %s", s->id, name,
                                   *in ? in : "moments");
    char *text = sanitize_text(raw);
    free(raw);
    return text;
}

static void put(GPtrArray *env, const char *key, const char *value)
{
    if (str_empty(value))
        return;
    char *clean = sanitize_text(value);
    g_ptr_array_add(env, xasprintf("%s=%s", key, clean));
    free(clean);
}

static void put_time(GPtrArray *env, const char *key, int64_t ms)
{
    char buf[32];
    if (ms <= 0)
        return;
    format_iso8601(ms, buf, sizeof buf);
    put(env, key, buf);
}

char **expiry_env(char *const *base, const struct session *s, const struct expiry_names *n,
                  int64_t now)
{
    GPtrArray *env = g_ptr_array_new();
    for (char *const *e = base ? base : environ; e && *e; e++)
        if (strncmp(*e, "SESAME_", 7) != 0) /* only ours, never a stale one passed down */
            g_ptr_array_add(env, xstrdup(*e));
    put(env, "SESAME_EVENT", "expiring");
    put(env, "SESAME_ACCOUNT", n->account_id);
    put(env, "SESAME_ACCOUNT_LABEL", n->account_label);
    put(env, "SESAME_PROVIDER", n->provider_id);
    put(env, "SESAME_PROVIDER_TITLE", n->provider_title);
    put(env, "SESAME_SESSION", s->id);
    put(env, "SESAME_USER", who(s));
    put(env, "SESAME_USER_ID", s->user_id);
    put(env, "SESAME_CLIENT_ID", s->client_id);
    put(env, "SESAME_STATUS", session_status_name(session_status_seen(s, now)));
    put_time(env, "SESAME_CREATED_AT", s->created_ms);
    put_time(env, "SESAME_EXPIRES_AT", session_ends_ms(s));
    int64_t left;
    if (session_time_left(s, now, &left)) {
        char secs[24];
        snprintf(secs, sizeof secs, "%lld", (long long)(left / 1000));
        put(env, "SESAME_EXPIRES_IN", secs);
    }
    put(env, "SESAME_DEVICE", s->device);
    put(env, "SESAME_BROWSER", s->browser);
    put(env, "SESAME_IP", s->ip);
    put(env, "SESAME_PLACE", s->place);
    char flags[96];
    put(env, "SESAME_FLAGS", flags_text(s->flags, flags, sizeof flags));
    g_ptr_array_add(env, NULL);
    char **v = (char **)g_ptr_array_free(env, FALSE);
    /* the caller frees with free(), as strv_free does */
    size_t k = 0;
    while (v[k])
        k++;
    char **out = xmalloc((k + 1) * sizeof *out);
    memcpy(out, v, (k + 1) * sizeof *out);
    g_free(v);
    return out;
}

int expiry_argv(const char *command, char ***argv, char **error)
{
    gchar **v = NULL;
    GError *gerr = NULL;
    if (str_empty(command) || !g_shell_parse_argv(command, NULL, &v, &gerr)) {
        if (error)
            *error = xasprintf("on-expiring: %s", gerr ? gerr->message : "no command");
        if (gerr)
            g_error_free(gerr);
        return ERR_USAGE;
    }
    size_t n = g_strv_length(v);
    char **out = xmalloc((n + 1) * sizeof *out);
    for (size_t i = 0; i <= n; i++)
        out[i] = v[i] ? xstrdup(v[i]) : NULL;
    g_strfreev(v);
    *argv = out;
    return 0;
}

/* Text for inside an OSC: clean, and without the separator. */
static char *osc_text(const char *s)
{
    char *t = sanitize_text(s ? s : "");
    for (char *p = t; *p; p++)
        if (*p == ';')
            *p = ',';
    return t;
}

char *expiry_osc(const char *term, const char *title, const char *body)
{
    char *t = osc_text(title), *b = osc_text(body);
    bool osc777 = term && (strncmp(term, "rxvt", 4) == 0 || strncmp(term, "foot", 4) == 0);
    char *seq = osc777 ? xasprintf("\033]777;notify;%s;%s\007", t, b)
                       : xasprintf("\033]9;%s: %s\007", t, b);
    free(t);
    free(b);
    return seq;
}
