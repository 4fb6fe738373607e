"""``hutch pod top``: the processes of every running container of a pod."""

from __future__ import annotations

from typing import Annotated

import typer

from hutch.api.errors import InvalidArgument, NoSuchObject
from hutch.cli import render
from hutch.cli.state import state_of

TOP_CONTEXT = {"allow_interspersed_args": False, "help_option_names": ["--help"]}


def register(pod_app: typer.Typer) -> None:
    @pod_app.command("top", context_settings=TOP_CONTEXT)
    def top(
        ctx: typer.Context,
        pod: Annotated[str | None, typer.Argument(help="Pod.")] = None,
        descriptors: Annotated[
            list[str] | None,
            typer.Argument(help="Format descriptors (user pid ppid pcpu etime tty time args...)."),
        ] = None,
        latest: Annotated[
            bool,
            typer.Option(
                "--latest", "-l", help="The pod created last (then every argument is a descriptor)."
            ),
        ] = False,
    ) -> None:
        """Show the running processes of the containers of a pod."""
        if latest:  # podman's: the first argument is a descriptor then
            from hutch.cli.pod_targets import latest_pod

            try:
                found = latest_pod(state_of(ctx))
            except NoSuchObject as e:
                raise NoSuchObject(f"unable to look up requested container: {e}") from None
            pod, descriptors = found, [*([pod] if pod else []), *(descriptors or [])]
        if not pod:
            raise InvalidArgument("you must provide the name or id of a running pod")
        try:
            report = state_of(ctx).engine().pods.top(pod, descriptors or [])
        except NoSuchObject as e:  # podman 4.3.1 says "container" for the pod too
            raise NoSuchObject(f"unable to look up requested container: {e}") from None
        print(render.table(list(report.headers), [list(r) for r in report.rows]), end="")
