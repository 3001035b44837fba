/* Each account's request budget and the requests waiting for it. Every
 * request of a job goes through its account's queue: it starts when its
 * job has room for another transfer and the budget has a token, so a big
 * listing is spread over the provider's limit instead of being answered
 * 429. Curl thread only. */
#include <stdlib.h>
#include <string.h>

#include "budget_shared.h"
#include "util.h"
#include "worker_internal.h"

static struct pace *pace_find(struct worker *w, const char *account_id)
{
    for (struct pace *p = w->paces; p; p = p->next)
        if (strcmp(p->account_id, account_id) == 0)
            return p;
    return NULL;
}

/* The budget of j's account, made on its first request; the rate follows
 * the account as the job names it (an edited rate_limit applies at once). */
struct pace *pace_for(struct worker *w, struct running_job *j)
{
    const char *id = j->job.account.id ? j->job.account.id : "";
    struct rate r;
    provider_rate(j->prov, &j->job.account, &j->secrets, &r);
    struct pace *p = pace_find(w, id);
    if (!p) {
        p = xcalloc(1, sizeof *p);
        p->account_id = xstrdup(id);
        budget_init(&p->budget, &r, mono_ms());
        p->next = w->paces;
        w->paces = p;
    } else {
        budget_set_rate(&p->budget, &r, mono_ms());
    }
    /* an unlimited budget never touches the file: looked for once it has a rate */
    if (w->budget_dir && !p->shared_tried && !budget_unlimited(&p->budget)) {
        p->shared_tried = true;
        budget_attach(&p->budget, budget_shared_open(w->budget_dir, id));
    }
    return p;
}

void pace_push(struct pace *p, struct request *r, bool front)
{
    int q = r->prio < 0 ? 0 : r->prio >= PRIO_LEVELS ? PRIO_LEVELS - 1 : r->prio;
    r->prio = q;
    if (front) {
        r->qprev = NULL;
        r->qnext = p->head[q];
        if (p->head[q])
            p->head[q]->qprev = r;
        else
            p->tail[q] = r;
        p->head[q] = r;
    } else {
        r->qnext = NULL;
        r->qprev = p->tail[q];
        if (p->tail[q])
            p->tail[q]->qnext = r;
        else
            p->head[q] = r;
        p->tail[q] = r;
    }
    r->paced = true;
    r->job->n_paced++;
    p->n++;
}

/* O(1): a cancelled listing drops thousands of waiting requests at once. */
void pace_remove(struct pace *p, struct request *r)
{
    if (!r->paced)
        return;
    int q = r->prio;
    if (r->qprev)
        r->qprev->qnext = r->qnext;
    else
        p->head[q] = r->qnext;
    if (r->qnext)
        r->qnext->qprev = r->qprev;
    else
        p->tail[q] = r->qprev;
    r->qnext = r->qprev = NULL;
    r->paced = false;
    r->job->n_paced--;
    p->n--;
}

/* The next request of p that may start (room among its job's and its
 * host's transfers), by prio then age. A job or host found full is not
 * looked at again for each of its requests. */
static struct request *first_startable(const struct worker *w, const struct pace *p)
{
    for (int q = PRIO_LEVELS - 1; q >= 0; q--) {
        const struct running_job *full = NULL;
        for (struct request *r = p->head[q]; r; r = r->qnext) {
            if (r->job == full)
                continue;
            if (worker_has_room(w, r))
                return r;
            full = r->job;
        }
    }
    return NULL;
}

bool pace_waiting(const struct pace *p, int64_t now)
{
    return p && p->n > 0 && p->ready_at > now;
}

void pace_pump(struct worker *w)
{
    int64_t now = mono_ms();
    w->pace_due = 0;
    for (struct pace *p = w->paces; p; p = p->next) {
        p->ready_at = 0;
        struct request *r;
        while (p->n > 0 && (r = first_startable(w, p))) {
            int64_t wait = budget_take(&p->budget, now);
            if (wait > 0) {
                p->ready_at = now + wait;
                if (!w->pace_due || p->ready_at < w->pace_due)
                    w->pace_due = p->ready_at;
                break;
            }
            pace_remove(p, r);
            if (worker_start_transfer(w, r) != 0)
                set_error(&r->job->merged, ERR_INTERNAL,
                          xstrdup("cannot start a transfer (libcurl)"));
        }
    }
}

void pace_free_all(struct worker *w)
{
    struct pace *p = w->paces;
    while (p) {
        struct pace *next = p->next;
        free(p->account_id);
        budget_free(&p->budget);
        free(p);
        p = next;
    }
    w->paces = NULL;
}
