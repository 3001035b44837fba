/* TLS and transport through the real worker: a loopback HTTPS fake with a
 * throwaway CA (made here with the openssl CLI) is refused unless the
 * account names the CA file; a certificate for another name is refused even
 * then; plain http:// to a host that is not loopback is refused before any
 * connection unless the account opts in; libcurl honours http_proxy from
 * the environment for other hosts, never for loopback (a logging loopback
 * proxy, tests/fake/proxy.py, sees what went through it). Nothing here sends a packet to a
 * host other than 127.0.0.1: remote-looking URLs are only ever tried
 * through the loopback proxy (which refuses to forward them) or under
 * .invalid (RFC 2606: never resolves). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../support/fake.h"
#include "keyring.h"
#include "util.h"
#include "worker.h"

#define TIMEOUT_MS 15000

static char *dir;                 /* certificates, proxy files */
static char *ca_pem, *self_pem, *bad_ca_file;
static struct fake *fk_good;      /* CA-signed, SAN IP:127.0.0.1 */
static struct fake *fk_wrong;     /* CA-signed, SAN DNS:wrong.sesame.test only */
static struct fake *fk_self;      /* a self-signed leaf for 127.0.0.1 */
static struct worker *wk;

static const char *const proxy_vars[] = {
    "http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY",
    "no_proxy", "NO_PROXY",
};

/* ---- helpers ------------------------------------------------------------ */

static int rm_entry(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
    return remove(p);
}

static char *path_in(const char *name)
{
    return xasprintf("%s/%s", dir, name);
}

/* Run argv (searched in PATH), output into dir/cmd.log; the exit status. */
static int run_cmd(char *const argv[])
{
    char *log = path_in("cmd.log");
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        int fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0600);
        if (fd >= 0) {
            dup2(fd, 1);
            dup2(fd, 2);
        }
        if (chdir(dir) != 0)
            _exit(126);
        execvp(argv[0], argv);
        _exit(127);
    }
    free(log);
    int status = 0;
    if (pid < 0 || waitpid(pid, &status, 0) != pid)
        return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

static void write_file(const char *name, const char *text)
{
    char *p = path_in(name);
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    fputs(text, f);
    assert_int_equal(fclose(f), 0);
    free(p);
}

static char *read_all(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return xstrdup("");
    size_t cap = 4096, n = 0;
    char *s = xmalloc(cap);
    size_t r;
    while ((r = fread(s + n, 1, cap - n - 1, f)) > 0) {
        n += r;
        if (cap - n < 2)
            s = xrealloc(s, cap *= 2);
    }
    s[n] = '\0';
    fclose(f);
    return s;
}

#define EC "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"

/* A CA, a server certificate it signs for name (a SAN line), and a
 * self-signed leaf for 127.0.0.1. Returns 0, or -1 when openssl is missing
 * or fails (see cmd.log). */
static int make_certs(void)
{
    char *const ca[] = {"openssl", "req", "-x509", "-new", EC, "-keyout", "ca.key",
                        "-out", "ca.pem", "-days", "2", "-subj", "/CN=sesame test CA",
                        "-addext", "basicConstraints=critical,CA:TRUE",
                        "-addext", "keyUsage=critical,keyCertSign,cRLSign", NULL};
    if (run_cmd(ca) != 0)
        return -1;
    write_file("good.ext", "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n"
                           "extendedKeyUsage=serverAuth\n");
    write_file("wrong.ext", "subjectAltName=DNS:wrong.sesame.test\nbasicConstraints=CA:FALSE\n"
                            "extendedKeyUsage=serverAuth\n");
    const char *names[] = {"good", "wrong"};
    for (int i = 0; i < 2; i++) {
        char key[32], csr[32], pem[32], ext[32], serial[16];
        snprintf(key, sizeof key, "%s.key", names[i]);
        snprintf(csr, sizeof csr, "%s.csr", names[i]);
        snprintf(pem, sizeof pem, "%s.pem", names[i]);
        snprintf(ext, sizeof ext, "%s.ext", names[i]);
        snprintf(serial, sizeof serial, "%d", 100 + i);
        char *const req[] = {"openssl", "req", "-new", EC, "-keyout", key, "-out", csr,
                             "-subj", i ? "/CN=wrong.sesame.test" : "/CN=127.0.0.1", NULL};
        char *const sign[] = {"openssl", "x509", "-req", "-in", csr, "-CA", "ca.pem",
                              "-CAkey", "ca.key", "-set_serial", serial, "-days", "2",
                              "-extfile", ext, "-out", pem, NULL};
        if (run_cmd(req) != 0 || run_cmd(sign) != 0)
            return -1;
    }
    char *const self[] = {"openssl", "req", "-x509", "-new", EC, "-keyout", "self.key",
                          "-out", "self.pem", "-days", "2", "-subj", "/CN=127.0.0.1",
                          "-addext", "subjectAltName=IP:127.0.0.1", NULL};
    return run_cmd(self) == 0 ? 0 : -1;
}

static struct fake *start_tls_fake(const char *name)
{
    char *args = xasprintf("--tls-cert %s/%s.pem --tls-key %s/%s.key", dir, name, dir, name);
    struct fake *f = fake_start(args);
    free(args);
    assert_true(fake_tls_port(f) > 0);
    return f;
}

static struct account clerk_account(const char *base_url, const char *ca_file)
{
    struct account a = {0};
    a.id = xstrdup("tls-clerk");
    a.label = xstrdup("TLS Clerk");
    a.provider_id = xstrdup("clerk");
    a.base_url = xstrdup(base_url);
    a.ca_file = ca_file ? xstrdup(ca_file) : NULL;
    return a;
}

static struct event run_on(struct worker *w, const struct account *a, enum op op)
{
    struct job j = {.kind = JOB_OP, .op = op, .timeout_ms = TIMEOUT_MS};
    account_copy(&j.account, a);
    int64_t t0 = mono_ms();
    uint64_t id = worker_submit(w, &j);
    struct event ev;
    assert_true(worker_wait_event(w, id, &ev));
    assert_true(mono_ms() - t0 < TIMEOUT_MS + 2000);
    return ev;
}

static struct event run(const struct account *a, enum op op)
{
    return run_on(wk, a, op);
}

static int requests_seen(struct fake *f, const char *provider)
{
    cJSON *all = fake_requests(f, provider);
    assert_non_null(all);
    int n = cJSON_GetArraySize(all);
    cJSON_Delete(all);
    return n;
}

static void assert_contains(const char *s, const char *what)
{
    if (!s || !strstr(s, what))
        fail_msg("\"%s\" not in: %s", what, s ? s : "(null)");
}

/* The one-line TLS error the worker gives: names TLS and the way out. */
static void assert_tls_refused(const struct event *ev)
{
    assert_int_equal(ev->err, ERR_NETWORK);
    assert_contains(ev->error, "TLS");
    assert_contains(ev->error, "name a CA file");
}

/* A certificate for another name: no CA file would help, so no such hint. */
static void assert_tls_wrong_name(const struct event *ev)
{
    assert_int_equal(ev->err, ERR_NETWORK);
    assert_contains(ev->error, "TLS");
    assert_contains(ev->error, "for another name");
    assert_null(strstr(ev->error, "CA file"));
}

/* ---- fixtures ----------------------------------------------------------- */

static int setup_all(void **state)
{
    for (size_t i = 0; i < ARRAY_LEN(proxy_vars); i++)
        unsetenv(proxy_vars[i]); /* a proxy of the machine's must not steer these tests */
    const char *base = getenv("SESAME_TEST_TMP") ? getenv("SESAME_TEST_TMP") : "/tmp";
    dir = xasprintf("%s/tls.XXXXXX", base);
    if (!mkdtemp(dir))
        return -1;
    int64_t t0 = mono_ms();
    if (make_certs() != 0) {
        char *p = path_in("cmd.log");
        char *log = read_all(p);
        fprintf(stderr, "test_tls: could not make certificates with the openssl CLI "
                        "(install openssl):\n%s\n", log);
        free(log);
        free(p);
        return -1;
    }
    fprintf(stderr, "test_tls: certificates in %lld ms\n", (long long)(mono_ms() - t0));
    ca_pem = path_in("ca.pem");
    self_pem = path_in("self.pem");
    bad_ca_file = path_in("no-such-ca.pem");
    fk_good = start_tls_fake("good");
    fk_wrong = start_tls_fake("wrong");
    fk_self = start_tls_fake("self");
    char *err = NULL;
    wk = worker_start(NULL, &err);
    assert_non_null(wk);
    assert_int_equal(keyring_store("tls-clerk", "api_key", "", "sesame test", "sk_test_fake",
                                   &err), 0);
    assert_int_equal(keyring_store("tls-cbrain", "password", "", "sesame test", "cbrain-pass",
                                   &err), 0);
    return 0;
}

static int teardown_all(void **state)
{
    worker_stop(wk);
    fake_stop(fk_good);
    fake_stop(fk_wrong);
    fake_stop(fk_self);
    keyring_clear_account("tls-clerk", NULL);
    keyring_clear_account("tls-cbrain", NULL);
    nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
    free(dir);
    free(ca_pem);
    free(self_pem);
    free(bad_ca_file);
    return 0;
}

static int reset_fakes(void **state)
{
    assert_int_equal(fake_reset(fk_good), 200);
    assert_int_equal(fake_reset(fk_wrong), 200);
    assert_int_equal(fake_reset(fk_self), 200);
    return 0;
}

/* ---- TLS ---------------------------------------------------------------- */

/* A server whose CA the system does not know: refused, no HTTP request
 * reaches it, and the message says what to do. */
static void test_private_ca_refused_without_ca_file(void **state)
{
    char *url = fake_url_https(fk_good, "clerk");
    struct account a = clerk_account(url, NULL);
    struct event ev = run(&a, OP_LIST);
    assert_tls_refused(&ev);
    fprintf(stderr, "  refused in %lld ms: %s\n", (long long)ev.elapsed_ms, ev.error);
    assert_int_equal(requests_seen(fk_good, "clerk"), 0);
    event_free(&ev);
    account_free(&a);
    free(url);
}

/* The same server with the account naming the CA: the list arrives, and it
 * did come over the TLS listener (the only one this account talks to). */
static void test_private_ca_accepted_with_ca_file(void **state)
{
    char *url = fake_url_https(fk_good, "clerk");
    struct account a = clerk_account(url, ca_pem);
    struct event ev = run(&a, OP_LIST);
    if (ev.err)
        fail_msg("list over TLS: %s", ev.error);
    assert_int_equal(ev.result.sessions.n, 8 * 3); /* the fake's default seed */
    assert_true(requests_seen(fk_good, "clerk") >= 1);
    event_free(&ev);
    account_free(&a);
    free(url);
}

/* A self-signed leaf: refused; named as the account's CA file it is trusted.
 * CBRAIN's login is a POST (not retried) that stores a token: the whole
 * path works over TLS. */
static void test_self_signed(void **state)
{
    char *url = fake_url_https(fk_self, "clerk");
    struct account a = clerk_account(url, NULL);
    struct event ev = run(&a, OP_LIST);
    assert_tls_refused(&ev);
    event_free(&ev);
    free(a.ca_file);
    a.ca_file = xstrdup(self_pem);
    ev = run(&a, OP_LIST);
    if (ev.err)
        fail_msg("list with the self-signed certificate as CA file: %s", ev.error);
    assert_int_equal(ev.result.sessions.n, 8 * 3);
    event_free(&ev);
    account_free(&a);
    free(url);

    struct account c = {0};
    c.id = xstrdup("tls-cbrain");
    c.label = xstrdup("TLS CBRAIN");
    c.provider_id = xstrdup("cbrain");
    c.base_url = fake_url_https(fk_self, "cbrain");
    account_set_field(&c, "login", "demo");
    ev = run(&c, OP_CREATE);
    assert_tls_refused(&ev);
    assert_int_equal(requests_seen(fk_self, "cbrain"), 0);
    event_free(&ev);
    c.ca_file = xstrdup(self_pem);
    ev = run(&c, OP_CREATE);
    if (ev.err)
        fail_msg("CBRAIN login over TLS: %s", ev.error);
    assert_int_equal(ev.result.sessions.n, 1);
    assert_int_equal(requests_seen(fk_self, "cbrain"), 1);
    event_free(&ev);
    account_free(&c);
}

/* A certificate from the trusted CA, but for another name: refused, and
 * curl's reason (the name) is in the message. A CA file of an unrelated
 * CA does not help either. */
static void test_wrong_name_or_wrong_ca_refused(void **state)
{
    char *url = fake_url_https(fk_wrong, "clerk");
    struct account a = clerk_account(url, ca_pem);
    struct event ev = run(&a, OP_LIST);
    assert_tls_wrong_name(&ev);
    assert_contains(ev.error, "127.0.0.1");
    fprintf(stderr, "  wrong name: %s\n", ev.error);
    assert_int_equal(requests_seen(fk_wrong, "clerk"), 0);
    event_free(&ev);
    account_free(&a);
    free(url);

    url = fake_url_https(fk_good, "clerk");
    a = clerk_account(url, self_pem);
    ev = run(&a, OP_LIST);
    assert_tls_refused(&ev);
    assert_int_equal(requests_seen(fk_good, "clerk"), 0);
    event_free(&ev);
    account_free(&a);
    free(url);
}

/* A CA file that is not there: an error that names TLS and the CA file, not
 * a silent fall back to the system store. */
static void test_missing_ca_file(void **state)
{
    char *url = fake_url_https(fk_good, "clerk");
    struct account a = clerk_account(url, bad_ca_file);
    struct event ev = run(&a, OP_LIST);
    assert_int_equal(ev.err, ERR_NETWORK);
    assert_contains(ev.error, "TLS");
    fprintf(stderr, "  missing CA file: %s\n", ev.error);
    assert_int_equal(requests_seen(fk_good, "clerk"), 0);
    event_free(&ev);
    account_free(&a);
    free(url);
}

/* ---- plain http --------------------------------------------------------- */

/* Without the opt-in a non-loopback http:// URL is refused before any
 * connection (nor any keyring lookup): at once, ERR_USAGE. With allow_http
 * the worker tries it: a .invalid name fails to resolve. */
static void test_plain_http_to_remote_host(void **state)
{
    struct account a = clerk_account("http://portal.sesame-test.invalid/clerk/v1", NULL);
    struct event ev = run(&a, OP_LIST);
    assert_int_equal(ev.err, ERR_USAGE);
    assert_contains(ev.error, "plain http://");
    assert_contains(ev.error, "portal.sesame-test.invalid");
    assert_true(ev.elapsed_ms < 500);
    event_free(&ev);

    a.allow_http = true;
    ev = run(&a, OP_LIST);
    assert_int_equal(ev.err, ERR_NETWORK);
    assert_contains(ev.error, "could not reach");
    fprintf(stderr, "  allow_http, .invalid host: %lld ms: %s\n", (long long)ev.elapsed_ms,
            ev.error);
    event_free(&ev);
    account_free(&a);

    /* loopback names need no opt-in */
    char *url = xasprintf("http://localhost:%d/clerk/v1", fake_port(fk_good));
    a = clerk_account(url, NULL);
    ev = run(&a, OP_LIST);
    if (ev.err)
        fail_msg("plain http to localhost: %s", ev.error);
    event_free(&ev);
    account_free(&a);
    free(url);
}

/* ---- proxies from the environment --------------------------------------- */

struct proxy {
    pid_t pid;
    int port;
    char *log, *port_file;
};

static void proxy_start(struct proxy *p)
{
    memset(p, 0, sizeof *p);
    const char *src = getenv("SESAME_SRCDIR");
    char *script = xasprintf("%s/tests/fake/proxy.py", src && *src ? src : ".");
    p->log = path_in("proxy.log");
    p->port_file = path_in("proxy.port");
    unlink(p->log);
    unlink(p->port_file);
    pid_t parent = getpid();
    fflush(NULL);
    p->pid = fork();
    assert_true(p->pid >= 0);
    if (p->pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGTERM);
        if (getppid() != parent)
            _exit(127);
        int null = open("/dev/null", O_RDWR);
        dup2(null, 0);
        dup2(null, 1);
        execl("/usr/bin/python3", "python3", script, "--port", "0", "--port-file",
              p->port_file, "--log", p->log, (char *)NULL);
        _exit(127);
    }
    free(script);
    int64_t deadline = mono_ms() + 10000;
    while (!p->port) {
        FILE *f = fopen(p->port_file, "r");
        if (f) {
            if (fscanf(f, "%d", &p->port) != 1)
                p->port = 0;
            fclose(f);
        }
        if (!p->port) {
            assert_int_not_equal(waitpid(p->pid, NULL, WNOHANG), p->pid);
            assert_true(mono_ms() < deadline);
            nanosleep(&(struct timespec){0, 10 * 1000 * 1000}, NULL);
        }
    }
}

static void proxy_stop(struct proxy *p)
{
    kill(p->pid, SIGTERM);
    waitpid(p->pid, NULL, 0);
    unlink(p->log);
    unlink(p->port_file);
    free(p->log);
    free(p->port_file);
}

/* Set the proxy variables (NULL = unset) while no worker runs: libcurl reads
 * them with getenv on the worker thread, and setenv is not thread-safe. */
static void set_proxy_env(const char *http_proxy, const char *no_proxy)
{
    for (size_t i = 0; i < ARRAY_LEN(proxy_vars); i++)
        unsetenv(proxy_vars[i]);
    if (http_proxy)
        setenv("http_proxy", http_proxy, 1);
    if (no_proxy) {
        setenv("no_proxy", no_proxy, 1);
        setenv("NO_PROXY", no_proxy, 1);
    }
}

/* Run one job on a worker of its own, started after the environment was set. */
static struct event run_fresh(const struct account *a)
{
    char *err = NULL;
    struct worker *w = worker_start(NULL, &err);
    assert_non_null(w);
    struct event ev = run_on(w, a, OP_LIST);
    worker_stop(w);
    return ev;
}

static int count_lines_with(const char *path, const char *what)
{
    char *text = read_all(path);
    int n = 0;
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n"))
        n += strstr(line, what) != NULL;
    free(text);
    return n;
}

/* A request to this machine never goes through a proxy from the
 * environment, whatever NO_PROXY says (http_proxy or all_proxy would take
 * plain http, keys and all, to another host): with http_proxy or all_proxy
 * set and NO_PROXY empty, loopback URLs go straight to the fake and the
 * proxy sees nothing. (A host that is not loopback does go through it:
 * test_plain_http_attempt_seen_by_proxy.) */
static void test_proxy_never_for_loopback(void **state)
{
    struct proxy p;
    proxy_start(&p);
    worker_stop(wk); /* the shared worker is restarted below: no getenv races */
    wk = NULL;
    char *proxy_url = xasprintf("http://127.0.0.1:%d", p.port);
    static const char *const hosts[] = {"localhost", "127.0.0.1", "127.0.0.2"};
    static const char *const vars[] = {"http_proxy", "all_proxy", "ALL_PROXY"};
    for (size_t v = 0; v < ARRAY_LEN(vars); v++) {
        for (size_t h = 0; h < ARRAY_LEN(hosts); h++) {
            char *url = xasprintf("http://%s:%d/clerk/v1", hosts[h], fake_port(fk_good));
            struct account a = clerk_account(url, NULL);
            set_proxy_env(NULL, "");
            setenv(vars[v], proxy_url, 1);
            struct event ev = run_fresh(&a);
            if (ev.err && strcmp(hosts[h], "127.0.0.2") != 0)
                fail_msg("%s with %s set: %s", url, vars[v], ev.error);
            if (!ev.err)
                assert_int_equal(ev.result.sessions.n, 8 * 3);
            event_free(&ev);
            char *seen = read_all(p.log);
            if (*seen)
                fail_msg("%s with %s set went through the proxy:\n%s", url, vars[v], seen);
            free(seen);
            account_free(&a);
            free(url);
        }
    }
    set_proxy_env(NULL, NULL);
    char *err = NULL;
    wk = worker_start(NULL, &err);
    assert_non_null(wk);
    free(proxy_url);
    proxy_stop(&p);
}

/* With every request going to the loopback proxy, the refusal of plain
 * http:// provably makes no connection attempt; allow_http provably does
 * (the proxy logs it as REFUSED and sends nothing on). */
static void test_plain_http_attempt_seen_by_proxy(void **state)
{
    struct proxy p;
    proxy_start(&p);
    worker_stop(wk);
    wk = NULL;
    char *proxy_url = xasprintf("http://127.0.0.1:%d", p.port);
    set_proxy_env(proxy_url, "");

    struct account a = clerk_account("http://portal.example.org/clerk/v1", NULL);
    struct event ev = run_fresh(&a);
    assert_int_equal(ev.err, ERR_USAGE);
    assert_contains(ev.error, "plain http://");
    event_free(&ev);
    assert_int_equal(count_lines_with(p.log, "portal.example.org"), 0);

    a.allow_http = true;
    ev = run_fresh(&a);
    assert_int_not_equal(ev.err, 0); /* the proxy's 403 */
    fprintf(stderr, "  allow_http through the proxy: %s\n", ev.error);
    event_free(&ev);
    assert_true(count_lines_with(p.log, "REFUSED GET http://portal.example.org/clerk/v1/") >= 1);

    set_proxy_env(NULL, NULL);
    char *err = NULL;
    wk = worker_start(NULL, &err);
    assert_non_null(wk);
    account_free(&a);
    free(proxy_url);
    proxy_stop(&p);
}

int main(void)
{
    if (!getenv("SESAME_IN_PRIVATE_KEYRING")) {
        fprintf(stderr, "test_tls: run me under tests/with-keyring.sh\n");
        return 1;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_private_ca_refused_without_ca_file, reset_fakes),
        cmocka_unit_test_setup(test_private_ca_accepted_with_ca_file, reset_fakes),
        cmocka_unit_test_setup(test_self_signed, reset_fakes),
        cmocka_unit_test_setup(test_wrong_name_or_wrong_ca_refused, reset_fakes),
        cmocka_unit_test_setup(test_missing_ca_file, reset_fakes),
        cmocka_unit_test_setup(test_plain_http_to_remote_host, reset_fakes),
        cmocka_unit_test_setup(test_proxy_never_for_loopback, reset_fakes),
        cmocka_unit_test_setup(test_plain_http_attempt_seen_by_proxy, reset_fakes),
    };
    return cmocka_run_group_tests_name("tls", tests, setup_all, teardown_all);
}
