/* Starting a program that runs on its own (a browser, the user's
 * on_expiring command): no shell, stdin from /dev/null, its own process
 * group (Ctrl-C in sesame's terminal is not its business), the signals
 * sesame blocks or ignores back to their defaults. The caller reaps it. */
#ifndef SESAME_LAUNCH_H
#define SESAME_LAUNCH_H

#include <stdbool.h>
#include <sys/types.h>

/* argv[0] looked up in PATH; envp NULL: sesame's own environment. quiet:
 * stdout and stderr to /dev/null (a full-screen caller). 0 and *pid, or an
 * errno. */
int spawn_detached(char *const argv[], char *const envp[], bool quiet, pid_t *pid);

#endif
