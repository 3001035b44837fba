/* Forms: labelled fields a person fills in (add an account, the options of
 * a new session, a token template). The model and its editing are pure C
 * (form_edit.c, no curses: unit-tested); form_view.c draws a form as an
 * overlay and turns keys into the edits below.
 *
 * Text is UTF-8 and edited by whole characters. Secret fields are shown
 * masked (one bullet per character) unless revealed, and every buffer that
 * ever held a field's text is wiped before it is freed (on growth, on
 * deletion of its tail, on form_free), so a secret typed here leaves no
 * copy behind in the heap. */
#ifndef SESAME_FORM_H
#define SESAME_FORM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum form_kind {
    FORM_TEXT = 0,
    FORM_SECRET,   /* masked while edited, wiped when freed */
    FORM_CHOICE,   /* one of a list (left/right or space to change) */
};

#define FORM_MAX_TEXT 4096 /* bytes a field takes: enough for a JSON rule or a JWT */

struct form_field {
    char *key;            /* what the owner calls it ("label", "api_key") */
    char *label;          /* "Secret key (sk_...)" */
    char *help;           /* one line shown under the field while it has focus, or NULL */
    char *placeholder;    /* dim text while empty ("https://api.clerk.com/v1"), or NULL */
    enum form_kind kind;
    bool required;
    bool reveal;          /* a secret shown as typed */
    char *buf;            /* the text, NUL-terminated, never NULL */
    size_t len, cap;
    size_t cursor;        /* byte offset, always on a character boundary */
    char **choices;       /* FORM_CHOICE: values ... */
    char **choice_labels; /* ... and what is shown for each */
    size_t n_choices, choice;
    char *error;          /* inline validation message, NULL if none */
};

struct form {
    char *title;
    char *note;           /* a line above the fields, or NULL */
    struct form_field *fields;
    size_t n, cap;
    size_t focus;
    char *error;          /* about the whole form (below the fields), or NULL */
};

void form_init(struct form *f, const char *title);
/* Frees everything; every field's text is wiped first. */
void form_free(struct form *f);

/* Append a field; returns its index (pointers into f->fields move when a
 * field is added). */
size_t form_add(struct form *f, enum form_kind kind, const char *key, const char *label,
                bool required, const char *help);
/* Drop the fields from index n on (wiped). */
void form_truncate(struct form *f, size_t n);
struct form_field *form_find(struct form *f, const char *key);
/* The text of a field (the chosen value for a choice), "" if there is no
 * such field. Points into the form. */
const char *form_value(const struct form *f, const char *key);
/* A copy of the text with blanks trimmed at both ends (owned; NULL if the
 * field is missing or the trimmed text is empty). */
char *form_value_trimmed(const struct form *f, const char *key);

void form_field_set_placeholder(struct form_field *ff, const char *text);
/* Replace the text (cursor at the end). Invalid UTF-8 and control
 * characters are left out. */
void form_field_set(struct form_field *ff, const char *text);
/* Add a choice; the first one added is chosen. */
void form_field_add_choice(struct form_field *ff, const char *value, const char *label);
/* Choose by value; false if no such choice. */
bool form_field_choose(struct form_field *ff, const char *value);
/* Next / previous choice, wrapping. */
void form_field_cycle(struct form_field *ff, int delta);
/* The choice whose label starts with the letter typed after the current
 * one (case-insensitive ASCII), as in a list box; false if none. */
bool form_field_choose_letter(struct form_field *ff, uint32_t cp);

/* ---- editing at the cursor (FORM_TEXT, FORM_SECRET) ---- */

/* Insert one character; false (nothing changed) for a control character,
 * a surrogate, a value past U+10FFFF, or when the field is full. */
bool form_field_insert(struct form_field *ff, uint32_t cp);
bool form_field_backspace(struct form_field *ff);   /* the character before the cursor */
bool form_field_delete(struct form_field *ff);      /* the character under the cursor */
bool form_field_left(struct form_field *ff);
bool form_field_right(struct form_field *ff);
void form_field_home(struct form_field *ff);
void form_field_end(struct form_field *ff);
bool form_field_kill_before(struct form_field *ff); /* ^U: from the start to the cursor */
bool form_field_kill_after(struct form_field *ff);  /* ^K: from the cursor to the end */
bool form_field_kill_word(struct form_field *ff);   /* ^W: the word before the cursor */
/* Characters (not bytes) in the text. */
size_t form_field_chars(const struct form_field *ff);

/* What the field shows: its text, the bullet repeated once per character
 * for a masked secret, the label of the choice. Owned (wipe_free it: it
 * may be a revealed secret). *cursor (may be NULL) is the cursor's byte
 * offset in the result. */
char *form_field_shown(const struct form_field *ff, const char *bullet, size_t *cursor);

/* ---- focus and validation ---- */

void form_focus_next(struct form *f);
void form_focus_prev(struct form *f);

/* Set a field's inline message (printf-style; NULL fmt clears it). */
void form_field_set_error(struct form_field *ff, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void form_set_error(struct form *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Clear every message. */
void form_clear_errors(struct form *f);
/* Required fields that are empty (blanks only count as empty) get "needed";
 * the focus moves to the first field with a message. Returns how many
 * fields have a message (the owner's own checks included). */
size_t form_validate(struct form *f);
/* How many fields have a message now. */
size_t form_errors(const struct form *f);

/* ---- the overlay (form_view.c) ---- */

struct app;
struct view;

enum form_answer { FORM_KEEP = 0, FORM_CLOSE };

/* Enter: the form's messages were cleared; check (form_validate and the
 * owner's own checks), then act. FORM_KEEP leaves the form open (with its
 * messages), FORM_CLOSE closes it. It must not open or close overlays. */
typedef enum form_answer (*form_submit_fn)(struct app *app, struct form *f, void *ctx);
/* A choice field changed (the owner may add or drop fields). May be NULL. */
typedef void (*form_change_fn)(struct app *app, struct form *f, size_t field, void *ctx);

/* An overlay editing f (moved in: *f is left empty). ctx is the owner's,
 * freed with ctx_free (may be NULL) when the form closes, Esc included. */
struct view *form_view_new(struct form *f, form_submit_fn submit, form_change_fn change,
                           void *ctx, void (*ctx_free)(void *));

#endif
