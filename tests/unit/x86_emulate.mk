# SPDX-License-Identifier: GPL-2.0-only
# Unit tests for the x86 memory-operand emulator.
UNIT_TESTS += x86_emulate
x86_emulate_SRCS := hypervisor/arch/x86/hvm/x86_emulate.c hypervisor/arch/x86/hvm/x86_decode.c

$(BUILD)/tests/unit/x86_emulate: hypervisor/arch/x86/include/asm/x86_decode.h \
    hypervisor/arch/x86/include/asm/x86_emulate.h
