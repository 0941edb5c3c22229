// SPDX-License-Identifier: GPL-2.0-only
/*
 * The MSRs a guest may touch; every other one raises #GP.  EFER (SVME kept
 * hidden and always set underneath), PAT, the TSC, the APIC base, the MTRRs
 * (stored, no effect under nested paging), Xen's hypercall-page MSR, and the
 * virtual local APIC's (APIC base, x2APIC range, TSC deadline).
 */
#include <asm/hvm_vcpu.h>
#include <asm/processor.h>
#include <asm/svm/svm.h>
#include <asm/svm/vmcb.h>
#include <keel/domain.h>
#include <keel/errno.h>
#include <keel/hypercall.h>
#include <keel/lib.h>

#define MSR_TSC             0x010
#define MSR_TSC_AUX         0xc0000103
#define MSR_AMD64_NB_CFG    0xc001001f
#define MSR_MTRR_CAP        0x0fe
#define MSR_MTRR_FIRST      0x200
#define MSR_MTRR_LAST       0x26f
#define MSR_PAT             0x277
#define MSR_MTRR_DEF_TYPE   0x2ff
#define MSR_XEN_HYPERCALL   0x40000000
#define EFER_LMA            (1ULL << 10)
#define CR0_PG              (1ULL << 31)
#define EFER_VALID          (EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE)

static bool mtrr_type_valid(uint8_t t)
{
    return t == 0 || t == 1 || t == 4 || t == 5 || t == 6;
}

static bool pat_valid(uint64_t pat)
{
    for (int i = 0; i < 8; i++) {
        uint8_t t = (uint8_t)(pat >> (i * 8));
        if (t == 2 || t == 3 || t > 7)
            return false;
    }
    return true;
}

int guest_rdmsr(struct vcpu *v, uint32_t msr, uint64_t *val)
{
    const struct vmcb *vmcb = v->hvm.vmcb;

    if (vlapic_owns_msr(msr))
        return vlapic_msr_read(&v->hvm.vlapic, msr, val) == 0 ? 0 : -EPERM;
    switch (msr) {
    case MSR_EFER:
        *val = vmcb->save.efer & ~EFER_SVME;
        return 0;
    case MSR_PAT:
        *val = vmcb->save.g_pat;
        return 0;
    case MSR_TSC:
        *val = rdtsc() + vmcb->ctl.tsc_offset;
        return 0;
    case MSR_TSC_AUX:
        if (!cpu_features.rdtscp)
            return -EPERM;
        *val = v->hvm.tsc_aux;
        return 0;
    case MSR_AMD64_NB_CFG:            /* Linux's amd_bus code reads it: nothing set */
        *val = 0;
        return 0;
    case MSR_MTRR_CAP:
        *val = 0;       /* no variable or fixed ranges, no WC */
        return 0;
    case MSR_MTRR_DEF_TYPE:
        *val = 0xc06;   /* enabled, write-back */
        return 0;
    default:
        return -EPERM;
    }
}

int guest_wrmsr(struct vcpu *v, uint32_t msr, uint64_t val)
{
    struct vmcb *vmcb = v->hvm.vmcb;

    if (vlapic_owns_msr(msr))
        return vlapic_msr_write(&v->hvm.vlapic, msr, val) == 0 ? 0 : -EPERM;
    switch (msr) {
    case MSR_EFER:        /* LMA is the CPU's to set: a write keeps it */
        if (val & ~EFER_VALID)
            return -EPERM;
        if ((vmcb->save.cr0 & CR0_PG) && ((val ^ vmcb->save.efer) & EFER_LME))
            return -EPERM;      /* LME may not change while paging is on */
        vmcb->save.efer = (val & ~EFER_LMA) | (vmcb->save.efer & EFER_LMA) | EFER_SVME;
        return 0;
    case MSR_PAT:
        if (!pat_valid(val))
            return -EPERM;
        vmcb->save.g_pat = val;
        return 0;
    case MSR_TSC:
        vmcb->ctl.tsc_offset = val - rdtsc();
        return 0;
    case MSR_TSC_AUX:                 /* what RDTSCP returns in ECX */
        if ((val >> 32) || !cpu_features.rdtscp)
            return -EPERM;
        v->hvm.tsc_aux = (uint32_t)val;
        wrmsr(MSR_TSC_AUX, val);        /* loaded again at each schedule-in */
        return 0;
    case MSR_AMD64_NB_CFG:            /* writes ignored, as on Xen */
        return 0;
    case MSR_MTRR_DEF_TYPE:
        /* Stored nowhere (nested paging decides memory types), but only
         * what hardware accepts is accepted: a type, FE and E. */
        if ((val & ~0xcffULL) || !mtrr_type_valid((uint8_t)val))
            return -EPERM;
        return 0;
    case MSR_XEN_HYPERCALL:
        return hypercall_page_install(v, val);
    default:
        return -EPERM;
    }
}
