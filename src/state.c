/* Sessions sesame created or logged into: <state_dir>/sessions.state, a
 * GKeyFile with one group per session and no secrets (the tokens are in the
 * keyring):
 *
 *   [session plantly-dev sess_01HX]
 *   account=plantly-dev
 *   id=sess_01HX
 *   user_id=usr_7
 *   user_display=Ada <ada@example.com>
 *   status=active
 *   created_ms=1767225600000
 *   last_active_ms=0
 *   expires_ms=1767312000000
 *   has_url=false
 *   raw_json={"id":"sess_01HX",...}
 *
 * The group name is "session <account> <id>" with every byte outside
 * [A-Za-z0-9._:@+=~/-] written as %XX, so any session id fits; the values
 * themselves are in the account and id keys. Writes: lock on the state
 * dir, re-read, change, atomic replace (config.c). */
#include "state.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>

#include "config.h"
#include "session_status.h"
#include "seen.h"
#include "strpool.h"
#include "strslab.h"
#include "util.h"

#define STATE_FILE "sessions.state"
#define GROUP_PREFIX "session "

static void set_error(char **error, char *msg)
{
    if (error)
        *error = msg;
    else
        free(msg);
}

static void append_escaped(GString *g, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (g_ascii_isalnum(*p) || strchr("._:@+=~/-", *p))
            g_string_append_c(g, (char)*p);
        else
            g_string_append_printf(g, "%%%02X", *p);
    }
}

static char *group_name(const char *account_id, const char *session_id)
{
    GString *g = g_string_new(GROUP_PREFIX);
    append_escaped(g, account_id);
    g_string_append_c(g, ' ');
    append_escaped(g, session_id);
    char *r = xstrdup(g->str);
    g_string_free(g, TRUE);
    return r;
}

/* The string keys of a session, in file order after account and id. */
static const struct {
    const char *key;
    size_t off;
    enum { MALLOC, POOLED, SLAB } kind; /* how struct session holds it (model.h) */
} str_keys[] = {
    { "user_id", offsetof(struct session, user_id), POOLED },
    { "user_display", offsetof(struct session, user_display), POOLED },
    { "client_id", offsetof(struct session, client_id), SLAB },
    { "device", offsetof(struct session, device), POOLED },
    { "browser", offsetof(struct session, browser), POOLED },
    { "ip", offsetof(struct session, ip), SLAB },
    { "place", offsetof(struct session, place), POOLED },
    { "raw_json", offsetof(struct session, raw_json), MALLOC },
};

static const struct {
    const char *key;
    size_t off;
} time_keys[] = {
    { "created_ms", offsetof(struct session, created_ms) },
    { "last_active_ms", offsetof(struct session, last_active_ms) },
    { "expires_ms", offsetof(struct session, expires_ms) },
};

#define STR_AT(s, off) (*(const char **)((char *)(s) + (off)))
#define I64_AT(s, off) (*(int64_t *)((char *)(s) + (off)))

static int parse_session(struct conf_file *f, const char *g, struct session *s, char **error)
{
    GKeyFile *kf = conf_file_keyfile(f);
    char *account = NULL;
    int rc = conf_file_get_string(f, g, "account", &account, error);
    s->account_id = strpool_take(account);
    char *id = NULL;
    if (!rc)
        rc = conf_file_get_string(f, g, "id", &id, error);
    s->id = strslab_take(id);
    if (rc)
        return rc;
    if (str_empty(s->account_id) || str_empty(s->id)) {
        set_error(error, conf_file_error(f, g, NULL, "[%s] needs an account and an id", g));
        return ERR_CONFIG;
    }
    char *want = group_name(s->account_id, s->id);
    if (strcmp(want, g) != 0) {
        set_error(error, conf_file_error(f, g, NULL, "[%s] does not match its account and id "
                                         "(expected [%s])", g, want));
        free(want);
        return ERR_CONFIG;
    }
    free(want);
    for (size_t i = 0; i < ARRAY_LEN(str_keys) && rc == 0; i++) {
        char *v = NULL;
        rc = conf_file_get_string(f, g, str_keys[i].key, &v, error);
        if (v && !*v) {
            free(v);
            v = NULL;
        }
        switch (str_keys[i].kind) {
        case POOLED: STR_AT(s, str_keys[i].off) = strpool_take(v); break;
        case SLAB: STR_AT(s, str_keys[i].off) = strslab_take(v); break;
        case MALLOC: STR_AT(s, str_keys[i].off) = v; break;
        }
    }
    for (size_t i = 0; i < ARRAY_LEN(time_keys) && rc == 0; i++) {
        const char *k = time_keys[i].key;
        if (!g_key_file_has_key(kf, g, k, NULL))
            continue;
        GError *e = NULL;
        gint64 v = g_key_file_get_int64(kf, g, k, &e);
        if (e) {
            set_error(error, conf_file_error(f, g, k, "%s must be a count of milliseconds", k));
            g_error_free(e);
            rc = ERR_CONFIG;
        }
        I64_AT(s, time_keys[i].off) = v;
    }
    char *status = NULL;
    if (rc == 0)
        rc = conf_file_get_string(f, g, "status", &status, error);
    s->status = session_status_parse(status); /* unknown names: SESSION_UNKNOWN */
    free(status);
    if (rc == 0 && g_key_file_has_key(kf, g, "has_url", NULL)) {
        GError *e = NULL;
        s->has_url = g_key_file_get_boolean(kf, g, "has_url", &e);
        if (e) {
            g_error_free(e);
            set_error(error, conf_file_error(f, g, "has_url", "has_url must be true or false"));
            rc = ERR_CONFIG;
        }
    }
    s->tracked = true;
    return rc;
}

static int parse_sessions(struct conf_file *f, struct session_list *out, char **error)
{
    gsize n = 0;
    char **groups = g_key_file_get_groups(conf_file_keyfile(f), &n);
    int rc = 0;
    for (gsize i = 0; i < n && rc == 0; i++) {
        if (!g_str_has_prefix(groups[i], GROUP_PREFIX)) {
            set_error(error, conf_file_error(f, groups[i], NULL, "unknown group [%s] (expected "
                                             "[session <account> <id>])", groups[i]));
            rc = ERR_CONFIG;
        } else {
            rc = parse_session(f, groups[i], session_list_push(out), error);
        }
    }
    g_strfreev(groups);
    if (rc)
        session_list_clear(out);
    return rc;
}

static int load_from(const char *dir, struct conf_file **f, struct session_list *out,
                     char **error)
{
    memset(out, 0, sizeof *out);
    char *path = g_build_filename(dir, STATE_FILE, NULL);
    int rc = conf_file_read(path, f, error);
    g_free(path);
    if (rc == 0)
        rc = parse_sessions(*f, out, error);
    if (rc) {
        conf_file_free(*f);
        *f = NULL;
    }
    return rc;
}

bool state_file_changed(struct file_stamp *st)
{
    char *path = g_build_filename(state_dir(), STATE_FILE, NULL);
    bool changed = file_stamp_take(st, path);
    g_free(path);
    return changed;
}

int state_load(struct session_list *out, char **error)
{
    return state_load_in(state_dir(), out, error);
}

static void set_session(GKeyFile *kf, const struct session *s)
{
    char *g = group_name(s->account_id, s->id);
    g_key_file_remove_group(kf, g, NULL); /* no stale keys */
    g_key_file_set_string(kf, g, "account", s->account_id);
    g_key_file_set_string(kf, g, "id", s->id);
    for (size_t i = 0; i < ARRAY_LEN(str_keys); i++) {
        const char *v = STR_AT(s, str_keys[i].off);
        if (!str_empty(v))
            g_key_file_set_string(kf, g, str_keys[i].key, v);
    }
    g_key_file_set_string(kf, g, "status", session_status_name(s->status));
    for (size_t i = 0; i < ARRAY_LEN(time_keys); i++)
        g_key_file_set_int64(kf, g, time_keys[i].key, I64_AT(s, time_keys[i].off));
    g_key_file_set_boolean(kf, g, "has_url", s->has_url);
    free(g);
}

static bool utf8_ok(const struct session *s)
{
    if (!g_utf8_validate(s->account_id, -1, NULL) || !g_utf8_validate(s->id, -1, NULL))
        return false;
    for (size_t i = 0; i < ARRAY_LEN(str_keys); i++) {
        const char *v = STR_AT(s, str_keys[i].off);
        if (v && !g_utf8_validate(v, -1, NULL))
            return false;
    }
    return true;
}

enum change { UPSERT, MERGE, ADD_NEW, REMOVE, REMOVE_ACCOUNT, MARK_UNKNOWN, CHECK_WRITABLE };

/* The loaded session of account + id, or NULL. */
static struct session *find_in(struct session_list *l, const char *account_id,
                               const char *session_id)
{
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->v[i].account_id, account_id) == 0 && strcmp(l->v[i].id, session_id) == 0)
            return &l->v[i];
    return NULL;
}

/* Lock dir, read and check the file, apply, write if changed (or,
 * CHECK_WRITABLE, see that a write could be made there). */
static int change_state(const char *dir, enum change what, const struct session *s,
                        const char *account_id, const char *session_id, bool *read,
                        bool *taken, size_t *removed, char **error)
{
    struct conf_file *f = NULL;
    struct session_list l = { 0 };
    int rc = 0, fd = config_lock(dir, error);
    if (fd < 0) {
        rc = ERR_CONFIG;
        goto out;
    }
    rc = load_from(dir, &f, &l, error);
    if (rc)
        goto out;
    if (read)
        *read = true;
    GKeyFile *kf = conf_file_keyfile(f);
    bool changed = false;
    struct session *old = s ? find_in(&l, s->account_id, s->id) : NULL;
    switch (what) {
    case CHECK_WRITABLE: {
        char *path = g_build_filename(dir, STATE_FILE, NULL);
        rc = config_probe_write(path, error);
        g_free(path);
        goto out;
    }
    case MERGE:
        if (old) { /* under the lock: what the fresh view leaves unset is kept */
            session_update(old, s);
            old->tracked = true;
            s = old;
        }
        set_session(kf, s);
        changed = true;
        break;
    case ADD_NEW:
        if (old) { /* under the lock: two creates cannot both take one id */
            *taken = true;
            break;
        }
        set_session(kf, s);
        changed = true;
        break;
    case UPSERT:
        set_session(kf, s);
        changed = true;
        break;
    case MARK_UNKNOWN:
        old = find_in(&l, account_id, session_id);
        if (old && old->status != SESSION_UNKNOWN && session_status_live(old->status)) {
            old->status = SESSION_UNKNOWN;
            set_session(kf, old);
            changed = true;
        }
        break;
    case REMOVE:
    case REMOVE_ACCOUNT:
        for (size_t i = 0; i < l.n; i++) {
            if (strcmp(l.v[i].account_id, account_id) != 0 ||
                (what == REMOVE && strcmp(l.v[i].id, session_id) != 0))
                continue;
            char *g = group_name(l.v[i].account_id, l.v[i].id);
            bool gone = g_key_file_remove_group(kf, g, NULL);
            changed |= gone;
            if (gone && removed)
                (*removed)++;
            free(g);
        }
        break;
    }
    if (changed)
        rc = conf_file_write(f, error);
out:
    session_list_clear(&l);
    conf_file_free(f);
    config_unlock(fd);
    return rc;
}

/* A session that can be written: an account, an id, UTF-8 throughout. */
static int writable(const struct session *s, char **error)
{
    if (str_empty(s->account_id) || str_empty(s->id)) {
        set_error(error, xstrdup("a tracked session needs an account and an id"));
        return ERR_USAGE;
    }
    if (!utf8_ok(s)) {
        set_error(error, xasprintf("session %s has text that is not UTF-8", s->id));
        return ERR_USAGE;
    }
    return 0;
}

static int need_ids(const char *account_id, const char *session_id, const char *who,
                    char **error)
{
    if (!str_empty(account_id) && (!session_id || *session_id))
        return 0;
    set_error(error, xasprintf("%s: no account or session id", who));
    return ERR_USAGE;
}

int state_upsert(const struct session *s, char **error)
{
    int rc = writable(s, error);
    return rc ? rc : change_state(state_dir(), UPSERT, s, NULL, NULL, NULL, NULL, NULL, error);
}

int state_merge_in(const char *dir, const struct session *fresh, char **error)
{
    int rc = writable(fresh, error);
    return rc ? rc : change_state(dir, MERGE, fresh, NULL, NULL, NULL, NULL, NULL, error);
}

int state_add_new_in(const char *dir, const struct session *s, bool *taken, char **error)
{
    *taken = false;
    int rc = writable(s, error);
    return rc ? rc : change_state(dir, ADD_NEW, s, NULL, NULL, NULL, taken, NULL, error);
}

int state_merge(const struct session *fresh, char **error)
{
    return state_merge_in(state_dir(), fresh, error);
}

int state_remove_in(const char *dir, const char *account_id, const char *session_id,
                    bool *read, char **error)
{
    if (read)
        *read = false;
    int rc = need_ids(account_id, session_id ? session_id : "", "state_remove", error);
    return rc ? rc
              : change_state(dir, REMOVE, NULL, account_id, session_id, read, NULL, NULL, error);
}

int state_remove(const char *account_id, const char *session_id, char **error)
{
    return state_remove_in(state_dir(), account_id, session_id, NULL, error);
}

int state_mark_unknown_in(const char *dir, const char *account_id, const char *session_id,
                          char **error)
{
    int rc = need_ids(account_id, session_id ? session_id : "", "state_mark_unknown", error);
    return rc ? rc
              : change_state(dir, MARK_UNKNOWN, NULL, account_id, session_id, NULL, NULL, NULL,
                             error);
}

int state_remove_account(const char *account_id, size_t *removed, char **error)
{
    if (removed)
        *removed = 0;
    int rc = need_ids(account_id, NULL, "state_remove_account", error);
    if (rc == 0)
        rc = change_state(state_dir(), REMOVE_ACCOUNT, NULL, account_id, NULL, NULL, NULL, removed,
                          error);
    if (rc == 0)
        seen_forget(account_id); /* what it saw of its users' places goes with it */
    return rc;
}

int state_check_writable(char **error)
{
    return change_state(state_dir(), CHECK_WRITABLE, NULL, NULL, NULL, NULL, NULL, NULL, error);
}

int state_load_in(const char *dir, struct session_list *out, char **error)
{
    struct conf_file *f = NULL;
    int rc = load_from(dir, &f, out, error);
    conf_file_free(f);
    return rc;
}

/* ---- lookups and merges over the whole file -------------------------- */

int state_sessions_of(const char *account_id, struct session_list *out, char **error)
{
    memset(out, 0, sizeof *out);
    struct session_list all = {0};
    int rc = state_load(&all, error);
    if (rc)
        return rc;
    for (size_t i = 0; i < all.n; i++) {
        if (all.v[i].account_id && strcmp(all.v[i].account_id, account_id) == 0) {
            struct session *s = session_list_push(out);
            session_copy(s, &all.v[i]);
        }
    }
    session_list_clear(&all);
    return 0;
}

int state_find(const char *account_id, const char *session_id, struct session *out,
                   bool *found, char **error)
{
    *found = false;
    memset(out, 0, sizeof *out);
    struct session_list l;
    int rc = state_sessions_of(account_id, &l, error);
    if (rc)
        return rc;
    for (size_t i = 0; i < l.n; i++) {
        if (l.v[i].id && strcmp(l.v[i].id, session_id) == 0) {
            session_copy(out, &l.v[i]);
            *found = true;
            break;
        }
    }
    session_list_clear(&l);
    return 0;
}

void state_remove_stale_temps_in(const char *dir)
{
    char *path = g_build_filename(dir, STATE_FILE, NULL);
    config_remove_stale_temps(path);
    g_free(path);
}
