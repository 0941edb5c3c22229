/* SPDX-License-Identifier: MIT */
/*
 * Options on the kernel's own command line (the PVH start info's
 * cmdline_paddr): space-separated words "name" or "name=value".  Lets one
 * test kernel be told which of several legitimate behaviours to insist on.
 */
#ifndef GUEST_GUEST_OPTS_H
#define GUEST_GUEST_OPTS_H

#include <stdbool.h>
#include <stddef.h>

/* The command line, "" if there is none. */
const char *guest_cmdline(void);
/* True if the word "name" or "name=..." is present. */
bool guest_opt_present(const char *name);
/* Copy the value of "name=value" into buf (NUL-terminated, truncated to
 * size - 1); false if absent.  A bare "name" gives "". */
bool guest_opt_value(const char *name, char *buf, size_t size);
/* True if "name=value" is present with exactly this value. */
bool guest_opt_is(const char *name, const char *value);

#endif
