/* Clerk Backend API (specs/clerk-bapi.yml, NOTES.md section 1): sessions
 * are listed remotely, per user or per client, and can be fetched, revoked,
 * verified (deprecated, 410) or turned into a JWT from a template.
 *
 * Clerk limits the Backend API per instance (100 requests per 10 s in
 * development, 1000 in production, shared with the customer's own back
 * end), and listing costs a request per user. So a listing asks only for
 * the users who can have a live session, and a refresh only for what can
 * have changed. OP_LIST runs in steps told apart by args->phase:
 *   - with a user or client filter (from args, else the account's default
 *     fields): GET /sessions?...&limit=500&offset=N&paginated=true; the
 *     first page emits every further page at once (from total_count), then
 *     OP_USERS for the page's distinct user ids, so sessions get names;
 *   - without a filter (Clerk wants one): phase WALK_USERS walks the users
 *     active within the account's session window (last_active_at_after,
 *     default 7 days: Clerk's longest default session), most recently
 *     active first, GET /users?...&limit=500&offset=N, giving out->users
 *     and one USER_SESSIONS list per user, plus the next users page when
 *     this one was full. last_active_at has day precision: the filter
 *     starts at the day's beginning. Offsets over an order that moves (a
 *     user active for the first time today jumps up) can skip a user: a
 *     walk of several pages ends with WALK_TODAY, the users active today,
 *     whose sessions not yet asked for are (the worker sends a GET once);
 *   - a refresh (plan_refresh, from what the worker remembers of the last
 *     listing) is WALK_SIGNED_IN: the users who signed in since it began
 *     (last_sign_in_at_after, a margin earlier; a sign-in is what makes a
 *     session), re-read unless their sign-in is the one seen already, and
 *     a share of the users with live sessions re-read so that each is every
 *     `recheck` (10 minutes), to see revocations made elsewhere. Its answer
 *     is partial: the users it covers, whose sessions replace theirs. */
#include "common.h"

#include <limits.h>
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../flags.h"
#include "../strpool.h"
#include "../strslab.h"
#include "../util.h"
#include "jscan.h"

#define TITLE "Clerk"
#define PAGE_LIMIT 500        /* the spec's LimitParameter maximum */
#define USERS_BATCH 100       /* GET /users: "Accepts up to 100 user IDs" */
#define MAX_PAGES 200         /* never more than 100 000 sessions of one user or client */
#define MAX_WALK_PAGES 2000   /* never more than 1 000 000 users (a server that never ends) */
#define TOKEN_TTL_MIN 30L
#define TOKEN_TTL_MAX 315360000L
#define DAY_MS 86400000LL
#define DEFAULT_RECHECK_MS (10 * 60000LL)
#define SIGN_IN_MARGIN_MS (10 * 60000LL)     /* clock skew, and sign-ins as the listing began */

enum clerk_phase {
    PHASE_WALK_USERS = 0,     /* no filter: the users within the window, then their sessions */
    PHASE_USER_SESSIONS = 1,  /* one user's sessions, from a walk or a re-check */
    PHASE_WALK_SIGNED_IN = 2, /* a refresh: users who signed in since the last listing */
    PHASE_WALK_TODAY = 3,     /* after a walk of pages: users first active today meanwhile */
};

static const struct field clerk_fields[] = {
    {"api_key", "Secret key (sk_...)", FIELD_SECRET | FIELD_REQUIRED,
     "the instance's Backend API secret key, kept in the keyring", field_header_text},
    {"user_id", "User id (optional)", 0,
     "list only this user's sessions (user_...); empty = every user", NULL},
    {"client_id", "Client id (optional)", 0, "list only this client's sessions (client_...)",
     NULL},
    {"session_window", "Session window", 0,
     "list the users active within it (default 7d, Clerk's longest default session); all = "
     "every user, the whole history", field_session_window},
    {"recheck", "Recheck every", 0,
     "how often a refresh re-reads users with live sessions, to see revocations made "
     "elsewhere (default 10m)", field_duration},
    {NULL, NULL, 0, NULL, NULL},
};

/* The status filter of GET /sessions (the spec's enum; no "pending"). */
static const char *const list_statuses[] = {
    "abandoned", "active", "ended", "expired", "removed", "replaced", "revoked",
};

static struct op_needs clerk_needs(enum op op)
{
    struct op_needs n = {NULL, NULL};
    switch (op) {
    case OP_LIST: case OP_GET: case OP_REVOKE: case OP_VERIFY: case OP_TOKEN: case OP_USERS:
        n.account_secrets = "api_key";
        break;
    default:
        break;
    }
    return n;
}

/* ---- build ---------------------------------------------------------------- */

/* The filters of a list: the arguments' when they give one, else the
 * account's default fields (as a pair, so an explicit user id does not get
 * mixed with a default client id). */
struct filters {
    const char *user_id, *client_id, *status;
};

static struct filters list_filters(const struct account *acct, const struct op_args *args)
{
    struct filters f = {NULL, NULL, str_empty(args->status) ? NULL : args->status};
    if (!str_empty(args->user_id) || !str_empty(args->client_id)) {
        f.user_id = str_empty(args->user_id) ? NULL : args->user_id;
        f.client_id = str_empty(args->client_id) ? NULL : args->client_id;
    } else {
        const char *u = account_field(acct, "user_id");
        const char *c = account_field(acct, "client_id");
        f.user_id = str_empty(u) ? NULL : u;
        f.client_id = str_empty(c) ? NULL : c;
    }
    return f;
}

static long page_limit(const struct op_args *args)
{
    return args->limit >= 1 && args->limit <= PAGE_LIMIT ? args->limit : PAGE_LIMIT;
}

static long page_offset(const struct op_args *args)
{
    return args->offset > 0 ? args->offset : 0;
}

/* base URL without trailing slashes */
static int base_len(const char *base)
{
    size_t n = strlen(base);
    while (n > 0 && base[n - 1] == '/')
        n--;
    return (int)n;
}

/* Append "&name=<encoded value>" (or "?name=" first) to *q. */
static void query_add(char **q, const char *name, const char *value)
{
    char *enc = http_urlencode(value);
    char *n = xasprintf("%s%c%s=%s", *q, **q ? '&' : '?', name, enc);
    free(enc);
    free(*q);
    *q = n;
}

/* The start of t's UTC day: last_active_at is kept at day precision. */
static int64_t day_start(int64_t t)
{
    int64_t r = t % DAY_MS;
    return t - (r < 0 ? r + DAY_MS : r);
}

static int64_t recheck_ms(const struct account *acct)
{
    int64_t secs;
    const char *v = account_field(acct, "recheck");
    return duration_parse(v, &secs) ? secs * 1000 : DEFAULT_RECHECK_MS;
}

/* What a walk of the users asks for, after limit and offset. */
static int walk_query(const struct account *acct, const struct op_args *args, char **q,
                      char **error)
{
    char num[32];
    int64_t now = args->now_ms ? args->now_ms : now_ms();
    switch (args->phase) {
    case PHASE_WALK_SIGNED_IN:
        query_add(q, "order_by", "-last_sign_in_at");
        snprintf(num, sizeof num, "%lld", (long long)args->since_ms);
        query_add(q, "last_sign_in_at_after", num);
        return 0;
    case PHASE_WALK_TODAY:
        query_add(q, "order_by", "-last_active_at");
        snprintf(num, sizeof num, "%lld", (long long)(day_start(now) - 1));
        query_add(q, "last_active_at_after", num);
        return 0;
    default: {
        int64_t window = -1;
        int rc = session_window_parse(account_field(acct, "session_window"), &window, error);
        if (rc)
            return rc;
        query_add(q, "order_by", "-last_active_at");
        if (window >= 0) {
            /* "after" the day before the window began: its whole first day */
            snprintf(num, sizeof num, "%lld",
                     (long long)(day_start(now - window) - 1));
            query_add(q, "last_active_at_after", num);
        }
        return 0;
    }
    }
}

static int build_list(const struct account *acct, const struct op_args *args, const char *base,
                      struct http_request *out, char **error)
{
    struct filters f = list_filters(acct, args);
    if (f.status) {
        bool known = false;
        for (size_t i = 0; i < ARRAY_LEN(list_statuses); i++)
            known |= strcmp(f.status, list_statuses[i]) == 0;
        if (!known)
            return build_fail(error, ERR_USAGE,
                              "Clerk status filter \"%s\" is not one of abandoned, active, "
                              "ended, expired, removed, replaced, revoked", f.status);
    }
    char *q = xstrdup("");
    char num[32];
    const char *path;
    if (f.user_id || f.client_id) {
        path = "/sessions";
        if (f.user_id)
            query_add(&q, "user_id", f.user_id);
        if (f.client_id)
            query_add(&q, "client_id", f.client_id);
        if (f.status)
            query_add(&q, "status", f.status);
        snprintf(num, sizeof num, "%ld", page_limit(args));
        query_add(&q, "limit", num);
        snprintf(num, sizeof num, "%ld", page_offset(args));
        query_add(&q, "offset", num);
        query_add(&q, "paginated", "true");
    } else {
        path = "/users";
        snprintf(num, sizeof num, "%ld", page_limit(args));
        query_add(&q, "limit", num);
        snprintf(num, sizeof num, "%ld", page_offset(args));
        query_add(&q, "offset", num);
        int rc = walk_query(acct, args, &q, error);
        if (rc) {
            free(q);
            return rc;
        }
    }
    http_request_init(out, "GET", HTTP_IDEMPOTENT);
    http_request_set_url(out, "%.*s%s%s", base_len(base), base, path, q);
    free(q);
    return 0;
}

static int build_users(const struct op_args *args, const char *base, struct http_request *out,
                       char **error)
{
    if (args->n_user_ids == 0 || args->n_user_ids > USERS_BATCH)
        return build_fail(error, ERR_INTERNAL, "Clerk: a users batch holds 1 to %d ids, not %zu",
                          USERS_BATCH, args->n_user_ids);
    char *q = xstrdup("");
    for (size_t i = 0; i < args->n_user_ids; i++)
        if (!str_empty(args->user_ids[i]))
            query_add(&q, "user_id", args->user_ids[i]);
    if (!*q) { /* without an id, GET /users would list everyone */
        free(q);
        return build_fail(error, ERR_INTERNAL, "Clerk: a users batch without user ids");
    }
    query_add(&q, "limit", "100");
    http_request_init(out, "GET", HTTP_IDEMPOTENT);
    http_request_set_url(out, "%.*s/users%s", base_len(base), base, q);
    free(q);
    return 0;
}

/* {"token":"<jwt>"} without leaving a copy of the JWT behind. */
static char *verify_body(const char *token)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddItemToObject(o, "token", cJSON_CreateStringReference(token));
    char *s = json_print_secret(o);
    cJSON_Delete(o); /* a reference: the token itself is not freed */
    return s;
}

static int clerk_build(const struct account *acct, enum op op, const struct op_args *args,
                       const struct secret_bag *secrets, struct http_request *out,
                       char **error)
{
    static const struct op_args no_args;
    if (!args)
        args = &no_args;
    if (!(op == OP_LIST || op == OP_GET || op == OP_REVOKE || op == OP_VERIFY ||
          op == OP_TOKEN || op == OP_USERS || op == OP_CHECK))
        return build_fail(error, ERR_USAGE,
                          "Clerk sessions can be listed, shown, revoked, verified or "
                          "turned into a token, not %s", op_name(op));
    const char *key = secrets ? secret_bag_get(secrets, "api_key") : NULL;
    if (str_empty(key))
        return build_fail(error, ERR_KEYRING,
                          "no Clerk secret key in the keyring for this account: edit the "
                          "account and enter the sk_... key");
    if (has_control_chars(key))
        return build_fail(error, ERR_USAGE,
                          "the Clerk secret key holds control characters: enter it again");
    const char *base = provider_base_url(&provider_clerk, acct);
    char *sid = NULL;
    if (op != OP_LIST && op != OP_USERS && op != OP_CHECK) {
        if (str_empty(args->session_id))
            return build_fail(error, ERR_USAGE, "Clerk %s needs a session id", op_name(op));
        sid = http_urlencode(args->session_id);
    }

    int rc = 0;
    switch (op) {
    case OP_LIST:
        rc = build_list(acct, args, base, out, error);
        break;
    case OP_USERS:
        rc = build_users(args, base, out, error);
        break;
    case OP_GET:
        http_request_init(out, "GET", HTTP_IDEMPOTENT);
        http_request_set_url(out, "%.*s/sessions/%s", base_len(base), base, sid);
        break;
    case OP_CHECK: /* the cheapest read the secret key allows */
        http_request_init(out, "GET", HTTP_IDEMPOTENT);
        http_request_set_url(out, "%.*s/users?limit=1", base_len(base), base);
        break;
    case OP_REVOKE:
        /* revoking twice leaves the same revoked session: safe to repeat */
        http_request_init(out, "POST", HTTP_IDEMPOTENT);
        http_request_set_url(out, "%.*s/sessions/%s/revoke", base_len(base), base, sid);
        break;
    case OP_VERIFY:
        if (str_empty(args->verify_token)) {
            rc = build_fail(error, ERR_USAGE,
                            "Clerk verify needs the session's token (the __session JWT)");
            break;
        }
        http_request_init(out, "POST", HTTP_IDEMPOTENT); /* a check, changes nothing */
        http_request_set_url(out, "%.*s/sessions/%s/verify", base_len(base), base, sid);
        break;
    case OP_TOKEN: {
        long ttl = args->expires_in_seconds;
        if (ttl != 0 && (ttl < TOKEN_TTL_MIN || ttl > TOKEN_TTL_MAX)) {
            rc = build_fail(error, ERR_USAGE,
                            "Clerk token lifetime must be %ld to %ld seconds, not %ld",
                            TOKEN_TTL_MIN, TOKEN_TTL_MAX, ttl);
            break;
        }
        /* another JWT for the same session: harmless to mint twice */
        http_request_init(out, "POST", HTTP_IDEMPOTENT);
        if (str_empty(args->template_name)) {
            http_request_set_url(out, "%.*s/sessions/%s/tokens", base_len(base), base, sid);
        } else {
            char *tpl = http_urlencode(args->template_name);
            http_request_set_url(out, "%.*s/sessions/%s/tokens/%s", base_len(base), base, sid,
                                 tpl);
            free(tpl);
        }
        break;
    }
    default:
        break;
    }
    free(sid);
    if (rc)
        return rc;

    http_request_add_header(out, "Authorization: Bearer %s", key);
    http_request_add_header(out, "Accept: application/json");
    if (op == OP_VERIFY) {
        char *body = verify_body(args->verify_token);
        http_request_add_header(out, "Content-Type: application/json");
        http_request_set_body(out, body, strlen(body));
        wipe_free(body);
    } else if (op == OP_TOKEN && args->expires_in_seconds > 0) {
        char body[64];
        int n = snprintf(body, sizeof body, "{\"expires_in_seconds\":%ld}",
                         args->expires_in_seconds);
        http_request_add_header(out, "Content-Type: application/json");
        http_request_set_body(out, body, (size_t)n);
    }
    return 0;
}

/* ---- parse ---------------------------------------------------------------- */

static bool ok_status(long s)
{
    return s >= 200 && s < 300;
}

/* A string member that is present and not empty, else NULL. */
static const char *nonempty(const cJSON *o, const char *key)
{
    const char *s = json_str(o, key);
    return str_empty(s) ? NULL : s;
}

/* "a<sep>b", "a", "b" or NULL, from two optional strings; sanitised. */
static char *join2(const char *a, const char *sep, const char *b)
{
    char *r;
    if (a && b)
        r = xasprintf("%s%s%s", a, sep, b);
    else if (a || b)
        r = xstrdup(a ? a : b);
    else
        return NULL;
    char *clean = sanitize_text(r);
    free(r);
    return clean;
}

static char *raw_json(const cJSON *o)
{
    char *j = json_compact(o);
    char *clean = sanitize_text(j); /* cJSON keeps C1 controls and bad UTF-8 as they are */
    free(j);
    return clean;
}

/* What a session takes from a Session object, as the server sent it
 * (decoded, not yet sanitised), whichever parser read it: NULL where the
 * member is absent or not a string, has_* false where it is not a number. */
struct session_in {
    const char *id, *user_id, *client_id, *status;
    bool has_created, has_last_active, has_expire, has_abandon;
    int64_t created, last_active, expire, abandon;
    bool has_activity; /* latest_activity is an object: the rest come from it */
    const char *device_type, *browser_name, *browser_version, *ip_address, *city, *country;
    bool is_mobile;    /* is_mobile is true (not merely present) */
    bool actor;        /* actor is an object: someone acts as the user (impersonation) */
};

static void session_in_json(const cJSON *o, struct session_in *in)
{
    memset(in, 0, sizeof *in);
    in->id = json_str(o, "id");
    in->user_id = json_str(o, "user_id");
    in->client_id = json_str(o, "client_id");
    in->status = json_str(o, "status");
    in->has_created = json_int64(o, "created_at", &in->created);
    in->has_last_active = json_int64(o, "last_active_at", &in->last_active);
    in->has_expire = json_int64(o, "expire_at", &in->expire);
    in->has_abandon = json_int64(o, "abandon_at", &in->abandon);
    in->actor = cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(o, "actor"));
    const cJSON *act = cJSON_GetObjectItemCaseSensitive(o, "latest_activity");
    if (!cJSON_IsObject(act))
        return;
    in->has_activity = true;
    in->device_type = json_str(act, "device_type");
    in->browser_name = json_str(act, "browser_name");
    in->browser_version = json_str(act, "browser_version");
    in->ip_address = json_str(act, "ip_address");
    in->city = json_str(act, "city");
    in->country = json_str(act, "country");
    json_bool(act, "is_mobile", &in->is_mobile);
}

/* s sanitised, pooled or in a slab; no copy on the way when it is clean
 * already, as nearly every string is. */
static const char *pool_clean(const char *s)
{
    return !s || text_is_clean(s) ? strpool_get(s) : strpool_take(sanitize_text(s));
}

static const char *slab_clean(const char *s)
{
    return !s || text_is_clean(s) ? strslab_dup(s) : strslab_take(sanitize_text(s));
}

static const char *text_or_null(const char *s)
{
    return str_empty(s) ? NULL : s;
}

/* join2 pooled, without its copies when both halves are clean (their
 * concatenation is clean then too). */
static const char *pool_join(const char *a, const char *sep, const char *b)
{
    char buf[256];
    if ((!a || text_is_clean(a)) && (!b || text_is_clean(b))) {
        if (!a || !b)
            return strpool_get(a ? a : b);
        size_t na = strlen(a), ns = strlen(sep), nb = strlen(b);
        if (na + ns + nb < sizeof buf) {
            memcpy(buf, a, na);
            memcpy(buf + na, sep, ns);
            memcpy(buf + na + ns, b, nb + 1);
            return strpool_get(buf);
        }
    }
    return strpool_take(join2(a, sep, b));
}

/* One session into a new slot of out->sessions; false (nothing added) for
 * one without an id. raw_json is raw (the object's bytes as received,
 * sanitised; taken), none at all without want_raw. */
static bool add_session(const struct session_in *in, const struct account *acct,
                        struct op_result *out, char *raw, bool want_raw)
{
    /* an id of nothing but control characters sanitises to "": none to show
     * or send back */
    char *id = str_empty(in->id) || text_is_clean(in->id) ? NULL : sanitize_text(in->id);
    if (str_empty(in->id) || (id && !*id)) {
        free(id);
        free(raw);
        return false;
    }
    struct session *s = session_list_push(&out->sessions);
    s->id = id ? strslab_take(id) : strslab_dup(in->id);
    s->account_id = strpool_get(acct ? acct->id : NULL);
    s->user_id = pool_clean(in->user_id);
    s->client_id = slab_clean(in->client_id);
    s->status = session_status_parse(in->status);
    if (in->has_created)
        s->created_ms = in->created;
    if (in->has_last_active)
        s->last_active_ms = in->last_active;
    if (in->has_expire)
        s->expires_ms = in->expire;
    if (in->has_abandon)
        s->abandon_ms = in->abandon;
    if (in->actor)
        s->flags |= FLAG_IMPERSONATED;
    if (in->has_activity) {
        const char *dev = text_or_null(in->device_type);
        if (dev)
            s->device = pool_clean(dev);
        else if (in->is_mobile)
            s->device = strpool_get("mobile");
        s->browser = pool_join(text_or_null(in->browser_name), " ",
                               text_or_null(in->browser_version));
        s->ip = slab_clean(in->ip_address);
        s->place = pool_join(text_or_null(in->city), ", ", text_or_null(in->country));
    }
    if (want_raw)
        s->raw_json = raw;
    else
        free(raw);
    return true;
}

/* "First Last <email>", else the username, else the primary (or first)
 * e-mail address, else the id. Owned and sanitised. */
static char *user_display(const cJSON *u)
{
    const char *email = NULL;
    const char *primary = json_str(u, "primary_email_address_id");
    const cJSON *emails = cJSON_GetObjectItemCaseSensitive(u, "email_addresses");
    const cJSON *e;
    if (cJSON_IsArray(emails)) {
        cJSON_ArrayForEach(e, emails) {
            const char *addr = nonempty(e, "email_address");
            if (!addr)
                continue;
            if (!email)
                email = addr;
            const char *id = json_str(e, "id");
            if (primary && id && strcmp(id, primary) == 0) {
                email = addr;
                break;
            }
        }
    }
    char *name = join2(nonempty(u, "first_name"), " ", nonempty(u, "last_name"));
    if (name) {
        char *d = email ? xasprintf("%s <%s>", name, email) : xstrdup(name);
        free(name);
        char *clean = sanitize_text(d);
        free(d);
        return clean;
    }
    const char *pick = nonempty(u, "username");
    if (!pick)
        pick = email;
    if (!pick)
        pick = json_str(u, "id");
    return sanitize_text(pick);
}

static void add_user(struct op_result *out, const cJSON *u)
{
    out->users = xrealloc(out->users, (out->n_users + 1) * sizeof *out->users);
    struct user *usr = &out->users[out->n_users++];
    usr->id = json_dup_str(u, "id");
    usr->display = user_display(u);
    usr->signed_in_ms = 0;
    json_int64(u, "last_sign_in_at", &usr->signed_in_ms);
}

/* The items of a list answer: a bare array, or {data: [...], total_count}.
 * NULL for any other shape. */
static const cJSON *list_items(const cJSON *j, bool *has_total, int64_t *total)
{
    *has_total = false;
    if (cJSON_IsArray(j))
        return j;
    if (!cJSON_IsObject(j))
        return NULL;
    const cJSON *data = cJSON_GetObjectItemCaseSensitive(j, "data");
    if (!cJSON_IsArray(data))
        return NULL;
    *has_total = json_int64(j, "total_count", total) && *total >= 0;
    return data;
}

/* An item of a users or sessions list that is not what the spec says
 * (an object with a string id: a number, null, {} ...) makes the whole
 * answer an unexpected one: it is not taken for "no users" or "no
 * sessions", which is what skipping it would show. */
static void result_bad_item(struct op_result *out, const struct http_response *resp,
                            const char *list, long i, const char *what)
{
    char *why = xasprintf("%s[%ld] is not %s (an object with a string id)", list, i, what);
    result_bad_shape(out, TITLE, resp, why);
    free(why);
}

/* Is u a User as the spec has it, as far as sesame reads one? */
static bool user_item_ok(const cJSON *u)
{
    return cJSON_IsObject(u) && nonempty(u, "id");
}

/* Every item of a users list is a user; else out says which is not. */
static bool users_items_ok(const cJSON *items, const struct http_response *resp,
                           struct op_result *out)
{
    long i = 0;
    const cJSON *u;
    cJSON_ArrayForEach(u, items) {
        if (!user_item_ok(u)) {
            result_bad_item(out, resp, "users", i, "a user");
            return false;
        }
        i++;
    }
    return true;
}

/* The distinct user ids of a page's sessions, in order, as the server
 * sent them (not sanitised: they go back to it), for their names. */
struct page_users {
    GHashTable *seen; /* owns the copies */
    GPtrArray *ids;
};

/* NULL when the page asks for no names: the walk of users already named
 * them, and one user's sessions need its name only once. */
static struct page_users *page_users_new(const struct op_args *args, const struct filters *f)
{
    if ((args->phase == PHASE_USER_SESSIONS && !str_empty(args->user_id)) ||
        (f->user_id && page_offset(args) != 0))
        return NULL;
    struct page_users *u = xmalloc(sizeof *u);
    u->seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    u->ids = g_ptr_array_new();
    return u;
}

static void page_users_add(struct page_users *u, const struct session_in *in)
{
    if (!u || str_empty(in->id) || str_empty(in->user_id) ||
        g_hash_table_contains(u->seen, in->user_id))
        return;
    char *copy = g_strdup(in->user_id);
    g_hash_table_add(u->seen, copy);
    g_ptr_array_add(u->ids, copy);
}

static void page_users_free(struct page_users *u)
{
    if (!u)
        return;
    g_ptr_array_free(u->ids, TRUE);
    g_hash_table_destroy(u->seen);
    free(u);
}

/* OP_USERS follow-ups for u's ids, then u goes. */
static void follow_users(struct op_result *out, struct page_users *u,
                         const struct op_args *args)
{
    for (guint i = 0; u && i < u->ids->len; i += USERS_BATCH) {
        struct op_args a = {0};
        a.user_ids = (char **)u->ids->pdata + i;
        a.n_user_ids = u->ids->len - i < USERS_BATCH ? u->ids->len - i : USERS_BATCH;
        a.now_ms = args->now_ms;
        op_result_follow(out, OP_USERS, &a)->prio = PRIO_NAMES; /* copies the borrowed ids */
    }
    page_users_free(u);
}

/* The next pages of a list: all of them at once when the first page told
 * the total, else the next one when this page was full. */
static void follow_pages(struct op_result *out, const struct op_args *args, int n_items,
                         bool has_total, int64_t total, bool walk)
{
    int prio = walk ? PRIO_WALK : PRIO_NORMAL;
    long limit = page_limit(args);
    long offset = page_offset(args);
    long cap = (long)(walk ? MAX_WALK_PAGES : MAX_PAGES) * limit;
    if ((has_total ? total > cap && offset == 0 : n_items >= limit && offset + limit >= cap) &&
        !out->warning)
        out->warning = xasprintf("Clerk: listed the first %ld %s only; there are more (sesame "
                                 "stops there)", cap, walk ? "users" : "sessions");
    struct op_args a = *args; /* shallow: op_result_follow copies */
    a.limit = limit;
    if (has_total) {
        if (offset != 0)
            return; /* the first page asked for every page already */
        for (long off = limit; off < total && off < cap; off += limit) {
            a.offset = off;
            op_result_follow(out, OP_LIST, &a)->prio = prio;
        }
    } else if (n_items >= limit && offset + limit < cap) {
        a.offset = offset + limit;
        op_result_follow(out, OP_LIST, &a)->prio = prio;
    }
}

/* add_session for a parsed object: false for an item that is not an
 * object or has no id. raw_json when raw is NULL: the object printed again.
 * Its user id goes to users (if not NULL). */
static bool add_session_json(const cJSON *o, const struct account *acct, struct op_result *out,
                             char *raw, bool want_raw, struct page_users *users)
{
    if (!cJSON_IsObject(o)) {
        free(raw);
        return false;
    }
    struct session_in in;
    session_in_json(o, &in);
    page_users_add(users, &in);
    if (want_raw && !raw && !str_empty(in.id))
        raw = raw_json(o);
    return add_session(&in, acct, out, raw, want_raw);
}

/* After a page's sessions: its other pages, then the names of its users. */
static void page_follow(struct op_result *out, const struct op_args *args, int n_items,
                        bool has_total, int64_t total, struct page_users *users)
{
    follow_pages(out, args, n_items, has_total, total, false);
    if (args->phase == PHASE_USER_SESSIONS && !str_empty(args->user_id) &&
        page_offset(args) == 0)
        op_result_cover(out, args->user_id); /* the rest of its pages come in this job */
    follow_users(out, users, args);
}

static void parse_sessions_page(const struct account *acct, const struct op_args *args,
                                const struct filters *f, const struct http_response *resp,
                                const cJSON *j, struct op_result *out)
{
    bool has_total;
    int64_t total = 0;
    const cJSON *items = list_items(j, &has_total, &total);
    if (!items) {
        result_bad_shape(out, TITLE, resp, "sessions are neither a list nor {data, total_count}");
        return;
    }
    /* raw_json from the body's own bytes: printing each parsed object again
     * cost more than parsing the page (100k sessions: ~0.4 s) */
    int n_items = cJSON_GetArraySize(items);
    struct json_span *spans = NULL;
    long n_spans = args->no_raw_json ? -1 : json_item_spans(resp->body, resp->body_len,
                                                            cJSON_IsArray(j) ? NULL : "data",
                                                            &spans);
    if (n_spans != n_items)
        n_spans = -1; /* the scan and cJSON disagree: print each object again */
    struct page_users *users = page_users_new(args, f);
    const cJSON *o;
    long k = 0, bad = -1;
    cJSON_ArrayForEach(o, items) {
        char *raw = n_spans >= 0 ? json_span_text(resp->body, &spans[k]) : NULL;
        if (!add_session_json(o, acct, out, raw, !args->no_raw_json, users) && bad < 0)
            bad = k;
        k++;
    }
    free(spans);
    if (bad >= 0) {
        page_users_free(users);
        result_bad_item(out, resp, "sessions", bad, "a session");
        return;
    }
    page_follow(out, args, n_items, has_total, total, users);
}

/* ---- sessions pages read in place ---- */

/* A member of an object as jscan read it: kind is what jscan_peek said
 * ('"', '-', '{', 't' ...; 0 if the key was not met). */
struct member {
    char kind;
    struct jstr s;
    int64_t n;
};

struct key {
    const char *name;
    size_t len;
};
#define KEY(s) {s, sizeof s - 1}

enum { M_ID, M_USER_ID, M_CLIENT_ID, M_STATUS, M_CREATED, M_LAST_ACTIVE, M_EXPIRE, M_ABANDON,
       M_ACTIVITY, M_ACTOR, M_SESSION_COUNT };
static const struct key session_keys[M_SESSION_COUNT] = {
    KEY("id"), KEY("user_id"), KEY("client_id"), KEY("status"), KEY("created_at"),
    KEY("last_active_at"), KEY("expire_at"), KEY("abandon_at"), KEY("latest_activity"),
    KEY("actor"),
};
enum { A_DEVICE, A_MOBILE, A_BROWSER, A_VERSION, A_IP, A_CITY, A_COUNTRY, A_COUNT };
static const struct key activity_keys[A_COUNT] = {
    KEY("device_type"), KEY("is_mobile"), KEY("browser_name"), KEY("browser_version"),
    KEY("ip_address"), KEY("city"), KEY("country"),
};

/* The members of the object peeked that keys name, into m (the first of
 * each key, which is the one cJSON finds); the object member at sub_at
 * (if any) has its own keys read into sub. Strings are not decoded yet. */
static bool scan_members(struct jscan *j, const struct key *keys, size_t n, struct member *m,
                         size_t sub_at, const struct key *sub_keys, size_t n_sub,
                         struct member *sub)
{
    memset(m, 0, n * sizeof *m);
    jscan_enter(j);
    struct jstr key;
    while (jscan_member(j, &key)) {
        size_t k = 0;
        while (k < n && (key.len != keys[k].len || memcmp(key.p, keys[k].name, key.len) != 0))
            k++;
        if (k == n || m[k].kind) {
            jscan_skip(j);
            continue;
        }
        m[k].kind = jscan_peek(j);
        if (m[k].kind == '"')
            jscan_string(j, &m[k].s);
        else if (m[k].kind == '-')
            jscan_int(j, &m[k].n); /* a fraction or a long one: cJSON's turn */
        else if (m[k].kind == '{' && k == sub_at)
            scan_members(j, sub_keys, n_sub, sub, n_sub, NULL, 0, NULL);
        else
            jscan_skip(j);
    }
    return !j->bad;
}

/* The string member m decoded at *buf (moved past it), or NULL. */
static const char *member_text(const struct member *m, char **buf)
{
    if (m->kind != '"')
        return NULL;
    char *s = *buf;
    jstr_decode(&m->s, s);
    *buf += m->s.len + 1;
    return s;
}

/* The Session object peeked into in; its strings are decoded into *buf,
 * grown to the object's size. */
static bool scan_session(struct jscan *j, struct session_in *in, char **buf, size_t *cap)
{
    struct member m[M_SESSION_COUNT], a[A_COUNT];
    const char *start = j->p;
    if (!scan_members(j, session_keys, M_SESSION_COUNT, m, M_ACTIVITY, activity_keys, A_COUNT,
                      a))
        return false;
    size_t need = (size_t)(j->p - start) + 1; /* decoded strings are shorter than their text */
    if (need > *cap) {
        *cap = need * 2;
        *buf = xrealloc(*buf, *cap);
    }
    char *at = *buf;
    memset(in, 0, sizeof *in);
    in->id = member_text(&m[M_ID], &at);
    in->user_id = member_text(&m[M_USER_ID], &at);
    in->client_id = member_text(&m[M_CLIENT_ID], &at);
    in->status = member_text(&m[M_STATUS], &at);
    in->has_created = m[M_CREATED].kind == '-';
    in->created = m[M_CREATED].n;
    in->has_last_active = m[M_LAST_ACTIVE].kind == '-';
    in->last_active = m[M_LAST_ACTIVE].n;
    in->has_expire = m[M_EXPIRE].kind == '-';
    in->expire = m[M_EXPIRE].n;
    in->has_abandon = m[M_ABANDON].kind == '-';
    in->abandon = m[M_ABANDON].n;
    in->actor = m[M_ACTOR].kind == '{';
    in->has_activity = m[M_ACTIVITY].kind == '{';
    if (in->has_activity) {
        in->device_type = member_text(&a[A_DEVICE], &at);
        in->is_mobile = a[A_MOBILE].kind == 't';
        in->browser_name = member_text(&a[A_BROWSER], &at);
        in->browser_version = member_text(&a[A_VERSION], &at);
        in->ip_address = member_text(&a[A_IP], &at);
        in->city = member_text(&a[A_CITY], &at);
        in->country = member_text(&a[A_COUNTRY], &at);
    }
    return true;
}

/* The items of the array peeked, as parse_sessions_page takes them: the
 * number of items, or -1 when the scan stopped or met an item that is not
 * a session (parse_sessions_page then says which). */
static long scan_items(struct jscan *j, const struct account *acct, const struct op_args *args,
                       const char *body, struct op_result *out, struct page_users *users)
{
    char *buf = NULL;
    size_t cap = 0;
    long n = 0;
    bool bad = false;
    jscan_enter(j);
    while (jscan_item(j)) {
        n++;
        if (jscan_peek(j) != '{') {
            bad = true;
            break;
        }
        const char *start = j->p;
        struct session_in in;
        if (!scan_session(j, &in, &buf, &cap))
            break;
        struct json_span span = {(size_t)(start - body), (size_t)(j->p - start)};
        char *raw = args->no_raw_json || str_empty(in.id) ? NULL : json_span_text(body, &span);
        page_users_add(users, &in);
        if (!add_session(&in, acct, out, raw, !args->no_raw_json)) {
            bad = true;
            break;
        }
    }
    free(buf);
    return bad || j->bad || n > INT_MAX ? -1 : n;
}

/* parse_sessions_page without a cJSON tree of the page (which cost most of
 * `sesame sessions` over 100k sessions): the same answer, read in place.
 * False, with out as it was, for a body jscan does not vouch for (or not
 * of the shape of a page): parse_sessions_page then answers. */
static bool parse_sessions_page_scan(const struct account *acct, const struct op_args *args,
                                     const struct filters *f, const struct http_response *resp,
                                     struct op_result *out)
{
    struct jscan j;
    jscan_init(&j, resp->body, resp->body_len);
    size_t before = out->sessions.n;
    struct page_users *users = page_users_new(args, f);
    bool has_total = false, seen_total = false, seen_data = false;
    int64_t total = 0;
    long n_items = -1;
    char top = jscan_peek(&j);
    if (top == '[') {
        n_items = scan_items(&j, acct, args, resp->body, out, users);
    } else if (top == '{') {
        struct jstr key;
        jscan_enter(&j);
        while (jscan_member(&j, &key)) {
            if (!seen_data && jstr_is(&key, "data")) {
                seen_data = true;
                if (jscan_peek(&j) != '[')
                    break; /* not a list: parse_sessions_page says so */
                n_items = scan_items(&j, acct, args, resp->body, out, users);
            } else if (!seen_total && jstr_is(&key, "total_count")) {
                seen_total = true;
                if (jscan_peek(&j) == '-' && jscan_int(&j, &total))
                    has_total = total >= 0;
                else
                    jscan_skip(&j);
            } else {
                jscan_skip(&j);
            }
        }
    }
    if (n_items < 0 || !jscan_end(&j)) {
        for (size_t i = before; i < out->sessions.n; i++)
            session_free(&out->sessions.v[i]);
        out->sessions.n = before;
        page_users_free(users);
        return false;
    }
    page_follow(out, args, (int)n_items, has_total, total, users);
    return true;
}

/* args->user_ids -> their time (user_times): the users a refresh knows,
 * and the sign-in their sessions were read after; NULL when none. */
static GHashTable *known_users(const struct op_args *args)
{
    if (args->n_user_ids == 0 || !args->user_times)
        return NULL;
    GHashTable *map = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, g_free);
    for (size_t i = 0; i < args->n_user_ids; i++)
        if (args->user_ids[i])
            g_hash_table_insert(map, args->user_ids[i], g_memdup2(&args->user_times[i],
                                                                  sizeof args->user_times[i]));
    return map;
}

/* The sessions of user uid, as a follow-up of a walk or a re-check. */
static void follow_user_sessions(struct op_result *out, const char *uid,
                                 const struct op_args *args)
{
    struct op_args a = {0};
    a.user_id = (char *)uid; /* borrowed: copied by op_result_follow */
    a.status = args->status;
    a.phase = PHASE_USER_SESSIONS;
    a.limit = PAGE_LIMIT;
    a.now_ms = args->now_ms;
    a.no_raw_json = args->no_raw_json;
    op_result_follow(out, OP_LIST, &a)->unit = true;
}

/* One user of a walk: named, and its sessions asked for, unless it is a
 * refresh's and its last sign-in is one whose sessions were read already.
 * False for an item that is no user. */
static bool walk_user(const cJSON *u, GHashTable *known, const struct op_args *args,
                      struct op_result *out)
{
    if (!user_item_ok(u))
        return false;
    const char *id = nonempty(u, "id");
    add_user(out, u);
    const int64_t *seen = known ? g_hash_table_lookup(known, id) : NULL;
    int64_t signed_in = 0;
    if (seen && json_int64(u, "last_sign_in_at", &signed_in) && signed_in <= *seen)
        return true;
    follow_user_sessions(out, id, args);
    return true;
}

/* The next users page when this one (of n_items) was full. Users are walked
 * one page after another rather than counted first (GET /users/count): most
 * instances fit in one page, which then costs one request, not two in a
 * row; and the spec warns that deep offsets get slow, so asking for them all
 * at once would not pay off. A walk of several pages ends with the users
 * active today (WALK_TODAY): those who jumped up while it paged. */
static void walk_next_page(const struct op_args *args, int n_items, struct op_result *out)
{
    struct op_args next = {0};
    next.status = args->status;
    next.phase = args->phase;
    next.limit = page_limit(args);
    next.offset = page_offset(args);
    next.since_ms = args->since_ms;
    next.now_ms = args->now_ms;
    next.no_raw_json = args->no_raw_json;
    next.user_ids = args->user_ids; /* borrowed: copied by op_result_follow */
    next.user_times = args->user_times;
    next.n_user_ids = args->n_user_ids;
    if (n_items >= next.limit) {
        follow_pages(out, &next, n_items, false, 0, true); /* users */
    } else if (args->phase == PHASE_WALK_USERS && next.offset > 0) {
        next.phase = PHASE_WALK_TODAY;
        next.offset = 0;
        op_result_follow(out, OP_LIST, &next)->prio = PRIO_WALK;
    }
}

static void parse_users_walk(const struct op_args *args, const struct http_response *resp,
                             const cJSON *j, struct op_result *out)
{
    bool has_total;
    int64_t total = 0;
    const cJSON *items = list_items(j, &has_total, &total);
    if (!items) {
        result_bad_shape(out, TITLE, resp, "users are not a list");
        return;
    }
    if (!users_items_ok(items, resp, out))
        return;
    GHashTable *known = known_users(args);
    const cJSON *u;
    cJSON_ArrayForEach(u, items)
        walk_user(u, known, args, out);
    walk_next_page(args, cJSON_GetArraySize(items), out);
    if (known)
        g_hash_table_destroy(known);
}

/* The same walk, one user object parsed at a time: a page of 500 Clerk
 * users is ~0.7 MB of JSON and several MB as one cJSON tree, which stayed in
 * the worker's heap as a high-water mark. False (out untouched) when the
 * body is not a well-formed list: the whole-body parse then says why. */
static bool parse_users_walk_itemwise(const struct op_args *args,
                                      const struct http_response *resp, struct op_result *out)
{
    struct json_span *spans = NULL;
    long n = json_item_spans(resp->body, resp->body_len, NULL, &spans);
    if (n < 0 || n > INT_MAX) {
        free(spans);
        return false;
    }
    struct op_result got = {0};
    GHashTable *known = known_users(args);
    bool ok = true;
    long bad = -1;
    for (long i = 0; i < n && ok && bad < 0; i++) {
        cJSON *u = cJSON_ParseWithLength(resp->body + spans[i].off, spans[i].len);
        ok = u != NULL;
        if (ok && !walk_user(u, known, args, &got))
            bad = i;
        cJSON_Delete(u);
    }
    if (known)
        g_hash_table_destroy(known);
    free(spans);
    if (!ok || bad >= 0) {
        op_result_free(&got);
        if (bad >= 0)
            result_bad_item(out, resp, "users", bad, "a user");
        return bad >= 0;
    }
    walk_next_page(args, (int)n, &got);
    if (got.n_follow) {
        out->follow = xrealloc(out->follow, (out->n_follow + got.n_follow) * sizeof *out->follow);
        memcpy(out->follow + out->n_follow, got.follow, got.n_follow * sizeof *got.follow);
        out->n_follow += got.n_follow;
        got.n_follow = 0;
    }
    op_result_merge(out, &got);
    return true;
}

/* Oldest re-read first. */
static int by_checked(const void *a, const void *b)
{
    const struct listed_user *x = *(const struct listed_user *const *)a;
    const struct listed_user *y = *(const struct listed_user *const *)b;
    return (x->checked_ms > y->checked_ms) - (x->checked_ms < y->checked_ms);
}

/* The users with live sessions a refresh re-reads: those due (last read a
 * `recheck` ago), and at least the share that spreads them evenly over the
 * refreshes (the time since the last listing out of `recheck`). */
static void plan_rechecks(const struct account *acct, const struct op_args *args,
                          const struct list_memory *mem, struct op_result *out)
{
    int64_t every = recheck_ms(acct);
    int64_t now = args->now_ms;
    int64_t since = now - mem->listed_ms;
    if (since < 0)
        since = 0;
    if (since > every)
        since = every;
    const struct listed_user **live = xcalloc(mem->n_users + 1, sizeof *live);
    size_t n_live = 0, n_due = 0;
    for (size_t i = 0; i < mem->n_users; i++) {
        if (!mem->users[i].live)
            continue;
        live[n_live++] = &mem->users[i];
        n_due += mem->users[i].checked_ms + every <= now;
    }
    qsort(live, n_live, sizeof *live, by_checked);
    size_t share = (size_t)(((int64_t)n_live * since + every - 1) / every);
    size_t pick = n_due > share ? n_due : share;
    for (size_t i = 0; i < pick && i < n_live; i++)
        follow_user_sessions(out, live[i]->id, args);
    free(live);
}

static bool clerk_plan_refresh(const struct account *acct, struct op_args *args,
                               const struct list_memory *mem, struct op_result *out)
{
    struct filters f = list_filters(acct, args);
    if (f.user_id || f.client_id || args->phase != PHASE_WALK_USERS ||
        page_offset(args) != 0 || mem->listed_ms <= 0 || args->n_user_ids != 0)
        return false;
    args->phase = PHASE_WALK_SIGNED_IN;
    args->since_ms = mem->listed_ms - SIGN_IN_MARGIN_MS;
    args->user_ids = xcalloc(mem->n_users + 1, sizeof *args->user_ids);
    args->user_times = xcalloc(mem->n_users + 1, sizeof *args->user_times);
    for (size_t i = 0; i < mem->n_users; i++) {
        args->user_ids[i] = xstrdup(mem->users[i].id);
        args->user_times[i] = mem->users[i].signed_in_ms;
    }
    args->n_user_ids = mem->n_users;
    plan_rechecks(acct, args, mem, out);
    return true;
}

/* Half of the instance's documented limit (the rest is the customer's own
 * back end's): 1000 per 10 s in production (sk_live_), 100 in development. */
static void clerk_default_rate(const struct account *acct, const struct secret_bag *secrets,
                               struct rate *out)
{
    const char *key = secrets ? secret_bag_get(secrets, "api_key") : NULL;
    bool production = key && strncmp(key, "sk_live_", 8) == 0;
    *out = (struct rate){production ? 500 : 50, 10000};
}

/* ClerkErrors: {errors: [{message, long_message, code, meta}], clerk_trace_id} */
static void parse_error(enum op op, const struct http_response *resp, struct op_result *out)
{
    bool gone = op == OP_VERIFY && resp->status == 410;
    cJSON *j = parse_json_body(TITLE, resp, out);
    if (!j) {
        if (gone)
            result_fail(out, ERR_PROVIDER, "HTTP 410 from Clerk: verify is deprecated by Clerk");
        return;
    }
    /* what Clerk asks to be quoted about a failed request */
    out->request_id = json_dup_str(j, "clerk_trace_id");
    if (out->request_id && !out->request_id[0]) {
        free(out->request_id);
        out->request_id = NULL;
    }
    const cJSON *errs = cJSON_GetObjectItemCaseSensitive(j, "errors");
    const cJSON *first = cJSON_IsArray(errs) ? cJSON_GetArrayItem(errs, 0) : NULL;
    if (!cJSON_IsObject(first)) {
        if (gone)
            result_fail(out, ERR_PROVIDER, "HTTP 410 from Clerk: verify is deprecated by Clerk");
        else
            result_bad_shape(out, TITLE, resp, "an error without errors[]");
        cJSON_Delete(j);
        return;
    }
    const char *code = nonempty(first, "code");
    const char *msg = nonempty(first, "long_message");
    if (!msg)
        msg = nonempty(first, "message");
    char *text = join2(code, ": ", msg);
    int more = cJSON_GetArraySize(errs) - 1;
    int err = err_for_status(resp->status);
    if (gone)
        result_fail(out, err, "HTTP 410 from Clerk: verify is deprecated by Clerk (%s)",
                    text ? text : "no message");
    else if (more > 0)
        result_fail(out, err, "HTTP %ld from Clerk: %s (+%d more)", resp->status,
                    text ? text : "no message", more);
    else
        result_fail(out, err, "HTTP %ld from Clerk: %s", resp->status,
                    text ? text : "no message");
    free(text);
    cJSON_Delete(j);
}

/* The token answer {object: "token", jwt}. The body holds a secret: a
 * truncated one is not previewed in the error. */
static void parse_token(const struct http_response *resp, struct op_result *out)
{
    cJSON *j = resp->body ? cJSON_ParseWithLength(resp->body, resp->body_len) : NULL;
    if (!j) {
        result_fail(out, err_for_status(resp->status),
                    "HTTP %ld from Clerk: the token answer is not JSON", resp->status);
        return;
    }
    cJSON *jwt = cJSON_GetObjectItemCaseSensitive(j, "jwt");
    if (!cJSON_IsString(jwt) || !jwt->valuestring[0])
        result_bad_shape(out, TITLE, resp, "no jwt in the token answer");
    else if (!jwt_wellformed(jwt->valuestring)) /* not shown: it may be anything, a key too */
        result_bad_shape(out, TITLE, resp, "the token answer's jwt is not a JWT");
    else
        out->token = sanitize_text(jwt->valuestring);
    if (cJSON_IsString(jwt))
        wipe(jwt->valuestring, strlen(jwt->valuestring)); /* cJSON frees without wiping */
    cJSON_Delete(j);
}

static void clerk_parse(const struct account *acct, enum op op, const struct op_args *args,
                        const struct http_response *resp, struct op_result *out)
{
    if (result_redirect(TITLE, resp, out))
        return;
    static const struct op_args no_args;
    if (!args)
        args = &no_args;
    if (!ok_status(resp->status)) {
        parse_error(op, resp, out);
        return;
    }
    if (op == OP_TOKEN) {
        parse_token(resp, out);
        return;
    }
    if (op == OP_LIST) {
        struct filters f = list_filters(acct, args);
        if (!f.user_id && !f.client_id)
            out->page_kind = args->phase == PHASE_WALK_USERS   ? PAGE_WALK
                             : args->phase == PHASE_WALK_TODAY ? PAGE_CATCH_UP
                                                               : PAGE_PLAIN;
        if (!f.user_id && !f.client_id && parse_users_walk_itemwise(args, resp, out))
            return;
        if ((f.user_id || f.client_id) && parse_sessions_page_scan(acct, args, &f, resp, out))
            return;
    }
    cJSON *j = parse_json_body(TITLE, resp, out);
    if (!j)
        return;
    switch (op) {
    case OP_CHECK: /* a key is good when Clerk answers what the spec says */
        if (!cJSON_IsArray(j))
            result_bad_shape(out, TITLE, resp, "users are not a list");
        else
            users_items_ok(j, resp, out);
        break;
    case OP_LIST: {
        struct filters f = list_filters(acct, args);
        if (f.user_id || f.client_id)
            parse_sessions_page(acct, args, &f, resp, j, out);
        else
            parse_users_walk(args, resp, j, out);
        break;
    }
    case OP_USERS: {
        bool has_total;
        int64_t total;
        const cJSON *items = list_items(j, &has_total, &total);
        const cJSON *u;
        if (!items) {
            result_bad_shape(out, TITLE, resp, "users are not a list");
            break;
        }
        if (!users_items_ok(items, resp, out))
            break;
        cJSON_ArrayForEach(u, items)
            add_user(out, u);
        break;
    }
    case OP_GET: case OP_REVOKE: case OP_VERIFY:
        if (!add_session_json(j, acct, out, NULL, true, NULL)) {
            result_bad_shape(out, TITLE, resp, "no session object");
            break;
        }
        if (op == OP_GET) {
            const char *uid = nonempty(j, "user_id");
            if (uid) {
                struct op_args a = {0};
                char *ids[1] = {(char *)uid};
                a.user_ids = ids;
                a.n_user_ids = 1;
                a.now_ms = args->now_ms;
                op_result_follow(out, OP_USERS, &a);
            }
        }
        break;
    default:
        result_fail(out, ERR_INTERNAL, "Clerk cannot %s", op_name(op));
        break;
    }
    cJSON_Delete(j);
}

const struct provider provider_clerk = {
    .id = "clerk",
    .title = TITLE,
    .default_base_url = "https://api.clerk.com/v1",
    .fields = clerk_fields,
    .caps = CAP_LIST | CAP_GET | CAP_REVOKE | CAP_VERIFY | CAP_TOKEN | CAP_USERS | CAP_CHECK,
    .needs = clerk_needs,
    .build = clerk_build,
    .parse = clerk_parse,
    .list_unit = "users",
    .default_rate = clerk_default_rate,
    .plan_refresh = clerk_plan_refresh,
};
