/* The action table, key names and the keymap built from them. */
#include "keymap.h"

#include <curses.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "textfile.h"
#include "util.h"

static const struct {
    const char *name, *keys, *help;
} actions[ACT_COUNT] = {
    [ACT_NONE] = {"none", "", "Nothing (unbinds a key)"},
#define KEYMAP_ACTION_ROW(e, name, keys, help) [e] = {name, keys, help},
    KEYMAP_ACTIONS(KEYMAP_ACTION_ROW)
#undef KEYMAP_ACTION_ROW
};

const char *action_name(enum action a)
{
    return (unsigned)a < ACT_COUNT ? actions[a].name : "?";
}

const char *action_help(enum action a)
{
    return (unsigned)a < ACT_COUNT ? actions[a].help : "?";
}

const char *action_default_keys(enum action a)
{
    return (unsigned)a < ACT_COUNT ? actions[a].keys : "";
}

enum action action_parse(const char *name)
{
    for (int i = 0; i < ACT_COUNT; i++)
        if (strcmp(name, actions[i].name) == 0)
            return (enum action)i;
    return ACT_NONE;
}

/* ---- keys ---- */

static const struct {
    const char *name;
    keycode key;
} named_keys[] = {
    {"Enter", '\n'},
    {"Return", '\n'},
    {"Tab", '\t'},
    {"BackTab", KEY_FN(KEY_BTAB)},
    {"Esc", 27},
    {"Escape", 27},
    {"Space", ' '},
    {"Hash", '#'},
    {"Lt", '<'},
    {"Up", KEY_FN(KEY_UP)},
    {"Down", KEY_FN(KEY_DOWN)},
    {"Left", KEY_FN(KEY_LEFT)},
    {"Right", KEY_FN(KEY_RIGHT)},
    {"PgUp", KEY_FN(KEY_PPAGE)},
    {"PageUp", KEY_FN(KEY_PPAGE)},
    {"PgDn", KEY_FN(KEY_NPAGE)},
    {"PageDown", KEY_FN(KEY_NPAGE)},
    {"Home", KEY_FN(KEY_HOME)},
    {"End", KEY_FN(KEY_END)},
    {"Ins", KEY_FN(KEY_IC)},
    {"Insert", KEY_FN(KEY_IC)},
    {"Del", KEY_FN(KEY_DC)},
    {"Delete", KEY_FN(KEY_DC)},
    {"Backspace", KEY_FN(KEY_BACKSPACE)},
};

keycode keycode_from_curses(bool is_fn, uint32_t ch)
{
    if (is_fn) {
        if (ch == KEY_ENTER)
            return '\n';
        return KEY_FN(ch);
    }
    if (ch == '\r')
        return '\n';
    if (ch == 127 || ch == 8)
        return KEY_FN(KEY_BACKSPACE);
    return ch;
}

/* One UTF-8 character making up all of s, or 0. */
static keycode utf8_single(const char *s)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t len;
    keycode cp;
    if (u[0] < 0x80) {
        len = 1;
        cp = u[0];
    } else if ((u[0] & 0xe0) == 0xc0) {
        len = 2;
        cp = u[0] & 0x1f;
    } else if ((u[0] & 0xf0) == 0xe0) {
        len = 3;
        cp = u[0] & 0x0f;
    } else if ((u[0] & 0xf8) == 0xf0) {
        len = 4;
        cp = u[0] & 0x07;
    } else {
        return 0;
    }
    for (size_t i = 1; i < len; i++) {
        if ((u[i] & 0xc0) != 0x80)
            return 0;
        cp = (cp << 6) | (u[i] & 0x3f);
    }
    static const keycode min_cp[5] = {0, 0, 0x80, 0x800, 0x10000}; /* no overlong forms */
    if (u[len] != '\0' || cp < 0x20 || cp == 0x7f || cp > 0x10ffff || cp < min_cp[len])
        return 0;
    /* its name is drawn as is: no C1 control (a CSI on some terminals), no surrogate */
    if ((cp >= 0x80 && cp <= 0x9f) || (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return cp;
}

keycode keycode_parse(const char *s)
{
    if (!s || !*s)
        return 0;
    size_t n = strlen(s);
    if (s[0] == '<' && n > 2 && s[n - 1] == '>') {
        const char *in = s + 1;
        size_t len = n - 2;
        for (size_t i = 0; i < ARRAY_LEN(named_keys); i++)
            if (strlen(named_keys[i].name) == len && strncasecmp(in, named_keys[i].name, len) == 0)
                return named_keys[i].key;
        if ((in[0] == 'F' || in[0] == 'f') && len >= 2 && len <= 3) {
            int f = 0;
            for (size_t i = 1; i < len; i++) {
                if (in[i] < '0' || in[i] > '9')
                    return 0;
                f = f * 10 + (in[i] - '0');
            }
            return f >= 1 && f <= 24 ? KEY_FN(KEY_F(f)) : 0;
        }
        return 0;
    }
    if (s[0] == '^' && n == 2) {
        char c = s[1];
        if (c >= 'a' && c <= 'z')
            c = (char)(c - 'a' + 'A');
        if (c == '?')
            return KEY_FN(KEY_BACKSPACE);
        if (c == '[')
            return 27;
        if (c == 'M' || c == 'J')
            return '\n';
        if (c >= '@' && c <= '_')
            return KEY_CTRL(c);
        return 0;
    }
    return utf8_single(s);
}

const char *keycode_name(keycode k, char *buf, size_t bufsz)
{
    if (bufsz == 0)
        return buf;
    for (size_t i = 0; i < ARRAY_LEN(named_keys); i++) {
        if (named_keys[i].key == k && k != '#' && k != '<') {
            snprintf(buf, bufsz, "<%s>", named_keys[i].name);
            return buf;
        }
    }
    if (k & KEY_FN_BIT) {
        unsigned code = k & ~KEY_FN_BIT;
        if (code >= (unsigned)KEY_F(1) && code <= (unsigned)KEY_F(24))
            snprintf(buf, bufsz, "<F%u>", code - (unsigned)KEY_F0);
        else
            snprintf(buf, bufsz, "<%s>", keyname((int)code) ? keyname((int)code) : "?");
        return buf;
    }
    if (k < 0x20) {
        snprintf(buf, bufsz, "^%c", (char)(k + '@'));
        return buf;
    }
    if (k == '#') {
        snprintf(buf, bufsz, "<Hash>");
        return buf;
    }
    char tmp[5];
    size_t n = utf8_put(k, tmp);
    tmp[n] = '\0';
    snprintf(buf, bufsz, "%s", tmp);
    return buf;
}

/* ---- the keymap ---- */

int keymap_bind(struct keymap *km, keycode key, enum action a)
{
    for (size_t i = 0; i < km->n; i++) {
        if (km->bind[i].key != key)
            continue;
        if (a == ACT_NONE) {
            memmove(&km->bind[i], &km->bind[i + 1], (km->n - i - 1) * sizeof km->bind[0]);
            km->n--;
        } else {
            km->bind[i].action = a;
        }
        return 0;
    }
    if (a == ACT_NONE)
        return 0;
    if (km->n >= KEYMAP_MAX)
        return -1;
    km->bind[km->n].key = key;
    km->bind[km->n].action = a;
    km->n++;
    return 0;
}

void keymap_init(struct keymap *km)
{
    memset(km, 0, sizeof *km);
    for (int a = 1; a < ACT_COUNT; a++) {
        char keys[64], *words[8];
        snprintf(keys, sizeof keys, "%s", actions[a].keys);
        size_t n = textfile_split(keys, words, ARRAY_LEN(words));
        for (size_t i = 0; i < n && i < ARRAY_LEN(words); i++) {
            keycode k = keycode_parse(words[i]);
            if (!k || keymap_bind(km, k, (enum action)a) != 0)
                abort(); /* a bad default: caught by test_keymap */
        }
    }
}

enum action keymap_lookup(const struct keymap *km, keycode key)
{
    for (size_t i = 0; i < km->n; i++)
        if (km->bind[i].key == key)
            return km->bind[i].action;
    return ACT_NONE;
}

size_t keymap_keys(const struct keymap *km, enum action a, keycode *out, size_t max)
{
    size_t n = 0;
    for (size_t i = 0; i < km->n; i++) {
        if (km->bind[i].action != a)
            continue;
        if (n < max)
            out[n] = km->bind[i].key;
        n++;
    }
    return n;
}

const char *keymap_keys_text(const struct keymap *km, enum action a, char *buf, size_t bufsz)
{
    keycode keys[16];
    size_t n = keymap_keys(km, a, keys, ARRAY_LEN(keys));
    size_t used = 0;
    if (bufsz == 0)
        return buf;
    buf[0] = '\0';
    for (size_t i = 0; i < n && i < ARRAY_LEN(keys); i++) {
        char name[32];
        keycode_name(keys[i], name, sizeof name);
        int w = snprintf(buf + used, bufsz - used, "%s%s", i ? " " : "", name);
        if (w < 0 || (size_t)w >= bufsz - used) {
            buf[used] = '\0'; /* whole names only: no "<Ba" or half a UTF-8 character */
            break;
        }
        used += (size_t)w;
    }
    return buf;
}

int keymap_bind_words(struct keymap *km, char **words, size_t n_words, const char *file,
                      int line, char **error)
{
    const char *msg = NULL;
    char *owned = NULL;
    *error = NULL;
    if (n_words != 3 || strcmp(words[0], "bind") != 0) {
        msg = "expected 'bind KEY ACTION'";
        goto out;
    }
    keycode k = keycode_parse(words[1]);
    if (!k) {
        msg = owned = xasprintf("unknown key '%s' (e.g. j, ^R, <Enter>, <F5>, <Space>)", words[1]);
        goto out;
    }
    enum action a = action_parse(words[2]);
    if (a == ACT_NONE && strcmp(words[2], "none") != 0) {
        msg = owned = xasprintf("unknown action '%s' (see the help screen, ?)", words[2]);
        goto out;
    }
    if (keymap_bind(km, k, a) != 0)
        msg = "too many key bindings";
out:
    if (msg)
        *error = xasprintf("%s:%d: %s", file, line, msg);
    free(owned);
    return msg ? -1 : 0;
}

int keymap_bind_line(struct keymap *km, const char *text, const char *file, int line,
                     char **error)
{
    char *copy = xstrdup(text), *words[4];
    size_t n = textfile_split(copy, words, ARRAY_LEN(words));
    int rc = keymap_bind_words(km, words, n, file, line, error); /* n > 3: refused unread */
    free(copy);
    return rc;
}
