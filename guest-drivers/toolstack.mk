# SPDX-License-Identifier: MIT
# The minimal-toolstack dom0 test kernel (guest-drivers/tests/toolstack/):
# builds, runs and destroys 100 domains from its module's ELF image.
# Built once public/domctl.h and sysctl.h exist (issue #9's headers).
ifneq ($(wildcard hypervisor/include/public/domctl.h),)
GUEST_TESTS += toolstack
endif
