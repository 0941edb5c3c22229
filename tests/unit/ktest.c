// SPDX-License-Identifier: GPL-2.0-only
/*
 * ktest runner: prints the TAP plan, then runs each registered case in its
 * own child process (and process group) under a watchdog and prints one TAP
 * line per case.  Exit status is 0 only when every case passed.  An optional
 * argument selects cases whose name contains it.  The time limit per case is
 * KTEST_TIMEOUT seconds (environment; fractions allowed) or
 * KTEST_DEFAULT_TIMEOUT_MS, unless the case sets its own with
 * ktest_set_timeout().
 */
#include "ktest.h"

#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define KTEST_MAX 1024
#define KTEST_LOG_SIZE (256 * 1024)
#define KTEST_DEFAULT_TIMEOUT_MS 120000u
#define KTEST_TICK_NS 100000000l        /* the watchdog re-reads the limit */

struct ktest_case {
    const char *file;
    const char *name;
    ktest_fn fn;
};

static struct ktest_case cases[KTEST_MAX];
static int nr_cases;
static char log_buf[KTEST_LOG_SIZE];
static size_t log_len;

/* The running case's time limit in milliseconds (0: none): shared memory,
 * set by the runner before each fork, changed by the case, read by the
 * watchdog. */
static uint32_t *case_timeout_ms;

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

void ktest_set_timeout(uint32_t seconds)
{
    uint64_t ms = (uint64_t)seconds * 1000u;

    if (case_timeout_ms)
        __atomic_store_n(case_timeout_ms, ms > UINT32_MAX ? UINT32_MAX : (uint32_t)ms,
                         __ATOMIC_RELAXED);
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

/* KTEST_TIMEOUT in milliseconds, or the default; exits on a bad value. */
static uint32_t default_timeout_ms(void)
{
    const char *text = getenv("KTEST_TIMEOUT");
    double seconds;
    char *end;

    if (!text || !*text)
        return KTEST_DEFAULT_TIMEOUT_MS;
    errno = 0;
    seconds = strtod(text, &end);
    if (errno || *end || !isfinite(seconds) || seconds < 0 ||
        seconds * 1000.0 > (double)UINT32_MAX) {
        fprintf(stderr, "ktest: KTEST_TIMEOUT=\"%s\" is not a number of seconds\n", text);
        exit(2);
    }
    return (uint32_t)(seconds * 1000.0);
}

static uint64_t now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static bool selected(const struct ktest_case *c, const char *only)
{
    return !only || strstr(c->name, only);
}

/*
 * In the case's child: its own process group (the watchdog kills the case
 * with everything it forked), killed if the runner dies, and the signal mask
 * the program started with.
 */
static void run_case(const struct ktest_case *c, pid_t runner, const sigset_t *mask)
{
    setpgid(0, 0);
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != runner)
        _exit(1);
    sigprocmask(SIG_SETMASK, mask, NULL);
    ktest_log_clear();
    c->fn();
    exit(0);
}

/*
 * Wait for the case's child (SIGCHLD is blocked: sigtimedwait() sleeps until
 * it ends or a tick passes).  At its time limit, kill its process group.
 * Returns the limit (ms) it was killed at, 0 when it ended by itself.
 */
static uint32_t wait_case(pid_t pid, int *status)
{
    const uint64_t start = now_ms();
    const struct timespec tick = { 0, KTEST_TICK_NS };
    sigset_t chld;

    sigemptyset(&chld);
    sigaddset(&chld, SIGCHLD);
    for (;;) {
        pid_t r = waitpid(pid, status, WNOHANG);

        if (r == pid)
            return 0;
        if (r < 0 && errno != EINTR) {
            perror("ktest: waitpid");
            exit(2);
        }
        uint32_t limit = __atomic_load_n(case_timeout_ms, __ATOMIC_RELAXED);
        if (limit && now_ms() - start >= limit) {
            kill(-pid, SIGKILL);
            kill(pid, SIGKILL);
            while (waitpid(pid, status, 0) < 0 && errno == EINTR)
                ;
            return limit;
        }
        sigtimedwait(&chld, NULL, &tick);
    }
}

/* Print the case's TAP line (and why it failed, on stderr); true if it passed. */
static bool report(int n, const struct ktest_case *c, int status, uint32_t killed_at)
{
    const char *file = base_name(c->file);
    bool ok = !killed_at && WIFEXITED(status) && WEXITSTATUS(status) == 0;

    if (killed_at) {
        double seconds = killed_at / 1000.0;

        fprintf(stderr, "ktest: %s:%s timed out after %g s, killed\n", file, c->name,
                seconds);
        printf("not ok %d - %s:%s # timed out after %g s\n", n, file, c->name, seconds);
        return false;
    }
    if (WIFSIGNALED(status))
        fprintf(stderr, "ktest: %s:%s killed by signal %d (%s)\n", file, c->name,
                WTERMSIG(status), strsignal(WTERMSIG(status)));
    printf("%s %d - %s:%s\n", ok ? "ok" : "not ok", n, file, c->name);
    return ok;
}

int main(int argc, char **argv)
{
    const char *only = argc > 1 ? argv[1] : NULL;
    const uint32_t timeout_ms = default_timeout_ms();
    const pid_t runner = getpid();
    int failed = 0, run = 0, planned = 0;
    sigset_t chld, start_mask;
    void *shared;

    setvbuf(stdout, NULL, _IONBF, 0);
    shared = mmap(NULL, sizeof(*case_timeout_ms), PROT_READ | PROT_WRITE,
                  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (shared == MAP_FAILED) {
        perror("ktest: mmap");
        return 2;
    }
    case_timeout_ms = shared;
    sigemptyset(&chld);
    sigaddset(&chld, SIGCHLD);
    sigprocmask(SIG_BLOCK, &chld, &start_mask);

    for (int i = 0; i < nr_cases; i++)
        planned += selected(&cases[i], only);
    printf("1..%d\n", planned);
    for (int i = 0; i < nr_cases; i++) {
        int status = 0;

        if (!selected(&cases[i], only))
            continue;
        run++;
        __atomic_store_n(case_timeout_ms, timeout_ms, __ATOMIC_RELAXED);
        pid_t pid = fork();
        if (pid < 0) {
            perror("ktest: fork");
            return 2;
        }
        if (pid == 0)
            run_case(&cases[i], runner, &start_mask);
        setpgid(pid, pid);
        uint32_t killed_at = wait_case(pid, &status);
        failed += !report(run, &cases[i], status, killed_at);
    }
    return failed ? 1 : 0;
}
