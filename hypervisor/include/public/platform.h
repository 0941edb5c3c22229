/* SPDX-License-Identifier: MIT */
/*
 * HYPERVISOR_platform_op(op): privileged platform operations of the control
 * domain (wall-clock time, firmware information, physical CPU info, ACPI
 * sleep).  All sub-op numbers, and the argument structs dom0 uses at boot.
 * Values and layouts are Xen's (public/platform.h); text is Keel's.
 */
#ifndef KEEL_PUBLIC_PLATFORM_H
#define KEEL_PUBLIC_PLATFORM_H

#include <stdint.h>

#include "xen.h"

/* struct xen_platform_op.interface_version must hold this. */
#define XENPF_INTERFACE_VERSION  0x03000001

#define XENPF_settime32              17
#define XENPF_add_memtype            31
#define XENPF_del_memtype            32
#define XENPF_read_memtype           33
#define XENPF_microcode_update       35
#define XENPF_platform_quirk         39
#define XENPF_get_cpu_version        48
#define XENPF_efi_runtime_call       49
#define XENPF_firmware_info          50
#define XENPF_enter_acpi_sleep       51
#define XENPF_change_freq            52
#define XENPF_getidletime            53
#define XENPF_set_processor_pminfo   54
#define XENPF_get_cpuinfo            55
#define XENPF_cpu_online             56
#define XENPF_cpu_offline            57
#define XENPF_cpu_hotadd             58
#define XENPF_mem_hotadd             59
#define XENPF_core_parking           60
#define XENPF_resource_op            61
#define XENPF_settime64              62
#define XENPF_get_symbol             63
#define XENPF_settime                XENPF_settime64

/* Set the wall clock: secs.nsecs was the time at system_time. */
struct xenpf_settime32 {
    uint32_t secs;
    uint32_t nsecs;
    uint64_t system_time;
};
typedef struct xenpf_settime32 xenpf_settime32_t;

struct xenpf_settime64 {
    uint64_t secs;
    uint32_t nsecs;
    uint32_t mbz;          /* must be 0 */
    uint64_t system_time;
};
typedef struct xenpf_settime64 xenpf_settime64_t;
typedef struct xenpf_settime64 xenpf_settime_t;

/* Firmware information gathered at boot: type, then entry index. */
#define XEN_FW_DISK_INFO           1  /* BIOS int 13h drive parameters */
#define XEN_FW_DISK_MBR_SIGNATURE  2
#define XEN_FW_VBEDDC_INFO         3  /* VBE/DDC monitor EDID */
#define XEN_FW_EFI_INFO            4
#define XEN_FW_KBD_SHIFT_FLAGS     5

/* index for XEN_FW_EFI_INFO. */
#define XEN_FW_EFI_VERSION          0
#define XEN_FW_EFI_CONFIG_TABLE     1
#define XEN_FW_EFI_VENDOR           2
#define XEN_FW_EFI_MEM_INFO         3
#define XEN_FW_EFI_RT_VERSION       4
#define XEN_FW_EFI_PCI_ROM          5
#define XEN_FW_EFI_APPLE_PROPERTIES 6

struct xenpf_firmware_info {
    uint32_t type;         /* XEN_FW_* */
    uint32_t index;
    union {
        struct {
            uint8_t device;
            uint8_t version;
            uint16_t interface_support;
            uint16_t legacy_max_cylinder;
            uint8_t legacy_max_head;
            uint8_t legacy_sectors_per_track;
            XEN_GUEST_HANDLE(void) edd_params;
        } disk_info;
        struct {
            uint8_t device;
            uint32_t mbr_signature;
        } disk_mbr_signature;
        struct {
            uint8_t capabilities;
            uint8_t edid_transfer_time;
            XEN_GUEST_HANDLE(uint8_t) edid;
        } vbeddc_info;
        union xenpf_efi_info {
            uint32_t version;
            struct {
                uint64_t addr;
                uint32_t nent;
            } cfg;
            struct {
                uint32_t revision;
                uint32_t bufsz;
                XEN_GUEST_HANDLE(void) name;
            } vendor;
            struct {
                uint64_t addr;
                uint64_t size;
                uint64_t attr;
                uint32_t type;
            } mem;
            struct {
                uint16_t segment;
                uint8_t bus;
                uint8_t devfn;
                uint16_t vendor;
                uint16_t devid;
                uint64_t address;
                xen_ulong_t size;
            } pci_rom;
            struct {
                uint64_t address;
                xen_ulong_t size;
            } apple_properties;
        } efi_info;
        uint8_t kbd_shift_flags;
    } u;
};
typedef struct xenpf_firmware_info xenpf_firmware_info_t;

/* Enter ACPI sleep state sleep_state with the given PM1 control values. */
struct xenpf_enter_acpi_sleep {
    uint16_t val_a;
    uint16_t val_b;
    uint32_t sleep_state;
    uint32_t flags;        /* XENPF_ACPI_SLEEP_* */
};
typedef struct xenpf_enter_acpi_sleep xenpf_enter_acpi_sleep_t;
#define XENPF_ACPI_SLEEP_EXTENDED 0x00000001

/* Physical CPU xen_cpuid: ids and online state. */
struct xenpf_pcpuinfo {
    uint32_t xen_cpuid;    /* in */
    uint32_t max_present;  /* out: highest present cpuid */
    uint32_t flags;        /* out: XEN_PCPU_FLAGS_* */
    uint32_t apic_id;
    uint32_t acpi_id;
};
typedef struct xenpf_pcpuinfo xenpf_pcpuinfo_t;
#define XEN_PCPU_FLAGS_ONLINE   1
#define XEN_PCPU_FLAGS_INVALID  2

/* The argument of HYPERVISOR_platform_op: 136 bytes. */
struct xen_platform_op {
    uint32_t cmd;                 /* XENPF_* */
    uint32_t interface_version;   /* XENPF_INTERFACE_VERSION */
    union {
        xenpf_settime_t settime;
        xenpf_settime32_t settime32;
        xenpf_settime64_t settime64;
        xenpf_firmware_info_t firmware_info;
        xenpf_enter_acpi_sleep_t enter_acpi_sleep;
        xenpf_pcpuinfo_t pcpu_info;
        uint8_t pad[128];
    } u;
};
typedef struct xen_platform_op xen_platform_op_t;
DEFINE_XEN_GUEST_HANDLE(xen_platform_op_t);

#endif /* KEEL_PUBLIC_PLATFORM_H */
