"""``--tz``: which host file becomes /etc/localtime, and what is refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from hutch.api.errors import InvalidArgument
from hutch.engine.timezone import localtime_mounts, zone_file


@pytest.fixture
def zoneinfo(tmp_path: Path) -> Path:
    root = tmp_path / "zoneinfo"
    (root / "Europe").mkdir(parents=True)
    (root / "Europe" / "Paris").write_bytes(b"TZif2 paris")
    (root / "UTC").write_bytes(b"TZif2 utc")
    (root / "Etc").mkdir()
    (root / "Etc" / "UTC").symlink_to("../UTC")
    (root / "zone.tab").write_text("FR\t+4852+00220\tEurope/Paris\n")
    return root


def test_a_zone_name_is_a_file_under_zoneinfo(zoneinfo: Path) -> None:
    assert zone_file("Europe/Paris", zoneinfo=zoneinfo) == zoneinfo / "Europe" / "Paris"
    # links are resolved: the bind mount gets the file itself
    assert zone_file("Etc/UTC", zoneinfo=zoneinfo) == zoneinfo / "UTC"


def test_local_is_the_hosts_localtime(zoneinfo: Path, tmp_path: Path) -> None:
    link = tmp_path / "localtime"
    link.symlink_to(zoneinfo / "Europe" / "Paris")
    assert zone_file("local", zoneinfo=zoneinfo, localtime=link) == zoneinfo / "Europe" / "Paris"
    plain = tmp_path / "plain"
    plain.write_bytes(b"TZif3 copy")
    assert zone_file("local", localtime=plain) == plain


@pytest.mark.parametrize(
    ("tz", "words"),
    [
        # podman's words
        ("Mars/Olympus", "running container create option: stat "),
        ("Mars/Olympus", "/Mars/Olympus: no such file or directory"),
        ("Europe", "running container create option: invalid timezone: is a directory"),
        ("zone.tab", "not a zone file"),  # not TZif
        ("../../etc/passwd", "invalid --tz"),
        ("/etc/localtime", "invalid --tz"),
    ],
)
def test_bad_zones_are_refused(zoneinfo: Path, tz: str, words: str) -> None:
    with pytest.raises(InvalidArgument) as info:
        zone_file(tz, zoneinfo=zoneinfo)
    assert words in str(info.value)
    assert info.value.exit_code == 125


def test_local_without_a_host_zone_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InvalidArgument, match="the host's"):
        zone_file("local", localtime=tmp_path / "missing")


def test_the_mount_is_a_read_only_bind(zoneinfo: Path) -> None:
    assert localtime_mounts(None) == ()
    assert localtime_mounts("") == ()
    (mount,) = localtime_mounts("Europe/Paris", zoneinfo=zoneinfo)
    assert (mount.kind, mount.destination) == ("bind", "/etc/localtime")
    assert mount.source == str(zoneinfo / "Europe" / "Paris")
    assert "ro" in mount.options
