/* Themes: parse role = colours lines, find theme files, turn styles into
 * curses colour pairs for what the terminal can show. */
#include "theme.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "textfile.h"
#include "util.h"

#ifndef SESAME_DATADIR
#define SESAME_DATADIR "/usr/local/share/sesame"
#endif

static const char *const role_names[ROLE_COUNT] = {
#define THEME_ROLE_NAME(e, name, help) [e] = name,
    THEME_ROLES(THEME_ROLE_NAME)
#undef THEME_ROLE_NAME
};

static const char *const role_helps[ROLE_COUNT] = {
#define THEME_ROLE_HELP(e, name, help) [e] = help,
    THEME_ROLES(THEME_ROLE_HELP)
#undef THEME_ROLE_HELP
};

/* Copies of themes/default.theme and themes/mono.theme, so that sesame
 * draws properly when it is not installed (test_theme checks they agree). */
static const char builtin_default[] =
    "default     = default      default\n"
    "title       = black        cyan     bold\n"
    "pane-title  = cyan         default  bold\n"
    "pane-idle   = default      default\n"
    "header      = default      default  bold underline\n"
    "selected    = black        cyan\n"
    "selected-idle = black      white\n"
    "marked      = yellow       default  bold\n"
    "status-bar  = black        white\n"
    "status-key  = blue         white    bold\n"
    "message     = default      default\n"
    "error       = red          default  bold\n"
    "warning     = yellow       default  bold\n"
    "ok          = green        default\n"
    "active      = green        default\n"
    "expiring    = yellow       default  bold\n"
    "expired     = bright-black default\n"
    "revoked     = red          default\n"
    "pending     = cyan         default\n"
    "dim         = bright-black default\n"
    "key         = cyan         default  bold\n"
    "spinner     = cyan         default  bold\n"
    "border      = blue         default\n"
    "input       = default      default  underline\n"
    "masked      = bright-black default\n"
    "match       = yellow       default  bold underline\n"
    "cell        = black        yellow   bold\n"
    "flag        = magenta      default  bold\n"
    "production  = bright-white red      bold\n";

static const char builtin_mono[] =
    "default     = default default\n"
    "title       = default default reverse bold\n"
    "pane-title  = default default bold\n"
    "pane-idle   = default default\n"
    "header      = default default bold underline\n"
    "selected    = default default reverse\n"
    "selected-idle = default default underline\n"
    "marked      = default default bold underline\n"
    "status-bar  = default default reverse\n"
    "status-key  = default default reverse bold\n"
    "message     = default default\n"
    "error       = default default bold\n"
    "warning     = default default bold\n"
    "ok          = default default\n"
    "active      = default default\n"
    "expiring    = default default bold\n"
    "expired     = default default dim\n"
    "revoked     = default default dim underline\n"
    "pending     = default default underline\n"
    "dim         = default default dim\n"
    "key         = default default bold\n"
    "spinner     = default default bold\n"
    "border      = default default dim\n"
    "input       = default default underline\n"
    "masked      = default default dim\n"
    "match       = default default bold underline\n"
    "cell        = default default bold underline\n"
    "flag        = default default bold italic\n"
    "production  = default default reverse bold\n";

const char *role_name(enum role r)
{
    return (unsigned)r < ROLE_COUNT ? role_names[r] : "?";
}

const char *role_help(enum role r)
{
    return (unsigned)r < ROLE_COUNT ? role_helps[r] : "?";
}

int role_parse(const char *name)
{
    for (int i = 0; i < ROLE_COUNT; i++)
        if (strcmp(name, role_names[i]) == 0)
            return i;
    return -1;
}

static const char *const color_names[8] = {
    "black", "red", "green", "yellow", "blue", "magenta", "cyan", "white",
};

int theme_color_parse(const char *s)
{
    if (strcmp(s, "default") == 0)
        return THEME_COLOR_DEFAULT;
    if (strcmp(s, "gray") == 0 || strcmp(s, "grey") == 0)
        return 8;
    if (*s >= '0' && *s <= '9') {
        char *end;
        long v = strtol(s, &end, 10);
        return (*end || v > 255 || end - s > 3) ? -2 : (int)v;
    }
    int base = 0;
    if (strncmp(s, "bright-", 7) == 0) {
        base = 8;
        s += 7;
    }
    for (int i = 0; i < 8; i++)
        if (strcmp(s, color_names[i]) == 0)
            return base + i;
    return -2;
}

static const struct {
    const char *name;
    unsigned bit;
} attr_names[] = {
    {"bold", TA_BOLD},   {"underline", TA_UNDERLINE}, {"reverse", TA_REVERSE},
    {"dim", TA_DIM},     {"italic", TA_ITALIC},       {"standout", TA_STANDOUT},
    {"normal", 0},
};

static int attr_parse(const char *s, unsigned *bits)
{
    for (size_t i = 0; i < ARRAY_LEN(attr_names); i++) {
        if (strcmp(s, attr_names[i].name) == 0) {
            *bits |= attr_names[i].bit;
            return 0;
        }
    }
    return -1;
}

void theme_init(struct theme *t)
{
    memset(t, 0, sizeof *t);
    for (int i = 0; i < ROLE_COUNT; i++)
        t->style[i] = (struct theme_style){THEME_COLOR_DEFAULT, THEME_COLOR_DEFAULT, 0};
    char *err = NULL;
    if (theme_parse(t, builtin_default, "(built-in default)", &err) != 0)
        abort(); /* the built-in theme is checked by test_theme */
    t->name = xstrdup("default");
}

void theme_free(struct theme *t)
{
    free(t->name);
    t->name = NULL;
}

/* One "role = fg bg attrs..." line (already without its comment). */
static char *parse_line(struct theme *t, char *line)
{
    char *eq = strchr(line, '=');
    if (!eq)
        return xstrdup("expected 'role = foreground background [attributes]'");
    *eq = '\0';
    char *lhs[2], *rhs[10];
    size_t nl = textfile_split(line, lhs, 2);
    size_t nr = textfile_split(eq + 1, rhs, ARRAY_LEN(rhs));
    if (nl != 1)
        return xstrdup("expected one role name before '='");
    int role = role_parse(lhs[0]);
    if (role < 0)
        return xasprintf("unknown role '%s'", lhs[0]);
    if (nr < 1)
        return xasprintf("no colours for '%s'", lhs[0]);
    if (nr > ARRAY_LEN(rhs))
        return xstrdup("too many words");
    struct theme_style st = {THEME_COLOR_DEFAULT, THEME_COLOR_DEFAULT, 0};
    size_t i = 0;
    int colors[2] = {THEME_COLOR_DEFAULT, THEME_COLOR_DEFAULT};
    for (int c = 0; c < 2 && i < nr; c++) {
        int v = theme_color_parse(rhs[i]);
        if (v == -2) {
            if (c == 0 || attr_parse(rhs[i], &(unsigned){0}) != 0)
                return xasprintf("unknown colour '%s'", rhs[i]);
            break; /* "fg attrs...": background left default */
        }
        colors[c] = v;
        i++;
    }
    for (; i < nr; i++)
        if (attr_parse(rhs[i], &st.attrs) != 0)
            return xasprintf("unknown attribute '%s' (bold, underline, reverse, dim, italic, "
                             "standout)", rhs[i]);
    st.fg = colors[0];
    st.bg = colors[1];
    t->style[role] = st;
    return NULL;
}

int theme_parse(struct theme *t, const char *text, const char *file, char **error)
{
    char *copy = xstrdup(text), *cur = copy, *line;
    int lineno = 0, rc = 0;
    *error = NULL;
    while ((line = textfile_next_line(&cur))) {
        lineno++;
        char *probe[1];
        char *tmp = xstrdup(line);
        size_t words = textfile_split(tmp, probe, 1);
        free(tmp);
        if (words == 0)
            continue;
        /* cut a trailing comment: a '#' that starts a word */
        for (char *p = line; *p; p++) {
            if (*p == '#' && (p == line || p[-1] == ' ' || p[-1] == '\t')) {
                *p = '\0';
                break;
            }
        }
        char *msg = parse_line(t, line);
        if (msg) {
            *error = xasprintf("%s:%d: %s", file, lineno, msg);
            free(msg);
            rc = -1;
            break;
        }
    }
    free(copy);
    return rc;
}

const char *theme_builtin(const char *name)
{
    if (strcmp(name, "default") == 0)
        return builtin_default;
    if (strcmp(name, "mono") == 0)
        return builtin_mono;
    return NULL;
}

/* "<directory of the running binary>/themes", or NULL: a build tree finds
 * its themes next to its sesame wherever it is started from, while the
 * current directory (once searched here) is not trusted: any project with
 * a themes/default.theme of its own changed sesame's look, or broke it. */
static char *themes_beside_binary(void)
{
    char exe[4096];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0)
        return NULL;
    exe[n] = '\0';
    char *slash = strrchr(exe, '/');
    if (!slash)
        return NULL;
    *slash = '\0';
    return xasprintf("%s/themes", exe);
}

size_t theme_dirs(const char *config_dir, char *dirs[4])
{
    size_t n = 0;
    const char *env = getenv("SESAME_THEME_DIR");
    if (!str_empty(env))
        dirs[n++] = xstrdup(env);
    char *beside = themes_beside_binary();
    if (beside)
        dirs[n++] = beside;
    if (!str_empty(config_dir))
        dirs[n++] = xasprintf("%s/themes", config_dir);
    dirs[n++] = xstrdup(SESAME_DATADIR "/themes");
    return n;
}

void theme_dirs_free(char *dirs[4], size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(dirs[i]);
}

static int is_path(const char *s)
{
    size_t n = strlen(s);
    return strchr(s, '/') || (n > 6 && strcmp(s + n - 6, ".theme") == 0);
}

static int valid_name(const char *s)
{
    if (!*s)
        return 0;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
              *s == '-' || *s == '_' || *s == '.'))
            return 0;
    return 1;
}

static int load_file(struct theme *t, const char *path, const char *name, char **error)
{
    char *text = textfile_read(path, 0, error);
    if (!text)
        return -1;
    struct theme fresh;
    theme_init(&fresh);
    int rc = theme_parse(&fresh, text, path, error);
    free(text);
    if (rc != 0) {
        theme_free(&fresh);
        return -1;
    }
    free(fresh.name);
    fresh.name = xstrdup(name);
    theme_free(t);
    *t = fresh;
    return 0;
}

int theme_load(struct theme *t, const char *name, char *const *dirs, size_t n_dirs,
               char **error)
{
    *error = NULL;
    if (is_path(name))
        return load_file(t, name, name, error);
    if (!valid_name(name)) {
        *error = xasprintf("theme name '%s': use letters, digits, '-' and '_'", name);
        return -1;
    }
    for (size_t i = 0; i < n_dirs; i++) {
        char *path = xasprintf("%s/%s.theme", dirs[i], name);
        char *probe_err = NULL;
        char *text = textfile_read(path, 1, &probe_err);
        if (!text && !probe_err) { /* not in this directory */
            free(path);
            continue;
        }
        free(text);
        free(probe_err);
        int rc = load_file(t, path, name, error);
        free(path);
        return rc;
    }
    const char *builtin = theme_builtin(name);
    if (builtin) {
        struct theme fresh;
        theme_init(&fresh);
        if (theme_parse(&fresh, builtin, name, error) != 0)
            abort();
        free(fresh.name);
        fresh.name = xstrdup(name);
        theme_free(t);
        *t = fresh;
        return 0;
    }
    size_t len = 0;
    for (size_t i = 0; i < n_dirs; i++)
        len += strlen(dirs[i]) + 2;
    char *where = xcalloc(1, len + 1);
    for (size_t i = 0; i < n_dirs; i++) {
        if (i)
            strcat(where, ", ");
        strcat(where, dirs[i]);
    }
    *error = xasprintf("theme '%s' not found (looked for %s.theme in %s)", name, name, where);
    free(where);
    return -1;
}

/* ---- what a terminal can show ---- */

static const unsigned char xterm16[16][3] = {
    {0, 0, 0},       {205, 0, 0},     {0, 205, 0},     {205, 205, 0},
    {0, 0, 238},     {205, 0, 205},   {0, 205, 205},   {229, 229, 229},
    {127, 127, 127}, {255, 0, 0},     {0, 255, 0},     {255, 255, 0},
    {92, 92, 255},   {255, 0, 255},   {0, 255, 255},   {255, 255, 255},
};

static void color256_rgb(int c, int rgb[3])
{
    static const int level[6] = {0, 95, 135, 175, 215, 255};
    if (c < 16) {
        for (int i = 0; i < 3; i++)
            rgb[i] = xterm16[c][i];
    } else if (c < 232) {
        c -= 16;
        rgb[0] = level[c / 36];
        rgb[1] = level[c / 6 % 6];
        rgb[2] = level[c % 6];
    } else {
        rgb[0] = rgb[1] = rgb[2] = 8 + 10 * (c - 232);
    }
}

/* The nearest of the 16 basic colours to a 256-colour index. */
static int nearest16(int c)
{
    if (c < 16)
        return c;
    int rgb[3], best = 0;
    long best_d = -1;
    color256_rgb(c, rgb);
    for (int i = 0; i < 16; i++) {
        long d = 0;
        for (int k = 0; k < 3; k++) {
            long e = rgb[k] - xterm16[i][k];
            d += e * e;
        }
        if (best_d < 0 || d < best_d) {
            best_d = d;
            best = i;
        }
    }
    return best;
}

void theme_resolve(const struct theme_style *s, const struct theme_caps *caps, int *fg,
                   int *bg, unsigned *attrs)
{
    int f = s->fg, b = s->bg;
    unsigned a = s->attrs;
    if (caps->colors < 8) {
        *fg = *bg = THEME_COLOR_DEFAULT;
        *attrs = a;
        return;
    }
    if (caps->colors < 256) {
        if (f > 15)
            f = nearest16(f);
        if (b > 15)
            b = nearest16(b);
    }
    if (caps->colors < 16) {
        if (f == 8) { /* bright black: a dim default where possible */
            f = caps->default_colors ? THEME_COLOR_DEFAULT : 7;
            a |= TA_DIM;
        } else if (f > 7) {
            f -= 8;
            a |= TA_BOLD;
        }
        if (b > 7)
            b -= 8;
    }
    if (!caps->default_colors) {
        if (f == THEME_COLOR_DEFAULT)
            f = 7;
        if (b == THEME_COLOR_DEFAULT)
            b = 0;
    }
    *fg = f;
    *bg = b;
    *attrs = a;
}

/* ---- curses ---- */

static attr_t role_attrs[ROLE_COUNT];

static attr_t curses_attrs(unsigned a)
{
    attr_t r = A_NORMAL;
    if (a & TA_BOLD)
        r |= A_BOLD;
    if (a & TA_UNDERLINE)
        r |= A_UNDERLINE;
    if (a & TA_REVERSE)
        r |= A_REVERSE;
    if (a & TA_DIM)
        r |= A_DIM;
    if (a & TA_ITALIC)
        r |= A_ITALIC;
    if (a & TA_STANDOUT)
        r |= A_STANDOUT;
    return r;
}

void theme_apply(const struct theme *t, const struct theme_caps *caps)
{
    for (int i = 0; i < ROLE_COUNT; i++) {
        int fg, bg;
        unsigned a;
        theme_resolve(&t->style[i], caps, &fg, &bg, &a);
        attr_t attr = curses_attrs(a);
        int pair = i + 1;
        if (caps->colors >= 8 && pair < COLOR_PAIRS &&
            !(fg == THEME_COLOR_DEFAULT && bg == THEME_COLOR_DEFAULT) &&
            init_pair((short)pair, (short)fg, (short)bg) == OK)
            attr |= COLOR_PAIR(pair);
        role_attrs[i] = attr;
    }
}

attr_t theme_attr(enum role r)
{
    return (unsigned)r < ROLE_COUNT ? role_attrs[r] : A_NORMAL;
}
