# SPDX-License-Identifier: GPL-2.0-only
"""Tests of scripts/run-tests: each fixture of tests/runner/fixtures/ breaks
one rule (hangs, plans 50 and reports 1, skips, writes TAP-looking garbage on
stderr, exits non-zero after passing, dies of a signal, collects nothing,
errors in teardown...) and run-tests must count it as docs/testing.md says,
end with the closing line and exit non-zero on any failure.  run_run_tests
(runnerlib.py) checks the closing line of every run.  To stay fast, most TAP
programs and pytest directories share one run each (tap_run, suites_run);
the timeouts are tiny and given as options."""
import os
import re
import subprocess
import time
from pathlib import Path

import pytest

from runnerlib import REPO, copy_suite, run_run_tests, tap

# ---- TAP programs, all in one run ---------------------------------------------

# (fixture, its summary line, messages its report must contain)
TAP_CASES = [
    ("passes.sh", "2 passed, 0 failed", []),
    ("short_plan.sh", "1 passed, 1 failed",
     ["short_plan.sh: planned 50 tests, reported 1 (fewer than planned)"]),
    ("long_plan.sh", "3 passed, 1 failed",
     ["long_plan.sh: planned 1 tests, reported 3 (more than planned)"]),
    ("no_plan.sh", "2 passed, 1 failed", ["no_plan.sh: no TAP plan (1..N) for its 2 results"]),
    ("silent.sh", "0 passed, 1 failed", ["silent.sh: no TAP plan and no test results"]),
    ("plan_zero.sh", "0 passed, 1 failed", ["plan_zero.sh: planned no tests (1..0)"]),
    ("skip_all.sh", "0 passed, 0 failed, 1 skipped", ["SKIPPED", "no such hardware here"]),
    # "not ok # SKIP" is still a failure; the exit status 1 agrees with it.
    ("skip_todo.sh", "1 passed, 1 failed, 2 skipped", ["FAILED a failure is no skip"]),
    ("stderr_tap.sh", "1 passed, 0 failed", []),
    ("stderr_fail.sh", "0 passed, 1 failed",
     ["--- stderr of", "diagnosis: value 3 != 4", "FAILED broken"]),
    ("exit_nonzero.sh", "2 passed, 1 failed",
     ["exit_nonzero.sh: exit status 3 but no failed test reported"]),
    ("signal.sh", "1 passed, 1 failed",
     ["signal.sh: killed by SIGSEGV", "signal.sh: planned 2 tests, reported 1"]),
    ("bail_out.sh", "1 passed, 1 failed", ["bail_out.sh: bailed out: database unreachable"]),
    ("out_of_sequence.sh", "2 passed, 1 failed", ["test number 3 out of sequence (expected 2)"]),
    ("no-such-program", "0 passed, 1 failed", ["cannot run"]),
]


@pytest.fixture(scope="module")
def tap_run(tmp_path_factory):
    cwd = tmp_path_factory.mktemp("tap")
    args = []
    for name, _, _ in TAP_CASES:
        args += ["--program", tap(name)]
    return run_run_tests(cwd, *args)


@pytest.mark.parametrize("name,summary,messages", TAP_CASES, ids=[c[0] for c in TAP_CASES])
def test_tap_program_is_counted(tap_run, name, summary, messages):
    block = tap_run.block(name)
    assert tap_run.summary(name) == summary, block
    for message in messages:
        assert message in block


def test_tap_totals_and_failure_list(tap_run):
    assert tap_run.closing == "16 passed, 12 failed, 3 skipped"
    assert tap_run.status == 1
    # Every FAILED line of the reports is listed again right before the end.
    reported = [line for line in tap_run.lines if line.startswith("   FAILED ")]
    listed = [line for line in tap_run.lines if line.startswith("FAILED ")]
    assert len(listed) == len(reported) > 12
    assert tap_run.lines[-len(listed) - 1:-1] == listed


def test_stderr_is_neither_parsed_nor_shown_for_a_pass(tap_run):
    assert "garbage" not in tap_run.stdout


def test_hang_is_killed_at_the_program_timeout(run_tests):
    start = time.monotonic()
    r = run_tests("--timeout", "0.5", "--program", tap("hangs.sh"))
    assert time.monotonic() - start < 15
    block = r.block("hangs.sh")
    assert "hangs.sh: timed out after 0.5 s, killed" in block
    assert "planned 2 tests, reported 1 (fewer than planned)" in block
    assert "ok 1 - before the hang" in block              # the partial output
    assert r.closing == "1 passed, 1 failed"
    assert r.status == 1


def test_program_timeout_from_the_environment(run_tests):
    r = run_tests("--program", tap("hangs.sh"), env={"KEEL_TEST_TIMEOUT": "0.5"})
    assert "hangs.sh: timed out after 0.5 s, killed" in r.stdout
    assert r.closing == "1 passed, 1 failed"


# ---- the closing line and the exit status -------------------------------------


def test_all_passing_exits_0(run_tests):
    r = run_tests("--program", tap("passes.sh"), "--program", tap("stderr_tap.sh"))
    assert r.closing == "3 passed, 0 failed"
    assert r.status == 0


def test_empty_plan_is_fine_with_a_filter(run_tests):
    r = run_tests("--only", "nothing", "--program", tap("plan_zero.sh"),
                  "--program", tap("passes.sh"))
    assert r.closing == "2 passed, 0 failed"
    assert r.status == 0


def test_skipped_programs_do_not_fail_a_run(run_tests):
    r = run_tests("--program", tap("skip_all.sh"), "--program", tap("passes.sh"))
    assert r.closing == "2 passed, 0 failed, 1 skipped"
    assert r.status == 0


def test_only_skipped_means_nothing_ran(run_tests):
    r = run_tests("--program", tap("skip_all.sh"))
    assert r.lines[-2] == "run-tests: FAILED: no test ran"
    assert r.closing == "0 passed, 0 failed, 1 skipped"
    assert r.status == 1


def test_nothing_to_run_fails(run_tests):
    r = run_tests()
    assert r.lines[-2] == "run-tests: FAILED: no test ran"
    assert r.closing == "0 passed, 0 failed"
    assert r.status == 1


# ---- ABI rows -----------------------------------------------------------------


def test_abi_rows_are_counted_apart(run_tests):
    r = run_tests("--program", tap("passes.sh"), "--abi", tap("abi_rows.sh"))
    assert r.lines[-2] == "abi: 3 rows checked, 0 failed, 1 skipped"
    assert r.closing == "2 passed, 0 failed"
    assert r.status == 0


def test_failed_abi_row_fails_the_run(run_tests):
    r = run_tests("--program", tap("passes.sh"), "--abi", tap("abi_mismatch.sh"))
    assert r.lines[-4:-1] == [
        f"FAILED {tap('abi_mismatch.sh')}: xen.h: B",
        "abi: 3 rows checked, 1 failed",
        "run-tests: 1 failed ABI rows and 0 failed ABI programs are counted "
        "in the failed total below"]
    assert r.closing == "2 passed, 1 failed"
    assert r.status == 1


def test_broken_abi_program_fails_the_run(run_tests):
    r = run_tests("--program", tap("passes.sh"), "--abi", tap("short_plan.sh"))
    assert "abi: 1 rows checked, 0 failed" in r.lines
    assert "0 failed ABI rows and 1 failed ABI programs" in r.lines[-2]
    assert r.closing == "2 passed, 1 failed"
    assert r.status == 1


# ---- pytest directories, all in one run (each its own session) ----------------

# (directory, its summary line, messages its report must contain)
SUITE_CASES = [
    ("empty", "0 passed, 1 failed", ["no tests collected in"]),
    # The test that passed its call and then errored in teardown: one failure.
    ("teardown_error", "1 passed, 1 failed",
     ["test_teardown::test_passes_then_teardown_breaks (error: failed on teardown "
      "with \"RuntimeError: teardown broke\")"]),
    ("setup_error", "0 passed, 2 failed",
     ["test_setup::test_setup_breaks (error: failed on setup",
      "test_setup::test_fails_and_teardown_breaks (failure: AssertionError: call failed"]),
    ("mixed", "2 passed, 1 failed, 2 skipped",            # skip and xfail
     ["test_mixed::test_fails (failure: assert 1 == 2)"]),
    ("collect_error", "0 passed, 1 failed", ["test_broken_import (error: collection failure)"]),
    ("crash", "0 passed, 1 failed",
     ["no JUnit XML written (exit status -9)", "exit status -9 (SIGKILL) but no failed test"]),
]


@pytest.fixture(scope="module")
def suites_run(tmp_path_factory):
    cwd = tmp_path_factory.mktemp("suites")
    args = []
    for name, _, _ in SUITE_CASES:
        args += ["--pytest", copy_suite(cwd, name)]
    return run_run_tests(cwd, *args)


@pytest.mark.parametrize("name,summary,messages", SUITE_CASES, ids=[c[0] for c in SUITE_CASES])
def test_pytest_directory_is_counted(suites_run, name, summary, messages):
    block = suites_run.block(f"suites/{name}")
    assert suites_run.summary(f"suites/{name}") == summary, block
    for message in messages:
        assert message in block


def test_pytest_totals(suites_run):
    assert suites_run.closing == "3 passed, 7 failed, 2 skipped"
    assert suites_run.status == 1


def test_pytest_directory_collecting_nothing_is_fine_with_a_filter(run_tests, suite_dir):
    r = run_tests("--only", "passes", "--pytest", suite_dir("empty"),
                  "--program", tap("passes.sh"))
    assert r.closing == "2 passed, 0 failed"
    assert r.status == 0


def test_pytest_hang_is_stopped_at_the_session_timeout(run_tests, suite_dir):
    start = time.monotonic()
    r = run_tests("--pytest-timeout", "2", "--pytest", suite_dir("hang"))
    assert time.monotonic() - start < 20
    block = r.block("suites/hang")
    assert "timed out after 2 s, stopped" in block
    assert "test_hang.py:11: KeyboardInterrupt" in block     # where it hung
    assert r.summary("suites/hang") == "1 passed, 1 failed"
    assert r.closing == "1 passed, 1 failed"
    assert r.status == 1


# ---- ktest (tests/unit/ktest.c) ------------------------------------------------


def process_gone(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] in ("Z", "X")
    except FileNotFoundError:
        return True


def test_ktest_case_timeout(run_tests, ktest_fixture, tmp_path):
    pidfile = tmp_path / "grandchild.pid"
    start = time.monotonic()
    r = run_tests("--case-timeout", "0.5", "--program", ktest_fixture,
                  env={"KTEST_FIXTURE_PIDFILE": str(pidfile)})
    assert time.monotonic() - start < 20
    block = r.block("ktest_fixture")
    assert block.splitlines()[1:3] == [f"--- stdout of {ktest_fixture}", "1..6"]
    assert "not ok 2 - test_fixture.c:hangs_with_child # timed out after 0.5 s\n" in block
    assert "\nok 3 - test_fixture.c:passes_after_hang\n" in block
    assert "not ok 4 - test_fixture.c:hangs_with_own_limit # timed out after 1 s\n" in block
    assert "not ok 5 - test_fixture.c:crashes\n" in block
    assert "\nok 6 - test_fixture.c:passes_last\n" in block
    assert "ktest: test_fixture.c:hangs_with_child timed out after 0.5 s, killed" in block
    # Timed-out cases are failed tests; the program itself kept to TAP.
    assert r.summary("ktest_fixture") == "3 passed, 3 failed"
    assert "ktest_fixture: " not in block
    assert r.closing == "3 passed, 3 failed"
    assert r.status == 1
    grandchild = int(Path(pidfile).read_text())
    deadline = time.monotonic() + 5
    while not process_gone(grandchild) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert process_gone(grandchild), "the hung case's child survived"


def test_ktest_rejects_a_bad_timeout(ktest_fixture):
    proc = subprocess.run([str(ktest_fixture)], env={**os.environ, "KTEST_TIMEOUT": "soon"},
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert "KTEST_TIMEOUT" in proc.stderr


# ---- make test ----------------------------------------------------------------


def test_make_test_runs_the_runner_tests_and_counts_abi_apart():
    env = {k: v for k, v in os.environ.items()
           if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
    out = subprocess.run(["make", "-n", "--no-print-directory", "test"], cwd=REPO, env=env,
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                         check=True).stdout
    command = out[out.index("scripts/run-tests"):]
    assert re.search(r"--pytest tests/runner\b", command)
    assert re.search(r"--abi \S*/tests/abi/abi_conformance\b", command)
    assert not re.search(r"--program \S*abi_conformance", command)
