// SPDX-License-Identifier: MIT
/*
 * test-bench-exits: the cost of a guest -> hypervisor -> guest round trip,
 * measured with the TSC from inside the guest (bench/hypercall.sh compares
 * Keel with Xen on the same kernel).  Operations, each timed over BATCHES
 * batches of ITERS iterations after a warm-up, reported as the median batch:
 *
 *   hypercall         xen_version(XENVER_version) through the hypercall page
 *                     (mov $17, %eax; vmmcall; ret on both Keel and Xen): a
 *                     real hypercall that reads nothing from the guest and
 *                     returns a constant; the "null hypercall".
 *   hypercall-enosys  hypercall 43 (never defined) through the hypercall
 *                     page: the dispatcher's -ENOSYS path alone.
 *   cpuid             CPUID leaf 0: an intercepted instruction that is not a
 *                     hypercall (the plain VM exit).
 *   rdtsc             a bare RDTSC, over a tenth of the iterations: a few
 *                     cycles unless the hypervisor traps RDTSC (then every
 *                     TSC read here, two per batch, is an exit too).
 *
 * Output, one line per operation, for scripts:
 *
 *   bench: <op> cycles/op <median> (min <m> max <M>, <B> batches of <N>)
 *
 * where cycles/op is the TSC delta of a batch divided by its iterations.
 *
 * Parameters on the start-info command line: iters=N (20000), batches=B
 * (5, at most 15), warmup=W (1000).  Figures include the loop and call
 * overhead in the guest (a few cycles).  Interrupts stay off throughout.
 */
#include <public/version.h>
#include "guest.h"

const char test_title[] = "bench-exits";

#define HYPERCALL_UNDEFINED 43
#define MAX_BATCHES         15

struct bench_params {
    unsigned long iters, batches, warmup;
};

enum bench_op { OP_HYPERCALL, OP_ENOSYS, OP_CPUID, OP_RDTSC };

static const char *const op_names[] = {
    [OP_HYPERCALL] = "hypercall",
    [OP_ENOSYS] = "hypercall-enosys",
    [OP_CPUID] = "cpuid",
    [OP_RDTSC] = "rdtsc",
};

static long expected_version;
static unsigned long bad_results;
static volatile uint32_t sink;

/*
 * TSC reads ordered against everything before and after them: MFENCE+LFENCE
 * before (earlier loads/stores complete, LFENCE is dispatch-serialising on
 * AMD Zen and Intel), LFENCE after (later instructions do not start early).
 * CPUID would serialise too but is itself a VM exit.
 */
static inline uint64_t tsc_fenced(void)
{
    uint32_t lo, hi;
    asm volatile("mfence; lfence; rdtsc; lfence" : "=a"(lo), "=d"(hi) :: "memory");
    return ((uint64_t)hi << 32) | lo;
}

static inline uint64_t tsc_bare(void)
{
    uint32_t lo, hi;
    asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

static void run_op(enum bench_op op, unsigned long n)
{
    switch (op) {
    case OP_HYPERCALL:
        for (unsigned long i = 0; i < n; i++)
            bad_results += hypercall2(__HYPERVISOR_xen_version, XENVER_version, 0) !=
                           expected_version;
        break;
    case OP_ENOSYS:
        for (unsigned long i = 0; i < n; i++)
            bad_results += hypercall0(HYPERCALL_UNDEFINED) != -XEN_ENOSYS;
        break;
    case OP_CPUID:
        for (unsigned long i = 0; i < n; i++)
            sink += cpuid(0).eax;
        break;
    case OP_RDTSC:
        for (unsigned long i = 0; i < n; i++)
            sink += (uint32_t)tsc_bare();
        break;
    }
}

static unsigned long parse_ulong(const char *s, const char **end)
{
    unsigned long v = 0;
    while (*s >= '0' && *s <= '9' && v < 100000000UL)
        v = v * 10 + (unsigned long)(*s++ - '0');
    *end = s;
    return v;
}

static void parse_cmdline(struct bench_params *p)
{
    static const struct {
        const char *name;
        size_t offset;
        unsigned long min, max;
    } keys[] = {
        { "iters=", offsetof(struct bench_params, iters), 1, 10000000 },
        { "batches=", offsetof(struct bench_params, batches), 1, MAX_BATCHES },
        { "warmup=", offsetof(struct bench_params, warmup), 0, 10000000 },
    };
    const char *s = "";

    if (start_info->cmdline_paddr)
        s = (const char *)(uintptr_t)start_info->cmdline_paddr;
    while (*s) {
        while (*s == ' ')
            s++;
        const char *word = s;
        while (*s && *s != ' ')
            s++;
        for (unsigned int k = 0; k < ARRAY_SIZE(keys); k++) {
            size_t len = strlen(keys[k].name);
            if ((size_t)(s - word) <= len || strncmp(word, keys[k].name, len))
                continue;
            const char *end;
            unsigned long v = parse_ulong(word + len, &end);
            if (end != s || v < keys[k].min || v > keys[k].max) {
                char bad[32];
                size_t n = (size_t)(s - word) < sizeof(bad) ? (size_t)(s - word)
                                                             : sizeof(bad) - 1;
                memcpy(bad, word, n);
                bad[n] = '\0';
                test_abort("bad parameter '%s' (%s%lu..%lu)", bad, keys[k].name,
                           keys[k].min, keys[k].max);
            }
            *(unsigned long *)((char *)p + keys[k].offset) = v;
        }
    }
}

static void sort(uint64_t *v, unsigned int n)
{
    for (unsigned int i = 1; i < n; i++)
        for (unsigned int j = i; j > 0 && v[j - 1] > v[j]; j--) {
            uint64_t t = v[j];
            v[j] = v[j - 1];
            v[j - 1] = t;
        }
}

static void measure(enum bench_op op, const struct bench_params *p)
{
    uint64_t per_op[MAX_BATCHES];
    /* A trapped RDTSC costs more than a hypercall: keep that one short. */
    unsigned long iters = op == OP_RDTSC ? (p->iters + 9) / 10 : p->iters;

    run_op(op, op == OP_RDTSC ? (p->warmup + 9) / 10 : p->warmup);
    for (unsigned int b = 0; b < p->batches; b++) {
        uint64_t t0 = tsc_fenced();
        run_op(op, iters);
        uint64_t t1 = tsc_fenced();
        per_op[b] = (t1 - t0 + iters / 2) / iters;
    }
    sort(per_op, p->batches);
    printf("bench: %s cycles/op %lu (min %lu max %lu, %lu batches of %lu)\n", op_names[op],
           per_op[p->batches / 2], per_op[0], per_op[p->batches - 1], p->batches, iters);
}

void test_main(void)
{
    struct bench_params p = { .iters = 20000, .batches = 5, .warmup = 1000 };

    if (hypercall_get_mode() == HYPERCALL_NONE)
        test_skip("no Xen CPUID leaves: nothing to measure");
    if (hypercall_get_mode() != HYPERCALL_PAGE)
        test_fail("no hypercall page: timing the direct %s instead",
                  hypercall_mode_name(hypercall_get_mode()));
    parse_cmdline(&p);

    expected_version = hyp_xen_version(XENVER_version, 0);
    if (expected_version <= 0)
        test_abort("xen_version(XENVER_version) returned %ld", expected_version);
    printf("bench: hypervisor %ld.%ld, hypercalls via %s, TSC cycles, interrupts off\n",
           expected_version >> 16, expected_version & 0xffff,
           hypercall_mode_name(hypercall_get_mode()));

    for (unsigned int op = 0; op < ARRAY_SIZE(op_names); op++)
        measure(op, &p);

    CHECK(bad_results == 0, "%lu hypercalls returned an unexpected value", bad_results);
}
