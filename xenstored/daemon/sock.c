// SPDX-License-Identifier: GPL-2.0-only
/* Unix socket listener and transport. */
#include "sock.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "conn.h"
#include "log.h"

static int64_t sock_read(struct xs_conn *c, void *buf, uint32_t len)
{
    ssize_t n = recv(c->fd, buf, len, MSG_DONTWAIT);

    if (n > 0)
        return n;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
        return 0;
    return -1;      /* EOF or error */
}

static int64_t sock_write(struct xs_conn *c, const void *buf, uint32_t len)
{
    ssize_t n = send(c->fd, buf, len, MSG_DONTWAIT | MSG_NOSIGNAL);

    if (n >= 0)
        return n;
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
        return 0;
    return -1;
}

static bool sock_can_read(struct xs_conn *c)
{
    (void)c;
    return true;    /* poll() decides */
}

static void sock_destroy(struct xs_conn *c)
{
    close(c->fd);
}

static const struct xs_transport sock_transport = {
    .read = sock_read,
    .write = sock_write,
    .can_read = sock_can_read,
    .destroy = sock_destroy,
};

static void make_parent_dir(const char *path)
{
    char *dir = strdup(path);
    char *slash = dir ? strrchr(dir, '/') : NULL;

    if (slash && slash != dir) {
        *slash = '\0';
        mkdir(dir, 0755);
    }
    free(dir);
}

int sock_listen(const char *path)
{
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    int fd;

    if (strlen(path) >= sizeof(addr.sun_path)) {
        xsd_log(XSD_LOG_ERR, "socket path too long: %s", path);
        return -1;
    }
    strcpy(addr.sun_path, path);
    make_parent_dir(path);
    unlink(path);
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0)
        return -1;
    if (bind(fd, (struct sockaddr *)&addr, sizeof(addr)) ||
        chmod(path, 0600) || listen(fd, 64)) {
        xsd_log(XSD_LOG_ERR, "cannot listen on %s: %m", path);
        close(fd);
        return -1;
    }
    return fd;
}

void sock_accept(struct xsd *x, int listen_fd)
{
    static const struct xs_caller dom0 = { .domid = 0, .privileged = true };
    int fd = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);

    if (fd < 0)
        return;
    if (!conn_new(x, &sock_transport, NULL, fd, &dom0)) {
        xsd_log(XSD_LOG_ERR, "out of memory accepting a client");
        close(fd);
    }
}
