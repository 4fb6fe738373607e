"""The OCI image configuration (``application/vnd.oci.image.config.v1+json``).

JSON becomes typed objects at this boundary: ``ImageConfig.from_json`` and
``ImageConfig.to_json`` are the only places that know the JSON keys.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

TYPE_CHECKING = False  # typing costs an import on create's and run's path; mypy reads it alike
if TYPE_CHECKING:
    from typing import Any


@dataclass(frozen=True)
class HistoryEntry:
    created: str | None = None
    created_by: str | None = None
    comment: str | None = None
    empty_layer: bool = False
    author: str | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.created is not None:
            out["created"] = self.created
        if self.created_by is not None:
            out["created_by"] = self.created_by
        if self.author is not None:
            out["author"] = self.author
        if self.comment is not None:
            out["comment"] = self.comment
        if self.empty_layer:
            out["empty_layer"] = True
        return out

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> HistoryEntry:
        return cls(
            created=data.get("created"),
            created_by=data.get("created_by"),
            comment=data.get("comment"),
            empty_layer=bool(data.get("empty_layer", False)),
            author=data.get("author"),
        )


@dataclass(frozen=True)
class Healthcheck:
    test: tuple[str, ...] = ()
    interval_ns: int = 0
    timeout_ns: int = 0
    start_period_ns: int = 0
    retries: int = 0


@dataclass(frozen=True)
class ContainerConfig:
    """The ``config`` object: how to run a container from the image."""

    user: str = ""
    exposed_ports: tuple[str, ...] = ()
    env: tuple[str, ...] = ()
    entrypoint: tuple[str, ...] | None = None
    cmd: tuple[str, ...] | None = None
    volumes: tuple[str, ...] = ()
    working_dir: str = ""
    labels: tuple[tuple[str, str], ...] = ()
    stop_signal: str = ""
    healthcheck: Healthcheck | None = None
    on_build: tuple[str, ...] = ()
    shell: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.user:
            out["User"] = self.user
        if self.exposed_ports:
            out["ExposedPorts"] = {p: {} for p in self.exposed_ports}
        if self.env:
            out["Env"] = list(self.env)
        if self.entrypoint is not None:
            out["Entrypoint"] = list(self.entrypoint)
        if self.cmd is not None:
            out["Cmd"] = list(self.cmd)
        if self.volumes:
            out["Volumes"] = {v: {} for v in self.volumes}
        if self.working_dir:
            out["WorkingDir"] = self.working_dir
        if self.labels:
            out["Labels"] = dict(self.labels)
        if self.stop_signal:
            out["StopSignal"] = self.stop_signal
        if self.healthcheck is not None:
            hc = self.healthcheck
            out["Healthcheck"] = {
                "Test": list(hc.test),
                "Interval": hc.interval_ns,
                "Timeout": hc.timeout_ns,
                "StartPeriod": hc.start_period_ns,
                "Retries": hc.retries,
            }
        if self.on_build:
            out["OnBuild"] = list(self.on_build)
        if self.shell:
            out["Shell"] = list(self.shell)
        return out

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> ContainerConfig:
        if not data:
            return cls()
        hc_data = data.get("Healthcheck")
        healthcheck = None
        if isinstance(hc_data, dict):
            healthcheck = Healthcheck(
                test=tuple(hc_data.get("Test") or ()),
                interval_ns=int(hc_data.get("Interval") or 0),
                timeout_ns=int(hc_data.get("Timeout") or 0),
                start_period_ns=int(hc_data.get("StartPeriod") or 0),
                retries=int(hc_data.get("Retries") or 0),
            )
        entrypoint = data.get("Entrypoint")
        cmd = data.get("Cmd")
        return cls(
            user=data.get("User") or "",
            exposed_ports=tuple(sorted((data.get("ExposedPorts") or {}).keys())),
            env=tuple(data.get("Env") or ()),
            entrypoint=tuple(entrypoint) if entrypoint is not None else None,
            cmd=tuple(cmd) if cmd is not None else None,
            volumes=tuple(sorted((data.get("Volumes") or {}).keys())),
            working_dir=data.get("WorkingDir") or "",
            labels=tuple(sorted((data.get("Labels") or {}).items())),
            stop_signal=data.get("StopSignal") or "",
            healthcheck=healthcheck,
            on_build=tuple(data.get("OnBuild") or ()),
            shell=tuple(data.get("Shell") or ()),
        )


@dataclass(frozen=True)
class ImageConfig:
    architecture: str
    os: str
    diff_ids: tuple[str, ...]
    config: ContainerConfig = field(default_factory=ContainerConfig)
    created: str | None = None
    author: str | None = None
    variant: str | None = None
    history: tuple[HistoryEntry, ...] = ()
    # docker's image comment (``commit -m`` with the docker format, podman's .Comment)
    comment: str | None = None
    # the OCI config's os.version and os.features (build --os-version, --os-feature;
    # Windows images set them): kept from the base, written only when set
    os_version: str | None = None
    os_features: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.created is not None:
            out["created"] = self.created
        if self.author is not None:
            out["author"] = self.author
        if self.comment is not None:
            out["comment"] = self.comment
        out["architecture"] = self.architecture
        if self.variant:
            out["variant"] = self.variant
        out["os"] = self.os
        if self.os_version:
            out["os.version"] = self.os_version
        if self.os_features:
            out["os.features"] = list(self.os_features)
        out["config"] = self.config.to_json()
        out["rootfs"] = {"type": "layers", "diff_ids": list(self.diff_ids)}
        if self.history:
            out["history"] = [h.to_json() for h in self.history]
        return out

    def to_bytes(self) -> bytes:
        """Canonical serialisation: the image id is the digest of these bytes."""
        return json.dumps(self.to_json(), separators=(",", ":"), sort_keys=True).encode()

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ImageConfig:
        rootfs = data.get("rootfs") or {}
        return cls(
            architecture=data.get("architecture") or "",
            os=data.get("os") or "",
            diff_ids=tuple(rootfs.get("diff_ids") or ()),
            config=ContainerConfig.from_json(data.get("config")),
            created=data.get("created"),
            author=data.get("author"),
            variant=data.get("variant"),
            history=tuple(HistoryEntry.from_json(h) for h in data.get("history") or ()),
            comment=data.get("comment"),
            os_version=data.get("os.version") or None,
            os_features=tuple(str(f) for f in data.get("os.features") or ()),
        )

    @classmethod
    def from_bytes(cls, raw: bytes) -> ImageConfig:
        return cls.from_json(json.loads(raw))
