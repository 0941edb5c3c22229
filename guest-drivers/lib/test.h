/* SPDX-License-Identifier: MIT */
/*
 * The test runner of the guest library.  A test kernel defines
 *
 *   const char test_title[] = "...";
 *   void test_main(void);
 *
 * and reports problems with test_fail()/CHECK() (which keep going) or ends
 * early with test_skip()/test_abort().  When test_main returns, the runner
 * prints exactly one final line, "Test result: SUCCESS", "Test result:
 * FAILURE" (after the reasons) or "Test result: SKIP", and shuts the domain
 * down: SHUTDOWN_poweroff for SUCCESS and SKIP, SHUTDOWN_crash for FAILURE.
 */
#ifndef GUEST_TEST_H
#define GUEST_TEST_H

#include <stdbool.h>
#include <stdint.h>
#include <public/arch-x86/hvm/start_info.h>

extern const char test_title[];
void test_main(void);

/* The start info the kernel was entered with (identity-mapped). */
extern const struct hvm_start_info *start_info;

void test_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
__attribute__((noreturn, format(printf, 1, 2))) void test_skip(const char *fmt, ...);
__attribute__((noreturn, format(printf, 1, 2))) void test_abort(const char *fmt, ...);
/* Print the result line and shut down. */
__attribute__((noreturn)) void test_finish(void);
unsigned int test_failures(void);

/* Shut the domain down with a SHUTDOWN_* reason; halts if that fails. */
__attribute__((noreturn)) void guest_shutdown(unsigned int reason);

#define CHECK(cond, ...)            \
    do {                            \
        if (!(cond))                \
            test_fail(__VA_ARGS__); \
    } while (0)

#endif
