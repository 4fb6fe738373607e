"""``hutch update``: change the resource limits of a container.

Its flags are the resource flags of run/create (api/container_flags.py).
"""

from __future__ import annotations

from typing import Annotated, Any

import typer

from hutch.cli.flagparams import with_flags
from hutch.cli.state import state_of


def register(app: typer.Typer, container_app: typer.Typer) -> None:
    from hutch.api.flagoptions import resource_options

    def update(
        ctx: typer.Context,
        container: Annotated[str, typer.Argument(help="Container.")],
        **values: Any,
    ) -> None:
        """Update the resource limits of a container (at once when it is running)."""
        options = resource_options(values)
        print(state_of(ctx).engine().containers.update(container, options))

    with_flags(update, "update")
    app.command("update")(update)
    container_app.command("update")(update)
