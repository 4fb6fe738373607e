"""build's --network: the network every RUN step gets.

podman-build(1)'s --network takes host, none, private (the default of rootless
podman: a namespace of its own, connected by slirp4netns or pasta, with run's
``slirp4netns:OPTIONS`` and ``pasta:OPTIONS``), ns:PATH and, rootful only, a
network's name; hutch's default stays the host's network (no helper to start per
step). ``bridge`` is the private network, as run's ``--network bridge`` is when
rootless.

The --userns flags are build_userns.py's.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from hutch.api.errors import HostNotReady, InvalidArgument
from hutch.runtime.spec_network import NetworkSpec

_PRIVATE = ("private", "bridge")
_HELPERS = ("slirp4netns", "pasta")
_TAKEN = "host, none, private, slirp4netns, pasta or ns:PATH"


@dataclass(frozen=True)
class BuildNetwork:
    mode: str  # host, none, private or ns:PATH (RunSettings.network)
    # private: the helper (pasta or slirp4netns), its options and the layout they give
    private: NetworkSpec = field(default_factory=lambda: NetworkSpec(mode="private"))


def build_network(text: str | None, backend_setting: str) -> BuildNetwork:
    """``--network TEXT`` of build; a private network's helper is chosen now, so that a
    host without one fails before the first step (run's message)."""
    mode = text or "host"
    if mode in ("host", "none", "default"):
        return BuildNetwork("host" if mode == "default" else mode)
    if mode.startswith("ns:"):
        path = mode[3:]
        if not path or not os.path.exists(path):
            raise InvalidArgument(f"--network {mode}: {path or 'PATH'}: no such file or directory")
        return BuildNetwork(mode)
    name = mode.partition(":")[0]
    if name.startswith("container"):
        raise InvalidArgument(f"--network {mode}: a build's RUN steps take {_TAKEN}")
    if mode not in _PRIVATE and name not in _HELPERS:
        # podman 4.3.1's words for any network name when rootless
        raise InvalidArgument("cannot use networks as rootless")
    from hutch.engine.helper_options import parse
    from hutch.net.backend import choose_backend

    layout = parse(mode)  # refused before the helper is looked for, as run's
    choice = choose_backend(name if name in _HELPERS else backend_setting)
    if not choice.name:
        raise HostNotReady(
            f"the private network cannot be used: {choice.reason}",
            hint="or build with --network host or --network none",
        )
    return BuildNetwork("private", layout.spec(choice.name))
