// SPDX-License-Identifier: GPL-2.0-only
/*
 * HYPERVISOR_xen_version: Keel presents itself as Xen 4.17 (the ABI it
 * implements), with ".0-keel" as the extra version so that people and tools
 * can tell.
 */
#include <asm/hvm_vcpu.h>
#include <keel/domain.h>
#include <keel/errno.h>
#include <keel/hypercall.h>
#include <keel/lib.h>
#include <keel/version.h>
#include <public/features.h>
#include <public/version.h>

#define XEN_MAJOR   4
#define XEN_MINOR   17
#define HVM_VIRT_START 0xffff800000000000ULL

static uint32_t feature_submap(const struct domain *d, uint32_t idx)
{
    uint32_t map = 0;

    if (idx != 0)
        return 0;
    map |= 1u << XENFEAT_auto_translated_physmap;
    map |= 1u << XENFEAT_supervisor_mode_kernel;
    map |= 1u << XENFEAT_hvm_callback_vector;   /* HVM_PARAM_CALLBACK_IRQ type 2 */
    map |= 1u << XENFEAT_hvm_safe_pvclock;      /* vcpu_time_info in shared_info */
    if (d->privileged)
        map |= 1u << XENFEAT_dom0;
    return map;
}

static long copy_string(struct vcpu *v, uint64_t gva, const char *s, size_t size)
{
    char buf[1024];

    if (size > sizeof(buf))
        return -EINVAL;
    memset(buf, 0, size);
    strlcpy(buf, s, size);
    return copy_to_guest(v, gva, buf, size) < 0 ? -EFAULT : 0;
}

long do_xen_version(struct vcpu *v, const uint64_t args[5])
{
    uint64_t cmd = args[0], arg = args[1];

    switch (cmd) {
    case XENVER_version:
        return (XEN_MAJOR << 16) | XEN_MINOR;
    case XENVER_extraversion:
        return copy_string(v, arg, ".0-keel", sizeof(xen_extraversion_t));
    case XENVER_capabilities:
        return copy_string(v, arg, "hvm-3.0-x86_64 hvm-3.0-x86_32 hvm-3.0-x86_32p",
                           sizeof(xen_capabilities_info_t));
    case XENVER_compile_info: {
        struct xen_compile_info ci;
        memset(&ci, 0, sizeof(ci));
        strlcpy(ci.compiler, "gcc " __VERSION__, sizeof(ci.compiler));
        strlcpy(ci.compile_by, "keel", sizeof(ci.compile_by));
        strlcpy(ci.compile_domain, "keel", sizeof(ci.compile_domain));
        strlcpy(ci.compile_date, keel_version, sizeof(ci.compile_date));
        return copy_to_guest(v, arg, &ci, sizeof(ci)) < 0 ? -EFAULT : 0;
    }
    case XENVER_changeset:
        return copy_string(v, arg, keel_gitrev, sizeof(xen_changeset_info_t));
    case XENVER_platform_parameters: {
        struct xen_platform_parameters p = { .virt_start = HVM_VIRT_START };
        return copy_to_guest(v, arg, &p, sizeof(p)) < 0 ? -EFAULT : 0;
    }
    case XENVER_get_features: {
        struct xen_feature_info fi;
        if (copy_from_guest(v, &fi, arg, sizeof(fi)) < 0)
            return -EFAULT;
        fi.submap = feature_submap(v->domain, fi.submap_idx);
        return copy_to_guest(v, arg, &fi, sizeof(fi)) < 0 ? -EFAULT : 0;
    }
    case XENVER_pagesize:
        return PAGE_SIZE;
    case XENVER_guest_handle: {
        uint8_t handle[16] = { 0 };
        handle[0] = (uint8_t)v->domain->domid;
        return copy_to_guest(v, arg, handle, sizeof(handle)) < 0 ? -EFAULT : 0;
    }
    default:
        return -ENOSYS;
    }
}
