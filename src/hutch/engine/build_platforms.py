"""build --all-platforms: the platforms every base image of the Containerfile is
available for (podman-build(1): each base's manifest list, local or a registry's;
a stage on scratch or on another stage adds none).

hutch runs RUN steps natively and emulates no other architecture, so a build
is made for the host's platform alone: when the bases offer more, the others are
refused by name, as --platform refuses them, before anything is built.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from hutch.api.errors import InvalidArgument
from hutch.build import instructions as ins
from hutch.build import stages
from hutch.oci.platform import Platform

PlatformsOf = Callable[[str], Sequence[Platform]]  # a base image's name -> its platforms


def _key(platform: Platform) -> tuple[str, str, str]:
    return (platform.os, platform.architecture, platform.variant or "")


def _text(key: tuple[str, str, str]) -> str:
    return "/".join(part for part in key if part)


def base_names(cf: ins.Containerfile, build_args: Mapping[str, str], host: Platform) -> list[str]:
    """The images the stages stand on, as their FROM lines name them after the ARGs
    before the first FROM (scratch and earlier stages left out)."""
    predefined = stages.platform_args(host.os, host.architecture, host.variant)
    env = stages.global_args(cf, build_args, predefined)
    names = []
    for stage in cf.stages:
        base = stages.base_of(cf, stage, env)
        if base == "scratch" or stages.find_stage(cf, base, stage.index) is not None:
            continue
        if base not in names:
            names.append(base)
    return names


def check_all_platforms(names: Sequence[str], platforms_of: PlatformsOf, host: Platform) -> None:
    """Refuse unless the platforms all the bases share are the host's alone."""
    if not names:
        raise InvalidArgument(
            "--all-platforms: no base image to take the platforms from (every stage "
            "stands on scratch or on another stage)"
        )
    shared: list[tuple[str, str, str]] | None = None
    for name in names:
        keys = [_key(p) for p in platforms_of(name)]
        shared = keys if shared is None else [k for k in shared if k in keys]
    wanted = list(dict.fromkeys(shared or ()))
    if not wanted:
        raise InvalidArgument(
            f"--all-platforms: the base images {', '.join(names)} have no platform in common"
        )
    own = {_key(host), _key(Platform(host.os, host.architecture))}
    foreign = [k for k in wanted if k not in own and (k[0], k[1], "") not in own]
    if foreign:
        raise InvalidArgument(
            f"--all-platforms: {', '.join(_text(k) for k in foreign)}: only the host's "
            f"platform ({host}) can be built, hutch does not emulate others"
        )
