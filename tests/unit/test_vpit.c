// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests for hypervisor/arch/x86/hvm/vpit.c: Linux's quick PIT
 * calibration sequence reads a counter that runs at 1193182 Hz, mode 0
 * wraps with OUT2 (port 0x61 bit 5) high from terminal count, mode 2
 * reloads, latches and read-back hold their value, byte access modes, gate
 * pauses, ports that are not the vPIT's are left alone, and random port
 * traffic keeps the state sane.
 */
#include "ktest.h"

#include <asm/vpit.h>

#define MS(x)   ((int64_t)(x) * 1000000)

static struct vpit pit;

static uint8_t in(uint16_t port, int64_t now)
{
    uint8_t v = 0x5a;
    CHECK(vpit_ioport(&pit, port, true, &v, now));
    return v;
}

static void out(uint16_t port, uint8_t v, int64_t now)
{
    CHECK(vpit_ioport(&pit, port, false, &v, now));
}

/* Gate high, then channel 2 with control word ctrl (lo/hi access) and count. */
static void start(uint8_t ctrl, uint16_t count)
{
    vpit_init(&pit);
    out(0x61, 1, 0);
    out(0x43, ctrl, 0);
    out(0x42, (uint8_t)count, 0);
    out(0x42, (uint8_t)(count >> 8), 0);
}

static uint16_t read16(int64_t now)
{
    uint8_t lo = in(0x42, now);
    return (uint16_t)(lo | in(0x42, now) << 8);
}

TEST(linux_quick_calibration_sequence)
{
    vpit_init(&pit);
    out(0x61, (uint8_t)((in(0x61, 0) & ~0x02) | 0x01), 0);     /* gate high, speaker off */
    out(0x43, 0xb0, 0);                 /* channel 2, lo/hi, mode 0, binary */
    out(0x42, 0xff, 0);
    out(0x42, 0xff, 0);
    CHECK_EQ(read16(0), 0xffff);
    CHECK_EQ(read16(MS(1)), 0xffff - 1193);                 /* 1193182 Hz */
    CHECK_EQ(read16(MS(10)), 0xffff - 11931);
    CHECK_EQ(in(0x61, MS(10)) & 0x20, 0);                   /* OUT2 low before zero */
    /* The MSB falls by one every 256 ticks, as quick_pit_calibrate expects. */
    in(0x42, MS(1));
    uint8_t msb = in(0x42, MS(1));
    in(0x42, MS(1) + 214600);
    CHECK_EQ(in(0x42, MS(1) + 214600), msb - 1);
}

TEST(mode0_wraps_and_raises_out2)
{
    start(0xb0, 100);                   /* mode 0, count 100: 83.8 us */
    CHECK_EQ(in(0x61, 0) & 0x20, 0);
    CHECK_EQ(read16(83000), 1);
    CHECK(in(0x61, 90000) & 0x20);      /* terminal count reached */
    CHECK_EQ(read16(MS(1)), (uint16_t)(100 - 1193));      /* counts on through zero */
    CHECK(in(0x61, MS(1)) & 0x20);
}

TEST(mode2_reloads)
{
    start(0xb4, 1000);                  /* channel 2, lo/hi, mode 2 */
    CHECK_EQ(read16(0), 1000);
    CHECK_EQ(read16(MS(1)), 1000 - 193);        /* 1193 ticks: one period and 193 */
}

TEST(latch_and_readback_hold_the_count)
{
    start(0xb0, 0xffff);
    out(0x43, 0x80, MS(1));             /* counter latch, channel 2 */
    CHECK_EQ(read16(MS(5)), 0xffff - 1193);
    CHECK_EQ(read16(MS(5)), 0xffff - 5965);     /* released after both bytes */
    out(0x43, 0xd8, MS(2));             /* read-back: count of channel 2 */
    CHECK_EQ(read16(MS(7)), 0xffff - 2386);
}

TEST(byte_access_modes)
{
    vpit_init(&pit);
    out(0x61, 1, 0);
    out(0x43, 0x90, 0);                 /* low byte only */
    out(0x42, 200, 0);
    CHECK_EQ(in(0x42, 0), 200);
    CHECK_EQ(in(0x42, 0), 200);         /* no flip-flop */
    out(0x43, 0xa0, 0);                 /* high byte only */
    out(0x42, 0x12, 0);
    CHECK_EQ(in(0x42, 0), 0x12);        /* 0x1200: the high byte */
}

TEST(gate_low_pauses_counting)
{
    start(0xb0, 0xffff);
    out(0x61, 0, MS(1));                /* pause after 1193 ticks */
    CHECK_EQ(read16(MS(50)), 0xffff - 1193);
    out(0x61, 1, MS(50));
    CHECK_EQ(read16(MS(51)), 0xffff - 2386);
    CHECK_EQ(in(0x61, MS(51)) & 3, 1);  /* gate as written, speaker off */
}

TEST(refresh_bit_toggles)
{
    vpit_init(&pit);
    uint8_t a = in(0x61, 0), b = in(0x61, 0);
    CHECK_EQ((a ^ b) & 0x10, 0x10);
    CHECK_EQ(a & 0xc0, 0);              /* no SERR or IOCHK NMI reported */
}

TEST(other_ports_are_not_the_vpits)
{
    uint8_t v = 0x33;

    vpit_init(&pit);
    CHECK(!vpit_ioport(&pit, 0x40, true, &v, 0));
    CHECK(!vpit_ioport(&pit, 0x41, false, &v, 0));
    CHECK(!vpit_ioport(&pit, 0x60, true, &v, 0));
    CHECK_EQ(v, 0x33);
    out(0x43, 0x30, 0);                 /* channel 0 control word: ignored */
    CHECK_EQ(in(0x43, 0), 0xff);
}

TEST(random_traffic_stays_sane)
{
    uint64_t s = 88172645463325252ull;
    int64_t now = 0;

    vpit_init(&pit);
    for (int i = 0; i < 200000; i++) {
        s ^= s << 13; s ^= s >> 7; s ^= s << 17;
        static const uint16_t ports[] = { 0x42, 0x43, 0x61 };
        uint16_t port = ports[s % 3];
        uint8_t v = (uint8_t)(s >> 8);
        now += (int64_t)((s >> 20) % 100000);
        CHECK(vpit_ioport(&pit, port, (s >> 40) & 1, &v, now));
        CHECK(pit.reload >= 1 && pit.reload <= 65536);
        CHECK(pit.mode <= 5);
    }
}
