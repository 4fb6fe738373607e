"""``engine.artifacts`` on a real store in tmp_path: add, append, lookups, rm, extract."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hutch.api.artifacts import (
    ArtifactAddOptions,
    ArtifactExtractOptions,
    ArtifactPullOptions,
    ArtifactPushOptions,
    ArtifactRemoveOptions,
)
from hutch.api.errors import Conflict, InvalidArgument, NoSuchObject
from hutch.config.paths import Paths
from hutch.config.settings import Settings
from hutch.engine.artifacts import ArtifactService
from hutch.engine.context import EngineContext
from hutch.oci.digest import sha256_of


@pytest.fixture
def service(tmp_path: Path) -> ArtifactService:
    paths = Paths(tmp_path / "data", tmp_path / "run", tmp_path / "cfg")
    return ArtifactService(EngineContext(paths, Settings()))


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    a, b = tmp_path / "a.txt", tmp_path / "b.bin"
    a.write_text("hello\n")
    b.write_bytes(bytes(range(256)) * 4)
    return a, b


def _add(service: ArtifactService, name: str, *paths: Path, **kw: object) -> str:
    options = ArtifactAddOptions(name, tuple(map(str, paths)), **kw)  # type: ignore[arg-type]
    return service.add(options)


def test_add_stores_one_layer_per_file_and_prints_the_manifest_digest(
    service: ArtifactService, files: tuple[Path, Path]
) -> None:
    digest = _add(service, "quay.io/x/m:1", *files, artifact_type="application/x-m")
    report = service.inspect("quay.io/x/m:1")
    assert report.digest == f"sha256:{digest}" == str(sha256_of(report.manifest_raw))
    doc = json.loads(report.manifest_raw)
    assert doc["artifactType"] == "application/x-m"
    assert [(x["mediaType"], x["size"]) for x in doc["layers"]] == [
        ("text/plain; charset=utf-8", 6),
        ("application/octet-stream", 1024),
    ]
    assert "org.opencontainers.image.created" in doc["annotations"]
    assert report.size == 1030


def test_names_digests_and_unknown_names(
    service: ArtifactService, files: tuple[Path, Path]
) -> None:
    digest = _add(service, "model", files[0])
    assert service.inspect("model").name == "docker.io/library/model:latest"
    assert service.inspect(digest[:8]).name == "docker.io/library/model:latest"
    assert service.inspect(f"sha256:{digest}").name == "docker.io/library/model:latest"
    with pytest.raises(NoSuchObject, match=r"^other: artifact does not exist$"):
        service.inspect("other")
    (summary,) = service.ls()
    assert (summary.repository, summary.tag, summary.size) == (
        "docker.io/library/model",
        "latest",
        6,
    )


def test_add_refuses_a_name_in_use_unless_append_or_replace(
    service: ArtifactService, files: tuple[Path, Path]
) -> None:
    first = _add(service, "q.io/a:1", files[0], artifact_type="t/one")
    with pytest.raises(Conflict, match="artifact already exists"):
        _add(service, "q.io/a:1", files[1])
    with pytest.raises(InvalidArgument, match="--append option cannot be used with the --type"):
        _add(service, "q.io/a:1", files[1], append=True, artifact_type="t/two")
    with pytest.raises(InvalidArgument, match=r"a\.txt: file already exists in artifact"):
        _add(service, "q.io/a:1", files[0], append=True)
    appended = _add(service, "q.io/a:1", files[1], append=True)
    doc = json.loads(service.inspect("q.io/a:1").manifest_raw)
    assert appended != first and len(doc["layers"]) == 2
    assert doc["artifactType"] == "t/one"  # appending keeps the type
    with pytest.raises(NoSuchObject):
        _add(service, "q.io/none:1", files[0], append=True)
    _add(service, "q.io/a:1", files[1], replace=True)
    assert len(json.loads(service.inspect("q.io/a:1").manifest_raw)["layers"]) == 1


def test_add_of_a_missing_file_is_a_clear_error(service: ArtifactService, tmp_path: Path) -> None:
    with pytest.raises(InvalidArgument, match="nope: No such file"):
        _add(service, "q.io/a:1", tmp_path / "nope")
    assert service.ls() == []


def test_rm_by_name_digest_all_and_ignore(
    service: ArtifactService, files: tuple[Path, Path]
) -> None:
    one = _add(service, "q.io/a:1", files[0])
    two = _add(service, "q.io/b:1", files[1])
    with pytest.raises(InvalidArgument, match="--all switch"):
        service.remove(ArtifactRemoveOptions(("q.io/a:1",), all=True))
    with pytest.raises(InvalidArgument, match="must be specified"):
        service.remove(ArtifactRemoveOptions())
    with pytest.raises(NoSuchObject, match=r"q\.io/c:1: artifact does not exist"):
        service.remove(ArtifactRemoveOptions(("q.io/c:1",)))
    assert service.remove(ArtifactRemoveOptions(("q.io/c:1", one[:10]), ignore=True)) == [one]
    assert service.remove(ArtifactRemoveOptions(all=True)) == [two]
    assert service.ls() == []


def test_extract_to_a_directory_and_to_a_file(
    service: ArtifactService, files: tuple[Path, Path], tmp_path: Path
) -> None:
    _add(service, "q.io/a:1", *files)
    out = tmp_path / "out"
    out.mkdir()
    service.extract(ArtifactExtractOptions("q.io/a:1", str(out)))
    assert sorted(p.name for p in out.iterdir()) == ["a.txt", "b.bin"]
    assert (out / "b.bin").read_bytes() == files[1].read_bytes()
    with pytest.raises(InvalidArgument, match="has 2 blobs"):
        service.extract(ArtifactExtractOptions("q.io/a:1", str(tmp_path / "one")))
    target = tmp_path / "one"
    target.write_text("old contents, longer than the new")
    service.extract(ArtifactExtractOptions("q.io/a:1", str(target), title="a.txt"))
    assert target.read_text() == "hello\n"
    digest = str(sha256_of(files[1].read_bytes()))
    service.extract(ArtifactExtractOptions("q.io/a:1", str(out), digest=digest))
    assert (out / digest.replace(":", "-")).read_bytes() == files[1].read_bytes()
    with pytest.raises(InvalidArgument, match="no such directory"):
        service.extract(ArtifactExtractOptions("q.io/a:1", str(tmp_path / "no/f"), title="a.txt"))


@pytest.mark.parametrize(
    ("options", "words"),
    [
        (ArtifactPullOptions("127.0.0.1:1/a:1", retry=-1), 'invalid argument "-1" for "--retry"'),
        (ArtifactPullOptions("127.0.0.1:1/a:1", retry_delay="soon"), "invalid duration"),
        (ArtifactPushOptions("model", retry_delay="soon"), 'time: invalid duration "soon"'),
    ],
)
def test_bad_retry_flags_are_refused_before_any_transfer(
    service: ArtifactService, options: ArtifactPullOptions | ArtifactPushOptions, words: str
) -> None:
    """Refused at once (exit 125): no registry is asked (127.0.0.1:1 would refuse)."""
    with pytest.raises(InvalidArgument, match=words):
        if isinstance(options, ArtifactPullOptions):
            service.pull(options)
        else:
            service.push(options)
