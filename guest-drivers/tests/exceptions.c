// SPDX-License-Identifier: MIT
/*
 * test-exceptions: faults and traps raised by the guest itself reach the
 * guest's own IDT handlers with the right vector, error code, RIP and CR2,
 * and execution resumes at the exception-table fixup with registers intact:
 * #DE, #UD, #PF (read and write), #GP, #BP, and #UD handled by a test hook.
 */
#include "guest.h"

const char test_title[] = "exceptions";

#define MAGIC 0x5a5aa5a5deadbeefull

static void expect(const char *what, unsigned int vector, uint64_t rip,
                   uint64_t rbx, struct trap_record *out)
{
    struct trap_record t;
    if (!trap_take(&t)) {
        test_fail("%s: no exception taken", what);
        return;
    }
    printf("%s: %s error 0x%lx rip 0x%lx cr2 0x%lx\n", what, trap_name(t.vector),
           t.error_code, t.rip, t.cr2);
    CHECK(t.vector == vector, "%s: got %s, expected %s", what, trap_name(t.vector),
          trap_name(vector));
    CHECK(t.rip == rip, "%s: reported rip 0x%lx, expected 0x%lx", what, t.rip, rip);
    CHECK(rbx == MAGIC, "%s: rbx clobbered (0x%lx)", what, rbx);
    if (out)
        *out = t;
}

static void test_de(void)
{
    uint64_t rip, rbx = MAGIC;
    uint32_t eax = 1, edx = 0, zero = 0;
    asm volatile("leaq 1f(%%rip), %[rip]\n"
                 "1: divl %[zero]\n"
                 "2:\n" EXTABLE(1b, 2b)
                 : [rip] "=&r"(rip), "+a"(eax), "+d"(edx), "+b"(rbx)
                 : [zero] "r"(zero));
    expect("#DE", X86_EXC_DE, rip, rbx, 0);
}

static void test_ud(void)
{
    uint64_t rip, rbx = MAGIC;
    asm volatile("leaq 1f(%%rip), %[rip]\n"
                 "1: ud2\n"
                 "2:\n" EXTABLE(1b, 2b)
                 : [rip] "=&r"(rip), "+b"(rbx));
    expect("#UD", X86_EXC_UD, rip, rbx, 0);
}

static void test_pf(void)
{
    void *p = window_unmapped();
    uint64_t rip, rbx = MAGIC, value = 0;
    struct trap_record t = { 0 };

    asm volatile("leaq 1f(%%rip), %[rip]\n"
                 "1: movq (%[p]), %[v]\n"
                 "2:\n" EXTABLE(1b, 2b)
                 : [rip] "=&r"(rip), [v] "+r"(value), "+b"(rbx)
                 : [p] "r"(p) : "memory");
    expect("#PF read", X86_EXC_PF, rip, rbx, &t);
    CHECK(t.cr2 == (uintptr_t)p, "#PF read: cr2 0x%lx, expected %p", t.cr2, p);
    CHECK(t.error_code == 0, "#PF read: error code 0x%lx, expected 0 (not present, read)",
          t.error_code);

    asm volatile("leaq 1f(%%rip), %[rip]\n"
                 "1: movq %[v], 8(%[p])\n"
                 "2:\n" EXTABLE(1b, 2b)
                 : [rip] "=&r"(rip), "+b"(rbx)
                 : [p] "r"(p), [v] "r"(value) : "memory");
    expect("#PF write", X86_EXC_PF, rip, rbx, &t);
    CHECK(t.cr2 == (uintptr_t)p + 8, "#PF write: cr2 0x%lx, expected %p + 8", t.cr2, p);
    CHECK(t.error_code == 2, "#PF write: error code 0x%lx, expected 2 (not present, write)",
          t.error_code);
}

static void test_gp(void)
{
    uint64_t rip, rbx = MAGIC, value = 0;
    uint64_t noncanonical = 0x8000000000000000ull;
    struct trap_record t = { 0 };

    asm volatile("leaq 1f(%%rip), %[rip]\n"
                 "1: movq (%[p]), %[v]\n"
                 "2:\n" EXTABLE(1b, 2b)
                 : [rip] "=&r"(rip), [v] "+r"(value), "+b"(rbx)
                 : [p] "r"(noncanonical) : "memory");
    expect("#GP", X86_EXC_GP, rip, rbx, &t);
    CHECK(t.error_code == 0, "#GP: error code 0x%lx, expected 0", t.error_code);
}

static void test_bp(void)
{
    uint64_t rip, rbx = MAGIC;
    /* #BP is a trap: the CPU reports the instruction after int3. */
    asm volatile("leaq 1f(%%rip), %[rip]\n"
                 "int3\n"
                 "1:\n" EXTABLE(1b, 1b)
                 : [rip] "=&r"(rip), "+b"(rbx));
    expect("#BP", X86_EXC_BP, rip, rbx, 0);
}

static unsigned int hook_calls;

static bool skip_ud2(struct trap_frame *frame)
{
    if (frame->vector != X86_EXC_UD)
        return false;
    hook_calls++;
    frame->rip += 2;            /* length of ud2 */
    return true;
}

static void test_hook(void)
{
    uint64_t rbx = MAGIC;
    trap_set_hook(skip_ud2);
    asm volatile("ud2" : "+b"(rbx));
    trap_set_hook(0);
    printf("hook: #UD handled %u time(s)\n", hook_calls);
    CHECK(hook_calls == 1, "hook saw %u #UD, expected 1", hook_calls);
    CHECK(rbx == MAGIC, "hook: rbx clobbered (0x%lx)", rbx);
    CHECK(!trap_take(0), "hook: trap also recorded by the exception table");
}

void test_main(void)
{
    test_de();
    test_ud();
    test_pf();
    test_gp();
    test_bp();
    test_hook();
}
