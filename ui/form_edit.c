/* The form model and its editing: UTF-8 text by whole characters, masking,
 * choices, focus and validation. No curses here (see form.h). */
#include "form.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/* ---- the text buffer: grown and shrunk without leaving copies ---- */

static void field_reserve(struct form_field *ff, size_t need)
{
    if (need + 1 <= ff->cap)
        return;
    size_t cap = ff->cap ? ff->cap : 32;
    while (cap < need + 1)
        cap *= 2;
    char *n = xcalloc(1, cap);
    if (ff->buf) {
        memcpy(n, ff->buf, ff->len + 1);
        wipe(ff->buf, ff->cap);
        free(ff->buf);
    }
    ff->buf = n;
    ff->cap = cap;
}

static void field_free(struct form_field *ff)
{
    if (ff->buf)
        wipe(ff->buf, ff->cap);
    free(ff->buf);
    free(ff->key);
    free(ff->label);
    free(ff->help);
    free(ff->placeholder);
    free(ff->error);
    for (size_t i = 0; i < ff->n_choices; i++) {
        free(ff->choices[i]);
        free(ff->choice_labels[i]);
    }
    free(ff->choices);
    free(ff->choice_labels);
    memset(ff, 0, sizeof *ff);
}

/* Remove bytes [from, to) and wipe what the move left past the end. */
static void field_cut(struct form_field *ff, size_t from, size_t to)
{
    if (to <= from)
        return;
    size_t n = to - from;
    memmove(ff->buf + from, ff->buf + to, ff->len - to + 1);
    ff->len -= n;
    wipe(ff->buf + ff->len + 1, n);
    if (ff->cursor >= to)
        ff->cursor -= n;
    else if (ff->cursor > from)
        ff->cursor = from;
}

static bool is_cont(unsigned char c)
{
    return (c & 0xc0) == 0x80;
}

static size_t prev_char(const struct form_field *ff, size_t at)
{
    if (at == 0)
        return 0;
    at--;
    while (at > 0 && is_cont((unsigned char)ff->buf[at]))
        at--;
    return at;
}

static size_t next_char(const struct form_field *ff, size_t at)
{
    if (at >= ff->len)
        return ff->len;
    at++;
    while (at < ff->len && is_cont((unsigned char)ff->buf[at]))
        at++;
    return at;
}

static bool editable(const struct form_field *ff)
{
    return ff->kind == FORM_TEXT || ff->kind == FORM_SECRET;
}

/* One character of s at *i (advanced past it); false at invalid UTF-8
 * (then *i moves one byte). */
static bool utf8_next(const unsigned char *s, size_t *i, uint32_t *cp)
{
    unsigned char c = s[*i];
    size_t n;
    uint32_t v, min;
    if (c < 0x80) {
        *cp = c;
        (*i)++;
        return true;
    } else if ((c & 0xe0) == 0xc0) {
        n = 2, v = c & 0x1f, min = 0x80;
    } else if ((c & 0xf0) == 0xe0) {
        n = 3, v = c & 0x0f, min = 0x800;
    } else if ((c & 0xf8) == 0xf0) {
        n = 4, v = c & 0x07, min = 0x10000;
    } else {
        (*i)++;
        return false;
    }
    for (size_t k = 1; k < n; k++) {
        if (!is_cont(s[*i + k])) {
            (*i)++;
            return false;
        }
        v = (v << 6) | (s[*i + k] & 0x3f);
    }
    *i += n;
    if (v < min)
        return false;
    *cp = v;
    return true;
}

static bool acceptable(uint32_t cp)
{
    if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f))
        return false; /* C0 and C1 controls: never into a field (or onto the screen) */
    if (cp >= 0xd800 && cp <= 0xdfff)
        return false;
    return cp <= 0x10ffff;
}

/* ---- the form ---- */

void form_init(struct form *f, const char *title)
{
    memset(f, 0, sizeof *f);
    f->title = xstrdup(title);
}

void form_free(struct form *f)
{
    form_truncate(f, 0);
    free(f->fields);
    free(f->title);
    free(f->note);
    free(f->error);
    memset(f, 0, sizeof *f);
}

size_t form_add(struct form *f, enum form_kind kind, const char *key, const char *label,
                bool required, const char *help)
{
    if (f->n == f->cap) {
        f->cap = f->cap ? f->cap * 2 : 8;
        f->fields = xrealloc(f->fields, f->cap * sizeof *f->fields);
    }
    struct form_field *ff = &f->fields[f->n];
    memset(ff, 0, sizeof *ff);
    ff->kind = kind;
    ff->key = xstrdup(key);
    ff->label = xstrdup(label);
    ff->help = xstrdup(help);
    ff->required = required;
    field_reserve(ff, 0);
    return f->n++;
}

void form_truncate(struct form *f, size_t n)
{
    while (f->n > n)
        field_free(&f->fields[--f->n]);
    if (f->focus >= f->n)
        f->focus = f->n ? f->n - 1 : 0;
}

struct form_field *form_find(struct form *f, const char *key)
{
    for (size_t i = 0; key && i < f->n; i++)
        if (f->fields[i].key && strcmp(f->fields[i].key, key) == 0)
            return &f->fields[i];
    return NULL;
}

const char *form_value(const struct form *f, const char *key)
{
    const struct form_field *ff = form_find((struct form *)f, key);
    if (!ff)
        return "";
    if (ff->kind == FORM_CHOICE)
        return ff->n_choices ? ff->choices[ff->choice] : "";
    return ff->buf;
}

char *form_value_trimmed(const struct form *f, const char *key)
{
    if (!form_find((struct form *)f, key))
        return NULL;
    char *s = text_trim(form_value(f, key)); /* as `account add` trims --set values */
    if (!*s) {
        free(s);
        return NULL;
    }
    return s;
}

void form_field_set_placeholder(struct form_field *ff, const char *text)
{
    free(ff->placeholder);
    ff->placeholder = xstrdup(text);
}

void form_field_set(struct form_field *ff, const char *text)
{
    ff->cursor = 0;
    field_cut(ff, 0, ff->len);
    const unsigned char *s = (const unsigned char *)(text ? text : "");
    size_t i = 0;
    while (s[i]) {
        uint32_t cp;
        if (utf8_next(s, &i, &cp))
            form_field_insert(ff, cp);
    }
    ff->cursor = ff->len;
}

void form_field_add_choice(struct form_field *ff, const char *value, const char *label)
{
    ff->choices = xrealloc(ff->choices, (ff->n_choices + 1) * sizeof *ff->choices);
    ff->choice_labels = xrealloc(ff->choice_labels,
                                 (ff->n_choices + 1) * sizeof *ff->choice_labels);
    ff->choices[ff->n_choices] = xstrdup(value);
    ff->choice_labels[ff->n_choices] = xstrdup(label ? label : value);
    ff->n_choices++;
}

bool form_field_choose(struct form_field *ff, const char *value)
{
    for (size_t i = 0; value && i < ff->n_choices; i++) {
        if (strcmp(ff->choices[i], value) == 0) {
            ff->choice = i;
            return true;
        }
    }
    return false;
}

void form_field_cycle(struct form_field *ff, int delta)
{
    if (ff->n_choices == 0)
        return;
    long n = (long)ff->n_choices;
    ff->choice = (size_t)((((long)ff->choice + delta) % n + n) % n);
}

static uint32_t ascii_lower(uint32_t c)
{
    return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

bool form_field_choose_letter(struct form_field *ff, uint32_t cp)
{
    for (size_t k = 1; k <= ff->n_choices; k++) {
        size_t i = (ff->choice + k) % ff->n_choices;
        unsigned char first = (unsigned char)ff->choice_labels[i][0];
        if (first && ascii_lower(first) == ascii_lower(cp)) {
            ff->choice = i;
            return true;
        }
    }
    return false;
}

/* ---- editing ---- */

bool form_field_insert(struct form_field *ff, uint32_t cp)
{
    if (!editable(ff) || !acceptable(cp))
        return false;
    char enc[4];
    size_t n = utf8_put(cp, enc);
    if (ff->len + n > FORM_MAX_TEXT)
        return false;
    field_reserve(ff, ff->len + n);
    memmove(ff->buf + ff->cursor + n, ff->buf + ff->cursor, ff->len - ff->cursor + 1);
    memcpy(ff->buf + ff->cursor, enc, n);
    ff->len += n;
    ff->cursor += n;
    wipe(enc, sizeof enc);
    return true;
}

bool form_field_backspace(struct form_field *ff)
{
    if (!editable(ff) || ff->cursor == 0)
        return false;
    field_cut(ff, prev_char(ff, ff->cursor), ff->cursor);
    return true;
}

bool form_field_delete(struct form_field *ff)
{
    if (!editable(ff) || ff->cursor >= ff->len)
        return false;
    field_cut(ff, ff->cursor, next_char(ff, ff->cursor));
    return true;
}

bool form_field_left(struct form_field *ff)
{
    if (ff->cursor == 0)
        return false;
    ff->cursor = prev_char(ff, ff->cursor);
    return true;
}

bool form_field_right(struct form_field *ff)
{
    if (ff->cursor >= ff->len)
        return false;
    ff->cursor = next_char(ff, ff->cursor);
    return true;
}

void form_field_home(struct form_field *ff)
{
    ff->cursor = 0;
}

void form_field_end(struct form_field *ff)
{
    ff->cursor = ff->len;
}

bool form_field_kill_before(struct form_field *ff)
{
    if (!editable(ff) || ff->cursor == 0)
        return false;
    field_cut(ff, 0, ff->cursor);
    return true;
}

bool form_field_kill_after(struct form_field *ff)
{
    if (!editable(ff) || ff->cursor >= ff->len)
        return false;
    field_cut(ff, ff->cursor, ff->len);
    return true;
}

static bool is_blank(char c)
{
    return c == ' ' || c == '\t';
}

bool form_field_kill_word(struct form_field *ff)
{
    if (!editable(ff) || ff->cursor == 0)
        return false;
    size_t at = ff->cursor;
    while (at > 0 && is_blank(ff->buf[at - 1]))
        at--;
    while (at > 0 && !is_blank(ff->buf[at - 1]))
        at--;
    field_cut(ff, at, ff->cursor);
    return true;
}

size_t form_field_chars(const struct form_field *ff)
{
    size_t n = 0;
    for (size_t i = 0; i < ff->len; i++)
        n += !is_cont((unsigned char)ff->buf[i]);
    return n;
}

char *form_field_shown(const struct form_field *ff, const char *bullet, size_t *cursor)
{
    if (ff->kind == FORM_CHOICE) {
        const char *label = ff->n_choices ? ff->choice_labels[ff->choice] : "";
        if (cursor)
            *cursor = 0;
        return xstrdup(label);
    }
    if (ff->kind == FORM_TEXT || ff->reveal) {
        if (cursor)
            *cursor = ff->cursor;
        return xstrndup(ff->buf, ff->len);
    }
    size_t blen = strlen(bullet), chars = form_field_chars(ff), before = 0;
    for (size_t i = 0; i < ff->cursor; i++)
        before += !is_cont((unsigned char)ff->buf[i]);
    char *out = xmalloc(chars * blen + 1);
    for (size_t i = 0; i < chars; i++)
        memcpy(out + i * blen, bullet, blen);
    out[chars * blen] = '\0';
    if (cursor)
        *cursor = before * blen;
    return out;
}

/* ---- focus and validation ---- */

void form_focus_next(struct form *f)
{
    if (f->n)
        f->focus = (f->focus + 1) % f->n;
}

void form_focus_prev(struct form *f)
{
    if (f->n)
        f->focus = (f->focus + f->n - 1) % f->n;
}

static void set_msg(char **dst, const char *fmt, va_list ap)
{
    free(*dst);
    *dst = fmt ? xvasprintf(fmt, ap) : NULL;
}

void form_field_set_error(struct form_field *ff, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    set_msg(&ff->error, fmt, ap);
    va_end(ap);
}

void form_set_error(struct form *f, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    set_msg(&f->error, fmt, ap);
    va_end(ap);
}

void form_clear_errors(struct form *f)
{
    for (size_t i = 0; i < f->n; i++) {
        free(f->fields[i].error);
        f->fields[i].error = NULL;
    }
    free(f->error);
    f->error = NULL;
}

size_t form_errors(const struct form *f)
{
    size_t n = 0;
    for (size_t i = 0; i < f->n; i++)
        n += f->fields[i].error != NULL;
    return n;
}

size_t form_validate(struct form *f)
{
    for (size_t i = 0; i < f->n; i++) {
        struct form_field *ff = &f->fields[i];
        if (!ff->required || ff->error || ff->kind == FORM_CHOICE)
            continue;
        const char *s = ff->buf;
        while (is_blank(*s))
            s++;
        if (!*s)
            form_field_set_error(ff, "needed");
    }
    for (size_t i = 0; i < f->n; i++) {
        if (f->fields[i].error) {
            f->focus = i;
            break;
        }
    }
    return form_errors(f);
}
