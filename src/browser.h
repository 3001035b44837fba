/* Opening a URL in the user's browser: $BROWSER (entries separated by
 * ':', each may hold %s for the URL), else xdg-open; started without a
 * shell. The URL may carry a session token: it goes to the browser's argv
 * because a browser takes nothing else, and nowhere further. */
#ifndef SESAME_BROWSER_H
#define SESAME_BROWSER_H

#include <stdbool.h>
#include <sys/types.h>

/* argv for one $BROWSER entry (URL appended unless the entry has %s);
 * NULL for an empty entry. Free with strv_free. */
char **browser_argv(const char *entry, const char *url);
void strv_free(char **v);

/* Why no browser can be started here, or NULL when one may be. With
 * $BROWSER set, the user's word is taken; without it, xdg-open must be
 * installed and have a desktop to show the page on ($DISPLAY or
 * $WAYLAND_DISPLAY): else the text says so and how to set $BROWSER.
 * Owned. */
char *browser_missing(void);

/* Start the first browser that starts; do not wait for it. A URL that is
 * not http_url_openable is refused (ERR_USAGE), and so is any when
 * browser_missing says why. quiet: its stdout and stderr go to /dev/null
 * (a full-screen caller). 0 and *pid, or ERR_USAGE with *why (owned). The
 * caller reaps the child. */
int browser_spawn(const char *url, bool quiet, pid_t *pid, char **why);

/* browser_spawn, then up to a second to see that a launcher such as
 * xdg-open did not fail: for headless use. */
int browser_open(const char *url, char **why);

#endif
