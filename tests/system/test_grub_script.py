# SPDX-License-Identifier: GPL-2.0-only
"""Tests of config/20_linux_keel, the grub-mkconfig helper, run against a
fake root directory (KEEL_GRUB_ROOT) holding /boot and /etc/default."""
import os
import re
import shutil
import subprocess

import pytest

from keel_system import REPO

SCRIPT = str(REPO / "config" / "20_linux_keel")
KERNELS = ["5.10.0-26-amd64", "6.1.0-9-amd64", "6.1.0-13-amd64"]   # newest: 6.1.0-13


@pytest.fixture
def fake_root(tmp_path):
    boot = tmp_path / "boot"
    boot.mkdir()
    (boot / "keel-0.1.0").write_bytes(b"\x7fELF")
    (boot / "keel").symlink_to("keel-0.1.0")
    for v in KERNELS:
        (boot / f"vmlinuz-{v}").write_bytes(b"kernel")
    (boot / "initrd.img-6.1.0-13-amd64").write_bytes(b"initrd")
    (boot / "initrd.img-5.10.0-26-amd64").write_bytes(b"initrd")
    (boot / "vmlinuz-6.1.0-13-amd64.dpkg-tmp").write_bytes(b"garbage")
    (tmp_path / "etc" / "default").mkdir(parents=True)
    (tmp_path / "dev" / "disk" / "by-uuid").mkdir(parents=True)
    (tmp_path / "dev" / "disk" / "by-uuid" / "1234-abcd").touch()
    return tmp_path


def run_script(root, **env):
    full = {"PATH": os.environ["PATH"], "KEEL_GRUB_ROOT": str(root)}
    full.update(env)
    r = subprocess.run(["sh", SCRIPT], env=full, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    return r.stdout


def entries(cfg):
    """[(title, body)] of the menu entries in cfg."""
    return re.findall(r"^menuentry '([^']*)'[^\n]*\{\n(.*?)^\}", cfg, re.M | re.S)


def lines_of(body, command):
    return [l.split(None, 1)[1] if " " in l.strip() else ""
            for l in (x.strip() for x in body.splitlines()) if l.split(" ")[0] == command]


def test_one_entry_per_kernel_newest_first(fake_root):
    got = entries(run_script(fake_root, GRUB_DEVICE="/dev/sda2"))
    assert [t for t, _ in got] == [f"Keel 0.1.0 hypervisor, with Linux {v}"
                                   for v in ("6.1.0-13-amd64", "6.1.0-9-amd64", "5.10.0-26-amd64")]


def test_entry_boots_keel_with_dom0_and_initrd(fake_root):
    cfg = run_script(fake_root, GRUB_DEVICE="/dev/sda2", GRUB_CMDLINE_LINUX="console=hvc0 quiet",
                     GRUB_CMDLINE_KEEL="dom0_mem=2G loglvl=all")
    _, body = entries(cfg)[0]
    assert lines_of(body, "multiboot2") == ["/boot/keel dom0_mem=2G loglvl=all"]
    modules = lines_of(body, "module2")
    assert modules == ["/boot/vmlinuz-6.1.0-13-amd64 root=/dev/sda2 ro console=hvc0 quiet",
                       "--nounzip /boot/initrd.img-6.1.0-13-amd64"]
    # Keel before dom0 before its initrd.
    order = [l.split()[0] for l in body.splitlines() if l.strip().startswith(("multiboot2", "module2"))]
    assert order == ["multiboot2", "module2", "module2"]


def test_kernel_without_initrd_gets_one_module(fake_root):
    _, body = entries(run_script(fake_root, GRUB_DEVICE="/dev/sda2"))[1]     # 6.1.0-9
    assert lines_of(body, "module2") == ["/boot/vmlinuz-6.1.0-9-amd64 root=/dev/sda2 ro"]


def test_root_by_uuid_only_with_an_initrd(fake_root):
    cfg = run_script(fake_root, GRUB_DEVICE="/dev/sda2", GRUB_DEVICE_UUID="1234-abcd")
    got = entries(cfg)
    assert "root=UUID=1234-abcd ro" in lines_of(got[0][1], "module2")[0]       # has initrd
    assert "root=/dev/sda2 ro" in lines_of(got[1][1], "module2")[0]            # has none
    cfg = run_script(fake_root, GRUB_DEVICE="/dev/sda2", GRUB_DEVICE_UUID="1234-abcd",
                     GRUB_DISABLE_LINUX_UUID="true")
    assert "root=/dev/sda2 ro" in lines_of(entries(cfg)[0][1], "module2")[0]


def test_keel_options_from_etc_default_grub(fake_root):
    (fake_root / "etc" / "default" / "grub").write_text(
        'GRUB_CMDLINE_KEEL="loglvl=debug  panic=5"\nGRUB_CMDLINE_KEEL_DEFAULT="noreboot"\n')
    cfg = run_script(fake_root, GRUB_DEVICE="/dev/sda2")
    assert lines_of(entries(cfg)[0][1], "multiboot2") == ["/boot/keel loglvl=debug panic=5 noreboot"]
    # The environment wins over the file.
    cfg = run_script(fake_root, GRUB_DEVICE="/dev/sda2", GRUB_CMDLINE_KEEL="x=1",
                     GRUB_CMDLINE_KEEL_DEFAULT="")
    assert lines_of(entries(cfg)[0][1], "multiboot2") == ["/boot/keel x=1"]


def test_nothing_without_keel(fake_root):
    (fake_root / "boot" / "keel").unlink()
    assert run_script(fake_root, GRUB_DEVICE="/dev/sda2") == ""


def test_nothing_without_kernels(fake_root):
    for v in KERNELS:
        (fake_root / "boot" / f"vmlinuz-{v}").unlink()
    assert entries(run_script(fake_root, GRUB_DEVICE="/dev/sda2")) == []


def test_output_is_valid_grub_script(fake_root):
    assert shutil.which("grub-script-check"), "grub-script-check missing: install grub-common (make deps)"
    cfg = run_script(fake_root, GRUB_DEVICE="/dev/sda2", GRUB_CMDLINE_LINUX="console=hvc0",
                     GRUB_CMDLINE_KEEL="loglvl=info")
    r = subprocess.run(["grub-script-check"], input=cfg, capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
