# SPDX-License-Identifier: GPL-2.0-only
# The test dom0 image: 'make dom0-image' builds build/dom0/vmlinuz (Debian's
# kernel, unmodified) and build/dom0/initrd.img (busybox, the Xen modules and
# tools/dom0/init.sh) with tools/dom0/build-image.  Not part of ALL_TARGETS:
# the first build downloads ~70 MB of Debian packages (cached in build/dom0/debs).

DOM0_OUT   := build/dom0
DOM0_IMAGE := $(DOM0_OUT)/vmlinuz $(DOM0_OUT)/initrd.img

.PHONY: dom0-image
dom0-image: $(DOM0_IMAGE)

# build-image compiles the test programs tools/dom0/tests/*.c into the image.
DOM0_TEST_SRCS := $(wildcard tools/dom0/tests/*.c) guest-drivers/tests/dom0peer/dom0peer.h \
	$(wildcard hypervisor/include/public/*.h)

$(DOM0_IMAGE) &: tools/dom0/build-image tools/dom0/init.sh $(DOM0_TEST_SRCS)
	$(Q)$(PYTHON) tools/dom0/build-image --out $(DOM0_OUT)
