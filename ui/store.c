/* The accounts and sessions the front end shows, and applying events. */
#include "store.h"

#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "providers/provider.h"
#include "util.h"

void store_init(struct store *s)
{
    memset(s, 0, sizeof *s);
}

static void account_entry_free(struct store_account *sa)
{
    account_free(&sa->a);
    free(sa->error);
    free(sa->progress);
    free(sa->checks);
    free(sa->check_error);
    memset(sa, 0, sizeof *sa);
}

void store_free(struct store *s)
{
    for (size_t i = 0; i < s->n_acc; i++)
        account_entry_free(&s->acc[i]);
    free(s->acc);
    session_list_clear(&s->sessions);
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

/* Remove the sessions of account_id, or (NULL) those of accounts gone. */
static void drop_sessions(struct store *s, const char *account_id)
{
    size_t o = 0;
    for (size_t i = 0; i < s->sessions.n; i++) {
        struct session *x = &s->sessions.v[i];
        bool gone = account_id ? (x->account_id && strcmp(x->account_id, account_id) == 0)
                               : store_index(s, x->account_id) < 0;
        if (gone)
            session_free(x);
        else
            s->sessions.v[o++] = *x;
    }
    if (o != s->sessions.n)
        s->sessions_version++;
    s->sessions.n = o;
}

static void sanitize_field(char **f)
{
    if (!*f)
        return;
    char *clean = sanitize_text(*f);
    free(*f);
    *f = clean;
}

static void sanitize_session(struct session *d)
{
    char **fields[] = {&d->id,     &d->user_id, &d->user_display, &d->client_id,
                       &d->device, &d->browser, &d->ip,           &d->place};
    for (size_t i = 0; i < ARRAY_LEN(fields); i++)
        sanitize_field(fields[i]);
    /* raw_json stays as received: the detail view sanitises each line it draws */
}

/* Move *src into the store's list, sanitised, owned by account_id. */
static void adopt_session(struct store *s, struct session *src, const char *account_id)
{
    struct session *d = session_list_push(&s->sessions);
    *d = *src;
    memset(src, 0, sizeof *src);
    if (!d->account_id || strcmp(d->account_id, account_id) != 0) {
        free(d->account_id);
        d->account_id = xstrdup(account_id);
    }
    sanitize_session(d);
    s->sessions_version++;
}

static void count_sessions(struct store *s)
{
    for (size_t i = 0; i < s->n_acc; i++)
        s->acc[i].n_sessions = 0;
    for (size_t k = 0; k < s->sessions.n; k++) {
        ssize_t i = store_index(s, s->sessions.v[k].account_id);
        if (i >= 0)
            s->acc[i].n_sessions++;
    }
}

void store_set_accounts(struct store *s, struct account_list *list)
{
    struct store_account *next = xcalloc(list->n ? list->n : 1, sizeof *next);
    for (size_t i = 0; i < list->n; i++) {
        struct store_account *sa = &next[i];
        sa->a = list->v[i];
        memset(&list->v[i], 0, sizeof list->v[i]);
        sa->provider = provider_find(sa->a.provider_id);
        struct store_account *old = store_find(s, sa->a.id);
        if (old && old->a.provider_id && sa->a.provider_id &&
            strcmp(old->a.provider_id, sa->a.provider_id) == 0) {
            sa->state = old->state;
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
        }
    }
    for (size_t i = 0; i < s->n_acc; i++)
        account_entry_free(&s->acc[i]);
    free(s->acc);
    s->acc = next;
    s->n_acc = list->n;
    list->n = 0;
    drop_sessions(s, NULL);
    count_sessions(s);
    s->version++;
    s->sessions_version++; /* labels may have changed */
}

void store_set_loading(struct store *s, size_t i, uint64_t job)
{
    if (i >= s->n_acc)
        return;
    s->acc[i].state = ACCOUNT_LOADING;
    s->acc[i].job = job;
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
    if (ev->err == ERR_KEYRING)
        sa->state = strstr(sa->error, "locked") ? ACCOUNT_KEYRING_LOCKED
                                                : ACCOUNT_KEYRING_UNAVAILABLE;
    else
        sa->state = ACCOUNT_ERROR;
}

void store_add_check(struct store *s, size_t i, uint64_t job)
{
    if (i >= s->n_acc)
        return;
    struct store_account *sa = &s->acc[i];
    if (sa->n_checks == 0) {
        free(sa->check_error);
        sa->check_error = NULL;
    }
    sa->checks = xrealloc(sa->checks, (sa->n_checks + 1) * sizeof *sa->checks);
    sa->checks[sa->n_checks++] = job;
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
        char *keep = x->account_id;
        x->account_id = NULL;
        session_update(x, fresh);
        free(x->account_id);
        x->account_id = keep;
        sanitize_session(x);
        s->sessions_version++;
    }
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
    sa->n_checks = 0;
    free(sa->progress);
    sa->progress = NULL;
    if (sa->state == ACCOUNT_LOADING)
        sa->state = sa->loaded ? ACCOUNT_OK : ACCOUNT_IDLE;
    s->version++;
}

/* The answer to one OP_INFO check: the session's news merged in. */
static bool apply_check(struct store *s, struct store_account *sa, struct event *ev)
{
    size_t k = 0;
    while (k < sa->n_checks && sa->checks[k] != ev->job_id)
        k++;
    if (k == sa->n_checks)
        return false;
    if (ev->progress)
        return false;
    sa->checks[k] = sa->checks[--sa->n_checks];
    if (ev->err != 0 && ev->err != ERR_CANCELLED && !sa->check_error)
        sa->check_error = sanitize_text(ev->error ? ev->error : "failed");
    for (size_t j = 0; ev->err == 0 && j < ev->result.sessions.n; j++) {
        struct session *u = &ev->result.sessions.v[j];
        struct session *x = store_session_find(s, sa->a.id, u->id);
        if (!x)
            continue;
        char *account_id = x->account_id;
        x->account_id = NULL;
        session_update(x, u);
        free(x->account_id);
        x->account_id = account_id;
        sanitize_session(x);
        s->sessions_version++;
    }
    if (sa->n_checks == 0 && !sa->job) {
        free(sa->error);
        sa->error = sa->check_error;
        sa->check_error = NULL;
        sa->state = sa->error ? ACCOUNT_ERROR : ACCOUNT_OK;
        if (!sa->error)
            sa->updated_ms = now_ms();
    }
    s->version++;
    return true;
}

bool store_apply_event(struct store *s, struct event *ev)
{
    if (ev->kind == JOB_OP && ev->op == OP_INFO) {
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
    if (ev->progress) {
        sa->progress = sanitize_text(ev->error ? ev->error : "working");
        s->version++;
        return true;
    }
    sa->job = 0;
    if (ev->err == ERR_CANCELLED) {
        sa->state = sa->loaded ? ACCOUNT_OK : ACCOUNT_IDLE;
    } else if (ev->err != 0) {
        apply_error(sa, ev);
    } else {
        drop_sessions(s, sa->a.id);
        for (size_t k = 0; k < ev->result.sessions.n; k++)
            adopt_session(s, &ev->result.sessions.v[k], sa->a.id);
        session_list_clear(&ev->result.sessions);
        sa->state = ACCOUNT_OK;
        sa->loaded = true;
        sa->updated_ms = now_ms();
        free(sa->error);
        sa->error = NULL;
        count_sessions(s);
    }
    s->version++;
    return true;
}

void store_set_tracked(struct store *s, struct session_list *list)
{
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

enum session_status store_session_status(const struct session *x, int64_t now)
{
    if ((x->status == SESSION_ACTIVE || x->status == SESSION_PENDING) && x->expires_ms > 0 &&
        x->expires_ms <= now)
        return SESSION_EXPIRED;
    return x->status;
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
