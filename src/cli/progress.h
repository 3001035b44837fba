/* The one line of progress a headless command shows on stderr while it
 * waits, when stderr is a terminal: rewritten in place, cut to the
 * terminal's width (a wrapped line could not be rewritten), and gone when
 * the answer is in or the command is interrupted (Ctrl-C leaves no half
 * line behind the shell's prompt). */
#ifndef SESAME_CLI_PROGRESS_H
#define SESAME_CLI_PROGRESS_H

#include <stdbool.h>
#include <stddef.h>

#include "worker.h"

struct cli;

/* True when progress is shown at all (stderr is a terminal). */
bool progress_wanted(void);
/* Show line (sanitised and cut here) in place of the last one. */
void progress_show(const char *line);
/* Take the line away, if one is shown. */
void progress_clear(void);
/* The first cols columns of s (after sanitize_text), as a terminal shows
 * them; owned. */
char *progress_fit(const char *s, size_t cols);

/* One listing a command waits for. */
struct listing_wait {
    uint64_t id;      /* its job; 0: nothing to wait for (ev says why) */
    const char *who;  /* the account as the line names it */
    struct event ev;  /* its answer, once in */
};

/* Wait for every listing of w[0..n), showing their progress on one line
 * ("prod: 1,200 of 10,000 users · lab: listing") while they run at once. */
void cli_wait_listings(struct cli *c, struct listing_wait *w, size_t n);

#endif
