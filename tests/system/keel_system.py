# SPDX-License-Identifier: GPL-2.0-only
"""Shared constants of Keel's system tests and the import of the QEMU
harness (scripts/keelqemu.py) for conftest.py and the test modules."""
import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
if str(REPO / "scripts") not in sys.path:
    sys.path.insert(0, str(REPO / "scripts"))

import keelqemu  # noqa: E402,F401  (re-exported to the tests)

KEEL = REPO / "build" / "keel"
LOG_DIR = REPO / "build" / "test-logs"

# Under TCG a boot to the banner takes a second or two on an idle machine;
# these allow for a loaded CI host running several QEMUs at once.
BOOT_TIMEOUT = 180
STEP_TIMEOUT = 120

BANNER = re.compile(r"^Keel \d+\.\d+\.\d+ \(rev [0-9a-f]+(-dirty)?\) - Xen-ABI hypervisor",
                    re.M)


# The in-tree PVH test kernels (guest-drivers/) and the line each one ends with.
GUEST_KERNELS = REPO / "build" / "guest-drivers"
GUEST_SUCCESS = r"^\(d{}\) Test result: SUCCESS\s*$"


# Boot domains (dom0less): the free pages before they are built and after
# they have all ended.  A few pages may stay with Keel: xmalloc keeps a
# partly used page per size class.
PAGES_BEFORE = r"^domain: (\d+) pages free before the boot domains"
ALL_ENDED = r"^domain: every domain has ended \(all powered off\); (\d+) pages free"
PAGES_KEPT_MAX = 8


def free_pages_before(q):
    """The free page count Keel prints before it builds the boot domains."""
    return int(q.expect(PAGES_BEFORE, BOOT_TIMEOUT).group(1))


def expect_pages_back(q, before, timeout=BOOT_TIMEOUT):
    """Wait until every boot domain has powered off, then check that their
    memory came back (all but PAGES_KEPT_MAX pages at most)."""
    lost = before - int(q.expect(ALL_ENDED, timeout).group(1))
    assert 0 <= lost <= PAGES_KEPT_MAX, f"{lost} pages did not come back"


def guest_kernel(name):
    """The path of build/guest-drivers/<name>; the test FAILS if it is missing."""
    import pytest
    path = GUEST_KERNELS / name
    if not path.is_file():
        pytest.fail(f"{path} is missing: build the test kernels with 'make'", pytrace=False)
    return str(path)
