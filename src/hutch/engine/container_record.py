"""What a container *is*: its typed, versioned configuration, and its one codec.

The ``containers`` table keeps this as a JSON blob (``store/containers.py``
treats it as bytes); this module is the only one that writes or reads that
blob. ``options`` are the run flags as ``create`` received them; the other
fields are what ``create`` resolved from them and the image (the process's
command line, environment, mounts, ports, the parsed restart policy).
Readers use fields; defaults live in the dataclasses (and the properties
below), nowhere else.

Versions: 0 is the untyped dict hutch wrote before this module (no
``version`` key); 1 is ``to_data`` of ``ContainerConfig``. ``decode`` reads
both. A change that a missing key's default cannot express (a field renamed
or moved, a meaning changed) bumps ``VERSION`` and adds a step to
``_MIGRATIONS``; the literal records in tests/unit/engine/test_container_record.py
pin what each version looked like.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field

from hutch.api.container_config import RunOptions
from hutch.engine.config_peek import pairs
from hutch.oci.image import ContainerConfig as ImageRunConfig
from hutch.runtime.restart import RestartPolicy
from hutch.runtime.spec_network import PortMapping
from hutch.util.jsondata import from_data, to_data

TYPE_CHECKING = False  # typing costs an import on create's and run's path; mypy reads it alike
if TYPE_CHECKING:
    from typing import Any

VERSION = 1
DEFAULT_STOP_TIMEOUT = 10  # seconds, podman's
DEFAULT_STOP_SIGNAL = "SIGTERM"
SYSTEMD_STOP_SIGNAL = "SIGRTMIN+3"  # systemd's signal to shut down (--systemd)


@dataclass(frozen=True)
class MountRecord:
    """A mount as the container's config keeps it (for inspect and --volumes-from)."""

    kind: str  # bind, volume, tmpfs, devpts, image (--mount type=image)
    destination: str
    source: str  # the host path mounted ("" for tmpfs and devpts; the image as given)
    name: str = ""  # the volume's name
    readonly: bool = False
    options: tuple[str, ...] = ()
    chown: bool = False
    driver: str = ""  # the volume's driver ("" in records made before image volumes: local)
    subpath: str = ""  # the part of the image or volume mounted (--mount ...,subpath=)


@dataclass(frozen=True)
class ContainerConfig:
    options: RunOptions
    driver: str = ""  # the storage driver of its rootfs (overlay, fuse-overlayfs, vfs)
    restart: RestartPolicy = field(default_factory=RestartPolicy)
    # The container's process, as its runtime spec has it.
    command: tuple[str, ...] = ()
    env: tuple[str, ...] = ()
    hostname: str = ""
    workdir: str = "/"
    user: str = ""
    image_config: ImageRunConfig = field(default_factory=ImageRunConfig)
    mounts: tuple[MountRecord, ...] = ()
    ports: tuple[PortMapping, ...] = ()  # published, so that ps needs no bundle
    systemd: bool = False  # in podman's systemd mode (engine/systemd_mode.py)
    # the id of each --secret when the container was made (its data was copied then)
    secret_ids: tuple[str, ...] = ()
    version: int = VERSION

    @property
    def restart_name(self) -> str:
        """The policy's name as podman reports it: "" when ``--restart`` was not given
        (podman's unset policy, which behaves as ``no``), else the policy's (``never``
        reads as ``no``). Records of before the difference say "no" for both."""
        return self.restart.name if self.options.restart else ""

    @property
    def stop_timeout(self) -> int:
        timeout = self.options.stop_timeout
        return DEFAULT_STOP_TIMEOUT if timeout is None else timeout

    @property
    def stop_signal(self) -> str:
        default = SYSTEMD_STOP_SIGNAL if self.systemd else DEFAULT_STOP_SIGNAL
        return self.options.stop_signal or self.image_config.stop_signal or default

    @property
    def labels(self) -> tuple[tuple[str, str], ...]:
        """``--label`` values as pairs (a bare KEY has the value "")."""
        return pairs(self.options.labels)

    @property
    def labels_with_image(self) -> tuple[tuple[str, str], ...]:
        """The image's labels, then ``--label`` values over them: what podman gives a
        container (inspect's ``.Config.Labels``, ps's and its label filter)."""
        merged = dict(self.image_config.labels)
        merged.update(self.labels)
        return tuple(merged.items())


def encode(config: ContainerConfig) -> bytes:
    return json.dumps(to_data(config), separators=(",", ":")).encode()


def decode(raw: bytes) -> ContainerConfig:
    """The configuration of a record of any version up to ``VERSION``.

    A newer version than ours is read as far as its keys are known (a
    downgrade keeps ``ps`` working rather than refusing every container).
    """
    data = json.loads(raw)
    if not isinstance(data, dict):
        raise ValueError("the record is not a JSON object")
    version = data.get("version", 0)
    for step in _MIGRATIONS[version:]:
        data = step(data)
    return from_data(ContainerConfig, data)


def _from_version_0(old: dict[str, Any]) -> dict[str, Any]:
    """The untyped dict of hutch before version 1: ``asdict(options)``, ``driver``,
    and (once create finished) ``command``, ``env``, ``hostname``, ``workdir``,
    ``user``, ``image_config`` (the image's raw Docker-style ``config``),
    ``mounts`` and ``ports`` (``[host_ip, host_port, container_port, protocol]``)."""
    data = dict(old)
    options = data.get("options") or {}
    try:
        restart = RestartPolicy.parse(options.get("restart") or "no")
    except ValueError:
        restart = RestartPolicy()  # create checked it; this cannot be, but never fail a read
    data["restart"] = to_data(restart)
    data["image_config"] = to_data(ImageRunConfig.from_json(data.get("image_config")))
    data["ports"] = [
        to_data(PortMapping(str(ip), int(host), int(ctr), str(proto)))
        for ip, host, ctr, proto in data.get("ports") or ()
    ]
    data["version"] = 1
    return data


# _MIGRATIONS[n] turns a record of version n into one of version n + 1.
_MIGRATIONS: tuple[Callable[[dict[str, Any]], dict[str, Any]], ...] = (_from_version_0,)
assert len(_MIGRATIONS) == VERSION
