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
        userns: Annotated[
            str | None,
            typer.Option(
                "--userns",
                help="User namespace of the clone (keep-id, auto, nomap; host); "
                "replaces the pod's namespace and maps.",
            ),
        ] = None,
        uidmap: Annotated[
            list[str] | None,
            typer.Option(
                "--uidmap",
                help="The clone's user namespace with this uid map, CONTAINER:HOST:SIZE "
                "(repeatable; default: the pod's maps).",
            ),
        ] = None,
        gidmap: Annotated[
            list[str] | None,
            typer.Option(
                "--gidmap", help="The gid map of the clone's user namespace, CONTAINER:HOST:SIZE."
            ),
        ] = None,
        subuidname: Annotated[
            str | None,
            typer.Option("--subuidname", help="Map the clone's uids from this /etc/subuid entry."),
        ] = None,
        subgidname: Annotated[
            str | None,
            typer.Option("--subgidname", help="Map the clone's gids from this /etc/subgid entry."),
        ] = None,
    ) -> None:
        """Create a copy of a pod and of its containers."""
        from hutch.api.pods import PodCloneOptions

        options = PodCloneOptions(
            name,
            destroy,
            start,
            tuple(label or ()),
            hostname,
            userns=userns,
            uidmap=tuple(uidmap or ()),
            gidmap=tuple(gidmap or ()),
            subuidname=subuidname,
            subgidname=subgidname,
        )
        print(state_of(ctx).engine().pods.clone(pod, options))
