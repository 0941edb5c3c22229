// SPDX-License-Identifier: MIT
/*
 * C entry point and test runner of the guest library: guest_start() (called
 * by head.S in long mode) sets up exceptions, hypercalls and the console,
 * checks the start info, runs test_main() and reports the single result
 * line; shutdown through SCHEDOP_shutdown.
 */
#include <public/sched.h>
#include <public/xen.h>
#include "console.h"
#include "cpu.h"
#include "hypercall.h"
#include "lib.h"
#include "test.h"
#include "traps.h"

void guest_start(uint32_t start_info_paddr);

const struct hvm_start_info *start_info;

static unsigned int failures;
static bool finishing;

__attribute__((noreturn)) void guest_shutdown(unsigned int reason)
{
    console_flush();
    struct sched_shutdown arg = { .reason = reason };
    hyp_sched_op(SCHEDOP_shutdown, &arg);
    static const char msg[] = "guest: SCHEDOP_shutdown returned; halting\n";
    console_write_raw(msg, sizeof(msg) - 1);
    halt_forever();
}

void test_fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    printf("FAIL: ");
    vprintf(fmt, ap);
    printf("\n");
    va_end(ap);
    failures++;
}

unsigned int test_failures(void)
{
    return failures;
}

__attribute__((noreturn)) void test_finish(void)
{
    if (finishing)
        guest_shutdown(SHUTDOWN_crash);
    finishing = true;
    console_flush();
    if (failures) {
        printf("Test result: FAILURE\n");
        guest_shutdown(SHUTDOWN_crash);
    }
    printf("Test result: SUCCESS\n");
    guest_shutdown(SHUTDOWN_poweroff);
}

__attribute__((noreturn)) void test_skip(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    console_flush();
    printf("SKIP: ");
    vprintf(fmt, ap);
    printf("\n");
    va_end(ap);
    if (failures)
        test_finish();
    finishing = true;
    printf("Test result: SKIP\n");
    guest_shutdown(SHUTDOWN_poweroff);
}

__attribute__((noreturn)) void test_abort(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    printf("FAIL: ");
    vprintf(fmt, ap);
    printf("\n");
    va_end(ap);
    failures++;
    test_finish();
}

void guest_start(uint32_t start_info_paddr)
{
    traps_init();
    bool xen = hypercall_init();
    console_use_hypercall(xen);

    printf("--- Keel guest test: %s ---\n", test_title);
    if (!xen)
        printf("No Xen CPUID leaves: hypercalls unavailable, console on port 0xE9\n");
    else
        printf("Xen CPUID base 0x%x, hypercalls via %s\n", xen_cpuid.base,
               hypercall_mode_name(hypercall_get_mode()));

    start_info = (const struct hvm_start_info *)(uintptr_t)start_info_paddr;
    if (!start_info_paddr || start_info->magic != XEN_HVM_START_MAGIC_VALUE)
        test_abort("bad start info at 0x%x (magic 0x%x)", start_info_paddr,
                   start_info_paddr ? start_info->magic : 0);

    test_main();
    test_finish();
}
