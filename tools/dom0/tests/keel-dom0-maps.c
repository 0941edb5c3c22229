// SPDX-License-Identifier: GPL-2.0-only
/*
 * keel-dom0-maps DOMID: run in Linux dom0 beside a test-dom0peer domU
 * (guest-drivers/tests/dom0peer), it reaches Keel only through Linux's own
 * drivers, as a toolstack and backends do:
 *   /dev/xen/privcmd  IOCTL_PRIVCMD_HYPERCALL: sysctl physinfo and
 *                     getdomaininfolist; IOCTL_PRIVCMD_MMAPBATCH_V2 of the
 *                     domU's pattern pages (checked, a reply written);
 *                     IOCTL_PRIVCMD_MMAP_RESOURCE of its grant table
 *                     (entries 8 and 9 checked);
 *   /dev/xen/gntdev   IOCTL_GNTDEV_MAP_GRANT_REF + mmap of ref 8 (checked,
 *                     a reply written) and ref 9 (read-only: a writable
 *                     mapping must fail, a read-only one works).
 * Then it waits for the domU to end.  One "dom0-maps: <check> ok" line per
 * check, or "dom0-maps: <check> FAILED: why"; exit status 1 if any failed.
 * The ioctl structures are written here from Linux's UAPI layouts
 * (include/uapi/xen/privcmd.h, gntdev.h); Xen's from Keel's public headers.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <public/xen.h>
#include <public/domctl.h>
#include <public/grant_table.h>
#include <public/memory.h>
#include <public/sysctl.h>
#include "dom0peer.h"

#define PAGE_SIZE       4096ul
#define MAX_DOMAINS     64u
#define END_WAIT_S      300

/* ---- Linux's privcmd and gntdev ioctls (UAPI layouts) ----------------- */

struct privcmd_hypercall {
    uint64_t op;
    uint64_t arg[5];
};

struct privcmd_mmapbatch_v2 {
    unsigned int num;
    domid_t dom;
    uint64_t addr;
    const xen_pfn_t *arr;
    int *err;
};

struct privcmd_mmap_resource {
    domid_t dom;
    uint32_t type;
    uint32_t id;
    uint32_t idx;
    uint64_t num;
    uint64_t addr;
};

struct gntdev_grant_ref {
    uint32_t domid;
    uint32_t ref;
};

struct gntdev_map_grant_ref {
    uint32_t count;
    uint32_t pad;
    uint64_t index;                     /* out: the mmap offset */
    struct gntdev_grant_ref refs[1];
};

struct gntdev_unmap_grant_ref {
    uint64_t index;
    uint32_t count;
    uint32_t pad;
};

#define IOCTL_PRIVCMD_HYPERCALL      _IOC(_IOC_NONE, 'P', 0, sizeof(struct privcmd_hypercall))
#define IOCTL_PRIVCMD_MMAPBATCH_V2   _IOC(_IOC_NONE, 'P', 4, sizeof(struct privcmd_mmapbatch_v2))
#define IOCTL_PRIVCMD_MMAP_RESOURCE  _IOC(_IOC_NONE, 'P', 7, sizeof(struct privcmd_mmap_resource))
#define IOCTL_GNTDEV_MAP_GRANT_REF   _IOC(_IOC_NONE, 'G', 0, sizeof(struct gntdev_map_grant_ref))
#define IOCTL_GNTDEV_UNMAP_GRANT_REF _IOC(_IOC_NONE, 'G', 1, sizeof(struct gntdev_unmap_grant_ref))

/* ---- Reporting ----------------------------------------------------------- */

static int failures;

static void ok(const char *check)
{
    printf("dom0-maps: %s ok\n", check);
    fflush(stdout);
}

/* Always false, so that "return fail(...)" ends a check. */
static __attribute__((format(printf, 2, 3))) int fail(const char *check, const char *fmt, ...)
{
    va_list ap;

    printf("dom0-maps: %s FAILED: ", check);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
    fflush(stdout);
    failures++;
    return 0;
}

/* The first word of a mapped page that differs; DOM0PEER_WORDS if none. */
static uint32_t first_wrong(const volatile uint64_t *w, domid_t dom, uint64_t gfn, int reply)
{
    for (uint32_t i = 0; i < DOM0PEER_WORDS; i++)
        if (w[i] != (reply ? dom0peer_reply(dom, gfn, i) : dom0peer_word(dom, gfn, i)))
            return i;
    return DOM0PEER_WORDS;
}

static int check_pattern(const char *check, const volatile uint64_t *w, domid_t dom, uint64_t gfn)
{
    uint32_t i = first_wrong(w, dom, gfn, 0);

    if (i < DOM0PEER_WORDS)
        return fail(check, "gfn %#lx word %u is %#lx, expected %#lx", (unsigned long)gfn, i,
                    (unsigned long)w[i], (unsigned long)dom0peer_word(dom, gfn, i));
    return 1;
}

static void write_reply(volatile uint64_t *w, domid_t dom, uint64_t gfn)
{
    for (uint32_t i = 0; i < DOM0PEER_WORDS; i++)
        w[i] = dom0peer_reply(dom, gfn, i);
}

/* ---- Hypercalls through privcmd ----------------------------------------- */

static int privcmd = -1;

/* The hypercall's result: >= 0, or -errno (Xen's errno values are Linux's). */
static long hypercall1(uint64_t op, void *arg)
{
    struct privcmd_hypercall h = { .op = op, .arg = { (uint64_t)(uintptr_t)arg } };
    long rc = ioctl(privcmd, IOCTL_PRIVCMD_HYPERCALL, &h);

    return rc < 0 ? -errno : rc;
}

/* Sysctl buffers stay mapped (mlock) while Keel reads and writes them. */
static long sysctl(struct xen_sysctl *s)
{
    s->interface_version = XEN_SYSCTL_INTERFACE_VERSION;
    return hypercall1(__HYPERVISOR_sysctl, s);
}

static int check_physinfo(void)
{
    static struct xen_sysctl s;
    struct xen_sysctl_physinfo *p = &s.u.physinfo;
    long rc;

    memset(&s, 0, sizeof(s));
    s.cmd = XEN_SYSCTL_physinfo;
    if ((rc = sysctl(&s)) != 0)
        return fail("physinfo", "sysctl physinfo: %ld", rc);
    printf("dom0-maps: physinfo: %u CPUs, %lu pages, %lu free, %u kHz\n", p->nr_cpus,
           (unsigned long)p->total_pages, (unsigned long)p->free_pages, p->cpu_khz);
    if (p->nr_cpus < 1 || p->nr_cpus > 4096 || p->max_cpu_id + 1 < p->nr_cpus)
        return fail("physinfo", "nr_cpus %u max_cpu_id %u", p->nr_cpus, p->max_cpu_id);
    if (p->total_pages == 0 || p->free_pages > p->total_pages || p->max_mfn < p->total_pages / 2)
        return fail("physinfo", "total %lu free %lu max_mfn %lu pages",
                    (unsigned long)p->total_pages, (unsigned long)p->free_pages,
                    (unsigned long)p->max_mfn);
    ok("physinfo");
    return 1;
}

static struct xen_domctl_getdomaininfo infos[MAX_DOMAINS];

/* The domains' entries into infos; their number, or -errno. */
static long domain_list(void)
{
    static struct xen_sysctl s;
    long rc;

    memset(&s, 0, sizeof(s));
    memset(infos, 0, sizeof(infos));
    s.cmd = XEN_SYSCTL_getdomaininfolist;
    s.u.getdomaininfolist.first_domain = 0;
    s.u.getdomaininfolist.max_domains = MAX_DOMAINS;
    set_xen_guest_handle(s.u.getdomaininfolist.buffer, infos);
    rc = sysctl(&s);
    return rc < 0 ? rc : (long)s.u.getdomaininfolist.num_domains;
}

static const struct xen_domctl_getdomaininfo *find(long n, domid_t dom)
{
    for (long i = 0; i < n; i++)
        if (infos[i].domain == dom)
            return &infos[i];
    return NULL;
}

static int check_domain_list(domid_t peer)
{
    const struct xen_domctl_getdomaininfo *d0, *du;
    long n = domain_list();

    if (n < 0)
        return fail("getdomaininfolist", "sysctl: %ld", n);
    if (n < 2 || n > (long)MAX_DOMAINS)
        return fail("getdomaininfolist", "%ld domains", n);
    for (long i = 1; i < n; i++)
        if (infos[i].domain <= infos[i - 1].domain)
            return fail("getdomaininfolist", "not in id order: d%u after d%u",
                        infos[i].domain, infos[i - 1].domain);
    d0 = find(n, 0);
    du = find(n, peer);
    if (!d0 || !du)
        return fail("getdomaininfolist", "d0 %s, d%u %s", d0 ? "listed" : "missing", peer,
                    du ? "listed" : "missing");
    printf("dom0-maps: getdomaininfolist: %ld domains; d0 flags %#x %lu pages, d%u flags %#x "
           "%lu pages\n", n, d0->flags, (unsigned long)d0->tot_pages, peer, du->flags,
           (unsigned long)du->tot_pages);
    if (d0->tot_pages == 0 || du->tot_pages == 0 || du->tot_pages > du->max_pages)
        return fail("getdomaininfolist", "page counts d0 %lu, d%u %lu of %lu",
                    (unsigned long)d0->tot_pages, peer, (unsigned long)du->tot_pages,
                    (unsigned long)du->max_pages);
    if ((du->flags & (XEN_DOMINF_dying | XEN_DOMINF_shutdown)) ||
        !(du->flags & XEN_DOMINF_hvm_guest) || du->nr_online_vcpus < 1)
        return fail("getdomaininfolist", "d%u flags %#x, %u vCPUs online", peer, du->flags,
                    du->nr_online_vcpus);
    ok("getdomaininfolist");
    return 1;
}

/* ---- Foreign mappings through privcmd ----------------------------------- */

static int check_mmapbatch(domid_t peer)
{
    const char *c = "mmapbatch";
    xen_pfn_t gfns[DOM0PEER_PAGES];
    int err[DOM0PEER_PAGES];
    struct privcmd_mmapbatch_v2 b;
    size_t len = DOM0PEER_PAGES * PAGE_SIZE;
    uint8_t *va;
    int good = 1;

    va = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, privcmd, 0);
    if (va == MAP_FAILED)
        return fail(c, "mmap of privcmd: %s", strerror(errno));
    for (uint32_t i = 0; i < DOM0PEER_PAGES; i++) {
        gfns[i] = DOM0PEER_GFN + i;
        err[i] = -9999;
    }
    b = (struct privcmd_mmapbatch_v2){ .num = DOM0PEER_PAGES, .dom = peer,
                                       .addr = (uint64_t)(uintptr_t)va, .arr = gfns, .err = err };
    if (ioctl(privcmd, IOCTL_PRIVCMD_MMAPBATCH_V2, &b) < 0) {
        fail(c, "IOCTL_PRIVCMD_MMAPBATCH_V2: %s (errors %d %d %d %d)", strerror(errno),
             err[0], err[1], err[2], err[3]);
        munmap(va, len);
        return 0;
    }
    for (uint32_t i = 0; i < DOM0PEER_PAGES && good; i++) {
        if (err[i] != 0)
            good = fail(c, "gfn %#x: error %d", DOM0PEER_GFN + i, err[i]);
        else
            good = check_pattern(c, (uint64_t *)(va + i * PAGE_SIZE), peer, DOM0PEER_GFN + i);
    }
    if (good) {
        ok("mmapbatch-read");
        write_reply((uint64_t *)(va + (DOM0PEER_GFN_REPLY - DOM0PEER_GFN) * PAGE_SIZE), peer,
                    DOM0PEER_GFN_REPLY);
        ok("mmapbatch-reply-written");
    }
    if (munmap(va, len) < 0)
        return fail("mmapbatch-unmap", "munmap: %s", strerror(errno));
    ok("mmapbatch-unmap");
    return good;
}

static int check_grant_entry(const struct grant_entry_v1 *e, grant_ref_t ref, uint16_t flags,
                             uint64_t gfn)
{
    if (e->flags != flags || e->domid != 0 || e->frame != gfn)
        return fail("mmap-resource", "entry %u: flags %#x domid %u frame %#x, expected flags "
                    "%#x domid 0 frame %#lx", ref, e->flags, e->domid, e->frame, flags,
                    (unsigned long)gfn);
    return 1;
}

static int check_mmap_resource(domid_t peer)
{
    struct privcmd_mmap_resource r;
    struct grant_entry_v1 *t;
    int good;

    t = mmap(NULL, PAGE_SIZE, PROT_READ, MAP_SHARED, privcmd, 0);
    if (t == MAP_FAILED)
        return fail("mmap-resource", "mmap of privcmd: %s", strerror(errno));
    r = (struct privcmd_mmap_resource){ .dom = peer, .type = XENMEM_resource_grant_table,
                                        .id = XENMEM_resource_grant_table_id_shared, .idx = 0,
                                        .num = 1, .addr = (uint64_t)(uintptr_t)t };
    if (ioctl(privcmd, IOCTL_PRIVCMD_MMAP_RESOURCE, &r) < 0) {
        fail("mmap-resource", "IOCTL_PRIVCMD_MMAP_RESOURCE grant table frame 0: %s",
             strerror(errno));
        munmap(t, PAGE_SIZE);
        return 0;
    }
    good = check_grant_entry(&t[DOM0PEER_REF_RW], DOM0PEER_REF_RW, GTF_permit_access,
                             DOM0PEER_GFN_RW) &&
           check_grant_entry(&t[DOM0PEER_REF_RO], DOM0PEER_REF_RO,
                             GTF_permit_access | GTF_readonly, DOM0PEER_GFN_RO);
    munmap(t, PAGE_SIZE);
    if (good)
        ok("mmap-resource");
    return good;
}

/* ---- Grants through gntdev ---------------------------------------------- */

static int gntdev = -1;

/* Map ref of peer in gntdev; its mmap offset, or -errno. */
static int64_t grant_map(domid_t peer, grant_ref_t ref)
{
    struct gntdev_map_grant_ref m = { .count = 1, .refs = { { .domid = peer, .ref = ref } } };

    if (ioctl(gntdev, IOCTL_GNTDEV_MAP_GRANT_REF, &m) < 0)
        return -errno;
    return (int64_t)m.index;
}

static int grant_unmap(uint64_t index)
{
    struct gntdev_unmap_grant_ref u = { .index = index, .count = 1 };

    return ioctl(gntdev, IOCTL_GNTDEV_UNMAP_GRANT_REF, &u) < 0 ? -errno : 0;
}

static int check_gntdev_rw(domid_t peer)
{
    const char *c = "gntdev-rw";
    int64_t index = grant_map(peer, DOM0PEER_REF_RW);
    uint64_t *w;
    int good, rc;

    if (index < 0)
        return fail(c, "IOCTL_GNTDEV_MAP_GRANT_REF ref 8: %s", strerror((int)-index));
    w = mmap(NULL, PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, gntdev, (off_t)index);
    if (w == MAP_FAILED) {
        fail(c, "mmap of ref 8: %s", strerror(errno));
        grant_unmap((uint64_t)index);
        return 0;
    }
    good = check_pattern(c, w, peer, DOM0PEER_GFN_RW);
    if (good) {
        write_reply(w, peer, DOM0PEER_GFN_RW);
        ok("gntdev-rw");
    }
    munmap(w, PAGE_SIZE);
    if ((rc = grant_unmap((uint64_t)index)) < 0)
        return fail("gntdev-rw-unmap", "IOCTL_GNTDEV_UNMAP_GRANT_REF: %s", strerror(-rc));
    ok("gntdev-rw-unmap");
    return good;
}

static int check_gntdev_ro(domid_t peer)
{
    int64_t index = grant_map(peer, DOM0PEER_REF_RO);
    uint64_t *w;
    int good, rc;

    if (index < 0)
        return fail("gntdev-ro", "IOCTL_GNTDEV_MAP_GRANT_REF ref 9: %s", strerror((int)-index));
    w = mmap(NULL, PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, gntdev, (off_t)index);
    if (w != MAP_FAILED) {
        munmap(w, PAGE_SIZE);
        grant_unmap((uint64_t)index);
        return fail("gntdev-ro-refuses-write", "a writable mmap of read-only ref 9 worked");
    }
    /* A fresh map: gntdev keeps the failed one's state.  The refusal counts
     * only if the read-only mmap below works. */
    grant_unmap((uint64_t)index);
    if ((index = grant_map(peer, DOM0PEER_REF_RO)) < 0)
        return fail("gntdev-ro", "IOCTL_GNTDEV_MAP_GRANT_REF ref 9 again: %s",
                    strerror((int)-index));
    w = mmap(NULL, PAGE_SIZE, PROT_READ, MAP_SHARED, gntdev, (off_t)index);
    if (w == MAP_FAILED) {
        fail("gntdev-ro-refuses-write", "the read-only mmap fails too, proving nothing");
        fail("gntdev-ro", "read-only mmap of ref 9: %s", strerror(errno));
        grant_unmap((uint64_t)index);
        return 0;
    }
    ok("gntdev-ro-refuses-write");
    good = check_pattern("gntdev-ro", w, peer, DOM0PEER_GFN_RO);
    if (good)
        ok("gntdev-ro");
    munmap(w, PAGE_SIZE);
    if ((rc = grant_unmap((uint64_t)index)) < 0)
        return fail("gntdev-ro-unmap", "IOCTL_GNTDEV_UNMAP_GRANT_REF: %s", strerror(-rc));
    ok("gntdev-ro-unmap");
    return good;
}

/* ---- The domU's end --------------------------------------------------- */

static int wait_peer_end(domid_t peer)
{
    struct timespec tick = { .tv_nsec = 200 * 1000 * 1000 };

    for (int i = 0; i < END_WAIT_S * 5; i++) {
        long n = domain_list();
        const struct xen_domctl_getdomaininfo *d;

        if (n < 0)
            return fail("domu-ended", "getdomaininfolist: %ld", n);
        d = find(n, peer);
        if (!d) {
            ok("domu-ended");
            return 1;
        }
        nanosleep(&tick, NULL);
    }
    return fail("domu-ended", "d%u still listed after %d s", peer, END_WAIT_S);
}

int main(int argc, char **argv)
{
    domid_t peer;

    if (argc != 2 || atoi(argv[1]) < 1 || atoi(argv[1]) >= (int)DOMID_FIRST_RESERVED) {
        fprintf(stderr, "usage: %s DOMID (a test-dom0peer domU)\n", argv[0]);
        return 2;
    }
    peer = (domid_t)atoi(argv[1]);
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (mlockall(MCL_CURRENT | MCL_FUTURE) < 0)
        fail("mlock", "mlockall: %s", strerror(errno));
    privcmd = open("/dev/xen/privcmd", O_RDWR | O_CLOEXEC);
    gntdev = open("/dev/xen/gntdev", O_RDWR | O_CLOEXEC);
    if (privcmd < 0 || gntdev < 0) {
        fail("open", "/dev/xen/privcmd %s, /dev/xen/gntdev %s",
             privcmd < 0 ? strerror(errno) : "open", gntdev < 0 ? strerror(errno) : "open");
        return 1;
    }
    ok("open");
    check_physinfo();
    check_domain_list(peer);
    check_mmapbatch(peer);
    check_mmap_resource(peer);
    check_gntdev_ro(peer);         /* first: the rw reply lets the domU end */
    check_gntdev_rw(peer);
    wait_peer_end(peer);
    printf("dom0-maps: %s\n", failures ? "FAILED" : "all ok");
    return failures ? 1 : 0;
}
