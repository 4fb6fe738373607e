"""Platforms: parsing, normalisation, the host, and choosing from an index."""

from __future__ import annotations

import pytest

from hutch.api.errors import InvalidArgument, NoSuchObject
from hutch.oci import mediatypes as mt
from hutch.oci.digest import Digest
from hutch.oci.manifest import Descriptor, ImageIndex, select_manifest
from hutch.oci.platform import Platform, host_platform, normalize, parse_platform


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("linux/amd64", Platform("linux", "amd64")),
        ("linux/x86_64", Platform("linux", "amd64")),
        ("linux/x86-64", Platform("linux", "amd64")),
        ("linux/amd64/v1", Platform("linux", "amd64")),
        ("linux/amd64/v3", Platform("linux", "amd64", "v3")),
        ("linux/arm64", Platform("linux", "arm64", "v8")),
        ("linux/arm64/v8", Platform("linux", "arm64", "v8")),
        ("linux/aarch64", Platform("linux", "arm64", "v8")),
        ("linux/arm64/8", Platform("linux", "arm64", "v8")),
        ("linux/arm64/v9", Platform("linux", "arm64", "v9")),
        ("linux/arm", Platform("linux", "arm", "v7")),
        ("linux/arm/7", Platform("linux", "arm", "v7")),
        ("linux/arm/v6", Platform("linux", "arm", "v6")),
        ("linux/arm/5", Platform("linux", "arm", "v5")),
        ("linux/armhf", Platform("linux", "arm", "v7")),
        ("linux/armel", Platform("linux", "arm", "v6")),
        ("linux/i386", Platform("linux", "386")),
        ("linux/386", Platform("linux", "386")),
        ("linux/ppc64le", Platform("linux", "ppc64le")),
        ("linux/s390x", Platform("linux", "s390x")),
        ("linux/riscv64", Platform("linux", "riscv64")),
        ("Linux/AMD64", Platform("linux", "amd64")),
        ("macos/arm64", Platform("darwin", "arm64", "v8")),
        (" linux/amd64 ", Platform("linux", "amd64")),
    ],
)
def test_parse_platform(text: str, expected: Platform) -> None:
    assert parse_platform(text) == expected


@pytest.mark.parametrize("text", ["", "linux", "linux/", "/amd64", "linux/arm/v7/x", "a//b"])
def test_parse_platform_invalid(text: str) -> None:
    with pytest.raises(InvalidArgument, match="invalid platform"):
        parse_platform(text)


def test_str() -> None:
    assert str(Platform("linux", "arm", "v7")) == "linux/arm/v7"
    assert str(Platform("linux", "amd64")) == "linux/amd64"
    assert str(parse_platform("linux/aarch64")) == "linux/arm64/v8"


def test_normalize_keeps_os_version() -> None:
    p = Platform("Windows", "x86_64", None, "10.0.17763", ("win32k",))
    assert normalize(p) == Platform("windows", "amd64", None, "10.0.17763", ("win32k",))


@pytest.mark.parametrize(
    ("machine", "expected"),
    [
        ("x86_64", "linux/amd64"),
        ("aarch64", "linux/arm64/v8"),
        ("arm64", "linux/arm64/v8"),
        ("armv7l", "linux/arm/v7"),
        ("armv6l", "linux/arm/v6"),
        ("armv8l", "linux/arm/v7"),
        ("i686", "linux/386"),
        ("i386", "linux/386"),
        ("ppc64le", "linux/ppc64le"),
        ("s390x", "linux/s390x"),
        ("riscv64", "linux/riscv64"),
        ("loongarch64", "linux/loong64"),
        ("X86_64", "linux/amd64"),
    ],
)
def test_host_platform_mapping(machine: str, expected: str) -> None:
    assert str(host_platform(machine, "linux")) == expected


def test_host_platform_of_this_machine() -> None:
    host = host_platform()
    # The build machines are x86_64 Linux (HOST-NOTES); the form must be GOARCH.
    assert host.os == "linux"
    assert host.architecture == "amd64"
    assert host == normalize(host)


def _desc(n: int, platform: Platform | None, media_type: str = mt.OCI_MANIFEST) -> Descriptor:
    return Descriptor(media_type, Digest("sha256", f"{n:064x}"), 100 + n, platform=platform)


def _index(*descs: Descriptor) -> ImageIndex:
    return ImageIndex(manifests=descs)


ALPINE_LIKE = _index(
    _desc(1, Platform("linux", "amd64")),
    _desc(2, Platform("linux", "arm", "v6")),
    _desc(3, Platform("linux", "arm", "v7")),
    _desc(4, Platform("linux", "arm64", "v8")),
    _desc(5, Platform("linux", "386")),
    _desc(6, Platform("linux", "ppc64le")),
    _desc(7, Platform("linux", "s390x")),
    _desc(8, Platform("unknown", "unknown")),
)


@pytest.mark.parametrize(
    ("want", "number"),
    [
        ("linux/amd64", 1),
        ("linux/x86_64", 1),
        ("linux/arm/v6", 2),
        ("linux/arm/v7", 3),
        ("linux/arm", 3),
        ("linux/arm64", 4),
        ("linux/aarch64/v8", 4),
        ("linux/386", 5),
        ("linux/s390x", 7),
    ],
)
def test_select_exact(want: str, number: int) -> None:
    assert select_manifest(ALPINE_LIKE, parse_platform(want)) == ALPINE_LIKE.manifests[number - 1]


def test_select_accepts_unnormalised_want() -> None:
    chosen = select_manifest(ALPINE_LIKE, Platform("linux", "aarch64"))
    assert chosen == ALPINE_LIKE.manifests[3]


def test_arm64_without_variant_in_index_matches_v8() -> None:
    index = _index(_desc(1, Platform("linux", "amd64")), _desc(2, Platform("linux", "arm64")))
    assert select_manifest(index, parse_platform("linux/arm64/v8")) == index.manifests[1]


def test_missing_variant_is_a_fallback_after_exact() -> None:
    index = _index(
        _desc(1, Platform("linux", "arm")),
        _desc(2, Platform("linux", "arm", "v6")),
        _desc(3, Platform("linux", "arm", "v5")),
    )
    assert select_manifest(index, parse_platform("linux/arm/v6")) == index.manifests[1]
    # An exact match wins even over an earlier variant-less entry.
    assert select_manifest(index, parse_platform("linux/arm/v5")) == index.manifests[2]
    # arm/v8 has no exact entry: the variant-less one is taken, never v6.
    assert select_manifest(index, parse_platform("linux/arm/v8")) == index.manifests[0]


def test_other_variant_is_not_taken() -> None:
    index = _index(_desc(1, Platform("linux", "arm", "v6")))
    with pytest.raises(NoSuchObject, match="linux/arm/v7"):
        select_manifest(index, parse_platform("linux/arm/v7"))
    amd = _index(_desc(1, Platform("linux", "amd64", "v3")))
    with pytest.raises(NoSuchObject):
        select_manifest(amd, parse_platform("linux/amd64"))
    assert select_manifest(amd, parse_platform("linux/amd64/v3")) == amd.manifests[0]


def test_first_of_equal_matches_wins() -> None:
    index = _index(_desc(1, Platform("linux", "amd64")), _desc(2, Platform("linux", "amd64")))
    assert select_manifest(index, parse_platform("linux/amd64")) == index.manifests[0]


def test_os_must_match() -> None:
    index = _index(_desc(1, Platform("windows", "amd64", None, "10.0.17763")))
    with pytest.raises(NoSuchObject):
        select_manifest(index, parse_platform("linux/amd64"))
    chosen = select_manifest(index, parse_platform("windows/amd64"))
    assert chosen == index.manifests[0]


def test_no_match_lists_available_platforms() -> None:
    with pytest.raises(NoSuchObject) as info:
        select_manifest(ALPINE_LIKE, parse_platform("linux/riscv64"))
    message = str(info.value)
    assert "linux/riscv64" in message
    assert (
        "available: linux/amd64, linux/arm/v6, linux/arm/v7, linux/arm64/v8, linux/386, "
        "linux/ppc64le, linux/s390x)" in message
    )
    assert "unknown" not in message
    assert "\n" not in message


def test_index_without_platforms_yields_first_entry() -> None:
    index = _index(_desc(1, None), _desc(2, None))
    assert select_manifest(index, parse_platform("linux/amd64")) == index.manifests[0]


def test_platformless_entry_is_not_used_when_others_declare_platforms() -> None:
    index = _index(_desc(1, None), _desc(2, Platform("linux", "arm64")))
    assert select_manifest(index, parse_platform("linux/arm64")) == index.manifests[1]
    with pytest.raises(NoSuchObject, match="available: linux/arm64"):
        select_manifest(index, parse_platform("linux/amd64"))


def test_empty_index() -> None:
    with pytest.raises(NoSuchObject, match="available: none"):
        select_manifest(_index(), parse_platform("linux/amd64"))
