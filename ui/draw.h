/* Width-aware text: what a string looks like in N terminal columns, and
 * drawing it. Every string drawn goes through text_fit, so control
 * characters and invalid UTF-8 never reach the terminal (they become
 * U+FFFD), wide characters stay aligned (widths from wcwidth), and text
 * that does not fit ends in an ellipsis (…). */
#ifndef SESAME_DRAW_H
#define SESAME_DRAW_H

#include <stdbool.h>

#include "theme.h"

enum align { ALIGN_LEFT = 0, ALIGN_RIGHT, ALIGN_CENTER };

/* ASCII mode (a locale that is not UTF-8): "~" for the ellipsis and '?'
 * for every non-ASCII character. Set by the front end from the locale. */
void text_set_ascii(bool ascii);
bool text_ascii(void);

/* Columns s takes on the terminal, as text_fit would draw it. */
int text_width(const char *s);

/* s in exactly width columns (width <= 0: ""): cut with an ellipsis if it
 * is wider, padded with spaces (align says where) if narrower. Owned. */
char *text_fit(const char *s, int width, enum align align);

/* s cut to at most width columns (ellipsis if cut), not padded. Owned;
 * *out_width (may be NULL) is the width of the result. */
char *text_clip(const char *s, int width, int *out_width);

/* ---- curses (stdscr) ---- */

/* Draw s at (y, x) in exactly width columns with the role's colours. */
void draw_text(int y, int x, int width, const char *s, enum role role, enum align align);
/* Draw s from (y, x) but not past column x_end; returns the column after
 * it (for a line made of parts in several roles). */
int draw_part(int y, int x, int x_end, const char *s, enum role role);
/* width spaces in the role's colours. */
void draw_fill(int y, int x, int width, enum role role);
/* A horizontal rule with a title: "── Accounts ─────". */
void draw_rule(int y, int x, int width, const char *title, enum role line_role,
               enum role title_role);
/* The same with text at its right end too ("── Sessions 305 ── row 3 of 305 ▼ ──"):
 * the title gives way to it when both do not fit. */
void draw_rule2(int y, int x, int width, const char *title, const char *right,
                enum role line_role, enum role title_role, enum role right_role);

#endif
