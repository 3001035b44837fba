/* A secret to look at: a freshly minted Clerk JWT, masked (its first
 * characters and bullets) until the reveal key shows it whole, or a Vault
 * session's URL too long for the message line, shown wrapped. The copy key
 * puts it on the clipboard through OSC 52; it is wiped when the overlay
 * closes. */
#include <cjson/cJSON.h>
#include <glib.h>
#include <stdlib.h>
#include <string.h>

#include "actions.h"
#include "app.h"
#include "dialog.h"
#include "draw.h"
#include "util.h"

#define TOKEN_WIDTH 80
#define SHOWN_CHARS 6
#define MAX_TOKEN_LINES 24

struct token_view {
    char *account, *session_id, *template_name;
    char *token;             /* secret (the JWT or the URL): wiped on close */
    bool url;                /* a Vault URL rather than a token */
    bool reveal;
    int64_t expires_ms;      /* from the JWT's exp claim (or the session), 0 if unknown */
};

static struct token_view *priv(const struct view *v)
{
    return v->priv;
}

/* The exp claim of a JWT in ms, 0 if it has none (the payload is only
 * decoded, never trusted: this is for showing the countdown). */
static int64_t jwt_expiry(const char *jwt)
{
    const char *a = strchr(jwt, '.');
    const char *b = a ? strchr(a + 1, '.') : NULL;
    if (!b || b - a - 1 > 8192)
        return 0;
    size_t n = (size_t)(b - a - 1);
    char *std = xmalloc(n + 4);
    for (size_t i = 0; i < n; i++)
        std[i] = a[1 + i] == '-' ? '+' : a[1 + i] == '_' ? '/' : a[1 + i];
    while (n % 4)
        std[n++] = '=';
    std[n] = '\0';
    gsize len = 0;
    guchar *raw = g_base64_decode(std, &len);
    wipe(std, n);
    free(std);
    int64_t ms = 0;
    char *text = raw ? xstrndup((const char *)raw, len) : NULL;
    cJSON *j = text ? cJSON_Parse(text) : NULL;
    const cJSON *exp = cJSON_GetObjectItemCaseSensitive(j, "exp");
    if (cJSON_IsNumber(exp) && exp->valuedouble > 0 && exp->valuedouble < 1e11)
        ms = (int64_t)exp->valuedouble * 1000;
    cJSON_Delete(j);
    if (text)
        wipe_free(text);
    if (raw) {
        wipe(raw, len);
        g_free(raw);
    }
    return ms;
}

static char *masked(const char *token)
{
    size_t n = 0;
    while (token[n] && n < SHOWN_CHARS)
        n++;
    return xasprintf("%.*s%s", (int)n, token, text_ascii() ? "***" : "•••");
}

static void draw(struct view *v, struct app *app)
{
    struct token_view *tv = priv(v);
    int w = TOKEN_WIDTH < v->area.w - 2 ? TOKEN_WIDTH : v->area.w - 2;
    int inner = w - 4;
    if (inner < 10)
        return;
    char *lines[MAX_TOKEN_LINES];
    size_t n_tok = 0;
    if (tv->reveal) {
        /* the token has no blanks: cut every `inner` characters */
        size_t len = strlen(tv->token);
        for (size_t off = 0; off < len && n_tok < MAX_TOKEN_LINES; off += (size_t)inner)
            lines[n_tok++] = xstrndup(tv->token + off, (size_t)inner);
    } else {
        lines[n_tok++] = masked(tv->token);
    }
    int h = 2 + 4 + (int)n_tok;
    struct rect r = dialog_rect(&v->area, w, h);
    dialog_frame(&r, tv->url ? "URL" : "Token");
    int x = r.x + 2, y = r.y + 1, end = r.y + r.h - 1;
    char *head = xasprintf("Session %s (%s)", tv->session_id, tv->account);
    draw_part(y++, x, x + inner, head, C_DEFAULT);
    free(head);
    char *left = NULL;
    if (tv->expires_ms > 0) {
        int64_t now = now_ms();
        char d[40] = "";
        if (tv->expires_ms > now)
            format_duration(tv->expires_ms - now, d, sizeof d);
        left = tv->expires_ms > now ? xasprintf(", expires in %s", d) : xstrdup(", expired");
    }
    char *tpl = tv->url ? xstrdup("Opens the session in Apideck Vault")
                : xasprintf("%s%s", str_empty(tv->template_name) ? "The session's own token"
                                                                 : "Template ",
                            str_empty(tv->template_name) ? "" : tv->template_name);
    char *info = xasprintf("%s%s", tpl, left ? left : "");
    if (y < end)
        draw_part(y++, x, x + inner, info, C_DIM);
    free(tpl);
    free(info);
    free(left);
    y++;
    for (size_t i = 0; i < n_tok; i++) {
        if (y < end)
            draw_part(y++, x, x + inner, lines[i], tv->reveal ? C_INPUT : C_MASKED);
        wipe_free(lines[i]);
    }
    char rk[32], ck[32], bk[32];
    app_key_for(app, ACT_REVEAL, rk, sizeof rk);
    app_key_for(app, ACT_COPY, ck, sizeof ck);
    app_key_for(app, ACT_BACK, bk, sizeof bk);
    char *foot = xasprintf("%s %s · %s copies · %s closes", rk, tv->reveal ? "masks" : "shows",
                           ck, bk);
    dialog_footer(&r, foot);
    free(foot);
}

static bool action(struct view *v, struct app *app, enum action a)
{
    struct token_view *tv = priv(v);
    switch (a) {
    case ACT_REVEAL:
        tv->reveal = !tv->reveal;
        break;
    case ACT_COPY: {
        char *what = tv->url ? xasprintf("the URL of session %s", tv->session_id)
                             : xstrdup("the token");
        actions_copy(app, tv->token, what);
        free(what);
        break;
    }
    case ACT_BACK:
    case ACT_QUIT:
    case ACT_DETAILS:
        app_close_overlay(app);
        break;
    case ACT_REDRAW:
        return false;
    default:
        break; /* modal */
    }
    app->dirty = true;
    return true;
}

static int64_t next_tick(struct view *v, struct app *app, int64_t now)
{
    struct token_view *tv = priv(v);
    if (tv->expires_ms <= 0 || tv->expires_ms + 1000 < now)
        return -1;
    return now - now % 1000 + 1000;
}

static void destroy(struct view *v)
{
    struct token_view *tv = priv(v);
    wipe_free(tv->token);
    free(tv->account);
    free(tv->session_id);
    free(tv->template_name);
    free(tv);
    free(v);
}

static const struct view_ops token_ops = {
    .name = "token",
    .draw = draw,
    .action = action,
    .next_tick = next_tick,
    .destroy = destroy,
};

struct view *token_view_new(const char *account_label, const char *session_id,
                            const char *template_name, char *token)
{
    struct view *v = xcalloc(1, sizeof *v);
    struct token_view *tv = xcalloc(1, sizeof *tv);
    tv->account = xstrdup(account_label);
    tv->session_id = xstrdup(session_id);
    tv->template_name = xstrdup(template_name);
    tv->token = token ? token : xstrdup("");
    tv->expires_ms = jwt_expiry(tv->token);
    v->ops = &token_ops;
    v->priv = tv;
    return v;
}

struct view *url_view_new(const char *account_label, const char *session_id, int64_t expires_ms,
                          char *url)
{
    struct view *v = token_view_new(account_label, session_id, NULL, NULL);
    struct token_view *tv = priv(v);
    wipe_free(tv->token);
    tv->token = url ? url : xstrdup("");
    tv->url = true;
    tv->reveal = true;
    tv->expires_ms = expires_ms;
    return v;
}
