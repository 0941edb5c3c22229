#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# bench/xenstore.sh: xenstored throughput and memory figures.  Starts a
# private daemon on a temporary socket, then prints requests per second for
# read, write, directory (1,000 children) and a 10-write transaction with 1
# and 16 concurrent clients (build/xenstored/xs-bench, one libxenstore handle
# per client), and the daemon's resident memory per 100,000 nodes.
# Figures only, no pass/fail.  Needs `make` first.  Runs in well under two
# minutes: SECONDS_PER_RUN (default 2) per figure, 8 figures, plus populate.
#
#   bench/xenstore.sh               KEEL_BUILD=dir  SECONDS_PER_RUN=n

set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${KEEL_BUILD:-$ROOT/build}
XENSTORED=${XENSTORED_BIN:-$BUILD/xenstored/xenstored}
BENCH=$BUILD/xenstored/xs-bench
SECS=${SECONDS_PER_RUN:-2}
NODES=100000

for f in "$XENSTORED" "$BENCH"; do
    if [ ! -x "$f" ]; then
        echo "bench/xenstore.sh: $f is missing: run 'make' first" >&2
        exit 1
    fi
done

TMP=$(mktemp -d /tmp/keel-xs-bench.XXXXXX)
DAEMON_PID=
cleanup() {
    if [ -n "$DAEMON_PID" ] && kill -0 "$DAEMON_PID" 2>/dev/null; then
        kill -TERM "$DAEMON_PID" 2>/dev/null || true
        wait "$DAEMON_PID" 2>/dev/null || true
    fi
    rm -rf "$TMP"
}
trap cleanup EXIT

"$XENSTORED" --no-domain-init --socket "$TMP/socket" >"$TMP/xenstored.log" 2>&1 &
DAEMON_PID=$!
for _ in $(seq 100); do
    [ -S "$TMP/socket" ] && break
    if ! kill -0 "$DAEMON_PID" 2>/dev/null; then
        echo "bench/xenstore.sh: xenstored exited early:" >&2
        cat "$TMP/xenstored.log" >&2
        exit 1
    fi
    sleep 0.1
done
if [ ! -S "$TMP/socket" ]; then
    echo "bench/xenstore.sh: xenstored never created $TMP/socket" >&2
    exit 1
fi
export XENSTORED_PATH=$TMP/socket

rss_kib() {
    awk '/^VmRSS:/ { print $2 }' "/proc/$DAEMON_PID/status"
}

echo "xenstored benchmark ($(nproc) CPUs, ${SECS}s per figure)"
echo "one op: read = 1 XS_READ; write = 1 XS_WRITE; dir = listing 1,000"
echo "children (XS_DIRECTORY_PART round trips); tx = start + 10 writes + commit"
timeout 60 "$BENCH" setup
for op in read write dir tx; do
    for clients in 1 16; do
        timeout $((SECS + 20)) "$BENCH" "$op" "$clients" "$SECS"
    done
done

before=$(rss_kib)
start=$(date +%s.%N)
timeout 90 "$BENCH" populate "$NODES" /bench/pop
end=$(date +%s.%N)
after=$(rss_kib)
awk -v b="$before" -v a="$after" -v n="$NODES" -v s="$start" -v e="$end" 'BEGIN {
    printf "populate %d nodes in %.1fs (100-write transactions)\n", n, e - s
    printf "daemon RSS %.1f MiB -> %.1f MiB: %.1f MiB per 100,000 nodes (%.0f bytes/node)\n",
        b / 1024, a / 1024, (a - b) / 1024 * 100000 / n, (a - b) * 1024 / n
}'
