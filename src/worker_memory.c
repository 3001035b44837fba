/* What each account's last good listing told: when it ran, which users it
 * read, which of them had a session that was not over. The provider turns
 * a listing asked as a refresh into one of what can have changed since
 * (plan_refresh); the memory is of this process only and is not used when
 * anything in the account changed (base URL, fields). Curl thread only. */
#include <stdlib.h>
#include <string.h>

#include "session_status.h"
#include "util.h"
#include "worker_internal.h"

static struct remembered *find(struct worker *w, const char *account_id)
{
    for (size_t i = 0; i < w->n_memory; i++)
        if (strcmp(w->memory[i].account_id, account_id) == 0)
            return &w->memory[i];
    return NULL;
}

/* The account as far as what a listing returns goes. */
static char *scope_of(const struct provider *p, const struct account *a)
{
    GString *s = g_string_new(provider_base_url(p, a));
    for (size_t i = 0; i < a->n_fields; i++)
        if (strcmp(a->fields[i].key, "rate_limit") != 0) /* pacing, not content */
            g_string_append_printf(s, "\n%s=%s", a->fields[i].key,
                                   a->fields[i].value ? a->fields[i].value : "");
    return g_string_free(s, FALSE);
}

static void mem_clear(struct list_memory *m)
{
    for (size_t i = 0; i < m->n_users; i++) {
        free(m->users[i].id);
        free(m->users[i].display);
    }
    free(m->users);
    memset(m, 0, sizeof *m);
}

static GHashTable *index_of(const struct list_memory *m);

void memory_plan(struct worker *w, struct running_job *j, struct op_result *pre)
{
    struct op_args *args = &j->job.args;
    if (j->job.op != OP_LIST || !j->prov->plan_refresh || !args->refresh)
        return;
    struct remembered *r = find(w, j->job.account.id ? j->job.account.id : "");
    if (!r)
        return;
    char *scope = scope_of(j->prov, &j->job.account);
    bool same = strcmp(scope, r->scope) == 0;
    free(scope);
    if (!same || !j->prov->plan_refresh(&j->job.account, args, &r->mem, pre))
        return;
    j->partial = true;
    /* The users it re-reads are named from the memory: their sessions
     * come without a users page, and would lose the names they had. */
    GHashTable *index = index_of(&r->mem);
    for (size_t i = 0; i < pre->n_follow; i++) {
        const char *uid = pre->follow[i].args.user_id;
        size_t at = uid ? GPOINTER_TO_SIZE(g_hash_table_lookup(index, uid)) : 0;
        const struct listed_user *u = at ? &r->mem.users[at - 1] : NULL;
        if (!u || !u->display)
            continue;
        struct op_result *m = &j->merged;
        m->users = xrealloc(m->users, (m->n_users + 1) * sizeof *m->users);
        m->users[m->n_users++] = (struct user){xstrdup(u->id), xstrdup(u->display),
                                               u->signed_in_ms};
    }
    g_hash_table_destroy(index);
}

void memory_note_live(struct running_job *j, const struct session_list *l)
{
    if (j->job.op != OP_LIST || !j->prov->plan_refresh)
        return;
    for (size_t i = 0; i < l->n; i++) {
        const struct session *s = &l->v[i];
        if (!s->user_id || !session_status_live(session_status_seen(s, j->job.args.now_ms)))
            continue;
        if (!j->live)
            j->live = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
        if (!g_hash_table_contains(j->live, s->user_id))
            g_hash_table_add(j->live, g_strdup(s->user_id));
    }
}

/* id -> its place in m->users, plus one (users may move as it grows). */
static GHashTable *index_of(const struct list_memory *m)
{
    GHashTable *h = g_hash_table_new(g_str_hash, g_str_equal);
    for (size_t i = 0; i < m->n_users; i++)
        g_hash_table_insert(h, m->users[i].id, GSIZE_TO_POINTER(i + 1));
    return h;
}

/* The user id of m, added when new. */
static struct listed_user *mem_user(struct list_memory *m, GHashTable *index, const char *id)
{
    size_t at = GPOINTER_TO_SIZE(g_hash_table_lookup(index, id));
    if (at)
        return &m->users[at - 1];
    m->users = xrealloc(m->users, (m->n_users + 1) * sizeof *m->users);
    struct listed_user *u = &m->users[m->n_users++];
    memset(u, 0, sizeof *u);
    u->id = xstrdup(id);
    g_hash_table_insert(index, u->id, GSIZE_TO_POINTER(m->n_users));
    return u;
}

void memory_remember(struct worker *w, struct running_job *j)
{
    const struct op_result *res = &j->merged;
    if (j->job.op != OP_LIST || !j->prov->plan_refresh || res->err)
        return;
    const char *id = j->job.account.id ? j->job.account.id : "";
    struct remembered *r = find(w, id);
    if (!r) {
        w->memory = xrealloc(w->memory, (w->n_memory + 1) * sizeof *w->memory);
        r = &w->memory[w->n_memory++];
        memset(r, 0, sizeof *r);
        r->account_id = xstrdup(id);
    }
    free(r->scope);
    r->scope = scope_of(j->prov, &j->job.account);
    if (!j->partial)
        mem_clear(&r->mem); /* a whole listing: what it did not cover is not there */
    r->mem.listed_ms = j->job.args.now_ms;
    GHashTable *index = index_of(&r->mem);
    for (size_t i = 0; i < res->n_covered; i++) {
        struct listed_user *u = mem_user(&r->mem, index, res->covered[i]);
        u->checked_ms = j->job.args.now_ms;
        u->live = j->live && g_hash_table_contains(j->live, u->id);
    }
    for (size_t i = 0; i < res->n_users; i++) {
        const struct user *got = &res->users[i];
        size_t at = got->id ? GPOINTER_TO_SIZE(g_hash_table_lookup(index, got->id)) : 0;
        if (!at)
            continue;
        struct listed_user *u = &r->mem.users[at - 1];
        if (got->signed_in_ms > u->signed_in_ms)
            u->signed_in_ms = got->signed_in_ms;
        if (got->display && (!u->display || strcmp(u->display, got->display) != 0)) {
            free(u->display);
            u->display = xstrdup(got->display);
        }
    }
    g_hash_table_destroy(index);
}

void memory_forget(struct worker *w, const char *account_id)
{
    for (size_t i = 0; account_id && i < w->n_memory; i++) {
        if (strcmp(w->memory[i].account_id, account_id) != 0)
            continue;
        free(w->memory[i].account_id);
        free(w->memory[i].scope);
        mem_clear(&w->memory[i].mem);
        w->memory[i] = w->memory[--w->n_memory];
        return;
    }
}

void memory_free_all(struct worker *w)
{
    while (w->n_memory > 0)
        memory_forget(w, w->memory[0].account_id);
    free(w->memory);
    w->memory = NULL;
}
