# SPDX-License-Identifier: GPL-2.0-only
# The guest kernel ELF loader (hypervisor/common/elf_loader.c) against
# toolchain-built PVH fixtures (tests/unit/fixtures/elf/, see gen.sh;
# embedded with .incbin), images built by the test, and hostile variants.
UNIT_TESTS += elf_loader
elf_loader_SRCS := hypervisor/common/elf_loader.c

$(BUILD)/tests/unit/elf_loader: tests/unit/fixtures/elf/pvh64.elf tests/unit/fixtures/elf/pvh32.elf \
    hypervisor/include/public/elfnote.h
$(BUILD)/tests/unit/elf_loader: tests/unit/fixtures/elf/debian-6.1.0-56.skel
