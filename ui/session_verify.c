/* V: Clerk's deprecated verify of a session token, as `sesame verify` does
 * it: the token typed into a secret field (masked, wiped), the answer
 * checked to be about the session asked for (session_outcome.h), and the
 * status Clerk gave shown. Clerk answers 410 nowadays; that is said too. */
#include <stdlib.h>
#include <string.h>

#include "action_common.h"
#include "actions.h"
#include "form.h"
#include "session_outcome.h"
#include "util.h"

static void verified(struct app *app, struct event *ev, void *ctx)
{
    struct act_target *v = ctx;
    char *why = NULL;
    const struct session *s =
        ev->err ? NULL : session_answered(v->p, v->session_id, "verify", &ev->result, &why);
    if (ev->err)
        app_error(app, "%s: %s", act_name_of(&v->a), ev->error ? ev->error : "failed");
    else if (!s)
        app_error(app, "%s: %s", act_name_of(&v->a), why);
    else
        app_message(app, "session %s verified: %s says %s", s->id, v->p->title,
                    session_status_name(s->status));
    free(why);
}

static enum form_answer verify_submit(struct app *app, struct form *f, void *ctx)
{
    struct act_target *v = ctx;
    if (form_validate(f))
        return FORM_KEEP;
    struct job j = act_op_job(&v->a, OP_VERIFY);
    j.args.session_id = xstrdup(v->session_id);
    j.args.verify_token = xstrdup(form_value(f, "token")); /* wiped with the job */
    uint64_t job = request_submit(app, &j, "verifying", verified,
                                  act_target_new(&v->a, v->p, v->session_id, NULL),
                                  act_target_free);
    app_progress(app, job, "verifying a token of session %s", v->session_id);
    return FORM_CLOSE;
}

void act_verify(struct app *app)
{
    struct session s;
    struct store_account *sa;
    if (!act_current_session(app, "verify", &s, &sa))
        return;
    if (!(sa->provider->caps & CAP_VERIFY)) {
        app_error(app, "%s sessions have no verify (only Clerk's do)", sa->provider->title);
    } else {
        struct form f;
        char *title = xasprintf("Verify a token of session %s", s.id);
        form_init(&f, title);
        free(title);
        f.note = xstrdup("Clerk has deprecated verify (it answers 410 on instances that no "
                         "longer offer it).");
        form_add(&f, FORM_SECRET, "token", "Session token", true,
                 "the __session JWT; kept in no file, wiped after use");
        app_open_overlay(app, form_view_new(&f, verify_submit, NULL,
                                            act_target_new(&sa->a, sa->provider, s.id, NULL),
                                            act_target_free));
    }
    session_free(&s);
}
