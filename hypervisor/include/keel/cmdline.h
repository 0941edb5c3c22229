/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The hypervisor command line.  Every option is declared once, in the table
 * in common/params.c; this is the parser that applies a command line to such
 * a table.  Forms:  name=value   name (boolean true)   no-name (boolean false)
 * Values: booleans 1/0/yes/no/on/off/true/false; unsigned integers in decimal
 * or 0x hex; sizes with an optional K/M/G/T suffix (binary, case-insensitive);
 * strings up to the variable's size.  Options may be double-quoted
 * (name="a b").  Unknown options and bad values are warned about and skipped,
 * never fatal.
 */
#ifndef KEEL_CMDLINE_H
#define KEEL_CMDLINE_H

#include <keel/types.h>

enum param_type {
    PARAM_BOOL,     /* bool */
    PARAM_UINT,     /* uint64_t */
    PARAM_SIZE,     /* uint64_t, bytes */
    PARAM_STRING,   /* char[len] */
    PARAM_CUSTOM,   /* handler(value) returns 0 or -errno; value NULL if absent */
};

struct param {
    const char *name;
    enum param_type type;
    void *var;
    size_t len;                         /* PARAM_STRING: size of var */
    int (*handler)(const char *value);  /* PARAM_CUSTOM */
    const char *help;
};

/* Apply cmdline to the table.  Returns the number of warnings printed. */
int cmdline_parse(const char *cmdline, const struct param *table, size_t nr);

/* "512M" -> 536870912.  0 or -EINVAL (also on overflow). */
int parse_size(const char *s, uint64_t *out);
int parse_uint(const char *s, uint64_t *out);
int parse_bool(const char *s, bool *out);

#endif
