# SPDX-License-Identifier: GPL-2.0-only
# Guest-ABI conformance (tests/abi/): Keel's public headers
# (hypervisor/include/public/) against Xen's from Debian's libxen-dev.
# tests/abi/gen_abi_checks.py turns every #define, enum constant, typedef,
# struct and member of Keel's headers into a check list; keel_side.c and
# xen_side.c (guest and toolstack view) evaluate it in separate translation
# units, main.c compares and prints TAP.  Each header is also compiled alone,
# freestanding, to prove it needs nothing but <stdint.h>.
# Fails (does not skip) when libxen-dev is missing.

ABI_HEADERS := $(shell find hypervisor/include/public -name '*.h' | sort)
ABI_DIR     := $(BUILD)/tests/abi
ABI_CFLAGS  := -std=gnu11 -O1 -g -Wall -Wextra -Werror -Wno-type-limits -I$(ABI_DIR) -Itests/abi
ABI_FREESTANDING := -std=c11 -pedantic -Wall -Wextra -Werror -ffreestanding -nostdinc \
                    -isystem $(shell $(HOSTCC) -print-file-name=include) -Ihypervisor/include

$(ABI_DIR)/abi_checks.h: tests/abi/gen_abi_checks.py tests/abi/allowlist.txt $(ABI_HEADERS)
	@mkdir -p $(@D)
	@echo "  GEN     $@"
	$(Q)$(PYTHON) tests/abi/gen_abi_checks.py hypervisor/include/public tests/abi/allowlist.txt $@

$(ABI_DIR)/headers.stamp: $(ABI_HEADERS)
	@mkdir -p $(@D)
	@echo "  CHECK   hypervisor/include/public (freestanding, self-contained)"
	$(Q)for h in $(ABI_HEADERS); do \
	    printf "#include \"%s\"\ntypedef int abi_nonempty;\n" "$${h#hypervisor/include/}" | \
	    $(HOSTCC) $(ABI_FREESTANDING) -x c -fsyntax-only - || { echo "  in $$h"; exit 1; }; \
	done
	$(Q)touch $@

$(ABI_DIR)/abi_conformance: tests/abi/main.c tests/abi/keel_side.c tests/abi/xen_side.c \
    tests/abi/abi.h $(ABI_DIR)/abi_checks.h $(ABI_DIR)/headers.stamp
	@echo "  HOSTCC  $@"
	$(Q)test -f /usr/include/xen/xen.h || \
	    { echo "tests/abi: /usr/include/xen/xen.h missing: install libxen-dev" >&2; exit 1; }
	$(Q)$(HOSTCC) $(ABI_CFLAGS) -Ihypervisor/include -c tests/abi/keel_side.c -o $(ABI_DIR)/keel_side.o
	$(Q)$(HOSTCC) $(ABI_CFLAGS) -c tests/abi/xen_side.c -o $(ABI_DIR)/xen_side.o
	$(Q)$(HOSTCC) $(ABI_CFLAGS) -DABI_XEN_TOOLS -c tests/abi/xen_side.c -o $(ABI_DIR)/xen_tools_side.o
	$(Q)$(HOSTCC) $(ABI_CFLAGS) -o $@ tests/abi/main.c $(ABI_DIR)/keel_side.o \
	    $(ABI_DIR)/xen_side.o $(ABI_DIR)/xen_tools_side.o

# Its TAP lines are ABI rows, counted apart from the tests (run-tests --abi).
ABI_PROGRAMS += $(ABI_DIR)/abi_conformance
