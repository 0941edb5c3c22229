/* SPDX-License-Identifier: MIT */
/*
 * What the two halves of test-hcfuzz share: the fixed-seed generator, the
 * scratch area between guard pages (hcfuzz.c) and the control domain's
 * fuzzing (dom0.c).
 */
#ifndef HCFUZZ_H
#define HCFUZZ_H

#include <stdint.h>

#define PAGE            4096
#define SCRATCH_PAGES   2
#define SCRATCH         (SCRATCH_PAGES * PAGE)
#define MAX_ERRNO       200     /* Xen's codes are far below this */

extern uint8_t *const scratch;

uint64_t rnd(void);
uint64_t pick(const uint64_t *choices, unsigned int n);
void refill_scratch(void);
uint64_t ptr_arg(unsigned int len);

void hcfuzz_dom0(void);

#endif
