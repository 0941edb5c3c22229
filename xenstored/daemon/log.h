/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Daemon logging: one line per event to stderr or to the --log-file, with a
 * level prefix.  Denials (permission, quota) go through xsd_log_denial so an
 * operator can grep for them.
 */
#ifndef XSD_LOG_H
#define XSD_LOG_H

#include <stdint.h>

enum xsd_log_level { XSD_LOG_ERR, XSD_LOG_WARN, XSD_LOG_INFO, XSD_LOG_DEBUG };

int xsd_log_open(const char *path);   /* NULL: stderr; returns 0 or -errno */
void xsd_log_close(void);
void xsd_log_set_verbose(int verbose);
void xsd_log(enum xsd_log_level level, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void xsd_log_denial(uint32_t domid, const char *what, const char *path);

#endif
