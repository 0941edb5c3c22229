#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Boot benchmark: wall time from QEMU's start to Keel's banner, median of
# RUNS boots (3) through the test harness (scripts/keelqemu.py).  Prints
# figures only, no threshold.  The GRUB ISO is built before the clock starts.
#
# usage: bench/boot.sh [KEEL [MACHINE [MEM]]]   (build/keel, q35, 512M)
#        RUNS=5 bench/boot.sh
set -e
cd "$(dirname "$0")/.."
KEEL="${1:-build/keel}" MACHINE="${2:-q35}" MEM="${3:-512M}" RUNS="${RUNS:-3}" \
exec /usr/bin/python3 - <<'PY'
import os
import re
import statistics
import sys
import time

sys.path.insert(0, "scripts")
import keelqemu

BANNER = re.compile(r"^Keel \d+\.\d+\.\d+ \(rev [0-9a-f]+(-dirty)?\)", re.M)
keel, machine, mem = os.environ["KEEL"], os.environ["MACHINE"], os.environ["MEM"]
runs = int(os.environ["RUNS"])
if runs < 1:
    sys.exit("bench/boot.sh: RUNS must be at least 1")

times = []
for _ in range(runs):
    try:
        with keelqemu.KeelQemu("", keel=keel, machine=machine, mem=mem) as q:
            q.expect(BANNER, 300)
            times.append(time.monotonic() - q.started_at)
    except (keelqemu.KeelQemuError, ValueError) as e:
        sys.exit(f"bench/boot.sh: {str(e).splitlines()[0]}")
figures = " ".join(f"{t:.3f}" for t in times)
print(f"boot to banner ({machine}, {mem}, TCG): median {statistics.median(times):.3f} s "
      f"of {runs} runs ({figures})")
PY
