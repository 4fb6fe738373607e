"""The root directory's mode kept from the image (issue 15): a layer tar's ``./``
entry recorded at extraction, the image's mode made of them as containers/storage
does (the topmost ``./`` entry, else 0555), and the upper dirs made with it."""

from __future__ import annotations

import io
import os
import stat
import tarfile
from pathlib import Path

import pytest

from hutch.build.workroot import WorkRoot, work_root
from hutch.config.paths import Paths
from hutch.engine import rootfs_dir
from hutch.store.containers import ContainerDirs
from hutch.store.layers import ROOT_MODE, LayerInfo, LayerStore
from hutch.store.rootmode import DEFAULT_ROOT_MODE, format_mode, image_root_mode, parse_mode
from hutch.store.tarextract import extract_layer


def layer_tar(root_mode: int | None, name: str = "f") -> bytes:
    """A layer of one file, with a ``./`` entry of ``root_mode`` unless None."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tar:
        if root_mode is not None:
            root = tarfile.TarInfo("./")
            root.type, root.mode = tarfile.DIRTYPE, root_mode
            root.uid, root.gid = os.geteuid(), os.getegid()
            tar.addfile(root)
        info = tarfile.TarInfo(name)
        info.size, info.mode = 1, 0o644
        info.uid, info.gid = os.geteuid(), os.getegid()
        tar.addfile(info, io.BytesIO(b"x"))
    return buf.getvalue()


def mode_of(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def store(tmp_path: Path) -> LayerStore:
    return LayerStore(
        Paths(data=tmp_path / "data", runtime=tmp_path / "run", config=tmp_path / "cfg")
    )


@pytest.mark.parametrize(
    ("modes", "expected"),
    [
        ((), 0o555),  # scratch
        ((None,), 0o555),  # a base layer without "./": containers/storage's default
        ((None, None, None), 0o555),
        ((0o711,), 0o711),
        ((0o711, None, None), 0o711),  # layers without "./" keep their parent's
        ((0o711, 0o700, None), 0o700),  # the topmost "./" wins
        ((None, 0o750), 0o750),
        ((0o1777,), 0o1777),  # special bits are kept as given
    ],
)
def test_the_topmost_root_entry_gives_the_mode(
    modes: tuple[int | None, ...], expected: int
) -> None:
    assert image_root_mode(modes) == expected


def test_the_default_is_containers_storage_s() -> None:
    assert DEFAULT_ROOT_MODE == 0o555


@pytest.mark.parametrize("mode", [0o555, 0o711, 0o1777, 0])
def test_the_recorded_mode_reads_back(mode: int) -> None:
    assert parse_mode(format_mode(mode)) == mode


@pytest.mark.parametrize("text", ["", "\n", "rwx", "0999", "12345", "-755", "0x1ed"])
def test_a_damaged_record_counts_as_no_root_entry(text: str) -> None:
    assert parse_mode(text) is None


def test_extraction_tells_whether_the_tar_had_a_root_entry(tmp_path: Path) -> None:
    with_root, without = tmp_path / "a", tmp_path / "b"
    with_root.mkdir()
    without.mkdir()
    result = extract_layer(io.BytesIO(layer_tar(0o711)), with_root, whiteouts="overlay")
    assert result.root_mode == 0o711 and mode_of(with_root) == 0o711
    result = extract_layer(io.BytesIO(layer_tar(None)), without, whiteouts="overlay")
    assert result.root_mode is None


def test_a_stored_layer_records_its_root_entry(store: LayerStore) -> None:
    base = store.ingest(io.BytesIO(layer_tar(0o711, "a")))
    top = store.ingest(io.BytesIO(layer_tar(None, "b")))
    assert store.root_mode(base.diff_id) == 0o711
    assert store.root_mode(top.diff_id) is None
    assert store.image_root_mode([base.diff_id, top.diff_id]) == 0o711
    assert store.image_root_mode([top.diff_id]) == 0o555
    assert store.root_mode("sha256:" + "0" * 64) is None  # no such layer
    # the record goes with the layer
    store.remove(base.diff_id, base.blob_digest)
    assert store.root_mode(base.diff_id) is None


def test_a_layer_stored_before_the_record_gets_it_when_stored_again(
    store: LayerStore,
) -> None:
    info = store.ingest(io.BytesIO(layer_tar(0o750)))
    record = store.layer_dir(info.diff_id).parent / ROOT_MODE
    record.unlink()  # as a layer from before this change
    assert store.root_mode(info.diff_id) is None
    assert store.ingest(io.BytesIO(layer_tar(0o750))) == info
    assert store.root_mode(info.diff_id) == 0o750


def test_a_consumed_upper_with_a_read_only_root_becomes_a_layer(store: LayerStore) -> None:
    tree = store.new_tmp() / "upper"
    tree.mkdir()
    (tree / "new").write_text("x\n")
    os.chmod(tree, 0o555)  # as a step's upper on an image without "./"
    info = store.ingest_dir(tree, consume=True)
    assert not tree.exists()
    assert (store.layer_dir(info.diff_id) / "new").read_text() == "x\n"
    assert store.root_mode(info.diff_id) is None  # committed layers have no "./" entry


def _fake_layer(layers: Path, hexname: str, mode: int | None) -> LayerInfo:
    (layers / hexname / "diff").mkdir(parents=True)
    if mode is not None:
        (layers / hexname / ROOT_MODE).write_text(format_mode(mode))
    return LayerInfo(f"sha256:{hexname}", f"sha256:{hexname}", "", 0, 0)


def test_a_build_step_s_upper_has_the_image_s_root_mode(tmp_path: Path) -> None:
    layers_dir = tmp_path / "layers"
    layers = [_fake_layer(layers_dir, "a" * 64, 0o711), _fake_layer(layers_dir, "b" * 64, None)]
    root = work_root(tmp_path / "step", layers_dir, layers)
    assert root.root_mode() == 0o711
    root.rootfs("overlay")
    assert mode_of(root.upper) == 0o711
    scratch = work_root(tmp_path / "scratch", layers_dir, [])
    scratch.rootfs("overlay")
    assert mode_of(scratch.upper) == 0o555


def test_a_stage_s_shared_upper_keeps_what_its_steps_did(tmp_path: Path) -> None:
    layers_dir = tmp_path / "layers"
    layers = [_fake_layer(layers_dir, "a" * 64, None)]
    shared = tmp_path / "shared-upper"
    first: WorkRoot = work_root(tmp_path / "one", layers_dir, layers, shared)
    first.rootfs("overlay")
    assert mode_of(shared) == 0o555
    os.chmod(shared, 0o700)  # a step's "chmod 700 /"
    work_root(tmp_path / "two", layers_dir, layers, shared).rootfs("overlay")
    assert mode_of(shared) == 0o700


def test_a_rootfs_overlay_shows_the_directory_s_mode(tmp_path: Path) -> None:
    source = tmp_path / "root"
    source.mkdir()
    os.chmod(source, 0o711)
    dirs = ContainerDirs(tmp_path / "c")
    rootfs_dir.rootfs(rootfs_dir.RootfsDir(str(source), True), dirs, "overlay")
    assert mode_of(dirs.upper) == 0o711
    plain = ContainerDirs(tmp_path / "plain")
    rootfs_dir.rootfs(rootfs_dir.RootfsDir(str(source), False), plain, "overlay")
    assert mode_of(plain.upper) == 0o755  # unused without :O
