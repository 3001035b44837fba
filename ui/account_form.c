/* a, e, D: adding, editing and deleting an account in the dashboard, in the
 * order `sesame account add` and `account remove` prove right: every secret
 * goes to the keyring first (never anywhere else), the account is written
 * to accounts.conf only once all of them are stored; a delete clears the
 * keyring items first, then the state file, then the config. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

/* The provider's fields after the common ones; edit: prefilled, secrets
 * empty (kept unless typed). */
static void add_provider_fields(struct form *f, const struct provider *p, const struct account *a)
{
    for (const struct field *pf = p->fields; pf && pf->key; pf++) {
        bool secret = pf->flags & FIELD_SECRET;
        char *key = xasprintf(FIELD_PREFIX "%s", pf->key);
        size_t i = form_add(f, secret ? FORM_SECRET : FORM_TEXT, key, pf->label,
                            (pf->flags & FIELD_REQUIRED) && !(secret && a), pf->help);
        free(key);
        if (secret && a)
            form_field_set_placeholder(&f->fields[i], "(kept; type to replace)");
        else if (a)
            form_field_set(&f->fields[i], account_field(a, pf->key));
    }
}

/* What few accounts need, last: plain HTTP to a host that is not loopback,
 * an extra CA bundle. */
static void add_transport_fields(struct form *f, bool allow_http, const char *ca_file)
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
    add_provider_fields(f, p, NULL);
    add_transport_fields(f, allow_http, ca);
    set_base_placeholder(f, p);
    free(ca);
    (void)app;
}

/* ---- saving: the secrets, then the account ---- */

struct save {
    int refs;
    bool edit;
    struct account a;
    size_t pending, failed;
    char *first_error;
};

static void save_unref(void *p)
{
    struct save *s = p;
    if (!s || --s->refs > 0)
        return;
    account_free(&s->a);
    free(s->first_error);
    free(s);
}

static void ignore_answer(struct app *app, struct event *ev, void *ctx)
{
    (void)app, (void)ev, (void)ctx;
}

static void write_account(struct app *app, struct save *s)
{
    char *err = NULL;
    if (accounts_upsert(&s->a, &err) != 0) {
        app_error(app, "%s not %s: %s", name_of(&s->a), s->edit ? "changed" : "added",
                  err ? err : "cannot write the accounts");
        free(err);
        if (!s->edit) { /* no secrets without their account */
            struct job j;
            memset(&j, 0, sizeof j);
            j.kind = JOB_SECRET_CLEAR;
            account_copy(&j.account, &s->a);
            request_submit(app, &j, "taking back the secrets", ignore_answer, NULL, NULL);
        }
        return;
    }
    free(err);
    app_refresh_all(app);
    if (s->edit)
        app_message(app, "saved account %s", name_of(&s->a));
    else
        app_message(app, "added account %s (%s, id %s)", name_of(&s->a),
                    provider_find(s->a.provider_id)->title, s->a.id);
}

static void stored(struct app *app, struct event *ev, void *ctx)
{
    struct save *s = ctx;
    s->pending--;
    if (ev->err) {
        s->failed++;
        if (!s->first_error)
            s->first_error = xstrdup(ev->error ? ev->error : "keyring error");
    }
    if (s->pending > 0)
        return;
    if (!s->failed) {
        write_account(app, s);
        return;
    }
    if (s->edit) {
        app_error(app, "%s not changed: a secret could not be stored in the keyring: %s",
                  name_of(&s->a), s->first_error);
        return;
    }
    app_error(app, "%s not added: its secrets could not be stored in the keyring: %s",
              name_of(&s->a), s->first_error);
    struct job j; /* take back those that were stored */
    memset(&j, 0, sizeof j);
    j.kind = JOB_SECRET_CLEAR;
    account_copy(&j.account, &s->a);
    request_submit(app, &j, "taking back the secrets", ignore_answer, NULL, NULL);
}

/* Checks of what was typed; messages go to the fields. */
static void check_form(struct app *app, struct form *f, struct account_form *af,
                       const struct provider *p, struct account *a)
{
    char *label = form_value_trimmed(f, "label");
    for (size_t i = 0; label && i < app->store.n_acc; i++) {
        const struct account *o = &app->store.acc[i].a;
        if (af->edit && o->id && af->orig.id && strcmp(o->id, af->orig.id) == 0)
            continue;
        if (o->label && strcmp(o->label, label) == 0)
            form_field_set_error(form_find(f, "label"), "an account is labelled so already "
                                 "(id %s)", o->id);
    }
    free(a->label);
    a->label = label;
    free(a->base_url);
    a->base_url = form_value_trimmed(f, "base_url");
    a->allow_http = strcmp(form_value(f, "allow_http"), "yes") == 0;
    free(a->ca_file);
    a->ca_file = form_value_trimmed(f, "ca_file");
    if (a->ca_file && access(a->ca_file, R_OK) != 0)
        form_field_set_error(form_find(f, "ca_file"), "cannot be read: %s", strerror(errno));
    char *err = NULL;
    if (http_check_url(provider_base_url(p, a), a->allow_http, &err) != 0)
        form_field_set_error(form_find(f, "base_url"), "%s", err ? err : "not a URL sesame takes");
    free(err);
    for (const struct field *pf = p->fields; pf && pf->key; pf++) {
        if (pf->flags & FIELD_SECRET)
            continue;
        char *key = xasprintf(FIELD_PREFIX "%s", pf->key);
        char *v = form_value_trimmed(f, key);
        account_set_field(a, pf->key, v);
        free(v);
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
    if (af->edit) {
        account_copy(&s->a, &af->orig);
    } else {
        s->a.provider_id = xstrdup(p->id);
    }
    check_form(app, f, af, p, &s->a);
    if (form_errors(f)) {
        save_unref(s);
        return FORM_KEEP;
    }
    if (!af->edit) {
        struct account_list list = {0};
        char *err = NULL;
        if (accounts_load(&list, &err) != 0) {
            form_set_error(f, "%s", err ? err : "cannot read the accounts");
            free(err);
            account_list_free(&list);
            save_unref(s);
            return FORM_KEEP;
        }
        s->a.id = account_new_id(&list, s->a.label);
        account_list_free(&list);
    }
    /* the secrets typed, each to the keyring (the worker wipes its copy) */
    size_t submitted = 0;
    for (const struct field *pf = p->fields; pf && pf->key; pf++) {
        if (!(pf->flags & FIELD_SECRET))
            continue;
        char *key = xasprintf(FIELD_PREFIX "%s", pf->key);
        const char *v = form_value(f, key);
        free(key);
        if (!*v)
            continue;
        struct job j;
        memset(&j, 0, sizeof j);
        j.kind = JOB_SECRET_STORE;
        account_copy(&j.account, &s->a);
        j.kind_name = xstrdup(pf->key);
        j.secret = xstrdup(v);
        s->pending++;
        s->refs++;
        submitted++;
        request_submit(app, &j, "storing secrets", stored, s, save_unref);
    }
    if (submitted == 0) /* an edit that kept every secret */
        write_account(app, s);
    else if (s->pending)
        app_message(app, "%s: storing %zu secret%s in the keyring", name_of(&s->a), s->pending,
                    s->pending == 1 ? "" : "s");
    save_unref(s);
    return FORM_CLOSE;
}

void account_form_add(struct app *app)
{
    struct form f;
    form_init(&f, "Add an account");
    f.note = xstrdup("Secrets go to the keyring, everything else to accounts.conf.");
    size_t i = form_add(&f, FORM_CHOICE, "provider", "Provider", true, "the service it talks to");
    for (const struct provider *const *p = provider_all(); *p; p++)
        form_field_add_choice(&f.fields[i], (*p)->id, (*p)->title);
    form_add(&f, FORM_TEXT, "label", "Label", true, "what you call it; its id is made from it");
    form_add(&f, FORM_TEXT, "base_url", "Base URL", false, "empty: the provider's own");
    struct account_form *af = xcalloc(1, sizeof *af);
    const struct provider *p = provider_find(form_value(&f, "provider"));
    if (p) {
        add_provider_fields(&f, p, NULL);
        add_transport_fields(&f, false, NULL);
        set_base_placeholder(&f, p);
    }
    app_open_overlay(app, form_view_new(&f, submit, on_change, af, account_form_free));
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
    add_provider_fields(&f, sa->provider, &sa->a);
    add_transport_fields(&f, sa->a.allow_http, sa->a.ca_file);
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
    int rc = state_remove_account(a->id, &err);
    if (rc == 0)
        rc = accounts_remove(a->id, &err);
    if (rc) {
        app_error(app, "%s: its keyring items are removed, but %s", name_of(a),
                  err ? err : "the config could not be written");
        free(err);
        app_refresh_all(app);
        return;
    }
    free(err);
    app_refresh_all(app);
    app_message(app, "deleted account %s (id %s) and its keyring items", name_of(a), a->id);
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
    app_open_overlay(app, confirm_view_new("Delete account", q, detail, delete_go, a,
                                           delete_free));
    free(q);
    free(detail);
}
