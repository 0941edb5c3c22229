# SPDX-License-Identifier: GPL-2.0-only
# Unit tests for the x86 instruction decoder.
UNIT_TESTS += x86_decode
x86_decode_SRCS := hypervisor/arch/x86/hvm/x86_decode.c

$(BUILD)/tests/unit/x86_decode: hypervisor/arch/x86/include/asm/x86_decode.h

# The fuzz harness's seed-corpus replay (host compiler, sanitizers): part of
# make test.  The libFuzzer target needs clang: make fuzz-x86-decode.
X86_FUZZ_DIR  := tests/fuzz/x86_decode
X86_FUZZ_SRCS := $(X86_FUZZ_DIR)/harness.c hypervisor/arch/x86/hvm/x86_decode.c \
                 hypervisor/arch/x86/hvm/x86_emulate.c
X86_FUZZ_DEPS := $(X86_FUZZ_SRCS) $(X86_FUZZ_DIR)/harness.h \
                 hypervisor/arch/x86/include/asm/x86_decode.h \
                 hypervisor/arch/x86/include/asm/x86_emulate.h

$(BUILD)/tests/fuzz/x86_decode_replay: $(X86_FUZZ_DIR)/replay.c $(X86_FUZZ_DEPS)
	@mkdir -p $(@D)
	$(HOSTCC) $(UNIT_CFLAGS) -DCORPUS_DIR='"$(CURDIR)/$(X86_FUZZ_DIR)/corpus"' \
	    -o $@ $(X86_FUZZ_DIR)/replay.c $(X86_FUZZ_SRCS)
TEST_PROGRAMS += $(BUILD)/tests/fuzz/x86_decode_replay

.PHONY: fuzz-x86-decode
fuzz-x86-decode: $(BUILD)/tests/fuzz/x86_decode_fuzzer
$(BUILD)/tests/fuzz/x86_decode_fuzzer: $(X86_FUZZ_DIR)/fuzz_x86_decode.c $(X86_FUZZ_DEPS)
	@mkdir -p $(@D)
	clang -std=gnu11 -O1 -g -Wall -Wextra -Werror -D_GNU_SOURCE -DKEEL_HOST_TEST \
	    -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	    -Ihypervisor/include -Ihypervisor/arch/x86/include \
	    -o $@ $(X86_FUZZ_DIR)/fuzz_x86_decode.c $(X86_FUZZ_SRCS)
