/* Being woken when another sesame writes the files the dashboard shows
 * (accounts.conf in the config directory, sessions.state in the state
 * directory): an inotify descriptor on both directories for poll, so that
 * an idle dashboard does not wake to look. Linux only; where it cannot be
 * set up (a directory missing, inotify unavailable) the caller looks now
 * and then instead. */
#ifndef SESAME_FILEWATCH_H
#define SESAME_FILEWATCH_H

#include <stdbool.h>
#include <stddef.h>

/* A descriptor watching every directory of dirs, or -1. */
int filewatch_open(const char *const *dirs, size_t n);
/* Read what is waiting on fd; true if anything was. */
bool filewatch_drain(int fd);

#endif
