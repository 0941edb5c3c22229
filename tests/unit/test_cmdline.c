// SPDX-License-Identifier: GPL-2.0-only
/*
 * Tests for the command-line parser (hypervisor/common/cmdline.c): every
 * option form, quoting, warnings, the value parsers, and hostile lines
 * (read-only memory with a guard page right after the NUL).
 */
#include "ktest.h"

#include <keel/cmdline.h>
#include <keel/errno.h>
#include <keel/lib.h>

#include <sys/mman.h>
#include <unistd.h>

/* The variables a test table points at, reset before each case's parse. */
static bool opt_flag;
static bool opt_other;
static uint64_t opt_count;
static uint64_t opt_mem;
static char opt_name[16];
static int custom_calls;
static bool custom_got_null;
static char custom_value[512];

static int custom_handler(const char *value)
{
    custom_calls++;
    custom_got_null = value == NULL;
    if (value) {
        snprintf(custom_value, sizeof(custom_value), "%s", value);
        if (strcmp(value, "reject") == 0)
            return -EINVAL;
    }
    return 0;
}

static const struct param table[] = {
    { "flag", PARAM_BOOL, &opt_flag, 0, NULL, "a boolean" },
    { "other", PARAM_BOOL, &opt_other, 0, NULL, "another boolean" },
    { "count", PARAM_UINT, &opt_count, 0, NULL, "an integer" },
    { "mem", PARAM_SIZE, &opt_mem, 0, NULL, "a size" },
    { "name", PARAM_STRING, opt_name, sizeof(opt_name), NULL, "a string" },
    { "custom", PARAM_CUSTOM, NULL, 0, custom_handler, "a handler" },
};

static void reset(void)
{
    opt_flag = false;
    opt_other = true;
    opt_count = 7;
    opt_mem = 0;
    strcpy(opt_name, "default");
    custom_calls = 0;
    custom_got_null = false;
    custom_value[0] = '\0';
    ktest_log_clear();
}

static int parse(const char *line)
{
    reset();
    return cmdline_parse(line, table, ARRAY_SIZE(table));
}

TEST(null_and_empty_lines)
{
    CHECK_EQ(parse(NULL), 0);
    CHECK_EQ(opt_count, 7);
    CHECK_EQ(parse(""), 0);
    CHECK_EQ(parse("   \t  "), 0);
    CHECK_EQ(opt_flag, false);
    CHECK(strcmp(opt_name, "default") == 0);
    CHECK_EQ(custom_calls, 0);
}

TEST(name_equals_value)
{
    CHECK_EQ(parse("count=42 mem=512M name=keel flag=yes other=off custom=abc"), 0);
    CHECK_EQ(opt_count, 42);
    CHECK_EQ(opt_mem, 512ULL << 20);
    CHECK(strcmp(opt_name, "keel") == 0);
    CHECK_EQ(opt_flag, true);
    CHECK_EQ(opt_other, false);
    CHECK_EQ(custom_calls, 1);
    CHECK(strcmp(custom_value, "abc") == 0);
}

TEST(separators_tabs_and_newlines)
{
    CHECK_EQ(parse("\tcount=1\t\tflag \n mem=4k\r\n"), 0);
    CHECK_EQ(opt_count, 1);
    CHECK_EQ(opt_flag, true);
    CHECK_EQ(opt_mem, 4096);
}

TEST(bare_name_sets_boolean_true)
{
    CHECK_EQ(parse("flag"), 0);
    CHECK_EQ(opt_flag, true);
}

TEST(bare_custom_gets_null)
{
    CHECK_EQ(parse("custom"), 0);
    CHECK_EQ(custom_calls, 1);
    CHECK(custom_got_null);
}

TEST(custom_handler_error_is_warned)
{
    CHECK_EQ(parse("custom=reject"), 1);
    CHECK_EQ(custom_calls, 1);
    CHECK(ktest_log_contains("bad value 'reject' for option 'custom'"));
}

TEST(no_prefix_sets_boolean_false)
{
    CHECK_EQ(parse("no-other"), 0);
    CHECK_EQ(opt_other, false);
    CHECK_EQ(parse("flag no-flag"), 0);
    CHECK_EQ(opt_flag, false);
}

TEST(no_prefix_on_non_boolean_warns)
{
    CHECK_EQ(parse("no-count"), 1);
    CHECK_EQ(opt_count, 7);
    CHECK(ktest_log_contains("no-count"));
    CHECK(ktest_log_contains("not a boolean"));
    CHECK_EQ(parse("no-custom"), 1);
    CHECK_EQ(custom_calls, 0);
}

TEST(no_prefix_with_value_warns)
{
    CHECK_EQ(parse("no-other=1"), 1);
    CHECK_EQ(opt_other, true);
    CHECK(ktest_log_contains("'no-other' takes no value"));
}

TEST(no_prefix_of_unknown_is_unknown)
{
    CHECK_EQ(parse("no-such"), 1);
    CHECK(ktest_log_contains("unknown option 'no-such' ignored"));
}

TEST(quoted_values)
{
    CHECK_EQ(parse("custom=\"a b  c\" count=3"), 0);
    CHECK(strcmp(custom_value, "a b  c") == 0);
    CHECK_EQ(opt_count, 3);
    CHECK_EQ(parse("name=\"x y\""), 0);
    CHECK(strcmp(opt_name, "x y") == 0);
    CHECK_EQ(parse("\"custom=whole option\" flag"), 0);
    CHECK(strcmp(custom_value, "whole option") == 0);
    CHECK_EQ(opt_flag, true);
    CHECK_EQ(parse("custom=\"k=v\""), 0);
    CHECK(strcmp(custom_value, "k=v") == 0);
    CHECK_EQ(parse("custom=a=b"), 0);
    CHECK(strcmp(custom_value, "a=b") == 0);
    CHECK_EQ(parse("name=\"\""), 0);
    CHECK(strcmp(opt_name, "") == 0);
}

TEST(unterminated_quote_takes_rest)
{
    CHECK_EQ(parse("count=5 custom=\"a b flag"), 1);
    CHECK(strcmp(custom_value, "a b flag") == 0);
    CHECK_EQ(opt_count, 5);
    CHECK_EQ(opt_flag, false);
    CHECK(ktest_log_contains("unterminated quote"));
}

TEST(unknown_option_warns)
{
    CHECK_EQ(parse("bogus count=2 other=x=y"), 2);
    CHECK(ktest_log_contains("cmdline: unknown option 'bogus' ignored"));
    CHECK(ktest_log_contains("bad value 'x=y' for option 'other'"));
    CHECK_EQ(opt_count, 2);
}

TEST(unknown_option_name_is_sanitised)
{
    CHECK_EQ(parse("b\001d\x7fx=1"), 1);
    CHECK(ktest_log_contains("unknown option 'b?d?x' ignored"));
}

TEST(bad_values_leave_variable_unchanged)
{
    CHECK_EQ(parse("count=12abc mem=lots flag=maybe"), 3);
    CHECK_EQ(opt_count, 7);
    CHECK_EQ(opt_mem, 0);
    CHECK_EQ(opt_flag, false);
    CHECK(ktest_log_contains("bad value '12abc' for option 'count'"));
    CHECK(ktest_log_contains("bad value 'lots' for option 'mem'"));
    CHECK(ktest_log_contains("bad value 'maybe' for option 'flag'"));
}

TEST(trailing_equals_is_empty_value)
{
    CHECK_EQ(parse("count="), 1);
    CHECK_EQ(opt_count, 7);
    CHECK(ktest_log_contains("bad value '' for option 'count'"));
    CHECK_EQ(parse("name="), 0);
    CHECK(strcmp(opt_name, "") == 0);
    CHECK_EQ(parse("flag="), 1);
    CHECK_EQ(opt_flag, false);
    CHECK_EQ(parse("custom="), 0);
    CHECK_EQ(custom_calls, 1);
    CHECK(!custom_got_null);
    CHECK(strcmp(custom_value, "") == 0);
}

TEST(empty_name_is_unknown)
{
    CHECK_EQ(parse("=5"), 1);
    CHECK(ktest_log_contains("unknown option '' ignored"));
}

TEST(missing_value_warns)
{
    CHECK_EQ(parse("count mem name"), 3);
    CHECK_EQ(opt_count, 7);
    CHECK(strcmp(opt_name, "default") == 0);
    CHECK(ktest_log_contains("option 'count' needs a value"));
    CHECK(ktest_log_contains("option 'name' needs a value"));
}

TEST(repeated_option_last_wins)
{
    CHECK_EQ(parse("count=1 count=2 count=3 name=a name=b flag no-flag flag"), 0);
    CHECK_EQ(opt_count, 3);
    CHECK(strcmp(opt_name, "b") == 0);
    CHECK_EQ(opt_flag, true);
}

TEST(string_too_long_left_unchanged)
{
    /* opt_name holds 15 characters and the NUL. */
    CHECK_EQ(parse("name=123456789012345"), 0);
    CHECK(strcmp(opt_name, "123456789012345") == 0);
    CHECK_EQ(parse("name=1234567890123456"), 1);
    CHECK(strcmp(opt_name, "default") == 0);
    CHECK(ktest_log_contains("value for option 'name' too long (16 bytes, max 15)"));
    /* Quotes do not count against the limit. */
    CHECK_EQ(parse("name=\"12345 7890123 5\""), 0);
    CHECK(strcmp(opt_name, "12345 7890123 5") == 0);
}

TEST(very_long_values)
{
    size_t len = 5000;
    char *line = malloc(len + 64);
    CHECK(line != NULL);

    strcpy(line, "custom=");
    memset(line + 7, 'v', len);
    strcpy(line + 7 + len, " count=9");
    CHECK_EQ(parse(line), 1);
    CHECK_EQ(custom_calls, 0);
    CHECK(ktest_log_contains("value for option 'custom' too long"));
    CHECK_EQ(opt_count, 9);

    memcpy(line, "count=", 6);
    memset(line + 6, '1', len);
    line[6 + len] = '\0';
    CHECK_EQ(parse(line), 1);
    CHECK_EQ(opt_count, 7);

    /* A custom value just under the internal limit still arrives whole. */
    memset(line, 0, len + 64);
    strcpy(line, "custom=");
    memset(line + 7, 'w', 255);
    CHECK_EQ(parse(line), 0);
    CHECK_EQ(strlen(custom_value), 255);

    /* A very long name is unknown, and the warning is bounded. */
    memset(line, 'n', len);
    line[len] = '\0';
    CHECK_EQ(parse(line), 1);
    CHECK(ktest_log_contains("unknown option 'nnnn"));
    free(line);
}

TEST(many_options)
{
    char line[4096] = "";
    for (int i = 0; i < 300; i++)
        strcat(line, "count=1 ");
    strcat(line, "count=77");
    CHECK_EQ(parse(line), 0);
    CHECK_EQ(opt_count, 77);
}

TEST(null_table_makes_everything_unknown)
{
    reset();
    CHECK_EQ(cmdline_parse("a b=1 no-c", NULL, 0), 3);
    CHECK(ktest_log_contains("unknown option 'a'"));
    CHECK(ktest_log_contains("unknown option 'no-c'"));
}

/* The line sits in a read-only page, its NUL at the page's very end and an
 * inaccessible page right after: a write or a read past the NUL faults. */
static void parse_guarded(const char *text)
{
    long page = sysconf(_SC_PAGESIZE);
    size_t len = strlen(text) + 1;
    char *mem = mmap(NULL, (size_t)page * 2, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(mem != MAP_FAILED);
    CHECK(len <= (size_t)page);
    char *line = mem + page - len;
    memcpy(line, text, len);
    CHECK(mprotect(mem, (size_t)page, PROT_READ) == 0);
    CHECK(mprotect(mem + page, (size_t)page, PROT_NONE) == 0);
    reset();
    cmdline_parse(line, table, ARRAY_SIZE(table));
    munmap(mem, (size_t)page * 2);
}

TEST(read_only_input_never_written_or_overread)
{
    static const char *const lines[] = {
        "", " ", "flag", "no-flag", "count=5", "name=\"abc", "\"", "=", "a=",
        "custom", "custom=\"x y\"", "mem=16T", "no-", "\"name=abc def\"",
        "count=5 mem=1G name=zz custom=\"q\" flag \t",
    };
    for (size_t i = 0; i < ARRAY_SIZE(lines); i++)
        parse_guarded(lines[i]);
    parse_guarded("count=5 mem=1G name=zz flag");
    CHECK_EQ(opt_count, 5);
    CHECK_EQ(opt_mem, 1ULL << 30);
    CHECK(strcmp(opt_name, "zz") == 0);
    CHECK_EQ(opt_flag, true);
}

TEST(parse_size_values)
{
    uint64_t v = 0;
    CHECK_EQ(parse_size("512M", &v), 0);
    CHECK_EQ(v, 512ULL << 20);
    CHECK_EQ(parse_size("1G", &v), 0);
    CHECK_EQ(v, 1ULL << 30);
    CHECK_EQ(parse_size("1g", &v), 0);
    CHECK_EQ(v, 1ULL << 30);
    CHECK_EQ(parse_size("0x1000", &v), 0);
    CHECK_EQ(v, 0x1000);
    CHECK_EQ(parse_size("4k", &v), 0);
    CHECK_EQ(v, 4096);
    CHECK_EQ(parse_size("4KB", &v), 0);
    CHECK_EQ(v, 4096);
    CHECK_EQ(parse_size("4kb", &v), 0);
    CHECK_EQ(v, 4096);
    CHECK_EQ(parse_size("16T", &v), 0);
    CHECK_EQ(v, 16ULL << 40);
    CHECK_EQ(parse_size("0x10M", &v), 0);
    CHECK_EQ(v, 16ULL << 20);
    CHECK_EQ(parse_size("100", &v), 0);
    CHECK_EQ(v, 100);
    CHECK_EQ(parse_size("100B", &v), 0);
    CHECK_EQ(v, 100);
    CHECK_EQ(parse_size("0", &v), 0);
    CHECK_EQ(v, 0);
    CHECK_EQ(parse_size("0x1b", &v), 0);
    CHECK_EQ(v, 0x1b);
    CHECK_EQ(parse_size("16777215T", &v), 0);
    CHECK_EQ(v, 16777215ULL << 40);
    CHECK_EQ(parse_size("18446744073709551615", &v), 0);
    CHECK_EQ(v, UINT64_MAX);

    v = 12345;
    CHECK_EQ(parse_size("99999999999999999999", &v), -EINVAL);
    CHECK_EQ(parse_size("18446744073709551616", &v), -EINVAL);
    CHECK_EQ(parse_size("16777216T", &v), -EINVAL);
    CHECK_EQ(parse_size("0x10000000000000000", &v), -EINVAL);
    CHECK_EQ(parse_size("-1", &v), -EINVAL);
    CHECK_EQ(parse_size("+1", &v), -EINVAL);
    CHECK_EQ(parse_size("garbage", &v), -EINVAL);
    CHECK_EQ(parse_size("", &v), -EINVAL);
    CHECK_EQ(parse_size("M", &v), -EINVAL);
    CHECK_EQ(parse_size("0x", &v), -EINVAL);
    CHECK_EQ(parse_size("1X", &v), -EINVAL);
    CHECK_EQ(parse_size("1MM", &v), -EINVAL);
    CHECK_EQ(parse_size("1MBB", &v), -EINVAL);
    CHECK_EQ(parse_size("1 M", &v), -EINVAL);
    CHECK_EQ(parse_size("1P", &v), -EINVAL);
    CHECK_EQ(parse_size(NULL, &v), -EINVAL);
    CHECK_EQ(parse_size("1", NULL), -EINVAL);
    CHECK_EQ(v, 12345);
}

TEST(parse_size_through_cmdline)
{
    CHECK_EQ(parse("mem=99999999999999999999"), 1);
    CHECK_EQ(opt_mem, 0);
    CHECK(ktest_log_contains("bad value '99999999999999999999' for option 'mem'"));
    CHECK_EQ(parse("mem=-1"), 1);
    CHECK_EQ(parse("mem=16T"), 0);
    CHECK_EQ(opt_mem, 16ULL << 40);
}

TEST(parse_uint_values)
{
    uint64_t v = 0;
    CHECK_EQ(parse_uint("0", &v), 0);
    CHECK_EQ(v, 0);
    CHECK_EQ(parse_uint("010", &v), 0);
    CHECK_EQ(v, 10);
    CHECK_EQ(parse_uint("0xdeadBEEF", &v), 0);
    CHECK_EQ(v, 0xdeadbeef);
    CHECK_EQ(parse_uint("0XFF", &v), 0);
    CHECK_EQ(v, 255);
    CHECK_EQ(parse_uint("18446744073709551615", &v), 0);
    CHECK_EQ(v, UINT64_MAX);
    CHECK_EQ(parse_uint("0xffffffffffffffff", &v), 0);
    CHECK_EQ(v, UINT64_MAX);

    v = 99;
    CHECK_EQ(parse_uint("18446744073709551616", &v), -EINVAL);
    CHECK_EQ(parse_uint("0x1ffffffffffffffff", &v), -EINVAL);
    CHECK_EQ(parse_uint("4k", &v), -EINVAL);
    CHECK_EQ(parse_uint("-1", &v), -EINVAL);
    CHECK_EQ(parse_uint(" 1", &v), -EINVAL);
    CHECK_EQ(parse_uint("1 ", &v), -EINVAL);
    CHECK_EQ(parse_uint("", &v), -EINVAL);
    CHECK_EQ(parse_uint("0x", &v), -EINVAL);
    CHECK_EQ(parse_uint("12a", &v), -EINVAL);
    CHECK_EQ(parse_uint(NULL, &v), -EINVAL);
    CHECK_EQ(v, 99);
}

TEST(parse_bool_values)
{
    static const char *const truths[] = { "1", "yes", "on", "true", "YES", "True" };
    static const char *const falsehoods[] = { "0", "no", "off", "false", "OFF", "No" };
    static const char *const junk[] = { "", "2", "y", "n", "tru", "truee", "onn",
                                        "of", "-1", " yes", "yes " };
    bool b;

    for (size_t i = 0; i < ARRAY_SIZE(truths); i++) {
        b = false;
        CHECK_EQ(parse_bool(truths[i], &b), 0);
        CHECK_EQ(b, true);
    }
    for (size_t i = 0; i < ARRAY_SIZE(falsehoods); i++) {
        b = true;
        CHECK_EQ(parse_bool(falsehoods[i], &b), 0);
        CHECK_EQ(b, false);
    }
    for (size_t i = 0; i < ARRAY_SIZE(junk); i++) {
        b = true;
        CHECK_EQ(parse_bool(junk[i], &b), -EINVAL);
        CHECK_EQ(b, true);
    }
    CHECK_EQ(parse_bool(NULL, &b), -EINVAL);
}

TEST(misdeclared_option_is_warned)
{
    static const struct param bad[] = {
        { "nohandler", PARAM_CUSTOM, NULL, 0, NULL, "no handler" },
        { "novar", PARAM_UINT, NULL, 0, NULL, "no variable" },
        { "zerolen", PARAM_STRING, opt_name, 0, NULL, "no room" },
    };
    reset();
    CHECK_EQ(cmdline_parse("nohandler=1 novar=2 zerolen=", bad, ARRAY_SIZE(bad)), 3);
    CHECK(ktest_log_contains("option 'nohandler' is misdeclared"));
    CHECK(ktest_log_contains("option 'novar' is misdeclared"));
    CHECK(strcmp(opt_name, "default") == 0);
}

/* Random bytes: never a crash, never a write outside the table's variables. */
TEST(random_lines_do_not_crash)
{
    static const char alphabet[] = "abcdefghijklmnopqrstuvwxyz-=\" \t0123456789xKMGT";
    uint32_t seed = 12345;
    char line[128];

    for (int iter = 0; iter < 20000; iter++) {
        seed = seed * 1103515245u + 12345u;
        size_t len = (seed >> 16) % sizeof(line);
        for (size_t i = 0; i < len; i++) {
            seed = seed * 1103515245u + 12345u;
            line[i] = alphabet[(seed >> 16) % (sizeof(alphabet) - 1)];
        }
        line[len] = '\0';
        int w = parse(line);
        /* At most two warnings (quote, option) per option of >= 1 byte. */
        CHECK(w >= 0 && (size_t)w <= 2 * len);
        CHECK(opt_name[sizeof(opt_name) - 1] == '\0');
    }
}
