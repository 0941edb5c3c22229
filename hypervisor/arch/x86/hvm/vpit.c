// SPDX-License-Identifier: GPL-2.0-only
/*
 * The PIT channel 2 of a PVH domain and its port 0x61 gate (asm/vpit.h):
 * the control word (counter latch, read-back, access and mode), the count
 * and its byte order, the counter's value and OUT as functions of time.
 */
#include <asm/vpit.h>

#define NS_PER_SEC          1000000000ull
#define CTRL_SELECT(c)      ((c) >> 6)
#define CTRL_ACCESS(c)      (((c) >> 4) & 3)
#define CTRL_MODE(c)        (((c) >> 1) & 7)
#define SELECT_CH2          2
#define SELECT_READBACK     3
#define READBACK_CH2        (1u << 3)
#define READBACK_NO_COUNT   (1u << 5)
#define PORT61_GATE         (1u << 0)
#define PORT61_SPEAKER      (1u << 1)
#define PORT61_REFRESH      (1u << 4)
#define PORT61_OUT2         (1u << 5)

void vpit_init(struct vpit *p)
{
    *p = (struct vpit){ .access = 3, .reload = 65536 };
    spin_lock_init(&p->lock, "vpit", 0);
}

static uint64_t ns_to_ticks(uint64_t ns)
{
    return ns / NS_PER_SEC * VPIT_HZ + ns % NS_PER_SEC * VPIT_HZ / NS_PER_SEC;
}

/* Ticks counted since the count was loaded. */
static uint64_t elapsed(const struct vpit *p, int64_t now)
{
    uint64_t ticks = p->ticks_before;

    if (p->loaded && p->gate && now > p->start)
        ticks += ns_to_ticks((uint64_t)(now - p->start));
    return ticks;
}

static bool periodic(const struct vpit *p)
{
    return (p->mode & 3) == 2 || (p->mode & 3) == 3;   /* modes 2, 3 (and 6, 7) */
}

static uint16_t count_now(const struct vpit *p, int64_t now)
{
    uint64_t t = elapsed(p, now);

    if (!p->loaded)
        return 0;
    if (periodic(p))
        return (uint16_t)(p->reload - t % p->reload);
    return (uint16_t)(p->reload - t % 65536);   /* through zero, wrapping at 16 bits */
}

static bool out_now(const struct vpit *p, int64_t now)
{
    uint64_t t = elapsed(p, now);

    if (!p->loaded)
        return p->mode != 0;            /* mode 0 starts low, the others high */
    if (periodic(p))
        return (p->mode & 3) == 2 ? t % p->reload != p->reload - 1
                                  : t % p->reload < (p->reload + 1) / 2;
    return t >= p->reload;
}

static void control_write(struct vpit *p, uint8_t c, int64_t now)
{
    if (CTRL_SELECT(c) == SELECT_READBACK) {
        if ((c & READBACK_CH2) && !(c & READBACK_NO_COUNT) && !p->latched) {
            p->latch = count_now(p, now);
            p->latched = true;
            p->latch_high = false;
        }
        return;                         /* status read-back: not provided */
    }
    if (CTRL_SELECT(c) != SELECT_CH2)
        return;                         /* channels 0 and 1 are absent */
    if (CTRL_ACCESS(c) == 0) {          /* counter latch */
        if (!p->latched) {
            p->latch = count_now(p, now);
            p->latched = true;
            p->latch_high = false;
        }
        return;
    }
    p->access = CTRL_ACCESS(c);
    p->mode = CTRL_MODE(c) > 5 ? CTRL_MODE(c) - 4 : CTRL_MODE(c);
    p->loaded = false;
    p->write_high = p->read_high = p->latched = false;
    p->ticks_before = 0;
}

static void count_write(struct vpit *p, uint8_t v, int64_t now)
{
    uint32_t count;

    switch (p->access) {
    case 1:
        count = v;
        break;
    case 2:
        count = (uint32_t)v << 8;
        break;
    default:
        if (!p->write_high) {
            p->write_low = v;
            p->write_high = true;
            return;
        }
        p->write_high = false;
        count = p->write_low | (uint32_t)v << 8;
        break;
    }
    p->reload = count ? count : 65536;
    p->loaded = true;
    p->ticks_before = 0;
    p->start = now;
}

static uint8_t count_read(struct vpit *p, int64_t now)
{
    uint16_t value = p->latched ? p->latch : count_now(p, now);
    bool high;

    if (p->access == 1 || p->access == 2) {
        high = p->access == 2;
        p->latched = false;
    } else {
        high = p->latched ? p->latch_high : p->read_high;
        if (p->latched) {
            p->latch_high = !p->latch_high;
            p->latched = p->latch_high;      /* both bytes read: latch released */
        } else {
            p->read_high = !p->read_high;
        }
    }
    return high ? (uint8_t)(value >> 8) : (uint8_t)value;
}

static void gate_write(struct vpit *p, uint8_t v, int64_t now)
{
    bool gate = v & PORT61_GATE;

    if (p->gate && !gate) {             /* pause: keep what was counted */
        p->ticks_before = elapsed(p, now);
    } else if (!p->gate && gate) {
        p->start = now;
        if (p->mode == 1 || p->mode == 5)   /* gate-triggered: restart */
            p->ticks_before = 0;
    }
    p->gate = gate;
    p->port61 = v & (PORT61_GATE | PORT61_SPEAKER);
}

bool vpit_ioport(struct vpit *p, uint16_t port, bool in, uint8_t *val, int64_t now)
{
    unsigned long flags;

    if (port != VPIT_PORT_CH2 && port != VPIT_PORT_CONTROL && port != VPIT_PORT_GATE)
        return false;
    flags = spin_lock_irqsave(&p->lock);
    if (port == VPIT_PORT_GATE) {
        if (in) {
            p->refresh = !p->refresh;
            *val = (uint8_t)(p->port61 | (p->refresh ? PORT61_REFRESH : 0) |
                             (out_now(p, now) ? PORT61_OUT2 : 0));
        } else {
            gate_write(p, *val, now);
        }
    } else if (port == VPIT_PORT_CONTROL) {
        if (in)
            *val = 0xff;                /* the control port is write-only */
        else
            control_write(p, *val, now);
    } else if (in) {
        *val = count_read(p, now);
    } else {
        count_write(p, *val, now);
    }
    spin_unlock_irqrestore(&p->lock, flags);
    return true;
}
