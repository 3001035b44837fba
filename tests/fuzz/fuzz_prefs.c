/* libFuzzer target: sesame.conf (ui/prefs.c). The input is parsed with
 * prefs_parse (and loaded from a file with prefs_load), then the sort line
 * is rewritten with prefs_rewrite_sort.
 *
 * Checks: the count returned is the number of errors, at most
 * PREFS_MAX_ERRORS are kept and each is "file:line: message"; the values
 * stay in range (refresh-interval 0 or 5..86400, a known sort column);
 * loading the same text from a file gives the same preferences; after
 * prefs_rewrite_sort(text, COLUMN, desc), parsing gives exactly that sort
 * and the other settings unchanged. */
#include "fuzz_common.h"

#include "keymap.h"
#include "columns.h"
#include "prefs.h"
#include "util.h"

static char conf_path[512];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    snprintf(conf_path, sizeof conf_path, "%s/" PREFS_FILE, fz_make_dir("prefs"));
    return 0;
}

static void check_prefs(const struct prefs *p, size_t n, const char *file)
{
    FZ_ASSERT(p->n_errors_total == n, "prefs_parse returns the number of errors");
    FZ_ASSERT(p->n_errors <= PREFS_MAX_ERRORS, "at most PREFS_MAX_ERRORS kept");
    FZ_ASSERT(p->n_errors == (n < PREFS_MAX_ERRORS ? n : PREFS_MAX_ERRORS),
              "the first errors are kept");
    for (size_t i = 0; i < p->n_errors; i++) {
        FZ_ASSERT(p->errors[i], "an error has a message");
        FZ_ASSERT(strncmp(p->errors[i], file, strlen(file)) == 0 &&
                      p->errors[i][strlen(file)] == ':',
                  "an error is file:line: message");
    }
    FZ_ASSERT(p->refresh_interval == 0 ||
                  (p->refresh_interval >= 5 && p->refresh_interval <= 86400),
              "refresh-interval is 0 or 5..86400");
    FZ_ASSERT(!p->sort_column || prefs_sort_column_valid(p->sort_column), "a known sort column");
}

static bool same_settings(const struct prefs *a, const struct prefs *b)
{
    return fz_str_eq(a->theme, b->theme) && a->refresh_interval == b->refresh_interval &&
           a->read_only == b->read_only && a->mouse == b->mouse;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    unsigned pick = data[0];
    char *text = fz_cstr(data + 1, size - 1);

    struct prefs p;
    struct keymap km;
    prefs_init(&p);
    keymap_init(&km);
    size_t n = prefs_parse(&p, &km, text, "fuzz.conf");
    check_prefs(&p, n, "fuzz.conf");

    /* the same from a file */
    fz_write_file(PREFS_FILE, (const uint8_t *)text, strlen(text));
    struct prefs f;
    struct keymap fkm;
    prefs_init(&f);
    keymap_init(&fkm);
    size_t fn = prefs_load(&f, &fkm, conf_path);
    check_prefs(&f, fn, conf_path);
    FZ_ASSERT(fn == n, "prefs_load finds the errors prefs_parse finds");
    FZ_ASSERT(same_settings(&p, &f) && fz_str_eq(p.sort_column, f.sort_column) &&
                  p.sort_desc == f.sort_desc,
              "prefs_load gives what prefs_parse gives");
    FZ_ASSERT(fkm.n == km.n && memcmp(fkm.bind, km.bind, km.n * sizeof km.bind[0]) == 0,
              "prefs_load binds what prefs_parse binds");
    prefs_free(&f);

    /* the sort written back */
    const char *column = column_def((enum column_id)((pick >> 1) % COLUMN_COUNT))->name;
    bool desc = pick & 1;
    char *next = prefs_rewrite_sort(text, column, desc);
    struct prefs r;
    prefs_init(&r);
    prefs_parse(&r, NULL, next, "rewritten.conf");
    if (!fz_str_eq(r.sort_column, column) || r.sort_desc != desc)
        fz_fail("after prefs_rewrite_sort(%s%s) the sort is %s%s", column, desc ? " desc" : "",
                r.sort_column ? r.sort_column : "(none)", r.sort_desc ? " desc" : "");
    if (!same_settings(&p, &r))
        fz_fail("prefs_rewrite_sort changed another setting");
    prefs_free(&r);
    free(next);

    prefs_free(&p);
    free(text);
    return 0;
}
