# SPDX-License-Identifier: GPL-2.0-only
"""Tests of the test dom0 image (tools/dom0/build-image, 'make dom0-image').

This file owns the checks of build/dom0/vmlinuz and build/dom0/initrd.img
without a hypervisor: the initramfs is read with the small newc cpio reader
below (independent of the builder's writer), and one test boots the image
under plain QEMU (TCG, no Xen) to see /init run its checks.  The image is
built through 'make dom0-image'; if that fails (for instance Debian's mirror
is unreachable on the first build) the tests FAIL, they are never skipped.
"""
import gzip
import importlib.machinery
import importlib.util
import io
import lzma
import os
import re
import shutil
import stat
import struct
import subprocess
import tarfile

import pytest

from keel_system import LOG_DIR, REPO

DOM0 = REPO / "build" / "dom0"
BUILDER = REPO / "tools" / "dom0" / "build-image"
XEN_MODULES = ["xen-evtchn", "xen-gntdev", "xen-gntalloc", "xen-privcmd", "xenfs"]
QEMU_TIMEOUT = 600        # a TCG boot takes ~15 s idle; allow for a loaded CI host


# ---------------------------------------------------------------- helpers

def read_cpio(data):
    """{name: (mode, data, (rdevmajor, rdevminor))} of a newc archive, in order."""
    entries, off = {}, 0
    while True:
        assert data[off:off + 6] == b"070701", f"bad cpio magic at offset {off}"
        f = [int(data[off + 6 + 8 * i: off + 14 + 8 * i], 16) for i in range(13)]
        mode, size, rdev, namesize = f[1], f[6], (f[9], f[10]), f[11]
        name_end = off + 110 + namesize
        name = data[off + 110: name_end - 1].decode()
        assert data[name_end - 1] == 0, f"{name}: name not NUL-terminated"
        start = name_end + (-name_end % 4)
        if name == "TRAILER!!!":
            return entries
        assert name not in entries, f"{name} appears twice"
        entries[name] = (mode, data[start:start + size], rdev)
        off = start + size + (-(start + size) % 4)


def elf_header(blob):
    """(class, machine, type, program headers [(p_type, ...)]) of an ELF64 LE."""
    assert blob[:4] == b"\x7fELF", "not an ELF file"
    etype, machine = struct.unpack_from("<HH", blob, 16)
    phoff, = struct.unpack_from("<Q", blob, 0x20)
    phentsize, phnum = struct.unpack_from("<HH", blob, 0x36)
    phdrs = [struct.unpack_from("<I", blob, phoff + i * phentsize)[0] for i in range(phnum)]
    return blob[4], machine, etype, phdrs


def modinfo(blob):
    """{key: [values]} of a module's .modinfo section."""
    shoff, = struct.unpack_from("<Q", blob, 0x28)
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", blob, 0x3A)
    sections = [struct.unpack_from("<IIQQQQ", blob, shoff + i * shentsize) for i in range(shnum)]
    strtab = sections[shstrndx][4]
    info = {}
    for name, _, _, _, off, size in sections:
        if blob[strtab + name: blob.index(b"\0", strtab + name)] == b".modinfo":
            for e in blob[off:off + size].split(b"\0"):
                k, sep, v = e.decode().partition("=")
                if sep:
                    info.setdefault(k, []).append(v)
    return info


def modname(path):
    return os.path.basename(path).split(".ko")[0].replace("-", "_")


# ---------------------------------------------------------------- fixtures

@pytest.fixture(scope="module")
def image():
    """Build with 'make dom0-image' and return the parsed initramfs."""
    r = subprocess.run(["make", "--no-print-directory", "dom0-image"], cwd=REPO,
                       capture_output=True, text=True)
    if r.returncode != 0:
        pytest.fail("'make dom0-image' failed; its first build downloads Debian's "
                    "linux-image and busybox-static packages with apt-get (check that the "
                    "mirror is reachable and run 'apt-get update'):\n"
                    + (r.stdout + r.stderr)[-3000:], pytrace=False)
    return read_cpio(gzip.decompress((DOM0 / "initrd.img").read_bytes()))


@pytest.fixture(scope="module")
def release(image):
    rels = {n.split("/")[2] for n in image if n.startswith("lib/modules/") and n.count("/") >= 2}
    assert len(rels) == 1, rels
    return rels.pop()


@pytest.fixture(scope="module")
def modules_dep(image, release):
    """{module path: [dependency paths]} from the image's modules.dep."""
    text = image[f"lib/modules/{release}/modules.dep"][1].decode()
    dep = {}
    for line in text.splitlines():
        key, sep, rest = line.partition(":")
        assert sep, f"malformed modules.dep line {line!r}"
        dep[key] = rest.split()
    return dep


# ---------------------------------------------------------------- the builder's output

def test_initrd_is_a_well_formed_newc_cpio(image):
    assert "init" in image
    for name, (mode, _, _) in image.items():
        assert not name.startswith(("/", "./")) and ".." not in name.split("/"), name
        parent = os.path.dirname(name)
        assert not parent or stat.S_ISDIR(image[parent][0]), f"{name}: parent not a directory"
    order = list(image)
    for name in order:
        parent = os.path.dirname(name)
        assert not parent or order.index(parent) < order.index(name), f"{name} before its parent"


def test_initrd_is_reproducible(image):
    before = (DOM0 / "initrd.img").read_bytes()
    r = subprocess.run([str(BUILDER)], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert (DOM0 / "initrd.img").read_bytes() == before


def test_init_is_an_executable_shell_script(image):
    mode, data, _ = image["init"]
    assert stat.S_ISREG(mode) and mode & 0o111 == 0o111, oct(mode)
    assert data.startswith(b"#!/bin/sh\n")
    assert image["bin/sh"][1] == b"/bin/busybox" and stat.S_ISLNK(image["bin/sh"][0])
    text = data.decode()
    for needle in ("dom0-init: ready", "keel.checks", "poweroff -f", "/dev/hvc0",
                   "mount -t xenfs", "mount -t devtmpfs"):
        assert needle in text, needle
    if shutil.which("sh"):
        r = subprocess.run(["sh", "-n"], input=text, capture_output=True, text=True)
        assert r.returncode == 0, r.stderr


def test_console_node_is_present(image):
    mode, _, rdev = image["dev/console"]
    assert stat.S_ISCHR(mode) and rdev == (5, 1)


def test_busybox_is_a_static_x86_64_elf(image):
    mode, data, _ = image["bin/busybox"]
    assert stat.S_ISREG(mode) and mode & 0o111
    cls, machine, etype, phdrs = elf_header(data)
    assert (cls, machine, etype) == (2, 0x3E, 2), "want an ELF64 x86-64 executable"
    assert 3 not in phdrs and 2 not in phdrs, "busybox has PT_INTERP/PT_DYNAMIC: not static"


def test_applet_links_cover_what_init_uses(image):
    links = {n: d.decode() for n, (m, d, _) in image.items() if stat.S_ISLNK(m)}
    assert all(t == "/bin/busybox" for t in links.values())
    for applet in ("bin/mount", "sbin/modprobe", "bin/dmesg", "usr/bin/setsid",
                   "bin/cttyhack", "usr/bin/taskset", "sbin/poweroff", "usr/bin/nproc",
                   "usr/bin/awk", "bin/grep"):
        assert applet in links, applet


def test_the_five_xen_modules_are_listed_and_present(image, release, modules_dep):
    names = {modname(p): p for p in modules_dep}
    for m in XEN_MODULES:
        key = m.replace("-", "_")
        assert key in names, f"{m} missing from modules.dep"
        path = f"lib/modules/{release}/{names[key]}"
        assert path in image, f"{path} missing"
        assert names[key].startswith("kernel/drivers/xen/")


def test_modules_dep_matches_the_files(image, release, modules_dep):
    base = f"lib/modules/{release}/"
    files = {n[len(base):] for n in image if n.startswith(base) and n.endswith(".ko")}
    assert files == set(modules_dep), "modules.dep and the .ko files disagree"
    for mod, deps in modules_dep.items():
        for d in deps:
            assert d in modules_dep, f"{mod} depends on {d}, which has no modules.dep line"
            assert base + d in image, f"{mod} depends on {d}, which is not in the image"


def test_modules_dep_agrees_with_modinfo(image, release, modules_dep):
    base = f"lib/modules/{release}/"
    by_name = {modname(p): p for p in modules_dep}
    for mod, deps in modules_dep.items():
        info = modinfo(image[base + mod][1])
        assert info["vermagic"][0].split()[0] == release, f"{mod}: vermagic"
        direct = {d.replace("-", "_") for d in ",".join(info.get("depends", [])).split(",") if d}
        assert {by_name[d] for d in direct} <= set(deps), f"{mod}: missing direct deps"
        for i, d in enumerate(deps):      # modprobe loads from the end of the line
            assert set(modules_dep[d]) <= set(deps[i + 1:]), f"{mod}: {d} listed too late"


def test_modules_alias_names_only_modules_in_the_image(image, release, modules_dep):
    names = {modname(p) for p in modules_dep}
    text = image[f"lib/modules/{release}/modules.alias"][1].decode()
    lines = [l.split() for l in text.splitlines() if l and not l.startswith("#")]
    assert all(len(l) == 3 and l[0] == "alias" and l[2] in names for l in lines), lines
    assert ["alias", "fs-xenfs", "xenfs"] in lines


def test_vmlinuz_is_the_packaged_kernel_unmodified(release):
    data = (DOM0 / "vmlinuz").read_bytes()
    assert data[0x202:0x206] == b"HdrS", "not a bzImage"
    ver_off = struct.unpack_from("<H", data, 0x20E)[0] + 0x200
    assert data[ver_off:].startswith(release.encode() + b" "), "kernel/module release differ"
    debs = list((DOM0 / "debs").glob(f"linux-image-{release}_*.deb"))
    assert len(debs) == 1, debs
    tar = subprocess.run(["dpkg-deb", "--fsys-tarfile", str(debs[0])], capture_output=True,
                         check=True).stdout
    with tarfile.open(fileobj=io.BytesIO(tar)) as t:
        shipped = t.extractfile(f"./boot/vmlinuz-{release}").read()
    assert data == shipped


def test_builder_reports_a_failed_download(tmp_path):
    r = subprocess.run([str(BUILDER), "--out", str(tmp_path), "--no-apt-update",
                        "--kernel-package", "linux-image-0.0.0-keel-no-such-amd64"],
                       capture_output=True, text=True)
    assert r.returncode != 0
    assert "build-image: error: cannot download linux-image-0.0.0-keel-no-such-amd64" in r.stderr
    assert "Traceback" not in r.stderr


def load_builder():
    loader = importlib.machinery.SourceFileLoader("build_image", str(BUILDER))
    spec = importlib.util.spec_from_loader("build_image", loader)
    mod = importlib.util.module_from_spec(spec)
    loader.exec_module(mod)
    return mod


def test_builder_orders_deps_and_reads_compressed_modules(tmp_path, image, release):
    b = load_builder()
    deps = {"a": ["b", "c"], "b": ["c"], "c": ["d"], "d": []}
    assert b.load_order("a", deps) == ["b", "c", "d"]     # d loads first, then c, b, a
    with pytest.raises(b.BuildError):
        b.load_order("x", {"x": ["y"], "y": ["x"]})
    ko = image[f"lib/modules/{release}/kernel/drivers/xen/xenfs/xenfs.ko"][1]
    (tmp_path / "xenfs.ko.xz").write_bytes(lzma.compress(ko))
    (tmp_path / "xenfs.ko.gz").write_bytes(gzip.compress(ko))
    for f in ("xenfs.ko.xz", "xenfs.ko.gz"):
        assert b.read_module(str(tmp_path / f)) == ko
    assert b.modinfo(ko)["depends"] == ["xen-privcmd"]
    assert b.image_module_path(f"lib/modules/{release}/kernel/x/y.ko.xz", release) == \
        "kernel/x/y.ko"


# ---------------------------------------------------------------- boot without Xen

def checks_of(text):
    """{name: value} of the 'dom0-check: NAME VALUE' lines (the last one wins)."""
    return {m[1]: m[2].strip() for m in re.finditer(r"^dom0-check: (\S+) ?(.*?)\r?$", text, re.M)}


def test_init_runs_its_checks_under_plain_qemu(image):
    qemu = shutil.which("qemu-system-x86_64")
    assert qemu, "qemu-system-x86_64 is missing: run 'make deps'"
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    argv = [qemu, "-kernel", str(DOM0 / "vmlinuz"), "-initrd", str(DOM0 / "initrd.img"),
            "-append", "console=ttyS0 panic=-1 keel.shell=0", "-nographic", "-nic", "none",
            "-m", "512M", "-smp", "2", "-no-reboot", "-accel", "tcg"]
    try:
        r = subprocess.run(argv, capture_output=True, timeout=QEMU_TIMEOUT,
                           stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired as e:
        out = (e.stdout or b"").decode(errors="replace")
        (LOG_DIR / "dom0_image_qemu.log").write_text(out)
        pytest.fail(f"QEMU did not power off within {QEMU_TIMEOUT} s; console in "
                    f"{LOG_DIR}/dom0_image_qemu.log:\n{out[-2000:]}", pytrace=False)
    out = r.stdout.decode(errors="replace")
    (LOG_DIR / "dom0_image_qemu.log").write_text(out)
    assert "dom0-init: ready" in out, out[-3000:]
    c = checks_of(out)
    assert c["hypervisor-type"] == "none"          # no Xen here: the modules refuse to load
    assert c["modules-failed"].split() == XEN_MODULES
    assert c["capabilities"] == "none" and c["devices"] == "none"
    assert c["nproc"] == "2"
    assert c["cpu-burn"] == "2/2"
    assert 4.5 <= float(c["sleep-5s"]) < 10, c["sleep-5s"]
    assert c["dmesg-clean"] == "yes", out[-3000:]
    # Exit 0 under -no-reboot is also what a reset or a panic (panic=-1
    # reboots at once) looks like: a power-off is Linux's line with it.
    assert r.returncode == 0, "QEMU did not power off cleanly"
    assert re.search(r"^\[ *[0-9.]+\] reboot: Power down\r?$", out, re.M), \
        "QEMU exited 0 but Linux never said 'reboot: Power down': it reset"
