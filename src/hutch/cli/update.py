"""``hutch update``: change the resource limits and the restart policy of a container.

Its flags are the resource flags of run/create (api/container_flags.py), and
``--restart`` (not the table's: run's defaults to ``no``, update's to unchanged).
"""

from __future__ import annotations

from typing import Annotated, Any

import typer

from hutch.api.container_flags import flags_of
from hutch.cli.flagparams import with_flags
from hutch.cli.state import state_of

# update's options beside the flag table's (the tests of the table and of the man page
# leave them out of their comparison)
OWN_OPTIONS = frozenset({"--restart"})


def register(app: typer.Typer, container_app: typer.Typer) -> None:
    from hutch.api.flagoptions import resource_options

    def update(
        ctx: typer.Context,
        container: Annotated[str, typer.Argument(help="Container.")],
        restart: Annotated[
            str | None,
            typer.Option(
                "--restart",
                help="New restart policy: no, always, unless-stopped, on-failure[:N].",
            ),
        ] = None,
        **values: Any,
    ) -> None:
        """Update the resource limits (at once when it runs) or restart policy of a container."""
        options = resource_options(values)
        print(state_of(ctx).engine().containers.update(container, options, restart))

    with_flags(update, flags_of("update"))
    app.command("update")(update)
    container_app.command("update")(update)
