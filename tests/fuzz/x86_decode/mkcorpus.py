#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Regenerates the seed corpus of the x86 decoder/emulator fuzz target.

Seeds are the encodings of tests/unit/test_x86_decode.c (valid and invalid
tables) plus emulator-oriented and hostile sequences, one file each: byte 0
selects the mode (value % 3: 16, 32, 64-bit) and seeds the registers, the rest
are the instruction bytes.  Usage: mkcorpus.py [corpus-dir]
"""
import hashlib
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TEST = os.path.join(HERE, "..", "..", "unit", "test_x86_decode.c")
MODES = {"X86_MODE_16": 0, "X86_MODE_32": 1, "X86_MODE_64": 2}

EXTRA = [  # (mode, hex) emulator paths and limits
    (2, "f3aa"), (2, "f348ab"), (2, "67f3ab"), (2, "f3a4"), (2, "f348a5"),
    (0, "f3aa"), (0, "66f3ab"), (1, "f3a5"), (2, "fd"), (2, "f0f3aa"),
    (2, "4889 4b04"), (2, "8b05 00020000"), (2, "c705 00010000 78563412"),
    (2, "48a1 2000e0fe00000000"), (1, "a2 1000e0fe"), (0, "a0 3412"),
    (2, "0fb603"), (2, "480fbe03"), (2, "486303"), (1, "6303"),
    (2, "010f"), (2, "832f01"), (2, "8127ff000000"), (2, "800f00"),
    (2, "3207"), (2, "3907"), (2, "833fff"), (2, "f70700010000"), (2, "840f"),
    (2, "48831 7fb"), (2, "48831700"), (2, "482b17"), (2, "f00907"),
    (2, "fe0b"), (2, "fe03"), (2, "f61b"), (2, "f613"), (2, "f71b"), (2, "ff0b"),
    (2, "480 f38f908"), (2, "4887 03"), (2, "8623"), (2, "648918"),
    (2, "f08900"), (2, "f03900"), (2, "f001c0"), (2, "8b0424"),
    (0, "884010"), (0, "678803"), (1, "268818"),
    (2, "66" * 14 + "90"), (2, "66" * 15 + "90"), (2, "48" * 16),
    (2, "2e2e6748c78488112233445566778 8"), (2, "2e2e2e6748c7848811223344556677 88"),
    (2, ""), (0, ""), (2, "0f"), (2, "0f38"), (2, "0f3a"), (2, "c4"), (2, "c5"),
    (2, "62"), (1, "62"), (1, "c4c0"), (2, "f2f3f0662e64"),
]


def seeds():
    text = open(TEST).read()
    for m, hexs in re.findall(r'\{ (X86_MODE_\d\d), *\d+, "((?:\\x[0-9a-f]{2})*)"', text):
        yield MODES[m], bytes.fromhex(hexs.replace("\\x", ""))
    for mode, hexs in EXTRA:
        yield mode, bytes.fromhex(hexs.replace(" ", ""))


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "corpus")
    os.makedirs(out, exist_ok=True)
    seen = set()
    for i, (mode, body) in enumerate(seeds()):
        data = bytes([(i * 7) % 85 * 3 + mode]) + body
        if data in seen:
            continue
        seen.add(data)
        name = hashlib.sha1(data).hexdigest()[:16]
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)
    print(f"{len(seen)} seeds in {out}")


if __name__ == "__main__":
    main()
