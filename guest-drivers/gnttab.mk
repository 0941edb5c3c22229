# SPDX-License-Identifier: MIT
# The grant table test kernel (guest-drivers/tests/gnttab/).
GUEST_TESTS += gnttab
