#include "query.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "flags.h"
#include "query_time.h"
#include "suggest.h"
#include "textfold.h"
#include "util.h"

_Static_assert(COLUMN_COUNT <= 32, "a term's fields are a 32-bit mask");

#define SEP '\x1f' /* between the columns of a row's text: never in a needle */
#define ALL_FIELDS ((uint32_t)((1ull << COLUMN_COUNT) - 1))
#define BIT(c) ((uint32_t)1 << (c))
#define SEG_LONG UINT8_MAX /* an index's column this long or longer is measured when read */

/* ---- fields ---- */

static const struct {
    const char *name;
    uint32_t fields;
} aliases[] = {
    {"user", BIT(COLUMN_USER) | BIT(COLUMN_USER_ID)},
    {"account", BIT(COLUMN_ACCOUNT) | BIT(COLUMN_ACCOUNT_ID)},
    {"provider", BIT(COLUMN_PROVIDER) | BIT(COLUMN_PROVIDER_ID)},
    {"id", BIT(COLUMN_SESSION)},
    {"last", BIT(COLUMN_LAST_ACTIVE)},
    {"flag", BIT(COLUMN_FLAGS)},
};

static uint32_t field_bits(const char *name)
{
    for (size_t i = 0; i < ARRAY_LEN(aliases); i++)
        if (strcasecmp(name, aliases[i].name) == 0)
            return aliases[i].fields;
    int c = column_find(name);
    return c < 0 ? 0 : BIT(c);
}

static char *unknown_field(const char *name)
{
    struct suggest sg;
    suggest_init(&sg, name);
    for (int c = 0; c < COLUMN_COUNT; c++)
        suggest_offer(&sg, column_def((enum column_id)c)->name);
    for (size_t i = 0; i < ARRAY_LEN(aliases); i++)
        suggest_offer(&sg, aliases[i].name);
    const char *best = suggest_best(&sg);
    char *names = column_names();
    char *msg = best ? xasprintf("unknown field '%s' (did you mean %s?); the fields: %s, id, "
                                 "last, flag", name, best, names)
                     : xasprintf("unknown field '%s'; the fields: %s, id, last, flag", name,
                                 names);
    free(names);
    return msg;
}

/* ---- parsing ---- */

void query_init(struct query *q)
{
    memset(q, 0, sizeof *q);
    q->source = xstrdup("");
}

static void clear_terms(struct query *q)
{
    for (size_t i = 0; i < q->n; i++)
        free(q->terms[i].text);
    free(q->terms);
    q->terms = NULL;
    q->n = 0;
    q->need = 0;
    q->timed = false;
    q->looks = 0;
}

void query_free(struct query *q)
{
    clear_terms(q);
    free(q->source);
    q->source = NULL;
}

/* A blank between words: space, tab, and any other control character
 * (never part of what is searched for). */
static bool blank(char c)
{
    return (unsigned char)c <= ' ' || c == 0x7f;
}

static bool field_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-' || c == '_';
}

/* A growing buffer for the word being read. */
struct word {
    char *buf;
    size_t len, cap;
};

static void word_put(struct word *w, char c)
{
    if (w->len + 2 > w->cap) {
        w->cap = w->cap ? w->cap * 2 : 32;
        w->buf = xrealloc(w->buf, w->cap);
    }
    w->buf[w->len++] = c;
    w->buf[w->len] = '\0';
}

/* One word from *p (past blanks and its '!'): quoted pieces and bare ones
 * until a bare blank. *field is set (owned) when it began with NAME: and
 * the name is letters; the word is then what follows. NULL with *error on
 * a quote not closed. */
static char *read_word(const char **p, char **field, char **error)
{
    struct word w = {NULL, 0, 0};
    const char *s = *p;
    *field = NULL;
    /* NAME: before any quote */
    const char *n = s;
    while (field_char(*n))
        n++;
    if (n > s && *n == ':' && field_char(*s) && *s != '-' && *s != '_') {
        *field = xstrndup(s, (size_t)(n - s));
        s = n + 1;
    }
    while (*s && !blank(*s)) {
        if (*s != '"') {
            word_put(&w, *s++);
            continue;
        }
        const char *open = s++;
        while (*s && *s != '"') {
            if (*s == '\\' && (s[1] == '"' || s[1] == '\\'))
                s++;
            word_put(&w, blank(*s) ? ' ' : *s);
            s++;
        }
        if (!*s) {
            *error = xasprintf("a quote is not closed: %.40s", open);
            free(w.buf);
            free(*field);
            *field = NULL;
            return NULL;
        }
        s++; /* the closing quote */
    }
    *p = s;
    return w.buf ? w.buf : xstrdup("");
}

/* Read one term at *p into t; 0, or ERR_USAGE with *error. */
static int read_term(const char **p, struct query_term *t, char **error)
{
    const char *s = *p;
    bool negated = false;
    if (*s == '!') {
        negated = true;
        s++;
        if (!*s || blank(*s)) {
            *error = xstrdup("! needs a word after it, as in !revoked or !user:bot");
            return ERR_USAGE;
        }
        if (*s == '!') {
            *error = xstrdup("one ! is enough: !word keeps the rows without word");
            return ERR_USAGE;
        }
    }
    char *field = NULL;
    char *word = read_word(&s, &field, error);
    if (!word)
        return ERR_USAGE;
    uint32_t bits = ALL_FIELDS;
    if (field) {
        bits = field_bits(field);
        if (!bits) {
            *error = unknown_field(field);
            free(field);
            free(word);
            return ERR_USAGE;
        }
        if (!*word) {
            *error = xasprintf("%s: needs a value, as in %s:ada", field, field);
            free(field);
            free(word);
            return ERR_USAGE;
        }
        if (bits == BIT(COLUMN_FLAGS) && (*error = flag_word_check(word))) {
            free(field);
            free(word);
            return ERR_USAGE;
        }
    }
    int timed = field && (bits & (bits - 1)) == 0 /* one column */
                    ? query_time_term((enum column_id)__builtin_ctz(bits), word, &t->cmp,
                                      &t->within_ms, error)
                    : 0;
    free(field);
    if (timed < 0) {
        free(word);
        return ERR_USAGE;
    }
    *p = s;
    if (!*word) { /* "" alone: nothing to look for */
        free(word);
        t->text = NULL;
        return 0;
    }
    t->text = text_fold(word);
    free(word);
    t->fields = bits;
    t->negated = negated;
    t->plain = bits == ALL_FIELDS;
    t->mask = t->cmp ? 0 : text_byte_mask(t->text, strlen(t->text));
    return 0;
}

int query_parse(struct query *q, const char *text, char **error)
{
    *error = NULL;
    clear_terms(q);
    free(q->source);
    q->source = xstrdup(text ? text : "");
    const char *p = q->source;
    struct query_term *terms = NULL;
    size_t n = 0;
    for (;;) {
        while (*p && blank(*p))
            p++;
        if (!*p)
            break;
        if (n == QUERY_MAX_TERMS) {
            *error = xasprintf("too many words: at most %d", QUERY_MAX_TERMS);
            goto bad;
        }
        struct query_term t = {0};
        if (read_term(&p, &t, error) != 0)
            goto bad;
        if (!t.text)
            continue;
        terms = xrealloc(terms, (n + 1) * sizeof *terms);
        terms[n++] = t;
    }
    q->terms = terms;
    q->n = n;
    for (size_t i = 0; i < n; i++) {
        if (!terms[i].negated)
            q->need |= terms[i].mask;
        q->timed |= terms[i].cmp != 0;
        if (!terms[i].cmp)
            q->looks |= terms[i].plain ? ALL_FIELDS : terms[i].fields;
    }
    return 0;
bad:
    for (size_t i = 0; i < n; i++)
        free(terms[i].text);
    free(terms);
    free(q->source);
    q->source = xstrdup("");
    return ERR_USAGE;
}

bool query_active(const struct query *q)
{
    return q->n > 0;
}

/* Does u (of the narrower query) imply t (of the wider)? */
static bool implies(const struct query_term *u, const struct query_term *t)
{
    if (u->negated != t->negated || u->cmp || t->cmp) /* a time moves: cannot tell */
        return false;
    if (!t->negated) /* u found in fewer fields, a longer needle */
        return (u->fields & ~t->fields) == 0 && strstr(u->text, t->text) != NULL;
    /* not in more fields, a shorter needle */
    return (t->fields & ~u->fields) == 0 && strstr(t->text, u->text) != NULL;
}

bool query_narrows(const struct query *wider, const struct query *narrower)
{
    for (size_t i = 0; i < wider->n; i++) {
        bool implied = false;
        for (size_t k = 0; !implied && k < narrower->n; k++)
            implied = implies(&narrower->terms[k], &wider->terms[i]);
        if (!implied)
            return false;
    }
    return true;
}

/* ---- a row's text ---- */

/* The text of the columns of r in cols (absolute times; NULL for the
 * others) into texts, and the room their folded form takes (row_fold). */
static size_t row_room(const struct column_row *r, int64_t now, uint32_t cols,
                       const char **texts, char (*bufs)[COLUMN_TEXT_MAX])
{
    size_t need = 1;
    for (int c = 0; c < COLUMN_COUNT; c++) {
        texts[c] = cols & BIT(c) ? column_text((enum column_id)c, r, now, TIME_ABSOLUTE, bufs[c])
                                 : NULL;
        need += (texts[c] ? strlen(texts[c]) * 4 : 0) + 1;
    }
    return need;
}

/* The columns folded, SEP between them, appended to buf at *len; the
 * length of each (SEG_LONG: that or more) into lens[c]. */
static void row_fold(const char *const *texts, char *buf, size_t *len, uint8_t *lens)
{
    for (int c = 0; c < COLUMN_COUNT; c++) {
        if (c)
            buf[(*len)++] = SEP;
        size_t start = *len;
        if (texts[c])
            text_fold_into(texts[c], buf, len);
        /* a SEP of the text's own would end its column early: it becomes
         * another control character, which no needle holds either */
        for (char *p = buf + start; (p = memchr(p, SEP, *len - (size_t)(p - buf)));)
            *p = '\x1e';
        lens[c] = (uint8_t)(*len - start < SEG_LONG ? *len - start : SEG_LONG);
    }
    buf[*len] = '\0';
}

/* Is needle in the sl bytes at seg? (A column is short: glibc's memmem
 * costs more to set up than this takes to look.) */
static bool in_column(const char *seg, size_t sl, const char *needle, size_t nl)
{
    if (nl > sl)
        return false;
    const char *last = seg + (sl - nl);
    for (const char *p = seg; p <= last; p++) {
        p = memchr(p, needle[0], (size_t)(last - p) + 1);
        if (!p)
            return false;
        if (memcmp(p, needle, nl) == 0)
            return true;
    }
    return false;
}

/* Is t's text in one of its columns of hay (a row's text, the lengths of
 * its columns in lens)? A field's column is reached without reading the
 * ones before it: over 100k rows a field term reads a few bytes of each,
 * not the whole row. */
static bool found(const char *hay, const struct query_term *t, const uint8_t *lens)
{
    if (t->plain)
        return strstr(hay, t->text) != NULL;
    size_t nl = strlen(t->text);
    const char *seg = hay;
    uint32_t left = t->fields;
    for (int c = 0; c < COLUMN_COUNT && left; c++) {
        size_t sl;
        if (lens[c] < SEG_LONG) {
            sl = lens[c];
        } else {
            const char *end = strchr(seg, SEP);
            sl = end ? (size_t)(end - seg) : strlen(seg);
        }
        if ((left & BIT(c)) && in_column(seg, sl, t->text, nl))
            return true;
        left &= ~BIT(c);
        seg += sl + 1; /* past the SEP; not read after the last column (left is 0) */
    }
    return false;
}

static bool match_text(const struct query *q, const char *hay, uint64_t mask,
                       const uint8_t *lens)
{
    if ((mask & q->need) != q->need)
        return false;
    for (size_t i = 0; i < q->n; i++)
        if (!q->terms[i].cmp && found(hay, &q->terms[i], lens) == q->terms[i].negated)
            return false;
    return true;
}

bool query_match_row(const struct query *q, const struct column_row *r, int64_t now)
{
    if (q->n == 0)
        return true;
    const char *texts[COLUMN_COUNT];
    char bufs[COLUMN_COUNT][COLUMN_TEXT_MAX];
    size_t room = row_room(r, now, q->looks, texts, bufs), len = 0;
    char small[1024];
    char *buf = room <= sizeof small ? small : xmalloc(room);
    uint8_t lens[COLUMN_COUNT];
    row_fold(texts, buf, &len, lens);
    bool ok = match_text(q, buf, text_byte_mask(buf, len), lens) && query_time_match(q, r, now);
    if (buf != small)
        free(buf);
    return ok;
}

bool query_reads_every_column(const struct query *q)
{
    return q->looks == ALL_FIELDS;
}

/* ---- the index ---- */

void query_index_free(struct query_index *ix)
{
    free(ix->text);
    free(ix->off);
    free(ix->mask);
    free(ix->lens);
    memset(ix, 0, sizeof *ix);
}

void query_index_reset(struct query_index *ix)
{
    ix->len = 0;
    ix->n = 0;
}

void query_index_add(struct query_index *ix, const struct column_row *r, int64_t now)
{
    const char *texts[COLUMN_COUNT];
    char bufs[COLUMN_COUNT][COLUMN_TEXT_MAX];
    size_t need = row_room(r, now, ALL_FIELDS, texts, bufs);
    if (ix->len + need > ix->cap) {
        size_t cap = ix->cap ? ix->cap : 4096;
        while (cap < ix->len + need)
            cap *= 2;
        ix->text = xrealloc(ix->text, cap);
        ix->cap = cap;
    }
    if (ix->n == ix->n_cap) {
        ix->n_cap = ix->n_cap ? ix->n_cap * 2 : 256;
        ix->off = xrealloc(ix->off, ix->n_cap * sizeof *ix->off);
        ix->mask = xrealloc(ix->mask, ix->n_cap * sizeof *ix->mask);
        ix->lens = xrealloc(ix->lens, ix->n_cap * COLUMN_COUNT);
    }
    size_t start = ix->len, len = ix->len;
    row_fold(texts, ix->text, &len, ix->lens + ix->n * COLUMN_COUNT);
    ix->off[ix->n] = start;
    ix->mask[ix->n++] = text_byte_mask(ix->text + start, len - start);
    ix->len = len + 1;
}

bool query_index_match(const struct query *q, const struct query_index *ix, size_t i)
{
    if (q->n == 0)
        return true;
    if (i >= ix->n)
        return false;
    return match_text(q, ix->text + ix->off[i], ix->mask[i], ix->lens + i * COLUMN_COUNT);
}

size_t query_apply(const struct query *q, const struct query_index *ix, const uint32_t *in,
                   size_t n, uint32_t *out)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++)
        if (query_index_match(q, ix, in[i]))
            out[o++] = in[i];
    return o;
}

/* ---- spans ---- */

static int span_cmp(const void *a, const void *b)
{
    const struct query_span *x = a, *y = b;
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    return x->len < y->len ? -1 : x->len > y->len;
}

size_t query_spans(const struct query *q, enum column_id c, const char *text,
                   struct query_span *out, size_t max)
{
    if (!text || !*text || q->n == 0 || (unsigned)c >= COLUMN_COUNT)
        return 0;
    struct folded fd;
    folded_make(text, &fd);
    struct query_span *all = NULL;
    size_t n = 0, cap = 0;
    for (size_t k = 0; k < q->n; k++) {
        const struct query_term *t = &q->terms[k];
        if (t->negated || t->cmp || !(t->fields & BIT(c)))
            continue;
        size_t wl = strlen(t->text);
        for (const char *at = fd.text; (at = strstr(at, t->text)); at++) {
            size_t p = (size_t)(at - fd.text);
            if (n == cap) {
                cap = cap ? cap * 2 : 8;
                all = xrealloc(all, cap * sizeof *all);
            }
            all[n].start = fd.from[p];
            all[n].len = fd.to[p + wl - 1] - fd.from[p];
            n++;
        }
    }
    folded_free(&fd);
    if (n > 1)
        qsort(all, n, sizeof *all, span_cmp);
    size_t m = 0; /* merged */
    for (size_t i = 0; i < n; i++) {
        if (m > 0 && all[i].start <= all[m - 1].start + all[m - 1].len) {
            size_t end = all[i].start + all[i].len, prev = all[m - 1].start + all[m - 1].len;
            if (end > prev)
                all[m - 1].len = end - all[m - 1].start;
            continue;
        }
        all[m++] = all[i];
    }
    for (size_t i = 0; i < m && i < max; i++)
        out[i] = all[i];
    free(all);
    return m;
}
