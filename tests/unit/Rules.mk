# SPDX-License-Identifier: GPL-2.0-only
# Host unit tests: each tests/unit/<name>.mk says
#     UNIT_TESTS += <name>
#     <name>_SRCS := hypervisor/common/foo.c ...
# and tests/unit/test_<name>.c holds the TEST() cases.  Every test binary links
# ktest.c (the runner) and is built with ASan and UBSan.

define unit_test_rule
$(BUILD)/tests/unit/$(1): tests/unit/test_$(1).c tests/unit/ktest.c tests/unit/ktest.h $$($(1)_SRCS) $$(wildcard hypervisor/include/keel/*.h)
	@mkdir -p $$(@D)
	@echo "  HOSTCC  $$@"
	$$(Q)$$(HOSTCC) $$(UNIT_CFLAGS) $$($(1)_CFLAGS) -o $$@ tests/unit/test_$(1).c tests/unit/ktest.c $$($(1)_SRCS)
TEST_PROGRAMS += $(BUILD)/tests/unit/$(1)
endef
