"""``hutch import``, ``images``, ``rmi`` and ``image inspect`` against real storage."""

from __future__ import annotations

import gzip
import json
import re
import subprocess
from pathlib import Path

import pytest
from harness import Hutch, HutchEnv

# ``podman images --format json`` keys that scripts use
IMAGES_JSON_KEYS = {
    "Id",
    "ParentId",
    "RepoTags",
    "RepoDigests",
    "Size",
    "SharedSize",
    "VirtualSize",
    "Labels",
    "Containers",
    "Names",
    "Digest",
    "History",
    "Created",
    "CreatedAt",
}


def _layers_dir(env: HutchEnv) -> Path:
    return env.data_home / "hutch" / "storage" / "layers"


def _image_ids(hutch: Hutch) -> list[str]:
    return [i["Id"] for i in json.loads(hutch("images", "--format", "json").stdout)]


def _check_runs(hutch: Hutch, image: str) -> None:
    out = hutch("run", "--rm", image, "sh", "-c", "echo $((6 * 7))").stdout
    assert out == "42\n"


def test_import_from_stdin(hutch: Hutch, rootfs_tar: Path) -> None:
    """`import - NAME` reads the tar from stdin and makes a runnable image."""
    with open(rootfs_tar, "rb") as tar:
        result = subprocess.run(
            [str(hutch.binary), "import", "-", "fromstdin"],
            stdin=tar,
            capture_output=True,
            text=True,
            env=hutch.env.environ(),
            cwd=hutch.env.home,
            timeout=60,
            check=False,
        )
    assert result.returncode == 0, result.stderr
    assert re.fullmatch(r"sha256:[0-9a-f]{64}\n", result.stdout)
    _check_runs(hutch, "fromstdin")


@pytest.mark.parametrize("compression", ["gzip", "zstd"])
def test_import_compressed(
    hutch: Hutch, rootfs_tar: Path, tmp_path: Path, compression: str
) -> None:
    """gzip and zstd compressed tars import to the same layer as the plain tar."""
    packed = tmp_path / f"rootfs.tar.{compression}"
    if compression == "gzip":
        packed.write_bytes(gzip.compress(rootfs_tar.read_bytes()))
    else:
        subprocess.run(["zstd", "-q", "-o", str(packed), str(rootfs_tar)], check=True)
    hutch("import", str(rootfs_tar), "plain")
    hutch("import", str(packed), "packed")
    plain, packed_info = json.loads(hutch("image", "inspect", "plain", "packed").stdout)
    assert packed_info["RootFS"]["Layers"] == plain["RootFS"]["Layers"]
    assert len(list(_layers_dir(hutch.env).iterdir())) == 1
    _check_runs(hutch, "packed")


def test_import_twice_records_two_images_on_one_layer(hutch: Hutch, rootfs_tar: Path) -> None:
    """As podman: each import records its own creation time (a new image id), the
    name moves to the newest, and both images share the one stored layer."""
    first = hutch("import", "-q", str(rootfs_tar), "twice").stdout.strip().removeprefix("sha256:")
    second = hutch("import", "-q", str(rootfs_tar), "twice").stdout.strip().removeprefix("sha256:")
    assert first != second
    assert len(_image_ids(hutch)) == 2
    info = json.loads(hutch("image", "inspect", "twice").stdout)[0]
    assert info["Id"] == second
    assert len(list(_layers_dir(hutch.env).iterdir())) == 1


def test_images_json_keys(hutch: Hutch, base_image: str) -> None:
    """`images --format json` gives podman's keys with the image's id, name and size."""
    images = json.loads(hutch("images", "--format", "json").stdout)
    assert len(images) == 1
    image = images[0]
    assert set(image) == IMAGES_JSON_KEYS
    assert re.fullmatch(r"[0-9a-f]{64}", image["Id"])
    assert image["RepoTags"] is None  # podman's: null here, the names are in Names
    assert image["Names"] == ["localhost/base:latest"]
    assert image["Digest"].startswith("sha256:")
    assert image["Size"] > 1_000_000


def test_images_quiet(hutch: Hutch, base_image: str, rootfs_tar: Path) -> None:
    """`images -q` prints one short id per image and nothing else."""
    hutch("import", str(rootfs_tar), "other")
    ids = _image_ids(hutch)
    out = hutch("images", "-q").stdout
    assert sorted(out.split("\n")[:-1]) == sorted(i[:12] for i in ids)


def test_rmi_by_name(hutch: Hutch, base_image: str) -> None:
    """`rmi NAME` removes the image: it is gone from `images` and cannot run."""
    result = hutch("rmi", base_image)
    assert "localhost/base:latest" in result.stdout
    assert _image_ids(hutch) == []
    gone = hutch("run", "--rm", base_image, "true", check=False)
    assert gone.returncode == 125


def test_rmi_by_id(hutch: Hutch, base_image: str) -> None:
    """`rmi ID` (full or short) removes the image."""
    (image_id,) = _image_ids(hutch)
    result = hutch("rmi", image_id[:12])
    assert image_id in result.stdout
    assert _image_ids(hutch) == []


def test_rmi_unknown_image(hutch: Hutch, base_image: str) -> None:
    """`rmi` of an unknown image exits 1 with an error naming it, and removes nothing."""
    result = hutch("rmi", "no-such-image", check=False)
    assert result.returncode == 1
    assert "no-such-image" in result.stderr and result.stderr.startswith("Error:")
    assert len(_image_ids(hutch)) == 1


def test_rmi_all(hutch: Hutch, base_image: str, rootfs_tar: Path) -> None:
    """`rmi -a` removes every image and every layer."""
    hutch("import", str(rootfs_tar), "second")
    assert len(_image_ids(hutch)) == 2
    hutch("rmi", "-a")
    assert _image_ids(hutch) == []
    assert list(_layers_dir(hutch.env).iterdir()) == []


def test_image_inspect(hutch: Hutch, base_image: str) -> None:
    """`image inspect` gives Id, RepoTags, RootFS.Layers, Os and Architecture."""
    (info,) = json.loads(hutch("image", "inspect", base_image).stdout)
    assert info["Id"] == _image_ids(hutch)[0]
    assert info["RepoTags"] == ["localhost/base:latest"]
    assert info["RootFS"]["Type"] == "layers"
    (layer,) = info["RootFS"]["Layers"]
    assert re.fullmatch(r"sha256:[0-9a-f]{64}", layer)
    assert info["Os"] == "linux"
    assert info["Architecture"] == "amd64"
    # the layer id names the unpacked layer in storage
    assert (_layers_dir(hutch.env) / layer.split(":")[1] / "diff" / "bin" / "busybox").is_file()


def test_rmi_removes_unused_layer_only(
    hutch: Hutch, base_image: str, rootfs_tar: Path, tmp_path: Path
) -> None:
    """A layer stays while an image uses it, and goes with the last image using it."""
    other_tar = tmp_path / "other.tar"
    subprocess.run(
        [
            "tar",
            "-cf",
            str(other_tar),
            "-C",
            str(tmp_path),
            "--owner=0",
            "--group=0",
            "--files-from=/dev/null",
        ],
        check=True,
    )
    hutch("import", str(rootfs_tar), "again")
    hutch("import", str(other_tar), "empty")
    assert len(list(_layers_dir(hutch.env).iterdir())) == 2
    hutch("rmi", base_image)
    assert len(list(_layers_dir(hutch.env).iterdir())) == 2  # still used by "again"
    hutch("rmi", "again")
    remaining = list(_layers_dir(hutch.env).iterdir())
    assert len(remaining) == 1
    (empty_layer,) = json.loads(hutch("image", "inspect", "empty").stdout)[0]["RootFS"]["Layers"]
    assert remaining[0].name == empty_layer.split(":")[1]
