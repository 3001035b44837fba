/* The terminal: curses on and off, the layout of the screen (title, panes,
 * status bar, message line) and drawing it all when something changed. */
#include "app.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <term.h>
#include <unistd.h>

#include "draw.h"
#include "signals.h"
#include "util.h"

static SCREEN *scr;
static bool active;       /* curses owns the terminal (not ended, not suspended) */
static mmask_t mouse_mask;

bool screen_active(void)
{
    return active;
}

static void at_exit(void)
{
    if (active) { /* someone called exit() with curses on: still leave it tidy */
        endwin();
        active = false;
    }
}

static void append_cap(char *buf, size_t bufsz, const char *cap)
{
    char *s = tigetstr((char *)cap);
    if (s && s != (char *)-1 && strlen(buf) + strlen(s) < bufsz)
        strcat(buf, s);
}

/* What a crash handler writes to give the terminal back. */
static struct termios saved_tio;
static bool have_tio;

static void arm_crash_reset(void)
{
    static char reset[256];
    reset[0] = '\0';
    if (mouse_mask)
        strcat(reset, "\033[?1000l\033[?1002l\033[?1006l");
    append_cap(reset, sizeof reset, "sgr0");
    append_cap(reset, sizeof reset, "rmkx");
    append_cap(reset, sizeof reset, "cnorm");
    append_cap(reset, sizeof reset, "rmcup");
    signals_fatal_reset(STDOUT_FILENO, reset, have_tio ? &saved_tio : NULL);
}

static void enable_mouse(struct app *app)
{
    mouse_mask = 0;
    if (!app->mouse)
        return;
    mmask_t want = BUTTON1_PRESSED | BUTTON1_CLICKED | BUTTON4_PRESSED;
#ifdef BUTTON5_PRESSED
    want |= BUTTON5_PRESSED;
#endif
    mouseinterval(0); /* no waiting to tell a click from a double click */
    mouse_mask = mousemask(want, NULL);
}

static struct theme_caps caps; /* what the terminal can show, found at start */

static void apply_theme(struct app *app, bool no_color)
{
    caps = (struct theme_caps){0, false};
    if (!no_color && has_colors() && start_color() == OK) {
        caps.colors = COLORS;
        caps.default_colors = use_default_colors() == OK;
    }
    if (caps.colors < 8 && strcmp(app->theme.name, "mono") != 0) {
        char *err = NULL; /* no colour here: the attributes-only theme reads best */
        if (theme_load(&app->theme, "mono", app->theme_dirs, app->n_theme_dirs, &err) != 0)
            free(err);
    }
    theme_apply(&app->theme, &caps);
    bkgdset(' ' | theme_attr(C_DEFAULT));
}

char *screen_unusable(void)
{
    const char *term = getenv("TERM");
    int err = 0;
    if (str_empty(term) || setupterm((char *)term, STDOUT_FILENO, &err) != OK)
        return xasprintf("the terminal type '%s' is unknown here (set TERM, e.g. "
                         "TERM=xterm-256color)", term ? term : "");
    const char *cup = tigetstr("cup");
    bool moves = cup && cup != (char *)-1;
    del_curterm(cur_term);
    if (moves)
        return NULL;
    return xasprintf("the terminal type '%s' cannot move the cursor, which the dashboard "
                     "needs (set TERM, e.g. TERM=xterm-256color)", term);
}

int screen_open(struct app *app, bool no_color, char **error)
{
    static bool registered;
    const char *term = getenv("TERM");
    have_tio = tcgetattr(STDIN_FILENO, &saved_tio) == 0;
    scr = newterm(NULL, stdout, stdin);
    if (!scr) {
        *error = xasprintf("cannot drive the terminal type '%s' (set TERM)", term ? term : "");
        return -1;
    }
    set_term(scr);
    active = true;
    if (!registered) {
        atexit(at_exit);
        registered = true;
    }
    cbreak();
    noecho();
    nonl();
    intrflush(stdscr, FALSE);
    keypad(stdscr, TRUE);
    nodelay(stdscr, TRUE);
    set_escdelay(25);
    curs_set(0);
    apply_theme(app, no_color);
    enable_mouse(app);
    arm_crash_reset();
    getmaxyx(stdscr, app->rows, app->cols);
    screen_layout(app);
    app->dirty = true;
    return 0;
}

void screen_close(void)
{
    if (!scr)
        return;
    if (!isendwin())
        endwin();
    active = false;
    signals_fatal_clear();
    delscreen(scr);
    scr = NULL;
}

void screen_suspend(void)
{
    if (scr && !isendwin())
        endwin();
    active = false;
}

void screen_sync_size(struct app *app)
{
    getmaxyx(stdscr, app->rows, app->cols);
    screen_layout(app);
    app->dirty = true;
}

void screen_resized(struct app *app)
{
    struct winsize ws;
    /* resizeterm queues a KEY_RESIZE, which only syncs (never resizes again) */
    if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 && ws.ws_col > 0)
        resizeterm(ws.ws_row, ws.ws_col);
    screen_sync_size(app);
}

void screen_resume(struct app *app)
{
    active = true;
    reset_prog_mode(); /* the shell may have changed the tty modes meanwhile */
    clearok(curscr, TRUE); /* what is on the screen now is anybody's guess */
    curs_set(0);
    if (mouse_mask)
        mousemask(mouse_mask, NULL);
    screen_resized(app);
}

int screen_theme(struct app *app, const char *name, char **error)
{
    struct theme t;
    theme_init(&t);
    if (theme_load(&t, name, app->theme_dirs, app->n_theme_dirs, error) != 0) {
        theme_free(&t);
        return -1;
    }
    theme_free(&app->theme);
    app->theme = t;
    if (active) {
        theme_apply(&app->theme, &caps);
        bkgdset(' ' | theme_attr(C_DEFAULT));
        clearok(curscr, TRUE);
    }
    app->dirty = true;
    return 0;
}

bool screen_too_small(const struct app *app)
{
    return app->rows < APP_MIN_ROWS || app->cols < APP_MIN_COLS;
}

/* Rows 1 .. rows-3 belong to the panes: those that want few rows get
 * them (at most half when there are others), the last takes the rest. */
void screen_layout(struct app *app)
{
    int top = 1, left = app->rows - 3;
    if (left < 0)
        left = 0;
    for (size_t i = 0; i < app->n_panes; i++) {
        struct view *v = app->panes[i];
        int h = left;
        if (i + 1 < app->n_panes) {
            int want = v->ops->want_rows ? v->ops->want_rows(v, app) : 0;
            int cap = left / 2;
            h = want > 0 && want < cap ? want : cap;
        }
        v->area = (struct rect){top, 0, h, app->cols};
        top += h;
        left -= h;
    }
    if (app->overlay)
        app->overlay->area = (struct rect){1, 0, app->rows - 3 > 0 ? app->rows - 3 : 0, app->cols};
}

static void draw_title(struct app *app)
{
    int w = app->cols;
    draw_fill(0, 0, w, C_TITLE);
    size_t n_sess = app->store.sessions.n;
    char *what = xasprintf(" sesame  %zu account%s, %zu session%s", app->store.n_acc,
                           app->store.n_acc == 1 ? "" : "s", n_sess, n_sess == 1 ? "" : "s");
    const char *right = app->read_only && app->redact ? "screen-share  read-only "
                        : app->read_only                ? "read-only "
                        : app->redact                   ? "screen-share "
                                                        : "";
    int rw = text_width(right);
    draw_part(0, 0, w - rw - 1, what, C_TITLE);
    if (rw)
        draw_part(0, w - rw, w, right, C_TITLE);
    free(what);
}

static void draw_too_small(struct app *app)
{
    int mid = app->rows / 2;
    char *need = xasprintf("terminal too small (need %dx%d)", APP_MIN_COLS, APP_MIN_ROWS);
    char *now = xasprintf("now %dx%d, q quits", app->cols, app->rows);
    draw_text(mid > 0 ? mid - 1 : 0, 0, app->cols, need, C_ERROR, ALIGN_CENTER);
    if (mid < app->rows)
        draw_text(mid, 0, app->cols, now, C_DIM, ALIGN_CENTER);
    free(need);
    free(now);
}

void screen_draw(struct app *app)
{
    if (!active)
        return;
    erase();
    if (screen_too_small(app)) {
        draw_too_small(app);
    } else {
        draw_title(app);
        for (size_t i = 0; i < app->n_panes; i++) {
            struct view *v = app->panes[i];
            v->focused = !app->overlay && i == app->focus;
            if (v->area.h > 0)
                v->ops->draw(v, app);
        }
        if (app->overlay && app->overlay->area.h > 0)
            app->overlay->ops->draw(app->overlay, app);
        statusbar_draw(app, app->rows - 2);
        message_draw(app, app->rows - 1);
    }
    refresh();
}

void screen_tick(struct app *app)
{
    if (!active)
        return;
    /* an overlay covers the panes: drawing their rows would show through */
    if (app->overlay || screen_too_small(app)) {
        screen_draw(app);
        return;
    }
    int64_t wall = now_ms();
    for (size_t i = 0; i < app->n_panes; i++) {
        struct view *v = app->panes[i];
        if (v->area.h <= 0 || !v->ops->next_tick)
            continue;
        int64_t t = v->ops->next_tick(v, app, wall);
        if (t < 0 || t > wall)
            continue;
        if (!v->ops->tick) {
            screen_draw(app);
            return;
        }
        v->ops->tick(v, app);
    }
    refresh();
}
