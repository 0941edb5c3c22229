// SPDX-License-Identifier: GPL-2.0-only
/*
 * Event channels (keel/event.h): the ports of each domain, the
 * HYPERVISOR_event_channel_op sub-ops (alloc_unbound, bind_interdomain,
 * bind_virq, bind_ipi, bind_vcpu, send, close, status, unmask, reset; FIFO
 * and PIRQs -ENOSYS), VIRQs raised by Keel, and 2-level delivery through the
 * shared_info page to the callback vector of HVM_PARAM_CALLBACK_IRQ.
 * Error codes follow Xen 4.17's for the same guest input.
 */
#include <asm/hvm_vcpu.h>
#include <keel/access.h>
#include <keel/domain.h>
#include <keel/errno.h>
#include <keel/event.h>
#include <keel/hypercall.h>
#include <keel/keyhandler.h>
#include <keel/lib.h>
#include <keel/shared_info.h>
#include <keel/spinlock.h>
#include <keel/xmalloc.h>
#include <public/event_channel.h>
#include <public/hvm/params.h>

#define BUCKET_PORTS    64u
#define NR_BUCKETS      (EVTCHN_NR_PORTS / BUCKET_PORTS)
#define WORD_BITS       (8u * (uint32_t)sizeof(xen_ulong_t))
#define CALLBACK_TYPE_SHIFT 56

enum evtchn_state {
    ECS_FREE,
    ECS_RESERVED,       /* port 0 */
    ECS_UNBOUND,        /* u.remote_domid may bind to it */
    ECS_INTERDOMAIN,    /* connected to u.remote_port of remote_dom */
    ECS_VIRQ,           /* u.virq of vCPU notify_vcpu */
    ECS_IPI,            /* to vCPU notify_vcpu */
};

struct evtchn {
    uint8_t state;              /* enum evtchn_state */
    uint8_t pad;
    uint16_t notify_vcpu;       /* the vCPU whose vcpu_info is flagged */
    union {
        uint32_t remote_domid;  /* UNBOUND */
        uint32_t remote_port;   /* INTERDOMAIN */
        uint32_t virq;          /* VIRQ */
    } u;
    /* INTERDOMAIN: valid while the owner's event lock is held, because the
     * remote domain's teardown unbinds this port under that lock. */
    struct domain *remote_dom;
};

struct evtchn_domain {
    spinlock_t lock;            /* the event lock: ports and VIRQ table */
    bool dying;                 /* teardown begun: no new ports */
    uint32_t valid_ports;       /* ports below it have a bucket */
    struct evtchn *buckets[NR_BUCKETS];
    uint16_t virq_port[MAX_VCPUS][EVTCHN_NR_VIRQS];     /* 0: not bound */
};

/* Taken before any event lock by operations involving a second domain. */
static DEFINE_SPINLOCK(evtchn_global_lock);

/* ---- Ports ------------------------------------------------------------- */

static bool port_valid(const struct evtchn_domain *ed, uint32_t port)
{
    return port < ed->valid_ports;
}

static struct evtchn *chn_of(struct evtchn_domain *ed, uint32_t port)
{
    return &ed->buckets[port / BUCKET_PORTS][port % BUCKET_PORTS];
}

/* The lowest free port, adding a bucket if all are used; event lock held. */
static int get_free_port(struct evtchn_domain *ed)
{
    struct evtchn *bucket;
    uint32_t port;

    if (ed->dying)
        return -EINVAL;
    for (port = 0; port < ed->valid_ports; port++) {
        if (chn_of(ed, port)->state == ECS_FREE)
            return (int)port;
    }
    if (port >= EVTCHN_NR_PORTS)
        return -ENOSPC;
    bucket = xzalloc(BUCKET_PORTS * sizeof(*bucket));
    if (!bucket)
        return -ENOMEM;
    ed->buckets[port / BUCKET_PORTS] = bucket;
    ed->valid_ports += BUCKET_PORTS;
    return (int)port;
}

static bool vcpu_valid(const struct domain *d, uint32_t vcpu_id)
{
    return vcpu_id < d->nr_vcpus && d->vcpus[vcpu_id];
}

/* VIRQ_TIMER, VIRQ_DEBUG, VIRQ_XENOPROF and VIRQ_XENPMU are per-vCPU. */
static bool virq_is_global(uint32_t virq)
{
    return virq != VIRQ_TIMER && virq != VIRQ_DEBUG && virq != VIRQ_XENOPROF &&
           virq != VIRQ_XENPMU;
}

/* ---- 2-level delivery -------------------------------------------------- */

static bool bit_test_and_set(xen_ulong_t *word, uint32_t bit)
{
    xen_ulong_t mask = (xen_ulong_t)1 << bit;

    return __atomic_fetch_or(word, mask, __ATOMIC_SEQ_CST) & mask;
}

static bool bit_test_and_clear(xen_ulong_t *word, uint32_t bit)
{
    xen_ulong_t mask = (xen_ulong_t)1 << bit;

    return __atomic_fetch_and(word, ~mask, __ATOMIC_SEQ_CST) & mask;
}

static bool bit_test(xen_ulong_t *word, uint32_t bit)
{
    return (__atomic_load_n(word, __ATOMIC_SEQ_CST) >> bit) & 1;
}

/* The vector of HVM_PARAM_CALLBACK_IRQ, or -1 when it names no vector. */
static int callback_vector(const struct domain *d)
{
    uint64_t via = d->hvm_params[HVM_PARAM_CALLBACK_IRQ];
    uint8_t vector = (uint8_t)via;

    if ((via >> CALLBACK_TYPE_SHIFT) != HVM_PARAM_CALLBACK_TYPE_VECTOR || vector < 0x10)
        return -1;
    return vector;
}

static void mark_events_pending(struct vcpu *v, struct vcpu_info *vi)
{
    if (__atomic_exchange_n(&vi->evtchn_upcall_pending, 1, __ATOMIC_SEQ_CST))
        return;
    if (callback_vector(v->domain) >= 0)
        vcpu_kick(v);       /* injected before its next entry */
}

/* Xen's 2-level set_pending: port, then selector word, then upcall. */
static void set_pending(struct domain *d, uint32_t vcpu_id, uint32_t port)
{
    struct shared_info *si = domain_shared_info(d);
    uint32_t word = port / WORD_BITS, bit = port % WORD_BITS;
    struct vcpu_info *vi;
    struct vcpu *v;

    if (!si || bit_test_and_set(&si->evtchn_pending[word], bit))
        return;
    sched_poll_notify(d, port);     /* masked or not, as Xen */
    if (bit_test(&si->evtchn_mask[word], bit) || !vcpu_valid(d, vcpu_id))
        return;
    v = d->vcpus[vcpu_id];
    vi = vcpu_info_of(v);
    if (vi && !bit_test_and_set(&vi->evtchn_pending_sel, word))
        mark_events_pending(v, vi);
}

static void clear_pending(struct domain *d, uint32_t port)
{
    struct shared_info *si = domain_shared_info(d);

    if (si)
        bit_test_and_clear(&si->evtchn_pending[port / WORD_BITS], port % WORD_BITS);
}

/* Unmask; a pending port then notifies its vCPU as a send would. */
static void unmask_port(struct domain *d, const struct evtchn *chn, uint32_t port)
{
    struct shared_info *si = domain_shared_info(d);
    uint32_t word = port / WORD_BITS, bit = port % WORD_BITS;
    struct vcpu_info *vi;
    struct vcpu *v;

    if (!si || !bit_test_and_clear(&si->evtchn_mask[word], bit) ||
        !bit_test(&si->evtchn_pending[word], bit) || !vcpu_valid(d, chn->notify_vcpu))
        return;
    v = d->vcpus[chn->notify_vcpu];
    vi = vcpu_info_of(v);
    if (vi && !bit_test_and_set(&vi->evtchn_pending_sel, word))
        mark_events_pending(v, vi);
}

int evtchn_upcall_vector(struct vcpu *v)
{
    struct vcpu_info *vi;
    int vector = callback_vector(v->domain);

    if (vector < 0 || !domain_shared_info(v->domain) || !(vi = vcpu_info_of(v)))
        return -1;
    return __atomic_load_n(&vi->evtchn_upcall_pending, __ATOMIC_SEQ_CST) ? vector : -1;
}

int evtchn_port_poll(struct domain *d, uint32_t port)
{
    struct shared_info *si = domain_shared_info(d);

    if (!d->evtchn || port >= __atomic_load_n(&d->evtchn->valid_ports, __ATOMIC_ACQUIRE))
        return -EINVAL;
    return si && bit_test(&si->evtchn_pending[port / WORD_BITS], port % WORD_BITS);
}

static void dump_port(const struct evtchn *chn, uint32_t port, struct shared_info *si)
{
    uint32_t word = port / WORD_BITS, bit = port % WORD_BITS;

    printk("  port %u: ", port);
    switch (chn->state) {
    case ECS_UNBOUND:
        printk("unbound for d%u", chn->u.remote_domid);
        break;
    case ECS_INTERDOMAIN:
        printk("to d%u port %u", chn->remote_dom ? chn->remote_dom->domid : 0xffffu,
               chn->u.remote_port);
        break;
    case ECS_VIRQ:
        printk("virq %u", chn->u.virq);
        break;
    default:
        printk("ipi");
        break;
    }
    printk(", vcpu %u, pending %d, masked %d\n", chn->notify_vcpu,
           si ? bit_test(&si->evtchn_pending[word], bit) : 0,
           si ? bit_test(&si->evtchn_mask[word], bit) : 0);
}

/* For the debug key 'e': every bound port with its pending and mask bits. */
void evtchn_dump(struct domain *d)
{
    struct shared_info *si = domain_shared_info(d);
    struct evtchn_domain *ed = d->evtchn;

    printk("d%u: event channels%s\n", d->domid, si ? "" : " (no shared_info yet)");
    if (!ed)
        return;
    spin_lock(&ed->lock);
    for (uint32_t port = 1; port < ed->valid_ports; port++) {
        const struct evtchn *chn = chn_of(ed, port);
        if (chn->state != ECS_FREE && chn->state != ECS_RESERVED)
            dump_port(chn, port, si);
    }
    spin_unlock(&ed->lock);
}

/* ---- Locking two domains ----------------------------------------------- */

/* Event locks of a and b (maybe the same domain), lower domain ID first. */
static void lock_pair(struct domain *a, struct domain *b)
{
    if (a == b) {
        spin_lock(&a->evtchn->lock);
    } else if (a->domid < b->domid) {
        spin_lock(&a->evtchn->lock);
        spin_lock(&b->evtchn->lock);
    } else {
        spin_lock(&b->evtchn->lock);
        spin_lock(&a->evtchn->lock);
    }
}

static void unlock_pair(struct domain *a, struct domain *b)
{
    if (a != b)
        spin_unlock(&b->evtchn->lock);
    spin_unlock(&a->evtchn->lock);
}

/* Another domain with its event channels, the global lock held, or NULL.
 * The reference is dropped at once: a domain whose d->evtchn is set stays
 * until the global lock is released (teardown takes it to clear d->evtchn,
 * and the structure goes only after). */
static struct domain *live_domain(domid_t domid)
{
    struct domain *d = domain_get(domid);
    bool live;

    if (!d)
        return NULL;
    live = d->evtchn != NULL;
    domain_put(d);
    return live ? d : NULL;
}

/* The domain a sub-op names (DOMID_SELF, itself, or any for dom0), with
 * the global lock held: -ESRCH if there is none, -EPERM if not allowed. */
static long target_domain(struct vcpu *v, domid_t domid, struct domain **out)
{
    struct domain *d;

    if (domid == DOMID_SELF || domid == v->domain->domid) {
        *out = v->domain;
        return 0;
    }
    d = live_domain(domid);
    if (!d)
        return -ESRCH;
    if (access_other_domain(v->domain, d))
        return -EPERM;
    *out = d;
    return 0;
}

/* ---- Closing ----------------------------------------------------------- */

/* The other end of an interdomain port goes back to unbound; both event
 * locks held.  Only if it still points at us (teardown runs in any order). */
static void unbind_peer(struct domain *d, uint32_t port, const struct evtchn *chn)
{
    struct domain *rd = chn->remote_dom;
    struct evtchn *rchn;

    if (!port_valid(rd->evtchn, chn->u.remote_port))
        return;
    rchn = chn_of(rd->evtchn, chn->u.remote_port);
    if (rchn->state != ECS_INTERDOMAIN || rchn->remote_dom != d || rchn->u.remote_port != port)
        return;
    rchn->state = ECS_UNBOUND;
    rchn->remote_dom = NULL;
    rchn->u.remote_domid = d->domid;
}

/* Where a VIRQ port is recorded: vCPU 0's table for a global VIRQ (its
 * notify_vcpu may move with bind_vcpu), else its vCPU's. */
static uint16_t *virq_slot(struct evtchn_domain *ed, const struct evtchn *chn)
{
    uint32_t vcpu_id = virq_is_global(chn->u.virq) ? 0 : chn->notify_vcpu;

    return &ed->virq_port[vcpu_id][chn->u.virq];
}

static void free_port(struct domain *d, struct evtchn *chn, uint32_t port)
{
    if (chn->state == ECS_VIRQ && *virq_slot(d->evtchn, chn) == port)
        *virq_slot(d->evtchn, chn) = 0;
    clear_pending(d, port);
    *chn = (struct evtchn){ .state = ECS_FREE };
}

/* EVTCHNOP_close on d's port; the global lock held (interdomain ports
 * change only under it, so the state read first stays true). */
static long close_port(struct domain *d, uint32_t port)
{
    struct evtchn_domain *ed = d->evtchn;
    struct domain *rd = d;
    struct evtchn *chn;

    spin_lock(&ed->lock);
    if (!port_valid(ed, port) || chn_of(ed, port)->state == ECS_FREE ||
        chn_of(ed, port)->state == ECS_RESERVED) {
        spin_unlock(&ed->lock);
        return -EINVAL;
    }
    chn = chn_of(ed, port);
    if (chn->state == ECS_INTERDOMAIN && chn->remote_dom != d) {
        rd = chn->remote_dom;
        spin_unlock(&ed->lock);
        lock_pair(d, rd);
    }
    if (chn->state == ECS_INTERDOMAIN)
        unbind_peer(d, port, chn);
    free_port(d, chn, port);
    unlock_pair(d, rd);
    return 0;
}

/* Every port of d (EVTCHNOP_reset, teardown); the global lock held. */
static void close_all(struct domain *d)
{
    for (uint32_t port = 1; port < d->evtchn->valid_ports; port++)
        close_port(d, port);
}

/* ---- Sub-ops ----------------------------------------------------------- */

static long op_alloc_unbound(struct vcpu *v, void *arg)
{
    struct evtchn_alloc_unbound *a = arg;
    struct domain *d;
    long rc;
    int port;

    spin_lock(&evtchn_global_lock);
    rc = target_domain(v, a->dom, &d);
    if (rc == 0) {
        spin_lock(&d->evtchn->lock);
        port = get_free_port(d->evtchn);
        if (port >= 0) {
            struct evtchn *chn = chn_of(d->evtchn, (uint32_t)port);
            chn->state = ECS_UNBOUND;
            chn->u.remote_domid = a->remote_dom == DOMID_SELF ? v->domain->domid : a->remote_dom;
            a->port = (uint32_t)port;
        }
        rc = port < 0 ? port : 0;
        spin_unlock(&d->evtchn->lock);
    }
    spin_unlock(&evtchn_global_lock);
    return rc;
}

/* Connect a new port of ld to rd's unbound port; both event locks held. */
static long connect_ports(struct domain *ld, struct domain *rd, struct evtchn_bind_interdomain *a)
{
    struct evtchn *lchn, *rchn;
    int lport = get_free_port(ld->evtchn);

    if (lport < 0)
        return lport;
    if (rd->evtchn->dying || !port_valid(rd->evtchn, a->remote_port))
        return -EINVAL;
    rchn = chn_of(rd->evtchn, a->remote_port);
    if (rchn->state != ECS_UNBOUND || rchn->u.remote_domid != ld->domid)
        return -EINVAL;
    lchn = chn_of(ld->evtchn, (uint32_t)lport);
    *lchn = (struct evtchn){ .state = ECS_INTERDOMAIN, .u.remote_port = a->remote_port,
                             .remote_dom = rd };
    rchn->state = ECS_INTERDOMAIN;
    rchn->u.remote_port = (uint32_t)lport;
    rchn->remote_dom = ld;
    /* As Xen: the remote end may have sent while unbound; notify once. */
    set_pending(ld, lchn->notify_vcpu, (uint32_t)lport);
    a->local_port = (uint32_t)lport;
    return 0;
}

static long op_bind_interdomain(struct vcpu *v, void *arg)
{
    struct evtchn_bind_interdomain *a = arg;
    struct domain *ld = v->domain, *rd;
    long rc = -ESRCH;

    spin_lock(&evtchn_global_lock);
    rd = a->remote_dom == DOMID_SELF ? ld : live_domain(a->remote_dom);
    if (rd && rd->evtchn) {
        lock_pair(ld, rd);
        rc = connect_ports(ld, rd, a);
        unlock_pair(ld, rd);
    }
    spin_unlock(&evtchn_global_lock);
    return rc;
}

static long op_bind_virq(struct vcpu *v, void *arg)
{
    struct evtchn_bind_virq *a = arg;
    struct evtchn_domain *ed = v->domain->evtchn;
    int port;

    if (a->virq >= EVTCHN_NR_VIRQS || (virq_is_global(a->virq) && a->vcpu != 0))
        return -EINVAL;
    if (!vcpu_valid(v->domain, a->vcpu))
        return -ENOENT;
    spin_lock(&ed->lock);
    port = ed->virq_port[a->vcpu][a->virq] ? -EEXIST : get_free_port(ed);
    if (port >= 0) {
        *chn_of(ed, (uint32_t)port) = (struct evtchn){
            .state = ECS_VIRQ, .notify_vcpu = (uint16_t)a->vcpu, .u.virq = a->virq };
        ed->virq_port[a->vcpu][a->virq] = (uint16_t)port;
        a->port = (uint32_t)port;
    }
    spin_unlock(&ed->lock);
    return port < 0 ? port : 0;
}

static long op_bind_ipi(struct vcpu *v, void *arg)
{
    struct evtchn_bind_ipi *a = arg;
    struct evtchn_domain *ed = v->domain->evtchn;
    int port;

    if (!vcpu_valid(v->domain, a->vcpu))
        return -ENOENT;
    spin_lock(&ed->lock);
    port = get_free_port(ed);
    if (port >= 0) {
        *chn_of(ed, (uint32_t)port) = (struct evtchn){
            .state = ECS_IPI, .notify_vcpu = (uint16_t)a->vcpu };
        a->port = (uint32_t)port;
    }
    spin_unlock(&ed->lock);
    return port < 0 ? port : 0;
}

static long op_close(struct vcpu *v, void *arg)
{
    struct evtchn_close *a = arg;
    long rc;

    spin_lock(&evtchn_global_lock);
    rc = close_port(v->domain, a->port);
    spin_unlock(&evtchn_global_lock);
    return rc;
}

static long op_send(struct vcpu *v, void *arg)
{
    struct evtchn_send *a = arg;
    struct evtchn_domain *ed = v->domain->evtchn;
    struct evtchn *chn, *rchn;
    long rc = 0;

    spin_lock(&ed->lock);
    chn = port_valid(ed, a->port) ? chn_of(ed, a->port) : NULL;
    switch (chn ? chn->state : ECS_FREE) {
    case ECS_INTERDOMAIN:
        /* The remote port cannot go while we hold our lock; its
         * notify_vcpu may change under us (bind_vcpu), which is harmless. */
        rchn = chn_of(chn->remote_dom->evtchn, chn->u.remote_port);
        set_pending(chn->remote_dom, __atomic_load_n(&rchn->notify_vcpu, __ATOMIC_RELAXED),
                    chn->u.remote_port);
        break;
    case ECS_IPI:
        set_pending(v->domain, chn->notify_vcpu, a->port);
        break;
    case ECS_UNBOUND:
        break;              /* dropped, as Xen does */
    default:
        rc = -EINVAL;
        break;
    }
    spin_unlock(&ed->lock);
    return rc;
}

static void fill_status(struct evtchn_status *a, const struct evtchn *chn)
{
    static const uint32_t status_of[] = {
        [ECS_FREE] = EVTCHNSTAT_closed, [ECS_RESERVED] = EVTCHNSTAT_closed,
        [ECS_UNBOUND] = EVTCHNSTAT_unbound, [ECS_INTERDOMAIN] = EVTCHNSTAT_interdomain,
        [ECS_VIRQ] = EVTCHNSTAT_virq, [ECS_IPI] = EVTCHNSTAT_ipi,
    };

    a->status = status_of[chn->state];
    a->vcpu = chn->notify_vcpu;
    if (chn->state == ECS_UNBOUND) {
        a->u.unbound.dom = (domid_t)chn->u.remote_domid;
    } else if (chn->state == ECS_INTERDOMAIN) {
        a->u.interdomain.dom = chn->remote_dom->domid;
        a->u.interdomain.port = chn->u.remote_port;
    } else if (chn->state == ECS_VIRQ) {
        a->u.virq = chn->u.virq;
    }
}

static long op_status(struct vcpu *v, void *arg)
{
    struct evtchn_status *a = arg;
    struct domain *d;
    long rc;

    spin_lock(&evtchn_global_lock);
    rc = target_domain(v, a->dom, &d);
    if (rc == 0) {
        spin_lock(&d->evtchn->lock);
        if (port_valid(d->evtchn, a->port))
            fill_status(a, chn_of(d->evtchn, a->port));
        else
            rc = -EINVAL;
        spin_unlock(&d->evtchn->lock);
    }
    spin_unlock(&evtchn_global_lock);
    return rc;
}

static long op_bind_vcpu(struct vcpu *v, void *arg)
{
    struct evtchn_bind_vcpu *a = arg;
    struct evtchn_domain *ed = v->domain->evtchn;
    struct evtchn *chn;
    long rc = 0;

    if (!vcpu_valid(v->domain, a->vcpu))
        return -ENOENT;
    spin_lock(&ed->lock);
    chn = port_valid(ed, a->port) ? chn_of(ed, a->port) : NULL;
    switch (chn ? chn->state : ECS_FREE) {
    case ECS_VIRQ:
        if (!virq_is_global(chn->u.virq)) {
            rc = -EINVAL;
            break;
        }
        /* fall through */
    case ECS_UNBOUND:
    case ECS_INTERDOMAIN:
        __atomic_store_n(&chn->notify_vcpu, (uint16_t)a->vcpu, __ATOMIC_RELAXED);
        break;
    default:
        rc = -EINVAL;
        break;
    }
    spin_unlock(&ed->lock);
    return rc;
}

static long op_unmask(struct vcpu *v, void *arg)
{
    struct evtchn_unmask *a = arg;
    struct evtchn_domain *ed = v->domain->evtchn;
    long rc = 0;

    spin_lock(&ed->lock);
    if (port_valid(ed, a->port))
        unmask_port(v->domain, chn_of(ed, a->port), a->port);
    else
        rc = -EINVAL;
    spin_unlock(&ed->lock);
    return rc;
}

static long op_reset(struct vcpu *v, void *arg)
{
    struct evtchn_reset *a = arg;
    struct domain *d;
    long rc;

    spin_lock(&evtchn_global_lock);
    rc = target_domain(v, a->dom, &d);
    if (rc == 0)
        close_all(d);
    spin_unlock(&evtchn_global_lock);
    return rc;
}

/* ---- The hypercall ----------------------------------------------------- */

struct evtchn_op {
    long (*fn)(struct vcpu *v, void *arg);
    uint32_t size;              /* of the argument, copied in once */
    bool copy_out;              /* copied back when fn succeeds */
};

#define OP(cmd, fn, type, out) [cmd] = { fn, sizeof(type), out }
static const struct evtchn_op evtchn_ops[] = {
    OP(EVTCHNOP_bind_interdomain, op_bind_interdomain, struct evtchn_bind_interdomain, true),
    OP(EVTCHNOP_bind_virq, op_bind_virq, struct evtchn_bind_virq, true),
    OP(EVTCHNOP_close, op_close, struct evtchn_close, false),
    OP(EVTCHNOP_send, op_send, struct evtchn_send, false),
    OP(EVTCHNOP_status, op_status, struct evtchn_status, true),
    OP(EVTCHNOP_alloc_unbound, op_alloc_unbound, struct evtchn_alloc_unbound, true),
    OP(EVTCHNOP_bind_ipi, op_bind_ipi, struct evtchn_bind_ipi, true),
    OP(EVTCHNOP_bind_vcpu, op_bind_vcpu, struct evtchn_bind_vcpu, false),
    OP(EVTCHNOP_unmask, op_unmask, struct evtchn_unmask, false),
    OP(EVTCHNOP_reset, op_reset, struct evtchn_reset, false),
};
#undef OP

/* bind_pirq, init_control (FIFO: Linux falls back to 2-level), expand_array
 * and set_priority have no entry: -ENOSYS. */
long do_event_channel_op(struct vcpu *v, const uint64_t args[5])
{
    union {
        struct evtchn_bind_interdomain bind_interdomain;
        struct evtchn_bind_virq bind_virq;
        struct evtchn_status status;
        struct evtchn_alloc_unbound alloc_unbound;
        struct evtchn_bind_ipi bind_ipi;
        struct evtchn_bind_vcpu bind_vcpu;
        struct evtchn_reset reset;
    } arg;
    const struct evtchn_op *op;
    long rc;

    if (args[0] >= ARRAY_SIZE(evtchn_ops) || !evtchn_ops[args[0]].fn || !v->domain->evtchn)
        return -ENOSYS;
    op = &evtchn_ops[args[0]];
    if (copy_from_guest(v, &arg, args[1], op->size) < 0)
        return -EFAULT;
    rc = op->fn(v, &arg);
    if (rc == 0 && op->copy_out && copy_to_guest(v, args[1], &arg, op->size) < 0)
        rc = -EFAULT;
    return rc;
}

/* ---- VIRQs raised by Keel ---------------------------------------------- */

void send_guest_vcpu_virq(struct vcpu *v, uint32_t virq)
{
    struct domain *d = v->domain;
    struct evtchn_domain *ed = d->evtchn;
    uint32_t port;

    if (!ed || virq >= EVTCHN_NR_VIRQS)
        return;
    spin_lock(&ed->lock);
    port = ed->virq_port[v->vcpu_id][virq];
    if (port)
        set_pending(d, v->vcpu_id, port);
    spin_unlock(&ed->lock);
}

void send_guest_global_virq(struct domain *d, uint32_t virq)
{
    struct evtchn_domain *ed = d->evtchn;
    uint32_t port;

    if (!ed || virq >= EVTCHN_NR_VIRQS || !virq_is_global(virq))
        return;
    spin_lock(&ed->lock);
    port = ed->virq_port[0][virq];
    if (port)
        set_pending(d, chn_of(ed, port)->notify_vcpu, port);
    spin_unlock(&ed->lock);
}

/* ---- Lifecycle --------------------------------------------------------- */

int evtchn_domain_init(struct domain *d)
{
    struct evtchn_domain *ed = xzalloc(sizeof(*ed));

    if (!ed)
        return -ENOMEM;
    spin_lock_init(&ed->lock, "event", 0);
    if (get_free_port(ed) != 0) {
        xfree(ed);
        return -ENOMEM;
    }
    chn_of(ed, 0)->state = ECS_RESERVED;
    d->evtchn = ed;
    return 0;
}

void evtchn_domain_destroy(struct domain *d)
{
    struct evtchn_domain *ed = d->evtchn;

    if (!ed)
        return;
    spin_lock(&evtchn_global_lock);
    spin_lock(&ed->lock);
    ed->dying = true;
    spin_unlock(&ed->lock);
    close_all(d);
    d->evtchn = NULL;
    spin_unlock(&evtchn_global_lock);
    for (uint32_t i = 0; i < NR_BUCKETS; i++)
        xfree(ed->buckets[i]);
    xfree(ed);
}
