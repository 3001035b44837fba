#include "columns.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "flags.h"
#include "session_status.h"
#include "suggest.h"
#include "textfold.h"
#include "timetext.h"
#include "util.h"

/* keep: the session id, its status and its account stay longest, then the
 * countdown and the user; where and how it is used go first. */
static const struct column_def defs[COLUMN_COUNT] = {
    [COLUMN_PROVIDER] = {"provider", "Provider", "the provider's name (Clerk, Basis Theory ...)",
                         12, 13, 0, 0, 6, COLUMN_LEFT, false, false, false},
    [COLUMN_PROVIDER_ID] = {"provider-id", "Provider id", "the provider's id (clerk, basistheory ...)",
                            5, 11, 0, 0, 0, COLUMN_LEFT, false, false, false},
    [COLUMN_ACCOUNT] = {"account", "Account", "the account's label",
                        7, 16, 12, 1, 10, COLUMN_LEFT, false, false, false},
    [COLUMN_ACCOUNT_ID] = {"account-id", "Account id", "the account's id",
                           7, 16, 0, 0, 0, COLUMN_LEFT, false, false, false},
    [COLUMN_USER] = {"user", "User", "the user's name and e-mail, else the user id",
                     9, 26, 0, 3, 8, COLUMN_LEFT, false, false, true},
    [COLUMN_USER_ID] = {"user-id", "User id", "the provider's user id",
                        7, 20, 0, 0, 0, COLUMN_LEFT, false, false, true},
    [COLUMN_SESSION] = {"session", "Session", "the session id",
                        10, 32, 32, 2, 12, COLUMN_LEFT, false, false, false},
    [COLUMN_CLIENT] = {"client", "Client", "Clerk's client id",
                       7, 32, 0, 0, 0, COLUMN_LEFT, false, false, true},
    [COLUMN_STATUS] = {"status", "Status", "the status a person sees (expired once its time is up)",
                       9, 9, 0, 0, 11, COLUMN_LEFT, true, false, false},
    [COLUMN_CREATED] = {"created", "Created", "when it began",
                        8, 9, 0, 0, 5, COLUMN_LEFT, true, true, true},
    [COLUMN_LAST_ACTIVE] = {"last-active", "Last active", "its last activity the provider reported",
                            8, 9, 0, 0, 4, COLUMN_LEFT, true, true, true},
    [COLUMN_EXPIRES] = {"expires", "Expires", "when it expires (counts down while it is live)",
                        10, 10, 0, 0, 9, COLUMN_RIGHT, true, true, false},
    [COLUMN_IDLE] = {"idle", "Idle limit", "Clerk's idle limit (abandon_at), when before the expiry",
                     10, 10, 0, 0, 7, COLUMN_RIGHT, true, true, true},
    [COLUMN_DEVICE] = {"device", "Device", "desktop, mobile ...",
                       6, 10, 0, 1, 3, COLUMN_LEFT, false, false, true},
    [COLUMN_BROWSER] = {"browser", "Browser", "the browser and its version",
                        7, 16, 0, 1, 2, COLUMN_LEFT, false, false, true},
    [COLUMN_IP] = {"ip", "IP", "the IP address it was last used from",
                   7, 15, 0, 1, 1, COLUMN_LEFT, false, false, true},
    [COLUMN_PLACE] = {"place", "Place", "where that address is (city, country)",
                      6, 18, 0, 1, 1, COLUMN_LEFT, false, false, true},
    [COLUMN_COUNTRY] = {"country", "Country", "the place's country",
                        4, 7, 0, 0, 0, COLUMN_LEFT, false, false, true},
    [COLUMN_FLAGS] = {"flags", "Flags", "what looks wrong about it (flags.h)",
                      5, 12, 0, 0, 0, COLUMN_LEFT, false, false, true},
};

const struct column_set columns_default_table = {
    {COLUMN_ACCOUNT, COLUMN_PROVIDER, COLUMN_USER, COLUMN_SESSION, COLUMN_STATUS, COLUMN_CREATED,
     COLUMN_LAST_ACTIVE, COLUMN_EXPIRES, COLUMN_IDLE, COLUMN_FLAGS},
    10,
};

const struct column_set columns_default_dashboard = {
    {COLUMN_PROVIDER, COLUMN_ACCOUNT, COLUMN_USER, COLUMN_SESSION, COLUMN_STATUS, COLUMN_CREATED,
     COLUMN_LAST_ACTIVE, COLUMN_EXPIRES, COLUMN_IDLE, COLUMN_DEVICE, COLUMN_BROWSER, COLUMN_IP,
     COLUMN_PLACE, COLUMN_FLAGS},
    14,
};

const struct column_def *column_def(enum column_id c)
{
    return (unsigned)c < COLUMN_COUNT ? &defs[c] : NULL;
}

/* name and want equal, case aside and '_' taken for '-'. */
static bool same_name(const char *name, const char *want, size_t len)
{
    if (strlen(want) != len)
        return false;
    for (size_t i = 0; i < len; i++) {
        char a = name[i] == '_' ? '-' : name[i];
        if (a >= 'A' && a <= 'Z')
            a = (char)(a + 32);
        if (a != want[i])
            return false;
    }
    return true;
}

static int find_len(const char *name, size_t len)
{
    for (int c = 0; c < COLUMN_COUNT; c++)
        if (same_name(name, defs[c].name, len))
            return c;
    return -1;
}

int column_find(const char *name)
{
    return name ? find_len(name, strlen(name)) : -1;
}

char *column_names(void)
{
    size_t n = 0;
    for (int c = 0; c < COLUMN_COUNT; c++)
        n += strlen(defs[c].name) + 2;
    char *out = xmalloc(n + 1), *p = out;
    for (int c = 0; c < COLUMN_COUNT; c++)
        p += sprintf(p, "%s%s", c ? ", " : "", defs[c].name);
    return out;
}

/* ---- cells ---- */

static const char *value(const char *v)
{
    return v && *v ? v : NULL;
}

/* A time: "3h ago" / "in 5m 02s", or "2026-12-06 14:03". */
static const char *time_cell(int64_t at, int64_t now, enum time_mode tm, char *buf)
{
    if (at <= 0)
        return NULL;
    if (tm == TIME_ABSOLUTE)
        return time_text_local(at, buf) ? buf : NULL;
    time_text_relative(at, now, buf);
    return buf;
}

/* A countdown to at: in relative mode only while the session is live and
 * at is ahead (the status says how it ended); in absolute mode the time. */
static const char *countdown_cell(const struct session *s, int64_t at, int64_t now,
                                  enum time_mode tm, char *buf)
{
    if (at <= 0)
        return NULL;
    if (tm == TIME_RELATIVE) {
        enum session_status st = session_status_seen(s, now);
        if ((st != SESSION_ACTIVE && st != SESSION_PENDING) || at <= now)
            return NULL;
    }
    return time_cell(at, now, tm, buf);
}

/* The idle limit, when it ends the session before its expiry does. */
static int64_t idle_limit(const struct session *s)
{
    if (s->abandon_ms <= 0 || (s->expires_ms > 0 && s->abandon_ms >= s->expires_ms))
        return 0;
    return s->abandon_ms;
}


const char *column_text(enum column_id c, const struct column_row *r, int64_t now,
                        enum time_mode tm, char *buf)
{
    const struct session *s = r->s;
    switch (c) {
    case COLUMN_PROVIDER: return value(r->provider_title) ? r->provider_title : value(r->provider_id);
    case COLUMN_PROVIDER_ID: return value(r->provider_id);
    case COLUMN_ACCOUNT: return value(r->account_label) ? r->account_label : value(r->account_id);
    case COLUMN_ACCOUNT_ID: return value(r->account_id) ? r->account_id : value(s->account_id);
    case COLUMN_USER: return value(s->user_display) ? s->user_display : value(s->user_id);
    case COLUMN_USER_ID: return value(s->user_id);
    case COLUMN_SESSION: return value(s->id);
    case COLUMN_CLIENT: return value(s->client_id);
    case COLUMN_STATUS: return session_status_name(session_status_seen(s, now));
    case COLUMN_CREATED: return time_cell(s->created_ms, now, tm, buf);
    case COLUMN_LAST_ACTIVE: return time_cell(s->last_active_ms, now, tm, buf);
    case COLUMN_EXPIRES: return countdown_cell(s, s->expires_ms, now, tm, buf);
    case COLUMN_IDLE: return countdown_cell(s, idle_limit(s), now, tm, buf);
    case COLUMN_DEVICE: return value(s->device);
    case COLUMN_BROWSER: return value(s->browser);
    case COLUMN_IP: return value(s->ip);
    case COLUMN_PLACE: return value(s->place);
    case COLUMN_COUNTRY: return place_country(s->place); /* the flags' rule too */
    case COLUMN_FLAGS: return value(column_flags_text(r, now, buf, COLUMN_TEXT_MAX));
    case COLUMN_COUNT: break;
    }
    return NULL;
}

/* ---- sorting ---- */

bool column_sort_key(enum column_id c, const struct column_row *r, int64_t now, int64_t *num,
                     const char **text, char *buf)
{
    const struct session *s = r->s;
    *num = 0;
    *text = NULL;
    switch (c) {
    case COLUMN_STATUS: *num = session_status_seen(s, now); return true;
    case COLUMN_CREATED: *num = s->created_ms; break;
    case COLUMN_LAST_ACTIVE: *num = s->last_active_ms; break;
    case COLUMN_EXPIRES: *num = s->expires_ms; break;
    case COLUMN_IDLE: *num = idle_limit(s); break;
    default:
        *text = column_text(c, r, now, TIME_ABSOLUTE, buf);
        return *text != NULL;
    }
    return *num > 0;
}

bool column_sort_key_steady(enum column_id c)
{
    return c == COLUMN_CREATED || c == COLUMN_LAST_ACTIVE || c == COLUMN_EXPIRES ||
           c == COLUMN_IDLE;
}

int column_compare(enum column_id c, const struct column_row *a, const struct column_row *b,
                   int64_t now)
{
    char ba[COLUMN_TEXT_MAX], bb[COLUMN_TEXT_MAX];
    int64_t na, nb;
    const char *ta, *tb;
    bool ha = column_sort_key(c, a, now, &na, &ta, ba);
    bool hb = column_sort_key(c, b, now, &nb, &tb, bb);
    if (ha != hb)
        return ha ? -1 : 1; /* no value: last */
    if (!ha)
        return 0;
    if (defs[c].numeric)
        return na < nb ? -1 : na > nb;
    char *fa = text_fold(ta), *fb = text_fold(tb);
    int r = strverscmp(fa, fb);
    free(fa);
    free(fb);
    return r;
}

/* ---- sets ---- */

static char *unknown_column(const char *name, size_t len)
{
    char *word = xstrndup(name, len), *names = column_names();
    struct suggest sg;
    suggest_init(&sg, word);
    for (int c = 0; c < COLUMN_COUNT; c++)
        suggest_offer(&sg, defs[c].name);
    const char *best = suggest_best(&sg);
    char *msg = best ? xasprintf("unknown column '%s' (did you mean %s?); the columns: %s", word,
                                 best, names)
                     : xasprintf("unknown column '%s'; the columns: %s", word, names);
    free(names);
    free(word);
    return msg;
}

int columns_parse(const char *list, struct column_set *out, char **error)
{
    struct column_set set = {.n = 0};
    const char *p = list ? list : "";
    *error = NULL;
    for (;;) {
        while (*p == ' ' || *p == '\t')
            p++;
        const char *end = p + strcspn(p, ",");
        const char *last = end;
        while (last > p && (last[-1] == ' ' || last[-1] == '\t'))
            last--;
        size_t len = (size_t)(last - p);
        if (len == 0) {
            *error = *end || set.n ? xstrdup("an empty column name in the list (name,name,...)")
                                   : xasprintf("no columns: give names such as "
                                               "account,user,session,status");
            return ERR_USAGE;
        }
        int c = find_len(p, len);
        if (c < 0) {
            *error = unknown_column(p, len);
            return ERR_USAGE;
        }
        for (size_t i = 0; i < set.n; i++) {
            if (set.v[i] == (enum column_id)c) {
                *error = xasprintf("column '%s' is listed twice", defs[c].name);
                return ERR_USAGE;
            }
        }
        set.v[set.n++] = (enum column_id)c;
        if (!*end)
            break;
        p = end + 1;
    }
    *out = set;
    return 0;
}

char *columns_format(const struct column_set *set)
{
    size_t n = 1;
    for (size_t i = 0; i < set->n; i++)
        n += strlen(defs[set->v[i]].name) + 1;
    char *out = xmalloc(n), *p = out;
    *p = '\0';
    for (size_t i = 0; i < set->n; i++)
        p += sprintf(p, "%s%s", i ? "," : "", defs[set->v[i]].name);
    return out;
}

/* ---- layout ---- */

struct fit {
    int floor;  /* the least it is shown at */
    int want;   /* what it gets first (its registry want, within floor..target) */
    int target; /* the most it gets (its natural width, or want) */
    int keep, grow;
    bool on;
    bool starves; /* free text without a readable floor: may starve (starved()) */
};

static int width_of(const struct fit *f, size_t n, int gap, bool floors)
{
    int sum = 0, shown = 0;
    for (size_t i = 0; i < n; i++) {
        if (!f[i].on)
            continue;
        sum += floors ? f[i].floor : f[i].target;
        shown++;
    }
    return sum + (shown > 1 ? (shown - 1) * gap : 0);
}

/* The shown column that goes first: the lowest keep, the later on a tie. */
static size_t least_kept(const struct fit *f, size_t n)
{
    size_t least = n;
    for (size_t i = 0; i < n; i++)
        if (f[i].on && (least == n || f[i].keep <= f[least].keep))
            least = i;
    return least;
}

static size_t shown_count(const struct fit *f, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        k += f[i].on;
    return k;
}

/* Raise each shown column towards goal (its want, or its target) in order
 * of keep, while there is room; returns the room left. */
static int raise_to(const struct fit *f, size_t n, bool to_target, int room, int *w)
{
    bool done[COLUMN_COUNT * 4] = {false};
    for (;;) {
        size_t best = n;
        for (size_t i = 0; i < n; i++)
            if (f[i].on && !done[i] && (best == n || f[i].keep > f[best].keep))
                best = i;
        if (best == n || room <= 0)
            return room;
        done[best] = true;
        int add = (to_target ? f[best].target : f[best].want) - w[best];
        if (add > room)
            add = room;
        if (add > 0) {
            w[best] += add;
            room -= add;
        }
    }
}

/* Each shown column at its floor, then every one raised to its want, then
 * to its target, each time in order of keep (so that one long value does
 * not take the room of the columns after it); returns the room left. */
static int place(const struct fit *f, size_t n, int total, int gap, int *w)
{
    int room = total - width_of(f, n, gap, true);
    for (size_t i = 0; i < n; i++)
        w[i] = f[i].on ? f[i].floor : 0;
    room = raise_to(f, n, false, room, w);
    return raise_to(f, n, true, room, w);
}

/* Does a column of free text (one that may grow, a user, a browser) kept
 * before the least kept one get less than half way from its floor to its
 * want? Then the least kept one goes. (A countdown a character short is
 * still read; the session id and the account have their readable floor.) */
static bool starved(const struct fit *f, size_t n, const int *w)
{
    size_t least = least_kept(f, n);
    for (size_t i = 0; least < n && i < n; i++)
        if (f[i].on && f[i].starves && f[i].keep > f[least].keep &&
            w[i] < (f[i].floor + f[i].want) / 2)
            return true;
    return false;
}

void columns_layout(const struct column_layout *in, int *widths)
{
    struct fit f[COLUMN_COUNT * 4];
    size_t n = in->n < ARRAY_LEN(f) ? in->n : ARRAY_LEN(f);
    for (size_t i = n; i < in->n; i++)
        widths[i] = 0;
    for (size_t i = 0; i < n; i++) {
        const struct column_def *d = column_def(in->cols[i]);
        bool abs_time = d && d->time && in->time == TIME_ABSOLUTE;
        int min = !d ? 1 : abs_time ? COLUMN_ABSOLUTE_WIDTH : d->min;
        int want = !d ? 1 : abs_time ? COLUMN_ABSOLUTE_WIDTH : d->want;
        int readable = d ? d->readable : 0;
        int target = in->natural ? in->natural[i] : (want > readable ? want : readable);
        if (target < 1)
            target = 1;
        int floor = readable > min ? readable : min;
        if (floor > target)
            floor = target;
        if (want < floor)
            want = floor;
        if (want > target)
            want = target;
        f[i] = (struct fit){floor, want, target, d ? d->keep : 0, d ? d->grow : 0, true,
                            d && d->grow > 0 && !d->readable};
    }
    for (;;) {
        while (shown_count(f, n) > 1 && width_of(f, n, in->gap, true) > in->total)
            f[least_kept(f, n)].on = false;
        int room = place(f, n, in->total, in->gap, widths);
        if (room < 0) { /* one column, wider than the whole */
            for (size_t i = 0; i < n; i++)
                widths[i] = f[i].on && in->total > 0 ? in->total : 0;
            return;
        }
        if (shown_count(f, n) > 1 && starved(f, n, widths)) {
            f[least_kept(f, n)].on = false;
            continue;
        }
        if (!in->fill || room == 0)
            return;
        int grow_sum = 0;
        size_t last = n;
        for (size_t i = 0; i < n; i++)
            if (f[i].on && f[i].grow > 0) {
                grow_sum += f[i].grow;
                last = i;
            }
        if (grow_sum == 0)
            return;
        int left = room;
        for (size_t i = 0; i < n; i++) {
            if (!f[i].on || f[i].grow <= 0)
                continue;
            int add = i == last ? left : room * f[i].grow / grow_sum;
            widths[i] += add;
            left -= add;
        }
        return;
    }
}
