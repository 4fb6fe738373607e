"""``run``/``create`` flags that decide whether and what to pull (``--pull``, ``--platform``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from hutch.api.errors import InvalidArgument

if TYPE_CHECKING:
    from hutch.api.container_config import ImagePullOptions

Pull = Annotated[
    str,
    typer.Option(
        "--pull",
        help="Pull the image: missing (default), always, never, newer.",
    ),
]
Platform = Annotated[
    str | None,
    typer.Option("--platform", help="Platform OS/ARCH[/VARIANT] of the image to pull."),
]
Arch = Annotated[str | None, typer.Option("--arch", help="Architecture of the image to pull.")]
Os = Annotated[str | None, typer.Option("--os", help="Operating system of the image to pull.")]
Variant = Annotated[
    str | None, typer.Option("--variant", help="Architecture variant of the image to pull.")
]
QuietPull = Annotated[
    bool, typer.Option("--quiet", "-q", help="Print no progress while pulling the image.")
]


def to_options(
    *,
    pull: str,
    platform: str | None,
    arch: str | None,
    os_: str | None,
    variant: str | None,
    quiet: bool,
) -> ImagePullOptions:
    from hutch.api.container_config import PULL_POLICIES, ImagePullOptions

    policy = pull.lower()
    if policy == "true":
        policy = "always"
    elif policy == "false":
        policy = "missing"
    if policy not in PULL_POLICIES:
        raise InvalidArgument(f"--pull {pull!r}: expected one of {', '.join(PULL_POLICIES)}")
    return ImagePullOptions(policy, platform, arch, os_, variant, quiet)
