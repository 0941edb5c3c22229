// SPDX-License-Identifier: MIT
/*
 * test-vcpuop: HYPERVISOR_vcpu_op and SCHEDOP_poll as Linux's PVH code uses
 * them.  Xen's error codes for hostile arguments; register_vcpu_info at an
 * offset in a page of our own (the pvclock moves with it, event upcalls
 * land there, not in the shared_info slot); a runstate area that grows and
 * stays monotonic; the singleshot timer raising VIRQ_TIMER after about the
 * time asked for, -ETIME for a past deadline with VCPU_SSHOTTMR_future, and
 * stop cancelling it; SCHEDOP_poll returning at once for a pending port,
 * when a masked port fires, and at its timeout.  Every wait is bounded by
 * the guest's own pvclock.  SCHEDOP_block returning at once with an event
 * pending and woken by VIRQ_TIMER; VCPUOP_send_nmi to itself (the NMI
 * handler runs exactly once per send, right after the call, even with
 * interrupts off; one sent from the handler waits for its IRET) and, with
 * two vCPUs, to vCPU 1 halted in a real-mode trampoline (started with
 * INIT/SIPI), once per send; bad arguments get Xen's errors.  Last, giving
 * back the vcpu_info frame: Keel refuses (0 extents), Xen takes it (1) and
 * keeps the page.
 */
#include "evtchn_bits.h"
#include "guest.h"
#include "paging.h"
#include <public/event_channel.h>
#include <public/hvm/hvm_op.h>
#include <public/hvm/params.h>
#include <public/memory.h>
#include <public/sched.h>
#include <public/vcpu.h>

#define CALLBACK_VECTOR     0xf3
#define VI_OFFSET           192         /* where our vcpu_info sits in vi_page */
#define MS                  1000000ULL
#define UNMAPPED_VA         0xffff800000000000UL
#define APIC                0xfee00000UL
#define APIC_ICR_LOW        0x300
#define APIC_ICR_HIGH       0x310
#define TRAMPOLINE          0x8000      /* vCPU 1's real-mode code */
#define AP_MARK             0x9000      /* ... which writes AP_MAGIC here */
#define AP_MAGIC            0x4b454c21u
#define AP_NMIS             0x9004      /* ... and counts its NMIs here */
#define NMI_SENDS           5

uint8_t shinfo_page[4096] __attribute__((aligned(4096)));
uint8_t vi_page[4096] __attribute__((aligned(4096)));
/* The upcall stub clears evtchn_upcall_pending here: the legacy slot
 * first, our registered copy after register_vcpu_info. */
uint8_t *volatile upcall_flag = shinfo_page;
volatile uint32_t upcall_count;

void upcall_stub(void);
asm(".text\n"
    "upcall_stub:\n"
    "  push %rax\n"
    "  lock incl upcall_count(%rip)\n"
    "  mov upcall_flag(%rip), %rax\n"
    "  movb $0, (%rax)\n"
    "  pop %rax\n"
    "  iretq\n");

static struct shared_info *const shinfo = (struct shared_info *)shinfo_page;
static volatile struct vcpu_info *vi = (struct vcpu_info *)shinfo_page;  /* ours: vCPU 0 */
static struct vcpu_runstate_info runstate __attribute__((aligned(64)));

/* ---- Hypercalls -------------------------------------------------------- */

static long vcpu_op(unsigned int cmd, unsigned int vcpu, const void *arg)
{
    return hypercall3(__HYPERVISOR_vcpu_op, cmd, vcpu, (unsigned long)arg);
}

static long evtchn_op(unsigned int cmd, void *arg)
{
    return hypercall2(__HYPERVISOR_event_channel_op, cmd, (unsigned long)arg);
}

static long singleshot(uint64_t abs, uint32_t flags)
{
    struct vcpu_set_singleshot_timer t = { .timeout_abs_ns = abs, .flags = flags };

    return vcpu_op(VCPUOP_set_singleshot_timer, 0, &t);
}

static long poll(uint32_t *ports, uint32_t n, uint64_t timeout)
{
    struct sched_poll p = { .nr_ports = n, .timeout = timeout };

    set_xen_guest_handle(p.ports, ports);
    return hypercall2(__HYPERVISOR_sched_op, SCHEDOP_poll, (unsigned long)&p);
}

static long register_vi(uint64_t gfn, uint32_t offset)
{
    struct vcpu_register_vcpu_info r = { .mfn = gfn, .offset = offset };

    return vcpu_op(VCPUOP_register_vcpu_info, 0, &r);
}

/* ---- Time and bits ----------------------------------------------------- */

static uint64_t rdtsc(void)
{
    uint32_t lo, hi;

    asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return (uint64_t)hi << 32 | lo;
}

/* System time from our vcpu_info's pvclock (the formula Linux uses). */
static uint64_t now_ns(void)
{
    volatile struct vcpu_time_info *t = &vi->time;
    uint32_t ver;
    uint64_t ns;

    do {
        ver = t->version;
        __atomic_thread_fence(__ATOMIC_ACQUIRE);
        uint64_t d = rdtsc() - t->tsc_timestamp;
        d = t->tsc_shift >= 0 ? d << t->tsc_shift : d >> -t->tsc_shift;
        ns = t->system_time + (uint64_t)(((unsigned __int128)d * t->tsc_to_system_mul) >> 32);
        __atomic_thread_fence(__ATOMIC_ACQUIRE);
    } while ((ver & 1) || ver != t->version);
    return ns;
}

/* Interrupts on until port is pending or the deadline (pvclock) passes. */
static bool wait_port(uint32_t port, uint64_t deadline)
{
    while (!evtchn_bit_test(shinfo->evtchn_pending, port) && now_ns() < deadline)
        asm volatile("sti; pause; cli" ::: "memory");
    return evtchn_bit_test(shinfo->evtchn_pending, port);
}

/* Spin (interrupts on) until the deadline; no timer needed. */
static void spin_until(uint64_t deadline)
{
    while (now_ns() < deadline)
        asm volatile("sti; pause; cli" ::: "memory");
}

static void consume(uint32_t port)
{
    evtchn_bit_clear(shinfo->evtchn_pending, port);
    vi->evtchn_pending_sel = 0;
    vi->evtchn_upcall_pending = 0;
}

/* ---- Setup ------------------------------------------------------------- */

static bool map_shared_info(void)
{
    struct xen_add_to_physmap x = {
        .domid = DOMID_SELF, .space = XENMAPSPACE_shared_info, .idx = 0,
        .gpfn = (uint64_t)(uintptr_t)shinfo_page >> 12,
    };

    return hypercall2(__HYPERVISOR_memory_op, XENMEM_add_to_physmap, (unsigned long)&x) == 0;
}

static void set_callback_vector(void)
{
    struct xen_hvm_param p = {
        .domid = DOMID_SELF, .index = HVM_PARAM_CALLBACK_IRQ,
        .value = (uint64_t)HVM_PARAM_CALLBACK_TYPE_VECTOR << 56 | CALLBACK_VECTOR,
    };

    CHECK(hypercall2(__HYPERVISOR_hvm_op, HVMOP_set_param, (unsigned long)&p) == 0,
          "set HVM_PARAM_CALLBACK_IRQ");
}

static uint32_t bind_virq_timer(void)
{
    struct evtchn_bind_virq b = { .virq = VIRQ_TIMER, .vcpu = 0 };

    CHECK(evtchn_op(EVTCHNOP_bind_virq, &b) == 0, "bind VIRQ_TIMER");
    return b.port;
}

static uint32_t bind_ipi_self(void)
{
    struct evtchn_bind_ipi b = { .vcpu = 0 };

    CHECK(evtchn_op(EVTCHNOP_bind_ipi, &b) == 0, "bind_ipi");
    return b.port;
}

static long send(uint32_t port)
{
    struct evtchn_send s = { .port = port };

    return evtchn_op(EVTCHNOP_send, &s);
}

/* SCHEDOP_block with interrupts enabled by the STI right before it (its
 * shadow covers the hypercall instruction), as Linux's safe_halt does for
 * HLT: an upcall pending before the call can only be taken after it. */
static long block_sti(void)
{
    long rc = __HYPERVISOR_sched_op;

    if (hypercall_direct_mode() == HYPERCALL_VMMCALL)
        asm volatile("sti; vmmcall; cli" : "+a"(rc) : "D"((long)SCHEDOP_block), "S"(0L)
                     : "memory");
    else
        asm volatile("sti; vmcall; cli" : "+a"(rc) : "D"((long)SCHEDOP_block), "S"(0L)
                     : "memory");
    return rc;
}

/* Interrupts on until upcall_count reaches want or the deadline passes. */
static bool wait_upcalls(uint32_t want, uint64_t deadline)
{
    while (upcall_count < want && now_ns() < deadline)
        asm volatile("sti; pause; cli" ::: "memory");
    return upcall_count >= want;
}

/* ---- NMIs: the handler is the trap hook for vector 2 ------------------------- */

static volatile uint32_t nmi_count, nmi_depth, nmi_max_depth;
static volatile bool nmi_resend;        /* the handler sends itself one more */
static volatile long nmi_resend_rc;
static volatile uint32_t nmi_count_in_handler;  /* nmi_count after its send */

static bool nmi_hook(struct trap_frame *f)
{
    uint32_t depth;

    if (f->vector != X86_EXC_NMI)
        return false;
    depth = ++nmi_depth;
    if (depth > nmi_max_depth)
        nmi_max_depth = depth;
    nmi_count++;
    if (nmi_resend) {
        nmi_resend = false;
        nmi_resend_rc = vcpu_op(VCPUOP_send_nmi, 0, NULL);
        /* NMIs are blocked until our IRET: the new one must not nest. */
        for (uint64_t end = now_ns() + 20 * MS; now_ns() < end;)
            asm volatile("pause");
        nmi_count_in_handler = nmi_count;
    }
    nmi_depth--;
    return true;
}

/* ---- Cases ------------------------------------------------------------- */

static void check_errors(void)
{
    struct vcpu_set_periodic_timer per = { .period_ns = 1000 };
    uint64_t vi_gfn = (uint64_t)(uintptr_t)vi_page >> 12;

    CHECK(vcpu_op(VCPUOP_is_up, 4000, NULL) == -XEN_ENOENT, "is_up vCPU 4000");
    CHECK(vcpu_op(VCPUOP_is_up, 0, NULL) == 1, "vCPU 0 not up");
    CHECK(vcpu_op(99, 0, NULL) == -XEN_ENOSYS, "VCPUOP 99");
    CHECK(vcpu_op(VCPUOP_set_singleshot_timer, 4000, NULL) == -XEN_ENOENT, "singleshot vCPU 4000");
    CHECK(vcpu_op(VCPUOP_set_singleshot_timer, 0, (void *)UNMAPPED_VA) == -XEN_EFAULT,
          "singleshot, unmapped argument");
    CHECK(vcpu_op(VCPUOP_register_vcpu_info, 0, (void *)UNMAPPED_VA) == -XEN_EFAULT,
          "register_vcpu_info, unmapped argument");
    CHECK(register_vi(vi_gfn, 4096 - 32) == -XEN_ENXIO, "vcpu_info across the page end");
    CHECK(register_vi(vi_gfn, 4) == -XEN_ENXIO, "vcpu_info misaligned");
    CHECK(register_vi(vi_gfn, 0x7fffffff) == -XEN_ENXIO, "vcpu_info offset 0x7fffffff");
    CHECK(register_vi(unbacked_gpa() >> 12, 0) == -XEN_EINVAL, "vcpu_info in unbacked memory");
    CHECK(register_vi(1ULL << 52, 0) == -XEN_EINVAL, "vcpu_info at gfn 2^52");
    CHECK(vcpu_op(VCPUOP_set_periodic_timer, 0, &per) == -XEN_EINVAL, "period 1 us");
    CHECK(vcpu_op(VCPUOP_stop_periodic_timer, 0, NULL) == 0, "stop_periodic_timer");
    CHECK(vcpu_op(VCPUOP_stop_singleshot_timer, 0, NULL) == 0, "stop_singleshot_timer");
    long rc = vcpu_op(VCPUOP_set_singleshot_timer, 1, NULL);
    CHECK(rc == -XEN_EINVAL || rc == -XEN_ENOENT, "singleshot for vCPU 1: %ld", rc);
    printf("errors: Xen's codes\n");
}

/* The pvclock and everything pending move to our page. */
static void check_register_vcpu_info(void)
{
    uint64_t gfn = (uint64_t)(uintptr_t)vi_page >> 12;
    volatile struct vcpu_info *mine = (struct vcpu_info *)(vi_page + VI_OFFSET);
    uint64_t before = now_ns();
    long rc;

    memset(vi_page, 0x5a, sizeof(vi_page));
    rc = register_vi(gfn, VI_OFFSET);
    CHECK(rc == 0, "register_vcpu_info: %ld", rc);
    if (rc)
        test_abort("no vcpu_info");
    vi = mine;
    upcall_flag = vi_page + VI_OFFSET;
    CHECK(mine->time.tsc_to_system_mul != 0 && !(mine->time.version & 1),
          "no pvclock in the registered vcpu_info");
    CHECK(now_ns() >= before, "pvclock went back after registering");
    CHECK(vi_page[0] == 0x5a && vi_page[VI_OFFSET + 64] == 0x5a, "bytes around it changed");
    CHECK(register_vi(gfn, 0) == -XEN_EINVAL, "second register_vcpu_info");
    mine->evtchn_pending_sel = 0;       /* Xen marks all pending once */
    mine->evtchn_upcall_pending = 0;
    printf("register_vcpu_info: at offset %u, pvclock there, second -EINVAL\n", VI_OFFSET);
}

static void check_upcall_lands_there(void)
{
    uint32_t port = bind_ipi_self(), start = upcall_count;
    uint64_t end = now_ns() + 2000 * MS;

    shinfo->vcpu_info[0].evtchn_pending_sel = 0;
    shinfo->vcpu_info[0].evtchn_upcall_pending = 0;
    asm volatile("cli");
    CHECK(send(port) == 0, "send IPI");
    CHECK(vi->evtchn_upcall_pending == 1, "upcall_pending not in our vcpu_info");
    CHECK((vi->evtchn_pending_sel >> (port / 64)) & 1, "selector not in our vcpu_info");
    CHECK(shinfo->vcpu_info[0].evtchn_upcall_pending == 0 &&
          shinfo->vcpu_info[0].evtchn_pending_sel == 0, "the legacy slot was flagged");
    while (upcall_count == start && now_ns() < end)
        asm volatile("sti; pause; cli" ::: "memory");
    CHECK(upcall_count == start + 1, "upcalls: %u", upcall_count - start);
    CHECK(vi->evtchn_upcall_pending == 0, "the stub did not clear our flag");
    consume(port);
    struct evtchn_close c = { .port = port };
    evtchn_op(EVTCHNOP_close, &c);
    printf("upcall: flagged in the registered vcpu_info only\n");
}

static void check_runstate(void)
{
    struct vcpu_register_runstate_memory_area a;
    struct vcpu_runstate_info got, first;
    volatile struct vcpu_runstate_info *r = &runstate;
    long rc;

    a.addr.p = (uint64_t)(uintptr_t)&runstate;
    rc = vcpu_op(VCPUOP_register_runstate_memory_area, 0, &a);
    CHECK(rc == 0, "register_runstate_memory_area: %ld", rc);
    CHECK(r->state == RUNSTATE_running, "state %d", r->state);
    CHECK(!(r->state_entry_time & XEN_RUNSTATE_UPDATE), "update flag left set");
    first = *(struct vcpu_runstate_info *)&runstate;
    /* Run, then block (a poll on no port, with a timeout): Xen writes the
     * area only when the vCPU really leaves its CPU. */
    spin_until(now_ns() + 30 * MS);
    CHECK(poll(NULL, 0, now_ns() + 5 * MS) == 0, "poll on no port");
    spin_until(now_ns() + 30 * MS);
    CHECK(poll(NULL, 0, now_ns() + 5 * MS) == 0, "poll on no port");
    CHECK(r->time[RUNSTATE_running] > first.time[RUNSTATE_running], "time[running] %lu -> %lu",
          first.time[RUNSTATE_running], r->time[RUNSTATE_running]);
    CHECK((r->state_entry_time & ~XEN_RUNSTATE_UPDATE) >= first.state_entry_time,
          "state_entry_time went back");
    /* Read the area first: a reschedule right after the call may publish
     * a later (larger) figure than the one the call returned. */
    uint64_t published = r->time[RUNSTATE_running];
    CHECK(vcpu_op(VCPUOP_get_runstate_info, 0, &got) == 0, "get_runstate_info");
    CHECK(got.state == RUNSTATE_running && got.time[RUNSTATE_running] >= published,
          "get_runstate_info: state %d running %lu, published before %lu", got.state,
          got.time[RUNSTATE_running], published);
    CHECK(vcpu_op(VCPUOP_get_runstate_info, 0, (void *)UNMAPPED_VA) == -XEN_EFAULT,
          "get_runstate_info, unmapped");
    printf("runstate: running time grows, entry time monotonic\n");
}

static void check_singleshot(uint32_t port)
{
    uint64_t t0 = now_ns(), fired;
    long rc, future;

    CHECK(singleshot(t0 + 20 * MS, 0) == 0, "singleshot +20ms");
    CHECK(wait_port(port, t0 + 3000 * MS), "VIRQ_TIMER did not fire in 3 s");
    fired = now_ns() - t0;
    CHECK(fired >= 19 * MS, "fired after %lu us, asked 20 ms", fired / 1000);
    printf("singleshot: VIRQ_TIMER after %s\n", fired < 1000 * MS ? "20ms..1s" : "over 1s");
    consume(port);

    /* Xen 4.17.0 says -ETIME; 4.17.2 and later ignore the flag (Xen commit
     * "xen/vcpu: ignore VCPU_SSHOTTMR_future") and fire at once. */
    rc = singleshot(now_ns() - 5 * MS, VCPU_SSHOTTMR_future);
    CHECK(rc == -XEN_ETIME || rc == 0, "future in the past: %ld", rc);
    if (rc == 0) {
        CHECK(wait_port(port, now_ns() + 1000 * MS), "flag ignored, but no event");
        consume(port);
    }
    future = rc;
    CHECK(singleshot(now_ns() - 5 * MS, 0) == 0, "past deadline without the flag");
    CHECK(wait_port(port, now_ns() + 1000 * MS), "past deadline did not fire at once");
    consume(port);

    CHECK(singleshot(now_ns() + 40 * MS, 0) == 0, "singleshot +40ms");
    CHECK(vcpu_op(VCPUOP_stop_singleshot_timer, 0, NULL) == 0, "stop");
    spin_until(now_ns() + 150 * MS);
    CHECK(!evtchn_bit_test(shinfo->evtchn_pending, port), "stopped timer fired");
    CHECK(singleshot(UINT64_MAX, 0) == 0, "far-future deadline");
    CHECK(vcpu_op(VCPUOP_stop_singleshot_timer, 0, NULL) == 0, "stop far future");
    printf("singleshot: VCPU_SSHOTTMR_future in the past -> %ld, stop cancels\n", future);
}

static void check_poll(uint32_t timer_port, uint32_t ipi)
{
    uint32_t ports[2] = { timer_port, ipi }, bad[1] = { 4095 };
    uint64_t t0;
    long rc;

    evtchn_bit_set(shinfo->evtchn_mask, timer_port);
    evtchn_bit_set(shinfo->evtchn_mask, ipi);
    consume(timer_port);
    consume(ipi);
    CHECK(send(ipi) == 0, "send masked IPI");
    t0 = now_ns();
    CHECK(poll(ports, 2, t0 + 2000 * MS) == 0, "poll, pending port");
    CHECK(now_ns() - t0 < 500 * MS, "poll waited for a pending port");
    evtchn_bit_clear(shinfo->evtchn_pending, ipi);

    t0 = now_ns();
    CHECK(singleshot(t0 + 30 * MS, 0) == 0, "singleshot for poll");
    rc = poll(&timer_port, 1, t0 + 3000 * MS);
    CHECK(rc == 0 && evtchn_bit_test(shinfo->evtchn_pending, timer_port), "poll: rc %ld, timer port %d",
          rc, evtchn_bit_test(shinfo->evtchn_pending, timer_port));
    CHECK(now_ns() - t0 >= 29 * MS && now_ns() - t0 < 2500 * MS,
          "poll ended after %lu us, timer at 30 ms", (now_ns() - t0) / 1000);
    CHECK(vi->evtchn_upcall_pending == 0, "masked port raised an upcall");
    evtchn_bit_clear(shinfo->evtchn_pending, timer_port);

    t0 = now_ns();
    rc = poll(&ipi, 1, t0 + 40 * MS);
    CHECK(rc == 0 && now_ns() - t0 >= 39 * MS, "poll timeout: rc %ld after %lu us", rc,
          (now_ns() - t0) / 1000);

    CHECK(poll(bad, 1, 0) == -XEN_EINVAL, "poll on port 4095");
    CHECK(poll(ports, 129, 0) == -XEN_EINVAL, "poll on 129 ports");
    CHECK(poll((uint32_t *)UNMAPPED_VA, 1, 0) == -XEN_EFAULT, "poll, unmapped ports");
    evtchn_bit_clear(shinfo->evtchn_mask, timer_port);
    evtchn_bit_clear(shinfo->evtchn_mask, ipi);
    printf("poll: pending port at once, masked port wakes, timeout, errors\n");
}

/* SCHEDOP_block: at once when an upcall is pending and deliverable; else
 * until an event (here VIRQ_TIMER) comes. */
static void check_block(uint32_t timer_port, uint32_t ipi)
{
    uint32_t start;
    uint64_t t0, took;
    long rc;

    consume(timer_port);
    consume(ipi);
    asm volatile("cli");
    /* Pending before the call: it returns at once.  A timer 2 s away
     * stands guard; it must not be what ends the block. */
    CHECK(singleshot(now_ns() + 2000 * MS, 0) == 0, "guard timer");
    start = upcall_count;
    CHECK(send(ipi) == 0, "send IPI");
    CHECK(vi->evtchn_upcall_pending == 1, "IPI not pending");
    t0 = now_ns();
    rc = block_sti();
    took = now_ns() - t0;
    CHECK(rc == 0, "SCHEDOP_block with an event pending: %ld", rc);
    CHECK(wait_upcalls(start + 1, now_ns() + 500 * MS), "the pending upcall never came");
    CHECK(took < 1000 * MS, "SCHEDOP_block with an event pending took %lu us", took / 1000);
    CHECK(!evtchn_bit_test(shinfo->evtchn_pending, timer_port),
          "the guard timer fired: the block waited for it");
    CHECK(upcall_count == start + 1, "upcalls: %u", upcall_count - start);
    CHECK(vcpu_op(VCPUOP_stop_singleshot_timer, 0, NULL) == 0, "stop the guard timer");
    consume(ipi);
    printf("block: returns at once with an event pending (1 upcall)\n");

    /* Nothing pending: VIRQ_TIMER 30 ms on wakes it. */
    start = upcall_count;
    t0 = now_ns();
    CHECK(singleshot(t0 + 30 * MS, 0) == 0, "singleshot for block");
    rc = block_sti();
    took = now_ns() - t0;
    CHECK(rc == 0, "SCHEDOP_block: %ld", rc);
    CHECK(wait_upcalls(start + 1, now_ns() + 500 * MS), "no upcall for the timer");
    CHECK(evtchn_bit_test(shinfo->evtchn_pending, timer_port), "timer port not pending");
    CHECK(took >= 29 * MS && took < 2500 * MS, "block ended after %lu us, timer at 30 ms",
          took / 1000);
    CHECK(upcall_count == start + 1, "upcalls: %u", upcall_count - start);
    consume(timer_port);
    printf("block: VIRQ_TIMER wakes it (%s)\n", took >= 29 * MS && took < 2500 * MS ?
           "after 30ms..2.5s" : "too early or too late");
}

static void check_send_nmi_self(void)
{
    uint32_t before;
    long rc;

    nmi_count = nmi_max_depth = 0;
    trap_set_hook(nmi_hook);
    CHECK(vcpu_op(VCPUOP_send_nmi, 4000, NULL) == -XEN_ENOENT, "send_nmi to vCPU 4000");
    CHECK(vcpu_op(VCPUOP_send_nmi, 0, &before) == -XEN_EINVAL, "send_nmi with an argument");
    CHECK(vcpu_op(VCPUOP_send_nmi, 0, (void *)UNMAPPED_VA) == -XEN_EINVAL,
          "send_nmi with a bad argument");
    spin_until(now_ns() + 10 * MS);
    CHECK(nmi_count == 0, "NMIs after refused sends: %u", nmi_count);

    /* Each send: the handler runs once, before the next instruction, even
     * with interrupts off (NMIs ignore IF). */
    for (uint32_t i = 0; i < NMI_SENDS; i++) {
        before = nmi_count;
        if (i & 1)
            asm volatile("sti" ::: "memory");
        rc = vcpu_op(VCPUOP_send_nmi, 0, NULL);
        asm volatile("cli" ::: "memory");
        CHECK(rc == 0, "send_nmi to itself: %ld", rc);
        CHECK(nmi_count == before + 1, "send %u: %u NMIs right after the call", i,
              nmi_count - before);
    }
    spin_until(now_ns() + 20 * MS);
    CHECK(nmi_count == NMI_SENDS, "%u NMIs for %u sends", nmi_count, NMI_SENDS);

    /* One sent from the handler waits for its IRET, then comes once.  The
     * handler interrupts code running with interrupts on: after an NMI
     * handler's IRET, Xen (and Keel) deliver the next NMI once the guest
     * takes interrupts again. */
    nmi_resend = true;
    nmi_count_in_handler = 0;
    asm volatile("sti" ::: "memory");
    rc = vcpu_op(VCPUOP_send_nmi, 0, NULL);
    for (uint64_t end = now_ns() + 1000 * MS; nmi_count < NMI_SENDS + 2 && now_ns() < end;)
        asm volatile("pause" ::: "memory");
    spin_until(now_ns() + 20 * MS);     /* and no more come */
    asm volatile("cli" ::: "memory");
    CHECK(rc == 0, "send_nmi: %ld", rc);
    CHECK(nmi_resend_rc == 0, "send_nmi from the NMI handler: %ld", nmi_resend_rc);
    CHECK(nmi_count_in_handler == NMI_SENDS + 1, "the NMI sent from the handler nested "
          "(%u NMIs while it ran)", nmi_count_in_handler - NMI_SENDS);
    CHECK(nmi_count == NMI_SENDS + 2, "%u NMIs for %u sends", nmi_count, NMI_SENDS + 2);
    CHECK(nmi_max_depth == 1, "NMI handler nested %u deep", nmi_max_depth);
    trap_set_hook(NULL);
    printf("send_nmi to itself: %u NMIs for %u sends, never nested; errors as Xen\n",
           nmi_count, NMI_SENDS + 2);
}

/* The AP's real-mode code, copied to TRAMPOLINE: point IVT[2] at its NMI
 * handler, store the mark, halt; the handler counts into AP_NMIS. */
extern const uint8_t ap_code_start[], ap_code_end[];
asm(".section .rodata\n"
    ".code16\n"
    "ap_code_start:\n"
    "  cli\n"
    "  xorw %ax, %ax\n"
    "  movw %ax, %ds\n"
    "  movw $(ap_nmi - ap_code_start), 0x8\n"
    "  movw $0x0800, 0xa\n"
    "  movl $0x4b454c21, %eax\n"
    "  movl %eax, 0x9000\n"
    "1: hlt\n"
    "  jmp 1b\n"
    "ap_nmi:\n"
    "  lock incl 0x9004\n"
    "  iret\n"
    "ap_code_end:\n"
    ".code64\n"
    ".text\n");

static void apic_icr(uint32_t dest, uint32_t low)
{
    *(volatile uint32_t *)(APIC + APIC_ICR_HIGH) = dest << 24;
    *(volatile uint32_t *)(APIC + APIC_ICR_LOW) = low;
}

/* vCPU 1, halted in real mode with interrupts off, gets each NMI once. */
static void check_send_nmi_other(void)
{
    volatile uint32_t *mark = (volatile uint32_t *)AP_MARK;
    volatile uint32_t *nmis = (volatile uint32_t *)AP_NMIS;
    uint64_t end;
    long rc;

    if (vcpu_op(VCPUOP_is_up, 1, NULL) == -XEN_ENOENT) {
        printf("send_nmi to vCPU 1: one vCPU, not tried\n");
        return;
    }
    memcpy((void *)TRAMPOLINE, ap_code_start, (size_t)(ap_code_end - ap_code_start));
    *mark = 0;
    *nmis = 0;
    apic_icr(1, 0x4500);                           /* INIT */
    apic_icr(1, 0x4600 | (TRAMPOLINE >> 12));      /* STARTUP */
    for (end = now_ns() + 5000 * MS; *mark != AP_MAGIC && now_ns() < end;)
        asm volatile("pause");
    if (*mark != AP_MAGIC) {
        test_fail("vCPU 1 did not start (mark 0x%x)", *mark);
        return;
    }
    CHECK(vcpu_op(VCPUOP_is_up, 1, NULL) == 1, "vCPU 1 not up");
    for (uint32_t i = 0; i < NMI_SENDS; i++) {
        rc = vcpu_op(VCPUOP_send_nmi, 1, NULL);
        CHECK(rc == 0, "send_nmi to vCPU 1: %ld", rc);
        for (end = now_ns() + 5000 * MS; *nmis < i + 1 && now_ns() < end;)
            asm volatile("pause");
        CHECK(*nmis == i + 1, "send %u: vCPU 1 counted %u NMIs", i, *nmis);
    }
    spin_until(now_ns() + 50 * MS);
    CHECK(*nmis == NMI_SENDS, "vCPU 1 counted %u NMIs for %u sends", *nmis, NMI_SENDS);
    CHECK(vcpu_op(VCPUOP_send_nmi, 1, &rc) == -XEN_EINVAL, "send_nmi to vCPU 1 with an argument");
    spin_until(now_ns() + 20 * MS);
    CHECK(*nmis == NMI_SENDS, "a refused send reached vCPU 1");
    printf("send_nmi to vCPU 1: %u NMIs for %u sends, %s\n", *nmis, NMI_SENDS,
           *nmis == NMI_SENDS ? "each woke it from HLT" : "WRONG");
}

/* Last: the page stays ours on Keel; on Xen it leaves the p2m. */
static void check_give_back(void)
{
    xen_pfn_t gfn = (uint64_t)(uintptr_t)vi_page >> 12;
    struct xen_memory_reservation r = { .nr_extents = 1, .extent_order = 0, .domid = DOMID_SELF };
    long rc;

    set_xen_guest_handle(r.extent_start, &gfn);
    rc = hypercall2(__HYPERVISOR_memory_op, XENMEM_decrease_reservation, (unsigned long)&r);
    CHECK(rc == 0 || rc == 1, "decrease_reservation of the vcpu_info frame: %ld", rc);
    printf("give back the vcpu_info frame: %ld extent(s) %s\n", rc,
           rc == 0 ? "(refused)" : "(taken)");
}

const char test_title[] = "vcpuop";

void test_main(void)
{
    uint32_t timer_port, ipi;

    trap_set_interrupt_gate(CALLBACK_VECTOR, upcall_stub);
    if (!map_shared_info())
        test_skip("no shared_info");
    memset((void *)shinfo->evtchn_mask, 0, sizeof(shinfo->evtchn_mask));
    check_errors();
    check_register_vcpu_info();
    set_callback_vector();
    check_upcall_lands_there();
    check_runstate();
    timer_port = bind_virq_timer();
    consume(timer_port);
    check_singleshot(timer_port);
    ipi = bind_ipi_self();
    check_poll(timer_port, ipi);
    check_block(timer_port, ipi);
    check_send_nmi_self();
    check_send_nmi_other();
    check_give_back();
}
