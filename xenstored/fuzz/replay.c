// SPDX-License-Identifier: GPL-2.0-only
/*
 * Replays every file of the seed corpus (XSD_CORPUS_DIR, or argv[1] when it
 * is a directory; any other argument, such as run-tests' name filter, is
 * ignored) through LLVMFuzzerTestOneInput without libFuzzer, each
 * in a forked child, printing TAP: a crash or sanitizer report fails that
 * input only.
 */
#include <dirent.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int replay_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    uint8_t *buf = malloc(1u << 20);
    size_t n;

    if (!f || !buf)
        return 1;
    n = fread(buf, 1, 1u << 20, f);
    fclose(f);
    LLVMFuzzerTestOneInput(buf, n);
    free(buf);
    return 0;
}

static bool run_one(const char *dir, const char *name)
{
    char path[4096];
    pid_t pid;
    int status;

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    fflush(stdout);
    pid = fork();
    if (pid == 0)
        exit(replay_file(path));   /* exit(): LeakSanitizer runs */
    return pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
           WEXITSTATUS(status) == 0;
}

int main(int argc, char **argv)
{
    struct stat st;
    const char *dir = argc > 1 && stat(argv[1], &st) == 0 && S_ISDIR(st.st_mode) ?
                      argv[1] : XSD_CORPUS_DIR;
    DIR *d = opendir(dir);
    struct dirent *e;
    char **names = NULL;
    size_t count = 0, i, failed = 0;

    if (!d) {
        printf("1..1\nnot ok 1 - open corpus %s\n", dir);
        return 1;
    }
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        names = realloc(names, (count + 1) * sizeof(*names));
        if (!names)
            return 1;
        names[count++] = strdup(e->d_name);
    }
    closedir(d);
    qsort(names, count, sizeof(*names), name_cmp);
    for (i = 0; i < count; i++) {
        bool ok = run_one(dir, names[i]);

        printf("%s %zu - xs-fuzz-replay:%s\n", ok ? "ok" : "not ok", i + 1,
               names[i]);
        failed += !ok;
        free(names[i]);
    }
    free(names);
    if (!count)
        printf("not ok 1 - corpus %s is empty\n", dir);
    printf("1..%zu\n", count ? count : 1);
    return failed || !count;
}
