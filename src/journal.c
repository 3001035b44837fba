/* The audit journal (journal.h): writing a line, rotating, reading back. */
#include "journal.h"

#include <cJSON.h>
#include <errno.h>
#include <glib.h>
#include <fcntl.h>
#include <stddef.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "util.h"

#define LOCK_WAIT_MS 2000
#define READ_MAX (16u * 1024u * 1024u)

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static char *path;            /* guarded by lock */
static char *last_error;      /* guarded by lock */
static enum journal_origin origin;
static size_t max_bytes = JOURNAL_MAX_BYTES;
static int keep = JOURNAL_KEEP;

void journal_init(enum journal_origin o)
{
    char *p = xasprintf("%s/%s", state_dir(), JOURNAL_FILE);
    pthread_mutex_lock(&lock);
    free(path);
    path = p;
    origin = o;
    pthread_mutex_unlock(&lock);
}

void journal_set_limits(size_t bytes, int n_keep)
{
    pthread_mutex_lock(&lock);
    max_bytes = bytes ? bytes : JOURNAL_MAX_BYTES;
    keep = n_keep > 0 ? n_keep : JOURNAL_KEEP;
    pthread_mutex_unlock(&lock);
}

const char *journal_path(void)
{
    return path;
}

static const char *origin_name(enum journal_origin o)
{
    return o == JOURNAL_DASHBOARD ? "dashboard" : "command";
}

/* ---- one line --------------------------------------------------------- */

/* "2026-12-07T10:00:03.123Z" (a time before 1970 is written as 1970) */
static void iso_ms(int64_t ms, char *buf, size_t n)
{
    if (ms < 0)
        ms = 0;
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    gmtime_r(&t, &tm);
    char sec[24];
    if (!format_tm(&tm, 'T', true, sec))
        strftime(sec, sizeof sec, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(buf, n, "%s.%03dZ", sec, (int)(ms % 1000));
}

static void add_field(cJSON *o, const char *key, const char *value, bool nulls)
{
    if (str_empty(value)) {
        if (nulls)
            cJSON_AddNullToObject(o, key);
        return;
    }
    char *clean = sanitize_text(value);
    if (strlen(clean) > JOURNAL_FIELD_MAX) {
        size_t n = JOURNAL_FIELD_MAX;
        while (n > 0 && ((unsigned char)clean[n] & 0xc0) == 0x80)
            n--; /* not inside a character */
        char *cut = xasprintf("%.*s...", (int)n, clean);
        free(clean);
        clean = cut;
    }
    cJSON_AddStringToObject(o, key, clean);
    free(clean);
}

/* An entry's text fields and their keys in a line, in the order written. */
static const struct {
    const char *key;
    size_t at; /* offsetof the const char * in struct journal_entry */
} FIELDS[] = {
    {"origin", offsetof(struct journal_entry, origin)},
    {"account", offsetof(struct journal_entry, account)},
    {"account_label", offsetof(struct journal_entry, label)},
    {"provider", offsetof(struct journal_entry, provider)},
    {"session", offsetof(struct journal_entry, session)},
    {"user", offsetof(struct journal_entry, user)},
    {"action", offsetof(struct journal_entry, action)},
    {"result", offsetof(struct journal_entry, result)},
    {"status", offsetof(struct journal_entry, status)},
    {"error", offsetof(struct journal_entry, error)},
    {"request_id", offsetof(struct journal_entry, request_id)},
    {"detail", offsetof(struct journal_entry, detail)},
};

static const char **field(struct journal_entry *e, size_t i)
{
    return (const char **)((char *)e + FIELDS[i].at);
}

cJSON *journal_entry_json(const struct journal_entry *e, bool nulls)
{
    cJSON *o = cJSON_CreateObject();
    char when[40];
    iso_ms(e->time_ms, when, sizeof when);
    cJSON_AddStringToObject(o, "time", when);
    for (size_t i = 0; i < ARRAY_LEN(FIELDS); i++)
        add_field(o, FIELDS[i].key, *field((struct journal_entry *)e, i), nulls);
    return o;
}

static int open_journal(const char *p)
{
    return open(p, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK, 0600);
}

/* flock within LOCK_WAIT_MS; false if another holds it that long (a
 * process stopped mid-write): the line is still written, unrotated. */
static bool lock_journal(int fd)
{
    int64_t deadline = mono_ms() + LOCK_WAIT_MS;
    for (;;) {
        if (flock(fd, LOCK_EX | LOCK_NB) == 0)
            return true;
        if (errno != EWOULDBLOCK && errno != EINTR)
            return false;
        if (mono_ms() >= deadline)
            return false;
        struct timespec ts = {0, 5 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
}

/* p.N -> p.N+1 ..., p -> p.1; the oldest beyond keep goes. */
static void rotate(const char *p, int n_keep)
{
    char *old = xasprintf("%s.%d", p, n_keep);
    unlink(old);
    free(old);
    for (int i = n_keep - 1; i >= 1; i--) {
        char *from = xasprintf("%s.%d", p, i), *to = xasprintf("%s.%d", p, i + 1);
        rename(from, to);
        free(from);
        free(to);
    }
    char *first = xasprintf("%s.1", p);
    rename(p, first);
    free(first);
}

/* The fd, locked, of the file now at p (another process may have rotated
 * it between our open and our lock: then the one at p anew); -1 on error. */
static int open_locked(const char *p, bool *locked)
{
    for (int tries = 0; tries < 1000; tries++) { /* each try: a rotation by another */
        int fd = open_journal(p);
        if (fd < 0)
            return -1;
        *locked = lock_journal(fd);
        struct stat held, named;
        if (!*locked || (fstat(fd, &held) == 0 && stat(p, &named) == 0 &&
                         held.st_ino == named.st_ino && held.st_dev == named.st_dev))
            return fd;
        close(fd);
    }
    errno = EAGAIN;
    return -1;
}

/* A crash mid-write left a last line without its newline: end it, so that
 * ours starts on a line of its own (the torn one is skipped when read). */
static bool ends_torn(int fd)
{
    struct stat st;
    char last = '\n';
    if (fstat(fd, &st) != 0 || st.st_size == 0)
        return false;
    return pread(fd, &last, 1, st.st_size - 1) == 1 && last != '\n';
}

static int append_line(const char *p, const char *line, size_t len, size_t limit, int n_keep,
                       char **error)
{
    bool locked = false;
    int fd = open_locked(p, &locked);
    if (fd < 0)
        goto fail;
    struct stat st;
    if (locked && fstat(fd, &st) == 0 && st.st_size > 0 && (size_t)st.st_size + len > limit) {
        rotate(p, n_keep);
        int fresh = open_journal(p);
        if (fresh < 0) {
            int e = errno;
            close(fd);
            errno = e;
            goto fail;
        }
        /* the new file, locked before anyone else can grow it past us */
        if (flock(fresh, LOCK_EX | LOCK_NB) != 0)
            locked = false;
        close(fd);
        fd = fresh;
    }
    char *buf = xmalloc(len + 2);
    size_t n = 0;
    if (ends_torn(fd))
        buf[n++] = '\n';
    memcpy(buf + n, line, len);
    n += len;
    int rc = write_full(fd, buf, n);
    free(buf);
    if (rc != 0 || fsync(fd) != 0) {
        int e = errno;
        close(fd);
        errno = e;
        goto fail;
    }
    close(fd); /* drops the lock */
    return 0;
fail:
    if (error)
        *error = xasprintf("cannot write the journal %s: %s", p, strerror(errno));
    return ERR_CONFIG;
}

static void keep_error(char *err)
{
    pthread_mutex_lock(&lock);
    free(last_error);
    last_error = err;
    pthread_mutex_unlock(&lock);
}

char *journal_take_error(void)
{
    pthread_mutex_lock(&lock);
    char *err = last_error;
    last_error = NULL;
    pthread_mutex_unlock(&lock);
    return err;
}

int journal_append(const struct journal_entry *e)
{
    pthread_mutex_lock(&lock);
    char *p = xstrdup(path);
    const char *who = origin_name(origin);
    size_t limit = max_bytes;
    int n_keep = keep;
    pthread_mutex_unlock(&lock);
    if (!p)
        return 0; /* not set up: a unit test of something else */
    char *err = NULL;
    char *dir = xstrndup(p, strrchr(p, '/') ? (size_t)(strrchr(p, '/') - p) : 0);
    int rc = dir[0] ? config_mkdir(dir, &err) : 0;
    free(dir);
    if (rc == 0) {
        struct journal_entry line = *e;
        line.time_ms = e->time_ms ? e->time_ms : now_ms();
        line.origin = who;
        cJSON *o = journal_entry_json(&line, false);
        char *text = cJSON_PrintUnformatted(o);
        cJSON_Delete(o);
        char *with_nl = xasprintf("%s\n", text ? text : "{}");
        cJSON_free(text);
        rc = append_line(p, with_nl, strlen(with_nl), limit, n_keep, &err);
        free(with_nl);
    } else {
        char *why = xasprintf("cannot write the journal: %s", err ? err : "?");
        free(err);
        err = why;
    }
    free(p);
    if (rc)
        keep_error(err);
    else
        free(err);
    return rc;
}

void journal_forget(const struct account *a, const struct session *s, const char *detail,
                    const char *error)
{
    struct journal_entry e = {
        .account = a->id,
        .label = a->label,
        .provider = a->provider_id,
        .session = s->id,
        .user = s->user_display ? s->user_display : s->user_id,
        .action = "forget",
        .result = error ? "failed" : "ok",
        .error = error,
        .detail = detail,
    };
    journal_append(&e);
}

/* ---- reading ----------------------------------------------------------- */

static char *dup_field(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    char *s = cJSON_IsString(v) && v->valuestring[0] ? sanitize_text(v->valuestring) : NULL;
    if (s && !*s) { /* nothing but control characters: none */
        free(s);
        s = NULL;
    }
    return s;
}

/* "2026-12-07T10:00:03.123Z" to ms; false if it is not that. */
static bool parse_time(const char *s, int64_t *ms)
{
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    int frac = 0;
    char z = 0;
    if (!s || sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d.%3d%c", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
                     &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &frac, &z) != 8 || z != 'Z')
        return false;
    if (tm.tm_year < 1970 || frac < 0)
        return false; /* not a time sesame writes */
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    time_t t = timegm(&tm);
    if (t == (time_t)-1 || t < 0)
        return false;
    *ms = (int64_t)t * 1000 + frac;
    return true;
}

static void note(struct journal_list *l, char *text)
{
    l->notes = xrealloc(l->notes, (l->n_notes + 1) * sizeof *l->notes);
    l->notes[l->n_notes++] = text;
}

static bool parse_line(const char *line, size_t len, struct journal_entry *e)
{
    cJSON *o = cJSON_ParseWithLength(line, len);
    memset(e, 0, sizeof *e);
    const cJSON *t = cJSON_IsObject(o) ? cJSON_GetObjectItemCaseSensitive(o, "time") : NULL;
    bool ok = cJSON_IsString(t) && parse_time(t->valuestring, &e->time_ms) &&
              cJSON_IsString(cJSON_GetObjectItemCaseSensitive(o, "action"));
    if (ok) {
        for (size_t i = 0; i < ARRAY_LEN(FIELDS); i++)
            *field(e, i) = dup_field(o, FIELDS[i].key);
        ok = e->action != NULL;
    }
    cJSON_Delete(o);
    return ok;
}

static void entry_free(struct journal_entry *e)
{
    for (size_t i = 0; i < ARRAY_LEN(FIELDS); i++)
        free((char *)*field(e, i));
    memset(e, 0, sizeof *e);
}

void journal_parse(struct journal_list *out, const char *text, size_t len, const char *name)
{
    size_t at = 0, line_no = 0;
    while (at < len) {
        const char *nl = memchr(text + at, '\n', len - at);
        size_t end = nl ? (size_t)(nl - text) : len;
        line_no++;
        if (end > at) {
            struct journal_entry e;
            if (parse_line(text + at, end - at, &e)) {
                if (out->n == out->cap) {
                    out->cap = out->cap ? out->cap * 2 : 64;
                    out->v = xrealloc(out->v, out->cap * sizeof *out->v);
                }
                out->v[out->n++] = e;
            } else {
                entry_free(&e);
                note(out, xasprintf("%s:%zu: %s, skipped", name, line_no,
                                    nl ? "a damaged line" : "a line cut short (a crash while "
                                                            "it was written)"));
            }
        }
        at = end + 1;
    }
}

/* One file's lines into out. A rotated file (rotated: one of the old ones)
 * that cannot be read (too large, not a regular file) is skipped with a
 * note: the rest of the journal is still worth reading. */
static int read_file(struct journal_list *out, const char *p, bool rotated, char **error)
{
    char *data = NULL, *err = NULL;
    size_t len = 0;
    int rc = file_read_regular(p, READ_MAX, &data, &len, &err);
    if (rc == ENOENT)
        return 0;
    if (rc != 0 && rotated) {
        note(out, xasprintf("%s, skipped", err ? err : p));
        free(err);
        return 0;
    }
    if (rc != 0) {
        *error = err;
        return ERR_CONFIG;
    }
    const char *base = strrchr(p, '/');
    journal_parse(out, data, len, base ? base + 1 : p);
    free(data);
    return 0;
}

int journal_read(struct journal_list *out, char **error)
{
    pthread_mutex_lock(&lock);
    char *p = xstrdup(path);
    int n_keep = keep;
    pthread_mutex_unlock(&lock);
    memset(out, 0, sizeof *out);
    if (!p)
        return 0;
    int rc = 0;
    for (int i = n_keep; rc == 0 && i >= 0; i--) {
        char *f = i ? xasprintf("%s.%d", p, i) : xstrdup(p);
        rc = read_file(out, f, i > 0, error);
        free(f);
    }
    free(p);
    return rc;
}

void journal_list_free(struct journal_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        entry_free(&l->v[i]);
    free(l->v);
    for (size_t i = 0; i < l->n_notes; i++)
        free(l->notes[i]);
    free(l->notes);
    memset(l, 0, sizeof *l);
}

void journal_filter(struct journal_list *l, int64_t since_ms, const char *account_id,
                    const char *account_label)
{
    size_t o = 0;
    for (size_t i = 0; i < l->n; i++) {
        struct journal_entry *e = &l->v[i];
        bool keep_it = e->time_ms >= since_ms;
        if (keep_it && (account_id || account_label))
            keep_it = (account_id && e->account && strcmp(e->account, account_id) == 0) ||
                      (account_label && e->label && strcasecmp(e->label, account_label) == 0);
        if (keep_it)
            l->v[o++] = *e;
        else
            entry_free(e);
    }
    l->n = o;
}

char *journal_entry_text(const struct journal_entry *e)
{
    char when[32] = "";
    time_t t = (time_t)(e->time_ms / 1000);
    struct tm tm;
    if (localtime_r(&t, &tm))
        format_tm(&tm, ' ', true, when);
    GString *s = g_string_new(NULL);
    g_string_append_printf(s, "%s  %-9s  %s  %s", when, e->origin ? e->origin : "?",
                           e->label ? e->label : e->account ? e->account : "-",
                           e->action ? e->action : "?");
    if (e->session)
        g_string_append_printf(s, " %s", e->session);
    if (e->user)
        g_string_append_printf(s, " (%s)", e->user);
    g_string_append_printf(s, ": %s", e->result ? e->result : "?");
    if (e->status)
        g_string_append_printf(s, ", %s", e->status);
    if (e->detail)
        g_string_append_printf(s, ", %s", e->detail);
    if (e->error)
        g_string_append_printf(s, ": %s", e->error);
    if (e->request_id)
        g_string_append_printf(s, " [request %s]", e->request_id);
    char *raw = g_string_free(s, FALSE);
    char *clean = sanitize_text(raw);
    g_free(raw);
    return clean;
}
