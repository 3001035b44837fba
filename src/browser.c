#include "browser.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "http.h"
#include "launch.h"
#include "util.h"

#define START_CHECK_MS 1000

void strv_free(char **v)
{
    if (!v)
        return;
    for (char **p = v; *p; p++)
        free(*p);
    free(v);
}

char **browser_argv(const char *entry, const char *url)
{
    size_t n = 0, cap = 4;
    char **v = xcalloc(cap, sizeof *v);
    bool substituted = false;
    const char *p = entry ? entry : "";
    for (;;) {
        while (*p == ' ' || *p == '\t')
            p++;
        if (!*p)
            break;
        size_t len = strcspn(p, " \t");
        char *word = xstrndup(p, len);
        p += len;
        char *pos = strstr(word, "%s");
        if (pos) {
            char *w = xasprintf("%.*s%s%s", (int)(pos - word), word, url, pos + 2);
            free(word);
            word = w;
            substituted = true;
        }
        if (n + 2 >= cap) {
            cap *= 2;
            v = xrealloc(v, cap * sizeof *v);
        }
        v[n++] = word;
        v[n] = NULL;
    }
    if (n == 0) {
        free(v);
        return NULL;
    }
    if (!substituted) {
        if (n + 2 >= cap)
            v = xrealloc(v, (cap + 2) * sizeof *v);
        v[n++] = xstrdup(url);
        v[n] = NULL;
    }
    return v;
}

static char **browser_entries(size_t *n)
{
    const char *env = getenv("BROWSER");
    char **entries = NULL;
    *n = 0;
    if (!str_empty(env)) {
        char *copy = xstrdup(env);
        char *save = NULL;
        for (char *e = strtok_r(copy, ":", &save); e; e = strtok_r(NULL, ":", &save)) {
            entries = xrealloc(entries, (*n + 1) * sizeof *entries);
            entries[(*n)++] = xstrdup(e);
        }
        free(copy);
    } else {
        entries = xmalloc(sizeof *entries);
        entries[(*n)++] = xstrdup("xdg-open");
    }
    return entries;
}

/* An argv holding the URL (a Vault URL carries its session token). */
static void argv_wipe_free(char **v)
{
    for (char **p = v; v && *p; p++)
        wipe(*p, strlen(*p));
    strv_free(v);
}

/* Is there an executable name in a directory of $PATH? */
static bool on_path(const char *name)
{
    const char *path = getenv("PATH");
    char *copy = xstrdup(str_empty(path) ? "/usr/bin:/bin" : path), *save = NULL;
    bool found = false;
    for (char *d = strtok_r(copy, ":", &save); d && !found; d = strtok_r(NULL, ":", &save)) {
        char *f = xasprintf("%s/%s", *d ? d : ".", name);
        found = access(f, X_OK) == 0;
        free(f);
    }
    free(copy);
    return found;
}

char *browser_missing(void)
{
    if (!str_empty(getenv("BROWSER")))
        return NULL;
    if (str_empty(getenv("DISPLAY")) && str_empty(getenv("WAYLAND_DISPLAY")))
        return xstrdup("no desktop ($DISPLAY unset); set $BROWSER, e.g. w3m");
    if (!on_path("xdg-open"))
        return xstrdup("xdg-open is missing; set $BROWSER, e.g. firefox");
    return NULL;
}

int browser_spawn(const char *url, bool quiet, pid_t *pid, char **why)
{
    size_t n;
    char **entries = browser_entries(&n);
    int rc = ERR_USAGE;
    char *failed = NULL; /* the last entry that did not start */
    *why = http_url_openable(url) ? browser_missing() : xstrdup("not an http(s) URL");
    for (size_t i = 0; i < n && rc && !*why; i++) {
        char **argv = browser_argv(entries[i], url);
        if (!argv)
            continue;
        int e = spawn_detached(argv, NULL, quiet, pid);
        if (e == 0) {
            rc = 0;
        } else {
            free(failed);
            failed = xasprintf("%s: %s", argv[0], strerror(e));
        }
        argv_wipe_free(argv);
    }
    for (size_t i = 0; i < n; i++)
        free(entries[i]);
    free(entries);
    if (rc && !*why)
        *why = failed ? failed : xstrdup("$BROWSER is empty");
    else
        free(failed);
    return rc;
}

int browser_open(const char *url, char **why)
{
    pid_t pid;
    int rc = browser_spawn(url, false, &pid, why);
    if (rc)
        return rc;
    /* a launcher like xdg-open answers at once; a browser runs on */
    for (int waited = 0; waited < START_CHECK_MS; waited += 50) {
        int st;
        pid_t r = waitpid(pid, &st, WNOHANG);
        if (r == pid) {
            if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
                return 0;
            *why = xasprintf("the browser exited with status %d",
                             WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
            return ERR_USAGE;
        }
        if (r < 0)
            return 0;
        struct timespec ts = {0, 50 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    return 0;
}
