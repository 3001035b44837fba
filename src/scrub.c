/* Masking secrets in text that leaves the worker (scrub.h). */
#include "scrub.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "worker.h"

#define MAX_FORMS 6
#define TRAILING_MIN 6 /* a cut-off secret: at least this much of it */

/* One secret in every spelling a server might echo it in. */
struct forms {
    char *v[MAX_FORMS];
    size_t n;
};

static void add_form(struct forms *f, char *s)
{
    for (size_t i = 0; i < f->n; i++) {
        if (strcmp(f->v[i], s) == 0) {
            wipe_free(s);
            return;
        }
    }
    f->v[f->n++] = s;
}

static bool unreserved(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '-' || c == '_' || c == '.' || c == '~';
}

static char *percent(const char *s, const char *hex, bool plus)
{
    char *out = xmalloc(strlen(s) * 3 + 1), *o = out;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (unreserved(*p)) {
            *o++ = (char)*p;
        } else if (plus && *p == ' ') {
            *o++ = '+';
        } else {
            *o++ = '%';
            *o++ = hex[*p >> 4];
            *o++ = hex[*p & 15];
        }
    }
    *o = '\0';
    return out;
}

static char *json_escaped(const char *s, bool slash)
{
    char *out = xmalloc(strlen(s) * 6 + 1), *o = out;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\' || (slash && *p == '/')) {
            *o++ = '\\';
            *o++ = (char)*p;
        } else if (*p == '\n') {
            o += sprintf(o, "\\n");
        } else if (*p < 0x20) {
            o += sprintf(o, "\\u%04x", *p);
        } else {
            *o++ = (char)*p;
        }
    }
    *o = '\0';
    return out;
}

static void forms_of(const char *secret, struct forms *f)
{
    f->n = 0;
    add_form(f, xstrdup(secret));
    add_form(f, percent(secret, "0123456789ABCDEF", false));
    add_form(f, percent(secret, "0123456789abcdef", false));
    add_form(f, percent(secret, "0123456789ABCDEF", true));
    add_form(f, json_escaped(secret, false));
    add_form(f, json_escaped(secret, true));
}

static void forms_free(struct forms *f)
{
    for (size_t i = 0; i < f->n; i++)
        wipe_free(f->v[i]);
    f->n = 0;
}

/* Replace every needle in *text by mask; the old text is wiped. */
static void replace_all(char **text, const char *needle, const char *mask)
{
    size_t nlen = strlen(needle), mlen = strlen(mask);
    const char *hit = strstr(*text, needle);
    if (!hit)
        return;
    size_t count = 0;
    for (const char *p = hit; p; p = strstr(p + nlen, needle))
        count++;
    size_t len = strlen(*text);
    char *out = xmalloc(len - count * nlen + count * mlen + 1), *o = out;
    const char *from = *text;
    for (const char *p = hit; p; p = strstr(p + nlen, needle)) {
        memcpy(o, from, (size_t)(p - from));
        o += p - from;
        memcpy(o, mask, mlen);
        o += mlen;
        from = p + nlen;
    }
    strcpy(o, from);
    wipe_free(*text);
    *text = out;
}

/* Mask the first part of secret cut off at byte `end` of *text, if it is
 * there (at least TRAILING_MIN of it). */
static void mask_cut_at(char **text, size_t end, const char *secret, const char *mask)
{
    size_t slen = strlen(secret);
    for (size_t k = slen - 1 < end ? slen - 1 : end; k >= TRAILING_MIN; k--) {
        if (memcmp(*text + end - k, secret, k) != 0)
            continue;
        char *out = xasprintf("%.*s%s%s", (int)(end - k), *text, mask, *text + end);
        wipe_free(*text);
        *text = out;
        return;
    }
}

/* A preview cuts a body short with "..." (escape_preview), and a message
 * may end in the middle of one: there, the start of a secret is masked. */
static void mask_cut_off(char **text, const char *secret, const char *mask)
{
    mask_cut_at(text, strlen(*text), secret, mask);
    size_t from = 0;
    const char *dots;
    while ((dots = strstr(*text + from, "..."))) {
        size_t at = (size_t)(dots - *text), before = strlen(*text);
        mask_cut_at(text, at, secret, mask);
        at = at + strlen(*text) - before; /* the dots moved by what the mask changed */
        from = at + 3;
    }
}

static void scrub_one(char **text, const char *kind, const char *secret)
{
    if (!*text || !secret || strlen(secret) < SCRUB_MIN_LEN)
        return;
    char *mask = xasprintf("[secret %s]", kind ? kind : "");
    struct forms f;
    forms_of(secret, &f);
    for (size_t i = 0; i < f.n; i++)
        replace_all(text, f.v[i], mask);
    forms_free(&f);
    if (strlen(secret) > TRAILING_MIN)
        mask_cut_off(text, secret, mask);
    free(mask);
}

void secrets_scrub(char **text, const struct secret_bag *bag, const char *extra)
{
    if (!text || !*text)
        return;
    /* the longest first: a secret that holds another is masked whole */
    const char *order[SECRET_BAG_MAX + 1];
    const char *kinds[SECRET_BAG_MAX + 1];
    size_t n = 0;
    for (size_t i = 0; bag && i < bag->n; i++) {
        order[n] = bag->item[i].value;
        kinds[n++] = bag->item[i].kind;
    }
    if (extra) {
        order[n] = extra;
        kinds[n++] = "token";
    }
    for (size_t i = 1; i < n; i++) {
        for (size_t k = i; k > 0 && strlen(order[k]) > strlen(order[k - 1]); k--) {
            const char *t = order[k], *u = kinds[k];
            order[k] = order[k - 1];
            kinds[k] = kinds[k - 1];
            order[k - 1] = t;
            kinds[k - 1] = u;
        }
    }
    for (size_t i = 0; i < n; i++)
        scrub_one(text, kinds[i], order[i]);
}

void secrets_scrub_event(struct event *ev, const struct secret_bag *bag, const char *extra)
{
    if ((!bag || bag->n == 0) && !extra)
        return;
    secrets_scrub(&ev->error, bag, extra);
    secrets_scrub(&ev->result.error, bag, extra);
    for (size_t i = 0; i < ev->result.sessions.n; i++)
        secrets_scrub(&ev->result.sessions.v[i].raw_json, bag, extra);
}
