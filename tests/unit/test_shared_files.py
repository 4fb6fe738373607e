"""tests/shared_files.py: two sessions given one directory run disjoint files that
together are the whole run, each file whole, with its module's fixtures ended
where its file ends."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

CONFTEST = """
import shared_files

def pytest_configure(config):
    shared_files.register(config)
"""

# each module's fixture logs its start and end to the file EVENTS names
MODULE = """
import os
import pytest

@pytest.fixture(scope="module")
def around():
    with open(os.environ["EVENTS"], "a") as log:
        log.write("start {name}\\n")
    yield
    with open(os.environ["EVENTS"], "a") as log:
        log.write("end {name}\\n")

def test_one(around):
    with open(os.environ["EVENTS"], "a") as log:
        log.write("one {name}\\n")

def test_two(around):
    with open(os.environ["EVENTS"], "a") as log:
        log.write("two {name}\\n")
"""


@pytest.fixture
def suite(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    pytester.makeconftest(CONFTEST)
    for name in ("a", "b", "c", "d"):
        pytester.makepyfile(**{f"test_{name}": MODULE.format(name=name)})
    share = tmp_path / "share"
    share.mkdir()
    monkeypatch.setenv("HUTCH_TEST_SHARE", str(share))
    monkeypatch.setenv("EVENTS", str(tmp_path / "events"))
    return share


def _events(tmp_path: Path) -> list[str]:
    return (tmp_path / "events").read_text().splitlines()


def test_files_claimed_elsewhere_are_left_out_whole(
    pytester: pytest.Pytester, suite: Path, tmp_path: Path
) -> None:
    # the other session got to b and d first
    for name in ("b", "d"):
        (suite / f"{str(pytester.path / f'test_{name}.py').strip('/').replace('/', '%')}").touch()
    pytester.runpytest_inprocess("-p", "no:cacheprovider").assert_outcomes(passed=4)
    assert _events(tmp_path) == [
        "start a", "one a", "two a", "end a",
        "start c", "one c", "two c", "end c",
    ]  # fmt: skip
    assert (suite / "ran").read_text() == "4 8\n"


def test_two_sessions_in_turn_run_each_file_once(
    pytester: pytest.Pytester, suite: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytester.runpytest_inprocess("-p", "no:cacheprovider", "test_a.py", "test_c.py")
    # a session takes the variable out of the environment (a test's own pytest is
    # not one of the sharing sessions): the second is given it again
    assert "HUTCH_TEST_SHARE" not in os.environ
    monkeypatch.setenv("HUTCH_TEST_SHARE", str(suite))
    # the second session collects all four files and runs the two left
    pytester.runpytest_inprocess("-p", "no:cacheprovider").assert_outcomes(passed=4)
    events = _events(tmp_path)
    assert sorted(e for e in events if e.startswith("one")) == ["one a", "one b", "one c", "one d"]
    assert (suite / "ran").read_text() == "4 4\n4 8\n"


def test_without_the_variable_every_file_runs(
    pytester: pytest.Pytester, suite: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (suite / "anything").touch()
    monkeypatch.delenv("HUTCH_TEST_SHARE")
    pytester.runpytest_inprocess("-p", "no:cacheprovider").assert_outcomes(passed=8)


def test_a_pytest_that_a_test_starts_does_not_share(
    pytester: pytest.Pytester, suite: Path, tmp_path: Path
) -> None:
    # the session's own test that runs pytest (as tests/integration/test_harness.py
    # does) gets every file of its own, and adds no count to the sessions'
    pytester.makepyfile(
        test_nested=f"""
import pytest

def test_inner_pytest_runs_all(pytester):
    pytester.makeconftest({CONFTEST!r})
    pytester.makepyfile(test_inner="def test_x():\\n    pass\\n")
    pytester.runpytest_inprocess("-p", "no:cacheprovider").assert_outcomes(passed=1)
    pytester.runpytest_inprocess("-p", "no:cacheprovider").assert_outcomes(passed=1)
"""
    )
    result = pytester.runpytest_inprocess(
        "-p", "no:cacheprovider", "-p", "pytester", "test_nested.py"
    )
    result.assert_outcomes(passed=1)
    assert (suite / "ran").read_text() == "1 1\n"
