# SPDX-License-Identifier: GPL-2.0-only
# Builds the hypervisor ELF, build/keel: every .c and .S under hypervisor/
# (except include/) is part of it.  Freestanding: no red zone, no SSE/MMX/x87
# in hypervisor code, kernel code model linked at KEEL_VIRT_BASE, no stack
# protector, frame pointers kept for backtraces.

HYP_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -Wno-unused-parameter \
    -ffreestanding -fno-builtin -fno-common -fno-strict-aliasing \
    -mno-red-zone -mgeneral-regs-only -mno-mmx -mno-sse -mno-sse2 -mno-avx \
    -mcmodel=kernel -fno-pic -fno-pie -fno-stack-protector \
    -fno-omit-frame-pointer -fno-asynchronous-unwind-tables -fcf-protection=none \
    -fno-jump-tables -Ihypervisor/include -Ihypervisor/arch/x86/include \
    -DKEEL_VERSION='"$(VERSION)"' -DKEEL_GITREV='"$(GITREV)"' \
    $(if $(DEBUG),-DKEEL_DEBUG_LOCKS)
HYP_ASFLAGS := -D__ASSEMBLY__ -Ihypervisor/include -Ihypervisor/arch/x86/include -g
HYP_LDFLAGS := -nostdlib -static -z max-page-size=0x1000 -z noexecstack --no-warn-rwx-segments

HYP_SRCS := $(sort $(shell find hypervisor -path hypervisor/include -prune -o \( -name '*.c' -o -name '*.S' \) -print))
HYP_OBJS := $(patsubst %,$(BUILD)/%.o,$(HYP_SRCS))
HYP_LDS  := hypervisor/arch/x86/keel.lds

.PHONY: hypervisor-all
hypervisor-all: $(BUILD)/keel

$(BUILD)/hypervisor/%.c.o: hypervisor/%.c
	@mkdir -p $(@D)
	@echo "  CC      $<"
	$(Q)$(CC) $(HYP_CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/hypervisor/%.S.o: hypervisor/%.S
	@mkdir -p $(@D)
	@echo "  AS      $<"
	$(Q)$(CC) $(HYP_ASFLAGS) -MMD -MP -c -o $@ $<

# The version banner carries the git revision: rebuild it when HEAD moves.
$(BUILD)/hypervisor/common/version.c.o: $(wildcard .git/HEAD .git/index)

$(BUILD)/keel: $(HYP_OBJS) $(HYP_LDS)
	@echo "  LD      $@"
	$(Q)$(LD) $(HYP_LDFLAGS) -T $(HYP_LDS) -Map $@.map -o $@ $(HYP_OBJS)

-include $(HYP_OBJS:.o=.d)
