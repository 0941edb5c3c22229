# SPDX-License-Identifier: MIT
# The vcpu_op and SCHEDOP_poll test kernel (guest-drivers/tests/vcpuop/).
GUEST_TESTS += vcpuop
