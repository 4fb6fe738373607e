"""Suite-wide pytest hooks.

With ``HUTCH_REQUIRE_ALL=1`` (set by contrib/test.sh, hence in CI) a skipped test
is reported as a failure, so that nothing the suite needs is silently skipped
because the machine lacks a tool, a device or a subordinate id range.

With ``HUTCH_DURATIONS_FILE=PATH`` every phase (setup, call, teardown) of every
test is written to PATH, slowest first, one ``SECONDS PHASE NODEID`` a line:
CI's time budget is planned from the whole distribution, which ``--durations=N``
on the terminal cuts short.

With ``HUTCH_TEST_SHARE=DIR`` two sessions share the test files between them
(shared_files.py).
"""

from __future__ import annotations

import os
import signal
from collections.abc import Generator

# The test run's dataclasses get a code-cache file of their own (before any
# ``import hutch``): the one of the user's real commands stays small.
os.environ.setdefault("HUTCH_CODE_CACHE_PROFILE", "tests")

import pytest

import shared_files

# pytester: the harness self-tests run pytest on generated test files
pytest_plugins = ["pytester"]

REQUIRE_ALL_VAR = "HUTCH_REQUIRE_ALL"
DURATIONS_VAR = "HUTCH_DURATIONS_FILE"


class _Durations:
    """Collects each test phase's duration; writes them all when the session ends."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.seen: list[tuple[float, str, str]] = []

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        self.seen.append((report.duration, report.when, report.nodeid))

    def pytest_sessionfinish(self) -> None:
        lines = [
            f"{d:.3f} {when} {nodeid}\n" for d, when, nodeid in sorted(self.seen, reverse=True)
        ]
        with open(self.path, "w") as out:
            out.writelines(lines)


def pytest_configure(config: pytest.Config) -> None:
    # A suite started as a plain background job of a non-interactive shell (a CI
    # runner's `cmd &`) inherits SIGINT and SIGQUIT ignored, and so does every process
    # it starts: a hutch a test interrupts, as a user's Ctrl-C would, never sees it,
    # and the test waits out its timeout. A user's terminal gives the default: so
    # does the suite (a handler, unlike an ignore, does not pass through exec).
    if os.environ.get(DURATIONS_VAR):
        config.pluginmanager.register(_Durations(os.environ[DURATIONS_VAR]), "hutch-durations")
    shared_files.register(config)
    if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)
    if signal.getsignal(signal.SIGQUIT) == signal.SIG_IGN:
        signal.signal(signal.SIGQUIT, signal.SIG_DFL)


def require_all() -> bool:
    return os.environ.get(REQUIRE_ALL_VAR, "") == "1"


def _skip_reason(report: pytest.TestReport | pytest.CollectReport) -> str:
    longrepr = report.longrepr
    # a skip's longrepr is the tuple (path, lineno, "Skipped: reason")
    if isinstance(longrepr, tuple) and len(longrepr) == 3:
        return str(longrepr[2])
    return str(longrepr)


def _fail_skip(report: pytest.TestReport | pytest.CollectReport) -> None:
    report.outcome = "failed"
    report.longrepr = (
        f"{_skip_reason(report)}\n"
        f"(a skip counts as a failure because {REQUIRE_ALL_VAR}=1: "
        "the suite needs this to run here)"
    )


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    # an expected failure (xfail) is reported as skipped too: it stays as it is
    if require_all() and report.skipped and not hasattr(report, "wasxfail"):
        _fail_skip(report)
    return report


@pytest.hookimpl(wrapper=True)
def pytest_make_collect_report(
    collector: pytest.Collector,
) -> Generator[None, pytest.CollectReport, pytest.CollectReport]:
    # a module-level skip (pytest.importorskip, allow_module_level) skips a whole file
    report = yield
    if require_all() and report.skipped:
        _fail_skip(report)
    return report
