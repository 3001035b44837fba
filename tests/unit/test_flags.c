/* flags.c and seen.c: sessions that look wrong, and the memory of places. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <ftw.h>
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "account_policy.h"
#include "flags.h"
#include "seen.h"
#include "strpool.h"
#include "strslab.h"
#include "util.h"

#define NOW 1800000000000LL
#define HOUR (3600 * 1000LL)
#define DAY (24 * HOUR)

static char *root;

static int rm_entry(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
    return remove(p);
}

static int setup(void **state)
{
    const char *base = getenv("SESAME_TEST_TMP") ? getenv("SESAME_TEST_TMP") : "/tmp";
    root = xasprintf("%s/flags.XXXXXX", base);
    if (!mkdtemp(root))
        return -1;
    setenv("SESAME_STATE_DIR", root, 1);
    return 0;
}

static int teardown(void **state)
{
    nftw(root, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
    unsetenv("SESAME_STATE_DIR");
    free(root);
    return 0;
}

static struct session *add(struct session_list *l, const char *id, const char *user,
                           const char *place, const char *device, int64_t created,
                           enum session_status st)
{
    struct session *s = session_list_push(l);
    s->id = strslab_dup(id);
    s->user_id = strpool_get(user);
    s->place = strpool_get(place);
    s->device = strpool_get(device);
    s->created_ms = created;
    s->last_active_ms = created + HOUR;
    s->expires_ms = created + 7 * DAY;
    s->status = st;
    return s;
}

static void compute(struct session_list *l, const struct account_policy *pol,
                    struct seen_account *seen)
{
    struct session **v = xmalloc((l->n ? l->n : 1) * sizeof *v);
    for (size_t i = 0; i < l->n; i++)
        v[i] = &l->v[i];
    flags_compute(v, l->n, pol, seen, NOW);
    free(v);
}

static struct account_policy defaults(void)
{
    struct account a = {0};
    struct account_policy p;
    account_policy_of(&a, &p);
    return p;
}

static void test_names(void **state)
{
    assert_int_equal(flag_parse("impersonated"), FLAG_IMPERSONATED);
    assert_int_equal(flag_parse("IMP"), FLAG_IMPERSONATED);
    assert_int_equal(flag_parse("new-p"), FLAG_NEW_PLACE);
    assert_int_equal(flag_parse("new-d"), FLAG_NEW_DEVICE);
    assert_int_equal(flag_parse("many-live"), FLAG_MANY_LIVE);
    assert_int_equal(flag_parse("stale"), FLAG_STALE);
    assert_int_equal(flag_parse("new"), 0); /* place or device? */
    assert_int_equal(flag_parse(""), 0);
    assert_int_equal(flag_parse("bogus"), 0);
    char buf[64];
    assert_string_equal(flags_text(FLAG_IMPERSONATED | FLAG_STALE, buf, sizeof buf),
                        "impersonated stale");
    assert_string_equal(flags_text(FLAG_NEW_PLACE | FLAG_MANY_LIVE, buf, sizeof buf),
                        "new-place many-live");
    assert_string_equal(flags_text(0, buf, sizeof buf), "");
    assert_string_equal(flags_text(0x1f, buf, 20), "impersonated"); /* whole words only */
    assert_string_equal(place_country("Berlin, DE"), "DE");
    assert_string_equal(place_country("Washington, D.C., US"), "US");
    assert_string_equal(place_country("NZ"), "NZ");
    assert_null(place_country("Berlin"));
    assert_null(place_country(""));
    assert_null(place_country(NULL));
}

static void test_policy(void **state)
{
    struct account_policy p = defaults();
    assert_int_equal(p.expiring_ms, 10 * 60 * 1000);
    assert_int_equal(p.many_live, 5);
    assert_int_equal(p.stale_ms, 3 * DAY);
    assert_false(p.production || p.read_only || p.auto_refresh);
    struct account a = {0};
    account_set_field(&a, "expiring", "1h");
    account_set_field(&a, "many_live", "off");
    account_set_field(&a, "stale_after", "banana"); /* slipped past the check: the default */
    account_set_field(&a, "production", "yes");
    account_set_field(&a, "read_only", "TRUE");
    account_set_field(&a, "auto_refresh", "on");
    account_policy_of(&a, &p);
    assert_int_equal(p.expiring_ms, HOUR);
    assert_int_equal(p.many_live, 0);
    assert_int_equal(p.stale_ms, 3 * DAY);
    assert_true(p.production && p.read_only && p.auto_refresh);
    account_free(&a);
    char *why;
    assert_null(policy_check_bool("no"));
    assert_non_null(why = policy_check_bool("maybe"));
    free(why);
    assert_null(policy_check_duration_or_off("off"));
    assert_non_null(why = policy_check_duration_or_off("10 minutes"));
    free(why);
    assert_null(policy_check_count_or_off("12"));
    assert_null(policy_check_count_or_off("off"));
    assert_non_null(why = policy_check_count_or_off("0")); /* its message says 1 to 100000 */
    assert_non_null(strstr(why, "from 1 to 100000"));
    free(why);
    assert_non_null(why = policy_check_count_or_off("-3"));
    free(why);
    assert_non_null(why = policy_check_count_or_off("999999999999"));
    free(why);
}

static void test_read_only_refuses(void **state)
{
    struct account a = {.id = "clerk-prod", .label = "Clerk prod"};
    assert_null(account_refuses(&a, OP_REVOKE));
    account_set_field(&a, "read_only", "yes");
    enum op changing[] = {OP_REVOKE, OP_CREATE, OP_AUTHORIZE, OP_REFRESH};
    for (size_t i = 0; i < ARRAY_LEN(changing); i++) {
        char *why = account_refuses(&a, changing[i]);
        assert_non_null(why);
        assert_non_null(strstr(why, "Clerk prod is read-only"));
        assert_non_null(strstr(why, "sesame account edit clerk-prod --set read_only=no"));
        free(why);
    }
    enum op reading[] = {OP_LIST, OP_GET, OP_TOKEN, OP_INFO, OP_VERIFY};
    for (size_t i = 0; i < ARRAY_LEN(reading); i++)
        assert_null(account_refuses(&a, reading[i]));
    for (size_t i = 0; i < a.n_fields; i++) {
        free(a.fields[i].key);
        free(a.fields[i].value);
    }
}

/* The first session from a new country or device is flagged, those before
 * it and after it are not; a user's only place is not new. */
static void test_new_place_and_device(void **state)
{
    struct account_policy pol = defaults();
    struct seen_account *seen = seen_load("acct", NULL);
    struct session_list l = {0};
    add(&l, "s1", "ada", "Berlin, DE", "Macintosh", NOW - 5 * DAY, SESSION_ENDED);
    add(&l, "s2", "ada", "Munich, DE", "Macintosh", NOW - 50 * HOUR, SESSION_ACTIVE);
    add(&l, "s3", "ada", "Wellington, NZ", "iPhone", NOW - 2 * DAY, SESSION_ACTIVE);
    add(&l, "s4", "ada", "Auckland, NZ", "iPhone", NOW - 1 * DAY, SESSION_ACTIVE);
    add(&l, "s5", "bob", "Paris, FR", "Windows", NOW - 1 * DAY, SESSION_ACTIVE);
    compute(&l, &pol, seen);
    assert_int_equal(l.v[0].flags, 0);
    assert_int_equal(l.v[1].flags, 0); /* another city, the same country */
    assert_int_equal(l.v[2].flags, FLAG_NEW_PLACE | FLAG_NEW_DEVICE);
    assert_int_equal(l.v[3].flags, 0);
    assert_int_equal(l.v[4].flags, 0);
    char *why = flags_explain(&l.v[2], &pol, seen, 3, NOW);
    assert_non_null(strstr(why, "new place: the first of this user's sessions from NZ; before "
                                "it: DE"));
    assert_non_null(strstr(why, "new device: the first of this user's sessions on iPhone; "
                                "before it: Macintosh"));
    free(why);
    assert_true(seen->dirty);
    char *err = NULL;
    assert_int_equal(seen_save(seen, &err), 0);
    assert_false(seen->dirty);
    seen_free(seen);
    session_list_clear(&l);

    /* the sessions before it are gone: the memory still knows DE, so the
     * NZ session stays new, and a later one from NZ is not */
    seen = seen_load("acct", &err);
    assert_null(err);
    add(&l, "s3", "ada", "Wellington, NZ", "iPhone", NOW - 2 * DAY, SESSION_ACTIVE);
    add(&l, "s6", "ada", "Wellington, NZ", "iPhone", NOW - HOUR, SESSION_ACTIVE);
    compute(&l, &pol, seen);
    assert_int_equal(l.v[0].flags, FLAG_NEW_PLACE | FLAG_NEW_DEVICE);
    assert_int_equal(l.v[1].flags, 0);
    session_list_clear(&l);

    /* without a memory nothing is new; the provider's flag is kept */
    struct session *s = add(&l, "s7", "ada", "Lima, PE", "Android", NOW, SESSION_ACTIVE);
    s->flags = FLAG_IMPERSONATED | FLAG_NEW_PLACE;
    compute(&l, &pol, NULL);
    assert_int_equal(l.v[0].flags, FLAG_IMPERSONATED);
    session_list_clear(&l);
    seen_free(seen);
}

static void test_many_live_and_stale(void **state)
{
    struct account_policy pol = defaults();
    struct session_list l = {0};
    char id[16];
    for (int i = 0; i < 6; i++) {
        snprintf(id, sizeof id, "c%d", i);
        add(&l, id, "carol", NULL, NULL, NOW - HOUR - i, SESSION_ACTIVE);
    }
    add(&l, "ended", "carol", NULL, NULL, NOW - HOUR, SESSION_REVOKED);
    struct session *idle = add(&l, "idle", "dan", NULL, NULL, NOW - 6 * DAY, SESSION_ACTIVE);
    idle->last_active_ms = NOW - 4 * DAY;
    struct session *gone = add(&l, "gone", "dan", NULL, NULL, NOW - 6 * DAY, SESSION_ENDED);
    gone->last_active_ms = NOW - 4 * DAY;
    compute(&l, &pol, NULL);
    for (int i = 0; i < 6; i++)
        assert_int_equal(l.v[i].flags, FLAG_MANY_LIVE);
    assert_int_equal(l.v[6].flags, 0);      /* ended: not one of the many */
    assert_int_equal(l.v[7].flags, FLAG_STALE);
    assert_int_equal(l.v[8].flags, 0);      /* not live: not stale */
    char *why = flags_explain(&l.v[0], &pol, NULL, 6, NOW);
    assert_string_equal(why, "many live: the user has 6 live sessions at this account, more "
                             "than 5 (many_live)");
    free(why);
    why = flags_explain(&l.v[7], &pol, NULL, 1, NOW);
    assert_string_equal(why, "stale: live, but idle for 4d 00h, longer than 3d 00h (stale_after)");
    free(why);

    /* five live: not many; limits off: nothing */
    l.v[0].status = SESSION_REVOKED;
    compute(&l, &pol, NULL);
    assert_int_equal(l.v[1].flags, 0);
    pol.many_live = 0;
    pol.stale_ms = 0;
    l.v[0].status = SESSION_ACTIVE;
    compute(&l, &pol, NULL);
    assert_int_equal(l.v[1].flags, 0);
    assert_int_equal(l.v[7].flags, 0);
    session_list_clear(&l);
}

static void test_impersonated_reason(void **state)
{
    struct account_policy pol = defaults();
    struct session s = {0};
    s.flags = FLAG_IMPERSONATED;
    s.raw_json = xstrdup("{\"id\":\"s\",\"actor\":{\"sub\":\"user_admin\"}}");
    char *why = flags_explain(&s, &pol, NULL, 1, NOW);
    assert_string_equal(why, "impersonated: the provider says someone else acts as this user in "
                             "it (Clerk's actor user_admin)");
    free(why);
    free(s.raw_json);
    s.raw_json = NULL; /* the listing left it out: the reason without the name */
    why = flags_explain(&s, &pol, NULL, 1, NOW);
    assert_non_null(strstr(why, "(Clerk's actor)"));
    free(why);
}

/* The file read in place (jscan) and through cJSON (what jscan does not
 * vouch for) gives the same memory; what seen_to_json writes reads back. */
static struct seen_account *seen_text(const char *text)
{
    struct seen_account *s = seen_load("none", NULL);
    assert_int_equal(seen_from_json(s, text, strlen(text), NULL), 0);
    return s;
}

static void test_seen_file(void **state)
{
    /* odd but readable: a user that is not an object, a kind that is an
     * array, a value that is not a number, an unknown member; the second
     * holds a fraction, which only cJSON reads */
    const char *odd[] = {
        "{\"version\":1,\"x\":[1,{}],\"users\":{\"bob\":3,\"ada\":{\"last\":9,\"devices\":"
        "[\"iPhone\"],\"countries\":{\"DE\":4,\"NZ\":\"x\",\"FR\":6},\"y\":null}}}",
        "{\"version\":1,\"x\":[1,{}],\"users\":{\"bob\":3,\"ada\":{\"last\":9,\"devices\":"
        "[\"iPhone\"],\"countries\":{\"DE\":4,\"NZ\":\"x\",\"FR\":6.0},\"y\":null}}}",
    };
    for (size_t i = 0; i < 2; i++) {
        struct seen_account *s = seen_text(odd[i]);
        assert_int_equal(g_hash_table_size((GHashTable *)s->users), 1);
        struct seen_user *u = seen_user(s, "ada", false);
        assert_non_null(u);
        assert_int_equal(u->last_ms, 9);
        assert_int_equal(u->n[SEEN_DEVICE], 0);
        assert_int_equal(u->n[SEEN_COUNTRY], 2);
        assert_int_equal(seen_first(u, SEEN_COUNTRY, "DE"), 4);
        assert_int_equal(seen_first(u, SEEN_COUNTRY, "FR"), 6);
        seen_free(s);
    }
    /* quotes, backslashes and UTF-8 go out and come back */
    struct seen_account *s = seen_load("none", NULL);
    struct seen_user *u = seen_user(s, "user \"q\" \\ é", true);
    seen_note(s, u, SEEN_DEVICE, "Nintendo \"Switch\" \\ é", 5);
    seen_note(s, u, SEEN_COUNTRY, "DE", -3);
    u->last_ms = 123456789012345;
    char *text = seen_to_json(s);
    struct seen_account *back = seen_text(text);
    struct seen_user *b = seen_user(back, "user \"q\" \\ é", false);
    assert_non_null(b);
    assert_int_equal(b->last_ms, 123456789012345);
    assert_int_equal(seen_first(b, SEEN_DEVICE, "Nintendo \"Switch\" \\ é"), 5);
    assert_int_equal(seen_first(b, SEEN_COUNTRY, "DE"), -3);
    char *again = seen_to_json(back);
    assert_string_equal(again, text);
    free(again);
    free(text);
    seen_free(back);
    seen_free(s);
}

static void test_seen_bounds_and_damage(void **state)
{
    struct seen_account *s = seen_load("many", NULL);
    char id[32];
    for (int i = 0; i < SEEN_MAX_USERS + 50; i++) {
        snprintf(id, sizeof id, "u%d", i);
        struct seen_user *u = seen_user(s, id, true);
        u->last_ms = i;
    }
    struct seen_user *u = seen_user(s, "u0", false);
    for (int i = 0; i < SEEN_MAX_VALUES + 10; i++) {
        snprintf(id, sizeof id, "C%d", i);
        seen_note(s, u, SEEN_COUNTRY, id, i);
    }
    assert_int_equal(u->n[SEEN_COUNTRY], SEEN_MAX_VALUES);
    seen_trim(s);
    assert_int_equal(g_hash_table_size((GHashTable *)s->users), SEEN_MAX_USERS);
    assert_null(seen_user(s, "u0", false)); /* seen longest ago: gone first */
    assert_non_null(seen_user(s, "u10049", false));
    seen_free(s);

    /* a damaged file: an empty memory and a message, never a crash */
    char *dir = xasprintf("%s/seen", root), *path = xasprintf("%s/seen/bad.json", root);
    mkdir(dir, 0700);
    FILE *f = fopen(path, "w");
    fputs("{\"users\": [1, 2", f);
    fclose(f);
    char *err = NULL;
    s = seen_load("bad", &err);
    assert_non_null(err);
    assert_non_null(strstr(err, "starts afresh"));
    assert_int_equal(g_hash_table_size((GHashTable *)s->users), 0);
    free(err);
    seen_free(s);
    /* values that are not clean text are not taken back */
    f = fopen(path, "w");
    fputs("{\"users\":{\"u\":{\"last\":1,\"countries\":{\"\\u001b[31m\":5,\"DE\":\"x\","
          "\"FR\":7}}}}", f);
    fclose(f);
    s = seen_load("bad", NULL);
    u = seen_user(s, "u", false);
    assert_non_null(u);
    assert_int_equal(u->n[SEEN_COUNTRY], 1);
    assert_int_equal(seen_first(u, SEEN_COUNTRY, "FR"), 7);
    seen_free(s);
    seen_forget("bad");
    assert_int_equal(access(path, F_OK), -1);
    free(dir);
    free(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_names, setup, teardown),
        cmocka_unit_test_setup_teardown(test_policy, setup, teardown),
        cmocka_unit_test_setup_teardown(test_read_only_refuses, setup, teardown),
        cmocka_unit_test_setup_teardown(test_new_place_and_device, setup, teardown),
        cmocka_unit_test_setup_teardown(test_many_live_and_stale, setup, teardown),
        cmocka_unit_test_setup_teardown(test_impersonated_reason, setup, teardown),
        cmocka_unit_test_setup_teardown(test_seen_bounds_and_damage, setup, teardown),
        cmocka_unit_test_setup_teardown(test_seen_file, setup, teardown),
    };
    return cmocka_run_group_tests_name("flags", tests, NULL, NULL);
}
