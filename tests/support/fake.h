/* Start, stop and steer the fake providers (tests/fake/fake.py) from a C
 * test. Depends on libc, libcurl and cJSON only.
 *
 *   struct fake *f = fake_start("--clerk-users 50");
 *   char *clerk = fake_url(f, "clerk");        // http://127.0.0.1:PORT/clerk/v1
 *   fake_control(f, "POST", "/_fake/fault",
 *                "{\"provider\":\"clerk\",\"fault\":\"status\",\"status\":429}", NULL);
 *   ...
 *   free(clerk);
 *   fake_stop(f);
 *
 * fake.py is found at $SESAME_SRCDIR/tests/fake/fake.py, else at
 * ./tests/fake/fake.py (tests run from the repository root). The fake dies
 * with the thread that started it (PR_SET_PDEATHSIG), so a crashed test
 * leaves no server behind; start it from the test's main thread.
 * Credentials and routes: tests/fake/README.md. */
#ifndef SESAME_TEST_FAKE_H
#define SESAME_TEST_FAKE_H

#include <cJSON.h>

struct fake;

/* Spawn /usr/bin/python3 fake.py --port 0 --port-file <tmp> [extra_args]
 * (extra_args split on blanks, no quoting; NULL or "" for none) and wait up
 * to 10 s for the port. On failure print why to stderr and abort(). */
struct fake *fake_start(const char *extra_args);

/* SIGTERM, wait (SIGKILL after 5 s), remove the temp files, free. NULL ok. */
void fake_stop(struct fake *f);

const char *fake_base(struct fake *f);          /* "http://127.0.0.1:PORT" */
int fake_port(struct fake *f);
int fake_pid(struct fake *f);

/* Owned base URL of one provider: "clerk" -> ".../clerk/v1",
 * "basistheory", "plantly", "cbrain", "apideck" -> ".../<name>". */
char *fake_url(struct fake *f, const char *provider);

/* With extra_args "--tls-cert CERT --tls-key KEY" the fake also serves
 * https on a second loopback port (the control API below stays on plain
 * http). The TLS port (0 without TLS), and an owned https:// base URL of one
 * provider on it (aborts if the fake has no TLS listener). */
int fake_tls_port(struct fake *f);
char *fake_url_https(struct fake *f, const char *provider);

/* One control request (path like "/_fake/reset"); json_body may be NULL.
 * Returns the HTTP status, or -1 if the request failed. If response_body is
 * not NULL it receives an owned, NUL-terminated copy of the body (free it). */
int fake_control(struct fake *f, const char *method, const char *path, const char *json_body,
                 char **response_body);

/* Shorthands for the control API; each returns the HTTP status. */
int fake_reset(struct fake *f);                           /* POST /_fake/reset */
int fake_fault(struct fake *f, const char *json_spec);    /* POST /_fake/fault */
int fake_config(struct fake *f, const char *json_config); /* POST /_fake/config */

/* GET /_fake/requests?provider=...: the logged requests of one provider
 * (NULL = all), oldest first, as an owned cJSON array (cJSON_Delete it), or
 * NULL. Each item: {seq, provider, method, path, subpath, query,
 * headers: [[name, value], ...], body}. */
cJSON *fake_requests(struct fake *f, const char *provider);

/* The newest logged request of a provider (owned, cJSON_Delete it), or NULL. */
cJSON *fake_last_request(struct fake *f, const char *provider);

/* Value of a header (case-insensitive) in a logged request, or NULL. The
 * string belongs to req. */
const char *fake_request_header(const cJSON *req, const char *name);

/* One request count of a provider from GET /_fake/stats: key "requests",
 * "rate_limited" (429s its configured rate limit sent), "by_status.429" or
 * "by_route.GET /users" (a route is the method and the path after the
 * provider's base, each id in it written as an asterisk; tests/fake/stats.py).
 * 0 when never counted, -1 if the fake did not answer. POST
 * /_fake/stats/clear zeroes them all. */
long fake_stat(struct fake *f, const char *provider, const char *key);

#endif
