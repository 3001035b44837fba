/* src/cli: the pure parts of the headless commands (--set, --status, the
 * options of a Basis Theory authorize, $BROWSER, JSON and table output,
 * secrets read from standard input). The commands themselves run against
 * the fake providers in tests/integration/test_cli.sh. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <cJSON.h>
#include <fcntl.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "strpool.h"
#include "util.h"

/* ---- --set ------------------------------------------------------------------ */

static void test_parse_set(void **state)
{
    char *k, *v, *err = NULL;
    assert_int_equal(cli_parse_set("app_id=abc", &k, &v, &err), 0);
    assert_string_equal(k, "app_id");
    assert_string_equal(v, "abc");
    free(k);
    free(v);
    assert_int_equal(cli_parse_set("redirect_uri=https://x/?a=b", &k, &v, &err), 0);
    assert_string_equal(k, "redirect_uri");
    assert_string_equal(v, "https://x/?a=b");
    free(k);
    free(v);
    /* a value is trimmed before it is checked and stored */
    assert_int_equal(cli_parse_set("session_length= 1h ", &k, &v, &err), 0);
    assert_string_equal(v, "1h");
    free(k);
    free(v);
    assert_int_equal(cli_parse_set("user_id=", &k, &v, &err), 0);
    assert_string_equal(v, "");
    free(k);
    free(v);
    assert_int_equal(cli_parse_set("=x", &k, &v, &err), ERR_USAGE);
    assert_non_null(strstr(err, "KEY=VALUE"));
    free(err);
    err = NULL;
    assert_int_equal(cli_parse_set("novalue", &k, &v, &err), ERR_USAGE);
    assert_null(k);
    free(err);
}

/* Every field that is not secret refuses control characters, one with no
 * validator of its own too: nothing is flattened or cut silently. */
static void test_sets_refuse_control_chars(void **state)
{
    struct account a = {0};
    char *err = NULL;
    char *bad[] = {"consumer_name=Acme\nCorp"};
    assert_int_equal(cli_apply_sets(&provider_apideck, &a, bad, 1, &err), ERR_USAGE);
    assert_non_null(strstr(err, "consumer_name: "));
    assert_non_null(strstr(err, "holds control characters"));
    assert_null(account_field(&a, "consumer_name"));
    free(err);
    err = NULL;
    char *tab[] = {"login=a\tb"};
    assert_int_equal(cli_apply_sets(&provider_cbrain, &a, tab, 1, &err), ERR_USAGE);
    free(err);
    err = NULL;
    char *spaced[] = {"app_id=fake-app", "consumer_id=c1", "session_length= 1h"};
    assert_int_equal(cli_apply_sets(&provider_apideck, &a, spaced, 3, &err), 0);
    assert_string_equal(account_field(&a, "session_length"), "1h");
    account_free(&a);
}

static void test_sets_refuse_secrets(void **state)
{
    struct account a = {0};
    char *sets[] = {"user_id=user_1", "api_key=sk_test_leak"};
    char *err = NULL;
    assert_int_equal(cli_apply_sets(&provider_clerk, &a, sets, 2, &err), ERR_USAGE);
    assert_non_null(strstr(err, "secrets are never taken from the command line"));
    assert_null(strstr(err, "sk_test_leak"));
    assert_null(account_field(&a, "api_key"));
    free(err);
    account_free(&a);
}

static void test_sets_unknown_and_missing(void **state)
{
    struct account a = {0};
    char *err = NULL;
    char *bad[] = {"colour=blue"};
    assert_int_equal(cli_apply_sets(&provider_clerk, &a, bad, 1, &err), ERR_USAGE);
    assert_non_null(strstr(err, "no field 'colour'"));
    assert_non_null(strstr(err, "user_id"));
    assert_null(strstr(err, "api_key")); /* secrets are not offered for --set */
    free(err);
    err = NULL;

    /* Apideck: app_id and consumer_id are required and not secret */
    assert_int_equal(cli_apply_sets(&provider_apideck, &a, NULL, 0, &err), ERR_USAGE);
    assert_non_null(strstr(err, "--set app_id=..."));
    assert_non_null(strstr(err, "--set consumer_id=..."));
    assert_null(strstr(err, "api_key"));
    free(err);
    err = NULL;
    char *half[] = {"app_id=fake-app"};
    assert_int_equal(cli_apply_sets(&provider_apideck, &a, half, 1, &err), ERR_USAGE);
    assert_null(strstr(err, "app_id"));
    assert_non_null(strstr(err, "consumer_id"));
    free(err);
    err = NULL;
    account_free(&a);

    char *ok[] = {"app_id=fake-app", "consumer_id=c1", "session_length=30m"};
    assert_int_equal(cli_apply_sets(&provider_apideck, &a, ok, 3, &err), 0);
    assert_null(err);
    assert_string_equal(account_field(&a, "consumer_id"), "c1");
    assert_string_equal(account_field(&a, "session_length"), "30m");
    /* an empty value unsets an optional field */
    char *unset[] = {"session_length="};
    assert_int_equal(cli_apply_sets(&provider_apideck, &a, unset, 1, &err), 0);
    assert_null(account_field(&a, "session_length"));
    account_free(&a);

    char *plantly_missing[] = {"email_address="};
    assert_int_equal(cli_apply_sets(&provider_plantly, &a, plantly_missing, 1, &err), ERR_USAGE);
    assert_non_null(strstr(err, "email_address"));
    free(err);
    account_free(&a);
}

/* ---- authorize options ---------------------------------------------------- */

static void test_authorize_options(void **state)
{
    char *out = NULL, *err = NULL;
    char *perms[] = {"token:read", "token:create"};
    assert_int_equal(cli_authorize_options(perms, 2, NULL, NULL, &out, &err), 0);
    assert_string_equal(out, "{\"permissions\":[\"token:read\",\"token:create\"]}");
    free(out);

    const char *rule = "{\"container\":\"/pci/\",\"permissions\":[\"token:read\"]}";
    assert_int_equal(cli_authorize_options(NULL, 0, rule, "2030-01-31T12:00:00Z", &out, &err), 0);
    cJSON *j = cJSON_Parse(out);
    assert_non_null(j);
    cJSON *rules = cJSON_GetObjectItem(j, "rules");
    assert_true(cJSON_IsArray(rules)); /* one rule object becomes a list */
    assert_int_equal(cJSON_GetArraySize(rules), 1);
    assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(rules, 0), "container")->valuestring,
                        "/pci/");
    assert_string_equal(cJSON_GetObjectItem(j, "expires_at")->valuestring, "2030-01-31T12:00:00Z");
    assert_null(cJSON_GetObjectItem(j, "permissions"));
    cJSON_Delete(j);
    free(out);

    assert_int_equal(cli_authorize_options(perms, 1, "[{\"priority\":1}]", NULL, &out, &err), 0);
    j = cJSON_Parse(out);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(j, "permissions")), 1);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(j, "rules")), 1);
    cJSON_Delete(j);
    free(out);
}

static void test_authorize_options_refused(void **state)
{
    char *out = NULL, *err = NULL;
    assert_int_equal(cli_authorize_options(NULL, 0, NULL, NULL, &out, &err), ERR_USAGE);
    assert_non_null(strstr(err, "--permission"));
    assert_null(out);
    free(err);
    assert_int_equal(cli_authorize_options(NULL, 0, "[]", NULL, &out, &err), ERR_USAGE);
    free(err);
    assert_int_equal(cli_authorize_options(NULL, 0, "\"x\"", NULL, &out, &err), ERR_USAGE);
    assert_non_null(strstr(err, "--rules"));
    free(err);
    assert_int_equal(cli_authorize_options(NULL, 0, "[1]", NULL, &out, &err), ERR_USAGE);
    free(err);
    char *perms[] = {"token:read"};
    assert_int_equal(cli_authorize_options(perms, 1, NULL, "tomorrow", &out, &err), ERR_USAGE);
    assert_non_null(strstr(err, "ISO 8601"));
    free(err);
    char *empty[] = {""};
    assert_int_equal(cli_authorize_options(empty, 1, NULL, NULL, &out, &err), ERR_USAGE);
    free(err);
}

static void test_parse_status(void **state)
{
    enum session_status st;
    char *err = NULL;
    assert_int_equal(cli_parse_status("active", &st, &err), 0);
    assert_int_equal(st, SESSION_ACTIVE);
    assert_int_equal(cli_parse_status("expired", &st, &err), 0);
    assert_int_equal(st, SESSION_EXPIRED);
    /* every status a session can be seen in, unknown too (a refused
     * Plantly renewal leaves it so) */
    for (int i = 0; i < SESSION_STATUS_COUNT; i++) {
        assert_int_equal(cli_parse_status(session_status_name((enum session_status)i), &st,
                                          &err), 0);
        assert_int_equal(st, i);
    }
    assert_int_equal(cli_parse_status("alive", &st, &err), ERR_USAGE);
    assert_non_null(strstr(err, "revoked"));
    assert_non_null(strstr(err, "unknown"));
    free(err);
}

/* ---- listings ---------------------------------------------------------------- */

#define T0 1700000000000LL /* 2023-11-14T22:13:20Z */

static void make_account(struct account *a, const char *id, const char *label,
                         const char *provider)
{
    memset(a, 0, sizeof *a);
    a->id = xstrdup(id);
    a->label = xstrdup(label);
    a->provider_id = xstrdup(provider);
}

static void fill_listing(struct cli_listing *l, struct account *clerk, struct account *vault)
{
    make_account(clerk, "prod", "Clerk prod", "clerk");
    make_account(vault, "vault", "Vault \x1b[31mred", "apideck");
    struct session s = {0};
    s.id = "sess_old";
    s.user_id = strpool_get("user_1");
    s.user_display = strpool_get("Ada Lovelace <ada@example.com>");
    s.status = SESSION_ACTIVE;
    s.created_ms = T0 - 3600000;
    s.last_active_ms = T0 - 60000;
    s.expires_ms = T0 + 86400000LL * 2 + 3600000;
    s.ip = "192.0.2.1";
    s.place = strpool_get("Berlin, DE");
    cli_listing_add(l, clerk, &s, T0);
    strpool_put(s.user_id);
    strpool_put(s.user_display);
    strpool_put(s.place);
    struct session v = {0};
    v.id = "vault-0123456789ab";
    v.status = SESSION_ACTIVE;
    v.created_ms = T0 - 7200000;
    v.expires_ms = T0 - 1000; /* past: shows as expired */
    v.tracked = true;
    v.has_url = true;
    cli_listing_add(l, vault, &v, T0);
    struct session n = {0};
    n.id = "sess_new";
    n.user_id = strpool_get("user_2");
    n.status = SESSION_REVOKED;
    n.created_ms = T0 - 60000;
    cli_listing_add(l, clerk, &n, T0);
    strpool_put(n.user_id);
}

static void free_accounts(struct account *a, struct account *b)
{
    account_free(a);
    account_free(b);
}

static void test_listing_json(void **state)
{
    struct cli_listing l = {0};
    struct account clerk, vault;
    fill_listing(&l, &clerk, &vault);
    struct account broken;
    make_account(&broken, "bt", "BT test", "basistheory");
    cli_listing_fail(&l, &broken, ERR_NETWORK, "could not connect to Basis Theory");
    cli_listing_sort(&l);
    char *doc = cli_listing_json(&l);
    cJSON *j = cJSON_Parse(doc);
    assert_non_null(j);
    cJSON *arr = cJSON_GetObjectItem(j, "sessions");
    assert_int_equal(cJSON_GetArraySize(arr), 3);
    /* Clerk rows first (added first), newest first within the account */
    cJSON *first = cJSON_GetArrayItem(arr, 0);
    assert_string_equal(cJSON_GetObjectItem(first, "id")->valuestring, "sess_new");
    assert_string_equal(cJSON_GetObjectItem(first, "status")->valuestring, "revoked");
    assert_true(cJSON_IsNull(cJSON_GetObjectItem(first, "user")));
    assert_true(cJSON_IsNull(cJSON_GetObjectItem(first, "expires_at")));
    cJSON *old = cJSON_GetArrayItem(arr, 1);
    assert_string_equal(cJSON_GetObjectItem(old, "account")->valuestring, "prod");
    assert_string_equal(cJSON_GetObjectItem(old, "account_label")->valuestring, "Clerk prod");
    assert_string_equal(cJSON_GetObjectItem(old, "provider")->valuestring, "clerk");
    assert_string_equal(cJSON_GetObjectItem(old, "user_id")->valuestring, "user_1");
    assert_string_equal(cJSON_GetObjectItem(old, "user")->valuestring,
                        "Ada Lovelace <ada@example.com>");
    assert_string_equal(cJSON_GetObjectItem(old, "created_at")->valuestring,
                        "2023-11-14T21:13:20Z");
    assert_string_equal(cJSON_GetObjectItem(old, "last_active_at")->valuestring,
                        "2023-11-14T22:12:20Z");
    assert_string_equal(cJSON_GetObjectItem(old, "place")->valuestring, "Berlin, DE");
    assert_true(cJSON_IsNull(cJSON_GetObjectItem(old, "client_id")));
    assert_true(cJSON_IsFalse(cJSON_GetObjectItem(old, "tracked")));
    cJSON *v = cJSON_GetArrayItem(arr, 2);
    assert_string_equal(cJSON_GetObjectItem(v, "status")->valuestring, "expired");
    assert_true(cJSON_IsTrue(cJSON_GetObjectItem(v, "tracked")));
    assert_true(cJSON_IsTrue(cJSON_GetObjectItem(v, "has_url")));
    /* labels are sanitised: no escape sequence reaches a terminal via jq -r */
    assert_null(strchr(cJSON_GetObjectItem(v, "account_label")->valuestring, '\x1b'));
    cJSON *errs = cJSON_GetObjectItem(j, "errors");
    assert_int_equal(cJSON_GetArraySize(errs), 1);
    cJSON *e = cJSON_GetArrayItem(errs, 0);
    assert_string_equal(cJSON_GetObjectItem(e, "account")->valuestring, "bt");
    assert_string_equal(cJSON_GetObjectItem(e, "account_label")->valuestring, "BT test");
    assert_int_equal(cJSON_GetObjectItem(e, "code")->valueint, ERR_NETWORK);
    assert_string_equal(cJSON_GetObjectItem(e, "error")->valuestring,
                        "could not connect to Basis Theory");
    cJSON_Delete(j);
    free(doc);
    cli_listing_free(&l);
    free_accounts(&clerk, &vault);
    account_free(&broken);
}

static void test_listing_json_empty(void **state)
{
    struct cli_listing l = {0};
    char *doc = cli_listing_json(&l);
    cJSON *j = cJSON_Parse(doc);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(j, "sessions")), 0);
    assert_true(cJSON_IsArray(cJSON_GetObjectItem(j, "errors")));
    cJSON_Delete(j);
    free(doc);
}

/* The table at T0, relative times, width columns wide (0: never cut). */
static char *render_table_as(const struct cli_listing *l, enum time_mode tm, int width)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    struct cli_view v;
    cli_view_default(&v, T0);
    v.time = tm;
    v.width = width;
    cli_listing_table(f, l, &v);
    fclose(f);
    char *copy = xstrdup(buf); /* a plain heap string (open_memstream kept &buf) */
    free(buf);
    return copy;
}

static char *render_table(const struct cli_listing *l)
{
    return render_table_as(l, TIME_RELATIVE, 0);
}

/* Byte offset of the display column col in a line of ASCII/UTF-8. */
static size_t column_at(const char *line, const char *word)
{
    const char *p = strstr(line, word);
    assert_non_null(p);
    char *prefix = xstrndup(line, (size_t)(p - line));
    size_t w = cli_text_width(prefix);
    free(prefix);
    return w;
}

static void test_listing_table(void **state)
{
    struct cli_listing l = {0};
    struct account clerk, vault;
    fill_listing(&l, &clerk, &vault);
    cli_listing_sort(&l);
    char *out = render_table(&l);
    char *lines[8] = {0};
    int n = 0;
    for (char *save = NULL, *s = strtok_r(out, "\n", &save); s && n < 8;
         s = strtok_r(NULL, "\n", &save))
        lines[n++] = s;
    assert_int_equal(n, 4);
    assert_non_null(strstr(lines[0], "ACCOUNT"));
    assert_non_null(strstr(lines[0], "EXPIRES"));
    assert_null(strstr(lines[0], "IDLE")); /* no session has an idle limit: left out */
    /* columns line up: SESSION header and each id start at the same column */
    size_t col = column_at(lines[0], "SESSION");
    assert_int_equal(column_at(lines[1], "sess_new"), col);
    assert_int_equal(column_at(lines[2], "sess_old"), col);
    assert_int_equal(column_at(lines[3], "vault-0123456789ab"), col);
    size_t st = column_at(lines[0], "STATUS");
    assert_int_equal(column_at(lines[1], "revoked"), st);
    assert_int_equal(column_at(lines[3], "expired"), st);
    /* times relative to now, the countdown; dashes for unknown */
    assert_non_null(strstr(lines[2], "1h ago"));
    assert_non_null(strstr(lines[2], "1m ago"));
    assert_non_null(strstr(lines[2], "in 2d 01h"));
    assert_non_null(strstr(lines[1], " -"));
    assert_non_null(strstr(lines[2], "Ada Lovelace"));
    assert_non_null(strstr(lines[1], "user_2")); /* no name known: the id */
    assert_non_null(strstr(lines[3], "Apideck Vault"));
    /* no escape sequence from a label reaches the terminal */
    assert_null(strchr(lines[3], '\x1b'));
    free(out);
    /* absolute: in the local zone (UTC here) */
    out = render_table_as(&l, TIME_ABSOLUTE, 0);
    assert_non_null(strstr(out, "2023-11-14 21:13"));
    assert_non_null(strstr(out, "2023-11-16 23:13"));
    assert_null(strstr(out, "ago"));
    free(out);
    cli_listing_free(&l);
    free_accounts(&clerk, &vault);
}

static void test_listing_filter_and_empty(void **state)
{
    struct cli_listing l = {0};
    struct account clerk, vault;
    fill_listing(&l, &clerk, &vault);
    cli_listing_filter(&l, SESSION_EXPIRED);
    assert_int_equal(l.n, 1);
    assert_string_equal(l.rows[0].s.id, "vault-0123456789ab");
    cli_listing_filter(&l, SESSION_ACTIVE);
    assert_int_equal(l.n, 0);
    char *out = render_table(&l);
    assert_string_equal(out, "no sessions\n");
    free(out);
    cli_listing_free(&l);
    free_accounts(&clerk, &vault);
}

/* Piped (no width), nothing is cut; on a terminal of 60 columns the cut
 * is marked and the columns still line up, the session id whole. */
static void test_table_cuts_to_width_only(void **state)
{
    struct cli_listing l = {0};
    struct account a;
    static const char label[] = "Konto \xc3\xbc" "ber alles und noch viel mehr dazu";
    static const char user[] = "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e\xe3\x81\xae\xe5\x90\x8d"
                               "\xe5\x89\x8d with a very long tail that goes on and on and on";
    make_account(&a, "a", label, "clerk");
    struct session s = {0};
    s.id = "sess_2dp0a1wMtIJY5kePaBlUeUY7ctn";
    s.user_display = strpool_get(user);
    s.status = SESSION_ACTIVE;
    cli_listing_add(&l, &a, &s, T0);
    strpool_put(s.user_display);
    char *out = render_table(&l);
    assert_non_null(strstr(out, label)); /* whole */
    assert_non_null(strstr(out, user));
    assert_null(strstr(out, "\xe2\x80\xa6"));
    free(out);
    out = render_table_as(&l, TIME_RELATIVE, 60);
    char *second = strchr(out, '\n') + 1;
    assert_non_null(strstr(second, "\xe2\x80\xa6")); /* the cut is marked */
    assert_int_equal(column_at(out, "SESSION"), column_at(second, "sess_2dp0"));
    assert_non_null(strstr(second, s.id));              /* the session id whole */
    for (char *line = out; *line;) {
        char *nl = strchr(line, '\n');
        char *one = xstrndup(line, (size_t)(nl - line));
        assert_true(cli_text_width(one) <= 60);
        free(one);
        line = nl + 1;
    }
    free(out);
    cli_listing_free(&l);
    account_free(&a);
}

static void test_accounts_output(void **state)
{
    struct account_list l = {0};
    l.v = xcalloc(2, sizeof *l.v);
    l.n = l.cap = 2;
    make_account(&l.v[0], "prod", "Clerk prod", "clerk");
    account_set_field(&l.v[0], "user_id", "user_1");
    make_account(&l.v[1], "vault", "Vault", "apideck");
    l.v[1].base_url = xstrdup("http://127.0.0.1:9/apideck");
    l.v[1].allow_http = true;
    char *doc = cli_accounts_json(&l);
    cJSON *j = cJSON_Parse(doc);
    cJSON *arr = cJSON_GetObjectItem(j, "accounts");
    assert_int_equal(cJSON_GetArraySize(arr), 2);
    cJSON *a0 = cJSON_GetArrayItem(arr, 0);
    assert_string_equal(cJSON_GetObjectItem(a0, "id")->valuestring, "prod");
    assert_string_equal(cJSON_GetObjectItem(a0, "provider_title")->valuestring, "Clerk");
    assert_true(cJSON_IsNull(cJSON_GetObjectItem(a0, "base_url")));
    assert_string_equal(cJSON_GetObjectItem(a0, "effective_base_url")->valuestring,
                        "https://api.clerk.com/v1");
    assert_string_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(a0, "fields"), "user_id")
                            ->valuestring, "user_1");
    cJSON *a1 = cJSON_GetArrayItem(arr, 1);
    assert_true(cJSON_IsTrue(cJSON_GetObjectItem(a1, "allow_http")));
    assert_string_equal(cJSON_GetObjectItem(a1, "base_url")->valuestring,
                        "http://127.0.0.1:9/apideck");
    cJSON_Delete(j);
    free(doc);

    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    cli_accounts_table(f, &l);
    fclose(f);
    assert_non_null(strstr(buf, "ID"));
    assert_non_null(strstr(buf, "user_id=user_1"));
    assert_non_null(strstr(buf, "allow-http"));
    assert_non_null(strstr(buf, "Apideck Vault"));
    free(buf);
    account_list_free(&l);
}

/* ---- JSON arguments, secrets from stdin --------------------------------- */

static void test_json_arg(void **state)
{
    char *out = NULL, *err = NULL;
    assert_int_equal(cli_json_arg("--options", "{\"a\":1}", &out, &err), 0);
    assert_string_equal(out, "{\"a\":1}");
    free(out);
    assert_int_equal(cli_json_arg("--options", "{oops", &out, &err), ERR_USAGE);
    assert_non_null(strstr(err, "--options"));
    free(err);
    err = NULL;

    char path[] = "/tmp/sesame-test-json-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    const char *text = "[{\"permissions\":[\"token:read\"]}]\n";
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    char *arg = xasprintf("@%s", path);
    assert_int_equal(cli_json_arg("--rules", arg, &out, &err), 0);
    assert_string_equal(out, text);
    free(out);
    unlink(path);
    assert_int_equal(cli_json_arg("--rules", arg, &out, &err), ERR_USAGE);
    assert_non_null(strstr(err, "cannot open"));
    free(err);
    free(arg);
}

static void test_secrets_from_stdin(void **state)
{
    int p[2];
    assert_int_equal(pipe(p), 0);
    const char *input = "sk_test_fake\r\n\nlast-without-newline";
    assert_int_equal(write(p[1], input, strlen(input)), (ssize_t)strlen(input));
    close(p[1]);
    int saved = dup(STDIN_FILENO);
    dup2(p[0], STDIN_FILENO);
    close(p[0]);
    char *s = NULL, *err = NULL;
    assert_int_equal(cli_read_secret("Secret key", &s, &err), 0);
    assert_string_equal(s, "sk_test_fake"); /* CR LF ends a line too */
    wipe_free(s);
    assert_int_equal(cli_read_secret("Optional", &s, &err), 0);
    assert_string_equal(s, ""); /* an empty line: skipped optional secret */
    wipe_free(s);
    assert_int_equal(cli_read_secret("Last", &s, &err), 0);
    assert_string_equal(s, "last-without-newline");
    wipe_free(s);
    assert_int_equal(cli_read_secret("More", &s, &err), ERR_USAGE);
    assert_null(s);
    assert_non_null(strstr(err, "standard input ended"));
    free(err);
    dup2(saved, STDIN_FILENO);
    close(saved);
}

static void test_command_table(void **state)
{
    static const char *const names[] = {"account", "sessions", "refresh", "create", "authorize",
                                        "revoke", "token", "verify", "open"};
    for (size_t i = 0; i < ARRAY_LEN(names); i++) {
        const struct cli_command *c = cli_find(names[i]);
        assert_non_null(c);
        assert_non_null(strstr(c->usage, names[i]));
    }
    assert_null(cli_find("nope"));
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    cli_print_help(f);
    fclose(f);
    for (size_t i = 0; i < ARRAY_LEN(names); i++)
        assert_non_null(strstr(buf, names[i]));
    assert_non_null(strstr(buf, "Exit status"));
    assert_non_null(strstr(buf, "6  config"));
    free(buf);
}

/* Every command's help says what it does, names every option it reads,
 * gives examples and the exit statuses: an option added without a word in
 * its help fails here. */
static void test_every_option_in_help(void **state)
{
    size_t n = 0;
    for (const struct cli_command *c = cli_commands(); c->name; c++, n++) {
        char *buf = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&buf, &len);
        cli_print_command_help(f, c->name);
        fclose(f);
        if (!strstr(buf, "Examples:\n"))
            fail_msg("sesame %s --help has no examples", c->name);
        if (!strstr(buf, "Exit status:\n"))
            fail_msg("sesame %s --help has no exit statuses", c->name);
        if (!strstr(buf, "--timeout SECONDS"))
            fail_msg("sesame %s --help does not say --timeout", c->name);
        assert_int_equal(strncmp(buf, "usage: sesame ", 14), 0);
        assert_non_null(c->opts[0]);
        for (size_t k = 0; k < CLI_OPTION_SETS && c->opts[k]; k++)
            for (const struct option *o = c->opts[k]; o->name; o++) {
                char *want = xasprintf("--%s", o->name);
                if (!strstr(buf, want))
                    fail_msg("sesame %s --help does not say %s", c->name, want);
                free(want);
            }
        free(buf);
    }
    assert_int_equal(n, 10); /* log too */
    /* the sessions help lists every column */
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    cli_print_command_help(f, "sessions");
    fclose(f);
    for (int c = 0; c < COLUMN_COUNT; c++) {
        char *want = xasprintf("\n  %s ", column_def((enum column_id)c)->name);
        assert_non_null(strstr(buf, want));
        free(want);
    }
    free(buf);
    assert_string_equal(cli_suggest_command("sesions"), "sessions");
    assert_string_equal(cli_suggest_command("hlep"), "help");
    assert_null(cli_suggest_command("frobnicate"));
}

static void test_parse_timeout(void **state)
{
    int64_t ms = 0;
    assert_int_equal(cli_parse_timeout("10", &ms), 0);
    assert_int_equal(ms, 10000);
    assert_int_equal(cli_parse_timeout("3600", &ms), 0);
    static const char *const bad[] = {"0", "3601", "-1", "10s", "", " 5", "1e3",
                                      "99999999999999999999"};
    for (size_t i = 0; i < ARRAY_LEN(bad); i++)
        assert_int_equal(cli_parse_timeout(bad[i], &ms), ERR_USAGE);
    assert_int_equal(cli_parse_timeout(NULL, &ms), ERR_USAGE);
}

int main(void)
{
    setenv("TZ", "UTC", 1);
    tzset();
    if (!setlocale(LC_ALL, "C.UTF-8"))
        setlocale(LC_ALL, "en_US.UTF-8");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_set),
        cmocka_unit_test(test_sets_refuse_secrets),
        cmocka_unit_test(test_sets_refuse_control_chars),
        cmocka_unit_test(test_sets_unknown_and_missing),
        cmocka_unit_test(test_authorize_options),
        cmocka_unit_test(test_authorize_options_refused),
        cmocka_unit_test(test_parse_status),
        cmocka_unit_test(test_listing_json),
        cmocka_unit_test(test_listing_json_empty),
        cmocka_unit_test(test_listing_table),
        cmocka_unit_test(test_listing_filter_and_empty),
        cmocka_unit_test(test_table_cuts_to_width_only),
        cmocka_unit_test(test_every_option_in_help),
        cmocka_unit_test(test_parse_timeout),
        cmocka_unit_test(test_accounts_output),
        cmocka_unit_test(test_json_arg),
        cmocka_unit_test(test_secrets_from_stdin),
        cmocka_unit_test(test_command_table),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
