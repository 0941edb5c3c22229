// SPDX-License-Identifier: MIT
/*
 * test-evtchn: 2-level event channels as a PVH guest uses them.  Places
 * shared_info (XENMEM_add_to_physmap), sets HVM_PARAM_CALLBACK_IRQ to a
 * vector with its own IDT gate, then: an unbound port and a loopback
 * interdomain pair (status, the upcall, pending and selector bits, masking
 * and EVTCHNOP_unmask, HLT woken by an upcall, close), VIRQ bindings, IPIs
 * (to vCPU 1 when there is one: its vcpu_info is flagged, vCPU 0 gets
 * nothing), bind_vcpu, Xen's error codes for hostile arguments, and reset.
 * FIFO (init_control) may be refused; Keel offers 2-level only.
 */
#include "evtchn_bits.h"
#include "guest.h"
#include <public/event_channel.h>
#include <public/hvm/hvm_op.h>
#include <public/hvm/params.h>
#include <public/memory.h>
#include <public/vcpu.h>

#define CALLBACK_VECTOR     0xf3
#define WAIT_LOOPS          2000000u
#define NR_VIRQS            24          /* Xen's: VIRQ numbers below it */
#define UNMAPPED_VA         0xffff800000000000UL    /* outside the identity map */

/* The shared_info page goes here (its RAM frame is replaced). */
uint8_t shinfo_page[4096] __attribute__((aligned(4096)));
volatile uint32_t upcall_count;

/* The callback: count, clear vcpu_info[0].evtchn_upcall_pending (offset 0
 * of the page), return.  No EOI: the vector does not go through the APIC. */
void evtchn_upcall_stub(void);
asm(".text\n"
    "evtchn_upcall_stub:\n"
    "  lock incl upcall_count(%rip)\n"
    "  movb $0, shinfo_page(%rip)\n"
    "  iretq\n");

static struct shared_info *const shinfo = (struct shared_info *)shinfo_page;

static long evtchn_op(unsigned int cmd, void *arg)
{
    return hypercall2(__HYPERVISOR_event_channel_op, cmd, (unsigned long)arg);
}

static long send(uint32_t port)
{
    struct evtchn_send s = { .port = port };

    return evtchn_op(EVTCHNOP_send, &s);
}

static long close_port(uint32_t port)
{
    struct evtchn_close c = { .port = port };

    return evtchn_op(EVTCHNOP_close, &c);
}

static long status(uint32_t port, struct evtchn_status *s)
{
    *s = (struct evtchn_status){ .dom = DOMID_SELF, .port = port };
    return evtchn_op(EVTCHNOP_status, s);
}

static long bind_ipi(uint32_t vcpu, uint32_t *port)
{
    struct evtchn_bind_ipi b = { .vcpu = vcpu };
    long rc = evtchn_op(EVTCHNOP_bind_ipi, &b);

    *port = b.port;
    return rc;
}

static long bind_virq(uint32_t virq, uint32_t vcpu, uint32_t *port)
{
    struct evtchn_bind_virq b = { .virq = virq, .vcpu = vcpu };
    long rc = evtchn_op(EVTCHNOP_bind_virq, &b);

    *port = b.port;
    return rc;
}

/* What an upcall handler's scan does, for one port. */
static void consume(uint32_t vcpu, uint32_t port)
{
    evtchn_bit_clear(shinfo->evtchn_pending, port);
    __atomic_store_n(&shinfo->vcpu_info[vcpu].evtchn_pending_sel, 0, __ATOMIC_SEQ_CST);
}

/* Interrupts on until upcall_count reaches want (or the loops run out). */
static bool wait_upcalls(uint32_t want, uint32_t loops)
{
    for (uint32_t i = 0; i < loops && upcall_count < want; i++)
        asm volatile("sti; pause; pause; cli" ::: "memory");
    return upcall_count >= want;
}

static bool map_shared_info(void)
{
    struct xen_add_to_physmap x = {
        .domid = DOMID_SELF, .space = XENMAPSPACE_shared_info, .idx = 0,
        .gpfn = (uint64_t)(uintptr_t)shinfo_page >> 12,
    };
    long rc = hypercall2(__HYPERVISOR_memory_op, XENMEM_add_to_physmap, (unsigned long)&x);

    if (rc == -XEN_ENOSYS)
        return false;
    CHECK(rc == 0, "add_to_physmap(shared_info): %ld", rc);
    return rc == 0;
}

static void set_callback_vector(void)
{
    struct xen_hvm_param p = {
        .domid = DOMID_SELF, .index = HVM_PARAM_CALLBACK_IRQ,
        .value = (uint64_t)HVM_PARAM_CALLBACK_TYPE_VECTOR << 56 | CALLBACK_VECTOR,
    };
    long rc = hypercall2(__HYPERVISOR_hvm_op, HVMOP_set_param, (unsigned long)&p);

    CHECK(rc == 0, "set HVM_PARAM_CALLBACK_IRQ: %ld", rc);
}

/* ---- Cases ------------------------------------------------------------- */

/* alloc_unbound for ourselves, bind to it: both ends and their status. */
static void make_loopback(uint32_t *a, uint32_t *b)
{
    struct evtchn_alloc_unbound au = { .dom = DOMID_SELF, .remote_dom = DOMID_SELF };
    struct evtchn_bind_interdomain bi = { .remote_dom = DOMID_SELF };
    struct evtchn_status s;
    long rc;

    rc = evtchn_op(EVTCHNOP_alloc_unbound, &au);
    CHECK(rc == 0 && au.port != 0, "alloc_unbound: %ld, port %u", rc, au.port);
    CHECK(status(au.port, &s) == 0 && s.status == EVTCHNSTAT_unbound,
          "status of unbound port %u: %u", au.port, s.status);
    bi.remote_port = au.port;
    rc = evtchn_op(EVTCHNOP_bind_interdomain, &bi);
    CHECK(rc == 0 && bi.local_port != au.port, "bind_interdomain loopback: %ld", rc);
    CHECK(status(au.port, &s) == 0 && s.status == EVTCHNSTAT_interdomain &&
          s.u.interdomain.port == bi.local_port, "status of port %u: %u -> port %u",
          au.port, s.status, s.u.interdomain.port);
    *a = au.port;
    *b = bi.local_port;
    printf("loopback: port %u <-> port %u (domain %u)\n", *a, *b, s.u.interdomain.dom);
}

/* Xen notifies a freshly bound port once; then a send on each end. */
static void check_loopback_upcalls(uint32_t a, uint32_t b)
{
    uint32_t start = upcall_count;

    CHECK(wait_upcalls(start + 1, WAIT_LOOPS), "no upcall after binding");
    CHECK(evtchn_bit_test(shinfo->evtchn_pending, b), "bound port %u not pending", b);
    consume(0, b);
    CHECK(send(a) == 0, "send on port %u", a);
    CHECK(wait_upcalls(start + 2, WAIT_LOOPS), "no upcall after send on %u", a);
    CHECK(evtchn_bit_test(shinfo->evtchn_pending, b) && !evtchn_bit_test(shinfo->evtchn_pending, a),
          "send %u: pending bits wrong", a);
    consume(0, b);
    CHECK(send(b) == 0, "send on port %u", b);
    CHECK(wait_upcalls(start + 3, WAIT_LOOPS), "no upcall after send on %u", b);
    CHECK(evtchn_bit_test(shinfo->evtchn_pending, a), "send %u: port %u not pending", b, a);
    consume(0, a);
    printf("loopback: upcalls on vector 0x%x, pending bits set\n", CALLBACK_VECTOR);
}

/* A masked port pends silently; unmasking raises the upcall. */
static void check_mask(uint32_t a, uint32_t b)
{
    uint32_t start = upcall_count;

    evtchn_bit_set(shinfo->evtchn_mask, b);
    CHECK(send(a) == 0, "send on masked peer");
    CHECK(!wait_upcalls(start + 1, WAIT_LOOPS / 20), "upcall for a masked port");
    CHECK(evtchn_bit_test(shinfo->evtchn_pending, b), "masked port %u not pending", b);
    CHECK(shinfo->vcpu_info[0].evtchn_upcall_pending == 0, "upcall_pending for a masked port");
    struct evtchn_unmask u = { .port = b };
    CHECK(evtchn_op(EVTCHNOP_unmask, &u) == 0, "unmask %u", b);
    CHECK(!evtchn_bit_test(shinfo->evtchn_mask, b), "port %u still masked", b);
    CHECK(wait_upcalls(start + 1, WAIT_LOOPS), "no upcall after unmask");
    consume(0, b);
    printf("mask: no upcall while masked, upcall on unmask\n");
}

/* An event sent with interrupts off must end a later STI; HLT at once. */
static void check_hlt_wakes(uint32_t a, uint32_t b)
{
    uint32_t start = upcall_count;

    CHECK(send(a) == 0, "send before HLT");
    asm volatile("sti; hlt; cli" ::: "memory");
    CHECK(upcall_count == start + 1, "HLT returned without the upcall (%u)",
          upcall_count - start);
    consume(0, b);
    printf("HLT: ended by the pending upcall\n");
}

static void check_close(uint32_t a, uint32_t b)
{
    struct evtchn_status s;

    CHECK(close_port(b) == 0, "close %u", b);
    CHECK(close_port(b) == -XEN_EINVAL, "close %u twice", b);
    CHECK(send(b) == -XEN_EINVAL, "send on closed port");
    CHECK(status(a, &s) == 0 && s.status == EVTCHNSTAT_unbound,
          "peer of a closed port: status %u", s.status);
    CHECK(send(a) == 0, "send on unbound port (dropped)");
    CHECK(status(b, &s) == 0 && s.status == EVTCHNSTAT_closed, "closed port: %u", s.status);
    CHECK(close_port(a) == 0, "close %u", a);
    printf("close: peer unbound, second close -EINVAL\n");
}

static void check_virqs(void)
{
    struct evtchn_status s;
    uint32_t port, other;

    CHECK(bind_virq(NR_VIRQS, 0, &other) == -XEN_EINVAL, "VIRQ 24 accepted");
    CHECK(bind_virq(VIRQ_DOM_EXC, 1, &other) == -XEN_EINVAL, "global VIRQ on vCPU 1 accepted");
    CHECK(bind_virq(VIRQ_TIMER, 4000, &other) == -XEN_ENOENT, "VIRQ on vCPU 4000 accepted");
    CHECK(bind_virq(VIRQ_DEBUG, 0, &port) == 0, "bind VIRQ_DEBUG");
    CHECK(bind_virq(VIRQ_DEBUG, 0, &other) == -XEN_EEXIST, "VIRQ_DEBUG bound twice");
    CHECK(status(port, &s) == 0 && s.status == EVTCHNSTAT_virq && s.u.virq == VIRQ_DEBUG,
          "VIRQ status %u virq %u", s.status, s.u.virq);
    CHECK(send(port) == -XEN_EINVAL, "send on a VIRQ port");
    struct evtchn_bind_vcpu bv = { .port = port, .vcpu = 0 };
    CHECK(evtchn_op(EVTCHNOP_bind_vcpu, &bv) == -XEN_EINVAL, "bind_vcpu of a per-vCPU VIRQ");
    CHECK(close_port(port) == 0, "close VIRQ port");
    CHECK(bind_virq(VIRQ_DEBUG, 0, &port) == 0 && close_port(port) == 0, "VIRQ rebind");
    printf("VIRQs: bind, -EEXIST, -EINVAL, -ENOENT, status, close\n");
}

static void check_ipi_self(void)
{
    uint32_t port, start = upcall_count;
    struct evtchn_status s;

    CHECK(bind_ipi(0, &port) == 0, "bind_ipi vCPU 0");
    CHECK(status(port, &s) == 0 && s.status == EVTCHNSTAT_ipi && s.vcpu == 0,
          "IPI status %u vcpu %u", s.status, s.vcpu);
    CHECK(send(port) == 0, "send IPI");
    CHECK(wait_upcalls(start + 1, WAIT_LOOPS), "no upcall for self IPI");
    CHECK(evtchn_bit_test(shinfo->evtchn_pending, port), "IPI port %u not pending", port);
    consume(0, port);
    CHECK(close_port(port) == 0, "close IPI");
    CHECK(bind_ipi(4000, &port) == -XEN_ENOENT, "IPI to vCPU 4000 accepted");
    printf("IPI to self: upcall\n");
}

/* vCPU 1 need not run: its vcpu_info shows the event, vCPU 0 sees none. */
static void check_ipi_vcpu1(void)
{
    uint32_t port, start = upcall_count;
    long rc = bind_ipi(1, &port);

    if (rc == -XEN_ENOENT) {
        printf("one vCPU: IPI to vCPU 1 not tried\n");
        return;
    }
    CHECK(rc == 0, "bind_ipi vCPU 1: %ld", rc);
    CHECK(send(port) == 0, "send IPI to vCPU 1");
    CHECK(evtchn_bit_test(shinfo->evtchn_pending, port), "IPI port %u not pending", port);
    CHECK(shinfo->vcpu_info[1].evtchn_upcall_pending == 1, "vCPU 1 upcall_pending not set");
    CHECK((shinfo->vcpu_info[1].evtchn_pending_sel >> (port / 64)) & 1,
          "vCPU 1 pending_sel 0x%lx", shinfo->vcpu_info[1].evtchn_pending_sel);
    CHECK(!wait_upcalls(start + 1, WAIT_LOOPS / 20), "vCPU 0 got vCPU 1's IPI");
    consume(1, port);
    shinfo->vcpu_info[1].evtchn_upcall_pending = 0;
    struct evtchn_bind_vcpu bv = { .port = port, .vcpu = 0 };
    CHECK(evtchn_op(EVTCHNOP_bind_vcpu, &bv) == -XEN_EINVAL, "bind_vcpu of an IPI");
    CHECK(close_port(port) == 0, "close IPI");
    printf("IPI to vCPU 1: its vcpu_info flagged, none on vCPU 0\n");
}

static void check_bind_vcpu(void)
{
    struct evtchn_alloc_unbound au = { .dom = DOMID_SELF, .remote_dom = DOMID_SELF };
    struct evtchn_bind_vcpu bv;
    struct evtchn_status s;

    CHECK(evtchn_op(EVTCHNOP_alloc_unbound, &au) == 0, "alloc_unbound");
    bv = (struct evtchn_bind_vcpu){ .port = au.port, .vcpu = 4000 };
    CHECK(evtchn_op(EVTCHNOP_bind_vcpu, &bv) == -XEN_ENOENT, "bind_vcpu to vCPU 4000");
    bv.vcpu = 0;
    CHECK(evtchn_op(EVTCHNOP_bind_vcpu, &bv) == 0, "bind_vcpu unbound port");
    bv = (struct evtchn_bind_vcpu){ .port = EVTCHN_2L_NR_CHANNELS, .vcpu = 0 };
    CHECK(evtchn_op(EVTCHNOP_bind_vcpu, &bv) == -XEN_EINVAL, "bind_vcpu port 4096");
    CHECK(status(au.port, &s) == 0 && s.vcpu == 0, "status vcpu %u", s.vcpu);
    CHECK(close_port(au.port) == 0, "close");
    printf("bind_vcpu: -ENOENT, -EINVAL, moved\n");
}

/* Hostile arguments: Xen's error codes, nothing else changes. */
static void check_errors(void)
{
    struct evtchn_bind_interdomain bi = { .remote_dom = DOMID_SELF, .remote_port = 4095 };
    struct evtchn_init_control ic = { .control_gfn = 0, .offset = 1, .vcpu = 0 };
    struct evtchn_unmask um = { .port = EVTCHN_2L_NR_CHANNELS };
    struct evtchn_status s;
    long rc;

    CHECK(close_port(0) == -XEN_EINVAL, "close port 0");
    CHECK(close_port(EVTCHN_2L_NR_CHANNELS) == -XEN_EINVAL, "close port 4096");
    CHECK(send(0x7fffffff) == -XEN_EINVAL, "send to port 0x7fffffff");
    CHECK(status(EVTCHN_2L_NR_CHANNELS, &s) == -XEN_EINVAL, "status of port 4096");
    CHECK(evtchn_op(EVTCHNOP_unmask, &um) == -XEN_EINVAL, "unmask port 4096");
    CHECK(evtchn_op(EVTCHNOP_bind_interdomain, &bi) == -XEN_EINVAL, "bind to port 4095");
    bi.remote_dom = 0x7000;
    CHECK(evtchn_op(EVTCHNOP_bind_interdomain, &bi) == -XEN_ESRCH, "bind to domain 0x7000");
    s = (struct evtchn_status){ .dom = 0x7000, .port = 1 };
    CHECK(evtchn_op(EVTCHNOP_status, &s) == -XEN_ESRCH, "status in domain 0x7000");
    CHECK(evtchn_op(99, &s) == -XEN_ENOSYS, "EVTCHNOP 99");
    CHECK(evtchn_op(EVTCHNOP_send, (void *)UNMAPPED_VA) == -XEN_EFAULT, "send, unmapped argument");
    rc = evtchn_op(EVTCHNOP_init_control, &ic);     /* bad offset: never switches */
    CHECK(rc == -XEN_ENOSYS || rc == -XEN_EINVAL, "init_control: %ld", rc);
    printf("errors: Xen's codes; FIFO init_control %ld\n", rc);
}

static void check_reset(void)
{
    struct evtchn_reset r = { .dom = DOMID_SELF };
    struct evtchn_status s;
    uint32_t port;

    CHECK(bind_ipi(0, &port) == 0, "bind_ipi");
    CHECK(evtchn_op(EVTCHNOP_reset, &r) == 0, "reset");
    CHECK(status(port, &s) == 0 && s.status == EVTCHNSTAT_closed, "after reset: %u", s.status);
    printf("reset: every port closed\n");
}

const char test_title[] = "evtchn";

void test_main(void)
{
    uint32_t a, b;

    trap_set_interrupt_gate(CALLBACK_VECTOR, evtchn_upcall_stub);
    check_errors();
    if (!map_shared_info())
        test_skip("XENMEM_add_to_physmap is not offered: no shared_info");
    memset((void *)shinfo->evtchn_mask, 0, sizeof(shinfo->evtchn_mask));
    set_callback_vector();
    make_loopback(&a, &b);
    check_loopback_upcalls(a, b);
    check_mask(a, b);
    check_hlt_wakes(a, b);
    check_close(a, b);
    check_virqs();
    check_ipi_self();
    check_ipi_vcpu1();
    check_bind_vcpu();
    check_reset();
}
