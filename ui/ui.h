/* The ncurses front end. Only the UI thread touches curses. */
#ifndef SESAME_UI_H
#define SESAME_UI_H

#include <stdbool.h>

struct ui_options {
    const char *theme;      /* theme name or path; NULL = config, else "default" */
    bool read_only;         /* no destructive action */
    bool no_color;          /* NO_COLOR set or --no-color */
    bool redact;            /* screen-share mode from the start (--redact) */
};

/* Runs the dashboard until the user quits; returns the process exit code.
 * The terminal is restored on every way out (q, Ctrl-C, SIGTERM, SIGHUP). */
int ui_run(const struct ui_options *opt);

#endif
