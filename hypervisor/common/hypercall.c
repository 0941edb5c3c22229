// SPDX-License-Identifier: GPL-2.0-only
/*
 * The hypercall table and dispatcher, and the hypercall page a guest asks
 * for through Xen's MSR.  A handler missing from the table returns -ENOSYS
 * (docs/abi-coverage.md lists which).
 */
#include <asm/hvm_vcpu.h>
#include <asm/svm/vmcb.h>
#include <keel/domain.h>
#include <keel/domctl.h>
#include <keel/errno.h>
#include <keel/hypercall.h>
#include <keel/lib.h>
#include <public/xen.h>

#define NR_HYPERCALLS   64
#define EFER_LMA        (1ULL << 10)
#define SEG_ATTR_L      (1u << 9)

static const hypercall_fn_t hypercall_table[NR_HYPERCALLS] = {
    [__HYPERVISOR_xen_version] = do_xen_version,
    [__HYPERVISOR_console_io] = do_console_io,
    [__HYPERVISOR_sched_op] = do_sched_op,
    [__HYPERVISOR_hvm_op] = do_hvm_op,
    [__HYPERVISOR_vcpu_op] = do_vcpu_op,
    [__HYPERVISOR_memory_op] = do_memory_op,
    [__HYPERVISOR_event_channel_op] = do_event_channel_op,
    [__HYPERVISOR_grant_table_op] = do_grant_table_op,
    [__HYPERVISOR_sysctl] = do_sysctl,
    [__HYPERVISOR_domctl] = do_domctl,
};

static bool guest_in_64bit_mode(const struct vcpu *v)
{
    const struct vmcb_save *s = &v->hvm.vmcb->save;

    return (s->efer & EFER_LMA) && (s->cs.attr & SEG_ATTR_L);
}

void hypercall_dispatch(struct vcpu *v)
{
    struct guest_regs *r = &v->hvm.regs;
    struct vmcb_save *s = &v->hvm.vmcb->save;
    uint64_t nr = s->rax, args[5];
    long ret = -ENOSYS;

    if (v->hvm.vmcb->save.cpl != 0) {
        s->rax = (uint64_t)(long)-EPERM;    /* only the guest kernel may call */
        return;
    }
    if (guest_in_64bit_mode(v)) {
        args[0] = r->rdi; args[1] = r->rsi; args[2] = r->rdx; args[3] = r->r10; args[4] = r->r8;
    } else {
        nr = (uint32_t)nr;
        args[0] = (uint32_t)r->rbx; args[1] = (uint32_t)r->rcx; args[2] = (uint32_t)r->rdx;
        args[3] = (uint32_t)r->rsi; args[4] = (uint32_t)r->rdi;
    }
    if (nr < NR_HYPERCALLS && hypercall_table[nr])
        ret = hypercall_table[nr](v, args);
    s->rax = guest_in_64bit_mode(v) ? (uint64_t)ret : (uint32_t)ret;
}

/* Each 32-byte slot: mov $nr, %eax; vmmcall; ret. */
int hypercall_page_install(struct vcpu *v, uint64_t val)
{
    uint8_t page[PAGE_SIZE];
    uint64_t gpa = val & PAGE_MASK;

    if (val & ~PAGE_MASK)
        return -EPERM;      /* only one page: index 0 */
    memset(page, 0xcc, sizeof(page));
    for (uint32_t nr = 0; nr < PAGE_SIZE / 32; nr++) {
        uint8_t *slot = page + nr * 32;
        slot[0] = 0xb8;
        memcpy(slot + 1, &nr, 4);
        slot[5] = 0x0f;
        slot[6] = 0x01;
        slot[7] = 0xd9;
        slot[8] = 0xc3;
    }
    if (copy_to_gpa(v->domain, gpa, page, sizeof(page)) < 0) {
        pr_warn("(d%u) hypercall page at %lx is not RAM\n", v->domain->domid, gpa);
        return -EPERM;
    }
    v->domain->hypercall_page_gfn = gpa >> PAGE_SHIFT;
    return 0;
}
