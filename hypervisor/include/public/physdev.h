/* SPDX-License-Identifier: MIT */
/*
 * HYPERVISOR_physdev_op(cmd, arg): the control domain's view of physical
 * devices and interrupts (PIRQ mapping, EOI, PCI device and MMCONFIG
 * reporting).  Sub-op numbers and the argument structs a PVH dom0 uses.
 * Values and layouts are Xen's (public/physdev.h); text is Keel's.
 */
#ifndef KEEL_PUBLIC_PHYSDEV_H
#define KEEL_PUBLIC_PHYSDEV_H

#include <stdint.h>

#include "xen.h"

#define PHYSDEVOP_IRQ_UNMASK_NOTIFY       4
#define PHYSDEVOP_irq_status_query        5
#define PHYSDEVOP_set_iopl                6
#define PHYSDEVOP_set_iobitmap            7
#define PHYSDEVOP_apic_read               8
#define PHYSDEVOP_apic_write              9
#define PHYSDEVOP_alloc_irq_vector       10
#define PHYSDEVOP_free_irq_vector        11
#define PHYSDEVOP_eoi                    12
#define PHYSDEVOP_map_pirq               13
#define PHYSDEVOP_unmap_pirq             14
#define PHYSDEVOP_manage_pci_add         15
#define PHYSDEVOP_manage_pci_remove      16
#define PHYSDEVOP_pirq_eoi_gmfn_v1       17
#define PHYSDEVOP_restore_msi            19
#define PHYSDEVOP_manage_pci_add_ext     20
#define PHYSDEVOP_setup_gsi              21
#define PHYSDEVOP_get_free_pirq          23
#define PHYSDEVOP_pci_mmcfg_reserved     24
#define PHYSDEVOP_pci_device_add         25
#define PHYSDEVOP_pci_device_remove      26
#define PHYSDEVOP_restore_msi_ext        27
#define PHYSDEVOP_pirq_eoi_gmfn_v2       28
#define PHYSDEVOP_dbgp_op                29
#define PHYSDEVOP_prepare_msix           30
#define PHYSDEVOP_release_msix           31

/* Acknowledge physical IRQ irq (a PIRQ bound to an event channel). */
struct physdev_eoi {
    uint32_t irq;
};
typedef struct physdev_eoi physdev_eoi_t;
DEFINE_XEN_GUEST_HANDLE(physdev_eoi_t);

struct physdev_pirq_eoi_gmfn {
    xen_pfn_t gmfn;
};
typedef struct physdev_pirq_eoi_gmfn physdev_pirq_eoi_gmfn_t;
DEFINE_XEN_GUEST_HANDLE(physdev_pirq_eoi_gmfn_t);

struct physdev_irq_status_query {
    uint32_t irq;
    uint32_t flags;   /* out: XENIRQSTAT_* */
};
typedef struct physdev_irq_status_query physdev_irq_status_query_t;
DEFINE_XEN_GUEST_HANDLE(physdev_irq_status_query_t);

#define _XENIRQSTAT_needs_eoi  (0)
#define XENIRQSTAT_needs_eoi   (1U << _XENIRQSTAT_needs_eoi)
#define _XENIRQSTAT_shared     (1)
#define XENIRQSTAT_shared      (1U << _XENIRQSTAT_shared)

/* type of physdev_map_pirq. */
#define MAP_PIRQ_TYPE_MSI        0x0
#define MAP_PIRQ_TYPE_GSI        0x1
#define MAP_PIRQ_TYPE_UNKNOWN    0x2
#define MAP_PIRQ_TYPE_MSI_SEG    0x3
#define MAP_PIRQ_TYPE_MULTI_MSI  0x4

/* Map a GSI (index) or an MSI (bus/devfn/entry_nr) of domid to a PIRQ;
 * in/out: pirq (-1 in: any). */
struct physdev_map_pirq {
    domid_t domid;
    int32_t type;        /* MAP_PIRQ_TYPE_* */
    int32_t index;
    int32_t pirq;
    int32_t bus;         /* MSI_SEG: segment << 16 | bus */
    int32_t devfn;
    int32_t entry_nr;    /* in: MSI-X entry, or MULTI_MSI vector count */
    uint64_t table_base;
};
typedef struct physdev_map_pirq physdev_map_pirq_t;
DEFINE_XEN_GUEST_HANDLE(physdev_map_pirq_t);

struct physdev_unmap_pirq {
    domid_t domid;
    int32_t pirq;
};
typedef struct physdev_unmap_pirq physdev_unmap_pirq_t;
DEFINE_XEN_GUEST_HANDLE(physdev_unmap_pirq_t);

struct physdev_manage_pci {
    uint8_t bus;
    uint8_t devfn;
};
typedef struct physdev_manage_pci physdev_manage_pci_t;
DEFINE_XEN_GUEST_HANDLE(physdev_manage_pci_t);

/* Program trigger mode and polarity of GSI gsi (IO-APIC pin). */
struct physdev_setup_gsi {
    int32_t gsi;
    uint8_t triggering;  /* 0 edge, 1 level */
    uint8_t polarity;    /* 0 active high, 1 active low */
};
typedef struct physdev_setup_gsi physdev_setup_gsi_t;
DEFINE_XEN_GUEST_HANDLE(physdev_setup_gsi_t);

struct physdev_get_free_pirq {
    int32_t type;        /* MAP_PIRQ_TYPE_* */
    uint32_t pirq;       /* out */
};
typedef struct physdev_get_free_pirq physdev_get_free_pirq_t;
DEFINE_XEN_GUEST_HANDLE(physdev_get_free_pirq_t);

/* dom0 reports an MCFG region and whether the firmware reserved it. */
#define XEN_PCI_MMCFG_RESERVED  0x1

struct physdev_pci_mmcfg_reserved {
    uint64_t address;
    uint16_t segment;
    uint8_t start_bus;
    uint8_t end_bus;
    uint32_t flags;      /* XEN_PCI_MMCFG_* */
};
typedef struct physdev_pci_mmcfg_reserved physdev_pci_mmcfg_reserved_t;
DEFINE_XEN_GUEST_HANDLE(physdev_pci_mmcfg_reserved_t);

/* dom0 reports a PCI device it found. */
#define XEN_PCI_DEV_EXTFN   0x1
#define XEN_PCI_DEV_VIRTFN  0x2  /* SR-IOV virtual function of physfn */
#define XEN_PCI_DEV_PXM     0x4  /* optarr[0] is its proximity domain */

struct physdev_pci_device_add {
    uint16_t seg;
    uint8_t bus;
    uint8_t devfn;
    uint32_t flags;      /* XEN_PCI_DEV_* */
    struct {
        uint8_t bus;
        uint8_t devfn;
    } physfn;
    uint32_t optarr[];
};
typedef struct physdev_pci_device_add physdev_pci_device_add_t;
DEFINE_XEN_GUEST_HANDLE(physdev_pci_device_add_t);

struct physdev_pci_device {
    uint16_t seg;
    uint8_t bus;
    uint8_t devfn;
};
typedef struct physdev_pci_device physdev_pci_device_t;
DEFINE_XEN_GUEST_HANDLE(physdev_pci_device_t);

#endif /* KEEL_PUBLIC_PHYSDEV_H */
