// SPDX-License-Identifier: GPL-2.0-only
/*
 * ABI conformance test, Xen side: every check of abi_checks.h evaluated
 * against Xen's own public headers as installed by Debian's libxen-dev
 * (/usr/include/xen/), at the latest interface version and as a guest sees
 * them; compiled a second time with -DABI_XEN_TOOLS for the toolstack's
 * view (__XEN_TOOLS__), since each view hides some names.  A macro missing
 * from a view becomes an ABI_MISSING row; main.c takes whichever view has it.
 */
#ifdef ABI_XEN_TOOLS
#define __XEN_TOOLS__ 1
#define XEN_ROWS xen_tools_rows
#define XEN_NROWS xen_tools_nrows
#else
#define __XEN_INTERFACE_VERSION__ 0x00040e00  /* Xen 4.17's latest */
#define XEN_ROWS xen_rows
#define XEN_NROWS xen_nrows
#endif
#define ABI_OPTIONAL 1   /* macros Xen lacks become ABI_MISSING rows */

#include <stdint.h>
#include <xen/xen.h>
#include <xen/errno.h>
#include <xen/version.h>
#include <xen/features.h>
#include <xen/sched.h>
#include <xen/event_channel.h>
#include <xen/memory.h>
#include <xen/vcpu.h>
#include <xen/hvm/hvm_op.h>
#include <xen/hvm/params.h>
#include <xen/grant_table.h>
#include <xen/physdev.h>
#include <xen/platform.h>
#include <xen/io/console.h>
#include <xen/io/xs_wire.h>
#include <xen/elfnote.h>
#include <xen/arch-x86/hvm/start_info.h>
#include <xen/arch-x86/xen-mca.h>
#ifdef ABI_XEN_TOOLS
#include <xen/domctl.h>     /* Xen refuses these two to guests */
#include <xen/sysctl.h>
#endif

#include "abi.h"

const struct abi_row XEN_ROWS[] = {
#include "abi_checks.h"
};
const uint32_t XEN_NROWS = sizeof(XEN_ROWS) / sizeof(XEN_ROWS[0]);
