"""The flags ``run`` and ``create`` share, declared once as annotated types."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from hutch.api.container_config import RunOptions


Image = Annotated[str, typer.Argument(help="Image to run.")]
Command = Annotated[
    list[str] | None,
    typer.Argument(help="Command and arguments (default: the image's Entrypoint and Cmd)."),
]
Rm = Annotated[bool, typer.Option("--rm", help="Remove the container when it exits.")]
Interactive = Annotated[
    bool, typer.Option("--interactive", "-i", help="Keep stdin open and pass it to the container.")
]
Tty = Annotated[bool, typer.Option("--tty", "-t", help="Allocate a pseudo-terminal.")]
Env = Annotated[
    list[str] | None,
    typer.Option("--env", "-e", help="Set an environment variable (NAME=VALUE, or NAME to copy)."),
]
EnvFile = Annotated[
    list[str] | None, typer.Option("--env-file", help="Read environment variables from a file.")
]
Workdir = Annotated[
    str | None, typer.Option("--workdir", "-w", help="Working directory inside the container.")
]
User = Annotated[
    str | None,
    typer.Option("--user", "-u", help="User (name or uid, optionally :group) to run as."),
]
Entrypoint = Annotated[
    str | None,
    typer.Option("--entrypoint", help="Override the image's entrypoint (string or JSON array)."),
]
Hostname = Annotated[str | None, typer.Option("--hostname", "-h", help="Container host name.")]
Name = Annotated[str | None, typer.Option("--name", help="Name of the container.")]
Network = Annotated[
    str,
    typer.Option(
        "--network",
        "--net",
        help="Network: private (default), none, host, container:NAME, ns:PATH or NET[,NET].",
    ),
]
Restart = Annotated[
    str,
    typer.Option("--restart", help="Restart policy: no, always, unless-stopped, on-failure[:N]."),
]
Label = Annotated[
    list[str] | None,
    typer.Option("--label", "-l", help="Set a label (KEY=VALUE) on the container."),
]
StopSignal = Annotated[
    str | None,
    typer.Option(
        "--stop-signal", help="Signal that stops the container (default: image's, or SIGTERM)."
    ),
]
StopTimeout = Annotated[
    int | None,
    typer.Option("--stop-timeout", help="Seconds to wait after the stop signal before SIGKILL."),
]
Cidfile = Annotated[
    str | None, typer.Option("--cidfile", help="Write the container id to this file.")
]
Replace = Annotated[
    bool,
    typer.Option(
        "--replace", help="Remove a container of the same --name first (a restarted service)."
    ),
]
Sdnotify = Annotated[
    str,
    typer.Option(
        "--sdnotify",
        help="Under systemd (NOTIFY_SOCKET): conmon says READY=1 once the container runs; "
        "ignore says nothing.",
    ),
]
Tz = Annotated[
    str | None,
    typer.Option(
        "--tz", help="Time zone of the container: local (the host's) or a zone like Europe/Paris."
    ),
]


def run_options(
    *,
    image: str,
    command: list[str] | None,
    rm: bool,
    interactive: bool,
    tty: bool,
    env: list[str] | None,
    env_file: list[str] | None,
    workdir: str | None,
    user: str | None,
    entrypoint: str | None,
    hostname: str | None,
    name: str | None,
    network: str,
    restart: str,
    label: list[str] | None,
    stop_signal: str | None,
    stop_timeout: int | None,
    cidfile: str | None,
    detach: bool,
    tz: str | None = None,
    replace: bool = False,
    sdnotify: str = "conmon",
) -> RunOptions:
    from hutch.api.container_config import RunOptions

    return RunOptions(
        image=image,
        command=tuple(command or ()),
        remove=rm,
        interactive=interactive,
        tty=tty,
        env=tuple(env or ()),
        env_files=tuple(env_file or ()),
        workdir=workdir,
        user=user,
        entrypoint=entrypoint,
        hostname=hostname,
        name=name,
        network=network,
        detach=detach,
        restart=restart,
        labels=tuple(label or ()),
        stop_signal=stop_signal,
        stop_timeout=stop_timeout,
        cidfile=cidfile,
        timezone=tz,
        replace=replace,
        sdnotify=sdnotify,
    )
