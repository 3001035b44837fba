/* Small line-oriented text files (themes, sesame.conf): read whole, walk the
 * lines, split a line into words. Comments start with a word beginning '#'. */
#ifndef SESAME_TEXTFILE_H
#define SESAME_TEXTFILE_H

#include <stddef.h>

/* The whole file, NUL-terminated, or NULL with *error ("path: reason").
 * A missing file gives NULL with *error NULL when missing_ok is set. */
char *textfile_read(const char *path, int missing_ok, char **error);

/* The next line of *cursor, NUL-terminated in place (a trailing '\r' is
 * dropped); *cursor moves past it. NULL at the end of the text. */
char *textfile_next_line(char **cursor);

/* Split line in place into words separated by blanks, stopping at a word
 * that starts with '#'. Fills at most max words and returns how many there
 * were (may be more than max: the caller reports "too many words"). */
size_t textfile_split(char *line, char **words, size_t max);

#endif
