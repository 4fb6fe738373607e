"""``hutch pod create``: make a pod (its infra container holds the shared namespaces).

``pod_create_command`` does the work; the fast path (cli/fast.py) calls it
without typer, the typer command of ``register`` with the same values. The
flags are declared once, in api/pod_flags.py (pod clone takes many of them). So
that this module imports without typer, it has no ``from __future__ import
annotations``: register's parameter annotations are evaluated where they are
written, inside register, which imports typer.
"""

# typing costs an import on the fast path (issue 16); mypy reads this alike
TYPE_CHECKING = False

if TYPE_CHECKING:
    from typing import Any

    import typer

    from hutch.cli.state import AppState


def pod_create_command(
    state: "AppState",
    *,
    pod_id_file: str | None = None,
    name_arg: str | None = None,
    **values: "Any",
) -> int:
    """Create a pod; print its id. ``values``: one per flag of the table
    (api/pod_flags.py), keyed by ``Flag.key``; ``name_arg``: podman's ``[NAME]``
    argument, another way to say ``--name``."""
    from hutch.api.flagoptions import pod_create_options

    if name_arg is not None:
        if values.get("name"):
            from hutch.api.errors import InvalidArgument

            raise InvalidArgument("cannot specify --name and NAME at the same time")  # podman's
        values["name"] = name_arg

    options = pod_create_options(values, create_command=state.command_line)
    pod_id = state.engine().pods.create(options)
    if pod_id_file:
        with open(pod_id_file, "w") as f:
            f.write(pod_id)
    print(pod_id)
    return 0


def register(pod_app: "typer.Typer") -> None:
    from typing import Annotated, Any

    import typer

    from hutch.api.pod_flags import flags_of
    from hutch.cli.flagparams import with_flags
    from hutch.cli.state import state_of

    def create(
        ctx: typer.Context,
        name_arg: Annotated[
            str | None,
            typer.Argument(
                metavar="[NAME]", help="The pod's name (as --name).", show_default=False
            ),
        ] = None,
        *,
        pod_id_file: Annotated[
            str | None, typer.Option("--pod-id-file", help="Write the pod id to this file.")
        ] = None,
        **values: Any,
    ) -> None:
        """Create a pod."""
        raise typer.Exit(
            pod_create_command(state_of(ctx), pod_id_file=pod_id_file, name_arg=name_arg, **values)
        )

    with_flags(create, flags_of("pod create"))
    pod_app.command("create")(create)
