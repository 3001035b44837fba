/* Tables: columns laid out to the terminal width, a cursor that scrolls,
 * header and rows drawn by role. Shared by the accounts pane and the
 * sessions table. The layout and cursor arithmetic are pure (tested). */
#ifndef SESAME_TABLE_H
#define SESAME_TABLE_H

#include <stdbool.h>
#include <stddef.h>

#include "draw.h"
#include "keymap.h"

struct column {
    const char *title;
    int min;          /* narrowest useful width */
    int want;         /* the width it gets when there is room */
    int grow;         /* share of the room left after every want (0: none) */
    int keep;         /* when even the min widths do not fit, the lowest keep goes first */
    enum align align;
};

#define TABLE_MAX_COLUMNS 16

/* widths[i] for total columns, one blank between visible columns; a
 * column that had to go gets 0. */
void table_layout(const struct column *cols, size_t n, int total, int *widths);
/* The column under x (0 = the table's first column), -1 if none. */
int table_column_at(const int *widths, size_t n, int x);

/* A cursor over n rows of which `visible` show at once. */
struct listpos {
    size_t cursor, top;
};
/* Keep the cursor within n rows and on screen. */
void listpos_clamp(struct listpos *p, size_t n, size_t visible);
/* Move by delta rows (clamped), then keep it on screen. */
void listpos_move(struct listpos *p, size_t n, long delta, size_t visible);
void listpos_set(struct listpos *p, size_t n, size_t index, size_t visible);
/* A moving key (move-up, move-down, page-up, page-down, move-first,
 * move-last) on a position *at from 0 to max (a text's top line, or a
 * cursor), page at a time for the page keys. True if a was one of them. */
bool scroll_action(size_t *at, size_t max, size_t page, enum action a);

/* Where a list stands, for its title: "row 12 of 305", and "▲" / "▼"
 * when rows are hidden above / below the `visible` ones from top (ASCII:
 * "^" "v"); "" for an empty list. With no cursor (what = "lines"):
 * "lines 1-20 of 40 ▼". Owned. */
char *position_text(const char *what, size_t cursor, size_t n, size_t top, size_t visible);

/* ---- curses ---- */

/* Column titles on line y; the sort column gets an arrow (sort < 0: none),
 * the column under a column cursor is drawn in the cell role (cursor < 0:
 * none). */
void table_draw_header(int y, int x, const struct column *cols, const int *widths, size_t n,
                       int sort, bool desc, int cursor);
/* One row: cells[i] drawn in roles[i] (roles NULL: all in role). The blanks
 * between cells take role too, so a selected row is one bar. */
void table_draw_row(int y, int x, int total, const struct column *cols, const int *widths,
                    size_t n, const char *const *cells, const enum role *roles, enum role role);
/* Cell col of a row drawn as table_draw_row draws it (in cell_role, or in
 * role when that is not C_DEFAULT), the rest of the row left alone. */
void table_draw_cell(int y, int x, const struct column *cols, const int *widths, size_t col,
                     const char *cell, enum role cell_role, enum role role);

#endif
