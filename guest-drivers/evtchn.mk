# SPDX-License-Identifier: MIT
# The event channel test kernel (guest-drivers/tests/evtchn/).
GUEST_TESTS += evtchn
