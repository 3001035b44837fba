/* sesame log: the audit journal (journal.h), for people or as JSON. */
#include "cli.h"

#include <cJSON.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "journal.h"
#include "providers/common.h"
#include "util.h"

/* Which account --account names: one configured now (account_resolve), or
 * one that is gone but named in the journal by its id or label. */
static int log_account(const char *name, const struct journal_list *l, char **id, char **label)
{
    struct account_list accounts = {0};
    char *err = NULL;
    struct account *a = NULL;
    int rc = accounts_load(&accounts, &err) == 0 ? account_resolve(&accounts, name, &a, &err)
                                                  : ERR_USAGE;
    if (rc == 0) {
        *id = xstrdup(a->id);
        *label = xstrdup(a->label);
    } else {
        const char *bare = strncmp(name, "id:", 3) == 0 ? name + 3 : name;
        for (size_t i = l->n; i-- > 0 && !*id;) { /* the latest line names it as it was last */
            const struct journal_entry *e = &l->v[i];
            if ((e->account && strcmp(e->account, bare) == 0) ||
                (bare == name && e->label && strcasecmp(e->label, name) == 0)) {
                *id = xstrdup(e->account);
                *label = xstrdup(e->label);
            }
        }
        if (*id)
            rc = 0;
        else
            cli_usage_error("log", "%s", err ? err : "no such account");
    }
    free(err);
    account_list_free(&accounts);
    return rc;
}

static void write_json(const struct journal_list *l)
{
    cJSON *doc = cJSON_CreateObject();
    cJSON *entries = cJSON_AddArrayToObject(doc, "entries");
    for (size_t i = 0; i < l->n; i++)
        cJSON_AddItemToArray(entries, journal_entry_json(&l->v[i], true));
    cJSON *skipped = cJSON_AddArrayToObject(doc, "skipped");
    for (size_t i = 0; i < l->n_notes; i++)
        cJSON_AddItemToArray(skipped, cJSON_CreateString(l->notes[i]));
    char *text = cJSON_Print(doc);
    printf("%s\n", text ? text : "{}");
    cJSON_free(text);
    cJSON_Delete(doc);
}

const struct option cli_log_opts[] = {
    {"since", required_argument, NULL, 's'}, {"account", required_argument, NULL, 'a'},
    {"json", no_argument, NULL, 'j'},        {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

int cmd_log(int argc, char **argv)
{
    const char *since = NULL, *only = NULL;
    bool json = false;
    int ch;
    optind = 0;
    while ((ch = cli_getopt("log", argc, argv, cli_log_opts)) != -1) {
        switch (ch) {
        case 's': since = optarg; break;
        case 'a': only = optarg; break;
        case 'j': json = true; break;
        case 'h': cli_print_command_help(stdout, "log"); return 0;
        default: return ERR_USAGE;
        }
    }
    if (optind != argc)
        return cli_usage_error("log", "unexpected argument '%s'", argv[optind]);
    int64_t since_ms = 0, secs;
    if (since) {
        if (!duration_parse(since, &secs))
            return cli_usage_error("log", "--since: \"%s\" is not a duration like 30m, 12h or "
                                   "7d", since);
        since_ms = now_ms() - secs * 1000;
    }
    struct journal_list l;
    char *err = NULL;
    int rc = journal_read(&l, &err);
    if (rc) {
        cli_error(rc, "%s", err ? err : "cannot read the journal");
        free(err);
        journal_list_free(&l);
        return rc;
    }
    char *id = NULL, *label = NULL;
    if (only && (rc = log_account(only, &l, &id, &label)) != 0) {
        journal_list_free(&l);
        return rc;
    }
    if (since_ms || id)
        journal_filter(&l, since_ms, id, label);
    if (json) {
        write_json(&l);
    } else {
        for (size_t i = 0; i < l.n_notes; i++)
            cli_error(0, "%s", l.notes[i]);
        for (size_t i = 0; i < l.n; i++) {
            char *line = journal_entry_text(&l.v[i]);
            printf("%s\n", line);
            free(line);
        }
        if (l.n == 0)
            printf("no changes recorded%s\n", since || only ? " that match" : "");
    }
    free(id);
    free(label);
    journal_list_free(&l);
    return 0;
}
