"""build's --network and --userns* flags: the namespaces every RUN step gets.

podman-build(1)'s --network takes host, none, private (the default of rootless
podman: a namespace of its own, connected by slirp4netns or pasta, with run's
``slirp4netns:OPTIONS`` and ``pasta:OPTIONS``), ns:PATH and, rootful only, a
network's name; hutch's default stays the host's network (no helper to start per
step). ``bridge`` is the private network, as run's ``--network bridge`` is when
rootless.

The --userns-*-map flags would run each step in a user namespace of its own
mapped onto the session's IDs: the steps' files would then land in the layer with
the mapped IDs, and shifting them back means a copy of every layer per step. They
are refused, and so is a path (another process's namespace); "host" (the user
namespace hutch itself runs in, the session's) is what every RUN step gets, and
"container" without a map too: rootless buildah's namespace per step takes the
whole of its own namespace's IDs one to one, which is what the steps see in the
session's (the same IDs, the same owners in the layers).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from hutch.api.build import BuildUserns
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


def check_userns(options: BuildUserns) -> None:
    """Accept what hutch does (RUN in the session's user namespace: --userns host,
    container or ""); refuse the rest with the reason (see the module's docstring)."""
    flags = [
        flag
        for flag, given in (
            ("--userns-uid-map", options.uid_map),
            ("--userns-gid-map", options.gid_map),
            ("--userns-uid-map-user", options.uid_map_user),
            ("--userns-gid-map-group", options.gid_map_group),
        )
        if given
    ]
    mode = options.userns
    if mode not in (None, "", "host", "container"):
        flags.insert(0, f"--userns {mode}")
    if flags:
        raise InvalidArgument(
            f"{flags[0]}: a build's RUN steps run in hutch's own user namespace "
            "(--userns host, or container: the same IDs); a user namespace per step "
            "mapped by the --userns-*-map flags, or another process's, is not supported"
        )
