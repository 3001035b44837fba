/* Sessions that look wrong: the one rule behind the flags column of the
 * dashboard and of `sesame sessions`, their filter (flag:...) and the
 * detail view's reasons.
 *
 *   impersonated  the provider says someone acts as the user (Clerk's
 *                 actor is set): set by the provider's parser
 *   new-place     a country this user had in none of the sessions sesame
 *                 has seen for them that began before this one
 *   new-device    the same for the device type
 *   many-live     the user has more live sessions at the account than its
 *                 many_live (default 5)
 *   stale         live, but idle for longer than the account's stale_after
 *                 (default 3d)
 *
 * Places and devices are remembered per account and user (seen.h), so a
 * place stays known when its sessions are gone. The flags are computed
 * when a list is taken in (never per frame): 100k sessions in one pass. */
#ifndef SESAME_FLAGS_H
#define SESAME_FLAGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "account_policy.h"
#include "model.h"

struct seen_account;

enum session_flag {
    FLAG_IMPERSONATED = 1u << 0,
    FLAG_NEW_PLACE = 1u << 1,
    FLAG_NEW_DEVICE = 1u << 2,
    FLAG_MANY_LIVE = 1u << 3,
    FLAG_STALE = 1u << 4,
};
#define FLAG_COUNT 5
#define FLAGS_FROM_PROVIDER FLAG_IMPERSONATED

/* "impersonated", "new-place" ... of one flag bit; NULL for another value. */
const char *flag_name(unsigned flag);
/* The flag a name (or the start of one, any case: "imp", "new-d") means; 0
 * if none or several ("new"). */
unsigned flag_parse(const char *word);

/* Why word, looked for in the flags (a filter's flag:WORD matches part of
 * a flag's name: "new" both new-place and new-device), can match no flag:
 * "unknown flag 'bogus'; the flags: ...", with a did-you-mean; owned. NULL
 * when it is part of a flag's name. */
char *flag_word_check(const char *word);

/* The names of flags, space-separated ("impersonated new-place"; "" for
 * none), into buf: the flags column's text, what flag:... matches. A name
 * that does not fit is left out whole. */
const char *flags_text(unsigned flags, char *buf, size_t size);

/* The country of a place ("Berlin, DE" -> "DE"; a place of one word only
 * when it is a country code, two or three capitals: "DE" -> "DE", a city
 * alone -> NULL): a pointer into place. The country column's text and the
 * new-place flag's, one rule. */
const char *place_country(const char *place);

/* Flag the sessions v[0..n) of one account at now: what the provider set is
 * kept, the rest computed anew; seen (may be NULL: no memory) learns the
 * places and devices of these sessions first. */
void flags_compute(struct session *const *v, size_t n, const struct account_policy *pol,
                   struct seen_account *seen, int64_t now);

/* The same a slice at a time (the dashboard takes in 100k sessions between
 * keys): every session of the account is learnt, then each is flagged;
 * flags_flag returns whether its flags changed. The sessions must stay
 * where they are from the first learn to the last flag. */
struct flag_pass;
struct flag_pass *flags_begin(const struct account_policy *pol, struct seen_account *seen,
                              int64_t now);
void flags_learn(struct flag_pass *p, const struct session *s);
bool flags_flag(struct flag_pass *p, struct session *s);
void flags_end(struct flag_pass *p);

/* Why each flag of s is there, one line each ("new place: the first of Ada's
 * sessions from NZ; before: DE, FR"); n_live: the user's live sessions at
 * the account now. Owned, "" for none. */
char *flags_explain(const struct session *s, const struct account_policy *pol,
                    const struct seen_account *seen, size_t n_live, int64_t now);

#endif
