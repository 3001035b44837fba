/* Boxes for the modal overlays. */
#include "dialog.h"

#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "draw.h"
#include "util.h"

struct rect dialog_rect(const struct rect *area, int want_w, int want_h)
{
    int w = want_w < area->w - 2 ? want_w : area->w - 2;
    int h = want_h < area->h ? want_h : area->h;
    if (w < 0)
        w = 0;
    if (h < 0)
        h = 0;
    return (struct rect){area->y + (area->h - h) / 2, area->x + (area->w - w) / 2, h, w};
}

static void edge(int y, int x, int w, const char *left, const char *fill, const char *right)
{
    size_t fl = strlen(fill);
    char *line = xmalloc((size_t)w * 4 + 8), *p = line;
    strcpy(p, left);
    p += strlen(left);
    for (int i = 0; i < w - 2; i++, p += fl)
        memcpy(p, fill, fl);
    strcpy(p, right);
    draw_part(y, x, x + w, line, C_BORDER);
    free(line);
}

void dialog_frame(const struct rect *r, const char *title)
{
    if (r->h < 2 || r->w < 4)
        return;
    bool a = text_ascii();
    for (int y = r->y; y < r->y + r->h; y++) { /* a blank margin: no bits of the table */
        if (r->x > 0)
            draw_fill(y, r->x - 1, 1, C_DEFAULT);
        if (r->x + r->w < COLS)
            draw_fill(y, r->x + r->w, 1, C_DEFAULT);
    }
    edge(r->y, r->x, r->w, a ? "+" : "┌", a ? "-" : "─", a ? "+" : "┐");
    for (int y = r->y + 1; y < r->y + r->h - 1; y++) {
        draw_part(y, r->x, r->x + 1, a ? "|" : "│", C_BORDER);
        draw_fill(y, r->x + 1, r->w - 2, C_DEFAULT);
        draw_part(y, r->x + r->w - 1, r->x + r->w, a ? "|" : "│", C_BORDER);
    }
    edge(r->y + r->h - 1, r->x, r->w, a ? "+" : "└", a ? "-" : "─", a ? "+" : "┘");
    if (!str_empty(title)) {
        char *t = xasprintf(" %s ", title);
        draw_part(r->y, r->x + 2, r->x + r->w - 2, t, C_PANE_TITLE);
        free(t);
    }
}

void dialog_footer(const struct rect *r, const char *text)
{
    if (r->h < 2 || str_empty(text))
        return;
    char *t = xasprintf(" %s ", text);
    int w = text_width(t), room = r->w - 4;
    int x = w < room ? r->x + r->w - 2 - w : r->x + 2;
    draw_part(r->y + r->h - 1, x, r->x + r->w - 2, t, C_DIM);
    free(t);
}

/* Columns of the one character at s (its byte length in *len). */
static int char_width(const char *s, size_t *len)
{
    size_t n = 1;
    while (s[n] && ((unsigned char)s[n] & 0xc0) == 0x80)
        n++;
    char buf[8];
    if (n >= sizeof buf)
        n = sizeof buf - 1;
    memcpy(buf, s, n);
    buf[n] = '\0';
    *len = n;
    return text_width(buf);
}

size_t dialog_wrap(const char *text, int width, char **out, size_t max_lines)
{
    size_t n = 0;
    const char *s = text ? text : "";
    if (width < 1)
        width = 1;
    while (*s) {
        if (*s == '\n') {
            if (n < max_lines)
                out[n] = xstrdup("");
            n++;
            s++;
            continue;
        }
        size_t i = 0, brk = 0;
        int w = 0;
        while (s[i] && s[i] != '\n') {
            size_t len;
            int cw = char_width(s + i, &len);
            if (w + cw > width)
                break;
            w += cw;
            i += len;
            if (s[i] == ' ')
                brk = i;
        }
        size_t take = i;
        if (s[i] && s[i] != '\n' && s[i] != ' ' && brk > 0)
            take = brk; /* wrap at the last blank */
        if (take == 0) /* a character wider than the line */
            char_width(s, &take);
        if (n < max_lines)
            out[n] = xstrndup(s, take);
        n++;
        s += take;
        while (*s == ' ')
            s++;
        if (*s == '\n')
            s++;
    }
    return n;
}
