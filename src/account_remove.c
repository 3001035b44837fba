/* An account's records removed (account_remove.h). */
#include "account_remove.h"

#include <stdlib.h>

#include "config.h"
#include "state.h"
#include "util.h"

int account_remove_records(const char *id, bool *found, size_t *forgot, char **error)
{
    size_t n = 0;
    int rc = state_remove_account(id, &n, error);
    if (forgot)
        *forgot = n;
    if (rc)
        return rc;
    char *note = n ? xasprintf("%zu tracked session%s forgotten", n, n == 1 ? "" : "s") : NULL;
    rc = accounts_remove_found(id, note, found, error);
    free(note);
    return rc;
}
