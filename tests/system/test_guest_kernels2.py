# SPDX-License-Identifier: GPL-2.0-only
"""More hypervisor-core guest kernels on Keel (guest-drivers/tests/): the MSR
policy (test-msr), a domain touching unbacked guest-physical memory crashes
alone (test-npf-crash), a million VM exits with every result checked
against documented values (test-exits), and Intel's VMCALL on AMD run as a
hypercall (test-ud-vmcall).
Each kernel was also run on Debian's Xen 4.17 (tools/xen-peer/boot-xen.py);
where Keel's policy is stricter than Xen's the kernel is told so with a
guest option ("strict", "vmcall=hypercall")."""
import re

import pytest

from keel_system import BANNER, BOOT_TIMEOUT, GUEST_SUCCESS, STEP_TIMEOUT, guest_kernel

RESULT = r"^\(d{}\) Test result: (SUCCESS|FAILURE|SKIP)\s*$"
# 1,000,000 CPUID + 100,000 hypercall exits take ~40 s under TCG on an idle
# host; allow for a loaded one.
EXITS_TIMEOUT = 900



# (instruction, name as printed, MSR): each must raise #GP on Keel.
MSR_GP = [
    ("rdmsr", "unknown", 0x12345678),
    ("wrmsr", "unknown", 0x12345678),
    ("rdmsr", "unknown", 0x7fffffff),
    ("rdmsr", "VM_HSAVE_PA", 0xc0010117),
    ("wrmsr", "VM_HSAVE_PA unaligned", 0xc0010117),
    ("wrmsr", "VM_HSAVE_PA", 0xc0010117),
    ("rdmsr", "VM_CR", 0xc0010114),
    ("wrmsr", "VM_CR (SVMDIS)", 0xc0010114),
    ("rdmsr", "PATCH_LEVEL", 0x8b),
    ("wrmsr", "PATCH_LEVEL", 0x8b),
    ("wrmsr", "PATCH_LOADER", 0xc0010020),
    ("wrmsr", "EFER+SVME", 0xc0000080),
    ("wrmsr", "EFER+bit 63", 0xc0000080),
    ("wrmsr", "PAT type 2", 0x277),
    ("wrmsr", "PAT type 8", 0x277),
    ("rdmsr", "x2APIC ID (xAPIC mode)", 0x802),
]


def run_msr(boot):
    q = boot("dom0less", modules=[guest_kernel("test-msr") + ",mem=32M -- strict"])
    q.expect(BANNER, BOOT_TIMEOUT)
    q.expect(r"^\(d1\) mode: strict", BOOT_TIMEOUT)
    q.expect(RESULT.format(1), STEP_TIMEOUT)
    return q


def test_msr_policy(boot):
    """What Keel's MSR policy gets right: hypervisor-owned and unknown MSRs
    #GP, EFER hides SVME, PAT starts at reset and checks its types, the TSC
    can be written, MTRRdefType and the APIC base read."""
    out = run_msr(boot).output
    for insn, name, msr in MSR_GP:
        rx = rf"^\(d1\) {insn} {re.escape(name)}\s+0x{msr:08x}( <- 0x[0-9a-f]+)?: #GP\s*$"
        assert re.search(rx, out, re.M), f"{insn} {name} (0x{msr:x}) did not #GP"
    efer = int(re.search(r"^\(d1\) EFER 0x([0-9a-f]+)", out, re.M).group(1), 16)
    assert not efer & (1 << 12), f"EFER 0x{efer:x} shows SVME"
    assert efer & 0x500 == 0x500, f"EFER 0x{efer:x} lacks LME/LMA"
    assert re.search(r"^\(d1\) EFER with NXE 0x[0-9a-f]*d00, without 0x[0-9a-f]*500", out, re.M)
    assert re.search(r"^\(d1\) PAT 0x0007040600070406\s*$", out, re.M)
    assert len(re.findall(r"^\(d1\) TSC (forward|back): wrote", out, re.M)) == 2
    assert re.search(r"^\(d1\) MTRRcap 0x[0-9a-f]+ .*MTRRdefType 0x", out, re.M)
    assert re.search(r"^\(d1\) APIC_BASE 0xfee00900\s*$", out, re.M)
    for area in ("rdmsr unknown", "wrmsr unknown", "rdmsr VM_", "wrmsr VM_", "EFER 0x",
                 "EFER reads", "wrmsr EFER+", "PAT", "TSC", "rdmsr APIC", "APIC_BASE",
                 "rdmsr x2APIC", "rdmsr PATCH", "wrmsr PATCH"):
        assert f"(d1) FAIL: {area}" not in out, f"test-msr failed on {area}"


def test_msr_kernel_succeeds(boot):
    q = run_msr(boot)
    assert re.search(GUEST_SUCCESS.format(1), q.output, re.M), "test-msr did not succeed"
    assert q.wait_exit(STEP_TIMEOUT) == 0


CRASH = (r"^domain: d{} \({}\) crashed: access to unbacked guest-physical address "
         r"([0-9a-f]+) \(fault code [0-9a-f]+\) at RIP [0-9a-f]+")


def test_npf_crashes_only_that_domain(boot):
    mods = [guest_kernel("test-npf-crash") + ",mem=32M name=npf",
            guest_kernel("test-hello") + ",mem=32M name=bystander"]
    q = boot("dom0less", modules=mods, smp=2)
    q.expect(BANNER, BOOT_TIMEOUT)
    marker = q.expect(r"^\(d1\) NPF-CRASH: write gpa 0x([0-9a-f]+)", BOOT_TIMEOUT)
    crash = q.expect(CRASH.format(1, "npf"), STEP_TIMEOUT)
    assert int(crash.group(1), 16) == int(marker.group(1), 16), \
        "the crash message names another address than the guest wrote"
    q.expect(r"^domain: every domain has ended \(not all cleanly\)", BOOT_TIMEOUT)
    out = q.output
    assert re.search(GUEST_SUCCESS.format(2), out, re.M), "the other domain did not succeed"
    assert "(d1) Test result" not in out and "(d1) NPF-SURVIVED" not in out, \
        "the crashing domain ran on after the access"
    assert q.wait_exit(STEP_TIMEOUT) == 1


@pytest.mark.parametrize("access", ["read", "exec"])
def test_npf_read_and_fetch_crash(boot, access):
    q = boot("dom0less", modules=[guest_kernel("test-npf-crash") + f",mem=16M -- access={access}"])
    q.expect(BANNER, BOOT_TIMEOUT)
    marker = q.expect(rf"^\(d1\) NPF-CRASH: {access} gpa 0x([0-9a-f]+)", BOOT_TIMEOUT)
    crash = q.expect(CRASH.format(1, "boot1"), STEP_TIMEOUT)
    assert int(crash.group(1), 16) == int(marker.group(1), 16)
    assert q.wait_exit(STEP_TIMEOUT) == 1
    assert "(d1) Test result" not in q.output


def test_a_million_exits(boot):
    q = boot("dom0less", modules=[guest_kernel("test-exits") + ",mem=32M"])
    q.expect(BANNER, BOOT_TIMEOUT)
    q.expect(r"^\(d1\) CPUID: 1000000 exits, 0 wrong, \d+ TSC cycles per exit", EXITS_TIMEOUT)
    q.expect(r"^\(d1\) xen_version via hypercall page: 100000 exits, 0 wrong", EXITS_TIMEOUT)
    q.expect(GUEST_SUCCESS.format(1), STEP_TIMEOUT)
    q.expect(r"^domain: every domain has ended \(all powered off\)", STEP_TIMEOUT)
    assert q.wait_exit(STEP_TIMEOUT) == 0


def test_vmcall_on_amd_is_a_hypercall(boot):
    q = boot("dom0less", modules=[guest_kernel("test-ud-vmcall") + ",mem=32M -- vmcall=hypercall"])
    q.expect(BANNER, BOOT_TIMEOUT)
    q.expect(r"^\(d1\) VMCALL on AMD: handled as a hypercall, XENVER_version 0x[0-9a-f]+",
             BOOT_TIMEOUT)
    q.expect(r"^\(d1\) VMCALL console_io: hello", STEP_TIMEOUT)
    for insn in ("VMLAUNCH", "VMRESUME", "VMXOFF", "ud2"):
        q.expect(rf"^\(d1\) {insn}: #UD", STEP_TIMEOUT)
    q.expect(GUEST_SUCCESS.format(1), STEP_TIMEOUT)
    assert q.wait_exit(STEP_TIMEOUT) == 0
