"""OCI artifacts, pure: the manifest ``artifact add`` builds, names, and ``extract``'s choices."""

from __future__ import annotations

import json

import pytest

from hutch.api.errors import InvalidArgument
from hutch.oci import artifact as oa

EMPTY = "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"


def _layer(digest: str, title: str | None, size: int = 3) -> oa.ArtifactLayer:
    annotations = ((oa.TITLE, title),) if title else ()
    return oa.ArtifactLayer(digest, size, oa.TEXT_PLAIN, annotations)


def test_manifest_is_an_oci_image_manifest_with_the_empty_config() -> None:
    layers = [_layer("sha256:" + "a" * 64, "a.txt"), _layer("sha256:" + "b" * 64, "b.bin", 7)]
    raw = oa.build_manifest(layers, "application/x-model", {oa.CREATED: "2026-01-01T00:00:00Z"})
    doc = json.loads(raw)
    assert list(doc) == [
        "schemaVersion", "mediaType", "artifactType", "config", "layers", "annotations"
    ]  # fmt: skip
    assert doc["mediaType"] == "application/vnd.oci.image.manifest.v1+json"
    assert doc["artifactType"] == "application/x-model"
    assert doc["config"] == {
        "mediaType": "application/vnd.oci.empty.v1+json",
        "digest": EMPTY,
        "size": 2,
        "data": "e30=",
    }
    assert [x["annotations"][oa.TITLE] for x in doc["layers"]] == ["a.txt", "b.bin"]
    assert doc["layers"][1]["size"] == 7
    assert (
        b'": ' not in raw and b', "' not in raw
    )  # compact, as Go marshals it: the digest is of these bytes


def test_no_type_leaves_artifact_type_out_and_annotations_are_sorted() -> None:
    layer = oa.ArtifactLayer("sha256:" + "a" * 64, 1, "x/y", ((oa.TITLE, "f"), ("a.key", "v")))
    doc = json.loads(oa.build_manifest([layer], None, {}))
    assert "artifactType" not in doc and "annotations" not in doc
    assert list(doc["layers"][0]["annotations"]) == ["a.key", oa.TITLE]


def test_parse_reads_back_what_build_wrote() -> None:
    layers = [_layer("sha256:" + "a" * 64, "a.txt", 5)]
    artifact = oa.parse_artifact(oa.build_manifest(layers, "t/x", {"k": "v"}))
    assert artifact.layers == tuple(layers)
    assert (artifact.artifact_type, artifact.annotations) == ("t/x", (("k", "v"),))
    assert (artifact.total_size, artifact.config_digest) == (5, EMPTY)


@pytest.mark.parametrize(
    "raw",
    [b"nope", b'{"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[]}', b"[]"],
)
def test_parse_refuses_what_is_not_an_artifact_manifest(raw: bytes) -> None:
    with pytest.raises(InvalidArgument):
        oa.parse_artifact(raw)


def test_annotations_are_key_value_and_the_title_is_the_file_name() -> None:
    assert oa.parse_annotations(["a=b", "c=d=e", "a=x"]) == (("a", "x"), ("c", "d=e"))
    with pytest.raises(InvalidArgument, match="key=value"):
        oa.parse_annotations(["novalue"])
    with pytest.raises(InvalidArgument, match="cannot override filename"):
        oa.parse_annotations([f"{oa.TITLE}=x"])


def test_titles_must_be_plain_and_unique() -> None:
    oa.check_title("a.txt", names=["b.txt"])
    with pytest.raises(InvalidArgument, match=r"a\.txt: file already exists in artifact"):
        oa.check_title("a.txt", names=["a.txt"])
    for bad in ("", ".", "..", "a/b"):
        with pytest.raises(InvalidArgument):
            oa.check_title(bad, names=[])


@pytest.mark.parametrize(
    ("head", "want"),
    [
        (b"hello\nworld\n", oa.TEXT_PLAIN),
        ("h\u00e9llo".encode(), oa.TEXT_PLAIN),
        (b"", oa.TEXT_PLAIN),
        (b"\x00\x01\x02", oa.OCTET_STREAM),
        (b"\x89PNG\r\n\x1a\n", oa.OCTET_STREAM),
        (b"a" * 510 + "\u00e9".encode()[:1], oa.TEXT_PLAIN),  # a character cut at 512
    ],
)
def test_media_type_detection(head: bytes, want: str) -> None:
    assert oa.detect_media_type(head) == want


def _artifact() -> oa.Artifact:
    layers = [
        _layer("sha256:" + "a" * 64, "a.txt"),
        _layer("sha256:" + "b" * 64, "b.bin"),
        _layer("sha256:" + "c" * 64, None),
    ]
    return oa.parse_artifact(oa.build_manifest(layers, None, {}))


def test_extract_takes_all_or_the_one_chosen() -> None:
    artifact = _artifact()
    assert len(oa.select_layers(artifact, None, None)) == 3
    (one,) = oa.select_layers(artifact, "b" * 64, None)  # sha256: may be left out
    assert one.title == "b.bin"
    (two,) = oa.select_layers(artifact, None, "a.txt")
    assert two.digest == "sha256:" + "a" * 64
    with pytest.raises(InvalidArgument, match='no blob with the digest "sha256:d'):
        oa.select_layers(artifact, "sha256:" + "d" * 64, None)
    with pytest.raises(InvalidArgument, match='no blob with the title "x"'):
        oa.select_layers(artifact, None, "x")
    with pytest.raises(InvalidArgument, match=r"\[digest title\] were all set"):
        oa.select_layers(artifact, "a" * 64, "a.txt")


def test_extract_names_are_titles_else_digests() -> None:
    layers = _artifact().layers
    names = [name for _, name in oa.extract_names(layers, by_digest=False)]
    assert names == ["a.txt", "b.bin", "sha256-" + "c" * 64]
    by_digest = [name for _, name in oa.extract_names(layers[:1], by_digest=True)]
    assert by_digest == ["sha256-" + "a" * 64]
    evil = oa.ArtifactLayer("sha256:" + "e" * 64, 1, "x", ((oa.TITLE, "../../etc/x"),))
    with pytest.raises(InvalidArgument, match="not a file name"):
        oa.extract_names([evil], by_digest=False)


def test_names_are_normalised_as_image_names() -> None:
    assert oa.artifact_name("model") == "docker.io/library/model:latest"
    assert oa.artifact_name("localhost:5000/a/b:v1") == "localhost:5000/a/b:v1"
    with pytest.raises(InvalidArgument, match="named by a tag"):
        oa.artifact_name("quay.io/a/b@sha256:" + "a" * 64)


def test_digest_prefixes() -> None:
    assert oa.digest_prefix("sha256:abc") == "abc"
    assert oa.digest_prefix("0f1e") == "0f1e"
    assert oa.digest_prefix("model") is None
    assert oa.digest_prefix("a" * 65) is None
    assert oa.digest_prefix("") is None


def test_created_time_round_trips_through_rfc3339nano() -> None:
    text = oa.rfc3339nano(1767225600.25)
    assert text == "2026-01-01T00:00:00.25Z"
    assert oa.rfc3339nano(1767225600.0) == "2026-01-01T00:00:00Z"
    assert oa.parse_created(text) == pytest.approx(1767225600.25)
    assert oa.parse_created("2026-01-01T01:00:00.123456789+01:00") == pytest.approx(
        1767225600.123456
    )
    assert oa.parse_created("yesterday") is None
    assert oa.parse_created(None) is None
