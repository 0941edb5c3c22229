/* SPDX-License-Identifier: GPL-2.0-only */
/* Keel's version and build revision. */
#ifndef KEEL_VERSION_H
#define KEEL_VERSION_H

extern const char keel_version[];
extern const char keel_gitrev[];
void print_banner(void);

#endif
