/* store.c: the accounts and sessions the front end shows; worker events
 * applied (late ones dropped, strings sanitised, keyring states told
 * apart), accounts reloaded without losing state. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "flags.h"
#include "providers/provider.h"
#include "store.h"
#include "strpool.h"
#include "strslab.h"
#include "util.h"
#include "worker.h"

static void add_account(struct account_list *l, const char *id, const char *provider)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 4;
        l->v = xrealloc(l->v, l->cap * sizeof *l->v);
    }
    struct account *a = &l->v[l->n++];
    memset(a, 0, sizeof *a);
    a->id = xstrdup(id);
    a->label = xstrdup(id);
    a->provider_id = xstrdup(provider);
}

static void set_accounts(struct store *s, const char *const *pairs)
{
    struct account_list l = {0};
    for (size_t i = 0; pairs[i]; i += 2)
        add_account(&l, pairs[i], pairs[i + 1]);
    store_set_accounts(s, &l);
    account_list_free(&l);
}

static struct event list_event(const char *account, uint64_t job, size_t n_sessions)
{
    struct event ev;
    memset(&ev, 0, sizeof ev);
    ev.kind = JOB_OP;
    ev.op = OP_LIST;
    ev.job_id = job;
    ev.account_id = xstrdup(account);
    for (size_t i = 0; i < n_sessions; i++) {
        struct session *x = session_list_push(&ev.result.sessions);
        x->id = strslab_take(xasprintf("sess_%zu", i));
        x->account_id = strpool_get(account);
        x->status = SESSION_ACTIVE;
    }
    return ev;
}

static void test_accounts_and_states(void **state)
{
    struct store s;
    store_init(&s);
    set_accounts(&s, (const char *const[]){"prod", "clerk", "lab", "cbrain", NULL});
    assert_int_equal(s.n_acc, 2);
    assert_ptr_equal(s.acc[0].provider, provider_find("clerk"));
    assert_int_equal(s.acc[0].state, ACCOUNT_IDLE);
    assert_true(store_account_lists(&s.acc[0]));
    assert_false(store_account_lists(&s.acc[1]));
    assert_int_equal(store_index(&s, "lab"), 1);
    assert_int_equal(store_index(&s, "nope"), -1);
    assert_int_equal(store_index(&s, NULL), -1);
    store_set_loading(&s, 0, 7);
    assert_int_equal(store_in_flight(&s), 1);
    assert_int_equal(s.acc[0].state, ACCOUNT_LOADING);
    assert_string_equal(account_state_name(ACCOUNT_KEYRING_LOCKED), "keyring locked");
    store_free(&s);
}

static void test_list_event(void **state)
{
    struct store s;
    store_init(&s);
    set_accounts(&s, (const char *const[]){"prod", "clerk", "dev", "clerk", NULL});
    store_set_loading(&s, 0, 7);
    store_set_loading(&s, 1, 8);
    unsigned v = s.version;
    struct event ev = list_event("prod", 7, 3);
    /* hostile strings from the server */
    ev.result.sessions.v[0].user_display = strpool_get("Eve\x1b]52;c;ZXZpbA==\x07 \x1b[2J<eve@x>");
    ev.result.sessions.v[1].device = strpool_get("desk\xfftop");
    assert_true(store_apply_event(&s, &ev));
    event_free(&ev);
    assert_true(s.version != v);
    assert_int_equal(s.acc[0].state, ACCOUNT_OK);
    assert_true(s.acc[0].loaded);
    assert_int_equal(s.acc[0].n_sessions, 3);
    assert_int_equal(s.acc[0].job, 0);
    assert_true(s.acc[0].updated_ms > 0);
    assert_int_equal(s.sessions.n, 3);
    assert_string_equal(s.sessions.v[0].user_display, "Eve <eve@x>");
    assert_string_equal(s.sessions.v[1].device, "desk\xef\xbf\xbdtop");
    assert_int_equal(store_in_flight(&s), 1);
    /* a second list replaces the account's sessions, not the other's */
    struct event dev = list_event("dev", 8, 2);
    assert_true(store_apply_event(&s, &dev));
    event_free(&dev);
    store_set_loading(&s, 0, 9);
    struct event again = list_event("prod", 9, 1);
    assert_true(store_apply_event(&s, &again));
    event_free(&again);
    assert_int_equal(s.sessions.n, 3);
    assert_int_equal(s.acc[0].n_sessions, 1);
    assert_int_equal(s.acc[1].n_sessions, 2);
    store_free(&s);
}

static void test_progress(void **state)
{
    struct store s;
    store_init(&s);
    set_accounts(&s, (const char *const[]){"prod", "clerk", NULL});
    store_set_loading(&s, 0, 3);
    struct event p = list_event("prod", 3, 0);
    p.progress = true;
    p.error = xstrdup("waiting for the keyring\x1b[5m");
    assert_true(store_apply_event(&s, &p));
    event_free(&p);
    /* news, not the answer: still loading, still this job */
    assert_int_equal(s.acc[0].state, ACCOUNT_LOADING);
    assert_int_equal(s.acc[0].job, 3);
    assert_false(s.acc[0].loaded);
    assert_string_equal(s.acc[0].progress, "waiting for the keyring");
    /* the answer clears it */
    struct event ans = list_event("prod", 3, 1);
    assert_true(store_apply_event(&s, &ans));
    event_free(&ans);
    assert_null(s.acc[0].progress);
    assert_int_equal(s.acc[0].state, ACCOUNT_OK);
    assert_int_equal(s.acc[0].n_sessions, 1);
    /* a progress event of an old job changes nothing */
    struct event late = list_event("prod", 3, 0);
    late.progress = true;
    assert_false(store_apply_event(&s, &late));
    event_free(&late);
    assert_null(s.acc[0].progress);
    store_free(&s);
}

static void test_late_answers_dropped(void **state)
{
    struct store s;
    store_init(&s);
    set_accounts(&s, (const char *const[]){"prod", "clerk", NULL});
    store_set_loading(&s, 0, 5);
    /* an older job's answer */
    struct event old = list_event("prod", 4, 2);
    assert_false(store_apply_event(&s, &old));
    event_free(&old);
    assert_int_equal(s.acc[0].state, ACCOUNT_LOADING);
    assert_int_equal(s.sessions.n, 0);
    /* an account that is gone */
    struct event gone = list_event("deleted", 5, 2);
    assert_false(store_apply_event(&s, &gone));
    event_free(&gone);
    /* not a list: for the dashboard's views */
    struct event tok = list_event("prod", 5, 0);
    tok.op = OP_TOKEN;
    assert_false(store_apply_event(&s, &tok));
    event_free(&tok);
    assert_int_equal(s.acc[0].state, ACCOUNT_LOADING);
    store_free(&s);
}

static void check_error_state(int err, const char *msg, enum account_state want)
{
    struct store s;
    store_init(&s);
    set_accounts(&s, (const char *const[]){"prod", "clerk", NULL});
    store_set_loading(&s, 0, 1);
    struct event ev = list_event("prod", 1, 0);
    ev.err = err;
    ev.error = msg ? xstrdup(msg) : NULL;
    assert_true(store_apply_event(&s, &ev));
    event_free(&ev);
    assert_int_equal(s.acc[0].state, want);
    assert_int_equal(s.acc[0].job, 0);
    if (want == ACCOUNT_IDLE)
        assert_null(s.acc[0].error);
    else
        assert_non_null(s.acc[0].error);
    store_free(&s);
}

static void test_errors(void **state)
{
    check_error_state(ERR_NETWORK, "connection refused", ACCOUNT_ERROR);
    check_error_state(ERR_PROVIDER, NULL, ACCOUNT_ERROR);
    check_error_state(ERR_KEYRING, "the keyring is locked: unlock it", ACCOUNT_KEYRING_LOCKED);
    check_error_state(ERR_KEYRING, "no Secret Service on the session bus",
                      ACCOUNT_KEYRING_UNAVAILABLE);
    check_error_state(ERR_CANCELLED, "cancelled", ACCOUNT_IDLE);
    /* the message is sanitised; old sessions stay on an error */
    struct store s;
    store_init(&s);
    set_accounts(&s, (const char *const[]){"prod", "clerk", NULL});
    store_set_loading(&s, 0, 1);
    struct event ok = list_event("prod", 1, 2);
    store_apply_event(&s, &ok);
    event_free(&ok);
    store_set_loading(&s, 0, 2);
    struct event bad = list_event("prod", 2, 0);
    bad.err = ERR_PROVIDER;
    bad.error = xstrdup("HTTP 500\x1b[31m boom\n");
    store_apply_event(&s, &bad);
    event_free(&bad);
    assert_string_equal(s.acc[0].error, "HTTP 500 boom ");
    assert_int_equal(s.acc[0].n_sessions, 2);
    assert_true(s.acc[0].loaded);
    store_set_error(&s, 0, "no worker");
    assert_int_equal(s.acc[0].state, ACCOUNT_ERROR);
    store_free(&s);
}

static void test_reload_keeps_state(void **state)
{
    struct store s;
    store_init(&s);
    set_accounts(&s, (const char *const[]){"prod", "clerk", "dev", "clerk", NULL});
    store_set_loading(&s, 0, 1);
    store_set_loading(&s, 1, 2);
    struct event a = list_event("prod", 1, 2), b = list_event("dev", 2, 3);
    store_apply_event(&s, &a);
    store_apply_event(&s, &b);
    event_free(&a);
    event_free(&b);
    assert_int_equal(s.sessions.n, 5);
    /* dev removed, new one added, prod kept in a new place */
    set_accounts(&s, (const char *const[]){"new", "clerk", "prod", "clerk", NULL});
    assert_int_equal(s.n_acc, 2);
    assert_int_equal(s.acc[0].state, ACCOUNT_IDLE);
    assert_int_equal(s.acc[1].state, ACCOUNT_OK);
    assert_int_equal(s.acc[1].n_sessions, 2);
    assert_int_equal(s.sessions.n, 2);
    /* same id, other provider: starts over */
    set_accounts(&s, (const char *const[]){"prod", "cbrain", NULL});
    assert_int_equal(s.acc[0].state, ACCOUNT_IDLE);
    assert_int_equal(s.sessions.n, 0);
    /* unknown provider: an error state, not a crash */
    set_accounts(&s, (const char *const[]){"odd", "nosuch\x1b[2J", NULL});
    assert_int_equal(s.acc[0].state, ACCOUNT_ERROR);
    assert_null(s.acc[0].provider);
    assert_string_equal(s.acc[0].error, "unknown provider 'nosuch'");
    set_accounts(&s, (const char *const[]){NULL});
    assert_int_equal(s.n_acc, 0);
    store_free(&s);
}

static void test_tracked(void **state)
{
    struct store s;
    store_init(&s);
    set_accounts(&s, (const char *const[]){"prod", "clerk", "lab", "cbrain", NULL});
    struct session_list t = {0};
    const char *owners[] = {"lab", "lab", "prod", "gone"};
    for (size_t i = 0; i < ARRAY_LEN(owners); i++) {
        struct session *x = session_list_push(&t);
        x->id = strslab_take(xasprintf("t%zu", i));
        x->account_id = strpool_get(owners[i]);
        x->tracked = true;
    }
    store_set_tracked(&s, &t);
    assert_int_equal(t.n, 0);
    /* only the account that does not list remotely takes them */
    assert_int_equal(s.acc[1].n_sessions, 2);
    assert_int_equal(s.acc[1].state, ACCOUNT_OK);
    assert_int_equal(s.acc[0].n_sessions, 0);
    assert_int_equal(s.acc[0].state, ACCOUNT_IDLE);
    assert_int_equal(s.sessions.n, 2);
    /* again: replaced, not added */
    struct session *x = session_list_push(&t);
    x->id = strslab_dup("t9");
    x->account_id = strpool_get("lab");
    store_set_tracked(&s, &t);
    assert_int_equal(s.acc[1].n_sessions, 1);
    assert_int_equal(s.sessions.n, 1);
    /* the same again (R, nothing new): the sessions shown did not change */
    unsigned sv = s.sessions_version;
    x = session_list_push(&t);
    x->id = strslab_dup("t9");
    x->account_id = strpool_get("lab");
    x = session_list_push(&t);
    x->id = strslab_dup("t8");
    x->account_id = strpool_get("prod"); /* not taken: prod lists */
    store_set_tracked(&s, &t);
    assert_int_equal(t.n, 0);
    assert_int_equal(s.sessions_version, sv);
    assert_int_equal(s.sessions.n, 1);
    assert_int_equal(s.acc[1].n_sessions, 1);
    /* a field changed, one more, one fewer: they did */
    const char *ids[][2] = {{"t9", "Mac"}, {"t9", NULL}, {"t9", "t7"}, {NULL, NULL}};
    for (size_t r = 0; r < ARRAY_LEN(ids); r++) {
        sv = s.sessions_version;
        if (ids[r][0]) {
            x = session_list_push(&t);
            x->id = strslab_dup(ids[r][0]);
            x->account_id = strpool_get("lab");
            if (r == 0)
                x->device = strpool_get(ids[r][1]);
        }
        if (r == 2) {
            x = session_list_push(&t);
            x->id = strslab_dup(ids[r][1]);
            x->account_id = strpool_get("lab");
        }
        store_set_tracked(&s, &t);
        assert_true(s.sessions_version != sv);
    }
    assert_int_equal(s.sessions.n, 0);
    session_list_clear(&t);
    store_free(&s);
}

/* Tracked sessions PREFIX0.. of account, active (expiring at expires[i],
 * 0 for none), into the store. */
static void track(struct store *s, const char *account, const char *prefix,
                  const int64_t *expires, int n)
{
    struct session_list t = {0};
    for (int i = 0; i < n; i++) {
        struct session *x = session_list_push(&t);
        x->id = strslab_take(xasprintf("%s%d", prefix, i));
        x->account_id = strpool_get(account);
        x->status = SESSION_ACTIVE;
        x->created_ms = 1000;
        x->expires_ms = expires ? expires[i] : 0;
        x->tracked = true;
    }
    store_set_tracked(s, &t);
}

/* The answer to refresh job `job` of account: err, with error. */
static void refresh_failed(struct event *ev, uint64_t job, const char *account, int err,
                           const char *error)
{
    memset(ev, 0, sizeof *ev);
    ev->kind = JOB_OP;
    ev->op = OP_REFRESH;
    ev->job_id = job;
    ev->account_id = xstrdup(account);
    ev->err = err;
    ev->error = xstrdup(error);
}

/* CBRAIN's checks (OP_INFO): the account loads until each has answered;
 * news is merged into the tracked session, sanitised; a failed check is the
 * account's error; late or unknown answers are dropped. */
static void test_checks(void **state)
{
    struct store s;
    store_init(&s);
    set_accounts(&s, (const char *const[]){"lab", "cbrain", NULL});
    track(&s, "lab", "c", NULL, 2);
    unsigned sv = s.sessions_version;
    store_add_check(&s, 0, 11, "c1");
    store_add_check(&s, 0, 12, "c0");
    assert_int_equal(s.acc[0].state, ACCOUNT_LOADING);
    assert_int_equal(store_in_flight(&s), 1);
    assert_int_equal(s.sessions_version, sv); /* nothing shown changed yet */
    struct event ev;
    memset(&ev, 0, sizeof ev);
    ev.kind = JOB_OP;
    ev.op = OP_INFO;
    ev.job_id = 11;
    ev.account_id = xstrdup("lab");
    struct session *u = session_list_push(&ev.result.sessions);
    u->id = strslab_dup("c1");
    u->status = SESSION_EXPIRED;
    u->user_display = strpool_get("demo\x1b]0;x\x07");
    assert_true(store_apply_event(&s, &ev));
    assert_false(store_apply_event(&s, &ev)); /* the same answer again: dropped */
    event_free(&ev);
    assert_int_equal(s.acc[0].state, ACCOUNT_LOADING); /* one still out */
    struct session *c1 = store_session_find(&s, "lab", "c1");
    assert_non_null(c1);
    assert_int_equal(c1->status, SESSION_EXPIRED);
    assert_int_equal(c1->created_ms, 1000); /* kept */
    assert_string_equal(c1->user_display, "demo");
    assert_string_equal(c1->account_id, "lab");
    assert_true(s.sessions_version != sv);
    memset(&ev, 0, sizeof ev);
    ev.kind = JOB_OP;
    ev.op = OP_INFO;
    ev.job_id = 12;
    ev.account_id = xstrdup("lab");
    ev.err = ERR_KEYRING;
    ev.error = xstrdup("no API token for this session");
    assert_true(store_apply_event(&s, &ev));
    event_free(&ev);
    assert_int_equal(s.acc[0].state, ACCOUNT_ERROR);
    assert_string_equal(s.acc[0].error, "no API token for this session");
    assert_int_equal(store_in_flight(&s), 0);
    /* a new round that goes well clears the error */
    store_add_check(&s, 0, 13, "c0");
    memset(&ev, 0, sizeof ev);
    ev.kind = JOB_OP;
    ev.op = OP_INFO;
    ev.job_id = 13;
    ev.account_id = xstrdup("lab");
    assert_true(store_apply_event(&s, &ev));
    event_free(&ev);
    assert_int_equal(s.acc[0].state, ACCOUNT_OK);
    assert_null(s.acc[0].error);
    assert_null(store_session_find(&s, "lab", "nope"));
    assert_null(store_session_find(&s, "other", "c1"));
    store_free(&s);
}

/* Plantly's refreshes (OP_REFRESH) are checks too; one refused (400/401)
 * leaves its session as it is now, not "active": unknown while its access
 * token may live, expired after; handed back for the state file. */
static void test_refused_refresh(void **state)
{
    struct store s;
    store_init(&s);
    set_accounts(&s, (const char *const[]){"pl", "plantly", NULL});
    const int64_t expires[] = {now_ms() + 3600 * 1000, now_ms() - 1000};
    track(&s, "pl", "p", expires, 2);
    const enum session_status want[] = {SESSION_UNKNOWN, SESSION_EXPIRED};
    for (int i = 0; i < 2; i++) {
        char *sid = xasprintf("p%d", i);
        store_add_check(&s, 0, 20 + i, sid);
        struct event ev;
        refresh_failed(&ev, 20 + i, "pl", ERR_PROVIDER,
                       "HTTP 401 from Plantly: refresh token no longer valid, log in again");
        assert_true(store_apply_event(&s, &ev));
        assert_int_equal(store_session_find(&s, "pl", sid)->status, want[i]);
        assert_int_equal(ev.result.sessions.n, 1);
        assert_string_equal(ev.result.sessions.v[0].id, sid);
        assert_int_equal(ev.result.sessions.v[0].status, want[i]);
        event_free(&ev);
        free(sid);
    }
    assert_int_equal(s.acc[0].state, ACCOUNT_ERROR);
    store_free(&s);
}

/* A refresh whose answer was lost after it reached Plantly (maybe_done: cut
 * short, reset, too late) leaves its session unknown too, and says why: the
 * tokens may have been rotated with it. One that never reached Plantly
 * (unreachable) changes nothing. */
static void test_lost_refresh_answer(void **state)
{
    struct store s;
    store_init(&s);
    set_accounts(&s, (const char *const[]){"pl", "plantly", NULL});
    const int64_t expires[] = {now_ms() + 3600 * 1000, now_ms() + 3600 * 1000};
    track(&s, "pl", "p", expires, 2);
    const bool lost[] = {false, true};
    const enum session_status want[] = {SESSION_ACTIVE, SESSION_UNKNOWN};
    for (int i = 0; i < 2; i++) {
        char *sid = xasprintf("p%d", i);
        store_add_check(&s, 0, 30 + i, sid);
        struct event ev;
        refresh_failed(&ev, 30 + i, "pl", ERR_NETWORK,
                       lost[i] ? "connection to Plantly failed: transfer closed"
                               : "could not reach Plantly: refused");
        ev.result.maybe_done = lost[i];
        assert_true(store_apply_event(&s, &ev));
        assert_int_equal(store_session_find(&s, "pl", sid)->status, want[i]);
        assert_int_equal(ev.result.sessions.n, lost[i] ? 1 : 0);
        event_free(&ev);
        free(sid);
        if (!lost[i]) { /* the first error stands until the checks are over */
            assert_null(strstr(s.acc[0].error, "rotated"));
            free(s.acc[0].error);
            s.acc[0].error = NULL;
        }
    }
    assert_non_null(strstr(s.acc[0].error, "Plantly may have rotated its tokens"));
    store_free(&s);
}

/* sessions_version moves with the sessions, not with account states. */
static void test_sessions_version(void **state)
{
    struct store s;
    store_init(&s);
    set_accounts(&s, (const char *const[]){"prod", "clerk", NULL});
    unsigned sv = s.sessions_version;
    store_set_loading(&s, 0, 5);
    assert_int_equal(s.sessions_version, sv);
    struct event ev = list_event("prod", 5, 4);
    assert_true(store_apply_event(&s, &ev));
    event_free(&ev);
    assert_true(s.sessions_version != sv);
    sv = s.sessions_version;
    store_set_loading(&s, 0, 6);
    struct event p = list_event("prod", 6, 0);
    p.progress = true;
    assert_true(store_apply_event(&s, &p));
    event_free(&p);
    assert_int_equal(s.sessions_version, sv);
    /* the same accounts again (R): nothing the sessions view shows changed */
    set_accounts(&s, (const char *const[]){"prod", "clerk", NULL});
    assert_int_equal(s.sessions_version, sv);
    assert_int_equal(s.acc[0].n_sessions, 4);
    /* a label changed: it does */
    struct account_list l = {0};
    add_account(&l, "prod", "clerk");
    free(l.v[0].label);
    l.v[0].label = xstrdup("Production");
    store_set_accounts(&s, &l);
    account_list_free(&l);
    assert_true(s.sessions_version != sv);
    sv = s.sessions_version;
    /* another account before it: the indexes of the accounts moved */
    set_accounts(&s, (const char *const[]){"lab", "clerk", "prod", "clerk", NULL});
    assert_true(s.sessions_version != sv);
    assert_int_equal(s.acc[1].n_sessions, 4);
    store_free(&s);
}

/* A list replaces the last one: the old sessions wait in the graveyard
 * until store_work frees them, a slice at a time. */
static void test_graveyard(void **state)
{
    struct store s;
    store_init(&s);
    set_accounts(&s, (const char *const[]){"a", "clerk", "b", "clerk", NULL});
    store_set_loading(&s, 0, 1);
    struct event ev = list_event("a", 1, 5);
    assert_true(store_apply_event(&s, &ev));
    event_free(&ev);
    assert_int_equal(store_work(&s, 0), 0);
    store_set_loading(&s, 1, 2);
    ev = list_event("b", 2, 3);
    assert_true(store_apply_event(&s, &ev));
    event_free(&ev);
    assert_int_equal(s.sessions.n, 8);
    /* a's new list: its 5 go, b's 3 stay */
    store_set_loading(&s, 0, 3);
    ev = list_event("a", 3, 2);
    ev.result.sessions.v[1].device = strpool_get("Mac\x1b[2J");
    assert_true(store_apply_event(&s, &ev));
    event_free(&ev);
    assert_int_equal(s.sessions.n, 5);
    assert_int_equal(s.acc[0].n_sessions, 2);
    assert_int_equal(s.acc[1].n_sessions, 3);
    assert_string_equal(store_session_find(&s, "a", "sess_1")->device, "Mac");
    assert_non_null(store_session_find(&s, "b", "sess_2"));
    assert_null(store_session_find(&s, "a", "sess_4"));
    /* (5 went, 3 stayed: the array of 8 goes whole, the 3 slots emptied) */
    assert_int_equal(store_work(&s, 0), 8);
    assert_int_equal(store_work(&s, 2), 6);
    assert_int_equal(store_work(&s, 10), 0);
    assert_int_equal(store_work(&s, 10), 0);
    assert_int_equal(s.sessions.n, 5);
    assert_non_null(store_session_find(&s, "b", "sess_0"));
    assert_non_null(store_session_find(&s, "b", "sess_1"));
    /* every session of the store goes: the array moves over whole */
    set_accounts(&s, (const char *const[]){"c", "clerk", NULL});
    assert_int_equal(s.sessions.n, 0);
    assert_int_equal(store_work(&s, 0), 5);
    store_free(&s); /* frees what is left in the graveyard */
}

/* A list of more than STORE_AT_ONCE sessions is sanitised by store_work,
 * a slice at a time; the account loads until it is in. */
static void test_big_list(void **state)
{
    struct store s;
    store_init(&s);
    set_accounts(&s, (const char *const[]){"big", "clerk", "small", "clerk", NULL});
    store_set_loading(&s, 1, 9);
    struct event ev = list_event("small", 9, 2);
    assert_true(store_apply_event(&s, &ev));
    event_free(&ev);
    size_t n = STORE_AT_ONCE + 1500;
    store_set_loading(&s, 0, 10);
    ev = list_event("big", 10, n);
    ev.result.sessions.v[n - 1].user_display = strpool_get("Eve\x1b[2J");
    strpool_put(ev.result.sessions.v[3].account_id);
    ev.result.sessions.v[3].account_id = strpool_get("someone else");
    unsigned sv = s.sessions_version;
    assert_true(store_apply_event(&s, &ev));
    assert_int_equal(ev.result.sessions.n, 0);
    event_free(&ev);
    /* not in yet */
    assert_int_equal(s.acc[0].state, ACCOUNT_LOADING);
    assert_int_equal(s.acc[0].job, 10);
    assert_int_equal(store_in_flight(&s), 1);
    assert_int_equal(s.sessions.n, 2);
    assert_int_equal(s.sessions_version, sv);
    /* n to sanitise, then the 2 shown to look at */
    assert_int_equal(store_work(&s, 0), n + 2);
    assert_int_equal(store_work(&s, 1000), n + 2 - 1000);
    assert_int_equal(s.sessions.n, 2);
    /* the rest: in, sanitised, owned by the account */
    while (store_work(&s, 1000) > 0)
        ;
    assert_int_equal(s.acc[0].state, ACCOUNT_OK);
    assert_int_equal(s.acc[0].job, 0);
    assert_true(s.acc[0].loaded);
    assert_int_equal(s.acc[0].n_sessions, n);
    assert_int_equal(s.acc[1].n_sessions, 2);
    assert_int_equal(s.sessions.n, n + 2);
    assert_true(s.sessions_version != sv);
    char last[32];
    snprintf(last, sizeof last, "sess_%zu", n - 1);
    assert_string_equal(store_session_find(&s, "big", last)->user_display, "Eve");
    assert_non_null(store_session_find(&s, "big", "sess_3"));
    assert_int_equal(store_in_flight(&s), 0);

    /* cancelled while it is taken in: dropped */
    store_set_loading(&s, 0, 11);
    ev = list_event("big", 11, n);
    assert_true(store_apply_event(&s, &ev));
    event_free(&ev);
    store_forget_jobs(&s, "big");
    assert_int_equal(s.acc[0].state, ACCOUNT_OK);
    while (store_work(&s, 5000) > 0)
        ;
    assert_int_equal(s.sessions.n, n + 2); /* the old list stays */
    /* the account goes while a list is taken in: freed */
    store_set_loading(&s, 0, 12);
    ev = list_event("big", 12, n);
    assert_true(store_apply_event(&s, &ev));
    event_free(&ev);
    set_accounts(&s, (const char *const[]){"small", "clerk", NULL});
    assert_int_equal(s.sessions.n, 2);
    assert_int_equal(s.acc[0].n_sessions, 2);
    store_free(&s);
}

/* Flags are computed when a list is taken in: a small one at once, a big
 * one a slice at a time between keys; a revoke counts again. */
static void test_flags_taken_in(void **state)
{
    struct store s;
    store_init(&s);
    struct account_list l = {0};
    add_account(&l, "prod", "clerk");
    account_set_field(&l.v[0], "many_live", "2");
    store_set_accounts(&s, &l);
    account_list_free(&l);
    store_set_loading(&s, 0, 7);
    struct event ev = list_event("prod", 7, 4);
    for (size_t i = 0; i < 4; i++)
        ev.result.sessions.v[i].user_id = strpool_get(i < 3 ? "u1" : "u2");
    ev.result.sessions.v[0].flags = FLAG_IMPERSONATED;
    assert_true(store_apply_event(&s, &ev));
    event_free(&ev);
    assert_int_equal(store_work(&s, 0), 0);
    struct session *a = store_session_find(&s, "prod", "sess_0");
    assert_int_equal(a->flags, FLAG_IMPERSONATED | FLAG_MANY_LIVE);
    assert_int_equal(store_session_find(&s, "prod", "sess_1")->flags, FLAG_MANY_LIVE);
    assert_int_equal(store_session_find(&s, "prod", "sess_3")->flags, 0);
    /* revoked: u1 has two live sessions left, not more than two */
    struct session fresh = {0};
    fresh.id = "sess_1";
    fresh.status = SESSION_REVOKED;
    unsigned sv = s.sessions_version;
    store_merge_session(&s, "prod", &fresh);
    assert_int_equal(store_session_find(&s, "prod", "sess_0")->flags, FLAG_IMPERSONATED);
    assert_int_equal(store_session_find(&s, "prod", "sess_2")->flags, 0);
    assert_true(s.sessions_version != sv);

    /* a big list: flagged by store_work, a slice at a time */
    size_t n = STORE_AT_ONCE + 100;
    store_set_loading(&s, 0, 8);
    ev = list_event("prod", 8, n);
    for (size_t i = 0; i < n; i++)
        ev.result.sessions.v[i].user_id = strpool_get("u9");
    assert_true(store_apply_event(&s, &ev));
    event_free(&ev);
    while (s.acc[0].job) /* taken in ... */
        store_work(&s, 1000);
    assert_true(store_work(&s, 0) > 0); /* ... and not yet flagged */
    assert_int_equal(store_session_find(&s, "prod", "sess_5")->flags, 0);
    while (store_work(&s, 1000) > 0)
        ;
    assert_int_equal(store_session_find(&s, "prod", "sess_5")->flags, FLAG_MANY_LIVE);
    assert_int_equal(store_session_find(&s, "prod", "sess_5099")->flags, FLAG_MANY_LIVE);
    store_free(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_flags_taken_in),
        cmocka_unit_test(test_checks),
        cmocka_unit_test(test_refused_refresh),
        cmocka_unit_test(test_lost_refresh_answer),
        cmocka_unit_test(test_sessions_version),
        cmocka_unit_test(test_graveyard),
        cmocka_unit_test(test_big_list),
        cmocka_unit_test(test_accounts_and_states),
        cmocka_unit_test(test_list_event),
        cmocka_unit_test(test_progress),
        cmocka_unit_test(test_late_answers_dropped),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_reload_keeps_state),
        cmocka_unit_test(test_tracked),
    };
    return cmocka_run_group_tests_name("store", tests, NULL, NULL);
}
