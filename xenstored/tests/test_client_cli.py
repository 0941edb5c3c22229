# SPDX-License-Identifier: GPL-2.0-only
#
# The xenstore CLI tools (build/xenstored/xenstore-*) against a real daemon:
# every tool, its output format (Xen's), its error messages and exit codes,
# and xenstore-watch streaming.  Run `make` first.

import os
import select
import subprocess
import time

import pytest

from conftest import BUILD

CLI_DIR = os.path.join(BUILD, "xenstored")


def tool(name):
    path = os.path.join(CLI_DIR, name)
    if not os.access(path, os.X_OK):
        pytest.fail(f"{path} is missing: run `make` first", pytrace=False)
    return path


def run(daemon, name, *args, check=True, binary=False):
    """Run a tool against the daemon; returns CompletedProcess."""
    env = dict(os.environ, XENSTORED_PATH=daemon.socket)
    proc = subprocess.run([tool(name)] + list(args), env=env,
                          capture_output=True, timeout=20,
                          text=not binary)
    if check:
        assert proc.returncode == 0, (name, args, proc.stderr)
    return proc


def out(daemon, name, *args):
    return run(daemon, name, *args).stdout


# ---- read / write ----

def test_write_then_read(xenstored, xs):
    assert out(xenstored, "xenstore-write", "/t/a", "hello") == ""
    assert xs.read("/t/a") == b"hello"
    assert out(xenstored, "xenstore-read", "/t/a") == "hello\n"


def test_read_prefix_and_many_keys(xenstored, xs):
    xs.write("/t/a", "1")
    xs.write("/t/b", "2")
    assert out(xenstored, "xenstore-read", "/t/a", "/t/b") == "1\n2\n"
    assert out(xenstored, "xenstore-read", "-p", "/t/a", "/t/b") == \
        "/t/a: 1\n/t/b: 2\n"
    # -s (socket) is accepted and changes nothing.
    assert out(xenstored, "xenstore-read", "-s", "/t/a") == "1\n"


def test_read_missing_fails(xenstored):
    p = run(xenstored, "xenstore-read", "/nope", check=False)
    assert p.returncode == 1
    assert p.stdout == ""
    assert p.stderr == "xenstore-read: couldn't read path /nope\n"


def test_read_escapes_binary_values(xenstored, xs):
    xs.write("/t/bin", b"a\tb\x01\x7f\\z\n")
    assert out(xenstored, "xenstore-read", "/t/bin") == \
        "a\\tb\\001\\x7f\\\\z\\n\n"
    raw = run(xenstored, "xenstore-read", "-R", "/t/bin", binary=True)
    assert raw.stdout == b"a\tb\x01\x7f\\z\n"


def test_write_unescapes_unless_raw(xenstored, xs):
    run(xenstored, "xenstore-write", "/t/esc", r"x\ty\x41\101\\\n")
    assert xs.read("/t/esc") == b"x\tyAA\\\n"
    run(xenstored, "xenstore-write", "-R", "/t/raw", r"x\ty")
    assert xs.read("/t/raw") == b"x\\ty"


def test_write_several_pairs(xenstored, xs):
    run(xenstored, "xenstore-write", "/t/a", "1", "/t/b", "2", "/t/c", "3")
    assert [xs.read(f"/t/{k}") for k in "abc"] == [b"1", b"2", b"3"]


def test_write_odd_arguments_is_usage_error(xenstored, xs):
    p = run(xenstored, "xenstore-write", "/t/a", "1", "/t/b", check=False)
    assert p.returncode == 1
    assert "Usage:" in p.stderr and "key value" in p.stderr
    with pytest.raises(Exception):
        xs.read("/t/a")             # nothing was written


def test_write_denied_reports_path(xenstored, xs):
    # A value over the payload limit cannot be written.
    p = run(xenstored, "xenstore-write", "/t/big", "v" * 5000, check=False)
    assert p.returncode == 1
    assert p.stderr == "xenstore-write: could not write path /t/big\n"


# ---- list / exists / rm ----

def test_list(xenstored, xs):
    for k in ("a", "b", "c"):
        xs.write(f"/l/{k}", k)
    assert sorted(out(xenstored, "xenstore-list", "/l").split()) == \
        ["a", "b", "c"]
    assert sorted(out(xenstored, "xenstore-list", "-p", "/l").split()) == \
        ["/l/a", "/l/b", "/l/c"]
    assert "/l\n" in out(xenstored, "xenstore-list", "-p", "/")
    p = run(xenstored, "xenstore-list", "/missing", check=False)
    assert p.returncode == 1
    assert p.stderr == "xenstore-list: could not list path /missing\n"


def test_exists(xenstored, xs):
    xs.write("/e", "")
    p = run(xenstored, "xenstore-exists", "/e", check=False)
    assert (p.returncode, p.stdout, p.stderr) == (0, "", "")
    p = run(xenstored, "xenstore-exists", "/e/none", check=False)
    assert (p.returncode, p.stdout, p.stderr) == (1, "", "")


def test_rm(xenstored, xs):
    xs.write("/r/a/b", "1")
    run(xenstored, "xenstore-rm", "/r/a")
    assert xs.directory("/r") == []
    p = run(xenstored, "xenstore-rm", "/r/x/y", check=False)
    assert p.returncode == 1
    assert p.stderr == "xenstore-rm: could not remove path /r/x/y\n"


def test_rm_tidy_removes_empty_parents(xenstored, xs):
    xs.write("/keep", "v")
    xs.write("/keep/u/v/w", "1")
    run(xenstored, "xenstore-rm", "-t", "/keep/u/v/w")
    # /keep/u/v and /keep/u were empty: gone.  /keep has a value: stays.
    assert xs.read("/keep") == b"v"
    assert xs.directory("/keep") == []


# ---- ls ----

def make_tree(xs):
    xs.write("/t", "")
    xs.write("/t/a", "1")
    xs.write("/t/a/b", "2")
    xs.write("/t/c", "")


def test_ls_tree(xenstored, xs):
    make_tree(xs)
    assert out(xenstored, "xenstore-ls", "/t") == \
        'a = "1"\n b = "2"\nc = ""\n'


def test_ls_full_paths(xenstored, xs):
    make_tree(xs)
    assert out(xenstored, "xenstore-ls", "-f", "/t") == \
        '/t/a = "1"\n/t/a/b = "2"\n/t/c = ""\n'


def padded(text):
    """Xen's -p padding: a space, then ". " dots up to column 60."""
    width = len(text) + 1
    pad = " "
    while width < 60:
        pad += "." if width & 1 else " "
        width += 1
    return text + pad


def test_ls_permissions(xenstored, xs):
    make_tree(xs)
    xs.set_perms("/t/c", ["n0", "r5"])
    expect = (padded('a = "1"') + "  (n0)\n" +
              padded(' b = "2"') + "  (n0)\n" +
              padded('c = ""') + "  (n0,r5)\n")
    assert out(xenstored, "xenstore-ls", "-p", "/t") == expect
    assert out(xenstored, "xenstore-ls", "-f", "-p", "/t/a") == \
        '/t/a/b = "2"   (n0)\n'


def test_ls_truncates_long_values(xenstored, xs):
    xs.write("/t/long", "x" * 100)
    line = out(xenstored, "xenstore-ls", "/t")
    # Width 80 when stdout is not a terminal: 80 - 8 - len("long").
    assert line == 'long = "' + "x" * 68 + '\\..."\n'
    assert out(xenstored, "xenstore-ls", "-f", "/t") == \
        '/t/long = "' + "x" * 100 + '"\n'


def test_ls_root_and_missing(xenstored, xs):
    xs.write("/zz", "top")
    assert 'zz = "top"\n' in out(xenstored, "xenstore-ls")
    p = run(xenstored, "xenstore-ls", "/missing", check=False)
    assert p.returncode == 1
    assert p.stderr.startswith("xenstore-ls: xs_directory (/missing): ")


# ---- chmod ----

def test_chmod(xenstored, xs):
    xs.write("/c/d/e", "1")
    run(xenstored, "xenstore-chmod", "/c/d", "n0", "r5", "b7")
    assert xs.get_perms("/c/d") == ["n0", "r5", "b7"]
    assert xs.get_perms("/c/d/e") == ["n0"]         # not recursive


def test_chmod_recursive_and_upto(xenstored, xs):
    xs.write("/c/d/e", "1")
    run(xenstored, "xenstore-chmod", "-r", "/c/d", "r0")
    assert xs.get_perms("/c/d") == ["r0"]
    assert xs.get_perms("/c/d/e") == ["r0"]
    assert xs.get_perms("/c") == ["n0"]
    run(xenstored, "xenstore-chmod", "-u", "/c/d/e", "w3")
    assert [xs.get_perms(p) for p in ("/c", "/c/d", "/c/d/e")] == \
        [["w3"]] * 3


def test_chmod_bad_spec(xenstored, xs):
    xs.write("/c", "")
    p = run(xenstored, "xenstore-chmod", "/c", "x5", check=False)
    assert p.returncode == 1
    assert p.stderr == "xenstore-chmod: Invalid permission specification: 'x'\n"
    assert xs.get_perms("/c") == ["n0"]
    p = run(xenstored, "xenstore-chmod", "/c/none/deeper", "r0", check=False)
    assert p.returncode == 1
    assert "Error occurred setting permissions on '/c/none/deeper'" in p.stderr


# ---- watch ----

class Watcher:
    def __init__(self, daemon, *args):
        env = dict(os.environ, XENSTORED_PATH=daemon.socket)
        self.proc = subprocess.Popen([tool("xenstore-watch")] + list(args),
                                     env=env, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True)

    def line(self, timeout=5.0):
        ready, _, _ = select.select([self.proc.stdout], [], [], timeout)
        assert ready, "xenstore-watch printed nothing in time"
        return self.proc.stdout.readline()

    def stop(self):
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(timeout=5)
        self.proc.stdout.close()
        self.proc.stderr.close()


def test_watch_streams_paths(xenstored, xs):
    w = Watcher(xenstored, "/w")
    try:
        assert w.line() == "/w\n"           # every watch fires once at start
        xs.write("/w/a", "1")
        assert w.line() == "/w/a\n"
        xs.write("/w/b", "2")
        assert w.line() == "/w/b\n"
        xs.write("/other", "3")             # not below /w: no line
        xs.rm("/w/a")
        assert w.line() == "/w/a\n"
    finally:
        w.stop()


def test_watch_count_exits(xenstored, xs):
    w = Watcher(xenstored, "-n", "2", "/w")
    try:
        assert w.line() == "/w\n"
        xs.write("/w/x", "1")
        assert w.line() == "/w/x\n"
        assert w.proc.wait(timeout=5) == 0
    finally:
        w.stop()


def test_watch_ends_when_daemon_goes(xenstored_factory):
    d = xenstored_factory()
    w = Watcher(d, "/w")
    try:
        assert w.line() == "/w\n"
        xenstored_factory.stop(d)
        assert w.proc.wait(timeout=5) == 1
        assert "lost the connection" in w.proc.stderr.read()
    finally:
        w.stop()


# ---- the multi-call binary and general errors ----

def test_multicall_first_argument(xenstored, xs):
    xs.write("/m", "v")
    assert out(xenstored, "xenstore", "read", "/m") == "v\n"
    assert out(xenstored, "xenstore", "ls", "-f", "/") .count("/m = \"v\"") == 1
    p = run(xenstored, "xenstore", "bogus", check=False)
    assert p.returncode == 1
    assert "unknown mode bogus" in p.stderr
    p = run(xenstored, "xenstore", check=False)
    assert p.returncode == 1
    assert "Usage:" in p.stderr


def test_usage_and_bad_options(xenstored):
    p = run(xenstored, "xenstore-read", "-h", check=False)
    assert p.returncode == 0
    assert "Usage:" in p.stderr and "[-p]" in p.stderr
    p = run(xenstored, "xenstore-read", check=False)          # no key
    assert p.returncode == 1 and "Usage:" in p.stderr
    p = run(xenstored, "xenstore-read", "-t", "/a", check=False)  # rm's
    assert p.returncode == 1 and "Usage:" in p.stderr
    p = run(xenstored, "xenstore-chmod", "/a", check=False)   # no perms
    assert p.returncode == 1 and "Usage:" in p.stderr


def test_no_daemon_is_a_clear_error(tmp_path):
    env = dict(os.environ, XENSTORED_PATH=str(tmp_path / "no-socket"))
    p = subprocess.run([tool("xenstore-read"), "/a"], env=env,
                       capture_output=True, text=True, timeout=10)
    assert p.returncode == 1
    assert "xs_open" in p.stderr and str(tmp_path / "no-socket") in p.stderr
