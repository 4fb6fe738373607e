"""``--mount type=volume,...,subpath=`` (issue 15): parsing, the path the init binds,
and the ``SubPath`` key of inspect's mounts (with ``--format``)."""

from __future__ import annotations

import errno
import os
import re
from pathlib import Path

import pytest

from hutch.api.errors import InvalidArgument
from hutch.api.podman_json import to_json
from hutch.cli.templating import render_template
from hutch.engine.container_record import MountRecord
from hutch.engine.inspect_binds import inspect_mounts
from hutch.runtime.mounts import _user_mount, open_subpath, subpath_in
from hutch.runtime.spec import Mount
from hutch.volumes.specs import parse_mount, parse_volume


@pytest.mark.parametrize(
    ("given", "kept"),
    [("a/b", "a/b"), ("/a/b/", "a/b"), ("a/../c", "c"), ("./a//b", "a/b"), ("/", "")],
)
def test_a_volume_subpath_is_kept_relative_to_the_volume(given: str, kept: str) -> None:
    request = parse_mount(f"type=volume,source=vol,destination=/x,subpath={given}")
    assert (request.kind, request.source, request.subpath) == ("volume", "vol", kept)
    # the volume's own defaults are still there
    assert request.options == ("nosuid", "nodev", "rbind")
    assert parse_mount("type=volume,source=vol,destination=/x").subpath == ""


@pytest.mark.parametrize("given", ["..", "../etc", "a/../../etc", "/../x"])
def test_a_volume_subpath_outside_the_volume_is_refused(given: str) -> None:
    with pytest.raises(
        InvalidArgument, match=f"subpath '{re.escape(given)}' is outside of the volume"
    ):
        parse_mount(f"type=volume,source=vol,destination=/x,subpath={given}")


def test_subpath_is_no_option_of_a_bind_mount_or_of_v() -> None:
    with pytest.raises(InvalidArgument, match="subpath: invalid mount option"):
        parse_mount("type=bind,source=/tmp,destination=/x,subpath=a")
    with pytest.raises(InvalidArgument, match="must provide an argument for option"):
        parse_mount("type=volume,source=vol,destination=/x,subpath=")
    with pytest.raises(InvalidArgument, match="invalid option"):
        parse_volume("vol:/x:subpath=a")


def test_the_subpath_is_found_inside_the_volume(tmp_path: Path) -> None:
    top = tmp_path / "_data"
    (top / "a" / "b").mkdir(parents=True)
    (top / "a" / "b" / "file").write_text("x")
    (top / "up").symlink_to("../../..")  # climbs out: stays at the volume's top
    (top / "abs").symlink_to("/a")  # absolute: the volume's /a
    assert subpath_in(str(top), "a/b", "volume") == str(top / "a" / "b")
    assert subpath_in(str(top), "up/a/b", "volume") == str(top / "a" / "b")
    assert subpath_in(str(top), "abs/b", "volume") == str(top / "a" / "b")
    with pytest.raises(FileNotFoundError, match="subpath 'a/c' does not exist in the volume"):
        subpath_in(str(top), "a/c", "volume")


def test_the_init_binds_the_subpath_a_file_on_a_file(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "f").write_text("x")
    step = _user_mount(Mount("bind", "/x", str(tmp_path), ("rbind",), subpath="a"))
    assert (step.source, step.subpath, step.is_file) == (str(tmp_path), "a", False)
    step = _user_mount(Mount("bind", "/x", str(tmp_path), ("rbind",), subpath="a/f"))
    assert (step.subpath, step.is_file) == ("a/f", True)
    assert step.describe() == f"bind {tmp_path}//a/f on /x (rbind)"
    plain = _user_mount(Mount("bind", "/x", str(tmp_path)))
    assert (plain.source, plain.subpath) == (str(tmp_path), "")
    with pytest.raises(FileNotFoundError, match="'nope' does not exist in the volume"):
        _user_mount(Mount("bind", "/x", str(tmp_path), subpath="nope"))
    assert os.path.isdir(tmp_path / "a")


def test_the_bind_opens_the_subpath_inside_the_volume(tmp_path: Path) -> None:
    """What the bind mounts: the kernel's resolution with the volume as the root
    (openat2), a link climbing out or absolute staying inside."""
    top = tmp_path / "_data"
    (top / "a" / "b").mkdir(parents=True)
    (top / "up").symlink_to("../../..")
    (top / "abs").symlink_to("/a")
    (tmp_path / "outside").mkdir()
    for given in ("a/b", "up/a/b", "abs/b", "up/up/a/b"):
        fd = open_subpath(str(top), given, "volume")
        try:
            assert os.readlink(f"/proc/self/fd/{fd}") == str(top / "a" / "b"), given
        finally:
            os.close(fd)
    with pytest.raises(
        FileNotFoundError, match="subpath 'up/outside' does not exist in the volume"
    ):
        open_subpath(str(top), "up/outside", "volume")


def _mounts() -> list[dict[str, object]]:
    records = (
        MountRecord("volume", "/x", "/v/_data", name="v", subpath="a/b"),
        MountRecord("image", "/img", "alpine", readonly=True, subpath="etc"),
        MountRecord("bind", "/b", "/host"),
    )
    out: list[dict[str, object]] = to_json(inspect_mounts(records))
    return out


def test_inspect_shows_the_subpath_only_when_there_is_one() -> None:
    volume, image, bind = _mounts()
    assert volume["SubPath"] == "a/b" and list(volume)[-1] == "SubPath"
    assert image["SubPath"] == "etc"
    assert "SubPath" not in bind


def test_a_template_sees_subpath_and_name_even_when_left_out() -> None:
    rows = [{"Id": "c", "Mounts": _mounts()}]
    out = render_template("{{range .Mounts}}[{{.SubPath}}|{{.Name}}]{{end}}", rows)
    assert out == "[a/b|v][etc|][|]\n"
    # while {{json}} leaves them out as podman's omitempty does
    out = render_template("{{json .Mounts}}", rows)
    assert '"SubPath":"a/b"' in out and out.count("SubPath") == 2
    assert out.count('"Name"') == 1


def test_before_openat2_the_subpath_is_resolved_by_hand(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from hutch.linux import syscalls

    def enosys(*_args: object) -> int:
        raise OSError(errno.ENOSYS, "openat2: Function not implemented")

    monkeypatch.setattr(syscalls, "openat2", enosys)
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "up").symlink_to("../..")
    fd = open_subpath(str(tmp_path), "up/a/b", "volume")
    try:
        assert os.readlink(f"/proc/self/fd/{fd}") == str(tmp_path / "a" / "b")
    finally:
        os.close(fd)
    with pytest.raises(FileNotFoundError, match="subpath 'up/c' does not exist in the volume"):
        open_subpath(str(tmp_path), "up/c", "volume")
