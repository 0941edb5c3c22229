// SPDX-License-Identifier: GPL-2.0-only
/* Daemon logging to stderr or an append-only log file. */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <time.h>

static FILE *log_stream;
static int log_verbose;

int xsd_log_open(const char *path)
{
    FILE *f;

    if (!path)
        return 0;
    f = fopen(path, "a");
    if (!f)
        return -1;
    setvbuf(f, NULL, _IOLBF, 0);
    log_stream = f;
    return 0;
}

void xsd_log_close(void)
{
    if (log_stream)
        fclose(log_stream);
    log_stream = NULL;
}

void xsd_log_set_verbose(int verbose)
{
    log_verbose = verbose;
}

void xsd_log(enum xsd_log_level level, const char *fmt, ...)
{
    static const char *const names[] = { "error", "warning", "info", "debug" };
    FILE *out = log_stream ? log_stream : stderr;
    va_list ap;

    if (level == XSD_LOG_DEBUG && !log_verbose)
        return;
    fprintf(out, "xenstored: %s: ", names[level]);
    va_start(ap, fmt);
    vfprintf(out, fmt, ap);
    va_end(ap);
    fputc('\n', out);
    fflush(out);
}

void xsd_log_denial(uint32_t domid, const char *what, const char *path)
{
    xsd_log(XSD_LOG_WARN, "denied: domain %u %s %s", domid, what,
            path ? path : "");
}
