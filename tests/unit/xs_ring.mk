# SPDX-License-Identifier: GPL-2.0-only
# xenstored unit test: tests/unit/test_xs_ring.c against the daemon core.
UNIT_TESTS += xs_ring
xs_ring_SRCS := $(filter-out xenstored/daemon/main.c xenstored/daemon/ring_xen.c xenstored/daemon/sock.c xenstored/daemon/dominfo_xen.c,\
                  $(sort $(wildcard xenstored/daemon/*.c)))
xs_ring_CFLAGS := -Ixenstored/daemon
