/* The system keyring through libsecret, in the manner of git's
 * credential-libsecret helper: one schema, a few sync calls, every GError
 * turned into a sentence a person can act on.
 *
 * We talk to the Secret Service with the secret_service_* calls rather than
 * secret_password_*: since libsecret 0.20 the latter may pick a "file
 * backend" (SECRET_BACKEND=file, or inside a sandbox) that writes secrets to
 * a file of its own. sesame has no fallback: no Secret Service, no secret. */
#include "keyring.h"

#include <stdlib.h>
#include <string.h>

#include <libsecret/secret.h>

#include "util.h"

static const SecretSchema schema = {
    "org.sesame.Secret",
    SECRET_SCHEMA_DONT_MATCH_NAME,
    {
        { "application", SECRET_SCHEMA_ATTRIBUTE_STRING },
        { "account", SECRET_SCHEMA_ATTRIBUTE_STRING },
        { "kind", SECRET_SCHEMA_ATTRIBUTE_STRING },
        { "session", SECRET_SCHEMA_ATTRIBUTE_STRING },
        { NULL, 0 },
    },
    0, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
};

#define APPLICATION "sesame"

static const char no_service_hint[] =
    "start gnome-keyring or KeePassXC (Secret Service enabled)";
static const char locked_hint[] =
    "unlock it (e.g. log in again, or run seahorse) and retry";

static void set_error(char **error, char *msg)
{
    if (error)
        *error = msg;
    else
        free(msg);
}

static int fail(char **error, char *msg)
{
    set_error(error, msg);
    return ERR_KEYRING;
}

/* Is this D-Bus error "nobody answers for org.freedesktop.secrets"? */
static bool dbus_no_service(const GError *e)
{
    if (e->domain != G_DBUS_ERROR)
        return false;
    switch (e->code) {
    case G_DBUS_ERROR_SERVICE_UNKNOWN:
    case G_DBUS_ERROR_NAME_HAS_NO_OWNER:
    case G_DBUS_ERROR_NO_SERVER:
    case G_DBUS_ERROR_DISCONNECTED:
    case G_DBUS_ERROR_SPAWN_EXEC_FAILED:
    case G_DBUS_ERROR_SPAWN_FORK_FAILED:
    case G_DBUS_ERROR_SPAWN_CHILD_EXITED:
    case G_DBUS_ERROR_SPAWN_CHILD_SIGNALED:
    case G_DBUS_ERROR_SPAWN_FAILED:
    case G_DBUS_ERROR_SPAWN_SETUP_FAILED:
    case G_DBUS_ERROR_SPAWN_CONFIG_INVALID:
    case G_DBUS_ERROR_SPAWN_SERVICE_INVALID:
    case G_DBUS_ERROR_SPAWN_SERVICE_NOT_FOUND:
    case G_DBUS_ERROR_SPAWN_PERMISSIONS_INVALID:
    case G_DBUS_ERROR_SPAWN_FILE_INVALID:
    case G_DBUS_ERROR_SPAWN_NO_MEMORY:
        return true;
    default:
        return false;
    }
}

/* The error says an item went away under us: another sesame (a parallel
 * account remove, a prune) deleted it between our search and our use of
 * it. Each Secret Service says so its own way: libsecret's NoSuchObject,
 * or D-Bus's unknown object, interface or method for the item's path. */
static bool item_vanished(const GError *e)
{
    if (g_error_matches(e, SECRET_ERROR, SECRET_ERROR_NO_SUCH_OBJECT) ||
        g_error_matches(e, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_OBJECT) ||
        g_error_matches(e, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_INTERFACE) ||
        g_error_matches(e, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_METHOD))
        return true;
    gchar *remote = g_dbus_error_is_remote_error(e) ? g_dbus_error_get_remote_error(e) : NULL;
    bool gone = remote && strcmp(remote, "org.freedesktop.Secret.Error.NoSuchObject") == 0;
    g_free(remote);
    return gone;
}

/* The sentence for a GError, which is freed. connecting: the error came
 * from reaching the service at all (the bus or the service's proxy). */
static char *describe(GError *e, bool connecting)
{
    char *msg;
    if (g_dbus_error_is_remote_error(e))
        g_dbus_error_strip_remote_error(e);
    const char *m = e->message ? e->message : "unknown error";

    if (g_error_matches(e, SECRET_ERROR, SECRET_ERROR_IS_LOCKED) ||
        g_error_matches(e, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        msg = xasprintf("the keyring is locked (%s): %s", m, locked_hint);
    else if (dbus_no_service(e) || g_error_matches(e, G_IO_ERROR, G_IO_ERROR_CLOSED) ||
             (connecting && (e->domain == G_IO_ERROR || e->domain == G_DBUS_ERROR ||
                             e->domain == G_SPAWN_ERROR)))
        msg = xasprintf("no Secret Service on the session bus (%s): %s", m, no_service_hint);
    else if (g_error_matches(e, G_DBUS_ERROR, G_DBUS_ERROR_NO_REPLY) ||
             g_error_matches(e, G_DBUS_ERROR, G_DBUS_ERROR_TIMEOUT) ||
             g_error_matches(e, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
        msg = xasprintf("the Secret Service did not answer (%s): restart gnome-keyring "
                        "or KeePassXC and retry", m);
    else if (connecting)
        msg = xasprintf("no Secret Service on the session bus (%s): %s", m, no_service_hint);
    else
        msg = xasprintf("keyring: %s", m);
    g_error_free(e);
    return msg;
}

static SecretService *get_service(char **error)
{
    GError *e = NULL;
    SecretService *s = secret_service_get_sync(SECRET_SERVICE_OPEN_SESSION, NULL, &e);
    if (!s) {
        if (!e)
            g_set_error_literal(&e, G_IO_ERROR, G_IO_ERROR_FAILED, "no service object");
        set_error(error, describe(e, true));
        return NULL;
    }
    return s;
}

/* Attributes to match. kind == NULL or session == NULL leave that
 * attribute out (any value matches). The table borrows the strings. */
static GHashTable *attributes(const char *account, const char *kind, const char *session)
{
    GHashTable *t = g_hash_table_new(g_str_hash, g_str_equal);
    g_hash_table_insert(t, (gpointer) "application", (gpointer)APPLICATION);
    g_hash_table_insert(t, (gpointer) "account", (gpointer)account);
    if (kind)
        g_hash_table_insert(t, (gpointer) "kind", (gpointer)kind);
    if (session)
        g_hash_table_insert(t, (gpointer) "session", (gpointer)session);
    return t;
}

static int check_args(const char *account, const char *kind, bool need_kind, char **error)
{
    if (str_empty(account))
        return fail(error, xstrdup("keyring: no account given"));
    if (need_kind && str_empty(kind))
        return fail(error, xstrdup("keyring: no kind of secret given"));
    return 0;
}

int keyring_store(const char *account, const char *kind, const char *session,
                  const char *label, const char *secret, char **error)
{
    if (check_args(account, kind, true, error))
        return ERR_KEYRING;
    if (!secret)
        return fail(error, xstrdup("keyring: no secret given"));
    SecretService *svc = get_service(error);
    if (!svc)
        return ERR_KEYRING;

    char *deflabel = str_empty(label) ? xasprintf("sesame: %s (%s)", account, kind) : NULL;
    GHashTable *attrs = attributes(account, kind, session ? session : "");
    SecretValue *value = secret_value_new(secret, -1, "text/plain"); /* copied to secure memory */
    GError *e = NULL;
    int rc = 0;
    if (!secret_service_store_sync(svc, &schema, attrs, SECRET_COLLECTION_DEFAULT,
                                   deflabel ? deflabel : label, value, NULL, &e)) {
        if (g_error_matches(e, SECRET_ERROR, SECRET_ERROR_NO_SUCH_OBJECT)) {
            set_error(error, xasprintf("the keyring has no default collection (%s): "
                                       "create one, e.g. with seahorse, and retry", e->message));
            g_error_free(e);
        } else {
            set_error(error, describe(e, false));
        }
        rc = ERR_KEYRING;
    }
    secret_value_unref(value);
    g_hash_table_unref(attrs);
    free(deflabel);
    g_object_unref(svc);
    return rc;
}

/* Items matching attrs, unlocking them if need be (the service may prompt).
 * Returns 0 and a list (possibly empty), or ERR_KEYRING. */
static int search(SecretService *svc, GHashTable *attrs, SecretSearchFlags flags, GList **items,
                  char **error)
{
    GError *e = NULL;
    /* an item deleted while the search loads it: search again, it is not
     * there any more */
    for (int tries = 0; tries < 5; tries++) {
        g_clear_error(&e);
        *items = secret_service_search_sync(svc, &schema, attrs, flags | SECRET_SEARCH_UNLOCK,
                                            NULL, &e);
        if (!e || !item_vanished(e))
            break;
        g_list_free_full(*items, g_object_unref);
        *items = NULL;
    }
    if (e) {
        g_list_free_full(*items, g_object_unref);
        *items = NULL;
        return fail(error, describe(e, false));
    }
    for (GList *l = *items; l; l = l->next) {
        if (secret_item_get_locked(l->data)) {
            g_list_free_full(*items, g_object_unref);
            *items = NULL;
            return fail(error, xasprintf("the keyring is locked (the unlock prompt was "
                                         "dismissed or failed): %s", locked_hint));
        }
    }
    return 0;
}

int keyring_lookup(const char *account, const char *kind, const char *session,
                   char **secret, char **error)
{
    *secret = NULL;
    if (check_args(account, kind, true, error))
        return ERR_KEYRING;
    SecretService *svc = get_service(error);
    if (!svc)
        return ERR_KEYRING;

    GHashTable *attrs = attributes(account, kind, session ? session : "");
    GList *items = NULL;
    int rc = search(svc, attrs, SECRET_SEARCH_LOAD_SECRETS, &items, error);
    if (rc == 0 && items) {
        SecretValue *value = secret_item_get_secret(items->data);
        if (!value) {
            gchar *label = secret_item_get_label(items->data);
            /* what the service does with a locked item whose unlock prompt failed */
            rc = fail(error, xasprintf("the keyring is locked (the secret of \"%s\" could "
                                       "not be read): %s", label ? label : account, locked_hint));
            g_free(label);
        } else {
            gsize len = 0;
            const gchar *p = secret_value_get(value, &len);
            char *copy = xmalloc(len + 1);
            memcpy(copy, p, len);
            copy[len] = '\0';
            *secret = copy;
            secret_value_unref(value); /* libsecret wipes its secure copy */
        }
    }
    g_list_free_full(items, g_object_unref);
    g_hash_table_unref(attrs);
    g_object_unref(svc);
    return rc;
}

/* Delete every item matching the attributes; none is fine. */
static int clear_matching(const char *account, const char *kind, const char *session,
                          char **error)
{
    SecretService *svc = get_service(error);
    if (!svc)
        return ERR_KEYRING;
    GHashTable *attrs = attributes(account, kind, session);
    GList *items = NULL;
    int rc = search(svc, attrs, SECRET_SEARCH_ALL, &items, error);
    for (GList *l = items; rc == 0 && l; l = l->next) {
        GError *e = NULL;
        if (!secret_item_delete_sync(l->data, NULL, &e)) {
            if (item_vanished(e))
                g_error_free(e); /* someone else deleted it meanwhile */
            else
                rc = fail(error, describe(e, false));
        }
    }
    g_list_free_full(items, g_object_unref);
    g_hash_table_unref(attrs);
    g_object_unref(svc);
    return rc;
}

int keyring_clear(const char *account, const char *kind, const char *session, char **error)
{
    if (check_args(account, kind, true, error))
        return ERR_KEYRING;
    return clear_matching(account, kind, session ? session : "", error);
}

int keyring_clear_session(const char *account, const char *session, char **error)
{
    if (check_args(account, NULL, false, error))
        return ERR_KEYRING;
    return clear_matching(account, NULL, session, error);
}

int keyring_clear_account(const char *account, char **error)
{
    return keyring_clear_session(account, NULL, error);
}

static char *attribute(GHashTable *attrs, const char *name)
{
    const char *v = attrs ? g_hash_table_lookup(attrs, name) : NULL;
    return xstrdup(v ? v : "");
}

int keyring_list(struct keyring_item **items, size_t *n, char **error)
{
    *items = NULL;
    *n = 0;
    SecretService *svc = get_service(error);
    if (!svc)
        return ERR_KEYRING;
    GHashTable *attrs = g_hash_table_new(g_str_hash, g_str_equal);
    g_hash_table_insert(attrs, (gpointer) "application", (gpointer)APPLICATION);
    GList *found = NULL;
    int rc = search(svc, attrs, SECRET_SEARCH_ALL, &found, error);
    if (rc == 0) {
        *items = xcalloc(g_list_length(found) + 1, sizeof **items);
        for (GList *l = found; l; l = l->next) {
            GHashTable *a = secret_item_get_attributes(l->data);
            struct keyring_item *it = &(*items)[(*n)++];
            it->account = attribute(a, "account");
            it->kind = attribute(a, "kind");
            it->session = attribute(a, "session");
            if (a)
                g_hash_table_unref(a);
        }
    }
    g_list_free_full(found, g_object_unref);
    g_hash_table_unref(attrs);
    g_object_unref(svc);
    return rc;
}

void keyring_items_free(struct keyring_item *items, size_t n)
{
    for (size_t i = 0; items && i < n; i++) {
        free(items[i].account);
        free(items[i].kind);
        free(items[i].session);
    }
    free(items);
}

int keyring_check(char **error)
{
    SecretService *svc = get_service(error);
    if (!svc)
        return ERR_KEYRING;
    GError *e = NULL;
    int rc = 0;
    SecretCollection *c = secret_collection_for_alias_sync(svc, SECRET_COLLECTION_DEFAULT,
                                                           SECRET_COLLECTION_NONE, NULL, &e);
    if (e)
        rc = fail(error, describe(e, false));
    else if (!c)
        rc = fail(error, xstrdup("the keyring has no default collection: create one, "
                                 "e.g. with seahorse, and retry"));
    else if (secret_collection_get_locked(c)) {
        gchar *label = secret_collection_get_label(c);
        rc = fail(error, xasprintf("the keyring \"%s\" is locked: %s", label ? label : "default",
                                   locked_hint));
        g_free(label);
    }
    if (c)
        g_object_unref(c);
    g_object_unref(svc);
    return rc;
}
