/* Computing flags and saying why (flags.h): the half that needs the
 * memory of places (seen.h) and the status rule. */
#include "flags.h"

#include <cJSON.h>
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "seen.h"
#include "session_status.h"
#include "util.h"

/* ---- computing ---- */

struct tally {
    struct seen_user *u;
    size_t live;
};

/* When a session began, for the order of places: unknown counts as now. */
static int64_t started(const struct session *s, int64_t now)
{
    return s->created_ms > 0 ? s->created_ms : now;
}

/* Did this session bring value to the user: it is the first session with
 * it, and the user had sessions elsewhere before? */
static bool brought(const struct seen_user *u, enum seen_kind kind, const char *value,
                    int64_t start)
{
    if (!u || str_empty(value))
        return false;
    int64_t first = seen_first(u, kind, value);
    if (first >= 0 && first < start)
        return false;
    for (size_t i = 0; i < u->n[kind]; i++)
        if (u->v[kind][i].first_ms < start && strcmp(u->v[kind][i].value, value) != 0)
            return true;
    return false;
}

struct flag_pass {
    struct account_policy pol;
    struct seen_account *seen;
    int64_t now;
    GHashTable *by_ptr;        /* the user's pooled id (one pointer per id) -> struct tally */
    GHashTable *by_text;       /* its text -> struct tally (owns them) */
};

struct flag_pass *flags_begin(const struct account_policy *pol, struct seen_account *seen,
                              int64_t now)
{
    struct flag_pass *p = xcalloc(1, sizeof *p);
    p->pol = *pol;
    p->seen = seen;
    p->now = now;
    p->by_ptr = g_hash_table_new(g_direct_hash, g_direct_equal);
    p->by_text = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, free);
    return p;
}

static struct tally *tally_of(struct flag_pass *p, const char *user_id)
{
    struct tally *t = g_hash_table_lookup(p->by_ptr, user_id);
    if (t)
        return t;
    t = g_hash_table_lookup(p->by_text, user_id);
    if (!t) {
        t = xcalloc(1, sizeof *t);
        t->u = p->seen ? seen_user(p->seen, user_id, true) : NULL;
        g_hash_table_insert(p->by_text, (char *)user_id, t);
    }
    g_hash_table_insert(p->by_ptr, (char *)user_id, t);
    return t;
}

static bool is_live(const struct session *s, int64_t now)
{
    return session_status_live(session_status_seen(s, now));
}

void flags_learn(struct flag_pass *p, const struct session *s)
{
    if (!s->user_id)
        return;
    struct tally *t = tally_of(p, s->user_id);
    t->live += is_live(s, p->now);
    if (!t->u)
        return;
    int64_t start = started(s, p->now);
    seen_note(p->seen, t->u, SEEN_COUNTRY, place_country(s->place), start);
    seen_note(p->seen, t->u, SEEN_DEVICE, s->device, start);
    /* for the bound on users only: a day's precision keeps the file still */
    int64_t last = s->last_active_ms > 0 ? s->last_active_ms : start;
    if (last > t->u->last_ms + SEEN_LAST_STEP_MS) {
        t->u->last_ms = last;
        p->seen->dirty = true;
    }
}

bool flags_flag(struct flag_pass *p, struct session *s)
{
    unsigned f = s->flags & FLAGS_FROM_PROVIDER;
    struct tally *t = s->user_id ? g_hash_table_lookup(p->by_ptr, s->user_id) : NULL;
    if (t && t->u) {
        int64_t start = started(s, p->now);
        if (brought(t->u, SEEN_COUNTRY, place_country(s->place), start))
            f |= FLAG_NEW_PLACE;
        if (brought(t->u, SEEN_DEVICE, s->device, start))
            f |= FLAG_NEW_DEVICE;
    }
    bool live = is_live(s, p->now);
    if (live && t && p->pol.many_live > 0 && t->live > (size_t)p->pol.many_live)
        f |= FLAG_MANY_LIVE;
    if (live && p->pol.stale_ms > 0 && s->last_active_ms > 0 &&
        p->now - s->last_active_ms > p->pol.stale_ms)
        f |= FLAG_STALE;
    bool changed = s->flags != f;
    s->flags = (uint8_t)f;
    return changed;
}

void flags_end(struct flag_pass *p)
{
    if (!p)
        return;
    if (p->seen)
        seen_trim(p->seen);
    g_hash_table_destroy(p->by_ptr);
    g_hash_table_destroy(p->by_text);
    free(p);
}

void flags_compute(struct session *const *v, size_t n, const struct account_policy *pol,
                   struct seen_account *seen, int64_t now)
{
    struct flag_pass *p = flags_begin(pol, seen, now);
    for (size_t i = 0; i < n; i++)
        flags_learn(p, v[i]);
    for (size_t i = 0; i < n; i++)
        flags_flag(p, v[i]);
    flags_end(p);
}

/* ---- why ---- */

/* The values of kind the user had before start, "DE, FR". */
static void before(GString *out, const struct seen_user *u, enum seen_kind kind, int64_t start)
{
    size_t shown = 0;
    for (size_t i = 0; u && i < u->n[kind]; i++) {
        if (u->v[kind][i].first_ms >= start)
            continue;
        g_string_append_printf(out, "%s%s", shown++ ? ", " : "", u->v[kind][i].value);
    }
}

/* Clerk's actor.sub from the session's raw JSON, when the detail has it. */
static char *actor_of(const struct session *s)
{
    cJSON *j = s->raw_json ? cJSON_Parse(s->raw_json) : NULL;
    const cJSON *sub = cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(j, "actor"), "sub");
    char *out = cJSON_IsString(sub) && sub->valuestring[0] ? sanitize_text(sub->valuestring)
                                                           : NULL;
    cJSON_Delete(j);
    return out;
}

char *flags_explain(const struct session *s, const struct account_policy *pol,
                    const struct seen_account *seen, size_t n_live, int64_t now)
{
    GString *out = g_string_new(NULL);
    const struct seen_user *u =
        seen && s->user_id ? seen_user((struct seen_account *)seen, s->user_id, false) : NULL;
    int64_t start = started(s, now);
    if (s->flags & FLAG_IMPERSONATED) {
        char *actor = actor_of(s);
        g_string_append_printf(out, "impersonated: the provider says someone else acts as this "
                               "user in it (Clerk's actor%s%s)\n", actor ? " " : "",
                               actor ? actor : "");
        free(actor);
    }
    if (s->flags & FLAG_NEW_PLACE) {
        g_string_append_printf(out, "new place: the first of this user's sessions from %s; "
                               "before it: ", place_country(s->place));
        before(out, u, SEEN_COUNTRY, start);
        g_string_append_c(out, '\n');
    }
    if (s->flags & FLAG_NEW_DEVICE) {
        g_string_append_printf(out, "new device: the first of this user's sessions on %s; "
                               "before it: ", s->device);
        before(out, u, SEEN_DEVICE, start);
        g_string_append_c(out, '\n');
    }
    if (s->flags & FLAG_MANY_LIVE)
        g_string_append_printf(out, "many live: the user has %zu live sessions at this account, "
                               "more than %d (many_live)\n", n_live, pol->many_live);
    if (s->flags & FLAG_STALE) {
        char idle[32], limit[32];
        format_duration(now - s->last_active_ms, idle, sizeof idle);
        format_duration(pol->stale_ms, limit, sizeof limit);
        g_string_append_printf(out, "stale: live, but idle for %s, longer than %s "
                               "(stale_after)\n", idle, limit);
    }
    if (out->len && out->str[out->len - 1] == '\n')
        g_string_truncate(out, out->len - 1);
    /* made of sanitised parts: the session's fields were on the way in, the
     * memory's values are checked when read */
    char *raw = g_string_free(out, FALSE);
    char *text = xstrdup(raw);
    g_free(raw);
    return text;
}
