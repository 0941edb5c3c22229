# SPDX-License-Identifier: GPL-2.0-only
"""Tests of the system tests' own checks, on synthetic console transcripts
(no QEMU, a few seconds in all): the boot fixture's scan for Keel-level
trouble (keel_system.console_problems and the report hook in conftest.py),
the reading of QEMU's exit code together with Keel's poweroff line
(keelqemu.exit_status), and the exact page accounting
(keel_system.pages_back_error).  Each check must fail on the failure it is
there for, and be reported once per test."""
import subprocess
import sys
import textwrap
import xml.etree.ElementTree as ET

import pytest

from keel_system import REPO, console_problems, keelqemu, pages_back_error, reset_problem

BANNER = "Keel 0.1.0 (rev 0123456789ab) - Xen-ABI hypervisor"
POWEROFF = "poweroff: status 0\npoweroff: entering ACPI S5\n"

# A clean dom0less run as Keel prints it, a guest's lines included.
CLEAN = f"""\
Booting `Keel'
{BANNER}
boot: loader "GRUB 2.06" cmdline "dom0less"
domain: 129949 pages free before the boot domains; heap 33 pages, 131328 bytes in use
(d1) Test result: SUCCESS
domain: d1 (boot1) shut down: poweroff
domain: d1 (boot1) torn down, memory returned
domain: every domain has ended (all powered off); 129949 pages free; heap 33 pages, 131328 bytes in use
domain: powering off
{POWEROFF}"""


def with_line(line, text=CLEAN):
    """CLEAN with line inserted after the guest's result."""
    return text.replace("(d1) Test result: SUCCESS\n", f"(d1) Test result: SUCCESS\n{line}\n")


# -- console_problems: what the boot fixture reports ---------------------------

def test_a_clean_run_has_no_problems():
    assert console_problems(CLEAN, returncode=0) == []
    assert console_problems(CLEAN, returncode=None) == []


@pytest.mark.parametrize("line,check", [
    ("xfree: double free of 0xffff830000123040", "heap"),
    ("xfree: 0xffff830000123041 was not allocated by xmalloc", "heap"),
    ("xfree: 0xffff830000200020 is not a large heap block (bad header)", "heap"),
    ("xmalloc: heap page 0x1234 of class 64 is corrupt", "heap"),
    ("page_free: pfn 0x1234 is not allocated (double free?)", "heap"),
    ("page_free: pfn 0x1234 freed with order 0, allocated with 9", "heap"),
    ("page_alloc: 3 pages from pfn 0x100 were already in the heap", "heap"),
    ("FAULT: vector 14 (#PF) error 0x2 on cpu 1", "FAULT"),
    ("panic: fatal exception #PF in hypervisor", "panic"),
    ("panic: BUG_ON(d->state != DOMAIN_DEAD) at common/domain.c:99", "panic"),
    ("lock order violation: CPU 0 takes heap_lock (level 9) while holding "
     "domains_lock (level 9)", "lock"),
    ("lock self-deadlock: CPU 1 takes d->lock (spin) but already holds it (spin)", "lock"),
    ("lock release: CPU 0 unlocks heap_lock (spin) which it does not hold", "lock"),
    ("lock ev->lock: _irq lock taken with interrupts already disabled on CPU 2", "lock"),
    ("reboot: restarting the machine", "reset"),
])
def test_each_kind_of_trouble_is_reported(line, check):
    problems = console_problems(with_line(line), returncode=0)
    assert problems == [f"[{check}] {line}"]
    assert console_problems(with_line(line), returncode=0, allow=(check,)) == []


def test_guest_lines_and_domain_crashes_are_not_keel_trouble():
    text = with_line("(d1) panic: the guest's own\n(d2) FAULT: in the guest\n"
                     "(d1) xfree: a guest's message\n"
                     "domain: d2 (npf) crashed: access to unbacked guest-physical address "
                     "dead000 (fault code 6) at RIP 1234")
    assert console_problems(text, returncode=0) == []


def test_a_reset_without_keels_poweroff_line_is_reported():
    # A crash after the summary line: QEMU ends with 0 under -no-reboot.
    crashed = CLEAN.replace(POWEROFF, "")
    assert reset_problem(crashed, 0)
    assert console_problems(crashed, returncode=0) == \
        [f"[reset] {reset_problem(crashed, 0)}"]
    assert console_problems(crashed, returncode=0, allow=("reset",)) == []
    # Still running, or ended through isa-debug-exit: not a reset.
    assert console_problems(crashed, returncode=None) == []
    assert console_problems(crashed, returncode=3) == []


def test_a_second_banner_is_a_reboot():
    rebooted = CLEAN.replace(POWEROFF, "") + f"Booting `Keel'\n{BANNER}\n"
    assert "booted again" in reset_problem(rebooted, None)
    assert console_problems(rebooted, returncode=None) == [f"[reset] {reset_problem(rebooted, None)}"]


def test_unknown_allowance_is_an_error():
    with pytest.raises(ValueError, match="unknown check"):
        console_problems(CLEAN, allow=("FAULTS",))


# -- exit_status: QEMU's exit code read with Keel's poweroff line --------------

def test_exit_zero_is_a_poweroff_only_with_keels_line():
    assert keelqemu.exit_status(0, CLEAN) == 0
    with pytest.raises(keelqemu.MachineReset, match="reset or triple-faulted"):
        keelqemu.exit_status(0, CLEAN.replace(POWEROFF, ""))
    # "status 0" alone is not enough: the machine may reset before the S5 write
    with pytest.raises(keelqemu.MachineReset):
        keelqemu.exit_status(0, CLEAN.replace("poweroff: entering ACPI S5\n", ""))
    assert keelqemu.exit_status(0, "anything", poweroff=None) == 0


def test_exit_codes_of_isa_debug_exit_and_failures():
    assert keelqemu.exit_status(1, "console text") == 0
    assert keelqemu.exit_status(3, "poweroff: status 1\n") == 1
    assert keelqemu.exit_status(85, "") == 42
    with pytest.raises(keelqemu.QemuStartError, match="could not start"):
        keelqemu.exit_status(1, "", ["qemu: -no-such-option: invalid option"])
    with pytest.raises(keelqemu.KeelQemuError, match="killed by signal 9"):
        keelqemu.exit_status(-9, CLEAN)
    with pytest.raises(keelqemu.KeelQemuError, match="exit code 2"):
        keelqemu.exit_status(2, CLEAN)


# -- pages_back_error: exact page accounting --------------------------------------

def test_pages_back_must_be_exact():
    assert pages_back_error((1000, 33, 131328), (1000, 33, 131328)) is None
    lost = pages_back_error((1000, 33, 131328), (999, 33, 131328))
    assert lost and "1 pages did not come back" in lost
    leak = pages_back_error((1000, 33, 131328), (999, 34, 131392))
    assert "+1 pages and +64 bytes" in leak
    # a leaked object in a page the heap already had: no page lost, still caught
    assert "+0 pages and +64 bytes" in pages_back_error((1000, 33, 131328), (1000, 33, 131392))


# -- the boot fixture: reported once, as the test's failure ----------------------

INNER_CONFTEST = f"""
import importlib.util
import sys

sys.path.insert(0, {str(REPO / "tests" / "system")!r})
import keel_system                                  # noqa: E402
from keel_system import keelqemu                    # noqa: E402

spec = importlib.util.spec_from_file_location(
    "keel_conftest", {str(REPO / "tests" / "system" / "conftest.py")!r})
real = importlib.util.module_from_spec(spec)
spec.loader.exec_module(real)
boot = real.boot
pytest_runtest_makereport = real.pytest_runtest_makereport

import pytest                                       # noqa: E402


@pytest.fixture(scope="session")
def keel_binary():
    return "fake-keel"


class FakeQemu:
    '''Stands in for KeelQemu: the "command line" is the console text.'''
    def __init__(self, cmdline="", rc=None, **options):
        self.output, self.returncode = cmdline, rc

    def start(self):
        return self

    def wait_exit(self, timeout=None):
        return keelqemu.exit_status(self.returncode, self.output)

    def close(self):
        pass


keelqemu.KeelQemu = FakeQemu
"""

INNER_TESTS = f"""
CLEAN = {CLEAN!r}
TROUBLE = CLEAN.replace("(d1) Test result: SUCCESS\\n",
                        "(d1) Test result: SUCCESS\\nxfree: double free of 0x1000\\n")
PANIC = CLEAN + "FAULT: vector 14 (#PF) error 0x0 on cpu 0\\npanic: fatal exception\\n"
RESET = CLEAN.replace("poweroff: entering ACPI S5\\n", "")


def test_clean(boot):
    assert boot(CLEAN, rc=0).wait_exit() == 0


def test_heap_complaint(boot):
    boot(TROUBLE, rc=0)


def test_heap_complaint_in_a_failing_test(boot):
    boot(TROUBLE)
    assert False, "failed for its own reason"


def test_allowed(boot):
    boot(PANIC, console_allows=("FAULT", "panic"))


def test_reset_after_the_summary(boot):
    boot(RESET, rc=0)


def test_wait_exit_after_reset(boot):
    boot(RESET, rc=0).wait_exit()


def test_second_console(boot):
    boot(CLEAN, rc=0)
    boot(PANIC)
"""


def test_the_fixture_fails_a_test_once_for_keel_trouble(tmp_path):
    (tmp_path / "conftest.py").write_text(textwrap.dedent(INNER_CONFTEST))
    (tmp_path / "test_inner.py").write_text(textwrap.dedent(INNER_TESTS))
    xml = tmp_path / "results.xml"
    r = subprocess.run([sys.executable, "-m", "pytest", "-q", "-rA", "-p", "no:cacheprovider",
                        f"--junitxml={xml}", "test_inner.py"],
                       cwd=tmp_path, capture_output=True, text=True, timeout=120)
    out = r.stdout + r.stderr
    assert r.returncode == 1, out
    root = ET.parse(xml).getroot()
    suite = root if root.tag == "testsuite" else root[0]
    # scripts/run-tests counts failures + errors: each test once
    assert (suite.get("tests"), suite.get("failures"), suite.get("errors")) == \
        ("7", "5", "0"), out
    outcome = {}
    for case in suite.iter("testcase"):
        failed = case.find("failure") is not None
        outcome[case.get("name")] = ("failed" if failed else "passed",
                                     case.find("failure").get("message", "") + (
                                         case.find("failure").text or "") if failed else "")
    assert outcome["test_clean"][0] == "passed"
    assert outcome["test_allowed"][0] == "passed"
    assert outcome["test_heap_complaint"][0] == "failed"
    assert "[heap] xfree: double free of 0x1000" in outcome["test_heap_complaint"][1]
    assert outcome["test_heap_complaint_in_a_failing_test"][0] == "failed"
    assert "failed for its own reason" in outcome["test_heap_complaint_in_a_failing_test"][1]
    assert outcome["test_reset_after_the_summary"][0] == "failed"
    assert "reset or triple-faulted" in outcome["test_reset_after_the_summary"][1]
    assert outcome["test_wait_exit_after_reset"][0] == "failed"
    assert "MachineReset" in outcome["test_wait_exit_after_reset"][1]
    assert outcome["test_second_console"][0] == "failed"
    assert "[panic] panic: fatal exception" in outcome["test_second_console"][1]
    # the failing test's report carries the console findings as a section
    assert "Keel console checks" in out
    assert "5 failed, 2 passed in" in out, out
