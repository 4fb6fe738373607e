"""An uploaded build context (a tar archive, as the Docker API sends it): its relative
Containerfile is one of its files, never one beside the service; --logfile takes RUN's output."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from hutch.api.errors import InvalidArgument
from hutch.build.stepstate import Progress
from hutch.engine.build import _read_containerfile


def test_a_relative_containerfile_of_an_upload_is_read_inside_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    context = tmp_path / "context"
    (context / "sub").mkdir(parents=True)
    (context / "sub" / "Dockerfile").write_text("FROM scratch\n")
    monkeypatch.chdir(tmp_path)
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "Dockerfile").write_text("FROM beside\n")  # the caller's, not the upload's
    cf = _read_containerfile("sub/Dockerfile", context, None, uploaded=True)
    assert "scratch" in repr(cf)
    assert "beside" in repr(_read_containerfile("sub/Dockerfile", context, None))  # the CLI's rule
    for outside in ("../x", "/etc/passwd"):
        with pytest.raises(InvalidArgument, match="not inside the build context"):
            _read_containerfile(outside, context, None, uploaded=True)


def test_a_log_file_takes_the_steps_and_runs_output(tmp_path: Path) -> None:
    with (tmp_path / "log").open("a") as log:
        progress = Progress(False, log, log.fileno())
        progress.say("STEP 1/1: RUN true")
        assert progress.run_fds == (log.fileno(), log.fileno())
        os.write(log.fileno(), b"run output\n")
    assert (tmp_path / "log").read_text() == "STEP 1/1: RUN true\nrun output\n"
    assert Progress(True).run_fds == (2, 2) and Progress(False).run_fds == (1, 2)
