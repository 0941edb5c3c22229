# SPDX-License-Identifier: MIT
#
# The guest test kernels: one ELF per entry of GUEST_TESTS, built from
# guest-drivers/tests/<name>.c (or every .c/.S under guest-drivers/tests/<name>/)
# linked with the guest library into $(BUILD)/guest-drivers/test-<name>.
# Each kernel prints "Test result: SUCCESS|FAILURE|SKIP" and shuts down.

GUEST_TESTS += hello cpuid hypercall-errors exceptions

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

$(foreach t,$(GUEST_TESTS),$(eval $(call guest_test_rule,$(t))))

GUEST_KERNELS := $(patsubst %,$(BUILD)/guest-drivers/test-%,$(GUEST_TESTS))
ALL_TARGETS   += $(GUEST_KERNELS)

.PHONY: guest-kernels
guest-kernels: $(GUEST_KERNELS)
