/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ktest: the host unit-test framework.  A test file declares cases with
 * TEST(name) { ... } and asserts with CHECK()/CHECK_EQ(); ktest.c runs every
 * case in a forked child (a crash or sanitizer abort fails that case only)
 * and prints TAP: the plan "1..N" first, then "ok N - file:name" or
 * "not ok N - file:name" per case.
 *
 * Every case has a time limit, counted from its start: KTEST_TIMEOUT seconds
 * (environment variable, fractions allowed, 0 for none; 120 when unset).  A case that needs
 * another limit calls ktest_set_timeout().  A case still running at its
 * limit is killed with its process group and reported as
 * "not ok N - file:name # timed out after S s"; the next cases still run.
 *
 * Hypervisor modules compiled for the host call printk(); ktest provides it,
 * echoes the text to stderr and keeps the last messages so a test can assert
 * that a clear error was logged: CHECK(ktest_log_contains("bad tag")).
 */
#ifndef KTEST_H
#define KTEST_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

typedef void (*ktest_fn)(void);
void ktest_register(const char *file, const char *name, ktest_fn fn);
void ktest_fail(const char *file, int line, const char *expr);
void ktest_fail_eq(const char *file, int line, const char *a, const char *b,
                   unsigned long long va, unsigned long long vb);

/* This case's time limit in seconds from its start (0: none); overrides
 * KTEST_TIMEOUT.  Use it instead of alarm(), which would kill the case with a
 * bare SIGALRM. */
void ktest_set_timeout(uint32_t seconds);

/* The log the code under test wrote through printk() since the case began. */
bool ktest_log_contains(const char *needle);
void ktest_log_clear(void);

#define TEST(name)                                                        \
    static void name(void);                                               \
    __attribute__((constructor)) static void ktest_reg_##name(void)       \
    {                                                                     \
        ktest_register(__FILE__, #name, name);                            \
    }                                                                     \
    static void name(void)

#define CHECK(cond)                                                       \
    do {                                                                  \
        if (!(cond))                                                      \
            ktest_fail(__FILE__, __LINE__, #cond);                        \
    } while (0)

#define CHECK_EQ(a, b)                                                    \
    do {                                                                  \
        unsigned long long ktest_a_ = (unsigned long long)(a);            \
        unsigned long long ktest_b_ = (unsigned long long)(b);            \
        if (ktest_a_ != ktest_b_)                                         \
            ktest_fail_eq(__FILE__, __LINE__, #a, #b, ktest_a_, ktest_b_);\
    } while (0)

#endif
