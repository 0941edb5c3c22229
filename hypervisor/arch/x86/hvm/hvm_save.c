// SPDX-License-Identifier: GPL-2.0-only
/*
 * HVM save records of a domain, Xen 4.17's format (public/hvm/save.h): the
 * framing (descriptors, HEADER first, END last), the checks a loaded record
 * must pass, and the order Keel writes them in.  Moving fields in and out
 * of a vCPU is the vendor code's (hvm_vcpu_get/set_cpu_ctxt) and the
 * vLAPIC's (vlapic_save/load_*).  Interface: asm/hvm_save.h.
 *
 * A load is checked in full before anything is applied (pass 1), then
 * applied (pass 2, which runs the same checks again, on the same bytes:
 * the caller copied them out of the guest once), so that hostile input
 * never leaves a domain half-loaded.
 */
#include <asm/hvm_save.h>
#include <asm/hvm_vcpu.h>
#include <asm/processor.h>
#include <asm/svm/svm.h>
#include <keel/domain.h>
#include <keel/errno.h>
#include <keel/lib.h>
#include <keel/machine.h>
#include <keel/panic.h>
#include <public/hvm/save.h>

#define DESC_SIZE           ((uint32_t)sizeof(struct hvm_save_descriptor))

#define CR0_PE              (1ULL << 0)
#define CR0_ET              (1ULL << 4)
#define CR0_NW              (1ULL << 29)
#define CR0_CD              (1ULL << 30)
#define CR0_PG              (1ULL << 31)
/* PE MP EM TS ET NE WP AM NW CD PG: every other bit is reserved. */
#define CR0_KNOWN           0xe005003fULL
#define CR4_PAE             (1ULL << 5)
#define EFER_LMA            (1ULL << 10)
#define EFER_KNOWN          (EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE)
#define RFLAGS_KNOWN        0x3f7fd7ULL
#define SEG_ATTR_L          (1u << 9)
#define SEG_ATTR_DB         (1u << 10)
#define EVENT_VALID         (1u << 31)
#define EVENT_EV            (1u << 11)
#define EVENT_RESERVED      0x7ffff000u
#define MXCSR_KNOWN         0xffbfu     /* DAZ (bit 6) not offered */
#define MTRR_DEF_TYPE_KEEL  0xc06ULL    /* what RDMSR reads: on, write-back */

/* Everything a record may hold, for an aligned copy of its payload. */
union record {
    struct hvm_save_header header;
    struct hvm_hw_cpu cpu;
    struct hvm_hw_lapic lapic;
    struct hvm_hw_lapic_regs lapic_regs;
    struct hvm_hw_mtrr mtrr;
};

/* The length of a type Keel loads, 0 for any other. */
static uint32_t record_length(uint16_t code)
{
    switch (code) {
    case HVM_SAVE_CODE_HEADER:      return sizeof(struct hvm_save_header);
    case HVM_SAVE_CODE_CPU:         return sizeof(struct hvm_hw_cpu);
    case HVM_SAVE_CODE_LAPIC:       return sizeof(struct hvm_hw_lapic);
    case HVM_SAVE_CODE_LAPIC_REGS:  return sizeof(struct hvm_hw_lapic_regs);
    case HVM_SAVE_CODE_MTRR:        return sizeof(struct hvm_hw_mtrr);
    default:                        return 0;
    }
}

/* ---- The domain's state ------------------------------------------------- */

/* Records move only while no vCPU can run: the domain is paused by the
 * toolstack (XEN_DOMCTL_pausedomain returns once none of its vCPUs is on a
 * CPU; a new domain starts paused), or every vCPU is offline (and, for a
 * save, stopped by Keel). */
static int check_stopped(const struct domain *d, bool load)
{
    if (d->state != DOMAIN_RUNNING)
        return -EINVAL;
    if (__atomic_load_n(&d->pause_count, __ATOMIC_SEQ_CST)) {
        for (uint32_t i = 0; i < d->nr_vcpus; i++)
            if (__atomic_load_n(&d->vcpus[i]->on_cpu, __ATOMIC_ACQUIRE))
                return -EBUSY;
        return 0;
    }
    for (uint32_t i = 0; i < d->nr_vcpus; i++) {
        enum vcpu_state s = __atomic_load_n(&d->vcpus[i]->state, __ATOMIC_ACQUIRE);

        if (s != VCPU_OFFLINE && (load || s != VCPU_PAUSED)) {
            pr_warn("hvm_save: d%u v%u is not stopped (state %d)\n", d->domid, i, s);
            return -EBUSY;
        }
    }
    return 0;
}

/* A vCPU that is up has a CPU record; one that is down (never started, or
 * not given a CPU record by the last load) has none, as on Xen. */
static bool vcpu_is_up(const struct vcpu *v)
{
    return v->state != VCPU_OFFLINE || v->is_initialised;
}

/* ---- Saving ------------------------------------------------------------- */

struct writer {
    uint8_t *buf;
    uint32_t size, cur;
};

static void put_record(struct writer *w, uint16_t code, uint16_t instance,
                       const void *rec, uint32_t len)
{
    struct hvm_save_descriptor desc = {
        .typecode = code, .instance = instance, .length = len,
    };

    BUG_ON(w->size - w->cur < DESC_SIZE + len);     /* sized by hvm_save_size */
    memcpy(w->buf + w->cur, &desc, DESC_SIZE);
    memcpy(w->buf + w->cur + DESC_SIZE, rec, len);
    w->cur += DESC_SIZE + len;
}

uint32_t hvm_save_size(const struct domain *d)
{
    uint32_t per_vcpu = 4 * DESC_SIZE + sizeof(struct hvm_hw_cpu) +
                        sizeof(struct hvm_hw_lapic) + sizeof(struct hvm_hw_lapic_regs) +
                        sizeof(struct hvm_hw_mtrr);

    return 2 * DESC_SIZE + sizeof(struct hvm_save_header) + d->nr_vcpus * per_vcpu;
}

static void save_mtrr(struct vcpu *v, struct hvm_hw_mtrr *m)
{
    memset(m, 0, sizeof(*m));
    m->msr_pat_cr = hvm_vcpu_get_pat(v);
    m->msr_mtrr_cap = 0;                    /* no ranges: what RDMSR reads */
    m->msr_mtrr_def_type = MTRR_DEF_TYPE_KEEL;
}

/* In Xen's order: by type, then by vCPU. */
static void save_records(struct domain *d, struct writer *w)
{
    union record r;
    uint64_t host_tsc = rdtsc();

    memset(&r, 0, sizeof(r));
    r.header.magic = HVM_FILE_MAGIC;
    r.header.version = HVM_FILE_VERSION;
    r.header.changeset = ~0ULL;             /* not a Xen changeset */
    r.header.cpuid = cpuid(1).eax;
    r.header.gtsc_khz = (uint32_t)tsc_khz();
    put_record(w, HVM_SAVE_CODE_HEADER, 0, &r.header, sizeof(r.header));
    for (uint32_t i = 0; i < d->nr_vcpus; i++) {
        if (!vcpu_is_up(d->vcpus[i]))
            continue;
        hvm_vcpu_get_cpu_ctxt(d->vcpus[i], &r.cpu, host_tsc);
        put_record(w, HVM_SAVE_CODE_CPU, (uint16_t)i, &r.cpu, sizeof(r.cpu));
    }
    for (uint32_t i = 0; i < d->nr_vcpus; i++) {
        vlapic_save_hidden(&d->vcpus[i]->hvm.vlapic, &r.lapic);
        put_record(w, HVM_SAVE_CODE_LAPIC, (uint16_t)i, &r.lapic, sizeof(r.lapic));
    }
    for (uint32_t i = 0; i < d->nr_vcpus; i++) {
        vlapic_save_regs(&d->vcpus[i]->hvm.vlapic, &r.lapic_regs);
        put_record(w, HVM_SAVE_CODE_LAPIC_REGS, (uint16_t)i, &r.lapic_regs,
                   sizeof(r.lapic_regs));
    }
    for (uint32_t i = 0; i < d->nr_vcpus; i++) {
        save_mtrr(d->vcpus[i], &r.mtrr);
        put_record(w, HVM_SAVE_CODE_MTRR, (uint16_t)i, &r.mtrr, sizeof(r.mtrr));
    }
    put_record(w, HVM_SAVE_CODE_END, 0, &r, 0);
}

long hvm_save_domain(struct domain *d, uint8_t *buf, uint32_t size, uint32_t *used)
{
    struct writer w = { .buf = buf, .size = size, .cur = 0 };
    int rc;

    if (!buf || size == 0) {
        *used = hvm_save_size(d);
        return 0;
    }
    rc = check_stopped(d, false);
    if (rc)
        return rc;
    if (size < hvm_save_size(d))
        return -ENOSPC;
    save_records(d, &w);
    *used = w.cur;
    return 0;
}

long hvm_save_one(struct domain *d, uint32_t type, uint32_t instance, void *rec,
                  uint32_t *len)
{
    struct vcpu *v;
    uint64_t tsc = rdtsc();
    int rc;

    BUILD_BUG_ON(sizeof(union record) != HVM_SAVE_RECORD_MAX);
    if (type == HVM_SAVE_CODE_HEADER || record_length((uint16_t)type) == 0 ||
        type > HVM_SAVE_CODE_MAX)
        return -EINVAL;
    if (instance >= d->nr_vcpus)
        return -ENOENT;
    rc = check_stopped(d, false);
    if (rc)
        return rc;
    v = d->vcpus[instance];
    switch (type) {
    case HVM_SAVE_CODE_CPU:
        if (!vcpu_is_up(v))
            return -ENODATA;
        hvm_vcpu_get_cpu_ctxt(v, rec, tsc);
        break;
    case HVM_SAVE_CODE_LAPIC:
        vlapic_save_hidden(&v->hvm.vlapic, rec);
        break;
    case HVM_SAVE_CODE_LAPIC_REGS:
        vlapic_save_regs(&v->hvm.vlapic, rec);
        break;
    case HVM_SAVE_CODE_MTRR:
        save_mtrr(v, rec);
        break;
    }
    *len = record_length((uint16_t)type);
    return 0;
}

/* ---- Checking a record -------------------------------------------------- */

static bool canonical(uint64_t va)
{
    return (uint64_t)((int64_t)(va << 16) >> 16) == va;
}

static uint32_t maxphyaddr(struct vcpu *v)
{
    uint32_t r[4];

    guest_cpuid(v, 0x80000008, 0, r);
    return (r[0] & 0xff) ? (r[0] & 0xff) : 36;
}

/* The CR4 bits the guest's CPUID offers, as Xen derives them. */
static uint64_t cr4_valid_bits(struct vcpu *v)
{
    uint32_t l1[4], l7[4];
    uint64_t ok = 1ULL << 8;                        /* PCE */

    guest_cpuid(v, 1, 0, l1);
    guest_cpuid(v, 7, 0, l7);
    if (l1[3] & (1u << 1))  ok |= (1ULL << 0) | (1ULL << 1);   /* VME: VME, PVI */
    if (l1[3] & (1u << 4))  ok |= 1ULL << 2;        /* TSC: TSD */
    if (l1[3] & (1u << 2))  ok |= 1ULL << 3;        /* DE */
    if (l1[3] & (1u << 3))  ok |= 1ULL << 4;        /* PSE */
    if (l1[3] & (1u << 6))  ok |= 1ULL << 5;        /* PAE */
    if (l1[3] & ((1u << 7) | (1u << 14))) ok |= 1ULL << 6;    /* MCE or MCA: MCE */
    if (l1[3] & (1u << 13)) ok |= 1ULL << 7;        /* PGE */
    if (l1[3] & (1u << 24)) ok |= 1ULL << 9;        /* FXSR: OSFXSR */
    if (l1[3] & (1u << 25)) ok |= 1ULL << 10;       /* SSE: OSXMMEXCPT */
    if (l7[2] & (1u << 2))  ok |= 1ULL << 11;       /* UMIP */
    if (l7[1] & (1u << 0))  ok |= 1ULL << 16;       /* FSGSBASE */
    if (l1[2] & (1u << 17)) ok |= 1ULL << 17;       /* PCID: PCIDE */
    if (l1[2] & (1u << 26)) ok |= 1ULL << 18;       /* XSAVE: OSXSAVE */
    if (l7[1] & (1u << 7))  ok |= 1ULL << 20;       /* SMEP */
    if (l7[1] & (1u << 20)) ok |= 1ULL << 21;       /* SMAP */
    if (l7[2] & (1u << 3))  ok |= 1ULL << 22;       /* PKU: PKE */
    return ok;
}

/* EFER as Xen's hvm_efer_valid() checks it, against the guest's CPUID. */
static const char *efer_error(struct vcpu *v, uint64_t efer, uint64_t cr0)
{
    uint32_t r[4];

    guest_cpuid(v, 0x80000001, 0, r);
    if (efer & ~EFER_KNOWN)
        return "unknown bits";
    if ((efer & EFER_SCE) && !(r[3] & (1u << 11)))
        return "SCE without SYSCALL";
    if ((efer & (EFER_LME | EFER_LMA)) && !(r[3] & (1u << 29)))
        return "LME/LMA without long mode";
    if ((efer & EFER_LMA) && (!(efer & EFER_LME) || !(cr0 & CR0_PG)))
        return "LMA without LME and CR0.PG";
    if ((efer & EFER_NXE) && !(r[3] & (1u << 20)))
        return "NXE without NX";
    return NULL;
}

/* Xen's older VMX-format arbytes (bits 12-15 for AVL/L/DB/G) fold down. */
static int fold_arbytes(uint32_t *ar)
{
    if ((*ar & 0xf000) && !(*ar & 0x0f00))
        *ar = (*ar & 0xff) | ((*ar >> 4) & 0xf00);
    return *ar > 0xfff ? -EINVAL : 0;
}

static const char *cpu_regs_error(struct vcpu *v, struct hvm_hw_cpu *c)
{
    bool long_mode = (c->msr_efer & EFER_LME) && (c->cr0 & CR0_PG);
    const char *err;

    if (c->pad0 || (c->flags & ~XEN_X86_FPU_INITIALISED))
        return "pad0 or unknown flags";
    if ((c->cr0 & ~CR0_KNOWN) || !(c->cr0 & CR0_ET) ||
        ((c->cr0 & CR0_PG) && !(c->cr0 & CR0_PE)) ||
        ((c->cr0 & CR0_NW) && !(c->cr0 & CR0_CD)))
        return "bad CR0";
    if (c->cr4 & ~cr4_valid_bits(v))
        return "bad CR4";
    if ((err = efer_error(v, c->msr_efer, c->cr0)))
        return err;
    if (long_mode && !(c->cr4 & CR4_PAE))
        return "long mode without CR4.PAE";
    if (c->cr3 >> maxphyaddr(v))
        return "CR3 beyond MAXPHYADDR";
    if (fold_arbytes(&c->cs_arbytes) || fold_arbytes(&c->ds_arbytes) ||
        fold_arbytes(&c->es_arbytes) || fold_arbytes(&c->fs_arbytes) ||
        fold_arbytes(&c->gs_arbytes) || fold_arbytes(&c->ss_arbytes) ||
        fold_arbytes(&c->tr_arbytes) || fold_arbytes(&c->ldtr_arbytes))
        return "bad segment attributes";
    if (long_mode && (c->cs_arbytes & SEG_ATTR_L) && (c->cs_arbytes & SEG_ATTR_DB))
        return "CS with both L and D";
    if (c->rflags & ~RFLAGS_KNOWN)
        return "reserved RFLAGS bits";
    if (c->dr0 || c->dr1 || c->dr2 || c->dr3)
        return "DR0-3 (not kept by Keel)";
    if ((c->dr6 >> 32) || (c->dr7 >> 32))
        return "DR6/DR7 upper half";
    return NULL;
}

static const char *cpu_misc_error(struct hvm_hw_cpu *c)
{
    uint32_t mxcsr, type = (c->pending_event >> 8) & 7;

    if (!canonical(c->fs_base) || !canonical(c->gs_base) || !canonical(c->tr_base) ||
        !canonical(c->ldtr_base) || !canonical(c->gdtr_base) ||
        !canonical(c->idtr_base) || !canonical(c->shadow_gs) ||
        !canonical(c->msr_lstar) || !canonical(c->msr_cstar) ||
        !canonical(c->sysenter_esp) || !canonical(c->sysenter_eip))
        return "non-canonical base or MSR";
    if (c->msr_tsc_aux >> 32)
        return "TSC_AUX beyond 32 bits";
    if ((c->pending_event & EVENT_VALID) &&
        (type == 1 || type > 4 || (c->pending_event & EVENT_RESERVED) ||
         ((c->pending_event & EVENT_EV) && c->error_code > 0xffff)))
        return "bad pending event";
    memcpy(&mxcsr, c->fpu_regs + 24, sizeof(mxcsr));
    if ((c->flags & XEN_X86_FPU_INITIALISED) && (mxcsr & ~MXCSR_KNOWN))
        return "reserved MXCSR bits";
    return NULL;
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

/* Keel offers no MTRR ranges (MTRR_CAP 0): a record may set PAT and a
 * default type, which nested paging makes moot and Keel does not keep. */
static const char *mtrr_error(const struct hvm_hw_mtrr *m)
{
    uint8_t type = (uint8_t)m->msr_mtrr_def_type;

    if (!pat_valid(m->msr_pat_cr))
        return "bad PAT";
    if (m->msr_mtrr_cap != 0)
        return "MTRR_CAP other than Keel's (0)";
    for (uint32_t i = 0; i < MTRR_VCNT * 2; i++)
        if (m->msr_mtrr_var[i])
            return "variable ranges (Keel has none)";
    for (uint32_t i = 0; i < NUM_FIXED_MSR; i++)
        if (m->msr_mtrr_fixed[i])
            return "fixed ranges (Keel has none)";
    if ((m->msr_mtrr_def_type & ~0xcffULL) ||
        !(type == 0 || type == 1 || type == 4 || type == 5 || type == 6))
        return "bad MTRR default type";
    return NULL;
}

/* ---- Loading ------------------------------------------------------------ */

/* Check one per-vCPU record and, if apply, load it into v. */
static int load_vcpu_record(struct vcpu *v, uint16_t code, union record *r,
                            bool apply, uint64_t host_tsc)
{
    const char *err = NULL;

    switch (code) {
    case HVM_SAVE_CODE_CPU:
        if (!(err = cpu_regs_error(v, &r->cpu)))
            err = cpu_misc_error(&r->cpu);
        if (!err && apply) {
            hvm_vcpu_set_cpu_ctxt(v, &r->cpu, host_tsc);
            v->is_initialised = true;
        }
        break;
    case HVM_SAVE_CODE_LAPIC:
        if (vlapic_check_hidden(&v->hvm.vlapic, &r->lapic))
            err = "bad APIC base or flags";
        else if (apply)
            vlapic_load_hidden(&v->hvm.vlapic, &r->lapic);
        break;
    case HVM_SAVE_CODE_LAPIC_REGS:
        if (apply)
            vlapic_load_regs(&v->hvm.vlapic, &r->lapic_regs);
        break;
    case HVM_SAVE_CODE_MTRR:
        if (!(err = mtrr_error(&r->mtrr)) && apply)
            hvm_vcpu_set_pat(v, r->mtrr.msr_pat_cr);
        break;
    }
    if (err) {
        pr_warn("hvm_load: d%u v%u record %u: %s\n", v->domain->domid, v->vcpu_id,
                code, err);
        return -EINVAL;
    }
    return 0;
}

static int check_header(struct domain *d, const struct hvm_save_header *h, bool apply)
{
    if (h->magic != HVM_FILE_MAGIC || h->version != HVM_FILE_VERSION) {
        pr_warn("hvm_load: d%u: bad magic %#x or version %u\n", d->domid, h->magic,
                h->version);
        return -EINVAL;
    }
    if (apply && (h->cpuid & ~0xfu) != (cpuid(1).eax & ~0xfu))
        pr_info("hvm_load: d%u: saved on CPU %#x, loaded on %#x\n", d->domid, h->cpuid,
                cpuid(1).eax);
    return 0;
}

/* One pass over buf: check every record, load each if apply. */
static int load_records(struct domain *d, const uint8_t *buf, uint32_t size, bool apply)
{
    struct hvm_save_descriptor desc;
    uint64_t host_tsc = rdtsc();
    uint32_t cur = 0;
    union record r;
    int rc;

    for (;;) {
        if (size - cur < DESC_SIZE) {
            pr_warn("hvm_load: d%u: no END record\n", d->domid);
            return -ENODATA;
        }
        memcpy(&desc, buf + cur, DESC_SIZE);
        cur += DESC_SIZE;
        if (cur == DESC_SIZE && (desc.typecode != HVM_SAVE_CODE_HEADER ||
                                 desc.length != sizeof(r.header) ||
                                 size - cur < desc.length)) {
            pr_warn("hvm_load: d%u: no HEADER first\n", d->domid);
            return -ENODATA;
        }
        if (desc.typecode == HVM_SAVE_CODE_END)
            return desc.length == 0 ? 0 : -EINVAL;
        if (record_length(desc.typecode) == 0 || desc.length > size - cur ||
            desc.length != record_length(desc.typecode) ||
            (desc.typecode == HVM_SAVE_CODE_HEADER && cur != DESC_SIZE) ||
            (desc.typecode != HVM_SAVE_CODE_HEADER && desc.instance >= d->nr_vcpus)) {
            pr_warn("hvm_load: d%u: bad record %u/%u, length %u at %u\n", d->domid,
                    desc.typecode, desc.instance, desc.length, cur - DESC_SIZE);
            return -EINVAL;
        }
        memcpy(&r, buf + cur, desc.length);
        cur += desc.length;
        if (desc.typecode == HVM_SAVE_CODE_HEADER)
            rc = check_header(d, &r.header, apply);
        else
            rc = load_vcpu_record(d->vcpus[desc.instance], desc.typecode, &r, apply,
                                  host_tsc);
        if (rc)
            return rc;
    }
}

long hvm_load_domain(struct domain *d, const uint8_t *buf, uint32_t size)
{
    int rc = check_stopped(d, true);

    if (rc)
        return rc;
    rc = load_records(d, buf, size, false);
    if (rc)
        return rc;
    for (uint32_t i = 0; i < d->nr_vcpus; i++)
        d->vcpus[i]->is_initialised = false;   /* down unless given a CPU record */
    rc = load_records(d, buf, size, true);
    if (rc) {                           /* the checks are the same: never */
        pr_err("hvm_load: d%u: a checked buffer failed to load (%d)\n", d->domid, rc);
        return rc;
    }
    /* A vCPU given a CPU record runs from it: at once, or when the
     * toolstack unpauses the domain (the scheduler parks it till then). */
    for (uint32_t i = 0; i < d->nr_vcpus; i++)
        if (d->vcpus[i]->is_initialised)
            vcpu_wake(d->vcpus[i]);
    return 0;
}
