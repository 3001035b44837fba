/* The detail overlay (Enter on a session): every field with its label,
 * times both absolute and relative, then the provider's raw JSON pretty-
 * printed. Long values wrap; the whole scrolls. It holds a copy of the
 * session and follows the store's newer view of it while open. */
#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "actions.h"
#include "app.h"
#include "draw.h"
#include "flags.h"
#include "redact.h"
#include "providers/provider.h"
#include "session_status.h"
#include "table.h"
#include "util.h"

#define LABEL_WIDTH 13 /* "Last active" + room */
#define INDENT 2

struct line {
    char *label;     /* NULL: a line of its own (a rule, JSON) */
    char *text;      /* sanitised */
    enum role role;
    bool rule;       /* a titled rule */
};

struct detail_view {
    struct session s;
    bool gone;           /* no longer in the store */
    char *json;          /* raw_json pretty-printed (or as received), sanitised per line */
    char *fetched;       /* the raw JSON asked for (OP_GET) when the list left it out */
    bool fetching;       /* ... and not here yet */
    char *fetch_error;   /* ... or why it did not come (sanitised) */
    size_t top;
    size_t n_shown;      /* display lines at the last draw */
    int64_t drawn_ms;    /* the clock of the relative times on screen */
};

static struct detail_view *priv(const struct view *v)
{
    return v->priv;
}

static void pretty_json(struct detail_view *dv)
{
    free(dv->json);
    dv->json = NULL;
    const char *raw = dv->s.raw_json ? dv->s.raw_json : dv->fetched;
    if (!raw)
        return;
    cJSON *j = cJSON_Parse(raw);
    char *text = j ? cJSON_Print(j) : NULL;
    cJSON_Delete(j);
    const char *src = text ? text : raw;
    /* cJSON's tabs: two blanks of indent, one after a colon; every line is
     * sanitised when drawn */
    size_t n = 0;
    for (const char *p = src; *p; p++)
        n += *p == '\t' ? 2 : 1;
    char *out = xmalloc(n + 1), *o = out;
    bool indent = true;
    for (const char *p = src; *p; p++) {
        if (*p == '\t' && indent) {
            *o++ = ' ';
            *o++ = ' ';
        } else {
            *o++ = *p == '\t' ? ' ' : *p;
            indent = *p == '\n';
        }
    }
    *o = '\0';
    free(text);
    dv->json = out;
}

/* ---- lines ---- */

struct lines {
    struct line *v;
    size_t n, cap;
};

static void add(struct lines *l, const char *label, const char *text, enum role role)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 32;
        l->v = xrealloc(l->v, l->cap * sizeof *l->v);
    }
    l->v[l->n++] = (struct line){xstrdup(label), sanitize_text(text ? text : ""), role, false};
}

static void add_field(struct lines *l, const char *label, const char *value)
{
    if (str_empty(value))
        add(l, label, "-", C_DIM);
    else
        add(l, label, value, C_DEFAULT);
}

static void lines_free(struct lines *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->v[i].label);
        free(l->v[i].text);
    }
    free(l->v);
}

/* "2025-01-02 15:04:05 UTC (3m 10s ago)", "" if unknown. */
static char *time_text(int64_t ms, int64_t now)
{
    if (ms <= 0)
        return xstrdup("");
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    char abs[64] = "?", rel[48];
    if (localtime_r(&t, &tm))
        strftime(abs, sizeof abs, "%Y-%m-%d %H:%M:%S %Z", &tm);
    int64_t d = ms - now;
    if (d > 0) {
        format_duration(d, rel, sizeof rel);
        return xasprintf("%s (in %s)", abs, rel);
    }
    if (-d < 1000)
        return xasprintf("%s (just now)", abs);
    format_duration(-d, rel, sizeof rel);
    return xasprintf("%s (%s ago)", abs, rel);
}

/* Why each of its flags is there (flags.h), a line each. */
static void add_flags(struct lines *l, const struct detail_view *dv,
                      const struct store_account *sa, const struct store *st, int64_t now)
{
    const struct session *s = &dv->s;
    if (!s->flags || !sa)
        return;
    size_t n_live = 0;
    for (size_t k = 0; s->user_id && k < st->sessions.n; k++) {
        const struct session *x = &st->sessions.v[k];
        n_live += x->user_id && x->account_id && strcmp(x->user_id, s->user_id) == 0 &&
                  strcmp(x->account_id, sa->a.id) == 0 &&
                  session_status_live(session_status_seen(x, now));
    }
    struct session probe = *s; /* the raw JSON fetched names the impersonator */
    if (!probe.raw_json)
        probe.raw_json = dv->fetched;
    char *why = flags_explain(&probe, &sa->policy, sa->seen, n_live, now);
    const char *label = "Flags";
    for (char *line = why, *end; line && *line; line = end ? end + 1 : NULL) {
        end = strchr(line, '\n');
        if (end)
            *end = '\0';
        add(l, label, line, C_FLAG);
        label = "";
    }
    free(why);
}

/* Every field of s (the session, or its masked copy in screen-share mode). */
static void build_fields(struct view *v, struct app *app, struct lines *l, int64_t now,
                         const struct session *s, const struct store_account *sa)
{
    struct detail_view *dv = priv(v);
    add_field(l, "Provider", sa ? (sa->provider ? sa->provider->title : sa->a.provider_id) : NULL);
    add_field(l, "Account", sa ? (sa->a.label ? sa->a.label : sa->a.id) : s->account_id);
    add_field(l, "Session", s->id);
    enum session_status st = session_status_seen(s, now);
    char *status = st != s->status ? xasprintf("%s (listed as %s)", session_status_name(st),
                                               session_status_name(s->status))
                                   : xstrdup(session_status_name(st));
    if (dv->gone) {
        char *g = xasprintf("%s; no longer listed", status);
        free(status);
        status = g;
    }
    add(l, "Status", status, session_status_role(s, now, sa ? sa->policy.expiring_ms
                                                         : POLICY_EXPIRING_DEFAULT_MS));
    free(status);
    if (app->redact && s->flags) { /* the reasons name places and devices */
        char names[96];
        add(l, "Flags", flags_text(s->flags, names, sizeof names), C_FLAG);
    } else {
        add_flags(l, dv, sa, &app->store, now);
    }
    add_field(l, "User", s->user_display);
    add_field(l, "User id", s->user_id);
    add_field(l, "Client id", s->client_id);
    const struct {
        const char *label;
        int64_t ms;
    } times[] = {{"Created", s->created_ms}, {"Last active", s->last_active_ms},
                 {"Expires", s->expires_ms}, {"Idle limit", s->abandon_ms}};
    for (size_t i = 0; i < ARRAY_LEN(times); i++) {
        if (!times[i].ms && strcmp(times[i].label, "Idle limit") == 0)
            continue; /* only Clerk has one */
        char *t = time_text(times[i].ms, now);
        add_field(l, times[i].label, t);
        free(t);
    }
    add_field(l, "Device", s->device);
    add_field(l, "Browser", s->browser);
    add_field(l, "IP", s->ip);
    add_field(l, "Place", s->place);
    add(l, "Tracked", s->tracked ? "yes: created here, kept in the state file"
                                 : "no: listed by the provider", C_DEFAULT);
    if (s->has_url) {
        char open[32], show[32];
        app_key_for(app, ACT_OPEN_URL, open, sizeof open);
        app_key_for(app, ACT_SHOW_URL, show, sizeof show);
        char *u = xasprintf("in the keyring (%s opens it, %s shows it)", open, show);
        add(l, "URL", u, C_DEFAULT);
        free(u);
    }
    add(l, NULL, "", C_DEFAULT);
    add(l, NULL, "Raw JSON", C_PANE_TITLE);
    l->v[l->n - 1].rule = true;
}

static void build(struct view *v, struct app *app, struct lines *l, int64_t now)
{
    struct detail_view *dv = priv(v);
    const struct store_account *sa = store_find(&app->store, dv->s.account_id);
    if (app->redact) { /* screen-share mode: what could name someone is masked */
        struct session masked;
        redact_session(&dv->s, &masked);
        build_fields(v, app, l, now, &masked, sa);
        redacted_session_free(&masked);
        char key[32];
        char *why = xasprintf("(hidden in screen-share mode: %s shows it)",
                              app_key_for(app, ACT_REDACT, key, sizeof key));
        add(l, NULL, why, C_DIM);
        free(why);
        return;
    }
    build_fields(v, app, l, now, &dv->s, sa);
    const struct session *s = &dv->s;
    if (!dv->json) {
        if (dv->fetching) {
            add(l, NULL, text_ascii() ? "loading..." : "loading\xe2\x80\xa6", C_DIM);
        } else if (dv->fetch_error) {
            char *why = xasprintf("(could not fetch it: %s)", dv->fetch_error);
            add(l, NULL, why, C_DIM);
            free(why);
        } else {
            add(l, NULL, s->tracked ? "(none: this session was created here, not listed)"
                                    : "(the provider sent none)", C_DIM);
        }
        return;
    }
    const char *p = dv->json;
    while (*p) {
        const char *e = strchr(p, '\n');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        char *one = xstrndup(p, len);
        add(l, NULL, one, C_DEFAULT);
        free(one);
        p += len + (e ? 1 : 0);
    }
}

/* ---- wrapping ---- */

/* Bytes of s that fit in width columns (at least one character). */
static size_t fit_bytes(const char *s, int width)
{
    size_t at = 0;
    int used = 0;
    while (s[at]) {
        size_t len = 1;
        unsigned char c = (unsigned char)s[at];
        if (c >= 0xc0)
            while (len < 4 && ((unsigned char)s[at + len] & 0xc0) == 0x80)
                len++;
        char one[5] = {0};
        memcpy(one, s + at, len);
        int w = text_width(one);
        if (used + w > width && at > 0)
            break;
        used += w;
        at += len;
    }
    return at;
}

struct row {
    const struct line *line;
    const char *part;   /* into line->text */
    size_t len;
    bool first;
};

/* Display rows of every line wrapped to width; returned owned, *n set. */
static struct row *wrap(const struct lines *l, int width, int label_w, size_t *n)
{
    size_t cap = l->n + 16, k = 0;
    struct row *rows = xmalloc(cap * sizeof *rows);
    for (size_t i = 0; i < l->n; i++) {
        const struct line *ln = &l->v[i];
        int w = ln->label ? width - label_w : width;
        if (w < 8)
            w = 8;
        const char *p = ln->text;
        bool first = true;
        do {
            size_t len = ln->rule ? strlen(p) : fit_bytes(p, first || ln->label ? w : w - 4);
            if (k == cap) {
                cap *= 2;
                rows = xrealloc(rows, cap * sizeof *rows);
            }
            rows[k++] = (struct row){ln, p, len, first};
            p += len;
            first = false;
        } while (*p);
    }
    *n = k;
    return rows;
}

/* ---- the view ---- */

static size_t body_rows(const struct view *v)
{
    return v->area.h > 2 ? (size_t)(v->area.h - 2) : 0; /* title, footer */
}

static void draw(struct view *v, struct app *app)
{
    const struct rect *r = &v->area;
    struct detail_view *dv = priv(v);
    for (int y = 0; y < r->h; y++)
        draw_fill(r->y + y, r->x, r->w, C_DEFAULT);
    char close[32];
    app_key_for(app, ACT_BACK, close, sizeof close);
    char *id = app->redact ? redact_value(REDACT_ID, dv->s.id) : xstrdup(dv->s.id);
    char *title = xasprintf("Session %s (%s closes)", id ? id : "?", close);
    free(id);
    char *clean = sanitize_text(title);
    draw_rule(r->y, r->x, r->w, clean, C_BORDER, C_PANE_TITLE);
    free(clean);
    free(title);
    struct lines l = {0};
    int64_t now = now_ms() / 1000 * 1000; /* whole seconds: ticks with the table's countdowns */
    dv->drawn_ms = now;
    build(v, app, &l, now);
    int width = r->w - 2 * INDENT, label_w = LABEL_WIDTH + 1;
    size_t n;
    struct row *rows = wrap(&l, width, label_w, &n);
    size_t body = body_rows(v);
    dv->n_shown = n;
    if (dv->top + body > n)
        dv->top = n > body ? n - body : 0;
    for (size_t k = 0; k < body && dv->top + k < n; k++) {
        const struct row *row = &rows[dv->top + k];
        int y = r->y + 1 + (int)k, x = r->x + INDENT;
        char *part = xstrndup(row->part, row->len);
        if (row->line->rule) {
            draw_rule(y, r->x, r->w, part, C_BORDER, row->line->role);
        } else if (row->line->label) {
            if (row->first)
                draw_text(y, x, LABEL_WIDTH, row->line->label, C_HEADER, ALIGN_LEFT);
            draw_text(y, x + label_w, width - label_w, part, row->line->role, ALIGN_LEFT);
        } else {
            int ind = row->first ? 0 : 4;
            draw_text(y, x + ind, width - ind, part, row->line->role, ALIGN_LEFT);
        }
        free(part);
    }
    char *foot = n > body ? xasprintf("lines %zu-%zu of %zu  j/k PgUp/PgDn g/G scroll", dv->top + 1,
                                      dv->top + body < n ? dv->top + body : n, n)
                          : xstrdup("");
    draw_text(r->y + r->h - 1, r->x + INDENT, r->w - 2 * INDENT, foot, C_DIM, ALIGN_LEFT);
    free(foot);
    free(rows);
    lines_free(&l);
}

static bool action(struct view *v, struct app *app, enum action a)
{
    struct detail_view *dv = priv(v);
    size_t body = body_rows(v), n = dv->n_shown;
    size_t max_top = n > body ? n - body : 0;
    size_t page = body > 1 ? body - 1 : 1;
    if (scroll_action(&dv->top, max_top, page, a))
        return true;
    switch (a) {
    case ACT_BACK:
    case ACT_QUIT:
    case ACT_DETAILS:
        app_close_overlay(app);
        break;
    default:
        return false;
    }
    return true;
}

static bool mouse(struct view *v, struct app *app, const struct mouse_ev *m)
{
    for (int i = 0; i < 3; i++) {
        if (m->kind == MOUSE_WHEEL_UP)
            action(v, app, ACT_MOVE_UP);
        else if (m->kind == MOUSE_WHEEL_DOWN)
            action(v, app, ACT_MOVE_DOWN);
        else
            return false;
    }
    return true;
}

/* When a relative time shown next changes (seconds under an hour ...). */
static int64_t until_change(int64_t t, int64_t now)
{
    if (t <= 0)
        return -1;
    int64_t d = t > now ? t - now : now - t;
    int64_t step = d < 3600 * 1000 ? 1000 : d < 86400 * 1000 ? 60 * 1000 : 3600 * 1000;
    return t > now ? d % step + 1 : step - d % step;
}

static int64_t next_tick(struct view *v, struct app *app, int64_t now)
{
    const struct detail_view *dv = priv(v);
    const struct session *s = &dv->s;
    int64_t times[] = {s->created_ms, s->last_active_ms, s->expires_ms, s->abandon_ms}, best = -1;
    if (!dv->drawn_ms)
        return -1;
    for (size_t i = 0; i < ARRAY_LEN(times); i++) {
        int64_t d = until_change(times[i], dv->drawn_ms);
        if (d > 0 && (best < 0 || d < best))
            best = d;
    }
    return best < 0 ? -1 : (dv->drawn_ms + best + 999) / 1000 * 1000;
}

static void changed(struct view *v, struct app *app)
{
    struct detail_view *dv = priv(v);
    const struct session *fresh = store_session_find(&app->store, dv->s.account_id, dv->s.id);
    dv->gone = !fresh;
    if (!fresh)
        return;
    bool same_json = (!fresh->raw_json && !dv->s.raw_json) ||
                     (fresh->raw_json && dv->s.raw_json &&
                      strcmp(fresh->raw_json, dv->s.raw_json) == 0);
    struct session copy;
    session_copy(&copy, fresh);
    session_free(&dv->s);
    dv->s = copy;
    if (!same_json)
        pretty_json(dv);
}

static void destroy(struct view *v)
{
    struct detail_view *dv = priv(v);
    session_free(&dv->s);
    free(dv->json);
    free(dv->fetched);
    free(dv->fetch_error);
    free(dv);
    free(v);
}

static const struct view_ops detail_ops = {
    .name = "detail",
    .draw = draw,
    .action = action,
    .mouse = mouse,
    .next_tick = next_tick,
    .changed = changed,
    .destroy = destroy,
};

/* ---- the raw JSON of a listed session, asked for when opened ---- */

struct fetch {
    char *account_id, *session_id;
};

static void fetch_free(void *ctx)
{
    struct fetch *f = ctx;
    free(f->account_id);
    free(f->session_id);
    free(f);
}

/* The OP_GET answer: to the detail view of that session, if still open. */
static void fetch_done(struct app *app, struct event *ev, void *ctx)
{
    const struct fetch *f = ctx;
    struct view *v = app->overlay;
    if (!v || v->ops != &detail_ops)
        return;
    struct detail_view *dv = priv(v);
    if (!dv->fetching || !dv->s.id || !dv->s.account_id || strcmp(dv->s.id, f->session_id) != 0 ||
        strcmp(dv->s.account_id, f->account_id) != 0)
        return;
    dv->fetching = false;
    if (ev->err != 0) {
        dv->fetch_error = sanitize_text(ev->error ? ev->error : "failed");
    } else {
        for (size_t k = 0; k < ev->result.sessions.n; k++) {
            struct session *x = &ev->result.sessions.v[k];
            if (x->raw_json && x->id && strcmp(x->id, f->session_id) == 0) {
                dv->fetched = x->raw_json; /* taken: ev is freed after */
                x->raw_json = NULL;
                break;
            }
        }
        pretty_json(dv);
    }
    app->dirty = true;
}

/* Lists leave the raw JSON out where the provider can give one session's
 * (CAP_GET): ask for it now. */
static void fetch_raw_json(struct detail_view *dv, struct app *app)
{
    const struct session *s = &dv->s;
    const struct store_account *sa = store_find(&app->store, s->account_id);
    if (s->raw_json || s->tracked || !s->id || !sa || !sa->provider ||
        !store_account_lists(sa) || !(sa->provider->caps & CAP_GET))
        return;
    if (!app->worker) {
        dv->fetch_error = sanitize_text(app->worker_error ? app->worker_error : "no worker");
        return;
    }
    struct job j;
    memset(&j, 0, sizeof j);
    j.kind = JOB_OP;
    j.op = OP_GET;
    account_copy(&j.account, &sa->a);
    j.args.session_id = xstrdup(s->id);
    struct fetch *f = xcalloc(1, sizeof *f);
    f->account_id = xstrdup(s->account_id);
    f->session_id = xstrdup(s->id);
    dv->fetching = true;
    request_submit(app, &j, "fetching the session", fetch_done, f, fetch_free);
}

struct view *detail_view_new(struct app *app, const struct session *s)
{
    struct view *v = xcalloc(1, sizeof *v);
    struct detail_view *dv = xcalloc(1, sizeof *dv);
    v->ops = &detail_ops;
    v->priv = dv;
    session_copy(&dv->s, s);
    pretty_json(dv);
    fetch_raw_json(dv, app);
    return v;
}
