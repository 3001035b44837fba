/* libFuzzer target: the filter language (src/query.c).
 *
 * The first line of the input is a query, the rest the fields of a row
 * (one per line). Properties: a parse either succeeds with terms that are
 * folded, non-empty and free of control characters, or fails with a
 * message and an empty query; parsing the source again gives the same
 * terms; a row matches the same one at a time and through the index; a
 * query narrows itself; every span lies inside its cell, in order, without
 * overlap, on whole characters (of valid UTF-8). */
#include "fuzz_common.h"

#include <locale.h>

#include "query.h"
#include "textfold.h"
#include "util.h"

#define NOW 1765029780000LL

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    setenv("TZ", "UTC", 1);
    setlocale(LC_ALL, "C.UTF-8"); /* fold beyond ASCII */
    return 0;
}

/* The next line of *p (owned), or NULL at the end. */
static char *next_line(const char **p, const char *end)
{
    if (*p >= end)
        return NULL;
    const char *nl = memchr(*p, '\n', (size_t)(end - *p));
    size_t n = nl ? (size_t)(nl - *p) : (size_t)(end - *p);
    char *s = malloc(n + 1);
    if (!s)
        abort();
    memcpy(s, *p, n);
    s[n] = '\0';
    *p += n + (nl != NULL);
    return s;
}

static void check_terms(const struct query *q)
{
    for (size_t i = 0; i < q->n; i++) {
        const char *t = q->terms[i].text;
        FZ_ASSERT(t && *t, "a term is never empty");
        char *again = text_fold(t);
        FZ_ASSERT(strcmp(again, t) == 0, "a term is folded");
        free(again);
        for (const unsigned char *c = (const unsigned char *)t; *c; c++)
            FZ_ASSERT(*c >= 0x20 && *c != 0x7f, "no control character in a term");
        FZ_ASSERT(q->terms[i].fields != 0, "a term looks somewhere");
    }
}

static void check_spans(const struct query *q, const char *text)
{
    struct query_span sp[16];
    bool valid = g_utf8_validate(text, -1, NULL);
    for (int c = 0; c < COLUMN_COUNT; c++) {
        size_t n = query_spans(q, (enum column_id)c, text, sp, 16), len = strlen(text);
        size_t end = 0;
        for (size_t i = 0; i < n && i < 16; i++) {
            FZ_ASSERT(sp[i].len > 0, "a span is not empty");
            FZ_ASSERT(sp[i].start + sp[i].len <= len, "a span lies in its text");
            FZ_ASSERT(i == 0 || sp[i].start > end, "spans in order, apart");
            if (valid) { /* bytes of broken UTF-8 count one each: no boundary to check */
                unsigned char first = (unsigned char)text[sp[i].start];
                unsigned char after = (unsigned char)text[sp[i].start + sp[i].len];
                FZ_ASSERT((first & 0xc0) != 0x80, "a span starts on a character");
                FZ_ASSERT((after & 0xc0) != 0x80, "a span ends after a character");
            }
            end = sp[i].start + sp[i].len;
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *all = fz_cstr(data, size);
    const char *p = all, *end = all + strlen(all);
    char *text = next_line(&p, end);
    if (!text)
        text = strdup("");
    char *f[8] = {NULL};
    for (int i = 0; i < 8; i++)
        f[i] = next_line(&p, end);

    struct query q;
    query_init(&q);
    char *err = NULL;
    int rc = query_parse(&q, text, &err);
    if (rc) {
        FZ_ASSERT(rc == ERR_USAGE && err && *err, "an error says what is wrong");
        FZ_ASSERT(q.n == 0 && q.source && !*q.source, "an error leaves the query empty");
        free(err);
    } else {
        FZ_ASSERT(!err, "no error on success");
        check_terms(&q);
        struct query again;
        query_init(&again);
        FZ_ASSERT(query_parse(&again, q.source, &err) == 0, "the source parses again");
        FZ_ASSERT(again.n == q.n, "to as many terms");
        for (size_t i = 0; i < q.n; i++)
            FZ_ASSERT(strcmp(again.terms[i].text, q.terms[i].text) == 0 &&
                          again.terms[i].fields == q.terms[i].fields &&
                          again.terms[i].negated == q.terms[i].negated,
                      "to the same terms");
        query_free(&again);
        FZ_ASSERT(query_narrows(&q, &q), "a query narrows itself");
    }

    struct session s = {0};
    s.id = f[0];
    s.user_display = f[1];
    s.user_id = f[2];
    s.device = f[3];
    s.browser = f[4];
    s.place = f[5];
    s.ip = f[6];
    s.status = (enum session_status)(size % SESSION_STATUS_COUNT);
    s.created_ms = size > 8 ? NOW - (int64_t)data[size - 1] * 3600000 : 0;
    s.expires_ms = size > 8 ? NOW + ((int64_t)data[size - 2] - 128) * 60000 : 0;
    struct column_row row = {&s, "acct", f[7], "clerk", "Clerk"};
    struct query_index ix = {0};
    query_index_add(&ix, &row, NOW);
    FZ_ASSERT(query_match_row(&q, &row, NOW) == query_index_match(&q, &ix, 0),
              "a row matches alike alone and in the index");
    if (!query_active(&q))
        FZ_ASSERT(query_match_row(&q, &row, NOW), "the empty query keeps every row");
    query_index_free(&ix);
    for (int i = 0; i < 8; i++)
        if (f[i])
            check_spans(&q, f[i]);
    check_spans(&q, text);

    query_free(&q);
    for (int i = 0; i < 8; i++)
        free(f[i]);
    free(text);
    free(all);
    return 0;
}
