/* Whether a file changed since it was last read, by its stat (device,
 * inode, size, mtime, ctime): cheap enough to ask before every key, so
 * that a long-running dashboard sees what other sesame processes wrote
 * (accounts.conf, sessions.state) without reading the files each time. */
#ifndef SESAME_FILESTAMP_H
#define SESAME_FILESTAMP_H

#include <stdbool.h>
#include <sys/types.h>
#include <time.h>

struct file_stamp {
    bool known;          /* taken at least once */
    bool exists;
    dev_t dev;
    ino_t ino;
    off_t size;
    struct timespec mtime, ctime;
};

/* Stat path into *st; true if that differs from what *st held (always on
 * the first call). Take it BEFORE reading the file: a write landing
 * between the stat and the read is then seen as a change next time. */
bool file_stamp_take(struct file_stamp *st, const char *path);

#endif
