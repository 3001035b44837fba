/* libFuzzer target: reading the journal back (src/journal.c journal_parse).
 *
 * Any bytes: never a crash; every entry read has an action and a time, and
 * every string in it is safe for a terminal; the line shown for people
 * (journal_entry_text) is too; an entry written back as a journal line and
 * read again is the same entry. */
#include "fuzz_common.h"

#include <cJSON.h>

#include "journal.h"
#include "util.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    return 0;
}

/* A field comes back as it was, or (longer than a line may hold) cut. */
static void same(const char *what, const char *a, const char *b)
{
    if (a && b && strlen(a) > JOURNAL_FIELD_MAX)
        return;
    if ((a == NULL) != (b == NULL) || (a && strcmp(a, b) != 0))
        fz_fail("%s changed when written back: %s / %s", what, a ? a : "(null)",
                b ? b : "(null)");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct journal_list l = {0};
    journal_parse(&l, (const char *)data, size, "fuzz");
    for (size_t i = 0; i < l.n; i++) {
        const struct journal_entry *e = &l.v[i];
        FZ_ASSERT(e->action, "an entry has an action");
        const char *f[] = {e->origin, e->account, e->label, e->provider, e->session, e->user,
                           e->action, e->result, e->status, e->error, e->request_id, e->detail};
        for (size_t k = 0; k < ARRAY_LEN(f); k++)
            if (f[k])
                fz_check_text("an entry's string", f[k]);
        char *line = journal_entry_text(e);
        fz_check_text("journal_entry_text", line);
        free(line);
        cJSON *o = journal_entry_json(e, false);
        char *text = cJSON_PrintUnformatted(o);
        cJSON_Delete(o);
        struct journal_list again = {0};
        journal_parse(&again, text, strlen(text), "again");
        FZ_ASSERT(again.n == 1 && again.n_notes == 0, "a line written back reads as one entry");
        const struct journal_entry *b = &again.v[0];
        FZ_ASSERT(b->time_ms == e->time_ms, "the time survives");
        same("action", e->action, b->action);
        same("session", e->session, b->session);
        same("error", e->error, b->error);
        journal_list_free(&again);
        cJSON_free(text);
    }
    journal_list_free(&l);
    return 0;
}
