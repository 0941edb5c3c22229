// SPDX-License-Identifier: GPL-2.0-only
/* The version banner; the build stamps the version and git revision in. */
#include <keel/lib.h>
#include <keel/version.h>

const char keel_version[] = KEEL_VERSION;
const char keel_gitrev[] = KEEL_GITREV;

void print_banner(void)
{
    printk("\nKeel %s (rev %s) - Xen-ABI hypervisor\n", keel_version, keel_gitrev);
}
