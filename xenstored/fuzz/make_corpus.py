#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only
#
# Regenerates the seed corpus of the xenstored fuzz target (corpus/*):
# byte 0 is the mode (see fuzz_dispatch.c), the rest wire messages.

import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "corpus")


def msg(mtype, payload=b"", req=1, tx=0, length=None):
    if isinstance(payload, str):
        payload = payload.encode()
    n = len(payload) if length is None else length
    return struct.pack("<IIII", mtype, req, tx, n) + payload


def z(*parts):
    return b"".join(p.encode() + b"\0" for p in parts)


SEEDS = {
    "basic-rw": msg(11, b"/a/b\0hello") + msg(2, z("/a/b")) +
                msg(1, z("/a")) + msg(22, z("/a", "0")),
    "perms": msg(11, b"/p\0v") + msg(14, z("/p", "n0", "r1", "b2")) +
             msg(3, z("/p")) + msg(14, z("/p", "x9")),
    "rm-tree": msg(12, z("/r/s/t/u")) + msg(13, z("/r")) + msg(13, z("/")) +
               msg(2, z("/r/s")),
    "watch": msg(4, z("/w", "tok")) + msg(11, b"/w/x\0") +
             msg(13, z("/w")) + msg(5, z("/w", "tok")) +
             msg(4, z("@introduceDomain", "i")) + msg(21),
    "txn": msg(6, z("")) + msg(11, b"/t\0v", tx=1) + msg(2, z("/t"), tx=1) +
           msg(7, z("T"), tx=1) + msg(6, z("")) + msg(7, z("F"), tx=2) +
           msg(7, z("T"), tx=99),
    "domains": msg(8, z("5", "1234", "7")) + msg(17, z("5")) +
               msg(19, z("5", "6")) + msg(18, z("5")) + msg(10, z("5")) +
               msg(9, z("5")) + msg(9, z("5")),
    "control": msg(0, z("quota")) + msg(0, z("quota", "nodes", "5")) +
               msg(0, z("log", "on")) + msg(0, z("print", "x")) +
               msg(0, z("bogus")),
    "bad-types": msg(15, z("a", "b")) + msg(16, z("EINVAL")) + msg(20) +
                 msg(999, b"x") + msg(2, b"no-nul"),
    "bad-paths": msg(2, z("//x")) + msg(2, z("/x/")) + msg(2, z("/a b")) +
                 msg(11, b"\0") + msg(2, z("a" * 3000)) + msg(2, z("")),
    "huge-length": msg(2, b"", length=0xffffffff),
    "truncated": msg(11, b"/a\0v")[:10],
    "relative": msg(11, b"device/vif\0x") + msg(4, z("device", "t")) +
                msg(13, z("device")),
}

# Unprivileged variants (mode 1: domain 1) exercise denials and quotas.
UNPRIV = {
    "unpriv-denied": msg(2, z("/tool")) + msg(11, b"/x\0v") +
                     msg(8, z("3", "1", "1")) + msg(0, z("quota")),
    "unpriv-home": msg(11, b"data\0v") + msg(14, z("data", "n1", "r0")) +
                   msg(14, z("data", "n5")) +
                   b"".join(msg(4, z("w%d" % i, "t"), req=i) for i in range(140)),
    "unpriv-txns": b"".join(msg(6, z(""), req=i) for i in range(12)),
}

# Ring mode (2): four indexes then request ring bytes.
RING = {
    "ring-ok": struct.pack("<IIII", 0, len(msg(2, z("/tool"))), 0, 0) +
               msg(2, z("/tool")),
    "ring-bad-prod": struct.pack("<IIII", 0, 5000, 0, 0) + b"x" * 16,
    "ring-bad-rsp": struct.pack("<IIII", 0, 20, 7, 9000) + msg(2, z("/")),
    "ring-wrap": struct.pack("<IIII", 0xfffffff0, 0x10, 0, 0) + b"\0" * 32,
}


def main():
    os.makedirs(OUT, exist_ok=True)
    for name, data in SEEDS.items():
        with open(os.path.join(OUT, name), "wb") as f:
            f.write(b"\0" + data)
    for name, data in UNPRIV.items():
        with open(os.path.join(OUT, name), "wb") as f:
            f.write(b"\1" + data)
    for name, data in RING.items():
        with open(os.path.join(OUT, name), "wb") as f:
            f.write(b"\3" + data)


if __name__ == "__main__":
    main()
