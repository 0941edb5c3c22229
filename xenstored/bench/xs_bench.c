// SPDX-License-Identifier: GPL-2.0-only
/*
 * xs-bench: a libxenstore load generator for bench/xenstore.sh.  Talks to
 * the daemon at $XENSTORED_PATH.
 *
 *   xs-bench setup                      create the nodes the ops use
 *   xs-bench OP CLIENTS SECONDS         run OP in CLIENTS threads (one
 *                                       handle each), print "OP CLIENTS N/s"
 *   xs-bench populate COUNT [PREFIX]    write COUNT nodes below PREFIX
 *
 * OP is read (one node), write (one node per client), dir (a directory of
 * 1,000 children) or tx (a transaction of 10 writes, retried on EAGAIN; a
 * committed transaction counts once).
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "xenstore.h"

#define DIR_CHILDREN 1000
#define MAX_CLIENTS 256

enum op { OP_READ, OP_WRITE, OP_DIR, OP_TX };

struct client {
    pthread_t tid;
    unsigned int index;
    enum op op;
    uint64_t done;
    int error;          /* errno of the first failure, 0 if none */
};

static atomic_bool stop;

static void fail(const char *what)
{
    fprintf(stderr, "xs-bench: %s: %s\n", what, strerror(errno));
    exit(1);
}

static struct xs_handle *open_or_die(void)
{
    struct xs_handle *h = xs_open(0);
    if (!h)
        fail("xs_open (is XENSTORED_PATH set to a running daemon?)");
    return h;
}

static void setup(void)
{
    struct xs_handle *h = open_or_die();
    char path[64];

    if (!xs_write(h, XBT_NULL, "/bench/value", "0123456789abcdef", 16))
        fail("write /bench/value");
    xs_transaction_t t = xs_transaction_start(h);
    if (t == XBT_NULL)
        fail("transaction_start");
    for (unsigned int i = 0; i < DIR_CHILDREN; i++) {
        snprintf(path, sizeof(path), "/bench/dir/child-%04u", i);
        if (!xs_write(h, t, path, "x", 1))
            fail(path);
    }
    if (!xs_transaction_end(h, t, false))
        fail("transaction_end");
    xs_close(h);
}

/* One operation; false (errno set) on failure. */
static bool one_op(struct xs_handle *h, const struct client *c, uint64_t n)
{
    char path[64], val[32];
    unsigned int len;

    switch (c->op) {
    case OP_READ: {
        void *v = xs_read(h, XBT_NULL, "/bench/value", &len);
        free(v);
        return v != NULL;
    }
    case OP_WRITE:
        snprintf(path, sizeof(path), "/bench/w/%u", c->index);
        len = (unsigned int)snprintf(val, sizeof(val), "%llu",
                                     (unsigned long long)n);
        return xs_write(h, XBT_NULL, path, val, len);
    case OP_DIR: {
        char **list = xs_directory(h, XBT_NULL, "/bench/dir", &len);
        free(list);
        if (list && len != DIR_CHILDREN) {
            errno = EPROTO;
            return false;
        }
        return list != NULL;
    }
    case OP_TX:
        for (;;) {
            xs_transaction_t t = xs_transaction_start(h);
            if (t == XBT_NULL)
                return false;
            for (unsigned int i = 0; i < 10; i++) {
                snprintf(path, sizeof(path), "/bench/tx/%u/%u", c->index, i);
                if (!xs_write(h, t, path, "v", 1)) {
                    xs_transaction_end(h, t, true);
                    return false;
                }
            }
            if (xs_transaction_end(h, t, false))
                return true;
            if (errno != EAGAIN)
                return false;
        }
    }
    return false;
}

static void *client_main(void *arg)
{
    struct client *c = arg;
    struct xs_handle *h = xs_open(0);

    if (!h) {
        c->error = errno;
        return NULL;
    }
    while (!atomic_load(&stop)) {
        if (!one_op(h, c, c->done)) {
            c->error = errno;
            break;
        }
        c->done++;
    }
    xs_close(h);
    return NULL;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int run(enum op op, const char *name, unsigned int nclients,
               double seconds)
{
    static struct client clients[MAX_CLIENTS];
    double start = now();

    for (unsigned int i = 0; i < nclients; i++) {
        clients[i] = (struct client){ .index = i, .op = op };
        if (pthread_create(&clients[i].tid, NULL, client_main, &clients[i]))
            fail("pthread_create");
    }
    struct timespec ts = { (time_t)seconds,
                           (long)((seconds - (double)(time_t)seconds) * 1e9) };
    nanosleep(&ts, NULL);
    atomic_store(&stop, true);
    uint64_t total = 0;
    int error = 0;
    for (unsigned int i = 0; i < nclients; i++) {
        pthread_join(clients[i].tid, NULL);
        total += clients[i].done;
        if (clients[i].error && !error)
            error = clients[i].error;
    }
    double elapsed = now() - start;
    if (error) {
        fprintf(stderr, "xs-bench: %s failed: %s\n", name, strerror(error));
        return 1;
    }
    printf("%-6s %3u clients %10.0f ops/s\n", name, nclients,
           (double)total / elapsed);
    return 0;
}

static int populate(unsigned long count, const char *prefix)
{
    struct xs_handle *h = open_or_die();
    char path[256];

    /* 100 nodes per transaction keeps round trips and memory modest. */
    for (unsigned long i = 0; i < count; i += 100) {
        xs_transaction_t t = xs_transaction_start(h);
        if (t == XBT_NULL)
            fail("transaction_start");
        for (unsigned long j = i; j < i + 100 && j < count; j++) {
            snprintf(path, sizeof(path), "%s/%lu/n%lu", prefix, j / 1000, j);
            if (!xs_write(h, t, path, "populated", 9))
                fail(path);
        }
        if (!xs_transaction_end(h, t, false))
            fail("transaction_end");
    }
    xs_close(h);
    return 0;
}

static void usage(void)
{
    fprintf(stderr, "usage: xs-bench setup\n"
                    "       xs-bench read|write|dir|tx CLIENTS SECONDS\n"
                    "       xs-bench populate COUNT [PREFIX]\n");
    exit(2);
}

int main(int argc, char **argv)
{
    static const char *names[] = { "read", "write", "dir", "tx" };

    if (argc == 2 && strcmp(argv[1], "setup") == 0) {
        setup();
        return 0;
    }
    if ((argc == 3 || argc == 4) && strcmp(argv[1], "populate") == 0)
        return populate(strtoul(argv[2], NULL, 0),
                        argc == 4 ? argv[3] : "/bench/pop");
    if (argc != 4)
        usage();
    for (unsigned int op = 0; op < 4; op++) {
        if (strcmp(argv[1], names[op]) != 0)
            continue;
        unsigned long n = strtoul(argv[2], NULL, 0);
        double secs = strtod(argv[3], NULL);
        if (n == 0 || n > MAX_CLIENTS || secs <= 0)
            usage();
        return run((enum op)op, names[op], (unsigned int)n, secs);
    }
    usage();
}
