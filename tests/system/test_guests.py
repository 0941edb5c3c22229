# SPDX-License-Identifier: GPL-2.0-only
"""Guests on Keel: the in-tree PVH test kernels (guest-drivers/) boot as
dom0less domains under SVM with nested paging and report GUEST_SUCCESS; several
domains run at once; a malformed kernel image is refused with a clear reason
and Keel carries on; when every domain has ended Keel powers off with status
0 only if all of them powered themselves off."""
import pytest

from keel_system import (BANNER, BOOT_TIMEOUT, GUEST_SUCCESS, REPO, STEP_TIMEOUT,
                         expect_pages_back, free_pages_before, guest_kernel)




@pytest.mark.parametrize("name", ["test-hello", "test-cpuid", "test-hypercall-errors",
                                  "test-exceptions"])
def test_kernel_succeeds(boot, name):
    q = boot("dom0less", modules=[guest_kernel(name) + ",mem=32M"])
    q.expect(BANNER, BOOT_TIMEOUT)
    q.expect(GUEST_SUCCESS.format(1), BOOT_TIMEOUT)
    q.expect(r"^domain: d1 \(boot1\) shut down: poweroff", STEP_TIMEOUT)
    q.expect(r"^domain: d1 \(boot1\) torn down, memory returned", STEP_TIMEOUT)
    assert q.wait_exit(STEP_TIMEOUT) == 0


def test_guest_command_line_and_memory_map(boot):
    q = boot("dom0less", modules=[guest_kernel("test-hello") + ",mem=48M name=greeter -- a b=c"])
    q.expect(r"^domain: d1 \(greeter\): 48 MiB, 1 vCPU", BOOT_TIMEOUT)
    q.expect(r'^\(d1\)\s+cmdline_paddr 0x[0-9a-f]+: "a b=c"', BOOT_TIMEOUT)
    q.expect(r"^\(d1\)\s+0000000000100000-0000000002ffffff RAM", STEP_TIMEOUT)
    q.expect(GUEST_SUCCESS.format(1), STEP_TIMEOUT)
    assert q.wait_exit(STEP_TIMEOUT) == 0


@pytest.mark.parametrize("count", [2, 4])
def test_several_domains_at_once(boot, count):
    names = ["test-hello", "test-cpuid", "test-exceptions", "test-hypercall-errors"]
    mods = [guest_kernel(names[i % len(names)]) + ",mem=16M" for i in range(count)]
    q = boot("dom0less", modules=mods, smp=2)
    q.expect(BANNER, BOOT_TIMEOUT)
    q.expect_all([GUEST_SUCCESS.format(d) for d in range(1, count + 1)], BOOT_TIMEOUT)
    q.expect(r"^domain: every domain has ended \(all powered off\)", BOOT_TIMEOUT)
    status = q.wait_exit(STEP_TIMEOUT)
    assert status == 0, f"exit status {status}; console ends with:\n{q.output[-1500:]}"



def test_bench_kernel_smoke(boot):
    """bench/hypercall.sh's kernel keeps building and measuring."""
    q = boot("dom0less", modules=[guest_kernel("test-bench-exits") + ",mem=32M -- iters=100 batches=3"])
    for op in ("hypercall", "cpuid"):
        q.expect(rf"^\(d1\) bench: {op} cycles/op \d+", BOOT_TIMEOUT)
    q.expect(GUEST_SUCCESS.format(1), STEP_TIMEOUT)
    assert q.wait_exit(STEP_TIMEOUT) == 0


def test_malformed_kernel_is_refused(boot, tmp_path):
    junk = tmp_path / "not-a-kernel"
    junk.write_bytes(b"\x7fELF" + bytes(range(256)) * 8)
    q = boot("dom0less", modules=[str(junk) + ",mem=16M"])
    q.expect(BANNER, BOOT_TIMEOUT)
    q.expect(r"^elf: .+", BOOT_TIMEOUT)
    q.expect(r"^domain: d1 \(boot1\) not started: error -\d+", STEP_TIMEOUT)
    q.expect(r"^no boot domain could be started", STEP_TIMEOUT)
    assert q.wait_exit(STEP_TIMEOUT) == 1


def test_bad_domain_settings_are_refused(boot):
    q = boot("dom0less", modules=[guest_kernel("test-hello") + ",mem=1K"])
    q.expect(r"^domain: mem must be 2M\.\.3G", BOOT_TIMEOUT)
    assert q.wait_exit(STEP_TIMEOUT) == 1


def test_a_bad_kernel_does_not_stop_a_good_one(boot, tmp_path):
    junk = tmp_path / "junk"
    junk.write_bytes(b"garbage" * 100)
    q = boot("dom0less", modules=[str(junk), guest_kernel("test-hello") + ",mem=16M"])
    q.expect(r"^domain: d1 \(boot1\) not started", BOOT_TIMEOUT)
    q.expect(GUEST_SUCCESS.format(2), BOOT_TIMEOUT)
    assert q.wait_exit(STEP_TIMEOUT) == 0


def test_dom0_that_cannot_be_built_is_reported(boot, tmp_path):
    junk = tmp_path / "junk"
    junk.write_bytes(b"not a kernel" * 64)
    q = boot("dom0_mem=64M", modules=[str(junk)])
    q.expect(r"^domain: d0 \(dom0\) not started", BOOT_TIMEOUT)
    q.expect(r"^dom0 could not be started", STEP_TIMEOUT)
    assert q.wait_exit(STEP_TIMEOUT) == 1


@pytest.mark.parametrize("vcpus,smp", [(1, 1), (2, 2), (2, 1)])
def test_virtual_local_apic(boot, vcpus, smp):
    """xAPIC MMIO emulated through the decoder, one-shot, periodic and
    TSC-deadline timers waking HLT, a self-IPI, INIT/SIPI starting vCPU 1 in
    real mode (on its own CPU, or sharing one), and x2APIC mode."""
    q = boot("dom0less", modules=[guest_kernel("test-lapic") + f",mem=32M vcpus={vcpus}"], smp=smp)
    q.expect(r"^\(d1\) APIC base 0xfee00900, ID 0, version 0x[0-9a-f]+", BOOT_TIMEOUT)
    q.expect(r"^\(d1\) one-shot timer: fired, current count 0", STEP_TIMEOUT)
    q.expect(r"^\(d1\) periodic timer: \d+ ticks", STEP_TIMEOUT)
    q.expect(r"^\(d1\) self-IPI delivered", STEP_TIMEOUT)
    q.expect(r"^\(d1\) TSC-deadline timer: fired", STEP_TIMEOUT)
    if vcpus > 1:
        q.expect(r"^\(d1\) vCPU 1 started in real mode by INIT/SIPI", STEP_TIMEOUT)
        q.expect(r"^\(d1\) NMI IPI woke vCPU 1 into its handler", STEP_TIMEOUT)
    q.expect(r"^\(d1\) x2APIC: ID 0, self-IPI delivered", STEP_TIMEOUT)
    q.expect(GUEST_SUCCESS.format(1), STEP_TIMEOUT)
    assert q.wait_exit(STEP_TIMEOUT) == 0


def test_every_page_comes_back(boot):
    """Domains with 2 MiB and 4 KiB pieces, several vCPUs: after all have
    ended, the allocator has every frame back and the heap (xmalloc) holds
    the same pages and bytes as before they were built."""
    mods = [guest_kernel("test-lapic") + ",mem=32M vcpus=2", guest_kernel("test-hello") + ",mem=33M",
            guest_kernel("test-cpuid") + ",mem=16M"]
    q = boot("dom0less", modules=mods, smp=2)
    before = free_pages_before(q)
    q.expect_all([GUEST_SUCCESS.format(d) for d in (1, 2, 3)], BOOT_TIMEOUT)
    expect_pages_back(q, before)
    assert q.wait_exit(STEP_TIMEOUT) == 0


@pytest.mark.parametrize("vcpus", [1, 3])
def test_acpi_tables_and_s5_poweroff(boot, vcpus):
    """The domain's ACPI tables (checked by the guest itself: checksums, a
    MADT entry per vCPU, HW-reduced FADT, \\_S5), and poweroff through the
    FADT's sleep control register as Linux does it."""
    q = boot("dom0less", modules=[guest_kernel("test-acpi") + f",mem=32M vcpus={vcpus}"], smp=2)
    q.expect(rf"^\(d1\) ACPI: RSDP 0x[0-9a-f]+, FADT HW-reduced, MADT {vcpus} CPUs, "
             r"DSDT with \\_S5", BOOT_TIMEOUT)
    q.expect(r"^\(d1\) ACPI: entering S5", STEP_TIMEOUT)
    q.expect(r"^domain: d1 \(boot1\) shut down: poweroff", STEP_TIMEOUT)
    assert "still running after the S5 write" not in q.output
    assert q.wait_exit(STEP_TIMEOUT) == 0


DEBIAN_VMLINUZ = REPO / "build" / "dom0" / "vmlinuz"


def test_debian_bzimage_boots_as_dom0_to_its_first_lines(boot):
    """Debian's stock vmlinuz as dom0 (no dom0less): Keel unpacks the XZ
    payload of the bzImage itself, loads the vmlinux at its physical
    addresses, enters it through the PVH note with SIF_INITDOMAIN, and Linux
    prints its banner through console_io and finds 'Xen HVM'.  (It does not
    boot further yet: that needs memory_op, event channels and the rest of
    the dom0 ABI.)  The kernel is the one tools/dom0/build-image fetches."""
    if not DEBIAN_VMLINUZ.is_file():
        pytest.fail(f"{DEBIAN_VMLINUZ} is missing: 'make' fetches it (Debian's package "
                    "registry must be reachable)", pytrace=False)
    q = boot("dom0_mem=256M", modules=[str(DEBIAN_VMLINUZ) + ",earlyprintk=xen console=hvc0"],
             smp=2, mem="1G")
    q.expect(r"^kernel: unpacking a xz bzImage payload", BOOT_TIMEOUT)
    q.expect(r"^elf: PVH entry 0x[0-9a-f]+", STEP_TIMEOUT)
    q.expect(r"^domain: d0 \(dom0\): 256 MiB, 2 vCPUs", STEP_TIMEOUT)
    q.expect(r"^\(d0\) \[ *0\.0+\] Linux version 6\.1\.", BOOT_TIMEOUT)
    q.expect(r"^\(d0\) \[ *0\.0+\] Command line: earlyprintk=xen console=hvc0", STEP_TIMEOUT)
    q.expect(r"^\(d0\) \[ *0\.0+\] Hypervisor detected: Xen HVM", STEP_TIMEOUT)


def test_test_kernel_as_dom0_with_ramdisk(boot, tmp_path):
    ramdisk = tmp_path / "initrd"
    ramdisk.write_bytes(b"keel-initrd" * 1000)
    q = boot("dom0_mem=64M dom0_max_vcpus=1",
             modules=[guest_kernel("test-hello") + ",dom0 args", str(ramdisk) + ",rd args"])
    q.expect(r"^domain: d0 \(dom0\): 64 MiB, 1 vCPU", BOOT_TIMEOUT)
    q.expect(r"^\(d0\) start_info at 0x[0-9a-f]+: magic 0x336ec578 version 1 flags 0x3",
             STEP_TIMEOUT)
    q.expect(r'^\(d0\)\s+cmdline_paddr 0x[0-9a-f]+: "dom0 args"', STEP_TIMEOUT)
    m = q.expect(r"^\(d0\)\s+module 0: paddr 0x([0-9a-f]+) size 0x([0-9a-f]+)", STEP_TIMEOUT)
    assert int(m.group(2), 16) == 11000
    q.expect(GUEST_SUCCESS.format(0), STEP_TIMEOUT)
    assert q.wait_exit(STEP_TIMEOUT) == 0
