// SPDX-License-Identifier: GPL-2.0-only
/*
 * Host tests of HVM save records (hypervisor/arch/x86/hvm/hvm_save.c, with
 * svm/ctx.c and vlapic.c) and XEN_DOMCTL_get/sethvmcontext (hvm_domctl.c,
 * the caller's "guest addresses" being host pointers): the size query, what a fresh domain saves, the
 * domain builder's PVH start (libxenguest's vcpu_hvm: HEADER+MTRR+END per
 * vCPU, then HEADER+CPU+END for vCPU 0), save -> load -> save giving the
 * same bytes, and hostile buffers -- each refused with Xen's error and
 * leaving the domain as it was.
 *
 * The test plays the rest of Keel: a domain of two vCPUs with real VMCBs
 * and FPU areas, a fake CPUID (guest_cpuid), a fake clock for the vLAPIC
 * timers, and simple stand-ins for svm.c's FPU image and event helpers.
 */
#include "ktest.h"

#include <stdarg.h>
#include <string.h>

#include <asm/hvm_save.h>
#include <asm/hvm_vcpu.h>
#include <asm/processor.h>
#include <asm/svm/svm.h>
#include <asm/svm/vmcb.h>
#include <keel/domain.h>
#include <keel/domctl.h>
#include <keel/errno.h>
#include <keel/softirq.h>
#include <keel/timer.h>
#include <public/hvm/save.h>

/* ---- The fake arch ------------------------------------------------------ */

__thread unsigned long host_irq_flags = 0x200;
static s_time_t fake_now = 1000000;

unsigned int smp_processor_id(void) { return 0; }
s_time_t NOW(void) { return fake_now; }
void arch_timer_program(s_time_t deadline) { (void)deadline; }
void smp_send_event_check(unsigned int cpu) { (void)cpu; }

static uint32_t woken[2];               /* vcpu_wake() calls per vCPU */

void vcpu_wake(struct vcpu *v)
{
    woken[v->vcpu_id]++;
}
uint64_t tsc_khz(void) { return 2000000; }
void *xzalloc(size_t size) { return calloc(1, size); }
void *xmalloc(size_t size) { return malloc(size ? size : 1); }
void xfree(void *p) { free(p); }

void panic(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    abort();
}

/* CPUID: PAE, PSE, PGE, FXSR, SSE, XSAVE, FSGSBASE, SMEP; SYSCALL, NX, LM;
 * MAXPHYADDR 40.  No MCE, VMX, PKU. */
void guest_cpuid(struct vcpu *v, uint32_t leaf, uint32_t subleaf, uint32_t regs[4])
{
    (void)v, (void)subleaf;
    memset(regs, 0, 16);
    if (leaf == 1) {
        regs[3] = (1u << 1) | (1u << 2) | (1u << 3) | (1u << 4) | (1u << 6) |
                  (1u << 13) | (1u << 24) | (1u << 25);
        regs[2] = 1u << 26;
    } else if (leaf == 7) {
        regs[1] = (1u << 0) | (1u << 7);
    } else if (leaf == 0x80000001) {
        regs[3] = (1u << 11) | (1u << 20) | (1u << 29);
    } else if (leaf == 0x80000008) {
        regs[0] = 40;
    }
}

/* svm.c's helpers, simply: the legacy image is the area's first 512 bytes. */
void svm_fpu_get_legacy(struct vcpu *v, uint8_t img[512])
{
    memcpy(img, v->hvm.fpu_area, 512);
}

void svm_fpu_set_legacy(struct vcpu *v, const uint8_t *img)
{
    uint8_t *a = v->hvm.fpu_area;

    memset(a, 0, 512);
    if (img) {
        memcpy(a, img, 512);
    } else {
        a[0] = 0x7f, a[1] = 0x03;                   /* FCW 0x37f */
        a[24] = 0x80, a[25] = 0x1f;                 /* MXCSR 0x1f80 */
    }
}

void svm_clear_events(struct vcpu *v)
{
    v->hvm.pending_event = 0;
    v->hvm.nmi_pending = v->hvm.nmi_blocked = false;
    v->hvm.vmcb->ctl.int_state = 0;
    v->hvm.vmcb->ctl.exitintinfo = 0;
}

/* The caller's memory: a "guest address" is a host pointer; 0x1000 faults. */
#define BAD_GVA 0x1000

int copy_from_guest(struct vcpu *v, void *dst, uint64_t gva, uint64_t len)
{
    (void)v;
    if (gva == BAD_GVA)
        return -EFAULT;
    memcpy(dst, (const void *)(uintptr_t)gva, len);
    return 0;
}

int copy_to_guest(struct vcpu *v, uint64_t gva, const void *src, uint64_t len)
{
    (void)v;
    if (gva == BAD_GVA)
        return -EFAULT;
    memcpy((void *)(uintptr_t)gva, src, len);
    return 0;
}

/* ---- The fake domain ---------------------------------------------------- */

#define NR_VCPUS 2

static struct domain dom;
static struct vcpu vcpus[NR_VCPUS];
static struct vmcb vmcbs[NR_VCPUS] __attribute__((aligned(4096)));
static uint8_t fpu_areas[NR_VCPUS][4096];
static uint32_t kicks;

static uint32_t op_vcpu_count(void *ctx) { (void)ctx; return NR_VCPUS; }
static struct vlapic *op_vlapic_of(void *ctx, uint32_t id)
{
    (void)ctx;
    return id < NR_VCPUS ? &vcpus[id].hvm.vlapic : NULL;
}
static void op_deliver(void *ctx, uint32_t d, enum vlapic_dm m, uint8_t vec, bool l)
{
    (void)ctx, (void)d, (void)m, (void)vec, (void)l;
}
static void op_kick(void *ctx) { (void)ctx; kicks++; }
static unsigned int op_timer_cpu(void *ctx) { (void)ctx; return 0; }
static s_time_t op_tsc_to_ns(void *ctx, uint64_t tsc) { (void)ctx; return (s_time_t)tsc; }

static const struct vlapic_ops ops = {
    .vcpu_count = op_vcpu_count, .vlapic_of = op_vlapic_of, .deliver = op_deliver,
    .kick = op_kick, .timer_cpu = op_timer_cpu, .guest_tsc_to_ns = op_tsc_to_ns,
};

static void setup(void)
{
    CHECK_EQ(timer_init(), 0);
    memset(&dom, 0, sizeof(dom));
    dom.domid = 3;
    dom.state = DOMAIN_RUNNING;
    dom.nr_vcpus = NR_VCPUS;
    for (uint32_t i = 0; i < NR_VCPUS; i++) {
        struct vcpu *v = &vcpus[i];

        memset(v, 0, sizeof(*v));
        memset(&vmcbs[i], 0, sizeof(vmcbs[i]));
        v->vcpu_id = i;
        v->domain = &dom;
        v->state = VCPU_OFFLINE;
        v->hvm.vmcb = &vmcbs[i];
        v->hvm.fpu_area = fpu_areas[i];
        v->hvm.vmcb->save.g_pat = 0x0007040600070406ULL;
        v->hvm.vmcb->save.efer = EFER_SVME;
        svm_fpu_set_legacy(v, NULL);
        vlapic_init(&v->hvm.vlapic, i, &ops, v);
        dom.vcpus[i] = v;
    }
}

/* ---- Building buffers --------------------------------------------------- */

struct buf {
    uint8_t data[16384];
    uint32_t len;
};

static void add(struct buf *b, uint16_t code, uint16_t inst, const void *p, uint32_t len)
{
    struct hvm_save_descriptor d = { .typecode = code, .instance = inst, .length = len };

    memcpy(b->data + b->len, &d, sizeof(d));
    if (len)
        memcpy(b->data + b->len + sizeof(d), p, len);
    b->len += sizeof(d) + len;
}

static struct hvm_save_header header(void)
{
    struct hvm_save_header h = { .magic = HVM_FILE_MAGIC, .version = HVM_FILE_VERSION };
    return h;
}

static void add_header(struct buf *b)
{
    struct hvm_save_header h = header();

    add(b, HVM_SAVE_CODE_HEADER, 0, &h, sizeof(h));
}

static void add_end(struct buf *b)
{
    add(b, HVM_SAVE_CODE_END, 0, NULL, 0);
}

/* What libxenguest writes to start a PVH vCPU 0 (xg_dom_x86.c, vcpu_hvm). */
static struct hvm_hw_cpu pvh_cpu(void)
{
    struct hvm_hw_cpu c;

    memset(&c, 0, sizeof(c));
    c.cs_limit = c.ds_limit = c.es_limit = c.ss_limit = ~0u;
    c.tr_limit = 0x67;
    c.cs_arbytes = 0xc9b;
    c.ds_arbytes = c.es_arbytes = c.ss_arbytes = 0xc93;
    c.tr_arbytes = 0x8b;
    c.cr0 = 0x11;                       /* PE | ET */
    c.rip = 0x1000000;
    c.rbx = 0x5000;
    c.dr6 = 0xffff0ff0;
    c.dr7 = 0x400;
    return c;
}

/* A 64-bit kernel in the middle of things. */
static struct hvm_hw_cpu long_mode_cpu(void)
{
    struct hvm_hw_cpu c = pvh_cpu();

    c.cr0 = 0x80050033;
    c.cr3 = 0x1234000;
    c.cr4 = 0x506a0;                   /* PAE PGE OSFXSR OSXMMEXCPT FSGSBASE OSXSAVE */
    c.cr2 = 0xdead000;
    c.msr_efer = EFER_SCE | EFER_LME | (1ULL << 10) | EFER_NXE;
    c.cs_sel = 0x10, c.cs_arbytes = 0xa9b;          /* L, not D */
    c.ss_sel = 0x18, c.ss_arbytes = 0xc93;
    c.fs_base = 0xffff888000001000ULL;
    c.gs_base = 0x7f0000001000ULL;
    c.shadow_gs = 0xffff888000002000ULL;
    c.gdtr_base = 0xfffffe0000001000ULL, c.gdtr_limit = 0x7f;
    c.idtr_base = 0xfffffe0000000000ULL, c.idtr_limit = 0xfff;
    c.msr_lstar = 0xffffffff81a00000ULL;
    c.msr_star = 0x0023001000000000ULL;
    c.msr_cstar = 0xffffffff81a01000ULL;
    c.msr_syscall_mask = 0x47700;
    c.sysenter_cs = 0x10, c.sysenter_esp = 0xfffffe0000002000ULL;
    c.sysenter_eip = 0xffffffff81a02000ULL;
    c.msr_tsc_aux = 1;
    c.rax = 1, c.rcx = 2, c.rdx = 3, c.rsi = 4, c.rdi = 5, c.rbp = 6, c.rsp = 0xffffc90000003f00ULL;
    c.r8 = 8, c.r9 = 9, c.r10 = 10, c.r11 = 11, c.r12 = 12, c.r13 = 13, c.r14 = 14, c.r15 = 15;
    c.rip = 0xffffffff81000123ULL;
    c.rflags = 0x246;
    c.tsc = 123456789;
    c.pending_event = (1u << 31) | (3u << 8) | (1u << 11) | 14;   /* #PF, with error code */
    c.error_code = 2;
    c.flags = XEN_X86_FPU_INITIALISED;
    c.fpu_regs[0] = 0x7f, c.fpu_regs[1] = 0x03;
    c.fpu_regs[24] = 0xa0, c.fpu_regs[25] = 0x1f;  /* MXCSR 0x1fa0 */
    c.fpu_regs[160] = 0x55;                         /* XMM0 */
    return c;
}

static long load_one_cpu(uint16_t inst, const struct hvm_hw_cpu *c)
{
    static struct buf b;

    b.len = 0;
    add_header(&b);
    add(&b, HVM_SAVE_CODE_CPU, inst, c, sizeof(*c));
    add_end(&b);
    return hvm_load_domain(&dom, b.data, b.len);
}

/* Find record (code, instance) in a saved buffer; NULL if absent. */
static const uint8_t *find(const struct buf *b, uint16_t code, uint16_t inst, uint32_t *len)
{
    uint32_t cur = 0;

    while (cur + 8 <= b->len) {
        struct hvm_save_descriptor d;

        memcpy(&d, b->data + cur, 8);
        if (d.typecode == code && d.instance == inst) {
            *len = d.length;
            return b->data + cur + 8;
        }
        if (d.typecode == HVM_SAVE_CODE_END)
            return NULL;
        cur += 8 + d.length;
    }
    return NULL;
}

static void save(struct buf *b)
{
    uint32_t used = 0;

    CHECK_EQ(hvm_save_domain(&dom, b->data, sizeof(b->data), &used), 0);
    b->len = used;
}

/* The domain's state as bytes, to see that a refused load changed nothing. */
struct snapshot {
    struct vmcb vmcb[NR_VCPUS];
    struct guest_regs regs[NR_VCPUS];
    uint64_t apic_base[NR_VCPUS];
    bool init[NR_VCPUS];
};

static void snap(struct snapshot *s)
{
    memset(s, 0, sizeof(*s));
    for (uint32_t i = 0; i < NR_VCPUS; i++) {
        s->vmcb[i] = vmcbs[i];
        s->regs[i] = vcpus[i].hvm.regs;
        s->apic_base[i] = vcpus[i].hvm.vlapic.apic_base;
        s->init[i] = vcpus[i].is_initialised;
    }
}

static bool unchanged(const struct snapshot *s)
{
    struct snapshot now;

    snap(&now);
    return memcmp(&now, s, sizeof(now)) == 0;
}

/* ---- Saving ------------------------------------------------------------- */

TEST(size_query_with_no_buffer)
{
    uint32_t used = 0, per = 4 * 8 + sizeof(struct hvm_hw_cpu) + sizeof(struct hvm_hw_lapic) +
                            sizeof(struct hvm_hw_lapic_regs) + sizeof(struct hvm_hw_mtrr);
    uint8_t one;

    setup();
    CHECK_EQ(sizeof(struct hvm_hw_cpu), 1032);
    CHECK_EQ(hvm_save_domain(&dom, NULL, 0, &used), 0);
    CHECK_EQ(used, 2 * 8 + sizeof(struct hvm_save_header) + NR_VCPUS * per);
    used = 0;
    CHECK_EQ(hvm_save_domain(&dom, &one, 0, &used), 0);
    CHECK_EQ(used, hvm_save_size(&dom));
    CHECK_EQ(hvm_save_domain(&dom, &one, 1, &used), -ENOSPC);
}

TEST(fresh_domain_saves_header_lapic_mtrr_but_no_cpu)
{
    static struct buf b;
    const struct hvm_save_header *h;
    const struct hvm_hw_lapic *l;
    const struct hvm_hw_mtrr *m;
    uint32_t len;

    setup();
    save(&b);
    CHECK(b.len < hvm_save_size(&dom));
    h = (const void *)find(&b, HVM_SAVE_CODE_HEADER, 0, &len);
    CHECK(h && len == sizeof(*h) && (const uint8_t *)h == b.data + 8);
    CHECK_EQ(h->magic, 0x54381286);
    CHECK_EQ(h->version, 1);
    CHECK_EQ(h->gtsc_khz, 2000000);
    CHECK(!find(&b, HVM_SAVE_CODE_CPU, 0, &len));   /* vCPUs are down */
    l = (const void *)find(&b, HVM_SAVE_CODE_LAPIC, 1, &len);
    CHECK(l && len == sizeof(*l));
    CHECK_EQ(l->apic_base_msr, 0xfee00800);        /* enabled, not BSP */
    CHECK_EQ(l->disabled, VLAPIC_SW_DISABLED);
    l = (const void *)find(&b, HVM_SAVE_CODE_LAPIC, 0, &len);
    CHECK_EQ(l->apic_base_msr, 0xfee00900);        /* vCPU 0: BSP */
    CHECK(find(&b, HVM_SAVE_CODE_LAPIC_REGS, 1, &len) && len == 1024);
    m = (const void *)find(&b, HVM_SAVE_CODE_MTRR, 1, &len);
    CHECK(m && len == sizeof(*m));
    CHECK_EQ(m->msr_pat_cr, 0x0007040600070406ULL);
    CHECK_EQ(m->msr_mtrr_def_type, 0xc06);
    CHECK(find(&b, HVM_SAVE_CODE_END, 0, &len) && len == 0);
    CHECK_EQ(b.data[b.len - 8], HVM_SAVE_CODE_END);
}

TEST(save_refuses_a_running_vcpu_and_a_dying_domain)
{
    static struct buf b;
    uint32_t used;

    setup();
    vcpus[1].state = VCPU_RUNNABLE;
    CHECK_EQ(hvm_save_domain(&dom, b.data, sizeof(b.data), &used), -EBUSY);
    vcpus[1].state = VCPU_PAUSED;                   /* stopped: fine */
    CHECK_EQ(hvm_save_domain(&dom, b.data, sizeof(b.data), &used), 0);
    dom.state = DOMAIN_SHUTDOWN;
    CHECK_EQ(hvm_save_domain(&dom, b.data, sizeof(b.data), &used), -EINVAL);
}

/* ---- The domain builder's PVH start ------------------------------------- */

TEST(libxenguest_pvh_start)
{
    static struct buf full, mtrr_buf, bsp;
    struct hvm_hw_mtrr m;
    struct hvm_hw_cpu c = pvh_cpu();
    const struct vmcb_save *s = &vmcbs[0].save;
    uint32_t len;

    setup();
    save(&full);
    memcpy(&m, find(&full, HVM_SAVE_CODE_MTRR, 0, &len), sizeof(m));
    m.msr_mtrr_def_type = 0x806;                    /* WB | enable */
    for (uint16_t i = 0; i < NR_VCPUS; i++) {
        mtrr_buf.len = 0;
        memcpy(mtrr_buf.data, full.data, 8 + sizeof(struct hvm_save_header));
        mtrr_buf.len = 8 + sizeof(struct hvm_save_header);
        add(&mtrr_buf, HVM_SAVE_CODE_MTRR, i, &m, sizeof(m));
        add_end(&mtrr_buf);
        CHECK_EQ(hvm_load_domain(&dom, mtrr_buf.data, mtrr_buf.len), 0);
    }
    memcpy(bsp.data, full.data, 8 + sizeof(struct hvm_save_header));
    bsp.len = 8 + sizeof(struct hvm_save_header);
    add(&bsp, HVM_SAVE_CODE_CPU, 0, &c, sizeof(c));
    add_end(&bsp);
    woken[0] = woken[1] = 0;
    CHECK_EQ(hvm_load_domain(&dom, bsp.data, bsp.len), 0);

    CHECK(vcpus[0].is_initialised);
    CHECK(!vcpus[1].is_initialised);
    CHECK_EQ(woken[0], 1);                          /* runs from the record */
    CHECK_EQ(woken[1], 0);
    CHECK_EQ(s->cs.attr, 0xc9b);
    CHECK_EQ(s->cs.limit, 0xffffffff);
    CHECK_EQ(s->ss.attr, 0xc93);
    CHECK_EQ(s->tr.attr, 0x8b);
    CHECK_EQ(s->tr.limit, 0x67);
    CHECK_EQ(s->cr0, 0x11);
    CHECK_EQ(s->efer, EFER_SVME);
    CHECK_EQ(s->rflags, 2);
    CHECK_EQ(s->rip, 0x1000000);
    CHECK_EQ(s->cpl, 0);
    CHECK_EQ(vcpus[0].hvm.regs.rbx, 0x5000);
    CHECK_EQ(*(uint16_t *)fpu_areas[0], 0x37f);     /* FPU not given: reset */
    CHECK_EQ(vcpus[0].hvm.asid_cpu, -1);

    /* Each load downs every vCPU that it gives no CPU record (Xen). */
    CHECK_EQ(hvm_load_domain(&dom, mtrr_buf.data, mtrr_buf.len), 0);
    CHECK(!vcpus[0].is_initialised);
}

/* ---- Round trip --------------------------------------------------------- */

TEST(save_load_save_gives_the_same_bytes)
{
    static struct buf a, b;
    struct hvm_hw_cpu c0 = long_mode_cpu(), c1 = pvh_cpu();
    struct hvm_hw_cpu sa, sb;
    struct vlapic *vl = &vcpus[1].hvm.vlapic;
    const uint8_t *p;
    uint32_t len, off;

    setup();
    CHECK_EQ(load_one_cpu(0, &c0), 0);
    /* vCPU 1: up too, and its vLAPIC busy: x2APIC, a periodic timer half
     * way through its count, vectors pending and in service. */
    CHECK_EQ(vlapic_msr_write(vl, 0x1b, 0xfee00c00), 0);
    CHECK_EQ(vlapic_msr_write(vl, 0x80f, 0x1ff), 0);         /* SVR: on */
    CHECK_EQ(vlapic_msr_write(vl, 0x83e, 0x3), 0);           /* TDCR: /16 */
    CHECK_EQ(vlapic_msr_write(vl, 0x832, (1u << 17) | 0xef), 0);  /* periodic */
    CHECK_EQ(vlapic_msr_write(vl, 0x838, 1000), 0);          /* TMICT */
    fake_now += 8000;                                         /* 500 counts */
    CHECK(vlapic_set_irq(vl, 0x41, false));
    CHECK(vlapic_set_irq(vl, 0x51, true));
    vlapic_ack_irq(vl, 0x51);
    c1.rip = 0x9000;
    c1.fpu_regs[24] = 0x80, c1.fpu_regs[25] = 0x1f;
    c1.flags = XEN_X86_FPU_INITIALISED;
    {
        static struct buf two;

        two.len = 0;
        add_header(&two);
        add(&two, HVM_SAVE_CODE_CPU, 0, &c0, sizeof(c0));
        add(&two, HVM_SAVE_CODE_CPU, 1, &c1, sizeof(c1));
        add_end(&two);
        CHECK_EQ(hvm_load_domain(&dom, two.data, two.len), 0);
    }
    save(&a);
    CHECK(find(&a, HVM_SAVE_CODE_CPU, 1, &len));
    p = find(&a, HVM_SAVE_CODE_LAPIC_REGS, 1, &len);
    CHECK(p);
    memcpy(&off, p + 0x390, 4);
    CHECK_EQ(off, 500);                                      /* TMCCT */

    setup();                                                 /* a new domain */
    CHECK_EQ(hvm_load_domain(&dom, a.data, a.len), 0);
    CHECK(vcpus[0].is_initialised && vcpus[1].is_initialised);
    save(&b);
    CHECK_EQ(a.len, b.len);
    /* The guest TSC runs on between the two saves: compare it apart. */
    memcpy(&sa, find(&a, HVM_SAVE_CODE_CPU, 0, &len), sizeof(sa));
    memcpy(&sb, find(&b, HVM_SAVE_CODE_CPU, 0, &len), sizeof(sb));
    CHECK(sb.tsc >= sa.tsc && sb.tsc - sa.tsc < 100000000000ULL);
    CHECK_EQ(sa.tsc - c0.tsc < 100000000000ULL, 1);
    for (uint16_t i = 0; i < NR_VCPUS; i++) {
        uint8_t *pa = (uint8_t *)find(&a, HVM_SAVE_CODE_CPU, i, &len);
        uint8_t *pb = (uint8_t *)find(&b, HVM_SAVE_CODE_CPU, i, &len);

        memset(pa + offsetof(struct hvm_hw_cpu, tsc), 0, 8);
        memset(pb + offsetof(struct hvm_hw_cpu, tsc), 0, 8);
    }
    CHECK(memcmp(a.data, b.data, a.len) == 0);
    /* The loaded fields, as loaded. */
    CHECK_EQ(sa.rip, c0.rip);
    CHECK_EQ(sa.msr_efer, c0.msr_efer);
    CHECK_EQ(sa.cs_arbytes, 0xa9b);
    CHECK_EQ(sa.pending_event, c0.pending_event);
    CHECK_EQ(sa.error_code, 2);
    CHECK_EQ(sa.fpu_regs[160], 0x55);
    CHECK_EQ(vmcbs[0].save.cpl, 0);
    /* The restored timer goes on from its count: 500 counts of 16 ns. */
    CHECK(vcpus[1].hvm.vlapic.timer_armed);
    CHECK_EQ(vcpus[1].hvm.vlapic.timer_deadline, fake_now + 8000);
}

TEST(vmx_format_arbytes_are_folded)
{
    struct hvm_hw_cpu c = pvh_cpu();

    setup();
    c.cs_arbytes = 0xc09b;                  /* G DB in bits 15:14 */
    CHECK_EQ(load_one_cpu(0, &c), 0);
    CHECK_EQ(vmcbs[0].save.cs.attr, 0xc9b);
}

/* ---- Hostile buffers ---------------------------------------------------- */

/* Load b; expect rc, a log line, and no change to the domain. */
static void refused(const struct buf *b, long rc)
{
    struct snapshot s;

    snap(&s);
    ktest_log_clear();
    CHECK_EQ(hvm_load_domain(&dom, b->data, b->len), rc);
    CHECK(unchanged(&s));
}

static void refused_cpu(const struct hvm_hw_cpu *c, const char *why)
{
    struct snapshot s;

    snap(&s);
    ktest_log_clear();
    CHECK_EQ(load_one_cpu(0, c), -EINVAL);
    CHECK(unchanged(&s));
    CHECK(ktest_log_contains(why));
}

TEST(framing_errors)
{
    static struct buf b;
    struct hvm_hw_cpu c = pvh_cpu();
    struct hvm_save_header h = header();

    setup();
    b.len = 4;                                          /* half a descriptor */
    memset(b.data, 0, 4);
    refused(&b, -ENODATA);
    b.len = 0;
    refused(&b, -ENODATA);
    b.len = 0;                                          /* CPU first */
    add(&b, HVM_SAVE_CODE_CPU, 0, &c, sizeof(c));
    add_end(&b);
    refused(&b, -ENODATA);
    b.len = 0;                                          /* END first */
    add_end(&b);
    refused(&b, -ENODATA);
    b.len = 0;                                          /* short header */
    add(&b, HVM_SAVE_CODE_HEADER, 0, &h, 16);
    add_end(&b);
    refused(&b, -ENODATA);
    b.len = 0;                                          /* header past the end */
    add_header(&b);
    b.len -= 4;
    refused(&b, -ENODATA);
    b.len = 0;                                          /* no END */
    add_header(&b);
    add(&b, HVM_SAVE_CODE_CPU, 0, &c, sizeof(c));
    refused(&b, -ENODATA);
    b.len -= 1;                                         /* CPU cut short */
    refused(&b, -EINVAL);
    CHECK(ktest_log_contains("bad record"));
    b.len = 0;                                          /* length past the buffer */
    add_header(&b);
    add(&b, HVM_SAVE_CODE_CPU, 0, &c, sizeof(c));
    add_end(&b);
    memcpy(b.data + 8 + sizeof(h) + 4, &(uint32_t){ 0xfffffff8u }, 4);
    refused(&b, -EINVAL);
    b.len = 0;                                          /* END with a payload */
    add_header(&b);
    add(&b, HVM_SAVE_CODE_END, 0, &h, 8);
    refused(&b, -EINVAL);
    b.len = 0;                                          /* two headers */
    add_header(&b);
    add_header(&b);
    add_end(&b);
    refused(&b, -EINVAL);
}

TEST(header_magic_and_version)
{
    static struct buf b;
    struct hvm_save_header h = header();

    setup();
    h.magic ^= 1;
    b.len = 0;
    add(&b, HVM_SAVE_CODE_HEADER, 0, &h, sizeof(h));
    add_end(&b);
    refused(&b, -EINVAL);
    CHECK(ktest_log_contains("bad magic"));
    h = header();
    h.version = 2;
    b.len = 0;
    add(&b, HVM_SAVE_CODE_HEADER, 0, &h, sizeof(h));
    add_end(&b);
    refused(&b, -EINVAL);
    b.len = 0;                                          /* header + END alone: fine */
    add_header(&b);
    add_end(&b);
    CHECK_EQ(hvm_load_domain(&dom, b.data, b.len), 0);
}

TEST(lengths_types_and_instances)
{
    static struct buf b;
    uint8_t junk[2048] = { 0 };
    struct hvm_hw_cpu c = pvh_cpu();

    setup();
    b.len = 0;                                          /* CPU record too short */
    add_header(&b);
    add(&b, HVM_SAVE_CODE_CPU, 0, &c, sizeof(c) - 8);
    add_end(&b);
    refused(&b, -EINVAL);
    b.len = 0;                                          /* LAPIC too long */
    add_header(&b);
    add(&b, HVM_SAVE_CODE_LAPIC, 0, junk, sizeof(struct hvm_hw_lapic) + 8);
    add_end(&b);
    refused(&b, -EINVAL);
    b.len = 0;                                          /* a type Keel does not load */
    add_header(&b);
    add(&b, HVM_SAVE_CODE_PIC, 0, junk, 8);
    add_end(&b);
    refused(&b, -EINVAL);
    b.len = 0;
    add_header(&b);
    add(&b, 99, 0, junk, 0);
    add_end(&b);
    refused(&b, -EINVAL);
    b.len = 0;                                          /* vCPU 2 of 2 */
    add_header(&b);
    add(&b, HVM_SAVE_CODE_CPU, NR_VCPUS, &c, sizeof(c));
    add_end(&b);
    refused(&b, -EINVAL);
    b.len = 0;
    add_header(&b);
    add(&b, HVM_SAVE_CODE_LAPIC_REGS, 0xffff, junk, 1024);
    add_end(&b);
    refused(&b, -EINVAL);
}

TEST(control_registers)
{
    struct hvm_hw_cpu c;

    setup();
    c = pvh_cpu(); c.cr0 = 0x80000010;          refused_cpu(&c, "bad CR0");  /* PG, no PE */
    c = pvh_cpu(); c.cr0 = 0x01;                refused_cpu(&c, "bad CR0");  /* no ET */
    c = pvh_cpu(); c.cr0 |= 1ULL << 32;         refused_cpu(&c, "bad CR0");
    c = pvh_cpu(); c.cr0 |= 1ULL << 6;          refused_cpu(&c, "bad CR0");  /* reserved */
    c = pvh_cpu(); c.cr0 |= 1ULL << 29;         refused_cpu(&c, "bad CR0");  /* NW, no CD */
    c = pvh_cpu(); c.cr4 = 1ULL << 6;           refused_cpu(&c, "bad CR4");  /* MCE not offered */
    c = pvh_cpu(); c.cr4 = 1ULL << 13;          refused_cpu(&c, "bad CR4");  /* VMXE */
    c = pvh_cpu(); c.cr4 = 1ULL << 22;          refused_cpu(&c, "bad CR4");  /* PKE */
    c = long_mode_cpu(); c.cr4 &= ~0x20ULL;     refused_cpu(&c, "without CR4.PAE");
    c = long_mode_cpu(); c.msr_efer &= ~EFER_LME; refused_cpu(&c, "LMA without LME");
    c = pvh_cpu(); c.msr_efer = 1ULL << 10;     refused_cpu(&c, "LMA without LME");
    c = pvh_cpu(); c.msr_efer = EFER_SVME;      refused_cpu(&c, "unknown bits");
    c = pvh_cpu(); c.msr_efer = 1ULL << 14;     refused_cpu(&c, "unknown bits"); /* FFXSR */
    c = pvh_cpu(); c.cr3 = 1ULL << 40;          refused_cpu(&c, "CR3 beyond");
    c = long_mode_cpu(); c.cs_arbytes = 0xe9b;  refused_cpu(&c, "both L and D");
    /* What is valid loads. */
    c = long_mode_cpu();
    CHECK_EQ(load_one_cpu(0, &c), 0);
    CHECK_EQ(vmcbs[0].save.efer, c.msr_efer | EFER_SVME);
    c.msr_efer &= ~(1ULL << 10);            /* LMA left out: the CPU's to set */
    CHECK_EQ(load_one_cpu(0, &c), 0);
    CHECK(vmcbs[0].save.efer & (1ULL << 10));
}

TEST(other_cpu_fields)
{
    struct hvm_hw_cpu c;

    setup();
    c = pvh_cpu(); c.pad0 = 1;                  refused_cpu(&c, "pad0");
    c = pvh_cpu(); c.flags = 2;                 refused_cpu(&c, "unknown flags");
    c = pvh_cpu(); c.pending_event = (1u << 31) | (1u << 8) | 32;
    refused_cpu(&c, "bad pending event");                   /* type 1 */
    c = pvh_cpu(); c.pending_event = (1u << 31) | (5u << 8) | 32;
    refused_cpu(&c, "bad pending event");
    c = pvh_cpu(); c.pending_event = (1u << 31) | (1u << 20) | 32;
    refused_cpu(&c, "bad pending event");                   /* reserved */
    c = pvh_cpu(); c.pending_event = (1u << 31) | (3u << 8) | (1u << 11) | 13;
    c.error_code = 0x10000;                     refused_cpu(&c, "bad pending event");
    c = pvh_cpu(); c.flags = XEN_X86_FPU_INITIALISED;
    c.fpu_regs[26] = 1;                         refused_cpu(&c, "MXCSR");   /* bit 16 */
    c = pvh_cpu(); c.flags = XEN_X86_FPU_INITIALISED;
    c.fpu_regs[24] = 0x40;                      refused_cpu(&c, "MXCSR");   /* DAZ */
    c = pvh_cpu(); c.msr_lstar = 0x0000800000000000ULL;
    refused_cpu(&c, "non-canonical");
    c = pvh_cpu(); c.gdtr_base = 0x8000000000000000ULL;
    refused_cpu(&c, "non-canonical");
    c = pvh_cpu(); c.ss_arbytes = 0x10093;      refused_cpu(&c, "segment attributes");
    c = pvh_cpu(); c.dr0 = 0x1000;              refused_cpu(&c, "DR0-3");
    c = pvh_cpu(); c.dr7 |= 1ULL << 32;         refused_cpu(&c, "DR6/DR7");
    c = pvh_cpu(); c.msr_tsc_aux = 1ULL << 32;  refused_cpu(&c, "TSC_AUX");
    c = pvh_cpu(); c.rflags = 1ULL << 3;        refused_cpu(&c, "RFLAGS");
    c = pvh_cpu(); c.rflags = 1ULL << 22;       refused_cpu(&c, "RFLAGS");
}

TEST(lapic_and_mtrr_records)
{
    static struct buf b;
    struct hvm_hw_lapic l = { .apic_base_msr = 0xfee00800 };
    struct hvm_hw_mtrr m;

    setup();
    l.apic_base_msr = 0xfee00400;               /* x2APIC bit without enable */
    b.len = 0; add_header(&b); add(&b, HVM_SAVE_CODE_LAPIC, 1, &l, sizeof(l)); add_end(&b);
    refused(&b, -EINVAL);
    CHECK(ktest_log_contains("APIC base"));
    l.apic_base_msr = 0xfee00900;               /* BSP flag on vCPU 1 */
    b.len = 0; add_header(&b); add(&b, HVM_SAVE_CODE_LAPIC, 1, &l, sizeof(l)); add_end(&b);
    refused(&b, -EINVAL);
    l.apic_base_msr = 0x1000000000000800ULL;    /* beyond MAXPHYADDR */
    b.len = 0; add_header(&b); add(&b, HVM_SAVE_CODE_LAPIC, 1, &l, sizeof(l)); add_end(&b);
    refused(&b, -EINVAL);
    l.apic_base_msr = 0xfee00800;
    l.disabled = 4;
    b.len = 0; add_header(&b); add(&b, HVM_SAVE_CODE_LAPIC, 1, &l, sizeof(l)); add_end(&b);
    refused(&b, -EINVAL);
    l.disabled = 0;
    l.apic_base_msr = 0xfec00000;               /* moved and disabled: fine */
    b.len = 0; add_header(&b); add(&b, HVM_SAVE_CODE_LAPIC, 1, &l, sizeof(l)); add_end(&b);
    CHECK_EQ(hvm_load_domain(&dom, b.data, b.len), 0);
    CHECK_EQ(vcpus[1].hvm.vlapic.apic_base, 0xfec00000);

    memset(&m, 0, sizeof(m));
    m.msr_pat_cr = 0x0007040600070406ULL;
    m.msr_mtrr_def_type = 0x806;
    m.msr_pat_cr = 0x0007040600070206ULL;       /* type 2 */
    b.len = 0; add_header(&b); add(&b, HVM_SAVE_CODE_MTRR, 0, &m, sizeof(m)); add_end(&b);
    refused(&b, -EINVAL);
    CHECK(ktest_log_contains("bad PAT"));
    m.msr_pat_cr = 0x0007040600070406ULL;
    m.msr_mtrr_var[3] = 0x80000006;
    b.len = 0; add_header(&b); add(&b, HVM_SAVE_CODE_MTRR, 0, &m, sizeof(m)); add_end(&b);
    refused(&b, -EINVAL);
    m.msr_mtrr_var[3] = 0;
    m.msr_mtrr_fixed[10] = 0x0606060606060606ULL;
    b.len = 0; add_header(&b); add(&b, HVM_SAVE_CODE_MTRR, 0, &m, sizeof(m)); add_end(&b);
    refused(&b, -EINVAL);
    m.msr_mtrr_fixed[10] = 0;
    m.msr_mtrr_cap = 0x508;
    b.len = 0; add_header(&b); add(&b, HVM_SAVE_CODE_MTRR, 0, &m, sizeof(m)); add_end(&b);
    refused(&b, -EINVAL);
    m.msr_mtrr_cap = 0;
    m.msr_mtrr_def_type = 0x802;
    b.len = 0; add_header(&b); add(&b, HVM_SAVE_CODE_MTRR, 0, &m, sizeof(m)); add_end(&b);
    refused(&b, -EINVAL);
    m.msr_mtrr_def_type = 0x806;
    m.msr_pat_cr = 0x0606060606060606ULL;       /* all WB: fine, and kept */
    b.len = 0; add_header(&b); add(&b, HVM_SAVE_CODE_MTRR, 0, &m, sizeof(m)); add_end(&b);
    CHECK_EQ(hvm_load_domain(&dom, b.data, b.len), 0);
    CHECK_EQ(vmcbs[0].save.g_pat, 0x0606060606060606ULL);
}

TEST(a_bad_record_after_good_ones_changes_nothing)
{
    static struct buf b;
    struct hvm_hw_cpu good = long_mode_cpu(), bad = pvh_cpu();

    setup();
    bad.cr0 = 0x80000010;
    b.len = 0;
    add_header(&b);
    add(&b, HVM_SAVE_CODE_CPU, 0, &good, sizeof(good));
    add(&b, HVM_SAVE_CODE_CPU, 1, &bad, sizeof(bad));
    add_end(&b);
    refused(&b, -EINVAL);
    CHECK(!vcpus[0].is_initialised);
    CHECK_EQ(vmcbs[0].save.rip, 0);
}

TEST(load_only_into_a_domain_that_has_not_run)
{
    static struct buf b;
    struct hvm_hw_cpu c = pvh_cpu();

    setup();
    b.len = 0;
    add_header(&b);
    add(&b, HVM_SAVE_CODE_CPU, 0, &c, sizeof(c));
    add_end(&b);
    vcpus[1].state = VCPU_BLOCKED;
    refused(&b, -EBUSY);
    CHECK(ktest_log_contains("not stopped"));
    vcpus[1].state = VCPU_PAUSED;
    refused(&b, -EBUSY);
    vcpus[1].state = VCPU_OFFLINE;
    dom.state = DOMAIN_CRASHED;
    refused(&b, -EINVAL);
    dom.state = DOMAIN_RUNNING;
    /* A domain the toolstack paused: its vCPUs may be runnable, not on a CPU. */
    dom.pause_count = 1;
    vcpus[1].state = VCPU_RUNNABLE;
    vcpus[1].on_cpu = true;
    refused(&b, -EBUSY);
    vcpus[1].on_cpu = false;
    CHECK_EQ(hvm_load_domain(&dom, b.data, b.len), 0);
    dom.pause_count = 0;
    vcpus[1].state = VCPU_OFFLINE;
    CHECK_EQ(hvm_load_domain(&dom, b.data, b.len), 0);
}

/* ---- The domctls -------------------------------------------------------- */

static struct domain dom0;
static struct vcpu dom0_vcpu = { .domain = &dom0 };

static long domctl(uint32_t cmd, void *buf, uint32_t size, struct xen_domctl *op)
{
    bool copyback = false;
    long rc;

    memset(op, 0, sizeof(*op));
    op->cmd = cmd;
    op->u.hvmcontext.size = size;
    op->u.hvmcontext.buffer.p = buf;
    rc = cmd == XEN_DOMCTL_gethvmcontext
             ? domctl_gethvmcontext(&dom0_vcpu, &dom, op, &copyback)
             : domctl_sethvmcontext(&dom0_vcpu, &dom, op, &copyback);
    CHECK_EQ(copyback, cmd == XEN_DOMCTL_gethvmcontext);
    return rc;
}

TEST(domctl_get_and_set)
{
    static uint8_t buf[16384];
    struct xen_domctl op;
    struct hvm_hw_cpu c = pvh_cpu();
    static struct buf b;
    uint32_t need;

    setup();
    CHECK_EQ(domctl(XEN_DOMCTL_gethvmcontext, NULL, 0, &op), 0);
    need = op.u.hvmcontext.size;
    CHECK_EQ(need, hvm_save_size(&dom));
    CHECK_EQ(domctl(XEN_DOMCTL_gethvmcontext, buf, need - 1, &op), -ENOSPC);
    CHECK_EQ(domctl(XEN_DOMCTL_gethvmcontext, (void *)BAD_GVA, need, &op), -EFAULT);
    CHECK_EQ(domctl(XEN_DOMCTL_gethvmcontext, buf, need, &op), 0);
    CHECK(op.u.hvmcontext.size < need);
    memcpy(b.data, buf, op.u.hvmcontext.size);
    b.len = op.u.hvmcontext.size;
    {
        const struct hvm_save_header *h = (const void *)(buf + 8);
        CHECK_EQ(h->magic, HVM_FILE_MAGIC);
    }
    /* The builder's BSP context: HEADER from the get, CPU, END. */
    b.len = 8 + sizeof(struct hvm_save_header);
    add(&b, HVM_SAVE_CODE_CPU, 0, &c, sizeof(c));
    add_end(&b);
    CHECK_EQ(domctl(XEN_DOMCTL_sethvmcontext, (void *)BAD_GVA, b.len, &op), -EFAULT);
    CHECK(!vcpus[0].is_initialised);
    CHECK_EQ(domctl(XEN_DOMCTL_sethvmcontext, b.data, b.len, &op), 0);
    CHECK(vcpus[0].is_initialised);
    CHECK_EQ(vmcbs[0].save.rip, c.rip);
    CHECK_EQ(domctl(XEN_DOMCTL_sethvmcontext, b.data, 0, &op), -ENODATA);
    CHECK_EQ(domctl(XEN_DOMCTL_sethvmcontext, b.data, 0xffffffffu, &op), -ENOMEM);
    CHECK(ktest_log_contains("more than Keel takes"));
    /* Not on oneself. */
    dom0_vcpu.domain = &dom;
    CHECK_EQ(domctl(XEN_DOMCTL_gethvmcontext, NULL, 0, &op), -EINVAL);
    CHECK_EQ(domctl(XEN_DOMCTL_sethvmcontext, b.data, b.len, &op), -EINVAL);
    dom0_vcpu.domain = &dom0;
}

static long partial(uint32_t type, uint32_t inst, void *buf, uint64_t bufsz,
                    struct xen_domctl *op)
{
    bool copyback = false;
    long rc;

    memset(op, 0, sizeof(*op));
    op->cmd = XEN_DOMCTL_gethvmcontext_partial;
    op->u.hvmcontext_partial.type = type;
    op->u.hvmcontext_partial.instance = inst;
    op->u.hvmcontext_partial.bufsz = bufsz;
    op->u.hvmcontext_partial.buffer.p = buf;
    rc = domctl_gethvmcontext_partial(&dom0_vcpu, &dom, op, &copyback);
    CHECK_EQ(copyback, rc == 0);
    return rc;
}

TEST(domctl_get_one_record)
{
    static struct buf full;
    static uint8_t rec[2048];
    struct xen_domctl op;
    struct hvm_hw_cpu c = pvh_cpu();
    uint32_t len;
    const uint8_t *p;

    setup();
    CHECK_EQ(partial(HVM_SAVE_CODE_CPU, 0, NULL, 0, &op), -ENODATA);    /* down */
    CHECK_EQ(load_one_cpu(0, &c), 0);
    CHECK_EQ(partial(HVM_SAVE_CODE_CPU, 0, NULL, 0, &op), 0);
    CHECK_EQ(op.u.hvmcontext_partial.bufsz, sizeof(struct hvm_hw_cpu));
    CHECK_EQ(partial(HVM_SAVE_CODE_CPU, 0, rec, 100, &op), -ENOBUFS);
    CHECK_EQ(partial(HVM_SAVE_CODE_CPU, 0, (void *)BAD_GVA, 2048, &op), -EFAULT);
    CHECK_EQ(partial(HVM_SAVE_CODE_LAPIC_REGS, 1, rec, sizeof(rec), &op), 0);
    CHECK_EQ(op.u.hvmcontext_partial.bufsz, 1024);
    save(&full);
    p = find(&full, HVM_SAVE_CODE_LAPIC_REGS, 1, &len);
    CHECK(p && memcmp(p, rec, 1024) == 0);
    CHECK_EQ(partial(HVM_SAVE_CODE_MTRR, 1, rec, sizeof(rec), &op), 0);
    p = find(&full, HVM_SAVE_CODE_MTRR, 1, &len);
    CHECK(p && memcmp(p, rec, len) == 0);
    CHECK_EQ(partial(HVM_SAVE_CODE_HEADER, 0, rec, sizeof(rec), &op), -EINVAL);
    CHECK_EQ(partial(HVM_SAVE_CODE_END, 0, rec, sizeof(rec), &op), -EINVAL);
    CHECK_EQ(partial(HVM_SAVE_CODE_PIT, 0, rec, sizeof(rec), &op), -EINVAL);
    CHECK_EQ(partial(0x10000 + HVM_SAVE_CODE_CPU, 0, rec, sizeof(rec), &op), -EINVAL);
    CHECK_EQ(partial(HVM_SAVE_CODE_LAPIC, NR_VCPUS, rec, sizeof(rec), &op), -ENOENT);
    CHECK_EQ(partial(HVM_SAVE_CODE_LAPIC, 0xffffffffu, rec, sizeof(rec), &op), -ENOENT);
}
