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


def test_add_host_lines_reach_runs_etc_hosts(tmp_path: Path) -> None:
    from hutch.build.runstep import write_etc_files
    from hutch.engine.build import _hosts

    hosts = _hosts(("db:10.0.0.5", "gw:host-gateway", "v6:[::1]"))
    assert hosts == (("db", "10.0.0.5"), ("gw", "127.0.0.1"), ("v6", "::1"))
    files = dict(write_etc_files(tmp_path, "step", "none", hosts))
    text = Path(files["/etc/hosts"]).read_text()
    assert text.endswith("127.0.1.1\tstep\n10.0.0.5\tdb\n127.0.0.1\tgw\n::1\tv6\n")
    with pytest.raises(InvalidArgument, match="invalid --add-host 'db'"):
        _hosts(("db",))


def test_ignorefile_replaces_the_ignore_file_found(tmp_path: Path) -> None:
    from hutch.engine.build import _ignore

    (tmp_path / ".dockerignore").write_text("a.txt\n")
    (tmp_path / "other").write_text("b.txt\n")
    found = _ignore(tmp_path, None)
    given = _ignore(tmp_path, None, str(tmp_path / "other"))
    assert found is not None and given is not None
    assert found.matches("a.txt") and not found.matches("b.txt")
    assert given.matches("b.txt") and not given.matches("a.txt")
    with pytest.raises(InvalidArgument, match=r"--ignorefile .*missing: No such file"):
        _ignore(tmp_path, None, str(tmp_path / "missing"))


def test_a_bad_cache_ttl_is_refused_before_anything_runs() -> None:
    from hutch.api.build import BuildOptions
    from hutch.engine.build import _duration, _validate

    with pytest.raises(InvalidArgument, match="invalid --cache-ttl 'soon'"):
        _validate(BuildOptions(context=".", cache_ttl="soon"))
    assert _duration("1h30m", "--cache-ttl") == 5400.0
    assert _duration(None, "--cache-ttl") is None
