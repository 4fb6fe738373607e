"""What an image's users hold: containers and build leases refuse rmi; an image
is recorded only on layers whose files exist (the rmi races of issue 21)."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import cast

import pytest

from hutch.api.errors import ImageInUse, NoSuchObject
from hutch.config.paths import Paths
from hutch.engine.context import EngineContext
from hutch.engine.imagewrite import store_image_raw
from hutch.linux import procfs
from hutch.store import db
from hutch.store.containers import ContainerStore
from hutch.store.images import ImageStore
from hutch.store.layers import LayerInfo, LayersMissing, LayerStore
from hutch.util import testpoint

IMAGE = "ab" * 32
CTR = "cd" * 32


@pytest.fixture
def conn(tmp_path: Path) -> Iterator[sqlite3.Connection]:
    connection = db.connect(tmp_path / "hutch.db")
    yield connection
    connection.close()


@pytest.fixture
def paths(tmp_path: Path) -> Paths:
    return Paths(data=tmp_path / "data", runtime=tmp_path / "run", config=tmp_path / "cfg")


@pytest.fixture
def images(conn: sqlite3.Connection) -> ImageStore:
    store = ImageStore(conn)
    store.add(IMAGE, b"{}", b"{}", "sha256:" + "0" * 64, [], ["localhost/x:1"])
    return store


def _me() -> tuple[int, str]:
    return os.getpid(), procfs.start_time(os.getpid())


def test_a_container_on_the_image_refuses_rmi_with_exit_2(
    conn: sqlite3.Connection, paths: Paths, images: ImageStore
) -> None:
    ContainerStore(conn, paths).create(CTR, "web", IMAGE, "x", b"{}")
    with pytest.raises(ImageInUse, match=f"image used by {CTR}") as info:
        images.remove(IMAGE)
    assert info.value.exit_code == 2
    assert images.get(IMAGE) is not None


def test_no_container_is_created_on_a_removed_image(
    conn: sqlite3.Connection, paths: Paths, images: ImageStore
) -> None:
    images.remove(IMAGE)
    with pytest.raises(NoSuchObject, match="removed while the container was created"):
        ContainerStore(conn, paths).create(CTR, "web", IMAGE, "x", b"{}")
    assert ContainerStore(conn, paths).all() == []


def test_a_live_build_lease_refuses_rmi_until_released(images: ImageStore) -> None:
    pid, start = _me()
    images.lease(IMAGE, pid, start)
    with pytest.raises(ImageInUse, match=f"a build \\(process {pid}\\)"):
        images.remove(IMAGE)
    images.release(pid, start)
    images.remove(IMAGE)
    assert images.get(IMAGE) is None


def test_a_dead_process_lease_counts_for_nothing(
    conn: sqlite3.Connection, images: ImageStore
) -> None:
    pid, _ = _me()
    images.lease(IMAGE, pid, "not-my-start-time")  # this pid, another process
    images.remove(IMAGE)
    assert conn.execute("SELECT COUNT(*) FROM image_leases").fetchone()[0] == 0


def test_a_lease_on_a_removed_image_fails(images: ImageStore) -> None:
    images.remove(IMAGE)
    with pytest.raises(NoSuchObject, match="removed while being used"):
        images.lease(IMAGE, *_me())


def _layer(layers: LayerStore, tmp_path: Path) -> LayerInfo:
    import io
    import tarfile

    data = io.BytesIO()
    with tarfile.open(fileobj=data, mode="w") as tar:
        entry = tarfile.TarInfo("file")
        entry.size = 3
        tar.addfile(entry, io.BytesIO(b"hi\n"))
    data.seek(0)
    return layers.ingest(data, ignore_chown=True)


def test_an_image_is_not_recorded_on_a_layer_whose_files_are_gone(
    tmp_path: Path, paths: Paths
) -> None:
    ctx = cast(EngineContext, _Ctx(paths))
    info = _layer(ctx.layers, tmp_path)
    store_image_raw(ctx, b'{"a":1}', [info], ["localhost/a:1"])
    ctx.layers.remove(info.diff_id, info.blob_digest)  # as a concurrent rmi does
    with pytest.raises(LayersMissing) as missing:
        store_image_raw(ctx, b'{"b":2}', [info], ["localhost/b:1"])
    assert missing.value.diff_ids == (info.diff_id,)
    assert ctx.images.by_name("localhost/b:1") is None
    info = _layer(ctx.layers, tmp_path)  # fetched again: now it records
    assert store_image_raw(ctx, b'{"b":2}', [info], ["localhost/b:1"]).names == ("localhost/b:1",)


class _Ctx:
    """The two stores ``store_image_raw`` uses, nothing of a session."""

    def __init__(self, paths: Paths) -> None:
        paths.storage.mkdir(parents=True)
        self.layers = LayerStore(paths)
        self.images = ImageStore(db.connect(paths.database))


def test_a_pause_point_waits_for_its_gate_only_when_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    gate = tmp_path / "gate"
    monkeypatch.setenv(testpoint.ENV, f"other-point:{gate}")
    testpoint.pause("pull-before-record")
    assert not Path(f"{gate}.reached").exists()
    gate.touch()  # opened already: the point only announces itself
    monkeypatch.setenv(testpoint.ENV, f"pull-before-record:{gate}")
    testpoint.pause("pull-before-record")
    assert Path(f"{gate}.reached").read_text() == f"{os.getpid()}\n"


OTHER = "ef" * 32


def test_a_container_mounting_the_image_refuses_rmi_as_its_own_image_does(
    conn: sqlite3.Connection, paths: Paths, images: ImageStore
) -> None:
    images.add(OTHER, b"{}", b"{}", "sha256:" + "1" * 64, [], ["localhost/base:1"])
    ContainerStore(conn, paths).create(CTR, "web", OTHER, "base", b"{}")
    images.link_mount(CTR, IMAGE)  # --mount type=image,source=localhost/x:1
    with pytest.raises(ImageInUse) as info:
        images.remove(IMAGE)
    assert str(info.value) == (
        f"image used by {CTR}: image is in use by a container: "
        "consider listing external containers and force-removing image"
    )
    assert info.value.exit_code == 2
    assert images.mounted_ids() == {IMAGE}
    images.unlink_mounts(IMAGE)  # rmi --force: the container stays
    images.remove(IMAGE)
    assert images.get(IMAGE) is None
    assert ContainerStore(conn, paths).get(CTR) is not None


def test_the_mount_link_goes_with_the_container(
    conn: sqlite3.Connection, paths: Paths, images: ImageStore
) -> None:
    images.add(OTHER, b"{}", b"{}", "sha256:" + "1" * 64, [], ["localhost/base:1"])
    containers = ContainerStore(conn, paths)
    containers.create(CTR, "web", OTHER, "base", b"{}")
    images.link_mount(CTR, IMAGE)
    containers.delete(CTR)
    assert images.mounted_ids() == set()
    images.remove(IMAGE)


def test_no_mount_link_to_a_removed_image(
    conn: sqlite3.Connection, paths: Paths, images: ImageStore
) -> None:
    images.add(OTHER, b"{}", b"{}", "sha256:" + "1" * 64, [], ["localhost/base:1"])
    ContainerStore(conn, paths).create(CTR, "web", OTHER, "base", b"{}")
    images.remove(IMAGE)
    with pytest.raises(NoSuchObject, match="removed while being used"):
        images.link_mount(CTR, IMAGE)
    assert images.mounted_ids() == set()
