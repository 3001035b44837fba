/* inotify on the config and state directories (filewatch.h). */
#include "filewatch.h"

#include <sys/inotify.h>
#include <unistd.h>

#define WATCHED (IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE | IN_DELETE | IN_ATTRIB)

int filewatch_open(const char *const *dirs, size_t n)
{
    int fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (fd < 0)
        return -1;
    for (size_t i = 0; i < n; i++) {
        if (inotify_add_watch(fd, dirs[i], WATCHED) < 0) {
            close(fd);
            return -1;
        }
    }
    return fd;
}

bool filewatch_drain(int fd)
{
    char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
    bool any = false;
    while (read(fd, buf, sizeof buf) > 0)
        any = true;
    return any;
}
