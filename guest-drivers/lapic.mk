# SPDX-License-Identifier: MIT
# The virtual local APIC test kernel (guest-drivers/tests/lapic/).
GUEST_TESTS += lapic
