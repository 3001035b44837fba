/* session_outcome.c: what the answer to a revoke or log out says happened,
 * for both front ends: only an answer about the session asked for, saying
 * it ended, is a success; "already gone" is one too, in other words, and
 * forgets the session; anything else fails with ERR_PROVIDER. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "session_outcome.h"
#include "strslab.h"
#include "util.h"

static void answer(struct op_result *r, const char *id, enum session_status st)
{
    memset(r, 0, sizeof *r);
    if (!id)
        return;
    struct session *s = session_list_push(&r->sessions);
    s->id = strslab_dup(id);
    s->status = st;
}

static void expect(const struct provider *p, const struct op_result *r, int err,
                   const char *error, int rc, bool forget, const char *text)
{
    struct end_outcome o;
    session_end_outcome(p, "Acct", "sess_1", err, error, r, &o);
    assert_int_equal(o.rc, rc);
    assert_int_equal(o.forget, forget);
    assert_non_null(strstr(o.text, text));
    end_outcome_free(&o);
}

static void test_clerk_revoke(void **state)
{
    struct op_result r;
    answer(&r, "sess_1", SESSION_REVOKED);
    expect(&provider_clerk, &r, 0, NULL, 0, false, "revoked session sess_1 (Acct): Clerk says revoked");
    op_result_free(&r);
    answer(&r, "sess_1", SESSION_REMOVED); /* ended some other way: what was asked holds */
    expect(&provider_clerk, &r, 0, NULL, 0, false, "Clerk says removed");
    op_result_free(&r);
    /* not ended: a failure, whatever the HTTP status */
    answer(&r, "sess_1", SESSION_ACTIVE);
    expect(&provider_clerk, &r, 0, NULL, ERR_PROVIDER, false, "with status active: it was not ended");
    op_result_free(&r);
    answer(&r, "sess_1", SESSION_UNKNOWN);
    expect(&provider_clerk, &r, 0, NULL, ERR_PROVIDER, false, "with status unknown");
    op_result_free(&r);
    /* another session in the answer: nothing is taken from it */
    answer(&r, "sess_2", SESSION_REVOKED);
    struct end_outcome o;
    session_end_outcome(&provider_clerk, "Acct", "sess_1", 0, NULL, &r, &o);
    assert_int_equal(o.rc, ERR_PROVIDER);
    assert_null(o.session);
    assert_non_null(strstr(o.text, "with session sess_2: unexpected answer"));
    end_outcome_free(&o);
    op_result_free(&r);
    answer(&r, NULL, SESSION_UNKNOWN);
    expect(&provider_clerk, &r, 0, NULL, ERR_PROVIDER, false, "without a session");
    /* the job's own error stands */
    expect(&provider_clerk, &r, ERR_NETWORK, "no answer from Clerk in time", ERR_NETWORK, false,
           "no answer from Clerk in time");
}

static void test_logout(void **state)
{
    struct op_result r;
    answer(&r, "sess_1", SESSION_ENDED);
    r.forget_session = true;
    expect(&provider_plantly, &r, 0, NULL, 0, true,
           "logged out session sess_1 (Acct): Plantly ended it; its tokens are removed");
    /* already gone: the same policy for CBRAIN and Plantly */
    r.gone = true;
    expect(&provider_cbrain, &r, 0, NULL, 0, true,
           "session sess_1 (Acct) had already ended at CBRAIN: forgotten here");
    expect(&provider_plantly, &r, 0, NULL, 0, true, "had already ended at Plantly");
    op_result_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_clerk_revoke),
        cmocka_unit_test(test_logout),
    };
    return cmocka_run_group_tests_name("session_outcome", tests, NULL, NULL);
}
