"""Parsing the two ends of ``cp`` and the effective config of a commit."""

from __future__ import annotations

import json

import pytest

from hutch.api.container_config import RunOptions
from hutch.engine import container_record
from hutch.engine.container_files import CopyEnd, effective_config, missing_dest, parse_copy_end
from hutch.oci.image import ContainerConfig
from hutch.store.copytar import DestMissing


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ctr:/etc/passwd", CopyEnd("ctr", "/etc/passwd")),
        ("ctr:etc", CopyEnd("ctr", "/etc")),
        ("-", CopyEnd(None, "-")),
        ("/host/a:b", CopyEnd(None, "/host/a:b")),
        ("./file:name", CopyEnd(None, "./file:name")),
        ("plain", CopyEnd(None, "plain")),
        ("dir/x:y", CopyEnd(None, "dir/x:y")),
    ],
)
def test_parse_copy_end(text: str, expected: CopyEnd) -> None:
    assert parse_copy_end(text) == expected


def test_stream_end() -> None:
    assert parse_copy_end("-").stream
    assert not parse_copy_end("c:-").stream


class _FakeContainer:
    """What effective_config reads of a container: its recorded configuration."""

    def __init__(self, options: RunOptions, env: tuple[str, ...]) -> None:
        self.config = container_record.ContainerConfig(options=options, env=env)


def test_effective_config_takes_the_container_options() -> None:
    image = ContainerConfig(env=("PATH=/bin",), cmd=("sh",), labels=(("a", "1"),))
    container = _FakeContainer(
        RunOptions(image="x", command=("echo", "x"), workdir="/w", user="1000", labels=("b=2",)),
        ("PATH=/bin", "container=hutch", "HOSTNAME=abc", "K=v"),
    )
    config = effective_config(container, image)  # type: ignore[arg-type]
    assert config.cmd == ("echo", "x")
    assert config.env == ("PATH=/bin", "K=v")
    assert config.working_dir == "/w"
    assert config.user == "1000"
    assert dict(config.labels) == {"a": "1", "b": "2"}
    json.dumps(config.to_json())


def test_effective_config_entrypoint_drops_image_cmd() -> None:
    image = ContainerConfig(cmd=("sh",), entrypoint=("/e",))
    container = _FakeContainer(RunOptions(image="x", entrypoint='["/x", "-y"]'), ())
    config = effective_config(container, image)  # type: ignore[arg-type]
    assert config.entrypoint == ("/x", "-y")
    assert config.cmd is None


def test_a_missing_destination_in_podmans_words() -> None:
    where = "could not be found on"
    assert missing_dest(DestMissing("/nodir/x"), "r") == (
        f'"/nodir/x" {where} container r: no such file or directory'
    )
    # podman's container stat says "no such file" for a file on the way too
    assert missing_dest(DestMissing("/etc/passwd/x/", not_dir=True), "r") == (
        f'"/etc/passwd/x/" {where} container r: no such file or directory'
    )
    assert missing_dest(DestMissing("/tmp/f/", not_dir=True), None) == (
        f'"/tmp/f/" {where} the host: stat /tmp/f/: not a directory'
    )
    assert missing_dest(DestMissing("out/x"), None) == (
        f'"out/x" {where} the host: no such file or directory'
    )
