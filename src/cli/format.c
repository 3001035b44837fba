/* What the headless commands print: session and account listings as an
 * aligned table for people or as JSON for scripts (docs/json.md). Every
 * string from a provider or the config is sanitised before it is shown. */
#include "cli.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <wchar.h>

#include <cJSON.h>

#include "columns.h"
#include "delimited.h"
#include "flags.h"
#include "query.h"
#include "session_order.h"
#include "session_status.h"
#include "strpool.h"
#include "providers/common.h"
#include "util.h"

/* ---- the listing ------------------------------------------------------- */

/* The names entry of account a, made on its first row. */
static size_t names_of(struct cli_listing *l, const struct account *a)
{
    for (size_t i = l->n_names; i-- > 0;) /* the last one is the usual answer */
        if (strcmp(l->names[i].account_id, a->id ? a->id : "") == 0)
            return i;
    l->names = xrealloc(l->names, (l->n_names + 1) * sizeof *l->names);
    struct cli_names *nm = &l->names[l->n_names];
    const struct provider *p = provider_find(a->provider_id);
    nm->account_id = xstrdup(a->id ? a->id : "");
    nm->account_label = xstrdup(a->label ? a->label : a->id);
    nm->provider_id = xstrdup(a->provider_id);
    nm->provider_title = xstrdup(p ? p->title : a->provider_id);
    return l->n_names++;
}

/* A new row of account a; its session is for the caller to fill. */
static struct cli_row *new_row(struct cli_listing *l, const struct account *a)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 16;
        l->rows = xrealloc(l->rows, l->cap * sizeof *l->rows);
    }
    size_t k = names_of(l, a);
    struct cli_row *r = &l->rows[l->n++];
    memset(r, 0, sizeof *r);
    r->rank = (uint32_t)k;
    return r;
}

static const struct cli_names *names_at(const struct cli_listing *l, const struct cli_row *r)
{
    return &l->names[r->rank];
}

/* The row shows the status a person sees at now (session_status.h), in
 * the table, --json and the --status filter alike. */
static void row_settle(struct cli_row *r, const struct account *a, int64_t now)
{
    if (!r->s.account_id)
        r->s.account_id = strpool_get(a->id);
    r->s.status = session_status_seen(&r->s, now);
}

void cli_listing_add(struct cli_listing *l, const struct account *a, const struct session *s,
                     int64_t now)
{
    struct cli_row *r = new_row(l, a);
    session_copy(&r->s, s);
    row_settle(r, a, now);
}

void cli_listing_take(struct cli_listing *l, const struct account *a, struct session *s,
                      int64_t now)
{
    struct cli_row *r = new_row(l, a);
    r->s = *s;
    memset(s, 0, sizeof *s);
    row_settle(r, a, now);
}

/* Sessions leave the list from its end, and every so many the list's
 * array is cut back to what is left, which gives those pages back (an
 * array this big is mapped apart from the heap: main.c's mallopt). */
#define TAKE_STEP 4096

void cli_listing_take_all(struct cli_listing *l, const struct account *a,
                          struct session_list *list, int64_t now)
{
    size_t base = l->n, n = list->n;
    if (n > 0) {
        l->cap = base + n;
        l->rows = xrealloc(l->rows, l->cap * sizeof *l->rows);
        uint32_t rank = (uint32_t)names_of(l, a);
        l->n = base + n;
        for (size_t i = n; i-- > 0;) {
            struct cli_row *r = &l->rows[base + i];
            r->s = list->v[i];
            r->rank = rank;
            row_settle(r, a, now);
            if (i > 0 && i % TAKE_STEP == 0) {
                list->v = xrealloc(list->v, i * sizeof *list->v);
                list->cap = i;
            }
        }
    }
    free(list->v);
    memset(list, 0, sizeof *list);
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

void cli_listing_filter(struct cli_listing *l, enum session_status status)
{
    size_t k = 0;
    for (size_t i = 0; i < l->n; i++) {
        if (l->rows[i].s.status == status)
            l->rows[k++] = l->rows[i];
        else
            session_free(&l->rows[i].s);
    }
    l->n = k;
}

/* The default order of src/session_order.h; rows that compare equal (the
 * same session twice) stay as added (x, y: indexes into rows). */
static int cmp_rows(const void *x, const void *y, void *rows)
{
    uint32_t i = *(const uint32_t *)x, k = *(const uint32_t *)y;
    const struct cli_row *a = (const struct cli_row *)rows + i;
    const struct cli_row *b = (const struct cli_row *)rows + k;
    int c = session_order_cmp(a->rank, &a->s, b->rank, &b->s);
    if (c)
        return c;
    return i < k ? -1 : i > k;
}

/* The rows are put in order where they are, following the cycles of the
 * sorted indexes: a sorted copy of 100k rows was 20 MB of the peak. (The
 * indexes are 32 bits, as a row's rank is: 2^32 rows would take 500 GB.) */
void cli_listing_sort(struct cli_listing *l)
{
    if (l->n < 2)
        return;
    uint32_t *order = xcalloc(l->n, sizeof *order);
    for (size_t i = 0; i < l->n; i++)
        order[i] = (uint32_t)i;
    qsort_r(order, l->n, sizeof *order, cmp_rows, l->rows);
    /* row k is to be the one now at order[k] */
    for (size_t i = 0; i < l->n; i++) {
        if (order[i] == i)
            continue;
        struct cli_row first = l->rows[i];
        size_t k = i;
        while (order[k] != i) {
            size_t from = order[k];
            l->rows[k] = l->rows[from];
            order[k] = (uint32_t)k;
            k = from;
        }
        l->rows[k] = first;
        order[k] = (uint32_t)k;
    }
    free(order);
}

void cli_listing_free(struct cli_listing *l)
{
    for (size_t i = 0; i < l->n; i++)
        session_free(&l->rows[i].s);
    free(l->rows);
    for (size_t i = 0; i < l->n_errs; i++) {
        free(l->errs[i].account_id);
        free(l->errs[i].account_label);
        free(l->errs[i].error);
    }
    free(l->errs);
    for (size_t i = 0; i < l->n_names; i++) {
        free(l->names[i].account_id);
        free(l->names[i].account_label);
        free(l->names[i].provider_id);
        free(l->names[i].provider_title);
    }
    free(l->names);
    memset(l, 0, sizeof *l);
}

/* ---- JSON ------------------------------------------------------------------ */

/* The listing is written as it is made, through a buffer of its own: for
 * 100k sessions a cJSON tree of the document, then its text, then a copy
 * of that, took ~0.6 GB and most of `sessions --json`'s time. The layout
 * is what cJSON_Print made, indented by two spaces as docs/json.md shows. */
struct jout {
    FILE *f;
    bool failed;
    size_t n;
    char buf[1 << 16];
};

static void jflush(struct jout *o)
{
    if (o->n && fwrite(o->buf, 1, o->n, o->f) != o->n)
        o->failed = true;
    o->n = 0;
}

static void jput(struct jout *o, const char *s, size_t len)
{
    if (len > sizeof o->buf - o->n) {
        jflush(o);
        if (len > sizeof o->buf) {
            if (fwrite(s, 1, len, o->f) != len)
                o->failed = true;
            return;
        }
    }
    memcpy(o->buf + o->n, s, len);
    o->n += len;
}

static void jputs(struct jout *o, const char *s)
{
    jput(o, s, strlen(s));
}

/* A JSON string of value (sanitised first, as every string we print). */
static void jstring(struct jout *o, const char *value)
{
    /* printable ASCII but '"' and '\\' (nearly every value): clean, and
     * nothing to escape */
    size_t n = 0;
    while (value[n] >= 0x20 && value[n] < 0x7f && value[n] != '"' && value[n] != '\\')
        n++;
    if (!value[n]) {
        jput(o, "\"", 1);
        jput(o, value, n);
        jput(o, "\"", 1);
        return;
    }
    char *owned = NULL;
    if (!text_is_clean(value))
        value = owned = sanitize_text(value);
    jput(o, "\"", 1);
    const char *run = value;
    for (const char *p = value; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (c != '"' && c != '\\' && c >= 0x20)
            continue;
        jput(o, run, (size_t)(p - run));
        char esc[8];
        if (c == '"' || c == '\\')
            snprintf(esc, sizeof esc, "\\%c", c);
        else /* sanitised text has none; kept for safety */
            snprintf(esc, sizeof esc, "\\u%04x", c);
        jputs(o, esc);
        run = p + 1;
    }
    jputs(o, run);
    jput(o, "\"", 1);
    free(owned);
}

/* `<indent>"key": ` then the value, then "," unless last, then a newline. */
static void jkey(struct jout *o, const char *indent, const char *key)
{
    jputs(o, indent);
    jput(o, "\"", 1);
    jputs(o, key);
    jput(o, "\": ", 3);
}

static void jend(struct jout *o, bool last)
{
    jputs(o, last ? "\n" : ",\n");
}

static void jfield_str(struct jout *o, const char *indent, const char *key, const char *value,
                       bool last)
{
    jkey(o, indent, key);
    if (value)
        jstring(o, value);
    else
        jputs(o, "null");
    jend(o, last);
}

static void jfield_time(struct jout *o, const char *indent, const char *key, int64_t ms)
{
    char buf[40] = "null";
    if (ms > 0) {
        buf[0] = '"';
        format_iso8601(ms, buf + 1, sizeof buf - 2);
        strcat(buf, "\"");
    }
    jkey(o, indent, key);
    jputs(o, buf);
    jend(o, false);
}

static void jfield_raw(struct jout *o, const char *indent, const char *key, const char *text,
                       bool last)
{
    jkey(o, indent, key);
    jputs(o, text);
    jend(o, last);
}

/* ["new-place", "many-live"]: the names are plain ASCII (flags.h). */
static const char *flags_json(unsigned flags, char *buf, size_t size)
{
    size_t at = (size_t)snprintf(buf, size, "[");
    for (unsigned bit = 1; bit <= 0x80 && at < size; bit <<= 1)
        if ((flags & bit) && flag_name(bit))
            at += (size_t)snprintf(buf + at, size - at, "%s\"%s\"", at > 1 ? ", " : "",
                                   flag_name(bit));
    if (at < size)
        snprintf(buf + at, size - at, "]");
    return buf;
}

static void write_row(struct jout *o, const struct cli_row *r, const struct cli_names *nm)
{
    static const char in[] = "      ";
    const struct session *s = &r->s;
    jfield_str(o, in, "account", nm->account_id, false);
    jfield_str(o, in, "account_label", nm->account_label, false);
    jfield_str(o, in, "provider", nm->provider_id, false);
    jfield_str(o, in, "id", s->id, false);
    jfield_str(o, in, "user_id", s->user_id, false);
    jfield_str(o, in, "user", s->user_display, false);
    jfield_str(o, in, "client_id", s->client_id, false);
    jfield_str(o, in, "status", session_status_name(s->status), false);
    jfield_time(o, in, "created_at", s->created_ms);
    jfield_time(o, in, "last_active_at", s->last_active_ms);
    jfield_time(o, in, "expires_at", s->expires_ms);
    jfield_time(o, in, "abandon_at", s->abandon_ms);
    jfield_str(o, in, "device", s->device, false);
    jfield_str(o, in, "browser", s->browser, false);
    jfield_str(o, in, "ip", s->ip, false);
    jfield_str(o, in, "place", s->place, false);
    char flags[96];
    jfield_raw(o, in, "flags", flags_json(s->flags, flags, sizeof flags), false);
    jfield_raw(o, in, "tracked", s->tracked ? "true" : "false", false);
    jfield_raw(o, in, "has_url", s->has_url ? "true" : "false", true);
}

static void write_listing(struct jout *o, const struct cli_listing *l)
{
    jputs(o, l->n ? "{\n  \"sessions\": [\n" : "{\n  \"sessions\": [],\n");
    for (size_t i = 0; i < l->n; i++) {
        jputs(o, "    {\n");
        write_row(o, &l->rows[i], names_at(l, &l->rows[i]));
        jputs(o, i + 1 < l->n ? "    },\n" : "    }\n  ],\n");
    }
    jputs(o, l->n_errs ? "  \"errors\": [\n" : "  \"errors\": []\n");
    for (size_t i = 0; i < l->n_errs; i++) {
        static const char in[] = "      ";
        char code[24];
        snprintf(code, sizeof code, "%d", l->errs[i].code);
        jputs(o, "    {\n");
        jfield_str(o, in, "account", l->errs[i].account_id, false);
        jfield_str(o, in, "account_label", l->errs[i].account_label, false);
        jfield_str(o, in, "error", l->errs[i].error, false);
        jfield_raw(o, in, "code", code, true);
        jputs(o, i + 1 < l->n_errs ? "    },\n" : "    }\n  ]\n");
    }
    jputs(o, "}");
}

bool cli_listing_write_json(FILE *out, const struct cli_listing *l)
{
    struct jout *o = xmalloc(sizeof *o);
    o->f = out;
    o->failed = false;
    o->n = 0;
    write_listing(o, l);
    jput(o, "\n", 1);
    jflush(o);
    bool ok = !o->failed;
    free(o);
    return ok;
}

char *cli_listing_json(const struct cli_listing *l)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f)
        abort(); /* out of memory, as xmalloc would */
    struct jout *o = xmalloc(sizeof *o);
    o->f = f;
    o->failed = false;
    o->n = 0;
    write_listing(o, l);
    jflush(o);
    free(o);
    fclose(f);
    return buf;
}

/* ---- accounts as JSON (a small document: cJSON is fine) ----------------- */

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

static char *print_json(cJSON *doc)
{
    char *s = cJSON_Print(doc);
    char *out = xstrdup(s ? s : "null");
    cJSON_free(s);
    cJSON_Delete(doc);
    return out;
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

/* One character at s (left bytes remain) under the locale: its columns
 * (0 for a control), and its length in *len; a byte that does not start a
 * character counts one column, as a terminal shows one replacement. st is
 * reset after a bad byte. ASCII is counted without mbrtowc and wcwidth
 * (most of the time of a table of 100k sessions went there): a printable
 * character is one column, a control none, and the shift state stays the
 * initial one, so what follows is decoded as it would have been. */
static size_t char_width(const char *s, size_t left, mbstate_t *st, size_t *len)
{
    unsigned char c = (unsigned char)*s;
    if (c < 0x80) {
        *len = 1;
        return c >= 0x20 && c != 0x7f;
    }
    wchar_t wc;
    size_t n = mbrtowc(&wc, s, left, st);
    if (n == (size_t)-1 || n == (size_t)-2) {
        memset(st, 0, sizeof *st);
        *len = 1;
        return 1;
    }
    *len = n ? n : 1;
    int cw = wcwidth(wc);
    return cw > 0 ? (size_t)cw : 0;
}

/* The columns of s, counted until they pass max; and the bytes (*cut) and
 * columns (*cut_w) of the longest start of s that leaves room for the one
 * column of a cut mark within max. */
static size_t measure(const char *s, size_t max, size_t *cut, size_t *cut_w)
{
    mbstate_t st;
    memset(&st, 0, sizeof st);
    size_t w = 0, off = 0, left = strlen(s);
    *cut = left;
    *cut_w = SIZE_MAX;
    while (left > 0 && w <= max) {
        size_t n, cw = char_width(s + off, left, &st, &n);
        if (*cut_w == SIZE_MAX && w + cw > max - 1) {
            *cut = off;
            *cut_w = w;
        }
        w += cw;
        off += n;
        left -= n;
    }
    return w;
}

size_t cli_text_width(const char *s)
{
    size_t cut, cut_w;
    return measure(s, SIZE_MAX - 1, &cut, &cut_w);
}

static const char *cut_mark(void)
{
    return MB_CUR_MAX > 1 ? "\xe2\x80\xa6" : "~";
}

/* A sanitised copy of s no wider than max columns ("…" marks a cut). */
static char *cell(const char *s, size_t max)
{
    char *clean = sanitize_text(s ? s : "-");
    if (!*clean) {
        free(clean);
        return xstrdup("-");
    }
    size_t cut, cut_w;
    if (measure(clean, max, &cut, &cut_w) <= max)
        return clean;
    char *out = xasprintf("%.*s%s", (int)cut, clean, cut_mark());
    free(clean);
    return out;
}

/* The text a cell shows and its width. Clean text (nearly every cell of a
 * big listing) is shown without cell()'s copies: as it is when it fits,
 * else cut into buf. */
struct shown {
    const char *text;
    char *owned;
    size_t width;
    char buf[160];
};

/* The text (when want_text; the widths alone need none) and width of the
 * cell of s. */
static void show(struct shown *c, const char *s, size_t max, bool want_text)
{
    c->owned = NULL;
    c->text = s;
    if (!s || !*s || !text_is_clean(s)) {
        c->text = c->owned = cell(s, max);
        c->width = cli_text_width(c->owned);
        return;
    }
    size_t cut, cut_w;
    c->width = measure(s, max, &cut, &cut_w);
    if (c->width <= max)
        return;
    const char *mark = cut_mark();
    c->width = cut_w + cli_text_width(mark);
    if (!want_text)
        return;
    size_t m = strlen(mark);
    if (cut + m < sizeof c->buf) {
        memcpy(c->buf, s, cut);
        memcpy(c->buf + cut, mark, m + 1);
        c->text = c->buf;
    } else {
        c->text = c->owned = xasprintf("%.*s%s", (int)cut, s, mark);
    }
}

/* A text of our own (a status, a time): shown as it is. */
static void show_ours(struct shown *c, const char *s)
{
    c->text = s;
    c->owned = NULL;
    c->width = cli_text_width(s);
}

/* A line of the table, made whole before it is written. */
struct line {
    char *buf;
    size_t n, cap;
};

static void line_put(struct line *l, const char *s, size_t len)
{
    if (l->n + len > l->cap) {
        l->cap = (l->n + len) * 2;
        l->buf = xrealloc(l->buf, l->cap);
    }
    memcpy(l->buf + l->n, s, len);
    l->n += len;
}

static void line_pad(struct line *l, size_t pad)
{
    static const char spaces[] = "                                ";
    while (pad > 0) {
        size_t k = pad < sizeof spaces - 1 ? pad : sizeof spaces - 1;
        line_put(l, spaces, k);
        pad -= k;
    }
}

/* The cell in width columns (to the right when right), then two spaces,
 * or the line's end after the last (which is not padded on the right). */
static void line_cell_aligned(struct line *l, const struct shown *c, size_t width, bool right,
                              bool last)
{
    size_t pad = width > c->width ? width - c->width : 0;
    if (right)
        line_pad(l, pad);
    line_put(l, c->text, strlen(c->text));
    if (last) {
        line_put(l, "\n", 1);
        return;
    }
    line_pad(l, (right ? 0 : pad) + 2);
}

static void line_cell(struct line *l, const struct shown *c, size_t width, bool last)
{
    line_cell_aligned(l, c, width, false, last);
}

static void line_write(struct line *l, FILE *out)
{
    fwrite(l->buf, 1, l->n, out); /* a failed write shows in main's check */
    l->n = 0;
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
    struct line line = {0};
    for (size_t r = 0; r < nrows; r++) {
        for (size_t c = 0; c < ncol; c++) {
            struct shown v;
            show_ours(&v, cells[r * ncol + c]);
            line_cell(&line, &v, w[c], c + 1 == ncol);
        }
        line_write(&line, out);
    }
    free(line.buf);
    free(w);
}

static void free_cells(char **cells, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(cells[i]);
    free(cells);
}

/* ---- the sessions table ------------------------------------------------ */

void cli_view_default(struct cli_view *v, int64_t now)
{
    memset(v, 0, sizeof *v);
    v->cols = columns_default_table;
    v->time = TIME_RELATIVE;
    v->now = now;
}

static struct column_row row_of(const struct cli_listing *l, const struct cli_row *r)
{
    const struct cli_names *nm = names_at(l, r);
    struct column_row row = {&r->s, nm->account_id, nm->account_label, nm->provider_id,
                             nm->provider_title};
    return row;
}

/* The columns shown, in order, with what they need. */
struct table_cols {
    enum column_id id[COLUMN_COUNT];
    size_t width[COLUMN_COUNT];
    bool right[COLUMN_COUNT];
    size_t n;
};

/* The header of column c: its title in capitals ("LAST ACTIVE"). */
static void header_of(enum column_id c, char *buf, size_t size)
{
    snprintf(buf, size, "%s", column_def(c)->title);
    for (char *p = buf; *p; p++)
        if (*p >= 'a' && *p <= 'z')
            *p = (char)(*p - 32);
}

/* The cell of column c (its text, or "-"), cut at max columns. */
static void show_cell(struct shown *out, const struct cli_listing *l, const struct cli_row *r,
                      enum column_id c, const struct cli_view *v, size_t max, bool want_text,
                      bool *has)
{
    char buf[COLUMN_TEXT_MAX];
    struct column_row row = row_of(l, r);
    const char *text = column_text(c, &row, v->now, v->time, buf);
    if (has)
        *has |= text != NULL;
    show(out, text ? text : "-", max, want_text);
    if (want_text && out->text == buf) { /* buf goes out of scope */
        out->text = out->owned = xstrdup(buf);
    }
}

/* Which columns, how wide: every cell measured (the widths pass makes no
 * text); a default set leaves out its columns that no row has a value
 * for; a width given (a terminal) lays them out into it by the registry's
 * rules, else every column is as wide as its widest cell. */
static void table_columns(const struct cli_listing *l, const struct cli_view *v,
                          struct table_cols *t)
{
    size_t n = v->cols.n < COLUMN_COUNT ? v->cols.n : COLUMN_COUNT;
    size_t natural[COLUMN_COUNT];
    bool has[COLUMN_COUNT] = {false};
    for (size_t k = 0; k < n; k++) {
        char head[64];
        header_of(v->cols.v[k], head, sizeof head);
        natural[k] = cli_text_width(head);
    }
    for (size_t i = 0; i < l->n; i++)
        for (size_t k = 0; k < n; k++) {
            struct shown c;
            show_cell(&c, l, &l->rows[i], v->cols.v[k], v, SIZE_MAX - 1, false, &has[k]);
            if (c.width > natural[k])
                natural[k] = c.width;
            free(c.owned);
        }
    t->n = 0;
    int nat[COLUMN_COUNT];
    enum column_id ids[COLUMN_COUNT];
    for (size_t k = 0; k < n; k++) {
        enum column_id c = v->cols.v[k];
        if (!v->cols_given && column_def(c)->hide_empty && !has[k])
            continue;
        ids[t->n] = c;
        nat[t->n] = natural[k] > INT32_MAX ? INT32_MAX : (int)natural[k];
        t->n++;
    }
    int w[COLUMN_COUNT];
    long total = 0;
    for (size_t k = 0; k < t->n; k++)
        total += nat[k] + (k ? 2 : 0);
    if (v->width > 0 && total > v->width) {
        struct column_layout in = {ids, t->n, nat, v->width, 2, false, v->time};
        columns_layout(&in, w);
    } else {
        memcpy(w, nat, t->n * sizeof *w);
    }
    size_t o = 0;
    for (size_t k = 0; k < t->n; k++) {
        if (w[k] <= 0)
            continue; /* it had to go */
        t->id[o] = ids[k];
        t->width[o] = (size_t)w[k];
        t->right[o] = column_def(ids[k])->align == COLUMN_RIGHT;
        o++;
    }
    t->n = o;
}

/* Written as it is made, in two passes over the rows (the widths of the
 * columns, then the lines): a table of every cell first held 100k rows'
 * worth of copies, ~20 MB. */
void cli_listing_table(FILE *out, const struct cli_listing *l, const struct cli_view *v)
{
    if (l->n == 0) {
        fprintf(out, "no sessions\n");
        return;
    }
    struct table_cols t;
    table_columns(l, v, &t);
    struct line line = {0};
    struct shown c;
    for (size_t k = 0; k < t.n; k++) {
        char head[64];
        header_of(t.id[k], head, sizeof head);
        show(&c, head, t.width[k], true);
        line_cell_aligned(&line, &c, t.width[k], t.right[k], k + 1 == t.n);
        free(c.owned);
    }
    line_write(&line, out);
    for (size_t i = 0; i < l->n; i++) {
        for (size_t k = 0; k < t.n; k++) {
            show_cell(&c, l, &l->rows[i], t.id[k], v, t.width[k], true, NULL);
            line_cell_aligned(&line, &c, t.width[k], t.right[k], k + 1 == t.n);
            free(c.owned);
        }
        line_write(&line, out);
    }
    free(line.buf);
}

bool cli_listing_delimited(FILE *out, const struct cli_listing *l, const struct cli_view *v,
                           enum delimited_format format)
{
    const char *fields[COLUMN_COUNT];
    size_t n = v->cols.n < COLUMN_COUNT ? v->cols.n : COLUMN_COUNT;
    for (size_t k = 0; k < n; k++)
        fields[k] = column_def(v->cols.v[k])->name;
    bool ok = delimited_write_row(out, format, fields, n);
    char bufs[COLUMN_COUNT][COLUMN_TEXT_MAX];
    for (size_t i = 0; i < l->n; i++) {
        struct column_row row = row_of(l, &l->rows[i]);
        for (size_t k = 0; k < n; k++)
            fields[k] = column_text(v->cols.v[k], &row, v->now, v->time, bufs[k]);
        ok &= delimited_write_row(out, format, fields, n);
    }
    return ok;
}

void cli_listing_query(struct cli_listing *l, const struct query *q, int64_t now)
{
    if (!query_active(q))
        return;
    size_t k = 0;
    for (size_t i = 0; i < l->n; i++) {
        struct column_row row = row_of(l, &l->rows[i]);
        if (query_match_row(q, &row, now))
            l->rows[k++] = l->rows[i];
        else
            session_free(&l->rows[i].s);
    }
    l->n = k;
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
