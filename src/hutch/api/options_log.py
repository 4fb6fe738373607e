"""``--log-driver`` and ``--log-opt`` of ``run``/``create`` (``RunOptions.log``)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class LogOptions:
    driver: str = ""  # "": the default (k8s-file, podman's for rootless containers)
    opts: tuple[str, ...] = ()  # KEY=VALUE: max-size, max-file, path, tag
