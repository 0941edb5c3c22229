/* SPDX-License-Identifier: GPL-2.0-only */
/* panic(): the end of the hypervisor after an unrecoverable error. */
#ifndef KEEL_PANIC_H
#define KEEL_PANIC_H

#include <keel/types.h>

__noreturn void panic(const char *fmt, ...) __printf(1, 2);

#define BUG_ON(c)                                                       \
    do {                                                                \
        if (unlikely(c))                                                \
            panic("BUG_ON(%s) at %s:%d", #c, __FILE__, __LINE__);       \
    } while (0)

#endif
