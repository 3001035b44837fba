/* advice.c: what an account's error means and what to do, from its class
 * and message: a refused key (enter it anew, with the command that does),
 * a missing secret, TLS, an address that answers as something else, plain
 * http, the keyring locked or absent, a limit, the network. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "advice.h"
#include "providers/provider.h"
#include "util.h"

static struct advice get(int err, const char *msg, const char *provider, const char *id)
{
    struct account a;
    memset(&a, 0, sizeof a);
    a.id = (char *)id;
    struct advice adv;
    error_advice(err, msg, &a, provider_find(provider), &adv);
    return adv;
}

static void test_refused_key(void **state)
{
    struct advice a = get(ERR_PROVIDER, "HTTP 401 from Clerk: clerk_key_invalid: The provided "
                          "Clerk Secret Key is invalid.", "clerk", "clerk-staging");
    assert_int_equal(a.step, ADVICE_EDIT_SECRET);
    assert_string_equal(a.what, "Clerk refused the account's api_key.");
    assert_string_equal(a.command, "sesame account edit clerk-staging --secret api_key");
    advice_free(&a);
    a = get(ERR_PROVIDER, "HTTP 403 from CBRAIN: forbidden", "cbrain", "my lab");
    assert_int_equal(a.step, ADVICE_EDIT_SECRET);
    assert_string_equal(a.command, "sesame account edit 'my lab' --secret password");
    advice_free(&a);
}

static void test_missing_secret(void **state)
{
    struct advice a = get(ERR_KEYRING, "no private_key in the keyring for account bt: enter it "
                          "with: sesame account edit bt --secret private_key (or e in the "
                          "dashboard)", "basistheory", "bt");
    assert_int_equal(a.step, ADVICE_EDIT_SECRET);
    assert_string_equal(a.command, "sesame account edit bt --secret private_key");
    advice_free(&a);
}

static void test_addresses(void **state)
{
    struct advice a = get(ERR_NETWORK, "TLS with Clerk failed: unable to get local issuer "
                          "certificate (if it uses a private CA, name a CA file for the account)",
                          "clerk", "c");
    assert_int_equal(a.step, ADVICE_EDIT_ACCOUNT);
    assert_string_equal(a.command, "sesame account edit c --ca-file FILE");
    advice_free(&a);
    a = get(ERR_PROVIDER, "HTTP 302 from Clerk: redirect to https://login.example not followed",
            "clerk", "c");
    assert_int_equal(a.step, ADVICE_EDIT_ACCOUNT);
    assert_non_null(strstr(a.todo, "base URL"));
    advice_free(&a);
    a = get(ERR_USAGE, "plain http:// to example.com is refused: use https://", "clerk", "c");
    assert_int_equal(a.step, ADVICE_EDIT_ACCOUNT);
    assert_string_equal(a.command, "sesame account edit c --allow-http");
    advice_free(&a);
    a = get(ERR_NETWORK, "could not reach Clerk: Connection refused", "clerk", "c");
    assert_int_equal(a.step, ADVICE_RETRY);
    assert_null(a.command);
    assert_non_null(strstr(a.what, "could not be reached"));
    advice_free(&a);
    /* a 5xx is an answer: Clerk was reached, and failed on its side */
    a = get(ERR_NETWORK, "HTTP 500 from Clerk: internal_clerk_error: Oops", "clerk", "c");
    assert_int_equal(a.step, ADVICE_RETRY);
    assert_null(strstr(a.what, "could not be reached"));
    assert_non_null(strstr(a.what, "server error"));
    advice_free(&a);
}

static void test_keyring_and_limits(void **state)
{
    struct advice a = get(ERR_KEYRING, "the keyring is locked (...): unlock it", "clerk", "c");
    assert_int_equal(a.step, ADVICE_UNLOCK_KEYRING);
    advice_free(&a);
    a = get(ERR_KEYRING, "no Secret Service on the session bus", "clerk", "c");
    assert_int_equal(a.step, ADVICE_START_KEYRING);
    advice_free(&a);
    a = get(ERR_PROVIDER, "HTTP 429 from Clerk: too many requests", "clerk", "c");
    assert_int_equal(a.step, ADVICE_WAIT);
    advice_free(&a);
    a = get(ERR_CONFIG, "unknown provider 'okta'", NULL, "c");
    assert_int_equal(a.step, ADVICE_FIX_CONFIG);
    assert_non_null(a.what);
    advice_free(&a);
    a = get(ERR_INTERNAL, NULL, NULL, NULL); /* whatever comes, something to say */
    assert_non_null(a.what);
    assert_non_null(a.todo);
    advice_free(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_refused_key),
        cmocka_unit_test(test_missing_secret),
        cmocka_unit_test(test_addresses),
        cmocka_unit_test(test_keyring_and_limits),
    };
    return cmocka_run_group_tests_name("advice", tests, NULL, NULL);
}
