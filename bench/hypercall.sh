#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Exit-cost benchmark: cycles per null hypercall and per CPUID exit round
# trip, measured inside the guest by test-bench-exits
# (guest-drivers/tests/bench-exits.c), on Keel (a dom0less domain, through
# scripts/keel-qemu) and on Debian's Xen 4.17 (PVH dom0, through
# tools/xen-peer/boot-xen.py) in the same QEMU; prints a table of both
# figures and Keel/Xen.  Prints figures only, no threshold.  Exit status 0
# when both runs gave every figure.  Builds build/keel and the guest kernels
# first; Xen is fetched once with `apt-get download` (needs Debian's registry).
#
# usage: bench/hypercall.sh                  (20000 iterations, 5 batches)
#        ITERS=5000 BATCHES=3 bench/hypercall.sh
set -e
cd "$(dirname "$0")/.."
ITERS="${ITERS:-20000}" BATCHES="${BATCHES:-5}" \
exec /usr/bin/python3 - <<'PY'
import os
import re
import subprocess
import sys
import tempfile

KERNEL = "build/guest-drivers/test-bench-exits"
OPS = ["hypercall", "hypercall-enosys", "cpuid", "rdtsc"]
FIGURE = re.compile(r"bench: (\S+) cycles/op (\d+) \(min (\d+) max (\d+)")
KEEL_TIMEOUT, XEN_TIMEOUT = 40, 130     # seconds; idle host: ~10 and ~60


def die(msg):
    sys.exit(f"bench/hypercall.sh: {msg}")


def figures(text):
    found = {m.group(1): int(m.group(2)) for m in FIGURE.finditer(text)}
    return found if all(op in found for op in OPS) else None


def tail(text, n=15):
    return "\n".join(text.strip().splitlines()[-n:])


iters, batches = os.environ["ITERS"], os.environ["BATCHES"]
if not (iters.isdigit() and batches.isdigit() and 1 <= int(iters) <= 10000000
        and 1 <= int(batches) <= 15):
    die("ITERS must be 1..10000000 and BATCHES 1..15")
params = f"iters={iters} batches={batches}"

build = subprocess.run(["make", "-s", "build/keel", "guest-kernels"],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
if build.returncode:
    die("build failed:\n" + tail(build.stdout))

ncpu = os.cpu_count() or 1
load_before = os.getloadavg()[0]
print("bench/hypercall.sh: Keel run...", file=sys.stderr)
try:
    keel = subprocess.run(["scripts/keel-qemu", "--timeout", str(KEEL_TIMEOUT), "dom0less",
                           f"{KERNEL},mem=32M -- {params}"],
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                          errors="replace", timeout=KEEL_TIMEOUT + 15)
except subprocess.TimeoutExpired:
    die("Keel run did not end")
keel_figs = figures(keel.stdout)
if keel.returncode or not keel_figs:
    die(f"Keel run failed (keel-qemu status {keel.returncode}):\n" + tail(keel.stdout))

print("bench/hypercall.sh: Xen 4.17 run...", file=sys.stderr)
with tempfile.NamedTemporaryFile("r", prefix="bench-xen-", suffix=".log") as log:
    try:
        xen = subprocess.run(["tools/xen-peer/boot-xen.py", "--timeout", str(XEN_TIMEOUT),
                              "--log", log.name, "--dom0-cmdline", params, KERNEL],
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                             errors="replace", timeout=XEN_TIMEOUT + 30)
    except subprocess.TimeoutExpired:
        die("Xen run did not end")
    xen_log = log.read()
xen_figs = figures(xen_log)
load_after = os.getloadavg()[0]
if not xen_log:
    die("could not boot Xen 4.17 (tools/xen-peer/boot-xen.py fetches "
        "xen-hypervisor-4.17-amd64 from Debian's package registry):\n" + tail(xen.stdout))
if xen.returncode or not xen_figs:
    die(f"Xen run failed (boot-xen.py status {xen.returncode}):\n"
        + tail(xen.stdout + "\n" + xen_log))

qemu = subprocess.run(["qemu-system-x86_64", "--version"], stdout=subprocess.PIPE,
                      text=True).stdout.splitlines()[0]
qemu = re.sub(r"^QEMU emulator version (\S+).*", r"QEMU \1", qemu)
print(f"Exit round trips measured by test-bench-exits: TSC cycles per operation, "
      f"median of {batches} batches of {iters} (rdtsc: of {(int(iters) + 9) // 10}).")
print(f"EMULATED MACHINE: {qemu} TCG, -cpu EPYC-Milan,+svm,+npt.  These are ticks of the "
      "host TSC while QEMU emulates\nthe guest and the hypervisor, not costs of hardware "
      "VM exits; compare them with each other only.")
print()
print(f"{'operation':<18} {'Keel':>10} {'Xen 4.17':>10} {'Keel/Xen':>9}")
for op in OPS:
    k, x = keel_figs[op], xen_figs[op]
    ratio = f"{k / x:.2f}" if x else "-"
    print(f"{op:<18} {k:>10} {x:>10} {ratio:>9}")
print()
print("hypercall: xen_version(XENVER_version) through the hypercall page (mov $17,%eax; "
      "vmmcall; ret);\nhypercall-enosys: undefined hypercall 43, the -ENOSYS path; "
      "cpuid: leaf 0 (a plain intercept).")
print("Keel runs the kernel as a dom0less domain (32 MiB), Xen as its PVH dom0; "
      "interrupts off in the guest.")
keel_mhz = re.search(r"TSC (\d+\.\d+) MHz", keel.stdout)
xen_mhz = re.search(r"Detected (\d+\.\d+) MHz processor", xen_log)
print(f"TSC rate as calibrated: Keel {keel_mhz.group(1) if keel_mhz else '?'} MHz, "
      f"Xen {xen_mhz.group(1) if xen_mhz else '?'} MHz.")
if xen_figs["rdtsc"] > 1000 or keel_figs["rdtsc"] > 1000:
    who = " and ".join(n for n, f in (("Keel", keel_figs), ("Xen", xen_figs))
                       if f["rdtsc"] > 1000)
    print(f"rdtsc: {who} traps RDTSC in this machine (the guest then reads an emulated "
          "TSC at the calibrated\nrate); the two reads per batch are exits too, "
          "noise at these batch sizes.")
if load_before > ncpu or load_after > ncpu:
    print(f"WARNING: host load average {load_before:.1f} before, {load_after:.1f} after, "
          f"on {ncpu} CPUs: other work shared the\nemulator's CPU, so the figures are noisy; "
          "rerun on an idle host.")
PY
