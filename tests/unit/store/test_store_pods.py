"""Pod rows: names shared with containers, lookup, and no pod deleted under a member."""

from __future__ import annotations

from pathlib import Path

import pytest

from hutch.api.errors import Conflict, NoSuchObject
from hutch.config.paths import Paths
from hutch.store import db
from hutch.store.containers import ContainerStore
from hutch.store.pods import PodStore


@pytest.fixture
def stores(tmp_path: Path) -> tuple[PodStore, ContainerStore]:
    conn = db.connect(tmp_path / "h.db")
    with db.transaction(conn):
        conn.execute(
            "INSERT INTO images (id, config, manifest, digest, created, size) "
            "VALUES ('i1', x'', x'', 'd', 0, 0)"
        )
    paths = Paths(data=tmp_path / "data", runtime=tmp_path / "run", config=tmp_path / "c")
    return PodStore(conn), ContainerStore(conn, paths)


def test_create_find_and_prefix(stores: tuple[PodStore, ContainerStore]) -> None:
    pods, _ = stores
    pods.create("ab12", "web", b"{}")
    assert pods.find("web").id == "ab12"
    assert pods.find("ab").name == "web"
    with pytest.raises(NoSuchObject, match="no pod with name or ID nope found: no such pod"):
        pods.find("nope")
    with pytest.raises(Conflict, match='name "web" is in use: pod already exists'):
        pods.create("cd34", "web", b"{}")


def test_pods_and_containers_share_names(stores: tuple[PodStore, ContainerStore]) -> None:
    pods, containers = stores
    containers.create("c1", "db", "i1", "img", b"{}")
    with pytest.raises(Conflict, match='name "db" is in use: container already exists'):
        pods.create("p1", "db", b"{}")
    pods.create("p1", "web", b"{}")
    with pytest.raises(Conflict, match='name "web" is in use: pod already exists'):
        containers.create("c2", "web", "i1", "img", b"{}")


def test_members_keep_their_pod(stores: tuple[PodStore, ContainerStore]) -> None:
    pods, containers = stores
    pods.create("p1", "web", b"{}")
    containers.create("c1", "app", "i1", "img", b"{}", pod_id="p1")
    assert [c.id for c in containers.of_pod("p1")] == ["c1"]
    assert containers.get("c1").pod_id == "p1"  # type: ignore[union-attr]
    with pytest.raises(Conflict, match="still has containers"):
        pods.delete("p1")
    containers.delete("c1")
    pods.delete("p1")
    assert pods.all() == []
    with pytest.raises(NoSuchObject, match="was removed while the container was created"):
        containers.create("c2", "late", "i1", "img", b"{}", pod_id="p1")
