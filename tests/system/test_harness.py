# SPDX-License-Identifier: GPL-2.0-only
"""Tests of the QEMU harness itself (scripts/keel-qemu, scripts/keelqemu.py)
against a tiny multiboot2 kernel built here from source, so they do not
depend on the state of the hypervisor.

The test kernel prints "mbtest: cmdline "<cmdline>"" and one
"mbtest: module "<cmdline>" <bytes> bytes" line per module, then obeys
words of its command line: "echo" (prompt "prompt> ", read a line, print
"got: <line>"), "halt", "reset" (via port 0xcf9), "poweroff" (print Keel's
"poweroff: entering ACPI S5" line and power off through the q35 ACPI PM1
control register, as Keel does) or "exit=<N>" (write N to the
isa-debug-exit port 0xf4)."""
import os
import subprocess
import sys
import time

import pytest

from keel_system import REPO, keelqemu

KEEL_QEMU = str(REPO / "scripts" / "keel-qemu")
TIMEOUT = 120

HEADER_S = r"""
    .section .mbhdr, "a"
    .align 8
hdr:
    .long 0xe85250d6, 0, hdr_end - hdr, -(0xe85250d6 + (hdr_end - hdr))
    .short 0, 0
    .long 8
hdr_end:
    .text
    .code32
    .globl _start
_start:
    mov $stack_top, %esp
    push %ebx
    call kmain
1:  cli
    hlt
    jmp 1b
    .bss
    .align 16
    .space 8192
stack_top:
    .section .note.GNU-stack, "", @progbits
"""

KERNEL_C = r"""
typedef unsigned int u32;
typedef unsigned char u8;
static void outb(unsigned short p, u8 v) { __asm__ volatile("outb %0,%1" :: "a"(v), "Nd"(p)); }
static void outw(unsigned short p, unsigned short v) { __asm__ volatile("outw %0,%1" :: "a"(v), "Nd"(p)); }
static void outl(unsigned short p, u32 v) { __asm__ volatile("outl %0,%1" :: "a"(v), "Nd"(p)); }
static u8 inb(unsigned short p) { u8 v; __asm__ volatile("inb %1,%0" : "=a"(v) : "Nd"(p)); return v; }
static void putc(char c) { if (c == '\n') putc('\r'); while (!(inb(0x3fd) & 0x20)); outb(0x3f8, c); }
static void puts(const char *s) { while (*s) putc(*s++); }
static char getc(void) { while (!(inb(0x3fd) & 1)); return inb(0x3f8); }
static void putu(u32 v) { char b[12]; int i = 11; b[i] = 0; do { b[--i] = '0' + v % 10; v /= 10; } while (v); puts(b + i); }
static const char *find(const char *s, const char *w) {
    for (; *s; s++) { const char *a = s, *b = w; while (*b && *a == *b) { a++; b++; } if (!*b) return a; }
    return 0;
}
static void halt(void) { for (;;) __asm__ volatile("cli; hlt"); }
void kmain(u32 info) {
    const char *cmd = "";
    for (u32 p = info + 8;; ) {
        u32 type = *(u32 *)p, size = *(u32 *)(p + 4);
        if (type == 0) break;
        if (type == 1) cmd = (const char *)(p + 8);
        p += (size + 7) & ~7u;
    }
    puts("mbtest: cmdline \""); puts(cmd); puts("\"\n");
    for (u32 p = info + 8;; ) {
        u32 type = *(u32 *)p, size = *(u32 *)(p + 4);
        if (type == 0) break;
        if (type == 3) {
            puts("mbtest: module \""); puts((const char *)(p + 16)); puts("\" ");
            putu(*(u32 *)(p + 12) - *(u32 *)(p + 8)); puts(" bytes\n");
        }
        p += (size + 7) & ~7u;
    }
    if (find(cmd, "echo")) {
        char buf[64]; int n = 0; char c;
        puts("prompt> ");
        while ((c = getc()) != '\r' && c != '\n' && n < 63) buf[n++] = c;
        buf[n] = 0;
        puts("\ngot: "); puts(buf); puts("\n");
    }
    if (find(cmd, "halt")) { puts("mbtest: halting\n"); halt(); }
    if (find(cmd, "reset")) { puts("mbtest: resetting\n"); outb(0xcf9, 0x06); halt(); }
    /* SeaBIOS puts the ICH9 PM block at 0x600; SLP_TYP 0 is QEMU's S5. */
    if (find(cmd, "poweroff")) { puts("poweroff: entering ACPI S5\n"); outw(0x604, 1u << 13); halt(); }
    const char *e = find(cmd, "exit=");
    if (e) { u32 v = 0; while (*e >= '0' && *e <= '9') v = v * 10 + (u32)(*e++ - '0');
             puts("mbtest: exit "); putu(v); puts("\n"); outl(0xf4, v); }
    puts("mbtest: nothing to do\n");
    halt();
}
"""

LINK_LDS = """
ENTRY(_start)
SECTIONS {
    . = 0x100000;
    .mbhdr : { *(.mbhdr) }
    .text : { *(.text*) }
    .rodata : { *(.rodata*) }
    .data : { *(.data*) }
    .bss : { *(.bss*) *(COMMON) }
}
"""


@pytest.fixture(scope="session")
def mbtest(tmp_path_factory):
    """Path of the multiboot2 test kernel, built with the host toolchain."""
    d = tmp_path_factory.mktemp("mbtest")
    (d / "head.S").write_text(HEADER_S)
    (d / "kernel.c").write_text(KERNEL_C)
    (d / "link.lds").write_text(LINK_LDS)
    cflags = ["-m32", "-ffreestanding", "-fno-pic", "-fno-pie", "-O2", "-nostdlib",
              "-fno-stack-protector", "-fcf-protection=none", "-c"]
    for cmd in (["gcc"] + cflags + ["-o", "kernel.o", "kernel.c"],
                ["gcc", "-m32", "-c", "-o", "head.o", "head.S"],
                ["ld", "-m", "elf_i386", "-T", "link.lds", "--no-warn-rwx-segments",
                 "-o", "mbtest", "head.o", "kernel.o"]):
        r = subprocess.run(cmd, cwd=d, capture_output=True, text=True)
        assert r.returncode == 0, f"building the test kernel failed: {' '.join(cmd)}\n{r.stderr}"
    return str(d / "mbtest")


def run_cli(*args, timeout=TIMEOUT):
    return subprocess.run([sys.executable, KEEL_QEMU] + list(args), capture_output=True,
                          text=True, stdin=subprocess.DEVNULL, timeout=timeout)


# -- the class ----------------------------------------------------------------

def test_status_from_debug_exit_port(mbtest):
    with keelqemu.KeelQemu("exit=42", keel=mbtest) as q:
        q.expect(r'^mbtest: cmdline "exit=42"$', TIMEOUT)
        assert q.wait_exit(TIMEOUT) == 42
        assert q.returncode == 42 * 2 + 1


def test_status_zero_is_not_mistaken_for_a_start_failure(mbtest):
    with keelqemu.KeelQemu("exit=0", keel=mbtest) as q:
        assert q.wait_exit(TIMEOUT) == 0


def test_command_line_reaches_the_kernel_literally(mbtest):
    # GRUB expands nothing ($x stays), joins words with one space and puts a
    # backslash before quotes and backslashes.
    with keelqemu.KeelQemu("a=1   $x 'q' b\\c exit=0", keel=mbtest) as q:
        m = q.expect(r'^mbtest: cmdline "(.*)"$', TIMEOUT)
        assert m.group(1) == "a=1 $x \\'q\\' b\\\\c exit=0"


def test_modules_and_their_command_lines(mbtest, tmp_path):
    first = tmp_path / "kernel.img"
    first.write_bytes(b"k" * 1000)
    second = tmp_path / "sub"
    second.mkdir()
    (second / "kernel.img").write_bytes(b"i" * 3000)       # same base name
    mods = [(str(first), "root=/dev/xvda console=hvc0"), str(second / "kernel.img")]
    with keelqemu.KeelQemu("exit=0", modules=mods, keel=mbtest) as q:
        q.expect(r'^mbtest: module "root=/dev/xvda console=hvc0" 1000 bytes$', TIMEOUT)
        q.expect(r'^mbtest: module "" 3000 bytes$', TIMEOUT)
        assert q.wait_exit(TIMEOUT) == 0


def test_expect_all_takes_lines_in_any_order(mbtest, tmp_path):
    first = tmp_path / "a"
    first.write_bytes(b"a" * 100)
    second = tmp_path / "b"
    second.write_bytes(b"b" * 200)
    with keelqemu.KeelQemu("halt", modules=[str(first), str(second)], keel=mbtest) as q:
        late, early = q.expect_all([r'^mbtest: module "" 200 bytes$',
                                    r'^mbtest: module "" 100 bytes$'], TIMEOUT)
        assert early.start() < late.start()
        q.expect_not("module", within=1)                # continues after the later one
        with pytest.raises(keelqemu.ExpectTimeout, match="/never/") as e:
            q.expect_all(["halting", "never"], 2)
        assert "/halting/" not in str(e.value)          # names only what is missing


def test_expect_timeout_names_the_pattern(mbtest):
    with keelqemu.KeelQemu("halt", keel=mbtest) as q:
        q.expect("mbtest: halting", TIMEOUT)
        t = time.monotonic()
        with pytest.raises(keelqemu.ExpectTimeout, match="never-printed"):
            q.expect("never-printed", 2)
        assert 1.9 <= time.monotonic() - t < 30
        assert q.running


def test_expect_fails_at_once_when_qemu_exits(mbtest):
    with keelqemu.KeelQemu("exit=3", keel=mbtest) as q:
        with pytest.raises(keelqemu.QemuExited, match="Keel status 3"):
            q.expect("never-printed", TIMEOUT)


def test_expect_not(mbtest):
    with keelqemu.KeelQemu("halt", keel=mbtest) as q:
        q.expect("mbtest: cmdline", TIMEOUT)
        with pytest.raises(keelqemu.UnexpectedMatch):
            q.expect_not("halting", within=TIMEOUT)
        t = time.monotonic()
        q.expect_not("mbtest: cmdline", within=2)       # only after the last match
        assert time.monotonic() - t >= 1.9


def test_send_types_to_the_guest(mbtest):
    with keelqemu.KeelQemu("echo exit=0", keel=mbtest) as q:
        q.expect("prompt> ", TIMEOUT)
        q.send("hello there\n")
        q.expect(r"^got: hello there$", TIMEOUT)
        assert q.wait_exit(TIMEOUT) == 0


def test_time_at_is_when_the_text_arrived(mbtest):
    with keelqemu.KeelQemu("echo exit=0", keel=mbtest) as q:
        prompt = q.expect("prompt> ", TIMEOUT)
        time.sleep(1)
        q.send("late\n")
        got = q.expect(r"^got: late$", TIMEOUT)
        assert q.time_at(got.start()) - q.time_at(prompt.start()) >= 1.0
        assert q.time_at(0) <= q.time_at(prompt.start()) <= time.monotonic()
        with pytest.raises(ValueError):
            q.time_at(len(q.output) + 100)
        assert q.wait_exit(TIMEOUT) == 0


def test_reset_ends_qemu_unless_reboot_allowed(mbtest):
    with keelqemu.KeelQemu("reset", keel=mbtest, poweroff=None) as q:
        q.expect("mbtest: resetting", TIMEOUT)
        assert q.wait_exit(TIMEOUT) == 0            # QEMU's own exit code is 0
        assert q.returncode == 0
    with keelqemu.KeelQemu("reset", keel=mbtest, allow_reboot=True) as q:
        q.expect("mbtest: resetting", TIMEOUT)
        q.expect("mbtest: resetting", TIMEOUT)
        assert q.running


def test_reset_is_not_a_clean_exit(mbtest):
    """Exit 0 after a reset (no poweroff line) is MachineReset, not status 0:
    a crash while powering off must not pass for a power-off."""
    with keelqemu.KeelQemu("reset", keel=mbtest) as q:
        q.expect("mbtest: resetting", TIMEOUT)
        with pytest.raises(keelqemu.MachineReset, match="reset or triple-faulted"):
            q.wait_exit(TIMEOUT)
        assert q.returncode == 0


def test_acpi_poweroff_with_keels_line_is_status_zero(mbtest):
    with keelqemu.KeelQemu("poweroff", keel=mbtest) as q:
        q.expect(keelqemu.POWEROFF_LINE, TIMEOUT)
        assert q.wait_exit(TIMEOUT) == 0
        assert q.returncode == 0                    # the S5 write, not isa-debug-exit


def test_close_kills_qemu(mbtest):
    q = keelqemu.KeelQemu("halt", keel=mbtest).start()
    q.expect("mbtest: halting", TIMEOUT)
    pid = q._proc.pid
    q.close()
    assert q._proc.returncode is not None
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


def test_grub_failure_is_reported(tmp_path):
    bogus = tmp_path / "not-multiboot"
    bogus.write_bytes(b"\0" * 4096)
    with keelqemu.KeelQemu("", keel=str(bogus)) as q:
        with pytest.raises(keelqemu.GrubFailed):
            q.expect("never-printed", TIMEOUT)


def test_missing_hypervisor_is_a_clear_error(tmp_path):
    with pytest.raises(keelqemu.KeelQemuError, match="no such file"):
        keelqemu.KeelQemu("", keel=str(tmp_path / "nothing")).start()


def test_output_has_no_escape_sequences_or_carriage_returns(mbtest):
    with keelqemu.KeelQemu("exit=0", keel=mbtest) as q:
        q.wait_exit(TIMEOUT)
        assert "\x1b" not in q.output and "\r" not in q.output
        assert "Booting `Keel'" in q.output              # GRUB's own console


# -- the command line -------------------------------------------------------------

def test_cli_exit_status_and_log(mbtest, tmp_path):
    log = tmp_path / "console.log"
    r = run_cli("--keel", mbtest, "--log", str(log), "exit=7")
    assert r.returncode == 7, r.stderr
    assert 'mbtest: cmdline "exit=7"' in r.stdout
    assert 'mbtest: exit 7' in log.read_text()


def test_cli_reset_is_123(mbtest):
    r = run_cli("--keel", mbtest, "reset")
    assert r.returncode == 123, r.stderr
    assert "reset or triple-faulted" in r.stderr
    r = run_cli("--keel", mbtest, "poweroff")
    assert r.returncode == 0, r.stderr


def test_cli_timeout_is_124(mbtest):
    r = run_cli("--keel", mbtest, "--timeout", "3", "halt")
    assert r.returncode == 124
    assert "timeout" in r.stderr


def test_cli_expect_and_answer(mbtest):
    r = run_cli("--keel", mbtest, "--answer", "prompt> =typed text",
                "--expect", "^got: typed text$", "echo exit=0")
    assert r.returncode == 0, r.stderr


def test_cli_expect_names_missing_pattern(mbtest):
    r = run_cli("--keel", mbtest, "--expect", "no-such-line", "exit=0")
    assert r.returncode != 0
    assert "/no-such-line/" in r.stderr


def test_cli_stop_after_expect(mbtest):
    r = run_cli("--keel", mbtest, "--expect", "halting", "--stop-after-expect", "halt")
    assert r.returncode == 0, r.stderr


def test_cli_qemu_start_failure(mbtest):
    r = run_cli("--keel", mbtest, "--qemu-arg=-no-such-option", "exit=0")
    assert r.returncode == 125
    assert "no-such-option" in r.stderr


def test_cli_drops_comment_lines_of_the_command_line(mbtest):
    r = run_cli("--keel", mbtest, "# SPDX comment\nexit=0\n# more\n")
    assert r.returncode == 0, r.stderr
    assert 'mbtest: cmdline "exit=0"' in r.stdout


def test_cli_make_iso(mbtest, tmp_path):
    iso = tmp_path / "keel.iso"
    r = run_cli("--keel", mbtest, "--make-iso", str(iso), "loglvl=info")
    assert r.returncode == 0, r.stderr
    cfg = tmp_path / "grub.cfg"
    x = subprocess.run(["xorriso", "-osirrox", "on", "-indev", str(iso), "-extract",
                        "/boot/grub/grub.cfg", str(cfg)], capture_output=True, text=True)
    assert x.returncode == 0, x.stderr
    assert "multiboot2 /boot/keel 'loglvl=info'" in cfg.read_text()


def test_cli_interactive_ctrl_a_x_quits(mbtest):
    import pty
    import select
    pid, fd = pty.fork()
    if pid == 0:
        os.execv(sys.executable, [sys.executable, KEEL_QEMU, "--keel", mbtest,
                                  "--interactive", "--timeout", "0", "echo halt"])
    try:
        seen = b""
        deadline = time.monotonic() + TIMEOUT
        step = [(b"prompt> ", b"abc\r"), (b"mbtest: halting", b"\x01x")]
        while step and time.monotonic() < deadline:
            if select.select([fd], [], [], 0.5)[0]:
                seen += os.read(fd, 4096)
            if step[0][0] in seen:
                os.write(fd, step.pop(0)[1])
        assert not step, f"interactive session stalled: {seen[-500:]!r}"
        assert b"got: abc" in seen
        while time.monotonic() < deadline:
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                assert os.waitstatus_to_exitcode(status) == 0
                pid = None
                break
            if select.select([fd], [], [], 0.2)[0]:
                try:
                    os.read(fd, 4096)
                except OSError:
                    pass
        assert pid is None, "keel-qemu did not exit after Ctrl-A X"
    finally:
        if pid:
            os.kill(pid, 9)
            os.waitpid(pid, 0)
        os.close(fd)

