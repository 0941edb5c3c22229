# SPDX-License-Identifier: GPL-2.0-only
"""Boot Keel under QEMU: the one harness for tests, benchmarks and people.

Owns building the throw-away GRUB rescue ISO (from config/grub.cfg.in), the
QEMU command line, reading the serial console incrementally with deadlines,
pattern waits, typed answers, and turning QEMU's exit code into the status
Keel reported on the isa-debug-exit port (0xf4).

QEMU exits 0 both after Keel's ACPI S5 power-off and, under -no-reboot (the
default here), after a reset or a triple fault.  Keel prints POWEROFF_LINE
just before its S5 write (hypervisor/arch/x86/power.c), so status 0 is only
reported when the console shows that line; an exit 0 without it raises
MachineReset.

    with KeelQemu("loglvl=info selftest") as q:
        q.expect(r"selftest: \\d+ passed", timeout=120)
        assert q.wait_exit(60) == 0

scripts/keel-qemu is the command-line front end of this module.
"""
import atexit
import bisect
import codecs
import ctypes
import os
import re
import select
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import weakref
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_KEEL = REPO / "build" / "keel"
GRUB_TEMPLATE = REPO / "config" / "grub.cfg.in"
GRUB_PLATFORM_DIR = Path("/usr/lib/grub/i386-pc")
QEMU = "qemu-system-x86_64"
CPU = "EPYC-Milan,+svm,+npt"
# Printed by the fallback entry of config/grub.cfg.in.
GRUB_FAILED = "keel-qemu: GRUB could not boot Keel"
# Keel's last line before it powers the machine off through ACPI S5 with
# status 0 (machine_poweroff() in hypervisor/arch/x86/power.c; a non-zero
# status leaves through isa-debug-exit first).  Printed at loglvl=info and
# above (the default).
POWEROFF_LINE = r"^poweroff: entering ACPI S5\s*$"
# GRUB modules the ISO needs at run time (besides the partition maps that
# grub-mkrescue's embedded configuration loads).
GRUB_MODULES = ["multiboot2", "normal", "serial", "terminal", "echo", "sleep"]
DEFAULT_EXPECT_TIMEOUT = 120.0
MACHINES = ("q35", "pc")

# Terminal escape sequences (GRUB and SeaBIOS paint the screen with them).
_ESCAPE = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|[()#][0-9A-Za-z]|[^\[()#])")
_PARTIAL_ESCAPE = re.compile(r"\x1b(?:\[[0-?]*[ -/]*|[()#])?\Z")
_TCG_WARNING = re.compile(r"warning: TCG doesn't support requested feature")
_MEM = re.compile(r"^([1-9][0-9]*)([KMGT]?)$")


class KeelQemuError(Exception):
    """Anything that went wrong booting or watching Keel."""


class QemuStartError(KeelQemuError):
    """QEMU did not start (bad option, missing file...)."""


class QemuExited(KeelQemuError):
    """QEMU ended while a pattern was still awaited."""


class ExpectTimeout(KeelQemuError):
    """A deadline passed."""


class UnexpectedMatch(KeelQemuError):
    """expect_not() saw the pattern."""


class GrubFailed(KeelQemuError):
    """GRUB printed errors and fell back instead of booting Keel."""


class MachineReset(KeelQemuError):
    """QEMU exited 0 but Keel never said it was powering off: the machine
    reset or triple-faulted (with -no-reboot QEMU ends instead of rebooting)."""


def exit_status(rc, output, stderr_lines=(), console_bytes=None,
                poweroff=POWEROFF_LINE, argv=()):
    """Keel's exit status from QEMU's exit code rc and the console output.

    isa-debug-exit makes QEMU exit with (status << 1) | 1.  Exit 0 is a
    power-off only when the console has the poweroff pattern (None: take
    any exit 0 as a power-off), else MachineReset.  Raises QemuStartError
    when QEMU could not start (exit 1 with a complaint and no console
    output) and KeelQemuError for any other failure of QEMU's."""
    if console_bytes is None:
        console_bytes = len(output)
    start_failed = rc == 1 and console_bytes == 0 and any(stderr_lines)
    command = "\ncommand: " + " ".join(argv) if argv else ""
    if rc == 0:
        if poweroff is None or re.search(poweroff, output, re.M):
            return 0
        tail = output[-1500:]
        raise MachineReset(
            f"QEMU exited 0 but the console never showed /{poweroff}/: the machine "
            "reset or triple-faulted instead of powering off (without allow_reboot "
            "QEMU ends at a reset; Keel prints the line at loglvl=info and above)"
            f"\n--- console (last {len(tail)} chars) ---\n{tail}\n--- end ---")
    if start_failed:
        raise QemuStartError(f"QEMU could not start (exit code {rc}):\n"
                             + "\n".join(stderr_lines) + command)
    if rc > 0 and rc & 1:
        return rc >> 1
    what = f"killed by signal {-rc}" if rc < 0 else f"exit code {rc}"
    raise KeelQemuError(f"QEMU failed ({what}):\n" + "\n".join(stderr_lines) + command)


def mem_bytes(size):
    """QEMU -m SIZE in bytes ("512M", "6G"; no suffix means MiB)."""
    m = _MEM.match(str(size))
    if not m:
        raise ValueError(f"memory size {size!r}: use a number with an optional "
                         "K, M, G or T suffix, e.g. 512M or 6G")
    shift = {"K": 10, "": 20, "M": 20, "G": 30, "T": 40}[m.group(2)]
    return int(m.group(1)) << shift


def parse_module(spec):
    """A module as "PATH[,CMDLINE]" or (path, cmdline) -> (path, cmdline)."""
    if isinstance(spec, (tuple, list)):
        path, cmdline = (list(spec) + [""])[:2]
        return str(path), cmdline or ""
    path, _, cmdline = str(spec).partition(",")
    return path, cmdline


def grub_quote(word):
    """One word for GRUB's script parser, taken literally (no $ expansion)."""
    return "'" + word.replace("'", "'\\''") + "'"


def grub_args(cmdline):
    """A command line as GRUB arguments.  GRUB joins the words with single
    spaces, so runs of white space collapse; it passes quotes and
    backslashes on with a backslash in front."""
    return " ".join(grub_quote(w) for w in cmdline.split())


def _graft_escape(path):
    return str(path).replace("\\", "\\\\").replace("=", "\\=")


def _iso_names(modules):
    """A distinct, GRUB-friendly file name under /boot for each module."""
    names, seen = [], set()
    for i, (path, _) in enumerate(modules):
        base = re.sub(r"[^A-Za-z0-9._-]", "_", os.path.basename(path)) or "module"
        name = base if base not in seen and base != "keel" else f"{i}-{base}"
        seen.add(name)
        names.append(name)
    return names


def render_grub_cfg(cmdline, modules, template=GRUB_TEMPLATE):
    """grub.cfg text and the (iso name, host path) files it refers to."""
    modules = [parse_module(m) for m in modules]
    names = _iso_names(modules)
    lines = []
    for name, (_, mcmd) in zip(names, modules):
        args = grub_args(mcmd)
        lines.append(f"    module2 /boot/{name}" + (f" {args}" if args else ""))
    text = Path(template).read_text()
    text = text.replace("@KEEL_ARGS@", grub_args(cmdline))
    text = text.replace("@MODULE_LINES@\n", "".join(l + "\n" for l in lines))
    files = [(f"boot/{n}", p) for n, (p, _) in zip(names, modules)]
    return text, files


def _check_file(path, what):
    if not os.path.isfile(path):
        hint = " (run 'make' first)" if what == "hypervisor" else ""
        raise KeelQemuError(f"{what} {path}: no such file{hint}")


def _grub_modules():
    partmaps = GRUB_PLATFORM_DIR / "partmap.lst"
    extra = partmaps.read_text().split() if partmaps.exists() else []
    return GRUB_MODULES + extra


def build_iso(iso, keel=DEFAULT_KEEL, cmdline="", modules=(), template=GRUB_TEMPLATE):
    """Write a BIOS-only GRUB rescue ISO booting keel with the modules."""
    _check_file(keel, "hypervisor")
    for m in modules:
        _check_file(parse_module(m)[0], "module")
    if not shutil.which("grub-mkrescue") or not GRUB_PLATFORM_DIR.is_dir():
        raise KeelQemuError("grub-mkrescue or /usr/lib/grub/i386-pc is missing: "
                            "install grub-common, grub-pc-bin and xorriso (make deps)")
    text, files = render_grub_cfg(cmdline, modules, template)
    with tempfile.TemporaryDirectory(prefix="keel-iso-") as tmp:
        cfg = Path(tmp, "boot", "grub", "grub.cfg")
        cfg.parent.mkdir(parents=True)
        cfg.write_text(text)
        grafts = [f"boot/keel={_graft_escape(os.path.abspath(keel))}"]
        grafts += [f"{n}={_graft_escape(os.path.abspath(p))}" for n, p in files]
        argv = ["grub-mkrescue", "-d", str(GRUB_PLATFORM_DIR), "-o", str(iso),
                "--install-modules=" + " ".join(_grub_modules()),
                "--locales=", "--fonts=", "--themes=", "--compress=no",
                tmp] + grafts
        proc = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              text=True, errors="replace")
        if proc.returncode != 0:
            raise KeelQemuError(f"grub-mkrescue failed (exit {proc.returncode}):\n"
                                + proc.stdout.strip())
    return str(iso)


def qemu_argv(iso, smp=1, mem="512M", machine="q35", allow_reboot=False, extra=()):
    if machine not in MACHINES:
        raise ValueError(f"machine {machine!r}: use one of {', '.join(MACHINES)}")
    mem_bytes(mem)
    argv = [QEMU, "-M", machine, "-cpu", CPU, "-accel", "tcg",
            "-smp", str(int(smp)), "-m", str(mem), "-nographic", "-nic", "none"]
    if not allow_reboot:
        argv.append("-no-reboot")
    argv += ["-device", "isa-debug-exit,iobase=0xf4,iosize=0x04",
             "-boot", "d", "-cdrom", str(iso)]
    return argv + list(extra)


def _die_with_parent():
    """In the child: have the kernel kill QEMU if we die without cleaning up
    (strictly: when the thread that started it ends)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)        # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _read_batch(fd, settle=0.005, limit=65536):
    """Block for console bytes, then gather what follows within `settle`
    seconds (QEMU writes the serial port a byte at a time); b"" at EOF."""
    try:
        data = os.read(fd, limit)
        while data and len(data) < limit and select.select([fd], [], [], settle)[0]:
            more = os.read(fd, limit - len(data))
            if not more:
                break                   # EOF: the next read reports it
            data += more
    except OSError:
        return b""
    return data


class _StreamCleaner:
    """Removes escape sequences and carriage returns from a console stream,
    holding back an escape sequence split across reads."""

    def __init__(self):
        self._carry = ""

    def feed(self, text, final=False):
        text = self._carry + text
        self._carry = ""
        esc = text.rfind("\x1b")
        if not final and esc >= 0 and _PARTIAL_ESCAPE.match(text, esc):
            text, self._carry = text[:esc], text[esc:]
        return _ESCAPE.sub("", text).replace("\r", "")


_live = weakref.WeakSet()


@atexit.register
def _kill_leftovers():
    for q in list(_live):
        q.close()


class KeelQemu:
    """One QEMU running Keel from a fresh GRUB ISO; a context manager.

    .output is the console so far with escape sequences and carriage returns
    removed; expect() searches it from the end of the previous match."""

    def __init__(self, cmdline="", modules=(), smp=1, mem="512M", machine="q35",
                 allow_reboot=False, keel=None, qemu_args=(), log=None,
                 answers=(), on_text=None, on_raw=None, on_stderr=None,
                 poweroff=POWEROFF_LINE):
        self.cmdline = cmdline
        self.poweroff = poweroff        # see exit_status(); None trusts exit 0
        self.modules = [parse_module(m) for m in modules]
        self.smp, self.mem, self.machine = smp, mem, machine
        self.allow_reboot = allow_reboot
        self.keel = str(keel or DEFAULT_KEEL)
        self.qemu_args = list(qemu_args)
        self.argv = None
        self.started_at = None
        self._log_path = log
        self._log = None
        self._answers = [[re.compile(p, re.M), t, 0] for p, t in answers]
        self._on_text, self._on_raw, self._on_stderr = on_text, on_raw, on_stderr
        self._cond = threading.Condition()
        self._send_lock = threading.Lock()
        self._stderr_done = threading.Event()
        self._text = ""
        self._arrived_ends = []         # len(self._text) after each chunk ...
        self._arrived_times = []        # ... and time.monotonic() when it came
        self._raw_len = 0
        self._pos = 0
        self._stderr = []
        self._eof = False
        self._grub_failed = False
        self._proc = None
        self._threads = []
        self._tmp = None
        self._closed = False

    # -- life cycle -------------------------------------------------------
    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.close()

    def start(self):
        """Build the ISO and start QEMU; on failure nothing is left behind."""
        try:
            return self._start()
        except BaseException:
            self.close()
            raise

    def _start(self):
        qemu_argv("x", self.smp, self.mem, self.machine)     # validate early
        if not shutil.which(QEMU):
            raise QemuStartError(f"{QEMU} not found: install qemu-system-x86 (make deps)")
        self._tmp = tempfile.mkdtemp(prefix="keel-qemu-")
        iso = build_iso(os.path.join(self._tmp, "keel.iso"), self.keel,
                        self.cmdline, self.modules)
        self.argv = qemu_argv(iso, self.smp, self.mem, self.machine,
                              self.allow_reboot, self.qemu_args)
        if self._log_path:
            self._log = open(self._log_path, "w", encoding="utf-8")
        _live.add(self)
        self.started_at = time.monotonic()
        self._proc = subprocess.Popen(
            self.argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, preexec_fn=_die_with_parent,
            start_new_session=True)
        for target in (self._read_console, self._read_stderr):
            t = threading.Thread(target=target, daemon=True)
            t.start()
            self._threads.append(t)
        return self

    def close(self):
        """Kill QEMU (if still running) and remove the temporary files."""
        if self._closed:
            return
        self._closed = True
        _live.discard(self)
        if self._proc is not None:
            if self._proc.poll() is None:
                self._proc.kill()
            try:
                self._proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                pass
            for t in self._threads:
                t.join(timeout=5)
            for f in (self._proc.stdin, self._proc.stdout, self._proc.stderr):
                try:
                    f.close()
                except OSError:
                    pass
        with self._cond:                    # a reader still running writes no more
            log, self._log = self._log, None
        if log:
            log.close()
        if self._tmp:
            shutil.rmtree(self._tmp, ignore_errors=True)

    # -- readers (threads) ------------------------------------------------
    def _read_console(self):
        fd = self._proc.stdout.fileno()
        decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        cleaner = _StreamCleaner()
        while True:
            chunk = _read_batch(fd)
            if chunk and self._on_raw:
                self._on_raw(chunk)
            text = cleaner.feed(decoder.decode(chunk, final=not chunk),
                                final=not chunk)
            self._ingest(text, len(chunk))
            if not chunk:
                break
        self._proc.wait()
        self._stderr_done.wait(timeout=5)    # QEMU's last complaint, if any
        with self._cond:
            self._eof = True
            self._cond.notify_all()

    def _ingest(self, text, nbytes):
        if text and self._on_text:
            self._on_text(text)
        with self._cond:
            if text and self._log:          # None once close() took it
                self._log.write(text)
                self._log.flush()
            self._raw_len += nbytes
            self._text += text
            if text:
                self._arrived_ends.append(len(self._text))
                self._arrived_times.append(time.monotonic())
            if GRUB_FAILED in self._text[-len(text) - len(GRUB_FAILED):]:
                self._grub_failed = True
            self._cond.notify_all()
        self._answer()

    def _answer(self):
        for rule in self._answers:
            rx, reply, _ = rule
            while True:
                m = rx.search(self._text, rule[2])
                if not m:
                    break
                rule[2] = max(m.end(), m.start() + 1)
                self.send(reply + "\n")

    def _read_stderr(self):
        for line in iter(self._proc.stderr.readline, b""):
            line = line.decode("utf-8", "replace").rstrip("\n")
            if _TCG_WARNING.search(line):
                continue
            with self._cond:
                self._stderr.append(line)
            if self._on_stderr:
                self._on_stderr(line)
        self._stderr_done.set()

    # -- queries ------------------------------------------------------------
    @property
    def output(self):
        with self._cond:
            return self._text

    @property
    def stderr(self):
        with self._cond:
            return "\n".join(self._stderr)

    def time_at(self, pos):
        """time.monotonic() when the console character at offset pos of
        .output (e.g. a match's start()) reached this process."""
        with self._cond:
            i = bisect.bisect_right(self._arrived_ends, pos)
            if i >= len(self._arrived_times):
                raise ValueError(f"offset {pos} is beyond the console so far")
            return self._arrived_times[i]

    @property
    def running(self):
        with self._cond:
            return self._proc is not None and not self._eof

    @property
    def grub_failed(self):
        with self._cond:
            return self._grub_failed

    @property
    def returncode(self):
        """QEMU's own exit code once it has ended, else None."""
        with self._cond:
            return self._proc.returncode if self._eof else None

    def _tail(self, n=2000):
        text = self._text[-n:]
        return "\n--- console (last %d chars) ---\n%s\n--- end ---" % (len(text), text)

    @staticmethod
    def _compile(pattern):
        return pattern if isinstance(pattern, re.Pattern) else re.compile(pattern, re.M)

    @staticmethod
    def _deadline(timeout):
        return None if timeout is None else time.monotonic() + timeout

    def _wait(self, deadline):
        """Wait on the condition (lock held) until notified or the deadline;
        False when the deadline has passed."""
        if deadline is None:
            self._cond.wait()
            return True
        left = deadline - time.monotonic()
        if left <= 0:
            return False
        self._cond.wait(left)
        return True

    def expect(self, pattern, timeout=DEFAULT_EXPECT_TIMEOUT):
        """Wait for pattern (re.M) after the previous match; return the match."""
        rx = self._compile(pattern)
        deadline = self._deadline(timeout)
        with self._cond:
            while True:
                m = rx.search(self._text, self._pos)
                if m:
                    self._pos = m.end()
                    return m
                if self._grub_failed:
                    raise GrubFailed(f"GRUB could not boot Keel while waiting for "
                                     f"/{rx.pattern}/" + self._tail())
                if self._eof:
                    raise QemuExited(f"QEMU exited ({self._describe_exit()}) before "
                                     f"/{rx.pattern}/ appeared" + self._tail())
                if not self._wait(deadline):
                    raise ExpectTimeout(f"/{rx.pattern}/ did not appear within "
                                        f"{timeout:g} s" + self._tail())

    def expect_all(self, patterns, timeout=DEFAULT_EXPECT_TIMEOUT):
        """Wait until every pattern has appeared after the previous match, in
        any order (domains running side by side interleave their lines);
        return the matches in the order of patterns.  The next expect starts
        after the last of them."""
        rxs = [self._compile(p) for p in patterns]
        found = [None] * len(rxs)
        deadline = self._deadline(timeout)
        with self._cond:
            while True:
                for i, rx in enumerate(rxs):
                    if found[i] is None:
                        found[i] = rx.search(self._text, self._pos)
                missing = [rx.pattern for rx, m in zip(rxs, found) if m is None]
                if not missing:
                    self._pos = max(m.end() for m in found)
                    return found
                what = ", ".join(f"/{p}/" for p in missing)
                if self._grub_failed:
                    raise GrubFailed(f"GRUB could not boot Keel while waiting for {what}"
                                     + self._tail())
                if self._eof:
                    raise QemuExited(f"QEMU exited ({self._describe_exit()}) before "
                                     f"{what} appeared" + self._tail())
                if not self._wait(deadline):
                    raise ExpectTimeout(f"{what} did not appear within {timeout:g} s"
                                        + self._tail())

    def expect_not(self, pattern, within):
        """Watch for `within` seconds (or until QEMU ends) that pattern does
        not appear after the previous match; raise UnexpectedMatch if it does."""
        rx = self._compile(pattern)
        deadline = self._deadline(within)
        with self._cond:
            while True:
                m = rx.search(self._text, self._pos)
                if m:
                    raise UnexpectedMatch(f"/{rx.pattern}/ appeared within "
                                          f"{within:g} s: {m.group(0)!r}" + self._tail())
                if self._eof or self._grub_failed or not self._wait(deadline):
                    return

    def send(self, text):
        self.send_bytes(text.encode("utf-8"))

    def send_bytes(self, data):
        with self._send_lock:
            try:
                self._proc.stdin.write(data)
                self._proc.stdin.flush()
            except (BrokenPipeError, ValueError, OSError):
                pass                      # QEMU already gone: nothing to type into

    def wait_exit(self, timeout=DEFAULT_EXPECT_TIMEOUT):
        """Wait for QEMU to end; return the status Keel reported (0 for a
        power-off with Keel's poweroff line; MachineReset for an exit 0
        without it, i.e. a reset or triple fault)."""
        deadline = self._deadline(timeout)
        with self._cond:
            while not self._eof:
                if self._grub_failed:
                    raise GrubFailed("GRUB could not boot Keel" + self._tail())
                if not self._wait(deadline):
                    raise ExpectTimeout(f"QEMU still running after {timeout:g} s"
                                        + self._tail())
        for t in self._threads:
            t.join(timeout=5)
        return self.status

    @property
    def status(self):
        """Keel's exit status from QEMU's exit code (QEMU must have ended);
        see exit_status()."""
        with self._cond:
            if not self._eof:
                raise KeelQemuError("QEMU is still running")
            return exit_status(self._proc.returncode, self._text, list(self._stderr),
                               self._raw_len, self.poweroff, self.argv or ())

    def _describe_exit(self):
        rc = self._proc.returncode
        if rc is None:
            return "still running"
        if rc < 0:
            return f"killed by signal {-rc}"
        if rc & 1:
            return f"exit code {rc}, Keel status {rc >> 1}"
        return f"exit code {rc}"
