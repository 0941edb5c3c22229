// SPDX-License-Identifier: MIT
/*
 * test-ud-vmcall: Intel's VMCALL (0f 01 c1) executed directly on an AMD CPU,
 * where it is #UD natively.  A hypervisor may trap the #UD and run it as a
 * hypercall (Keel does) or let the guest see #UD (Xen does unless the guest
 * claims another vendor).  If handled, it must behave exactly like VMMCALL:
 * XENVER_version, XENVER_extraversion into a buffer, -ENOSYS for an unknown
 * number, console output, registers kept.  If #UD, it must be reported at
 * the VMCALL.  Either way the other VMX instructions and ud2 stay #UD.
 *
 * Option "vmcall=hypercall" or "vmcall=ud" insists on one behaviour.
 * SKIP on Intel CPUs, where VMCALL is the native hypercall.
 */
#include <public/version.h>
#include "guest.h"
#include "guest_opts.h"

const char test_title[] = "ud-vmcall";

#define MAGIC_RBX 0x1122334455667788ull
#define MAGIC_R12 0x8877665544332211ull
#define UNKNOWN_HYPERCALL 60u

struct vmcall_result {
    bool ud;            /* #UD at the VMCALL */
    long ret;
    bool regs_kept;
};

/* VMCALL with nr and two arguments; records #UD instead of a result. */
static struct vmcall_result vmcall2(unsigned long nr, unsigned long a1, unsigned long a2)
{
    struct vmcall_result res = { 0 };
    register uint64_t r12 asm("r12") = MAGIC_R12;
    uint64_t rbx = MAGIC_RBX, rip;
    long ret = (long)nr;

    asm volatile("leaq 1f(%%rip), %[rip]\n"
                 "1: .byte 0x0f, 0x01, 0xc1\n"
                 "2:\n" EXTABLE(1b, 2b)
                 : [rip] "=&r"(rip), "+a"(ret), "+D"(a1), "+S"(a2), "+b"(rbx), "+r"(r12)
                 :: "rcx", "rdx", "r8", "r9", "r10", "r11", "memory");
    struct trap_record t;
    if (trap_take(&t)) {
        CHECK(t.vector == X86_EXC_UD && t.rip == rip,
              "VMCALL raised %s at 0x%lx (VMCALL at 0x%lx)", trap_name(t.vector), t.rip, rip);
        res.ud = true;
    }
    res.ret = ret;
    res.regs_kept = rbx == MAGIC_RBX && r12 == MAGIC_R12;
    return res;
}

static void check_as_hypercall(long first)
{
    long version = hyp_xen_version(XENVER_version, 0);
    CHECK(first == version, "VMCALL XENVER_version 0x%lx, hypercall page says 0x%lx",
          first, version);

    xen_extraversion_t via_page, via_vmcall;
    memset(via_page, 0, sizeof(via_page));
    memset(via_vmcall, 0x55, sizeof(via_vmcall));
    hyp_xen_version(XENVER_extraversion, via_page);
    struct vmcall_result r = vmcall2(__HYPERVISOR_xen_version, XENVER_extraversion,
                                     (unsigned long)via_vmcall);
    via_vmcall[sizeof(via_vmcall) - 1] = via_page[sizeof(via_page) - 1] = '\0';
    CHECK(!r.ud && r.ret == 0, "VMCALL XENVER_extraversion: ud %d ret %ld", r.ud, r.ret);
    CHECK(strcmp(via_page, via_vmcall) == 0, "VMCALL extraversion \"%s\", page \"%s\"",
          via_vmcall, via_page);

    r = vmcall2(UNKNOWN_HYPERCALL, 0, 0);
    CHECK(!r.ud && r.ret == -XEN_ENOSYS, "VMCALL hypercall %u: ud %d ret %ld, expected -ENOSYS",
          UNKNOWN_HYPERCALL, r.ud, r.ret);
}

/* console_io takes three arguments: issue it with RDX as well. */
static void vmcall_console(void)
{
    static const char line[] = "VMCALL console_io: hello\n";
    long ret = __HYPERVISOR_console_io;
    console_flush();
    asm volatile("1: .byte 0x0f, 0x01, 0xc1\n2:\n" EXTABLE(1b, 2b)
                 : "+a"(ret)
                 : "D"((unsigned long)CONSOLEIO_write), "S"(sizeof(line) - 1), "d"(line)
                 : "rcx", "r8", "r9", "r10", "r11", "memory");
    CHECK(!trap_take(0) && ret == 0, "VMCALL console_io write returned %ld", ret);
}

static void expect_ud(const char *name, uint64_t rip)
{
    struct trap_record t;
    bool ok = trap_take(&t) && t.vector == X86_EXC_UD && t.rip == rip;
    printf("%s: %s\n", name, ok ? "#UD" : "no #UD");
    CHECK(ok, "%s did not raise #UD at 0x%lx", name, rip);
}

#define TRY_BYTES(name, bytes)                                      \
    do {                                                            \
        uint64_t rip;                                               \
        asm volatile("leaq 1f(%%rip), %0\n"                         \
                     "1: .byte " bytes "\n"                         \
                     "2:\n" EXTABLE(1b, 2b) : "=&r"(rip) :: "memory"); \
        expect_ud(name, rip);                                       \
    } while (0)

/* The other VMX instructions and ud2 stay #UD at the instruction. */
static void check_still_ud(void)
{
    TRY_BYTES("VMLAUNCH", "0x0f, 0x01, 0xc2");
    TRY_BYTES("VMRESUME", "0x0f, 0x01, 0xc3");
    TRY_BYTES("VMXOFF", "0x0f, 0x01, 0xc4");
    TRY_BYTES("ud2", "0x0f, 0x0b");
}

void test_main(void)
{
    if (hypercall_direct_mode() != HYPERCALL_VMMCALL)
        test_skip("not an AMD/Hygon CPU: VMCALL is the native hypercall here");
    if (hypercall_get_mode() == HYPERCALL_NONE)
        test_abort("no Xen CPUID leaves");

    struct vmcall_result r = vmcall2(__HYPERVISOR_xen_version, XENVER_version, 0);
    if (r.ud) {
        printf("VMCALL on AMD: #UD delivered to the guest\n");
        CHECK(!guest_opt_is("vmcall", "hypercall"), "VMCALL raised #UD, expected a hypercall");
    } else {
        printf("VMCALL on AMD: handled as a hypercall, XENVER_version 0x%lx\n", r.ret);
        CHECK(!guest_opt_is("vmcall", "ud"), "VMCALL ran as a hypercall, expected #UD");
        CHECK(r.regs_kept, "VMCALL clobbered rbx or r12");
        check_as_hypercall(r.ret);
        vmcall_console();
    }
    check_still_ud();
}
