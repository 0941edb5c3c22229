/* SPDX-License-Identifier: MIT */
/*
 * Umbrella header of the guest library: what a test kernel includes.
 */
#ifndef GUEST_GUEST_H
#define GUEST_GUEST_H

#include <public/errno.h>
#include <public/xen.h>
#include "abi_fallback.h"
#include "console.h"
#include "cpu.h"
#include "hypercall.h"
#include "lib.h"
#include "paging.h"
#include "test.h"
#include "traps.h"

#endif
