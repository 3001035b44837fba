/* A box in the middle of the screen for the modal overlays (confirm, form,
 * token, results): a frame with a title, drawn over the panes. */
#ifndef SESAME_DIALOG_H
#define SESAME_DIALOG_H

#include "view.h"

/* A box of at most want_w x want_h, centred in area (smaller if the area
 * is). */
struct rect dialog_rect(const struct rect *area, int want_w, int want_h);
/* The frame of r with title on its top edge, the inside blanked. */
void dialog_frame(const struct rect *r, const char *title);
/* A footer of key hints on the bottom edge ("Enter saves · Esc cancels"). */
void dialog_footer(const struct rect *r, const char *text);

/* Lines of at most width columns from text (wrapped at blanks where it
 * can, else cut), at most max_lines of them into out (owned strings);
 * returns the number of lines text needs. */
size_t dialog_wrap(const char *text, int width, char **out, size_t max_lines);

#endif
