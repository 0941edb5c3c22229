# SPDX-License-Identifier: MIT
#
# More hypervisor-core test kernels (guest-drivers/tests/<name>.c): the MSR
# policy, a crash on unbacked guest-physical memory, a million VM exits,
# Intel's VMCALL on AMD, and the control hypercalls a domU may not use.
GUEST_TESTS += msr npf-crash exits ud-vmcall ctl-eperm
