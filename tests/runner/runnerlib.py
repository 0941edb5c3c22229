# SPDX-License-Identifier: GPL-2.0-only
"""Helpers of the tests of scripts/run-tests (tests/runner/): run run-tests,
check its closing line and cut its output into per-program reports.

run_run_tests(cwd, *args) runs scripts/run-tests and returns its exit status
and output, after checking what every run must end with: the closing line,
alone, last.  RunResult.block(name) is run-tests' report on one program or
pytest directory, from its "== ..." header to its own "N passed, N failed"
line.  copy_suite() copies a pytest fixture directory out of this tree.
"""
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
RUN_TESTS = REPO / "scripts" / "run-tests"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
CLOSING = re.compile(r"^\d+ passed, \d+ failed(, \d+ skipped)?$")
SUMMARY = re.compile(r"^   \d+ passed, \d+ failed(, \d+ skipped)?$")

# Settings of the caller's environment that would change what run-tests does.
RUNNER_ENV = ("KEEL_TEST_TIMEOUT", "KEEL_PYTEST_TIMEOUT", "KTEST_TIMEOUT",
              "PYTEST_ADDOPTS")


@dataclass
class RunResult:
    status: int
    stdout: str
    stderr: str

    @property
    def lines(self):
        return self.stdout.splitlines()

    @property
    def closing(self):
        return self.lines[-1]

    def block(self, name):
        """run-tests' report on the program or directory whose "== ..."
        header ends with name, through its own summary line."""
        out = None
        for line in self.lines:
            if out is None and line.startswith("== ") and line.endswith(name):
                out = []
            if out is not None:
                out.append(line)
                if SUMMARY.match(line):
                    return "\n".join(out)
        raise AssertionError(f"no report on {name} in:\n{self.stdout}")

    def summary(self, name):
        """The "N passed, N failed" line of one program or directory."""
        return self.block(name).splitlines()[-1].strip()


def tap(name):
    return str(FIXTURES / "tap" / name)


def run_run_tests(cwd, *args, env=None, timeout=60):
    """scripts/run-tests *args, with --build under cwd."""
    environ = {k: v for k, v in os.environ.items() if k not in RUNNER_ENV}
    environ.update(env or {})
    proc = subprocess.run(
        [sys.executable, str(RUN_TESTS), "--build", str(Path(cwd) / "build"),
         *map(str, args)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env=environ, timeout=timeout, cwd=cwd)
    result = RunResult(proc.returncode, proc.stdout, proc.stderr)
    assert result.stdout.endswith("\n"), result.stdout
    assert CLOSING.match(result.closing), \
        f"last line is not a closing line:\n{result.stdout}"
    return result


def copy_suite(dest_root, name):
    """A copy of fixtures/pytest/<name> outside this tree (so that no
    conftest.py of ours applies to it)."""
    dest = Path(dest_root) / "suites" / name
    shutil.copytree(FIXTURES / "pytest" / name, dest)
    return dest
