"""A new volume's first mount happens at the container's start, with podman's rules
(issue 15): copy-up only into an empty volume from a directory with entries, not
with nocopy; NeedsCopyUp stays until something was copied; NeedsChown is consumed
by the first start, and the container's user takes the directory where the image
has none (``Mount.own`` in the bundle)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import cast

import pytest

from hutch.config.paths import Paths
from hutch.engine import container_state as cs
from hutch.engine.container_record import MountRecord
from hutch.engine.context import EngineContext
from hutch.engine.volume_firstmount import first_mounts
from hutch.runtime.spawn import write_bundle
from hutch.runtime.spec import Mount, Process, Rootfs, Spec
from hutch.runtime.spec_io import spec_from_json
from hutch.store import db
from hutch.store.volumes import VolumeStore


@pytest.fixture
def store(tmp_path: Path) -> Iterator[VolumeStore]:
    conn: sqlite3.Connection = db.connect(tmp_path / "hutch.db")
    paths = Paths(data=tmp_path / "data", runtime=tmp_path / "run", config=tmp_path / "cfg")
    yield VolumeStore(conn, paths)
    conn.close()


def _start(
    tmp_path: Path,
    store: VolumeStore,
    *mounts: tuple[str, str, tuple[str, ...]],
    chown: bool = True,
) -> Spec:
    """Start (the first-mount part of it) a container of an image whose tree is
    ``tmp_path/image``, mounting (volume, destination, options); its bundle after."""
    records = tuple(
        MountRecord("volume", dest, str(store.data_dir(name)), name=name, options=options)
        for name, dest, options in mounts
    )
    userdata = tmp_path / "userdata"
    spec = Spec(
        id="c",
        hostname="h",
        process=Process(args=("sh",), env=()),
        rootfs=Rootfs("bind", str(tmp_path / "image")),
        mounts=tuple(Mount("bind", r.destination, r.source, ("rbind",)) for r in records),
    )
    write_bundle(spec, userdata)
    ctx = cast(EngineContext, SimpleNamespace(volumes=store, paths=SimpleNamespace(tmp=tmp_path)))
    container = SimpleNamespace(
        config=SimpleNamespace(mounts=records), dirs=SimpleNamespace(userdata=userdata)
    )
    first_mounts(ctx, cast(cs.Container, container), chown=chown)
    return spec_from_json((userdata / "config.json").read_bytes())


def _flags(store: VolumeStore, name: str) -> tuple[bool, bool]:
    volume = store.get(name)
    assert volume is not None
    return volume.needs_copy_up, volume.needs_chown


@pytest.fixture
def image(tmp_path: Path) -> Path:
    (tmp_path / "image" / "etc").mkdir(parents=True)
    (tmp_path / "image" / "etc" / "passwd").write_text("root:x:0:0::/root:/bin/sh\n")
    (tmp_path / "image" / "etc").chmod(0o751)
    (tmp_path / "image" / "empty").mkdir()
    return tmp_path / "image"


def test_the_first_start_copies_up_and_the_directory_keeps_the_images_mode(
    tmp_path: Path, store: VolumeStore, image: Path
) -> None:
    store.create("v", needs_chown=True)
    assert _flags(store, "v") == (True, True)  # created: nothing done yet
    spec = _start(tmp_path, store, ("v", "/etc", ()))
    assert (store.data_dir("v") / "passwd").read_text().startswith("root:")
    assert store.data_dir("v").stat().st_mode & 0o777 == 0o751
    assert _flags(store, "v") == (False, False)
    assert not spec.mounts[0].own  # the image's directory gave the owner


def test_nocopy_keeps_the_files_out_but_the_first_start_still_takes_the_chown(
    tmp_path: Path, store: VolumeStore, image: Path
) -> None:
    store.create("v", needs_chown=True)
    store.create("o", options=(("nocopy", ""),), needs_chown=True)
    _start(tmp_path, store, ("v", "/etc", ("nocopy", "nosuid")), ("o", "/etc/x", ()))
    assert list(store.data_dir("v").iterdir()) == []
    assert _flags(store, "v") == (True, False)  # podman 4.3.1: true, false
    assert _flags(store, "o") == (True, False)
    assert store.data_dir("v").stat().st_mode & 0o777 == 0o751  # the owner's part was done


@pytest.mark.parametrize("dest", ["/nothing", "/empty"])
def test_nothing_to_copy_leaves_needs_copy_up_for_a_later_container(
    tmp_path: Path, store: VolumeStore, image: Path, dest: str
) -> None:
    store.create("v", needs_chown=True)
    spec = _start(tmp_path, store, ("v", dest, ()))
    assert _flags(store, "v") == (True, False)
    # where the image has no directory the container's user takes the volume's
    assert spec.mounts[0].own is (dest == "/nothing")
    _start(tmp_path, store, ("v", "/etc", ()))  # a later container with content there
    assert (store.data_dir("v") / "passwd").exists()
    assert _flags(store, "v") == (False, False)


def test_a_volume_with_content_is_not_copied_into(
    tmp_path: Path, store: VolumeStore, image: Path
) -> None:
    store.create("v")
    (store.data_dir("v") / "mine").write_text("x")
    _start(tmp_path, store, ("v", "/etc", ()))
    assert sorted(p.name for p in store.data_dir("v").iterdir()) == ["mine"]
    assert _flags(store, "v") == (True, False)


def test_a_started_volume_is_left_alone(tmp_path: Path, store: VolumeStore, image: Path) -> None:
    store.create("v")
    store.first_mounted("v", copied=True)
    spec = _start(tmp_path, store, ("v", "/etc", ()))
    assert list(store.data_dir("v").iterdir()) == [] and not spec.mounts[0].own


def test_prepare_volume_on_create_copies_and_leaves_the_owner_to_the_start(
    tmp_path: Path, store: VolumeStore, image: Path
) -> None:
    # containers.conf's prepare_volume_on_create: the copy at create, NeedsChown kept
    # for the first start (podman 4.3.1: "false true" between the two)
    store.create("v", needs_chown=True)
    store.create("bare", needs_chown=True)
    spec = _start(tmp_path, store, ("v", "/etc", ()), ("bare", "/empty", ()), chown=False)
    assert (store.data_dir("v") / "passwd").exists()
    assert _flags(store, "v") == (False, True)
    assert _flags(store, "bare") == (True, True)  # nothing copied: both left
    assert not any(m.own for m in spec.mounts)
    spec = _start(tmp_path, store, ("v", "/etc", ()), ("bare", "/empty", ()))
    assert _flags(store, "v") == (False, False)
