// SPDX-License-Identifier: GPL-2.0-only
/*
 * The hypervisor command-line parser: splits a command line into options,
 * matches them against a parameter table (struct param, keel/cmdline.h) and
 * stores the values; also the value parsers parse_bool/parse_uint/parse_size.
 *
 * Rules, beyond the header's:
 *  - Options are separated by spaces, tabs, CRs and LFs.  Double quotes group
 *    separators into a value (name="a b") or a whole option ("name=a b"); the
 *    quote characters themselves are dropped.  An unterminated quote is warned
 *    about and the rest of the line becomes part of that option.
 *  - The first '=' splits name from value, even inside quotes (names hold no
 *    '=', so "name=a=b" and name="a=b" both give the value a=b); "name="
 *    gives the empty value.  An option given twice: the last one wins.
 *  - "no-name" sets a boolean to false; on any other type it is warned about.
 *  - A bad value (or a missing one for a non-boolean) is warned about and the
 *    variable is left unchanged.  A string value that does not fit its
 *    variable (NUL included) is warned about and the variable is left
 *    UNCHANGED rather than truncated: a cut-off path or name is worse than
 *    the default.  Values for non-string types longer than
 *    CMDLINE_VALUE_MAX - 1 bytes are bad values.
 *  - The command line itself is never written and never read past its NUL.
 *    Warnings show at most CMDLINE_SHOW_MAX - 1 bytes of a name or value,
 *    with unprintable bytes shown as '?'.
 */
#include <keel/cmdline.h>
#include <keel/errno.h>
#include <keel/lib.h>

#define CMDLINE_NAME_MAX  64    /* longest option name we match, NUL included */
#define CMDLINE_VALUE_MAX 256   /* longest non-string value, NUL included */
#define CMDLINE_SHOW_MAX  64    /* longest text a warning quotes, NUL included */

/* A piece of the command line, not NUL-terminated. */
struct span {
    const char *start;
    size_t len;
};

static bool is_separator(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static char to_lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

static bool equal_nocase(const char *a, const char *b)
{
    while (*a && to_lower(*a) == to_lower(*b)) {
        a++;
        b++;
    }
    return *a == '\0' && *b == '\0';
}

/* Copy text for a log message: bounded, unprintable bytes replaced. */
static void printable_copy(char *dst, size_t size, const char *src)
{
    size_t n = 0;

    for (; src[n] != '\0' && n + 1 < size; n++) {
        unsigned char c = (unsigned char)src[n];
        dst[n] = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
    }
    dst[n] = '\0';
}

/* Length of src without its double quotes. */
static size_t unquoted_length(struct span src)
{
    size_t n = 0;

    for (size_t i = 0; i < src.len; i++)
        n += src.start[i] != '"';
    return n;
}

/*
 * Copy src without its double quotes into dst (size > 0), always
 * NUL-terminated.  Returns the full unquoted length, which exceeds
 * size - 1 when dst was too small.
 */
static size_t unquote(struct span src, char *dst, size_t size)
{
    size_t n = 0;

    for (size_t i = 0; i < src.len; i++) {
        if (src.start[i] == '"')
            continue;
        if (n + 1 < size)
            dst[n] = src.start[i];
        n++;
    }
    dst[MIN(n, size - 1)] = '\0';
    return n;
}

/* The next option at or after *pos; false at the end of the line. */
static bool next_option(const char **pos, struct span *opt, bool *unterminated)
{
    const char *p = *pos;
    bool quoted = false;

    while (is_separator(*p))
        p++;
    if (*p == '\0') {
        *pos = p;
        return false;
    }
    opt->start = p;
    while (*p != '\0' && (quoted || !is_separator(*p))) {
        if (*p == '"')
            quoted = !quoted;
        p++;
    }
    opt->len = (size_t)(p - opt->start);
    *unterminated = quoted;
    *pos = p;
    return true;
}

/* Split at the first '=' (quoted or not: names hold no '=').  Returns
 * whether there was one. */
static bool split_option(struct span opt, struct span *name, struct span *value)
{
    for (size_t i = 0; i < opt.len; i++) {
        if (opt.start[i] == '=') {
            *name = (struct span){ opt.start, i };
            *value = (struct span){ opt.start + i + 1, opt.len - i - 1 };
            return true;
        }
    }
    *name = opt;
    *value = (struct span){ opt.start + opt.len, 0 };
    return false;
}

static const struct param *find_param(const char *name, const struct param *table,
                                      size_t nr)
{
    for (size_t i = 0; table && i < nr; i++) {
        if (table[i].name && strcmp(table[i].name, name) == 0)
            return &table[i];
    }
    return NULL;
}

static int warn_bad_value(const char *name, const char *value)
{
    char shown[CMDLINE_SHOW_MAX];

    printable_copy(shown, sizeof(shown), value);
    pr_warn("cmdline: bad value '%s' for option '%s' ignored\n", shown, name);
    return 1;
}

static int apply_string(const struct param *p, struct span value)
{
    char *var = p->var;
    size_t need = unquoted_length(value) + 1;

    if (need > p->len) {
        pr_warn("cmdline: value for option '%s' too long (%zu bytes, max %zu), "
                "option left unchanged\n", p->name, need - 1,
                p->len ? p->len - 1 : 0);
        return 1;
    }
    unquote(value, var, p->len);
    return 0;
}

/* Store a parsed value; the variable stays unchanged on a bad one. */
static int apply_scalar(const struct param *p, const char *text)
{
    uint64_t num;
    bool flag;

    switch (p->type) {
    case PARAM_BOOL:
        if (parse_bool(text, &flag) < 0)
            return warn_bad_value(p->name, text);
        *(bool *)p->var = flag;
        return 0;
    case PARAM_UINT:
        if (parse_uint(text, &num) < 0)
            return warn_bad_value(p->name, text);
        *(uint64_t *)p->var = num;
        return 0;
    case PARAM_SIZE:
        if (parse_size(text, &num) < 0)
            return warn_bad_value(p->name, text);
        *(uint64_t *)p->var = num;
        return 0;
    case PARAM_CUSTOM:
        if (p->handler(text) < 0)
            return warn_bad_value(p->name, text);
        return 0;
    default:
        return 0;
    }
}

/* Apply "name=value" (has_value) or bare "name" to a known option. */
static int apply_param(const struct param *p, bool has_value, struct span value)
{
    char text[CMDLINE_VALUE_MAX];

    if ((p->type == PARAM_CUSTOM && !p->handler) ||
        (p->type != PARAM_CUSTOM && !p->var) || (uint32_t)p->type > PARAM_CUSTOM) {
        pr_warn("cmdline: option '%s' is misdeclared, ignored\n", p->name);
        return 1;
    }
    if (!has_value) {
        if (p->type == PARAM_BOOL) {
            *(bool *)p->var = true;
            return 0;
        }
        if (p->type == PARAM_CUSTOM) {
            if (p->handler(NULL) < 0) {
                pr_warn("cmdline: option '%s' needs a value, ignored\n", p->name);
                return 1;
            }
            return 0;
        }
        pr_warn("cmdline: option '%s' needs a value, ignored\n", p->name);
        return 1;
    }
    if (p->type == PARAM_STRING)
        return apply_string(p, value);
    if (unquote(value, text, sizeof(text)) >= sizeof(text)) {
        pr_warn("cmdline: value for option '%s' too long, ignored\n", p->name);
        return 1;
    }
    return apply_scalar(p, text);
}

/* "no-name": false for a boolean, a warning for anything else. */
static int apply_negated(const char *name, bool has_value, const struct param *table,
                         size_t nr)
{
    const struct param *p = find_param(name + 3, table, nr);

    if (!p)
        return -1;
    if (p->type != PARAM_BOOL || !p->var) {
        pr_warn("cmdline: '%s' is not valid: option '%s' is not a boolean, ignored\n",
                name, p->name);
        return 1;
    }
    if (has_value) {
        pr_warn("cmdline: '%s' takes no value, ignored\n", name);
        return 1;
    }
    *(bool *)p->var = false;
    return 0;
}

static int warn_unknown(const char *name)
{
    char shown[CMDLINE_SHOW_MAX];

    printable_copy(shown, sizeof(shown), name);
    pr_warn("cmdline: unknown option '%s' ignored\n", shown);
    return 1;
}

static int handle_option(struct span opt, const struct param *table, size_t nr)
{
    char name[CMDLINE_NAME_MAX];
    struct span name_span, value;
    bool has_value = split_option(opt, &name_span, &value);
    const struct param *p;
    int warnings;

    if (unquote(name_span, name, sizeof(name)) >= sizeof(name))
        return warn_unknown(name);
    p = find_param(name, table, nr);
    if (p)
        return apply_param(p, has_value, value);
    if (strncmp(name, "no-", 3) == 0) {
        warnings = apply_negated(name, has_value, table, nr);
        if (warnings >= 0)
            return warnings;
    }
    return warn_unknown(name);
}

int cmdline_parse(const char *cmdline, const struct param *table, size_t nr)
{
    const char *pos = cmdline;
    struct span opt;
    bool unterminated;
    int warnings = 0;

    if (!cmdline)
        return 0;
    while (next_option(&pos, &opt, &unterminated)) {
        if (unterminated) {
            pr_warn("cmdline: unterminated quote in option starting at offset %zu, "
                    "rest of the line taken as its value\n",
                    (size_t)(opt.start - cmdline));
            warnings++;
        }
        warnings += handle_option(opt, table, nr);
    }
    return warnings;
}

static int digit_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = to_lower(c);
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

/* The leading decimal or 0x-hex number of s; *end points past its digits. */
static int parse_number(const char *s, const char **end, uint64_t *out)
{
    const char *p = s;
    uint32_t base = 10;
    uint64_t val = 0;
    size_t digits = 0;

    if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
        base = 16;
        p += 2;
    }
    for (;; p++, digits++) {
        int d = digit_value(*p);
        if (d < 0 || (uint32_t)d >= base)
            break;
        if (val > (UINT64_MAX - (uint64_t)d) / base)
            return -EINVAL;
        val = val * base + (uint64_t)d;
    }
    if (digits == 0)
        return -EINVAL;
    *end = p;
    *out = val;
    return 0;
}

int parse_uint(const char *s, uint64_t *out)
{
    const char *end;
    uint64_t val;

    if (!s || !out || parse_number(s, &end, &val) < 0 || *end != '\0')
        return -EINVAL;
    *out = val;
    return 0;
}

/* Decimal or hex, then K/M/G/T (any case), then an optional B.  Hex digits
 * come first, so "0x1b" is 27 bytes, not 1 byte. */
int parse_size(const char *s, uint64_t *out)
{
    const char *p;
    uint32_t shift = 0;
    uint64_t val;

    if (!s || !out || parse_number(s, &p, &val) < 0)
        return -EINVAL;
    switch (to_lower(*p)) {
    case 'k': shift = 10; break;
    case 'm': shift = 20; break;
    case 'g': shift = 30; break;
    case 't': shift = 40; break;
    default: break;
    }
    if (shift)
        p++;
    if (*p == 'b' || *p == 'B')
        p++;
    if (*p != '\0' || val > (UINT64_MAX >> shift))
        return -EINVAL;
    *out = val << shift;
    return 0;
}

/* 1/0, yes/no, on/off, true/false, in any case. */
int parse_bool(const char *s, bool *out)
{
    static const char *const truths[] = { "1", "yes", "on", "true" };
    static const char *const falsehoods[] = { "0", "no", "off", "false" };

    if (!s || !out)
        return -EINVAL;
    for (size_t i = 0; i < ARRAY_SIZE(truths); i++) {
        if (equal_nocase(s, truths[i])) {
            *out = true;
            return 0;
        }
        if (equal_nocase(s, falsehoods[i])) {
            *out = false;
            return 0;
        }
    }
    return -EINVAL;
}
