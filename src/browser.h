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

/* Start the first browser that starts; do not wait for it. A URL that is
 * not http_url_openable is refused (ERR_USAGE). quiet: its
 * stdout and stderr go to /dev/null (a full-screen caller). 0 and *pid, or
 * ERR_USAGE with *why (owned). The caller reaps the child. */
int browser_spawn(const char *url, bool quiet, pid_t *pid, char **why);

/* browser_spawn, then up to a second to see that a launcher such as
 * xdg-open did not fail: for headless use. */
int browser_open(const char *url, char **why);

#endif
