"""Finding a local image by what the user typed, on a real ImageStore (temp SQLite)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from hutch.api.errors import InvalidArgument, NoSuchObject
from hutch.engine.resolve import candidate_names, find_image
from hutch.store import db
from hutch.store.images import ImageStore
from hutch.store.layers import LayerInfo

LAYER = LayerInfo("sha256:" + "1" * 64, "sha256:" + "2" * 64, "application/x", 10, 20)
ID_A = "abc1" + "0" * 60
ID_B = "abc2" + "0" * 60
ID_C = "fed0" + "0" * 60


@pytest.fixture
def conn(tmp_path: Path) -> Iterator[sqlite3.Connection]:
    connection = db.connect(tmp_path / "hutch.db")
    yield connection
    connection.close()


@pytest.fixture
def store(conn: sqlite3.Connection) -> ImageStore:
    s = ImageStore(conn)
    s.add(ID_A, b"{}", b"{}", "sha256:" + "a" * 64, [LAYER], ["localhost/base:latest"])
    s.add(ID_B, b"{}", b"{}", "sha256:" + "b" * 64, [LAYER], ["docker.io/library/busybox:1.36"])
    s.add(ID_C, b"{}", b"{}", "sha256:" + "c" * 64, [LAYER], ["quay.io/team/tool:v2"])
    return s


def test_candidate_names() -> None:
    assert candidate_names("base") == ["localhost/base:latest", "docker.io/library/base:latest"]
    assert candidate_names("me/app:1") == ["localhost/me/app:1", "docker.io/me/app:1"]
    assert candidate_names("quay.io/x/y") == ["quay.io/x/y:latest"]
    assert candidate_names("localhost/z:2") == ["localhost/z:2"]
    assert candidate_names("localhost:5000/z") == ["localhost:5000/z:latest"]


def test_candidate_names_refuse_bad_references() -> None:
    with pytest.raises(InvalidArgument):
        candidate_names("UPPER")


@pytest.mark.parametrize(
    ("text", "image_id"),
    [
        ("localhost/base:latest", ID_A),  # exact stored name
        ("base", ID_A),  # short name -> localhost/ first
        ("base:latest", ID_A),
        ("localhost/base", ID_A),
        ("busybox:1.36", ID_B),  # short name -> docker.io/library/
        ("library/busybox:1.36", ID_B),
        ("docker.io/busybox:1.36", ID_B),
        ("team/tool:v2", ID_C),  # short name matched against any registry
        ("tool:v2", ID_C),
        (ID_A, ID_A),  # full id
        ("sha256:" + ID_B, ID_B),
        ("abc1", ID_A),  # unambiguous prefix
        ("fed", ID_C),
        ("sha256:fed0", ID_C),
    ],
)
def test_find_image(store: ImageStore, text: str, image_id: str) -> None:
    assert find_image(store, text).id == image_id


def test_found_record_carries_names_and_layers(store: ImageStore) -> None:
    record = find_image(store, "base")
    assert record.names == ("localhost/base:latest",)
    assert record.diff_ids == (LAYER.diff_id,)


def test_ambiguous_prefix(store: ImageStore) -> None:
    with pytest.raises(InvalidArgument, match="ambiguous"):
        find_image(store, "abc")


@pytest.mark.parametrize(
    "text",
    ["nothing", "base:other", "quay.io/base", "busybox", "fed1", "0" * 64, "Not_A_Ref!"],
)
def test_unknown_is_no_such_object(store: ImageStore, text: str) -> None:
    with pytest.raises(NoSuchObject, match="image not known"):
        find_image(store, text)


def test_local_name_wins_over_docker_hub(store: ImageStore) -> None:
    store.add(ID_C, b"{}", b"{}", "sha256:" + "c" * 64, [LAYER], ["docker.io/library/base:latest"])
    assert find_image(store, "base").id == ID_A


def test_candidate_names_follow_registries_conf(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    conf = tmp_path / "registries.conf"
    conf.write_text('unqualified-search-registries = ["quay.io", "docker.io"]\n')
    monkeypatch.setenv("CONTAINERS_REGISTRIES_CONF", str(conf))
    assert candidate_names("app") == [
        "localhost/app:latest",
        "quay.io/app:latest",
        "docker.io/library/app:latest",
    ]
    assert candidate_names("app", ("example.com",)) == [
        "localhost/app:latest",
        "example.com/app:latest",
    ]


def test_a_local_build_is_found_without_registries_conf(
    store: ImageStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``localhost/NAME`` first, and registries.conf (a TOML parse) only when it is not
    there: ``run`` of a local build or import never loads it (issue 16)."""
    from hutch.engine import resolve

    asked: list[bool] = []

    def search() -> tuple[str, ...]:
        asked.append(True)
        return ("docker.io",)

    monkeypatch.setattr(resolve, "search_registries", search)
    assert find_image(store, "base").id == ID_A
    assert resolve.resolved_name(["localhost/base:latest"], "base") == "localhost/base:latest"
    assert asked == []
    assert find_image(store, "busybox:1.36").id == ID_B
    assert asked == [True]
