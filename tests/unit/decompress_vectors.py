#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only
"""Test vectors for the decompressors (tests/unit/test_decompress.c).

    decompress_vectors.py vectors OUT.bin     write the vector file
    decompress_vectors.py kernel DIR          references for DIR/vmlinuz

(Debian's real kernel for test_decompress_kernel.c comes from
tools/dom0/build-image; see tests/unit/decompress.mk.)  "kernel" finds the
payload of DIR/vmlinuz through the bzImage setup header, decodes it with
Python's lzma into DIR/vmlinux.ref and recodes that with Python's gzip
(level 9, no name, mtime 0, as a gzip bzImage) into DIR/vmlinux.ref.gz:
test_decompress_kernel.c compares Keel's decoders with these.  Without
DIR/vmlinuz it removes them and does nothing else.

Vectors come from Python's lzma, zlib and gzip modules, plus .xz streams
assembled here block by block (multiple blocks, sizes in block headers,
filter start offsets, concatenated streams and padding) and deliberately
invalid ones.  Inputs are generated (seeded) or read from files on this
machine at build time (x86 code from the Python binary), never committed.

File format (little-endian): b"KDV1", u32 input count, then per input
u32 length + bytes; u32 vector count, then per vector: u16 name length +
name, u16 log length + log (a substring the decoder must log on failure),
u8 expected result (0 ok, 1 -EBADMSG, 2 -EOPNOTSUPP), u8 flags, u32 input
index, u32 stream length (expected in_used), u32 data length + data.
"""
import gzip
import io
import lzma
import os
import random
import struct
import sys
import zlib

OK, EBADMSG, EOPNOTSUPP = 0, 1, 2
CHECKED = 1       # output integrity-checked: a corruption cannot pass silently
TRUNC_ALL = 2     # try every truncation length
FLIPS = 4         # random byte flips
TRAILING = 8      # data continues after the stream (in_used < length)
NO_TRUNC = 16     # ends in stream padding: some truncations are valid streams
SMALL = ("one", "small_text", "small_code")

CHECK_SIZES = {lzma.CHECK_NONE: 0, lzma.CHECK_CRC32: 4, lzma.CHECK_CRC64: 8,
               lzma.CHECK_SHA256: 32}


def make_inputs():
    rng = random.Random(0x6b65656c)
    text = b""
    lic = "/usr/share/common-licenses"
    for name in sorted(os.listdir(lic)) if os.path.isdir(lic) else []:
        path = os.path.join(lic, name)
        if os.path.isfile(path):
            with open(path, "rb") as f:
                text += f.read()
        if len(text) > 300000:
            break
    words = [b"keel", b"hypervisor", b"domain", b"event", b"channel", b"grant",
             b"page", b"table", b"the", b"of", b"and", b"to", b"memory"]
    while len(text) < 300000:
        text += b" ".join(rng.choice(words) for _ in range(12)) + b".\n"
    text = text[:300000]
    code = b""
    for path in ("/usr/bin/python3", sys.executable, "/usr/bin/gdb", "/usr/bin/gcc"):
        with open(os.path.realpath(path), "rb") as f:
            code = f.read()[0x40000:0x40000 + (1 << 20)]
        if len(code) == 1 << 20:
            break
    if len(code) != 1 << 20:
        sys.exit("decompress_vectors.py: no binary of 1.25 MiB for x86 code found")
    structured = bytearray()
    for i in range(60000):
        structured += struct.pack("<HBB", i & 0xffff, (i * 7) & 0xff, rng.randrange(4))
    return {
        "empty": b"",
        "one": b"K",
        "small_text": text[:3000],
        "text": text,
        "random": bytes(rng.getrandbits(8) for _ in range(100000)),
        "code": code,
        "small_code": code[:5000],
        "zeros": bytes(300000),
        "structured": bytes(structured),
        "big": (text + code + bytes(structured)) * 2,
    }


def vli(n):
    out = bytearray()
    while n >= 0x80:
        out.append((n & 0x7f) | 0x80)
        n >>= 7
    out.append(n)
    return bytes(out)


def le32(n):
    return struct.pack("<I", n & 0xffffffff)


CRC64_TABLE = []
for _byte in range(256):
    _v = _byte
    for _ in range(8):
        _v = (_v >> 1) ^ (0xC96C5795D7870F42 if _v & 1 else 0)
    CRC64_TABLE.append(_v)


def crc64(data):
    """CRC-64/XZ (ECMA-182 polynomial, reflected), as xz's check 0x04."""
    crc = 0xffffffffffffffff
    for byte in data:
        crc = CRC64_TABLE[(crc ^ byte) & 0xff] ^ (crc >> 8)
    return crc ^ 0xffffffffffffffff


def check_value(check, data):
    if check == lzma.CHECK_CRC32:
        return le32(zlib.crc32(data))
    if check == lzma.CHECK_CRC64:
        return struct.pack("<Q", crc64(data))
    if check == lzma.CHECK_SHA256:
        import hashlib
        return hashlib.sha256(data).digest()
    return b""


def lzma2_props(filters):
    """The raw filter chain's flags for a block header, via lzma's encoder."""
    out = b""
    for f in filters:
        props = lzma._encode_filter_properties(f)
        out += vli(f["id"]) + vli(len(props)) + props
    return out


def xz_block(data, filters, check, sizes=False, header_pad=0, bad=None):
    """One block: header, LZMA2 data, padding, check; and its index record."""
    raw = lzma.compress(data, format=lzma.FORMAT_RAW, filters=filters)
    flags = len(filters) - 1
    fields = b""
    if sizes:
        flags |= 0xc0
        fields = vli(len(raw)) + vli(len(data) + (1 if bad == "usize" else 0))
    body = bytes([flags]) + fields + lzma2_props(filters)
    hsize = (len(body) + 1 + 4 + 3) // 4 * 4 + 4 * header_pad
    header = bytes([hsize // 4 - 1]) + body
    header += bytes(hsize - 4 - len(header))
    header += le32(zlib.crc32(header) ^ (1 if bad == "header_crc" else 0))
    block = header + raw + bytes(-len(raw) % 4)
    cv = check_value(check, data)
    if bad == "check" and cv:
        cv = bytes([cv[0] ^ 0x40]) + cv[1:]
    block += cv
    unpadded = len(header) + len(raw) + CHECK_SIZES[check]
    return block, (unpadded, len(data))


def xz_stream(blocks, check, bad=None):
    flags = bytes([0, check])
    header = b"\xfd7zXZ\x00" + flags + le32(zlib.crc32(flags))
    body = b"".join(b for b, _ in blocks)
    records = [r for _, r in blocks]
    if bad == "index_record":
        records[0] = (records[0][0], records[0][1] + 1)
    index = b"\x00" + vli(len(records))
    for unpadded, usize in records:
        index += vli(unpadded) + vli(usize)
    index += bytes(-len(index) % 4)
    index += le32(zlib.crc32(index) ^ (1 if bad == "index_crc" else 0))
    back = le32(len(index) // 4 - 1) + flags
    footer = le32(zlib.crc32(back) ^ (1 if bad == "footer_crc" else 0)) + back + b"YZ"
    return header + body + index + footer


def kernel_filters(preset):
    return [{"id": lzma.FILTER_X86}, {"id": lzma.FILTER_LZMA2, "preset": preset}]


def xz_vectors(inputs, add):
    names = list(inputs)
    for check, cname in ((lzma.CHECK_CRC32, "crc32"), (lzma.CHECK_CRC64, "crc64"),
                         (lzma.CHECK_NONE, "none")):
        for name in names:
            if cname != "crc32" and name not in ("code", "small_code", "text", "empty"):
                continue
            data = lzma.compress(inputs[name], format=lzma.FORMAT_XZ, check=check,
                                 filters=kernel_filters(6))
            flags = (CHECKED if check != lzma.CHECK_NONE else 0)
            flags |= FLIPS if name in SMALL else 0
            if name in ("small_code", "small_text", "one") and check == lzma.CHECK_CRC32:
                flags |= TRUNC_ALL
            add(f"xz_x86_{cname}_{name}", name, data, flags=flags)
    add("xz_x86_preset9e_code", "code", lzma.compress(
        inputs["code"], check=lzma.CHECK_CRC32,
        filters=[{"id": lzma.FILTER_X86},
                 {"id": lzma.FILTER_LZMA2, "preset": 9 | lzma.PRESET_EXTREME}]),
        flags=CHECKED)
    lzma2_variants = [
        ("preset0", {"preset": 0}),
        ("preset9", {"preset": 9}),
        ("dict4k", {"preset": 6, "dict_size": 4096}),
        ("dict64k", {"preset": 6, "dict_size": 65536}),
        ("dict1m_lc0_lp2_pb0", {"preset": 6, "dict_size": 1 << 20, "lc": 0, "lp": 2, "pb": 0}),
        ("lc4_lp0_pb4", {"preset": 6, "lc": 4, "lp": 0, "pb": 4}),
        ("lc1_lp3_pb1", {"preset": 6, "lc": 1, "lp": 3, "pb": 1}),
        ("fast_hc3", {"preset": 1, "mf": lzma.MF_HC3, "mode": lzma.MODE_FAST}),
        ("nice273", {"preset": 6, "nice_len": 273, "depth": 0}),
    ]
    for vname, opts in lzma2_variants:
        for name in ("text", "code", "structured", "zeros", "random"):
            data = lzma.compress(inputs[name], check=lzma.CHECK_CRC32,
                                 filters=[dict(id=lzma.FILTER_LZMA2, **opts)])
            add(f"xz_lzma2_{vname}_{name}", name, data, flags=CHECKED)
    add("xz_lzma2_big", "big", lzma.compress(inputs["big"], check=lzma.CHECK_CRC64),
        flags=CHECKED)

    # Hand-assembled streams: several blocks, sizes in headers, header padding,
    # BCJ start offsets, concatenation with stream padding.
    code, text = inputs["code"], inputs["text"]
    parts = [code[:200000], code[200000:200001], code[200001:700000], code[700000:]]
    blocks = [xz_block(p, kernel_filters(6), lzma.CHECK_CRC32, sizes=(i % 2 == 0),
                       header_pad=i) for i, p in enumerate(parts)]
    add("xz_multiblock_code", "code", xz_stream(blocks, lzma.CHECK_CRC32),
        flags=CHECKED)
    blocks = [xz_block(p, [{"id": lzma.FILTER_X86, "start_offset": 0x1000},
                           {"id": lzma.FILTER_LZMA2, "preset": 3}],
                       lzma.CHECK_CRC64) for p in (code[:300000], code[300000:])]
    add("xz_x86_start_offset", "code", xz_stream(blocks, lzma.CHECK_CRC64), flags=CHECKED)
    blocks = [xz_block(p, kernel_filters(6), lzma.CHECK_CRC64, sizes=True)
              for p in (b"", code[:5000], b"")]
    add("xz_empty_blocks", "small_code", xz_stream(blocks, lzma.CHECK_CRC64),
        flags=CHECKED | FLIPS | TRUNC_ALL)
    small = inputs["small_text"]
    sblocks = [xz_block(small[:1000], [{"id": lzma.FILTER_LZMA2, "preset": 6}],
                        lzma.CHECK_CRC32, sizes=True),
               xz_block(small[1000:], kernel_filters(6), lzma.CHECK_CRC32)]
    add("xz_multiblock_small", "small_text", xz_stream(sblocks, lzma.CHECK_CRC32),
        flags=CHECKED | FLIPS | TRUNC_ALL)
    half = len(text) // 2
    cat = (lzma.compress(text[:half], check=lzma.CHECK_CRC32) + bytes(8) +
           lzma.compress(b"", check=lzma.CHECK_NONE) +
           lzma.compress(text[half:], check=lzma.CHECK_CRC64))
    add("xz_concatenated", "text", cat, flags=CHECKED)
    add("xz_padding_after", "text", lzma.compress(text) + bytes(12),
        flags=CHECKED | NO_TRUNC)

    one = lzma.compress(small, check=lzma.CHECK_CRC32, filters=kernel_filters(6))
    add("xz_bzimage_size_after", "small_text", one + le32(len(small)),
        stream_len=len(one), flags=CHECKED | TRAILING)
    add("xz_garbage_after", "small_text", one + b"garbage!", stream_len=len(one),
        flags=CHECKED | TRAILING)
    add("xz_padding_then_garbage", "small_text", one + bytes(4) + b"\x01\x02",
        stream_len=len(one) + 4, flags=CHECKED | TRAILING)
    add("xz_truncated_second_stream", "small_text", one + one[:20],
        expect=EBADMSG, log="truncated")

    # Refused and invalid streams.
    add("xz_sha256", "small_text", lzma.compress(small, check=lzma.CHECK_SHA256),
        expect=EOPNOTSUPP, log="SHA-256")
    add("xz_delta_filter", "small_text", lzma.compress(
        small, filters=[{"id": lzma.FILTER_DELTA, "dist": 4},
                        {"id": lzma.FILTER_LZMA2}]),
        expect=EOPNOTSUPP, log="not supported")
    add("xz_arm_filter", "small_text", lzma.compress(
        small, filters=[{"id": lzma.FILTER_ARM}, {"id": lzma.FILTER_LZMA2}]),
        expect=EOPNOTSUPP, log="not supported")
    for bad, log in (("header_crc", "block header CRC32"), ("check", "CRC32 mismatch"),
                     ("usize", "sizes differ")):
        blk = [xz_block(small, kernel_filters(6), lzma.CHECK_CRC32, sizes=True, bad=bad)]
        add(f"xz_bad_{bad}", "small_text", xz_stream(blk, lzma.CHECK_CRC32),
            expect=EBADMSG, log=log)
    blk = [xz_block(small, kernel_filters(6), lzma.CHECK_CRC64, bad="check")]
    add("xz_bad_check_crc64", "small_text", xz_stream(blk, lzma.CHECK_CRC64),
        expect=EBADMSG, log="CRC64 mismatch")
    for bad, log in (("index_crc", "index CRC32"), ("footer_crc", "footer CRC32"),
                     ("index_record", "does not match")):
        blk = [xz_block(small, kernel_filters(6), lzma.CHECK_CRC32)]
        add(f"xz_bad_{bad}", "small_text", xz_stream(blk, lzma.CHECK_CRC32, bad=bad),
            expect=EBADMSG, log=log)
    hdr_bad = bytearray(one)
    hdr_bad[8] ^= 1
    add("xz_bad_stream_header_crc", "small_text", bytes(hdr_bad), expect=EBADMSG,
        log="stream header CRC32")
    flag_bad = bytearray(one)
    flag_bad[-3] ^= 4          # footer flags: CRC32 -> CRC64, footer CRC fixed up
    flag_bad[-12:-8] = le32(zlib.crc32(bytes(flag_bad[-8:-2])))
    add("xz_footer_flags_differ", "small_text", bytes(flag_bad), expect=EBADMSG,
        log="flags differ")
    back_bad = bytearray(one)
    back_bad[-8] += 1
    back_bad[-12:-8] = le32(zlib.crc32(bytes(back_bad[-8:-2])))
    add("xz_bad_backward_size", "small_text", bytes(back_bad), expect=EBADMSG,
        log="backward size")


def gzip_header(flags, extra=b"", name=b"", comment=b""):
    h = bytes([0x1f, 0x8b, 8, flags]) + le32(0x5eed1e55) + bytes([0, 3])
    if flags & 4:
        h += struct.pack("<H", len(extra)) + extra
    if flags & 8:
        h += name + b"\x00"
    if flags & 16:
        h += comment + b"\x00"
    if flags & 2:
        h += struct.pack("<H", zlib.crc32(h) & 0xffff)
    return h


def deflate_raw(data, level=6, strategy=zlib.Z_DEFAULT_STRATEGY, wbits=-15):
    c = zlib.compressobj(level, zlib.DEFLATED, wbits, 9, strategy)
    return c.compress(data) + c.flush()


def gz_member(data, flags=0, **kw):
    hdr_kw = {k: kw.pop(k) for k in ("extra", "name", "comment") if k in kw}
    return (gzip_header(flags, **hdr_kw) + deflate_raw(data, **kw) +
            le32(zlib.crc32(data)) + le32(len(data)))


def fixed_block_bits(fields):
    """Packs (value, nbits[, huffman]) fields LSB-first; Huffman codes MSB-first."""
    acc = n = 0
    for field in fields:
        value, nbits = field[0], field[1]
        if len(field) > 2:
            value = int(format(value, f"0{nbits}b")[::-1], 2)
        acc |= value << n
        n += nbits
    return acc.to_bytes((n + 7) // 8, "little")


def gzip_vectors(inputs, add):
    for name in inputs:
        for level in (0, 1, 6, 9):
            c = zlib.compressobj(level, zlib.DEFLATED, 31)
            data = c.compress(inputs[name]) + c.flush()
            flags = CHECKED | (FLIPS if level in (1, 6) and name in SMALL else 0)
            if name in ("small_text", "small_code", "one") and level == 6:
                flags |= TRUNC_ALL
            add(f"gz_l{level}_{name}", name, data, flags=flags)
    for name in ("text", "code", "structured"):
        for sname, strategy in (("fixed", zlib.Z_FIXED), ("huffman", zlib.Z_HUFFMAN_ONLY),
                                ("rle", zlib.Z_RLE), ("filtered", zlib.Z_FILTERED)):
            add(f"gz_{sname}_{name}", name, gz_member(inputs[name], strategy=strategy),
                flags=CHECKED)
        add(f"gz_window512_{name}", name, gz_member(inputs[name], wbits=-9), flags=CHECKED)
    buf = io.BytesIO()
    with gzip.GzipFile(filename="vmlinux.bin", mode="wb", fileobj=buf, mtime=1) as f:
        f.write(inputs["code"])
    add("gz_fname_module", "code", buf.getvalue(), flags=CHECKED)
    small = inputs["small_text"]
    every = dict(extra=b"AB\x04\x00keel", name=b"bzImage", comment=b"a comment")
    add("gz_all_header_fields", "small_text", gz_member(small, 0x1e, **every),
        flags=CHECKED | TRUNC_ALL | FLIPS)
    add("gz_fextra_empty", "small_text", gz_member(small, 0x04, extra=b""), flags=CHECKED)
    add("gz_fcomment_fhcrc", "small_text",
        gz_member(small, 0x12, comment=b"c"), flags=CHECKED)
    member = gz_member(small, 0x08, name=b"x")
    add("gz_bzimage_size_after", "small_text", member + le32(len(small)),
        stream_len=len(member), flags=CHECKED | TRAILING)
    bad = bytearray(gz_member(small, 0x1e, **every))
    hcrc_at = 10 + 2 + len(every["extra"]) + len(every["name"]) + 1 + len(every["comment"]) + 1
    bad[hcrc_at] ^= 1
    add("gz_bad_fhcrc", "small_text", bytes(bad), expect=EBADMSG, log="header CRC16")
    bad = bytearray(member)
    bad[-8] ^= 1
    add("gz_bad_crc32", "small_text", bytes(bad), expect=EBADMSG, log="CRC32 mismatch")
    bad = bytearray(member)
    bad[-4] ^= 1
    add("gz_bad_isize", "small_text", bytes(bad), expect=EBADMSG, log="ISIZE mismatch")
    add("gz_method_not_deflate", "small_text", b"\x1f\x8b\x07" + member[3:],
        expect=EOPNOTSUPP, log="method")
    add("gz_reserved_flag", "small_text", member[:3] + bytes([member[3] | 0x20]) + member[4:],
        expect=EBADMSG, log="reserved")
    raw = bytearray(deflate_raw(small))
    raw[0] |= 0x06             # first block's type -> 3
    add("gz_block_type3", "small_text", gzip_header(0) + bytes(raw) + member[-8:],
        expect=EBADMSG, log="block type 3")
    stored = b"\x01\x05\x00\xfb\xff" + small[:5]     # NLEN wrong
    add("gz_stored_nlen", "small_text", gzip_header(0) + stored + member[-8:],
        expect=EBADMSG, log="stored block length")
    # A fixed-Huffman block whose first symbol is a match: distance too far.
    far = fixed_block_bits([(1, 1), (1, 2), (0b0000001, 7, True), (0, 5, True),
                            (0, 7, True)])    # BFINAL, fixed, <3, dist 1>, end
    add("gz_distance_too_far", "one", gzip_header(0) + far + bytes(8),
        expect=EBADMSG, log="too far back")


def write_vectors(path):
    inputs = make_inputs()
    names = list(inputs)
    vectors = []

    def add(vname, iname, data, expect=OK, log="", flags=0, stream_len=None):
        if expect != OK:
            flags = 0
        vectors.append((vname, log, expect, flags, names.index(iname),
                        len(data) if stream_len is None else stream_len, data))

    xz_vectors(inputs, add)
    gzip_vectors(inputs, add)
    out = bytearray(b"KDV1")
    out += le32(len(names))
    for n in names:
        out += le32(len(inputs[n])) + inputs[n]
    out += le32(len(vectors))
    for vname, log, expect, flags, idx, slen, data in vectors:
        out += struct.pack("<H", len(vname)) + vname.encode()
        out += struct.pack("<H", len(log)) + log.encode()
        out += bytes([expect, flags]) + le32(idx) + le32(slen) + le32(len(data)) + data
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(path + ".tmp", "wb") as f:
        f.write(out)
    os.replace(path + ".tmp", path)
    print(f"  GEN     {path}: {len(vectors)} vectors, {len(out)} bytes")


def write_kernel_refs(d):
    """vmlinux.ref and vmlinux.ref.gz for d/vmlinuz (Documentation/x86/boot.rst:
    setup_sects at 0x1f1, "HdrS" at 0x202, payload_offset and payload_length
    at 0x248 and 0x24c; the payload ends in the le32 size of its output)."""
    ref, gz = os.path.join(d, "vmlinux.ref"), os.path.join(d, "vmlinux.ref.gz")
    for path in (ref, gz):
        if os.path.exists(path):
            os.remove(path)
    if not os.path.exists(os.path.join(d, "vmlinuz")):
        print(f"  SKIP    {ref}: no vmlinuz")
        return
    with open(os.path.join(d, "vmlinuz"), "rb") as f:
        image = f.read()
    if image[0x202:0x206] != b"HdrS":
        sys.exit("decompress_vectors.py: vmlinuz has no bzImage setup header")
    setup_sects = image[0x1f1] or 4
    off, length = struct.unpack_from("<II", image, 0x248)
    payload = image[(setup_sects + 1) * 512 + off:][:length]
    dec = lzma.LZMADecompressor(format=lzma.FORMAT_XZ)
    vmlinux = dec.decompress(payload)
    if not dec.eof or dec.unused_data != le32(len(vmlinux)):
        sys.exit("decompress_vectors.py: the payload is not one .xz stream and its size")
    for path, data in ((ref, vmlinux), (gz, gzip.compress(vmlinux, 9, mtime=0))):
        with open(path + ".tmp", "wb") as f:
            f.write(data)
        os.replace(path + ".tmp", path)
    print(f"  GEN     {ref}, {gz}: {len(vmlinux)} bytes (Python's lzma and gzip)")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "vectors":
        write_vectors(sys.argv[2])
    elif len(sys.argv) == 3 and sys.argv[1] == "kernel":
        write_kernel_refs(sys.argv[2])
    else:
        sys.exit(__doc__)
