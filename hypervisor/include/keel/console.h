/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The hypervisor console: where printk output goes (console= option, COM1 by
 * default) and the log ring that keeps the last LOG_RING_SIZE bytes of
 * messages at every level, for `keel dmesg`.
 */
#ifndef KEEL_CONSOLE_H
#define KEEL_CONSOLE_H

#include <keel/types.h>

#define LOG_RING_SIZE   (64 * 1024)

/* Log levels, as in the KLOG_* prefixes of keel/lib.h. */
enum log_level {
    LOGLVL_NONE = 0,
    LOGLVL_ERR = 3,
    LOGLVL_WARNING = 4,
    LOGLVL_INFO = 6,
    LOGLVL_DEBUG = 7,
};

void console_init(void);                        /* early: COM1 115200 */
void console_setup(void);                       /* apply com1=/console= */
void console_write(const char *s, size_t len);  /* to every enabled console */

/* A guest's unbuffered console output (dom0's: a prompt has no newline):
 * each of its lines prefixed "(dN) ", and a line of someone else that is
 * still open is ended first. */
void console_guest_write(uint16_t domid, const char *buf, size_t len);

/* The log ring (common/log_ring.c); positions count bytes since boot.
 * log_ring_read: bytes [from, log_ring_head()) still held are copied out;
 * returns the number of bytes copied, *from advanced past them. */
void log_ring_store(const char *s, size_t len); /* console lock held */
size_t log_ring_read(uint64_t *from, char *buf, size_t len);
uint64_t log_ring_head(void);                   /* next byte's position */
uint64_t log_ring_tail(void);                   /* oldest byte still held */
void log_ring_clear(uint64_t upto);             /* forget bytes before upto */

/* Arch serial driver (ns16550). */
int serial_configure(unsigned int port, const char *options);
void serial_putc(unsigned int port, char c);
int serial_getc(unsigned int port);             /* -1: nothing received */

/* Console input for dom0 (common/console_input.c): the serial line is
 * polled; what arrives is kept in a ring that dom0 reads with
 * CONSOLEIO_read, and VIRQ_CONSOLE tells it there is something. */
void console_input_start(void);
uint32_t console_input_read(char *buf, uint32_t len);

#endif
