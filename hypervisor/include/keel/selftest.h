/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Built-in self tests, run with the `selftest` option on the machine itself.
 * A module declares its own: SELFTEST(name, fn) where fn returns 0 on success
 * or a negative errno after printing what went wrong.  They land in the
 * .selftests section; common/selftest.c runs them.
 */
#ifndef KEEL_SELFTEST_H
#define KEEL_SELFTEST_H

#include <keel/types.h>

struct selftest {
    const char *name;
    int (*fn)(void);
};

#ifdef KEEL_HOST_TEST
#define SELFTEST(n, f) static int (*const __selftest_##n)(void) __unused = f
#else
#define SELFTEST(n, f)                                                       \
    static const struct selftest __selftest_##n                              \
        __attribute__((used, section(".selftests"), aligned(8))) = { #n, f }
#endif

/* Run the tests named by selftest= ("all" or one name) and power off with
 * status 0 if every one passed, 1 otherwise.  selftest=fault faults. */
__noreturn void selftest_run(const char *which);

#endif
