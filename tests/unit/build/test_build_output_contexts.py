"""build -o/--output (parsing, the export of a tree) and --build-context (parsing, stages)."""

from __future__ import annotations

import io
import os
import tarfile
from pathlib import Path

import pytest

from hutch.api.build import BuildOutput, parse_output
from hutch.api.errors import InvalidArgument
from hutch.build import stages
from hutch.build.contexts import NamedContext, parse_build_context
from hutch.build.output import check_output, export_root
from hutch.build.parser import parse

# -- --output -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("-", BuildOutput("tar", "-")),
        ("out", BuildOutput("local", "out")),
        ("/abs/dir", BuildOutput("local", "/abs/dir")),
        ("type=local,dest=out", BuildOutput("local", "out")),
        ("dest=out,type=local", BuildOutput("local", "out")),
        ("type=tar,dest=o.tar", BuildOutput("tar", "o.tar")),
        ("type=tar,dest=-", BuildOutput("tar", "-")),
    ],
)
def test_parse_output(text: str, expected: BuildOutput) -> None:
    assert parse_output(text) == expected
    assert parse_output(text).to_stdout == (expected.dest == "-")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty output"),
        ("type=local", "accepted keys are type and dest must be present"),
        ("dest=x", "accepted keys are type and dest must be present"),
        ("type=oci,dest=x", 'invalid type "oci" selected for build output options'),
        ("type=local,dest=-", "type=local and dest=- is not supported"),
        ("type=tar,dest=a,dest=b", 'duplicate "dest" not supported'),
        ("type=tar,type=local,dest=a", 'duplicate "type" not supported'),
        ("type=tar,dest=a,compression=gzip", 'unrecognized key "compression"'),
        ("type=tar,dest", "expected format key=value"),
        ("type=tar,dest=", "empty dest"),
    ],
)
def test_parse_output_refusals(text: str, message: str) -> None:
    with pytest.raises(InvalidArgument, match=message) as info:
        parse_output(text)
    assert str(info.value).startswith("failed to parse build output: ")


def test_check_output_refuses_a_file_as_directory_and_a_missing_parent(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    with pytest.raises(InvalidArgument, match="not a directory"):
        check_output(BuildOutput("local", str(tmp_path / "file")))
    with pytest.raises(InvalidArgument, match="no such directory"):
        check_output(BuildOutput("tar", str(tmp_path / "nope" / "o.tar")))
    check_output(BuildOutput("local", str(tmp_path / "new")))  # made by the export
    check_output(BuildOutput("tar", str(tmp_path / "o.tar")))


def _tree(root: Path) -> None:
    (root / "etc").mkdir(parents=True)
    (root / "etc" / "motd").write_text("hello\n")
    (root / "bin").mkdir()
    (root / "bin" / "tool").write_text("#!/bin/sh\n")
    (root / "bin" / "tool").chmod(0o755)
    os.symlink("tool", root / "bin" / "link")


def test_export_root_as_a_tar_file(tmp_path: Path) -> None:
    root = tmp_path / "root"
    _tree(root)
    dest = tmp_path / "out.tar"
    export_root(root, BuildOutput("tar", str(dest)), tmp_path, keep_owners=False)
    with tarfile.open(dest) as archive:
        names = {m.name.removeprefix("./").rstrip("/") for m in archive.getmembers()}
        motd = archive.extractfile("etc/motd")
        assert motd is not None and motd.read() == b"hello\n"
    assert {"etc", "etc/motd", "bin", "bin/tool", "bin/link"} <= names


def test_export_root_as_a_tar_on_stdout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "root"
    _tree(root)
    buffer = io.BytesIO()

    class _Stdout(io.TextIOWrapper):
        pass

    monkeypatch.setattr("sys.stdout", _Stdout(buffer))
    export_root(root, BuildOutput("tar", "-"), tmp_path, keep_owners=False)
    with tarfile.open(fileobj=io.BytesIO(buffer.getvalue())) as archive:
        assert "bin/link" in {m.name.removeprefix("./") for m in archive.getmembers()}


def test_export_root_to_a_directory_keeps_modes_and_links(tmp_path: Path) -> None:
    root = tmp_path / "root"
    _tree(root)
    dest = tmp_path / "out" / "deep"
    export_root(root, BuildOutput("local", str(dest)), tmp_path, keep_owners=False)
    assert (dest / "etc" / "motd").read_text() == "hello\n"
    assert (dest / "bin" / "tool").stat().st_mode & 0o777 == 0o755
    assert os.readlink(dest / "bin" / "link") == "tool"
    assert (dest / "etc" / "motd").stat().st_uid == os.getuid()
    assert not (tmp_path / "output.tar").exists()


# -- --build-context --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("item", "name", "expected"),
    [
        ("src=../src", "src", NamedContext("dir", "../src")),
        ("a=docker-image://alpine:3", "a", NamedContext("image", "alpine:3")),
        ("a=container-image://localhost/x", "a", NamedContext("image", "localhost/x")),
        ("a=docker://quay.io/x/y", "a", NamedContext("image", "quay.io/x/y")),
        ("u=https://h/src.tar.gz", "u", NamedContext("url", "https://h/src.tar.gz")),
        ("g=git://h/r.git#v1", "g", NamedContext("url", "git://h/r.git#v1")),
        ("k=a=b", "k", NamedContext("dir", "a=b")),
    ],
)
def test_parse_build_context(item: str, name: str, expected: NamedContext) -> None:
    assert parse_build_context(item) == (name, expected)


@pytest.mark.parametrize("item", ["nothing", "=dir", "name=", "a=docker-image://"])
def test_parse_build_context_refusals(item: str) -> None:
    with pytest.raises(InvalidArgument):
        parse_build_context(item)


STAGES = """\
FROM alpine AS base
FROM scratch AS tools
FROM base
COPY --from=tools /a /a
RUN --mount=type=bind,from=extra,target=/e true
"""


def test_a_build_context_named_like_a_stage_wins() -> None:
    cf = parse(STAGES)
    env = stages.global_args(cf, {}, {})
    target = stages.target_index(cf, None)
    assert stages.needed_stages(cf, target, env) == [0, 1, 2]
    assert stages.needed_stages(cf, target, env, {"tools"}) == [0, 2]
    assert stages.needed_stages(cf, target, env, {"tools", "base"}) == [2]


def test_an_export_sets_no_owner_rootless(tmp_path: Path) -> None:
    """chown="none": a member owned by another id lands as the caller's, without an error."""
    from hutch.api.errors import HostNotReady
    from hutch.store.tarextract import extract_layer

    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w") as archive:
        info = tarfile.TarInfo("f")
        info.size, info.uid, info.gid = 1, 54321, 54321
        archive.addfile(info, io.BytesIO(b"x"))
    for chown, dest in (("none", tmp_path / "a"), ("strict", tmp_path / "b")):
        dest.mkdir()
        if chown == "strict" and os.getuid() != 0:
            with pytest.raises(HostNotReady):
                extract_layer(io.BytesIO(out.getvalue()), dest, whiteouts="apply", chown="strict")
            continue
        extract_layer(io.BytesIO(out.getvalue()), dest, whiteouts="apply", chown="none")
        assert (dest / "f").stat().st_uid == os.getuid()


def test_squash_all_history_keeps_the_stages_steps_as_podman() -> None:
    from hutch.build.builder import squashed_history
    from hutch.oci.image import HistoryEntry

    own = (
        HistoryEntry(created="t1", created_by="COPY note", empty_layer=False),
        HistoryEntry(created="t2", created_by="RUN echo hi", empty_layer=False),
        HistoryEntry(created="t3", created_by="LABEL x=y", empty_layer=True),
    )
    history = squashed_history(own, has_layer=True, base_name="localhost/base:latest", created="t")
    assert [e.empty_layer for e in history] == [True, True, False]
    assert history[-1].comment == "FROM localhost/base:latest"
    assert [e.created_by for e in history] == ["COPY note", "RUN echo hi", "LABEL x=y"]
    assert squashed_history((), has_layer=True, base_name="", created="t") == (
        HistoryEntry(created="t", created_by=""),
    )
    empty = squashed_history(own[2:], has_layer=False, base_name="b", created="t")
    assert empty == (own[2],)
