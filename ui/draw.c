/* Width-aware text fitting (pure) and drawing it on stdscr. */
#include "draw.h"

#include <curses.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "util.h"

#define REPLACEMENT 0xfffd

static bool ascii_mode;

void text_set_ascii(bool ascii)
{
    ascii_mode = ascii;
}

bool text_ascii(void)
{
    return ascii_mode;
}

/* Decode one character at s (never past the NUL); *len = bytes used.
 * Invalid UTF-8 is one U+FFFD per byte. */
static unsigned decode(const unsigned char *s, size_t *len)
{
    unsigned c = s[0], cp;
    size_t n;
    if (c < 0x80) {
        *len = 1;
        return c;
    }
    if (c >= 0xc2 && c <= 0xdf) { n = 2; cp = c & 0x1f; }
    else if (c >= 0xe0 && c <= 0xef) { n = 3; cp = c & 0x0f; }
    else if (c >= 0xf0 && c <= 0xf4) { n = 4; cp = c & 0x07; }
    else { *len = 1; return REPLACEMENT; }
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xc0) != 0x80) {
            *len = 1;
            return REPLACEMENT;
        }
        cp = (cp << 6) | (s[i] & 0x3f);
    }
    static const unsigned min[5] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < min[n] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
        *len = 1;
        return REPLACEMENT;
    }
    *len = n;
    return cp;
}

/* What is drawn for cp, and its width. */
static unsigned shown(unsigned cp, int *width)
{
    if (cp == '\t' || cp == '\n' || cp == '\r')
        cp = ' ';
    if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f))
        cp = REPLACEMENT;
    if (ascii_mode && cp >= 0x80) {
        *width = 1;
        return '?';
    }
    int w = cp < 0x80 ? 1 : wcwidth((wchar_t)cp);
    if (w < 0) {
        cp = REPLACEMENT;
        w = 1;
    }
    *width = w;
    return cp;
}

int text_width(const char *s)
{
    int total = 0;
    const unsigned char *u = (const unsigned char *)(s ? s : "");
    while (*u) {
        size_t len;
        int w;
        shown(decode(u, &len), &w);
        total += w;
        u += len;
    }
    return total;
}

static const char *ellipsis(void)
{
    return ascii_mode ? "~" : "\xe2\x80\xa6";
}

char *text_clip(const char *s, int width, int *out_width)
{
    const unsigned char *u = (const unsigned char *)(s ? s : "");
    size_t in_len = strlen((const char *)u);
    /* each byte becomes at most one 4-byte character, plus the ellipsis */
    char *out = xmalloc(in_len * 4 + 8);
    size_t o = 0;
    int used = 0;
    if (width <= 0)
        goto done;
    bool cut = text_width((const char *)u) > width;
    int room = cut ? width - 1 : width; /* the ellipsis is one column */
    while (*u) {
        size_t len;
        int w;
        unsigned cp = shown(decode(u, &len), &w);
        if (used + w > room)
            break;
        o += utf8_put(cp, out + o);
        used += w;
        u += len;
    }
    if (cut) {
        strcpy(out + o, ellipsis());
        o += strlen(ellipsis());
        used++;
    }
done:
    out[o] = '\0';
    if (out_width)
        *out_width = used;
    return out;
}

char *text_fit(const char *s, int width, enum align align)
{
    if (width <= 0)
        return xstrdup("");
    int w;
    char *clip = text_clip(s, width, &w);
    int pad = width - w;
    int left = align == ALIGN_RIGHT ? pad : align == ALIGN_CENTER ? pad / 2 : 0;
    size_t clen = strlen(clip);
    char *out = xmalloc(clen + (size_t)pad + 1);
    memset(out, ' ', (size_t)left);
    memcpy(out + left, clip, clen);
    memset(out + left + clen, ' ', (size_t)(pad - left));
    out[clen + (size_t)pad] = '\0';
    free(clip);
    return out;
}

/* ---- curses ---- */

void draw_text(int y, int x, int width, const char *s, enum role role, enum align align)
{
    if (width <= 0)
        return;
    char *t = text_fit(s, width, align);
    attrset(theme_attr(role));
    mvaddstr(y, x, t);
    attrset(A_NORMAL);
    free(t);
}

int draw_part(int y, int x, int x_end, const char *s, enum role role)
{
    if (x >= x_end)
        return x;
    int w;
    char *t = text_clip(s, x_end - x, &w);
    attrset(theme_attr(role));
    mvaddstr(y, x, t);
    attrset(A_NORMAL);
    free(t);
    return x + w;
}

/* Blanks set as cells: addstr of as many spaces decodes each one as
 * multibyte text (~300 instructions a cell, most of a row's cost). */
void draw_fill(int y, int x, int width, enum role role)
{
    if (width <= 0)
        return;
    attr_t a = theme_attr(role);
    cchar_t blank;
    const wchar_t sp[] = {L' ', L'\0'};
    setcchar(&blank, sp, a & ~A_COLOR, (short)PAIR_NUMBER(a), NULL);
    mvhline_set(y, x, &blank, width);
}

void draw_rule(int y, int x, int width, const char *title, enum role line_role,
               enum role title_role)
{
    if (width <= 0)
        return;
    /* the line as text: no alternate character set to switch in and out of */
    const char *unit = ascii_mode ? "-" : "\xe2\x94\x80";
    size_t ulen = strlen(unit);
    char *line = xmalloc((size_t)width * ulen + 1);
    for (int i = 0; i < width; i++)
        memcpy(line + (size_t)i * ulen, unit, ulen);
    line[(size_t)width * ulen] = '\0';
    draw_part(y, x, x + width, line, line_role);
    free(line);
    if (!str_empty(title) && width > 4) {
        char *t = xasprintf(" %s ", title);
        draw_part(y, x + 2, x + width - 1, t, title_role);
        free(t);
    }
}

void draw_rule2(int y, int x, int width, const char *title, const char *right,
                enum role line_role, enum role title_role, enum role right_role)
{
    int rw = str_empty(right) ? 0 : text_width(right) + 2;
    if (rw == 0 || rw + 8 > width) {
        draw_rule(y, x, width, title, line_role, title_role);
        return;
    }
    draw_rule(y, x, width - rw - 2, title, line_role, title_role);
    draw_rule(y, x + width - rw - 2, rw + 2, NULL, line_role, line_role);
    char *t = xasprintf(" %s ", right);
    draw_part(y, x + width - rw - 2, x + width - 2, t, right_role);
    free(t);
}
