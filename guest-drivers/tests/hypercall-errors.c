// SPDX-License-Identifier: MIT
/*
 * test-hypercall-errors: the error returns a Xen guest can rely on, checked
 * through the hypercall page and through the direct instruction (VMMCALL on
 * AMD, VMCALL on Intel):
 *   - unknown and PV-only hypercall numbers return -ENOSYS;
 *   - unknown sub-ops of xen_version, sched_op and console_io return -ENOSYS;
 *   - guest pointers that cannot be accessed return -EFAULT: a linear
 *     address with no translation, and a mapped linear address whose
 *     guest-physical page has no memory behind it (never touched by the
 *     guest itself).
 */
#include <public/sched.h>
#include <public/version.h>
#include "guest.h"

const char test_title[] = "hypercall-errors";

#define BAD_SUBOP 0x7fff

static void expect_rc(const char *what, long rc, long want)
{
    printf("  %-46s -> %ld\n", what, rc);
    CHECK(rc == want, "%s returned %ld, expected %ld (%s)", what, rc, want,
          hypercall_mode_name(hypercall_get_mode()));
}

static void unknown_hypercalls(bool direct)
{
    /* Never defined (11, 43..47, 56..63) or beyond the table; 0/2/3/4 are PV-only. */
    static const unsigned int numbers[] = {
        __HYPERVISOR_set_trap_table, __HYPERVISOR_set_gdt, __HYPERVISOR_stack_switch,
        __HYPERVISOR_set_callbacks, 11, 43, 47, 56, 63, 64, 100, 127,
    };
    static const unsigned int direct_only[] = { 128, 1000, 0x7fffffff };
    char what[64];

    for (unsigned int i = 0; i < ARRAY_SIZE(numbers); i++) {
        snprintf(what, sizeof(what), "hypercall %u", numbers[i]);
        expect_rc(what, hypercall5(numbers[i], 0, 0, 0, 0, 0), -XEN_ENOSYS);
    }
    for (unsigned int i = 0; direct && i < ARRAY_SIZE(direct_only); i++) {
        snprintf(what, sizeof(what), "hypercall %u", direct_only[i]);
        expect_rc(what, hypercall5(direct_only[i], 0, 0, 0, 0, 0), -XEN_ENOSYS);
    }
}

static void bad_subops(void)
{
    char buf[64];
    expect_rc("xen_version(0x7fff)", hyp_xen_version(BAD_SUBOP, buf), -XEN_ENOSYS);
    expect_rc("sched_op(0x7fff)", hyp_sched_op(BAD_SUBOP, buf), -XEN_ENOSYS);
    expect_rc("console_io(0x7fff)", hyp_console_io(BAD_SUBOP, 0, buf), -XEN_ENOSYS);
}

static void bad_pointers(const char *kind, void *p)
{
    char what[64];

    snprintf(what, sizeof(what), "xen_version(extraversion, %s)", kind);
    expect_rc(what, hyp_xen_version(XENVER_extraversion, p), -XEN_EFAULT);
    snprintf(what, sizeof(what), "xen_version(compile_info, %s)", kind);
    expect_rc(what, hyp_xen_version(XENVER_compile_info, p), -XEN_EFAULT);
    snprintf(what, sizeof(what), "console_io(write, 16, %s)", kind);
    expect_rc(what, hyp_console_io(CONSOLEIO_write, 16, p), -XEN_EFAULT);
    snprintf(what, sizeof(what), "sched_op(shutdown_code, %s)", kind);
    expect_rc(what, hyp_sched_op(SCHEDOP_shutdown_code, p), -XEN_EFAULT);
}

static void run_all(enum hypercall_mode mode, void *unbacked)
{
    hypercall_set_mode(mode);
    printf("Through the %s:\n", hypercall_mode_name(mode));
    unknown_hypercalls(mode != HYPERCALL_PAGE);
    bad_subops();
    bad_pointers("unmapped linear", window_unmapped());
    bad_pointers("unbacked gpa", unbacked);
    /* A sanity check that the mechanism works at all. */
    long v = hyp_xen_version(XENVER_version, 0);
    CHECK(v > 0, "xen_version(version) returned %ld (%s)", v, hypercall_mode_name(mode));
}

void test_main(void)
{
    enum hypercall_mode initial = hypercall_get_mode();
    if (initial == HYPERCALL_NONE)
        test_abort("no Xen CPUID leaves: cannot make hypercalls");

    uint64_t gpa = unbacked_gpa();
    void *unbacked = window_map(0, gpa);
    printf("Unbacked guest-physical 0x%lx mapped at %p; unmapped linear %p\n",
           gpa, unbacked, window_unmapped());

    /* Keep the console off console_io while the transport is switched. */
    console_use_hypercall(false);
    if (initial == HYPERCALL_PAGE)
        run_all(HYPERCALL_PAGE, unbacked);
    else
        test_fail("hypercall page not available");
    run_all(hypercall_direct_mode(), unbacked);
    hypercall_set_mode(initial);
    console_use_hypercall(true);
    window_unmap(0);
}
