// SPDX-License-Identifier: GPL-2.0-only
/*
 * xenstored: the command line and the event loop (poll over the listening
 * socket, the clients, the event-channel device and VIRQ_DOM_EXC's;
 * SIGTERM/SIGINT end it cleanly, saving the tree when --persist is given).
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conn.h"
#include "domain.h"
#include "dominfo.h"
#include "dominfo_xen.h"
#include "log.h"
#include "persist.h"
#include "ring.h"
#include "ring_xen.h"
#include "sock.h"
#include "xsd.h"

struct options {
    const char *socket_path;
    const char *persist_file;
    const char *log_file;
    bool no_domain_init;
    bool keep_orphans;
    bool verbose;
};

static volatile sig_atomic_t stop_requested;

static void on_stop_signal(int sig)
{
    (void)sig;
    stop_requested = 1;
}

static void usage(FILE *out)
{
    fprintf(out,
        "usage: xenstored [options]\n"
        "  --socket PATH        Unix socket (default /run/xenstored/socket)\n"
        "  --no-domain-init     no hypervisor: serve the socket only (domain\n"
        "                       deaths simulated by XS_CONTROL domain-state)\n"
        "  --keep-orphans       a released domain's nodes go to dom0 instead\n"
        "                       of being deleted\n"
        "  --persist FILE       keep the tree in FILE across restarts\n"
        "  --log-file FILE      log here instead of stderr\n"
        "  --quota NAME=VALUE   nodes, node-size, watches, transactions,\n"
        "                       permissions, transaction-nodes, path-max,\n"
        "                       outstanding (repeatable)\n"
        "  --verbose            debug logging\n");
}

static int parse_args(int argc, char **argv, struct options *o,
                      struct xs_quota *q)
{
    static const struct option longopts[] = {
        { "socket", required_argument, NULL, 's' },
        { "no-domain-init", no_argument, NULL, 'N' },
        { "keep-orphans", no_argument, NULL, 'K' },
        { "persist", required_argument, NULL, 'p' },
        { "log-file", required_argument, NULL, 'l' },
        { "quota", required_argument, NULL, 'Q' },
        { "verbose", no_argument, NULL, 'v' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    int opt;

    o->socket_path = "/run/xenstored/socket";
    while ((opt = getopt_long(argc, argv, "s:NKp:l:Q:vh", longopts, NULL)) !=
           -1) {
        switch (opt) {
        case 's': o->socket_path = optarg; break;
        case 'N': o->no_domain_init = true; break;
        case 'K': o->keep_orphans = true; break;
        case 'p': o->persist_file = optarg; break;
        case 'l': o->log_file = optarg; break;
        case 'v': o->verbose = true; break;
        case 'Q':
            if (quota_set_arg(q, optarg)) {
                fprintf(stderr, "xenstored: bad --quota %s\n", optarg);
                return -1;
            }
            break;
        case 'h': usage(stdout); exit(0);
        default: usage(stderr); return -1;
        }
    }
    if (optind != argc) {
        usage(stderr);
        return -1;
    }
    return 0;
}

static void setup_signals(sigset_t *loop_mask)
{
    struct sigaction sa = { .sa_handler = on_stop_signal };
    sigset_t block;

    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    sigemptyset(&block);
    sigaddset(&block, SIGTERM);
    sigaddset(&block, SIGINT);
    sigprocmask(SIG_BLOCK, &block, loop_mask);
    sigdelset(loop_mask, SIGTERM);
    sigdelset(loop_mask, SIGINT);
}

/* Drop broken socket clients; quiesce broken rings until released. */
static void reap_broken(struct xsd *x)
{
    struct xs_conn *c = x->conns, *next;

    for (; c; c = next) {
        next = c->next;
        if (!c->broken)
            continue;
        if (ring_is_ring_conn(c)) {
            conn_reset_state(c);
            conn_discard_output(c);
        } else {
            conn_free(c);
        }
    }
}

static size_t fill_pollfds(struct xsd *x, struct pollfd **fds, size_t *cap,
                           int listen_fd, int event_fd, int virq_fd)
{
    struct xs_conn *c;
    size_t n = 0, want = 3;

    for (c = x->conns; c; c = c->next)
        want++;
    if (want > *cap) {
        struct pollfd *p = realloc(*fds, want * sizeof(*p));

        if (!p)
            return 0;
        *fds = p;
        *cap = want;
    }
    (*fds)[n++] = (struct pollfd){ .fd = listen_fd, .events = POLLIN };
    (*fds)[n++] = (struct pollfd){ .fd = event_fd, .events = POLLIN };
    (*fds)[n++] = (struct pollfd){ .fd = virq_fd, .events = POLLIN };
    for (c = x->conns; c; c = c->next) {
        if (c->fd < 0)
            continue;
        (*fds)[n++] = (struct pollfd){
            .fd = c->fd,
            .events = (short)((conn_input_blocked(c) ? 0 : POLLIN) |
                              (conn_has_output(c) ? POLLOUT : 0)) };
    }
    return n;
}

static void serve_clients(struct xsd *x)
{
    struct xs_conn *c;

    for (c = x->conns; c; c = c->next) {
        if (c->broken)
            continue;
        if (ring_is_ring_conn(c))
            ring_handle_event(c);
        else
            conn_process_input(c);
    }
    for (c = x->conns; c; c = c->next)
        if (!c->broken)
            conn_flush(c);
}

static void save_if_dirty(struct xsd *x, const char *file)
{
    int err;

    if (!file || !x->dirty)
        return;
    err = persist_save(&x->store, file);
    if (err)
        xsd_log(XSD_LOG_ERR, "cannot save %s: %s", file, strerror(err));
    else
        x->dirty = false;
}

static void event_loop(struct xsd *x, int listen_fd, const char *persist)
{
    struct pollfd *fds = NULL;
    size_t cap = 0;
    sigset_t loop_mask;

    setup_signals(&loop_mask);
    while (!stop_requested) {
        int event_fd = x->backend ? ring_xen_event_fd(x->backend) : -1;
        int virq_fd = x->dominfo ? x->dominfo->fd : -1;
        size_t n = fill_pollfds(x, &fds, &cap, listen_fd, event_fd, virq_fd);

        if (n && ppoll(fds, n, NULL, &loop_mask) < 0 && errno != EINTR)
            break;
        if (stop_requested)
            break;
        if (fds[0].revents & POLLIN)
            sock_accept(x, listen_fd);
        if (x->backend && (fds[1].revents & POLLIN))
            ring_xen_handle_events(x, x->backend);
        if (virq_fd >= 0 && (fds[2].revents & POLLIN) &&
            x->dominfo->acknowledge(x->dominfo))
            domain_check_all(x);
        serve_clients(x);
        reap_broken(x);
        save_if_dirty(x, persist);
    }
    free(fds);
}

int main(int argc, char **argv)
{
    struct options opts = { 0 };
    struct xsd x;
    int listen_fd, err;

    if (xsd_init(&x)) {
        fprintf(stderr, "xenstored: out of memory\n");
        return 1;
    }
    if (parse_args(argc, argv, &opts, &x.quota) ||
        xsd_log_open(opts.log_file)) {
        xsd_destroy(&x);
        return 2;
    }
    xsd_log_set_verbose(opts.verbose);
    if (opts.persist_file) {
        err = persist_load(&x.store, opts.persist_file);
        if (err == EINVAL)
            xsd_log(XSD_LOG_ERR, "%s is corrupt: starting empty",
                    opts.persist_file);
    }
    listen_fd = sock_listen(opts.socket_path);
    if (listen_fd < 0) {
        xsd_destroy(&x);
        return 1;
    }
    x.keep_orphans = opts.keep_orphans;
    if (!opts.no_domain_init) {
        x.backend = ring_xen_open(&x);
        x.dominfo = dominfo_xen_open();
    } else {
        x.dominfo = dominfo_sim_new();
    }
    xsd_log(XSD_LOG_INFO, "serving %s", opts.socket_path);
    event_loop(&x, listen_fd, opts.persist_file);
    x.dirty = x.dirty || opts.persist_file;
    save_if_dirty(&x, opts.persist_file);
    xsd_destroy(&x);
    if (x.backend)
        ring_xen_close(x.backend);
    close(listen_fd);
    unlink(opts.socket_path);
    xsd_log(XSD_LOG_INFO, "stopped");
    xsd_log_close();
    return 0;
}
