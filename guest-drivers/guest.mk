# SPDX-License-Identifier: MIT
#
# The guest test kernels: one ELF per entry of GUEST_TESTS, built from
# guest-drivers/tests/<name>.c (or every .c/.S under guest-drivers/tests/<name>/)
# linked with the guest library into $(BUILD)/guest-drivers/test-<name>.
# Each kernel prints "Test result: SUCCESS|FAILURE|SKIP" and shuts down.

GUEST_TESTS += hello cpuid hypercall-errors exceptions hcfuzz

guest_test_srcs = $(wildcard guest-drivers/tests/$(1).c) \
    $(sort $(wildcard guest-drivers/tests/$(1)/*.c guest-drivers/tests/$(1)/*.S))

define guest_test_rule
GUEST_TEST_OBJS_$(1) := $$(patsubst %,$$(BUILD)/%.o,$$(call guest_test_srcs,$(1)))
$$(BUILD)/guest-drivers/test-$(1): $$(GUEST_TEST_OBJS_$(1)) $$(GUEST_LIB_OBJS) $$(GUEST_LDS)
	@echo "  LD      $$@"
	$$(Q)$$(CC) $$(GUEST_LDFLAGS) -T $$(GUEST_LDS) -o $$@ \
	    $$(GUEST_TEST_OBJS_$(1)) $$(GUEST_LIB_OBJS)
-include $$(GUEST_TEST_OBJS_$(1):.o=.d)
endef

# The top-level Makefile instantiates guest_test_rule for every name in
# GUEST_TESTS once all guest-drivers/*.mk fragments have added theirs, and
# defines the guest-kernels target.
