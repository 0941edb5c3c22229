# SPDX-License-Identifier: MIT
# The memory_op and shared_info test kernel (guest-drivers/tests/memop/).
GUEST_TESTS += memop memop-dom0
