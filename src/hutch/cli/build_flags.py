"""More of ``hutch build``'s flags (cli/build.py declares the rest): RUN's namespaces,
devices and input, the image's OS fields, cpp, the log split and the ones podman
takes for a runtime or for docker that hutch accepts with a word of what it does."""

from __future__ import annotations

from typing import Annotated

import typer

_NS = "{} namespace of RUN: private (or container, ''), host, or a namespace's PATH."
Pid = Annotated[str | None, typer.Option("--pid", help=_NS.format("The PID"))]
Ipc = Annotated[str | None, typer.Option("--ipc", help=_NS.format("The IPC"))]
Uts = Annotated[str | None, typer.Option("--uts", help=_NS.format("The UTS"))]
Cgroupns = Annotated[str | None, typer.Option("--cgroupns", help=_NS.format("The cgroup"))]
Devices = Annotated[
    list[str] | None,
    typer.Option("--device", help="A host device for RUN: HOST[:CONTAINER][:PERMS] (repeatable)."),
]
CgroupParent = Annotated[
    str | None,
    typer.Option("--cgroup-parent", help="The cgroup each RUN step's is made under."),
]
Stdin = Annotated[bool, typer.Option("--stdin", help="RUN steps read the build's standard input.")]
OsFeatures = Annotated[
    list[str] | None,
    typer.Option(
        "--os-feature",
        help="Add a required OS feature to the image (FEATURE- removes one; repeatable).",
    ),
]
OsVersion = Annotated[
    str | None, typer.Option("--os-version", help="The image's required OS version.")
]
CppFlags = Annotated[
    list[str] | None,
    typer.Option(
        "--cpp-flag", help="A flag for cpp, run on a Containerfile ending in .in (repeatable)."
    ),
]
AllPlatforms = Annotated[
    bool,
    typer.Option(
        "--all-platforms",
        help="Build for every platform of the bases (the host's only: others are refused).",
    ),
]
Logsplit = Annotated[
    bool,
    typer.Option("--logsplit", help="With --logfile: log to LOGFILE_OS_ARCH instead."),
]
HooksDirs = Annotated[
    list[str] | None,
    typer.Option("--hooks-dir", help="Accepted: hutch runs no OCI hooks (warns if PATH has some)."),
]
RuntimeFlags = Annotated[
    list[str] | None,
    typer.Option(
        "--runtime-flag", help="Accepted: hutch's runtime is built in and takes none (warns)."
    ),
]
DisableContentTrust = Annotated[
    bool,
    typer.Option("--disable-content-trust", help="Accepted (docker's): no effect."),
]
