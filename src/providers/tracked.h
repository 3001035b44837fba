/* Shared pieces of the providers whose sessions sesame tracks itself
 * (Plantly, CBRAIN, Apideck Vault): no list endpoint, one session per
 * login or create, its tokens handed back for the keyring. */
#ifndef SESAME_PROVIDER_TRACKED_H
#define SESAME_PROVIDER_TRACKED_H

#include <cJSON.h>

#include "common.h"

/* The clock of an operation: args->now_ms, or now when 0 (or args NULL). */
int64_t tracked_now(const struct op_args *args);

/* out->url = provider_base_url(p, a) without trailing slashes + path. */
void tracked_set_url(struct http_request *out, const struct provider *p,
                     const struct account *a, const char *path);

/* True if v is non-empty and has no control characters (CR/LF would split
 * a header line). */
bool tracked_header_value_ok(const char *v);

/* An account field that build() requires: returns it, or NULL with *error
 * set ("<Title> account has no <label>: edit the account") and *rc =
 * ERR_CONFIG. Control characters are refused too when header is true. */
const char *tracked_need_field(const struct account *a, const char *title, const char *key,
                               const char *label, bool header, char **error, int *rc);

/* A secret that build() requires: returns it, or NULL with *error set
 * ("no <what> in the keyring ...") and *rc = ERR_KEYRING. When header is
 * true, values with control characters are refused too (a CR/LF would
 * split the header line). */
const char *tracked_need_secret(const struct secret_bag *s, const char *title, const char *kind,
                                const char *what, bool header, char **error, int *rc);

/* parse_json_body, except that a 2xx body that starts like JSON but does not
 * parse (truncated) is not previewed: it may hold tokens. */
cJSON *tracked_parse_body(const char *title, const struct http_response *resp,
                          struct op_result *out);

/* A new tracked session in out->sessions: id (copied), account id, status. */
struct session *tracked_session(struct op_result *out, const struct account *a,
                                const char *id, enum session_status status);

/* Compact, sanitised JSON of obj for session.raw_json (secrets removed by
 * the caller first). */
char *tracked_raw_json(const cJSON *obj);

/* Whether the status is 2xx. */
static inline bool tracked_ok(long status) { return status >= 200 && status < 300; }

/* An answer's lifetime in seconds (v: its JSON value, NULL when absent):
 * *expires_ms = now + v*1000, or 0 with *unknown set when it is absent or
 * null (not known: nothing is made up). False when v is no lifetime: not a
 * whole number of seconds (3.5, "3600"), <= 0, or an absurd one (> 10 y);
 * an answer that says so is not what was documented. */
bool tracked_expiry(int64_t now, const cJSON *v, int64_t *expires_ms, bool *unknown);

#endif
