# SPDX-License-Identifier: GPL-2.0-only
# The xenstore daemon (build/xenstored/xenstored), its corpus replayer (a
# TAP test program) and, when clang is present, its libFuzzer target
# (make xenstored-fuzz -> build/xenstored/xenstored-fuzz).

XSD_DIR      := xenstored/daemon
XSD_CORE_SRCS := $(filter-out $(XSD_DIR)/main.c $(XSD_DIR)/ring_xen.c $(XSD_DIR)/sock.c $(XSD_DIR)/dominfo_xen.c,\
                   $(sort $(wildcard $(XSD_DIR)/*.c)))
XSD_SRCS     := $(filter-out $(XSD_DIR)/memconn.c,$(sort $(wildcard $(XSD_DIR)/*.c)))
XSD_HDRS     := $(wildcard $(XSD_DIR)/*.h) hypervisor/include/public/io/xs_wire.h
XSD_CFLAGS   := -Ihypervisor/include -I$(XSD_DIR)

$(BUILD)/xenstored/xenstored: $(XSD_SRCS) $(XSD_HDRS)
	@mkdir -p $(@D)
	$(HOSTCC) $(HOST_CFLAGS) $(XSD_CFLAGS) -o $@ $(XSD_SRCS)

# The seed corpus replayed through the fuzz entry point with ASan/UBSan.
$(BUILD)/xenstored/xs-fuzz-replay: xenstored/fuzz/fuzz_dispatch.c xenstored/fuzz/replay.c \
		$(XSD_CORE_SRCS) $(XSD_HDRS) $(wildcard xenstored/fuzz/corpus/*)
	@mkdir -p $(@D)
	$(HOSTCC) $(HOST_CFLAGS) -O1 $(SAN_FLAGS) $(XSD_CFLAGS) \
	    -DXSD_CORPUS_DIR='"$(CURDIR)/xenstored/fuzz/corpus"' -o $@ \
	    xenstored/fuzz/fuzz_dispatch.c xenstored/fuzz/replay.c $(XSD_CORE_SRCS)

$(BUILD)/xenstored/xenstored-fuzz: xenstored/fuzz/fuzz_dispatch.c $(XSD_CORE_SRCS) $(XSD_HDRS)
	@mkdir -p $(@D)
	clang -std=gnu11 -g -O1 -D_GNU_SOURCE -fsanitize=fuzzer,address,undefined \
	    $(XSD_CFLAGS) -o $@ xenstored/fuzz/fuzz_dispatch.c $(XSD_CORE_SRCS)

.PHONY: xenstored-fuzz
xenstored-fuzz: $(BUILD)/xenstored/xenstored-fuzz

ALL_TARGETS   += $(BUILD)/xenstored/xenstored
TEST_PROGRAMS += $(BUILD)/xenstored/xs-fuzz-replay
PYTEST_DIRS   += xenstored/tests
