/* Signals while curses is active. Every signal that matters goes to a
 * self-pipe, read by the UI loop: SIGINT, SIGTERM, SIGHUP, SIGQUIT end the
 * loop (the terminal is restored by endwin); SIGTSTP suspends; SIGCONT and
 * SIGWINCH redraw. Crash signals (when nothing else, like a sanitizer,
 * handles them) reset the terminal before the process dies. */
#ifndef SESAME_SIGNALS_H
#define SESAME_SIGNALS_H

#include <signal.h>
#include <stdbool.h>

enum sig_flags {
    SIGF_QUIT = 1u << 0,   /* *quit_signo says which */
    SIGF_TSTP = 1u << 1,
    SIGF_CONT = 1u << 2,
    SIGF_WINCH = 1u << 3,
};

/* Install the handlers; returns the read end of the self-pipe, or -1. */
int signals_install(void);
/* Put the previous handlers back and close the pipe. */
void signals_restore(void);
/* Drain the pipe: enum sig_flags of what arrived. */
unsigned signals_read(int *quit_signo);

/* Block the handled signals in this thread and in every thread it starts
 * until signals_unblock (so only the UI thread gets them). */
void signals_block(sigset_t *old);
void signals_unblock(const sigset_t *old);

/* Stop the process as the default SIGTSTP would (after endwin); returns
 * when it is continued. */
void signals_suspend(void);

/* On a crash signal, write reset (a terminal reset string) to fd and put
 * back termios tio before dying; only for signals nobody else handles. */
struct termios;
void signals_fatal_reset(int fd, const char *reset, const struct termios *tio);
void signals_fatal_clear(void);

#endif
