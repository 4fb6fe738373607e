"""The whole engine, grouped by noun as podman's is: what the CLI is given."""

from __future__ import annotations

from typing import Protocol

from hutch.api.artifacts import Artifacts
from hutch.api.containers import Containers
from hutch.api.images import Images
from hutch.api.networks import Networks
from hutch.api.pods import Pods
from hutch.api.secrets import Secrets
from hutch.api.system import System
from hutch.api.volumes import Volumes


class Engine(Protocol):
    """Everything the CLI needs, built once per command; each noun on first use."""

    @property
    def containers(self) -> Containers: ...

    @property
    def images(self) -> Images: ...

    @property
    def networks(self) -> Networks: ...

    @property
    def volumes(self) -> Volumes: ...

    @property
    def pods(self) -> Pods: ...

    @property
    def secrets(self) -> Secrets: ...

    @property
    def system(self) -> System: ...

    @property
    def artifacts(self) -> Artifacts: ...
