"""``hutch volume import``: extract a tar archive into an existing volume."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from hutch.api.errors import InvalidArgument
from hutch.cli.state import state_of


def register(volume_app: typer.Typer) -> None:
    @volume_app.command("import")
    def import_(
        ctx: typer.Context,
        name: Annotated[str, typer.Argument(help="Volume name.")],
        source: Annotated[str, typer.Argument(help="Tar archive to read, or - for stdin.")],
    ) -> None:
        """Extract a tar archive into an existing volume."""
        engine = state_of(ctx).engine()
        if source == "-":
            engine.volumes.import_(name, sys.stdin.buffer)
            return
        try:
            f = open(source, "rb")  # noqa: SIM115 - closed below
        except OSError as exc:
            # Go's os.Open error, as podman prints it: "open PATH: no such file or directory"
            reason = exc.strerror or str(exc)
            raise InvalidArgument(f"open {source}: {reason[:1].lower()}{reason[1:]}") from exc
        with f:
            engine.volumes.import_(name, f)
