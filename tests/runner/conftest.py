# SPDX-License-Identifier: GPL-2.0-only
"""Fixtures for the tests of scripts/run-tests (the test runner itself); the
helpers they use are in runnerlib.py.

The fixtures of tests/runner/fixtures/ misbehave on purpose and are never
collected here: pytest fixture directories are copied to a temporary
directory and run there, by run-tests, each in its own pytest session.
"""
import subprocess

import pytest

from runnerlib import FIXTURES, REPO, copy_suite, run_run_tests

collect_ignore = ["fixtures"]


@pytest.fixture
def run_tests(tmp_path):
    """run_tests(*args, env={...}) -> RunResult of scripts/run-tests."""
    return lambda *args, **kw: run_run_tests(tmp_path, *args, **kw)


@pytest.fixture
def suite_dir(tmp_path):
    """suite_dir(name) -> path of a copy of fixtures/pytest/<name>."""
    return lambda name: copy_suite(tmp_path, name)


@pytest.fixture(scope="session")
def ktest_fixture(tmp_path_factory):
    """fixtures/ktest/test_fixture.c linked with tests/unit/ktest.c, built as
    the unit tests are (ASan and UBSan)."""
    out = tmp_path_factory.mktemp("ktest") / "ktest_fixture"
    subprocess.run(
        ["gcc", "-std=gnu11", "-O1", "-g", "-Wall", "-Wextra", "-Werror",
         "-D_GNU_SOURCE", "-fsanitize=address,undefined",
         "-fno-sanitize-recover=all", "-fno-omit-frame-pointer",
         "-I", str(REPO / "tests" / "unit"), "-o", str(out),
         str(FIXTURES / "ktest" / "test_fixture.c"),
         str(REPO / "tests" / "unit" / "ktest.c")],
        check=True)
    return out
