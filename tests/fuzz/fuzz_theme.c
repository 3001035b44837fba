/* libFuzzer target: theme files (ui/theme.c). The input is parsed as theme
 * text on top of the default theme, and loaded from a file by path.
 *
 * Checks: an error is "file:line: message" and only with rc -1; every style
 * keeps colours in -1..255 and known attribute bits; loading the same text
 * from a file gives the same theme; theme_resolve gives colours the
 * terminal has for every role and every kind of terminal. */
#include "fuzz_common.h"

#include "theme.h"
#include "util.h"

#define ALL_ATTRS (TA_BOLD | TA_UNDERLINE | TA_REVERSE | TA_DIM | TA_ITALIC | TA_STANDOUT)

static char theme_path[512];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    snprintf(theme_path, sizeof theme_path, "%s/fuzz.theme", fz_make_dir("theme"));
    return 0;
}

static void check_theme(const struct theme *t)
{
    for (int r = 0; r < ROLE_COUNT; r++) {
        const struct theme_style *s = &t->style[r];
        FZ_ASSERT(s->fg >= -1 && s->fg <= 255, "foreground in -1..255");
        FZ_ASSERT(s->bg >= -1 && s->bg <= 255, "background in -1..255");
        FZ_ASSERT((s->attrs & ~(unsigned)ALL_ATTRS) == 0, "known attribute bits");
    }
}

static void check_resolve(const struct theme *t)
{
    static const struct theme_caps caps[] = {
        {0, false}, {8, false}, {8, true}, {16, true}, {88, true}, {256, true}, {256, false},
    };
    for (size_t c = 0; c < sizeof caps / sizeof caps[0]; c++) {
        for (int r = 0; r < ROLE_COUNT; r++) {
            int fg = 99999, bg = 99999;
            unsigned attrs = 0;
            theme_resolve(&t->style[r], &caps[c], &fg, &bg, &attrs);
            int colors = caps[c].colors;
            if (colors == 0) {
                FZ_ASSERT(fg == -1 && bg == -1, "no colour: the defaults");
                continue;
            }
            if (!caps[c].default_colors)
                FZ_ASSERT(fg >= 0 && bg >= 0, "no default colour where the terminal has none");
            if (!(fg >= -1 && fg < colors) || !(bg >= -1 && bg < colors))
                fz_fail("theme_resolve: role %s %d/%d on %d colours gave %d/%d",
                        role_name((enum role)r), t->style[r].fg, t->style[r].bg, colors, fg,
                        bg);
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fz_cstr(data, size);
    struct theme t;
    theme_init(&t);
    char *error = NULL;
    int rc = theme_parse(&t, text, "fuzz.theme", &error);
    if (rc != 0) {
        FZ_ASSERT(rc == -1, "theme_parse returns 0 or -1");
        FZ_ASSERT(error && strncmp(error, "fuzz.theme:", 11) == 0,
                  "the error is file:line: message");
    } else {
        FZ_ASSERT(!error, "no error when it worked");
    }
    free(error);
    check_theme(&t);
    check_resolve(&t);

    /* the same text from a file, by path */
    fz_write_file("fuzz.theme", (const uint8_t *)text, strlen(text));
    struct theme f;
    theme_init(&f);
    error = NULL;
    int frc = theme_load(&f, theme_path, NULL, 0, &error);
    FZ_ASSERT((frc == 0) == (rc == 0), "theme_load agrees with theme_parse");
    FZ_ASSERT((frc == 0) == (error == NULL), "theme_load sets an error when it fails");
    if (frc == 0)
        FZ_ASSERT(memcmp(f.style, t.style, sizeof f.style) == 0,
                  "theme_load gives the theme theme_parse gave");
    free(error);
    theme_free(&f);
    theme_free(&t);
    free(text);
    return 0;
}
