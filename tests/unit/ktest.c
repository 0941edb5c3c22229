// SPDX-License-Identifier: GPL-2.0-only
/*
 * ktest runner: runs each registered case in its own child process and prints
 * TAP lines.  Exit status is 0 only when every case passed.  An optional
 * argument selects cases whose name contains it.
 */
#include "ktest.h"

#include <stdarg.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define KTEST_MAX 1024
#define KTEST_LOG_SIZE (256 * 1024)

struct ktest_case {
    const char *file;
    const char *name;
    ktest_fn fn;
};

static struct ktest_case cases[KTEST_MAX];
static int nr_cases;
static char log_buf[KTEST_LOG_SIZE];
static size_t log_len;

void ktest_register(const char *file, const char *name, ktest_fn fn)
{
    if (nr_cases == KTEST_MAX) {
        fprintf(stderr, "ktest: too many cases\n");
        exit(2);
    }
    cases[nr_cases++] = (struct ktest_case){ file, name, fn };
}

void ktest_fail(const char *file, int line, const char *expr)
{
    fprintf(stderr, "%s:%d: CHECK failed: %s\n", file, line, expr);
    exit(1);
}

void ktest_fail_eq(const char *file, int line, const char *a, const char *b,
                   unsigned long long va, unsigned long long vb)
{
    fprintf(stderr, "%s:%d: CHECK_EQ failed: %s == %s (0x%llx != 0x%llx)\n",
            file, line, a, b, va, vb);
    exit(1);
}

bool ktest_log_contains(const char *needle)
{
    return strstr(log_buf, needle) != NULL;
}

void ktest_log_clear(void)
{
    log_len = 0;
    log_buf[0] = '\0';
}

/* The hypervisor's printk, for modules compiled into a host test. */
int printk(const char *fmt, ...);
int printk(const char *fmt, ...)
{
    char line[1024];
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    /* Drop a KLOG_* level prefix ("\001" and a digit), as the console does. */
    const char *text = (line[0] == '\001' && line[1]) ? line + 2 : line;
    fputs(text, stderr);
    size_t len = strlen(text);
    if (log_len + len + 1 < KTEST_LOG_SIZE) {
        memcpy(log_buf + log_len, text, len + 1);
        log_len += len;
    }
    return n;
}

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

int main(int argc, char **argv)
{
    const char *only = argc > 1 ? argv[1] : NULL;
    int failed = 0, run = 0;

    setvbuf(stdout, NULL, _IONBF, 0);
    for (int i = 0; i < nr_cases; i++) {
        if (only && !strstr(cases[i].name, only))
            continue;
        run++;
        pid_t pid = fork();
        if (pid < 0) {
            perror("fork");
            return 2;
        }
        if (pid == 0) {
            ktest_log_clear();
            cases[i].fn();
            exit(0);
        }
        int status = 0;
        waitpid(pid, &status, 0);
        bool ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
        if (!ok) {
            failed++;
            if (WIFSIGNALED(status))
                fprintf(stderr, "ktest: %s killed by signal %d\n", cases[i].name,
                        WTERMSIG(status));
        }
        printf("%s %d - %s:%s\n", ok ? "ok" : "not ok", run,
               base_name(cases[i].file), cases[i].name);
    }
    printf("1..%d\n", run);
    return failed ? 1 : 0;
}
