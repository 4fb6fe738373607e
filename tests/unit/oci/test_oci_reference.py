"""References: Docker's normalisation table, validation and helpers."""

from __future__ import annotations

import pytest

from hutch.api.errors import InvalidArgument
from hutch.oci.digest import parse_digest
from hutch.oci.reference import (
    Reference,
    docker_reason,
    has_registry,
    is_image_id_prefix,
    parse_reference,
    short_name_candidates,
)

HEX = "a" * 64
DIGEST = f"sha256:{'0123456789abcdef' * 4}"


@pytest.mark.parametrize(
    ("text", "full"),
    [
        ("ubuntu", "docker.io/library/ubuntu:latest"),
        ("ubuntu:22.04", "docker.io/library/ubuntu:22.04"),
        ("library/ubuntu", "docker.io/library/ubuntu:latest"),
        ("user/app", "docker.io/user/app:latest"),
        ("user/app:v1.2", "docker.io/user/app:v1.2"),
        ("docker.io/ubuntu", "docker.io/library/ubuntu:latest"),
        ("docker.io/library/ubuntu", "docker.io/library/ubuntu:latest"),
        ("index.docker.io/ubuntu", "docker.io/library/ubuntu:latest"),
        ("index.docker.io/user/app:1", "docker.io/user/app:1"),
        ("localhost/app", "localhost/app:latest"),
        ("localhost:5000/app:v1", "localhost:5000/app:v1"),
        ("quay.io/podman/stable", "quay.io/podman/stable:latest"),
        ("quay.io/app", "quay.io/app:latest"),
        ("gcr.io/a/b/c:tag", "gcr.io/a/b/c:tag"),
        ("127.0.0.1:5000/app", "127.0.0.1:5000/app:latest"),
        ("[::1]:5000/app:1", "[::1]:5000/app:1"),
        ("[fe80::1]/app", "[fe80::1]/app:latest"),
        ("REGISTRY.example.com/app", "REGISTRY.example.com/app:latest"),
        ("a/b/c/d/e", "docker.io/a/b/c/d/e:latest"),
        ("my-app_x.y__z--w", "docker.io/library/my-app_x.y__z--w:latest"),
        ("alpine:LATEST_1.x-y", "docker.io/library/alpine:LATEST_1.x-y"),
        (f"alpine@{DIGEST}", f"docker.io/library/alpine@{DIGEST}"),
        (f"alpine:3.19@{DIGEST}", f"docker.io/library/alpine:3.19@{DIGEST}"),
        (f"localhost:5000/app@{DIGEST}", f"localhost:5000/app@{DIGEST}"),
        # 63 hex digits are a valid name: only a full id is refused.
        ("a" * 63, f"docker.io/library/{'a' * 63}:latest"),
        # A lone host:port is a name with a tag, as in Docker.
        ("localhost:5000", "docker.io/library/localhost:5000"),
    ],
)
def test_normalisation(text: str, full: str) -> None:
    assert str(parse_reference(text)) == full


def test_fields_of_a_full_reference() -> None:
    ref = parse_reference(f"localhost:5000/team/app:v1@{DIGEST}")
    assert ref == Reference("localhost:5000", "team/app", "v1", parse_digest(DIGEST))
    assert ref.name == "localhost:5000/team/app"


def test_digest_only_gets_no_default_tag() -> None:
    ref = parse_reference(f"alpine@{DIGEST}")
    assert ref.tag is None
    assert ref.digest == parse_digest(DIGEST)


def test_default_tag_none_and_custom() -> None:
    assert parse_reference("alpine", default_tag=None).tag is None
    assert parse_reference("alpine", default_tag="edge").tag == "edge"
    assert parse_reference("alpine:3", default_tag="edge").tag == "3"


def test_default_registry() -> None:
    assert str(parse_reference("app", default_registry="quay.io")) == "quay.io/app:latest"
    # library/ is a Docker Hub convention only.
    assert parse_reference("app", default_registry="localhost").repository == "app"
    # An explicit registry wins over the default.
    assert parse_reference("ghcr.io/x/y", default_registry="quay.io").registry == "ghcr.io"
    assert parse_reference("app", default_registry="index.docker.io").name == (
        "docker.io/library/app"
    )


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "empty"),
        ("Alpine", "lowercase"),
        ("Foo/bar", "lowercase"),
        ("quay.io/Foo/bar", "lowercase"),
        ("alpine:", "invalid tag"),
        ("alpine:.x", "invalid tag"),
        ("alpine:-x", "invalid tag"),
        ("alpine:a/b", "invalid registry"),  # "alpine:a" reads as host:port
        ("alpine:" + "t" * 129, "invalid tag"),
        ("alpine:t@g", "digest"),
        ("alpine@", "digest"),
        ("alpine@sha256:abc", "digest"),
        (f"alpine@md5:{'a' * 32}", "digest"),
        (f"alpine@{DIGEST}@{DIGEST}", "digest"),
        (HEX, "image id"),
        (f"sha256:{HEX}", "image id"),
        ("a//b", "empty path component"),
        ("/alpine", "empty path component"),
        ("alpine/", "empty path component"),
        ("localhost:5000/", "empty path component"),
        (":tag", "empty repository"),
        (f"@{DIGEST}", "empty repository"),
        ("a..b", "invalid repository component"),
        ("a___b", "invalid repository component"),
        ("-a", "invalid repository component"),
        ("a-", "invalid repository component"),
        ("_a", "invalid repository component"),
        ("a b", "invalid repository component"),
        (" alpine", "invalid repository component"),
        ("alpine!", "invalid repository component"),
        ("foo_bar.com:8080/x", "invalid registry"),
        ("-bad.com/x", "invalid registry"),
        ("host:port/x", "invalid registry"),
        ("[::1/x", "invalid registry"),
        ("example.com/" + "a" * 244, "longer than 255"),
    ],
)
def test_invalid_references(text: str, reason: str) -> None:
    with pytest.raises(InvalidArgument) as info:
        parse_reference(text)
    message = str(info.value)
    assert reason in message
    assert repr(text) in message
    assert "\n" not in message


def test_name_length_limit_is_inclusive() -> None:
    text = "example.com/" + "a" * 243
    assert len(parse_reference(text).name) == 255


def test_tag_length_limit_is_inclusive() -> None:
    assert parse_reference("alpine:" + "t" * 128).tag == "t" * 128


def test_familiar() -> None:
    assert parse_reference("alpine").familiar() == "alpine:latest"
    assert parse_reference("docker.io/library/alpine:3").familiar() == "alpine:3"
    assert parse_reference("user/app:1").familiar() == "user/app:1"
    assert parse_reference("docker.io/library/a/b").familiar() == "library/a/b:latest"
    assert parse_reference("quay.io/x/y:1").familiar() == "quay.io/x/y:1"
    assert parse_reference("localhost/app").familiar() == "localhost/app:latest"
    assert parse_reference(f"alpine@{DIGEST}").familiar() == f"alpine@{DIGEST}"
    assert parse_reference("alpine", default_tag=None).familiar() == "alpine"
    assert parse_reference("alpine").familiar_name == "alpine"


def test_familiar_round_trips() -> None:
    for text in ("alpine", "user/app:1", "quay.io/x/y:2", "localhost:5000/a", "library/a/b"):
        ref = parse_reference(text)
        assert parse_reference(ref.familiar()) == ref
        assert parse_reference(str(ref)) == ref


def test_with_tag_and_digest() -> None:
    ref = parse_reference("alpine")
    digest = parse_digest(DIGEST)
    tagged = ref.with_tag("3.19")
    assert str(tagged) == "docker.io/library/alpine:3.19"
    pinned = tagged.with_digest(digest)
    assert str(pinned) == f"docker.io/library/alpine:3.19@{DIGEST}"
    assert pinned.with_tag("edge").digest == digest
    assert ref.tag == "latest"  # unchanged: references are values
    with pytest.raises(InvalidArgument, match="invalid tag"):
        ref.with_tag("bad tag")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("quay.io/x", True),
        ("localhost/x", True),
        ("localhost:5000/x", True),
        ("[::1]:5000/x", True),
        ("docker.io/alpine", True),
        ("myhost:5000/x:1", True),
        ("x/y", False),
        ("alpine", False),
        ("alpine:latest", False),
        ("localhost", False),
        ("localhost:5000", False),
        ("user/app:1.0", False),
        (f"alpine@{DIGEST}", False),
    ],
)
def test_has_registry(text: str, expected: bool) -> None:
    assert has_registry(text) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("abc", True),
        ("0123456789ab", True),
        (HEX, True),
        (f"sha256:{HEX}", True),
        ("sha256:abc", True),
        ("ab", False),
        ("a" * 65, False),
        ("ABC", False),
        ("xyz", False),
        ("sha256:", False),
        ("sha512:abc", False),
        ("", False),
    ],
)
def test_is_image_id_prefix(text: str, expected: bool) -> None:
    assert is_image_id_prefix(text) is expected


def test_short_name_candidates_order() -> None:
    got = [str(r) for r in short_name_candidates("alpine", ["quay.io", "docker.io"])]
    assert got == [
        "localhost/alpine:latest",
        "quay.io/alpine:latest",
        "docker.io/library/alpine:latest",
    ]


def test_short_name_candidates_keep_tag_digest_and_path() -> None:
    got = [str(r) for r in short_name_candidates(f"team/app:1@{DIGEST}", ["docker.io"])]
    assert got == [f"localhost/team/app:1@{DIGEST}", f"docker.io/team/app:1@{DIGEST}"]


def test_short_name_candidates_qualified_and_duplicates() -> None:
    assert short_name_candidates("quay.io/a/b", ["docker.io"]) == [parse_reference("quay.io/a/b")]
    got = short_name_candidates("app", ["docker.io", "index.docker.io", "localhost"])
    assert [str(r) for r in got] == ["localhost/app:latest", "docker.io/library/app:latest"]
    assert [str(r) for r in short_name_candidates("app", [])] == ["localhost/app:latest"]


def test_short_name_candidates_invalid_name() -> None:
    with pytest.raises(InvalidArgument, match="lowercase"):
        short_name_candidates("App", ["docker.io"])


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("Bad", "repository name must be lowercase"),
        ("quay.io/Me/x:v1", "repository name must be lowercase"),
        ("x:", "invalid reference format"),
        ("x::y", "invalid reference format"),
        ("Bad!", "invalid reference format"),
        ("x@sha256:abc", "invalid reference format"),
        ("a" * 256, "repository name must not be more than 255 characters"),
    ],
)
def test_docker_reason_is_the_parsers_words(text: str, reason: str) -> None:
    with pytest.raises(InvalidArgument):
        parse_reference(text)
    assert docker_reason(text) == reason
