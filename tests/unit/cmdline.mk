UNIT_TESTS += cmdline
cmdline_SRCS := hypervisor/common/cmdline.c
