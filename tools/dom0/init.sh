#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# /init of Keel's test dom0 initramfs (packed by tools/dom0/build-image).
#
# This file owns dom0's first process: mount proc, sys, devtmpfs and xenfs,
# load the Xen modules, run the checks the system tests read (one
# "dom0-check: NAME VALUE..." line each), print "dom0-init: ready", then give
# an interactive shell on /dev/hvc0 (else the console) and power off when it
# exits.  Kernel command-line flags:
#   keel.checks=0     skip the checks (for 'make run')
#   keel.shell=0      no shell: power off right after "dom0-init: ready"
#   keel.burn=N       iterations of the per-CPU busy loop (default 20000)
#   keel.maps=DOMID   run keel-dom0-maps DOMID (a test-dom0peer domU beside
#                     dom0): privcmd and gntdev mappings, "dom0-maps:" lines

PATH=/bin:/sbin:/usr/bin:/usr/sbin
HOME=/root
PS1='dom0:\w# '
export PATH HOME PS1
XEN_MODULES="xen-evtchn xen-gntdev xen-gntalloc xen-privcmd xenfs"

[ -x /bin/mount ] || /bin/busybox --install -s

say() { echo "dom0-init: $*"; }
check() { echo "dom0-check: $*"; }

# uptime in hundredths of a second (host-independent: the guest's own clock)
uptime_cs() { awk '{ printf "%d\n", $1 * 100 + 0.5 }' /proc/uptime; }
seconds() { awk -v cs="$1" 'BEGIN { printf "%.2f\n", cs / 100 }'; }
# shellcheck disable=SC2086  # splitting the list into words is the point
words_or_none() { set -- $1; if [ $# -gt 0 ]; then echo "$*"; else echo none; fi; }
first_word_or() { w=""; [ -r "$1" ] && read -r w _ <"$1"; echo "${w:-$2}"; }

# cmdline_opt NAME DEFAULT: the value of NAME=... on the kernel command line.
cmdline_opt() {
    # shellcheck disable=SC2013  # words, not lines
    for w in $(cat /proc/cmdline); do
        case "$w" in "$1="*) echo "${w#*=}"; return ;; esac
    done
    echo "$2"
}

mount_filesystems() {
    mkdir -p /proc /sys /dev /run /tmp
    mount -t proc proc /proc
    mount -t sysfs sysfs /sys
    mount -t devtmpfs devtmpfs /dev || say "warning: cannot mount devtmpfs on /dev"
    mkdir -p /dev/pts && mount -t devpts devpts /dev/pts
}

# Sets LOADED and FAILED to the module names modprobe did / did not load.
load_xen_modules() {
    LOADED="" FAILED=""
    for m in $XEN_MODULES; do
        if modprobe "$m" 2>/tmp/modprobe.err; then
            LOADED="$LOADED $m"
        else
            FAILED="$FAILED $m"
            say "modprobe $m failed: $(cat /tmp/modprobe.err)"
        fi
    done
    say "modules loaded: $(words_or_none "$LOADED"), failed: $(words_or_none "$FAILED")"
}

mount_xenfs() {
    XENFS=unavailable
    if grep -qw xenfs /proc/filesystems; then
        mkdir -p /proc/xen 2>/dev/null
        mount -t xenfs xenfs /proc/xen && XENFS=mounted
    fi
    say "xenfs $XENFS"
}

check_identity() {
    check "kernel $(uname -r)"
    check "hypervisor-type $(first_word_or /sys/hypervisor/type none)"
    check "nproc $(nproc)"
    check "modules-loaded $(words_or_none "$LOADED")"
    check "modules-failed $(words_or_none "$FAILED")"
    check "xenfs $XENFS"
    caps=$(cat /proc/xen/capabilities 2>/dev/null)
    check "capabilities ${caps:-none}"
    cs=/sys/devices/system/clocksource/clocksource0/current_clocksource
    check "clocksource $(first_word_or $cs none)"
    avail=/sys/devices/system/clocksource/clocksource0/available_clocksource
    check "clocksources-available $(cat $avail 2>/dev/null || echo none)"
    devs=""
    for d in evtchn gntdev gntalloc privcmd; do
        [ -c "/dev/xen/$d" ] && devs="$devs $d"
    done
    check "devices $(words_or_none "$devs")"
}

check_sleep() {
    t0=$(uptime_cs); sleep 5; t1=$(uptime_cs)
    check "sleep-5s $(seconds $((t1 - t0)))"
    check "wallclock $(date +%s)"
}

# One busy loop per CPU, all at once, each pinned with taskset when it works.
check_cpu_burn() {
    n=$(nproc) iters=$(cmdline_opt keel.burn 20000) pids="" ok=0 i=0
    loop="i=0; while [ \$i -lt $iters ]; do i=\$((i + 1)); done"
    t0=$(uptime_cs)
    while [ "$i" -lt "$n" ]; do
        if taskset -c "$i" true 2>/dev/null; then
            taskset -c "$i" sh -c "$loop" &
        else
            sh -c "$loop" &
        fi
        pids="$pids $!"
        i=$((i + 1))
    done
    for p in $pids; do wait "$p" && ok=$((ok + 1)); done
    t1=$(uptime_cs)
    check "cpu-burn $ok/$n"
    check "cpu-burn-seconds $(seconds $((t1 - t0)))"
}

check_dmesg() {
    # WARN() splats say "WARNING: CPU:"; advisories such as the SRSO notice
    # ("Speculative Return Stack Overflow: WARNING: ...") are not warnings.
    bad=$(dmesg | grep -E 'WARNING: CPU:|cut here|BUG:|Oops|Call Trace|general protection fault|Kernel panic')
    if [ -z "$bad" ]; then
        check "dmesg-clean yes"
    else
        check "dmesg-clean no"
        echo "$bad" | head -n 5 | while read -r line; do check "dmesg-bad $line"; done
    fi
}

start_shell() {
    if [ -c /dev/hvc0 ]; then
        say "shell on /dev/hvc0 (exit powers off)"
        setsid sh -c 'exec sh -l </dev/hvc0 >/dev/hvc0 2>&1'
    else
        say "shell on the console (exit powers off)"
        setsid cttyhack sh -l
    fi
}

main() {
    mount_filesystems
    say "starting on $(uname -r)"
    hostname dom0
    load_xen_modules
    mount_xenfs
    if [ "$(cmdline_opt keel.checks 1)" != 0 ]; then
        check_identity
        check_sleep
        check_cpu_burn
        check_dmesg
    fi
    maps=$(cmdline_opt keel.maps "")
    if [ -n "$maps" ]; then
        keel-dom0-maps "$maps"
        say "keel-dom0-maps exited $?"
    fi
    say "ready"
    [ "$(cmdline_opt keel.shell 1)" != 0 ] && start_shell
    say "powering off"
    sync
    poweroff -f
    while :; do sleep 3600; done
}

main
