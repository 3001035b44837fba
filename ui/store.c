/* The accounts and sessions the front end shows, and applying events. */
#include "store.h"

#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "providers/provider.h"
#include "session_outcome.h"
#include "flags.h"
#include "seen.h"
#include "session_status.h"
#include "strpool.h"
#include "strslab.h"
#include "util.h"

void store_init(struct store *s)
{
    memset(s, 0, sizeof *s);
}

static void checks_clear(struct store_account *sa)
{
    for (size_t k = 0; k < sa->n_checks; k++)
        free(sa->checks[k].session_id);
    sa->n_checks = 0;
}

static void account_entry_free(struct store_account *sa)
{
    account_free(&sa->a);
    flags_end(sa->flagging);
    seen_free(sa->seen);
    free(sa->error);
    free(sa->progress);
    checks_clear(sa);
    free(sa->checks);
    free(sa->check_error);
    session_list_clear(&sa->incoming);
    free(sa->gone);
    if (sa->covered)
        g_hash_table_destroy(sa->covered);
    memset(sa, 0, sizeof *sa);
}

void store_free(struct store *s)
{
    for (size_t i = 0; i < s->n_acc; i++)
        account_entry_free(&s->acc[i]);
    free(s->acc);
    session_list_clear(&s->sessions);
    for (size_t i = 0; i < s->n_graves; i++)
        session_list_clear(&s->graves[i]);
    free(s->graves);
    free(s->note);
    memset(s, 0, sizeof *s);
}

ssize_t store_index(const struct store *s, const char *id)
{
    for (size_t i = 0; id && i < s->n_acc; i++)
        if (s->acc[i].a.id && strcmp(s->acc[i].a.id, id) == 0)
            return (ssize_t)i;
    return -1;
}

struct store_account *store_find(struct store *s, const char *id)
{
    ssize_t i = store_index(s, id);
    return i < 0 ? NULL : &s->acc[i];
}

bool store_account_lists(const struct store_account *sa)
{
    return sa->provider && (sa->provider->caps & CAP_LIST);
}

/* The sessions of list (emptied) into the graveyard, as they are. */
static void bury(struct store *s, struct session_list *list)
{
    if (!list->v)
        return;
    if (list->n == 0) {
        free(list->v);
    } else {
        s->graves = xrealloc(s->graves, (s->n_graves + 1) * sizeof *s->graves);
        s->graves[s->n_graves++] = *list;
    }
    memset(list, 0, sizeof *list);
}

/* gone[from..to) for the sessions there: of account_id (and, with covered,
 * of one of its users), or (NULL) of an account gone. Returns how many go. */
static size_t mark_gone(const struct store *s, const char *account_id, GHashTable *covered,
                        unsigned char *gone, size_t from, size_t to)
{
    const char *last = NULL;
    bool last_gone = false;
    size_t n_gone = 0;
    for (size_t i = from; i < to; i++) {
        const struct session *x = &s->sessions.v[i];
        const char *id = x->account_id;
        if (!last || !id || strcmp(id, last) != 0) { /* once per run of one account */
            last_gone = account_id ? (id && strcmp(id, account_id) == 0)
                                   : store_index(s, id) < 0;
            last = id;
        }
        gone[i] = last_gone &&
                  (!covered || (x->user_id && g_hash_table_contains(covered, x->user_id)));
        n_gone += gone[i];
    }
    return n_gone;
}

/* The sessions marked in gone go into the graveyard, freed a slice at a
 * time by store_work. When few go, they are copied out; when most do,
 * those that stay are, and the array goes whole (the slots of those that
 * stay emptied). */
static void drop_marked(struct store *s, const unsigned char *gone, size_t n_gone)
{
    size_t n = s->sessions.n;
    if (n_gone == 0)
        return;
    bool copy_gone = n_gone <= n / 2;
    struct session_list other = {0}; /* the fewer, copied */
    other.cap = copy_gone ? n_gone : n - n_gone;
    other.v = xmalloc((other.cap ? other.cap : 1) * sizeof *other.v);
    if (copy_gone) {
        size_t o = 0;
        for (size_t i = 0; i < n; i++) {
            if (gone[i])
                other.v[other.n++] = s->sessions.v[i];
            else
                s->sessions.v[o++] = s->sessions.v[i]; /* o <= i: in place */
        }
        s->sessions.n = o;
        bury(s, &other);
    } else {
        for (size_t i = 0; i < n; i++) {
            if (!gone[i]) {
                other.v[other.n++] = s->sessions.v[i];
                memset(&s->sessions.v[i], 0, sizeof s->sessions.v[i]); /* frees nothing */
            }
        }
        bury(s, &s->sessions);
        s->sessions = other;
    }
    s->sessions_version++;
}

/* Remove the sessions of account_id, or (NULL) those of accounts gone. */
static void drop_sessions(struct store *s, const char *account_id)
{
    size_t n = s->sessions.n;
    unsigned char *gone = xmalloc(n ? n : 1);
    drop_marked(s, gone, mark_gone(s, account_id, NULL, gone, 0, n));
    free(gone);
}

static void own_session(struct session *d, const char *account_id);

static void note(struct store *s, char *text)
{
    if (!text)
        return;
    free(s->note);
    s->note = text;
}

static bool of_account(const struct session *x, const char *id)
{
    return x->account_id == id || (x->account_id && strcmp(x->account_id, id) == 0);
}

static void flag_stop(struct store_account *sa)
{
    flags_end(sa->flagging);
    sa->flagging = NULL;
}

/* Up to budget of the store's sessions through account sa's flag pass
 * (flags.h: each of its sessions learnt, then flagged); returns the budget
 * left. A pass whose sessions moved meanwhile starts over. */
static size_t flag_run(struct store *s, struct store_account *sa, size_t budget)
{
    if (sa->flagging &&
        (sa->flag_version != s->sessions_version || sa->flag_len != s->sessions.n))
        flag_stop(sa);
    if (!sa->flagging) {
        char *err = NULL;
        if (!sa->seen && store_account_lists(sa)) /* places come from a listing (Clerk) */
            sa->seen = seen_load(sa->a.id, &err);
        note(s, err);
        sa->flagging = flags_begin(&sa->policy, sa->seen, now_ms());
        sa->flag_phase = 0;
        sa->flag_at = 0;
        sa->flag_changed = false;
        sa->flag_version = s->sessions_version;
        sa->flag_len = s->sessions.n;
    }
    const char *id = sa->a.id;
    for (; budget > 0 && sa->flag_phase < 2; budget--) {
        if (sa->flag_at == s->sessions.n) {
            sa->flag_phase++;
            sa->flag_at = 0;
            continue;
        }
        struct session *x = &s->sessions.v[sa->flag_at++];
        if (!of_account(x, id))
            continue;
        if (sa->flag_phase == 0)
            flags_learn(sa->flagging, x);
        else
            sa->flag_changed |= flags_flag(sa->flagging, x);
    }
    if (sa->flag_phase < 2)
        return budget;
    flag_stop(sa);
    char *err = NULL;
    if (sa->seen && seen_save(sa->seen, &err) != 0)
        note(s, xasprintf("the places seen could not be remembered: %s", err ? err : "?"));
    free(err);
    if (sa->flag_changed) {
        /* not sessions_version: the rows, their order and marks stand (a
         * rebuild over 100k was a key's wait at the end of each listing) */
        s->flags_version++;
        s->version++;
    }
    return budget;
}

static size_t flag_left(const struct store *s, const struct store_account *sa)
{
    return sa->flagging ? (size_t)(2 - sa->flag_phase) * s->sessions.n - sa->flag_at : 0;
}

/* Flag account i's sessions anew: at once when it has few, else a slice
 * at a time (store_work). */
static void flag_account(struct store *s, size_t i)
{
    if (i >= s->n_acc)
        return;
    struct store_account *sa = &s->acc[i];
    flag_stop(sa);
    size_t n = 0;
    for (size_t k = 0; k < s->sessions.n && n <= STORE_AT_ONCE; k++)
        n += of_account(&s->sessions.v[k], sa->a.id);
    if (n == 0)
        return;
    flag_run(s, sa, n <= STORE_AT_ONCE ? SIZE_MAX : 1);
}

static void flag_account_of(struct store *s, const char *account_id)
{
    ssize_t i = store_index(s, account_id);
    if (i >= 0)
        flag_account(s, (size_t)i);
}
static void adopt_list(struct store *s, struct session_list *list, const char *account_id,
                       bool owned);
static void count_sessions(struct store *s);

/* The answer of a listing is in: it replaces the account's sessions, or
 * those of the users it covers (partial), or adds to those it streamed.
 * gone: the sessions it replaces, when the caller has looked already. */
static void list_done(struct store *s, struct store_account *sa, struct session_list *list,
                      bool owned, const unsigned char *gone, size_t n_gone)
{
    if (gone) {
        drop_marked(s, gone, n_gone);
    } else if (!sa->streamed) {
        size_t n = s->sessions.n;
        unsigned char *mark = xmalloc(n ? n : 1);
        drop_marked(s, mark, mark_gone(s, sa->a.id, sa->covered, mark, 0, n));
        free(mark);
    }
    adopt_list(s, list, sa->a.id, owned);
    flag_account(s, (size_t)(sa - s->acc));
    if (sa->covered)
        g_hash_table_destroy(sa->covered);
    sa->covered = NULL;
    sa->streamed = false;
    sa->incoming_final = false;
    sa->job = 0;
    sa->state = ACCOUNT_OK;
    sa->loaded = true;
    sa->updated_ms = now_ms();
    free(sa->error);
    sa->error = NULL;
    count_sessions(s);
    s->version++;
}

size_t store_work(struct store *s, size_t budget)
{
    size_t left = 0;
    for (size_t i = 0; i < s->n_acc; i++) {
        struct store_account *sa = &s->acc[i];
        if (!sa->incoming.v)
            continue;
        for (; budget > 0 && sa->incoming_done < sa->incoming.n; budget--)
            own_session(&sa->incoming.v[sa->incoming_done++], sa->a.id);
        bool sanitised = sa->incoming_done == sa->incoming.n;
        if (!sa->incoming_final || sa->streamed) {
            /* streamed: they join those shown once sanitised */
            if (sanitised) {
                struct session_list list = sa->incoming;
                memset(&sa->incoming, 0, sizeof sa->incoming);
                sa->incoming_done = 0;
                if (sa->incoming_final) {
                    list_done(s, sa, &list, true, NULL, 0);
                } else {
                    adopt_list(s, &list, sa->a.id, true);
                    count_sessions(s);
                    s->version++;
                }
            } else {
                left += sa->incoming.n - sa->incoming_done;
            }
            continue;
        }
        /* then which of the sessions there go (looked at anew if they changed) */
        size_t n = s->sessions.n;
        if (!sa->gone || sa->gone_version != s->sessions_version || sa->gone_len != n) {
            sa->gone = xrealloc(sa->gone, n ? n : 1);
            sa->gone_done = sa->n_gone = 0;
            sa->gone_version = s->sessions_version;
            sa->gone_len = n;
        }
        if (budget > 0 && sa->gone_done < n) {
            size_t to = n - sa->gone_done > budget ? sa->gone_done + budget : n;
            sa->n_gone += mark_gone(s, sa->a.id, sa->covered, sa->gone, sa->gone_done, to);
            budget -= to - sa->gone_done;
            sa->gone_done = to;
        }
        if (sanitised && sa->gone_done == n) {
            struct session_list list = sa->incoming;
            unsigned char *gone = sa->gone;
            memset(&sa->incoming, 0, sizeof sa->incoming);
            sa->incoming_done = 0;
            sa->gone = NULL;
            list_done(s, sa, &list, true, gone, sa->n_gone);
            free(gone);
        } else {
            left += sa->incoming.n - sa->incoming_done + n - sa->gone_done;
        }
    }
    for (size_t i = 0; i < s->n_acc; i++) {
        struct store_account *sa = &s->acc[i];
        if (sa->flagging && budget > 0)
            budget = flag_run(s, sa, budget);
        left += flag_left(s, sa);
    }
    while (budget > 0 && s->n_graves > 0) {
        struct session_list *g = &s->graves[s->n_graves - 1];
        for (; budget > 0 && g->n > 0; budget--)
            session_free(&g->v[--g->n]);
        if (g->n == 0) {
            free(g->v);
            s->n_graves--;
        }
    }
    if (s->n_graves == 0) {
        free(s->graves);
        s->graves = NULL;
    }
    for (size_t i = 0; i < s->n_graves; i++)
        left += s->graves[i].n;
    return left;
}

/* Session strings are never written once made (model.h): a dirty one is
 * swapped for a clean copy. */
static void sanitize_pooled(const char **f)
{
    if (text_is_clean(*f))
        return;
    const char *dirty = *f;
    *f = strpool_take(sanitize_text(dirty));
    strpool_put(dirty);
}

static void sanitize_own(const char **f)
{
    if (text_is_clean(*f))
        return;
    const char *dirty = *f;
    *f = strslab_take(sanitize_text(dirty));
    strslab_free(dirty);
}

/* Each field made safe; a clean one (the providers' are) is not copied. */
static void sanitize_session(struct session *d)
{
    const char **own[] = {&d->id, &d->client_id, &d->ip};
    for (size_t i = 0; i < ARRAY_LEN(own); i++)
        sanitize_own(own[i]);
    const char **pooled[] = {&d->user_id, &d->user_display, &d->device, &d->browser, &d->place};
    for (size_t i = 0; i < ARRAY_LEN(pooled); i++)
        sanitize_pooled(pooled[i]);
    /* raw_json stays as received: the detail view sanitises each line it draws */
}

/* The session at d (the store's now), sanitised, owned by account_id. */
static void own_session(struct session *d, const char *account_id)
{
    if (!d->account_id || strcmp(d->account_id, account_id) != 0) {
        strpool_set(&d->account_id, account_id);
    }
    sanitize_session(d);
}

/* Move *src into the store's list, sanitised, owned by account_id. */
static void adopt_session(struct store *s, struct session *src, const char *account_id)
{
    struct session *d = session_list_push(&s->sessions);
    *d = *src;
    memset(src, 0, sizeof *src);
    own_session(d, account_id);
    s->sessions_version++;
}

/* Move every session of list into the store's (list is left empty): the
 * array itself when the store has none, else in one copy. */
static void adopt_list(struct store *s, struct session_list *list, const char *account_id,
                       bool owned)
{
    size_t from = s->sessions.n;
    if (list->n == 0) {
        session_list_clear(list);
        return;
    }
    if (s->sessions.n == 0) {
        free(s->sessions.v);
        s->sessions = *list;
    } else if (list->n > s->sessions.n) {
        /* the few there are go in front of the many that came, in the
         * list's array: a big one is not copied into fresh memory */
        size_t few = s->sessions.n;
        if (list->cap < list->n + few) {
            list->cap = list->n + few;
            list->v = xrealloc(list->v, list->cap * sizeof *list->v);
        }
        memmove(list->v + few, list->v, list->n * sizeof *list->v);
        memcpy(list->v, s->sessions.v, few * sizeof *list->v);
        list->n += few;
        free(s->sessions.v);
        s->sessions = *list;
    } else {
        if (s->sessions.cap < s->sessions.n + list->n) {
            s->sessions.cap = s->sessions.n + list->n;
            s->sessions.v = xrealloc(s->sessions.v, s->sessions.cap * sizeof *s->sessions.v);
        }
        memcpy(s->sessions.v + s->sessions.n, list->v, list->n * sizeof *list->v);
        s->sessions.n += list->n;
        free(list->v);
    }
    memset(list, 0, sizeof *list);
    for (size_t k = from; !owned && k < s->sessions.n; k++)
        own_session(&s->sessions.v[k], account_id);
    s->sessions_version++;
}

/* The sessions of each account, looked up once per run of the same one. */
static void count_sessions(struct store *s)
{
    for (size_t i = 0; i < s->n_acc; i++)
        s->acc[i].n_sessions = 0;
    const char *last = NULL;
    ssize_t i = -1;
    for (size_t k = 0; k < s->sessions.n; k++) {
        const char *id = s->sessions.v[k].account_id;
        if (!last || !id || strcmp(id, last) != 0) {
            i = store_index(s, id);
            last = id;
        }
        if (i >= 0)
            s->acc[i].n_sessions++;
    }
}

static bool same_text(const char *a, const char *b)
{
    return a == b || (a && b && strcmp(a, b) == 0);
}

/* Would the sessions view show or index an account differently? */
static bool same_accounts(const struct store_account *a, size_t na,
                          const struct store_account *b, size_t nb)
{
    if (na != nb)
        return false;
    for (size_t i = 0; i < na; i++)
        if (!same_text(a[i].a.id, b[i].a.id) || !same_text(a[i].a.label, b[i].a.label) ||
            !same_text(a[i].a.provider_id, b[i].a.provider_id) ||
            a[i].provider != b[i].provider)
            return false;
    return true;
}

void store_set_accounts(struct store *s, struct account_list *list)
{
    struct store_account *next = xcalloc(list->n ? list->n : 1, sizeof *next);
    for (size_t i = 0; i < list->n; i++) {
        struct store_account *sa = &next[i];
        sa->a = list->v[i];
        memset(&list->v[i], 0, sizeof list->v[i]);
        sa->provider = provider_find(sa->a.provider_id);
        account_policy_of(&sa->a, &sa->policy);
        struct store_account *old = store_find(s, sa->a.id);
        if (old && old->a.provider_id && sa->a.provider_id &&
            strcmp(old->a.provider_id, sa->a.provider_id) == 0) {
            sa->seen = old->seen;
            old->seen = NULL;
            sa->state = old->state;
            sa->err = old->err;
            sa->check_err = old->check_err;
            sa->error = old->error;
            old->error = NULL;
            sa->loaded = old->loaded;
            sa->job = old->job;
            sa->checks = old->checks;
            sa->n_checks = old->n_checks;
            old->checks = NULL;
            old->n_checks = 0;
            sa->check_error = old->check_error;
            old->check_error = NULL;
            sa->progress = old->progress;
            old->progress = NULL;
            sa->updated_ms = old->updated_ms;
            sa->incoming = old->incoming;
            sa->incoming_done = old->incoming_done;
            sa->incoming_final = old->incoming_final;
            sa->streamed = old->streamed;
            sa->covered = old->covered;
            old->covered = NULL;
            memset(&old->incoming, 0, sizeof old->incoming);
        } else if (old) {
            drop_sessions(s, old->a.id); /* same id, another provider: start over */
        }
        if (!sa->provider) {
            sa->state = ACCOUNT_ERROR;
            free(sa->error);
            sa->error = sanitize_text(sa->a.provider_id ? sa->a.provider_id : "");
            char *msg = xasprintf("unknown provider '%s'", sa->error);
            free(sa->error);
            sa->error = msg;
            sa->err = ERR_CONFIG;
        }
    }
    bool same = same_accounts(s->acc, s->n_acc, next, list->n);
    for (size_t i = 0; i < s->n_acc; i++) {
        bury(s, &s->acc[i].incoming); /* of an account gone: freed later */
        account_entry_free(&s->acc[i]);
    }
    free(s->acc);
    s->acc = next;
    s->n_acc = list->n;
    list->n = 0;
    drop_sessions(s, NULL);
    count_sessions(s);
    s->version++;
    if (!same)
        s->sessions_version++; /* labels or places changed */
    for (size_t i = 0; i < s->n_acc; i++)
        flag_account(s, i); /* its many_live or stale_after may be new */
}

void store_set_loading(struct store *s, size_t i, uint64_t job)
{
    if (i >= s->n_acc)
        return;
    s->acc[i].state = ACCOUNT_LOADING;
    s->acc[i].job = job;
    s->acc[i].streamed = false;
    s->acc[i].budget_wait = false;
    free(s->acc[i].progress);
    s->acc[i].progress = NULL;
    s->version++;
}

void store_set_error(struct store *s, size_t i, const char *msg)
{
    if (i >= s->n_acc)
        return;
    struct store_account *sa = &s->acc[i];
    free(sa->error);
    sa->error = sanitize_text(msg);
    sa->err = ERR_INTERNAL;
    sa->state = ACCOUNT_ERROR;
    sa->job = 0;
    free(sa->progress);
    sa->progress = NULL;
    s->version++;
}

static void apply_error(struct store_account *sa, const struct event *ev)
{
    free(sa->error);
    sa->error = sanitize_text(ev->error ? ev->error : "failed");
    sa->err = ev->err;
    if (ev->err == ERR_KEYRING)
        sa->state = strstr(sa->error, "locked") ? ACCOUNT_KEYRING_LOCKED
                                                : ACCOUNT_KEYRING_UNAVAILABLE;
    else
        sa->state = ACCOUNT_ERROR;
}

void store_add_check(struct store *s, size_t i, uint64_t job, const char *session_id)
{
    if (i >= s->n_acc)
        return;
    struct store_account *sa = &s->acc[i];
    if (sa->n_checks == 0) {
        free(sa->check_error);
        sa->check_error = NULL;
    }
    sa->checks = xrealloc(sa->checks, (sa->n_checks + 1) * sizeof *sa->checks);
    sa->checks[sa->n_checks].job = job;
    sa->checks[sa->n_checks++].session_id = xstrdup(session_id);
    sa->state = ACCOUNT_LOADING;
    free(sa->progress);
    sa->progress = NULL;
    s->version++;
}

struct session *store_session_find(struct store *s, const char *account_id,
                                   const char *session_id)
{
    for (size_t k = 0; account_id && session_id && k < s->sessions.n; k++) {
        struct session *x = &s->sessions.v[k];
        if (x->id && x->account_id && strcmp(x->id, session_id) == 0 &&
            strcmp(x->account_id, account_id) == 0)
            return x;
    }
    return NULL;
}

void store_merge_session(struct store *s, const char *account_id, const struct session *fresh)
{
    if (!fresh->id || store_index(s, account_id) < 0)
        return;
    struct session *x = store_session_find(s, account_id, fresh->id);
    if (!x) {
        struct session copy;
        session_copy(&copy, fresh);
        adopt_session(s, &copy, account_id);
        count_sessions(s);
    } else {
        const char *keep = x->account_id;
        x->account_id = NULL;
        session_update(x, fresh);
        strpool_put(x->account_id);
        x->account_id = keep;
        sanitize_session(x);
        s->sessions_version++;
    }
    flag_account_of(s, account_id); /* a revoke makes a user's live sessions fewer */
    s->version++;
}

bool store_remove_session(struct store *s, const char *account_id, const char *session_id)
{
    struct session *x = store_session_find(s, account_id, session_id);
    if (!x)
        return false;
    session_free(x);
    *x = s->sessions.v[--s->sessions.n];
    count_sessions(s);
    flag_account_of(s, account_id);
    s->sessions_version++;
    s->version++;
    return true;
}

void store_forget_jobs(struct store *s, const char *account_id)
{
    struct store_account *sa = store_find(s, account_id);
    if (!sa)
        return;
    sa->job = 0;
    checks_clear(sa);
    bury(s, &sa->incoming);
    sa->incoming_done = 0;
    sa->incoming_final = false;
    sa->streamed = false;
    if (sa->covered)
        g_hash_table_destroy(sa->covered);
    sa->covered = NULL;
    free(sa->gone);
    sa->gone = NULL;
    free(sa->progress);
    sa->progress = NULL;
    if (sa->state == ACCOUNT_LOADING)
        sa->state = sa->loaded ? ACCOUNT_OK : ACCOUNT_IDLE;
    s->version++;
}

/* A refresh that failed: when it leaves the session in doubt
 * (session_refresh_failed), the session as it is now, handed back in the
 * event for the state file; what to add to the error in *note (owned). */
static void failed_refresh(struct store *s, struct store_account *sa, const char *sid,
                           struct event *ev, char **note)
{
    struct session *x = store_session_find(s, sa->a.id, sid);
    enum session_status st;
    *note = NULL;
    if (!x || !sa->provider ||
        !session_refresh_failed(sa->provider, x, now_ms(), ev->err, &ev->result, &st, note))
        return;
    x->status = st;
    session_copy(session_list_push(&ev->result.sessions), x);
    s->sessions_version++;
}

/* The answer to one check (OP_INFO, OP_REFRESH): the session's news merged in. */
static bool apply_check(struct store *s, struct store_account *sa, struct event *ev)
{
    size_t k = 0;
    while (k < sa->n_checks && sa->checks[k].job != ev->job_id)
        k++;
    if (k == sa->n_checks)
        return false;
    if (ev->progress)
        return false;
    char *sid = sa->checks[k].session_id;
    sa->checks[k] = sa->checks[--sa->n_checks];
    char *note = NULL;
    if (ev->op == OP_REFRESH && ev->err != 0)
        failed_refresh(s, sa, sid, ev, &note);
    if (ev->err != 0 && ev->err != ERR_CANCELLED && !sa->check_error) {
        char *e = xasprintf("%s%s", ev->error ? ev->error : "failed", note ? note : "");
        sa->check_error = sanitize_text(e);
        sa->check_err = ev->err;
        free(e);
    }
    free(note);
    free(sid);
    for (size_t j = 0; ev->err == 0 && j < ev->result.sessions.n; j++) {
        struct session *u = &ev->result.sessions.v[j];
        struct session *x = store_session_find(s, sa->a.id, u->id);
        if (!x)
            continue;
        const char *account_id = x->account_id;
        x->account_id = NULL;
        session_update(x, u);
        strpool_put(x->account_id);
        x->account_id = account_id;
        sanitize_session(x);
        s->sessions_version++;
    }
    if (sa->n_checks == 0 && !sa->job) {
        free(sa->error);
        sa->error = sa->check_error;
        sa->err = sa->check_err;
        sa->check_error = NULL;
        sa->state = sa->error ? ACCOUNT_ERROR : ACCOUNT_OK;
        if (!sa->error)
            sa->updated_ms = now_ms();
    }
    flag_account(s, (size_t)(sa - s->acc));
    s->version++;
    return true;
}

/* Sessions of the listing in flight (moved out of list): a few streamed
 * ones are shown at once, the rest wait in incoming for store_work. */
static void take_sessions(struct store *s, struct store_account *sa, struct session_list *list)
{
    if (!sa->incoming.v && !sa->incoming_final && list->n <= STORE_AT_ONCE) {
        adopt_list(s, list, sa->a.id, false);
        count_sessions(s);
        return;
    }
    if (!sa->incoming.v) {
        sa->incoming = *list;
        sa->incoming_done = 0;
    } else {
        for (size_t k = 0; k < list->n; k++)
            *session_list_push(&sa->incoming) = list->v[k];
        free(list->v);
    }
    memset(list, 0, sizeof *list);
}

bool store_apply_event(struct store *s, struct event *ev)
{
    if (ev->kind == JOB_OP && (ev->op == OP_INFO || ev->op == OP_REFRESH)) {
        ssize_t i = store_index(s, ev->account_id);
        return i >= 0 && apply_check(s, &s->acc[i], ev);
    }
    if (ev->kind != JOB_OP || ev->op != OP_LIST)
        return false; /* the dashboard's views handle the others */
    ssize_t i = store_index(s, ev->account_id);
    if (i < 0 || s->acc[i].job != ev->job_id)
        return false;
    struct store_account *sa = &s->acc[i];
    free(sa->progress);
    sa->progress = NULL;
    sa->budget_wait = ev->progress && ev->budget_wait_ms > 0;
    if (ev->progress) {
        char *text = event_progress_text(ev);
        sa->progress = sanitize_text(text);
        free(text);
        if (ev->result.sessions.n > 0) {
            sa->streamed = true;
            take_sessions(s, sa, &ev->result.sessions);
        }
        s->version++;
        return true;
    }
    if (ev->err != 0) {
        /* what it streamed stays shown, as far as it came */
        if (sa->incoming.v) {
            struct session_list list = sa->incoming;
            memset(&sa->incoming, 0, sizeof sa->incoming);
            for (size_t k = sa->incoming_done; k < list.n; k++)
                own_session(&list.v[k], sa->a.id);
            sa->incoming_done = 0;
            adopt_list(s, &list, sa->a.id, true);
            count_sessions(s);
        }
        sa->job = 0;
        sa->streamed = false;
        if (ev->err == ERR_CANCELLED)
            sa->state = sa->loaded ? ACCOUNT_OK : ACCOUNT_IDLE;
        else
            apply_error(sa, ev);
        s->version++;
        return true;
    }
    if (ev->result.partial) {
        if (sa->covered)
            g_hash_table_destroy(sa->covered);
        sa->covered = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
        for (size_t k = 0; k < ev->result.n_covered; k++)
            g_hash_table_add(sa->covered, g_strdup(ev->result.covered[k]));
    }
    if (!sa->incoming.v && ev->result.sessions.n <= STORE_AT_ONCE) {
        list_done(s, sa, &ev->result.sessions, false, NULL, 0);
    } else {
        /* sanitised by store_work, between keys; the job stays in flight */
        sa->incoming_final = true;
        take_sessions(s, sa, &ev->result.sessions);
    }
    s->version++;
    return true;
}

static bool same_session(const struct session *a, const struct session *b)
{
    return same_text(a->id, b->id) && same_text(a->account_id, b->account_id) &&
           same_text(a->user_id, b->user_id) && same_text(a->user_display, b->user_display) &&
           same_text(a->client_id, b->client_id) && a->status == b->status &&
           a->created_ms == b->created_ms && a->last_active_ms == b->last_active_ms &&
           a->expires_ms == b->expires_ms && a->abandon_ms == b->abandon_ms &&
           same_text(a->device, b->device) &&
           same_text(a->browser, b->browser) && same_text(a->ip, b->ip) &&
           same_text(a->place, b->place) && a->tracked == b->tracked &&
           a->has_url == b->has_url && same_text(a->raw_json, b->raw_json);
}

/* Are the tracked sessions shown those of list already, in order (R with
 * nothing new: the sessions view need not start over)? The ones of list
 * that would be adopted are made the store's way (owned, sanitised). */
static bool tracked_unchanged(struct store *s, struct session_list *list)
{
    size_t j = 0;
    for (size_t k = 0; k < list->n; k++) {
        struct session *x = &list->v[k];
        ssize_t i = store_index(s, x->account_id);
        if (i < 0 || store_account_lists(&s->acc[i]))
            continue;
        own_session(x, s->acc[i].a.id);
    }
    const char *last = NULL;
    bool last_tracked = false;
    for (size_t k = 0; k < s->sessions.n; k++) {
        const struct session *x = &s->sessions.v[k];
        if (!last || !x->account_id || strcmp(x->account_id, last) != 0) {
            ssize_t i = store_index(s, x->account_id);
            last_tracked = i >= 0 && s->acc[i].provider && !store_account_lists(&s->acc[i]);
            last = x->account_id;
        }
        if (!last_tracked)
            continue;
        for (;;) { /* the next one of list that would be adopted */
            if (j == list->n)
                return false;
            ssize_t i = store_index(s, list->v[j].account_id);
            if (i >= 0 && !store_account_lists(&s->acc[i]))
                break;
            j++;
        }
        if (!same_session(x, &list->v[j++]))
            return false;
    }
    for (; j < list->n; j++) { /* any more to adopt: new ones */
        ssize_t i = store_index(s, list->v[j].account_id);
        if (i >= 0 && !store_account_lists(&s->acc[i]))
            return false;
    }
    return true;
}

static void flag_tracked(struct store *s)
{
    for (size_t i = 0; i < s->n_acc; i++)
        if (s->acc[i].provider && !store_account_lists(&s->acc[i]))
            flag_account(s, i);
}

void store_set_tracked(struct store *s, struct session_list *list)
{
    if (tracked_unchanged(s, list)) {
        for (size_t i = 0; i < s->n_acc; i++) {
            struct store_account *sa = &s->acc[i];
            if (sa->provider && !store_account_lists(sa) &&
                (sa->state == ACCOUNT_IDLE || sa->state == ACCOUNT_OK)) {
                sa->state = ACCOUNT_OK;
                sa->loaded = true;
            }
        }
        session_list_clear(list);
        flag_tracked(s);
        s->version++;
        return;
    }
    for (size_t i = 0; i < s->n_acc; i++) {
        struct store_account *sa = &s->acc[i];
        if (!sa->provider || store_account_lists(sa))
            continue;
        drop_sessions(s, sa->a.id);
        if (sa->state == ACCOUNT_IDLE || sa->state == ACCOUNT_OK) {
            sa->state = ACCOUNT_OK;
            sa->loaded = true;
        }
    }
    for (size_t k = 0; k < list->n; k++) {
        struct session *x = &list->v[k];
        ssize_t i = store_index(s, x->account_id);
        if (i < 0 || store_account_lists(&s->acc[i]))
            continue;
        adopt_session(s, x, s->acc[i].a.id);
    }
    session_list_clear(list);
    count_sessions(s);
    flag_tracked(s);
    s->version++;
}

size_t store_in_flight(const struct store *s)
{
    size_t n = 0;
    for (size_t i = 0; i < s->n_acc; i++)
        if (s->acc[i].job || s->acc[i].n_checks)
            n++;
    return n;
}

const char *account_state_name(enum account_state st)
{
    switch (st) {
    case ACCOUNT_IDLE: return "not loaded";
    case ACCOUNT_LOADING: return "loading";
    case ACCOUNT_OK: return "ok";
    case ACCOUNT_ERROR: return "error";
    case ACCOUNT_KEYRING_LOCKED: return "keyring locked";
    case ACCOUNT_KEYRING_UNAVAILABLE: return "keyring unavailable";
    }
    return "?";
}

size_t store_waiting_budget(const struct store *s, const struct store_account **one)
{
    size_t n = 0;
    for (size_t i = 0; i < s->n_acc; i++) {
        if (s->acc[i].job && s->acc[i].budget_wait) {
            n++;
            if (one)
                *one = &s->acc[i];
        }
    }
    return n;
}

char *store_account_title(const struct store_account *sa)
{
    const char *name = sa->a.label ? sa->a.label : sa->a.id ? sa->a.id : "";
    return xasprintf("%s%s%s", sa->policy.production ? BADGE_PRODUCTION " " : "",
                     sa->policy.read_only ? BADGE_READ_ONLY " " : "", name);
}
