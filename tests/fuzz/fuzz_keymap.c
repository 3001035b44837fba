/* libFuzzer target: key names and `bind KEY ACTION` lines (ui/keymap.c).
 * Every line of the input goes to keymap_bind_line on the default keymap,
 * and its words to keycode_parse.
 *
 * Checks: an error is "file:line: message" and only with rc -1; the keymap
 * stays consistent (at most KEYMAP_MAX bindings, no key twice, known
 * actions, lookup finds each); every key that parses has a name that
 * parses back to it and is safe on a terminal (it is drawn in the help
 * overlay and the status bar); keymap_keys_text always ends its string in
 * the buffer and never leaves a cut UTF-8 sequence. */
#include "fuzz_common.h"

#include "keymap.h"
#include "textfile.h"
#include "util.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    return 0;
}

static void check_key(keycode k, const char *from)
{
    char name[32];
    keycode_name(k, name, sizeof name);
    FZ_ASSERT(memchr(name, '\0', sizeof name), "keycode_name terminates its string");
    const char *why = fz_text_problem(name);
    if (why) {
        char *shown = g_strescape(from, NULL);
        fz_fail("key \"%s\" (0x%x) has a name holding %s", shown, (unsigned)k, why);
    }
    keycode back = keycode_parse(name);
    if (back != k) {
        char *shown = g_strescape(from, NULL);
        fz_fail("key \"%s\" (0x%x) is named \"%s\", which parses as 0x%x", shown, (unsigned)k,
                name, (unsigned)back);
    }
}

static void check_keymap(const struct keymap *km)
{
    FZ_ASSERT(km->n <= KEYMAP_MAX, "at most KEYMAP_MAX bindings");
    for (size_t i = 0; i < km->n; i++) {
        FZ_ASSERT(km->bind[i].action > ACT_NONE && km->bind[i].action < ACT_COUNT,
                  "a binding has a known action");
        FZ_ASSERT(km->bind[i].key != 0, "a binding has a key");
        for (size_t j = 0; j < i; j++)
            FZ_ASSERT(km->bind[j].key != km->bind[i].key, "no key bound twice");
        FZ_ASSERT(keymap_lookup(km, km->bind[i].key) == km->bind[i].action,
                  "lookup finds the binding");
        check_key(km->bind[i].key, "(bound)");
    }
    static const size_t sizes[] = {1, 2, 5, 8, 13, 96};
    for (int a = 1; a < ACT_COUNT; a++) {
        for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
            char buf[96];
            memset(buf, 'x', sizeof buf);
            keymap_keys_text(km, (enum action)a, buf, sizes[s]);
            FZ_ASSERT(memchr(buf, '\0', sizes[s]), "keymap_keys_text ends the string in the buffer");
            if (!g_utf8_validate(buf, -1, NULL))
                fz_fail("keymap_keys_text(%s, %zu bytes) cut a character: \"%s\"",
                        action_name((enum action)a), sizes[s], g_strescape(buf, NULL));
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fz_cstr(data, size);
    char *cur = text, *line;
    struct keymap km;
    keymap_init(&km);
    int lineno = 0;
    while ((line = textfile_next_line(&cur))) {
        lineno++;
        keycode k = keycode_parse(line);
        if (k)
            check_key(k, line);
        char *err = NULL;
        int rc = keymap_bind_line(&km, line, "fuzz.conf", lineno, &err);
        if (rc == 0) {
            FZ_ASSERT(!err, "no error when it worked");
        } else {
            char prefix[32];
            snprintf(prefix, sizeof prefix, "fuzz.conf:%d: ", lineno);
            FZ_ASSERT(rc == -1, "keymap_bind_line returns 0 or -1");
            FZ_ASSERT(err && strncmp(err, prefix, strlen(prefix)) == 0,
                      "the error is file:line: message");
        }
        free(err);
        /* the words of the line as keys */
        char *copy = xstrdup(line), *w[8];
        size_t n = textfile_split(copy, w, 8);
        for (size_t i = 0; i < n && i < 8; i++) {
            keycode wk = keycode_parse(w[i]);
            if (wk)
                check_key(wk, w[i]);
            (void)action_parse(w[i]);
        }
        free(copy);
    }
    check_keymap(&km);
    free(text);
    return 0;
}
