#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Boot benchmark, figures only (no threshold), median of RUNS boots (3):
#  1. wall time from QEMU's start to Keel's banner (scripts/keelqemu.py);
#  2. wall time from QEMU's start to dom0's /init ("dom0-init: starting"),
#     Debian's vmlinuz and the tools/dom0 initramfs as a PVH dom0, for Keel
#     and for Debian's Xen 4.17 (tools/xen-peer/boot-xen.py) in the same QEMU
#     (q35, one CPU, 1 GiB, dom0_mem=512M; Xen also gets -device amd-iommu and
#     -rdtscp, which it needs under TCG), and the ratio; for Keel also the
#     phases: banner, kernel unpack start, dom0 built, Linux's first line.
# The GRUB ISOs are built before the clocks start.  Emulated-machine (TCG)
# figures: they compare the two hypervisors, not real hardware.
#
# usage: bench/boot.sh [KEEL [MACHINE [MEM]]]   (build/keel, q35, 512M)
#        RUNS=5 bench/boot.sh      NO_DOM0=1 bench/boot.sh  (banner only)
set -e
cd "$(dirname "$0")/.."
[ -n "$NO_DOM0" ] || make -s dom0-image >/dev/null
KEEL="${1:-build/keel}" MACHINE="${2:-q35}" MEM="${3:-512M}" RUNS="${RUNS:-3}" \
NO_DOM0="${NO_DOM0:-}" exec /usr/bin/python3 - <<'PY'
import os
import re
import statistics
import subprocess
import sys
import time

sys.path.insert(0, "scripts")
import keelqemu

BANNER = re.compile(r"^Keel \d+\.\d+\.\d+ \(rev [0-9a-f]+(-dirty)?\)", re.M)
INIT = r"dom0-init: starting"
DOM0_ARGS = "console=hvc0 keel.shell=0 keel.checks=0"
keel, machine, mem = os.environ["KEEL"], os.environ["MACHINE"], os.environ["MEM"]
runs = int(os.environ["RUNS"])
if runs < 1:
    sys.exit("bench/boot.sh: RUNS must be at least 1")


# Milestones of a dom0 boot, for the phase line (first occurrence of each).
PHASES = [("banner", BANNER), ("unpack", re.compile(r"^kernel: unpacking", re.M)),
          ("dom0 built", re.compile(r"^domain: d0 \(dom0\): ", re.M)),
          ("Linux's first line", re.compile(r"^\(d0\) \[", re.M)),
          ("/init", re.compile(INIT, re.M))]
phase_times = []


def keel_time(cmdline, modules, pattern, **opts):
    seen = {}
    text = [""]

    def on_text(chunk):                 # stamp each milestone as it arrives
        text[0] += chunk
        for name, rx in PHASES:
            if name not in seen and rx.search(text[0]):
                seen[name] = time.monotonic()
    try:
        with keelqemu.KeelQemu(cmdline, modules=modules, keel=keel, on_text=on_text,
                               **opts) as q:
            q.expect(pattern, 600)
            phase_times.append({n: t - q.started_at for n, t in seen.items()})
            return time.monotonic() - q.started_at
    except (keelqemu.KeelQemuError, ValueError) as e:
        sys.exit(f"bench/boot.sh: {str(e).splitlines()[0]}")


def xen_time():
    out = subprocess.run(
        [sys.executable, "tools/xen-peer/boot-xen.py", "--timeout", "600", "--log", os.devnull,
         "--xen-cmdline", "dom0=pvh dom0_mem=512M console=com1 com1=115200,8n1 noreboot",
         "--dom0-cmdline", DOM0_ARGS, "--module", "build/dom0/initrd.img",
         "--until", INIT, "build/dom0/vmlinuz"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    m = re.search(r"REACHED \(([\d.]+)s\)", out.stdout)
    if out.returncode != 0 or not m:
        sys.exit("bench/boot.sh: Xen 4.17 did not reach dom0's /init:\n" + out.stdout[-800:])
    return float(m.group(1))


def report(what, times):
    figures = " ".join(f"{t:.3f}" for t in times)
    med = statistics.median(times)
    print(f"{what}: median {med:.3f} s of {len(times)} runs ({figures})")
    return med


banner = [keel_time("", [], BANNER, machine=machine, mem=mem) for _ in range(runs)]
report(f"Keel: QEMU start to banner ({machine}, {mem}, TCG)", banner)
if os.environ.get("NO_DOM0"):
    sys.exit(0)
dom0 = ["build/dom0/vmlinuz," + DOM0_ARGS, "build/dom0/initrd.img"]
phase_times.clear()
k = report("Keel:     QEMU start to dom0's /init (q35, 1 CPU, 1G, dom0 512M, TCG)",
           [keel_time("dom0_mem=512M", dom0, INIT, mem="1G", smp=1) for _ in range(runs)])
print("Keel phases (median s from QEMU start): " + ", ".join(
    f"{name} {statistics.median(p[name] for p in phase_times):.2f}"
    for name, _ in PHASES if all(name in p for p in phase_times)))
x = report("Xen 4.17: QEMU start to dom0's /init (same machine, same kernel and initramfs)",
           [xen_time() for _ in range(runs)])
print(f"Keel/Xen: {k / x:.2f} (goal: 0.5 or less)")
PY
