/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The x86 decoder/emulator fuzz harness, shared by the libFuzzer target and
 * the corpus replayer.  Input: byte 0 picks the mode (byte % 3) and seeds the
 * register file; the rest are instruction bytes.  Returns NULL when every
 * invariant held, else a description of the first one broken.
 */
#ifndef X86_FUZZ_HARNESS_H
#define X86_FUZZ_HARNESS_H

#include <stddef.h>
#include <stdint.h>

const char *x86_fuzz_one(const uint8_t *data, size_t size);

#endif
