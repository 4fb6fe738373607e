"""load refuses hostile archives with one message and exit 125, storing nothing.

A manifest.json that is a symlink to itself, names that reach outside a
docker-archive directory, manifest entries of the wrong JSON type, and a bad
RepoTag (checked before any layer is stored).
"""

from __future__ import annotations

import io
import json
import tarfile
from pathlib import Path

import pytest
from harness import Hutch


def _layers_dir(hutch: Hutch) -> Path:
    return hutch.env.data_home / "hutch" / "storage" / "layers"


def _layer_count(hutch: Hutch) -> int:
    layers = _layers_dir(hutch)
    return len(list(layers.iterdir())) if layers.is_dir() else 0


def _refused(hutch: Hutch, source: Path, *words: str) -> None:
    result = hutch("load", "-i", str(source), check=False, timeout=60)
    assert result.returncode == 125, result.stderr
    assert result.stderr.startswith("Error: "), result.stderr
    assert "Traceback" not in result.stderr
    for word in words:
        assert word in result.stderr, result.stderr


@pytest.fixture
def saved(hutch: Hutch, base_image: str, tmp_path: Path) -> Path:
    """The base image as an unpacked docker-archive directory, then removed."""
    archive = tmp_path / "img.tar"
    hutch("save", "-o", str(archive), base_image)
    hutch("rmi", base_image)
    unpacked = tmp_path / "dir"
    with tarfile.open(archive) as tar:
        tar.extractall(unpacked)  # our own archive
    return unpacked


def _manifest(unpacked: Path) -> list[dict[str, object]]:
    return list(json.loads((unpacked / "manifest.json").read_text()))


def test_a_self_referencing_manifest_symlink_is_refused(hutch: Hutch, tmp_path: Path) -> None:
    loop = tmp_path / "loop.tar"
    with tarfile.open(loop, "w") as tar:
        link = tarfile.TarInfo("manifest.json")
        link.type, link.linkname = tarfile.SYMTYPE, "manifest.json"
        tar.addfile(link)
        tar.addfile(tarfile.TarInfo("repositories"), io.BytesIO(b""))
    _refused(hutch, loop, "symbolic links")


def test_names_outside_a_directory_archive_are_refused(
    hutch: Hutch, saved: Path, tmp_path: Path
) -> None:
    entries = _manifest(saved)
    (tmp_path / "x.tar").write_bytes((saved / str(entries[0]["Config"])).read_bytes())
    for config in ("/etc/passwd", "../x.tar"):
        (saved / "manifest.json").write_text(json.dumps([{**entries[0], "Config": config}]))
        _refused(hutch, saved, "has no")
    layers = list(entries[0]["Layers"])  # type: ignore[call-overload]
    (saved / "manifest.json").write_text(
        json.dumps([{**entries[0], "Layers": ["../x.tar", *layers[1:]]}])
    )
    _refused(hutch, saved, "has no")
    assert hutch("images", "-q").stdout == ""


def test_wrong_json_types_are_refused(hutch: Hutch, saved: Path) -> None:
    entries = _manifest(saved)
    cases: list[tuple[object, str]] = [
        ([1, 2], "not an object"),
        ({"Config": "x"}, "not a list"),
        ([{**entries[0], "Layers": "x"}], "Layers"),
        ([{**entries[0], "RepoTags": [7]}], "RepoTags"),
        ([{**entries[0], "Config": 3}], "Config"),
    ]
    for manifest, words in cases:
        (saved / "manifest.json").write_text(json.dumps(manifest))
        _refused(hutch, saved, words)


def test_a_bad_repotag_is_refused_before_any_layer_is_stored(hutch: Hutch, saved: Path) -> None:
    entries = _manifest(saved)
    before = _layer_count(hutch)
    (saved / "manifest.json").write_text(json.dumps([{**entries[0], "RepoTags": ["UPPER:x"]}]))
    _refused(hutch, saved, "UPPER")
    assert _layer_count(hutch) == before
    assert hutch("images", "-aq").stdout == ""


def test_device_nodes_in_a_layer_are_skipped_with_a_warning(hutch: Hutch, tmp_path: Path) -> None:
    # A user namespace cannot create device nodes: podman skips them rootless;
    # hutch does too, and says so.
    archive = tmp_path / "dev.tar"
    with tarfile.open(archive, "w") as tar:
        node = tarfile.TarInfo("dev-null")
        node.type, node.devmajor, node.devminor, node.mode = tarfile.CHRTYPE, 1, 3, 0o666
        tar.addfile(node)
        tar.addfile(tarfile.TarInfo("kept.txt"), io.BytesIO(b""))
    result = hutch("import", str(archive), "devimg")
    assert "1 device node(s) not created" in result.stderr
    assert hutch("image", "exists", "devimg").returncode == 0
