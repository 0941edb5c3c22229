# SPDX-License-Identifier: GPL-2.0-only
"""The minimal-toolstack dom0 test kernel (guest-drivers/tests/toolstack/):
Keel boots test-toolstack as dom0 with test-hello's ELF as its module, and
dom0 builds a domain from that image 100 times with domctl, memory_op and
the HVM context only (createdomain, max_mem, populate_physmap,
add_to_physmap_batch of gmfn_foreign, remove_from_physmap, set_memory_map,
gethvmcontext/sethvmcontext), unpauses it, waits for VIRQ_DOM_EXC, reads the
shutdown reason (poweroff), destroys it and checks that sysctl physinfo's
free page count is back to the page after every cycle.  Every domU runs
test-hello to its SUCCESS line, with the command line dom0 gave it, and the
domain ids grow: none is reused at once."""
import re

from keel_system import BANNER, BOOT_TIMEOUT, GUEST_SUCCESS, STEP_TIMEOUT, guest_kernel

CYCLES = 100
END = r"^\(d0\) Test result: (?:FAILURE|SKIP)"


def expect_dom0(q, pattern, timeout):
    """The match of pattern on dom0's console; fails at once, with dom0's
    FAIL lines, if dom0 ends without success first."""
    m = q.expect(rf"{pattern}|{END}", timeout)
    if re.match(END, m.group(0)):
        fails = re.findall(r"^\(d0\) (FAIL: .*?)\s*$", q.output, re.M)
        raise AssertionError("test-toolstack failed:\n  " + "\n  ".join(fails))
    return m


def test_toolstack_kernel_builds_and_destroys_100_domains(boot):
    q = boot("dom0_mem=64M dom0_max_vcpus=1",
             modules=[guest_kernel("test-toolstack"), guest_kernel("test-hello") + ",ramdisk"],
             smp=2, mem="512M")
    q.expect(BANNER, BOOT_TIMEOUT)
    start = expect_dom0(q, r"^\(d0\) toolstack: (\d+) cycles, (\d+) pages free", BOOT_TIMEOUT)
    assert int(start.group(1)) == CYCLES
    free = int(start.group(2))
    for n in range(10, CYCLES + 1, 10):
        m = expect_dom0(q, rf"^\(d0\) toolstack: cycle {n} ok, free pages (\d+)\s*$",
                        STEP_TIMEOUT)
        assert int(m.group(1)) == free, f"cycle {n}: {m.group(1)} pages free, {free} before"
    q.expect(GUEST_SUCCESS.format(0), STEP_TIMEOUT)
    q.expect(r"^domain: d0 \(dom0\) shut down: poweroff", STEP_TIMEOUT)
    assert q.wait_exit(STEP_TIMEOUT) == 0

    out = q.output
    assert not re.search(r"^\(d0\) FAIL", out, re.M)
    # Each domU printed the command line of its cycle and succeeded.
    seen = [(int(d), int(c)) for d, c in re.findall(
        r'^\(d(\d+)\)\s+cmdline_paddr 0x[0-9a-f]+: "toolstack cycle (\d+)"', out, re.M)]
    ids = [d for d, _ in seen]
    cycles = [c for _, c in seen]
    assert cycles == list(range(1, CYCLES + 1))
    assert all(a < b for a, b in zip(ids, ids[1:])), f"domain ids not growing: {ids}"
    assert ids[0] >= 1
    for d in ids:
        assert re.search(GUEST_SUCCESS.format(d), out, re.M), f"d{d} did not succeed"
    assert not re.search(r"^domain: d\d+ .*crashed", out, re.M)
