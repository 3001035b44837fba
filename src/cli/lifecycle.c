/* sesame create | authorize | revoke: a session's life, from log in or
 * create to log out, revoke or forget. */
#include "cli.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "account_policy.h"
#include "journal.h"
#include "session_outcome.h"
#include "strpool.h"
#include "strslab.h"
#include "state.h"
#include "util.h"

/* Options shared by create and authorize. */
struct grant_opts {
    char *options_json;      /* --options, owned */
    char **perms;            /* --permission, borrowed from argv */
    size_t n_perms;
    char *rules_json;        /* --rules, owned */
    const char *expires_at;  /* --expires-at */
    bool json;
};

static void grant_opts_free(struct grant_opts *g)
{
    free(g->options_json);
    free(g->perms);
    free(g->rules_json);
}

static bool wants_grant(const struct grant_opts *g)
{
    return g->n_perms > 0 || g->rules_json || g->expires_at;
}

const struct option cli_create_opts[] = {
    {"options", required_argument, NULL, 'o'},   {"permission", required_argument, NULL, 'p'},
    {"rules", required_argument, NULL, 'r'},     {"expires-at", required_argument, NULL, 'e'},
    {"json", no_argument, NULL, 'j'},            {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

const struct option cli_authorize_opts[] = {
    {"permission", required_argument, NULL, 'p'}, {"rules", required_argument, NULL, 'r'},
    {"expires-at", required_argument, NULL, 'e'}, {"json", no_argument, NULL, 'j'},
    {"help", no_argument, NULL, 'h'},             {NULL, 0, NULL, 0},
};

/* Parse argv of create or authorize (their opts); returns the number of
 * positional arguments at argv[optind...] via *first, or -1 on a usage
 * error (printed), -2 for --help (printed). */
static int parse_grant(const char *cmd, int argc, char **argv, const struct option *opts,
                       struct grant_opts *g, int *first)
{
    memset(g, 0, sizeof *g);
    g->perms = xcalloc((size_t)argc + 1, sizeof *g->perms);
    int ch;
    char *err = NULL;
    optind = 0;
    while ((ch = cli_getopt(cmd, argc, argv, opts)) != -1) {
        switch (ch) {
        case 'o':
            free(g->options_json);
            if (cli_json_arg("--options", optarg, &g->options_json, &err) != 0)
                goto bad;
            break;
        case 'p': g->perms[g->n_perms++] = optarg; break;
        case 'r':
            free(g->rules_json);
            if (cli_json_arg("--rules", optarg, &g->rules_json, &err) != 0)
                goto bad;
            break;
        case 'e': g->expires_at = optarg; break;
        case 'j': g->json = true; break;
        case 'h': cli_print_command_help(stdout, cmd); return -2;
        default: return -1;
        }
    }
    *first = optind;
    return argc - optind;
bad:
    cli_error(ERR_USAGE, "%s", err);
    free(err);
    return -1;
}

/* Print a session for the user: its id, or the JSON document. */
static void print_session(const struct account *a, const struct session *s, bool json)
{
    if (json) {
        struct cli_listing l = {0};
        cli_listing_add(&l, a, s, now_ms());
        char *doc = cli_listing_json(&l);
        printf("%s\n", doc);
        free(doc);
        cli_listing_free(&l);
    } else {
        printf("%s\n", s->id);
    }
    fflush(stdout);
}

/* Record the sessions of an answer in the state file. */
static int record(const struct account *a, struct op_result *r, const char *what)
{
    for (size_t i = 0; i < r->sessions.n; i++) {
        struct session *s = &r->sessions.v[i];
        if (!s->tracked)
            continue;
        if (!s->account_id)
            s->account_id = strpool_get(a->id);
        char *err = NULL;
        int rc = state_merge(s, &err);
        if (rc) {
            cli_error(rc, "session %s was %s, but the state file could not be written: %s",
                      s->id, what, err ? err : "?");
            free(err);
            return rc;
        }
        free(err);
    }
    return 0;
}

/* OP_AUTHORIZE of sid with the grant options; the state file follows. */
static int authorize(struct cli *c, const struct account *a, const char *sid,
                     const struct grant_opts *g, char **error)
{
    struct op_args args = {0};
    int rc = cli_authorize_options(g->perms, g->n_perms, g->rules_json, g->expires_at,
                                   &args.options_json, error);
    if (rc)
        return rc;
    args.session_id = xstrdup(sid);
    struct event ev;
    rc = cli_wait(c, cli_submit_op(c, a, OP_AUTHORIZE, &args), &ev);
    if (rc) {
        *error = ev.error;
        ev.error = NULL;
    } else {
        rc = record(a, &ev.result, "authorized");
    }
    event_free(&ev);
    return rc;
}

/* A session made that could not be tracked (the state file failed after
 * it was checked: the disk filled up, say): ended again where the provider
 * can, else its keys dropped; and said what is left live. */
static void untracked(struct cli *c, const struct account *a, const struct provider *p,
                      const struct session *s)
{
    char left[40] = "";
    int64_t now = now_ms();
    if (s->expires_ms > now)
        format_duration(s->expires_ms - now, left, sizeof left);
    struct event ev = {0};
    if (p->caps & CAP_REVOKE) {
        struct op_args args = {0};
        args.session_id = xstrdup(s->id);
        cli_wait(c, cli_submit_op(c, a, OP_REVOKE, &args), &ev);
        struct end_outcome o;
        session_end_outcome(p, a->label, s->id, ev.err, ev.error, &ev.result, &o);
        if (o.rc == 0 || ev.result.forget_session) /* ended there, recorded or not */
            cli_error(0, "so it was logged out again: %s; nothing is left live", o.text);
        else
            cli_error(0, "and it could not be logged out again (%s): it stays live at %s%s%s, "
                      "untracked; its tokens are removed from the keyring", o.text, p->title,
                      *left ? " until it expires in " : "", left);
        end_outcome_free(&o);
    } else {
        cli_error(0, "%s has no way to end it: it stays valid there%s%s, untracked; its keys "
                  "are removed from the keyring", p->title, *left ? " until it expires in " : "",
                  left);
    }
    if (!(p->caps & CAP_REVOKE) || ev.err || !ev.result.forget_session) {
        event_free(&ev);
        cli_wait(c, cli_submit_secret(c, a, JOB_SECRET_CLEAR, NULL, s->id, NULL), &ev);
    }
    event_free(&ev);
}

int cmd_create(int argc, char **argv)
{
    struct grant_opts g;
    int first = 0;
    int npos = parse_grant("create", argc, argv, cli_create_opts, &g, &first);
    if (npos < 0) {
        grant_opts_free(&g);
        return npos == -2 ? 0 : ERR_USAGE;
    }
    if (npos != 1) {
        grant_opts_free(&g);
        return cli_usage_error("create", "create wants one ACCOUNT");
    }
    const char *name = argv[first];
    struct cli c;
    int rc = cli_init(&c);
    if (rc) {
        grant_opts_free(&g);
        return rc;
    }
    struct account *a = cli_account(&c, name);
    const struct provider *p = a ? cli_provider(a) : NULL;
    char *err = NULL;
    if (!p) {
        rc = a ? ERR_CONFIG : ERR_USAGE;
        goto out;
    }
    if (!(p->caps & CAP_CREATE)) {
        char *q = cli_account_ref(a);
        rc = cli_error(ERR_USAGE, "%s sessions are not made by sesame: they are listed "
                       "(sesame sessions --account %s)", p->title, q);
        free(q);
        goto out;
    }
    if ((rc = cli_refused(a, OP_CREATE)) != 0)
        goto out;
    if (wants_grant(&g)) {
        if (!(p->caps & CAP_AUTHORIZE)) {
            rc = cli_error(ERR_USAGE, "%s sessions take no --permission, --rules or "
                           "--expires-at", p->title);
            goto out;
        }
        /* check them now, before a session is made */
        char *probe = NULL;
        rc = cli_authorize_options(g.perms, g.n_perms, g.rules_json, g.expires_at, &probe, &err);
        free(probe);
        if (rc) {
            cli_usage_error("create", "%s", err);
            goto out;
        }
    }

    /* what is made must be tracked: never a live session sesame forgot */
    rc = state_check_writable(&err);
    if (rc) {
        cli_error(rc, "%s: nothing was sent to %s: %s", a->label, p->title, err ? err : "?");
        goto out;
    }
    struct op_args args = {0};
    args.options_json = xstrdup(g.options_json);
    struct event ev;
    rc = cli_wait(&c, cli_submit_op(&c, a, OP_CREATE, &args), &ev);
    if (rc) {
        cli_error(rc, "%s: %s", a->label, ev.error);
        event_free(&ev);
        goto out;
    }
    if (ev.result.sessions.n == 0) {
        rc = cli_error(ERR_INTERNAL, "%s: the provider answered without a session", a->label);
        event_free(&ev);
        goto out;
    }
    struct session s;
    session_copy(&s, &ev.result.sessions.v[0]);
    if (!s.account_id)
        s.account_id = strpool_get(a->id);
    rc = record(a, &ev.result, p->caps & CAP_REVOKE ? "logged in" : "created");
    event_free(&ev);
    if (rc) {
        untracked(&c, a, p, &s);
        session_free(&s);
        goto out;
    }
    if (wants_grant(&g)) {
        rc = authorize(&c, a, s.id, &g, &err);
        if (rc) {
            print_session(a, &s, g.json);
            char *q = cli_account_ref(a), *qs = shell_quote(s.id);
            cli_error(rc, "session %s was created but not authorized: %s (try again with: "
                      "sesame authorize %s %s ...)", s.id, err ? err : "?", q, qs);
            free(qs);
            free(q);
            session_free(&s);
            goto out;
        }
        /* what the state file now says (the grant may have moved the expiry) */
        struct session merged;
        bool found = false;
        char *ferr = NULL;
        if (state_find(a->id, s.id, &merged, &found, &ferr) == 0 && found) {
            session_free(&s);
            s = merged;
        }
        free(ferr);
    }
    print_session(a, &s, g.json);
    if (p->caps & CAP_OPEN_URL) {
        char *q = cli_account_ref(a), *qs = shell_quote(s.id);
        if (!s.has_url)
            cli_error(0, "%s answered with a session URL that is not an http(s) URL: session %s "
                      "is tracked, but sesame will not open it; to see it: sesame open %s %s "
                      "--print", p->title, s.id, q, qs);
        else
            fprintf(stderr, "open it with: sesame open %s %s\n", q, qs);
        free(qs);
        free(q);
    }
    session_free(&s);
out:
    free(err);
    grant_opts_free(&g);
    cli_done(&c);
    return rc;
}

int cmd_authorize(int argc, char **argv)
{
    struct grant_opts g;
    int first = 0;
    int npos = parse_grant("authorize", argc, argv, cli_authorize_opts, &g, &first);
    if (npos < 0) {
        grant_opts_free(&g);
        return npos == -2 ? 0 : ERR_USAGE;
    }
    if (npos != 2) {
        grant_opts_free(&g);
        return cli_usage_error("authorize", "authorize wants ACCOUNT and SESSION");
    }
    char *err = NULL;
    char *probe = NULL;
    if (cli_authorize_options(g.perms, g.n_perms, g.rules_json, g.expires_at, &probe, &err)) {
        cli_usage_error("authorize", "%s", err);
        free(err);
        grant_opts_free(&g);
        return ERR_USAGE;
    }
    free(probe);
    const char *name = argv[first], *sid = argv[first + 1];
    struct cli c;
    int rc = cli_init(&c);
    if (rc) {
        grant_opts_free(&g);
        return rc;
    }
    struct account *a = cli_account(&c, name);
    const struct provider *p = a ? cli_provider(a) : NULL;
    struct session s = {0};
    bool found = false;
    if (!p) {
        rc = a ? ERR_CONFIG : ERR_USAGE;
        goto out;
    }
    if (!(p->caps & CAP_AUTHORIZE)) {
        rc = cli_error(ERR_USAGE, "%s sessions are not authorized by sesame (only Basis Theory "
                       "sessions are)", p->title);
        goto out;
    }
    if ((rc = cli_refused(a, OP_AUTHORIZE)) != 0)
        goto out;
    rc = cli_tracked_session(a, name, sid, &s);
    if (rc)
        goto out;
    rc = authorize(&c, a, sid, &g, &err);
    if (rc) {
        cli_error(rc, "%s: %s", a->label, err ? err : "?");
        goto out;
    }
    session_free(&s);
    if (state_find(a->id, sid, &s, &found, &err) != 0 || !found) {
        session_free(&s);
        s.id = strslab_dup(sid);
    }
    if (g.json) {
        print_session(a, &s, true);
    } else {
        char when[40] = "";
        if (s.expires_ms > 0)
            format_duration(s.expires_ms - now_ms(), when, sizeof when);
        printf("authorized session %s%s%s\n", sid, *when ? ", expires in " : "", when);
    }
out:
    session_free(&s);
    free(err);
    grant_opts_free(&g);
    cli_done(&c);
    return rc;
}

/* ---- revoke ---------------------------------------------------------------- */

/* Providers with no way to end a session (or --forget): forget it here
 * (the worker takes it out of the state file, then its keys out of the
 * keyring). */
static int forget(struct cli *c, const struct account *a, const struct provider *p,
                  const struct session *s, bool cannot_revoke)
{
    struct event ev;
    int rc = cli_wait(c, cli_submit_secret(c, a, JOB_SECRET_CLEAR, NULL, s->id, NULL), &ev);
    if (rc) {
        cli_error(rc, "%s: %s", a->label, ev.error);
        journal_forget(a, s, NULL, ev.error);
        event_free(&ev);
        return rc;
    }
    event_free(&ev);
    journal_forget(a, s, cannot_revoke ? "the provider cannot end it"
                                       : "without asking the provider", NULL);
    char left[40] = "";
    int64_t now = now_ms();
    if (s->expires_ms > now)
        format_duration(s->expires_ms - now, left, sizeof left);
    char *tail = *left ? xasprintf("; it stays valid at %s until it expires in %s", p->title,
                                   left)
                       : xstrdup("");
    if (cannot_revoke)
        printf("%s has no way to revoke a session: forgot session %s here (its keys are "
               "removed from the keyring)%s\n", p->title, s->id, tail);
    else
        printf("forgot session %s here without asking %s (its keys are removed from the "
               "keyring)%s\n", s->id, p->title, tail);
    free(tail);
    return 0;
}

/* A production account (account_confirm_label): its label typed on the
 * terminal, or given with --confirm (scripts); anything else stops here. */
static int production_confirmed(const struct account *a, const char *given, const char *name,
                                const char *sid)
{
    const char *label = account_confirm_label(a);
    if (!label)
        return 0;
    char *typed = cli_typed_label(label, given);
    int rc = 0;
    if (!typed) {
        char *q = shell_quote(label), *qn = shell_quote(name), *qs = shell_quote(sid);
        rc = cli_error(ERR_USAGE, "%s is a production account: a revoke there needs its label "
                       "typed out (sesame revoke --confirm %s %s %s)", label, q, qn, qs);
        free(q);
        free(qn);
        free(qs);
    } else if (strcmp(typed, label) != 0) {
        rc = cli_error(ERR_USAGE, "\"%s\" is not %s: nothing was changed", typed, label);
    }
    free(typed);
    return rc;
}

const struct option cli_revoke_opts[] = {
    {"forget", no_argument, NULL, 'f'}, {"confirm", required_argument, NULL, 'c'},
    {"help", no_argument, NULL, 'h'},   {NULL, 0, NULL, 0},
};

int cmd_revoke(int argc, char **argv)
{
    bool forget_only = false;
    const char *confirm = NULL;
    int ch;
    optind = 0;
    while ((ch = cli_getopt("revoke", argc, argv, cli_revoke_opts)) != -1) {
        switch (ch) {
        case 'f': forget_only = true; break;
        case 'c': confirm = optarg; break;
        case 'h': cli_print_command_help(stdout, "revoke"); return 0;
        default: return ERR_USAGE;
        }
    }
    int first = optind;
    if (argc - first != 2)
        return cli_usage_error("revoke", "revoke wants ACCOUNT and SESSION");
    const char *name = argv[first], *sid = argv[first + 1];
    struct cli c;
    int rc = cli_init(&c);
    if (rc)
        return rc;
    struct account *a = cli_account(&c, name);
    const struct provider *p = a ? cli_provider(a) : NULL;
    struct session s = {0};
    char *err = NULL;
    if (!p) {
        rc = a ? ERR_CONFIG : ERR_USAGE;
        goto out;
    }
    if ((rc = cli_refused(a, OP_REVOKE)) != 0)
        goto out;
    if (!(p->caps & CAP_LIST)) {
        rc = cli_tracked_session(a, name, sid, &s);
        if (rc)
            goto out;
    }
    if ((rc = production_confirmed(a, confirm, name, sid)) != 0)
        goto out;
    if (forget_only && (p->caps & CAP_LIST)) {
        rc = cli_error(ERR_USAGE, "%s sessions are listed by %s, not tracked here: there is "
                       "nothing to forget", p->title, p->title);
        goto out;
    }
    if (forget_only || !(p->caps & CAP_REVOKE)) {
        rc = forget(&c, a, p, &s, !forget_only);
        goto out;
    }
    struct job j = {.kind = JOB_OP, .op = OP_REVOKE};
    account_copy(&j.account, a);
    j.args.session_id = xstrdup(sid);
    j.user = xstrdup(s.user_display ? s.user_display : s.user_id); /* tracked: for the journal */
    struct event ev;
    cli_wait(&c, cli_submit_job(&c, &j), &ev);
    struct end_outcome o;
    session_end_outcome(p, a->label, sid, ev.err, ev.error, &ev.result, &o);
    rc = o.rc;
    if (rc) {
        bool hint = ev.err == ERR_PROVIDER && !(p->caps & CAP_LIST);
        char *q = cli_account_ref(a), *qs = shell_quote(sid);
        cli_error(rc, "%s: %s%s%s%s%s%s", a->label, o.text,
                  hint ? " (to drop it here anyway: sesame revoke --forget " : "",
                  hint ? q : "", hint ? " " : "", hint ? qs : "", hint ? ")" : "");
        free(qs);
        free(q);
    } else {
        /* a tracked session that ended leaves the state file; a listed one
         * is recorded as the provider now says it is */
        rc = o.forget ? state_remove(a->id, sid, &err) : record(a, &ev.result, "revoked");
        if (rc && o.forget)
            cli_error(rc, "%s, but the state file could not be written: %s", o.text,
                      err ? err : "?");
        else if (!rc)
            printf("%s\n", o.text);
    }
    end_outcome_free(&o);
    event_free(&ev);
out:
    session_free(&s);
    free(err);
    cli_done(&c);
    return rc;
}
