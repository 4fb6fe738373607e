"""Storage stays consistent: --rm leaves no trace, hostile layers are refused without
side effects, and parallel commands neither collide nor leave temp files."""

from __future__ import annotations

import io
import json
import tarfile
import tempfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from harness import Hutch, HutchEnv


def _storage(env: HutchEnv) -> Path:
    return env.data_home / "hutch" / "storage"


def _entries(path: Path) -> list[str]:
    return sorted(p.name for p in path.iterdir()) if path.is_dir() else []


def test_rm_leaves_no_container_dir_or_temp_files(hutch: Hutch, base_image: str) -> None:
    """After run --rm, storage/containers and storage/tmp hold nothing."""
    storage = _storage(hutch.env)
    hutch("run", "--rm", base_image, "sh", "-c", "echo data > /written")
    assert _entries(storage / "containers") == []
    assert _entries(storage / "tmp") == []


def test_without_rm_the_container_dir_remains(hutch: Hutch, base_image: str) -> None:
    """Without --rm the container's directory, with its writes, stays in storage."""
    hutch("run", "--name", "kept", base_image, "sh", "-c", "echo data > /written")
    dirs = _entries(_storage(hutch.env) / "containers")
    assert len(dirs) == 1
    upper = _storage(hutch.env) / "containers" / dirs[0] / "upper"
    assert (upper / "written").read_text() == "data\n"


@pytest.mark.parametrize("command", ["no-such-command", "/etc/passwd"])
def test_failed_start_with_rm_leaves_no_trace(hutch: Hutch, base_image: str, command: str) -> None:
    """A container whose command cannot start (127, 126) leaves nothing behind with --rm."""
    result = hutch("run", "--rm", base_image, command, check=False)
    assert result.returncode in (126, 127)
    assert _entries(_storage(hutch.env) / "containers") == []
    assert _entries(_storage(hutch.env) / "tmp") == []
    # the name is free again: the record is gone too
    hutch("run", "--rm", "--name", "again", base_image, "true")


# ---- hostile layers --------------------------------------------------------------


@pytest.fixture
def sentinel() -> Iterator[Path]:
    """An empty directory in /tmp that a hostile layer tries to write into."""
    with tempfile.TemporaryDirectory(prefix="hutch-it-sentinel-", dir="/tmp") as d:
        yield Path(d)


def _tar(path: Path, entries: list[tarfile.TarInfo]) -> Path:
    with tarfile.open(path, "w", format=tarfile.PAX_FORMAT) as tar:
        for ti in entries:
            data = None
            if ti.isfile():
                ti.size = 6
                data = io.BytesIO(b"owned\n")
            tar.addfile(ti, data)
    return path


def _file(name: str) -> tarfile.TarInfo:
    return tarfile.TarInfo(name)


def _symlink(name: str, target: str) -> tarfile.TarInfo:
    ti = tarfile.TarInfo(name)
    ti.type = tarfile.SYMTYPE
    ti.linkname = target
    return ti


@pytest.mark.parametrize("kind", ["dotdot", "absolute", "symlink"])
def test_hostile_layer_is_refused_without_side_effects(
    hutch: Hutch, base_image: str, sentinel: Path, tmp_path: Path, kind: str
) -> None:
    """A layer with ../, absolute or through-a-symlink entries is refused with 125 naming
    the entry; nothing lands outside, and storage shows no new image, layer or temp dir."""
    if kind == "dotdot":
        hostile = "../" * 40 + str(sentinel).lstrip("/") + "/escape"
        entries, named = [_file("ok"), _file(hostile)], hostile
    elif kind == "absolute":
        hostile = f"{sentinel}/abs"
        entries, named = [_file("ok"), _file(hostile)], hostile
    else:
        entries = [_symlink("link", str(sentinel)), _file("link/owned")]
        named = "link"
    evil = _tar(tmp_path / f"{kind}.tar", entries)
    storage = _storage(hutch.env)
    images_before = hutch("images", "-q").stdout
    layers_before = _entries(storage / "layers")

    result = hutch("import", str(evil), "evil", check=False)

    assert result.returncode == 125
    assert named in result.stderr
    assert list(sentinel.iterdir()) == []
    assert hutch("images", "-q").stdout == images_before
    assert _entries(storage / "layers") == layers_before
    assert _entries(storage / "tmp") == []
    assert hutch("run", "--rm", base_image, "echo", "still fine").stdout == "still fine\n"


# ---- concurrency -----------------------------------------------------------------


def test_parallel_runs(hutch: Hutch, base_image: str) -> None:
    """Eight `run --rm` at once all succeed and leave no container dir or temp file."""
    with ThreadPoolExecutor(8) as pool:
        results = list(
            pool.map(
                lambda i: hutch("run", "--rm", base_image, "sh", "-c", f"echo {i}", check=False),
                range(8),
            )
        )
    assert [(r.returncode, r.stdout) for r in results] == [(0, f"{i}\n") for i in range(8)], [
        r.stderr for r in results
    ]
    assert _entries(_storage(hutch.env) / "containers") == []
    assert _entries(_storage(hutch.env) / "tmp") == []


def test_parallel_imports_of_one_tar(hutch: Hutch, rootfs_tar: Path) -> None:
    """Four imports of the same tar at once all succeed, share one layer and one blob,
    leave no temp files, and the name ends on one of the imported images."""
    with ThreadPoolExecutor(4) as pool:
        results = list(
            pool.map(
                lambda _: hutch("import", "-q", str(rootfs_tar), "same", check=False), range(4)
            )
        )
    assert [r.returncode for r in results] == [0] * 4, [r.stderr for r in results]
    storage = _storage(hutch.env)
    assert len(_entries(storage / "layers")) == 1
    assert len(_entries(storage / "blobs" / "sha256")) == 1
    assert _entries(storage / "tmp") == []
    named = json.loads(hutch("image", "inspect", "same").stdout)[0]["Id"]
    # (import -q prints the id as podman does: with its sha256: prefix)
    assert named in {r.stdout.strip().removeprefix("sha256:") for r in results}
    assert hutch("run", "--rm", "same", "echo", "ok").stdout == "ok\n"
