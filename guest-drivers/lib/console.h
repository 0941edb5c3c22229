/* SPDX-License-Identifier: MIT */
/*
 * Guest console: line-buffered output to console_io or port 0xE9 (see
 * console.c).  printf/vprintf are declared in lib.h.
 */
#ifndef GUEST_CONSOLE_H
#define GUEST_CONSOLE_H

#include <stdbool.h>
#include <stddef.h>

void console_putc(char c);
void console_flush(void);
/* Write n bytes now, bypassing the line buffer. */
void console_write_raw(const char *s, size_t n);
/* Route output through HYPERVISOR_console_io (true) or port 0xE9 only. */
void console_use_hypercall(bool enable);

#endif
