/* sesame account add | edit | list | remove | prune
 *
 * The order of an add is what keeps the keyring clean when it is killed at
 * any point: the secrets are read and tried first (nothing stored yet),
 * then the account is written to accounts.conf (its id chosen under the
 * lock), and only then do its secrets go to the keyring. An add killed
 * before the write leaves nothing; one killed after it leaves an account
 * whose missing secret the next command reports ("no api_key in the
 * keyring ... sesame account edit ... --secret api_key"). No keyring item
 * of an account that is not in accounts.conf is made, so `account prune`
 * (which holds the accounts lock while it looks) never races an add. */
#include "cli.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "account_check.h"
#include "account_policy.h"
#include "account_remove.h"
#include "http_curl.h"
#include "state.h"
#include "suggest.h"
#include "util.h"

static char *provider_ids(void)
{
    char *acc = xstrdup("");
    for (const struct provider *const *p = provider_all(); *p; p++) {
        char *n = xasprintf("%s%s%s", acc, *acc ? ", " : "", (*p)->id);
        free(acc);
        acc = n;
    }
    return acc;
}

static const struct field *secret_field(const struct provider *p, const char *kind)
{
    for (const struct field *f = p->fields; f && f->key; f++)
        if ((f->flags & FIELD_SECRET) && strcmp(f->key, kind) == 0)
            return f;
    return NULL;
}

/* ---- secrets: read, tried, stored ----------------------------------------- */

/* One secret field from the terminal or a line of stdin into bag (an empty
 * optional one is left out). */
static int read_secret(const struct provider *p, const struct field *f, bool optional_ok,
                       struct secret_bag *bag)
{
    bool required = (f->flags & FIELD_REQUIRED) || !optional_ok;
    char *prompt = xasprintf("%s %s%s", p->title, f->label,
                             required ? "" : " (optional, Enter to skip)");
    char *value = NULL, *err = NULL;
    int rc = cli_read_secret(prompt, &value, &err);
    free(prompt);
    if (rc) {
        cli_error(rc, "%s (%s): %s", f->label, f->key, err ? err : "cannot read it");
        free(err);
        return rc;
    }
    if (str_empty(value) && required) {
        wipe_free(value);
        return cli_error(ERR_USAGE, "%s (%s) is required and was empty%s", f->label, f->key,
                         isatty(STDIN_FILENO) ? ""
                                              : " (standard input gives one line per secret)");
    }
    char *why = provider_field_check(p, f->key, value);
    if (why) {
        wipe_free(value);
        rc = cli_error(ERR_USAGE, "%s", why);
        free(why);
        return rc;
    }
    if (!str_empty(value))
        secret_bag_put(bag, f->key, value);
    wipe_free(value);
    return 0;
}

/* Every secret field of p, in its order. */
static int read_all_secrets(const struct provider *p, struct secret_bag *bag)
{
    for (const struct field *f = p->fields; f && f->key; f++) {
        if (!(f->flags & FIELD_SECRET))
            continue;
        int rc = read_secret(p, f, true, bag);
        if (rc)
            return rc;
    }
    return 0;
}

/* Try each given secret with the provider's one cheap read. 0, or the
 * exit status after the error was printed. */
static int check_credentials(struct cli *c, const struct provider *p, const struct account *a,
                             const struct secret_bag *given)
{
    struct job jobs[SECRET_BAG_MAX];
    size_t n = account_check_jobs(p, a, given, jobs);
    uint64_t ids[SECRET_BAG_MAX];
    char *kinds[SECRET_BAG_MAX];
    for (size_t i = 0; i < n; i++) {
        kinds[i] = xstrdup(jobs[i].secrets.item[0].kind);
        ids[i] = cli_submit_job(c, &jobs[i]); /* all at once */
    }
    int rc = 0;
    for (size_t i = 0; i < n; i++) {
        struct event ev;
        int e = cli_wait(c, ids[i], &ev);
        if (e && !rc) {
            char *msg = account_check_message(p, kinds[i], e, ev.result.refused, ev.error);
            rc = cli_error(e, "%s: %s; nothing was saved%s", a->label, msg,
                           e == ERR_NETWORK ? " (to save it untried: --no-check)" : "");
            free(msg);
        }
        event_free(&ev);
        free(kinds[i]);
    }
    return rc;
}

/* Each secret of bag to the keyring under account a. */
static int store_secrets(struct cli *c, const struct account *a, const struct provider *p,
                         const struct secret_bag *bag)
{
    uint64_t ids[SECRET_BAG_MAX];
    for (size_t i = 0; i < bag->n; i++)
        ids[i] = cli_submit_secret(c, a, JOB_SECRET_STORE, bag->item[i].kind, NULL,
                                   xstrdup(bag->item[i].value)); /* the worker wipes it */
    int rc = 0;
    for (size_t i = 0; i < bag->n; i++) {
        struct event ev;
        int e = cli_wait(c, ids[i], &ev);
        if (e && !rc) {
            const struct field *f = secret_field(p, bag->item[i].kind);
            rc = cli_error(e, "cannot store the %s in the keyring: %s",
                           f ? f->label : bag->item[i].kind, ev.error);
        }
        event_free(&ev);
    }
    return rc;
}

/* Keyring items of no account or tracked session: removed (or, dry_run,
 * only listed) into *report. 0 or the exit status, the error printed. */
static int prune(struct cli *c, bool dry_run, char **report)
{
    *report = NULL;
    struct job j = {.kind = JOB_KEYRING_PRUNE, .dry_run = dry_run};
    j.config_dir = xstrdup(config_dir());
    j.account.id = xstrdup(""); /* of no account */
    struct event ev;
    int rc = cli_wait(c, cli_submit_job(c, &j), &ev);
    if (rc)
        cli_error(rc, "%s", ev.error);
    else
        *report = xstrdup(ev.report ? ev.report : "");
    event_free(&ev);
    return rc;
}

static void print_report(const char *report, const char *verb)
{
    for (const char *line = report; line && *line;) {
        size_t n = strcspn(line, "\n");
        printf("%s %.*s\n", verb, (int)n, line);
        line += n + (line[n] == '\n');
    }
}

/* ---- add ------------------------------------------------------------------- */

struct add_options {
    const char *label, *base_url, *ca_file;
    bool allow_http, no_check;
    char **sets;
    size_t n_sets;
};

/* --ca-file names a regular file that can be read (never a FIFO waited on). */
static int ca_file_ok(const char *path)
{
    char *why = str_empty(path) ? NULL : http_ca_file_problem(path);
    if (!why)
        return 0;
    int rc = cli_error(ERR_USAGE, "--ca-file %s", why);
    free(why);
    return rc;
}
const struct option cli_account_add_opts[] = {
    {"label", required_argument, NULL, 'l'}, {"base-url", required_argument, NULL, 'b'},
    {"ca-file", required_argument, NULL, 'c'}, {"allow-http", no_argument, NULL, 'H'},
    {"set", required_argument, NULL, 's'},   {"no-check", no_argument, NULL, 'n'},
    {"help", no_argument, NULL, 'h'},        {NULL, 0, NULL, 0},
};

static int add_parse(int argc, char **argv, struct add_options *o, const struct provider **p)
{
    int ch;
    optind = 0;
    while ((ch = cli_getopt("account", argc, argv, cli_account_add_opts)) != -1) {
        switch (ch) {
        case 'l': o->label = optarg; break;
        case 'b': o->base_url = optarg; break;
        case 'c': o->ca_file = optarg; break;
        case 'H': o->allow_http = true; break;
        case 'n': o->no_check = true; break;
        case 's': o->sets[o->n_sets++] = optarg; break;
        case 'h': cli_print_command_help(stdout, "account"); return -1;
        default: return ERR_USAGE;
        }
    }
    char *ids = provider_ids();
    int rc = 0;
    if (optind + 1 != argc)
        rc = cli_usage_error("account", "account add wants one PROVIDER (%s)", ids);
    else if (!(*p = provider_find(argv[optind])))
        rc = cli_usage_error("account", "unknown provider '%s' (one of %s)", argv[optind], ids);
    else if (str_empty(o->label))
        rc = cli_usage_error("account", "account add needs --label NAME");
    else
        rc = ca_file_ok(o->ca_file);
    free(ids);
    return rc;
}

/* The label names no other account (checked again under the lock). */
static int label_free(struct cli *c, const char *label, const char *self_id)
{
    const struct account *o = account_name_conflict(&c->accounts, label, self_id);
    if (!o)
        return 0;
    char *msg = account_conflict_message(o, label);
    int rc = cli_error(ERR_USAGE, "%s", msg);
    free(msg);
    return rc;
}

static int account_add(int argc, char **argv)
{
    struct add_options o = {.sets = xcalloc((size_t)argc + 1, sizeof *o.sets)};
    const struct provider *p = NULL;
    int rc = add_parse(argc, argv, &o, &p);
    if (rc) {
        free(o.sets);
        return rc < 0 ? 0 : rc;
    }
    char *why = NULL;
    struct account a = {0};
    a.label = account_label_clean(o.label, &why);
    if (!a.label) {
        rc = cli_usage_error("account", "--label: %s", why);
        free(why);
        free(o.sets);
        return rc;
    }
    a.provider_id = xstrdup(p->id);
    a.base_url = str_empty(o.base_url) ? NULL : xstrdup(o.base_url);
    a.ca_file = xstrdup(o.ca_file);
    a.allow_http = o.allow_http;
    char *err = NULL;
    if (http_check_url(provider_base_url(p, &a), a.allow_http, &err) != 0 ||
        cli_apply_sets(p, &a, o.sets, o.n_sets, &err) != 0) {
        rc = cli_error(ERR_USAGE, "%s", err ? err : "bad arguments");
        free(err);
        account_free(&a);
        free(o.sets);
        return rc;
    }
    struct cli c;
    struct secret_bag bag = {0};
    rc = cli_init(&c);
    if (rc)
        goto out;
    /* the secrets first, before any thread runs (Ctrl-C restores the terminal) */
    if ((rc = label_free(&c, a.label, NULL)) || (rc = read_all_secrets(p, &bag)))
        goto done;
    if (!o.no_check && (rc = check_credentials(&c, p, &a, &bag)))
        goto done;
    rc = accounts_add(&a, &err); /* the id is chosen here, under the lock */
    if (rc) {
        cli_error(rc, "%s", err ? err : "cannot write the accounts");
        free(err);
        goto done;
    }
    rc = store_secrets(&c, &a, p, &bag);
    if (rc) {
        /* no account without its secrets: take back what was done */
        struct event ev;
        cli_wait(&c, cli_submit_secret(&c, &a, JOB_SECRET_CLEAR, NULL, NULL, NULL), &ev);
        event_free(&ev);
        if (accounts_remove(a.id, &err) != 0) {
            cli_error(ERR_CONFIG, "%s", err ? err : "cannot write the accounts");
            free(err);
        }
        goto done;
    }
    printf("%s\n", a.id);
done:
    cli_done(&c);
out:
    secret_bag_clear(&bag);
    account_free(&a);
    free(o.sets);
    return rc;
}

/* ---- edit ------------------------------------------------------------------ */

const struct option cli_account_edit_opts[] = {
    {"label", required_argument, NULL, 'l'},   {"base-url", required_argument, NULL, 'b'},
    {"ca-file", required_argument, NULL, 'c'}, {"allow-http", no_argument, NULL, 'H'},
    {"no-allow-http", no_argument, NULL, 'N'}, {"set", required_argument, NULL, 's'},
    {"secret", required_argument, NULL, 'S'},  {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

static int account_edit(int argc, char **argv)
{
    const char *label = NULL, *base_url = NULL, *ca_file = NULL;
    int http = -1, ch;
    char **sets = xcalloc((size_t)argc + 1, sizeof *sets);
    char **kinds = xcalloc((size_t)argc + 1, sizeof *kinds);
    size_t n_sets = 0, n_kinds = 0;
    int rc = 0;
    optind = 0;
    while (rc == 0 && (ch = cli_getopt("account", argc, argv, cli_account_edit_opts)) != -1) {
        switch (ch) {
        case 'l': label = optarg; break;
        case 'b': base_url = optarg; break;
        case 'c': ca_file = optarg; break;
        case 'H': http = 1; break;
        case 'N': http = 0; break;
        case 's': sets[n_sets++] = optarg; break;
        case 'S': kinds[n_kinds++] = optarg; break;
        case 'h': cli_print_command_help(stdout, "account"); rc = -1; break;
        default: rc = ERR_USAGE; break;
        }
    }
    if (rc == 0 && optind + 1 != argc)
        rc = cli_usage_error("account", "account edit wants one ACCOUNT (id or label)");
    else if (rc == 0 && label && str_empty(label))
        rc = cli_usage_error("account", "--label wants a name");
    else if (rc == 0)
        rc = ca_file_ok(ca_file);
    if (rc) {
        free(sets);
        free(kinds);
        return rc < 0 ? 0 : rc;
    }
    struct cli c;
    rc = cli_init(&c);
    if (rc) {
        free(sets);
        free(kinds);
        return rc;
    }
    struct account a = {0};
    struct secret_bag bag = {0};
    char *err = NULL;
    const struct account *found = cli_account(&c, argv[optind]);
    const struct provider *p = found ? cli_provider(found) : NULL;
    if (!p) {
        rc = found ? ERR_CONFIG : ERR_USAGE;
        goto out;
    }
    account_copy(&a, found);
    if (label) {
        char *why = NULL;
        free(a.label);
        if (!(a.label = account_label_clean(label, &why))) {
            rc = cli_usage_error("account", "--label: %s", why);
            free(why);
            goto out;
        }
    }
    if (base_url) {
        free(a.base_url);
        a.base_url = str_empty(base_url) ? NULL : xstrdup(base_url);
    }
    if (ca_file) {
        free(a.ca_file);
        a.ca_file = str_empty(ca_file) ? NULL : xstrdup(ca_file);
    }
    if (http >= 0)
        a.allow_http = http;
    if (http_check_url(provider_base_url(p, &a), a.allow_http, &err) != 0 ||
        cli_apply_sets(p, &a, sets, n_sets, &err) != 0) {
        rc = cli_error(ERR_USAGE, "%s", err ? err : "bad arguments");
        free(err);
        goto out;
    }
    /* a label not changed keeps what it was, even one that another
     * account's shares (as older versions allowed): edit it to mend that */
    if (strcmp(a.label, found->label) != 0 && (rc = label_free(&c, a.label, a.id)))
        goto out;
    for (size_t i = 0; i < n_kinds && rc == 0; i++) {
        const struct field *f = secret_field(p, kinds[i]);
        if (!f) {
            char *names = xstrdup("");
            for (const struct field *g = p->fields; g && g->key; g++) {
                if (!(g->flags & FIELD_SECRET))
                    continue;
                char *n = xasprintf("%s%s%s", names, *names ? ", " : "", g->key);
                free(names);
                names = n;
            }
            rc = cli_error(ERR_USAGE, "%s has no secret '%s' (its secrets: %s)", p->title,
                           kinds[i], names);
            free(names);
        } else {
            rc = read_secret(p, f, false, &bag);
        }
    }
    /* not tried, as in the dashboard: a wrong key shows at the next use */
    if (rc || (rc = store_secrets(&c, &a, p, &bag)))
        goto out;
    rc = accounts_update(&a, &err);
    if (rc) {
        cli_error(rc, "%s", err ? err : "cannot write the accounts");
        free(err);
        goto out;
    }
    char *q = shell_quote(a.label);
    printf("saved account %s (%s)\n", a.id, q);
    free(q);
out:
    secret_bag_clear(&bag);
    account_free(&a);
    cli_done(&c);
    free(sets);
    free(kinds);
    return rc;
}

/* ---- list -------------------------------------------------------------- */

const struct option cli_account_list_opts[] = {
    {"json", no_argument, NULL, 'f'}, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0},
};

const struct option cli_account_prune_opts[] = {
    {"dry-run", no_argument, NULL, 'f'}, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0},
};

/* The options of a subcommand that takes one flag (--json, --dry-run) and
 * no arguments, then the accounts: 0 (with *on, and c to cli_done), -1
 * after --help was printed, or the exit status after an error. */
static int flag_only(int argc, char **argv, const char *sub, const struct option *opts, bool *on,
                     struct cli *c)
{
    int ch;
    *on = false;
    optind = 0;
    while ((ch = cli_getopt("account", argc, argv, opts)) != -1) {
        if (ch == 'f') {
            *on = true;
        } else if (ch == 'h') {
            cli_print_command_help(stdout, "account");
            return -1;
        } else {
            return ERR_USAGE;
        }
    }
    if (optind != argc)
        return cli_usage_error("account", "account %s takes no arguments", sub);
    return cli_init(c);
}

static int account_list(int argc, char **argv)
{
    bool json;
    struct cli c;
    int rc = flag_only(argc, argv, "list", cli_account_list_opts, &json, &c);
    if (rc)
        return rc < 0 ? 0 : rc;
    if (json) {
        char *s = cli_accounts_json(&c.accounts);
        printf("%s\n", s);
        free(s);
    } else {
        cli_accounts_table(stdout, &c.accounts);
    }
    cli_done(&c);
    return 0;
}

/* ---- remove, prune --------------------------------------------------------- */

const struct option cli_account_remove_opts[] = {
    {"confirm", required_argument, NULL, 'c'}, {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

static int account_remove(int argc, char **argv)
{
    const struct option *opts = cli_account_remove_opts;
    const char *confirm = NULL;
    int ch;
    optind = 0;
    while ((ch = cli_getopt("account", argc, argv, opts)) != -1) {
        switch (ch) {
        case 'c': confirm = optarg; break;
        case 'h': cli_print_command_help(stdout, "account"); return 0;
        default: return ERR_USAGE;
        }
    }
    int first = optind;
    if (argc - first != 1)
        return cli_usage_error("account", "account remove wants one ACCOUNT (id or label)");
    struct cli c;
    int rc = cli_init(&c);
    if (rc)
        return rc;
    struct account *found = cli_account(&c, argv[first]);
    if (!found) {
        cli_done(&c);
        return ERR_USAGE;
    }
    struct account_policy pol;
    account_policy_of(found, &pol);
    const char *label = account_confirm_label(found);
    char *typed = label && !pol.read_only ? cli_typed_label(label, confirm) : NULL;
    char *why = account_remove_refuses(found, typed);
    free(typed);
    if (why) {
        cli_error(ERR_USAGE, "%s", why);
        free(why);
        cli_done(&c);
        return ERR_USAGE;
    }
    struct account a;
    account_copy(&a, found);
    struct event ev;
    rc = cli_wait(&c, cli_submit_secret(&c, &a, JOB_SECRET_CLEAR, NULL, NULL, NULL), &ev);
    if (rc) {
        cli_error(rc, "%s: its secrets could not be removed from the keyring, so the account "
                  "is kept: %s", a.label, ev.error);
        event_free(&ev);
        goto out;
    }
    event_free(&ev);
    char *err = NULL;
    bool was_there = false;
    size_t forgot = 0;
    rc = account_remove_records(a.id, &was_there, &forgot, &err);
    if (rc) {
        cli_error(rc, "%s", err ? err : "cannot write the config");
        free(err);
        goto out;
    }
    free(err);
    char *q = shell_quote(a.label);
    if (was_there && forgot)
        printf("removed account %s (%s) and its keyring items (%zu tracked session%s forgotten "
               "here: not ended at the provider)\n", a.id, q, forgot, forgot == 1 ? "" : "s");
    else if (was_there)
        printf("removed account %s (%s) and its keyring items\n", a.id, q);
    else /* a remove at the same time did it: what was asked is done */
        printf("account %s (%s) was already removed (by another sesame at the same time)\n",
               a.id, q);
    free(q);
    /* and whatever an interrupted add or a hand edit left behind */
    char *report = NULL;
    if (prune(&c, false, &report) == 0)
        print_report(report, "removed a keyring item of no account or tracked session:");
    free(report);
out:
    account_free(&a);
    cli_done(&c);
    return rc;
}

static int account_prune(int argc, char **argv)
{
    bool dry_run;
    struct cli c;
    int rc = flag_only(argc, argv, "prune", cli_account_prune_opts, &dry_run, &c);
    if (rc)
        return rc < 0 ? 0 : rc;
    char *report = NULL;
    rc = prune(&c, dry_run, &report);
    if (rc == 0 && !*report)
        printf("no keyring items without an account or a tracked session\n");
    else if (rc == 0)
        print_report(report, dry_run ? "would remove" : "removed");
    free(report);
    cli_done(&c);
    return rc;
}

int cmd_account(int argc, char **argv)
{
    if (argc < 2)
        return cli_usage_error("account", "account wants add, edit, list, remove or prune");
    const char *sub = argv[1];
    if (strcmp(sub, "add") == 0)
        return account_add(argc - 1, argv + 1);
    if (strcmp(sub, "edit") == 0)
        return account_edit(argc - 1, argv + 1);
    if (strcmp(sub, "list") == 0 || strcmp(sub, "ls") == 0)
        return account_list(argc - 1, argv + 1);
    if (strcmp(sub, "remove") == 0 || strcmp(sub, "rm") == 0)
        return account_remove(argc - 1, argv + 1);
    if (strcmp(sub, "prune") == 0)
        return account_prune(argc - 1, argv + 1);
    if (strcmp(sub, "--help") == 0 || strcmp(sub, "-h") == 0 || strcmp(sub, "help") == 0) {
        cli_print_command_help(stdout, "account");
        return 0;
    }
    static const char *const subs[] = {"add", "edit", "list", "remove", "prune"};
    struct suggest sg;
    suggest_init(&sg, sub);
    for (size_t i = 0; i < ARRAY_LEN(subs); i++)
        suggest_offer(&sg, subs[i]);
    const char *best = suggest_best(&sg);
    if (best)
        return cli_usage_error("account", "unknown account command '%s' (did you mean %s?)", sub,
                               best);
    return cli_usage_error("account", "unknown account command '%s'", sub);
}
