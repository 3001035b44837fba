/* The command line's history, in memory and in its file. */
#include "history.h"

#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "textfile.h"
#include "util.h"

#define LINE_MAX_BYTES 4096

void history_free(struct history *h)
{
    for (size_t i = 0; i < h->n; i++)
        free(h->v[i]);
    free(h->v);
    h->v = NULL;
    h->n = 0;
}

static bool usable(const char *line)
{
    if (str_empty(line) || strlen(line) > LINE_MAX_BYTES)
        return false;
    for (const unsigned char *p = (const unsigned char *)line; *p; p++)
        if (*p < 0x20 || *p == 0x7f)
            return false;
    return strspn(line, " ") < strlen(line);
}

void history_add(struct history *h, const char *line)
{
    if (!usable(line))
        return;
    for (size_t i = 0; i < h->n; i++) {
        if (strcmp(h->v[i], line) == 0) {
            char *same = h->v[i];
            memmove(&h->v[i], &h->v[i + 1], (h->n - i - 1) * sizeof *h->v);
            h->v[h->n - 1] = same;
            return;
        }
    }
    if (h->n == HISTORY_MAX) {
        free(h->v[0]);
        memmove(&h->v[0], &h->v[1], (h->n - 1) * sizeof *h->v);
        h->n--;
    }
    h->v = xrealloc(h->v, (h->n + 1) * sizeof *h->v);
    h->v[h->n++] = xstrdup(line);
}

void history_parse(struct history *h, const char *text)
{
    char *copy = xstrdup(text ? text : ""), *cur = copy, *line;
    while ((line = textfile_next_line(&cur)))
        history_add(h, line);
    free(copy);
}

char *history_format(const struct history *h)
{
    size_t n = 1;
    for (size_t i = 0; i < h->n; i++)
        n += strlen(h->v[i]) + 1;
    char *out = xmalloc(n), *o = out;
    for (size_t i = 0; i < h->n; i++) {
        size_t len = strlen(h->v[i]);
        memcpy(o, h->v[i], len);
        o += len;
        *o++ = '\n';
    }
    *o = '\0';
    return out;
}

int history_load(struct history *h, const char *path, char **error)
{
    *error = NULL;
    char *text = textfile_read(path, 1, error);
    if (!text)
        return *error ? ERR_CONFIG : 0;
    history_parse(h, text);
    free(text);
    return 0;
}

int history_save(const struct history *h, const char *path, char **error)
{
    *error = NULL;
    char *text = history_format(h);
    int rc = config_write_atomic(path, text, strlen(text), error);
    free(text);
    return rc;
}
