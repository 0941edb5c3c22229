// SPDX-License-Identifier: GPL-2.0-only
/*
 * Domain states from the hypervisor: one XEN_SYSCTL_getdomaininfolist
 * per question, through IOCTL_PRIVCMD_HYPERCALL, with its arguments in a
 * page from /dev/xen/hypercall (or locked anonymous memory on kernels
 * without it); VIRQ_DOM_EXC through IOCTL_EVTCHN_BIND_VIRQ.  The layouts
 * are those of Xen 4.17's public sysctl.h / domctl.h (interface version
 * 0x15 for both), checked below.
 */
#include "dominfo_xen.h"

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

/* The uapi header uses this Xen type without defining it. */
typedef uint16_t domid_t;

#include <xen/evtchn.h>

/* Linux's <xen/privcmd.h> needs kernel-internal headers: its hypercall
 * ioctl, as include/uapi/xen/privcmd.h defines it. */
struct privcmd_hypercall {
    uint64_t op;
    uint64_t arg[5];
};
#define IOCTL_PRIVCMD_HYPERCALL \
    _IOC(_IOC_NONE, 'P', 0, sizeof(struct privcmd_hypercall))

#include "log.h"

#define XSD_HYPERVISOR_sysctl          35u
#define XSD_SYSCTL_getdomaininfolist   6u
#define XSD_SYSCTL_INTERFACE_VERSION   0x15u   /* Xen 4.17 */
#define XSD_VIRQ_DOM_EXC               3u
#define XSD_DOMINF_dying               (1u << 0)
#define XSD_DOMINF_shutdown            (1u << 2)  /* shut down or crashed */
#define XSD_HCALL_PAGE                 4096u

/* struct xen_domctl_getdomaininfo (x86, domctl interface 0x15). */
struct xsd_getdomaininfo {
    uint16_t domain;
    uint16_t pad1;
    uint32_t flags;
    uint64_t tot_pages, max_pages, outstanding_pages, shr_pages;
    uint64_t paged_pages, shared_info_frame, cpu_time;
    uint32_t nr_online_vcpus, max_vcpu_id, ssidref;
    uint8_t handle[16];
    uint32_t cpupool;
    uint8_t gpaddr_bits;
    uint8_t pad2[7];
    uint32_t emulation_flags, misc_flags;   /* xen_arch_domainconfig */
};

/* struct xen_sysctl with its getdomaininfolist member. */
struct xsd_sysctl {
    uint32_t cmd;
    uint32_t interface_version;
    union {
        struct {
            uint16_t first_domain;
            uint32_t max_domains;
            uint64_t buffer;        /* XEN_GUEST_HANDLE_64 */
            uint32_t num_domains;
        } getdomaininfolist;
        uint8_t pad[128];
    } u;
};

_Static_assert(sizeof(struct xsd_getdomaininfo) == 112, "domaininfo size");
_Static_assert(offsetof(struct xsd_getdomaininfo, handle) == 76, "handle");
_Static_assert(offsetof(struct xsd_getdomaininfo, emulation_flags) == 104,
               "arch_config");
_Static_assert(sizeof(struct xsd_sysctl) == 136, "xen_sysctl size");
_Static_assert(offsetof(struct xsd_sysctl, u.getdomaininfolist.buffer) == 16,
               "buffer");
_Static_assert(offsetof(struct xsd_sysctl, u.getdomaininfolist.num_domains) ==
               24, "num_domains");

struct dominfo_xen {
    struct xs_dominfo di;       /* first: the public part */
    int privcmd_fd;
    int hcall_fd;               /* /dev/xen/hypercall, or -1 */
    void *page;                 /* hypercall-safe arguments */
    uint32_t virq_port;
};

static int xen_query(struct xs_dominfo *di, uint32_t domid,
                     enum xs_dom_state *state)
{
    struct dominfo_xen *dx = (struct dominfo_xen *)di;
    struct xsd_sysctl *sc = dx->page;
    struct xsd_getdomaininfo *info = (void *)((char *)dx->page + 256);
    struct privcmd_hypercall call = {
        .op = XSD_HYPERVISOR_sysctl, .arg = { (uint64_t)(uintptr_t)sc } };

    memset(dx->page, 0, 256 + sizeof(*info));
    sc->cmd = XSD_SYSCTL_getdomaininfolist;
    sc->interface_version = XSD_SYSCTL_INTERFACE_VERSION;
    sc->u.getdomaininfolist.first_domain = (uint16_t)domid;
    sc->u.getdomaininfolist.max_domains = 1;
    sc->u.getdomaininfolist.buffer = (uint64_t)(uintptr_t)info;
    if (ioctl(dx->privcmd_fd, IOCTL_PRIVCMD_HYPERCALL, &call) < 0)
        return errno ? errno : EIO;
    /* The list starts at the first domain >= domid. */
    if (sc->u.getdomaininfolist.num_domains < 1 || info->domain != domid)
        *state = XS_DOM_GONE;
    else if (info->flags & XSD_DOMINF_dying)
        *state = XS_DOM_DYING;
    else if (info->flags & XSD_DOMINF_shutdown)
        *state = XS_DOM_SHUTDOWN;
    else
        *state = XS_DOM_RUNNING;
    return 0;
}

/* Drain pending ports, unmasking each; true when the VIRQ was among them. */
static bool xen_acknowledge(struct xs_dominfo *di)
{
    struct dominfo_xen *dx = (struct dominfo_xen *)di;
    uint32_t ports[16];
    bool virq = false;
    ssize_t n, i;

    while ((n = read(di->fd, ports, sizeof(ports))) > 0) {
        for (i = 0; i < n / (ssize_t)sizeof(ports[0]); i++) {
            virq = virq || ports[i] == dx->virq_port;
            if (write(di->fd, &ports[i], sizeof(ports[i])) < 0)
                xsd_log(XSD_LOG_WARN, "cannot unmask event channel %u",
                        ports[i]);
        }
    }
    return virq;
}

static void xen_destroy(struct xs_dominfo *di)
{
    struct dominfo_xen *dx = (struct dominfo_xen *)di;

    if (dx->page && dx->page != MAP_FAILED)
        munmap(dx->page, XSD_HCALL_PAGE);
    if (dx->hcall_fd >= 0)
        close(dx->hcall_fd);
    if (dx->privcmd_fd >= 0)
        close(dx->privcmd_fd);
    if (di->fd >= 0)
        close(di->fd);      /* unbinds the VIRQ */
    free(dx);
}

static void *hypercall_page(struct dominfo_xen *dx)
{
    void *p;

    dx->hcall_fd = open("/dev/xen/hypercall", O_RDWR | O_CLOEXEC);
    if (dx->hcall_fd >= 0) {
        p = mmap(NULL, XSD_HCALL_PAGE, PROT_READ | PROT_WRITE, MAP_SHARED,
                 dx->hcall_fd, 0);
        if (p != MAP_FAILED)
            return p;
    }
    p = mmap(NULL, XSD_HCALL_PAGE, PROT_READ | PROT_WRITE,
             MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED || mlock(p, XSD_HCALL_PAGE)) {
        if (p != MAP_FAILED)
            munmap(p, XSD_HCALL_PAGE);
        return MAP_FAILED;
    }
    madvise(p, XSD_HCALL_PAGE, MADV_DONTFORK);
    return p;
}

struct xs_dominfo *dominfo_xen_open(void)
{
    struct dominfo_xen *dx = calloc(1, sizeof(*dx));
    struct ioctl_evtchn_bind_virq bind = { .virq = XSD_VIRQ_DOM_EXC };
    int port;

    if (!dx)
        return NULL;
    dx->di.query = xen_query;
    dx->di.acknowledge = xen_acknowledge;
    dx->di.destroy = xen_destroy;
    dx->hcall_fd = -1;
    dx->privcmd_fd = open("/dev/xen/privcmd", O_RDWR | O_CLOEXEC);
    dx->di.fd = open("/dev/xen/evtchn", O_RDWR | O_CLOEXEC | O_NONBLOCK);
    if (dx->privcmd_fd < 0 || dx->di.fd < 0) {
        xsd_log(XSD_LOG_ERR, "cannot open /dev/xen/privcmd or evtchn: %m "
                "(dying domains will not be noticed)");
        goto fail;
    }
    dx->page = hypercall_page(dx);
    if (dx->page == MAP_FAILED) {
        xsd_log(XSD_LOG_ERR, "no memory for hypercall arguments: %m");
        goto fail;
    }
    port = ioctl(dx->di.fd, IOCTL_EVTCHN_BIND_VIRQ, &bind);
    if (port < 0) {
        xsd_log(XSD_LOG_ERR, "cannot bind VIRQ_DOM_EXC: %m");
        goto fail;
    }
    dx->virq_port = (uint32_t)port;
    return &dx->di;
fail:
    xen_destroy(&dx->di);
    return NULL;
}
