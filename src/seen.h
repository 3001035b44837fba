/* What sesame has seen of each user at an account: the countries and
 * device types of their sessions, each with the start of the first
 * session that had it. The memory behind the new-place and new-device
 * flags (flags.h), in $SESAME_STATE_DIR/seen/<account id>.json; no secret
 * (user ids, country codes, device types). Bounded: SEEN_MAX_USERS users
 * per account (those seen longest ago go first), SEEN_MAX_VALUES of each
 * kind per user. */
#ifndef SESAME_SEEN_H
#define SESAME_SEEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SEEN_MAX_USERS 10000
#define SEEN_MAX_VALUES 32
#define SEEN_LAST_STEP_MS (24 * 3600 * 1000LL) /* a user's last activity, to the day */

enum seen_kind { SEEN_COUNTRY, SEEN_DEVICE, SEEN_KINDS };

struct seen_value {
    const char *value;         /* in the account's values */
    int64_t first_ms;          /* the start of the first session that had it */
};

struct seen_user {
    char *id;
    int64_t last_ms;           /* the newest activity seen (for the bound) */
    struct seen_value *v[SEEN_KINDS];
    size_t n[SEEN_KINDS];
};

struct seen_account {
    char *account_id;
    struct _GHashTable *users; /* id -> struct seen_user * */
    struct _GStringChunk *values; /* every value's text, once */
    bool dirty;                /* learnt something since loaded or saved */
};

/* The memory of account_id: from its file (missing: empty). A file that
 * cannot be read or is not what it should be gives an empty memory and
 * *error (owned; the next save replaces the file). */
struct seen_account *seen_load(const char *account_id, char **error);
/* Write it (atomically) if dirty: 0 or ERR_CONFIG with *error. */
int seen_save(struct seen_account *s, char **error);
void seen_free(struct seen_account *s);
/* Remove an account's file (the account is removed). */
void seen_forget(const char *account_id);

struct seen_user *seen_user(struct seen_account *s, const char *user_id, bool create);
/* The user had value (of kind) in a session that began at started_ms:
 * remembered with the earliest start. */
void seen_note(struct seen_account *s, struct seen_user *u, enum seen_kind kind,
               const char *value, int64_t started_ms);
/* When the user first had value, or -1 if never seen. */
int64_t seen_first(const struct seen_user *u, enum seen_kind kind, const char *value);
/* Keep the newest SEEN_MAX_USERS users. */
void seen_trim(struct seen_account *s);

/* The file's text and back (tests, fuzzing). */
char *seen_to_json(const struct seen_account *s);
int seen_from_json(struct seen_account *s, const char *text, size_t len, char **error);

#endif
