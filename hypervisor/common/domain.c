// SPDX-License-Identifier: GPL-2.0-only
/*
 * Domain lifecycle: the domain table (ids, lookups with references),
 * create (vCPUs, p2m), give RAM, pause, shut down or crash (every vCPU
 * stopped, each on its own CPU), kill, and tear down once no vCPU runs:
 * p2m tables freed, every frame the domain owned returned to the allocator,
 * which scrubs it before anyone else gets it; frames other domains still
 * reference keep a zombie until the last reference goes (domain_page_put).
 * docs/domains.md tells the whole story.
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
#include <public/xen.h>

#define DOMID_HASH_SIZE 256     /* chains of the domain table */

/* The domain table: every domain from creation until it ends (after its
 * teardown, or a zombie's last frame), hashed by id for lookups and kept in
 * a list by id for getdomaininfo's "first id >= n" and dumps. */
static struct domain *domid_hash[DOMID_HASH_SIZE];
static struct domain *domain_list;
static domid_t domid_rover;     /* the last id picked by DOMID_AUTO */
static DEFINE_SPINLOCK(domains_lock);
static uint32_t nr_alive;       /* in the table and not dying */
static uint32_t nr_boot;        /* boot-time domains not yet torn down */
static bool any_unclean;
static bool stopping_domus;     /* stop_other_domains() holds references */
static bool all_ended;          /* domains_all_ended() called for this end */
static bool boot_complete;      /* all boot domains built: ending them all ends Keel */

/* ---- the table (domains_lock held) --------------------------------------- */

static struct domain *table_find(domid_t domid)
{
    struct domain *d = domid_hash[domid % DOMID_HASH_SIZE];

    while (d && d->domid != domid)
        d = d->hash_next;
    return d;
}

static void table_insert(struct domain *d)
{
    struct domain **pp = &domain_list;

    d->hash_next = domid_hash[d->domid % DOMID_HASH_SIZE];
    domid_hash[d->domid % DOMID_HASH_SIZE] = d;
    while (*pp && (*pp)->domid < d->domid)
        pp = &(*pp)->list_next;
    d->list_next = *pp;
    *pp = d;
}

static void table_remove(struct domain *d)
{
    struct domain **pp = &domid_hash[d->domid % DOMID_HASH_SIZE];

    while (*pp && *pp != d)
        pp = &(*pp)->hash_next;
    if (*pp)
        *pp = d->hash_next;
    for (pp = &domain_list; *pp && *pp != d; pp = &(*pp)->list_next)
        ;
    if (*pp)
        *pp = d->list_next;
}

/* An id for a new domain: the one asked for if free, or with DOMID_AUTO the
 * next free one after the rover (as Xen, so an id is not reused at once). */
static int table_pick_id(domid_t want, domid_t *out)
{
    if (want != DOMID_AUTO) {
        if (want >= DOMID_FIRST_RESERVED)
            return -EINVAL;
        if (table_find(want))
            return -EEXIST;
        *out = want;
        return 0;
    }
    for (uint32_t n = 0; n < DOMID_FIRST_RESERVED - 1; n++) {
        domid_t id = (domid_t)(1 + (domid_rover + n) % (DOMID_FIRST_RESERVED - 1));
        if (!table_find(id)) {
            *out = domid_rover = id;
            return 0;
        }
    }
    return -ENOMEM;
}

static struct domain *ref(struct domain *d)
{
    if (d)
        __atomic_fetch_add(&d->refcnt, 1, __ATOMIC_ACQ_REL);
    return d;
}

struct domain *domain_get(domid_t domid)
{
    struct domain *d;

    spin_lock(&domains_lock);
    d = table_find(domid);
    d = ref(d && d->published && !d->is_dying ? d : NULL);
    spin_unlock(&domains_lock);
    return d;
}

struct domain *domain_get_any(domid_t domid)
{
    struct domain *d;

    spin_lock(&domains_lock);
    d = table_find(domid);
    d = ref(d && d->published ? d : NULL);
    spin_unlock(&domains_lock);
    return d;
}

struct domain *domain_get_next(domid_t domid)
{
    struct domain *d;

    spin_lock(&domains_lock);
    for (d = domain_list; d && (d->domid < domid || !d->published); d = d->list_next)
        ;
    d = ref(d);
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

/* For the debug keys: no domain is torn down while fn looks at it; dying
 * ones are left out (their vCPUs may be gone). */
void domains_dump(void (*fn)(struct domain *d))
{
    spin_lock(&domains_lock);
    for (struct domain *d = domain_list; d; d = d->list_next)
        if (d->published && !d->is_dying)
            fn(d);
    spin_unlock(&domains_lock);
}

/* dom0 learns that a domain stopped or went (Xen's VIRQ_DOM_EXC). */
static void notify_control_domain(void)
{
    struct domain *c = domain_get(0);

    if (!c)
        return;
    if (c->privileged)
        send_guest_global_virq(c, VIRQ_DOM_EXC);
    domain_put(c);
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
        memset(v->cpu_hard_affinity, 0xff, sizeof(v->cpu_hard_affinity));
        memset(v->cpu_soft_affinity, 0xff, sizeof(v->cpu_soft_affinity));
        vcpu_time_init(v);
        d->vcpus[i] = v;
        if (hvm_vcpu_init(v) < 0)
            return -ENOMEM;
    }
    return 0;
}

/* Undo a domain_new that failed after its id was taken. */
static void unmake(struct domain *d)
{
    spin_lock(&domains_lock);
    table_remove(d);
    spin_unlock(&domains_lock);
    d->is_dying = true;
    for (uint32_t i = 0; i < d->nr_vcpus; i++)
        if (d->vcpus[i])
            vcpu_time_teardown(d->vcpus[i]);
    evtchn_domain_destroy(d);
    gnttab_domain_destroy(d);
    for (uint32_t i = 0; i < d->nr_vcpus; i++) {
        if (d->vcpus[i])
            hvm_vcpu_destroy(d->vcpus[i]);
        xfree(d->vcpus[i]);
    }
    p2m_teardown(&d->p2m);
    shared_info_teardown(d);
    xfree(d);
}

int domain_new(const struct domain_params *p, struct domain **out)
{
    struct domain *d;
    domid_t domid = 0;
    int rc;

    if (p->nr_vcpus == 0 || p->nr_vcpus > MAX_VCPUS) {
        pr_err("domain: cannot create d%u with %u vCPUs\n", p->domid, p->nr_vcpus);
        return -EINVAL;
    }
    d = xzalloc(sizeof(*d));
    if (!d || p2m_init(&d->p2m) < 0) {
        pr_err("domain: out of memory creating d%u\n", p->domid);
        xfree(d);
        return -ENOMEM;
    }
    spin_lock(&domains_lock);
    rc = table_pick_id(p->domid, &domid);
    if (rc == 0) {
        d->domid = domid;
        table_insert(d);            /* taken, but not found until published */
    }
    spin_unlock(&domains_lock);
    if (rc < 0) {
        pr_err("domain: cannot create d%u: %s\n", p->domid,
               rc == -EEXIST ? "id in use" : rc == -EINVAL ? "bad id" : "no free id");
        p2m_teardown(&d->p2m);
        xfree(d);
        return rc;
    }
    d->refcnt = 1;                  /* the table's, dropped when the domain ends */
    d->p2m.flush = hvm_p2m_flush;
    d->p2m.owner = d;
    strlcpy(d->name, p->name, sizeof(d->name));
    d->privileged = p->privileged;
    d->controlled = p->controlled;
    d->pause_count = p->controlled ? 1 : 0;     /* Xen: the toolstack unpauses it */
    d->max_pages = p->max_pages;
    d->max_evtchn_port = p->max_evtchn_port;
    d->max_grant_frames = p->max_grant_frames;
    d->max_maptrack_frames = p->max_maptrack_frames;
    d->nr_vcpus = p->nr_vcpus;
    d->sched_weight = CREDIT2_DEFAULT_WEIGHT;
    d->live_vcpus = p->nr_vcpus;
    d->hypercall_page_gfn = ~0ULL;
    spin_lock_init(&d->lock, "domain", 0);
    spin_lock_init(&d->mem_lock, "domain-mem", 0);
    d->shared_info_gfn = SHARED_INFO_UNMAPPED;
    hvm_domain_init(d);
    if (vcpus_create(d, p->nr_vcpus) < 0 || evtchn_domain_init(d) < 0 ||
        shared_info_init(d) < 0 || gnttab_domain_init(d) < 0) {
        pr_err("domain: out of memory for the vCPUs or event channels of d%u\n", domid);
        unmake(d);
        return -ENOMEM;
    }
    spin_lock(&domains_lock);
    d->published = true;
    nr_alive++;
    if (!d->controlled) {
        nr_boot++;
        __atomic_store_n(&all_ended, false, __ATOMIC_RELEASE);  /* a new end to come */
    }
    spin_unlock(&domains_lock);
    *out = d;
    return 0;
}

struct domain *domain_create(uint16_t domid, const char *name, uint32_t nr_vcpus,
                             uint64_t max_pages, bool privileged)
{
    struct domain_params p = { .domid = domid, .name = name, .nr_vcpus = nr_vcpus,
                               .max_pages = max_pages, .privileged = privileged };
    struct domain *d;

    if (domid == DOMID_AUTO)
        p.domid = DOMID_INVALID;    /* a boot domain has an exact id: refused */
    return domain_new(&p, &d) == 0 ? d : NULL;
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

/* A chunk none of whose frames another domain references. */
static bool chunk_free_of_refs(const struct mem_chunk *c)
{
    for (uint64_t p = 0; p < (1ULL << c->order); p++)
        if (page_ref_held(c->mfn + p))
            return false;
    return true;
}

static void stop_domain(struct domain *d, enum domain_state state, uint32_t reason);


/* Once no boot domain is left (and stop_other_domains holds no reference to
 * one), end: once. */
static void end_if_none_left(void)
{
    if (__atomic_load_n(&nr_boot, __ATOMIC_ACQUIRE) == 0 &&
        __atomic_load_n(&boot_complete, __ATOMIC_ACQUIRE) &&
        !__atomic_load_n(&stopping_domus, __ATOMIC_ACQUIRE) &&
        !__atomic_exchange_n(&all_ended, true, __ATOMIC_ACQ_REL))
        domains_all_ended(!any_unclean);
}

/* Keel ends when dom0 ends: the boot domains beside it are stopped (as if
 * powered off: they did nothing wrong); the last one's teardown ends Keel,
 * once the references taken here are dropped.  The toolstack's domains are
 * left as they are: Keel ends without waiting for them. */
static void stop_other_domains(void)
{
    __atomic_store_n(&stopping_domus, true, __ATOMIC_RELEASE);
    for (struct domain *d = domain_get_next(1); d; ) {
        domid_t next = (domid_t)(d->domid + 1);
        if (!d->controlled) {
            if (d->state == DOMAIN_RUNNING)
                pr_info("domain: d%u (%s) stopped: dom0 has ended\n", d->domid, d->name);
            stop_domain(d, DOMAIN_SHUTDOWN, SHUTDOWN_poweroff);
        }
        domain_put(d);
        d = next < DOMID_FIRST_RESERVED ? domain_get_next(next) : NULL;
    }
    __atomic_store_n(&stopping_domus, false, __ATOMIC_RELEASE);
    end_if_none_left();
}

static void free_chunk(struct domain *d, const struct mem_chunk *c)
{
    for (uint64_t p = 0; p < (1ULL << c->order); p++)
        pfn_to_page(c->mfn + p)->owner = DOMID_KEEL;
    page_free(c->mfn, c->order);             /* scrubbed before its next owner */
    d->tot_pages -= 1ULL << c->order;
}

/* Free every chunk nobody else references (mem_lock held); the others stay
 * in d->chunks.  True when none is left. */
static bool free_unreferenced(struct domain *d)
{
    uint32_t kept = 0;

    for (uint32_t i = 0; i < d->nr_chunks; i++) {
        if (chunk_free_of_refs(&d->chunks[i]))
            free_chunk(d, &d->chunks[i]);
        else
            d->chunks[kept++] = d->chunks[i];
    }
    d->nr_chunks = kept;
    if (kept)
        return false;
    xfree(d->chunks);
    d->chunks = NULL;
    d->cap_chunks = 0;
    return true;
}

/* The end: its id leaves the table and the table's reference goes. */
static void domain_end(struct domain *d)
{
    spin_lock(&domains_lock);
    table_remove(d);
    spin_unlock(&domains_lock);
    if (d->controlled)
        pr_info("domain: d%u (%s) ended\n", d->domid, d->name);
    notify_control_domain();
    domain_put(d);
}

/* Every vCPU is off its CPU for good: release everything. */
static void domain_teardown(struct domain *d)
{
    /* A boot domain that stopped other than by powering off (not one
     * killed while it ran) makes the end unclean. */
    bool unclean = d->state != DOMAIN_KILLED &&
                   !(d->state == DOMAIN_SHUTDOWN && d->shutdown_reason == SHUTDOWN_poweroff);
    bool done, last_boot = false;
    /* dom0 ended by itself (not killed) after the boot: Keel ends too. */
    bool is_dom0 = d->domid == 0 && d->privileged && d->state != DOMAIN_KILLED &&
                   __atomic_load_n(&boot_complete, __ATOMIC_ACQUIRE);

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
        d->vcpus[i] = NULL;
    }
    spin_lock(&d->mem_lock);        /* memory_op on it from dom0 ends first */
    p2m_teardown(&d->p2m);
    done = free_unreferenced(d);
    d->zombie = !done;
    spin_unlock(&d->mem_lock);
    shared_info_teardown(d);
    xfree(d->held);                 /* those frames were in chunks */
    d->held = NULL;
    d->nr_held = d->cap_held = 0;
    d->state = DOMAIN_DEAD;
    if (done)
        pr_info("domain: d%u (%s) torn down, memory returned\n", d->domid, d->name);
    else
        pr_info("domain: d%u (%s) torn down, a zombie: %lu frames still mapped by "
                "others\n", d->domid, d->name, d->tot_pages);
    if (!d->controlled) {
        spin_lock(&domains_lock);
        if (unclean)
            any_unclean = true;
        last_boot = --nr_boot == 0 && __atomic_load_n(&boot_complete, __ATOMIC_ACQUIRE);
        spin_unlock(&domains_lock);
    }
    if (done)
        domain_end(d);
    else
        notify_control_domain();
    if (is_dom0)
        stop_other_domains();
    if (last_boot)
        end_if_none_left();
}

/* Whoever sees "dying", "no vCPU runs" and "nobody walks its vCPUs" first
 * tears it down. */
static bool claim_teardown(struct domain *d)
{
    bool mine;

    spin_lock(&d->lock);
    mine = d->is_dying && d->vcpus_stopped && !d->teardown_begun && !d->vcpu_users;
    if (mine)
        d->teardown_begun = true;
    spin_unlock(&d->lock);
    return mine;
}

void domain_destroy(struct domain *d)
{
    bool stopped;

    spin_lock(&domains_lock);
    if (d->is_dying) {
        spin_unlock(&domains_lock);
        return;
    }
    d->is_dying = true;
    if (d->published)
        nr_alive--;
    spin_unlock(&domains_lock);

    spin_lock(&d->lock);
    if (d->state == DOMAIN_RUNNING)
        d->state = DOMAIN_KILLED;
    d->is_shut_down = false;
    stopped = d->vcpus_stopped;
    spin_unlock(&d->lock);
    /* d is not touched after either: the teardown may end it. */
    if (!stopped)
        schedule_stop_domain(d);    /* domain_vcpus_stopped when the last stops */
    else if (claim_teardown(d))
        domain_teardown(d);
}

void domain_vcpus_stopped(struct domain *d)
{
    bool finished_shutdown;

    spin_lock(&d->lock);
    d->vcpus_stopped = true;
    finished_shutdown = !d->is_dying && d->state != DOMAIN_RUNNING;
    d->is_shut_down = finished_shutdown;
    spin_unlock(&d->lock);
    if (finished_shutdown && !d->controlled) {
        domain_destroy(d);          /* a boot domain: nobody else will */
        return;
    }
    if (finished_shutdown)
        notify_control_domain();
    else if (claim_teardown(d))
        domain_teardown(d);
}

void domain_page_put(mfn_t mfn)
{
    struct page_info *pg = pfn_to_page(mfn);
    struct domain *d;
    bool ended = false;

    if (!page_ref_put(mfn) || !pg)
        return;
    d = domain_get_any(pg->owner);
    if (!d)
        return;
    spin_lock(&d->mem_lock);
    if (d->zombie) {
        for (uint32_t i = 0; i < d->nr_chunks; i++) {
            const struct mem_chunk *c = &d->chunks[i];
            if (mfn >= c->mfn && mfn < c->mfn + (1ULL << c->order)) {
                ended = free_unreferenced(d);
                break;
            }
        }
        if (ended)
            d->zombie = false;
    }
    spin_unlock(&d->mem_lock);
    if (ended)
        domain_end(d);
    domain_put(d);
}

void domains_boot_complete(void)
{
    spin_lock(&domains_lock);
    __atomic_store_n(&boot_complete, true, __ATOMIC_RELEASE);
    spin_unlock(&domains_lock);
    end_if_none_left();
}

/* ---- toolstack pause ------------------------------------------------------ */

#define PAUSE_COUNT_MAX 255     /* Xen's limit on the toolstack's pauses */

/* The scheduler walks d's vCPUs (fn) while a concurrent kill cannot free
 * them: the teardown waits for vcpu_users, and the last user starts it if
 * the kill happened meanwhile.  d->lock held on entry, released. */
static void with_vcpus(struct domain *d, void (*fn)(struct domain *d))
{
    bool teardown;

    if (d->teardown_begun) {
        spin_unlock(&d->lock);
        return;                     /* its vCPUs are gone: nothing to do */
    }
    d->vcpu_users++;
    spin_unlock(&d->lock);
    fn(d);
    spin_lock(&d->lock);
    d->vcpu_users--;
    spin_unlock(&d->lock);
    teardown = claim_teardown(d);
    if (teardown)
        domain_teardown(d);         /* the caller's reference keeps d */
}

int domain_pause_ctl(struct domain *d)
{
    spin_lock(&d->lock);
    if (d->pause_count >= PAUSE_COUNT_MAX) {
        spin_unlock(&d->lock);
        return -EOVERFLOW;
    }
    __atomic_fetch_add(&d->pause_count, 1, __ATOMIC_SEQ_CST);
    with_vcpus(d, schedule_pause_domain);
    return 0;
}

int domain_unpause_ctl(struct domain *d)
{
    spin_lock(&d->lock);
    if (d->pause_count == 0) {
        spin_unlock(&d->lock);
        return -EINVAL;
    }
    if (__atomic_sub_fetch(&d->pause_count, 1, __ATOMIC_SEQ_CST) == 0)
        with_vcpus(d, schedule_unpause_domain);
    else
        spin_unlock(&d->lock);
    return 0;
}

/* ---- shutdown and crash ----------------------------------------------------- */

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
    if (d->state != DOMAIN_RUNNING || d->is_dying) {
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

