// SPDX-License-Identifier: MIT
/*
 * test-toolstack: a dom0 test kernel that is a minimal toolstack.  Its
 * first module (dom0's "ramdisk") is a PVH test kernel's ELF image; each
 * cycle builds a domain from it (build.c), unpauses it, waits for
 * VIRQ_DOM_EXC, checks getdomaininfo says it shut down with reason
 * poweroff, destroys it, checks the domain is gone and that
 * XEN_SYSCTL_physinfo's free page count is back exactly where it was
 * before the cycle.  100 cycles by default ("cycles=N" on the command
 * line changes that); "toolstack: cycle N ok, free pages X" every 10.
 */
#include <public/event_channel.h>
#include <public/sched.h>
#include "evtchn_bits.h"
#include "guest.h"
#include "guest_opts.h"
#include "toolstack.h"

#define DOMU_MEM        (8ull << 20)
#define DEFAULT_CYCLES  100
#define WAIT_NS         (120ull * 1000000000ull)    /* of system time, per domain */
#define SCRATCH_ALIGN   (1ull << 30)
#define SCRATCH_LIMIT   (3ull << 30)                /* below the MMIO of the 4 GiB hole */

const char test_title[] = "toolstack";

/* The shared_info page goes here (its RAM frame is replaced). */
static uint8_t shinfo_page[4096] __attribute__((aligned(4096)));
static struct shared_info *const shinfo = (struct shared_info *)shinfo_page;

static bool map_shared_info(void)
{
    struct xen_add_to_physmap x = {
        .domid = DOMID_SELF, .space = XENMAPSPACE_shared_info, .idx = 0,
        .gpfn = (uint64_t)(uintptr_t)shinfo_page >> 12,
    };
    long rc = memory_op(XENMEM_add_to_physmap, &x);

    CHECK(rc == 0, "add_to_physmap(shared_info): %ld", rc);
    return rc == 0;
}

/* System time (ns) from vCPU 0's pvclock in shared_info. */
static uint64_t now_ns(void)
{
    volatile struct vcpu_time_info *t = &shinfo->vcpu_info[0].time;
    uint32_t ver, lo, hi;
    uint64_t ns;

    do {
        ver = t->version;
        __atomic_thread_fence(__ATOMIC_ACQUIRE);
        asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
        uint64_t d = ((uint64_t)hi << 32 | lo) - t->tsc_timestamp;
        d = t->tsc_shift >= 0 ? d << t->tsc_shift : d >> -t->tsc_shift;
        ns = t->system_time + (uint64_t)(((unsigned __int128)d * t->tsc_to_system_mul) >> 32);
        __atomic_thread_fence(__ATOMIC_ACQUIRE);
    } while ((ver & 1) || ver != t->version);
    return ns;
}

static long bind_dom_exc(uint32_t *port)
{
    struct evtchn_bind_virq b = { .virq = VIRQ_DOM_EXC, .vcpu = 0 };
    long rc = hypercall2(__HYPERVISOR_event_channel_op, EVTCHNOP_bind_virq, (unsigned long)&b);

    *port = b.port;
    return rc;
}

/* Block until port is pending or the deadline passes. */
static void poll(uint32_t port, uint64_t deadline)
{
    struct sched_poll p = { .nr_ports = 1, .timeout = deadline };

    set_xen_guest_handle(p.ports, &port);
    hyp_sched_op(SCHEDOP_poll, &p);
}

/* Clear port; whether it was pending. */
static bool take(uint32_t port)
{
    uint64_t bit = 1ull << (port % 64);
    return __atomic_fetch_and(&shinfo->evtchn_pending[port / 64], ~bit, __ATOMIC_SEQ_CST) & bit;
}

/* Wait until domid has shut down and VIRQ_DOM_EXC has come; its reason. */
static bool wait_shutdown(uint16_t domid, uint32_t port, unsigned int *reason)
{
    uint64_t deadline = now_ns() + WAIT_NS;
    struct xen_domctl_getdomaininfo info;
    bool virq = false;

    for (;;) {
        virq |= take(port);
        long rc = domain_info(domid, &info);
        if (rc || info.domain != domid) {
            test_fail("d%u: getdomaininfo while running: %ld (domain %u)", domid, rc,
                      info.domain);
            return false;
        }
        if ((info.flags & XEN_DOMINF_shutdown) && virq)
            break;
        if (now_ns() > deadline) {
            test_fail("d%u: no shutdown%s within %llu s (flags 0x%x)", domid,
                      virq ? "" : " and no VIRQ_DOM_EXC", WAIT_NS / 1000000000ull, info.flags);
            return false;
        }
        poll(port, deadline);
    }
    *reason = (info.flags >> XEN_DOMINF_shutdownshift) & XEN_DOMINF_shutdownmask;
    return true;
}

static long domctl_simple(unsigned int cmd, uint16_t domid)
{
    struct xen_domctl op;

    memset(&op, 0, sizeof(op));
    op.cmd = cmd;
    op.domain = domid;
    return do_domctl(&op);
}

/* Destroy domid and check it is gone: getdomaininfo gives -ESRCH or
 * (as Xen's does) the next domain above it. */
static bool destroy(uint16_t domid)
{
    struct xen_domctl_getdomaininfo info;
    long rc = domctl_simple(XEN_DOMCTL_destroydomain, domid);

    if (rc) {
        test_fail("d%u: destroydomain: %ld", domid, rc);
        return false;
    }
    rc = domain_info(domid, &info);
    if (rc == 0 && info.domain == domid) {
        test_fail("d%u: still there after destroydomain (flags 0x%x, %lu pages)", domid,
                  info.flags, info.tot_pages);
        return false;
    }
    if (rc && rc != -XEN_ESRCH) {
        test_fail("d%u: getdomaininfo after destroydomain: %ld", domid, rc);
        return false;
    }
    return true;
}

/* One cycle; domid gets the new domain's id. */
static bool cycle(const struct build_params *p, uint32_t port, uint16_t *domid)
{
    unsigned int reason = 0;
    bool ok = build_domain(p, domid);

    if (ok) {
        long rc = domctl_simple(XEN_DOMCTL_unpausedomain, *domid);
        if (rc)
            test_fail("d%u: unpausedomain: %ld", *domid, rc);
        ok = rc == 0 && wait_shutdown(*domid, port, &reason);
    }
    if (ok && reason != SHUTDOWN_poweroff) {
        test_fail("d%u: shut down with reason %u, not poweroff", *domid, reason);
        ok = false;
    }
    if (*domid != DOMID_INVALID && !destroy(*domid))
        ok = false;
    take(port);                 /* the destruction's VIRQ_DOM_EXC */
    return ok;
}

/* 1 GiB-aligned gfns above every memory-map entry of ours. */
static uint64_t scratch_gfn(uint64_t pages)
{
    const struct hvm_memmap_table_entry *map = (const void *)(uintptr_t)start_info->memmap_paddr;
    uint64_t top = 0;

    for (uint32_t i = 0; start_info->memmap_paddr && i < start_info->memmap_entries; i++)
        if (map[i].addr + map[i].size > top)
            top = map[i].addr + map[i].size;
    top = (top + SCRATCH_ALIGN - 1) & ~(SCRATCH_ALIGN - 1);
    if (top + (pages << 12) > SCRATCH_LIMIT)
        test_abort("no room for scratch gfns below 3 GiB (RAM ends at 0x%lx)", top);
    return top >> 12;
}

static unsigned int cycles_wanted(void)
{
    char buf[16];
    unsigned int n = 0;

    if (!guest_opt_value("cycles", buf, sizeof(buf)))
        return DEFAULT_CYCLES;
    for (const char *c = buf; *c >= '0' && *c <= '9'; c++)
        n = n * 10 + (unsigned int)(*c - '0');
    return n ? n : DEFAULT_CYCLES;
}

void test_main(void)
{
    static struct elf_image img;
    unsigned int cycles = cycles_wanted();
    uint16_t domid, last = 0;
    uint32_t port;
    uint64_t first = 0, before = 0, after = 0;

    if (!(start_info->flags & SIF_INITDOMAIN))
        test_abort("not the initial domain (flags 0x%x)", start_info->flags);
    if (start_info->nr_modules < 1 || !start_info->modlist_paddr)
        test_abort("no module: the domU image is dom0's first module");
    const struct hvm_modlist_entry *mod = (const void *)(uintptr_t)start_info->modlist_paddr;
    if (!elf_read(&img, (const void *)(uintptr_t)mod->paddr, mod->size, 0x100000, DOMU_MEM))
        test_abort("cannot load module 0 (0x%lx, %lu bytes)", mod->paddr, mod->size);
    printf("toolstack: image of %lu bytes, %u segments 0x%lx..0x%lx, entry 0x%x\n",
           mod->size, img.nr_segs, img.lo, img.hi, img.entry);
    if (!map_shared_info())
        test_abort("no shared_info");
    long rc = bind_dom_exc(&port);
    if (rc)
        test_abort("bind VIRQ_DOM_EXC: %ld", rc);

    struct build_params p = { .img = &img, .mem = DOMU_MEM };
    p.scratch_gfn = scratch_gfn((DOMU_MEM >> 12) + 1);
    if (!free_pages(&first))
        test_abort("no physinfo");
    printf("toolstack: %u cycles, %lu pages free, scratch gfns at 0x%lx\n", cycles, first,
           p.scratch_gfn);
    for (unsigned int i = 1; i <= cycles; i++) {
        char cmdline[64];
        snprintf(cmdline, sizeof(cmdline), "toolstack cycle %u", i);
        p.cmdline = cmdline;
        if (!free_pages(&before))
            break;
        if (!cycle(&p, port, &domid))
            test_abort("cycle %u (d%u) failed", i, domid);
        if (!free_pages(&after))
            break;
        if (after != before)
            test_abort("cycle %u (d%u): %lu pages free before, %lu after (%+ld)", i, domid,
                       before, after, (long)(after - before));
        if (domid <= last)
            test_fail("cycle %u: domain id %u after %u: reused", i, domid, last);
        last = domid;
        if (i % 10 == 0 || i == cycles)
            printf("toolstack: cycle %u ok, free pages %lu\n", i, after);
    }
    CHECK(after == first, "%lu pages free after the cycles, %lu before", after, first);
}
