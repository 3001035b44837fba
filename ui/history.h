/* The command line's history (k9s, a shell): the commands run, newest
 * last, at most HISTORY_MAX, without repeats, kept across runs in the
 * state directory (a command holds no secret: commands never take one).
 * Pure but for history_load / history_save. */
#ifndef SESAME_HISTORY_H
#define SESAME_HISTORY_H

#include <stddef.h>

#define HISTORY_MAX 200
#define HISTORY_FILE "history"

struct history {
    char **v;      /* oldest first */
    size_t n;
};

void history_free(struct history *h);
/* Add line (blank: nothing); an earlier copy of it moves to the end; the
 * oldest goes past HISTORY_MAX. */
void history_add(struct history *h, const char *line);
/* One command a line; lines of control characters or longer than 4 KB
 * are skipped (a hand-edited or damaged file gives what it can). */
void history_parse(struct history *h, const char *text);
/* The text history_parse reads back. Owned. */
char *history_format(const struct history *h);
/* <state_dir>/history: read (missing: empty), and written atomically. 0,
 * or an error (owned) for the message line. */
int history_load(struct history *h, const char *path, char **error);
int history_save(const struct history *h, const char *path, char **error);

#endif
