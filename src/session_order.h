/* The order sessions are shown in when no column is chosen, by
 * `sesame sessions` and the dashboard alike: account by account in the
 * order of the configuration, each account's newest first, ties broken by
 * the session id. It depends on nothing but the sessions, so a refresh that
 * brings the same sessions back in another order (pages and users answer
 * in any order) shows them where they were. */
#ifndef SESAME_SESSION_ORDER_H
#define SESAME_SESSION_ORDER_H

#include <stddef.h>

#include "model.h"

/* <0, 0 or >0 as a comes before, with or after b; rank_a and rank_b are
 * the places of their accounts in the configuration. */
int session_order_cmp(size_t rank_a, const struct session *a, size_t rank_b,
                      const struct session *b);

#endif
