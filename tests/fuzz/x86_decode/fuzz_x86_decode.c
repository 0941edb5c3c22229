// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target for the x86 decoder and emulator: any broken invariant
 * (see harness.c) aborts with its description.  Build: make fuzz-x86-decode
 * (needs clang); run: build/tests/fuzz/x86_decode_fuzzer
 * tests/fuzz/x86_decode/corpus
 */
#include <stdio.h>
#include <stdlib.h>

#include "harness.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *err = x86_fuzz_one(data, size);

    if (err) {
        fprintf(stderr, "x86 fuzz invariant broken: %s\n", err);
        abort();
    }
    return 0;
}
