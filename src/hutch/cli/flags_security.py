"""The security flags of ``run`` and ``create``, declared once."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from hutch.api.container_config import SecurityOptions


CapAdd = Annotated[
    list[str] | None,
    typer.Option("--cap-add", help="Add Linux capabilities (NAME, CAP_NAME or ALL)."),
]
CapDrop = Annotated[
    list[str] | None,
    typer.Option("--cap-drop", help="Drop Linux capabilities (NAME, CAP_NAME or ALL)."),
]
Privileged = Annotated[
    bool,
    typer.Option(
        "--privileged",
        help="All capabilities of the user namespace, no seccomp, no masked paths, host devices.",
    ),
]
SecurityOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--security-opt",
        help="seccomp=unconfined|PROFILE.json, no-new-privileges, mask=PATHS, unmask=ALL|PATHS, "
        "label=disable.",
    ),
]
ReadOnly = Annotated[
    bool, typer.Option("--read-only", help="Mount the container's root filesystem read-only.")
]
ReadOnlyTmpfs = Annotated[
    str,
    typer.Option(
        "--read-only-tmpfs",
        help="With --read-only, mount tmpfs on /tmp, /var/tmp and /run (true or false).",
    ),
]
Sysctl = Annotated[
    list[str] | None,
    typer.Option("--sysctl", help="Set a namespaced kernel parameter (NAME=VALUE)."),
]
Ulimit = Annotated[
    list[str] | None,
    typer.Option(
        "--ulimit", help="Set a resource limit (NAME=SOFT[:HARD], e.g. nofile=1024:2048)."
    ),
]
Device = Annotated[
    list[str] | None,
    typer.Option("--device", help="Add a host device: HOST[:CONTAINER][:PERMISSIONS]."),
]
GroupAdd = Annotated[
    list[str] | None,
    typer.Option("--group-add", help="Add a supplementary group (name, number or keep-groups)."),
]
Userns = Annotated[
    str | None,
    typer.Option(
        "--userns",
        help="User namespace: host (the session), keep-id[:uid=,gid=], nomap, auto[:size=].",
    ),
]
Uidmap = Annotated[
    list[str] | None,
    typer.Option("--uidmap", help="Map container uids: CONTAINER:HOST:SIZE."),
]
Gidmap = Annotated[
    list[str] | None,
    typer.Option("--gidmap", help="Map container gids: CONTAINER:HOST:SIZE."),
]
Subuidname = Annotated[
    str | None,
    typer.Option("--subuidname", help="Map uids from this /etc/subuid entry."),
]
Subgidname = Annotated[
    str | None,
    typer.Option("--subgidname", help="Map gids from this /etc/subgid entry."),
]


def _bool(text: str, flag: str) -> bool:
    value = text.strip().lower()
    if value not in ("true", "false"):
        raise typer.BadParameter(f"{flag} takes true or false, not {text!r}")
    return value == "true"


def to_options(
    *,
    cap_add: list[str] | None,
    cap_drop: list[str] | None,
    privileged: bool,
    security_opt: list[str] | None,
    read_only: bool,
    read_only_tmpfs: str,
    sysctl: list[str] | None,
    ulimit: list[str] | None,
    device: list[str] | None,
    group_add: list[str] | None,
    userns: str | None,
    uidmap: list[str] | None,
    gidmap: list[str] | None,
    subuidname: str | None,
    subgidname: str | None,
) -> SecurityOptions:
    from hutch.api.container_config import SecurityOptions

    return SecurityOptions(
        cap_add=tuple(cap_add or ()),
        cap_drop=tuple(cap_drop or ()),
        privileged=privileged,
        security_opt=tuple(security_opt or ()),
        read_only=read_only,
        read_only_tmpfs=_bool(read_only_tmpfs, "--read-only-tmpfs"),
        sysctl=tuple(sysctl or ()),
        ulimit=tuple(ulimit or ()),
        device=tuple(device or ()),
        group_add=tuple(group_add or ()),
        userns=userns,
        uidmap=tuple(uidmap or ()),
        gidmap=tuple(gidmap or ()),
        subuidname=subuidname,
        subgidname=subgidname,
    )
