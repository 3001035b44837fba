/* sesame sessions | refresh: what sessions there are, listed remotely or
 * tracked locally, checked or refreshed. */
#include "cli.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "progress.h"
#include "session_outcome.h"
#include "flags.h"
#include "seen.h"
#include "session_status.h"
#include "providers/common.h"
#include "strpool.h"
#include "state.h"
#include "util.h"

/* What looks wrong (flags.h), per account over all its rows, before any
 * filter (many-live counts every live session of a user); the places and
 * devices of a listed account are remembered as the dashboard does. */
static void flag_listing(struct cli_listing *l, const struct account_list *accounts)
{
    int64_t now = now_ms();
    for (size_t rank = 0; rank < l->n_names; rank++) {
        const struct account *a = account_list_find_id(accounts, l->names[rank].account_id);
        if (!a)
            continue;
        const struct provider *p = provider_find(a->provider_id);
        char *err = NULL;
        struct seen_account *seen = p && (p->caps & CAP_LIST) ? seen_load(a->id, &err) : NULL;
        if (err)
            cli_error(0, "warning: %s", err);
        free(err);
        err = NULL;
        struct account_policy pol;
        account_policy_of(a, &pol);
        /* the rows where they are (an array of 100k pointers was 0.8 MB more
         * at the listing's peak) */
        struct flag_pass *pass = flags_begin(&pol, seen, now);
        for (size_t i = 0; i < l->n; i++)
            if (l->rows[i].rank == rank)
                flags_learn(pass, &l->rows[i].s);
        for (size_t i = 0; i < l->n; i++)
            if (l->rows[i].rank == rank)
                flags_flag(pass, &l->rows[i].s);
        flags_end(pass);
        if (seen && seen_save(seen, &err) != 0)
            cli_error(0, "warning: the places seen could not be remembered: %s", err);
        free(err);
        seen_free(seen);
    }
}

/* How a listing is handed out: the format, the view (columns, time,
 * width) and what keeps a row. */
enum out_format { OUT_TABLE, OUT_TSV, OUT_CSV, OUT_JSON };

struct listing_out {
    enum out_format format;
    struct cli_view view;
    bool have_status;
    enum session_status status;
    struct query query;
};

static void listing_out_init(struct listing_out *o)
{
    memset(o, 0, sizeof *o);
    cli_view_default(&o->view, 0);
    query_init(&o->query);
}

/* Print the listing as asked, report failures on stderr; the exit code is
 * the first failure's class. */
static int finish_listing(struct cli_listing *l, struct listing_out *o)
{
    int64_t now = now_ms();
    if (o->have_status)
        cli_listing_filter(l, o->status);
    cli_listing_query(l, &o->query, now);
    cli_listing_sort(l);
    int rc = 0;
    for (size_t i = 0; i < l->n_errs; i++) {
        cli_error(l->errs[i].code, "%s: %s", l->errs[i].account_label, l->errs[i].error);
        if (!rc)
            rc = l->errs[i].code;
    }
    o->view.now = now;
    switch (o->format) {
    case OUT_JSON:
        cli_listing_write_json(stdout, l); /* a failed write shows in main's check */
        break;
    case OUT_TSV:
    case OUT_CSV:
        cli_listing_delimited(stdout, l, &o->view,
                              o->format == OUT_CSV ? DELIMITED_CSV : DELIMITED_TSV);
        break;
    case OUT_TABLE:
        if (l->n > 0 || l->n_errs == 0) { /* not "no sessions" when none could be read */
            o->view.width = cli_terminal_width();
            cli_listing_table(stdout, l, &o->view);
        }
        break;
    }
    return rc;
}

/* Tracked sessions of a from the loaded state, into l. */
static void add_tracked(struct cli_listing *l, const struct account *a,
                        const struct session_list *state, int64_t now)
{
    for (size_t i = 0; i < state->n; i++)
        if (state->v[i].account_id && strcmp(state->v[i].account_id, a->id) == 0)
            cli_listing_add(l, a, &state->v[i], now);
}

static void add_result(struct cli_listing *l, const struct account *a, struct event *ev,
                       int64_t now)
{
    if (ev->err) {
        cli_listing_fail(l, a, ev->err, ev->error);
        return;
    }
    if (ev->result.warning) /* a listing cut short is said, but it is what there is */
        cli_error(0, "%s: %s", a->label, ev->result.warning);
    cli_listing_take_all(l, a, &ev->result.sessions, now);
}

const struct option cli_sessions_opts[] = {
    {"account", required_argument, NULL, 'a'}, {"status", required_argument, NULL, 's'},
    {"json", no_argument, NULL, 'j'},          {"format", required_argument, NULL, 'f'},
    {"columns", required_argument, NULL, 'c'}, {"filter", required_argument, NULL, 'q'},
    {"time", required_argument, NULL, 't'},    {"window", required_argument, NULL, 'w'},
    {"help", no_argument, NULL, 'h'},          {NULL, 0, NULL, 0},
};

static int parse_format(const char *arg, enum out_format *f)
{
    static const char *const names[] = {"table", "tsv", "csv", "json"};
    for (size_t i = 0; i < ARRAY_LEN(names); i++)
        if (strcmp(arg, names[i]) == 0) {
            *f = (enum out_format)i;
            return 0;
        }
    return cli_usage_error("sessions", "--format '%s': one of table, tsv, csv, json", arg);
}

static int parse_time(const char *arg, enum time_mode *tm)
{
    if (strcmp(arg, "relative") == 0)
        *tm = TIME_RELATIVE;
    else if (strcmp(arg, "absolute") == 0)
        *tm = TIME_ABSOLUTE;
    else
        return cli_usage_error("sessions", "--time '%s': relative or absolute", arg);
    return 0;
}

/* What a value of an option says, checked before anything is asked. */
static int parse_value(int ch, const char *arg, struct listing_out *o, bool *time_given)
{
    char *err = NULL;
    int rc = 0;
    switch (ch) {
    case 'j': o->format = OUT_JSON; break;
    case 'f': rc = parse_format(arg, &o->format); break;
    case 't': rc = parse_time(arg, &o->view.time); *time_given = true; break;
    case 'c':
        if (columns_parse(arg, &o->view.cols, &err) != 0)
            rc = cli_usage_error("sessions", "--columns: %s", err);
        o->view.cols_given = true;
        break;
    case 'q':
        if (query_parse(&o->query, arg, &err) != 0)
            rc = cli_usage_error("sessions", "--filter: %s", err);
        break;
    case 's':
        if (cli_parse_status(arg, &o->status, &err) != 0)
            rc = cli_usage_error("sessions", "%s", err);
        o->have_status = true;
        break;
    }
    free(err);
    return rc;
}

int cmd_sessions(int argc, char **argv)
{
    const char *only = NULL, *status_arg = NULL, *window = NULL;
    struct listing_out o;
    listing_out_init(&o);
    bool time_given = false;
    int ch, rc = 0;
    optind = 0;
    while (!rc && (ch = cli_getopt("sessions", argc, argv, cli_sessions_opts)) != -1) {
        switch (ch) {
        case 'a': only = optarg; break;
        case 'w': window = optarg; break;
        case 'h': cli_print_command_help(stdout, "sessions"); query_free(&o.query); return 0;
        case '?': rc = ERR_USAGE; break;
        case 's': status_arg = optarg; /* fall through */
        default: rc = parse_value(ch, optarg, &o, &time_given); break;
        }
    }
    if (!rc && optind != argc)
        rc = cli_usage_error("sessions", "unexpected argument '%s'", argv[optind]);
    if (!rc && o.format == OUT_JSON && (o.view.cols_given || time_given))
        rc = cli_usage_error("sessions", "%s does not apply to JSON: the document has every "
                             "field, times in RFC 3339 (docs/json.md)",
                             o.view.cols_given ? "--columns" : "--time");
    /* what is handed on has its times as they are, not as they seemed then */
    if (!time_given && (o.format == OUT_CSV || o.format == OUT_TSV))
        o.view.time = TIME_ABSOLUTE;
    int64_t window_ms;
    char *werr = NULL;
    if (!rc && window && !*window) /* not the default in disguise */
        rc = cli_usage_error("sessions", "--window needs a value: 7d, 30d, all ...");
    if (!rc && window && session_window_parse(window, &window_ms, &werr) != 0)
        rc = cli_usage_error("sessions", "--window: %s", werr);
    free(werr);
    if (rc) {
        query_free(&o.query);
        return rc;
    }
    enum session_status status = o.status;

    struct cli c;
    rc = cli_init(&c);
    if (rc) {
        query_free(&o.query);
        return rc;
    }
    struct account *one = NULL;
    if (only && !(one = cli_account(&c, only))) {
        cli_done(&c);
        query_free(&o.query);
        return ERR_USAGE;
    }
    size_t first = one ? (size_t)(one - c.accounts.v) : 0;
    size_t end = one ? first + 1 : c.accounts.n;

    /* every remote list at once */
    struct listing_wait *waits = xcalloc(c.accounts.n + 1, sizeof *waits);
    bool need_state = false;
    for (size_t i = first; i < end; i++) {
        struct account *a = &c.accounts.v[i];
        const struct provider *p = provider_find(a->provider_id);
        if (!p || !(p->caps & CAP_LIST)) {
            need_state |= p != NULL;
            continue;
        }
        if (window && provider_field(p, "session_window"))
            account_set_field(a, "session_window", window);
        struct op_args args = {0};
        /* the provider's filter where it cannot miss a session seen so */
        if (status_arg && session_status_filter_remote(status))
            args.status = xstrdup(status_arg);
        args.no_raw_json = true; /* never printed here */
        waits[i].id = cli_submit_op(&c, a, OP_LIST, &args);
        waits[i].who = a->label ? a->label : a->id;
    }
    cli_wait_listings(&c, waits + first, end - first);
    struct session_list state = {0};
    char *state_err = NULL;
    int state_rc = need_state ? state_load(&state, &state_err) : 0;

    struct cli_listing l = {0};
    int64_t now = now_ms();
    for (size_t i = first; i < end; i++) {
        const struct account *a = &c.accounts.v[i];
        const struct provider *p = provider_find(a->provider_id);
        if (!p) {
            char *e = xasprintf("unknown provider '%s' in the config", a->provider_id
                                ? a->provider_id : "");
            cli_listing_fail(&l, a, ERR_CONFIG, e);
            free(e);
        } else if (p->caps & CAP_LIST) {
            struct event ev = waits[i].ev;
            const char *who = waits[i].who;
            if (!waits[i].id) /* not submitted: the worker's error */
                cli_wait(&c, 0, &ev);
            if (ev.err == ERR_USAGE && status_arg && session_status_filter_remote(status)) {
                /* a status this provider cannot filter on: list all, filter here */
                event_free(&ev);
                struct op_args args = {0};
                args.no_raw_json = true;
                cli_wait_listing(&c, cli_submit_op(&c, a, OP_LIST, &args), who, &ev);
            }
            add_result(&l, a, &ev, now);
            event_free(&ev);
        } else if (state_rc) {
            cli_listing_fail(&l, a, state_rc, state_err ? state_err : "cannot read the state");
        } else {
            add_tracked(&l, a, &state, now);
        }
    }
    free(waits);
    free(state_err);
    session_list_clear(&state);
    flag_listing(&l, &c.accounts);
    rc = finish_listing(&l, &o);
    query_free(&o.query);
    cli_listing_free(&l);
    cli_done(&c);
    return rc;
}

/* ---- refresh --------------------------------------------------------- */

/* A refresh that leaves the session in doubt (session_refresh_failed): it
 * is shown, and kept in the state file, with that status, not as the last
 * good answer had it. */
static void in_doubt(struct cli_listing *l, const struct account *a, struct session *s,
                     enum session_status status, int64_t now)
{
    s->status = status;
    char *err = NULL;
    if (state_upsert(s, &err) != 0)
        cli_listing_fail(l, a, ERR_CONFIG, err ? err : "cannot write the state");
    free(err);
    cli_listing_add(l, a, s, now);
}

/* Plantly (refresh) and CBRAIN (info): one job per tracked session, all at
 * once; what comes back goes to the state file. */
static int refresh_tracked_remote(struct cli *c, const struct account *a, enum op op,
                                  struct session_list *targets, struct cli_listing *l)
{
    uint64_t *ids = xcalloc(targets->n + 1, sizeof *ids);
    for (size_t i = 0; i < targets->n; i++) {
        struct op_args args = {0};
        op_args_for_tracked(&args, &targets->v[i]);
        ids[i] = cli_submit_op(c, a, op, &args);
    }
    int rc = 0;
    int64_t now = now_ms();
    for (size_t i = 0; i < targets->n; i++) {
        struct event ev;
        int e = cli_wait(c, ids[i], &ev);
        if (e) {
            enum session_status st;
            char *note = NULL;
            bool doubt = op == OP_REFRESH && session_refresh_failed(
                provider_find(a->provider_id), &targets->v[i], now, e, &ev.result, &st, &note);
            char *msg = xasprintf("session %s: %s%s", targets->v[i].id, ev.error,
                                  note ? note : "");
            cli_listing_fail(l, a, e, msg);
            free(msg);
            free(note);
            if (!rc)
                rc = e;
            if (doubt)
                in_doubt(l, a, &targets->v[i], st, now);
            else /* unchanged: show what the state file says */
                cli_listing_add(l, a, &targets->v[i], now);
        }
        for (size_t k = 0; !e && k < ev.result.sessions.n; k++) {
            struct session *s = &ev.result.sessions.v[k];
            if (!s->account_id)
                s->account_id = strpool_get(a->id);
            char *err = NULL;
            int u = state_merge(s, &err);
            if (u) {
                cli_listing_fail(l, a, u, err ? err : "cannot write the state");
                if (!rc)
                    rc = u;
            }
            free(err);
            struct session merged;
            bool found = false;
            char *ferr = NULL;
            if (state_find(a->id, s->id, &merged, &found, &ferr) == 0 && found) {
                cli_listing_add(l, a, &merged, now);
                session_free(&merged);
            } else {
                cli_listing_add(l, a, s, now);
            }
            free(ferr);
        }
        event_free(&ev);
    }
    free(ids);
    return rc;
}

/* Providers sesame cannot ask: the tracked sessions with their countdowns;
 * the ones past their expiry are marked expired in the state file. */
static int refresh_tracked_local(const struct account *a, struct session_list *targets,
                                 struct cli_listing *l)
{
    int rc = 0;
    int64_t now = now_ms();
    for (size_t i = 0; i < targets->n; i++) {
        struct session *s = &targets->v[i];
        enum session_status seen = session_status_seen(s, now);
        if (seen != s->status) {
            s->status = seen;
            char *err = NULL;
            int u = state_upsert(s, &err);
            if (u && !rc) {
                cli_listing_fail(l, a, u, err ? err : "cannot write the state");
                rc = u;
            }
            free(err);
        }
        cli_listing_add(l, a, s, now);
    }
    return rc;
}

const struct option cli_refresh_opts[] = {
    {"json", no_argument, NULL, 'j'}, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0},
};

int cmd_refresh(int argc, char **argv)
{
    bool json = false;
    int ch;
    optind = 0;
    while ((ch = cli_getopt("refresh", argc, argv, cli_refresh_opts)) != -1) {
        switch (ch) {
        case 'j': json = true; break;
        case 'h': cli_print_command_help(stdout, "refresh"); return 0;
        default: return ERR_USAGE;
        }
    }
    int npos = argc - optind;
    if (npos < 1 || npos > 2)
        return cli_usage_error("refresh", "refresh wants ACCOUNT and optionally SESSION");
    const char *sid = npos == 2 ? argv[optind + 1] : NULL;

    struct cli c;
    int rc = cli_init(&c);
    if (rc)
        return rc;
    struct account *a = cli_account(&c, argv[optind]);
    const struct provider *p = a ? cli_provider(a) : NULL;
    if (!p) {
        cli_done(&c);
        return a ? ERR_CONFIG : ERR_USAGE;
    }
    struct cli_listing l = {0};
    if ((p->caps & CAP_REFRESH) && (rc = cli_refused(a, OP_REFRESH)) != 0)
        goto out; /* a renewal rotates the tokens: a change */
    if (p->caps & CAP_LIST) {
        /* a remote list: one session (GET) or all of them (LIST) */
        struct op_args args = {0};
        enum op op = OP_LIST;
        if (sid) {
            if (!(p->caps & CAP_GET)) {
                char *q = cli_account_ref(a);
                rc = cli_error(ERR_USAGE, "%s cannot show one session: use: sesame refresh %s",
                               p->title, q);
                free(q);
                goto out;
            }
            op = OP_GET;
            args.session_id = xstrdup(sid);
        } else {
            args.no_raw_json = true; /* never printed here */
        }
        struct event ev;
        cli_wait(&c, cli_submit_op(&c, a, op, &args), &ev);
        add_result(&l, a, &ev, now_ms());
        event_free(&ev);
    } else {
        struct session_list targets = {0};
        char *err = NULL;
        rc = state_sessions_of(a->id, &targets, &err);
        if (rc) {
            cli_error(rc, "%s", err ? err : "cannot read the state");
            free(err);
            goto out;
        }
        if (sid) {
            size_t k = 0;
            for (size_t i = 0; i < targets.n; i++) {
                if (strcmp(targets.v[i].id, sid) == 0 && k == 0)
                    targets.v[k++] = targets.v[i];
                else
                    session_free(&targets.v[i]);
            }
            targets.n = k;
            if (k == 0) {
                session_list_clear(&targets);
                rc = cli_no_tracked_session(a, argv[optind], sid);
                goto out;
            }
        }
        if (p->caps & CAP_REFRESH)
            rc = refresh_tracked_remote(&c, a, OP_REFRESH, &targets, &l);
        else if (p->caps & CAP_INFO)
            rc = refresh_tracked_remote(&c, a, OP_INFO, &targets, &l);
        else
            rc = refresh_tracked_local(a, &targets, &l);
        session_list_clear(&targets);
    }
    struct listing_out o;
    listing_out_init(&o);
    o.format = json ? OUT_JSON : OUT_TABLE;
    int lrc = finish_listing(&l, &o);
    query_free(&o.query);
    if (!rc)
        rc = lrc;
out:
    cli_listing_free(&l);
    cli_done(&c);
    return rc;
}
