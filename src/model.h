/* Accounts, sessions and users: plain data owned by whoever holds them.
 * The UI thread keeps one struct model; the worker only ever sees copies. */
#ifndef SESAME_MODEL_H
#define SESAME_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct provider;

#define ACCOUNT_MAX_FIELDS 16

struct kv {
    char *key;
    char *value;
};

/* A configured account. Non-secret only: secrets live in the keyring under
 * (account id, kind). */
struct account {
    char *id;                          /* stable, [a-z0-9-], unique */
    char *provider_id;                 /* "clerk", "basistheory", "plantly", "cbrain", "apideck" */
    char *label;                       /* what the user called it */
    char *base_url;                    /* NULL = provider default */
    char *ca_file;                     /* extra CA bundle for TLS, NULL = system */
    bool allow_http;                   /* plain http:// to a non-loopback host */
    struct kv fields[ACCOUNT_MAX_FIELDS]; /* provider fields that are not secret */
    size_t n_fields;
    char *stray_keys;                  /* keys of the config file sesame does not read
                                        * (space-separated, NULL: none): a newer sesame's,
                                        * or a field written without "field." */
};

enum session_status {
    SESSION_UNKNOWN = 0,
    SESSION_ACTIVE,
    SESSION_PENDING,
    SESSION_REVOKED,
    SESSION_ENDED,
    SESSION_EXPIRED,
    SESSION_REMOVED,
    SESSION_ABANDONED,
    SESSION_REPLACED,
    SESSION_STATUS_COUNT
};

/* account_id, user_id, user_display, device, browser and place repeat
 * across thousands of sessions: they are pooled strings (strpool.h), shared
 * and never written; set them with strpool_get/strpool_set, never malloc.
 * id, client_id and ip are the session's own, packed in slabs (strslab.h):
 * strslab_dup/strslab_set/strslab_free. Only raw_json is plain malloc.
 * Fields are ordered to leave no padding: 100k of these are held at once. */
struct session {
    const char *id;            /* slab */
    const char *account_id;    /* pooled */
    const char *user_id;       /* pooled; provider's user id, NULL if none */
    const char *user_display;  /* pooled; name or e-mail once known, NULL before */
    const char *client_id;     /* slab */
    int64_t created_ms;     /* 0 = unknown */
    int64_t last_active_ms;
    int64_t expires_ms;
    int64_t abandon_ms;     /* idle limit (Clerk's abandon_at), 0 = none known */
    const char *device;     /* pooled; "desktop", "mobile" ... NULL if not given */
    const char *browser;    /* pooled; "Chrome 120" */
    const char *ip;         /* slab */
    const char *place;      /* pooled; "Berlin, DE" */
    char *raw_json;         /* the provider's object as received, for the detail view */
    enum session_status status;
    bool tracked;           /* created by sesame (kept in the state file) */
    bool has_url;           /* an openable URL is in the keyring (Vault) */
    bool expiry_unknown;    /* an update whose expiry is not known: the old one goes too
                             * (new tokens whose lifetime was not given) */
    uint8_t flags;          /* what looks wrong (flags.h): the provider's FLAG_IMPERSONATED,
                             * the others set when a list is taken in (flags_compute) */
};

struct user {
    char *id;
    char *display;          /* "Ada Lovelace <ada@example.com>" or what exists */
    int64_t signed_in_ms;   /* last sign-in, 0 = unknown */
};

const char *session_status_name(enum session_status s);
enum session_status session_status_parse(const char *s); /* UNKNOWN if unknown */

void account_free(struct account *a);             /* frees members, not a */
void account_copy(struct account *dst, const struct account *src);
const char *account_field(const struct account *a, const char *key); /* NULL if unset */
void account_set_field(struct account *a, const char *key, const char *value); /* NULL value removes */

void session_free(struct session *s);
void session_copy(struct session *dst, const struct session *src);
void user_free(struct user *u);
/* Apply a provider's newer view of a session onto the one we hold: fields
 * the update leaves unset (NULL, 0) keep their old value, so a refresh that
 * does not repeat the creation time does not lose it; the expiry too,
 * unless the update's expiry_unknown says the old one no longer holds. */
void session_update(struct session *dst, const struct session *update);

/* A growable array of sessions. */
struct session_list {
    struct session *v;
    size_t n, cap;
};
struct session *session_list_push(struct session_list *l); /* zeroed slot */
void session_list_clear(struct session_list *l);

#endif
