"""``hutch image scp``: copy an image to or from another host (or user) over ssh."""

from __future__ import annotations

import os
import shlex
from typing import Annotated

import typer

from hutch.api.errors import InvalidArgument
from hutch.api.image_scp import REMOTE_COMMAND, SSH_COMMAND, ScpOptions, plan
from hutch.cli.state import state_of

# The environment that says how to reach a remote side (podman has no equivalent:
# it always runs ``podman`` there, with the ssh settings of a system connection)
SSH_ENV = "HUTCH_SCP_SSH"
REMOTE_ENV = "HUTCH_SCP_REMOTE_COMMAND"


def register(image_app: typer.Typer) -> None:
    @image_app.command("scp")
    def scp(
        ctx: typer.Context,
        args: Annotated[
            list[str] | None,
            typer.Argument(
                help="Image or host of each side: IMAGE, or [USER@]HOST[:PORT]::[IMAGE].",
                metavar="SOURCE [DESTINATION]",
                show_default=False,
            ),
        ] = None,
        quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Suppress the output.")] = False,
    ) -> None:
        """Securely copy an image from one host to another (with ssh)."""
        options = ScpOptions(
            plan(tuple(args or ())),
            quiet=quiet,
            ssh=ssh_command(os.environ.get(SSH_ENV, "")),
            remote=os.environ.get(REMOTE_ENV, "").strip() or REMOTE_COMMAND,
        )
        report = state_of(ctx).engine().images.scp(options)
        if not quiet:
            for name in report.loaded:
                print(f"Loaded image: {name}")


def ssh_command(text: str) -> tuple[str, ...]:
    """``HUTCH_SCP_SSH`` split as a shell would (``ssh -F FILE -i KEY``); ssh when unset."""
    try:
        words = tuple(shlex.split(text))
    except ValueError as exc:
        raise InvalidArgument(f"{SSH_ENV}={text!r}: {exc}") from None
    return words or SSH_COMMAND
