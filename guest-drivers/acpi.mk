# SPDX-License-Identifier: MIT
# The domain ACPI tables test kernel (guest-drivers/tests/acpi/).
GUEST_TESTS += acpi
