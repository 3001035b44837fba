/* The message log (k9s's and lazygit's command log): every line the
 * message line showed and every request's outcome, with when and which
 * account, kept in a ring of MSGLOG_MAX so that a long day costs a bounded
 * amount of memory. Adding is O(1); the oldest goes when it is full. Pure:
 * no curses, tested alone. */
#ifndef SESAME_MSGLOG_H
#define SESAME_MSGLOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MSGLOG_MAX 2000

enum msglog_level {
    MSGLOG_INFO = 0,   /* a message, an outcome that went well */
    MSGLOG_ERROR,      /* shown in the error colour */
    MSGLOG_JOB,        /* a request going out ("revoking sess_x") */
};

struct msglog_entry {
    int64_t when_ms;   /* wall clock */
    enum msglog_level level;
    char *account;     /* the account's name, or NULL */
    char *text;        /* sanitised, one line */
};

struct msglog {
    struct msglog_entry *v; /* a ring of cap entries */
    size_t cap, first, n;
    uint64_t added;    /* entries ever added: who looks can tell it grew */
};

void msglog_init(struct msglog *l, size_t cap);
void msglog_free(struct msglog *l);
/* Add a line (text is sanitised, made one line; account may be NULL). The
 * same text and account as the last entry within a second is not added
 * again. */
void msglog_add(struct msglog *l, int64_t when_ms, enum msglog_level level, const char *account,
                const char *text);
/* Entry i, 0 the oldest kept; NULL past the end. */
const struct msglog_entry *msglog_get(const struct msglog *l, size_t i);
/* "14:03:07  prod  revoked sess_x" (local time), as it is copied. Owned. */
char *msglog_line(const struct msglog_entry *e);

#endif
