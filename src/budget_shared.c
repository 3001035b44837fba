/* The request budget file shared by sesame's processes: a header and a
 * ring of send times, read and written with pread/pwrite under flock (not
 * mmap: a file cut short by someone else would kill us with SIGBUS). */
#include "budget_shared.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <glib.h>

#include "budget.h"
#include "config.h"
#include "util.h"

#define SHARED_MAGIC 0x53424447u  /* "GDBS" */
#define SHARED_VERSION 1u
#define SHARED_SLOTS BUDGET_MAX_SLOTS  /* any rate's window fits: budgets share one size */
#define LOCK_TRIES 200                 /* 1 ms apart: a holder stuck longer is ignored */
#define SKIP_MS 1000                   /* and the file left alone this long */
/* Times later than now by more than this come from an earlier boot (the
 * state-dir fallback outlives one) or a damaged file: reset. */
#define FUTURE_SLACK_MS 60000
#define MAX_BLOCK_MS (25LL * 3600 * 1000)

struct shared_header {
    uint32_t magic, version, slots;
    uint32_t head;         /* the oldest send */
    uint32_t n;            /* sends in the ring, oldest to newest: times never go down */
    uint32_t pad;
    int64_t blocked_until; /* monotonic ms, 0 = not blocked */
};

#define FILE_SIZE ((off_t)sizeof(struct shared_header) + (off_t)SHARED_SLOTS * 8)

struct budget_shared {
    int fd;
    char *path;
    int64_t skip_until; /* the file could not be had: left alone until then */
    int64_t *buf;       /* the newest sends, read for one take */
};

char *budget_shared_dir(void)
{
    char *hash = g_compute_checksum_for_string(G_CHECKSUM_SHA256, config_dir(), -1);
    hash[16] = '\0';
    char *dir = g_build_filename(runtime_dir(), "budget", hash, NULL);
    g_free(hash);
    char *out = xstrdup(dir);
    g_free(dir);
    return out;
}

/* An account id as config.c makes them is its own file name; anything else
 * (a '/', "..", a stranger's id) is hashed, starting with '_' which no id has. */
static char *file_name(const char *account_id)
{
    size_t n = 0;
    for (; account_id[n]; n++)
        if (!(g_ascii_islower(account_id[n]) || g_ascii_isdigit(account_id[n]) ||
              account_id[n] == '-'))
            break;
    if (!account_id[n] && n > 0 && n <= 64)
        return xstrdup(account_id);
    char *hash = g_compute_checksum_for_string(G_CHECKSUM_SHA256, account_id, -1);
    char *name = xasprintf("_%.32s", hash);
    g_free(hash);
    return name;
}

/* Ours and a directory, not a symlink to one. */
static bool dir_ok(const char *dir)
{
    struct stat st;
    if (g_mkdir_with_parents(dir, 0700) != 0 || lstat(dir, &st) != 0)
        return false;
    return S_ISDIR(st.st_mode) && st.st_uid == geteuid();
}

/* O_NOFOLLOW: a symlink is not followed; O_NONBLOCK: a FIFO does not hang
 * the open. Returns the fd of a regular file of ours, -1 (errno) else. */
static int open_regular(const char *path)
{
    int fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0600);
    if (fd < 0)
        return -1;
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_uid != geteuid()) {
        close(fd);
        errno = EINVAL;
        return -1;
    }
    if ((st.st_mode & 077) != 0)
        (void)fchmod(fd, 0600);
    return fd;
}

/* The file at path, made if missing; a symlink, FIFO or socket in its
 * place is ours to replace (the directory is the user's); a directory is
 * left alone. -1 when there is none to be had. */
static int open_budget_file(const char *path)
{
    char *dir = g_path_get_dirname(path);
    bool ok = dir_ok(dir);
    g_free(dir);
    if (!ok)
        return -1;
    int fd = open_regular(path);
    struct stat st;
    if (fd < 0 && lstat(path, &st) == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode) &&
        unlink(path) == 0)
        fd = open_regular(path);
    return fd;
}

struct budget_shared *budget_shared_open(const char *dir, const char *account_id)
{
    if (str_empty(dir) || str_empty(account_id))
        return NULL;
    char *name = file_name(account_id);
    char *path = xasprintf("%s/%s", dir, name);
    free(name);
    int fd = open_budget_file(path);
    if (fd < 0) {
        free(path);
        return NULL;
    }
    struct budget_shared *s = xcalloc(1, sizeof *s);
    s->fd = fd;
    s->path = path;
    s->buf = xcalloc(SHARED_SLOTS, sizeof *s->buf);
    return s;
}

void budget_shared_close(struct budget_shared *s)
{
    if (!s)
        return;
    close(s->fd);
    free(s->path);
    free(s->buf);
    free(s);
}

/* The file was removed (the runtime directory cleaned; a dashboard lives
 * for days): the processes started since share a new one, and so do we. */
static bool still_there(struct budget_shared *s)
{
    struct stat st;
    if (fstat(s->fd, &st) == 0 && st.st_nlink > 0)
        return true;
    int fd = open_budget_file(s->path);
    if (fd < 0)
        return false;
    close(s->fd);
    s->fd = fd;
    return true;
}

/* Never a hang: a lock held for longer than LOCK_TRIES ms (a stopped
 * process, a stranger's flock) is given up on for this request. */
static bool lock_file(int fd)
{
    for (int i = 0; i < LOCK_TRIES; i++) {
        if (flock(fd, LOCK_EX | LOCK_NB) == 0)
            return true;
        if (errno != EWOULDBLOCK && errno != EINTR)
            return false;
        nanosleep(&(struct timespec){0, 1000000}, NULL);
    }
    return false;
}

static void unlock_file(int fd)
{
    flock(fd, LOCK_UN);
}

static bool read_at(int fd, void *p, size_t len, off_t off)
{
    return pread(fd, p, len, off) == (ssize_t)len;
}

static bool write_at(int fd, const void *p, size_t len, off_t off)
{
    return pwrite(fd, p, len, off) == (ssize_t)len;
}

static off_t slot_offset(uint32_t i)
{
    return (off_t)sizeof(struct shared_header) + (off_t)(i % SHARED_SLOTS) * 8;
}

/* The newest k sends into buf, oldest first (at most two reads: the ring wraps). */
static bool read_newest(const struct budget_shared *s, const struct shared_header *h, uint32_t k)
{
    uint32_t first = (h->head + h->n - k) % SHARED_SLOTS;
    uint32_t run = k < SHARED_SLOTS - first ? k : SHARED_SLOTS - first;
    if (run && !read_at(s->fd, s->buf, run * 8u, slot_offset(first)))
        return false;
    return k == run || read_at(s->fd, s->buf + run, (k - run) * 8u, slot_offset(0));
}

static bool header_sane(const struct budget_shared *s, const struct shared_header *h, int64_t now)
{
    if (h->magic != SHARED_MAGIC || h->version != SHARED_VERSION || h->slots != SHARED_SLOTS ||
        h->head >= SHARED_SLOTS || h->n > SHARED_SLOTS || h->blocked_until < 0 ||
        h->blocked_until > now + MAX_BLOCK_MS)
        return false;
    if (h->n == 0)
        return true;
    int64_t newest;
    if (!read_at(s->fd, &newest, 8, slot_offset(h->head + h->n - 1)))
        return false;
    return newest >= 0 && newest <= now + FUTURE_SLACK_MS;
}

static bool reset(const struct budget_shared *s, struct shared_header *h)
{
    *h = (struct shared_header){.magic = SHARED_MAGIC, .version = SHARED_VERSION,
                                .slots = SHARED_SLOTS};
    return ftruncate(s->fd, 0) == 0 && ftruncate(s->fd, FILE_SIZE) == 0 &&
           write_at(s->fd, h, sizeof *h, 0);
}

/* Lock the file and read its header, resetting what is not a budget file.
 * A file that cannot be had is left alone for a while: a lock held by a
 * stuck process must not cost every request LOCK_TRIES ms. */
static bool lock_and_read(struct budget_shared *s, struct shared_header *h, int64_t now)
{
    if (!s || now < s->skip_until)
        return false;
    if (!still_there(s) || !lock_file(s->fd)) {
        s->skip_until = now + SKIP_MS;
        return false;
    }
    struct stat st;
    bool ok = fstat(s->fd, &st) == 0 && st.st_size == FILE_SIZE &&
              read_at(s->fd, h, sizeof *h, 0) && header_sane(s, h, now);
    if (ok || reset(s, h))
        return true;
    unlock_file(s->fd);
    s->skip_until = now + SKIP_MS;
    return false;
}

int64_t budget_shared_take(struct budget_shared *s, int limit, int64_t window_ms,
                           int64_t now, int64_t *blocked_until)
{
    *blocked_until = 0;
    struct shared_header h;
    if (limit < 1 || !lock_and_read(s, &h, now))
        return -1;
    if (limit > SHARED_SLOTS)
        limit = SHARED_SLOTS;
    int64_t wait = -1;
    *blocked_until = h.blocked_until;
    if (now < h.blocked_until) {
        wait = h.blocked_until - now;
        goto out;
    }
    uint32_t k = h.n < (uint32_t)limit ? h.n : (uint32_t)limit;
    if (!read_newest(s, &h, k))
        goto out;
    /* buf[0] is the limit-th newest: while it is in the window, the window is full */
    if (k == (uint32_t)limit && s->buf[0] > now - window_ms) {
        wait = s->buf[0] + window_ms - now;
        goto out;
    }
    /* times never go down, so the ring stays in order (another process's
     * clock reading may be a little later than ours) */
    int64_t at = k > 0 && s->buf[k - 1] > now ? s->buf[k - 1] : now;
    uint32_t slot = (h.head + h.n) % SHARED_SLOTS;
    if (h.n == SHARED_SLOTS)
        h.head = (h.head + 1) % SHARED_SLOTS;
    else
        h.n++;
    if (write_at(s->fd, &at, 8, slot_offset(slot)) && write_at(s->fd, &h, sizeof h, 0))
        wait = 0;
out:
    unlock_file(s->fd);
    return wait;
}

void budget_shared_block(struct budget_shared *s, int64_t until, int64_t now)
{
    struct shared_header h;
    if (!lock_and_read(s, &h, now))
        return;
    if (until > h.blocked_until && until <= now + MAX_BLOCK_MS) {
        h.blocked_until = until;
        (void)write_at(s->fd, &h, sizeof h, 0);
    }
    unlock_file(s->fd);
}
