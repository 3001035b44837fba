/* The progress line of headless commands (progress.h). */
#include "progress.h"

#include <glib.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <wchar.h>

#include "cli.h"
#include "util.h"

#define CLEAR_LINE "\r\033[K"

static volatile sig_atomic_t line_shown;
static bool handlers_set;
static const int clear_signals[] = {SIGINT, SIGTERM, SIGQUIT};
static struct sigaction old_actions[ARRAY_LEN(clear_signals)];

/* A signal that ends the command takes the line with it first: the
 * shell's prompt must not land after "prod: 1,200 of 10,000 users". */
static void clear_on_signal(int sig)
{
    if (line_shown) {
        ssize_t w = write(STDERR_FILENO, CLEAR_LINE, sizeof CLEAR_LINE - 1);
        (void)w;
    }
    for (size_t i = 0; i < ARRAY_LEN(clear_signals); i++)
        if (clear_signals[i] == sig)
            sigaction(sig, &old_actions[i], NULL);
    raise(sig);
}

static void set_handlers(bool on)
{
    if (on == handlers_set)
        return;
    for (size_t i = 0; i < ARRAY_LEN(clear_signals); i++) {
        if (on) {
            struct sigaction sa;
            memset(&sa, 0, sizeof sa);
            sa.sa_handler = clear_on_signal;
            sigemptyset(&sa.sa_mask);
            sigaction(clear_signals[i], &sa, &old_actions[i]);
        } else {
            sigaction(clear_signals[i], &old_actions[i], NULL);
        }
    }
    handlers_set = on;
}

bool progress_wanted(void)
{
    return isatty(STDERR_FILENO);
}

static size_t terminal_cols(void)
{
    struct winsize ws;
    if (ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
        return ws.ws_col;
    const char *env = getenv("COLUMNS");
    long n = env ? strtol(env, NULL, 10) : 0;
    return n > 0 && n < 10000 ? (size_t)n : 80;
}

char *progress_fit(const char *s, size_t cols)
{
    char *clean = sanitize_text(s);
    mbstate_t st;
    memset(&st, 0, sizeof st);
    size_t used = 0, off = 0, left = strlen(clean);
    while (left > 0) {
        wchar_t wc;
        size_t n = mbrtowc(&wc, clean + off, left, &st);
        int w = 1;
        if (n == (size_t)-1 || n == (size_t)-2) {
            memset(&st, 0, sizeof st);
            n = 1; /* shown as one replacement character */
        } else {
            n = n ? n : 1;
            w = wcwidth(wc) < 0 ? 0 : wcwidth(wc);
        }
        if (used + (size_t)w > cols)
            break;
        used += (size_t)w;
        off += n;
        left -= n;
    }
    clean[off] = '\0';
    return clean;
}

void progress_show(const char *line)
{
    size_t cols = terminal_cols();
    /* one column short: a line that fills the last one wraps on some
     * terminals, and the next \r would rewrite only its second row */
    char *fit = progress_fit(line, cols > 1 ? cols - 1 : 1);
    set_handlers(true);
    fflush(stdout);
    fprintf(stderr, CLEAR_LINE "%s", fit);
    fflush(stderr);
    line_shown = 1;
    free(fit);
}

void progress_clear(void)
{
    if (line_shown) {
        fputs(CLEAR_LINE, stderr);
        fflush(stderr);
        line_shown = 0;
    }
    set_handlers(false);
}

/* "prod: 1,200 of 10,000 users · lab: listing": the listings not in yet
 * that have told how far they are. */
static char *combined_line(const struct listing_wait *w, char **texts, size_t n)
{
    GString *line = g_string_new(NULL);
    for (size_t i = 0; i < n; i++) {
        if (!w[i].id || w[i].ev.job_id || !texts[i])
            continue;
        g_string_append_printf(line, "%s%s: %s", line->len ? " · " : "", w[i].who, texts[i]);
    }
    return g_string_free(line, false);
}

void cli_wait_listings(struct cli *c, struct listing_wait *w, size_t n)
{
    if (!progress_wanted()) {
        for (size_t i = 0; i < n; i++)
            if (w[i].id)
                cli_wait(c, w[i].id, &w[i].ev);
        return;
    }
    char **texts = xcalloc(n ? n : 1, sizeof *texts);
    size_t left = 0;
    for (size_t i = 0; i < n; i++)
        left += w[i].id != 0;
    struct event ev;
    while (left > 0 && c->worker && worker_wait_news(c->worker, 0, &ev)) {
        size_t i = 0;
        while (i < n && (w[i].id != ev.job_id || w[i].ev.job_id))
            i++;
        if (i == n) { /* not one of these (none is submitted meanwhile) */
            event_free(&ev);
            continue;
        }
        if (!ev.progress) {
            if (ev.err && !ev.error)
                ev.error = xstrdup("failed");
            w[i].ev = ev;
            left--;
        } else {
            free(texts[i]);
            texts[i] = event_progress_text(&ev);
            event_free(&ev);
        }
        char *line = combined_line(w, texts, n);
        if (*line)
            progress_show(line);
        else
            progress_clear();
        free(line);
    }
    progress_clear();
    for (size_t i = 0; i < n; i++) {
        free(texts[i]);
        if (w[i].id && !w[i].ev.job_id) /* the worker stopped: as cli_wait says it */
            cli_wait(c, 0, &w[i].ev);
    }
    free(texts);
}
