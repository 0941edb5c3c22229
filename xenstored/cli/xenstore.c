// SPDX-License-Identifier: GPL-2.0-only
/*
 * xenstore: the xenstore command-line tools in one binary.  Invoked as
 * xenstore-<mode> (through a symlink) or as "xenstore <mode> ...", with
 * <mode> one of read, write, rm, exists, list, ls, chmod, watch.  Options,
 * output formats and messages follow Xen's tools of the same names, so
 * scripts written for Xen work unchanged.
 *
 * Modes that touch several keys (and rm, exists, list, chmod always) run in
 * one transaction, restarted when it ends with EAGAIN; their output is
 * buffered and printed once the transaction has ended.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "xenstore.h"

enum mode {
    MODE_unknown, MODE_chmod, MODE_exists, MODE_list, MODE_ls,
    MODE_read, MODE_rm, MODE_write, MODE_watch,
};

static const struct {
    const char *name;
    enum mode mode;
    const char *usage;
} modes[] = {
    { "read",   MODE_read,   "[-h] [-p] [-R] key [...]" },
    { "write",  MODE_write,  "[-h] [-R] key value [...]" },
    { "rm",     MODE_rm,     "[-h] [-t] key [...]" },
    { "exists", MODE_exists, "[-h] key" },
    { "list",   MODE_list,   "[-h] [-p] key [...]" },
    { "ls",     MODE_ls,     "[-h] [-f] [-p] [path]" },
    { "chmod",  MODE_chmod,  "[-h] [-u] [-r] key <mode [modes...]>" },
    { "watch",  MODE_watch,  "[-h] [-n NR] key" },
};
#define NR_MODES (sizeof(modes) / sizeof(modes[0]))

struct options {
    enum mode mode;
    bool prefix;        /* -p: read/list prefix, ls permissions */
    bool flat;          /* -f: ls full paths */
    bool tidy;          /* -t: rm empty parents too */
    bool upto;          /* -u: chmod parents too */
    bool recurse;       /* -r: chmod children too */
    bool raw;           /* -R: read/write without escaping */
    int nr_watches;     /* -n: watch events before exiting, -1 forever */
    int depth;          /* -d: watch depth, -1 unlimited */
};

static const char *progname = "xenstore";

/* ---- messages ---- */

static void vmessage(const char *fmt, va_list ap, int errnum)
{
    fprintf(stderr, "%s: ", progname);
    vfprintf(stderr, fmt, ap);
    if (errnum)
        fprintf(stderr, ": %s", strerror(errnum));
    fputc('\n', stderr);
}

static void warnx_(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void warnx_(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vmessage(fmt, ap, 0);
    va_end(ap);
}

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vmessage(fmt, ap, 0);
    va_end(ap);
    exit(1);
}

static void die_errno(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void die_errno(const char *fmt, ...)
{
    int errnum = errno;
    va_list ap;
    va_start(ap, fmt);
    vmessage(fmt, ap, errnum);
    va_end(ap);
    exit(1);
}

static void usage(int status, enum mode mode, bool with_mode, const char *argv0)
{
    for (size_t i = 0; i < NR_MODES; i++) {
        if (modes[i].mode != mode)
            continue;
        fprintf(stderr, "%s: Usage: %s %s%s%s\n", progname, argv0,
                with_mode ? modes[i].name : "", with_mode ? " " : "",
                modes[i].usage);
        exit(status);
    }
    fprintf(stderr, "%s: Usage: %s <mode> [-h] [...]\n", progname, argv0);
    exit(status);
}

/* ---- buffered output (discarded when a transaction restarts) ---- */

static char *out_buf;
static size_t out_len, out_size;

static void out_bytes(const char *data, size_t len)
{
    if (len == 0)
        return;
    if (out_len + len > out_size) {
        size_t size = out_size + len + 1024;
        char *grown = realloc(out_buf, size);
        if (!grown)
            die_errno("malloc");
        out_buf = grown;
        out_size = size;
    }
    memcpy(out_buf + out_len, data, len);
    out_len += len;
}

static void out_str(const char *s)
{
    out_bytes(s, strlen(s));
}

/* ---- value escaping: printable ASCII as is, the rest as C-like escapes ---- */

static char *sanitise(const char *val, size_t len)
{
    char *buf = malloc(len * 4 + 1);    /* "\xNN" is the longest escape */
    size_t used = 0;

    if (!buf)
        die_errno("malloc");
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)val[i];
        if (c >= ' ' && c <= '~' && c != '\\') {
            buf[used++] = (char)c;
            continue;
        }
        buf[used++] = '\\';
        switch (c) {
        case '\t': buf[used++] = 't'; break;
        case '\n': buf[used++] = 'n'; break;
        case '\r': buf[used++] = 'r'; break;
        case '\\': buf[used++] = '\\'; break;
        default:
            used += (size_t)sprintf(buf + used, c < 8 ? "%03o" : "x%02x", c);
        }
    }
    buf[used] = '\0';
    return buf;
}

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Decode escapes into out (strlen(in) + 1 bytes); returns the length. */
static size_t unsanitise(char *out, const char *in)
{
    size_t n = 0;

    while (*in) {
        char c = *in++;
        if (c != '\\' || !*in) {
            out[n++] = c;               /* a lone trailing '\' stays */
            continue;
        }
        c = *in++;
        switch (c) {
        case 't': out[n++] = '\t'; break;
        case 'n': out[n++] = '\n'; break;
        case 'r': out[n++] = '\r'; break;
        case 'x': {
            int v = 0, digits = 0;
            while (digits < 2 && hex_digit(*in) >= 0)
                v = v * 16 + hex_digit(*in++), digits++;
            out[n++] = digits ? (char)v : 'x';
            break;
        }
        default:
            if (c >= '0' && c <= '7') {
                int v = c - '0', digits = 1;
                while (digits < 3 && *in >= '0' && *in <= '7')
                    v = v * 8 + (*in++ - '0'), digits++;
                out[n++] = (char)v;
            } else {
                out[n++] = c;           /* "\\" and unknown escapes */
            }
        }
    }
    out[n] = '\0';
    return n;
}

/* ---- read, write, rm, exists, list ---- */

static int do_read(struct xs_handle *xsh, xs_transaction_t t,
                   const struct options *o, const char *path)
{
    unsigned int len;
    char *val = xs_read(xsh, t, path, &len);

    if (!val) {
        warnx_("couldn't read path %s", path);
        return 1;
    }
    if (o->prefix) {
        out_str(path);
        out_str(": ");
    }
    if (o->raw) {
        out_bytes(val, len);
    } else {
        char *s = sanitise(val, len);
        out_str(s);
        out_str("\n");
        free(s);
    }
    free(val);
    return 0;
}

static int do_write(struct xs_handle *xsh, xs_transaction_t t,
                    const struct options *o, const char *path,
                    const char *spec)
{
    char *val = malloc(strlen(spec) + 1);
    size_t len;

    if (!val)
        die_errno("malloc");
    if (o->raw) {
        strcpy(val, spec);
        len = strlen(spec);
    } else {
        len = unsanitise(val, spec);
    }
    bool ok = xs_write(xsh, t, path, val, (unsigned int)len);
    free(val);
    if (!ok) {
        warnx_("could not write path %s", path);
        return 1;
    }
    return 0;
}

static int rm_one(struct xs_handle *xsh, xs_transaction_t t, const char *path)
{
    if (xs_rm(xsh, t, path))
        return 0;
    warnx_("could not remove path %s", path);
    return 1;
}

/* True if path has an empty value and no children. */
static bool empty_node(struct xs_handle *xsh, xs_transaction_t t,
                       const char *path)
{
    unsigned int len, num;
    char *val = xs_read(xsh, t, path, &len);
    bool empty = false;

    if (val && len == 0) {
        char **list = xs_directory(xsh, t, path, &num);
        empty = list && num == 0;
        free(list);
    }
    free(val);
    return empty;
}

static int do_rm(struct xs_handle *xsh, xs_transaction_t t,
                 const struct options *o, const char *arg)
{
    if (!o->tidy)
        return rm_one(xsh, t, arg);
    /* -t: then remove each parent left with no value and no children. */
    char *path = strdup(arg);
    if (!path)
        die_errno("malloc");
    int ret;
    for (;;) {
        ret = rm_one(xsh, t, path);
        char *slash = strrchr(path, '/');
        if (ret || !slash)
            break;
        *slash = '\0';
        if (!path[0] || !empty_node(xsh, t, path))
            break;
    }
    free(path);
    return ret;
}

static int do_list(struct xs_handle *xsh, xs_transaction_t t,
                   const struct options *o, const char *path)
{
    unsigned int num;
    char **list = xs_directory(xsh, t, path, &num);

    if (!list) {
        warnx_("could not list path %s", path);
        return 1;
    }
    const char *pref = strcmp(path, "/") == 0 ? "" : path;
    for (unsigned int i = 0; i < num; i++) {
        if (o->prefix) {
            out_str(pref);
            out_str("/");
        }
        out_str(list[i]);
        out_str("\n");
    }
    free(list);
    return 0;
}

/* ---- ls ---- */

#define LS_TAG_LEN 8            /* strlen(" = \"...\"") */

struct ls_state {
    int max_width;              /* terminal width - 2, or 80 */
    int desired_width;          /* where -p starts the permissions */
    bool flat;
    bool perms;
};

static void ls_perms(struct xs_handle *xsh, const char *path, const char *name)
{
    unsigned int n;
    struct xs_permissions *perms = xs_get_permissions(xsh, XBT_NULL, path, &n);

    if (!perms) {
        fprintf(stderr, "%s: \ncould not access permissions for %s: %s\n",
                progname, name, strerror(errno));
        return;
    }
    fputs("  (", stdout);
    for (unsigned int i = 0; i < n; i++) {
        char buf[MAX_STRLEN(unsigned int) + 1];
        if (i)
            putchar(',');
        if (xs_perm_to_string(&perms[i], buf, sizeof(buf)))
            fputs(buf, stdout);
    }
    putchar(')');
    free(perms);
}

/* Print " = "value"" (cut to the width) for path; linewid so far. */
static void ls_value(struct xs_handle *xsh, const struct ls_state *s,
                     const char *path, int linewid)
{
    unsigned int len;
    char *val = xs_read(xsh, XBT_NULL, path, &len);

    if (!val) {
        fputs(":", stdout);
        return;
    }
    char *clean = sanitise(val, len);
    if ((long)s->max_width < (long)linewid + len + LS_TAG_LEN) {
        printf(" = \"%.*s\\...\"", s->max_width - LS_TAG_LEN - linewid, clean);
    } else {
        linewid += printf(" = \"%s\"", clean);
        if (s->perms) {
            putchar(' ');
            int stop = s->desired_width < s->max_width ? s->desired_width
                                                        : s->max_width;
            for (linewid++; linewid < stop; linewid++)
                putchar((linewid & 1) ? '.' : ' ');
        }
    }
    free(clean);
    free(val);
}

static void do_ls(struct xs_handle *xsh, const struct ls_state *s,
                  const char *path, int depth)
{
    unsigned int num;
    char **list = xs_directory(xsh, XBT_NULL, path, &num);

    if (!list) {
        if (depth && errno == ENOENT)
            return;                     /* vanished while we walked */
        die_errno("xs_directory (%s)", path);
    }
    bool has_slash = path[0] && path[strlen(path) - 1] == '/';
    for (unsigned int i = 0; i < num; i++) {
        char *child;
        if (asprintf(&child, "%s%s%s", path, has_slash ? "" : "/", list[i]) < 0)
            die_errno("malloc");
        int linewid = 0;
        if (s->flat) {
            fputs(child, stdout);
        } else {
            for (; linewid < depth; linewid++)
                putchar(' ');
            linewid += printf("%.*s", s->max_width - LS_TAG_LEN - linewid,
                              list[i]);
        }
        ls_value(xsh, s, child, linewid);
        if (s->perms)
            ls_perms(xsh, child, list[i]);
        putchar('\n');
        do_ls(xsh, s, child, depth + 1);
        free(child);
    }
    free(list);
}

/* ---- chmod ---- */

static void do_chmod(struct xs_handle *xsh, xs_transaction_t t, char *path,
                     struct xs_permissions *perms, unsigned int nperms,
                     bool upto, bool recurse)
{
    if (!path[0])
        return;
    if (!xs_set_permissions(xsh, t, path, perms, nperms))
        die_errno("Error occurred setting permissions on '%s'", path);
    if (upto) {
        char *sep = strrchr(path, '/');
        if (!sep)
            die("Unable to locate path separator '/' in '%s'", path);
        *sep = '\0';
        do_chmod(xsh, t, path, perms, nperms, true, false);
        *sep = '/';
    }
    if (recurse) {
        unsigned int num;
        char **list = xs_directory(xsh, t, path, &num);
        for (unsigned int i = 0; list && i < num; i++) {
            char *child;
            if (asprintf(&child, "%s/%s", path, list[i]) < 0)
                die_errno("malloc");
            do_chmod(xsh, t, child, perms, nperms, false, true);
            free(child);
        }
        free(list);
    }
}

static struct xs_permissions *parse_perms(char **specs, unsigned int n)
{
    struct xs_permissions *perms = calloc(n, sizeof(*perms));

    if (!perms)
        die_errno("malloc");
    for (unsigned int i = 0; i < n; i++) {
        perms[i].id = (unsigned int)atoi(specs[i] + 1);
        switch (specs[i][0]) {
        case 'n': perms[i].perms = XS_PERM_NONE; break;
        case 'r': perms[i].perms = XS_PERM_READ; break;
        case 'w': perms[i].perms = XS_PERM_WRITE; break;
        case 'b': perms[i].perms = XS_PERM_READ | XS_PERM_WRITE; break;
        default:
            die("Invalid permission specification: '%c'", specs[i][0]);
        }
    }
    return perms;
}

/* ---- watch ---- */

static int do_watch(struct xs_handle *xsh, const struct options *o,
                    char **keys, int nkeys)
{
    for (int i = 0; i < nkeys; i++) {
        bool ok = o->depth < 0
            ? xs_watch(xsh, keys[i], keys[i])
            : xs_watch_depth(xsh, keys[i], keys[i], (unsigned int)o->depth);
        if (!ok && o->depth < 0)
            die_errno("Unable to add watch on %s", keys[i]);
        if (!ok)
            die_errno("Unable to add watch on %s with depth %d", keys[i],
                      o->depth);
    }
    for (int n = 0; o->nr_watches < 0 || n < o->nr_watches; n++) {
        char **vec = xs_read_watch(xsh, NULL);
        if (!vec)
            die_errno("lost the connection to xenstored");
        printf("%s\n", vec[XS_WATCH_PATH]);
        fflush(stdout);
        free(vec);
    }
    return 0;
}

/* ---- driver ---- */

static int perform(struct xs_handle *xsh, xs_transaction_t t,
                   const struct options *o, int argc, char **argv)
{
    int i = 0;

    switch (o->mode) {
    case MODE_chmod: {
        unsigned int n = (unsigned int)(argc - 1);
        struct xs_permissions *perms = parse_perms(argv + 1, n);
        char *path = strdup(argv[0]);
        if (!path)
            die_errno("malloc");
        do_chmod(xsh, t, path, perms, n, o->upto, o->recurse);
        free(path);
        free(perms);
        return 0;
    }
    case MODE_watch:
        return do_watch(xsh, o, argv, argc);
    default:
        break;
    }
    while (i < argc) {
        int ret = 0;
        switch (o->mode) {
        case MODE_read:   ret = do_read(xsh, t, o, argv[i]); break;
        case MODE_write:  ret = do_write(xsh, t, o, argv[i], argv[i + 1]);
                          i++; break;
        case MODE_rm:     ret = do_rm(xsh, t, o, argv[i]); break;
        case MODE_exists: {
            char *val = xs_read(xsh, t, argv[i], NULL);
            ret = val == NULL;
            free(val);
            break;
        }
        case MODE_list:   ret = do_list(xsh, t, o, argv[i]); break;
        default:          break;
        }
        if (ret)
            return ret;
        i++;
    }
    return 0;
}

static void ls_main(struct xs_handle *xsh, const struct options *o, int argc,
                    char **argv)
{
    struct ls_state s = { .max_width = 80, .desired_width = 60,
                          .flat = o->flat, .perms = o->prefix };
    struct winsize ws;

    if (o->flat) {
        s.max_width = INT_MAX / 2;
        s.desired_width = 0;
    } else if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 2) {
        s.max_width = ws.ws_col - 2;
    }
    if (argc == 0)
        do_ls(xsh, &s, "/", 0);
    for (int i = 0; i < argc; i++)
        do_ls(xsh, &s, argv[i], 0);
}

static enum mode lookup_mode(const char *name)
{
    for (size_t i = 0; i < NR_MODES; i++)
        if (strcmp(name, modes[i].name) == 0)
            return modes[i].mode;
    die("unknown mode %s (modes: read write rm exists list ls chmod watch)",
        name);
}

static bool option_allowed(int c, enum mode m)
{
    switch (c) {
    case 'f': return m == MODE_ls;
    case 'p': return m == MODE_read || m == MODE_list || m == MODE_ls;
    case 't': return m == MODE_rm;
    case 'u': case 'r': return m == MODE_chmod;
    case 'n': case 'd': return m == MODE_watch;
    case 'R': return m == MODE_read || m == MODE_write;
    case 's': return true;      /* "use the socket": always the case */
    default:  return false;
    }
}

static void parse_options(struct options *o, int argc, char **argv,
                          bool with_mode, const char *argv0)
{
    static const struct option longopts[] = {
        { "help", 0, NULL, 'h' },    { "flat", 0, NULL, 'f' },
        { "prefix", 0, NULL, 'p' },  { "tidy", 0, NULL, 't' },
        { "upto", 0, NULL, 'u' },    { "recurse", 0, NULL, 'r' },
        { "number", 1, NULL, 'n' },  { "raw", 0, NULL, 'R' },
        { "depth", 1, NULL, 'd' },   { "socket", 0, NULL, 's' },
        { NULL, 0, NULL, 0 },
    };
    int c;

    opterr = 0;                 /* our messages name the tool, not argv[0] */
    while ((c = getopt_long(argc, argv, "hfspturn:Rd:", longopts, NULL)) != -1) {
        if (c == 'h')
            usage(0, o->mode, with_mode, argv0);
        if (c == '?' || c == ':') {
            if (optopt)
                warnx_("invalid option -- '%c'", optopt);
            else
                warnx_("invalid option %s", argv[optind - 1]);
        }
        if (!option_allowed(c, o->mode))
            usage(1, o->mode, with_mode, argv0);
        switch (c) {
        case 'f': o->flat = true; break;
        case 'p': o->prefix = true; break;
        case 't': o->tidy = true; break;
        case 'u': o->upto = true; break;
        case 'r': o->recurse = true; break;
        case 'R': o->raw = true; break;
        case 'n': o->nr_watches = atoi(optarg); break;
        case 'd': o->depth = atoi(optarg); break;
        default: break;
        }
    }
}

static bool needs_transaction(enum mode m, int nargs)
{
    switch (m) {
    case MODE_read:  return nargs > 1;
    case MODE_write: return nargs > 2;
    case MODE_ls:
    case MODE_watch: return false;
    default:         return true;
    }
}

static void check_arg_count(const struct options *o, int nargs,
                            bool with_mode, const char *argv0)
{
    if (o->mode == MODE_ls)
        return;
    if (nargs == 0 || (o->mode == MODE_write && nargs % 2) ||
        (o->mode == MODE_chmod && nargs < 2))
        usage(1, o->mode, with_mode, argv0);
}

int main(int argc, char **argv)
{
    const char *base = strrchr(argv[0], '/');
    base = base ? base + 1 : argv[0];
    progname = base;

    struct options o = { .nr_watches = -1, .depth = -1 };
    bool with_mode = strncmp(base, "xenstore-", 9) != 0;
    if (!with_mode) {
        o.mode = lookup_mode(base + 9);
    } else {
        if (argc < 2)
            usage(1, MODE_unknown, false, argv[0]);
        o.mode = lookup_mode(argv[1]);
        argc--;
        argv++;                 /* getopt skips the mode like a name */
    }
    const char *argv0 = with_mode ? argv[-1] : argv[0];
    parse_options(&o, argc, argv, with_mode, argv0);
    int nargs = argc - optind;
    char **args = argv + optind;
    check_arg_count(&o, nargs, with_mode, argv0);

    struct xs_handle *xsh = xs_open(0);
    if (!xsh) {
        const char *sock = xs_daemon_socket();
        die_errno("xs_open: cannot connect to xenstored at %s "
                  "(set XENSTORED_PATH to use another socket)",
                  sock ? sock : "?");
    }
    if (o.mode == MODE_ls) {
        ls_main(xsh, &o, nargs, args);
        xs_close(xsh);
        return 0;
    }

    bool transaction = needs_transaction(o.mode, nargs);
    int ret;
    for (;;) {
        xs_transaction_t t = XBT_NULL;
        if (transaction) {
            t = xs_transaction_start(xsh);
            if (t == XBT_NULL)
                die_errno("couldn't start transaction");
        }
        ret = perform(xsh, t, &o, nargs, args);
        if (!transaction || xs_transaction_end(xsh, t, ret != 0))
            break;
        if (ret == 0 && errno == EAGAIN) {
            out_len = 0;        /* someone else committed first: redo */
            continue;
        }
        die_errno("couldn't end transaction");
    }
    if (out_len)
        fwrite(out_buf, 1, out_len, stdout);
    free(out_buf);
    xs_close(xsh);
    return ret;
}
