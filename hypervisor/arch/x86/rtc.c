// SPDX-License-Identifier: GPL-2.0-only
/*
 * The CMOS real-time clock, read once at boot for the wall clock (UTC is
 * assumed, as Linux and Xen assume on servers).  BCD and 12-hour formats are
 * handled; the century is taken as 20xx.
 */
#include <asm/io.h>
#include <asm/time.h>
#include <keel/lib.h>

#define CMOS_INDEX  0x70
#define CMOS_DATA   0x71
#define RTC_SECONDS 0x00
#define RTC_MINUTES 0x02
#define RTC_HOURS   0x04
#define RTC_DAY     0x07
#define RTC_MONTH   0x08
#define RTC_YEAR    0x09
#define RTC_STATUS_A 0x0a
#define RTC_STATUS_B 0x0b
#define RTC_UIP     0x80
#define RTC_BINARY  0x04
#define RTC_24H     0x02

struct rtc_time {
    uint32_t year, month, day, hour, minute, second;
};

static uint8_t cmos_read(uint8_t reg)
{
    outb(CMOS_INDEX, reg);
    return inb(CMOS_DATA);
}

static uint32_t bcd(uint8_t v, bool binary)
{
    return binary ? v : (uint32_t)((v >> 4) * 10 + (v & 0xf));
}

static void rtc_read_raw(struct rtc_time *t)
{
    uint8_t b = cmos_read(RTC_STATUS_B), hour;
    bool binary = b & RTC_BINARY;

    for (uint32_t i = 0; i < 1000000 && (cmos_read(RTC_STATUS_A) & RTC_UIP); i++)
        ;
    t->second = bcd(cmos_read(RTC_SECONDS), binary);
    t->minute = bcd(cmos_read(RTC_MINUTES), binary);
    hour = cmos_read(RTC_HOURS);
    t->hour = bcd(hour & 0x7f, binary);
    if (!(b & RTC_24H) && (hour & 0x80))
        t->hour = (t->hour % 12) + 12;
    t->day = bcd(cmos_read(RTC_DAY), binary);
    t->month = bcd(cmos_read(RTC_MONTH), binary);
    t->year = 2000 + bcd(cmos_read(RTC_YEAR), binary);
}

/* Days from 1970-01-01 to the given civil date (proleptic Gregorian). */
static uint64_t days_since_epoch(uint32_t y, uint32_t m, uint32_t d)
{
    uint32_t era, yoe, doy, doe;

    y -= m <= 2;
    era = y / 400;
    yoe = y - era * 400;
    doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return (uint64_t)era * 146097 + doe - 719468;
}

uint64_t rtc_read_seconds(void)
{
    struct rtc_time a, b;

    for (int tries = 0; tries < 10; tries++) {  /* two equal reads: no update between */
        rtc_read_raw(&a);
        rtc_read_raw(&b);
        if (!memcmp(&a, &b, sizeof(a)))
            break;
    }
    if (a.month < 1 || a.month > 12 || a.day < 1 || a.day > 31 || a.hour > 23 ||
        a.minute > 59 || a.second > 60) {
        pr_warn("time: the CMOS RTC reads garbage; wall clock starts at 1970\n");
        return 0;
    }
    pr_info("time: wall clock %04u-%02u-%02u %02u:%02u:%02u UTC (CMOS RTC)\n", a.year,
            a.month, a.day, a.hour, a.minute, a.second);
    return days_since_epoch(a.year, a.month, a.day) * 86400 + a.hour * 3600 +
           a.minute * 60 + a.second;
}
