# SPDX-License-Identifier: GPL-2.0-only
"""Fixtures for Keel's system tests: each test boots its own QEMU.

`boot(cmdline, **KeelQemu options)` starts Keel from a fresh GRUB ISO and
returns the running KeelQemu; every QEMU is killed when its test ends and
the console transcript is kept in build/test-logs/<test>.log.  The real
hypervisor (build/keel) is required: without it the tests FAIL, they are
never skipped.
"""
import re

import pytest

from keel_system import KEEL, LOG_DIR, keelqemu


@pytest.fixture(scope="session")
def keel_binary():
    if not KEEL.is_file():
        pytest.fail(f"{KEEL} is missing: build the hypervisor with 'make' first "
                    "(system tests boot the real binary and are never skipped)",
                    pytrace=False)
    return str(KEEL)


def _log_name(nodeid):
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", nodeid.split("::", 1)[-1]) + ".log"


@pytest.fixture
def boot(keel_binary, request):
    """Factory: boot(cmdline="", **options) -> started keelqemu.KeelQemu."""
    started = []
    LOG_DIR.mkdir(parents=True, exist_ok=True)

    def _boot(cmdline="", **options):
        n = len(started)
        name = _log_name(request.node.nodeid)
        log = LOG_DIR / (name if n == 0 else f"{name[:-4]}.{n}.log")
        q = keelqemu.KeelQemu(cmdline, keel=keel_binary, log=str(log), **options)
        started.append(q)
        return q.start()

    yield _boot
    for q in started:
        q.close()
