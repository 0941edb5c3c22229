// SPDX-License-Identifier: MIT
/*
 * test-hcfuzz: hostile hypercall arguments, many of them.  A fixed-seed
 * generator (so every run makes the same calls) picks a hypercall, a
 * sub-op and arguments: pointers into a scratch area full of random bytes
 * (so nested handles, counts and ports are random too), NULL, unmapped,
 * non-canonical and top-of-memory pointers, random counts, vCPU IDs and
 * ports.  Sub-ops that would legitimately destroy the test itself are left
 * out: shutdown, block and poll; p2m changes (reservations, physmap moves,
 * grant copy and transfer, which name guest frames); HVM parameters
 * (a random callback vector); re-registering vcpu_info or the runstate
 * area; NMIs to itself.  The control domain's memory ops (acting on another
 * domain) are called with the domid forced to one that is not the caller's.
 * Every other implemented sub-op and many undefined ones are called; grant
 * map/unmap also with nearly valid batches (fuzz_grant_map).
 *
 * "seed=N" on the kernel's command line changes the sequence (two domains
 * fuzzing side by side use different ones).  "role=dom0" runs the control
 * domain's fuzzing of dom0.c instead.
 *
 * The test checks that every call returns (Keel neither hangs nor crashes),
 * that each result is 0, a positive count or one of Xen's error codes,
 * that nothing outside the scratch area changed (guard pages around it),
 * and that the hypercall interface still works afterwards.
 *
 * First, directed: hypercalls that on Xen copy their argument in or their
 * result out before anything else are given non-canonical pointers whose
 * low 48 bits name guest page 0 or the scratch area; each must return
 * exactly -EFAULT, and neither page may change.
 */
#include <public/event_channel.h>
#include <public/grant_table.h>
#include <public/hvm/hvm_op.h>
#include <public/memory.h>
#include <public/sched.h>
#include <public/vcpu.h>
#include <public/version.h>
#include "guest.h"
#include "guest_opts.h"
#include "paging.h"
#include "hcfuzz.h"

const char test_title[] = "hcfuzz";

#define CALLS           20000
#define GUARD_BYTE      0xa5
#define UNKNOWN_SUBOP   0x7fff

/* A guard page on each side of the scratch area. */
static uint8_t area[(SCRATCH_PAGES + 2) * PAGE] __attribute__((aligned(PAGE)));
uint8_t *const scratch = area + PAGE;

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

uint64_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

uint64_t pick(const uint64_t *choices, unsigned int n)
{
    return choices[rnd() % n];
}

void refill_scratch(void)
{
    for (unsigned int i = 0; i < SCRATCH; i += 8) {
        uint64_t v = rnd();
        /* Small numbers half the time: counts, ports, IDs that are nearly valid. */
        if (v & 1)
            v = (v >> 1) % 64;
        memcpy(&scratch[i], &v, 8);
    }
}

/* A pointer argument whose target the hypervisor may write up to 'len'
 * bytes to: inside the scratch area, or somewhere no access can succeed. */
uint64_t ptr_arg(unsigned int len)
{
    switch (rnd() % 8) {
    case 0: return 0;
    case 1: return (uint64_t)window_unmapped();
    case 2: return 0x8000000000000000ull;           /* non-canonical */
    case 3: return 0xfffffffffffff000ull;           /* top page, unmapped */
    case 4: return 0xffff800000000000ull;           /* canonical, unmapped */
    default: return (uint64_t)(scratch + (rnd() % (SCRATCH - len + 1) & ~7ull));
    }
}

/* A count for an array at ptr of elements of elem bytes: within the scratch
 * area when ptr is in it, within page 0 when ptr is null (this kernel maps
 * page 0, so a null array with a huge count names, and gets its status
 * words written over, the kernel itself), anything otherwise. */
static uint64_t count_arg(uint64_t ptr, unsigned int elem)
{
    uint64_t base = (uint64_t)scratch;

    if (ptr >= base && ptr < base + SCRATCH)
        return rnd() % ((base + SCRATCH - ptr) / elem + 1);
    if (ptr == 0)
        return rnd() % (PAGE / elem + 1);
    return rnd() % 3 ? rnd() % 8 : rnd() & 0xffffffff;
}

static long fuzz_xen_version(void)
{
    return hypercall5(__HYPERVISOR_xen_version, rnd() % 16, ptr_arg(1024), 0, 0, 0);
}

static long fuzz_console_io(void)
{
    uint64_t p = ptr_arg(1);
    /* Reads only: a write of random bytes would fill the log. */
    return hypercall5(__HYPERVISOR_console_io, rnd() % 4 ? CONSOLEIO_read : UNKNOWN_SUBOP,
                      count_arg(p, 1), p, 0, 0);
}

static long fuzz_sched_op(void)
{
    static const uint64_t cmds[] = { SCHEDOP_yield, SCHEDOP_remote_shutdown + 100,
                                     UNKNOWN_SUBOP, 0xffffffffull };
    return hypercall5(__HYPERVISOR_sched_op, pick(cmds, ARRAY_SIZE(cmds)), ptr_arg(64), 0, 0, 0);
}

static long fuzz_event_channel_op(void)
{
    static const uint64_t cmds[] = {
        EVTCHNOP_bind_interdomain, EVTCHNOP_bind_virq, EVTCHNOP_close, EVTCHNOP_send,
        EVTCHNOP_status, EVTCHNOP_alloc_unbound, EVTCHNOP_bind_ipi, EVTCHNOP_bind_vcpu,
        EVTCHNOP_unmask, EVTCHNOP_reset, EVTCHNOP_init_control, EVTCHNOP_expand_array,
        EVTCHNOP_set_priority, UNKNOWN_SUBOP,
    };
    return hypercall5(__HYPERVISOR_event_channel_op, pick(cmds, ARRAY_SIZE(cmds)),
                      ptr_arg(64), 0, 0, 0);
}

static long fuzz_grant_table_op(void)
{
    static const uint64_t cmds[] = {
        GNTTABOP_map_grant_ref, GNTTABOP_unmap_grant_ref, GNTTABOP_setup_table,
        GNTTABOP_dump_table, GNTTABOP_query_size, GNTTABOP_unmap_and_replace,
        GNTTABOP_set_version, GNTTABOP_get_status_frames, GNTTABOP_get_version,
        GNTTABOP_swap_grant_ref, GNTTABOP_cache_flush, UNKNOWN_SUBOP,
    };
    uint64_t p = ptr_arg(64);
    return hypercall5(__HYPERVISOR_grant_table_op, pick(cmds, ARRAY_SIZE(cmds)), p,
                      count_arg(p, 64), 0, 0);
}

/* Grant maps and unmaps with nearly valid ops: small refs, domain IDs
 * around the live ones and reserved ones, garbage handles and host
 * addresses (own RAM, unbacked, huge), batches up to the scratch area's
 * size (the guard pages around it must not be written).  No entry is ever granted here,
 * so no map may succeed. */
static long fuzz_grant_map(void)
{
    static const uint64_t doms[] = { 0, 1, 2, 3, DOMID_SELF, DOMID_IO, 0x7fff, 0xffff };
    static const uint64_t cmds[] = { GNTTABOP_map_grant_ref, GNTTABOP_unmap_grant_ref,
                                     GNTTABOP_unmap_and_replace };
    uint64_t cmd = pick(cmds, ARRAY_SIZE(cmds));
    unsigned int size = cmd == GNTTABOP_map_grant_ref ? sizeof(struct gnttab_map_grant_ref)
                                                      : sizeof(struct gnttab_unmap_grant_ref);
    unsigned int n = 1 + (unsigned int)(rnd() % (SCRATCH / size));
    uint64_t addrs[] = { 0, (uint64_t)scratch & ~0xfffull, unbacked_gpa(), rnd(),
                         0xfffffffffffff000ull, 1ull << 47 };

    for (unsigned int i = 0; i < n; i++) {
        uint64_t addr = addrs[rnd() % ARRAY_SIZE(addrs)];
        if (cmd == GNTTABOP_map_grant_ref) {
            struct gnttab_map_grant_ref *m = (void *)(scratch + i * size);
            m->host_addr = addr;
            m->flags = (uint32_t)(rnd() % 4 ? GNTMAP_host_map | (rnd() & GNTMAP_readonly)
                                            : rnd());
            m->ref = (uint32_t)(rnd() % 2 ? rnd() % 16 : rnd());
            m->dom = (domid_t)pick(doms, ARRAY_SIZE(doms));
        } else {
            struct gnttab_unmap_grant_ref *u = (void *)(scratch + i * size);
            u->host_addr = addr;
            u->dev_bus_addr = rnd();       /* new_addr for unmap_and_replace */
            u->handle = (uint32_t)(rnd() % 2 ? rnd() % 8 : rnd());
        }
    }
    return hypercall5(__HYPERVISOR_grant_table_op, cmd, (uint64_t)scratch, n, 0, 0);
}

static long fuzz_vcpu_op(void)
{
    static const uint64_t cmds[] = {
        VCPUOP_initialise, VCPUOP_up, VCPUOP_is_up, VCPUOP_get_runstate_info,
        VCPUOP_set_periodic_timer, VCPUOP_stop_periodic_timer, VCPUOP_set_singleshot_timer,
        VCPUOP_stop_singleshot_timer, VCPUOP_get_physid, UNKNOWN_SUBOP,
    };
    uint64_t vcpu = rnd() % 4 ? rnd() % 3 : rnd();
    return hypercall5(__HYPERVISOR_vcpu_op, pick(cmds, ARRAY_SIZE(cmds)), vcpu, ptr_arg(64), 0, 0);
}

static long fuzz_memory_op(void)
{
    /* Queries only; an undefined command keeps its low six bits undefined
     * too (the bits above them carry a continuation). */
    static const uint64_t cmds[] = {
        XENMEM_maximum_ram_page, XENMEM_current_reservation, XENMEM_maximum_reservation,
        XENMEM_memory_map, XENMEM_machine_memory_map, XENMEM_maximum_gpfn, 63,
    };
    uint64_t cmd = pick(cmds, ARRAY_SIZE(cmds));
    if (cmd == 63)
        cmd |= rnd() << 6;
    return hypercall5(__HYPERVISOR_memory_op, cmd, ptr_arg(64), 0, 0, 0);
}

/* A domid that is never the caller's: beyond the few domains a test runs,
 * or one of Xen's special ids. */
static domid_t other_domid(void)
{
    static const uint64_t special[] = { DOMID_IO, DOMID_XEN, DOMID_COW, DOMID_INVALID };
    return rnd() % 2 ? (domid_t)pick(special, ARRAY_SIZE(special))
                     : (domid_t)(0x100 + rnd() % 0x7e00);
}

/* A struct of len random bytes in the scratch area. */
static uint8_t *scratch_struct(unsigned int len)
{
    return scratch + (rnd() % (SCRATCH - len - 1024 + 1) & ~7ull);
}

/* The memory ops of a control domain, with garbage: a domU gets an error
 * (-EPERM, -ESRCH, -EINVAL) or the start extent, and none may change its
 * own p2m, so every domid the op acts on is forced to another domain's and
 * every array the hypervisor may write is in the scratch area. */
static long fuzz_memory_op_others(void)
{
    uint8_t *s;

    switch (rnd() % 7) {
    case 0: {                               /* populate/decrease/increase */
        static const uint64_t ops[] = { XENMEM_populate_physmap, XENMEM_decrease_reservation,
                                        XENMEM_increase_reservation };
        struct xen_memory_reservation *r = (void *)(s = scratch_struct(sizeof(*r)));
        r->domid = other_domid();
        return hypercall5(__HYPERVISOR_memory_op, pick(ops, ARRAY_SIZE(ops)) | (rnd() % 4) << 6,
                          (uint64_t)r, 0, 0, 0);
    }
    case 1: {                               /* claim: never acts for a domU */
        s = scratch_struct(sizeof(struct xen_memory_reservation));
        return hypercall5(__HYPERVISOR_memory_op, XENMEM_claim_pages, (uint64_t)s, 0, 0, 0);
    }
    case 2: {
        struct xen_foreign_memory_map *f = (void *)(s = scratch_struct(sizeof(*f)));
        f->domid = other_domid();
        return hypercall5(__HYPERVISOR_memory_op, XENMEM_set_memory_map, (uint64_t)f, 0, 0, 0);
    }
    case 3: {
        struct xen_remove_from_physmap *x = (void *)(s = scratch_struct(sizeof(*x)));
        x->domid = other_domid();
        return hypercall5(__HYPERVISOR_memory_op, XENMEM_remove_from_physmap, (uint64_t)x,
                          0, 0, 0);
    }
    case 4: {                               /* foreign frames into its own p2m: -EPERM each */
        struct xen_add_to_physmap_batch *b = (void *)(s = scratch_struct(sizeof(*b) + 1024));
        b->domid = rnd() % 2 ? DOMID_SELF : other_domid();
        b->space = rnd() % 4 ? XENMAPSPACE_gmfn_foreign : XENMAPSPACE_gmfn_range;
        b->size = (uint16_t)(rnd() % 33);
        b->u.foreign_domid = other_domid();
        set_xen_guest_handle(b->idxs, (xen_ulong_t *)(s + 64));
        set_xen_guest_handle(b->gpfns, (xen_pfn_t *)(s + 64 + 256));
        set_xen_guest_handle(b->errs, (int *)(s + 64 + 512));
        return hypercall5(__HYPERVISOR_memory_op, XENMEM_add_to_physmap_batch | (rnd() % 4) << 6,
                          (uint64_t)b, 0, 0, 0);
    }
    case 5:                                 /* dom0 only, its own too */
        return hypercall5(__HYPERVISOR_memory_op, XENMEM_acquire_resource | (rnd() % 2) << 6,
                          ptr_arg(sizeof(struct xen_mem_acquire_resource)), 0, 0, 0);
    default:
        return hypercall5(__HYPERVISOR_memory_op, XENMEM_maximum_gpfn, ptr_arg(8), 0, 0, 0);
    }
}

static long fuzz_hvm_op(void)
{
    static const uint64_t cmds[] = { HVMOP_get_param, 0xfe, UNKNOWN_SUBOP };
    return hypercall5(__HYPERVISOR_hvm_op, pick(cmds, ARRAY_SIZE(cmds)), ptr_arg(64), 0, 0, 0);
}

/* Hypercalls Keel does not implement, dom0-only ones, and numbers beyond the table. */
static long fuzz_other(void)
{
    static const uint64_t numbers[] = {
        __HYPERVISOR_set_timer_op, __HYPERVISOR_multicall, __HYPERVISOR_physdev_op,
        __HYPERVISOR_platform_op, __HYPERVISOR_mmu_update, __HYPERVISOR_domctl,
        __HYPERVISOR_sysctl, __HYPERVISOR_xsm_op, __HYPERVISOR_argo_op, 55, 63, 64, 4095,
    };
    return hypercall5((unsigned int)pick(numbers, ARRAY_SIZE(numbers)), rnd(), ptr_arg(64),
                      rnd(), rnd(), rnd());
}

static long (*const fuzzers[])(void) = {
    fuzz_xen_version, fuzz_console_io, fuzz_sched_op, fuzz_event_channel_op,
    fuzz_grant_table_op, fuzz_grant_map, fuzz_vcpu_op, fuzz_memory_op, fuzz_memory_op_others,
    fuzz_hvm_op, fuzz_other,
};

/* ---- Non-canonical pointers ---------------------------------------------- */

static long nc_extraversion(uint64_t p)
{
    return hypercall5(__HYPERVISOR_xen_version, XENVER_extraversion, p, 0, 0, 0);
}

static long nc_runstate_info(uint64_t p)
{
    return hypercall5(__HYPERVISOR_vcpu_op, VCPUOP_get_runstate_info, 0, p, 0, 0);
}

static long nc_memory_map(uint64_t p)
{
    return hypercall5(__HYPERVISOR_memory_op, XENMEM_memory_map, p, 0, 0, 0);
}

static long nc_current_reservation(uint64_t p)
{
    return hypercall5(__HYPERVISOR_memory_op, XENMEM_current_reservation, p, 0, 0, 0);
}

static long nc_get_param(uint64_t p)
{
    return hypercall5(__HYPERVISOR_hvm_op, HVMOP_get_param, p, 0, 0, 0);
}

static long nc_evtchn_status(uint64_t p)
{
    return hypercall5(__HYPERVISOR_event_channel_op, EVTCHNOP_status, p, 0, 0, 0);
}

static long nc_query_size(uint64_t p)
{
    return hypercall5(__HYPERVISOR_grant_table_op, GNTTABOP_query_size, p, 1, 0, 0);
}

static long (*const nc_calls[])(uint64_t) = {
    nc_extraversion, nc_runstate_info, nc_memory_map, nc_current_reservation,
    nc_get_param, nc_evtchn_status, nc_query_size,
};
static const char *const nc_names[] = {
    "xen_version(extraversion)", "vcpu_op(get_runstate_info)", "memory_op(memory_map)",
    "memory_op(current_reservation)", "hvm_op(get_param)", "event_channel_op(status)",
    "grant_table_op(query_size)",
};

#define NC_FILL 0x3c

static bool all_bytes(const uint8_t *p, unsigned int len, uint8_t v)
{
    for (unsigned int i = 0; i < len; i++)
        if (p[i] != v)
            return false;
    return true;
}

/* Bit 63 alone and bit 56 alone are non-canonical with 4- and 5-level
 * paging; bits 63:48 all ones with bit 47 clear is with 4 levels, which is
 * what this kernel runs with (CR4.LA57 clear). */
static void check_non_canonical(void)
{
    static const uint64_t highs[] = {
        0x8000000000000000ull, 0x0100000000000000ull, 0xffff000000000000ull,
    };
    static uint8_t page0_saved[PAGE];
    uint8_t *page0 = window_map(0, 0);      /* guest-physical page 0 = linear 0 */
    const uint64_t targets[] = { 0, (uint64_t)scratch };
    unsigned int calls = 0, efault = 0;

    memcpy(page0_saved, page0, PAGE);
    memset(page0, NC_FILL, PAGE);
    memset(scratch, NC_FILL, PAGE);
    for (unsigned int t = 0; t < ARRAY_SIZE(targets); t++)
        for (unsigned int h = 0; h < ARRAY_SIZE(highs); h++)
            for (unsigned int c = 0; c < ARRAY_SIZE(nc_calls); c++) {
                uint64_t p = highs[h] | targets[t];
                long rc = nc_calls[c](p);

                calls++;
                if (rc == -XEN_EFAULT)
                    efault++;
                else
                    test_fail("%s with pointer 0x%lx returned %ld, not -EFAULT",
                              nc_names[c], p, rc);
            }
    bool page0_ok = all_bytes(page0, PAGE, NC_FILL), scratch_ok = all_bytes(scratch, PAGE, NC_FILL);
    printf("hcfuzz: non-canonical pointers: %u calls, %u -EFAULT, page 0 %s, scratch %s\n",
           calls, efault, page0_ok ? "intact" : "written", scratch_ok ? "intact" : "written");
    CHECK(page0_ok, "guest page 0 was written through a non-canonical pointer");
    CHECK(scratch_ok, "the scratch area was written through a non-canonical pointer");
    memcpy(page0, page0_saved, PAGE);
    window_unmap(0);
}

static bool guards_intact(void)
{
    for (unsigned int i = 0; i < PAGE; i++)
        if (area[i] != GUARD_BYTE || area[PAGE + SCRATCH + i] != GUARD_BYTE)
            return false;
    return true;
}

static void seed_from_cmdline(void)
{
    char buf[24];
    uint64_t seed = 0;

    if (!guest_opt_value("seed", buf, sizeof(buf))) {
        printf("hcfuzz: seed 0 (the default)\n");
        return;
    }
    for (const char *c = buf; *c >= '0' && *c <= '9'; c++)
        seed = seed * 10 + (uint64_t)(*c - '0');
    rng_state ^= seed * 0xbf58476d1ce4e5b9ull;
    if (!rng_state)
        rng_state = 1;
    printf("hcfuzz: seed %s\n", buf);
}

void test_main(void)
{
    unsigned int calls[ARRAY_SIZE(fuzzers)] = { 0 }, ok = 0, errors = 0;

    seed_from_cmdline();
    if (guest_opt_is("role", "dom0")) {
        hcfuzz_dom0();
        return;
    }
    check_non_canonical();
    memset(area, GUARD_BYTE, sizeof(area));
    for (unsigned int i = 0; i < CALLS; i++) {
        unsigned int which = (unsigned int)(rnd() % ARRAY_SIZE(fuzzers));
        long rc;

        if (i % 64 == 0)
            refill_scratch();
        rc = fuzzers[which]();
        calls[which]++;
        if (rc >= 0)
            ok++;
        else
            errors++;
        CHECK(rc >= -MAX_ERRNO, "call %u (fuzzer %u) returned %ld: not an error code", i,
              which, rc);
    }
    printf("hcfuzz: %u calls, %u succeeded, %u refused\n", CALLS, ok, errors);
    for (unsigned int i = 0; i < ARRAY_SIZE(fuzzers); i++)
        CHECK(calls[i] > CALLS / ARRAY_SIZE(fuzzers) / 2, "fuzzer %u ran only %u times", i,
              calls[i]);
    CHECK(guards_intact(), "memory beside the scratch area was written");
    printf("hcfuzz: guard pages intact\n");
    CHECK(hyp_xen_version(XENVER_version, 0) > 0, "xen_version fails after the fuzzing");
    printf("hcfuzz: hypercalls still answer\n");
}
