/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The hypervisor's small C library: string and memory functions, formatted
 * output and logging.  Host unit tests get the same names from libc and
 * printk() from tests/unit/ktest.c.
 *
 * Log levels: a message may start with one of the KLOG_* prefixes; without
 * one it is KLOG_INFO.  The console shows messages at or above loglvl=.
 */
#ifndef KEEL_LIB_H
#define KEEL_LIB_H

#include <keel/types.h>

#define KLOG_ERR     "\001" "3"
#define KLOG_WARNING "\001" "4"
#define KLOG_INFO    "\001" "6"
#define KLOG_DEBUG   "\001" "7"

#ifdef KEEL_HOST_TEST
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
/* Not in every libc: a host test of code that calls it provides it. */
size_t strlcpy(char *dst, const char *src, size_t size);
#else
void *memset(void *s, int c, size_t n);
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
char *strstr(const char *hay, const char *needle);
size_t strlcpy(char *dst, const char *src, size_t size);
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);
unsigned long long strtoull(const char *s, char **end, int base);
#endif

int printk(const char *fmt, ...) __printf(1, 2);

#define pr_err(...)   printk(KLOG_ERR __VA_ARGS__)
#define pr_warn(...)  printk(KLOG_WARNING __VA_ARGS__)
#define pr_info(...)  printk(KLOG_INFO __VA_ARGS__)
#define pr_debug(...) printk(KLOG_DEBUG __VA_ARGS__)

#endif
