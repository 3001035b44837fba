/* Column layout, cursor arithmetic and drawing of table lines. */
#include "table.h"

#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

static int visible_width(const struct column *c, const bool *on, size_t n, bool want)
{
    int sum = 0, shown = 0;
    for (size_t i = 0; i < n; i++) {
        if (!on[i])
            continue;
        sum += want ? c[i].want : c[i].min;
        shown++;
    }
    return sum + (shown > 0 ? shown - 1 : 0);
}

void table_layout(const struct column *c, size_t n, int total, int *widths)
{
    bool on[TABLE_MAX_COLUMNS] = {false};
    if (n > TABLE_MAX_COLUMNS)
        n = TABLE_MAX_COLUMNS;
    size_t shown = n;
    for (size_t i = 0; i < n; i++) {
        on[i] = true;
        widths[i] = 0;
    }
    /* drop columns, lowest keep first (the later one on a tie), until the mins fit */
    while (shown > 1 && visible_width(c, on, n, false) > total) {
        size_t drop = n;
        for (size_t i = 0; i < n; i++)
            if (on[i] && (drop == n || c[i].keep <= c[drop].keep))
                drop = i;
        on[drop] = false;
        shown--;
    }
    int room = total - visible_width(c, on, n, false);
    for (size_t i = 0; i < n; i++)
        if (on[i])
            widths[i] = c[i].min;
    if (room < 0) { /* one column, narrower than its min */
        for (size_t i = 0; i < n; i++)
            if (on[i])
                widths[i] = total > 0 ? total : 0;
        return;
    }
    /* up to want, in order of keep */
    for (;;) {
        size_t best = n;
        for (size_t i = 0; i < n; i++)
            if (on[i] && widths[i] < c[i].want && (best == n || c[i].keep > c[best].keep))
                best = i;
        if (best == n || room == 0)
            break;
        int add = c[best].want - widths[best];
        if (add > room)
            add = room;
        widths[best] += add;
        room -= add;
    }
    /* the rest by grow */
    int grow_sum = 0;
    size_t last = n;
    for (size_t i = 0; i < n; i++)
        if (on[i] && c[i].grow > 0) {
            grow_sum += c[i].grow;
            last = i;
        }
    if (grow_sum == 0 || room == 0)
        return;
    int left = room;
    for (size_t i = 0; i < n; i++) {
        if (!on[i] || c[i].grow <= 0)
            continue;
        int add = i == last ? left : room * c[i].grow / grow_sum;
        widths[i] += add;
        left -= add;
    }
}

int table_column_at(const int *widths, size_t n, int x)
{
    int pos = 0;
    for (size_t i = 0; i < n; i++) {
        if (widths[i] <= 0)
            continue;
        if (x >= pos && x < pos + widths[i])
            return (int)i;
        pos += widths[i] + 1;
    }
    return -1;
}

void listpos_clamp(struct listpos *p, size_t n, size_t visible)
{
    if (n == 0) {
        p->cursor = p->top = 0;
        return;
    }
    if (visible == 0)
        visible = 1;
    if (p->cursor >= n)
        p->cursor = n - 1;
    if (p->cursor < p->top)
        p->top = p->cursor;
    if (p->cursor >= p->top + visible)
        p->top = p->cursor - visible + 1;
    /* no blank rows at the end when the list could fill the view */
    if (n >= visible && p->top > n - visible)
        p->top = n - visible;
    if (n < visible)
        p->top = 0;
}

void listpos_move(struct listpos *p, size_t n, long delta, size_t visible)
{
    if (n == 0) {
        listpos_clamp(p, n, visible);
        return;
    }
    long c = (long)p->cursor + delta;
    if (c < 0)
        c = 0;
    if (c >= (long)n)
        c = (long)n - 1;
    p->cursor = (size_t)c;
    listpos_clamp(p, n, visible);
}

void listpos_set(struct listpos *p, size_t n, size_t index, size_t visible)
{
    p->cursor = index;
    listpos_clamp(p, n, visible);
}

bool scroll_action(size_t *at, size_t max, size_t page, enum action a)
{
    size_t p = *at > max ? max : *at;
    switch (a) {
    case ACT_MOVE_UP: p = p ? p - 1 : 0; break;
    case ACT_MOVE_DOWN: p = p < max ? p + 1 : max; break;
    case ACT_PAGE_UP: p = p > page ? p - page : 0; break;
    case ACT_PAGE_DOWN: p = p + page < max ? p + page : max; break;
    case ACT_FIRST: p = 0; break;
    case ACT_LAST: p = max; break;
    default: return false;
    }
    *at = p;
    return true;
}

char *position_text(const char *what, size_t cursor, size_t n, size_t top, size_t visible)
{
    if (n == 0)
        return xstrdup("");
    bool above = top > 0, below = top + visible < n;
    const char *up = text_ascii() ? "^" : "\xe2\x96\xb2", *down = text_ascii() ? "v" : "\xe2\x96\xbc";
    char *marks = xasprintf("%s%s%s%s", above || below ? " " : "", above ? up : "",
                            below ? down : "", "");
    char *out;
    if (strcmp(what, "lines") == 0) {
        size_t last = top + visible < n ? top + visible : n;
        out = xasprintf("lines %zu-%zu of %zu%s", top + 1, last, n, marks);
    } else {
        out = xasprintf("%s %zu of %zu%s", what, cursor < n ? cursor + 1 : n, n, marks);
    }
    free(marks);
    return out;
}

/* ---- curses ---- */

void table_draw_header(int y, int x, const struct column *cols, const int *widths, size_t n,
                       int sort, bool desc, int cursor)
{
    int pos = x;
    for (size_t i = 0; i < n; i++) {
        if (widths[i] <= 0)
            continue;
        const char *arrow = text_ascii() ? (desc ? "v" : "^") : (desc ? "\xe2\x96\xbc" : "\xe2\x96\xb2");
        char *title = (int)i == sort ? xasprintf("%s%s", cols[i].title, arrow)
                                     : xstrdup(cols[i].title);
        /* a column without a title (the marks) has no header to underline */
        enum role r = *title ? C_HEADER : C_DEFAULT;
        draw_text(y, pos, widths[i], title, (int)i == cursor ? C_CELL : r, cols[i].align);
        free(title);
        pos += widths[i];
        if (i + 1 < n) {
            draw_fill(y, pos, 1, r);
            pos++;
        }
    }
}

void table_draw_cell(int y, int x, const struct column *cols, const int *widths, size_t col,
                     const char *cell, enum role cell_role, enum role role)
{
    if (widths[col] <= 0)
        return;
    int pos = x;
    for (size_t i = 0; i < col; i++)
        if (widths[i] > 0)
            pos += widths[i] + 1;
    draw_text(y, pos, widths[col], cell ? cell : "", role == C_DEFAULT ? cell_role : role,
              cols[col].align);
}

void table_draw_row(int y, int x, int total, const struct column *cols, const int *widths,
                    size_t n, const char *const *cells, const enum role *roles, enum role role)
{
    draw_fill(y, x, total, role);
    int pos = x;
    for (size_t i = 0; i < n; i++) {
        if (widths[i] <= 0)
            continue;
        enum role r = role;
        if (roles && role == C_DEFAULT)
            r = roles[i];
        draw_text(y, pos, widths[i], cells[i] ? cells[i] : "", r, cols[i].align);
        pos += widths[i] + 1;
    }
}
