// SPDX-License-Identifier: GPL-2.0-only
/*
 * Domain lifecycle: create (IDs, vCPUs, p2m), give RAM, shut down or crash
 * (every vCPU stopped, each on its own CPU), and tear down once no vCPU
 * runs: p2m tables freed, every frame the domain owned returned to the
 * allocator, which scrubs it before anyone else gets it.
 */
#include <asm/hvm_vcpu.h>
#include <asm/processor.h>
#include <asm/smp.h>
#include <keel/domain.h>
#include <keel/errno.h>
#include <keel/claim.h>
#include <keel/event.h>
#include <keel/foreign.h>
#include <keel/grant_table.h>
#include <keel/keyhandler.h>
#include <keel/lib.h>
#include <keel/page_alloc.h>
#include <keel/shared_info.h>
#include <keel/vcpu_timer.h>
#include <keel/xmalloc.h>
#include <public/sched.h>

static struct domain *domains[MAX_DOMAINS];
static DEFINE_SPINLOCK(domains_lock);
static uint32_t nr_alive;
static bool any_unclean;
static bool boot_complete;      /* all boot domains built: ending them all ends Keel */

struct domain *domain_by_id(uint16_t domid)
{
    return domid < MAX_DOMAINS ? domains[domid] : NULL;
}

struct domain *domain_get(domid_t domid)
{
    struct domain *d = NULL;

    spin_lock(&domains_lock);
    if (domid < MAX_DOMAINS && domains[domid] && !domains[domid]->is_dying) {
        d = domains[domid];
        __atomic_fetch_add(&d->refcnt, 1, __ATOMIC_ACQ_REL);
    }
    spin_unlock(&domains_lock);
    return d;
}

void domain_put(struct domain *d)
{
    if (__atomic_sub_fetch(&d->refcnt, 1, __ATOMIC_ACQ_REL) == 0)
        xfree(d);
}

uint32_t domains_alive(void)
{
    return nr_alive;
}

/* For the debug keys: no domain is torn down while fn looks at it. */
void domains_dump(void (*fn)(struct domain *d))
{
    spin_lock(&domains_lock);
    for (uint32_t id = 0; id < MAX_DOMAINS; id++)
        if (domains[id])
            fn(domains[id]);
    spin_unlock(&domains_lock);
}

static int vcpus_create(struct domain *d, uint32_t nr_vcpus)
{
    for (uint32_t i = 0; i < nr_vcpus; i++) {
        struct vcpu *v = xzalloc(sizeof(*v));
        if (!v)
            return -ENOMEM;
        v->vcpu_id = i;
        v->domain = d;
        v->state = VCPU_OFFLINE;
        v->processor = i % nr_cpu_ids;
        vcpu_time_init(v);
        d->vcpus[i] = v;
        if (hvm_vcpu_init(v) < 0)
            return -ENOMEM;
    }
    return 0;
}

struct domain *domain_create(uint16_t domid, const char *name, uint32_t nr_vcpus,
                             uint64_t max_pages, bool privileged)
{
    struct domain *d;

    if (domid >= MAX_DOMAINS || domains[domid] || nr_vcpus == 0 || nr_vcpus > MAX_VCPUS) {
        pr_err("domain: cannot create d%u with %u vCPUs\n", domid, nr_vcpus);
        return NULL;
    }
    d = xzalloc(sizeof(*d));
    if (!d || p2m_init(&d->p2m) < 0) {
        pr_err("domain: out of memory creating d%u\n", domid);
        xfree(d);
        return NULL;
    }
    d->domid = domid;
    d->refcnt = 1;                  /* the table's, dropped by domain_destroy */
    d->p2m.flush = hvm_p2m_flush;
    d->p2m.owner = d;
    strlcpy(d->name, name, sizeof(d->name));
    d->privileged = privileged;
    d->max_pages = max_pages;
    d->nr_vcpus = nr_vcpus;
    d->live_vcpus = nr_vcpus;
    d->hypercall_page_gfn = ~0ULL;
    spin_lock_init(&d->lock, "domain", 0);
    spin_lock_init(&d->mem_lock, "domain-mem", 0);
    d->shared_info_gfn = SHARED_INFO_UNMAPPED;
    hvm_domain_init(d);
    if (vcpus_create(d, nr_vcpus) < 0 || evtchn_domain_init(d) < 0 ||
        shared_info_init(d) < 0 || gnttab_domain_init(d) < 0) {
        pr_err("domain: out of memory for the vCPUs or event channels of d%u\n", domid);
        domain_destroy(d);
        return NULL;
    }
    spin_lock(&domains_lock);
    domains[domid] = d;
    nr_alive++;
    spin_unlock(&domains_lock);
    return d;
}

static int record_chunk(struct domain *d, mfn_t mfn, uint32_t order)
{
    if (d->nr_chunks == d->cap_chunks) {
        uint32_t cap = d->cap_chunks ? d->cap_chunks * 2 : 64;
        struct mem_chunk *c = xmalloc(cap * sizeof(*c));
        if (!c)
            return -ENOMEM;
        if (d->nr_chunks)           /* memcpy from NULL is undefined */
            memcpy(c, d->chunks, d->nr_chunks * sizeof(*c));
        xfree(d->chunks);
        d->chunks = c;
        d->cap_chunks = cap;
    }
    d->chunks[d->nr_chunks++] = (struct mem_chunk){ mfn, order };
    return 0;
}

/* One chunk of 2^order frames: allocated, recorded, owned; PFN_INVALID
 * if out of memory. */
static pfn_t alloc_chunk(struct domain *d, uint32_t order, unsigned int alloc_flags)
{
    pfn_t mfn = page_alloc_flags(order, alloc_flags);

    if (mfn == PFN_INVALID)
        return PFN_INVALID;
    if (claim_charge(d, 1ULL << order) < 0 || record_chunk(d, mfn, order) < 0) {
        page_free(mfn, order);
        return PFN_INVALID;
    }
    for (uint64_t i = 0; i < (1ULL << order); i++)
        pfn_to_page(mfn + i)->owner = d->domid;
    d->tot_pages += 1ULL << order;
    return mfn;
}

/* One chunk of 2^order frames at gfn: allocated, owned, mapped. */
static int populate_chunk(struct domain *d, gfn_t gfn, uint32_t order, unsigned int alloc_flags)
{
    pfn_t mfn = alloc_chunk(d, order, alloc_flags);

    if (mfn == PFN_INVALID)
        return -ENOMEM;
    return p2m_set_entry(&d->p2m, gfn, mfn, order, p2m_ram_rw);
}

int domain_alloc_unmapped(struct domain *d, uint32_t order)
{
    if (d->tot_pages + (1ULL << order) > d->max_pages)
        return -ENOMEM;
    return alloc_chunk(d, order, 0) == PFN_INVALID ? -ENOMEM : 0;
}

int domain_populate_ram(struct domain *d, gfn_t gfn, uint64_t pages, unsigned int alloc_flags)
{
    gfn_t end = gfn + pages;

    if (d->tot_pages + pages > d->max_pages)
        return -ENOMEM;
    while (gfn < end) {
        uint32_t order = (!(gfn & 511) && end - gfn >= 512) ? 9 : 0;
        int rc = populate_chunk(d, gfn, order, alloc_flags);
        if (rc == -ENOMEM && order)
            rc = populate_chunk(d, gfn, (order = 0), alloc_flags);
        if (rc < 0)
            return rc;
        gfn += 1ULL << order;
    }
    return 0;
}

static void free_memory(struct domain *d)
{
    for (uint32_t i = 0; i < d->nr_chunks; i++) {
        const struct mem_chunk *c = &d->chunks[i];
        for (uint64_t p = 0; p < (1ULL << c->order); p++)
            pfn_to_page(c->mfn + p)->owner = DOMID_KEEL;
        page_free(c->mfn, c->order);         /* scrubbed before its next owner */
    }
    xfree(d->chunks);
    d->chunks = NULL;
    d->nr_chunks = d->cap_chunks = 0;
    d->tot_pages = 0;
}

void domain_destroy(struct domain *d)
{
    bool clean = d->state == DOMAIN_SHUTDOWN && d->shutdown_reason == SHUTDOWN_poweroff;
    bool registered;

    spin_lock(&domains_lock);
    registered = d->domid < MAX_DOMAINS && domains[d->domid] == d;
    __atomic_store_n(&d->is_dying, true, __ATOMIC_SEQ_CST);
    if (registered) {
        domains[d->domid] = NULL;
        nr_alive--;
        if (!clean && d->state != DOMAIN_RUNNING)
            any_unclean = true;
    }
    spin_unlock(&domains_lock);
    /* dom0's memory_ops on d end first (they may wait for its vCPUs). */
    while (__atomic_load_n(&d->memop_users, __ATOMIC_SEQ_CST))
        cpu_relax();

    for (uint32_t i = 0; i < d->nr_vcpus; i++)
        if (d->vcpus[i])
            vcpu_time_teardown(d->vcpus[i]);    /* first: no timer raises a VIRQ */
    foreign_domain_teardown(d);     /* the frames it maps from others */
    claim_cancel(d);
    evtchn_domain_destroy(d);       /* then: peers' ports become unbound */
    gnttab_domain_destroy(d);       /* before the p2m and memory: copies end */
    for (uint32_t i = 0; i < d->nr_vcpus; i++) {
        if (!d->vcpus[i])
            continue;
        hvm_vcpu_destroy(d->vcpus[i]);
        xfree(d->vcpus[i]);
    }
    spin_lock(&d->mem_lock);        /* memory_op on it from dom0 ends first */
    p2m_teardown(&d->p2m);
    free_memory(d);
    spin_unlock(&d->mem_lock);
    shared_info_teardown(d);
    xfree(d->held);                 /* those frames were in chunks, now freed */
    d->state = DOMAIN_DEAD;
    if (registered)
        pr_info("domain: d%u (%s) torn down, memory returned\n", d->domid, d->name);
    domain_put(d);
    if (registered && nr_alive == 0 && __atomic_load_n(&boot_complete, __ATOMIC_ACQUIRE))
        domains_all_ended(!any_unclean);
}

void domains_boot_complete(void)
{
    bool ended;

    spin_lock(&domains_lock);
    __atomic_store_n(&boot_complete, true, __ATOMIC_RELEASE);
    ended = nr_alive == 0;
    spin_unlock(&domains_lock);
    if (ended)
        domains_all_ended(!any_unclean);
}

static const char *shutdown_reason_name(uint32_t reason)
{
    static const char *const names[] = {
        "poweroff", "reboot", "suspend", "crash", "watchdog", "soft_reset",
    };
    return reason < ARRAY_SIZE(names) ? names[reason] : "unknown";
}

static void stop_domain(struct domain *d, enum domain_state state, uint32_t reason)
{
    spin_lock(&d->lock);
    if (d->state != DOMAIN_RUNNING) {
        spin_unlock(&d->lock);
        return;
    }
    d->state = state;
    d->shutdown_reason = reason;
    spin_unlock(&d->lock);
    schedule_stop_domain(d);
}

void domain_shutdown(struct domain *d, uint32_t reason)
{
    pr_info("domain: d%u (%s) shut down: %s\n", d->domid, d->name,
            shutdown_reason_name(reason));
    stop_domain(d, DOMAIN_SHUTDOWN, reason);
}

void domain_crash(struct domain *d, const char *fmt, ...)
{
    char reason[160];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(reason, sizeof(reason), fmt, ap);
    va_end(ap);
    pr_err("domain: d%u (%s) crashed: %s\n", d->domid, d->name, reason);
    stop_domain(d, DOMAIN_CRASHED, SHUTDOWN_crash);
}

void domain_page_put(mfn_t mfn) { page_ref_put(mfn); }   /* replaced by i9-life */
