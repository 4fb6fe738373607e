"""stdout before stderr: hutch's stdout is block-buffered on a pipe, podman's is not,
so when both streams share one pipe (``volume rm v1 v2 2>&1``) the names printed
before an error line must be flushed before it, or they come after it."""

from __future__ import annotations

import io
import sys

import pytest

from hutch.api.containers import ActionReport
from hutch.cli import exits
from hutch.cli.reports import print_reports


class _Shared:
    """One pipe behind both streams: stdout keeps what it is given until flushed."""

    def __init__(self) -> None:
        self.pipe: list[str] = []


class _Buffered(io.StringIO):
    def __init__(self, shared: _Shared) -> None:
        super().__init__()
        self._shared = shared

    def flush(self) -> None:
        self._shared.pipe.append(self.getvalue())
        self.seek(0)
        self.truncate()


class _Unbuffered(io.StringIO):
    def __init__(self, shared: _Shared) -> None:
        super().__init__()
        self._shared = shared

    def write(self, text: str) -> int:
        self._shared.pipe.append(text)
        return len(text)


def _share(monkeypatch: pytest.MonkeyPatch) -> _Shared:
    # in the test itself: pytest's capture sets sys.stdout again after the fixtures
    shared = _Shared()
    monkeypatch.setattr(sys, "stdout", _Buffered(shared))
    monkeypatch.setattr(sys, "stderr", _Unbuffered(shared))
    return shared


def test_reports_flush_stdout_before_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    shared = _share(monkeypatch)
    reports = [ActionReport("v1", "v1"), ActionReport("v2", error="no such volume", exit_code=1)]
    assert print_reports(reports) == 1
    assert "".join(shared.pipe) == "v1\nError: no such volume\n"


def test_the_error_printer_flushes_stdout_first(monkeypatch: pytest.MonkeyPatch) -> None:
    shared = _share(monkeypatch)
    print("printed before")
    exits.error("it failed", "a hint")
    assert "".join(shared.pipe) == "printed before\nError: it failed\nHint: a hint\n"
