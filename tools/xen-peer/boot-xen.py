#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Boot a guest test kernel as a PVH dom0 of Debian's Xen 4.17 under QEMU.

This is the reference ("peer") run for Keel's guest test kernels: the same
ELF that Keel will start must print "Test result: SUCCESS" on real Xen.

    tools/xen-peer/boot-xen.py build/guest-drivers/test-hello
    tools/xen-peer/boot-xen.py --timeout 600 --log out.txt KERNEL [KERNEL...]

The first run fetches xen-hypervisor-4.17-amd64 with `apt-get download` and
unpacks it with `dpkg -x` into build/xen-peer/ (nothing is installed).  Each
kernel gets a throw-away GRUB ISO (grub-mkrescue: multiboot2 xen.gz, the
kernel as module2 = dom0) and is booted with QEMU TCG.  The serial console
is echoed (or saved with --log); the run stops at the guest's final
"Test result:" line.  Exit status: 0 if every kernel printed SUCCESS (or
SKIP), 1 otherwise.  Needs: qemu-system-x86, grub-pc-bin, grub-common,
xorriso, mtools.
"""

import argparse
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PEER_DIR = os.path.join(REPO, "build", "xen-peer")
PACKAGE = "xen-hypervisor-4.17-amd64"
XEN_CMDLINE = ("dom0=pvh console=com1 com1=115200,8n1 loglvl=all "
               "guest_loglvl=all noreboot")
QEMU_ARGS = ["-M", "q35", "-cpu", "EPYC-Milan,+svm,+npt,-rdtscp",
             "-device", "amd-iommu", "-m", "1G", "-nographic", "-nic", "none",
             "-no-reboot"]
RESULT_RE = re.compile(r"Test result: (SUCCESS|FAILURE|SKIP)")
# Messages after which Xen will print nothing more of interest.
END_RE = re.compile(r"Hardware Dom0 (halted|crashed|shutdown)|"
                    r"Panic on CPU|\*\*\*\*\*\*\*\*\*\*\*\*\*\*\*\*\*\*\*\*\*")


def xen_image():
    """Return the path of xen.gz, fetching and unpacking the package once."""
    images = glob.glob(os.path.join(PEER_DIR, "root", "boot", "xen-4.17*-amd64.gz"))
    if images:
        return images[0]
    debs = os.path.join(PEER_DIR, "debs")
    os.makedirs(debs, exist_ok=True)
    if not glob.glob(os.path.join(debs, PACKAGE + "_*.deb")):
        try:
            subprocess.run(["apt-get", "download", PACKAGE], cwd=debs, check=True)
        except (OSError, subprocess.CalledProcessError) as e:
            sys.exit(f"boot-xen: cannot fetch {PACKAGE} with `apt-get download` ({e}); "
                     "it comes from Debian's package registry (bookworm main: "
                     "check the network and run apt-get update)")
    deb = sorted(glob.glob(os.path.join(debs, PACKAGE + "_*.deb")))[-1]
    subprocess.run(["dpkg", "-x", deb, os.path.join(PEER_DIR, "root")], check=True)
    images = glob.glob(os.path.join(PEER_DIR, "root", "boot", "xen-4.17*-amd64.gz"))
    if not images:
        sys.exit("boot-xen: no xen-4.17*-amd64.gz in " + deb)
    return images[0]


def make_iso(xen, kernel, workdir, xen_cmdline, dom0_cmdline, modules=()):
    root = os.path.join(workdir, "iso")
    os.makedirs(os.path.join(root, "boot", "grub"))
    shutil.copy(xen, os.path.join(root, "boot", "xen.gz"))
    shutil.copy(kernel, os.path.join(root, "boot", "dom0"))
    extra = ""
    for i, spec in enumerate(modules):     # FILE[,CMDLINE], e.g. dom0's ramdisk
        path, _, cmdline = spec.partition(",")
        shutil.copy(path, os.path.join(root, "boot", f"mod{i}"))
        extra += f"  module2 /boot/mod{i} {cmdline}\n"
    with open(os.path.join(root, "boot", "grub", "grub.cfg"), "w") as cfg:
        cfg.write("set timeout=0\nset default=0\n"
                  "serial --unit=0 --speed=115200\nterminal_output serial\n"
                  "menuentry 'xen-peer' {\n"
                  f"  multiboot2 /boot/xen.gz {xen_cmdline}\n"
                  f"  module2 /boot/dom0 {dom0_cmdline}\n"
                  f"{extra}"
                  "}\n")
    iso = os.path.join(workdir, "peer.iso")
    proc = subprocess.run(["grub-mkrescue", "-o", iso, root],
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if proc.returncode != 0:
        sys.exit("boot-xen: grub-mkrescue failed:\n" + proc.stdout)
    return iso


def boot(iso, timeout, log, until=None):
    """Run QEMU; return (result or None, elapsed seconds).  With until (a
    compiled regex), the result is "REACHED" and the time is when it appeared."""
    cmd = ["qemu-system-x86_64", *QEMU_ARGS, "-cdrom", iso]
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)
    os.set_blocking(proc.stdout.fileno(), False)
    start = time.monotonic()
    result, stop_at, pending = None, None, b""
    try:
        while proc.poll() is None:
            now = time.monotonic()
            if now - start > timeout or (stop_at and now > stop_at):
                break
            chunk = proc.stdout.read(4096)
            if not chunk:
                time.sleep(0.05)
                continue
            pending += chunk
            *lines, pending = pending.split(b"\n")
            for raw in lines:
                line = raw.decode("utf-8", "replace").rstrip("\r")
                log.write(line + "\n")
                log.flush()
                if until is not None:
                    if until.search(line):
                        reached = time.monotonic() - start
                        proc.kill()
                        proc.wait()
                        return "REACHED", reached
                    continue
                m = RESULT_RE.search(line)
                if m and result is None:
                    result = m.group(1)
                    stop_at = time.monotonic() + 5
                if END_RE.search(line):
                    stop_at = min(stop_at or now + 2, now + 2)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait()
    if pending:
        log.write(pending.decode("utf-8", "replace") + "\n")
    return result, time.monotonic() - start


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("kernels", nargs="+", help="PVH test kernel ELF files")
    ap.add_argument("--timeout", type=float, default=900, help="seconds per kernel")
    ap.add_argument("--log", help="write the serial console here instead of stdout")
    ap.add_argument("--xen-cmdline", default=XEN_CMDLINE)
    ap.add_argument("--dom0-cmdline", default="")
    ap.add_argument("--module", action="append", default=[], metavar="FILE[,CMDLINE]",
                    help="another boot module after dom0's kernel (e.g. its ramdisk)")
    ap.add_argument("--until", metavar="REGEX",
                    help="stop when REGEX appears and report the time (instead of "
                         "waiting for a 'Test result:' line)")
    args = ap.parse_args()
    until = re.compile(args.until) if args.until else None

    xen = xen_image()
    log = open(args.log, "w") if args.log else sys.stdout
    failed = False
    for kernel in args.kernels:
        with tempfile.TemporaryDirectory(prefix="xen-peer-") as tmp:
            iso = make_iso(xen, kernel, tmp, args.xen_cmdline, args.dom0_cmdline, args.module)
            log.write(f"=== {os.path.basename(kernel)} on {os.path.basename(xen)} ===\n")
            result, secs = boot(iso, args.timeout, log, until)
        summary = f"{os.path.basename(kernel)}: {result or 'NO RESULT'} ({secs:.3f}s)"
        print(summary, file=sys.stderr if log is sys.stdout else sys.stdout)
        failed |= result not in ("SUCCESS", "SKIP", "REACHED")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
