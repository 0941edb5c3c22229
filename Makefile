# SPDX-License-Identifier: GPL-2.0-only
#
# Keel top-level build.  Everything it makes goes under build/.
#
#   make            the hypervisor (build/keel), the tools and the unit tests
#   make deps       install missing Debian packages (idempotent, silent when all present)
#   make iso        build/keel.iso, a GRUB rescue image booting Keel
#   make run        deps + build + iso + boot Keel in QEMU with the serial console here
#   make test       deps + build + every test; last line "N passed, N failed"
#                   (counts and time limits: docs/testing.md)
#   make install    the hypervisor into /boot and a GRUB menu script into /etc/grub.d
#
# Components add themselves through make fragments picked up by wildcard:
#   hypervisor/Rules.mk, tests/unit/*.mk, xenstored/*.mk, tools/*/*.mk
# A fragment appends to TEST_PROGRAMS (binaries printing TAP: a plan "1..N" and
# "ok"/"not ok" lines), ABI_PROGRAMS (TAP programs of ABI conformance rows,
# counted apart from the tests), PYTEST_DIRS (directories of pytest tests, one
# pytest session each) and ALL_TARGETS.

CROSS_COMPILE ?=
CC       := $(CROSS_COMPILE)gcc
LD       := $(CROSS_COMPILE)ld
OBJCOPY  := $(CROSS_COMPILE)objcopy
HOSTCC   ?= gcc
PYTHON   ?= /usr/bin/python3
BUILD    := $(if $(DEBUG),build/debug,build)
PREFIX   ?= /usr/local
DESTDIR  ?=

VERSION  := 0.1.0
GITREV   := $(shell git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)$(shell git diff --quiet HEAD -- 2>/dev/null || echo -dirty)

# Host programs (tools, daemons) and the sanitizer flags for host unit tests.
HOST_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -D_GNU_SOURCE
SAN_FLAGS   := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
UNIT_CFLAGS := -std=gnu11 -O1 -g -Wall -Wextra -Werror -D_GNU_SOURCE -DKEEL_HOST_TEST \
               $(SAN_FLAGS) -Ihypervisor/include -Ihypervisor/arch/x86/include -Itests/unit

# make V=1 shows every command.
Q := $(if $(V),,@)

TEST_PROGRAMS :=
ABI_PROGRAMS  :=
PYTEST_DIRS   :=
ALL_TARGETS   :=

.PHONY: all deps iso run run-demo test unit-test install clean
all: hypervisor-all tools-all

include hypervisor/Rules.mk
# tests/runner: the tests of scripts/run-tests itself (a few seconds).
PYTEST_DIRS += tests/runner tests/system
include tests/unit/Rules.mk
include $(sort $(filter-out tests/unit/Rules.mk,$(wildcard tests/unit/*.mk)))
$(foreach t,$(UNIT_TESTS),$(eval $(call unit_test_rule,$(t))))
include $(sort $(wildcard xenstored/*.mk))
include $(sort $(wildcard tools/*/*.mk))
include $(sort $(wildcard guest-drivers/*.mk))
$(foreach t,$(sort $(GUEST_TESTS)),$(eval $(call guest_test_rule,$(t))))
GUEST_KERNELS := $(patsubst %,$(BUILD)/guest-drivers/test-%,$(sort $(GUEST_TESTS)))
ALL_TARGETS   += $(GUEST_KERNELS)

.PHONY: guest-kernels
guest-kernels: $(GUEST_KERNELS)

.PHONY: tools-all
tools-all: $(ALL_TARGETS) $(TEST_PROGRAMS) $(ABI_PROGRAMS)

deps:
	@scripts/install-deps

iso: $(BUILD)/keel.iso

# The ISO boots what make run boots: Keel with Debian's kernel as dom0.
$(BUILD)/keel.iso: $(BUILD)/keel config/grub.cfg.in config/keel.cmdline config/dom0.cmdline \
		scripts/keel-qemu build/dom0/vmlinuz build/dom0/initrd.img
	@$(PYTHON) scripts/keel-qemu --keel $(BUILD)/keel --make-iso $@ \
	    "$$(cat config/keel.cmdline 2>/dev/null)" \
	    build/dom0/vmlinuz,"$$(grep -v '^#' config/dom0.cmdline)" build/dom0/initrd.img

# make run: Keel with Debian's kernel as dom0 and the tools/dom0 initramfs:
# a root shell on hvc0 ('poweroff -f' or Ctrl-A X to leave).  The dom0
# command line is in config/dom0.cmdline.  'make run-demo' instead starts the
# PVH test kernels of config/demo.modules as dom0less domains.
run: deps
	@$(MAKE) --no-print-directory all dom0-image
	@$(PYTHON) scripts/keel-qemu --keel $(BUILD)/keel --interactive --timeout 0 \
	    --smp 2 --mem 2G "$$(cat config/keel.cmdline 2>/dev/null)" \
	    build/dom0/vmlinuz,"$$(grep -v '^#' config/dom0.cmdline)" build/dom0/initrd.img

run-demo: deps
	@$(MAKE) --no-print-directory all
	@grep -v '^#' config/demo.modules | tr '\n' '\0' | xargs -0 \
	    $(PYTHON) scripts/keel-qemu --keel $(BUILD)/keel --interactive --timeout 0 \
	    --smp 2 --mem 1G "dom0less $$(cat config/keel.cmdline 2>/dev/null)"

# make test: dependencies first, then a full build, then every suite.
# TESTS=<pattern> narrows to matching unit-test programs and pytest -k expressions.
# Time limits: KEEL_TEST_TIMEOUT (s per program), KTEST_TIMEOUT (s per unit
# case), KEEL_PYTEST_TIMEOUT (s per pytest session) in the environment.
test: deps
	@$(MAKE) --no-print-directory all
	@$(PYTHON) scripts/run-tests --build $(BUILD) \
	    $(foreach p,$(TEST_PROGRAMS),--program $(p)) \
	    $(foreach p,$(ABI_PROGRAMS),--abi $(p)) \
	    $(foreach d,$(PYTEST_DIRS),--pytest $(d)) $(if $(TESTS),--only '$(TESTS)')

unit-test: all
	@$(PYTHON) scripts/run-tests --build $(BUILD) $(foreach p,$(TEST_PROGRAMS),--program $(p)) \
	    $(foreach p,$(ABI_PROGRAMS),--abi $(p))

install: $(BUILD)/keel
	install -D -m 0644 $(BUILD)/keel $(DESTDIR)/boot/keel-$(VERSION)
	ln -sf keel-$(VERSION) $(DESTDIR)/boot/keel
	install -D -m 0755 config/20_linux_keel $(DESTDIR)/etc/grub.d/20_linux_keel
	@echo "installed; run update-grub to add Keel entries to the boot menu"

clean:
	rm -rf $(BUILD)
