"""``hutch secret create``: store a secret from a file, stdin or a variable; print its id."""

from __future__ import annotations

import io
import os
import stat
import sys
from typing import Annotated, TextIO

import typer

from hutch.api.errors import InvalidArgument
from hutch.cli.state import state_of


def read_data(source: str, from_env: bool) -> bytes:
    """The secret's bytes, as podman's client reads them (its words for each failure)."""
    if from_env:
        value = os.environ.get(source, "")
        if not value:
            raise InvalidArgument(
                f"cannot create store secret data: environment variable {source} is not set"
            )
        return os.fsencode(value)
    if source in ("-", "/dev/stdin"):
        if sys.stdin is None or not _piped(sys.stdin):
            raise InvalidArgument("if `-` is used, data must be passed into stdin")
        return sys.stdin.buffer.read()
    try:
        with open(source, "rb") as file:
            return file.read()
    except IsADirectoryError:
        # podman opens a directory and reads nothing from it: no data, refused by the
        # size check in its words
        return b""
    except OSError as e:
        raise InvalidArgument(f"open {source}: {(e.strerror or str(e)).lower()}") from None


def _piped(stream: TextIO) -> bool:
    """Data comes on ``stream`` (podman wants a pipe; a redirected file is taken too,
    a terminal or /dev/null is refused in podman's words)."""
    try:
        mode = os.fstat(stream.fileno()).st_mode
    except (OSError, ValueError, io.UnsupportedOperation):
        return not stream.isatty()
    return stat.S_ISFIFO(mode) or stat.S_ISREG(mode) or stat.S_ISSOCK(mode)


def register(secret_app: typer.Typer) -> None:
    @secret_app.command("create")
    def create(
        ctx: typer.Context,
        name: Annotated[str, typer.Argument(help="Name of the new secret.")],
        source: Annotated[
            str,
            typer.Argument(
                help="File with the secret's data, - for stdin (with --env: a variable's name)."
            ),
        ],
        driver: Annotated[
            str,
            typer.Option(
                "--driver",
                "-d",
                help="Secret driver (only file; default: containers.conf's [secrets] driver).",
            ),
        ] = "",
        driver_opts: Annotated[
            list[str] | None,
            typer.Option(
                "--driver-opts",
                help="Driver options KEY=VALUE[,...] (file: path=DIR; default: "
                "containers.conf's [secrets.opts]).",
            ),
        ] = None,
        env: Annotated[
            bool, typer.Option("--env", help="Read the data from the environment variable SOURCE.")
        ] = False,
        label: Annotated[
            list[str] | None, typer.Option("--label", "-l", help="Set a label (KEY=VALUE).")
        ] = None,
        replace: Annotated[
            bool,
            typer.Option(
                "--replace", help="If a secret of that name exists, replace its data (new id)."
            ),
        ] = False,
        ignore: Annotated[
            bool,
            typer.Option(
                "--ignore", help="If a secret of that name exists, keep it and print its id."
            ),
        ] = False,
    ) -> None:
        """Create a secret and print its id."""
        from hutch.api.secrets import SecretCreateOptions

        data = read_data(source, env)
        options = SecretCreateOptions(
            name,
            data,
            driver=driver,
            driver_options=tuple(driver_opts or ()),
            labels=tuple(label or ()),
            replace=replace,
            ignore=ignore,
        )
        print(state_of(ctx).engine().secrets.create(options))
