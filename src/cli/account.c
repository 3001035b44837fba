/* sesame account add | list | remove */
#include "cli.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "http_curl.h"
#include "state.h"
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

/* ---- add --------------------------------------------------------------- */

struct secret_input {
    const struct field *field;
    char *value;
};

/* Every secret field of p, in its order: from the terminal, or one line
 * each from standard input. */
static int read_secrets(const struct provider *p, struct secret_input *in, size_t *n_in)
{
    *n_in = 0;
    bool tty = isatty(STDIN_FILENO);
    for (const struct field *f = p->fields; f && f->key; f++) {
        if (!(f->flags & FIELD_SECRET))
            continue;
        char *prompt = xasprintf("%s %s%s", p->title, f->label,
                                 f->flags & FIELD_REQUIRED ? "" : " (optional, Enter to skip)");
        char *value = NULL, *err = NULL;
        int rc = cli_read_secret(prompt, &value, &err);
        free(prompt);
        if (rc) {
            cli_error(rc, "%s (%s): %s", f->label, f->key, err ? err : "cannot read it");
            free(err);
            return rc;
        }
        if (str_empty(value) && (f->flags & FIELD_REQUIRED)) {
            wipe_free(value);
            return cli_error(ERR_USAGE, "%s (%s) is required and was empty%s", f->label, f->key,
                             tty ? "" : " (standard input gives one line per secret field)");
        }
        in[*n_in].field = f;
        in[(*n_in)++].value = value;
    }
    return 0;
}

static void wipe_secrets(struct secret_input *in, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        wipe_free(in[i].value);
        in[i].value = NULL;
    }
}

static int account_add(int argc, char **argv)
{
    static const struct option opts[] = {
        {"label", required_argument, NULL, 'l'}, {"base-url", required_argument, NULL, 'b'},
        {"ca-file", required_argument, NULL, 'c'}, {"allow-http", no_argument, NULL, 'H'},
        {"set", required_argument, NULL, 's'},   {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *label = NULL, *base_url = NULL, *ca_file = NULL;
    bool allow_http = false;
    char **sets = xcalloc((size_t)argc + 1, sizeof *sets);
    size_t n_sets = 0;
    int rc = 0, ch;
    optind = 0;
    opterr = 0;
    while ((ch = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        switch (ch) {
        case 'l': label = optarg; break;
        case 'b': base_url = optarg; break;
        case 'c': ca_file = optarg; break;
        case 'H': allow_http = true; break;
        case 's': sets[n_sets++] = optarg; break;
        case 'h':
            cli_print_usage(stdout, "account");
            free(sets);
            return 0;
        case ':':
            rc = cli_usage_error("account", "%s needs a value", argv[optind - 1]);
            goto out;
        default:
            rc = cli_usage_error("account", "unknown option %s", argv[optind - 1]);
            goto out;
        }
    }
    if (optind + 1 != argc) {
        char *ids = provider_ids();
        rc = cli_usage_error("account", "account add wants one PROVIDER (%s)", ids);
        free(ids);
        goto out;
    }
    const struct provider *p = provider_find(argv[optind]);
    if (!p) {
        char *ids = provider_ids();
        rc = cli_usage_error("account", "unknown provider '%s' (one of %s)", argv[optind], ids);
        free(ids);
        goto out;
    }
    if (str_empty(label)) {
        rc = cli_usage_error("account", "account add needs --label NAME");
        goto out;
    }
    if (ca_file && access(ca_file, R_OK) != 0) {
        rc = cli_error(ERR_USAGE, "--ca-file %s cannot be read", ca_file);
        goto out;
    }
    rc = ERR_USAGE;
    char *err = NULL;
    struct account a = {0};
    a.provider_id = xstrdup(p->id);
    a.label = xstrdup(label);
    a.base_url = str_empty(base_url) ? NULL : xstrdup(base_url);
    a.ca_file = xstrdup(ca_file);
    a.allow_http = allow_http;
    if (http_check_url(provider_base_url(p, &a), allow_http, &err) != 0 ||
        cli_apply_sets(p, &a, sets, n_sets, &err) != 0) {
        cli_error(ERR_USAGE, "%s", err ? err : "bad arguments");
        free(err);
        account_free(&a);
        goto out;
    }

    struct cli c;
    rc = cli_init(&c);
    if (rc) {
        account_free(&a);
        goto out;
    }
    for (size_t i = 0; i < c.accounts.n; i++) {
        if (c.accounts.v[i].label && strcmp(c.accounts.v[i].label, label) == 0) {
            rc = cli_error(ERR_USAGE, "an account labelled '%s' exists already (id %s)", label,
                           c.accounts.v[i].id);
            goto done;
        }
    }
    a.id = account_new_id(&c.accounts, label);

    /* the secrets first, before any thread runs (Ctrl-C restores the terminal) */
    struct secret_input in[ACCOUNT_MAX_FIELDS];
    size_t n_in = 0;
    rc = read_secrets(p, in, &n_in);
    if (rc) {
        wipe_secrets(in, n_in);
        goto done;
    }
    uint64_t ids[ACCOUNT_MAX_FIELDS] = {0};
    for (size_t i = 0; i < n_in; i++) {
        if (str_empty(in[i].value))
            continue;
        ids[i] = cli_submit_secret(&c, &a, JOB_SECRET_STORE, in[i].field->key, NULL,
                                   in[i].value);
        in[i].value = NULL; /* the worker wipes it */
    }
    wipe_secrets(in, n_in);
    for (size_t i = 0; i < n_in; i++) {
        if (!ids[i])
            continue;
        struct event ev;
        int e = cli_wait(&c, ids[i], &ev);
        if (e && !rc)
            rc = cli_error(e, "cannot store the %s in the keyring: %s", in[i].field->label,
                           ev.error);
        event_free(&ev);
    }
    if (rc) {
        /* no account without its secrets: take back what was stored */
        struct event ev;
        cli_wait(&c, cli_submit_secret(&c, &a, JOB_SECRET_CLEAR, NULL, NULL, NULL), &ev);
        event_free(&ev);
        goto done;
    }
    rc = accounts_upsert(&a, &err);
    if (rc) {
        cli_error(rc, "%s", err ? err : "cannot write the accounts");
        free(err);
        struct event ev;
        cli_wait(&c, cli_submit_secret(&c, &a, JOB_SECRET_CLEAR, NULL, NULL, NULL), &ev);
        event_free(&ev);
        goto done;
    }
    free(err);
    printf("%s\n", a.id);
done:
    account_free(&a);
    cli_done(&c);
out:
    free(sets);
    return rc;
}

/* ---- list -------------------------------------------------------------- */

static int account_list(int argc, char **argv)
{
    static const struct option opts[] = {
        {"json", no_argument, NULL, 'j'}, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0},
    };
    bool json = false;
    int ch;
    optind = 0;
    opterr = 0;
    while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (ch == 'j') {
            json = true;
        } else if (ch == 'h') {
            cli_print_usage(stdout, "account");
            return 0;
        } else {
            return cli_usage_error("account", "unknown option %s", argv[optind - 1]);
        }
    }
    if (optind != argc)
        return cli_usage_error("account", "account list takes no arguments");
    struct cli c;
    int rc = cli_init(&c);
    if (rc)
        return rc;
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

/* ---- remove -------------------------------------------------------------- */

static int account_remove(int argc, char **argv)
{
    if (argc == 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        cli_print_usage(stdout, "account");
        return 0;
    }
    int first = argc > 1 && strcmp(argv[1], "--") == 0 ? 2 : 1;
    if (argc - first != 1 || (first == 1 && argv[1][0] == '-'))
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
    rc = state_remove_account(a.id, &err);
    if (rc == 0)
        rc = accounts_remove(a.id, &err);
    if (rc) {
        cli_error(rc, "%s", err ? err : "cannot write the config");
        free(err);
        goto out;
    }
    free(err);
    printf("removed account %s (%s) and its keyring items\n", a.id, a.label);
out:
    account_free(&a);
    cli_done(&c);
    return rc;
}

int cmd_account(int argc, char **argv)
{
    if (argc < 2)
        return cli_usage_error("account", "account wants add, list or remove");
    const char *sub = argv[1];
    if (strcmp(sub, "add") == 0)
        return account_add(argc - 1, argv + 1);
    if (strcmp(sub, "list") == 0 || strcmp(sub, "ls") == 0)
        return account_list(argc - 1, argv + 1);
    if (strcmp(sub, "remove") == 0 || strcmp(sub, "rm") == 0)
        return account_remove(argc - 1, argv + 1);
    if (strcmp(sub, "--help") == 0 || strcmp(sub, "-h") == 0 || strcmp(sub, "help") == 0) {
        cli_print_usage(stdout, "account");
        return 0;
    }
    return cli_usage_error("account", "unknown account command '%s'", sub);
}
