"""``hutch pod clone``: a new pod with the same options and copies of its containers.

Its flags are pod create's that podman's pod clone takes too, and its own
``--destroy`` and ``--start``: all declared in api/pod_flags.py. As podman's, it
takes the clone's name as a second argument too.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer

from hutch.api.pod_flags import flags_of
from hutch.cli.flagparams import with_flags
from hutch.cli.state import state_of


def register(pod_app: typer.Typer) -> None:
    def clone(
        ctx: typer.Context,
        pod: Annotated[str, typer.Argument(help="Pod to clone.")],
        new_name: Annotated[
            str | None, typer.Argument(metavar="[NAME]", help="Name of the clone (as --name).")
        ] = None,
        **values: Any,
    ) -> None:
        """Create a copy of a pod and of its containers."""
        from hutch.api.flagoptions import pod_clone_options

        if new_name is not None:  # podman's POD NAME: the argument wins over --name
            values = {**values, "name": new_name}
        print(state_of(ctx).engine().pods.clone(pod, pod_clone_options(values)))

    with_flags(clone, flags_of("pod clone"))
    pod_app.command("clone")(clone)
