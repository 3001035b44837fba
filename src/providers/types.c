/* The small value types of provider.h: secret bags, arguments, results. */
#include "provider.h"

#include <stdlib.h>
#include <string.h>

#include "../util.h"

const char *secret_bag_get(const struct secret_bag *b, const char *kind)
{
    for (size_t i = 0; i < b->n; i++)
        if (strcmp(b->item[i].kind, kind) == 0)
            return b->item[i].value;
    return NULL;
}

void secret_bag_put(struct secret_bag *b, const char *kind, const char *value)
{
    for (size_t i = 0; i < b->n; i++) {
        if (strcmp(b->item[i].kind, kind) == 0) {
            wipe_free(b->item[i].value);
            b->item[i].value = xstrdup(value);
            return;
        }
    }
    if (b->n >= SECRET_BAG_MAX)
        abort(); /* a provider bug, caught by its unit tests */
    b->item[b->n].kind = xstrdup(kind);
    b->item[b->n].value = xstrdup(value);
    b->n++;
}

void secret_bag_clear(struct secret_bag *b)
{
    for (size_t i = 0; i < b->n; i++) {
        free(b->item[i].kind);
        wipe_free(b->item[i].value);
    }
    memset(b, 0, sizeof *b);
}

void op_args_free(struct op_args *a)
{
    free(a->session_id);
    free(a->user_id);
    free(a->client_id);
    free(a->status);
    free(a->template_name);
    wipe_free(a->verify_token);
    free(a->options_json);
    free(a->check_kind);
    wipe_free(a->bearer);
    for (size_t i = 0; i < a->n_user_ids; i++)
        free(a->user_ids[i]);
    free(a->user_ids);
    free(a->user_times);
    memset(a, 0, sizeof *a);
}

void op_args_for_tracked(struct op_args *a, const struct session *s)
{
    a->session_id = xstrdup(s->id);
    a->user_id = xstrdup(s->user_id);
}

void op_args_copy(struct op_args *dst, const struct op_args *src)
{
    *dst = *src;
    dst->session_id = xstrdup(src->session_id);
    dst->user_id = xstrdup(src->user_id);
    dst->client_id = xstrdup(src->client_id);
    dst->status = xstrdup(src->status);
    dst->template_name = xstrdup(src->template_name);
    dst->verify_token = xstrdup(src->verify_token);
    dst->options_json = xstrdup(src->options_json);
    dst->check_kind = xstrdup(src->check_kind);
    dst->bearer = xstrdup(src->bearer);
    dst->user_ids = NULL;
    if (src->n_user_ids) {
        dst->user_ids = xcalloc(src->n_user_ids, sizeof *dst->user_ids);
        for (size_t i = 0; i < src->n_user_ids; i++)
            dst->user_ids[i] = xstrdup(src->user_ids[i]);
    }
    dst->user_times = NULL;
    if (src->n_user_ids && src->user_times) {
        dst->user_times = xcalloc(src->n_user_ids, sizeof *dst->user_times);
        memcpy(dst->user_times, src->user_times, src->n_user_ids * sizeof *dst->user_times);
    }
}

void op_result_free(struct op_result *r)
{
    session_list_clear(&r->sessions);
    for (size_t i = 0; i < r->n_users; i++)
        user_free(&r->users[i]);
    free(r->users);
    wipe_free(r->token);
    wipe_free(r->url);
    secret_bag_clear(&r->new_secrets);
    for (size_t i = 0; i < r->n_follow; i++)
        op_args_free(&r->follow[i].args);
    free(r->follow);
    for (size_t i = 0; i < r->n_covered; i++)
        free(r->covered[i]);
    free(r->covered);
    free(r->warning);
    free(r->error);
    free(r->request_id);
    memset(r, 0, sizeof *r);
}

struct op_followup *op_result_follow(struct op_result *r, enum op op, const struct op_args *args)
{
    r->follow = xrealloc(r->follow, (r->n_follow + 1) * sizeof *r->follow);
    struct op_followup *f = &r->follow[r->n_follow++];
    memset(f, 0, sizeof *f);
    f->op = op;
    op_args_copy(&f->args, args);
    return f;
}

void op_result_cover(struct op_result *r, const char *user_id)
{
    r->covered = xrealloc(r->covered, (r->n_covered + 1) * sizeof *r->covered);
    r->covered[r->n_covered++] = xstrdup(user_id);
}

void op_result_merge(struct op_result *dst, struct op_result *src)
{
    for (size_t i = 0; i < src->sessions.n; i++)
        *session_list_push(&dst->sessions) = src->sessions.v[i];
    src->sessions.n = 0;
    if (src->n_users) {
        dst->users = xrealloc(dst->users, (dst->n_users + src->n_users) * sizeof *dst->users);
        memcpy(dst->users + dst->n_users, src->users, src->n_users * sizeof *src->users);
        dst->n_users += src->n_users;
        src->n_users = 0;
    }
    if (src->token && !dst->token) {
        dst->token = src->token;
        src->token = NULL;
    }
    if (src->url && !dst->url) {
        dst->url = src->url;
        src->url = NULL;
    }
    for (size_t i = 0; i < src->new_secrets.n; i++)
        secret_bag_put(&dst->new_secrets, src->new_secrets.item[i].kind,
                       src->new_secrets.item[i].value);
    if (src->request_id && !dst->request_id) {
        dst->request_id = src->request_id;
        src->request_id = NULL;
    }
    dst->forget_session |= src->forget_session;
    dst->gone |= src->gone;
    if (src->n_covered) {
        dst->covered = xrealloc(dst->covered,
                                (dst->n_covered + src->n_covered) * sizeof *dst->covered);
        memcpy(dst->covered + dst->n_covered, src->covered, src->n_covered * sizeof *src->covered);
        dst->n_covered += src->n_covered;
        src->n_covered = 0;
    }
    dst->partial |= src->partial;
    if (src->warning && !dst->warning) {
        dst->warning = src->warning;
        src->warning = NULL;
    }
    if (src->err && !dst->err) {
        dst->err = src->err;
        dst->refused = src->refused;
        dst->maybe_done = src->maybe_done;
        dst->error = src->error;
        src->error = NULL;
    }
    op_result_free(src);
}
