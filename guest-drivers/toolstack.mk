# SPDX-License-Identifier: MIT
# The minimal-toolstack dom0 test kernel (guest-drivers/tests/toolstack/):
# builds, runs and destroys 100 domains from its module's ELF image.
GUEST_TESTS += toolstack
