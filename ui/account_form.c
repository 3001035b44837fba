/* a, e, D: adding, editing and deleting an account in the dashboard, in the
 * order of `sesame account add`, `edit` and `remove` (src/cli/account.c says
 * why): every value is checked by the provider's validators (the message
 * under its field); an add tries the typed keys with the provider's one
 * cheap read first, in the background (an edit does not: as `account
 * edit`), then writes the account (its id
 * chosen under the lock), then stores its secrets; a delete clears the
 * keyring items first, then the state file, then the config, and prunes
 * keyring items of no account. */
#include <stdlib.h>
#include <string.h>

#include "account_check.h"
#include "account_policy.h"
#include "account_remove.h"
#include "actions.h"
#include "app.h"
#include "config.h"
#include "form.h"
#include "http_curl.h"
#include "providers/provider.h"
#include "state.h"
#include "util.h"
#include "worker.h"

#define FIELD_PREFIX "f:" /* form keys of the provider's own fields */

static const char *name_of(const struct account *a)
{
    return a->label ? a->label : a->id ? a->id : "?";
}

/* ---- the form ---- */

struct account_form {
    bool edit;
    struct account orig;          /* edit: the account as it was */
    const struct provider *p;     /* edit: fixed; add: follows the choice */
};

static void account_form_free(void *p)
{
    struct account_form *af = p;
    account_free(&af->orig);
    free(af);
}

static const struct provider *chosen(struct account_form *af, struct form *f)
{
    if (af->edit)
        return af->p;
    return provider_find(form_value(f, "provider"));
}

/* The provider's fields after the common ones, prefilled from a (may be
 * NULL). Editing: secrets empty and kept unless typed. */
static void add_provider_fields(struct form *f, const struct provider *p, const struct account *a,
                                bool editing)
{
    for (const struct field *pf = p->fields; pf && pf->key; pf++) {
        bool secret = pf->flags & FIELD_SECRET;
        char *key = xasprintf(FIELD_PREFIX "%s", pf->key);
        size_t i = form_add(f, secret ? FORM_SECRET : FORM_TEXT, key, pf->label,
                            (pf->flags & FIELD_REQUIRED) && !(secret && editing), pf->help);
        free(key);
        if (secret && editing)
            form_field_set_placeholder(&f->fields[i], "(kept; type to replace)");
        else if (a && !secret)
            form_field_set(&f->fields[i], account_field(a, pf->key));
    }
}

/* What few accounts need, last: plain HTTP to a host that is not loopback,
 * an extra CA bundle; an add may skip trying the keys. */
static void add_transport_fields(struct form *f, bool allow_http, const char *ca_file,
                                 bool adding)
{
    size_t i = form_add(f, FORM_CHOICE, "allow_http", "Plain HTTP", false,
                        "allow http:// to a host that is not this machine (not advised)");
    form_field_add_choice(&f->fields[i], "no", "no");
    form_field_add_choice(&f->fields[i], "yes", "yes");
    form_field_choose(&f->fields[i], allow_http ? "yes" : "no");
    i = form_add(f, FORM_TEXT, "ca_file", "CA file", false,
                 "an extra CA bundle (PEM) to trust for this account; empty: the system's");
    form_field_set(&f->fields[i], ca_file);
    form_field_set_placeholder(&f->fields[i], "(the system's)");
    if (!adding)
        return;
    i = form_add(f, FORM_CHOICE, "check", "Try the keys", false,
                 "one read with the keys before saving (Clerk, Basis Theory, Apideck Vault)");
    form_field_add_choice(&f->fields[i], "yes", "yes");
    form_field_add_choice(&f->fields[i], "no", "no, save untried");
}

static void set_base_placeholder(struct form *f, const struct provider *p)
{
    struct form_field *ff = form_find(f, "base_url");
    if (ff && p)
        form_field_set_placeholder(ff, p->default_base_url);
}

static void on_change(struct app *app, struct form *f, size_t field, void *ctx)
{
    struct account_form *af = ctx;
    const struct provider *p = chosen(af, f);
    if (af->edit || field != 0 || !p)
        return;
    size_t common = 3; /* provider, label, base URL */
    bool allow_http = strcmp(form_value(f, "allow_http"), "yes") == 0;
    char *ca = xstrdup(form_value(f, "ca_file"));
    form_truncate(f, common);
    add_provider_fields(f, p, NULL, false);
    add_transport_fields(f, allow_http, ca, true);
    set_base_placeholder(f, p);
    free(ca);
    (void)app;
}

/* ---- saving: tried, then the account, then its secrets ---- */

struct save {
    int refs;
    bool edit;
    const struct provider *p;
    struct account a;
    struct secret_bag typed;      /* the secrets typed (wiped when freed) */
    size_t pending, failed;
    char *first_error;
    char *failed_kind;            /* the key a check refused, for its field */
};

static void save_unref(void *p)
{
    struct save *s = p;
    if (!s || --s->refs > 0)
        return;
    account_free(&s->a);
    secret_bag_clear(&s->typed);
    free(s->first_error);
    free(s->failed_kind);
    free(s);
}

static void ignore_answer(struct app *app, struct event *ev, void *ctx)
{
    (void)app, (void)ev, (void)ctx;
}

static void take_back_secrets(struct app *app, const struct account *a)
{
    struct job j;
    memset(&j, 0, sizeof j);
    j.kind = JOB_SECRET_CLEAR;
    account_copy(&j.account, a);
    request_submit(app, &j, "taking back the secrets", ignore_answer, NULL, NULL);
}

static void saved(struct app *app, struct save *s)
{
    app_refresh_all(app);
    if (s->edit)
        app_message(app, "saved account %s", name_of(&s->a));
    else
        app_message(app, "added account %s (%s, id %s)", name_of(&s->a), s->p->title, s->a.id);
}

static void stored(struct app *app, struct event *ev, void *ctx)
{
    struct save *s = ctx;
    s->pending--;
    if (ev->err && !s->first_error)
        s->first_error = xstrdup(ev->error ? ev->error : "keyring error");
    s->failed += ev->err != 0;
    if (s->pending > 0)
        return;
    if (!s->failed) {
        if (!s->edit) {
            saved(app, s);
            return;
        }
        char *err = NULL; /* edit: the config once every new secret is in */
        if (accounts_update(&s->a, &err) == 0)
            saved(app, s);
        else
            app_error(app, "%s not changed: %s", name_of(&s->a), err ? err : "?");
        free(err);
        return;
    }
    if (s->edit) {
        app_error(app, "%s not changed: a secret could not be stored in the keyring: %s",
                  name_of(&s->a), s->first_error);
        return;
    }
    /* no account without its secrets: take back the secrets, then the account */
    app_error(app, "%s not added: its secrets could not be stored in the keyring: %s",
              name_of(&s->a), s->first_error);
    take_back_secrets(app, &s->a);
    char *err = NULL;
    accounts_remove(s->a.id, &err);
    free(err);
    app_refresh_all(app);
}

/* Each typed secret to the keyring (the worker wipes its copy). */
static void store_typed(struct app *app, struct save *s)
{
    s->pending = s->failed = 0;
    for (size_t i = 0; i < s->typed.n; i++) {
        struct job j;
        memset(&j, 0, sizeof j);
        j.kind = JOB_SECRET_STORE;
        account_copy(&j.account, &s->a);
        j.kind_name = xstrdup(s->typed.item[i].kind);
        j.secret = xstrdup(s->typed.item[i].value);
        s->pending++;
        s->refs++;
        request_submit(app, &j, "storing secrets", stored, s, save_unref);
    }
    if (s->pending)
        app_message(app, "%s: storing %zu secret%s in the keyring", name_of(&s->a), s->pending,
                    s->pending == 1 ? "" : "s");
}

/* The keys were accepted (or not tried): write, then store. */
static void save_go(struct app *app, struct save *s)
{
    char *err = NULL;
    if (!s->edit && accounts_add(&s->a, &err) != 0) { /* the id is chosen here */
        app_error(app, "%s not added: %s", name_of(&s->a), err ? err : "cannot write the "
                  "accounts");
        free(err);
        return;
    }
    free(err);
    if (s->typed.n) {
        store_typed(app, s);
        return;
    }
    err = NULL; /* an edit that kept every secret */
    if (s->edit && accounts_update(&s->a, &err) != 0)
        app_error(app, "%s not changed: %s", name_of(&s->a), err ? err : "?");
    else
        saved(app, s);
    free(err);
}

static void open_add_form(struct app *app, const struct account *prefill, const char *error_key,
                          const char *error);

/* A check job answers with the kind it tried in its context. */
struct check_ctx {
    struct save *s;
    char *kind;
};

static void check_ctx_free(void *p)
{
    struct check_ctx *c = p;
    save_unref(c->s);
    free(c->kind);
    free(c);
}

static void check_answer(struct app *app, struct event *ev, void *ctx)
{
    struct check_ctx *c = ctx;
    struct save *s = c->s;
    s->pending--;
    if (ev->err && !s->first_error) {
        char *msg = account_check_message(s->p, c->kind, ev->err, ev->result.refused,
                                          ev->error);
        s->first_error = ev->err == ERR_NETWORK
            ? xasprintf("%s (Try the keys: no saves it untried)", msg) : xstrdup(msg);
        free(msg);
        s->failed_kind = xstrdup(c->kind);
    }
    s->failed += ev->err != 0;
    if (s->pending > 0)
        return;
    if (!s->failed) {
        save_go(app, s);
        return;
    }
    app_error(app, "%s not %s: %s", name_of(&s->a), s->edit ? "changed" : "added",
              s->first_error);
    if (!s->edit && !app->overlay) { /* the form again, the refusal under its field */
        char *key = xasprintf(FIELD_PREFIX "%s", s->failed_kind);
        open_add_form(app, &s->a, key, s->first_error);
        free(key);
    }
}

/* Try the typed keys in the background (the form is closed); 0 jobs: save. */
static void check_then_save(struct app *app, struct save *s)
{
    struct job jobs[SECRET_BAG_MAX];
    size_t n = account_check_jobs(s->p, &s->a, &s->typed, jobs);
    if (n == 0) {
        save_go(app, s);
        return;
    }
    s->pending = n;
    for (size_t i = 0; i < n; i++) {
        struct check_ctx *c = xcalloc(1, sizeof *c);
        c->s = s;
        c->kind = xstrdup(jobs[i].secrets.item[0].kind);
        s->refs++;
        request_submit(app, &jobs[i], "trying the keys", check_answer, c, check_ctx_free);
    }
    app_message(app, "%s: trying the key%s with %s", name_of(&s->a), n == 1 ? "" : "s",
                s->p->title);
}

/* Checks of what was typed; messages go to the fields. */
static void check_form(struct form *f, struct account_form *af, const struct provider *p,
                       struct account *a)
{
    /* a label left as it was stays, even one an older sesame allowed */
    const char *typed = form_value(f, "label");
    bool kept = af->edit && af->orig.label && strcmp(af->orig.label, typed) == 0;
    char *bad = NULL, *label = kept ? xstrdup(typed) : account_label_clean(typed, &bad);
    if (bad && !str_empty(typed)) /* an empty one: the form says it is required */
        form_field_set_error(form_find(f, "label"), "%s", bad);
    free(bad);
    struct account_list list = {0};
    char *err = NULL;
    if (accounts_load(&list, &err) != 0) {
        form_set_error(f, "%s", err ? err : "cannot read the accounts");
    } else if (label && !kept) {
        const struct account *o = account_name_conflict(&list, label,
                                                        af->edit ? af->orig.id : NULL);
        if (o) {
            char *msg = account_conflict_message(o, label);
            form_field_set_error(form_find(f, "label"), "%s", msg);
            free(msg);
        }
    }
    free(err);
    account_list_free(&list);
    free(a->label);
    a->label = label;
    free(a->base_url);
    a->base_url = form_value_trimmed(f, "base_url");
    a->allow_http = strcmp(form_value(f, "allow_http"), "yes") == 0;
    free(a->ca_file);
    a->ca_file = form_value_trimmed(f, "ca_file");
    char *ca_why = a->ca_file ? http_ca_file_problem(a->ca_file) : NULL;
    if (ca_why)
        form_field_set_error(form_find(f, "ca_file"), "%s", ca_why);
    free(ca_why);
    err = NULL;
    if (http_check_url(provider_base_url(p, a), a->allow_http, &err) != 0)
        form_field_set_error(form_find(f, "base_url"), "%s", err ? err : "not a URL sesame takes");
    free(err);
    for (const struct field *pf = p->fields; pf && pf->key; pf++) {
        char *key = xasprintf(FIELD_PREFIX "%s", pf->key);
        char *v = pf->flags & FIELD_SECRET ? xstrdup(form_value(f, key))
                                           : form_value_trimmed(f, key);
        char *why = provider_field_check(p, pf->key, v);
        if (why)
            form_field_set_error(form_find(f, key), "%s", why);
        free(why);
        if (!(pf->flags & FIELD_SECRET))
            account_set_field(a, pf->key, v);
        wipe_free(v);
        free(key);
    }
    form_validate(f);
}

static enum form_answer submit(struct app *app, struct form *f, void *ctx)
{
    struct account_form *af = ctx;
    const struct provider *p = chosen(af, f);
    if (!p) {
        form_set_error(f, "choose a provider");
        return FORM_KEEP;
    }
    struct save *s = xcalloc(1, sizeof *s);
    s->refs = 1;
    s->edit = af->edit;
    s->p = p;
    if (af->edit)
        account_copy(&s->a, &af->orig);
    else
        s->a.provider_id = xstrdup(p->id);
    check_form(f, af, p, &s->a);
    if (form_errors(f) || f->error) {
        save_unref(s);
        return FORM_KEEP;
    }
    for (const struct field *pf = p->fields; pf && pf->key; pf++) {
        char *key = xasprintf(FIELD_PREFIX "%s", pf->key);
        const char *v = form_value(f, key);
        free(key);
        if ((pf->flags & FIELD_SECRET) && *v)
            secret_bag_put(&s->typed, pf->key, v);
    }
    if (af->edit || strcmp(form_value(f, "check"), "no") == 0) /* as account edit: untried */
        save_go(app, s);
    else
        check_then_save(app, s);
    save_unref(s);
    return FORM_CLOSE;
}

static void open_add_form(struct app *app, const struct account *prefill, const char *error_key,
                          const char *error)
{
    struct form f;
    form_init(&f, "Add an account");
    f.note = xstrdup("Secrets go to the keyring, everything else to accounts.conf.");
    size_t i = form_add(&f, FORM_CHOICE, "provider", "Provider", true, "the service it talks to");
    for (const struct provider *const *p = provider_all(); *p; p++)
        form_field_add_choice(&f.fields[i], (*p)->id, (*p)->title);
    if (prefill)
        form_field_choose(&f.fields[i], prefill->provider_id);
    i = form_add(&f, FORM_TEXT, "label", "Label", true, "what you call it; its id is made from it");
    form_field_set(&f.fields[i], prefill ? prefill->label : NULL);
    i = form_add(&f, FORM_TEXT, "base_url", "Base URL", false, "empty: the provider's own");
    form_field_set(&f.fields[i], prefill ? prefill->base_url : NULL);
    struct account_form *af = xcalloc(1, sizeof *af);
    const struct provider *p = provider_find(form_value(&f, "provider"));
    if (p) {
        add_provider_fields(&f, p, prefill, false);
        add_transport_fields(&f, prefill && prefill->allow_http, prefill ? prefill->ca_file : NULL,
                             true);
        set_base_placeholder(&f, p);
    }
    struct form_field *bad = error_key ? form_find(&f, error_key) : NULL;
    if (bad) {
        form_field_set_error(bad, "%s", error);
        f.focus = (size_t)(bad - f.fields);
    } else if (error) {
        form_set_error(&f, "%s", error);
    }
    app_open_overlay(app, form_view_new(&f, submit, on_change, af, account_form_free));
}

void account_form_add(struct app *app)
{
    open_add_form(app, NULL, NULL, NULL);
}

void account_form_edit(struct app *app, size_t index)
{
    if (index >= app->store.n_acc)
        return;
    struct store_account *sa = &app->store.acc[index];
    if (!sa->provider) {
        app_error(app, "%s: unknown provider '%s' (edit accounts.conf)", name_of(&sa->a),
                  sa->a.provider_id ? sa->a.provider_id : "");
        return;
    }
    struct form f;
    char *title = xasprintf("Edit %s", name_of(&sa->a));
    form_init(&f, title);
    free(title);
    f.note = xasprintf("%s account %s. Secret fields left empty keep what the keyring holds.",
                       sa->provider->title, sa->a.id);
    size_t i = form_add(&f, FORM_TEXT, "label", "Label", true, "what you call it (the id stays)");
    form_field_set(&f.fields[i], sa->a.label);
    i = form_add(&f, FORM_TEXT, "base_url", "Base URL", false, "empty: the provider's own");
    form_field_set(&f.fields[i], sa->a.base_url);
    add_provider_fields(&f, sa->provider, &sa->a, true);
    add_transport_fields(&f, sa->a.allow_http, sa->a.ca_file, false);
    set_base_placeholder(&f, sa->provider);
    struct account_form *af = xcalloc(1, sizeof *af);
    af->edit = true;
    af->p = sa->provider;
    account_copy(&af->orig, &sa->a);
    app_open_overlay(app, form_view_new(&f, submit, NULL, af, account_form_free));
}

/* ---- delete ---- */

static void delete_free(void *p)
{
    struct account *a = p;
    account_free(a);
    free(a);
}

/* What an interrupted add or a hand edit left in the keyring went too. */
static void pruned(struct app *app, struct event *ev, void *ctx)
{
    if (ev->err || !ev->report || !*ev->report)
        return; /* the delete is done and said so; a failed prune changes nothing */
    size_t n = 0;
    for (const char *p = ev->report; *p; p++)
        n += *p == '\n';
    app_message(app, "%s; %zu keyring item%s of no account or tracked session removed too",
                (const char *)ctx, n, n == 1 ? "" : "s");
}

static void prune_after_delete(struct app *app, const char *done)
{
    struct job j;
    memset(&j, 0, sizeof j);
    j.kind = JOB_KEYRING_PRUNE;
    j.account.id = xstrdup("");
    j.config_dir = xstrdup(config_dir());
    request_submit(app, &j, "pruning the keyring", pruned, xstrdup(done), free);
}

static void cleared(struct app *app, struct event *ev, void *ctx)
{
    struct account *a = ctx;
    if (ev->err) {
        app_error(app, "%s: its secrets could not be removed from the keyring, so the account "
                  "is kept: %s", name_of(a), ev->error ? ev->error : "keyring error");
        app_refresh_all(app);
        return;
    }
    char *err = NULL;
    size_t forgot = 0;
    int rc = account_remove_records(a->id, NULL, &forgot, &err);
    if (rc) {
        app_error(app, "%s: its keyring items are removed, but %s", name_of(a),
                  err ? err : "the config could not be written");
        free(err);
        app_refresh_all(app);
        return;
    }
    free(err);
    app_refresh_all(app);
    char *done = forgot ? xasprintf("deleted account %s (id %s) and its keyring items; %zu tracked "
                                    "session%s forgotten here", name_of(a), a->id, forgot,
                                    forgot == 1 ? "" : "s")
                        : xasprintf("deleted account %s (id %s) and its keyring items",
                                    name_of(a), a->id);
    app_message(app, "%s", done);
    prune_after_delete(app, done);
    free(done);
}

/* The worker took the account's cancel before this answer (a job of no
 * account): now the clear cannot be cancelled with the rest. */
static void after_cancel(struct app *app, struct event *ev, void *ctx)
{
    struct account *a = ctx;
    struct job j;
    memset(&j, 0, sizeof j);
    j.kind = JOB_SECRET_CLEAR;
    account_copy(&j.account, a);
    struct account *keep = xcalloc(1, sizeof *keep);
    account_copy(keep, a);
    request_submit(app, &j, "deleting the account", cleared, keep, delete_free);
    (void)ev;
}

static void delete_go(struct app *app, void *ctx)
{
    struct account *a = ctx;
    /* asked of the account as it was: made read-only or production since
     * by another sesame (app_sync_files read it in), it asks again */
    const struct store_account *now = store_find(&app->store, a->id);
    if (now && (account_confirm_label(&now->a) && !account_confirm_label(a))) {
        app_error(app, "%s is production now: nothing was deleted; press D again to type its "
                  "label", name_of(&now->a));
        return;
    }
    char *why = now ? account_remove_refuses(&now->a, account_confirm_label(&now->a)) : NULL;
    if (why) {
        app_error(app, "%s", why);
        free(why);
        return;
    }
    if (app->worker)
        worker_cancel_account(app->worker, a->id);
    store_forget_jobs(&app->store, a->id); /* no answers will come for those */
    requests_drop_account(app, a->id);
    struct job barrier;
    memset(&barrier, 0, sizeof barrier);
    barrier.kind = JOB_KEYRING_CHECK;
    struct account *keep = xcalloc(1, sizeof *keep);
    account_copy(keep, a);
    request_submit(app, &barrier, "deleting the account", after_cancel, keep, delete_free);
    app_message(app, "deleting account %s", name_of(a));
}

void account_delete(struct app *app, size_t index)
{
    if (index >= app->store.n_acc)
        return;
    struct store_account *sa = &app->store.acc[index];
    if (sa->policy.read_only) {
        char *why = account_remove_refuses(&sa->a, NULL);
        app_error(app, "%s", why);
        free(why);
        return;
    }
    const char *title = sa->provider ? sa->provider->title : sa->a.provider_id;
    char *q = xasprintf("Delete account %s (%s, id %s)?", name_of(&sa->a), title ? title : "?",
                        sa->a.id);
    char *detail;
    if (store_account_lists(sa))
        detail = xasprintf("Its secrets are removed from the keyring and it leaves "
                           "accounts.conf. Its sessions at %s are not revoked.", title);
    else
        detail = xasprintf("Its secrets and the keys of its %zu tracked session%s are removed "
                           "from the keyring, and it leaves accounts.conf. The sessions are not "
                           "ended at %s.", sa->n_sessions, sa->n_sessions == 1 ? "" : "s", title);
    struct account *a = xcalloc(1, sizeof *a);
    account_copy(a, &sa->a);
    struct view *v = confirm_view_new("Delete account", q, detail, delete_go, a, delete_free);
    if (account_confirm_label(&sa->a))
        confirm_view_expect(v, account_confirm_label(&sa->a));
    app_open_overlay(app, v);
    free(q);
    free(detail);
}
