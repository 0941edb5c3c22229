// SPDX-License-Identifier: GPL-2.0-only
/*
 * ABI conformance test, Keel side: every check of abi_checks.h evaluated
 * against Keel's public headers (hypervisor/include/public/).
 */
#include "public/xen.h"
#include "public/arch-x86/xen.h"
#include "public/errno.h"
#include "public/version.h"
#include "public/features.h"
#include "public/sched.h"
#include "public/event_channel.h"
#include "public/memory.h"
#include "public/vcpu.h"
#include "public/hvm/hvm_op.h"
#include "public/hvm/params.h"
#include "public/grant_table.h"
#include "public/physdev.h"
#include "public/platform.h"
#include "public/io/console.h"
#include "public/io/xs_wire.h"
#include "public/elfnote.h"
#include "public/arch-x86/hvm/start_info.h"
#include "public/domctl.h"
#include "public/sysctl.h"

#include "abi.h"

const struct abi_row keel_rows[] = {
#include "abi_checks.h"
};
const uint32_t keel_nrows = sizeof(keel_rows) / sizeof(keel_rows[0]);
