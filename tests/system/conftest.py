# SPDX-License-Identifier: GPL-2.0-only
"""Fixtures for Keel's system tests: each test boots its own QEMU.

`boot(cmdline, **KeelQemu options)` starts Keel from a fresh GRUB ISO and
returns the running KeelQemu; every QEMU is killed when its test ends and
the console transcript is kept in build/test-logs/<test>.log.  The real
hypervisor (build/keel) is required: without it the tests FAIL, they are
never skipped.

When the test body has run, every console it booted is checked for Keel-level
trouble (keel_system.CONSOLE_CHECKS: heap complaints, FAULT, panic, lock
reports, a reset or triple fault); any makes a passing test FAIL, reported
once as that test's failure (pytest_runtest_makereport below), and is added
to the report of a test that failed anyway.  A test that provokes one on
purpose names it: boot(..., console_allows=("FAULT", "panic")).
"""
import re

import pytest

from keel_system import KEEL, LOG_DIR, console_problems, keelqemu

# The consoles a test booted, with what each may show: [(KeelQemu, allow)].
BOOTED = pytest.StashKey[list]()
MAX_PROBLEMS_SHOWN = 20


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
    """Factory: boot(cmdline="", console_allows=(), **options) -> started
    keelqemu.KeelQemu.  console_allows names keel_system.CONSOLE_CHECKS the
    test provokes on purpose."""
    started = []
    booted = request.node.stash.setdefault(BOOTED, [])
    LOG_DIR.mkdir(parents=True, exist_ok=True)

    def _boot(cmdline="", console_allows=(), **options):
        console_problems("", allow=console_allows)          # names checked now
        n = len(started)
        name = _log_name(request.node.nodeid)
        log = LOG_DIR / (name if n == 0 else f"{name[:-4]}.{n}.log")
        q = keelqemu.KeelQemu(cmdline, keel=keel_binary, log=str(log), **options)
        started.append(q)
        booted.append((q, tuple(console_allows), str(log)))
        return q.start()

    yield _boot
    for q in started:
        q.close()


def keel_console_report(booted):
    """The problems of every console a test booted, as one text (None if
    there are none)."""
    parts = []
    for q, allow, log in booted:
        problems = console_problems(q.output, q.returncode, allow)
        if problems:
            shown = problems[:MAX_PROBLEMS_SHOWN]
            more = len(problems) - len(shown)
            parts.append(f"Keel console {log} shows Keel-level trouble:\n  "
                         + "\n  ".join(shown)
                         + (f"\n  ... and {more} more" if more > 0 else ""))
    return "\n".join(parts) or None


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when != "call" or report.skipped:
        return
    text = keel_console_report(item.stash.get(BOOTED, []))
    if text is None:
        return
    if report.passed:
        report.outcome = "failed"
        report.longrepr = text + ("\n(a test that provokes this on purpose passes "
                                  "console_allows=... to boot())")
    else:
        report.sections.append(("Keel console checks", text))
