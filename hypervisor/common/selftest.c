// SPDX-License-Identifier: GPL-2.0-only
/*
 * Runs the built-in self tests registered with SELFTEST() and reports each
 * one, then a total line, then powers off with the result.  selftest=fault
 * instead writes to an unmapped address, to show the fault dump.
 */
#include <keel/lib.h>
#include <keel/machine.h>
#include <keel/selftest.h>

extern const struct selftest __selftests_start[], __selftests_end[];

static __noreturn void fault_on_purpose(void)
{
    volatile uint32_t *unmapped = (volatile uint32_t *)0xdead0000UL;

    pr_info("selftest: fault: writing to unmapped address %p\n", (void *)unmapped);
    *unmapped = 0xbad;
    pr_err("selftest: fault: the write did not fault\n");
    machine_poweroff(1);
}

void selftest_run(const char *which)
{
    uint32_t passed = 0, failed = 0;

    if (!strcmp(which, "fault"))
        fault_on_purpose();
    for (const struct selftest *t = __selftests_start; t < __selftests_end; t++) {
        if (strcmp(which, "all") && strcmp(which, t->name))
            continue;
        int rc = t->fn();
        if (rc == 0) {
            passed++;
            pr_info("selftest: %s: ok\n", t->name);
        } else {
            failed++;
            pr_err("selftest: %s: FAILED (%d)\n", t->name, rc);
        }
    }
    if (passed + failed == 0)
        pr_err("selftest: no self test named '%s'\n", which);
    pr_info("selftest: %u passed, %u failed\n", passed, failed);
    machine_poweroff(failed || passed == 0 ? 1 : 0);
}
