/* The interface every provider implements: data plus pure functions.
 * A provider builds requests and parses responses; it never does I/O, so it
 * is tested and fuzzed on bodies alone. The worker does the talking. */
#ifndef SESAME_PROVIDER_H
#define SESAME_PROVIDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../budget.h"
#include "../http.h"
#include "../model.h"

enum op {
    OP_LIST = 0,   /* list sessions (remote list, paged) */
    OP_GET,        /* one session */
    OP_REVOKE,     /* revoke / log out / destroy a session */
    OP_VERIFY,     /* Clerk's deprecated verify */
    OP_TOKEN,      /* Clerk JWT from a template */
    OP_CREATE,     /* create or log in: a new (tracked) session */
    OP_AUTHORIZE,  /* Basis Theory: grant a created session access */
    OP_REFRESH,    /* Plantly: new tokens from the refresh token */
    OP_INFO,       /* CBRAIN: is the tracked session still valid */
    OP_USERS,      /* Clerk: names for a batch of user ids */
    OP_CHECK,      /* one cheap read with the account's credentials (account add):
                    * the one secret in the job's bag, given by the caller */
    OP_COUNT
};

enum provider_caps {
    CAP_LIST = 1u << 0,      /* sessions come from a remote list */
    CAP_GET = 1u << 1,
    CAP_REVOKE = 1u << 2,
    CAP_VERIFY = 1u << 3,
    CAP_TOKEN = 1u << 4,
    CAP_CREATE = 1u << 5,
    CAP_AUTHORIZE = 1u << 6,
    CAP_REFRESH = 1u << 7,
    CAP_INFO = 1u << 8,
    CAP_OPEN_URL = 1u << 9,  /* sessions have a URL to open (Vault) */
    CAP_USERS = 1u << 10,
    CAP_CHECK = 1u << 11,    /* has a read that checks credentials without a login */
};

enum field_flags {
    FIELD_SECRET = 1u << 0,   /* goes to the keyring under kind = key */
    FIELD_REQUIRED = 1u << 1,
};

/* What the add-account form asks. Secret fields are stored in the keyring
 * with kind = key; the others in the config file. */
struct field {
    const char *key;          /* "api_key", "app_id" ... */
    const char *label;        /* "Secret key (sk_...)" */
    unsigned flags;
    const char *help;
    /* Why a (non-empty) value will not do, as a phrase ("is not an e-mail
     * address"), owned; NULL when it will. NULL: any value. Called through
     * provider_field_check wherever a value is stored. */
    char *(*validate)(const char *value);
};

/* Secrets handed to build(), looked up by the worker from the keyring. */
#define SECRET_BAG_MAX 6
struct secret_bag {
    struct {
        char *kind;           /* "api_key", "refresh_token" ... */
        char *value;          /* wiped when the bag is cleared */
    } item[SECRET_BAG_MAX];
    size_t n;
};
const char *secret_bag_get(const struct secret_bag *b, const char *kind); /* NULL if absent */
void secret_bag_put(struct secret_bag *b, const char *kind, const char *value); /* copies */
void secret_bag_clear(struct secret_bag *b); /* wipes and frees */

/* Which secrets an operation needs: comma-separated kinds, looked up on the
 * account ("api_key") and on the target session ("refresh_token"). */
struct op_needs {
    const char *account_secrets;
    const char *session_secrets;
};

/* Arguments of one operation. Strings are owned (op_args_free frees them). */
struct op_args {
    char *session_id;          /* target of GET/REVOKE/VERIFY/TOKEN/AUTHORIZE/REFRESH/INFO */
    char *user_id;             /* LIST filter; INFO, REFRESH: the user the tracked session
                                * is of, when known (an answer about another one is an
                                * unexpected answer, as a Clerk answer about another
                                * session is) */
    char *client_id;           /* LIST filter */
    char *status;              /* LIST filter, provider's own word */
    char *template_name;       /* TOKEN */
    long expires_in_seconds;   /* TOKEN, 0 = not sent */
    char *verify_token;        /* VERIFY: the __session JWT (secret, wiped) */
    char *options_json;        /* CREATE / AUTHORIZE: provider options as a JSON object */
    char *check_kind;          /* CHECK: the field the secret tried was given as
                                * ("private_key"), whose kind the answer must show */
    char *bearer;              /* a follow-up's token from an earlier answer of the same
                                * job, not yet in the keyring (secret, wiped) */
    long limit, offset;        /* LIST paging, set by the provider in follow-ups */
    int phase;                 /* provider's own step marker for multi-request ops */
    char **user_ids;           /* USERS batch; LIST: users already known (see user_times) */
    size_t n_user_ids;
    int64_t *user_times;       /* with user_ids, or NULL: a time per user (Clerk: the last
                                * sign-in its sessions were read after) */
    int64_t since_ms;          /* LIST: the provider's "changed since" (Clerk: signed in after) */
    bool refresh;              /* LIST: only what can have changed since the last listing,
                                * when the worker remembers it (else a full one) */
    bool stream;               /* LIST: post the sessions that came while it runs, so an
                                * empty screen fills as they arrive */
    int64_t now_ms;            /* the clock parse() uses (expiry from expires_in); 0 = now */
    bool no_raw_json;          /* LIST: leave session.raw_json NULL (for a caller that
                                * never shows it; 100k sessions hold ~60 MB of it) */
};
void op_args_free(struct op_args *a);
/* The arguments of a check or renewal of a tracked session s (INFO,
 * REFRESH): its id, and its user, whom the answer must be about. Both
 * front ends ask through this. */
void op_args_for_tracked(struct op_args *a, const struct session *s);
void op_args_copy(struct op_args *dst, const struct op_args *src);

struct op_followup {
    enum op op;
    struct op_args args;
    int prio;                  /* sent before waiting requests of a lower prio */
    bool unit;                 /* one unit of the job's progress (Clerk: one user's sessions) */
};

/* Priorities of follow-ups: a page of a walk goes before what the walk
 * asks for, so the total is known early and the order holds. */
enum { PRIO_NORMAL = 0, PRIO_NAMES = 1, PRIO_WALK = 2, PRIO_LEVELS = 3 };

/* What parse() produced. */
struct op_result {
    struct session_list sessions;   /* listed, fetched, created or changed */
    struct user *users;             /* USERS */
    size_t n_users;
    char *token;                    /* TOKEN: the JWT (secret, wiped) */
    char *url;                      /* CREATE on Vault: session_uri (secret) */
    struct secret_bag new_secrets;  /* per-session secrets for sessions.v[0] */
    bool forget_session;            /* REVOKE of a tracked session: drop it and its secrets */
    bool gone;                      /* REVOKE: the provider says the session had ended
                                     * already (forget_session is set too) */
    /* Further requests this answer calls for (the next pages, the users of
     * the listed sessions). The worker runs them concurrently as part of the
     * same job and merges their results into one. */
    struct op_followup *follow;
    size_t n_follow;
    /* LIST: the users whose sessions this answer holds in full (those not
     * named keep what was shown when the answer is partial). */
    char **covered;
    size_t n_covered;
    bool partial;                   /* LIST: a refresh of some users, not the whole list */
    char *warning;                  /* the answer is not all there is (one line), or NULL */
    enum page_kind {
        PAGE_PLAIN,                 /* units it asks for may repeat others' */
        PAGE_WALK,                  /* a page of a walk by offset: a unit asked for already
                                     * means the order moved under the paging, and one
                                     * item may have been skipped for it */
        PAGE_CATCH_UP,              /* the walk's last look: a new unit it finds is one of
                                     * those the moving order skipped */
    } page_kind;
    int err;                        /* enum sesame_err, 0 = ok */
    char *error;                    /* one line for a person, when err != 0 */
    bool refused;                   /* with err: the provider said no to what was asked
                                     * (a 4xx, set by the worker; or an answer that says so,
                                     * such as a key of the wrong kind), not an unexpected
                                     * answer (a page, a redirect) or none */
    bool maybe_done;                /* with err: a change (a request that is not
                                     * idempotent) reached the provider, which may have
                                     * made it: its answer was lost (cut short, reset, too
                                     * late) or came as a success sesame could not use. For
                                     * a renewal: the tokens may have been rotated (set by
                                     * the worker; session_refresh_failed reads it) */
    char *request_id;               /* the provider's id of the request, for the journal
                                     * (Clerk's clerk_trace_id, else a CF-Ray or
                                     * X-Request-Id header), or NULL */
};
void op_result_free(struct op_result *r);
/* Queue a follow-up request (args copied); the new entry, to set its prio
 * or unit. */
struct op_followup *op_result_follow(struct op_result *r, enum op op, const struct op_args *args);
/* Add a user id (copied) to r->covered. */
void op_result_cover(struct op_result *r, const char *user_id);
/* Move everything from src into dst (sessions, users, secrets, first error). */
void op_result_merge(struct op_result *dst, struct op_result *src);

/* What the worker remembers of an account's last good listing, for the
 * next refresh to ask only for what can have changed. */
struct listed_user {
    char *id;
    char *display;             /* its name as the listing showed it, or NULL */
    int64_t signed_in_ms;      /* the user's last sign-in when its sessions were read, 0 unknown */
    int64_t checked_ms;        /* when its sessions were last read (the listing's clock) */
    bool live;                 /* it had a session that was not over then */
};
struct list_memory {
    int64_t listed_ms;         /* the clock (args->now_ms) of the last good listing */
    struct listed_user *users;
    size_t n_users;
};

struct provider {
    const char *id;                 /* "clerk" */
    const char *title;              /* "Clerk" */
    const char *default_base_url;   /* "https://api.clerk.com/v1" */
    const struct field *fields;     /* terminated by {NULL} */
    unsigned caps;
    /* Secrets op needs; NULL members mean none. */
    struct op_needs (*needs)(enum op op);
    /* Fill out for op. Returns 0, or an enum sesame_err with *error set
     * (e.g. a missing required field). */
    int (*build)(const struct account *acct, enum op op, const struct op_args *args,
                 const struct secret_bag *secrets, struct http_request *out, char **error);
    /* Read a response (any status) into out. Never crashes on any input; on
     * a provider error sets out->err and out->error to one line. */
    void (*parse)(const struct account *acct, enum op op, const struct op_args *args,
                  const struct http_response *resp, struct op_result *out);
    /* What LIST's progress counts ("users"); NULL: no progress is told. */
    const char *list_unit;
    /* Optional: the budget an account has when its config names none
     * (Clerk: half the instance limit of the key's kind). Absent: 10/1s. */
    void (*default_rate)(const struct account *acct, const struct secret_bag *secrets,
                         struct rate *out);
    /* Optional. A LIST of an account whose last good listing the worker
     * remembers (mem, whose listed_ms is args->now_ms of that listing):
     * turn *args into a refresh of what can have changed since, adding
     * what else it must re-read to out as follow-ups, and return true (the
     * answer is then partial); false leaves a full listing. Pure. */
    bool (*plan_refresh)(const struct account *acct, struct op_args *args,
                         const struct list_memory *mem, struct op_result *out);
};

extern const struct provider provider_clerk;
extern const struct provider provider_basistheory;
extern const struct provider provider_plantly;
extern const struct provider provider_cbrain;
extern const struct provider provider_apideck;

const struct provider *provider_find(const char *id);   /* NULL if unknown */
const struct provider *const *provider_all(void);       /* NULL-terminated */
const char *op_name(enum op op);
/* Add a provider at run time (the worker tests' loopback provider). Call
 * before any worker starts. -1 if the id is taken or the table is full. */
int provider_register(const struct provider *p);                         /* "list", "revoke" ... */

/* Whether value will do for p's field key: NULL, or why not as one line
 * naming the field ("session_length: \"banana\" is not a duration like
 * 30m ..."), owned. A value that is not secret may hold no control
 * characters, whatever the field. Empty values and unknown keys pass
 * (other checks). Values are trimmed first (text_trim) by whoever took
 * them. The one rule for field values: `account add`, `account edit` and
 * the dashboard's form all ask it. */
char *provider_field_check(const struct provider *p, const char *key, const char *value);

/* The base URL an account talks to, without a trailing slash. */
const char *provider_base_url(const struct provider *p, const struct account *a);
/* Fields every account has besides its provider's (rate_limit), and the
 * field key names of p, or of every account; NULL if none. */
extern const struct field provider_common_fields[];
const struct field *provider_field(const struct provider *p, const char *key);

/* The request budget of an account: its rate_limit field when set and
 * valid, else the provider's default for it. */
void provider_rate(const struct provider *p, const struct account *a,
                   const struct secret_bag *secrets, struct rate *out);

#endif
