#include "textfile.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

#define TEXTFILE_MAX (1024 * 1024)

char *textfile_read(const char *path, int missing_ok, char **error)
{
    *error = NULL;
    char *text = NULL;
    size_t len = 0;
    char *err = NULL;
    int e = file_read_regular(path, TEXTFILE_MAX, &text, &len, &err);
    if (e == ENOENT && !missing_ok)
        err = xasprintf("%s: %s", path, strerror(ENOENT));
    *error = err;
    return e ? NULL : text;
}

char *textfile_next_line(char **cursor)
{
    char *s = *cursor;
    if (!s || !*s)
        return NULL;
    char *nl = strchr(s, '\n');
    if (nl) {
        *nl = '\0';
        *cursor = nl + 1;
    } else {
        *cursor = s + strlen(s);
    }
    size_t len = strlen(s);
    if (len && s[len - 1] == '\r')
        s[len - 1] = '\0';
    return s;
}

static int is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\v' || c == '\f' || c == '\r';
}

size_t textfile_split(char *line, char **words, size_t max)
{
    size_t n = 0;
    char *p = line;
    for (;;) {
        while (is_blank(*p))
            p++;
        if (!*p || *p == '#')
            break;
        if (n < max)
            words[n] = p;
        n++;
        while (*p && !is_blank(*p))
            p++;
        if (!*p)
            break;
        *p++ = '\0';
    }
    return n;
}
