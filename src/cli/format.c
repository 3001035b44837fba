/* What the headless commands print: session and account listings as an
 * aligned table for people or as JSON for scripts (docs/json.md). Every
 * string from a provider or the config is sanitised before it is shown. */
#include "cli.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <wchar.h>

#include <cJSON.h>

#include "providers/common.h"
#include "util.h"

/* ---- the listing ------------------------------------------------------- */

void cli_listing_add(struct cli_listing *l, const struct account *a, const struct session *s,
                     int64_t now)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 16;
        l->rows = xrealloc(l->rows, l->cap * sizeof *l->rows);
    }
    struct cli_row *r = &l->rows[l->n++];
    memset(r, 0, sizeof *r);
    const struct provider *p = provider_find(a->provider_id);
    r->account_id = xstrdup(a->id);
    r->account_label = xstrdup(a->label ? a->label : a->id);
    r->provider_id = xstrdup(a->provider_id);
    r->provider_title = xstrdup(p ? p->title : a->provider_id);
    session_copy(&r->s, s);
    if (!r->s.account_id)
        r->s.account_id = xstrdup(a->id);
    if (r->s.expires_ms > 0 && r->s.expires_ms <= now && r->s.status != SESSION_REVOKED &&
        r->s.status != SESSION_ENDED && r->s.status != SESSION_REMOVED)
        r->s.status = SESSION_EXPIRED;
}

void cli_listing_fail(struct cli_listing *l, const struct account *a, int code,
                      const char *error)
{
    if (l->n_errs == l->cap_errs) {
        l->cap_errs = l->cap_errs ? l->cap_errs * 2 : 4;
        l->errs = xrealloc(l->errs, l->cap_errs * sizeof *l->errs);
    }
    struct cli_failure *f = &l->errs[l->n_errs++];
    f->account_id = xstrdup(a->id);
    f->account_label = xstrdup(a->label ? a->label : a->id);
    f->code = code;
    f->error = xstrdup(error ? error : "failed");
}

static void row_free(struct cli_row *r)
{
    free(r->account_id);
    free(r->account_label);
    free(r->provider_id);
    free(r->provider_title);
    session_free(&r->s);
}

void cli_listing_filter(struct cli_listing *l, enum session_status status)
{
    size_t k = 0;
    for (size_t i = 0; i < l->n; i++) {
        if (l->rows[i].s.status == status)
            l->rows[k++] = l->rows[i];
        else
            row_free(&l->rows[i]);
    }
    l->n = k;
}

static int cmp_str(const char *a, const char *b)
{
    return strcmp(a ? a : "", b ? b : "");
}

/* Rows of one account stay together in the order accounts were added;
 * qsort is not stable, so the first index of each account decides. */
struct keyed_row {
    size_t account_rank;
    const struct cli_row *row;
};

static int cmp_keyed(const void *x, const void *y)
{
    const struct keyed_row *a = x, *b = y;
    if (a->account_rank != b->account_rank)
        return a->account_rank < b->account_rank ? -1 : 1;
    if (a->row->s.created_ms != b->row->s.created_ms)
        return a->row->s.created_ms > b->row->s.created_ms ? -1 : 1;
    return cmp_str(a->row->s.id, b->row->s.id);
}

void cli_listing_sort(struct cli_listing *l)
{
    if (l->n < 2)
        return;
    struct keyed_row *k = xcalloc(l->n, sizeof *k);
    for (size_t i = 0; i < l->n; i++) {
        size_t rank = i;
        for (size_t j = 0; j < i; j++) {
            if (cmp_str(l->rows[j].account_id, l->rows[i].account_id) == 0) {
                rank = j;
                break;
            }
        }
        k[i].account_rank = rank;
        k[i].row = &l->rows[i];
    }
    qsort(k, l->n, sizeof *k, cmp_keyed);
    struct cli_row *sorted = xcalloc(l->cap, sizeof *sorted);
    for (size_t i = 0; i < l->n; i++)
        sorted[i] = *k[i].row;
    free(k);
    free(l->rows);
    l->rows = sorted;
}

void cli_listing_free(struct cli_listing *l)
{
    for (size_t i = 0; i < l->n; i++)
        row_free(&l->rows[i]);
    free(l->rows);
    for (size_t i = 0; i < l->n_errs; i++) {
        free(l->errs[i].account_id);
        free(l->errs[i].account_label);
        free(l->errs[i].error);
    }
    free(l->errs);
    memset(l, 0, sizeof *l);
}

/* ---- JSON ------------------------------------------------------------------ */

static void add_str(cJSON *o, const char *key, const char *value)
{
    if (!value) {
        cJSON_AddNullToObject(o, key);
        return;
    }
    char *clean = sanitize_text(value);
    cJSON_AddStringToObject(o, key, clean);
    free(clean);
}

static void add_time(cJSON *o, const char *key, int64_t ms)
{
    if (ms <= 0) {
        cJSON_AddNullToObject(o, key);
        return;
    }
    char buf[40];
    format_iso8601(ms, buf, sizeof buf);
    cJSON_AddStringToObject(o, key, buf);
}

static char *print_json(cJSON *doc)
{
    char *s = cJSON_Print(doc);
    char *out = xstrdup(s ? s : "null");
    cJSON_free(s);
    cJSON_Delete(doc);
    return out;
}

char *cli_listing_json(const struct cli_listing *l)
{
    cJSON *doc = cJSON_CreateObject();
    cJSON *arr = cJSON_AddArrayToObject(doc, "sessions");
    for (size_t i = 0; i < l->n; i++) {
        const struct cli_row *r = &l->rows[i];
        const struct session *s = &r->s;
        cJSON *o = cJSON_CreateObject();
        add_str(o, "account", r->account_id);
        add_str(o, "account_label", r->account_label);
        add_str(o, "provider", r->provider_id);
        add_str(o, "id", s->id);
        add_str(o, "user_id", s->user_id);
        add_str(o, "user", s->user_display);
        add_str(o, "client_id", s->client_id);
        add_str(o, "status", session_status_name(s->status));
        add_time(o, "created_at", s->created_ms);
        add_time(o, "last_active_at", s->last_active_ms);
        add_time(o, "expires_at", s->expires_ms);
        add_str(o, "device", s->device);
        add_str(o, "browser", s->browser);
        add_str(o, "ip", s->ip);
        add_str(o, "place", s->place);
        cJSON_AddBoolToObject(o, "tracked", s->tracked);
        cJSON_AddBoolToObject(o, "has_url", s->has_url);
        cJSON_AddItemToArray(arr, o);
    }
    cJSON *errs = cJSON_AddArrayToObject(doc, "errors");
    for (size_t i = 0; i < l->n_errs; i++) {
        cJSON *o = cJSON_CreateObject();
        add_str(o, "account", l->errs[i].account_id);
        add_str(o, "account_label", l->errs[i].account_label);
        add_str(o, "error", l->errs[i].error);
        cJSON_AddNumberToObject(o, "code", l->errs[i].code);
        cJSON_AddItemToArray(errs, o);
    }
    return print_json(doc);
}

char *cli_accounts_json(const struct account_list *l)
{
    cJSON *doc = cJSON_CreateObject();
    cJSON *arr = cJSON_AddArrayToObject(doc, "accounts");
    for (size_t i = 0; i < l->n; i++) {
        const struct account *a = &l->v[i];
        const struct provider *p = provider_find(a->provider_id);
        cJSON *o = cJSON_CreateObject();
        add_str(o, "id", a->id);
        add_str(o, "label", a->label);
        add_str(o, "provider", a->provider_id);
        add_str(o, "provider_title", p ? p->title : NULL);
        add_str(o, "base_url", a->base_url);
        add_str(o, "effective_base_url", p ? provider_base_url(p, a) : a->base_url);
        add_str(o, "ca_file", a->ca_file);
        cJSON_AddBoolToObject(o, "allow_http", a->allow_http);
        cJSON *fields = cJSON_AddObjectToObject(o, "fields");
        for (size_t k = 0; k < a->n_fields; k++) {
            char *key = sanitize_text(a->fields[k].key);
            add_str(fields, key, a->fields[k].value);
            free(key);
        }
        cJSON_AddItemToArray(arr, o);
    }
    return print_json(doc);
}

/* ---- tables -------------------------------------------------------------- */

size_t cli_text_width(const char *s)
{
    mbstate_t st;
    memset(&st, 0, sizeof st);
    size_t w = 0, left = strlen(s);
    while (left > 0) {
        wchar_t wc;
        size_t n = mbrtowc(&wc, s, left, &st);
        if (n == (size_t)-1 || n == (size_t)-2) {
            memset(&st, 0, sizeof st);
            n = 1;
            w++;
        } else {
            if (n == 0)
                break;
            int cw = wcwidth(wc);
            w += cw > 0 ? (size_t)cw : 0;
        }
        s += n;
        left -= n;
    }
    return w;
}

/* A sanitised copy of s no wider than max columns ("…" marks a cut). */
static char *cell(const char *s, size_t max)
{
    char *clean = sanitize_text(s ? s : "-");
    if (!*clean) {
        free(clean);
        return xstrdup("-");
    }
    if (cli_text_width(clean) <= max)
        return clean;
    const char *ell = MB_CUR_MAX > 1 ? "\xe2\x80\xa6" : "~";
    mbstate_t st;
    memset(&st, 0, sizeof st);
    size_t w = 0, off = 0, left = strlen(clean);
    while (left > 0) {
        wchar_t wc;
        size_t n = mbrtowc(&wc, clean + off, left, &st);
        int cw = 1;
        if (n == (size_t)-1 || n == (size_t)-2) {
            memset(&st, 0, sizeof st);
            n = 1;
        } else {
            cw = wcwidth(wc) > 0 ? wcwidth(wc) : 0;
        }
        if (w + (size_t)cw > max - 1)
            break;
        w += (size_t)cw;
        off += n;
        left -= n;
    }
    char *out = xasprintf("%.*s%s", (int)off, clean, ell);
    free(clean);
    return out;
}

static char *local_time(int64_t ms)
{
    if (ms <= 0)
        return xstrdup("-");
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    localtime_r(&t, &tm);
    char buf[32];
    strftime(buf, sizeof buf, "%Y-%m-%d %H:%M", &tm);
    return xstrdup(buf);
}

static char *expires_in(const struct session *s, int64_t now)
{
    if (s->status == SESSION_EXPIRED)
        return xstrdup("expired");
    /* an ended session does not expire any more */
    if (s->expires_ms <= 0 || s->status == SESSION_REVOKED || s->status == SESSION_ENDED ||
        s->status == SESSION_REMOVED || s->status == SESSION_ABANDONED ||
        s->status == SESSION_REPLACED)
        return xstrdup("-");
    char buf[40];
    format_duration(s->expires_ms - now, buf, sizeof buf);
    return xstrdup(buf);
}

/* Print rows of cells (ncol columns, row-major) aligned; the last column
 * is not padded. */
static void print_table(FILE *out, char **cells, size_t nrows, size_t ncol)
{
    size_t *w = xcalloc(ncol, sizeof *w);
    for (size_t r = 0; r < nrows; r++)
        for (size_t c = 0; c < ncol; c++) {
            size_t cw = cli_text_width(cells[r * ncol + c]);
            if (cw > w[c])
                w[c] = cw;
        }
    for (size_t r = 0; r < nrows; r++) {
        for (size_t c = 0; c < ncol; c++) {
            const char *v = cells[r * ncol + c];
            if (c + 1 == ncol) {
                fprintf(out, "%s\n", v);
            } else {
                size_t pad = w[c] - cli_text_width(v) + 2;
                fprintf(out, "%s%*s", v, (int)pad, "");
            }
        }
    }
    free(w);
}

static void free_cells(char **cells, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(cells[i]);
    free(cells);
}

#define SESSION_COLS 8

void cli_listing_table(FILE *out, const struct cli_listing *l, int64_t now)
{
    if (l->n == 0) {
        fprintf(out, "no sessions\n");
        return;
    }
    static const char *const head[SESSION_COLS] = {
        "ACCOUNT", "PROVIDER", "USER", "SESSION", "STATUS", "CREATED", "LAST ACTIVE", "EXPIRES IN",
    };
    size_t nrows = l->n + 1;
    char **cells = xcalloc(nrows * SESSION_COLS, sizeof *cells);
    for (size_t c = 0; c < SESSION_COLS; c++)
        cells[c] = xstrdup(head[c]);
    for (size_t i = 0; i < l->n; i++) {
        const struct cli_row *r = &l->rows[i];
        char **row = &cells[(i + 1) * SESSION_COLS];
        row[0] = cell(r->account_label, 24);
        row[1] = cell(r->provider_title, 16);
        row[2] = cell(r->s.user_display ? r->s.user_display : r->s.user_id, 44);
        row[3] = cell(r->s.id, 64);
        row[4] = xstrdup(session_status_name(r->s.status));
        row[5] = local_time(r->s.created_ms);
        row[6] = local_time(r->s.last_active_ms);
        row[7] = expires_in(&r->s, now);
    }
    print_table(out, cells, nrows, SESSION_COLS);
    free_cells(cells, nrows * SESSION_COLS);
}

#define ACCOUNT_COLS 5

void cli_accounts_table(FILE *out, const struct account_list *l)
{
    if (l->n == 0) {
        fprintf(out, "no accounts: add one with 'sesame account add PROVIDER --label NAME'\n");
        return;
    }
    static const char *const head[ACCOUNT_COLS] = {"ID", "LABEL", "PROVIDER", "BASE URL",
                                                   "FIELDS"};
    size_t nrows = l->n + 1;
    char **cells = xcalloc(nrows * ACCOUNT_COLS, sizeof *cells);
    for (size_t c = 0; c < ACCOUNT_COLS; c++)
        cells[c] = xstrdup(head[c]);
    for (size_t i = 0; i < l->n; i++) {
        const struct account *a = &l->v[i];
        const struct provider *p = provider_find(a->provider_id);
        char **row = &cells[(i + 1) * ACCOUNT_COLS];
        row[0] = cell(a->id, 40);
        row[1] = cell(a->label, 32);
        row[2] = cell(p ? p->title : a->provider_id, 16);
        row[3] = cell(p ? provider_base_url(p, a) : a->base_url, 60);
        char *fields = xstrdup("");
        for (size_t k = 0; k < a->n_fields; k++) {
            char *f = xasprintf("%s%s%s=%s", fields, k ? " " : "", a->fields[k].key,
                                a->fields[k].value ? a->fields[k].value : "");
            free(fields);
            fields = f;
        }
        if (a->allow_http) {
            char *f = xasprintf("%s%sallow-http", fields, *fields ? " " : "");
            free(fields);
            fields = f;
        }
        row[4] = cell(*fields ? fields : "-", 80);
        free(fields);
    }
    print_table(out, cells, nrows, ACCOUNT_COLS);
    free_cells(cells, nrows * ACCOUNT_COLS);
}
