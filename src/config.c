/* Accounts on disk: <config_dir>/accounts.conf, a GKeyFile with no secrets.
 *
 *   # sesame accounts: no secrets here, they are in the keyring
 *   [account clerk-prod]
 *   provider=clerk
 *   label=Clerk prod
 *   base_url=https://api.clerk.com
 *   allow_http=false
 *   field.instance=prod
 *
 * Reading checks every line first, so that any error names its line:
 * GKeyFile's own errors carry none. A malformed file is never rewritten.
 * Writes go through a lock on the directory, re-read the file, change one
 * group in place (keys this version does not know are kept) and replace
 * the file atomically. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "journal.h"
#include "util.h"

#define ACCOUNTS_FILE "accounts.conf"
#define GROUP_PREFIX "account "
#define FIELD_PREFIX "field."
#define MAX_FILE_SIZE (16 * 1024 * 1024)
#define LOCK_WAIT_MS 5000
#define ID_MAX 48

/* The provider ids of src/providers/registry.c. Kept here so that config.c
 * (and its tests) need no provider code, and so that a typo in a hand-edited
 * file is reported with its line when the file is read, not later. */
static const char *const known_providers[] = {
    "clerk", "basistheory", "plantly", "cbrain", "apideck",
};

static void set_error(char **error, char *msg)
{
    if (error)
        *error = msg;
    else
        free(msg);
}

/* ---- directories --------------------------------------------------------- */

/* Keep the last answer: the pointer stays valid until the environment
 * changes. Called from the main thread only. */
static const char *remember(char **slot, char *fresh)
{
    if (*slot && strcmp(*slot, fresh) == 0) {
        g_free(fresh);
        return *slot;
    }
    g_free(*slot);
    *slot = fresh;
    return fresh;
}

/* $own, else $xdg/sesame (absolute paths only, as the XDG spec says), else
 * $HOME/home_rel/sesame, else GLib's idea of it. The environment is read
 * each time: GLib caches its answer for the life of the process. */
static char *resolve_dir(const char *own, const char *xdg, const char *home_rel,
                         const char *(*glib_dir)(void))
{
    const char *v = getenv(own);
    if (!str_empty(v))
        return g_strdup(v);
    v = getenv(xdg);
    if (!str_empty(v) && v[0] == '/')
        return g_build_filename(v, "sesame", NULL);
    v = getenv("HOME");
    if (!str_empty(v))
        return g_build_filename(v, home_rel, "sesame", NULL);
    return g_build_filename(glib_dir(), "sesame", NULL);
}

const char *config_dir(void)
{
    static char *dir;
    return remember(&dir, resolve_dir("SESAME_CONFIG_DIR", "XDG_CONFIG_HOME", ".config",
                                      g_get_user_config_dir));
}

const char *state_dir(void)
{
    static char *dir;
    return remember(&dir, resolve_dir("SESAME_STATE_DIR", "XDG_STATE_HOME", ".local/state",
                                      g_get_user_state_dir));
}

const char *runtime_dir(void)
{
    static char *dir;
    const char *v = getenv("XDG_RUNTIME_DIR");
    if (!str_empty(v) && v[0] == '/')
        return remember(&dir, g_build_filename(v, "sesame", NULL));
    return state_dir();
}

int config_mkdir(const char *dir, char **error)
{
    if (g_mkdir_with_parents(dir, 0700) != 0) {
        set_error(error, xasprintf("%s: %s", dir, g_strerror(errno)));
        return ERR_CONFIG;
    }
    return 0;
}

/* ---- atomic write and lock ----------------------------------------------- */

/* ERR_CONFIG with "what: strerror(errno)". */
static int sys_error(char **error, const char *what)
{
    set_error(error, xasprintf("%s: %s", what, g_strerror(errno)));
    return ERR_CONFIG;
}

/* A writer killed between creating its temp file and the rename (kill -9,
 * power cut) leaves "<file>.tmp.<pid>" behind, and nothing else would ever
 * remove it. So every writer holds an flock on its temp file for as long as
 * the file has that name, and the next writer of the same file removes the
 * ones it can lock: their writers are gone (the kernel dropped the lock). */
static void remove_stale_temps(const char *dir, const char *path, const char *own_tmp)
{
    char *base = g_path_get_basename(path);
    char *prefix = g_strconcat(base, ".tmp.", NULL);
    char *own = g_path_get_basename(own_tmp);
    size_t plen = strlen(prefix);
    DIR *d = opendir(dir);
    struct dirent *e;
    while (d && (e = readdir(d))) {
        const char *pid = e->d_name + (strncmp(e->d_name, prefix, plen) == 0 ? plen : 0);
        if (pid == e->d_name || !*pid || pid[strspn(pid, "0123456789")] ||
            strcmp(e->d_name, own) == 0)
            continue;
        int fd = openat(dirfd(d), e->d_name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
        struct stat held, named;
        if (fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) == 0 && fstat(fd, &held) == 0 &&
            fstatat(dirfd(d), e->d_name, &named, AT_SYMLINK_NOFOLLOW) == 0 &&
            S_ISREG(held.st_mode) && held.st_ino == named.st_ino && held.st_dev == named.st_dev)
            unlinkat(dirfd(d), e->d_name, 0);
        if (fd >= 0)
            close(fd);
    }
    if (d)
        closedir(d);
    g_free(own);
    g_free(prefix);
    g_free(base);
}

/* Create tmp (it must not exist), lock it (see remove_stale_temps), write
 * data, fsync. *fd stays open, and locked, until the caller has renamed it.
 * On failure the temp file is gone and the error names path, the file being
 * written. */
static int write_temp(const char *tmp, const char *path, const char *data, size_t len,
                      int *fdp, char **error)
{
    int flags = O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC | O_NOFOLLOW;
    int fd = -1;
    for (int tries = 0; fd < 0 && tries < 3; tries++) {
        fd = open(tmp, flags, 0600);
        if (fd < 0 && errno == EEXIST) {
            unlink(tmp); /* left by a crashed process that had our pid; we hold the lock */
            fd = open(tmp, flags, 0600);
        }
        if (fd < 0)
            return sys_error(error, tmp);
        struct stat st;
        if (flock(fd, LOCK_EX) != 0 || fstat(fd, &st) != 0) {
            int e = errno;
            close(fd);
            unlink(tmp);
            errno = e;
            return sys_error(error, tmp);
        }
        if (st.st_nlink == 0) { /* a cleaner took it before we locked it: again */
            close(fd);
            fd = -1;
        }
    }
    if (fd < 0) {
        errno = EAGAIN;
        return sys_error(error, tmp);
    }
    if (write_full(fd, data, len) != 0 || fsync(fd) != 0) {
        int e = errno;
        close(fd);
        unlink(tmp);
        errno = e;
        return sys_error(error, path);
    }
    *fdp = fd;
    return 0;
}

void config_remove_stale_temps(const char *path)
{
    char *dir = g_path_get_dirname(path);
    remove_stale_temps(dir, path, "");
    g_free(dir);
}

int config_probe_write(const char *path, char **error)
{
    char *dir = g_path_get_dirname(path);
    char *tmp = xasprintf("%s.tmp.%ld", path, (long)getpid());
    int fd = -1;
    remove_stale_temps(dir, path, tmp);
    int rc = write_temp(tmp, path, "\n", 1, &fd, error);
    if (rc == 0) {
        unlink(tmp);
        close(fd);
    }
    free(tmp);
    g_free(dir);
    return rc;
}

int config_write_atomic(const char *path, const char *data, size_t len, char **error)
{
    char *dir = g_path_get_dirname(path);
    char *tmp = xasprintf("%s.tmp.%ld", path, (long)getpid());
    int fd = -1;
    int rc = config_mkdir(dir, error);
    if (rc == 0) {
        remove_stale_temps(dir, path, tmp);
        rc = write_temp(tmp, path, data, len, &fd, error);
    }
    if (rc == 0 && rename(tmp, path) != 0) {
        rc = sys_error(error, path);
        unlink(tmp);
    }
    if (fd >= 0)
        close(fd); /* only now: the lock kept cleaners off the temp file until the rename */
    if (rc == 0) {
        /* make the rename itself durable */
        int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dfd < 0 || (fsync(dfd) != 0 && errno != EINVAL))
            rc = sys_error(error, dir);
        if (dfd >= 0)
            close(dfd);
    }
    free(tmp);
    g_free(dir);
    return rc;
}

int config_lock(const char *dir, char **error)
{
    if (config_mkdir(dir, error) != 0)
        return -1;
    char *path = g_build_filename(dir, ".lock", NULL);
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0) {
        set_error(error, xasprintf("%s: %s", path, g_strerror(errno)));
        g_free(path);
        return -1;
    }
    g_free(path);
    int64_t deadline = mono_ms() + LOCK_WAIT_MS;
    for (;;) {
        if (flock(fd, LOCK_EX | LOCK_NB) == 0)
            return fd;
        if (errno == EINTR)
            continue;
        if (errno != EWOULDBLOCK || mono_ms() >= deadline)
            break;
        nanosleep(&(struct timespec){ 0, 5 * 1000 * 1000 }, NULL);
    }
    if (errno == EWOULDBLOCK)
        set_error(error, xasprintf("another sesame holds the lock on %s (waited %d s)", dir,
                                   LOCK_WAIT_MS / 1000));
    else
        set_error(error, xasprintf("%s/.lock: %s", dir, g_strerror(errno)));
    close(fd);
    return -1;
}

void config_unlock(int fd)
{
    if (fd >= 0) {
        flock(fd, LOCK_UN);
        close(fd);
    }
}

/* ---- key files with line numbers ------------------------------------------ */

struct conf_file {
    char *path;
    GKeyFile *kf;
    bool existed;
    GHashTable *lines; /* "group" or "group\nkey" -> line number */
};

static char *line_key(const char *group, const char *key)
{
    return key ? g_strconcat(group, "\n", key, NULL) : g_strdup(group);
}

static int find_line(const struct conf_file *f, const char *group, const char *key)
{
    char *k = line_key(group, key);
    int line = GPOINTER_TO_INT(g_hash_table_lookup(f->lines, k));
    g_free(k);
    return line;
}

static void add_line(struct conf_file *f, const char *group, const char *key, int line)
{
    g_hash_table_insert(f->lines, line_key(group, key), GINT_TO_POINTER(line));
}

static char *verror(const char *path, int line, const char *fmt, va_list ap)
{
    char *msg = xvasprintf(fmt, ap);
    char *s = line > 0 ? xasprintf("%s:%d: %s", path, line, msg) : xasprintf("%s: %s", path, msg);
    free(msg);
    return s;
}

char *conf_file_error(const struct conf_file *f, const char *group, const char *key,
                      const char *fmt, ...)
{
    int line = 0;
    if (group && key)
        line = find_line(f, group, key);
    if (group && !line)
        line = find_line(f, group, NULL);
    va_list ap;
    va_start(ap, fmt);
    char *s = verror(f->path, line, fmt, ap);
    va_end(ap);
    return s;
}

static int line_error(char **error, const char *path, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int line_error(char **error, const char *path, int line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    set_error(error, verror(path, line, fmt, ap));
    va_end(ap);
    return ERR_CONFIG;
}

/* GKeyFile's rule for a key: no '=', '[' or ']' except a trailing
 * "[locale]", no space at either end. */
static bool key_name_ok(const char *k, size_t len)
{
    size_t i = 0;
    while (i < len && k[i] != '[' && k[i] != ']' && k[i] != '=')
        i++;
    if (i == 0 || k[0] == ' ' || k[i - 1] == ' ')
        return false;
    if (i < len && k[i] == '[') {
        i++;
        while (i < len && (g_ascii_isalnum(k[i]) || strchr("-_.@", k[i])))
            i++;
        if (i >= len || k[i] != ']')
            return false;
        i++;
    }
    return i == len;
}

/* Check every line and note where each group and key is. */
static int prescan(struct conf_file *f, const char *data, size_t len, char **error)
{
    const char *path = f->path;
    char *group = NULL;
    int rc = 0, lineno = 0;
    for (const char *p = data, *end = data + len; p < end && rc == 0;) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *eol = nl ? nl : end;
        char *line = xstrndup(p, (size_t)(eol - p));
        p = nl ? nl + 1 : end;
        lineno++;
        size_t n = strlen(line);
        if (n > 0 && line[n - 1] == '\r')
            line[--n] = '\0';
        const char *s = line;
        while (*s == ' ' || *s == '\t')
            s++;
        if (!g_utf8_validate(line, -1, NULL)) {
            rc = line_error(error, path, lineno, "not valid UTF-8");
        } else if (*s == '\0' || *s == '#') {
            /* blank or comment */
        } else if (*s == '[') {
            const char *close = strchr(s, ']');
            const char *t = close ? close + 1 : NULL;
            while (t && (*t == ' ' || *t == '\t'))
                t++;
            if (!close || *t) {
                rc = line_error(error, path, lineno, "expected [group], key=value or # comment");
                goto next;
            }
            char *name = xstrndup(s + 1, (size_t)(close - s - 1));
            bool ok = *name != '\0';
            for (const char *c = name; *c && ok; c++)
                ok = *c != '[' && !g_ascii_iscntrl(*c);
            int first = ok ? find_line(f, name, NULL) : 0;
            if (!ok)
                rc = line_error(error, path, lineno, "bad group name [%s]", name);
            else if (first)
                rc = line_error(error, path, lineno, "duplicate group [%s] (first on line %d)",
                                name, first);
            else
                add_line(f, name, NULL, lineno);
            free(group);
            group = name;
        } else {
            const char *eq = strchr(s, '=');
            if (!eq) {
                rc = line_error(error, path, lineno, "expected [group], key=value or # comment");
                goto next;
            }
            size_t klen = (size_t)(eq - s);
            while (klen > 0 && (s[klen - 1] == ' ' || s[klen - 1] == '\t'))
                klen--;
            char *key = xstrndup(s, klen);
            int first = group ? find_line(f, group, key) : 0;
            if (klen == 0)
                rc = line_error(error, path, lineno, "a line starting with '=' has no key");
            else if (!group)
                rc = line_error(error, path, lineno, "key \"%s\" before any [group]", key);
            else if (!key_name_ok(key, klen))
                rc = line_error(error, path, lineno, "bad key name \"%s\"", key);
            else if (first)
                rc = line_error(error, path, lineno,
                                "duplicate key \"%s\" in [%s] (first on line %d)", key, group,
                                first);
            else
                add_line(f, group, key, lineno);
            free(key);
        }
    next:
        free(line);
    }
    free(group);
    return rc;
}

/* A FIFO, directory or device in the file's place is refused, not opened:
 * reading a FIFO would wait for a writer forever. */
static int read_file(const char *path, char **data, size_t *len, bool *existed, char **error)
{
    *existed = false;
    char *err = NULL;
    int e = file_read_regular(path, MAX_FILE_SIZE, data, len, &err);
    if (e == ENOENT)
        return 0;
    if (e) {
        set_error(error, err);
        return ERR_CONFIG;
    }
    if (memchr(*data, '\0', *len)) {
        free(*data);
        *data = NULL;
        set_error(error, xasprintf("%s: contains a NUL byte (not a text file)", path));
        return ERR_CONFIG;
    }
    *existed = true;
    return 0;
}

int conf_file_read(const char *path, struct conf_file **out, char **error)
{
    *out = NULL;
    struct conf_file *f = xcalloc(1, sizeof *f);
    f->path = xstrdup(path);
    f->kf = g_key_file_new();
    f->lines = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    char *data;
    size_t len;
    int rc = read_file(path, &data, &len, &f->existed, error);
    if (rc == 0 && data)
        rc = prescan(f, data, len, error);
    if (rc == 0 && data) {
        GError *e = NULL;
        if (!g_key_file_load_from_data(f->kf, data, len, G_KEY_FILE_KEEP_COMMENTS, &e)) {
            set_error(error, xasprintf("%s: %s", path, e->message)); /* the pre-scan missed it */
            g_error_free(e);
            rc = ERR_CONFIG;
        }
    }
    free(data);
    if (rc) {
        conf_file_free(f);
        return rc;
    }
    *out = f;
    return 0;
}

struct _GKeyFile *conf_file_keyfile(struct conf_file *f)
{
    return f->kf;
}

int conf_file_get_string(struct conf_file *f, const char *group, const char *key, char **out,
                         char **error)
{
    *out = NULL;
    GError *e = NULL;
    char *v = g_key_file_get_string(f->kf, group, key, &e);
    if (!e) {
        *out = xstrdup(v);
        g_free(v);
        return 0;
    }
    g_free(v); /* GKeyFile may return a value and an error */
    int rc = 0;
    if (g_error_matches(e, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE)) {
        set_error(error, conf_file_error(f, group, key, "bad value for %s (a backslash may only "
                                         "start \\s, \\n, \\t, \\r or \\\\)", key));
        rc = ERR_CONFIG;
    } else if (!g_error_matches(e, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_KEY_NOT_FOUND) &&
               !g_error_matches(e, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_GROUP_NOT_FOUND)) {
        set_error(error, conf_file_error(f, group, key, "%s: %s", key, e->message));
        rc = ERR_CONFIG;
    }
    g_error_free(e);
    return rc;
}

int conf_file_write(struct conf_file *f, char **error)
{
    gsize len = 0;
    char *data = g_key_file_to_data(f->kf, &len, NULL);
    int rc = config_write_atomic(f->path, data, len, error);
    g_free(data);
    return rc;
}

void conf_file_free(struct conf_file *f)
{
    if (!f)
        return;
    g_hash_table_unref(f->lines);
    g_key_file_free(f->kf);
    free(f->path);
    free(f);
}

/* ---- accounts ----------------------------------------------------------- */

static bool provider_known(const char *id)
{
    for (size_t i = 0; i < ARRAY_LEN(known_providers); i++)
        if (strcmp(id, known_providers[i]) == 0)
            return true;
    return false;
}

static char *provider_ids(void)
{
    GString *s = g_string_new(NULL);
    for (size_t i = 0; i < ARRAY_LEN(known_providers); i++)
        g_string_append_printf(s, "%s%s", i ? ", " : "", known_providers[i]);
    char *r = xstrdup(s->str);
    g_string_free(s, TRUE);
    return r;
}

static bool id_ok(const char *id)
{
    size_t n = 0;
    for (; id[n]; n++)
        if (!(g_ascii_islower(id[n]) || g_ascii_isdigit(id[n]) || id[n] == '-'))
            return false;
    return n > 0 && n <= ID_MAX;
}

static bool field_key_ok(const char *k)
{
    if (str_empty(k))
        return false;
    for (; *k; k++)
        if (!(g_ascii_isalnum(*k) || *k == '_' || *k == '-' || *k == '.'))
            return false;
    return true;
}

static char *accounts_path(const char *dir)
{
    return g_build_filename(dir, ACCOUNTS_FILE, NULL);
}

bool accounts_file_changed(struct file_stamp *st)
{
    char *path = accounts_path(config_dir());
    bool changed = file_stamp_take(st, path);
    g_free(path);
    return changed;
}

void accounts_remove_stale_temps(const char *dir)
{
    char *path = accounts_path(dir);
    config_remove_stale_temps(path);
    g_free(path);
}

void account_list_free(struct account_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        account_free(&l->v[i]);
    free(l->v);
    memset(l, 0, sizeof *l);
}

static struct account *list_push(struct account_list *l)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 8;
        l->v = xrealloc(l->v, l->cap * sizeof *l->v);
    }
    struct account *a = &l->v[l->n++];
    memset(a, 0, sizeof *a);
    return a;
}

struct account *account_list_find_id(const struct account_list *l, const char *id)
{
    for (size_t i = 0; l && id && i < l->n; i++)
        if (l->v[i].id && strcmp(l->v[i].id, id) == 0)
            return &l->v[i];
    return NULL;
}

/* ---- names people give: ACCOUNT ----------------------------------------- */

/* s as labels are compared: in NFKC, case folded, in NFKC again (so a
 * no-break or an em space is a space, a fullwidth letter the letter). g_free
 * it. Letters of other scripts that only look alike (a Cyrillic "а" for a
 * Latin "a") stay different: telling confusables apart needs Unicode's
 * confusables table, which this does not carry. */
static char *label_key(const char *s)
{
    char *nfkc = g_utf8_normalize(s, -1, G_NORMALIZE_ALL_COMPOSE);
    char *folded = g_utf8_casefold(nfkc ? nfkc : s, -1);
    char *key = g_utf8_normalize(folded, -1, G_NORMALIZE_ALL_COMPOSE);
    g_free(nfkc);
    g_free(folded);
    return key ? key : g_strdup(s);
}

/* Labels are compared as a person reads them: "Plantly" is "plantly",
 * "café" is "café" whether its é came as one code point or two, "a b" is
 * "a b" with a no-break space, "ｐｌａｎｔｌｙ" is "plantly". */
static bool label_eq(const char *a, const char *b)
{
    if (!a || !b)
        return false;
    if (!g_utf8_validate(a, -1, NULL) || !g_utf8_validate(b, -1, NULL))
        return strcmp(a, b) == 0;
    char *fa = label_key(a), *fb = label_key(b);
    bool eq = strcmp(fa, fb) == 0;
    g_free(fa);
    g_free(fb);
    return eq;
}

/* "id:" in any case: what names an account by its id alone. */
static bool has_id_prefix(const char *name)
{
    return name && g_ascii_strncasecmp(name, "id:", 3) == 0;
}

/* A label that reads as "id:..." (in fullwidth letters, say). */
static bool reads_as_id_prefix(const char *label)
{
    char *key = label_key(label);
    bool id = has_id_prefix(key);
    g_free(key);
    return id;
}

#define LABEL_MAX_CHARS 100

char *account_label_clean(const char *label, char **why)
{
    *why = NULL;
    char *trimmed = text_trim(label);
    if (!*trimmed) {
        *why = xstrdup(str_empty(label) ? "a label is needed"
                                        : "a label of nothing but spaces names nothing");
    } else if (!g_utf8_validate(trimmed, -1, NULL) || !text_is_clean(trimmed) ||
               text_has_hidden(trimmed)) {
        *why = xstrdup("a label must be text the screen shows as typed: no control "
                       "characters (a tab, a line end), no bidi overrides or zero-width "
                       "characters, only UTF-8");
    } else if (reads_as_id_prefix(trimmed)) {
        *why = xasprintf("a label must not start with \"%.*s\": 'id:ID' names an account by "
                         "its id", (int)(g_utf8_offset_to_pointer(trimmed, 3) - trimmed), trimmed);
    } else if (g_utf8_strlen(trimmed, -1) > LABEL_MAX_CHARS) {
        /* a name to read on a line, typed back in hints: not a document */
        *why = xasprintf("a label is at most %d characters", LABEL_MAX_CHARS);
    }
    if (*why) {
        free(trimmed);
        return NULL;
    }
    char *nfc = g_utf8_normalize(trimmed, -1, G_NORMALIZE_DEFAULT_COMPOSE);
    free(trimmed);
    char *out = xstrdup(nfc);
    g_free(nfc);
    return out;
}

/* Does name (the text after "id:" when id_only) name account a? */
static bool names(const struct account *a, const char *name, bool id_only)
{
    if (a->id && strcmp(a->id, name) == 0)
        return true;
    return !id_only && label_eq(a->label, name);
}

static size_t count_named(const struct account_list *l, const char *name, bool id_only)
{
    size_t n = 0;
    for (size_t i = 0; i < l->n; i++)
        n += names(&l->v[i], name, id_only);
    return n;
}

/* a's id as a name that reaches it alone: the id, or "id:ID" when the id
 * is also another's label or would be taken for an option. */
static char *id_ref(const struct account_list *l, const struct account *a)
{
    bool alone = l && a->id[0] != '-' && count_named(l, a->id, false) == 1;
    return alone ? xstrdup(a->id) : xasprintf("id:%s", a->id);
}

char *account_ref(const struct account_list *l, const struct account *a)
{
    const char *label = a->label;
    bool by_label = l && !str_empty(label) && label[0] != '-' && text_is_clean(label) &&
                    !has_id_prefix(label) && count_named(l, label, false) == 1 &&
                    names(a, label, false);
    char *ref = by_label ? xstrdup(label) : id_ref(l, a);
    char *q = shell_quote(ref);
    free(ref);
    return q;
}

/* "plantly-2 (label plantly)": how to name a without doubt, quoted for
 * the shell. */
static char *unambiguous_name(const struct account_list *l, const struct account *a)
{
    char *ref = id_ref(l, a);
    char *qref = shell_quote(ref), *qlabel = shell_quote(a->label ? a->label : "");
    char *s = xasprintf("%s (label %s)", qref, qlabel);
    free(qlabel);
    free(qref);
    free(ref);
    return s;
}

int account_resolve(struct account_list *l, const char *name, struct account **out,
                    char **error)
{
    *out = NULL;
    bool id_only = has_id_prefix(name);
    const char *key = id_only ? name + 3 : name;
    size_t n = str_empty(key) ? 0 : count_named(l, key, id_only);
    if (n == 1) {
        for (size_t i = 0; !*out && i < l->n; i++)
            if (names(&l->v[i], key, id_only))
                *out = &l->v[i];
        return 0;
    }
    if (n == 0) {
        char *shown = text_shown(name);
        set_error(error, xasprintf("no account '%s' (see 'sesame account list')", shown));
        free(shown);
        return ERR_USAGE;
    }
    GString *msg = g_string_new(NULL);
    g_string_printf(msg, "'%s' names %zu accounts: ", name, n);
    size_t k = 0;
    for (size_t i = 0; i < l->n; i++) {
        if (!names(&l->v[i], key, id_only))
            continue;
        char *c = unambiguous_name(l, &l->v[i]);
        g_string_append_printf(msg, "%s%s", k == 0 ? "" : k + 1 == n ? " or " : ", ", c);
        k++;
        free(c);
    }
    g_string_append(msg, "; name one of them so");
    set_error(error, xstrdup(msg->str));
    g_string_free(msg, TRUE);
    return ERR_USAGE;
}

const struct account *account_name_conflict(const struct account_list *l, const char *label,
                                            const char *self_id)
{
    for (size_t i = 0; l && label && i < l->n; i++) {
        const struct account *o = &l->v[i];
        if (self_id && o->id && strcmp(o->id, self_id) == 0)
            continue;
        if (label_eq(o->label, label) || label_eq(o->id, label))
            return o;
    }
    return NULL;
}

char *account_conflict_message(const struct account *other, const char *label)
{
    char *ql = shell_quote(label), *qo = shell_quote(other->label ? other->label : "");
    char *msg = label_eq(other->label, label)
        ? xasprintf("an account labelled %s exists already (id %s)", qo, other->id)
        : xasprintf("%s is the id of another account (label %s): a label must not name "
                    "two accounts", ql, qo);
    free(qo);
    free(ql);
    return msg;
}

static char *empty_to_null(char *s)
{
    if (s && !*s) {
        free(s);
        return NULL;
    }
    return s;
}

static int parse_account(struct conf_file *f, const char *g, struct account *a, char **error)
{
    GKeyFile *kf = f->kf;
    a->id = xstrdup(g + strlen(GROUP_PREFIX));
    if (!id_ok(a->id)) {
        set_error(error, conf_file_error(f, g, NULL, "bad account id \"%s\": use 1 to %d of "
                                         "a-z, 0-9 and -", a->id, ID_MAX));
        return ERR_CONFIG;
    }
    gsize n = 0;
    char **keys = g_key_file_get_keys(kf, g, &n, NULL);
    int rc = 0;
    for (gsize i = 0; keys && keys[i] && rc == 0; i++) {
        const char *k = keys[i];
        char *v = NULL;
        if (strcmp(k, "provider") == 0 || strcmp(k, "label") == 0 ||
            strcmp(k, "base_url") == 0 || strcmp(k, "ca_file") == 0 ||
            g_str_has_prefix(k, FIELD_PREFIX)) {
            rc = conf_file_get_string(f, g, k, &v, error);
            if (rc)
                break;
        }
        if (strcmp(k, "provider") == 0) {
            if (!provider_known(v)) {
                char *ids = provider_ids();
                set_error(error, conf_file_error(f, g, k, "unknown provider \"%s\" (known: %s)",
                                                 v, ids));
                free(ids);
                rc = ERR_CONFIG;
            }
            free(a->provider_id);
            a->provider_id = v;
        } else if (strcmp(k, "label") == 0) {
            free(a->label);
            a->label = v;
        } else if (strcmp(k, "base_url") == 0) {
            free(a->base_url);
            a->base_url = empty_to_null(v);
        } else if (strcmp(k, "ca_file") == 0) {
            free(a->ca_file);
            a->ca_file = empty_to_null(v);
        } else if (strcmp(k, "allow_http") == 0) {
            GError *e = NULL;
            a->allow_http = g_key_file_get_boolean(kf, g, k, &e);
            if (e) {
                g_error_free(e);
                set_error(error, conf_file_error(f, g, k, "allow_http must be true or false"));
                rc = ERR_CONFIG;
            }
        } else if (g_str_has_prefix(k, FIELD_PREFIX)) {
            const char *fk = k + strlen(FIELD_PREFIX);
            if (!field_key_ok(fk)) {
                set_error(error, conf_file_error(f, g, k, "bad field name \"%s\": use a-z, "
                                                 "A-Z, 0-9, _ . and -", fk));
                rc = ERR_CONFIG;
            } else if (a->n_fields >= ACCOUNT_MAX_FIELDS) {
                set_error(error, conf_file_error(f, g, k, "too many fields in [%s] (at most %d)",
                                                 g, ACCOUNT_MAX_FIELDS));
                rc = ERR_CONFIG;
            } else { /* as --set stores it: " 10/10s " means 10/10s, in either */
                char *trimmed = text_trim(v);
                account_set_field(a, fk, trimmed);
                free(trimmed);
            }
            free(v);
        }
        else if (!strchr(k, '[')) { /* not ours (a newer sesame?); left in the file as is,
                                     * and named where it may be a mistake (account_check) */
            char *more = xasprintf("%s%s%s", a->stray_keys ? a->stray_keys : "",
                                   a->stray_keys ? " " : "", k);
            free(a->stray_keys);
            a->stray_keys = more;
        }
    }
    g_strfreev(keys);
    if (rc)
        return rc;
    if (str_empty(a->provider_id))
        rc = line_error(error, f->path, find_line(f, g, NULL), "[%s] has no provider "
                        "(add provider=<one of clerk, basistheory, plantly, cbrain, apideck>)", g);
    else if (str_empty(a->label))
        rc = line_error(error, f->path, find_line(f, g, NULL), "[%s] has no label", g);
    return rc;
}

static int parse_accounts(struct conf_file *f, struct account_list *out, char **error)
{
    gsize n = 0;
    char **groups = g_key_file_get_groups(f->kf, &n);
    int rc = 0;
    for (gsize i = 0; i < n && rc == 0; i++) {
        const char *g = groups[i];
        if (!g_str_has_prefix(g, GROUP_PREFIX)) {
            set_error(error, conf_file_error(f, g, NULL, "unknown group [%s] (expected "
                                             "[account <id>])", g));
            rc = ERR_CONFIG;
            break;
        }
        struct account *a = list_push(out);
        rc = parse_account(f, g, a, error);
        for (size_t j = 0; rc == 0 && j + 1 < out->n; j++) {
            if (strcmp(out->v[j].label, a->label) == 0) {
                char *other = xasprintf(GROUP_PREFIX "%s", out->v[j].id);
                set_error(error, conf_file_error(f, g, "label", "label \"%s\" is used by [%s] "
                                                 "too (line %d): labels must differ", a->label,
                                                 other, find_line(f, other, NULL)));
                free(other);
                rc = ERR_CONFIG;
            }
        }
    }
    g_strfreev(groups);
    if (rc)
        account_list_free(out);
    return rc;
}

/* Read and check <dir>/accounts.conf. */
static int load_from(const char *dir, struct conf_file **file, struct account_list *out,
                     char **error)
{
    memset(out, 0, sizeof *out);
    char *path = accounts_path(dir);
    int rc = conf_file_read(path, file, error);
    g_free(path);
    if (rc == 0)
        rc = parse_accounts(*file, out, error);
    if (rc) {
        conf_file_free(*file);
        *file = NULL;
    }
    return rc;
}

int accounts_load(struct account_list *out, char **error)
{
    struct conf_file *f = NULL;
    int rc = load_from(config_dir(), &f, out, error);
    conf_file_free(f);
    return rc;
}

/* Is label what account_label_clean makes of it? */
static bool label_stored_form(const char *label)
{
    char *why = NULL, *clean = account_label_clean(label, &why);
    bool same = clean && strcmp(clean, label) == 0;
    free(clean);
    free(why);
    return same;
}

static int check_account(const struct account *a, char **error)
{
    const char *bad = NULL;
    if (str_empty(a->id) || !id_ok(a->id))
        bad = "a bad id (use a-z, 0-9 and -)";
    else if (str_empty(a->provider_id) || !provider_known(a->provider_id))
        bad = "an unknown provider";
    else if (str_empty(a->label))
        bad = "no label";

    else if (a->n_fields > ACCOUNT_MAX_FIELDS)
        bad = "too many fields";
    const char *strs[] = { a->label, a->base_url, a->ca_file };
    for (size_t i = 0; !bad && i < ARRAY_LEN(strs); i++)
        if (strs[i] && !g_utf8_validate(strs[i], -1, NULL))
            bad = "text that is not UTF-8";
    for (size_t i = 0; !bad && i < a->n_fields; i++) {
        if (!field_key_ok(a->fields[i].key))
            bad = "a bad field name";
        else if (!a->fields[i].value || !g_utf8_validate(a->fields[i].value, -1, NULL))
            bad = "a field value that is not UTF-8";
    }
    if (!bad)
        return 0;
    set_error(error, xasprintf("account %s has %s", a->id ? a->id : "(no id)", bad));
    return ERR_USAGE;
}

/* Put a into its group, keeping keys this version does not know. Keys that
 * are set again are overwritten in place, not removed first: GKeyFile (2.74)
 * appends a new key after the blank line that ends its group and writes
 * another blank line before the next group, so re-adding every key made the
 * file one blank line longer on every save of an existing account. (A key
 * that is really new, e.g. a field set for the first time, still adds one.) */
static void set_account(GKeyFile *kf, const struct account *a)
{
    char *g = xasprintf(GROUP_PREFIX "%s", a->id);
    gsize n = 0;
    char **keys = g_key_file_get_keys(kf, g, &n, NULL);
    for (gsize i = 0; keys && keys[i]; i++) {
        const char *k = keys[i];
        if ((strcmp(k, "base_url") == 0 && str_empty(a->base_url)) ||
            (strcmp(k, "ca_file") == 0 && str_empty(a->ca_file)) ||
            (g_str_has_prefix(k, FIELD_PREFIX) && !account_field(a, k + strlen(FIELD_PREFIX))))
            g_key_file_remove_key(kf, g, k, NULL);
    }
    g_strfreev(keys);
    g_key_file_set_string(kf, g, "provider", a->provider_id);
    g_key_file_set_string(kf, g, "label", a->label);
    if (!str_empty(a->base_url))
        g_key_file_set_string(kf, g, "base_url", a->base_url);
    if (!str_empty(a->ca_file))
        g_key_file_set_string(kf, g, "ca_file", a->ca_file);
    g_key_file_set_boolean(kf, g, "allow_http", a->allow_http);
    for (size_t i = 0; i < a->n_fields; i++) {
        char *k = xasprintf(FIELD_PREFIX "%s", a->fields[i].key);
        g_key_file_set_string(kf, g, k, a->fields[i].value);
        free(k);
    }
    free(g);
}

enum change { ADD, UPDATE, UPSERT, REMOVE };

/* Refuse a new label that would make ACCOUNT name two accounts, or that is
 * not as account_label_clean makes it (add, edit), or (upsert, as before)
 * one used verbatim by another account. */
static int check_label(const struct account_list *l, const struct account *a, enum change how,
                       char **error)
{
    const char *self = how == ADD ? NULL : a->id;
    if (how != UPSERT && !label_stored_form(a->label)) {
        char *why = NULL, *clean = account_label_clean(a->label, &why);
        set_error(error, why ? why : xasprintf("label \"%s\" is not in its stored form "
                                               "(trimmed, NFC)", a->label));
        free(clean);
        return ERR_USAGE;
    }
    const struct account *o = NULL;
    if (how == UPSERT) {
        for (size_t i = 0; !o && i < l->n; i++)
            if (strcmp(l->v[i].id, a->id) != 0 && strcmp(l->v[i].label, a->label) == 0)
                o = &l->v[i];
    } else {
        o = account_name_conflict(l, a->label, self);
    }
    if (!o)
        return 0;
    set_error(error, account_conflict_message(o, a->label));
    return ERR_USAGE;
}

/* Lock the config dir, read and check the file, apply, write, unlock. ADD
 * chooses a->id here, under the lock, so that two adds at once cannot
 * both take the same one. */
static bool same_text(const char *x, const char *y)
{
    return x == y || (x && y && strcmp(x, y) == 0);
}

/* The names of what an edit changed ("label, base_url, session_length"):
 * never the values, a person reads them in accounts.conf. Owned. */
static char *changed_names(const struct account *was, const struct account *now)
{
    GString *s = g_string_new(NULL);
    const char *top[] = {"label", "base_url", "ca_file"};
    const char *before[] = {was->label, was->base_url, was->ca_file};
    const char *after[] = {now->label, now->base_url, now->ca_file};
    for (size_t i = 0; i < ARRAY_LEN(top); i++)
        if (!same_text(before[i], after[i]))
            g_string_append_printf(s, "%s%s", s->len ? ", " : "", top[i]);
    if (was->allow_http != now->allow_http)
        g_string_append_printf(s, "%sallow_http", s->len ? ", " : "");
    for (size_t i = 0; i < now->n_fields; i++)
        if (!same_text(account_field(was, now->fields[i].key), now->fields[i].value))
            g_string_append_printf(s, "%s%s", s->len ? ", " : "", now->fields[i].key);
    for (size_t i = 0; i < was->n_fields; i++)
        if (!account_field(now, was->fields[i].key))
            g_string_append_printf(s, "%s%s", s->len ? ", " : "", was->fields[i].key);
    return g_string_free(s, s->len == 0);
}

/* An account added, edited or removed: a line in the journal. */
static void journal_account(enum change how, const struct account *was,
                            const struct account *now, const char *note)
{
    const struct account *a = now ? now : was;
    char *detail = how == UPDATE && was && now ? changed_names(was, now)
                   : note ? g_strdup(note) : NULL;
    struct journal_entry e = {
        .account = a->id,
        .label = a->label,
        .provider = a->provider_id,
        .action = how == ADD ? "account-add" : how == UPDATE ? "account-edit"
                                                             : "account-remove",
        .result = "ok",
        .detail = detail,
    };
    journal_append(&e);
    g_free(detail);
}

static int change_accounts(enum change how, const struct account *a, const char *rm_id,
                           bool *rm_found, const char *rm_note, char **new_id, char **error)
{
    char *dir = xstrdup(config_dir());
    struct conf_file *f = NULL;
    struct account_list l = { 0 };
    struct account added = { 0 };
    int rc = 0, fd = config_lock(dir, error);
    if (fd < 0) {
        rc = ERR_CONFIG;
        goto out;
    }
    rc = load_from(dir, &f, &l, error);
    if (rc)
        goto out;
    GKeyFile *kf = f->kf;
    if (how == REMOVE) {
        char *g = xasprintf(GROUP_PREFIX "%s", rm_id);
        bool had = g_key_file_remove_group(kf, g, NULL);
        free(g);
        if (rm_found)
            *rm_found = had;
        if (!had)
            goto out; /* already gone: nothing to write */
    } else {
        const struct account *was = account_list_find_id(&l, a->id);
        if (how == UPDATE && !was) {
            set_error(error, xasprintf("account %s is gone (removed meanwhile?)", a->id));
            rc = ERR_USAGE;
            goto out;
        }
        if (how != UPDATE || strcmp(was->label, a->label) != 0) /* a label kept stays */
            rc = check_label(&l, a, how, error);
        if (rc)
            goto out;
        if (how == ADD) {
            account_copy(&added, a);
            free(added.id);
            added.id = account_new_id(&l, a->label);
            a = &added;
        }
        if (!f->existed)
            g_key_file_set_comment(kf, NULL, NULL,
                                   " sesame accounts: no secrets here, they are in the keyring",
                                   NULL);
        set_account(kf, a);
    }
    rc = conf_file_write(f, error);
    if (rc == 0 && how == ADD)
        *new_id = xstrdup(added.id);
    if (rc == 0 && how != UPSERT)
        journal_account(how, how == ADD ? NULL : account_list_find_id(&l, how == REMOVE ? rm_id
                                                                                         : a->id),
                        how == REMOVE ? NULL : a, rm_note);
out:
    account_free(&added);
    account_list_free(&l);
    conf_file_free(f);
    config_unlock(fd);
    free(dir);
    return rc;
}

int accounts_add(struct account *a, char **error)
{
    struct account probe = *a; /* checked with a valid id; the real one comes under the lock */
    probe.id = (char *)"pending";
    int rc = check_account(&probe, error);
    char *id = NULL;
    if (rc == 0)
        rc = change_accounts(ADD, a, NULL, NULL, NULL, &id, error);
    if (rc == 0) {
        free(a->id);
        a->id = id;
    }
    return rc;
}

int accounts_update(const struct account *a, char **error)
{
    int rc = check_account(a, error);
    return rc ? rc : change_accounts(UPDATE, a, NULL, NULL, NULL, NULL, error);
}

int accounts_upsert(const struct account *a, char **error)
{
    int rc = check_account(a, error);
    return rc ? rc : change_accounts(UPSERT, a, NULL, NULL, NULL, NULL, error);
}

int accounts_remove_found(const char *id, const char *note, bool *found, char **error)
{
    if (found)
        *found = false;
    if (str_empty(id) || !id_ok(id)) {
        set_error(error, xasprintf("bad account id \"%s\"", id ? id : ""));
        return ERR_USAGE;
    }
    return change_accounts(REMOVE, NULL, id, found, note, NULL, error);
}

int accounts_remove(const char *id, char **error)
{
    return accounts_remove_found(id, NULL, NULL, error);
}

int accounts_lock_load(const char *dir, struct account_list *out, char **error)
{
    memset(out, 0, sizeof *out);
    int fd = config_lock(dir, error);
    if (fd < 0)
        return -1;
    struct conf_file *f = NULL;
    int rc = load_from(dir, &f, out, error);
    conf_file_free(f);
    if (rc) {
        config_unlock(fd);
        return -1;
    }
    return fd;
}

char *account_new_id(const struct account_list *existing, const char *label)
{
    char *ascii = g_str_to_ascii(label ? label : "", "C"); /* "Clérk" -> "Clerk" */
    char *slug = xmalloc(strlen(ascii) + 1);
    size_t n = 0;
    for (const char *s = ascii; *s && n < ID_MAX - 8; s++) {
        if (g_ascii_isalnum(*s))
            slug[n++] = g_ascii_tolower(*s);
        else if (n > 0 && slug[n - 1] != '-')
            slug[n++] = '-';
    }
    while (n > 0 && slug[n - 1] == '-')
        n--;
    slug[n] = '\0';
    g_free(ascii);
    if (n == 0) {
        free(slug);
        slug = xstrdup("account");
    }
    char *id = xstrdup(slug);
    for (unsigned k = 2; existing; k++) {
        bool taken = false;
        /* nor another's label: ACCOUNT would then name two accounts */
        for (size_t i = 0; i < existing->n && !taken; i++)
            taken = (existing->v[i].id && strcmp(existing->v[i].id, id) == 0) ||
                    (existing->v[i].label && g_ascii_strcasecmp(existing->v[i].label, id) == 0);
        if (!taken)
            break;
        free(id);
        id = xasprintf("%s-%u", slug, k);
    }
    free(slug);
    return id;
}
