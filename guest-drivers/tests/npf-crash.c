// SPDX-License-Identifier: MIT
/*
 * test-npf-crash: an access to a guest-physical address with no memory
 * behind it.  The kernel maps an unbacked gpa (64 GiB or above, outside the
 * memory map) through the paging window, prints the marker
 * "NPF-CRASH: <access> gpa 0x..." and touches it once; the hypervisor must
 * end this domain there.  It never prints SUCCESS: if the access returns,
 * it says what happened and reports FAILURE.
 *
 * Option "access=read|write|exec" (default write).
 */
#include "guest.h"
#include "guest_opts.h"

const char test_title[] = "npf-crash";

#define PROBE_OFFSET 0x1238u       /* within the 2 MiB slot: checks the address */

static void report_survival(const char *access, uint64_t gpa, uint64_t value)
{
    struct trap_record t;
    if (trap_take(&t))
        printf("NPF-SURVIVED: %s of gpa 0x%lx raised %s error 0x%lx in the guest\n",
               access, gpa, trap_name(t.vector), t.error_code);
    else
        printf("NPF-SURVIVED: %s of gpa 0x%lx completed (value 0x%lx)\n", access, gpa,
               value);
    test_fail("the %s of unbacked gpa 0x%lx returned to the guest", access, gpa);
}

void test_main(void)
{
    char access[16] = "write";
    guest_opt_value("access", access, sizeof(access));
    if (strcmp(access, "read") && strcmp(access, "write") && strcmp(access, "exec"))
        test_abort("access=%s: expected read, write or exec", access);

    uint64_t gpa = unbacked_gpa();
    uint8_t *slot = window_map(0, gpa);
    volatile uint64_t *p = (volatile uint64_t *)(slot + PROBE_OFFSET);
    uint64_t target = gpa + PROBE_OFFSET, value = 0x600dbeefcafef00dull;

    printf("NPF-CRASH: %s gpa 0x%lx (linear %p)\n", access, target, (void *)p);
    console_flush();
    if (!strcmp(access, "write")) {
        asm volatile("1: movq %1, (%0)\n2:\n" EXTABLE(1b, 2b)
                     :: "r"(p), "r"(value) : "memory");
    } else if (!strcmp(access, "read")) {
        asm volatile("1: movq (%1), %0\n2:\n" EXTABLE(1b, 2b)
                     : "+r"(value) : "r"(p) : "memory");
    } else {
        /* The return address is the fixup: a call into nothing comes back. */
        asm volatile("1: call *%0\n2:\n" EXTABLE(1b, 2b)
                     :: "r"(p) : "rax", "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10",
                        "r11", "memory");
    }
    report_survival(access, target, value);
}
