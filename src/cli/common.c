/* Plumbing every headless command shares: messages, accounts, the worker,
 * reading secrets, the state file. */
#include "cli.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <cJSON.h>

#include "budget_shared.h"
#include "progress.h"
#include "account_policy.h"
#include "state.h"
#include "util.h"

#define SECRET_MAX (64 * 1024)
#define JSON_FILE_MAX (4 * 1024 * 1024)

/* ---- messages ----------------------------------------------------------- */

static void vprint_error(const char *fmt, va_list ap)
{
    char *raw = xvasprintf(fmt, ap);
    char *clean = sanitize_text(raw);
    fflush(stdout);
    fprintf(stderr, "sesame: %s\n", clean);
    free(clean);
    free(raw);
}

int cli_error(int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vprint_error(fmt, ap);
    va_end(ap);
    return code;
}

void cli_print_usage(FILE *out, const char *command)
{
    const struct cli_command *cmd = cli_find(command);
    if (!cmd)
        return;
    const char *u = cmd->usage;
    bool first = true;
    while (*u) {
        size_t n = strcspn(u, "\n");
        fprintf(out, "%s%.*s\n", first ? "usage: " : "       ", (int)n, u);
        first = false;
        u += n;
        if (*u == '\n')
            u++;
    }
}

void cli_print_command_help(FILE *out, const char *command)
{
    const struct cli_command *cmd = cli_find(command);
    if (!cmd)
        return;
    cli_print_usage(out, command);
    fprintf(out, "\n%s", cmd->details);
    if (cmd->more)
        cmd->more(out);
    fprintf(out, "\nEvery command also takes --timeout SECONDS (give up on an operation that\n"
                 "makes no progress for this long; default 30), before or after its name,\n"
                 "and --help. ACCOUNT is an account's id or label (see 'sesame help account').\n"
                 "\n");
    cli_print_exit_status(out);
}

int cli_usage_error(const char *command, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vprint_error(fmt, ap);
    va_end(ap);
    cli_print_usage(stderr, command);
    return ERR_USAGE;
}

/* ---- accounts and the worker ------------------------------------------ */

/* The accounts of the command that runs (one per process), for hints. */
static const struct account_list *hint_accounts;

int cli_init(struct cli *c)
{
    memset(c, 0, sizeof *c);
    hint_accounts = &c->accounts;
    char *err = NULL;
    int rc = accounts_load(&c->accounts, &err);
    if (rc != 0) {
        cli_error(rc, "%s", err ? err : "cannot read the accounts");
        free(err);
        return rc;
    }
    free(err);
    return 0;
}

void cli_done(struct cli *c)
{
    if (hint_accounts == &c->accounts)
        hint_accounts = NULL;
    worker_stop(c->worker);
    c->worker = NULL;
    account_list_free(&c->accounts);
}

struct account *cli_account(struct cli *c, const char *name)
{
    struct account *a = NULL;
    char *err = NULL;
    if (account_resolve(&c->accounts, name, &a, &err) != 0)
        cli_error(ERR_USAGE, "%s", err);
    free(err);
    return a;
}

char *cli_account_ref(const struct account *a)
{
    return account_ref(hint_accounts, a);
}

int cli_refused(const struct account *a, enum op op)
{
    char *why = account_refuses(a, op);
    if (!why)
        return 0;
    cli_error(ERR_USAGE, "%s", why);
    free(why);
    return ERR_USAGE;
}

char *cli_typed_label(const char *label, const char *given)
{
    if (given)
        return xstrdup(given);
    if (!isatty(STDIN_FILENO))
        return NULL;
    fprintf(stderr, "%s is a production account: type its label to go on: ", label);
    fflush(stderr);
    char buf[512];
    if (!fgets(buf, sizeof buf, stdin))
        return NULL;
    buf[strcspn(buf, "\r\n")] = '\0';
    return xstrdup(buf);
}

const struct provider *cli_provider(const struct account *a)
{
    const struct provider *p = provider_find(a->provider_id);
    if (!p)
        cli_error(ERR_CONFIG, "%s: unknown provider '%s' in the config", a->label ? a->label
                  : a->id, a->provider_id ? a->provider_id : "");
    return p;
}

int cli_tracked_session(const struct account *a, const char *name, const char *sid,
                        struct session *s)
{
    bool found = false;
    char *err = NULL;
    int rc = state_find(a->id, sid, s, &found, &err);
    if (rc)
        cli_error(rc, "%s", err ? err : "cannot read the state");
    else if (!found)
        rc = cli_no_tracked_session(a, name, sid);
    free(err);
    return rc;
}

int cli_no_tracked_session(const struct account *a, const char *name, const char *sid)
{
    char *q = cli_account_ref(a);
    int rc = cli_error(ERR_USAGE, "%s has no tracked session '%s' (see: sesame sessions "
                       "--account %s)", a->label, sid, q);
    free(q);
    return rc;
}

int cli_start_worker(struct cli *c)
{
    if (c->worker)
        return 0;
    char *err = NULL;
    char *budgets = budget_shared_dir();
    c->worker = worker_start(&(struct worker_options){.budget_dir = budgets}, &err);
    free(budgets);
    if (!c->worker) {
        cli_error(ERR_INTERNAL, "%s", err ? err : "cannot start the worker");
        free(err);
        return ERR_INTERNAL;
    }
    return 0;
}

static int64_t job_timeout_ms; /* 0: the worker's default */

void cli_set_timeout_ms(int64_t ms)
{
    job_timeout_ms = ms;
}

uint64_t cli_submit_job(struct cli *c, struct job *j)
{
    if (cli_start_worker(c) != 0) {
        job_free(j);
        return 0;
    }
    j->timeout_ms = job_timeout_ms;
    return worker_submit(c->worker, j);
}

uint64_t cli_submit_op(struct cli *c, const struct account *a, enum op op, struct op_args *args)
{
    struct job j = {.kind = JOB_OP, .op = op};
    account_copy(&j.account, a);
    j.args = *args;
    memset(args, 0, sizeof *args);
    return cli_submit_job(c, &j);
}

uint64_t cli_submit_secret(struct cli *c, const struct account *a, enum job_kind kind,
                           const char *kind_name, const char *session_id, char *secret)
{
    struct job j = {.kind = kind};
    account_copy(&j.account, a);
    j.kind_name = xstrdup(kind_name);
    j.session_id = xstrdup(session_id);
    j.secret = secret;
    return cli_submit_job(c, &j);
}

int cli_wait(struct cli *c, uint64_t id, struct event *ev)
{
    memset(ev, 0, sizeof *ev);
    if (id == 0 || !c->worker || !worker_wait_event(c->worker, id, ev)) {
        ev->err = ERR_INTERNAL;
        ev->error = xstrdup("the worker stopped before answering");
        return ev->err;
    }
    if (ev->err && !ev->error)
        ev->error = xstrdup("failed");
    return ev->err;
}

/* Progress of a listing on stderr, when it is a terminal (progress.h). */
int cli_wait_listing(struct cli *c, uint64_t id, const char *who, struct event *ev)
{
    struct listing_wait w = {.id = id, .who = who};
    if (!id)
        return cli_wait(c, id, ev);
    cli_wait_listings(c, &w, 1);
    *ev = w.ev;
    return ev->err;
}

/* ---- secrets -------------------------------------------------------------- */

/* Read one line from fd into a buffer that is wiped whenever it moves.
 * Returns 0, -1 on EOF before any byte, or an errno (EINTR included). */
static int read_line(int fd, char **out)
{
    size_t cap = 128, n = 0;
    char *buf = xmalloc(cap);
    bool any = false;
    for (;;) {
        char ch;
        ssize_t r = read(fd, &ch, 1);
        if (r < 0) {
            int e = errno;
            wipe(buf, cap);
            free(buf);
            return e;
        }
        if (r == 0) {
            if (!any) {
                free(buf);
                return -1;
            }
            break;
        }
        any = true;
        if (ch == '\n')
            break;
        if (n + 1 >= cap) {
            if (cap >= SECRET_MAX) {
                wipe(buf, cap);
                free(buf);
                return EFBIG;
            }
            char *bigger = xmalloc(cap * 2);
            memcpy(bigger, buf, n);
            wipe(buf, cap);
            free(buf);
            buf = bigger;
            cap *= 2;
        }
        buf[n++] = ch;
    }
    if (n > 0 && buf[n - 1] == '\r')
        n--;
    buf[n] = '\0';
    *out = buf;
    return 0;
}

/* The terminal while echo is off, for the signal handler. */
static int tty_fd = -1;
static struct termios tty_saved;
static volatile sig_atomic_t tty_signal;

static void tty_restore_on_signal(int sig)
{
    if (tty_fd >= 0)
        tcsetattr(tty_fd, TCSAFLUSH, &tty_saved);
    tty_signal = sig;
}

static const int tty_signals[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};

static int read_secret_tty(const char *prompt, char **out, char **error)
{
    int fd = open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        *error = xasprintf("cannot open the terminal to read a secret: %s", strerror(errno));
        return ERR_USAGE;
    }
    struct termios t;
    if (tcgetattr(fd, &t) != 0) {
        *error = xasprintf("cannot set up the terminal: %s", strerror(errno));
        close(fd);
        return ERR_USAGE;
    }
    tty_saved = t;
    tty_fd = fd;
    tty_signal = 0;
    struct sigaction sa, old[ARRAY_LEN(tty_signals)];
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = tty_restore_on_signal; /* no SA_RESTART: read() returns EINTR */
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < ARRAY_LEN(tty_signals); i++)
        sigaction(tty_signals[i], &sa, &old[i]);

    /* echo off before the prompt: what is typed after it is kept, what
     * was typed ahead before it is dropped (TCSAFLUSH) */
    t.c_lflag &= ~(tcflag_t)ECHO;
    t.c_lflag |= ECHONL | ICANON;
    tcsetattr(fd, TCSAFLUSH, &t);
    char *clean = sanitize_text(prompt);
    char *line = xasprintf("%s: ", clean);
    free(clean);
    ssize_t ignored = write(fd, line, strlen(line));
    (void)ignored;
    free(line);
    int r = read_line(fd, out);
    tcsetattr(fd, TCSAFLUSH, &tty_saved);
    tty_fd = -1;
    if (r == -1) /* EOF (Ctrl-D): echo was off, so end the line */
        ignored = write(fd, "\n", 1);
    close(fd);
    for (size_t i = 0; i < ARRAY_LEN(tty_signals); i++)
        sigaction(tty_signals[i], &old[i], NULL);
    if (tty_signal) {
        int sig = tty_signal;
        tty_signal = 0;
        raise(sig); /* the terminal is back as it was; die as the signal says */
        *error = xstrdup("interrupted");
        return ERR_CANCELLED;
    }
    if (r == -1) {
        *error = xstrdup("no input (end of file)");
        return ERR_USAGE;
    }
    if (r != 0) {
        *error = xasprintf("cannot read from the terminal: %s", strerror(r));
        return ERR_USAGE;
    }
    return 0;
}

int cli_read_secret(const char *prompt, char **out, char **error)
{
    *out = NULL;
    if (isatty(STDIN_FILENO))
        return read_secret_tty(prompt, out, error);
    int r = read_line(STDIN_FILENO, out);
    if (r == -1) {
        *error = xstrdup("standard input ended (one line per secret is expected there)");
        return ERR_USAGE;
    }
    if (r != 0) {
        *error = r == EFBIG ? xstrdup("a line of standard input is longer than 64 KiB")
                            : xasprintf("cannot read standard input: %s", strerror(r));
        return ERR_USAGE;
    }
    return 0;
}

int cli_write_secret_line(const char *s)
{
    errno = 0;
    if (fflush(stdout) != 0)
        return errno ? errno : EIO;
    size_t len = strlen(s);
    const char *p = s;
    while (len > 0) {
        ssize_t w = write(STDOUT_FILENO, p, len);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return w < 0 ? errno : EIO;
        p += w;
        len -= (size_t)w;
    }
    while (write(STDOUT_FILENO, "\n", 1) < 0)
        if (errno != EINTR)
            return errno;
    return 0;
}

/* ---- JSON arguments ------------------------------------------------------ */

static int read_file(const char *path, char **out, char **error)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        *error = xasprintf("cannot open %s: %s", path, strerror(errno));
        return ERR_USAGE;
    }
    size_t cap = 4096, n = 0;
    char *buf = xmalloc(cap);
    for (;;) {
        if (n + 1 >= cap) {
            if (cap >= JSON_FILE_MAX) {
                free(buf);
                close(fd);
                *error = xasprintf("%s is larger than 4 MiB", path);
                return ERR_USAGE;
            }
            cap *= 2;
            buf = xrealloc(buf, cap);
        }
        ssize_t r = read(fd, buf + n, cap - n - 1);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            *error = xasprintf("cannot read %s: %s", path, strerror(errno));
            free(buf);
            close(fd);
            return ERR_USAGE;
        }
        if (r == 0)
            break;
        n += (size_t)r;
    }
    close(fd);
    buf[n] = '\0';
    *out = buf;
    return 0;
}

int cli_json_arg(const char *what, const char *arg, char **out, char **error)
{
    *out = NULL;
    char *text = NULL;
    if (arg[0] == '@') {
        int rc = read_file(arg + 1, &text, error);
        if (rc)
            return rc;
    } else {
        text = xstrdup(arg);
    }
    cJSON *j = cJSON_Parse(text);
    if (!j) {
        *error = xasprintf("%s: not valid JSON%s%s", what, arg[0] == '@' ? " in " : "",
                           arg[0] == '@' ? arg + 1 : "");
        free(text);
        return ERR_USAGE;
    }
    cJSON_Delete(j);
    *out = text;
    return 0;
}

/* ---- the state file ------------------------------------------------------ */

