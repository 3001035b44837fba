/* The self-pipe and the handlers behind it. */
#include "signals.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

static const int handled[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGTSTP, SIGCONT, SIGWINCH};
#define N_HANDLED (sizeof handled / sizeof handled[0])
static const int crashes[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT};
#define N_CRASHES (sizeof crashes / sizeof crashes[0])

static int pipe_fd[2] = {-1, -1};
static struct sigaction saved[N_HANDLED];
static bool installed;

static void on_signal(int sig)
{
    int saved_errno = errno;
    unsigned char b = (unsigned char)sig;
    if (pipe_fd[1] >= 0) {
        ssize_t r = write(pipe_fd[1], &b, 1); /* full pipe: a wakeup is already pending */
        (void)r;
    }
    errno = saved_errno;
}

int signals_install(void)
{
    if (installed)
        return pipe_fd[0];
    if (pipe2(pipe_fd, O_CLOEXEC | O_NONBLOCK) != 0)
        return -1;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    for (size_t i = 0; i < N_HANDLED; i++)
        sigaction(handled[i], &sa, &saved[i]);
    installed = true;
    return pipe_fd[0];
}

void signals_restore(void)
{
    if (!installed)
        return;
    for (size_t i = 0; i < N_HANDLED; i++)
        sigaction(handled[i], &saved[i], NULL);
    close(pipe_fd[0]);
    close(pipe_fd[1]);
    pipe_fd[0] = pipe_fd[1] = -1;
    installed = false;
}

unsigned signals_read(int *quit_signo)
{
    unsigned flags = 0;
    unsigned char buf[64];
    ssize_t n;
    while ((n = read(pipe_fd[0], buf, sizeof buf)) > 0) {
        for (ssize_t i = 0; i < n; i++) {
            switch (buf[i]) {
            case SIGTSTP: flags |= SIGF_TSTP; break;
            case SIGCONT: flags |= SIGF_CONT; break;
            case SIGWINCH: flags |= SIGF_WINCH; break;
            default:
                if (!(flags & SIGF_QUIT) && quit_signo)
                    *quit_signo = buf[i];
                flags |= SIGF_QUIT;
            }
        }
    }
    return flags;
}

static void handled_set(sigset_t *set)
{
    sigemptyset(set);
    for (size_t i = 0; i < N_HANDLED; i++)
        sigaddset(set, handled[i]);
}

void signals_block(sigset_t *old)
{
    sigset_t set;
    handled_set(&set);
    pthread_sigmask(SIG_BLOCK, &set, old);
}

void signals_unblock(const sigset_t *old)
{
    pthread_sigmask(SIG_SETMASK, old, NULL);
}

void signals_suspend(void)
{
    struct sigaction dfl, mine;
    memset(&dfl, 0, sizeof dfl);
    dfl.sa_handler = SIG_DFL;
    sigemptyset(&dfl.sa_mask);
    sigaction(SIGTSTP, &dfl, &mine);
    sigset_t set, old;
    sigemptyset(&set);
    sigaddset(&set, SIGTSTP);
    pthread_sigmask(SIG_UNBLOCK, &set, &old);
    kill(getpid(), SIGTSTP); /* stops here (unless the process group is orphaned) */
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    sigaction(SIGTSTP, &mine, NULL);
}

/* ---- crashes ---- */

static int fatal_fd = -1;
static char fatal_reset[256];
static size_t fatal_len;
static struct termios fatal_tio;
static bool fatal_has_tio;
static struct sigaction fatal_saved[N_CRASHES];
static bool fatal_mine[N_CRASHES];

static void on_crash(int sig)
{
    if (fatal_fd >= 0) {
        ssize_t r = write(fatal_fd, fatal_reset, fatal_len);
        (void)r;
        if (fatal_has_tio)
            tcsetattr(fatal_fd, TCSANOW, &fatal_tio);
    }
    signal(sig, SIG_DFL);
    raise(sig);
}

void signals_fatal_reset(int fd, const char *reset, const struct termios *tio)
{
    fatal_fd = fd;
    fatal_len = strlen(reset);
    if (fatal_len >= sizeof fatal_reset)
        fatal_len = sizeof fatal_reset - 1;
    memcpy(fatal_reset, reset, fatal_len);
    fatal_has_tio = tio != NULL;
    if (tio)
        fatal_tio = *tio;
    for (size_t i = 0; i < N_CRASHES; i++) {
        struct sigaction cur;
        sigaction(crashes[i], NULL, &cur);
        fatal_mine[i] = !(cur.sa_flags & SA_SIGINFO) && cur.sa_handler == SIG_DFL;
        if (!fatal_mine[i])
            continue; /* a sanitizer or a debugger's: leave it */
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_crash;
        sigemptyset(&sa.sa_mask);
        sa.sa_flags = SA_RESETHAND;
        sigaction(crashes[i], &sa, &fatal_saved[i]);
    }
}

void signals_fatal_clear(void)
{
    for (size_t i = 0; i < N_CRASHES; i++)
        if (fatal_mine[i])
            sigaction(crashes[i], &fatal_saved[i], NULL);
    memset(fatal_mine, 0, sizeof fatal_mine);
    fatal_fd = -1;
}
