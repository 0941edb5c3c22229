// SPDX-License-Identifier: GPL-2.0-only
/*
 * Corpus replayer for the x86 decoder/emulator fuzz harness, built with the
 * host compiler (ASan+UBSan) and run by make test.  Runs every file of the
 * seed corpus (CORPUS_DIR, or argv[1] when it is a directory) through
 * x86_fuzz_one() and prints TAP: one line for the corpus size, one for the
 * invariants, with a "#" line per failing seed.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "harness.h"

#ifndef CORPUS_DIR
#define CORPUS_DIR "tests/fuzz/x86_decode/corpus"
#endif

#define MAX_SEED 4096
#define MIN_SEEDS 200

static long run_file(const char *path, unsigned int *failed)
{
    static uint8_t buf[MAX_SEED];
    FILE *f = fopen(path, "rb");
    size_t n;
    const char *err;

    if (!f)
        return -1;
    n = fread(buf, 1, sizeof(buf), f);
    fclose(f);
    err = x86_fuzz_one(buf, n);
    if (err) {
        printf("# %s: %s\n", path, err);
        (*failed)++;
    }
    return 1;
}

int main(int argc, char **argv)
{
    const char *dir = CORPUS_DIR;
    struct stat st;
    unsigned int seeds = 0, failed = 0;
    struct dirent *e;
    char path[4096];
    DIR *d;

    if (argc > 1 && stat(argv[1], &st) == 0 && S_ISDIR(st.st_mode))
        dir = argv[1];
    d = opendir(dir);
    if (!d) {
        printf("1..1\nnot ok 1 - x86_decode corpus: cannot open %s\n", dir);
        return 1;
    }
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
        if (run_file(path, &failed) > 0)
            seeds++;
    }
    closedir(d);
    printf("%s 1 - x86_decode corpus has %u seeds (at least %d)\n",
           seeds >= MIN_SEEDS ? "ok" : "not ok", seeds, MIN_SEEDS);
    printf("%s 2 - x86_decode corpus replay: %u of %u seeds broke an invariant\n",
           failed ? "not ok" : "ok", failed, seeds);
    printf("1..2\n");
    return failed || seeds < MIN_SEEDS;
}
