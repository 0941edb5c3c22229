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


# What the boot fixture (conftest.py) looks for in every Keel console after
# a test: Keel-level trouble that a test's own expectations can miss.  Keys
# are the names a test gives boot(console_allows=...) to provoke one on
# purpose.  Guest lines start with "(dN) " and never match; a domain that
# crashes ("domain: dN (...) crashed: ...") is not Keel trouble either.
CONSOLE_CHECKS = {
    # heap corruption and bad frees (page_alloc.c, xmalloc.c: pr_err)
    "heap": r"^(page_free|page_alloc|xfree|xmalloc): .*",
    # an exception in the hypervisor (traps.c) and its panic
    "FAULT": r"^FAULT\b.*",
    "panic": r"^panic: .*",
    # the lock checker of DEBUG builds (spinlock.c lock_fatal)
    "lock": r"^lock (self-deadlock|order violation|depth exceeded|release|\S+: _irq lock)\b.*",
    # Keel restarting the machine on purpose (power.c); see also reset_problem()
    "reset": r"^reboot: restarting the machine.*",
}


def reset_problem(output, returncode, poweroff=keelqemu.POWEROFF_LINE):
    """Why the console and QEMU's exit code show a reset or triple fault of
    Keel's (None if they do not): QEMU ended with 0 without Keel's poweroff
    line (-no-reboot turns a reset into an exit), or Keel's banner appeared
    more than once (the machine rebooted under allow_reboot)."""
    if returncode == 0 and not re.search(poweroff, output, re.M):
        return ("QEMU exited 0 without Keel's poweroff line "
                f"/{poweroff}/: the machine reset or triple-faulted")
    banners = len(BANNER.findall(output))
    if banners > 1:
        return f"Keel's banner appeared {banners} times: the machine reset and booted again"
    return None


def console_problems(output, returncode=None, allow=()):
    """The Keel-level problems in a console transcript, as lines of text;
    returncode is QEMU's exit code if it has ended (else None).  allow names
    CONSOLE_CHECKS a test provokes on purpose ("reset" also covers
    reset_problem())."""
    unknown = set(allow) - set(CONSOLE_CHECKS)
    if unknown:
        raise ValueError(f"console_allows: unknown check(s) {sorted(unknown)}; "
                         f"use {sorted(CONSOLE_CHECKS)}")
    problems = []
    for name, pattern in CONSOLE_CHECKS.items():
        if name in allow:
            continue
        for m in re.finditer(pattern, output, re.M):
            problems.append(f"[{name}] {m.group(0).rstrip()}")
    if "reset" not in allow:
        why = reset_problem(output, returncode)
        if why:
            problems.append(f"[reset] {why}")
    return problems


# The in-tree PVH test kernels (guest-drivers/) and the line each one ends with.
GUEST_KERNELS = REPO / "build" / "guest-drivers"
GUEST_SUCCESS = r"^\(d{}\) Test result: SUCCESS\s*$"


# Boot domains (dom0less): the free pages and the heap (xmalloc) before they
# are built and after they have all ended.  Keel keeps nothing of a domain's
# and caches nothing (xmalloc gives an empty page back at once; see
# docs/system-tests.md), so every figure must be back exactly.
HEAP = r"; heap (\d+) pages, (\d+) bytes in use"
PAGES_BEFORE = r"^domain: (\d+) pages free before the boot domains" + HEAP
ALL_ENDED = r"^domain: every domain has ended \(all powered off\); (\d+) pages free" + HEAP


def _accounts(m):
    return tuple(int(g) for g in m.groups())


def free_pages_before(q):
    """(free pages, heap pages, heap bytes in use) as Keel prints them before
    it builds the boot domains."""
    return _accounts(q.expect(PAGES_BEFORE, BOOT_TIMEOUT))


def pages_back_error(before, after):
    """Why the accounts after every domain ended differ from those before
    (None when they are the same to the page and to the byte)."""
    (free0, heap0, bytes0), (free1, heap1, bytes1) = before, after
    if (free0, heap0, bytes0) == (free1, heap1, bytes1):
        return None
    msg = (f"{free0 - free1} pages did not come back ({free0} free before the boot "
           f"domains, {free1} after they all ended)")
    if (heap0, bytes0) != (heap1, bytes1):
        msg += (f"; the heap holds {heap1 - heap0:+d} pages and {bytes1 - bytes0:+d} bytes "
                "in use compared with before: xmalloc'd objects were not freed")
    return msg


def expect_pages_back(q, before, timeout=BOOT_TIMEOUT):
    """Wait until every boot domain has powered off, then check that every
    page came back and the heap is as it was: no allowance."""
    error = pages_back_error(before, _accounts(q.expect(ALL_ENDED, timeout)))
    assert error is None, error


def guest_kernel(name):
    """The path of build/guest-drivers/<name>; the test FAILS if it is missing."""
    import pytest
    path = GUEST_KERNELS / name
    if not path.is_file():
        pytest.fail(f"{path} is missing: build the test kernels with 'make'", pytrace=False)
    return str(path)
