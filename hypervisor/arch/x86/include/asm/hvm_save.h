/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * HVM save records of a domain (arch/x86/hvm/hvm_save.c): what
 * XEN_DOMCTL_gethvmcontext returns and sethvmcontext loads, in Xen 4.17's
 * format (public/hvm/save.h).  Keel saves HEADER, then CPU (for vCPUs that
 * are up), LAPIC, LAPIC_REGS and MTRR (for every vCPU), then END; it loads
 * the same types and refuses any other.
 */
#ifndef ASM_HVM_SAVE_H
#define ASM_HVM_SAVE_H

#include <keel/types.h>

struct domain;

/* Upper bound of a domain's records: what a size query reports. */
uint32_t hvm_save_size(const struct domain *d);

/*
 * Write d's records to buf.  buf NULL or size 0: *used = hvm_save_size(d),
 * 0.  Else 0 with *used the bytes written; -ENOSPC: size below
 * hvm_save_size(d); -EINVAL: d is dying; -EBUSY: a vCPU of d is not
 * stopped (offline or paused), since Keel has no domain pause yet.
 */
long hvm_save_domain(struct domain *d, uint8_t *buf, uint32_t size, uint32_t *used);

/*
 * One record's payload (gethvmcontext_partial) into rec, which has room
 * for HVM_SAVE_RECORD_MAX bytes; *len its length.  -EINVAL: a type Keel
 * does not save per vCPU (HEADER and END included, as on Xen); -ENOENT: an
 * instance past the vCPUs; -ENODATA: no such record (the CPU record of a
 * vCPU that is down); -EINVAL/-EBUSY as hvm_save_domain.
 */
#define HVM_SAVE_RECORD_MAX     1032    /* struct hvm_hw_cpu, the largest */
long hvm_save_one(struct domain *d, uint32_t type, uint32_t instance, void *rec,
                  uint32_t *len);

/*
 * Load records from buf (hostile): checked in full before any is applied,
 * so an error changes nothing.  On success every vCPU of d is down
 * (is_initialised false) except those a CPU record was loaded into, which
 * an unpause starts from that state.  0; -ENODATA: no HEADER first, or no
 * END; -EINVAL: bad magic or version, a record past the end, an unknown
 * type, a length not its type's, an instance >= nr_vcpus, a state the
 * vCPU could not be in; -EBUSY: a vCPU of d is not offline (d must not
 * have run); d dying: -EINVAL.
 */
long hvm_load_domain(struct domain *d, const uint8_t *buf, uint32_t size);

#endif
