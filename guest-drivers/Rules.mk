# SPDX-License-Identifier: MIT
#
# Build rules for the guest library (guest-drivers/lib/): the freestanding PVH
# runtime the test kernels link against.  Objects go under
# $(BUILD)/guest-drivers/lib/; every kernel links all of them (no archive, so
# the entry code and the ELF note are always in).
# guest.mk (included after this file) lists the test kernels.

GUEST_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -Wno-unused-parameter \
    -ffreestanding -fno-builtin -fno-common -fno-strict-aliasing \
    -mno-red-zone -mgeneral-regs-only -mcmodel=small -fno-pic -fno-pie \
    -fno-stack-protector -fno-omit-frame-pointer -fno-asynchronous-unwind-tables \
    -fcf-protection=none -fno-jump-tables \
    -Iguest-drivers/lib -Ihypervisor/include
GUEST_ASFLAGS := -D__ASSEMBLY__ -Iguest-drivers/lib -Ihypervisor/include -g
GUEST_LDFLAGS := -nostdlib -static -no-pie -Wl,--build-id=none \
    -Wl,-z,max-page-size=0x1000 -Wl,-z,noexecstack -Wl,--no-warn-rwx-segments
GUEST_LDS     := guest-drivers/guest.lds

GUEST_LIB_SRCS := $(sort $(wildcard guest-drivers/lib/*.c guest-drivers/lib/*.S))
GUEST_LIB_OBJS := $(patsubst %,$(BUILD)/%.o,$(GUEST_LIB_SRCS))

$(BUILD)/guest-drivers/%.c.o: guest-drivers/%.c
	@mkdir -p $(@D)
	@echo "  CC      $<"
	$(Q)$(CC) $(GUEST_CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/guest-drivers/%.S.o: guest-drivers/%.S
	@mkdir -p $(@D)
	@echo "  AS      $<"
	$(Q)$(CC) $(GUEST_ASFLAGS) -MMD -MP -c -o $@ $<

-include $(GUEST_LIB_OBJS:.o=.d)
