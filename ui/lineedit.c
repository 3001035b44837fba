/* Editing one line at a prompt. */
#include "lineedit.h"

#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/* The text without its last character (UTF-8) or its last word. */
static char *chop(const char *text, bool word)
{
    size_t n = strlen(text);
    if (word) {
        while (n > 0 && text[n - 1] == ' ')
            n--;
        while (n > 0 && text[n - 1] != ' ')
            n--;
    } else {
        while (n > 0 && ((unsigned char)text[n - 1] & 0xc0) == 0x80)
            n--;
        if (n > 0)
            n--;
    }
    return xstrndup(text, n);
}

enum lineedit_result lineedit_key(char **text, keycode k)
{
    const char *t = *text ? *text : "";
    char *next = NULL;
    switch (k) {
    case '\n':
        return LINEEDIT_ENTER;
    case 27:
        return LINEEDIT_CANCEL;
    case KEY_FN(KEY_BACKSPACE):
    case KEY_FN(KEY_DC):
        next = chop(t, false);
        break;
    case KEY_CTRL('w'):
        next = chop(t, true);
        break;
    case KEY_CTRL('u'):
        next = xstrdup("");
        break;
    default:
        if (k >= 0x20 && k != 0x7f && k < KEY_FN_BIT && !(k >= 0x80 && k < 0xa0)) {
            char buf[5] = {0};
            utf8_put(k, buf);
            next = xasprintf("%s%s", t, buf);
        } else if (k < 0x20 || k == 0x7f) {
            return LINEEDIT_KEPT; /* a control character is not text */
        } else {
            return LINEEDIT_OTHER;
        }
    }
    free(*text);
    *text = next;
    return LINEEDIT_CHANGED;
}
