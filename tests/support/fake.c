/* See fake.h. libc + libcurl + cJSON only: the real test suite links this
 * with all of src/, so nothing here may clash with it (every symbol starts
 * with fake_). */
#include "fake.h"

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define FAKE_PYTHON "/usr/bin/python3"
#define FAKE_MAX_ARGS 64
#define FAKE_START_TIMEOUT_MS 10000
#define FAKE_STOP_TIMEOUT_MS 5000

struct fake {
    pid_t pid;
    int port;
    int tls_port;      /* 0 unless started with --tls-cert/--tls-key */
    char dir[256];
    char port_file[300];
    char base[64];
};

static long fake_mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void fake_sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
        ;
}

static void fake_die(struct fake *f, const char *fmt, const char *arg)
{
    fprintf(stderr, "fake_start: ");
    fprintf(stderr, fmt, arg ? arg : "");
    fprintf(stderr, "\n");
    if (f) {
        if (f->pid > 0) {
            kill(f->pid, SIGKILL);
            waitpid(f->pid, NULL, 0);
        }
        unlink(f->port_file);
        rmdir(f->dir);
        free(f);
    }
    fflush(stderr);
    abort();
}

static const char *fake_tmpdir(void)
{
    const char *t = getenv("SESAME_TEST_TMP");
    if (!t || !*t)
        t = getenv("TMPDIR");
    if (!t || !*t)
        t = "/tmp";
    return t;
}

/* Read the port file; 0 while it is not there yet. A second line is the
 * TLS port (written in the same atomic rename), else *tls_port = 0. */
static int fake_read_port(const char *path, int *tls_port)
{
    *tls_port = 0;
    FILE *fp = fopen(path, "r");
    if (!fp)
        return 0;
    int port = 0, tls = 0;
    if (fscanf(fp, "%d", &port) != 1)
        port = 0;
    else if (fscanf(fp, "%d", &tls) == 1 && tls > 0 && tls < 65536)
        *tls_port = tls;
    fclose(fp);
    return port > 0 && port < 65536 ? port : 0;
}

struct fake *fake_start(const char *extra_args)
{
    struct fake *f = calloc(1, sizeof *f);
    if (!f)
        fake_die(NULL, "out of memory%s", NULL);

    char script[4096];
    const char *src = getenv("SESAME_SRCDIR");
    snprintf(script, sizeof script, "%s/tests/fake/fake.py", src && *src ? src : ".");
    if (access(script, R_OK) != 0)
        fake_die(f, "cannot read %s (set SESAME_SRCDIR to the repository root)", script);
    if (access(FAKE_PYTHON, X_OK) != 0)
        fake_die(f, "%s is missing", FAKE_PYTHON);

    snprintf(f->dir, sizeof f->dir, "%s/sesame-fake.XXXXXX", fake_tmpdir());
    if (!mkdtemp(f->dir))
        fake_die(f, "mkdtemp in %s failed", fake_tmpdir());
    snprintf(f->port_file, sizeof f->port_file, "%s/port", f->dir);

    /* argv: python3 fake.py --port 0 --port-file PATH extra... */
    char *extra = strdup(extra_args ? extra_args : "");
    char *argv[FAKE_MAX_ARGS];
    int argc = 0;
    argv[argc++] = FAKE_PYTHON;
    argv[argc++] = script;
    argv[argc++] = "--port";
    argv[argc++] = "0";
    argv[argc++] = "--port-file";
    argv[argc++] = f->port_file;
    char *save = NULL;
    for (char *tok = strtok_r(extra, " \t\n", &save); tok; tok = strtok_r(NULL, " \t\n", &save)) {
        if (argc >= FAKE_MAX_ARGS - 1) {
            free(extra);
            fake_die(f, "too many arguments in '%s'", extra_args);
        }
        argv[argc++] = tok;
    }
    argv[argc] = NULL;

    pid_t parent = getpid();
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        free(extra);
        fake_die(f, "fork failed%s", NULL);
    }
    if (pid == 0) {
        /* Only async-signal-safe calls from here to exec. */
        prctl(PR_SET_PDEATHSIG, SIGTERM);
        if (getppid() != parent)
            _exit(127);
        int null = open("/dev/null", O_RDWR);
        if (null >= 0) {
            dup2(null, 0);
            dup2(null, 1);   /* the "fake listening" line; stderr stays */
            if (null > 2)
                close(null);
        }
        execv(FAKE_PYTHON, argv);
        _exit(127);
    }
    free(extra);
    f->pid = pid;

    long deadline = fake_mono_ms() + FAKE_START_TIMEOUT_MS;
    while ((f->port = fake_read_port(f->port_file, &f->tls_port)) == 0) {
        int status;
        if (waitpid(pid, &status, WNOHANG) == pid) {
            f->pid = 0;
            fake_die(f, "%s exited before listening (see its stderr above)", script);
        }
        if (fake_mono_ms() > deadline)
            fake_die(f, "%s did not write its port file within 10 s", script);
        fake_sleep_ms(10);
    }
    snprintf(f->base, sizeof f->base, "http://127.0.0.1:%d", f->port);
    return f;
}

void fake_stop(struct fake *f)
{
    if (!f)
        return;
    if (f->pid > 0) {
        kill(f->pid, SIGTERM);
        long deadline = fake_mono_ms() + FAKE_STOP_TIMEOUT_MS;
        for (;;) {
            pid_t r = waitpid(f->pid, NULL, WNOHANG);
            if (r == f->pid || (r < 0 && errno != EINTR))
                break;
            if (fake_mono_ms() > deadline) {
                fprintf(stderr, "fake_stop: pid %d ignored SIGTERM, killing it\n", (int)f->pid);
                kill(f->pid, SIGKILL);
                waitpid(f->pid, NULL, 0);
                break;
            }
            fake_sleep_ms(5);
        }
    }
    unlink(f->port_file);
    rmdir(f->dir);
    free(f);
}

const char *fake_base(struct fake *f) { return f->base; }
int fake_port(struct fake *f) { return f->port; }
int fake_pid(struct fake *f) { return (int)f->pid; }
int fake_tls_port(struct fake *f) { return f->tls_port; }

char *fake_url(struct fake *f, const char *provider)
{
    const char *suffix = strcmp(provider, "clerk") == 0 ? "/clerk/v1" : NULL;
    size_t n = strlen(f->base) + strlen(provider) + 16;
    char *s = malloc(n);
    if (!s)
        return NULL;
    if (suffix)
        snprintf(s, n, "%s%s", f->base, suffix);
    else
        snprintf(s, n, "%s/%s", f->base, provider);
    return s;
}

char *fake_url_https(struct fake *f, const char *provider)
{
    if (!f->tls_port) {
        fprintf(stderr, "fake_url_https: the fake was started without --tls-cert/--tls-key\n");
        abort();
    }
    const char *suffix = strcmp(provider, "clerk") == 0 ? "/clerk/v1" : NULL;
    size_t n = strlen(provider) + 64;
    char *s = malloc(n);
    if (!s)
        return NULL;
    if (suffix)
        snprintf(s, n, "https://127.0.0.1:%d%s", f->tls_port, suffix);
    else
        snprintf(s, n, "https://127.0.0.1:%d/%s", f->tls_port, provider);
    return s;
}

struct fake_buf {
    char *data;
    size_t len;
};

static size_t fake_write_cb(char *ptr, size_t size, size_t nmemb, void *userdata)
{
    struct fake_buf *b = userdata;
    size_t n = size * nmemb;
    char *p = realloc(b->data, b->len + n + 1);
    if (!p)
        return 0;
    memcpy(p + b->len, ptr, n);
    b->data = p;
    b->len += n;
    b->data[b->len] = '\0';
    return n;
}

int fake_control(struct fake *f, const char *method, const char *path, const char *json_body,
                 char **response_body)
{
    if (response_body)
        *response_body = NULL;
    CURL *c = curl_easy_init();
    if (!c)
        return -1;
    size_t n = strlen(f->base) + strlen(path) + 1;
    char *url = malloc(n);
    if (!url) {
        curl_easy_cleanup(c);
        return -1;
    }
    snprintf(url, n, "%s%s", f->base, path);
    struct fake_buf buf = {NULL, 0};
    struct curl_slist *hdrs = NULL;
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 15000L);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, fake_write_cb);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &buf);
    if (json_body) {
        hdrs = curl_slist_append(hdrs, "Content-Type: application/json");
        curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, json_body);
    }
    long status = -1;
    if (curl_easy_perform(c) == CURLE_OK)
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    curl_slist_free_all(hdrs);
    curl_easy_cleanup(c);
    free(url);
    if (response_body && status >= 0) {
        *response_body = buf.data ? buf.data : calloc(1, 1);
        buf.data = NULL;
    }
    free(buf.data);
    return (int)status;
}

int fake_reset(struct fake *f) { return fake_control(f, "POST", "/_fake/reset", "{}", NULL); }

int fake_fault(struct fake *f, const char *json_spec)
{
    return fake_control(f, "POST", "/_fake/fault", json_spec, NULL);
}

int fake_config(struct fake *f, const char *json_config)
{
    return fake_control(f, "POST", "/_fake/config", json_config, NULL);
}

cJSON *fake_requests(struct fake *f, const char *provider)
{
    char path[256];
    if (provider)
        snprintf(path, sizeof path, "/_fake/requests?provider=%s", provider);
    else
        snprintf(path, sizeof path, "/_fake/requests");
    char *body = NULL;
    int st = fake_control(f, "GET", path, NULL, &body);
    cJSON *root = st == 200 && body ? cJSON_Parse(body) : NULL;
    free(body);
    if (!root)
        return NULL;
    cJSON *items = cJSON_DetachItemFromObject(root, "requests");
    cJSON_Delete(root);
    return items;
}

cJSON *fake_last_request(struct fake *f, const char *provider)
{
    cJSON *all = fake_requests(f, provider);
    if (!all)
        return NULL;
    int n = cJSON_GetArraySize(all);
    cJSON *last = n > 0 ? cJSON_DetachItemFromArray(all, n - 1) : NULL;
    cJSON_Delete(all);
    return last;
}

const char *fake_request_header(const cJSON *req, const char *name)
{
    const cJSON *hdrs = cJSON_GetObjectItemCaseSensitive(req, "headers");
    const cJSON *h;
    const char *found = NULL;
    cJSON_ArrayForEach(h, hdrs) {
        const cJSON *k = cJSON_GetArrayItem(h, 0);
        const cJSON *v = cJSON_GetArrayItem(h, 1);
        if (cJSON_IsString(k) && cJSON_IsString(v) && strcasecmp(k->valuestring, name) == 0)
            found = v->valuestring;
    }
    return found;
}

long fake_stat(struct fake *f, const char *provider, const char *key)
{
    char *body = NULL;
    int st = fake_control(f, "GET", "/_fake/stats", NULL, &body);
    cJSON *root = st == 200 && body ? cJSON_Parse(body) : NULL;
    free(body);
    if (!root)
        return -1;
    const cJSON *p = cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(root, "providers"), provider);
    const char *dot = strchr(key, '.');
    const cJSON *v;
    if (dot) {   /* "by_status.429": split at the first dot only (routes may hold dots) */
        char group[32];
        snprintf(group, sizeof group, "%.*s", (int)(dot - key), key);
        v = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(p, group), dot + 1);
    } else {
        v = cJSON_GetObjectItemCaseSensitive(p, key);
    }
    long n = cJSON_IsNumber(v) ? (long)v->valuedouble : 0;
    cJSON_Delete(root);
    return n;
}
