// SPDX-License-Identifier: MIT
/*
 * test-ctl-eperm: a domain that is not the control domain may use none of
 * the control hypercalls.  Every domctl op number of Xen 4.17 (and the
 * numbers between them, 0..90 and 1000..1003) and every sysctl op number
 * (0..32) with the right interface version, aimed at this domain itself,
 * must return -EPERM: Keel checks access before it looks at the op.  With a
 * wrong interface version the answer is -EACCES, because Xen (and Keel)
 * checks the version first, for every caller.  A domctl on a domain that
 * does not exist is -ESRCH (the lookup comes before the access check, as on
 * Xen).
 */
#include <public/domctl.h>
#include <public/sysctl.h>
#include "cpu.h"
#include "guest.h"

const char test_title[] = "ctl-eperm";

static struct xen_domctl domctl;
static struct xen_sysctl sysctl;
static uint32_t failures;

static long call_domctl(uint32_t cmd, uint32_t version, domid_t domid)
{
    memset(&domctl, 0, sizeof(domctl));
    domctl.cmd = cmd;
    domctl.interface_version = version;
    domctl.domain = domid;
    return hypercall5(__HYPERVISOR_domctl, (uint64_t)&domctl, 0, 0, 0, 0);
}

static long call_sysctl(uint32_t cmd, uint32_t version)
{
    memset(&sysctl, 0, sizeof(sysctl));
    sysctl.cmd = cmd;
    sysctl.interface_version = version;
    return hypercall5(__HYPERVISOR_sysctl, (uint64_t)&sysctl, 0, 0, 0, 0);
}

static void expect(const char *what, uint32_t cmd, long rc, long want)
{
    if (rc == want)
        return;
    printf("  %s %u -> %ld, expected %ld\n", what, cmd, rc, want);
    failures++;
}

static void domctl_ops(domid_t self)
{
    static const uint32_t gdbsx[] = { 1000, 1001, 1002, 1003 };
    uint32_t n = 0;

    for (uint32_t cmd = 0; cmd <= 90; cmd++, n++)
        expect("domctl", cmd, call_domctl(cmd, XEN_DOMCTL_INTERFACE_VERSION, self), -XEN_EPERM);
    for (uint32_t i = 0; i < ARRAY_SIZE(gdbsx); i++, n++)
        expect("domctl", gdbsx[i],
               call_domctl(gdbsx[i], XEN_DOMCTL_INTERFACE_VERSION, self), -XEN_EPERM);
    printf("domctl: %u ops on d%u -> -EPERM\n", n, self);
    for (uint32_t cmd = 0; cmd <= 90; cmd++)
        expect("domctl (version 0x14)", cmd, call_domctl(cmd, 0x14, self), -XEN_EACCES);
    expect("domctl getdomaininfo (version 0)", XEN_DOMCTL_getdomaininfo,
           call_domctl(XEN_DOMCTL_getdomaininfo, 0, self), -XEN_EACCES);
    printf("domctl: wrong interface version -> -EACCES\n");
    expect("domctl pausedomain (no such domain)", XEN_DOMCTL_pausedomain,
           call_domctl(XEN_DOMCTL_pausedomain, XEN_DOMCTL_INTERFACE_VERSION, 0x7fef), -XEN_ESRCH);
    /* createdomain names no existing domain: refused, not "no such domain". */
    expect("domctl createdomain (domain 0x7fef)", XEN_DOMCTL_createdomain,
           call_domctl(XEN_DOMCTL_createdomain, XEN_DOMCTL_INTERFACE_VERSION, 0x7fef), -XEN_EPERM);
}

static void sysctl_ops(void)
{
    uint32_t n = 0;

    for (uint32_t cmd = 0; cmd <= 32; cmd++, n++)
        expect("sysctl", cmd, call_sysctl(cmd, XEN_SYSCTL_INTERFACE_VERSION), -XEN_EPERM);
    printf("sysctl: %u ops -> -EPERM\n", n);
    for (uint32_t cmd = 0; cmd <= 32; cmd++)
        expect("sysctl (version 0x16)", cmd, call_sysctl(cmd, 0x16), -XEN_EACCES);
    printf("sysctl: wrong interface version -> -EACCES\n");
}

void test_main(void)
{
    struct cpuid_regs r = cpuid(0x40000004);
    domid_t self = (domid_t)r.ecx;

    if (hypercall_get_mode() == HYPERCALL_NONE)
        test_abort("no Xen CPUID leaves: cannot make hypercalls");
    CHECK(r.eax & (1u << 4), "CPUID 0x40000004 gives no domain id");
    printf("this is d%u\n", self);
    domctl_ops(self);
    sysctl_ops();
    CHECK(failures == 0, "%u control hypercalls gave the wrong answer", failures);
}
