"""``hutch pod clone``: a new pod with the same options and copies of its containers."""

from __future__ import annotations

from typing import Annotated

import typer

from hutch.cli.state import state_of


def register(pod_app: typer.Typer) -> None:
    @pod_app.command("clone")
    def clone(
        ctx: typer.Context,
        pod: Annotated[str, typer.Argument(help="Pod to clone.")],
        name: Annotated[
            str | None, typer.Option("--name", "-n", help="Name of the clone (POD-clone).")
        ] = None,
        destroy: Annotated[
            bool, typer.Option("--destroy", help="Remove the original pod (and its containers).")
        ] = False,
        start: Annotated[bool, typer.Option("--start", help="Start the clone.")] = False,
        label: Annotated[
            list[str] | None, typer.Option("--label", "-l", help="Add a label (KEY=VALUE).")
        ] = None,
        hostname: Annotated[
            str | None, typer.Option("--hostname", help="Host name of the clone.")
        ] = None,
    ) -> None:
        """Create a copy of a pod and of its containers."""
        from hutch.api.pods import PodCloneOptions

        options = PodCloneOptions(name, destroy, start, tuple(label or ()), hostname)
        print(state_of(ctx).engine().pods.clone(pod, options))
