// SPDX-License-Identifier: GPL-2.0-only
/*
 * Every hypervisor command-line option, in one table.  To add an option,
 * define its variable here, declare it in keel/params.h and add a row.
 */
#include <keel/cmdline.h>
#include <keel/console.h>
#include <keel/errno.h>
#include <keel/lib.h>
#include <keel/params.h>

char opt_com1[64];
char opt_com2[64];
char opt_console[64];
uint64_t opt_loglvl = LOGLVL_INFO;
uint64_t opt_panic_timeout;
bool opt_noreboot;
char opt_selftest[32];
uint64_t opt_maxcpus = 256;
bool opt_dom0less;
uint64_t opt_dom0_mem;
uint64_t opt_dom0_max_vcpus;

static int parse_loglvl(const char *v)
{
    static const struct { const char *name; enum log_level level; } names[] = {
        { "none", LOGLVL_NONE }, { "error", LOGLVL_ERR }, { "warning", LOGLVL_WARNING },
        { "info", LOGLVL_INFO }, { "debug", LOGLVL_DEBUG }, { "all", LOGLVL_DEBUG },
    };

    if (!v)
        return -EINVAL;
    for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
        if (!strcmp(v, names[i].name)) {
            opt_loglvl = names[i].level;
            return 0;
        }
    }
    return -EINVAL;
}

static int parse_selftest(const char *v)
{
    strlcpy(opt_selftest, v && *v ? v : "all", sizeof(opt_selftest));
    return 0;
}

static const struct param params[] = {
    { "com1", PARAM_STRING, opt_com1, sizeof(opt_com1), NULL,
      "serial port 1: <baud>[,8n1][,<io-base>]" },
    { "com2", PARAM_STRING, opt_com2, sizeof(opt_com2), NULL,
      "serial port 2: <baud>[,8n1][,<io-base>]" },
    { "console", PARAM_STRING, opt_console, sizeof(opt_console), NULL,
      "consoles for hypervisor messages: com1,com2,none" },
    { "loglvl", PARAM_CUSTOM, NULL, 0, parse_loglvl,
      "console log level: none, error, warning, info, debug, all" },
    { "panic", PARAM_UINT, &opt_panic_timeout, 0, NULL,
      "seconds after a panic before rebooting (0: stay halted)" },
    { "noreboot", PARAM_BOOL, &opt_noreboot, 0, NULL,
      "never reboot after a panic" },
    { "maxcpus", PARAM_UINT, &opt_maxcpus, 0, NULL,
      "bring up at most this many CPUs (the boot CPU included)" },
    { "dom0_mem", PARAM_SIZE, &opt_dom0_mem, 0, NULL,
      "dom0's memory (default: all free RAM but 1/16 or 128 MiB, at most 3 GiB)" },
    { "dom0_max_vcpus", PARAM_UINT, &opt_dom0_max_vcpus, 0, NULL,
      "dom0's vCPUs (default: one per CPU)" },
    { "dom0less", PARAM_BOOL, &opt_dom0less, 0, NULL,
      "no dom0: start each boot module as an unprivileged PVH domain" },
    { "selftest", PARAM_CUSTOM, NULL, 0, parse_selftest,
      "run the built-in self tests (all, or one by name; 'fault' faults on purpose)" },
};

void params_parse(const char *cmdline)
{
    cmdline_parse(cmdline, params, ARRAY_SIZE(params));
}
