/* A form as a modal overlay: a label and an input per row, the message of
 * a field under it (or its help while it has focus), key hints on the
 * frame. Keys go to the field with focus; Tab and the arrows move between
 * fields, Enter submits, Esc cancels. The form's buffers are wiped when
 * the overlay closes (form_free). */
#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "dialog.h"
#include "draw.h"
#include "form.h"
#include "util.h"

#define FORM_WIDTH 78
#define LABEL_MAX 26
#define NOTE_LINES 4
#define ERROR_LINES 3

struct form_view {
    struct form form;
    form_submit_fn submit;
    form_change_fn change;
    void *ctx;
    void (*ctx_free)(void *);
    /* the last draw: which field each screen row shows (-1: none) */
    int first_row;
    int *row_field;
    int n_rows;
    size_t top; /* first layout line shown */
};

static struct form_view *priv(const struct view *v)
{
    return v->priv;
}

static const char *bullet(void)
{
    return text_ascii() ? "*" : "\xe2\x80\xa2"; /* • */
}

/* ---- layout: the lines inside the frame ---- */

enum line_kind { L_NOTE, L_FIELD, L_UNDER, L_BLANK, L_ERROR };

struct line {
    enum line_kind kind;
    size_t field;
    char *text; /* L_NOTE, L_ERROR, L_UNDER: owned */
};

static size_t add_wrapped(struct line *out, size_t n, size_t max, enum line_kind kind,
                          size_t field, const char *text, int width, size_t max_lines)
{
    char *parts[8];
    size_t want = dialog_wrap(text, width, parts, max_lines < 8 ? max_lines : 8);
    size_t got = want < max_lines ? want : max_lines;
    if (got > 8)
        got = 8;
    for (size_t i = 0; i < got; i++) {
        if (n < max)
            out[n++] = (struct line){kind, field, parts[i]};
        else
            free(parts[i]);
    }
    return n;
}

/* Every line of the form at inner width w; returns the count. */
static size_t layout(struct form_view *fv, int w, int label_w, struct line *out, size_t max)
{
    struct form *f = &fv->form;
    size_t n = 0;
    if (!str_empty(f->note)) {
        n = add_wrapped(out, n, max, L_NOTE, 0, f->note, w, NOTE_LINES);
        if (n < max)
            out[n++] = (struct line){L_BLANK, 0, NULL};
    }
    for (size_t i = 0; i < f->n && n < max; i++) {
        struct form_field *ff = &f->fields[i];
        out[n++] = (struct line){L_FIELD, i, NULL};
        const char *under = ff->error ? ff->error : i == f->focus ? ff->help : NULL;
        if (!str_empty(under))
            n = add_wrapped(out, n, max, L_UNDER, i, under, w - label_w - 1, 2);
    }
    if (!str_empty(f->error)) {
        if (n < max)
            out[n++] = (struct line){L_BLANK, 0, NULL};
        n = add_wrapped(out, n, max, L_ERROR, 0, f->error, w, ERROR_LINES);
    }
    return n;
}

static int label_width(const struct form *f, int w)
{
    int lw = 0;
    for (size_t i = 0; i < f->n; i++) {
        int x = text_width(f->fields[i].label) + 1;
        if (x > lw)
            lw = x;
    }
    int cap = w / 2 < LABEL_MAX ? w / 2 : LABEL_MAX;
    return lw < cap ? lw : cap;
}

/* ---- drawing ---- */

/* The input of ff at (y, x), width w: its text scrolled so that the
 * cursor stays in sight, the cursor cell shown when focused. */
static void draw_input(const struct form_field *ff, int y, int x, int w, bool focused)
{
    draw_fill(y, x, w, C_INPUT);
    if (w <= 0)
        return;
    if (ff->kind == FORM_CHOICE) {
        const char *label = ff->n_choices ? ff->choice_labels[ff->choice] : "";
        char *t = focused ? xasprintf("%s %s %s", text_ascii() ? "<" : "‹", label,
                                      text_ascii() ? ">" : "›")
                          : xstrdup(label);
        draw_part(y, x, x + w, t, focused ? C_SELECTED : C_INPUT);
        free(t);
        return;
    }
    size_t cur = 0;
    char *shown = form_field_shown(ff, bullet(), &cur);
    if (ff->len == 0 && !str_empty(ff->placeholder)) {
        int px = focused ? draw_part(y, x, x + w, " ", C_SELECTED) : x; /* the cursor */
        draw_part(y, px, x + w, ff->placeholder, C_DIM);
    } else {
        /* drop characters from the front until the cursor fits */
        size_t start = 0;
        for (;;) {
            char save = shown[cur];
            shown[cur] = '\0';
            int pw = text_width(shown + start);
            shown[cur] = save;
            if (pw < w || start >= cur)
                break;
            start++;
            while (start < cur && ((unsigned char)shown[start] & 0xc0) == 0x80)
                start++;
        }
        enum role role = ff->kind == FORM_SECRET && !ff->reveal ? C_MASKED : C_INPUT;
        draw_part(y, x, x + w, shown + start, role);
        if (focused) {
            char save = shown[cur];
            shown[cur] = '\0';
            int cx = x + text_width(shown + start);
            shown[cur] = save;
            size_t clen = 1;
            while (shown[cur] && shown[cur + clen] &&
                   ((unsigned char)shown[cur + clen] & 0xc0) == 0x80)
                clen++;
            char cell[8] = " ";
            if (shown[cur] && clen < sizeof cell) {
                memcpy(cell, shown + cur, clen);
                cell[clen] = '\0';
            }
            if (cx < x + w)
                draw_part(y, cx, x + w, cell, C_SELECTED);
            wipe(cell, sizeof cell);
        }
    }
    wipe_free(shown);
}

static char *footer_text(const struct form *f)
{
    const struct form_field *ff = f->n ? &f->fields[f->focus] : NULL;
    const char *extra = "";
    if (ff && ff->kind == FORM_SECRET)
        extra = ff->reveal ? " · ^R masks" : " · ^R shows";
    else if (ff && ff->kind == FORM_CHOICE)
        extra = text_ascii() ? " · <- -> choose" : " · ← → choose";
    return xasprintf("Enter saves · Tab next%s · Esc cancels", extra);
}

static void draw(struct view *v, struct app *app)
{
    struct form_view *fv = priv(v);
    struct form *f = &fv->form;
    int w = FORM_WIDTH < v->area.w - 2 ? FORM_WIDTH : v->area.w - 2;
    int inner = w - 4;
    if (inner < 10)
        return;
    int lw = label_width(f, inner);
    size_t max = f->n * 3 + NOTE_LINES + ERROR_LINES + 4;
    struct line *lines = xcalloc(max, sizeof *lines);
    size_t n = layout(fv, inner, lw, lines, max);
    int room = v->area.h - 2;
    int h = (int)n + 2 < v->area.h ? (int)n + 2 : v->area.h;
    struct rect r = dialog_rect(&v->area, w, h);
    room = r.h - 2;
    /* keep the focused field's line in sight */
    size_t focus_line = 0;
    for (size_t i = 0; i < n; i++)
        if (lines[i].kind == L_FIELD && lines[i].field == f->focus)
            focus_line = i;
    if (room > 0) {
        if (focus_line < fv->top)
            fv->top = focus_line;
        else if (focus_line >= fv->top + (size_t)room)
            fv->top = focus_line - (size_t)room + 1;
        if (fv->top + (size_t)room > n)
            fv->top = n > (size_t)room ? n - (size_t)room : 0;
    }
    dialog_frame(&r, f->title);
    free(fv->row_field);
    fv->n_rows = room > 0 ? room : 0;
    fv->row_field = xcalloc(fv->n_rows ? (size_t)fv->n_rows : 1, sizeof *fv->row_field);
    fv->first_row = r.y + 1;
    int x0 = r.x + 2, ix = x0 + lw + 1, iw = inner - lw - 1;
    for (int row = 0; row < room; row++) {
        size_t i = fv->top + (size_t)row;
        int y = r.y + 1 + row;
        fv->row_field[row] = -1;
        if (i >= n)
            continue;
        struct line *ln = &lines[i];
        switch (ln->kind) {
        case L_NOTE:
            draw_part(y, x0, x0 + inner, ln->text, C_DEFAULT);
            break;
        case L_FIELD: {
            const struct form_field *ff = &f->fields[ln->field];
            bool focused = ln->field == f->focus;
            bool star = ff->required && ff->kind != FORM_CHOICE; /* a choice is never empty */
            char *label = xasprintf("%s%s", ff->label, star ? "*" : "");
            draw_text(y, x0, lw, label, focused ? C_PANE_TITLE : ff->error ? C_ERROR : C_DEFAULT,
                      ALIGN_RIGHT);
            free(label);
            draw_input(ff, y, ix, iw, focused);
            fv->row_field[row] = (int)ln->field;
            break;
        }
        case L_UNDER:
            draw_part(y, ix, ix + iw, ln->text, f->fields[ln->field].error ? C_ERROR : C_DIM);
            fv->row_field[row] = (int)ln->field;
            break;
        case L_ERROR:
            draw_part(y, x0, x0 + inner, ln->text, C_ERROR);
            break;
        case L_BLANK:
            break;
        }
    }
    char *foot = footer_text(f);
    dialog_footer(&r, foot);
    free(foot);
    for (size_t i = 0; i < n; i++)
        free(lines[i].text);
    free(lines);
    (void)app;
}

/* ---- keys ---- */

static void close_form(struct app *app, struct view *v)
{
    if (app->overlay == v)
        app_close_overlay(app);
}

static void changed_choice(struct view *v, struct app *app)
{
    struct form_view *fv = priv(v);
    if (fv->change)
        fv->change(app, &fv->form, fv->form.focus, fv->ctx);
}

static void submit(struct view *v, struct app *app)
{
    struct form_view *fv = priv(v);
    form_clear_errors(&fv->form);
    if (fv->submit(app, &fv->form, fv->ctx) == FORM_CLOSE)
        close_form(app, v);
}

static bool edit_key(struct form_field *ff, keycode k)
{
    switch (k) {
    case KEY_FN(KEY_BACKSPACE): return form_field_backspace(ff);
    case KEY_FN(KEY_DC): case KEY_CTRL('d'): return form_field_delete(ff);
    case KEY_FN(KEY_LEFT): case KEY_CTRL('b'): return form_field_left(ff);
    case KEY_FN(KEY_RIGHT): case KEY_CTRL('f'): return form_field_right(ff);
    case KEY_FN(KEY_HOME): case KEY_CTRL('a'): form_field_home(ff); return true;
    case KEY_FN(KEY_END): case KEY_CTRL('e'): form_field_end(ff); return true;
    case KEY_CTRL('u'): return form_field_kill_before(ff);
    case KEY_CTRL('k'): return form_field_kill_after(ff);
    case KEY_CTRL('w'): return form_field_kill_word(ff);
    default: break;
    }
    if (!(k & KEY_FN_BIT))
        return form_field_insert(ff, k);
    return false;
}

static bool choice_key(struct view *v, struct app *app, struct form_field *ff, keycode k)
{
    if (k == KEY_FN(KEY_LEFT))
        form_field_cycle(ff, -1);
    else if (k == KEY_FN(KEY_RIGHT) || k == ' ')
        form_field_cycle(ff, 1);
    else if (!(k & KEY_FN_BIT) && k > ' ' && form_field_choose_letter(ff, k))
        ;
    else
        return false;
    changed_choice(v, app);
    return true;
}

static bool key(struct view *v, struct app *app, keycode k)
{
    struct form_view *fv = priv(v);
    struct form *f = &fv->form;
    app->dirty = true;
    switch (k) {
    case 27:
        close_form(app, v);
        return true;
    case '\n':
        submit(v, app);
        return true;
    case '\t': case KEY_FN(KEY_DOWN):
        form_focus_next(f);
        return true;
    case KEY_FN(KEY_BTAB): case KEY_FN(KEY_UP):
        form_focus_prev(f);
        return true;
    case KEY_CTRL('l'):
        return false; /* redraw, through the keymap */
    default:
        break;
    }
    if (f->n == 0)
        return true;
    struct form_field *ff = &f->fields[f->focus];
    if (k == KEY_CTRL('r') && ff->kind == FORM_SECRET) {
        ff->reveal = !ff->reveal;
        return true;
    }
    if (ff->kind == FORM_CHOICE) {
        choice_key(v, app, ff, k);
        return true;
    }
    size_t before = ff->len;
    if (edit_key(ff, k) && ff->len != before && ff->error) {
        free(ff->error); /* being fixed */
        ff->error = NULL;
    }
    return true;
}

static bool action(struct view *v, struct app *app, enum action a)
{
    if (a == ACT_BACK) {
        close_form(app, v);
        return true;
    }
    return a != ACT_QUIT && a != ACT_REDRAW; /* modal; quit and redraw still work */
}

static bool mouse(struct view *v, struct app *app, const struct mouse_ev *m)
{
    struct form_view *fv = priv(v);
    if (m->kind != MOUSE_CLICK && m->kind != MOUSE_DOUBLE)
        return false;
    int row = v->area.y + m->y - fv->first_row;
    if (row < 0 || row >= fv->n_rows || fv->row_field[row] < 0)
        return false;
    fv->form.focus = (size_t)fv->row_field[row];
    struct form_field *ff = &fv->form.fields[fv->form.focus];
    if (ff->kind == FORM_CHOICE && m->kind == MOUSE_DOUBLE) {
        form_field_cycle(ff, 1);
        changed_choice(v, app);
    }
    return true;
}

static void destroy(struct view *v)
{
    struct form_view *fv = priv(v);
    form_free(&fv->form); /* wipes every field */
    if (fv->ctx_free)
        fv->ctx_free(fv->ctx);
    free(fv->row_field);
    free(fv);
    free(v);
}

static const struct view_ops form_ops = {
    .name = "form",
    .draw = draw,
    .action = action,
    .key = key,
    .mouse = mouse,
    .destroy = destroy,
};

struct view *form_view_new(struct form *f, form_submit_fn submit_fn, form_change_fn change,
                           void *ctx, void (*ctx_free)(void *))
{
    struct view *v = xcalloc(1, sizeof *v);
    struct form_view *fv = xcalloc(1, sizeof *fv);
    fv->form = *f;
    memset(f, 0, sizeof *f);
    fv->submit = submit_fn;
    fv->change = change;
    fv->ctx = ctx;
    fv->ctx_free = ctx_free;
    v->ops = &form_ops;
    v->priv = fv;
    return v;
}
