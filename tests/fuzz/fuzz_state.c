/* libFuzzer target: sessions.state (src/state.c). The input is written to
 * $SESAME_STATE_DIR/sessions.state (a private temp dir) and loaded.
 *
 * Checks: a failed load says "path..." and gives an empty list; a load that
 * works gives tracked sessions with an account and an id. Then the writer:
 * the sessions are written back one by one with state_upsert into a fresh
 * file, and loading that must give the same sessions. */
#include "fuzz_common.h"

#include "state.h"
#include "util.h"

#define FILE_NAME "sessions.state"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    setenv("SESAME_STATE_DIR", fz_make_dir("state"), 1);
    return 0;
}

static void same_session(const struct session *a, const struct session *b)
{
    const char *what = NULL;
    if (!fz_str_eq(a->account_id, b->account_id)) what = "account_id";
    else if (!fz_str_eq(a->id, b->id)) what = "id";
    else if (!fz_str_eq(a->user_id, b->user_id)) what = "user_id";
    else if (!fz_str_eq(a->user_display, b->user_display)) what = "user_display";
    else if (!fz_str_eq(a->client_id, b->client_id)) what = "client_id";
    else if (!fz_str_eq(a->device, b->device)) what = "device";
    else if (!fz_str_eq(a->browser, b->browser)) what = "browser";
    else if (!fz_str_eq(a->ip, b->ip)) what = "ip";
    else if (!fz_str_eq(a->place, b->place)) what = "place";
    else if (!fz_str_eq(a->raw_json, b->raw_json)) what = "raw_json";
    else if (a->status != b->status) what = "status";
    else if (a->created_ms != b->created_ms) what = "created_ms";
    else if (a->last_active_ms != b->last_active_ms) what = "last_active_ms";
    else if (a->expires_ms != b->expires_ms) what = "expires_ms";
    else if (a->has_url != b->has_url) what = "has_url";
    else if (a->tracked != b->tracked) what = "tracked";
    if (what)
        fz_fail("session %s/%s: %s changed on the way through state_upsert", a->account_id,
                a->id, what);
}

static const struct session *find(const struct session_list *l, const struct session *s)
{
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->v[i].account_id, s->account_id) == 0 && strcmp(l->v[i].id, s->id) == 0)
            return &l->v[i];
    return NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz_write_file(FILE_NAME, data, size);
    struct session_list l = {0};
    char *error = NULL;
    int rc = state_load(&l, &error);
    if (rc != 0) {
        FZ_ASSERT(rc == ERR_CONFIG, "a bad file is ERR_CONFIG");
        FZ_ASSERT(error && strncmp(error, fz_dir, strlen(fz_dir)) == 0,
                  "the error starts with the path");
        FZ_ASSERT(l.n == 0, "a failed load gives no sessions");
        free(error);
        session_list_clear(&l);
        return 0;
    }
    FZ_ASSERT(error == NULL, "a load that worked sets no error");
    for (size_t i = 0; i < l.n; i++) {
        const struct session *s = &l.v[i];
        FZ_ASSERT(s->account_id && *s->account_id && s->id && *s->id,
                  "a session has an account and an id");
        FZ_ASSERT(s->tracked, "a session of the state file is tracked");
        FZ_ASSERT((unsigned)s->status < SESSION_STATUS_COUNT, "a known status");
        for (size_t j = 0; j < i; j++)
            FZ_ASSERT(strcmp(l.v[j].account_id, s->account_id) != 0 ||
                          strcmp(l.v[j].id, s->id) != 0,
                      "no session twice");
    }

    fz_remove_file(FILE_NAME);
    for (size_t i = 0; i < l.n; i++)
        if (state_upsert(&l.v[i], &error) != 0)
            fz_fail("state_upsert refused a loaded session: %s", error ? error : "?");
    struct session_list back = {0};
    if (state_load(&back, &error) != 0)
        fz_fail("the file state_upsert wrote does not load: %s", error ? error : "?");
    FZ_ASSERT(back.n == l.n, "as many sessions after the round trip");
    for (size_t i = 0; i < l.n; i++) {
        const struct session *b = find(&back, &l.v[i]);
        FZ_ASSERT(b, "every session is still there");
        same_session(&l.v[i], b);
    }
    session_list_clear(&back);
    session_list_clear(&l);
    return 0;
}
