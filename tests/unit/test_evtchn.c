// SPDX-License-Identifier: GPL-2.0-only
/*
 * Host tests of event channels (hypervisor/common/event_channel.c): every
 * EVTCHNOP sub-op with good and hostile arguments and Xen 4.17's error
 * codes, 2-level delivery into shared_info and vcpu_info (pending, mask,
 * selector, upcall, kick), the callback vector, VIRQs raised by Keel,
 * teardown of one end of an interdomain channel, and a two-thread race of
 * send against close/rebind.
 *
 * The test plays the rest of Keel: fake domains with fake vCPUs and a
 * shared_info page each, guest addresses that are host pointers (0 is an
 * unmapped one), vcpu_kick() counting kicks; the real spinlocks run with the
 * lock-order checker on.
 */
#include "ktest.h"

#include <pthread.h>
#include <stdarg.h>
#include <string.h>

#include <keel/domain.h>
#include <keel/errno.h>
#include <keel/event.h>
#include <keel/hypercall.h>
#include <keel/shared_info.h>
#include <public/event_channel.h>

/* ---- The fake rest of Keel --------------------------------------------- */

__thread unsigned long host_irq_flags = 0x200;
static __thread unsigned int this_cpu;

unsigned int smp_processor_id(void)
{
    return this_cpu;
}

void panic(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    abort();
}

void *xzalloc(size_t size)
{
    return calloc(1, size);
}

void xfree(void *p)
{
    free(p);
}

#define NR_TEST_DOMS 64

static struct domain *doms[NR_TEST_DOMS];
static struct shared_info *pages[NR_TEST_DOMS];
static bool mapped[NR_TEST_DOMS];
static unsigned int kicks[NR_TEST_DOMS][MAX_VCPUS];

/* Lookups with references (keel/domain.h): the table above; a reference
 * is counted so that each test can check every one was dropped. */
static int32_t domain_refs;

struct domain *domain_get(domid_t domid)
{
    struct domain *d = domid < NR_TEST_DOMS ? doms[domid] : NULL;

    if (d && !d->is_dying) {
        domain_refs++;
        return d;
    }
    return NULL;
}

void domain_put(struct domain *d)
{
    (void)d;
    domain_refs--;
}

struct shared_info *domain_shared_info(struct domain *d)
{
    return mapped[d->domid] ? pages[d->domid] : NULL;
}

/* The legacy slot (the fake vCPUs never register a vcpu_info). */
struct vcpu_info *vcpu_info_of(struct vcpu *v)
{
    struct shared_info *si = pages[v->domain->domid];

    return si && v->vcpu_id < XEN_LEGACY_MAX_VCPUS ? &si->vcpu_info[v->vcpu_id] : NULL;
}

void sched_poll_notify(struct domain *d, uint32_t port)
{
    (void)d;
    (void)port;
}

void vcpu_kick(struct vcpu *v)
{
    __atomic_fetch_add(&kicks[v->domain->domid][v->vcpu_id], 1, __ATOMIC_RELAXED);
}

int copy_from_guest(struct vcpu *v, void *dst, uint64_t gva, uint64_t len)
{
    (void)v;
    if (!gva)
        return -EFAULT;
    memcpy(dst, (const void *)(uintptr_t)gva, len);
    return 0;
}

int copy_to_guest(struct vcpu *v, uint64_t gva, const void *src, uint64_t len)
{
    (void)v;
    if (!gva)
        return -EFAULT;
    memcpy((void *)(uintptr_t)gva, src, len);
    return 0;
}

#define VECTOR      0xf3
#define CALLBACK_VECTOR_VIA  ((uint64_t)HVM_PARAM_CALLBACK_TYPE_VECTOR << 56 | VECTOR)

/* A domain with nr vCPUs, its shared_info mapped, callback vector set. */
static struct domain *mkdom(uint16_t domid, uint32_t nr, bool privileged)
{
    struct domain *d = calloc(1, sizeof(*d));

    d->domid = domid;
    d->nr_vcpus = nr;
    d->privileged = privileged;
    for (uint32_t i = 0; i < nr; i++) {
        d->vcpus[i] = calloc(1, sizeof(struct vcpu));
        d->vcpus[i]->vcpu_id = i;
        d->vcpus[i]->domain = d;
    }
    d->hvm_params[HVM_PARAM_CALLBACK_IRQ] = CALLBACK_VECTOR_VIA;
    CHECK_EQ(evtchn_domain_init(d), 0);
    pages[domid] = calloc(1, 4096);
    mapped[domid] = true;
    memset(kicks[domid], 0, sizeof(kicks[domid]));
    doms[domid] = d;
    return d;
}

static void rmdom(struct domain *d)
{
    doms[d->domid] = NULL;
    evtchn_domain_destroy(d);
    CHECK(d->evtchn == NULL);
    for (uint32_t i = 0; i < d->nr_vcpus; i++)
        free(d->vcpus[i]);
    free(pages[d->domid]);
    pages[d->domid] = NULL;
    free(d);
}

static long op(struct domain *d, uint32_t vcpu, uint64_t cmd, void *arg)
{
    uint64_t args[5] = { cmd, (uint64_t)(uintptr_t)arg, 0, 0, 0 };

    return do_event_channel_op(d->vcpus[vcpu], args);
}

static long alloc_unbound(struct domain *d, domid_t dom, domid_t remote, uint32_t *port)
{
    struct evtchn_alloc_unbound a = { .dom = dom, .remote_dom = remote };
    long rc = op(d, 0, EVTCHNOP_alloc_unbound, &a);

    *port = a.port;
    return rc;
}

static long bind_interdomain(struct domain *d, domid_t rdom, uint32_t rport, uint32_t *lport)
{
    struct evtchn_bind_interdomain b = { .remote_dom = rdom, .remote_port = rport };
    long rc = op(d, 0, EVTCHNOP_bind_interdomain, &b);

    *lport = b.local_port;
    return rc;
}

static long bind_virq(struct domain *d, uint32_t virq, uint32_t vcpu, uint32_t *port)
{
    struct evtchn_bind_virq b = { .virq = virq, .vcpu = vcpu };
    long rc = op(d, 0, EVTCHNOP_bind_virq, &b);

    *port = b.port;
    return rc;
}

static long bind_ipi(struct domain *d, uint32_t vcpu, uint32_t *port)
{
    struct evtchn_bind_ipi b = { .vcpu = vcpu };
    long rc = op(d, 0, EVTCHNOP_bind_ipi, &b);

    *port = b.port;
    return rc;
}

static long port_op(struct domain *d, uint64_t cmd, uint32_t port)
{
    uint32_t p = port;      /* close, send and unmask take just a port */

    return op(d, 0, cmd, &p);
}

static long bind_vcpu(struct domain *d, uint32_t port, uint32_t vcpu)
{
    struct evtchn_bind_vcpu b = { .port = port, .vcpu = vcpu };

    return op(d, 0, EVTCHNOP_bind_vcpu, &b);
}

static long status(struct domain *d, domid_t dom, uint32_t port, struct evtchn_status *s)
{
    *s = (struct evtchn_status){ .dom = dom, .port = port };
    return op(d, 0, EVTCHNOP_status, s);
}

static bool pending(struct domain *d, uint32_t port)
{
    return (pages[d->domid]->evtchn_pending[port / 64] >> (port % 64)) & 1;
}

static void set_mask(struct domain *d, uint32_t port)
{
    pages[d->domid]->evtchn_mask[port / 64] |= 1ULL << (port % 64);
}

static struct vcpu_info *vi(struct domain *d, uint32_t vcpu)
{
    return &pages[d->domid]->vcpu_info[vcpu];
}

/* What a guest's upcall handler does: take the selector and the upcall. */
static void ack_upcall(struct domain *d, uint32_t vcpu)
{
    vi(d, vcpu)->evtchn_upcall_pending = 0;
    vi(d, vcpu)->evtchn_pending_sel = 0;
}

static void clear_all_pending(struct domain *d)
{
    memset(pages[d->domid]->evtchn_pending, 0, sizeof(pages[d->domid]->evtchn_pending));
    for (uint32_t i = 0; i < d->nr_vcpus; i++)
        ack_upcall(d, i);
}

/* ---- Cases ------------------------------------------------------------- */

TEST(port_zero_is_reserved)
{
    struct domain *d = mkdom(1, 1, false);
    struct evtchn_status s;
    uint32_t port;

    CHECK_EQ(status(d, DOMID_SELF, 0, &s), 0);
    CHECK_EQ(s.status, EVTCHNSTAT_closed);
    CHECK_EQ(port_op(d, EVTCHNOP_close, 0), -EINVAL);
    CHECK_EQ(port_op(d, EVTCHNOP_send, 0), -EINVAL);
    CHECK_EQ(alloc_unbound(d, DOMID_SELF, 0, &port), 0);
    CHECK_EQ(port, 1);
    rmdom(d);
}

TEST(alloc_unbound_and_status)
{
    struct domain *d = mkdom(2, 1, false);
    struct evtchn_status s;
    uint32_t a, b;

    CHECK_EQ(alloc_unbound(d, DOMID_SELF, 7, &a), 0);
    CHECK_EQ(alloc_unbound(d, 2, DOMID_SELF, &b), 0);
    CHECK_EQ(a, 1);
    CHECK_EQ(b, 2);
    CHECK_EQ(status(d, DOMID_SELF, a, &s), 0);
    CHECK_EQ(s.status, EVTCHNSTAT_unbound);
    CHECK_EQ(s.u.unbound.dom, 7);
    CHECK_EQ(s.vcpu, 0);
    CHECK_EQ(status(d, 2, b, &s), 0);
    CHECK_EQ(s.u.unbound.dom, 2);               /* DOMID_SELF: the caller */
    CHECK_EQ(port_op(d, EVTCHNOP_send, a), 0);  /* unbound: dropped */
    CHECK(!pending(d, a));
    CHECK_EQ(port_op(d, EVTCHNOP_close, a), 0);
    CHECK_EQ(port_op(d, EVTCHNOP_close, a), -EINVAL);   /* twice */
    CHECK_EQ(status(d, DOMID_SELF, a, &s), 0);
    CHECK_EQ(s.status, EVTCHNSTAT_closed);
    CHECK_EQ(alloc_unbound(d, DOMID_SELF, 0, &a), 0);
    CHECK_EQ(a, 1);                             /* the lowest free port again */
    rmdom(d);
}

TEST(loopback_delivery_and_upcall)
{
    struct domain *d = mkdom(3, 2, false);
    struct evtchn_status s;
    uint32_t a, b;

    CHECK_EQ(evtchn_upcall_vector(d->vcpus[0]), -1);
    CHECK_EQ(alloc_unbound(d, DOMID_SELF, DOMID_SELF, &a), 0);
    CHECK_EQ(bind_interdomain(d, DOMID_SELF, a, &b), 0);
    CHECK(b != a);
    CHECK_EQ(status(d, DOMID_SELF, a, &s), 0);
    CHECK_EQ(s.status, EVTCHNSTAT_interdomain);
    CHECK_EQ(s.u.interdomain.dom, 3);
    CHECK_EQ(s.u.interdomain.port, b);
    CHECK_EQ(status(d, DOMID_SELF, b, &s), 0);
    CHECK_EQ(s.u.interdomain.port, a);
    /* Xen notifies the new local port once on bind. */
    CHECK(pending(d, b));
    CHECK_EQ(vi(d, 0)->evtchn_upcall_pending, 1);
    CHECK_EQ(kicks[3][0], 1);
    CHECK_EQ(evtchn_upcall_vector(d->vcpus[0]), VECTOR);
    CHECK_EQ(evtchn_upcall_vector(d->vcpus[1]), -1);
    clear_all_pending(d);
    CHECK_EQ(evtchn_upcall_vector(d->vcpus[0]), -1);

    CHECK_EQ(port_op(d, EVTCHNOP_send, b), 0);     /* b -> a */
    CHECK(pending(d, a));
    CHECK(!pending(d, b));
    CHECK_EQ(vi(d, 0)->evtchn_pending_sel, 1ULL << (a / 64));
    CHECK_EQ(kicks[3][0], 2);
    /* Sending again while pending changes nothing, kicks nobody. */
    CHECK_EQ(port_op(d, EVTCHNOP_send, b), 0);
    CHECK_EQ(kicks[3][0], 2);
    rmdom(d);
}

TEST(mask_and_unmask)
{
    struct domain *d = mkdom(4, 1, false);
    uint32_t a, b;

    CHECK_EQ(alloc_unbound(d, DOMID_SELF, DOMID_SELF, &a), 0);
    CHECK_EQ(bind_interdomain(d, DOMID_SELF, a, &b), 0);
    clear_all_pending(d);
    set_mask(d, a);
    CHECK_EQ(port_op(d, EVTCHNOP_send, b), 0);
    CHECK(pending(d, a));
    CHECK_EQ(vi(d, 0)->evtchn_upcall_pending, 0);  /* masked: no upcall */
    CHECK_EQ(vi(d, 0)->evtchn_pending_sel, 0);
    CHECK_EQ(port_op(d, EVTCHNOP_unmask, a), 0);
    CHECK_EQ(vi(d, 0)->evtchn_upcall_pending, 1);  /* pending: raised now */
    CHECK_EQ(vi(d, 0)->evtchn_pending_sel, 1);
    CHECK_EQ(port_op(d, EVTCHNOP_unmask, EVTCHN_NR_PORTS), -EINVAL);
    CHECK_EQ(port_op(d, EVTCHNOP_unmask, 0xffffffffu), -EINVAL);
    rmdom(d);
}

TEST(interdomain_close_and_teardown)
{
    struct domain *a = mkdom(5, 1, false), *b = mkdom(6, 1, false);
    struct evtchn_status s;
    uint32_t pa, pb, pb2;

    CHECK_EQ(alloc_unbound(a, DOMID_SELF, 6, &pa), 0);
    CHECK_EQ(bind_interdomain(b, 9, pa, &pb), -ESRCH);      /* no d9 */
    CHECK_EQ(bind_interdomain(b, 5, pa + 1, &pb), -EINVAL); /* a free port */
    CHECK_EQ(bind_interdomain(b, 5, 99999, &pb), -EINVAL);
    CHECK_EQ(bind_interdomain(a, DOMID_SELF, pa, &pb), -EINVAL); /* not for a */
    CHECK_EQ(bind_interdomain(b, 5, pa, &pb), 0);
    CHECK_EQ(bind_interdomain(b, 5, pa, &pb2), -EINVAL);    /* no longer unbound */
    CHECK_EQ(port_op(a, EVTCHNOP_send, pa), 0);
    CHECK(pending(b, pb));
    CHECK_EQ(port_op(b, EVTCHNOP_send, pb), 0);
    CHECK(pending(a, pa));
    /* Closing b's end leaves a's unbound, waiting for b again. */
    CHECK_EQ(port_op(b, EVTCHNOP_close, pb), 0);
    CHECK(!pending(b, pb));                 /* closing clears pending */
    CHECK_EQ(status(a, DOMID_SELF, pa, &s), 0);
    CHECK_EQ(s.status, EVTCHNSTAT_unbound);
    CHECK_EQ(s.u.unbound.dom, 6);
    CHECK_EQ(bind_interdomain(b, 5, pa, &pb), 0);
    /* Tearing b down does the same. */
    rmdom(b);
    CHECK_EQ(status(a, DOMID_SELF, pa, &s), 0);
    CHECK_EQ(s.status, EVTCHNSTAT_unbound);
    CHECK_EQ(port_op(a, EVTCHNOP_send, pa), 0);
    rmdom(a);
}

TEST(virqs)
{
    struct domain *d = mkdom(7, 2, false);
    struct evtchn_status s;
    uint32_t t0, t1, g, p;

    CHECK_EQ(bind_virq(d, EVTCHN_NR_VIRQS, 0, &p), -EINVAL);
    CHECK_EQ(bind_virq(d, 0xffffffffu, 0, &p), -EINVAL);
    CHECK_EQ(bind_virq(d, VIRQ_DOM_EXC, 1, &p), -EINVAL);  /* global: vCPU 0 */
    CHECK_EQ(bind_virq(d, VIRQ_TIMER, 2, &p), -ENOENT);
    CHECK_EQ(bind_virq(d, VIRQ_TIMER, 0xffffffffu, &p), -ENOENT);
    CHECK_EQ(bind_virq(d, VIRQ_TIMER, 0, &t0), 0);
    CHECK_EQ(bind_virq(d, VIRQ_TIMER, 0, &p), -EEXIST);
    CHECK_EQ(bind_virq(d, VIRQ_TIMER, 1, &t1), 0);
    CHECK_EQ(status(d, DOMID_SELF, t1, &s), 0);
    CHECK_EQ(s.status, EVTCHNSTAT_virq);
    CHECK_EQ(s.u.virq, VIRQ_TIMER);
    CHECK_EQ(s.vcpu, 1);
    CHECK_EQ(port_op(d, EVTCHNOP_send, t0), -EINVAL);     /* not sendable */
    CHECK_EQ(bind_vcpu(d, t0, 1), -EINVAL);               /* per-vCPU */

    send_guest_vcpu_virq(d->vcpus[1], VIRQ_TIMER);
    CHECK(pending(d, t1));
    CHECK(!pending(d, t0));
    CHECK_EQ(vi(d, 1)->evtchn_upcall_pending, 1);
    CHECK_EQ(vi(d, 0)->evtchn_upcall_pending, 0);
    CHECK_EQ(kicks[7][1], 1);
    send_guest_vcpu_virq(d->vcpus[0], VIRQ_DEBUG);        /* not bound */
    send_guest_vcpu_virq(d->vcpus[0], 1000);
    CHECK(!pending(d, t0));

    CHECK_EQ(bind_virq(d, VIRQ_DOM_EXC, 0, &g), 0);
    CHECK_EQ(bind_vcpu(d, g, 1), 0);                      /* global: may move */
    clear_all_pending(d);
    send_guest_global_virq(d, VIRQ_DOM_EXC);
    CHECK(pending(d, g));
    CHECK_EQ(vi(d, 1)->evtchn_upcall_pending, 1);
    CHECK_EQ(vi(d, 0)->evtchn_upcall_pending, 0);
    CHECK_EQ(bind_virq(d, VIRQ_DOM_EXC, 0, &p), -EEXIST);
    CHECK_EQ(port_op(d, EVTCHNOP_close, g), 0);
    CHECK_EQ(bind_virq(d, VIRQ_DOM_EXC, 0, &p), 0);       /* free again */
    CHECK_EQ(port_op(d, EVTCHNOP_close, t1), 0);
    CHECK_EQ(bind_virq(d, VIRQ_TIMER, 1, &p), 0);
    rmdom(d);
}

TEST(ipis_and_bind_vcpu)
{
    struct domain *d = mkdom(8, 2, false);
    struct evtchn_status s;
    uint32_t ipi, u, p;

    CHECK_EQ(bind_ipi(d, 2, &p), -ENOENT);
    CHECK_EQ(bind_ipi(d, 1, &ipi), 0);
    CHECK_EQ(status(d, DOMID_SELF, ipi, &s), 0);
    CHECK_EQ(s.status, EVTCHNSTAT_ipi);
    CHECK_EQ(s.vcpu, 1);
    CHECK_EQ(port_op(d, EVTCHNOP_send, ipi), 0);
    CHECK(pending(d, ipi));
    CHECK_EQ(vi(d, 1)->evtchn_upcall_pending, 1);
    CHECK_EQ(vi(d, 1)->evtchn_pending_sel, 1ULL << (ipi / 64));
    CHECK_EQ(vi(d, 0)->evtchn_upcall_pending, 0);
    CHECK_EQ(kicks[8][1], 1);
    CHECK_EQ(bind_vcpu(d, ipi, 0), -EINVAL);               /* IPIs stay */

    CHECK_EQ(alloc_unbound(d, DOMID_SELF, DOMID_SELF, &u), 0);
    CHECK_EQ(bind_vcpu(d, u, 2), -ENOENT);
    CHECK_EQ(bind_vcpu(d, u, 1), 0);
    CHECK_EQ(status(d, DOMID_SELF, u, &s), 0);
    CHECK_EQ(s.vcpu, 1);
    CHECK_EQ(bind_vcpu(d, 50, 0), -EINVAL);                /* free */
    CHECK_EQ(bind_vcpu(d, EVTCHN_NR_PORTS, 0), -EINVAL);
    CHECK_EQ(bind_vcpu(d, 0, 0), -EINVAL);                 /* reserved */
    rmdom(d);
}

TEST(every_port_then_enospc)
{
    struct domain *d = mkdom(9, 1, false);
    uint32_t port = 0, n = 0;
    long rc;

    while ((rc = alloc_unbound(d, DOMID_SELF, 0, &port)) == 0)
        n++;
    CHECK_EQ(rc, -ENOSPC);
    CHECK_EQ(n, EVTCHN_NR_PORTS - 1);
    CHECK_EQ(bind_ipi(d, 0, &port), -ENOSPC);
    CHECK_EQ(port_op(d, EVTCHNOP_close, 77), 0);
    CHECK_EQ(bind_ipi(d, 0, &port), 0);
    CHECK_EQ(port, 77);
    CHECK_EQ(port_op(d, EVTCHNOP_send, EVTCHN_NR_PORTS - 1), 0);   /* unbound */
    rmdom(d);
}

TEST(unknown_fifo_and_bad_pointers)
{
    struct domain *d = mkdom(10, 1, false);
    struct evtchn_init_control ic = { 0 };
    struct evtchn_status s;
    uint64_t args[5] = { EVTCHNOP_alloc_unbound, 0, 0, 0, 0 };

    CHECK_EQ(op(d, 0, EVTCHNOP_init_control, &ic), -ENOSYS);
    CHECK_EQ(op(d, 0, EVTCHNOP_expand_array, &ic), -ENOSYS);
    CHECK_EQ(op(d, 0, EVTCHNOP_set_priority, &ic), -ENOSYS);
    CHECK_EQ(op(d, 0, EVTCHNOP_bind_pirq, &ic), -ENOSYS);
    CHECK_EQ(op(d, 0, 14, &ic), -ENOSYS);
    CHECK_EQ(op(d, 0, 0xffffffffffffffffULL, &ic), -ENOSYS);
    CHECK_EQ(do_event_channel_op(d->vcpus[0], args), -EFAULT);
    args[0] = EVTCHNOP_send;
    CHECK_EQ(do_event_channel_op(d->vcpus[0], args), -EFAULT);
    CHECK_EQ(status(d, DOMID_SELF, EVTCHN_NR_PORTS, &s), -EINVAL);
    CHECK_EQ(port_op(d, EVTCHNOP_send, 0x80000000u), -EINVAL);
    CHECK_EQ(port_op(d, EVTCHNOP_close, 0xffffffffu), -EINVAL);
    rmdom(d);
}

TEST(other_domains_need_privilege)
{
    struct domain *u = mkdom(11, 1, false), *z = mkdom(0, 1, true);
    struct evtchn_reset r = { .dom = 11 };
    struct evtchn_status s;
    uint32_t port;

    CHECK_EQ(status(u, 0, 0, &s), -EPERM);
    CHECK_EQ(status(u, 42, 0, &s), -ESRCH);
    CHECK_EQ(alloc_unbound(u, 0, 11, &port), -EPERM);
    CHECK_EQ(op(u, 0, EVTCHNOP_reset, &(struct evtchn_reset){ .dom = 0 }), -EPERM);
    CHECK_EQ(status(z, 42, 0, &s), -ESRCH);
    /* dom0 makes the port a domain's backend will use, as the toolstack does. */
    CHECK_EQ(alloc_unbound(z, 11, 0, &port), 0);
    CHECK_EQ(status(z, 11, port, &s), 0);
    CHECK_EQ(s.status, EVTCHNSTAT_unbound);
    CHECK_EQ(s.u.unbound.dom, 0);
    CHECK_EQ(op(z, 0, EVTCHNOP_reset, &r), 0);
    CHECK_EQ(status(u, DOMID_SELF, port, &s), 0);
    CHECK_EQ(s.status, EVTCHNSTAT_closed);
    rmdom(u);
    rmdom(z);
}

TEST(reset_closes_everything)
{
    struct domain *d = mkdom(12, 2, false);
    struct evtchn_reset r = { .dom = DOMID_SELF };
    struct evtchn_status s;
    uint32_t a, b, v, i;

    CHECK_EQ(alloc_unbound(d, DOMID_SELF, DOMID_SELF, &a), 0);
    CHECK_EQ(bind_interdomain(d, DOMID_SELF, a, &b), 0);
    CHECK_EQ(bind_virq(d, VIRQ_TIMER, 1, &v), 0);
    CHECK_EQ(bind_ipi(d, 1, &i), 0);
    CHECK_EQ(op(d, 0, EVTCHNOP_reset, &r), 0);
    for (uint32_t p = 1; p <= i; p++) {
        CHECK_EQ(status(d, DOMID_SELF, p, &s), 0);
        CHECK_EQ(s.status, EVTCHNSTAT_closed);
        CHECK(!pending(d, p));
    }
    CHECK_EQ(bind_virq(d, VIRQ_TIMER, 1, &v), 0);
    rmdom(d);
}

TEST(no_shared_info_or_no_vector)
{
    struct domain *d = mkdom(13, 1, false);
    uint32_t a, b;

    mapped[13] = false;
    CHECK_EQ(alloc_unbound(d, DOMID_SELF, DOMID_SELF, &a), 0);
    CHECK_EQ(bind_interdomain(d, DOMID_SELF, a, &b), 0);
    CHECK_EQ(port_op(d, EVTCHNOP_send, a), 0);
    CHECK_EQ(port_op(d, EVTCHNOP_unmask, a), 0);
    CHECK_EQ(kicks[13][0], 0);
    CHECK_EQ(evtchn_upcall_vector(d->vcpus[0]), -1);
    mapped[13] = true;
    d->hvm_params[HVM_PARAM_CALLBACK_IRQ] = 5;              /* a GSI: not offered */
    CHECK_EQ(port_op(d, EVTCHNOP_send, a), 0);
    CHECK(pending(d, b));
    CHECK_EQ(vi(d, 0)->evtchn_upcall_pending, 1);
    CHECK_EQ(kicks[13][0], 0);
    CHECK_EQ(evtchn_upcall_vector(d->vcpus[0]), -1);
    d->hvm_params[HVM_PARAM_CALLBACK_IRQ] = CALLBACK_VECTOR_VIA;
    CHECK_EQ(evtchn_upcall_vector(d->vcpus[0]), VECTOR);
    rmdom(d);
}

/* Two CPUs: one sends on a loopback pair while the other closes and
 * rebinds it; every send returns 0 or -EINVAL, nothing crashes. */
static volatile bool race_stop;
static volatile uint32_t race_port;

static void *race_sender(void *arg)
{
    struct domain *d = arg;

    this_cpu = 1;
    while (!race_stop) {
        long rc = port_op(d, EVTCHNOP_send, race_port);
        if (rc != 0 && rc != -EINVAL)
            return (void *)1;
        __atomic_store_n(&pages[d->domid]->evtchn_pending[0], 0, __ATOMIC_RELAXED);
    }
    return NULL;
}

TEST(send_races_close)
{
    struct domain *d = mkdom(14, 1, false);
    pthread_t t;
    void *res;
    uint32_t a, b;

    race_stop = false;
    CHECK_EQ(alloc_unbound(d, DOMID_SELF, DOMID_SELF, &a), 0);
    CHECK_EQ(bind_interdomain(d, DOMID_SELF, a, &b), 0);
    race_port = a;
    pthread_create(&t, NULL, race_sender, d);
    for (int i = 0; i < 20000; i++) {
        CHECK_EQ(port_op(d, EVTCHNOP_close, b), 0);
        CHECK_EQ(bind_interdomain(d, DOMID_SELF, a, &b), 0);
        ack_upcall(d, 0);
    }
    race_stop = true;
    pthread_join(t, &res);
    CHECK(res == NULL);
    rmdom(d);
}
