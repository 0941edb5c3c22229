// SPDX-License-Identifier: GPL-2.0-only
/* The fakes of tests/unit/domain_env.h. */
#include "domain_env.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <keel/domain.h>
#include <keel/errno.h>
#include <keel/page_alloc.h>
#include <keel/shared_info.h>
#include <keel/smp.h>
#include <keel/vcpu_timer.h>
#include <keel/xmalloc.h>

struct denv denv;
char denv_trace[4096];
unsigned int nr_cpu_ids = 2;

void denv_note(const char *what)
{
    size_t len = strlen(denv_trace);

    snprintf(denv_trace + len, sizeof(denv_trace) - len, "%s ", what);
}

void denv_reset(void)
{
    memset(&denv, 0, sizeof(denv));
    denv_trace[0] = 0;
}

/* Counts down the failure of an init hook: true when this call fails. */
static bool fails(uint32_t *countdown)
{
    return *countdown && --*countdown == 0;
}

size_t strlcpy(char *dst, const char *src, size_t size)
{
    size_t len = strlen(src);

    if (size) {
        size_t n = len < size - 1 ? len : size - 1;
        memcpy(dst, src, n);
        dst[n] = 0;
    }
    return len;
}

void *xmalloc(size_t size)
{
    return malloc(size ? size : 1);
}

void *xzalloc(size_t size)
{
    return calloc(1, size ? size : 1);
}

void xfree(void *p)
{
    free(p);
}

int hvm_vcpu_init(struct vcpu *v)
{
    (void)v;
    denv.hvm_vcpu_init++;
    return fails(&denv.fail_hvm_vcpu_init) ? -ENOMEM : 0;
}

void hvm_vcpu_destroy(struct vcpu *v)
{
    (void)v;
    denv.hvm_vcpu_destroy++;
    denv_note("hvm_vcpu_destroy");
}

void hvm_domain_init(struct domain *d)
{
    (void)d;
    denv.hvm_domain_init++;
}

void hvm_p2m_flush(struct p2m *p2m)
{
    (void)p2m;
    denv.p2m_flush++;
}

void vcpu_time_init(struct vcpu *v)
{
    (void)v;
    denv.vcpu_time_init++;
}

void vcpu_time_teardown(struct vcpu *v)
{
    (void)v;
    denv.vcpu_time_teardown++;
    denv_note("vcpu_time_teardown");
}

void update_vcpu_time(struct vcpu *v)
{
    (void)v;
    denv.update_vcpu_time++;
}

int evtchn_domain_init(struct domain *d)
{
    (void)d;
    denv.evtchn_init++;
    return fails(&denv.fail_evtchn_init) ? -ENOMEM : 0;
}

void evtchn_domain_destroy(struct domain *d)
{
    (void)d;
    denv.evtchn_destroy++;
    denv_note("evtchn_destroy");
}

/* As shared_info.c: a zeroed Keel-owned page, mapped nowhere yet. */
int shared_info_init(struct domain *d)
{
    pfn_t mfn;

    denv.shinfo_init++;
    if (fails(&denv.fail_shinfo_init) || (mfn = page_alloc(0)) == PFN_INVALID)
        return -ENOMEM;
    d->shared_info_mfn = mfn;
    d->shared_info = pfn_to_virt(mfn);
    d->shared_info_gfn = SHARED_INFO_UNMAPPED;
    return 0;
}

void shared_info_teardown(struct domain *d)
{
    denv.shinfo_teardown++;
    denv_note("shinfo_teardown");
    if (!d->shared_info)
        return;
    page_free(d->shared_info_mfn, 0);
    d->shared_info = NULL;
}

/* As schedule.c: a vCPU on a CPU stops after its run (denv_cpus_exit). */
void schedule_stop_domain(struct domain *d)
{
    uint32_t stopped = 0;

    denv.stop_domain++;
    denv_note("stop_domain");
    for (uint32_t i = 0; i < d->nr_vcpus; i++) {
        struct vcpu *v = d->vcpus[i];
        if (!v || v->on_cpu || v->state == VCPU_PAUSED)
            continue;
        v->state = VCPU_PAUSED;
        v->parked = false;
        stopped++;
    }
    if (stopped && (d->live_vcpus -= stopped) == 0)
        domain_vcpus_stopped(d);
}

void denv_cpus_exit(struct domain *d)
{
    for (uint32_t i = 0; i < d->nr_vcpus; i++) {
        struct vcpu *v = d->vcpus[i];
        if (!v || !v->on_cpu)
            continue;
        v->on_cpu = false;
        if (d->state == DOMAIN_RUNNING)
            continue;
        v->state = VCPU_PAUSED;
        if (--d->live_vcpus == 0) {
            domain_vcpus_stopped(d);
            return;                 /* d may be gone */
        }
    }
}

void schedule_pause_domain(struct domain *d)
{
    (void)d;
    denv.pause_domain++;
    denv_note("pause_domain");
    if (denv.pause_hook)
        denv.pause_hook();
}

void schedule_unpause_domain(struct domain *d)
{
    (void)d;
    denv.unpause_domain++;
    denv_note("unpause_domain");
}

void send_guest_global_virq(struct domain *d, uint32_t virq)
{
    denv.global_virqs++;
    denv.virq_last = virq;
    denv.virq_domid = d->domid;
}

void domains_all_ended(bool all_clean)
{
    denv.all_ended++;
    denv.all_ended_clean += all_clean;
    denv_note("all_ended");
}

void smp_send_event_check(unsigned int cpu)
{
    denv.event_checks++;
    denv.event_check_cpu = cpu;
}
