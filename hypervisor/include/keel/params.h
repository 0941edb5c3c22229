/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The hypervisor's command-line options.  All of them are declared in the one
 * table in common/params.c; this header gives the rest of Keel their values.
 */
#ifndef KEEL_PARAMS_H
#define KEEL_PARAMS_H

#include <keel/types.h>

extern char opt_com1[64];           /* com1=<baud>[,8n1][,<io-base>] */
extern char opt_com2[64];
extern char opt_console[64];        /* console=com1,com2,none */
extern uint64_t opt_loglvl;         /* loglvl=error|warning|info|debug|all|none */
extern uint64_t opt_panic_timeout;  /* panic=N: reboot N seconds after a panic */
extern bool opt_noreboot;           /* noreboot: never reboot, even with panic=N */
extern char opt_selftest[32];
extern uint64_t opt_maxcpus;
extern bool opt_dom0less;
extern uint64_t opt_dom0_mem;       /* dom0_mem=SIZE (0: the default) */
extern uint64_t opt_dom0_max_vcpus; /* dom0_max_vcpus=N (0: one per CPU) */           /* dom0less: every module is a boot domain */        /* maxcpus=N: bring up at most N CPUs */       /* selftest[=name]: run built-in self tests */

/* Parse the command line into the options above; warns about the rest. */
void params_parse(const char *cmdline);

#endif
