/* One line of text typed at a prompt (the filter's /, the command line's
 * :): the keys that edit it, as in a shell's line editor. Pure. */
#ifndef SESAME_LINEEDIT_H
#define SESAME_LINEEDIT_H

#include "keymap.h"

enum lineedit_result {
    LINEEDIT_OTHER = 0,  /* not an editing key: the caller's (Up, Down, Tab ...) */
    LINEEDIT_CHANGED,    /* *text is new */
    LINEEDIT_KEPT,       /* taken, nothing changed (a control key it ignores) */
    LINEEDIT_ENTER,
    LINEEDIT_CANCEL,     /* Esc */
};

/* Apply key k to *text (owned, replaced when it changes): a printable
 * character is appended, Backspace/Delete take the last character, ^W the
 * last word, ^U everything. */
enum lineedit_result lineedit_key(char **text, keycode k);

#endif
