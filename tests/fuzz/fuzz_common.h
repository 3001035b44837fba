/* Helpers shared by the libFuzzer targets (tests/fuzz/fuzz_*.c): checks
 * that abort with a message when a property breaks (libFuzzer then keeps
 * the input as a crash), and a private temp directory for the targets that
 * read files. Header-only: every target is one program. */
#ifndef SESAME_FUZZ_COMMON_H
#define SESAME_FUZZ_COMMON_H

#include <dirent.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

__attribute__((noreturn, format(printf, 1, 2))) static void fz_fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("FUZZ PROPERTY FAILED: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    abort();
}

/* FZ_ASSERT(cond, "what it means") */
#define FZ_ASSERT(cond, what)                                                   \
    do {                                                                        \
        if (!(cond))                                                            \
            fz_fail("%s:%d: %s (%s)", __FILE__, __LINE__, what, #cond);         \
    } while (0)

/* Text that is safe on a terminal, as sanitize_text promises: valid UTF-8,
 * no C0 control (not even tab or newline), no DEL, no C1 (U+0080-U+009F),
 * hence no ESC. NULL is fine. */
static inline const char *fz_text_problem(const char *s)
{
    if (!s)
        return NULL;
    if (!g_utf8_validate(s, -1, NULL))
        return "not valid UTF-8";
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == 0x1b)
            return "ESC";
        if (*p < 0x20)
            return "a C0 control character";
        if (*p == 0x7f)
            return "DEL";
        if (p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f)
            return "a C1 control character";
    }
    return NULL;
}

static inline void fz_check_text(const char *what, const char *s)
{
    const char *why = fz_text_problem(s);
    if (why) {
        char *shown = g_strescape(s, NULL);
        fz_fail("%s holds %s: \"%s\"", what, why, shown);
    }
}

/* The input as a NUL-terminated string (cut at the first NUL). Owned. */
static inline char *fz_cstr(const uint8_t *data, size_t size)
{
    size_t n = strnlen((const char *)data, size);
    char *s = malloc(n + 1);
    if (!s)
        abort();
    memcpy(s, data, n);
    s[n] = '\0';
    return s;
}

/* ---- a private directory, removed at exit ---------------------------------- */

static char fz_dir[256];

static void fz_dir_cleanup(void)
{
    if (!fz_dir[0])
        return;
    DIR *d = opendir(fz_dir);
    if (d) {
        struct dirent *e;
        while ((e = readdir(d))) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            char p[512];
            snprintf(p, sizeof p, "%s/%s", fz_dir, e->d_name);
            unlink(p);
        }
        closedir(d);
    }
    rmdir(fz_dir);
    fz_dir[0] = '\0';
}

/* mkdtemp under /dev/shm when there is one (the file targets write and
 * fsync on every input), else $TMPDIR or /tmp. */
static inline const char *fz_make_dir(const char *tag)
{
    const char *base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : getenv("TMPDIR");
    if (!base || !*base)
        base = "/tmp";
    snprintf(fz_dir, sizeof fz_dir, "%s/sesame-fuzz-%s-XXXXXX", base, tag);
    if (!mkdtemp(fz_dir)) {
        perror(fz_dir);
        abort();
    }
    atexit(fz_dir_cleanup);
    return fz_dir;
}

/* Replace <fz_dir>/name with data (mode 0600). */
static inline void fz_write_file(const char *name, const uint8_t *data, size_t size)
{
    char p[512];
    snprintf(p, sizeof p, "%s/%s", fz_dir, name);
    FILE *f = fopen(p, "wb");
    if (!f) {
        perror(p);
        abort();
    }
    if (size && fwrite(data, 1, size, f) != size) {
        perror(p);
        abort();
    }
    fclose(f);
}

static inline void fz_remove_file(const char *name)
{
    char p[512];
    snprintf(p, sizeof p, "%s/%s", fz_dir, name);
    unlink(p);
}

static inline bool fz_str_eq(const char *a, const char *b)
{
    if (!a || !b)
        return a == b;
    return strcmp(a, b) == 0;
}

#endif
