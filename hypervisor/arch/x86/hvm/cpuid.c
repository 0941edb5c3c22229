// SPDX-License-Identifier: GPL-2.0-only
/*
 * The CPUID a guest sees: its domain's policy (hvm/cpu_policy.c: the host's
 * with what Keel does not offer guests hidden, less what the toolstack set
 * away), plus the vCPU's own APIC ID and OSXSAVE, and Xen's leaves at
 * 0x40000000.
 */
#include <asm/cpuid.h>
#include <asm/hvm_vcpu.h>
#include <asm/processor.h>
#include <asm/svm/svm.h>
#include <asm/svm/vmcb.h>
#include <keel/domain.h>
#include <keel/version.h>

#define XEN_CPUID_BASE          0x40000000
#define XEN_CPUID_MAX_LEAF      (XEN_CPUID_BASE + 4)
#define XEN_HYPERCALL_MSR       0x40000000
#define XEN_HVM_CPUID_VCPU_ID_PRESENT   (1u << 3)
#define XEN_HVM_CPUID_DOMID_PRESENT     (1u << 4)
#define XEN_VERSION_MAJOR       4
#define XEN_VERSION_MINOR       17

#define CPUID1_ECX_OSXSAVE      (1u << 27)
#define CR4_OSXSAVE             (1u << 18)

static void xen_leaf(const struct vcpu *v, uint32_t leaf, uint32_t r[4])
{
    switch (leaf - XEN_CPUID_BASE) {
    case 0:     /* max leaf and signature "XenVMMXenVMM" */
        r[0] = XEN_CPUID_MAX_LEAF;
        r[1] = 0x566e6558;
        r[2] = 0x65584d4d;
        r[3] = 0x4d4d566e;
        break;
    case 1:     /* version */
        r[0] = (XEN_VERSION_MAJOR << 16) | XEN_VERSION_MINOR;
        break;
    case 2:     /* hypercall pages and the MSR that installs them */
        r[0] = 1;
        r[1] = XEN_HYPERCALL_MSR;
        break;
    case 4:     /* HVM features */
        r[0] = XEN_HVM_CPUID_VCPU_ID_PRESENT | XEN_HVM_CPUID_DOMID_PRESENT;
        r[1] = v->vcpu_id;
        r[2] = v->domain->domid;
        break;
    default:    /* 3 (time) has no sub-leaves Keel fills yet */
        break;
    }
}

void guest_cpuid(struct vcpu *v, uint32_t leaf, uint32_t subleaf, uint32_t r[4])
{
    r[0] = r[1] = r[2] = r[3] = 0;
    if (leaf >= XEN_CPUID_BASE && leaf <= XEN_CPUID_BASE + 0xffff) {
        if (leaf <= XEN_CPUID_MAX_LEAF)
            xen_leaf(v, leaf, r);
        return;
    }
    cpuid_policy_leaf(v->domain, CPU_POLICY_DOMAIN, leaf, subleaf, r);
    if (leaf == 1) {
        r[1] |= v->vcpu_id << 24;
        /* OSXSAVE mirrors the guest's own CR4. */
        if (v->hvm.vmcb->save.cr4 & CR4_OSXSAVE)
            r[2] |= CPUID1_ECX_OSXSAVE;
    }
}
