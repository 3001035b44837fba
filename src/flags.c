/* The names of the flags and the places they read (flags.h): no memory,
 * no clock, so that a column's text needs nothing more. */
#include "flags.h"

#include <glib.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "suggest.h"
#include "util.h"

static const struct {
    unsigned flag;
    const char *name;
} table[FLAG_COUNT] = {
    {FLAG_IMPERSONATED, "impersonated"},
    {FLAG_NEW_PLACE, "new-place"},
    {FLAG_NEW_DEVICE, "new-device"},
    {FLAG_MANY_LIVE, "many-live"},
    {FLAG_STALE, "stale"},
};

const char *flag_name(unsigned flag)
{
    for (size_t i = 0; i < FLAG_COUNT; i++)
        if (table[i].flag == flag)
            return table[i].name;
    return NULL;
}

char *flag_word_check(const char *word)
{
    GString *all = g_string_new(NULL);
    struct suggest sg;
    suggest_init(&sg, word);
    bool part = false;
    for (size_t i = 0; i < FLAG_COUNT; i++) {
        part = part || strcasestr(table[i].name, word) != NULL;
        suggest_offer(&sg, table[i].name);
        g_string_append_printf(all, "%s%s", i ? ", " : "", table[i].name);
    }
    const char *best = suggest_best(&sg);
    char *why = part ? NULL
                : best ? xasprintf("unknown flag '%s' (did you mean %s?); the flags: %s", word,
                                   best, all->str)
                       : xasprintf("unknown flag '%s'; the flags: %s", word, all->str);
    g_string_free(all, TRUE);
    return why;
}

unsigned flag_parse(const char *word)
{
    unsigned found = 0;
    size_t n = word ? strlen(word) : 0;
    if (n == 0)
        return 0;
    for (size_t i = 0; i < FLAG_COUNT; i++) {
        if (strcasecmp(word, table[i].name) == 0)
            return table[i].flag;
        if (strncasecmp(word, table[i].name, n) == 0) {
            if (found && found != table[i].flag)
                return 0; /* "new": place or device? */
            found = table[i].flag;
        }
    }
    return found;
}

const char *flags_text(unsigned flags, char *buf, size_t size)
{
    size_t at = 0;
    if (size)
        buf[0] = '\0';
    for (size_t i = 0; i < FLAG_COUNT; i++) {
        if (!(flags & table[i].flag))
            continue;
        int n = snprintf(buf + at, size > at ? size - at : 0, "%s%s", at ? " " : "",
                         table[i].name);
        if (n < 0 || (size_t)n >= size - at) {
            if (size > at)
                buf[at] = '\0'; /* a word that does not fit is left out whole */
            break;
        }
        at += (size_t)n;
    }
    return buf;
}

const char *place_country(const char *place)
{
    if (str_empty(place))
        return NULL;
    const char *comma = strrchr(place, ',');
    if (comma) {
        const char *c = comma + 1;
        while (*c == ' ')
            c++;
        return *c ? c : NULL;
    }
    size_t n = strlen(place);
    for (size_t i = 0; i < n; i++)
        if (place[i] < 'A' || place[i] > 'Z')
            return NULL; /* a city alone, not a country code */
    return n == 2 || n == 3 ? place : NULL;
}
