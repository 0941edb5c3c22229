/* SPDX-License-Identifier: MIT */
/*
 * Feature bits reported by XENVER_get_features (submap 0).  A guest reads
 * them to learn what the hypervisor offers; Keel reports the PVH-relevant
 * ones.  Bit numbers are Xen's (public/features.h); text is Keel's.
 */
#ifndef KEEL_PUBLIC_FEATURES_H
#define KEEL_PUBLIC_FEATURES_H

#define XENFEAT_writable_page_tables        0  /* PV: guest writes its page tables */
#define XENFEAT_writable_descriptor_tables  1  /* PV: guest writes its GDT/LDT */
#define XENFEAT_auto_translated_physmap     2  /* hypervisor does the P2M (HVM/PVH) */
#define XENFEAT_supervisor_mode_kernel      3  /* guest kernel runs in ring 0 */
#define XENFEAT_pae_pgdir_above_4gb         4
#define XENFEAT_mmu_pt_update_preserve_ad   5  /* MMU_PT_UPDATE_PRESERVE_AD exists */
#define XENFEAT_highmem_assist              6
#define XENFEAT_gnttab_map_avail_bits       7  /* GNTMAP_guest_avail bits honoured */
#define XENFEAT_hvm_callback_vector         8  /* HVM_PARAM_CALLBACK_IRQ type vector */
#define XENFEAT_hvm_safe_pvclock            9  /* pvclock safe across migration */
#define XENFEAT_hvm_pirqs                  10  /* physical IRQs via event channels */
#define XENFEAT_dom0                       11  /* the guest is the control domain */
/* 12 was XENFEAT_grant_map_identity, retired */
#define XENFEAT_memory_op_vnode_supported  13  /* XENMEM_get_vnumainfo exists */
#define XENFEAT_ARM_SMCCC_supported        14  /* ARM only */
#define XENFEAT_linux_rsdp_unrestricted    15  /* Linux may place the RSDP anywhere */
#define XENFEAT_not_direct_mapped          16  /* guest memory is not 1:1 with host */
#define XENFEAT_direct_mapped              17  /* guest memory is 1:1 with host */

/* Number of 32-bit submaps XENVER_get_features answers. */
#define XENFEAT_NR_SUBMAPS 1

#endif /* KEEL_PUBLIC_FEATURES_H */
