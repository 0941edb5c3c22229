UNIT_TESTS += multiboot2
multiboot2_SRCS := hypervisor/arch/x86/boot/multiboot2.c hypervisor/common/memmap.c
