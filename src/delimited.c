#include "delimited.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

/* A growing string. */
struct buf {
    char *s;
    size_t n, cap;
};

static void put(struct buf *b, const char *s, size_t n)
{
    if (b->n + n + 1 > b->cap) {
        b->cap = (b->n + n + 1) * 2;
        b->s = xrealloc(b->s, b->cap);
    }
    memcpy(b->s + b->n, s, n);
    b->n += n;
    b->s[b->n] = '\0';
}

/* raw, sanitised between its tabs and line breaks; each of those given
 * to the format: kept (CSV) or written as an escape (TSV). */
static void clean_into(struct buf *b, enum delimited_format format, const char *raw)
{
    const char *p = raw;
    for (;;) {
        size_t run = strcspn(p, "\t\n\r");
        char *part = xstrndup(p, run);
        char *clean = sanitize_text(part);
        if (format == DELIMITED_TSV) {
            for (const char *c = clean; *c; c++)
                put(b, *c == '\\' ? "\\\\" : c, *c == '\\' ? 2 : 1);
        } else {
            put(b, clean, strlen(clean));
        }
        free(clean);
        free(part);
        p += run;
        if (!*p)
            return;
        if (format == DELIMITED_TSV)
            put(b, *p == '\t' ? "\\t" : *p == '\n' ? "\\n" : "\\r", 2);
        else
            put(b, p, 1);
        p++;
    }
}

char *delimited_field(enum delimited_format format, const char *raw)
{
    struct buf clean = {NULL, 0, 0};
    put(&clean, "", 0);
    if (raw)
        clean_into(&clean, format, raw);
    /* a spreadsheet opens TSV too: a value it would run as a formula is
     * defused in either format */
    bool formula = clean.s[0] && strchr("=+-@", clean.s[0]);
    if (format == DELIMITED_TSV) {
        if (!formula)
            return clean.s;
        char *defused = xasprintf("'%s", clean.s);
        free(clean.s);
        return defused;
    }
    bool quote = clean.s[strcspn(clean.s, ",\"\t\n\r")] != '\0';
    if (!quote && !formula)
        return clean.s;
    struct buf out = {NULL, 0, 0};
    if (quote)
        put(&out, "\"", 1);
    if (formula)
        put(&out, "'", 1);
    for (const char *c = clean.s; *c; c++) {
        if (*c == '"')
            put(&out, "\"\"", 2);
        else
            put(&out, c, 1);
    }
    if (quote)
        put(&out, "\"", 1);
    free(clean.s);
    return out.s;
}

bool delimited_write_row(FILE *out, enum delimited_format format, const char *const *fields,
                         size_t n)
{
    bool ok = true;
    for (size_t i = 0; i < n; i++) {
        char *f = delimited_field(format, fields[i]);
        if (i > 0 && fputc(format == DELIMITED_CSV ? ',' : '\t', out) == EOF)
            ok = false;
        if (fputs(f, out) == EOF && *f)
            ok = false;
        free(f);
    }
    if (fputs(format == DELIMITED_CSV ? "\r\n" : "\n", out) == EOF)
        ok = false;
    return ok;
}
