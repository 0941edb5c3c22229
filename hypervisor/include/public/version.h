/* SPDX-License-Identifier: MIT */
/*
 * HYPERVISOR_xen_version(cmd, arg): sub-op numbers and their argument
 * buffers.  XENVER_version returns (major << 16) | minor directly; the others
 * fill the buffer arg points at.  Values and layouts are Xen's
 * (public/version.h); text is Keel's.
 */
#ifndef KEEL_PUBLIC_VERSION_H
#define KEEL_PUBLIC_VERSION_H

#include <stdint.h>

#include "xen.h"

#define XENVER_version              0  /* returns (major << 16) | minor */
#define XENVER_extraversion         1  /* xen_extraversion_t, e.g. ".0-keel" */
#define XENVER_compile_info         2  /* struct xen_compile_info */
#define XENVER_capabilities         3  /* xen_capabilities_info_t: "hvm-3.0-x86_64 ..." */
#define XENVER_changeset            4  /* xen_changeset_info_t */
#define XENVER_platform_parameters  5  /* struct xen_platform_parameters */
#define XENVER_get_features         6  /* struct xen_feature_info */
#define XENVER_pagesize             7  /* returns the page size (4096) */
#define XENVER_guest_handle         8  /* xen_domain_handle_t of the caller */
#define XENVER_commandline          9  /* xen_commandline_t (privileged) */
#define XENVER_build_id            10  /* struct xen_build_id (privileged) */

typedef char xen_extraversion_t[16];
#define XEN_EXTRAVERSION_LEN (sizeof(xen_extraversion_t))

struct xen_compile_info {
    char compiler[64];
    char compile_by[16];
    char compile_domain[32];
    char compile_date[32];
};
typedef struct xen_compile_info xen_compile_info_t;

typedef char xen_capabilities_info_t[1024];
#define XEN_CAPABILITIES_INFO_LEN (sizeof(xen_capabilities_info_t))

typedef char xen_changeset_info_t[64];
#define XEN_CHANGESET_INFO_LEN (sizeof(xen_changeset_info_t))

/* Lowest hypervisor-reserved virtual address (PV); Keel reports 0xffff800000000000. */
struct xen_platform_parameters {
    xen_ulong_t virt_start;
};
typedef struct xen_platform_parameters xen_platform_parameters_t;

/* One 32-bit word of the XENFEAT_* bitmap. */
struct xen_feature_info {
    uint32_t submap_idx;   /* in: which word */
    uint32_t submap;       /* out: its bits */
};
typedef struct xen_feature_info xen_feature_info_t;

typedef char xen_commandline_t[1024];

/* Build id: len is the buffer size in, the id length out. */
struct xen_build_id {
    uint32_t len;
    unsigned char buf[];
};
typedef struct xen_build_id xen_build_id_t;

#include "features.h"

#endif /* KEEL_PUBLIC_VERSION_H */
