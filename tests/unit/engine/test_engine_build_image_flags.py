"""build --os-feature/--os-version, cpp on a .in Containerfile, --all-platforms and
--logsplit's file name (issue 15)."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from hutch.api.build import BuildOptions, log_path
from hutch.api.errors import InvalidArgument
from hutch.build.builder import final_os
from hutch.build.parser import parse
from hutch.engine.build_cpp import preprocess, wants_cpp
from hutch.engine.build_platforms import PlatformsOf, base_names, check_all_platforms
from hutch.oci.image import ImageConfig
from hutch.oci.platform import Platform

HOST = Platform("linux", "amd64")


def test_os_fields_round_trip_and_are_written_only_when_set() -> None:
    plain = ImageConfig(architecture="amd64", os="linux", diff_ids=())
    assert "os.version" not in plain.to_json() and "os.features" not in plain.to_json()
    windows = ImageConfig.from_json(
        {"architecture": "amd64", "os": "windows", "os.version": "10.0.1", "os.features": ["w"]}
    )
    assert (windows.os_version, windows.os_features) == ("10.0.1", ("w",))
    assert ImageConfig.from_bytes(windows.to_bytes()) == windows


def test_os_features_are_added_and_removed_on_the_bases() -> None:
    base = ImageConfig(
        architecture="amd64", os="linux", diff_ids=(), os_version="1", os_features=("a", "b")
    )
    assert final_os(base, None, ()) == base
    changed = final_os(base, "2", ("c", "a-", "b", "missing-"))
    assert (changed.os_version, changed.os_features) == ("2", ("b", "c"))


def test_a_containerfile_ending_in_in_goes_through_cpp(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert wants_cpp("Containerfile.in") and not wants_cpp("Containerfile")
    if shutil.which("cpp") is None:
        pytest.fail("cpp (the test hosts have it) is needed for this test")
    (tmp_path / "part").write_text("LABEL inc=yes\n")
    text = '#define GREETING hi\nFROM base\n#include "part"\nLABEL g=GREETING v=VAL w=W\n'
    out = preprocess(
        text, "Containerfile.in", tmp_path, ("-DVAL=7",), {"BUILDAH_CPPFLAGS": "-DW=8"}
    )
    labels = [i for stage in parse(out, "x").stages for i in stage.instructions]
    pairs = [[(p.key, p.value) for p in getattr(i, "pairs", ())] for i in labels]
    assert pairs == [[("inc", "yes")], [("g", "hi"), ("v", "7"), ("w", "8")]]
    with pytest.raises(InvalidArgument, match=r"^preprocessing Containerfile\.in: .*xyz"):
        preprocess(text, "Containerfile.in", tmp_path, ("-Wbogus-flag-xyz",), {})
    monkeypatch.setattr(shutil, "which", lambda _name: None)
    with pytest.raises(InvalidArgument, match=r"^preprocessing Containerfile\.in: cpp not found"):
        preprocess(text, "Containerfile.in", tmp_path, (), {})


CF = """\
ARG BASE=one
FROM $BASE AS a
FROM scratch AS b
FROM a
FROM two
FROM one
"""


def test_the_bases_are_the_from_images_not_stages_or_scratch() -> None:
    cf = parse(CF, "Containerfile")
    assert base_names(cf, {}, HOST) == ["one", "two"]
    assert base_names(cf, {"BASE": "three"}, HOST) == ["three", "two", "one"]


def _platforms(table: dict[str, list[Platform]]) -> PlatformsOf:
    return lambda name: table[name]


def test_all_platforms_builds_when_the_host_is_the_only_shared_one() -> None:
    arm = Platform("linux", "arm64", "v8")
    check_all_platforms(["one"], _platforms({"one": [HOST]}), HOST)
    table = {"one": [HOST, arm], "two": [HOST]}
    check_all_platforms(["one", "two"], _platforms(table), HOST)


def test_all_platforms_refuses_the_platforms_it_cannot_build() -> None:
    arm = Platform("linux", "arm64", "v8")
    table = {"one": [HOST, arm], "two": [arm, HOST], "three": [arm]}
    with pytest.raises(InvalidArgument, match=r"^--all-platforms: linux/arm64/v8: only the host"):
        check_all_platforms(["one", "two"], _platforms(table), HOST)
    table = {"one": [HOST], "three": [arm]}
    with pytest.raises(InvalidArgument, match="have no platform in common"):
        check_all_platforms(["one", "three"], _platforms(table), HOST)
    with pytest.raises(InvalidArgument, match="no base image"):
        check_all_platforms([], _platforms({}), HOST)


def test_logsplit_names_the_file_as_podman() -> None:
    def path(logfile: str | None = "log", **given: str) -> str | None:
        platform, arch, os_name = given.get("platform"), given.get("arch"), given.get("os")
        split = BuildOptions(".", logfile=logfile, platform=platform, arch=arch, os=os_name)
        return log_path(replace(split, logsplit=given.get("split") != "no"))

    assert path(split="no") == "log"
    assert path() == "log__"  # podman 4.3.1's name without --platform
    assert path(platform="linux/amd64") == "log_linux_amd64"
    assert path(platform="linux/arm64/v8", arch="s390x") == "log_linux_s390x"
    assert path(os="linux") == "log_linux_"
    assert path(logfile=None) is None
