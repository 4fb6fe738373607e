"""The whole engine: every noun's protocol in one, what the CLI is given."""

from __future__ import annotations

from typing import Protocol

from hutch.api.build import BuildEngine
from hutch.api.containers import ContainerEngine, ContainerFilesEngine, ResourceEngine
from hutch.api.images import ImageEngine
from hutch.api.networks import NetworkEngine
from hutch.api.system import SystemEngine
from hutch.api.volumes import VolumeEngine


class Engine(
    ImageEngine,
    ContainerEngine,
    ContainerFilesEngine,
    SystemEngine,
    BuildEngine,
    VolumeEngine,
    NetworkEngine,
    ResourceEngine,
    Protocol,
):
    """Everything the CLI needs, built once per command."""
