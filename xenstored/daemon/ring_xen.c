// SPDX-License-Identifier: GPL-2.0-only
/* Ring transport glue to Linux's /dev/xen/{evtchn,gntdev,xenbus_backend}
 * (or /proc/xen). */
#include "ring_xen.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

/* The uapi headers use these Xen types without defining them. */
typedef uint16_t domid_t;
typedef uint32_t grant_ref_t;

#include <xen/evtchn.h>
#include <xen/gntdev.h>

#include "conn.h"
#include "domain.h"
#include "log.h"
#include "ring.h"

#define XSD_PAGE_SIZE 4096u
#define GNTTAB_RESERVED_XENSTORE 1u

struct ring_xen {
    struct xs_ring_backend backend;
    int evtchn_fd;
    int gntdev_fd;
};

struct ring_xen_port {
    struct ring_xen *rx;
    uint32_t local_port;
    void *page;
    uint64_t gnt_index;
    bool via_gntdev;
};

static int bind_port(struct ring_xen *rx, uint32_t domid, uint32_t port)
{
    struct ioctl_evtchn_bind_interdomain bind = {
        .remote_domain = domid, .remote_port = port };

    return ioctl(rx->evtchn_fd, IOCTL_EVTCHN_BIND_INTERDOMAIN, &bind);
}

static void port_kick(void *arg)
{
    struct ring_xen_port *p = arg;
    struct ioctl_evtchn_notify notify = { .port = p->local_port };

    ioctl(p->rx->evtchn_fd, IOCTL_EVTCHN_NOTIFY, &notify);
}

static void port_release(void *arg)
{
    struct ring_xen_port *p = arg;
    struct ioctl_evtchn_unbind unbind = { .port = p->local_port };

    munmap(p->page, XSD_PAGE_SIZE);
    if (p->via_gntdev) {
        struct ioctl_gntdev_unmap_grant_ref unmap = {
            .index = p->gnt_index, .count = 1 };

        ioctl(p->rx->gntdev_fd, IOCTL_GNTDEV_UNMAP_GRANT_REF, &unmap);
    }
    ioctl(p->rx->evtchn_fd, IOCTL_EVTCHN_UNBIND, &unbind);
    free(p);
}

static void *map_grant(struct ring_xen *rx, uint32_t domid, uint64_t *index)
{
    struct ioctl_gntdev_map_grant_ref map = { .count = 1 };
    struct ioctl_gntdev_unmap_grant_ref unmap = { .count = 1 };
    void *page;

    map.refs[0].domid = domid;
    map.refs[0].ref = GNTTAB_RESERVED_XENSTORE;
    if (rx->gntdev_fd < 0 || ioctl(rx->gntdev_fd, IOCTL_GNTDEV_MAP_GRANT_REF,
                                   &map))
        return NULL;
    page = mmap(NULL, XSD_PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED,
                rx->gntdev_fd, (off_t)map.index);
    if (page == MAP_FAILED) {
        unmap.index = map.index;
        ioctl(rx->gntdev_fd, IOCTL_GNTDEV_UNMAP_GRANT_REF, &unmap);
        return NULL;
    }
    *index = map.index;
    return page;
}

static struct xs_conn *port_conn(struct xsd *x, struct ring_xen_port *p,
                                 uint32_t domid, uint32_t remote_port)
{
    static const struct xs_ring_ops none;
    struct xs_ring_ops ops = none;
    struct xs_conn *c;
    int local = bind_port(p->rx, domid, remote_port);

    if (local < 0)
        return NULL;
    p->local_port = (uint32_t)local;
    ops.kick = port_kick;
    ops.release = port_release;
    ops.arg = p;
    c = ring_conn_new(x, domid, p->page, &ops);
    if (!c)
        errno = ENOMEM;
    return c;
}

static struct xs_conn *ring_xen_connect(struct xsd *x, struct xs_domain *d)
{
    struct ring_xen *rx = x->backend->data;
    struct ring_xen_port *p = calloc(1, sizeof(*p));
    struct xs_conn *c;

    if (!p)
        return NULL;
    p->rx = rx;
    p->page = map_grant(rx, d->domid, &p->gnt_index);
    if (!p->page) {
        xsd_log(XSD_LOG_ERR, "cannot map the ring of domain %u", d->domid);
        free(p);
        errno = EINVAL;
        return NULL;
    }
    p->via_gntdev = true;
    c = port_conn(x, p, d->domid, d->port);
    if (!c)
        port_release(p);
    return c;
}

/* Linux's <xen/xenbus_dev.h>: the port of dom0's own xenstore ring. */
#define IOCTL_XENBUS_BACKEND_EVTCHN _IOC(_IOC_NONE, 'B', 0, 0)

/* An fd whose page 0 is dom0's ring, and the ring's port: from
 * /dev/xen/xenbus_backend, else from xenfs's /proc/xen/xsd_{kva,port}. */
static int dom0_ring_source(uint32_t *port)
{
    int fd = open("/dev/xen/xenbus_backend", O_RDWR | O_CLOEXEC);
    unsigned int p;
    FILE *f;

    if (fd >= 0) {
        int r = ioctl(fd, IOCTL_XENBUS_BACKEND_EVTCHN);

        if (r > 0) {
            *port = (uint32_t)r;
            return fd;
        }
        close(fd);
    }
    fd = open("/proc/xen/xsd_kva", O_RDWR | O_CLOEXEC);
    f = fopen("/proc/xen/xsd_port", "r");
    if (fd >= 0 && f && fscanf(f, "%u", &p) == 1) {
        fclose(f);
        *port = p;
        return fd;
    }
    if (f)
        fclose(f);
    if (fd >= 0)
        close(fd);
    return -1;
}

/* Dom0's own ring, set up by its kernel. */
static void ring_xen_dom0(struct xsd *x, struct ring_xen *rx)
{
    struct ring_xen_port *p = calloc(1, sizeof(*p));
    uint32_t port = 0;
    int fd = p ? dom0_ring_source(&port) : -1;

    if (fd < 0)
        goto fail;
    p->rx = rx;
    p->page = mmap(NULL, XSD_PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED,
                   fd, 0);
    close(fd);
    if (p->page == MAP_FAILED)
        goto fail;
    if (!port_conn(x, p, 0, port)) {
        munmap(p->page, XSD_PAGE_SIZE);
        goto fail;
    }
    return;
fail:
    xsd_log(XSD_LOG_WARN, "no dom0 xenstore ring (/dev/xen/xenbus_backend, "
            "/proc/xen/xsd_kva)");
    free(p);
}

struct xs_ring_backend *ring_xen_open(struct xsd *x)
{
    struct ring_xen *rx = calloc(1, sizeof(*rx));

    if (!rx)
        return NULL;
    rx->evtchn_fd = open("/dev/xen/evtchn", O_RDWR | O_CLOEXEC | O_NONBLOCK);
    rx->gntdev_fd = open("/dev/xen/gntdev", O_RDWR | O_CLOEXEC);
    if (rx->evtchn_fd < 0) {
        xsd_log(XSD_LOG_ERR, "cannot open /dev/xen/evtchn: %m "
                "(use --no-domain-init without a hypervisor)");
        ring_xen_close(&rx->backend);
        return NULL;
    }
    rx->backend.connect = ring_xen_connect;
    rx->backend.data = rx;
    ring_xen_dom0(x, rx);
    return &rx->backend;
}

void ring_xen_close(struct xs_ring_backend *b)
{
    struct ring_xen *rx = (struct ring_xen *)b;

    if (!rx)
        return;
    if (rx->evtchn_fd >= 0)
        close(rx->evtchn_fd);
    if (rx->gntdev_fd >= 0)
        close(rx->gntdev_fd);
    free(rx);
}

int ring_xen_event_fd(const struct xs_ring_backend *b)
{
    return ((const struct ring_xen *)b)->evtchn_fd;
}

static struct xs_conn *conn_by_port(struct xsd *x, uint32_t port)
{
    struct xs_conn *c;

    for (c = x->conns; c; c = c->next) {
        struct ring_xen_port *p;

        if (!ring_is_ring_conn(c))
            continue;
        p = ring_conn_arg(c);
        if (p && p->local_port == port)
            return c;
    }
    return NULL;
}

void ring_xen_handle_events(struct xsd *x, struct xs_ring_backend *b)
{
    struct ring_xen *rx = (struct ring_xen *)b;
    uint32_t ports[64];
    ssize_t n = read(rx->evtchn_fd, ports, sizeof(ports));
    ssize_t i;

    for (i = 0; n > 0 && i < n / (ssize_t)sizeof(ports[0]); i++) {
        struct xs_conn *c = conn_by_port(x, ports[i]);

        if (c)
            ring_handle_event(c);
        if (write(rx->evtchn_fd, &ports[i], sizeof(ports[i])) < 0)
            xsd_log(XSD_LOG_WARN, "cannot unmask event channel %u", ports[i]);
    }
}
