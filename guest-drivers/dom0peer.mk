# SPDX-License-Identifier: MIT
# The domU that Linux dom0's keel-dom0-maps maps (guest-drivers/tests/dom0peer/).
GUEST_TESTS += dom0peer
