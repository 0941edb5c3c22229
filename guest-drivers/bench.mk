# SPDX-License-Identifier: MIT
#
# Benchmark test kernels (see bench/): added to GUEST_TESTS, which guest.mk
# turns into build rules.  test-bench-exits times hypercalls and CPUID exits
# for bench/hypercall.sh.

GUEST_TESTS += bench-exits
