"""``hutch machine`` and ``hutch farm``: podman's commands that have no place in hutch,
refused with the reason (exit 125) rather than an unknown-command error."""

from __future__ import annotations

from typing import Annotated

import typer

from hutch.api.errors import InvalidArgument

# podman machine runs containers in a VM for hosts without a Linux kernel of their own
MACHINE_REASON = (
    "machine is not supported: hutch runs containers natively on this Linux host, "
    "no virtual machine is needed"
)
ANY_ARGS = {"ignore_unknown_options": True, "allow_extra_args": True}


def register(app: typer.Typer) -> None:
    @app.command("machine", context_settings=ANY_ARGS)
    def machine(words: Annotated[list[str] | None, typer.Argument(help="Refused.")] = None) -> None:
        """Refused: hutch runs containers natively on this Linux host (no VM)."""
        raise InvalidArgument(MACHINE_REASON)

    @app.command("farm", context_settings=ANY_ARGS)
    def farm(words: Annotated[list[str] | None, typer.Argument(help="Refused.")] = None) -> None:
        """Refused: hutch has no remote mode (podman's build farms)."""
        from hutch.cli.globals_ import REMOTE_HINT

        raise InvalidArgument(f"farm is not supported: {REMOTE_HINT}")
