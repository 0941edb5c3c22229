# SPDX-License-Identifier: GPL-2.0-only
# The boot-payload decompressors (hypervisor/common/decompress/).
#   decompress:        vectors made at build time by decompress_vectors.py
#                      (Python's lzma/zlib/gzip) plus hostile variants.
#   decompress_kernel: Debian's own kernel image (apt-get download at build
#                      time), compared with what Python's lzma makes of it;
#                      fails with the reason if it could not be fetched.
# $(BUILD)/tests/decompress/bench is decompress_kernel built with -O2 and no
# sanitizers, for throughput figures (not run by make test).
DECOMPRESS_SRCS := hypervisor/common/decompress/crc.c \
                   hypervisor/common/decompress/bcj_x86.c \
                   hypervisor/common/decompress/lzma2.c \
                   hypervisor/common/decompress/xz.c \
                   hypervisor/common/decompress/inflate.c \
                   hypervisor/common/decompress/gunzip.c \
                   hypervisor/common/decompress/decompress.c
DECOMPRESS_DIR := $(abspath $(BUILD))/tests/decompress

UNIT_TESTS += decompress
decompress_SRCS := $(DECOMPRESS_SRCS)
decompress_CFLAGS := -DDECOMPRESS_VECTORS='"$(DECOMPRESS_DIR)/vectors.bin"'

$(BUILD)/tests/decompress/vectors.bin: tests/unit/decompress_vectors.py
	$(Q)$(PYTHON) tests/unit/decompress_vectors.py vectors $@

$(BUILD)/tests/unit/decompress: $(BUILD)/tests/decompress/vectors.bin \
    hypervisor/common/decompress/decompress_priv.h

UNIT_TESTS += decompress_kernel
decompress_kernel_SRCS := $(DECOMPRESS_SRCS)
decompress_kernel_CFLAGS := -DDECOMPRESS_KERNEL_DIR='"$(DECOMPRESS_DIR)"'

# Debian's kernel comes from the dom0 image builder (one download, cached in
# build/dom0/debs): vmlinuz, or vmlinuz.error saying why not, so that the
# rest of the build and the tests still run when the registry is unreachable.
$(BUILD)/tests/decompress/kernel.stamp: tools/dom0/build-image
	@mkdir -p $(@D)
	$(Q)rm -f $(@D)/vmlinuz $(@D)/vmlinuz.error; \
	if $(PYTHON) tools/dom0/build-image --out build/dom0 > $(@D)/build-image.log 2>&1; then \
	    cp build/dom0/vmlinuz $(@D)/vmlinuz; \
	else \
	    { echo "could not get Debian's kernel (tools/dom0/build-image):"; \
	      tail -5 $(@D)/build-image.log; } > $(@D)/vmlinuz.error; \
	fi
	@touch $@

# What the kernel's payload must decode to, from Python's lzma (and recoded
# with Python's gzip for the gzip case), never from Keel's own decoders.
$(BUILD)/tests/decompress/ref.stamp: $(BUILD)/tests/decompress/kernel.stamp \
    tests/unit/decompress_vectors.py
	$(Q)$(PYTHON) tests/unit/decompress_vectors.py kernel $(DECOMPRESS_DIR)
	@touch $@

$(BUILD)/tests/unit/decompress_kernel: $(BUILD)/tests/decompress/ref.stamp

$(BUILD)/tests/decompress/bench: tests/unit/test_decompress_kernel.c tests/unit/ktest.c \
    $(DECOMPRESS_SRCS) $(BUILD)/tests/decompress/ref.stamp
	@echo "  HOSTCC  $@"
	$(Q)$(HOSTCC) -std=gnu11 -O2 -D_GNU_SOURCE -DKEEL_HOST_TEST -Ihypervisor/include \
	    -Itests/unit -DDECOMPRESS_KERNEL_DIR='"$(DECOMPRESS_DIR)"' -o $@ \
	    tests/unit/test_decompress_kernel.c tests/unit/ktest.c $(DECOMPRESS_SRCS)
