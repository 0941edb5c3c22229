// SPDX-License-Identifier: GPL-2.0-only
/*
 * The CPUID a guest sees: the host's, with what Keel does not offer guests
 * hidden (SVM, MONITOR/MWAIT, SME/SEV, machine checks: there are no virtual
 * MCA MSRs), x2APIC and TSC-deadline offered
 * (the virtual local APIC has them), the hypervisor bit set, the vCPU's own
 * APIC ID, and Xen's leaves at 0x40000000.
 */
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

#define CPUID1_ECX_MONITOR      (1u << 3)
#define CPUID1_ECX_VMX          (1u << 5)
#define CPUID1_ECX_X2APIC       (1u << 21)
#define CPUID1_ECX_TSC_DEADLINE (1u << 24)
#define CPUID1_ECX_OSXSAVE      (1u << 27)
#define CPUID1_EDX_MCE          (1u << 7)
#define CPUID1_EDX_MCA          (1u << 14)
#define CPUID1_ECX_HYPERVISOR   (1u << 31)
#define CPUID_EXT1_ECX_SVM      (1u << 2)
#define CPUID_EXT1_ECX_SKINIT   (1u << 12)

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
    struct cpuid_regs h;

    r[0] = r[1] = r[2] = r[3] = 0;
    if (leaf >= XEN_CPUID_BASE && leaf <= XEN_CPUID_BASE + 0xffff) {
        if (leaf <= XEN_CPUID_MAX_LEAF)
            xen_leaf(v, leaf, r);
        return;
    }
    h = cpuid_count(leaf, subleaf);
    r[0] = h.eax;
    r[1] = h.ebx;
    r[2] = h.ecx;
    r[3] = h.edx;
    switch (leaf) {
    case 1:
        r[1] = (r[1] & 0x0000ffff) | (v->vcpu_id << 24) |
               ((v->domain->nr_vcpus & 0xff) << 16);
        r[2] &= ~(CPUID1_ECX_MONITOR | CPUID1_ECX_VMX);
        r[2] |= CPUID1_ECX_X2APIC | CPUID1_ECX_TSC_DEADLINE;    /* the vLAPIC has both */
        r[3] &= ~(CPUID1_EDX_MCE | CPUID1_EDX_MCA);     /* no virtual machine-check MSRs */
        r[2] |= CPUID1_ECX_HYPERVISOR;
        /* OSXSAVE mirrors the guest's own CR4. */
        r[2] &= ~CPUID1_ECX_OSXSAVE;
        if (v->hvm.vmcb->save.cr4 & (1u << 18))
            r[2] |= CPUID1_ECX_OSXSAVE;
        break;
    case 5:                 /* MONITOR/MWAIT */
    case 0x8000000a:        /* SVM features */
    case 0x8000001f:        /* SME/SEV */
        r[0] = r[1] = r[2] = r[3] = 0;
        break;
    case 0x80000001:
        r[2] &= ~(CPUID_EXT1_ECX_SVM | CPUID_EXT1_ECX_SKINIT);
        break;
    default:
        break;
    }
}
