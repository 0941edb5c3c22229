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
#include <xen/hvm/save.h>

/* Xen names save record type codes HVM_SAVE_CODE(<TYPE>) (a sizeof trick,
 * size_t); Keel's public/hvm/save.h spells them HVM_SAVE_CODE_<TYPE> (int).
 * Map Keel's names onto Xen's values so that the codes are checked too. */
#define HVM_SAVE_CODE_END               ((int)HVM_SAVE_CODE(END))
#define HVM_SAVE_CODE_HEADER            ((int)HVM_SAVE_CODE(HEADER))
#define HVM_SAVE_CODE_CPU               ((int)HVM_SAVE_CODE(CPU))
#define HVM_SAVE_CODE_PIC               ((int)HVM_SAVE_CODE(PIC))
#define HVM_SAVE_CODE_IOAPIC            ((int)HVM_SAVE_CODE(IOAPIC))
#define HVM_SAVE_CODE_LAPIC             ((int)HVM_SAVE_CODE(LAPIC))
#define HVM_SAVE_CODE_LAPIC_REGS        ((int)HVM_SAVE_CODE(LAPIC_REGS))
#define HVM_SAVE_CODE_PCI_IRQ           ((int)HVM_SAVE_CODE(PCI_IRQ))
#define HVM_SAVE_CODE_ISA_IRQ           ((int)HVM_SAVE_CODE(ISA_IRQ))
#define HVM_SAVE_CODE_PCI_LINK          ((int)HVM_SAVE_CODE(PCI_LINK))
#define HVM_SAVE_CODE_PIT               ((int)HVM_SAVE_CODE(PIT))
#define HVM_SAVE_CODE_RTC               ((int)HVM_SAVE_CODE(RTC))
#define HVM_SAVE_CODE_HPET              ((int)HVM_SAVE_CODE(HPET))
#define HVM_SAVE_CODE_PMTIMER           ((int)HVM_SAVE_CODE(PMTIMER))
#define HVM_SAVE_CODE_MTRR              ((int)HVM_SAVE_CODE(MTRR))
#define HVM_SAVE_CODE_VIRIDIAN_DOMAIN   ((int)HVM_SAVE_CODE(VIRIDIAN_DOMAIN))
#define HVM_SAVE_CODE_VIRIDIAN_VCPU     ((int)HVM_SAVE_CODE(VIRIDIAN_VCPU))
#define HVM_SAVE_CODE_VMCE_VCPU         ((int)HVM_SAVE_CODE(VMCE_VCPU))
#define HVM_SAVE_CODE_TSC_ADJUST        ((int)HVM_SAVE_CODE(TSC_ADJUST))
#ifdef ABI_XEN_TOOLS
#include <xen/domctl.h>     /* Xen refuses these two to guests */
#include <xen/sysctl.h>
#endif

#include "abi.h"

const struct abi_row XEN_ROWS[] = {
#include "abi_checks.h"
};
const uint32_t XEN_NROWS = sizeof(XEN_ROWS) / sizeof(XEN_ROWS[0]);
