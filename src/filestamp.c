/* Has a file changed since it was read (filestamp.h). */
#include "filestamp.h"

#include <string.h>
#include <sys/stat.h>

static bool same_time(struct timespec a, struct timespec b)
{
    return a.tv_sec == b.tv_sec && a.tv_nsec == b.tv_nsec;
}

bool file_stamp_take(struct file_stamp *st, const char *path)
{
    struct stat sb;
    struct file_stamp now;
    memset(&now, 0, sizeof now);
    now.known = true;
    if (stat(path, &sb) == 0) {
        now.exists = true;
        now.dev = sb.st_dev;
        now.ino = sb.st_ino;
        now.size = sb.st_size;
        now.mtime = sb.st_mtim;
        now.ctime = sb.st_ctim;
    }
    bool changed = !st->known || st->exists != now.exists || st->dev != now.dev ||
                   st->ino != now.ino || st->size != now.size ||
                   !same_time(st->mtime, now.mtime) || !same_time(st->ctime, now.ctime);
    *st = now;
    return changed;
}
