"""``run --tz`` / ``create --tz``: the container's /etc/localtime from the host's zones."""

from __future__ import annotations

import hashlib
from pathlib import Path

from harness import Hutch


def test_a_named_zone_is_the_containers_localtime(hutch: Hutch, base_image: str) -> None:
    out = hutch(
        "run", "--rm", "--tz", "Asia/Tokyo", base_image, "sh", "-c",
        "date +%Z; md5sum /etc/localtime; echo x > /etc/localtime || echo read-only",
    ).stdout.split("\n")  # fmt: skip
    assert out[0] == "JST"
    want = hashlib.md5(Path("/usr/share/zoneinfo/Asia/Tokyo").read_bytes()).hexdigest()
    assert out[1].split()[0] == want
    assert out[2] == "read-only"


def test_local_is_the_hosts_zone_and_survives_create_start(hutch: Hutch, base_image: str) -> None:
    hutch("create", "--name", "tz", "--tz=local", base_image, "md5sum", "/etc/localtime")
    hutch("start", "-a", "tz")
    out = hutch("logs", "tz").stdout
    want = hashlib.md5(Path("/etc/localtime").read_bytes()).hexdigest()
    assert out.split()[0] == want


def test_an_unknown_zone_creates_nothing(hutch: Hutch, base_image: str) -> None:
    for bad in ("Mars/Olympus", "../../etc/shadow", "America"):
        result = hutch("run", "--rm", "--tz", bad, base_image, "true", check=False)
        assert result.returncode == 125, result.stderr
        # one line, in podman's words (the zone file it could not use)
        assert result.stderr.count("\n") == 1 and result.stderr.startswith("Error: ")
    unknown = hutch("run", "--rm", "--tz", "Mars/Olympus", base_image, "true", check=False)
    assert unknown.stderr == (
        "Error: running container create option: stat /usr/share/zoneinfo/Mars/Olympus: "
        "no such file or directory\n"
    )
    assert hutch("ps", "-aq").stdout == ""
