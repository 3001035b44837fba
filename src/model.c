#include "model.h"

#include <stdlib.h>
#include <string.h>

#include "flags.h"
#include "strpool.h"
#include "strslab.h"
#include "util.h"

static const char *const status_names[SESSION_STATUS_COUNT] = {
    [SESSION_UNKNOWN] = "unknown",   [SESSION_ACTIVE] = "active",
    [SESSION_PENDING] = "pending",   [SESSION_REVOKED] = "revoked",
    [SESSION_ENDED] = "ended",       [SESSION_EXPIRED] = "expired",
    [SESSION_REMOVED] = "removed",   [SESSION_ABANDONED] = "abandoned",
    [SESSION_REPLACED] = "replaced",
};

const char *session_status_name(enum session_status s)
{
    return (unsigned)s < SESSION_STATUS_COUNT ? status_names[s] : "unknown";
}

enum session_status session_status_parse(const char *s)
{
    if (!s)
        return SESSION_UNKNOWN;
    for (int i = 1; i < SESSION_STATUS_COUNT; i++)
        if (strcmp(s, status_names[i]) == 0)
            return (enum session_status)i;
    return SESSION_UNKNOWN;
}

void account_free(struct account *a)
{
    free(a->id);
    free(a->provider_id);
    free(a->label);
    free(a->base_url);
    free(a->ca_file);
    free(a->stray_keys);
    for (size_t i = 0; i < a->n_fields; i++) {
        free(a->fields[i].key);
        free(a->fields[i].value);
    }
    memset(a, 0, sizeof *a);
}

void account_copy(struct account *dst, const struct account *src)
{
    memset(dst, 0, sizeof *dst);
    dst->id = xstrdup(src->id);
    dst->provider_id = xstrdup(src->provider_id);
    dst->label = xstrdup(src->label);
    dst->base_url = xstrdup(src->base_url);
    dst->ca_file = xstrdup(src->ca_file);
    dst->allow_http = src->allow_http;
    for (size_t i = 0; i < src->n_fields; i++) {
        dst->fields[i].key = xstrdup(src->fields[i].key);
        dst->fields[i].value = xstrdup(src->fields[i].value);
    }
    dst->n_fields = src->n_fields;
    dst->stray_keys = xstrdup(src->stray_keys);
}

const char *account_field(const struct account *a, const char *key)
{
    for (size_t i = 0; i < a->n_fields; i++)
        if (strcmp(a->fields[i].key, key) == 0)
            return a->fields[i].value;
    return NULL;
}

void account_set_field(struct account *a, const char *key, const char *value)
{
    for (size_t i = 0; i < a->n_fields; i++) {
        if (strcmp(a->fields[i].key, key) != 0)
            continue;
        free(a->fields[i].value);
        if (value) {
            a->fields[i].value = xstrdup(value);
        } else {
            free(a->fields[i].key);
            a->fields[i] = a->fields[--a->n_fields];
        }
        return;
    }
    if (!value || a->n_fields >= ACCOUNT_MAX_FIELDS)
        return;
    a->fields[a->n_fields].key = xstrdup(key);
    a->fields[a->n_fields].value = xstrdup(value);
    a->n_fields++;
}

void session_free(struct session *s)
{
    strslab_free(s->id);
    strpool_put(s->account_id);
    strpool_put(s->user_id);
    strpool_put(s->user_display);
    strslab_free(s->client_id);
    strpool_put(s->device);
    strpool_put(s->browser);
    strslab_free(s->ip);
    strpool_put(s->place);
    free(s->raw_json);
    memset(s, 0, sizeof *s);
}

void session_copy(struct session *dst, const struct session *src)
{
    *dst = *src;
    dst->id = strslab_dup(src->id);
    dst->account_id = strpool_ref(src->account_id);
    dst->user_id = strpool_ref(src->user_id);
    dst->user_display = strpool_ref(src->user_display);
    dst->client_id = strslab_dup(src->client_id);
    dst->device = strpool_ref(src->device);
    dst->browser = strpool_ref(src->browser);
    dst->ip = strslab_dup(src->ip);
    dst->place = strpool_ref(src->place);
    dst->raw_json = xstrdup(src->raw_json);
}

static void update_str(char **dst, const char *src)
{
    if (!src)
        return;
    free(*dst);
    *dst = xstrdup(src);
}

static void update_own(const char **dst, const char *src)
{
    if (src && src != *dst)
        strslab_set(dst, src);
}

static void update_pooled(const char **dst, const char *src)
{
    if (!src || src == *dst)
        return;
    strpool_put(*dst);
    *dst = strpool_ref(src);
}

void session_update(struct session *dst, const struct session *u)
{
    update_own(&dst->id, u->id);
    update_pooled(&dst->account_id, u->account_id);
    update_pooled(&dst->user_id, u->user_id);
    update_pooled(&dst->user_display, u->user_display);
    update_own(&dst->client_id, u->client_id);
    update_pooled(&dst->device, u->device);
    update_pooled(&dst->browser, u->browser);
    update_own(&dst->ip, u->ip);
    update_pooled(&dst->place, u->place);
    update_str(&dst->raw_json, u->raw_json);
    if (u->status != SESSION_UNKNOWN)
        dst->status = u->status;
    if (u->created_ms)
        dst->created_ms = u->created_ms;
    if (u->last_active_ms)
        dst->last_active_ms = u->last_active_ms;
    if (u->expires_ms || u->expiry_unknown)
        dst->expires_ms = u->expires_ms;
    if (u->abandon_ms)
        dst->abandon_ms = u->abandon_ms;
    dst->tracked |= u->tracked;
    dst->has_url |= u->has_url;
    dst->flags |= u->flags & FLAGS_FROM_PROVIDER; /* an actor stays for the session's life */
}

void user_free(struct user *u)
{
    free(u->id);
    free(u->display);
    memset(u, 0, sizeof *u);
}

struct session *session_list_push(struct session_list *l)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 16;
        l->v = xrealloc(l->v, l->cap * sizeof *l->v);
    }
    struct session *s = &l->v[l->n++];
    memset(s, 0, sizeof *s);
    return s;
}

void session_list_clear(struct session_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        session_free(&l->v[i]);
    free(l->v);
    memset(l, 0, sizeof *l);
}
