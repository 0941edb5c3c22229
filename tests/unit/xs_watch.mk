# SPDX-License-Identifier: GPL-2.0-only
# xenstored unit test: tests/unit/test_xs_watch.c against the daemon core.
UNIT_TESTS += xs_watch
xs_watch_SRCS := $(filter-out xenstored/daemon/main.c xenstored/daemon/ring_xen.c xenstored/daemon/sock.c xenstored/daemon/dominfo_xen.c,\
                  $(sort $(wildcard xenstored/daemon/*.c))) \
                  tests/unit/xs_fixture.c
xs_watch_CFLAGS := -Ixenstored/daemon
$(BUILD)/tests/unit/xs_watch: tests/unit/xs_fixture.h
