"""Flag value parsers: durations, sizes, ports, booleans, mounts."""

from __future__ import annotations

import pytest

from hutch.build.instructions import Mount, PortSpec
from hutch.build.values import parse_bool, parse_duration, parse_mount, parse_port, parse_size


@pytest.mark.parametrize(
    ("text", "nanoseconds"),
    [
        ("0", 0),
        ("30s", 30_000_000_000),
        ("1m30s", 90_000_000_000),
        ("1h", 3_600_000_000_000),
        ("1.5h", 5_400_000_000_000),
        ("250ms", 250_000_000),
        ("10us", 10_000),
        ("10µs", 10_000),
        ("7ns", 7),
        (".5s", 500_000_000),
        ("2h45m0.5s", 9_900_500_000_000),
    ],
)
def test_parse_duration(text: str, nanoseconds: int) -> None:
    assert parse_duration(text) == nanoseconds


@pytest.mark.parametrize("text", ["", "5", "s", "1d", "-1s", "1s2", "1 s"])
def test_parse_duration_rejects(text: str) -> None:
    with pytest.raises(ValueError):
        parse_duration(text)


@pytest.mark.parametrize(
    ("text", "size"),
    [("512", 512), ("1k", 1024), ("64m", 64 << 20), ("1GiB", 1 << 30), ("2gb", 2 << 30)],
)
def test_parse_size(text: str, size: int) -> None:
    assert parse_size(text) == size


@pytest.mark.parametrize(
    ("text", "spec"),
    [
        ("80", PortSpec(80, 80, "tcp")),
        ("53/UDP", PortSpec(53, 53, "udp")),
        ("8000-8010/tcp", PortSpec(8000, 8010, "tcp")),
        ("9/sctp", PortSpec(9, 9, "sctp")),
    ],
)
def test_parse_port(text: str, spec: PortSpec) -> None:
    assert parse_port(text) == spec


@pytest.mark.parametrize(("text", "value"), [("true", True), ("FALSE", False), ("1", True)])
def test_parse_bool(text: str, value: bool) -> None:
    assert parse_bool(text) is value


def test_parse_bool_rejects() -> None:
    with pytest.raises(ValueError, match="boolean"):
        parse_bool("yes")


def test_mount_defaults_per_type() -> None:
    assert parse_mount("target=/a") == Mount(type="bind", target="/a", readonly=True)
    assert parse_mount("type=cache,target=/a").readonly is False
    assert parse_mount("type=ssh") == Mount(type="ssh", readonly=True)
    assert parse_mount("type=secret,target=/etc/token") == Mount(
        type="secret", target="/etc/token", id="token", readonly=True
    )
    assert parse_mount("type=secret,id=aws,env=AWS_KEY") == Mount(
        type="secret", id="aws", env="AWS_KEY", readonly=True
    )


def test_mount_csv_quoting_and_case_insensitive_keys() -> None:
    mount = parse_mount('TYPE=bind,"target=/a,b",readwrite=true')
    assert (mount.target, mount.readonly) == ("/a,b", False)
